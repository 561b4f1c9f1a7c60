"""``twintowns distance``: great-circle (or geodesic) distance between two places."""

from __future__ import annotations

import argparse

from twintowns.cli.commands.common import number, record
from twintowns.cli.context import EXIT_OK, Command, Context
from twintowns.cli.render import dump_json


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="first place")
    p.add_argument("b", metavar="B", help="second place")
    p.add_argument("--unit", default="km", help="km, mi, nmi, m, ft (default km)")
    p.add_argument(
        "--method",
        choices=("haversine", "geodesic"),
        default="haversine",
        help="great circle on a sphere, or WGS-84 geodesic (needs geographiclib)",
    )


def run(ctx: Context) -> int:
    from twintowns.geography import bearing, distance, parse_unit

    unit = parse_unit(ctx.args.unit)
    a, b = ctx.place(ctx.args.a), ctx.place(ctx.args.b)
    value = distance(a, b, unit=unit, method=ctx.args.method)
    heading = bearing(a, b)
    if ctx.json:
        dump_json(
            {
                "from": record(a),
                "to": record(b),
                "distance": value,
                "unit": unit,
                "method": ctx.args.method,
                "initial_bearing": heading,
            },
            ctx.stdout,
        )
        return EXIT_OK
    ctx.out(
        f"{a.label} → {b.label}: {number(value)} {unit} "
        f"({ctx.args.method}; initial bearing {heading:.1f}°)"
    )
    return EXIT_OK


COMMAND = Command(
    "distance",
    "great-circle (or geodesic) distance between two places",
    ("twintowns distance Charlotte Arequipa --unit mi", "twintowns distance Paris Rome --json"),
    arguments,
    run,
)
