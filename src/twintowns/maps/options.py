"""What a map is asked to show (:class:`MapOptions`) and what it drew (:class:`MapSummary`).

One :class:`MapOptions` carries the drawing options that :func:`~twintowns.maps.svg_map`,
:func:`~twintowns.maps.render_map` and :func:`~twintowns.webmap.offline_html_map`
share; each of them builds it from its keyword arguments, or takes one
ready-made as ``options=``.  A bad value raises
:class:`~twintowns.errors.InvalidValueError` when the options are made,
before anything is drawn or written.

>>> MapOptions(width=960, labels="numbers")  # doctest: +NORMALIZE_WHITESPACE
MapOptions(status=None, kind=None, width=960, labels='numbers', title=None,
           center='auto', inset='auto')
>>> MapOptions(center=200)
Traceback (most recent call last):
...
twintowns.errors.InvalidValueError: center must be 'auto' or a longitude in [-180, 180], not 200
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

import attrs

from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.filters import KindFilter, StatusFilter

__all__ = ["FORMATS", "LabelMode", "MapOptions", "MapSummary"]

LabelMode: TypeAlias = Literal["auto", "names", "numbers"]
#: Output formats of :func:`~twintowns.maps.render_map`, by file suffix.
FORMATS: Final = ("svg", "png", "html")


def _check_width(_: Any, __: Any, width: object) -> None:
    if isinstance(width, bool) or not isinstance(width, int | float) or not 400 <= width <= 10000:
        raise InvalidValueError(f"width must be a number of pixels in [400, 10000], not {width!r}")


def _check_labels(_: Any, __: Any, labels: object) -> None:
    if labels not in ("auto", "names", "numbers"):
        raise InvalidValueError(f"labels must be 'auto', 'names' or 'numbers', not {labels!r}")


def _check_center(_: Any, __: Any, center: object) -> None:
    if center != "auto" and (
        isinstance(center, bool)
        or not isinstance(center, int | float)
        or not -180.0 <= center <= 180.0
    ):
        raise InvalidValueError(
            f"center must be 'auto' or a longitude in [-180, 180], not {center!r}"
        )


def _check_inset(_: Any, __: Any, inset: object) -> None:
    if inset not in ("auto", True, False):
        raise InvalidValueError(f"inset must be 'auto', True or False, not {inset!r}")


@attrs.frozen(kw_only=True)
class MapOptions:
    """The drawing options of a map, checked once (every field has a default).

    ``status`` and ``kind`` filter the partnerships as everywhere in
    twintowns (checked when the partnerships are read: an unknown status
    raises there).  ``width`` is in pixels (400 to 10 000); the height follows
    from the projection, the inset and the key.  ``labels``: ``"auto"`` (names
    when they all fit, else numbered markers with a key), ``"names"`` or
    ``"numbers"``.  ``title`` replaces "Partnerships of …".  ``center`` is the
    central meridian in degrees east, or ``"auto"``: the multiple of 30° that
    splits the fewest arcs at the map's edge.  ``inset``: ``"auto"`` zooms on
    the densest cluster of partners when it is crowded, ``True`` whenever
    some partners cluster, ``False`` never.
    """

    status: StatusFilter = None
    kind: KindFilter = None
    width: float = attrs.field(default=1200, validator=_check_width)
    labels: LabelMode = attrs.field(default="auto", validator=_check_labels)
    title: str | None = None
    center: float | Literal["auto"] = attrs.field(default="auto", validator=_check_center)
    inset: bool | Literal["auto"] = attrs.field(default="auto", validator=_check_inset)


@attrs.frozen
class MapSummary:
    """What :func:`~twintowns.maps.render_map` drew.

    ``arcs`` counts drawn arc pieces (one per partner, two when an arc
    crosses the antimeridian: ``crossings`` counts those).  ``labels`` is
    ``"names"`` or ``"numbers"`` (numbered markers with a key).
    ``overlaps`` counts labels that found no free spot (0 in practice).
    """

    format: str
    place: str
    partners: int
    arcs: int
    crossings: int
    labels: str
    path: Path | None = attrs.field(default=None, repr=False, eq=False)
    overlaps: int = attrs.field(default=0, repr=False)
    inset: int = attrs.field(default=0, repr=False)
    """Partners shown in the zoomed inset (0: no inset)."""
    size: int = attrs.field(default=0, repr=False, eq=False)
    """Bytes written."""


def options_from(options: MapOptions | None, **keywords: object) -> MapOptions:
    """``options``, or the options the drawing keywords ask for; not both.

    The public functions take the drawing options one by one, as keywords, or
    together as ``options=``: given both, the keywords must keep their defaults.
    """
    asked = MapOptions(**keywords)  # type: ignore[arg-type]  # the keywords of MapOptions
    if options is None:
        return asked
    if not isinstance(options, MapOptions):
        raise InvalidTypeError(f"options must be a MapOptions, not {options!r}")
    default = MapOptions()
    changed = [
        f.name
        for f in attrs.fields(MapOptions)
        if getattr(asked, f.name) != getattr(default, f.name)
    ]
    if changed:
        raise InvalidValueError(
            f"pass the drawing options as options= or as keywords, not both: {', '.join(changed)}"
        )
    return options
