"""Writing SVG elements: numbers as the drawing writes them, one element per call."""

from __future__ import annotations

import xml.etree.ElementTree as ET

__all__: list[str] = []


def fmt(value: float) -> str:
    """A coordinate as the SVG writes it: one decimal at most, no ``-0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def el(parent: ET.Element, tag: str, text: str | None = None, **attrs_: str) -> ET.Element:
    """A new ``tag`` child of ``parent``: ``stroke_width=`` becomes ``stroke-width``."""
    element = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs_.items()}
    )
    if text is not None:
        element.text = text
    return element
