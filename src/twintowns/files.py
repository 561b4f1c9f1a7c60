"""Files written whole or not at all.

Every writer of twintowns (exports, maps, the Datasette folder) writes to a
temporary file beside its target and moves it over the target in one step
(:func:`os.replace`): a write that fails leaves the previous file intact and
no temporary file behind, and processes writing one path never share a
temporary.

>>> import pathlib, tempfile
>>> target = pathlib.Path(tempfile.mkdtemp()) / "map.svg"
>>> write_text_atomically(target, "<svg/>")
>>> target.read_text()
'<svg/>'
>>> def broken(out):
...     out.write("<sv")
...     raise RuntimeError("disk full")
>>> try:
...     write_atomically(target, broken, newline="\\n")
... except RuntimeError:
...     pass
>>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
('<svg/>', ['map.svg'])
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from twintowns.errors import InvalidTypeError, NotAFileError, NotAFolderError, PathNotFoundError

__all__ = [
    "prepare_target",
    "publish",
    "temporary_beside",
    "write_atomically",
    "write_text_atomically",
]


def prepare_target(path: str | os.PathLike[str], *, folder: bool = False) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise InvalidTypeError(f"path must be a str or Path, not {type(path).__name__}: {path!r}")
    target = Path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise NotAFolderError("not a folder", str(target))
        if not target.parent.is_dir():
            raise PathNotFoundError("no such folder", str(target.parent))
        target.mkdir(exist_ok=True)
    elif target.is_dir():
        raise NotAFileError("expected a file path, not a folder", str(target))
    if not target.parent.is_dir():
        raise PathNotFoundError("no such folder", str(target.parent))
    return target


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A new, empty temporary file beside ``target``, removed unless the block moved it.

    Its name is short and unique (``.tt-XXXXXXXX.tmp``), whatever the length of
    ``target``'s name, so processes exporting to one path never share it and
    no file of the user's is touched.
    """
    try:
        handle, name = tempfile.mkstemp(prefix=".tt-", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # name the file the user asked for, not our temporary
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def publish(temporary: Path, target: Path) -> None:
    """Move the finished ``temporary`` over ``target`` in one step.

    The file gets the permissions of the file it replaces, or those of a new
    file (``0o666`` less the umask) instead of the temporary file's private ``0o600``.
    """
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    os.chmod(temporary, mode)
    os.replace(temporary, target)


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(umask)
    return umask


def write_atomically(target: Path, write: Callable[[IO[str]], None], *, newline: str) -> None:
    """Write ``target`` through a temporary file: it appears complete or not at all.

    If ``write`` raises, the previous ``target`` is left untouched and the
    temporary file removed.
    """
    with temporary_beside(target) as temporary:
        with temporary.open("w", encoding="utf-8", newline=newline) as out:
            write(out)
        publish(temporary, target)


def write_text_atomically(target: Path, text: str, *, newline: str = "\n") -> None:
    """Write ``text`` (UTF-8) to ``target`` through :func:`write_atomically`."""

    def write(out: IO[str]) -> None:
        out.write(text)

    write_atomically(target, write, newline=newline)
