"""The atlas as two pandas DataFrames (the ``twintowns[pandas]`` extra).

``places``: one row per place, indexed by ``id`` (dtype ``string``).

| column | dtype | meaning |
| --- | --- | --- |
| name | `string` | name |
| ascii_name | `string` | ASCII name (`<NA>` if none) |
| country | `category` | ISO 3166-1 alpha-2 |
| subdivision | `string` | ISO 3166-2 (`<NA>` if none) |
| kind | `category` (PlaceKind) | city, district, county, region, community |
| latitude, longitude | `float64` | degrees |
| timezone | `category` | IANA time zone |
| population | `Int64` | inhabitants (`<NA>` if unknown) |
| continent | `category` (Continent) | AF, AN, AS, EU, NA, OC, SA |
| partnerships | `int64` | number of partnerships kept by the status filter |
| wikidata | `string` | Wikidata item id such as `Q64` (`<NA>` if unknown) |

``partnerships``: one row per partnership kept by the status filter, in
atlas order, with a default ``RangeIndex``.

| column | dtype | meaning |
| --- | --- | --- |
| a, b | `string` | place ids (`a < b`) |
| a_name, b_name | `string` | place names |
| a_country, b_country | `category` | countries of the two places |
| kind | `category` (PartnershipKind) | sister, friendship, partner |
| status | `category` (Status) | active, suspended, ended, proposed |
| established | `datetime64[s]` | first day the date can denote (`NaT` if unknown) |
| established_precision | `category` | year, month or day (`<NA>` if unknown) |
| ended | `datetime64[s]` | likewise |
| ended_precision | `category` | likewise |
| reciprocal | `bool` | both sides claim it |
| note | `string` | free text (`""` if none) |
| as_of | `datetime64[s]` | first day of the newest date a source lists it (`NaT` if unknown) |
| as_of_precision | `category` | year, month or day (`<NA>` if unknown) |
| status_basis | `category` (StatusBasis) | listed, confirmed |

Enum columns list every member as a category, in declaration order, even
those absent from the data, so counts show zeros and frames of different
atlases concatenate cleanly.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from twintowns.filters import StatusFilter
from twintowns.model import (
    Continent,
    DatePrecision,
    PartialDate,
    PartnershipKind,
    PlaceKind,
    Status,
    StatusBasis,
)
from twintowns.stats._common import adjacency, check_atlas, selected, statuses_of

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["to_pandas"]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        from twintowns.errors import MissingDependencyError

        raise MissingDependencyError(
            "to_pandas needs pandas, an optional extra: pip install 'twintowns[pandas]'"
        ) from exc
    return pandas


def _dates(pd: Any, values: list[PartialDate | None]) -> tuple[Any, Any]:
    days: list[_dt.date | None] = [None if v is None else v.as_date() for v in values]
    stamps = pd.Series(
        [pd.NaT if d is None else pd.Timestamp(d) for d in days], dtype="datetime64[s]"
    )
    precision = pd.Categorical(
        [None if v is None else v.precision.value for v in values],
        categories=[m.value for m in DatePrecision],
    )
    return stamps, precision


def to_pandas(atlas: Atlas, *, status: StatusFilter = None) -> tuple[Any, Any]:
    """``(places, partnerships)`` DataFrames of ``atlas`` (columns in the module docs).

    ``status`` filters the partnerships (and the ``partnerships`` count of
    each place); every place is listed.  Needs the optional extra:
    ``pip install 'twintowns[pandas]'``.
    """
    atlas = check_atlas(atlas)
    statuses = statuses_of(status)
    pd = _pandas()

    def enum_column(values: list[str], members: Any) -> Any:
        return pd.Categorical(values, categories=[m.value for m in members])

    places = atlas.places
    adj = adjacency(atlas, statuses)
    places_df = pd.DataFrame(
        {
            "name": pd.array([p.name for p in places], dtype="string"),
            "ascii_name": pd.array([p.ascii_name or None for p in places], dtype="string"),
            "country": pd.Categorical([p.country for p in places]),
            "subdivision": pd.array([p.subdivision for p in places], dtype="string"),
            "kind": enum_column([p.kind.value for p in places], PlaceKind),
            "latitude": pd.array([p.latitude for p in places], dtype="float64"),
            "longitude": pd.array([p.longitude for p in places], dtype="float64"),
            "timezone": pd.Categorical([p.timezone for p in places]),
            "population": pd.array([p.population for p in places], dtype="Int64"),
            "continent": enum_column([p.continent.value for p in places], Continent),
            "partnerships": pd.array([len(adj.get(p.id, ())) for p in places], dtype="int64"),
            "wikidata": pd.array([p.wikidata for p in places], dtype="string"),
        },
        index=pd.Index([p.id for p in places], dtype="string", name="id"),
    )

    rows = selected(atlas, statuses)
    established, established_precision = _dates(pd, [p.established for p in rows])
    ended, ended_precision = _dates(pd, [p.ended for p in rows])
    as_of, as_of_precision = _dates(pd, [p.as_of for p in rows])
    partnerships_df = pd.DataFrame(
        {
            "a": pd.array([p.a.id for p in rows], dtype="string"),
            "b": pd.array([p.b.id for p in rows], dtype="string"),
            "a_name": pd.array([p.a.name for p in rows], dtype="string"),
            "b_name": pd.array([p.b.name for p in rows], dtype="string"),
            "a_country": pd.Categorical([p.a.country for p in rows]),
            "b_country": pd.Categorical([p.b.country for p in rows]),
            "kind": enum_column([p.kind.value for p in rows], PartnershipKind),
            "status": enum_column([p.status.value for p in rows], Status),
            "established": established,
            "established_precision": established_precision,
            "ended": ended,
            "ended_precision": ended_precision,
            "reciprocal": pd.array([p.reciprocal for p in rows], dtype="bool"),
            "note": pd.array([p.note for p in rows], dtype="string"),
            "as_of": as_of,
            "as_of_precision": as_of_precision,
            "status_basis": enum_column([p.status_basis.value for p in rows], StatusBasis),
        }
    )
    return places_df, partnerships_df
