"""``twintowns partners``: the partners of a place, with kind, status, date and distance."""

from __future__ import annotations

import argparse

from twintowns.cli.commands.common import (
    add_place,
    add_status,
    kind_list,
    number,
    record,
    show,
    status_list,
)
from twintowns.cli.context import EXIT_OK, Command, Context
from twintowns.cli.render import dump_json

_SORTS = ("name", "distance", "established")


def arguments(p: argparse.ArgumentParser) -> None:
    add_place(p)
    add_status(p)
    p.add_argument(
        "--kind",
        action="append",
        metavar="K",
        help="only this kind: sister, friendship, partner (comma-separated or repeated)",
    )
    p.add_argument("--sort", choices=_SORTS, default="name", help="row order (default: name)")
    p.add_argument("--unit", default="km", help="distance unit: km, mi, nmi, … (default km)")


def run(ctx: Context) -> int:
    from twintowns.geography import distance, parse_unit

    unit = parse_unit(ctx.args.unit)
    from twintowns.filters import kind_filter, status_filter

    statuses, kinds = (
        status_filter(status_list(ctx.args.status)),
        kind_filter(kind_list(ctx.args.kind)),
    )
    place = ctx.place(ctx.args.query)
    found = [
        p
        for p in ctx.partnerships_of(place)
        if (statuses is None or p.status in statuses) and (kinds is None or p.kind in kinds)
    ]
    rows = [(p, p.other(place), distance(place, p.other(place), unit=unit)) for p in found]
    if ctx.args.sort == "distance":
        rows.sort(key=lambda r: (r[2], r[1].name, r[1].id))
    elif ctx.args.sort == "established":
        # ISO partial dates sort as text: "1962" < "1962-02" < "1962-02-05" < "1963"
        rows.sort(key=lambda r: (r[0].established is None, str(r[0].established), r[1].name))
    if ctx.json:
        dump_json(
            {
                "place": record(place),
                "unit": unit,
                "sort": ctx.args.sort,
                "count": len(rows),
                "partners": [
                    {
                        "partner": record(other),
                        "kind": p.kind.value,
                        "status": p.status.value,
                        "established": None if p.established is None else str(p.established),
                        "ended": None if p.ended is None else str(p.ended),
                        "note": p.note,
                        "as_of": None if p.as_of is None else str(p.as_of),
                        "status_basis": p.status_basis.value,
                        "distance": d,
                    }
                    for p, other, d in rows
                ],
            },
            ctx.stdout,
        )
        return EXIT_OK
    ctx.out(f"{place.label}: {len(rows)} partner{'s' if len(rows) != 1 else ''}")
    show(
        ctx,
        [
            "Partner",
            "Subdivision",
            "Country",
            "Kind",
            "Status",
            "Established",
            f"Distance ({unit})",
            "Basis",
            "As of",
        ],
        [
            [
                other.name,
                other.subdivision or "",
                other.country,
                p.kind.value,
                p.status.value if p.ended is None else f"{p.status.value} {p.ended}",
                "" if p.established is None else str(p.established),
                number(d, 0),
                p.status_basis.value,
                "" if p.as_of is None else str(p.as_of),
            ]
            for p, other, d in rows
        ],
        "llllllrll",
    )
    notes = [(other, p.note) for p, other, _d in rows if p.note]
    if notes:
        ctx.out("Notes:")
        for other, note in notes:
            ctx.out(f"  {other.name}: {note}")
    if rows:
        ctx.out(
            "Basis listed: a source lists the tie, none states its status (active: no end "
            "known); confirmed: a dated source states the status. As of: the newest date a "
            "source lists the tie or states its status."
        )
    return EXIT_OK


COMMAND = Command(
    "partners",
    "the partners of a place, with kind, status, date and distance",
    (
        "twintowns partners Charlotte",
        "twintowns partners Charlotte --status active --sort distance --unit mi",
    ),
    arguments,
    run,
)
