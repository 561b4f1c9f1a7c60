"""``twintowns place``: one place, its facts and how many partnerships it has."""

from __future__ import annotations

import argparse

from twintowns.cli.commands.common import add_place, record
from twintowns.cli.context import EXIT_OK, Command, Context
from twintowns.cli.render import dump_json, keyvalues


def arguments(p: argparse.ArgumentParser) -> None:
    add_place(p)


def run(ctx: Context) -> int:
    place = ctx.place(ctx.args.query)
    partnerships = ctx.partnerships_of(place)
    by_status: dict[str, int] = {}
    for p in partnerships:
        by_status[p.status.value] = by_status.get(p.status.value, 0) + 1
    if ctx.json:
        dump_json(
            {
                "place": record(place),
                "partnerships": {"total": len(partnerships), "by_status": by_status},
            },
            ctx.stdout,
        )
        return EXIT_OK
    counts = ", ".join(f"{n} {s}" for s, n in by_status.items())
    rows = [
        ("id", place.id),
        (
            "name",
            place.name if place.name == place.ascii_name else f"{place.name} ({place.ascii_name})",
        ),
        ("kind", place.kind.value),
        ("country", place.country + (f", {place.subdivision}" if place.subdivision else "")),
        ("continent", f"{place.continent.value} ({place.continent.label})"),
        ("coordinates", f"{place.latitude:.5f}, {place.longitude:.5f}"),
        ("timezone", place.timezone),
        ("population", "unknown" if place.population is None else f"{place.population:,}"),
    ]
    if place.wikidata:
        rows.append(("wikidata", place.wikidata))
    if place.aliases:
        rows.append(("aliases", "; ".join(place.aliases)))
    rows.append(("partnerships", f"{len(partnerships)}" + (f" ({counts})" if counts else "")))
    ctx.out(place.label)
    ctx.out(keyvalues(rows))
    return EXIT_OK


COMMAND = Command(
    "place",
    "show one place: id, country, coordinates, time zone, partnerships",
    ("twintowns place Charlotte", "twintowns place 'Orange, FR' --json"),
    arguments,
    run,
)
