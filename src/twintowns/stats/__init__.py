"""Statistics and network analysis over the partnerships of an :class:`~twintowns.Atlas`.

Pure functions that take the atlas first.  Every one accepts ``status=``
the same way (:mod:`twintowns.filters`): ``None``, the default, counts every
partnership whatever its status (active, suspended, ended, proposed);
``status="active"`` or ``status=["active", "suspended"]`` keep only those.
Results are deterministic; each function documents how it breaks ties.
Indexes derived from an atlas (counts, adjacency lists, components) are built
on first use and kept for the four atlases used most recently, so repeated
questions are answered without a new pass over the data.

* counting (:mod:`~twintowns.stats.counts`): :func:`top_places`,
  :func:`partner_countries`, :func:`countries_of`, :func:`continents_of`,
  :func:`country_pairs`, :func:`domestic`, :func:`same_name`, :func:`by_decade`,
  :func:`dating`;
* summaries (:mod:`~twintowns.stats.summaries`): :func:`distance_summary`,
  :func:`reciprocity`, :func:`subdivisions_without_partnerships`;
* the network (:mod:`~twintowns.stats.network`, no networkx needed):
  :func:`degree_distribution`, :func:`components`, :func:`hubs`,
  :func:`shortest_chain`; :func:`to_networkx` (``twintowns[networkx]``);
* DataFrames (:mod:`~twintowns.stats.frames`): :func:`to_pandas`
  (``twintowns[pandas]``).

>>> import twintowns
>>> from twintowns import stats
>>> atlas = twintowns.load()
>>> charlotte = atlas.place("Charlotte")
>>> len(stats.continents_of(atlas, charlotte)) >= 4
True
"""

from __future__ import annotations

from twintowns.stats.counts import (
    Dating,
    by_decade,
    continents_of,
    countries_of,
    country_pairs,
    dating,
    domestic,
    partner_countries,
    same_name,
    top_places,
)
from twintowns.stats.frames import to_pandas
from twintowns.stats.network import (
    Components,
    components,
    degree_distribution,
    hubs,
    shortest_chain,
    to_networkx,
)
from twintowns.stats.summaries import (
    DistanceSummary,
    Reciprocity,
    Share,
    distance_summary,
    reciprocity,
    subdivisions_without_partnerships,
)

__all__ = [
    "Components",
    "Dating",
    "DistanceSummary",
    "Reciprocity",
    "Share",
    "by_decade",
    "components",
    "continents_of",
    "countries_of",
    "country_pairs",
    "dating",
    "degree_distribution",
    "distance_summary",
    "domestic",
    "hubs",
    "partner_countries",
    "reciprocity",
    "same_name",
    "shortest_chain",
    "subdivisions_without_partnerships",
    "to_networkx",
    "to_pandas",
    "top_places",
]
