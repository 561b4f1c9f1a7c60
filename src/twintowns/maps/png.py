"""PNG maps: the SVG drawing rasterised by CairoSVG (extra ``twintowns[png]``).

CairoSVG renders *our* SVG, so the PNG and the SVG are one drawing from one
code path; a second renderer such as matplotlib would mean a second drawing
to keep in step and a much heavier dependency.
"""

from __future__ import annotations

from pathlib import Path

from twintowns.errors import MissingDependencyError

__all__: list[str] = []


def svg_to_png(document: str, path: Path) -> None:
    """Rasterise the SVG ``document`` into the PNG file ``path``."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: the cairo C library is missing
        raise MissingDependencyError(
            f"PNG maps need the optional dependency cairosvg (and the cairo library): "
            f"pip install 'twintowns[png]' ({exc})"
        ) from exc
    cairosvg.svg2png(bytestring=document.encode("utf-8"), write_to=str(path))
