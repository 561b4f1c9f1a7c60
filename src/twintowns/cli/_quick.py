"""A startup index of the bundled data, so that one-place commands answer at once.

Loading the whole bundled dataset takes a few hundred milliseconds; a command
such as ``twintowns place Charlotte`` needs a handful of records.  The first
run writes an SQLite index of the bundled data into the user's cache folder
(``$TWINTOWNS_CACHE_DIR``, else ``$XDG_CACHE_HOME/twintowns``, else
``~/.cache/twintowns``); later runs read only the rows they need from it.

The index never decides anything itself.  :meth:`Atlas.place` answers a
query from the folded query alone whenever that is a known name (rules 1–5 of
:mod:`twintowns.lookup`), so when the index is written it records, for every
known folded name, the atlas's own answer (or that the name is ambiguous).  A
query whose folded form is not a known name (``"Orange, FR"``) is resolved by
:class:`~twintowns.lookup.NameIndex` among every place that bears one of the
names the query can mean.  An unknown or ambiguous name falls back to the
full atlas, whose error carries the suggestions or candidates.  The index is
keyed by the data files, the package and Python versions and the sources that
shape it; a stale one is rebuilt.  Set ``TWINTOWNS_NO_CACHE=1`` to never use
or write it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from twintowns.errors import TwinTownsError
from twintowns.model import Partnership, Place
from twintowns.normalize import fold
from twintowns.schema import PARTNERSHIP_COLUMNS, PLACE_COLUMNS, partnership_row, place_row

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["QuickIndex", "cache_dir"]

_FORMAT = "2"
# queries longer than this, or with unprintable characters, go to the full atlas
_MAX_QUICK_QUERY = 100
_SEP = "\x1f"
# files whose change changes what the index holds or how it is read
_SOURCES = (
    "data/places.csv",
    "data/partnerships.csv",
    "data/names.csv",
    "atlas.py",
    "lookup.py",
    "normalize.py",
    "model.py",
    "records.py",
)
_SOURCES_HERE = ("cli/_quick.py", "schema.py")


class Unavailable(Exception):
    """The index cannot answer this (missing, disabled or the query needs the full atlas)."""


def cache_dir() -> Path:
    """Where the index lives (see the module docstring)."""
    explicit = os.environ.get("TWINTOWNS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "twintowns"


def _fingerprint() -> str:
    import twintowns

    package = Path(twintowns.__file__).parent
    digest = hashlib.sha256(f"{_FORMAT}|{twintowns.__version__}|{sys.version}".encode())
    for name in (*_SOURCES, *_SOURCES_HERE):
        st = (package / name).stat()
        digest.update(f"|{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


class QuickIndex:
    """Read access to the startup index: :meth:`place` and :meth:`partnerships`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self._places: dict[int, Place] = {}

    @classmethod
    def open(cls) -> QuickIndex:
        """The current index; raises :class:`Unavailable` when there is none (yet)."""
        if os.environ.get("TWINTOWNS_NO_CACHE"):
            raise Unavailable("disabled by TWINTOWNS_NO_CACHE")
        try:
            path = cache_dir() / f"index-{_fingerprint()}.sqlite"
            if not path.is_file():
                raise Unavailable(f"no index at {path}")
            return cls(path)
        except (OSError, sqlite3.Error) as exc:
            raise Unavailable(str(exc)) from None

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ building

    @staticmethod
    def build(atlas: Atlas) -> Path | None:
        """Write the index of ``atlas`` (the bundled data); returns its path, None on failure."""
        if os.environ.get("TWINTOWNS_NO_CACHE"):
            return None
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"index-{_fingerprint()}.sqlite"
            partial = folder / f"{path.name}.{os.getpid()}.partial"
            _write(atlas, partial)
            os.replace(partial, path)
            for old in folder.glob("index-*.sqlite"):
                if old != path:
                    old.unlink(missing_ok=True)
            return path
        except (OSError, sqlite3.Error):
            return None

    # ------------------------------------------------------------------ reading

    def _place(self, row_id: int) -> Place:
        place = self._places.get(row_id)
        if place is None:
            (row,) = self._db.execute("SELECT row FROM places WHERE i = ?", (row_id,)).fetchone()
            values = dict(zip(PLACE_COLUMNS, row.split(_SEP), strict=True))
            place = self._places[row_id] = Place(**values)
        return place

    def _ids_for(self, keys: set[str]) -> set[int]:
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(f"SELECT place FROM keys WHERE key IN ({marks})", sorted(keys))
        return {i for (i,) in rows}

    def place(self, query: str) -> Place:
        """The place ``query`` denotes, by the rules of :meth:`Atlas.place`.

        Raises :class:`Unavailable` when the full atlas must answer (errors).
        """
        if not isinstance(query, str):
            raise Unavailable(f"not a str: {query!r}")
        text = query.strip()
        if not text or len(text) > _MAX_QUICK_QUERY or not text.isprintable():
            raise Unavailable(f"{query!r} needs the full atlas")
        if ":" in text:  # rule 1: an id
            found = self._db.execute("SELECT i FROM places WHERE id = ?", (text,)).fetchone()
            if found is not None:
                return self._place(found[0])
        answer = self._db.execute(
            "SELECT place FROM answers WHERE key = ?", (fold(text),)
        ).fetchone()
        if answer is None:
            return self._qualified(text)
        if answer[0] is None:
            raise Unavailable(f"{query!r} is ambiguous")
        return self._place(answer[0])

    def _qualified(self, text: str) -> Place:
        from twintowns.lookup import NameIndex, _split_qualifier

        keys = {fold(text)}
        split = _split_qualifier(text)
        if split is not None:
            keys.add(fold(split[0]))
        rows = self._ids_for(keys - {""})
        candidates = sorted((self._place(i) for i in rows), key=lambda p: p.id)
        names = NameIndex(
            lambda: [(p.name, p.ascii_name, p.aliases) for p in candidates],
            candidates.__getitem__,
            {p.id: p for p in candidates}.get,
            ties=self._ties,
        )
        try:
            return names.resolve(text)
        except TwinTownsError:
            raise Unavailable(f"{text!r} needs the full atlas") from None

    def _ties(self, place: Place) -> int:
        """How many partnerships ``place`` has (prominence, as the atlas counts it)."""
        (count,) = self._db.execute(
            "SELECT COUNT(*) FROM adjacency JOIN places ON places.i = adjacency.place "
            "WHERE places.id = ?",
            (place.id,),
        ).fetchone()
        return int(count)

    def partnerships(self, place: Place) -> list[Partnership]:
        """The partnerships of ``place`` (all statuses), as ``Atlas.partnerships_of`` lists them."""
        (row_id,) = self._db.execute("SELECT i FROM places WHERE id = ?", (place.id,)).fetchone()
        rows = self._db.execute(
            "SELECT p.row FROM adjacency AS a JOIN partnerships AS p ON p.i = a.partnership "
            "WHERE a.place = ? ORDER BY a.position",
            (row_id,),
        ).fetchall()
        ids = {place.id: place}
        partnerships = []
        for (row,) in rows:
            values: dict[str, object] = dict(zip(PARTNERSHIP_COLUMNS, row.split(_SEP), strict=True))
            for side in ("a", "b"):
                pid = str(values[side])
                if pid not in ids:
                    (i,) = self._db.execute("SELECT i FROM places WHERE id = ?", (pid,)).fetchone()
                    ids[pid] = self._place(i)
                values[side] = ids[pid]
            partnerships.append(Partnership(**values))  # type: ignore[arg-type]
        return partnerships


