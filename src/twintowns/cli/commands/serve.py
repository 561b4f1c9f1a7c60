"""``twintowns serve``: the data as a website and JSON API with Datasette."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from twintowns.cli.commands.common import positive
from twintowns.cli.context import EXIT_OK, Command, Context
from twintowns.cli.render import dump_json

if TYPE_CHECKING:
    from twintowns.atlas import Atlas


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=positive, default=8001, help="port (default 8001)")
    p.add_argument(
        "--folder",
        metavar="DIR",
        help="write the Datasette folder here and keep it (default: a temporary folder)",
    )


def run(ctx: Context) -> int:
    import tempfile
    from pathlib import Path

    from twintowns.geography import MissingDependencyError
    from twintowns.web import to_datasette

    try:
        from datasette.cli import cli as datasette_cli
    except ImportError as exc:
        raise MissingDependencyError(
            "serving the data needs the optional dependency datasette: pip install 'twintowns[web]'"
        ) from exc
    atlas: Atlas = ctx.atlas()
    with tempfile.TemporaryDirectory(prefix="twintowns-web-") as temporary:
        folder = Path(ctx.args.folder) if ctx.args.folder else Path(temporary)
        to_datasette(atlas, folder)
        url = f"http://{ctx.args.host}:{ctx.args.port}/"
        if ctx.json:
            document = {"url": url, "folder": str(folder), "places": len(atlas.places)}
            dump_json({**document, "partnerships": len(atlas.partnerships)}, ctx.stdout)
        else:
            ctx.out(
                f"serving {len(atlas.places):,} places and {len(atlas.partnerships):,} "
                f"partnerships from {folder} at {url} (Ctrl+C stops)"
            )
        ctx.stdout.flush()
        datasette_cli.main(
            ["serve", str(folder), "--host", ctx.args.host, "--port", str(ctx.args.port)],
            prog_name="datasette",
            standalone_mode=False,
        )
    return EXIT_OK


COMMAND = Command(
    "serve",
    "serve the data as a website and JSON API with Datasette (needs twintowns[web])",
    ("twintowns serve", "twintowns serve --port 8080 --folder twintowns-web"),
    arguments,
    run,
)
