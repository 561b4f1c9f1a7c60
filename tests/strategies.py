"""Hypothesis strategies shared by the test modules.

* points on the globe, with extra weight on the poles and the antimeridian;
* printable text (no control characters, surrogates or line separators);
* small random atlases for the statistics (few names and countries, so that
  ties and shared names are common) and for the exports (hostile text:
  spreadsheet formulas, non-ASCII ids, every field filled or empty).

The settings every property shares (no deadline, …) are the hypothesis profile
registered in ``conftest.py``.
"""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from tests.conftest import make_place
from twintowns.atlas import Atlas
from twintowns.model import Continent, PartialDate, Partnership, Place, PlaceKind, Status

__all__ = [
    "COUNTRIES",
    "NAMES",
    "STATUSES",
    "atlases",
    "edge_points",
    "export_atlases",
    "latitudes",
    "longitudes",
    "points",
    "status_filters",
    "text_characters",
]

# --------------------------------------------------------------------------- the globe

latitudes = st.floats(-90, 90, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)


def points(max_latitude: float = 90.0) -> st.SearchStrategy[tuple[float, float]]:
    """``(latitude, longitude)`` anywhere, or between ±``max_latitude``."""
    if max_latitude == 90.0:
        return st.tuples(latitudes, longitudes)
    return st.tuples(
        st.floats(-max_latitude, max_latitude, allow_nan=False),
        st.floats(-180.0, 180.0, allow_nan=False),
    )


def edge_points(
    margin: float, corners: st.SearchStrategy[tuple[float, float]]
) -> st.SearchStrategy[tuple[float, float]]:
    """Points anywhere and, as often, within ``margin`` degrees of a pole or of the
    antimeridian, or one of ``corners``."""
    return st.one_of(
        points(),
        st.tuples(st.floats(90.0 - margin, 90.0), longitudes),
        st.tuples(st.floats(-90.0, -90.0 + margin), longitudes),
        st.tuples(latitudes, st.floats(180.0 - margin, 180.0)),
        st.tuples(latitudes, st.floats(-180.0, -180.0 + margin)),
        corners,
    )


# --------------------------------------------------------------------------- text


def text_characters(exclude: str = "") -> st.SearchStrategy[str]:
    """Characters a person could type into a field: no control characters (Cc),
    surrogates (Cs) or line and paragraph separators (Zl, Zp), nor ``exclude``."""
    return st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters=exclude)


# --------------------------------------------------------------------------- atlases for statistics

NAMES = ["Ash", "Birch", "Cedar"]  # few names: plenty of ties
COUNTRIES = ["US", "FR", "JP"]
STATUSES = [s.value for s in Status]


@st.composite
def atlases(draw: st.DrawFn, max_places: int = 12) -> Atlas:
    """Up to ``max_places`` places of few names and countries, linked at random
    with every status (connected and disconnected graphs alike)."""
    n = draw(st.integers(0, max_places))
    places = [
        make_place(f"t:{i:02d}", draw(st.sampled_from(NAMES)), draw(st.sampled_from(COUNTRIES)))
        for i in draw(st.permutations(range(n)))
    ]
    pairs = list(itertools.combinations(places, 2))
    count = draw(st.integers(min(len(pairs), n), min(len(pairs), 3 * n)))
    chosen = draw(st.permutations(pairs))[:count]
    links = [Partnership(a, b, status=draw(st.sampled_from(STATUSES))) for a, b in chosen]
    return Atlas(places, links)


#: A ``status=`` argument of the statistics: None, one status or several.
status_filters = st.one_of(
    st.none(),
    st.sampled_from(STATUSES),
    st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3),
)


# --------------------------------------------------------------------------- atlases for exports

_FORMULAS = ["=SUM(A1)", "+1", "-2", "@cmd", "'quoted", "''", "=", "'=1", "=1+1", "-", "a,b", '"']
_REGIONS = [("US", "US-NC"), ("FR", "FR-IDF"), ("JP", "JP-13"), ("DE", None), ("PE", None)]
_ZONES = ["UTC", "America/New_York", "Europe/Paris", "Asia/Tokyo", "Pacific/Auckland"]


def _texts(*, allow_empty: bool) -> st.SearchStrategy[str]:
    # "|" separates the items of a list cell
    base = st.one_of(st.text(text_characters("|"), max_size=12), st.sampled_from(_FORMULAS))
    return base.filter(lambda s: s == s.strip() and (allow_empty or bool(s)))


@st.composite
def _dates(draw: st.DrawFn) -> PartialDate | None:
    if draw(st.booleans()):
        return None
    year = draw(st.integers(1, 9999))
    if draw(st.booleans()):
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    return PartialDate(year, month, draw(st.none() | st.integers(1, 28)))


@st.composite
def export_atlases(draw: st.DrawFn) -> Atlas:
    """One to six places and up to six partnerships with every field drawn:
    formulas and non-ASCII text, empty optional fields, dates of every precision
    and metadata; what every export must write and read back unchanged."""
    n = draw(st.integers(1, 6))
    places = []
    for i in range(n):
        country, sub = draw(st.sampled_from(_REGIONS))
        places.append(
            Place(
                id=f"tt:{draw(st.sampled_from(['x', 'y-', '=', 'é']))}{i}",
                name=draw(_texts(allow_empty=False)),
                country=country,
                subdivision=sub,
                kind=draw(st.sampled_from(PlaceKind)),
                latitude=draw(st.floats(-90, 90, allow_nan=False)),
                longitude=draw(st.floats(-180, 180, allow_nan=False)),
                timezone=draw(st.sampled_from(_ZONES)),
                population=draw(st.none() | st.integers(0, 10**10)),
                continent=draw(st.sampled_from(Continent)),
                aliases=tuple(draw(st.lists(_texts(allow_empty=False), max_size=3))),
                ascii_name=draw(_texts(allow_empty=True)),
                resolution=draw(_texts(allow_empty=True)),
            )
        )
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda t: t[0] < t[1]),
            unique=True,
            max_size=6,
        )
    )
    partnerships = []
    for i, j in pairs:
        a, b = places[i], places[j]
        partnerships.append(
            Partnership(
                a,
                b,
                kind=draw(st.sampled_from(["sister", "friendship", "partner"])),
                status=draw(st.sampled_from(Status)),
                established=draw(_dates()),
                ended=draw(_dates()),
                note=draw(_texts(allow_empty=True)),
                claimed_by=draw(st.sets(st.sampled_from([a.id, b.id]))),
                sources=tuple(draw(st.lists(_texts(allow_empty=False), max_size=2))),
                urls=tuple(draw(st.lists(_texts(allow_empty=False), max_size=2))),
                as_of=(as_of := draw(_dates())),
                status_basis="confirmed" if as_of and draw(st.booleans()) else "listed",
            )
        )
    metadata = draw(
        st.dictionaries(st.text(max_size=5), st.none() | st.integers() | st.text(max_size=5))
    )
    return Atlas(places, partnerships, metadata=metadata)