def _answers(atlas: Atlas) -> dict[str, int | None]:
    """For each folded name, the index of the place ``atlas.place()`` returns (None: ask it)."""
    from twintowns.lookup import NameIndex

    index = {p.id: i for i, p in enumerate(atlas.places)}
    originals: dict[str, str] = {}
    for place in atlas.places:
        for name, _own in NameIndex._names(place):
            originals.setdefault(fold(name), name)
    for _i, names in _extra_names(atlas):
        for name in names:
            originals.setdefault(fold(name), name)
    answers: dict[str, int | None] = {}
    for key, name in originals.items():
        if not key:
            continue
        if ":" in name:  # could be read as an id: leave it to the resolver
            continue
        try:
            answers[key] = index[atlas.place(name).id]
        except (TwinTownsError, ValueError):
            answers[key] = None
    return answers


def _extra_names(atlas: Atlas) -> list[tuple[int, tuple[str, ...]]]:
    """The names a lookup reads only when no name or alias matches (``names.csv``)."""
    extra = atlas._extra_names
    return list(extra()) if extra is not None else []


def _names(place: Place) -> Iterator[tuple[str, bool]]:
    from twintowns.lookup import NameIndex

    yield from NameIndex._names(place)


def _write(atlas: Atlas, path: Path) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(
            """
            CREATE TABLE places (i INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, row TEXT NOT NULL);
            CREATE TABLE keys (key TEXT NOT NULL, place INTEGER NOT NULL,
                               PRIMARY KEY (key, place)) WITHOUT ROWID;
            CREATE TABLE answers (key TEXT PRIMARY KEY, place INTEGER) WITHOUT ROWID;
            CREATE TABLE partnerships (i INTEGER PRIMARY KEY, row TEXT NOT NULL);
            CREATE TABLE adjacency (place INTEGER NOT NULL, position INTEGER NOT NULL,
                                    partnership INTEGER NOT NULL,
                                    PRIMARY KEY (place, position)) WITHOUT ROWID;
            """
        )
        index = {p.id: i for i, p in enumerate(atlas.places)}
        pair_index = {p.ids: i for i, p in enumerate(atlas.partnerships)}
        with db:
            db.executemany(
                "INSERT INTO places VALUES (?, ?, ?)",
                ((i, p.id, _SEP.join(place_row(p))) for i, p in enumerate(atlas.places)),
            )
            db.executemany(
                "INSERT OR IGNORE INTO keys VALUES (?, ?)",
                (
                    (key, i)
                    for i, p in enumerate(atlas.places)
                    for name, _own in _names(p)
                    if (key := fold(name))
                ),
            )
            db.executemany(
                "INSERT OR IGNORE INTO keys VALUES (?, ?)",
                ((key, i) for i, names in _extra_names(atlas) for n in names if (key := fold(n))),
            )
            db.executemany("INSERT INTO answers VALUES (?, ?)", _answers(atlas).items())
            db.executemany(
                "INSERT INTO partnerships VALUES (?, ?)",
                ((i, _SEP.join(partnership_row(p))) for i, p in enumerate(atlas.partnerships)),
            )
            db.executemany(
                "INSERT INTO adjacency VALUES (?, ?, ?)",
                (
                    (index[place.id], n, pair_index[p.ids])
                    for place in atlas.places
                    for n, p in enumerate(atlas.partnerships_of(place))
                ),
            )
    finally:
        db.close()
