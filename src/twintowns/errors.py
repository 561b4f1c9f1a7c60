"""Exceptions raised by twintowns.  All derive from :class:`TwinTownsError`.

Every exception twintowns raises on purpose is an instance of
:class:`TwinTownsError` *and* of the built-in exception it stands for, so
``except ValueError`` and ``except twintowns.TwinTownsError`` both work:

* :class:`InvalidValueError` (a ``ValueError``): a bad value — out of range,
  malformed text, an unknown code;
* :class:`InvalidTypeError` (a ``TypeError``): an argument of the wrong type;
* :class:`PlaceNotFound`, :class:`AmbiguousPlace` (``LookupError``): a place
  query that matches no place, or several;
* :class:`UnknownNameError` (a ``LookupError``, precisely a ``KeyError``): an
  unknown country, rule…;
* :class:`DatasetError` (a ``ValueError``): a dataset that cannot be loaded;
* ``AgreementError`` (a ``ValueError``, in :mod:`twintowns.agreements`): a
  malformed agreement;
* :class:`PathNotFoundError` (``FileNotFoundError``), :class:`NotAFileError`
  (``IsADirectoryError``), :class:`NotAFolderError` (``NotADirectoryError``):
  a path that is missing or of the wrong kind;
* :class:`MissingDependencyError` (an ``ImportError``): an optional extra is
  not installed.

Other ``OSError`` exceptions (permissions, a full disk) pass through unchanged.  Every
exception pickles and unpickles equal in type, attributes and message, so it
crosses :mod:`multiprocessing` boundaries intact.
"""

from __future__ import annotations

import errno as _errno
from collections.abc import Sequence
from typing import Any

import attrs

__all__ = [
    "AmbiguousPlace",
    "DatasetError",
    "DatasetProblem",
    "InvalidTypeError",
    "InvalidValueError",
    "MissingDependencyError",
    "NotAFileError",
    "NotAFolderError",
    "PartnershipNotFound",
    "PathNotFoundError",
    "PlaceNotFound",
    "TwinTownsError",
    "UnknownNameError",
    "UnknownPlaceId",
]


def _restore(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """Rebuild an exception without calling its ``__init__`` (see ``TwinTownsError.__reduce__``)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class TwinTownsError(Exception):
    """Base class of every error twintowns raises on purpose."""

    def __reduce__(self) -> Any:
        # The default pickling calls ``cls(*self.args)``, which breaks for
        # exceptions whose ``__init__`` takes other arguments than their message
        # (and hangs multiprocessing pools).  OSError and ImportError keep
        # their own protocol, which carries their C-level fields.
        if isinstance(self, OSError | ImportError):
            return super().__reduce__()
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class InvalidValueError(TwinTownsError, ValueError):
    """An argument or field has the right type but an unacceptable value."""


class InvalidTypeError(TwinTownsError, TypeError):
    """An argument or field has the wrong type."""


class UnknownNameError(TwinTownsError, KeyError):
    """A name (a country, a rule…) that twintowns does not know.  A ``LookupError``.

    Its message reads as a sentence (``KeyError`` would quote it).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class PathNotFoundError(TwinTownsError, FileNotFoundError):
    """A file or folder that twintowns should read (or write into) does not exist."""

    def __init__(self, message: str, filename: str) -> None:
        super().__init__(_errno.ENOENT, message, filename)

    def __reduce__(self) -> Any:
        return (type(self), (self.strerror, self.filename), dict(self.__dict__))


class NotAFileError(TwinTownsError, IsADirectoryError):
    """A folder was given where a file path is needed."""

    def __init__(self, message: str, filename: str) -> None:
        super().__init__(_errno.EISDIR, message, filename)

    def __reduce__(self) -> Any:
        return (type(self), (self.strerror, self.filename), dict(self.__dict__))


class NotAFolderError(TwinTownsError, NotADirectoryError):
    """A file was given where a folder is needed."""

    def __init__(self, message: str, filename: str) -> None:
        super().__init__(_errno.ENOTDIR, message, filename)

    def __reduce__(self) -> Any:
        return (type(self), (self.strerror, self.filename), dict(self.__dict__))


class MissingDependencyError(TwinTownsError, ImportError):
    """An optional dependency (an "extra" of twintowns) is not installed."""


class PlaceNotFound(TwinTownsError, LookupError):
    """No place matches the query.  ``.suggestions`` lists close names."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no place matches {query!r}{hint}")


class UnknownPlaceId(PlaceNotFound, KeyError):
    """``atlas[place_id]`` with an id the atlas does not hold.

    A :class:`PlaceNotFound` that is also a ``KeyError``, as a mapping's
    ``[]`` raises; its message is the plain text, not the quoted key.
    """

    def __str__(self) -> str:
        return LookupError.__str__(self)


class PartnershipNotFound(TwinTownsError, LookupError):
    """Two places of the atlas have no partnership.  ``.places`` holds them (Places)."""

    def __init__(self, a: object, b: object) -> None:
        self.places: tuple[object, object] = (a, b)
        labels = [str(getattr(p, "label", p)) for p in self.places]
        super().__init__(f"no partnership between {labels[0]} and {labels[1]}")


class AmbiguousPlace(TwinTownsError, LookupError):
    """Several places match the query.  ``.candidates`` lists them (Places).

    ``hint`` ends the message: how to pick one (the command line says
    ``--country``, the library ``country=``).
    """

    def __init__(
        self,
        query: str,
        candidates: Sequence[object],
        *,
        hint: str = "Qualify it ('Name, State' or 'Name, Country') or pass country=.",
    ) -> None:
        self.query = query
        self.candidates: tuple[object, ...] = tuple(candidates)
        labels = "; ".join(str(getattr(c, "label", c)) for c in self.candidates[:10])
        more = f" and {len(self.candidates) - 10} more" if len(self.candidates) > 10 else ""
        super().__init__(f"{query!r} is ambiguous: {labels}{more}. {hint}")


@attrs.frozen
class DatasetProblem:
    """One problem found in a dataset file: where it is and what is wrong."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class DatasetError(TwinTownsError, ValueError):
    """A dataset could not be loaded.  ``.problems`` lists every problem found."""

    def __init__(self, problems: Sequence[DatasetProblem]) -> None:
        self.problems: tuple[DatasetProblem, ...] = tuple(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the dataset:\n  {shown}{more}")
