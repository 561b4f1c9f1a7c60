"""Mutual exclusivity: partnerships that allow no other sister city.

>>> from twintowns.model import Place, Partnership
>>> a = Place(id="gn:1", name="A", country="FR")
>>> b = Place(id="gn:2", name="B", country="IT")
>>> is_exclusive(Partnership(a, b, note="mutually exclusive twinning"))
True
"""

from __future__ import annotations

import re

from twintowns.model import Partnership

__all__ = ["EXCLUSIVE_PAIRS", "is_exclusive"]

#: Partnerships known to be mutually exclusive, as pairs of place ids, beside
#: those whose note declares it.  Paris–Rome (1956): "Only Paris is worthy of
#: Rome; only Rome is worthy of Paris" — https://en.wikipedia.org/wiki/Paris#International_relations
EXCLUSIVE_PAIRS: frozenset[frozenset[str]] = frozenset({frozenset({"gn:2988507", "gn:3169070"})})

_EXCLUSIVE_NOTE = re.compile(r"(?<![-\w])(?<!not )(?<!non )exclusiv", re.IGNORECASE)


def is_exclusive(partnership: Partnership) -> bool:
    """Is ``partnership`` mutually exclusive?

    True for the pairs in :data:`EXCLUSIVE_PAIRS` and for partnerships whose
    note declares exclusivity (the word "exclusive", not "non-exclusive").

    >>> from twintowns.model import Place, Partnership
    >>> a = Place(id="gn:1", name="A", country="FR")
    >>> b = Place(id="gn:2", name="B", country="IT")
    >>> is_exclusive(Partnership(a, b, note="mutually exclusive twinning"))
    True
    >>> is_exclusive(Partnership(a, b, note="non-exclusive"))
    False
    """
    if frozenset(partnership.ids) in EXCLUSIVE_PAIRS:
        return True
    return bool(partnership.note) and _EXCLUSIVE_NOTE.search(partnership.note) is not None
