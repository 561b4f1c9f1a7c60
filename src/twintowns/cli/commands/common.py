"""Helpers several commands share: common options, the JSON form of places and
partnerships, and table output."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from twintowns.cli.context import Context
from twintowns.cli.render import fit_width, table

if TYPE_CHECKING:
    from twintowns.model import Partnership, Place

__all__ = [
    "add_country",
    "add_place",
    "add_status",
    "kind_list",
    "number",
    "pair",
    "positive",
    "record",
    "show",
    "status_list",
]


def record(place: Place) -> dict[str, Any]:
    """A place as JSON: the export's record plus its human ``label``."""
    from twintowns.export import place_record

    document = place_record(place)
    document["label"] = place.label
    return document


def pair(p: Partnership) -> dict[str, Any]:
    """A partnership as JSON: the export's record plus both places' labels."""
    from twintowns.export import partnership_record

    document = partnership_record(p)
    document["a_label"], document["b_label"] = p.a.label, p.b.label
    return document


def status_list(values: Sequence[str] | None) -> list[str] | None:
    """``--status a,b --status c`` as a list checked by the library's filter (None: all)."""
    if not values:
        return None
    from twintowns.filters import status_filter

    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    status_filter(items)  # raises ValueError naming a wrong status
    return items


def kind_list(values: Sequence[str] | None) -> list[str] | None:
    """``--kind a,b --kind c`` as a list checked by the library's filter (None: all)."""
    if not values:
        return None
    from twintowns.filters import kind_filter

    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    kind_filter(items)
    return items


def add_status(parser: argparse.ArgumentParser) -> None:
    """The ``--status`` option."""
    parser.add_argument(
        "--status",
        action="append",
        metavar="S",
        help="only partnerships with this status: active, suspended, ended, proposed "
        "(comma-separated or repeated; default: all)",
    )


def add_place(p: argparse.ArgumentParser) -> None:
    """The QUERY argument naming one place, and ``--country``."""
    p.add_argument("query", metavar="QUERY", help="a name ('Charlotte', 'Orange, FR') or an id")
    add_country(p)


def add_country(p: argparse.ArgumentParser) -> None:
    """The ``--country`` option that narrows a place's lookup."""
    p.add_argument("--country", metavar="CODE", help="only places in this country (code or name)")


def number(value: float, decimals: int = 1) -> str:
    """``value`` with thousands separators."""
    return f"{value:,.{decimals}f}"


def show(ctx: Context, headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> None:
    """A table of ``rows``, fitted to the terminal; nothing when there are no rows."""
    if rows:
        ctx.out(table(headers, rows, align=align, max_width=fit_width(ctx.stdout)))


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value
