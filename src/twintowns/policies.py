"""Former home of the built-in policies, kept so that old imports work.

The policies live in :mod:`twintowns.agreements.policies`; this module
re-exports the same objects.  ``before(a, b)`` is now the method
:meth:`twintowns.PartialDate.certainly_before`.
"""

from __future__ import annotations

from twintowns.agreements.policies import (
    DATASET_INTEGRITY,
    EXCLUSIVE_PAIRS,
    NAMES,
    SISTER_CITIES_INTERNATIONAL,
    AtlasContext,
    Rates,
    by_name,
    charlotte,
    is_exclusive,
    paris,
    redwood_city,
)
from twintowns.model import PartialDate

#: ``before(a, b)``: is partial date ``a`` certainly earlier than ``b``?
before = PartialDate.certainly_before

__all__ = [
    "DATASET_INTEGRITY",
    "EXCLUSIVE_PAIRS",
    "NAMES",
    "SISTER_CITIES_INTERNATIONAL",
    "AtlasContext",
    "Rates",
    "by_name",
    "charlotte",
    "is_exclusive",
    "paris",
    "redwood_city",
]
