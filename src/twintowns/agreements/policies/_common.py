"""Helpers shared by the built-in policies (not public)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from twintowns.agreements.context import Context
from twintowns.agreements.rules import NotChecked
from twintowns.model import PartialDate, Place, Status

#: The statuses of a partnership that still binds: active, suspended, proposed.
LIVE = (Status.ACTIVE, Status.SUSPENDED, Status.PROPOSED)


def after_today(d: PartialDate, today: _dt.date) -> bool:
    return PartialDate.from_date(today).certainly_before(d)


def in_atlas(ctx: Context, place: Place | None) -> bool:
    return ctx.atlas is not None and place is not None and ctx.atlas.get(place.id) == place


def both_places(ctx: Context) -> tuple[Place, Place] | None:
    a, b = ctx.places
    return (a, b) if a is not None and b is not None else None


def unresolved(ctx: Context) -> NotChecked:
    reasons = [
        f"{ctx.agreement.parties[i].label!r} ({why})"
        for i, why in enumerate(ctx.unresolved)
        if why is not None
    ]
    return NotChecked("place not resolved: " + "; ".join(reasons))


def no_atlas() -> NotChecked:
    return NotChecked("needs an atlas: pass atlas=twintowns.load() to validate()")


def money(amount: Decimal, currency: str = "USD") -> str:
    """Exact: every digit shown, never rounded (``USD 49,999.996``)."""
    return f"{currency} {amount:,f}"
