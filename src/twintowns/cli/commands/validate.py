"""``twintowns validate``: check an agreement file against a policy."""

from __future__ import annotations

import argparse

from twintowns.cli.context import EXIT_INVALID, EXIT_OK, Command, Context
from twintowns.cli.render import dump_json


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="an agreement in TOML or JSON")
    p.add_argument(
        "--policy",
        default="sci",
        help="sci (Sister Cities International, default), charlotte, redwood-city or paris",
    )


def run(ctx: Context) -> int:
    from twintowns.agreements import Agreement, policies, validate

    policy = policies.by_name(ctx.args.policy)
    agreement = Agreement.from_file(ctx.args.file)
    report = validate(agreement, policy, atlas=ctx.atlas())
    if ctx.json:
        document = report.to_dict()
        document["file"] = ctx.args.file
        dump_json(document, ctx.stdout)
    else:
        ctx.out(report.format())
    return EXIT_OK if report.ok else EXIT_INVALID


COMMAND = Command(
    "validate",
    "check an agreement file against a policy (exit code 1 when invalid)",
    (
        "twintowns validate agreement.toml",
        "twintowns validate agreement.json --policy charlotte",
    ),
    arguments,
    run,
)
