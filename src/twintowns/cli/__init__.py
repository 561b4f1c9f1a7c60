"""The ``twintowns`` command line (also ``python -m twintowns``).

Every command prints an aligned table or text by default and a JSON document
with ``--json``; see ``docs/cli.md`` for the shapes and the exit codes:

* 0 — success;
* 1 — ``validate`` found the agreement invalid;
* 2 — usage error, unknown or ambiguous place, unreadable input or
  unwritable output (the message, and any suggestions or candidates one per
  line, go to standard error);
* 3 — internal error: a bug in twintowns (a one-line message; ``--debug``
  prints the traceback).

With ``--json`` an error is also a JSON document ``{"error": {...}}`` on
standard output, valid UTF-8 whatever the input (text that cannot be shown is
escaped).  A closed standard output ends the command quietly.

Built on :mod:`argparse` (no dependency, fast start); each command imports
only what it needs.

>>> from twintowns.cli import main
>>> main(["distance", "Charlotte", "Arequipa", "--unit", "mi"])
Charlotte, US-NC, US → Arequipa, PE-ARE, PE: 3,6... mi (haversine; initial bearing 168.7°)
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

# the exit codes are re-exported (``from twintowns.cli import EXIT_USAGE``)
from twintowns.cli.context import EXIT_INTERNAL as EXIT_INTERNAL
from twintowns.cli.context import EXIT_INVALID as EXIT_INVALID
from twintowns.cli.context import EXIT_OK as EXIT_OK
from twintowns.cli.context import EXIT_USAGE as EXIT_USAGE
from twintowns.cli.context import Context, Parser, UsageError
from twintowns.errors import AmbiguousPlace, DatasetError, PlaceNotFound, TwinTownsError

__all__ = ["Context", "UsageError", "build_parser", "main"]


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _common() -> Parser:
    common = Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument(
        "--debug", action="store_true", help="print the traceback of an internal error"
    )
    common.add_argument(
        "--data",
        metavar="PATH",
        help="use this dataset (folder, CSV or JSON file) instead of the bundled one",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``twintowns`` command (every command and option)."""
    return _build_parser(None)


