"""``twintowns export``: write the data as CSV, JSON, GeoJSON, SQLite or a Datasette folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from twintowns.cli.commands.common import add_country
from twintowns.cli.context import EXIT_OK, Command, Context, UsageError
from twintowns.cli.render import dump_json

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

#: ``twintowns.export.FORMATS``, repeated so that building the parser imports no exporter.
EXPORT_FORMATS = ("csv", "json", "geojson", "sqlite", "datasette")


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="the file format")
    p.add_argument(
        "--output",
        required=True,
        metavar="PATH",
        help="file to write (a folder for csv and datasette)",
    )
    p.add_argument("--place", metavar="QUERY", help="only this place, its partners and ties")
    add_country(p)


def _progress(ctx: Context) -> Callable[[int, int], None] | None:
    isatty = getattr(ctx.stderr, "isatty", None)
    if isatty is None or not isatty():
        return None

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        ctx.stderr.write(f"\rexporting [{bar:<30}] {share:4.0%} {done:,}/{total:,}")
        if done == total:
            ctx.stderr.write("\n")
        ctx.stderr.flush()

    return show


def run(ctx: Context) -> int:
    from twintowns.export import export, subset

    output = Path(ctx.args.output)
    if ctx.args.format == "csv" and output.suffix.lower() == ".csv" and not output.is_dir():
        raise UsageError(
            f"--format csv writes a folder of three files (places.csv, partnerships.csv, "
            f"metadata.json), but --output {ctx.args.output!r} looks like a file name: "
            "give a folder path"
        )
    if ctx.args.country is not None and ctx.args.place is None:
        raise UsageError("--country narrows --place: give --place too")
    atlas: Atlas = ctx.atlas()
    if ctx.args.place is not None:
        atlas = subset(atlas, ctx.place(ctx.args.place))
    paths = export(atlas, ctx.args.format, ctx.args.output, progress=_progress(ctx))
    if ctx.json:
        dump_json(
            {
                "format": ctx.args.format,
                "paths": [str(p) for p in paths],
                "places": len(atlas.places),
                "partnerships": len(atlas.partnerships),
            },
            ctx.stdout,
        )
    else:
        where = ", ".join(str(p) for p in paths)
        ctx.out(
            f"wrote {len(atlas.places):,} places and {len(atlas.partnerships):,} "
            f"partnerships as {ctx.args.format} to {where}"
        )
    return EXIT_OK


COMMAND = Command(
    "export",
    "write the data as CSV, JSON, GeoJSON, SQLite or a folder for Datasette "
    "(progress shown on a terminal)",
    (
        "twintowns export --format sqlite --output twintowns.sqlite",
        "twintowns export --format geojson --output charlotte.geojson --place Charlotte",
        "twintowns export --format datasette --output twintowns-web",
    ),
    arguments,
    run,
)
