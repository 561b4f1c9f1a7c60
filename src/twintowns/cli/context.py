"""What every command shares: the exit codes, the usage error, the parser class,
the :class:`Context` a handler runs against and the :class:`Command` record.

The commands (:mod:`twintowns.cli.commands`) import from here, and so does
:mod:`twintowns.cli`, which builds the parser and runs a command; this module
imports neither.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, NoReturn, TextIO

from twintowns.errors import TwinTownsError

if TYPE_CHECKING:
    from twintowns.atlas import Atlas
    from twintowns.model import Partnership, Place

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "Command",
    "Context",
    "Handler",
    "Parser",
    "UsageError",
]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class UsageError(TwinTownsError):
    """A bad argument found after parsing (exit code 2)."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of exiting, so :func:`~twintowns.cli.main`
    returns a code."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: error: {message}")


class Context:
    """What a command runs against: the bundled data (or ``--data``) and the output mode."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.json: bool = bool(getattr(args, "json", False))
        self.data: str | None = getattr(args, "data", None)
        self.stdout: TextIO = sys.stdout
        self.stderr: TextIO = sys.stderr
        self._atlas: Atlas | None = None

    def atlas(self) -> Atlas:
        """The whole atlas, loaded on first use."""
        if self._atlas is None:
            from twintowns.dataset import load

            self._atlas = load(self.data)
        return self._atlas

    def place(self, query: str) -> Place:
        """Resolve ``query`` as :meth:`Atlas.place` does, within ``--country`` when the
        command has one."""
        return self.atlas().place(query, country=getattr(self.args, "country", None))

    def partnerships_of(self, place: Place) -> list[Partnership]:
        """The partnerships of ``place`` (all statuses) as ``Atlas.partnerships_of`` lists them."""
        return self.atlas().partnerships_of(place)

    def out(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def err(self, text: str) -> None:
        self.stderr.write(text + "\n")


#: A command's handler: runs it against a :class:`Context`, returns the exit code.
Handler = Callable[[Context], int]


class Command(NamedTuple):
    """One command: its name, help, examples for ``--help``, the function that adds
    its arguments to its parser, and its handler."""

    name: str
    help: str
    examples: Sequence[str]
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: Handler
