"""``twintowns map``: a world map of a place's partnerships (SVG, PNG or HTML)."""

from __future__ import annotations

import argparse
from pathlib import Path

from twintowns.cli.commands.common import (
    add_place,
    add_status,
    kind_list,
    positive,
    record,
    status_list,
)
from twintowns.cli.context import EXIT_OK, Command, Context, UsageError
from twintowns.cli.render import dump_json


def arguments(p: argparse.ArgumentParser) -> None:
    add_place(p)
    p.add_argument(
        "--output", required=True, metavar="FILE", help="FILE.svg, FILE.png or FILE.html"
    )
    add_status(p)
    p.add_argument("--kind", action="append", metavar="K", help="only this partnership kind")
    p.add_argument(
        "--labels", choices=("auto", "names", "numbers"), default="auto", help="label style"
    )
    p.add_argument("--width", type=positive, default=1200, help="width in pixels (default 1200)")
    p.add_argument(
        "--tiles",
        action="store_true",
        help="HTML only: a folium/Leaflet map on street tiles (needs twintowns[html] and the "
        "network when opened) instead of the self-contained offline map",
    )


def run(ctx: Context) -> int:
    from twintowns.maps import render_map

    suffix = Path(ctx.args.output).suffix.lower()
    if suffix not in (".svg", ".png", ".html", ".htm"):
        raise UsageError(
            f"--output {ctx.args.output!r}: the map is written as SVG, PNG or HTML, "
            "chosen by the file name's ending (.svg, .png or .html)"
        )
    atlas = ctx.atlas()
    place = ctx.place(ctx.args.query)
    summary = render_map(
        atlas,
        place,
        path=ctx.args.output,
        status=status_list(ctx.args.status),
        kind=kind_list(ctx.args.kind),
        labels=ctx.args.labels,
        width=ctx.args.width,
        tiles=ctx.args.tiles,
    )
    if ctx.json:
        dump_json(
            {
                "path": ctx.args.output,
                "format": summary.format,
                "place": record(place),
                "partners": summary.partners,
                "arcs": summary.arcs,
                "crossings": summary.crossings,
                "labels": summary.labels,
                "bytes": summary.size,
            },
            ctx.stdout,
        )
    else:
        ctx.out(
            f"wrote the {summary.format.upper()} map of {place.label} with {summary.partners} "
            f"partner(s) to {ctx.args.output}"
        )
    return EXIT_OK


COMMAND = Command(
    "map",
    "draw a world map of a place's partnerships (SVG, PNG or HTML)",
    (
        "twintowns map Charlotte --output charlotte.svg",
        "twintowns map Honolulu --output honolulu.html",
    ),
    arguments,
    run,
)
