"""The commands of the ``twintowns`` program, one module each.

Each module defines ``COMMAND``, a :class:`~twintowns.cli.context.Command`: the
command's name, help and examples, a function adding its arguments to its
parser and its handler ``(Context) -> exit code``.  :data:`COMMANDS` lists
them in the order ``twintowns --help`` shows; :data:`HANDLERS` maps each
name to its handler (the dispatch table :func:`twintowns.cli.main` runs).
Handlers import what they need when they run, so ``twintowns place`` never
imports the exporters or stats.
"""

from __future__ import annotations

from twintowns.cli.commands.distance import COMMAND as DISTANCE
from twintowns.cli.commands.export import COMMAND as EXPORT
from twintowns.cli.commands.map import COMMAND as MAP
from twintowns.cli.commands.partners import COMMAND as PARTNERS
from twintowns.cli.commands.place import COMMAND as PLACE
from twintowns.cli.commands.search import COMMAND as SEARCH
from twintowns.cli.commands.serve import COMMAND as SERVE
from twintowns.cli.commands.stats import COMMAND as STATS
from twintowns.cli.commands.timediff import COMMAND as TIMEDIFF
from twintowns.cli.commands.validate import COMMAND as VALIDATE
from twintowns.cli.context import Command, Handler

__all__ = ["COMMANDS", "HANDLERS"]

#: Every command, in the order ``twintowns --help`` lists them.
COMMANDS: tuple[Command, ...] = (
    PLACE,
    SEARCH,
    PARTNERS,
    DISTANCE,
    TIMEDIFF,
    STATS,
    VALIDATE,
    EXPORT,
    MAP,
    SERVE,
)

#: The handler of each command, by name.
HANDLERS: dict[str, Handler] = {command.name: command.handler for command in COMMANDS}
