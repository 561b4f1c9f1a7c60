"""The legend (the place and each status shown, with counts) and the numbered key."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from twintowns.maps.elements import el, fmt
from twintowns.maps.entries import basis_text
from twintowns.maps.labels import text_width
from twintowns.maps.style import (
    HOME_COLOUR,
    HOME_RADIUS,
    KEY_COLUMN,
    KEY_ROW,
    LABEL_SIZE,
    PAD,
    PARTNER_RADIUS,
    STATUS_STYLES,
)
from twintowns.model import Partnership, Place, Status

if TYPE_CHECKING:
    from twintowns.maps.entries import Entry

__all__: list[str] = []


def draw_legend(
    svg: ET.Element,
    home: Place,
    counts: Counter[Status],
    y: float,
    partnerships: Sequence[Partnership] = (),
) -> None:
    legend = el(svg, "g", **{"class": "legend"})
    x = PAD + 4
    item = el(legend, "g", **{"class": "legend-item", "data-status": "home"})
    el(item, "circle", cx=fmt(x + 6), cy=fmt(y), r=fmt(HOME_RADIUS - 1), fill=HOME_COLOUR)
    text = f"{home.name} (the place)"
    el(item, "text", text, x=fmt(x + 16), y=fmt(y + 4), font_size="11", fill="#222")
    x += 16 + text_width(text, 11) + 18
    for status, style in STATUS_STYLES.items():
        if not counts.get(status):
            continue  # a category the map does not show is not in its legend
        item = el(legend, "g", **{"class": "legend-item", "data-status": status.value})
        dash = {"stroke-dasharray": style.dash} if style.dash else {}
        el(
            item,
            "line",
            x1=fmt(x),
            y1=fmt(y),
            x2=fmt(x + 28),
            y2=fmt(y),
            stroke=style.colour,
            stroke_width="2",
            **dash,
        )
        el(item, "circle", cx=fmt(x + 28), cy=fmt(y), r=fmt(PARTNER_RADIUS), fill=style.colour)
        text = f"{style.description} ({counts.get(status, 0)})"
        basis = basis_text(partnerships, status)
        if basis:
            text += f" {basis}"
        el(item, "text", text, x=fmt(x + 36), y=fmt(y + 4), font_size="11", fill="#222")
        x += 36 + text_width(text, 11) + 18


def draw_key(svg: ET.Element, entries: Sequence[Entry], width: float, y0: float) -> float:
    """The numbered key below the legend; returns its height."""
    columns = max(1, int((width - 2 * PAD) // KEY_COLUMN))
    rows = math.ceil(len(entries) / columns)
    key = el(svg, "g", **{"class": "key"})
    chars = int((KEY_COLUMN - 40) / (LABEL_SIZE * 0.62))
    for i, entry in enumerate(entries):
        col, row = divmod(i, rows)
        x, y = PAD + 4 + col * KEY_COLUMN, y0 + row * KEY_ROW
        style = STATUS_STYLES[entry.partnership.status]
        el(key, "circle", cx=fmt(x + 4), cy=fmt(y - 4), r="3.5", fill=style.colour)
        text = f"{entry.number}. {entry.partner.name}, {entry.partner.country}"
        if entry.partnership.status is not Status.ACTIVE:
            text += f" ({entry.partnership.status.value})"
        if len(text) > chars:
            text = text[: chars - 1] + "…"
        el(
            key,
            "text",
            text,
            x=fmt(x + 12),
            y=fmt(y),
            font_size=fmt(LABEL_SIZE),
            fill="#222",
            **{"class": "key-entry", "data-partner": entry.partner.id},
        )
    return rows * KEY_ROW
