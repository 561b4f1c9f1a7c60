"""Built-in policies: Sister Cities International, Charlotte, Redwood City, Paris.

Each policy is a :class:`~twintowns.agreements.rules.Policy` of small rules
(see :mod:`twintowns.agreements.rules`).  Pick one by name with :func:`by_name`:

>>> from twintowns.agreements import policies
>>> policies.by_name("sci") is policies.SISTER_CITIES_INTERNATIONAL
True
>>> policies.by_name("charlotte").ids[-3:]
('charlotte.council-approval', 'charlotte.citizen-involvement', 'charlotte.donations')

``DATASET_INTEGRITY`` holds the dataset-level rules that
:meth:`twintowns.Atlas.validate` runs over every partnership.

What the rules encode
---------------------

*Sister Cities International* (SCI, :mod:`~twintowns.agreements.policies.sci`)
recognises a sister-city relationship between two communities in two
countries once the highest elected official of each (or the highest appointed
one where there are no elections) has signed a formal agreement, after the
U.S. community's council has passed a resolution declaring its intent to twin
with that city.  Its guideline is one sister city per country; further ties
are friendship cities.  A friendship city is a lesser tie and its documents
say so.  The city policies (:mod:`~twintowns.agreements.policies.cities`):
*Charlotte* adds council approval, citizen involvement and USD 50,000 in
pledged donations; *Redwood City* a proposal with a community-support list and
a first-year budget; *Paris* has exactly one sister city, Rome, by mutual
exclusivity (:mod:`~twintowns.agreements.policies.exclusivity`).  The dataset
rules are in :mod:`~twintowns.agreements.policies.dataset`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from twintowns.agreements.context import AtlasContext, Context
from twintowns.agreements.policies.cities import Rates, charlotte, paris, redwood_city
from twintowns.agreements.policies.dataset import DATASET_INTEGRITY
from twintowns.agreements.policies.exclusivity import EXCLUSIVE_PAIRS, is_exclusive
from twintowns.agreements.policies.sci import SISTER_CITIES_INTERNATIONAL
from twintowns.agreements.rules import Policy
from twintowns.errors import InvalidTypeError, InvalidValueError

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

#: Policy factories by name, for command lines: ``by_name("charlotte")``.
NAMES: Mapping[str, Callable[[], Policy[Context]]] = {
    "sci": lambda: SISTER_CITIES_INTERNATIONAL,
    "charlotte": charlotte,
    "redwood-city": redwood_city,
    "paris": paris,
}


def by_name(name: str) -> Policy[Context]:
    """The built-in policy called ``name``: ``sci``, ``charlotte``, ``redwood-city``
    or ``paris`` (case-insensitive; ``_`` works for ``-``)."""
    if not isinstance(name, str):
        raise InvalidTypeError(f"a policy name must be a str, not {name!r}")
    key = name.strip().lower().replace("_", "-")
    if key in ("sister-cities-international", "sister_cities_international"):
        key = "sci"
    if key not in NAMES:
        raise InvalidValueError(f"unknown policy {name!r}: expected one of {', '.join(NAMES)}")
    return NAMES[key]()