def _build_parser(only: str | None) -> argparse.ArgumentParser:
    """The parser, with the options of command ``only`` alone when it is given (what
    parsing a command line that starts with it needs; the others are listed, not built)."""
    from twintowns.cli.commands import COMMANDS

    parser = Parser(
        prog="twintowns",
        description="Sister cities and twin towns: look up places and partnerships, "
        "measure distances and time differences, validate agreements, export the data.",
        epilog="examples:\n"
        "  twintowns place Charlotte\n"
        "  twintowns partners Charlotte --status active --sort distance\n"
        "  twintowns export --format geojson --output charlotte.geojson --place Charlotte\n"
        "\nRun 'twintowns COMMAND --help' for a command's options. Exit codes: 0 success, "
        "1 validation failed, 2 usage error or place not found/ambiguous, 3 internal error.",
        formatter_class=_formatter,
    )
    from twintowns import __version__

    parser.add_argument("--version", action="version", version=f"twintowns {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    common = _common()
    for spec in COMMANDS:
        if only is not None and spec.name != only:
            commands.add_parser(spec.name, help=spec.help)
            continue
        sub = commands.add_parser(
            spec.name,
            help=spec.help,
            description=spec.help,
            epilog="examples:\n" + "\n".join(f"  {e}" for e in spec.examples),
            parents=[common],
            formatter_class=_formatter,
        )
        spec.arguments(sub)
    return parser


def _command_of(arguments: Sequence[str]) -> str | None:
    """The command a command line starts with, or None (then every command is built)."""
    from twintowns.cli.commands import HANDLERS

    return arguments[0] if arguments and arguments[0] in HANDLERS else None


def _report_lookup(ctx: Context, error: PlaceNotFound | AmbiguousPlace) -> None:
    from twintowns.model import Place

    if isinstance(error, PlaceNotFound):
        ctx.err(f"twintowns: no place matches {error.query!r}")
        lines = list(error.suggestions)
        if lines:
            ctx.err("did you mean:")
        kind = "place_not_found"
    else:
        # the library's hint names country=; the command line's names --country
        hint = "Qualify it ('Name, State' or 'Name, Country')" + (
            " or pass --country." if hasattr(ctx.args, "country") else "."
        )
        error = AmbiguousPlace(error.query, error.candidates, hint=hint)
        ctx.err(f"twintowns: {error.query!r} is ambiguous; candidates:")
        lines = [
            f"{c.label} ({c.id})" if isinstance(c, Place) else str(c) for c in error.candidates
        ]
        kind = "ambiguous_place"
    for line in lines:
        ctx.err(line)
    if ctx.json:
        from twintowns.cli.render import dump_json

        key = "suggestions" if kind == "place_not_found" else "candidates"
        dump_json(
            {
                "error": {
                    "type": kind,
                    "query": error.query,
                    "message": str(error),
                    key: lines,
                }
            },
            ctx.stdout,
        )


def _report(ctx: Context, kind: str, message: str, error: BaseException | None = None) -> None:
    ctx.err(f"twintowns: {message}")
    if ctx.json:
        from twintowns.cli.render import dump_json

        document: dict[str, Any] = {"type": kind, "message": message}
        # where in a file (an agreement's AgreementError carries these)
        for key in ("file", "line", "column", "field"):
            value = getattr(error, key, None)
            if isinstance(value, str | int):
                document[key] = value
        dump_json({"error": document}, ctx.stdout)


def main(argv: Sequence[str] | None = None) -> int:  # noqa: C901, PLR0912 -- maps each exception class to its exit code and message in one place
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    _safe_streams()
    parser = _build_parser(_command_of(arguments))
    try:
        args = parser.parse_args(arguments)
    except UsageError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_USAGE
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from twintowns.cli.commands import HANDLERS

    ctx = Context(args)
    handler = HANDLERS[args.command]
    try:
        return handler(ctx)
    except (PlaceNotFound, AmbiguousPlace) as error:
        _report_lookup(ctx, error)
    except BrokenPipeError:  # ``twintowns … | head``: the reader has gone
        _silence_stdout()
        return EXIT_OK
    except DatasetError as error:
        _report(ctx, "dataset_error", str(error))
    except UsageError as error:
        _report(ctx, "usage_error", str(error))
    except TwinTownsError as error:
        kind = "agreement_error" if type(error).__name__ == "AgreementError" else "invalid_input"
        if isinstance(error, OSError):
            kind = "os_error"
        _report(ctx, kind, str(error), error)
    except OSError as error:
        if _stdout_gone(error):
            _silence_stdout()
            return EXIT_OK
        detail = error.strerror or str(error)
        name = f": {error.filename!r}" if error.filename else ""
        _report(ctx, "os_error", f"{detail}{name}")
    except Exception as error:  # a bug: say so in one line, not as "invalid input"
        if getattr(ctx.args, "debug", False):
            import traceback

            traceback.print_exc(file=ctx.stderr)
        first = str(error).splitlines()[0] if str(error) else ""
        _report(
            ctx,
            "internal_error",
            f"internal error: {type(error).__name__}: {first[:300]}"
            + ("" if getattr(ctx.args, "debug", False) else " (run with --debug for details)"),
        )
        return EXIT_INTERNAL
    return EXIT_USAGE


def _safe_streams() -> None:
    """Make standard output and error unable to fail on text they cannot encode
    (``PYTHONIOENCODING=ascii``, lone surrogates from undecodable arguments): such
    characters are written escaped.  A closed standard output becomes a null one."""
    import os

    if sys.stdout is None:  # started with standard output closed
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            reconfigure(errors="backslashreplace")


def _stdout_gone(error: OSError) -> bool:
    import errno

    return error.errno in (errno.EPIPE, errno.EBADF) and error.filename is None


def _silence_stdout() -> None:
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError):  # ValueError: no file descriptor behind it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
