"""How a map looks: status colours and dashes, the font, sizes and margins.

Every drawing module (:mod:`~twintowns.maps.svg`, :mod:`~twintowns.maps.html`)
takes its colours and measures from here, so the SVG, the PNG and both HTML
maps show a status the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from twintowns.model import Status

__all__ = ["STATUS_STYLES", "StatusStyle"]


@attrs.frozen
class StatusStyle:
    """How arcs and markers of one status are drawn."""

    colour: str
    dash: str | None
    description: str


#: Colours from the Okabe–Ito palette (distinguishable with colour-blindness);
#: the dash pattern tells statuses apart in greyscale too.
STATUS_STYLES: Final[Mapping[Status, StatusStyle]] = {
    Status.ACTIVE: StatusStyle("#0072B2", None, "active"),
    Status.SUSPENDED: StatusStyle("#E69F00", "7 4", "suspended"),
    Status.ENDED: StatusStyle("#7A7A7A", "2 3", "ended"),
    Status.PROPOSED: StatusStyle("#009E73", "10 3 2 3", "proposed"),
}
HOME_COLOUR: Final = "#C0392B"

SVG_NS: Final = "http://www.w3.org/2000/svg"
FONT: Final = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
#: Margin around the drawing and between its parts (px).
PAD: Final = 12.0
#: Room above the world map for the title and the summary line.
TITLE_HEIGHT: Final = 52.0
LEGEND_HEIGHT: Final = 30.0
#: The numbered key below the legend: one row, one column.
KEY_ROW: Final = 17.0
KEY_COLUMN: Final = 290.0
LABEL_SIZE: Final = 11.0
HOME_LABEL_SIZE: Final = 12.5
PARTNER_RADIUS: Final = 3.5
HOME_RADIUS: Final = 6.0
