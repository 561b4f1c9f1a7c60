"""Shared fixtures and settings.

* the hypothesis profile every property runs with (a test that needs more or
  fewer examples says so, and why, in its own ``@settings``); the shared
  strategies are in ``tests/strategies.py``;
* ``atlas``: the bundled atlas (``twintowns.load()``), for tests of the real data;
* ``small_atlas``: a small hand-built atlas where every answer is known.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

import twintowns
from twintowns.atlas import Atlas
from twintowns.model import Partnership, Place

settings.register_profile(
    "twintowns",
    # the hypothesis default, stated: a property that deserves more (it is cheap) or
    # fewer (each example builds or writes much) says so where it is defined
    max_examples=100,
    # speed is measured by the benchmarks, never by a test's clock: an example that
    # is slow on a loaded machine is not a failure
    deadline=None,
    # drawing from the bundled data (56,000 records) or building agreements is slow
    # by nature; the examples still run in full
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("twintowns")


def make_place(pid: str, name: str, country: str, **kw: object) -> Place:
    defaults: dict[str, object] = {
        "subdivision": None,
        "kind": "city",
        "latitude": 0.0,
        "longitude": 0.0,
        "timezone": "UTC",
        "population": None,
        "continent": "EU",
        "aliases": (),
    }
    defaults.update(kw)
    return Place(id=pid, name=name, country=country, **defaults)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    """The bundled atlas, loaded once for the session (``twintowns.load()`` caches it).

    A module that needs another atlas under this name (``test_stats.py``) defines
    its own ``atlas`` fixture, which takes precedence there.
    """
    return twintowns.load()


@pytest.fixture(scope="session")
def small_atlas() -> Atlas:
    charlotte = make_place(
        "gn:1",
        "Charlotte",
        "US",
        subdivision="US-NC",
        latitude=35.2271,
        longitude=-80.8431,
        timezone="America/New_York",
        population=874579,
        continent="NA",
    )
    charlotte_mi = make_place(
        "gn:7",
        "Charlotte",
        "US",
        subdivision="US-MI",
        latitude=42.56,
        longitude=-84.83,
        timezone="America/Detroit",
        population=9000,
        continent="NA",
    )
    arequipa = make_place(
        "gn:2",
        "Arequipa",
        "PE",
        latitude=-16.3989,
        longitude=-71.535,
        timezone="America/Lima",
        population=841130,
        continent="SA",
    )
    voronezh = make_place(
        "gn:8",
        "Voronezh",
        "RU",
        latitude=51.67,
        longitude=39.18,
        timezone="Europe/Moscow",
        population=889680,
        continent="EU",
    )
    orange_ca = make_place(
        "gn:3",
        "Orange",
        "US",
        subdivision="US-CA",
        latitude=33.7879,
        longitude=-117.8531,
        timezone="America/Los_Angeles",
        population=139911,
        continent="NA",
        aliases=("Orange, California",),
    )
    orange_fr = make_place(
        "gn:4",
        "Orange",
        "FR",
        subdivision="FR-PAC",
        latitude=44.1381,
        longitude=4.8075,
        timezone="Europe/Paris",
        population=29135,
        continent="EU",
        aliases=("Orange, Vaucluse",),
    )
    orange_au = make_place(
        "gn:5",
        "Orange",
        "AU",
        subdivision="AU-NSW",
        latitude=-33.2835,
        longitude=149.1013,
        timezone="Australia/Sydney",
        population=40493,
        continent="OC",
        aliases=("Orange, New South Wales",),
    )
    kyiv = make_place(
        "gn:6",
        "Kyiv",
        "UA",
        latitude=50.45,
        longitude=30.52,
        timezone="Europe/Kyiv",
        population=2900000,
        aliases=("Kiev",),
    )
    dusseldorf = make_place(
        "gn:9",
        "Düsseldorf",
        "DE",
        ascii_name="Dusseldorf",
        latitude=51.22,
        longitude=6.78,
        timezone="Europe/Berlin",
        population=620000,
    )
    lonely = make_place("tt:xx:lonely", "Lonelyville", "FI", timezone="Europe/Helsinki")
    places = [
        charlotte,
        charlotte_mi,
        arequipa,
        voronezh,
        orange_ca,
        orange_fr,
        orange_au,
        kyiv,
        dusseldorf,
        lonely,
    ]
    partnerships = [
        Partnership(
            charlotte,
            arequipa,
            established="1962-02-05",
            claimed_by=("gn:1", "gn:2"),
            sources=("wpcont:1",),
            as_of="2026",
        ),
        Partnership(
            charlotte,
            voronezh,
            status="suspended",
            established="1991",
            note="suspended by council vote 2022-03-28",
            claimed_by=("gn:1",),
            as_of="2026-11-23",
            status_basis="confirmed",
        ),
        Partnership(orange_ca, orange_fr, claimed_by=("gn:3",)),
        Partnership(orange_ca, orange_au, claimed_by=("gn:3", "gn:5")),
        Partnership(kyiv, dusseldorf, kind="partner"),
    ]
    return Atlas(places, partnerships, metadata={"version": "test"})
