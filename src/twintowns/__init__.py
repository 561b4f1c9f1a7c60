"""twintowns: sister-city and twin-town partnerships as typed Python objects.

>>> import twintowns
>>> atlas = twintowns.load()
>>> sorted(p.country for p in atlas.partners("Charlotte", status="active"))[:3]
['BR', 'CN', 'DE']

Importing the package reads no data: the bundled dataset is loaded by the
first call to :func:`load` (or anything that needs it), once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from twintowns.errors import (
    AmbiguousPlace,
    DatasetError,
    DatasetProblem,
    MissingDependencyError,
    PartnershipNotFound,
    PlaceNotFound,
    TwinTownsError,
    UnknownPlaceId,
)
from twintowns.model import (
    Continent,
    DatePrecision,
    PartialDate,
    Partnership,
    PartnershipKind,
    Place,
    PlaceKind,
    Status,
    StatusBasis,
)

if TYPE_CHECKING:
    from twintowns.agreements import Agreement, ValidationReport, validate
    from twintowns.atlas import Atlas
    from twintowns.dataset import load
    from twintowns.geography import bearing, distance, distances, local_time, time_difference

__version__ = "0.1.0"

# Public names provided by submodules, imported on first access so that
# ``import twintowns`` stays cheap.
_LAZY = {
    "Atlas": "twintowns.atlas",
    "load": "twintowns.dataset",
    "distance": "twintowns.geography",
    "distances": "twintowns.geography",
    "bearing": "twintowns.geography",
    "time_difference": "twintowns.geography",
    "local_time": "twintowns.geography",
    "Agreement": "twintowns.agreements",
    "validate": "twintowns.agreements",
    "ValidationReport": "twintowns.agreements",
}
_SUBMODULES = {
    "agreements",
    "policies",
    "stats",
    "export",
    "maps",
    "geography",
    "spatial",
    "validation",
}

__all__ = [
    "Agreement",
    "AmbiguousPlace",
    "Atlas",
    "Continent",
    "DatasetError",
    "DatasetProblem",
    "DatePrecision",
    "MissingDependencyError",
    "PartialDate",
    "Partnership",
    "PartnershipKind",
    "PartnershipNotFound",
    "Place",
    "PlaceKind",
    "PlaceNotFound",
    "Status",
    "StatusBasis",
    "TwinTownsError",
    "UnknownPlaceId",
    "ValidationReport",
    "bearing",
    "distance",
    "distances",
    "load",
    "local_time",
    "time_difference",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"twintowns.{name}")
    raise AttributeError(f"module 'twintowns' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
