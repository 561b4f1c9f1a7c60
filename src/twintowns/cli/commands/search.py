"""``twintowns search``: fuzzy, typo-tolerant search of place names."""

from __future__ import annotations

import argparse

from twintowns.cli.commands.common import positive, record, show
from twintowns.cli.context import EXIT_OK, Command, Context
from twintowns.cli.render import dump_json


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY", help="a name, typos allowed")
    p.add_argument("--limit", type=positive, default=10, help="most results (default 10)")


def run(ctx: Context) -> int:
    found = ctx.atlas().search(ctx.args.query, limit=ctx.args.limit)
    if ctx.json:
        dump_json({"query": ctx.args.query, "results": [record(p) for p in found]}, ctx.stdout)
        return EXIT_OK
    if not found:
        ctx.err(f"twintowns: nothing resembles {ctx.args.query!r}")
        return EXIT_OK
    rows = [
        [
            p.name,
            p.subdivision or "",
            p.country,
            p.kind.value,
            "" if p.population is None else f"{p.population:,}",
            p.id,
        ]
        for p in found
    ]
    show(ctx, ["Name", "Subdivision", "Country", "Kind", "Population", "Id"], rows, "llllrl")
    return EXIT_OK


COMMAND = Command(
    "search",
    "fuzzy, typo-tolerant search of place names",
    ("twintowns search wroclav", "twintowns search Springfield --limit 20"),
    arguments,
    run,
)
