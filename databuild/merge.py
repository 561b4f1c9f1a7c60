"""Merge resolved directed claims into undirected partnerships."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Merged:
    a: str
    b: str
    claimed_by: set[str] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)


def _ref_key(ref: str) -> tuple[str, ...]:
    """Sort references source by source, rows numerically."""
    parts = ref.split(":")
    return tuple(p.zfill(8) if p.isdigit() else p for p in parts)


def merge(pairs: list[tuple[str, str, str]]) -> dict[tuple[str, str], Merged]:
    """``pairs`` are ``(origin id, target id, source ref)``; origin ≠ target."""
    out: dict[tuple[str, str], Merged] = {}
    for origin, target, ref in pairs:
        a, b = sorted((origin, target))
        m = out.get((a, b))
        if m is None:
            m = out[(a, b)] = Merged(a, b)
        m.claimed_by.add(origin)
        m.sources.append(ref)
    for m in out.values():
        m.sources = sorted(set(m.sources), key=_ref_key)
    return out
