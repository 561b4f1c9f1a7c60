"""Sister Cities International's recognition rules: :data:`SISTER_CITIES_INTERNATIONAL`.

SCI recognises a sister-city relationship between two communities in two
countries once the highest elected official of each (or the highest appointed
one where there are no elections) has signed a formal agreement, after the
U.S. community's council has passed a resolution declaring its intent to twin
with that city.  Its guideline is one sister city per country; further ties
are friendship cities.  A friendship city is a lesser tie and its documents
say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from twintowns.agreements.context import Context
from twintowns.agreements.policies._common import (
    LIVE,
    after_today,
    both_places,
    in_atlas,
    no_atlas,
    unresolved,
)
from twintowns.agreements.policies.exclusivity import is_exclusive
from twintowns.agreements.rules import NotChecked, Policy, Rule, Severity, Violation
from twintowns.model import PartialDate, PartnershipKind, Place, Status

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["SISTER_CITIES_INTERNATIONAL"]


def _distinct(ctx: Context) -> Iterator[Violation | NotChecked]:
    pa, pb = ctx.parties
    places = both_places(ctx)
    if places is not None:
        if places[0].id == places[1].id:
            yield Violation(f"both parties are {places[0].label}", field="parties")
    elif (
        isinstance(pa.place, str)
        and isinstance(pb.place, str)
        and pa.place.casefold() == pb.place.casefold()
    ):
        yield Violation(f"both parties are {pa.place!r}", field="parties")
    else:
        yield unresolved(ctx)


def _two_countries(ctx: Context) -> Iterator[Violation | NotChecked]:
    if ctx.agreement.kind is not PartnershipKind.SISTER:
        return
    places = both_places(ctx)
    if places is None:
        yield unresolved(ctx)
        return
    a, b = places
    if a.id != b.id and a.country == b.country:
        yield Violation(
            f"{a.label} and {b.label} are both in {a.country}: a sister-city agreement joins "
            "communities in two countries (a domestic tie can be a friendship agreement)"
        )


def _signatures(ctx: Context) -> Iterator[Violation]:
    for i, party, _place in ctx.sides():
        if any(s.highest_official for s in party.signatories):
            continue
        field = f"parties[{i}].signatories"
        if not party.signatories:
            yield Violation(f"no one has signed for {ctx.label(i)}", field=field)
        else:
            names = ", ".join(f"{s.name} ({s.office})" for s in party.signatories)
            yield Violation(
                f"{ctx.label(i)} is signed for by {names}, none of them its highest official "
                "(the mayor, or the highest appointed official where there are no elections)",
                field=field,
            )


def _appointed(ctx: Context) -> Iterator[Violation]:
    for i, party, _place in ctx.sides():
        for j, s in enumerate(party.signatories):
            if s.highest_official and not s.elected:
                yield Violation(
                    f"{s.name} ({s.office}) signs for {ctx.label(i)} as its highest appointed "
                    "official: valid only where the community holds no elections",
                    field=f"parties[{i}].signatories[{j}].elected",
                )


_KIND_WORDS = (
    (PartnershipKind.SISTER, re.compile(r"\b(sister|twin)", re.IGNORECASE)),
    (PartnershipKind.FRIENDSHIP, re.compile(r"\bfriendship\b", re.IGNORECASE)),
    (PartnershipKind.PARTNER, re.compile(r"\b(cooperation|co-operation)\b", re.IGNORECASE)),
)


def _kind_consistency(ctx: Context) -> Iterator[Violation]:
    agreement = ctx.agreement
    for field, text in (("title", agreement.title), ("note", agreement.note)):
        named = {kind for kind, pattern in _KIND_WORDS if pattern.search(text)}
        if named and agreement.kind not in named:
            words = " and ".join(sorted(k.value for k in named))
            yield Violation(
                f"the {field} {text!r} describes a {words} agreement but kind is "
                f"{agreement.kind.value!r}",
                field=field,
            )


def _not_future(ctx: Context) -> Iterator[Violation]:
    agreement = ctx.agreement
    if agreement.signed is not None and after_today(agreement.signed, ctx.today):
        yield Violation(f"signed {agreement.signed}, after today ({ctx.today})", field="signed")
    for i, party, _place in ctx.sides():
        approval = party.approval
        if approval is not None and approval.date and after_today(approval.date, ctx.today):
            yield Violation(
                f"{ctx.label(i)}'s approval is dated {approval.date}, after today ({ctx.today})",
                field=f"parties[{i}].approval.date",
            )


def _ended_after_signed(ctx: Context) -> Iterator[Violation]:
    agreement = ctx.agreement
    signed, ended = agreement.signed, agreement.ended
    if signed is not None and ended is not None and ended.certainly_before(signed):
        yield Violation(f"ended {agreement.ended}, before it was signed ({agreement.signed})")


def _status_dates(ctx: Context) -> Iterator[Violation]:
    agreement = ctx.agreement
    if agreement.status is Status.ENDED and agreement.ended is None:
        yield Violation("status is 'ended' but no end date is given", field="ended")
    if (
        agreement.status is not Status.ENDED
        and agreement.ended is not None
        and agreement.ended.certainly_before(PartialDate.from_date(ctx.today))
    ):
        yield Violation(
            f"ended {agreement.ended} but status is {agreement.status.value!r}", field="status"
        )


def _council_resolution(ctx: Context) -> Iterator[Violation | NotChecked]:
    """SCI: the U.S. community's council resolved to twin with this city before signing."""
    for i, party, place in ctx.sides():
        if place is None:  # it may be the U.S. community: say so, check the other side
            why = ctx.unresolved[i] or "unknown"
            yield NotChecked(f"place not resolved: {party.label!r} ({why})")
            continue
        if place.country != "US":
            continue
        field = f"parties[{i}].approval"
        approval = party.approval
        if approval is None or approval.date is None:
            yield Violation(
                f"{ctx.label(i)} has no dated council resolution declaring its intent to twin "
                f"with {ctx.label(1 - i)}",
                field=field,
            )
        elif ctx.agreement.signed is not None and ctx.agreement.signed.certainly_before(
            approval.date
        ):
            yield Violation(
                f"{ctx.label(i)}'s council resolution ({approval.date}) comes after the "
                f"signing ({ctx.agreement.signed}): the procedure precedes the signatures",
                field=f"{field}.date",
            )


_AtlasCheck = Callable[["Atlas", Place, Place, Context], Iterator[Violation]]


def _needs_atlas(check: _AtlasCheck) -> Callable[[Context], Iterator[Violation | NotChecked]]:
    """A check that compares with the atlas: reports what it cannot check without
    an atlas or resolved places, else runs ``check(atlas, place_a, place_b, ctx)``."""

    def run(ctx: Context) -> Iterator[Violation | NotChecked]:
        if ctx.atlas is None:
            yield no_atlas()
            return
        places = both_places(ctx)
        if places is None:
            yield unresolved(ctx)
            return
        yield from check(ctx.atlas, places[0], places[1], ctx)

    return run


def _sides_in_atlas(ctx: Context, a: Place, b: Place) -> Iterator[tuple[int, Place, Place]]:
    """``(index, place, other party's place)`` for each party the atlas holds."""
    for i, (place, other) in enumerate(((a, b), (b, a))):
        if in_atlas(ctx, place):
            yield i, place, other


@_needs_atlas
def _one_per_country(atlas: Atlas, a: Place, b: Place, ctx: Context) -> Iterator[Violation]:
    if ctx.agreement.kind is not PartnershipKind.SISTER:
        return
    for i, place, other in _sides_in_atlas(ctx, a, b):
        same = sorted(
            p.other(place).name
            for p in atlas.partnerships_of(place, status="active", kind="sister")
            if p.other(place).country == other.country and p.other(place).id != other.id
        )
        if same:
            yield Violation(
                f"{place.label} already has a sister city in {other.country} "
                f"({', '.join(same)}); SCI's guideline is one per country, further ties "
                "being friendship cities",
                field=f"parties[{i}].place",
                subject=(place.id,),
            )


@_needs_atlas
def _duplicate(atlas: Atlas, a: Place, b: Place, ctx: Context) -> Iterator[Violation]:
    if a.id == b.id or not (in_atlas(ctx, a) and in_atlas(ctx, b)):
        return
    existing = atlas.get_partnership(a, b)
    if existing is not None and existing.status in LIVE:
        since = f" since {existing.established}" if existing.established else ""
        yield Violation(
            f"{a.label} and {b.label} are already partners{since} "
            f"({existing.kind.value}, {existing.status.value})",
            field="parties",
            subject=existing.ids,
        )


@_needs_atlas
def _exclusive(atlas: Atlas, a: Place, b: Place, ctx: Context) -> Iterator[Violation]:
    if ctx.agreement.kind is not PartnershipKind.SISTER:
        return
    for i, place, other in _sides_in_atlas(ctx, a, b):
        ties = [p for p in atlas.partnerships_of(place, status=LIVE) if p.other(place) != other]
        for p in ties:
            if is_exclusive(p):
                yield Violation(
                    f"{place.label} has an exclusive partnership with {p.other(place).label}: "
                    "it cannot take another sister city",
                    field=f"parties[{i}].place",
                    subject=p.ids,
                )
        if ctx.agreement.exclusive:
            sisters = sorted(p.other(place).name for p in ties if p.kind is PartnershipKind.SISTER)
            if sisters:
                yield Violation(
                    f"the agreement declares exclusivity but {place.label} already has "
                    f"{len(sisters)} other sister cities ({', '.join(sisters[:5])}"
                    f"{', …' if len(sisters) > 5 else ''})",
                    field="exclusive",
                    subject=(place.id,),
                )


def _sci_rules() -> list[Rule[Context]]:
    E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO
    return [
        Rule(
            "sci.distinct-parties",
            E,
            "The two parties are distinct communities",
            field="parties",
            check=_distinct,
        ),
        Rule(
            "sci.two-countries",
            E,
            "A sister-city agreement joins communities in two countries",
            field="parties",
            check=_two_countries,
        ),
        Rule(
            "sci.signatures",
            E,
            "Each party is signed for by its highest elected (or appointed) official",
            field="parties",
            check=_signatures,
        ),
        Rule(
            "sci.appointed-official",
            N,
            "An appointed highest official signs only where there are no elections",
            field="parties",
            check=_appointed,
        ),
        Rule(
            "sci.kind-consistency",
            E,
            "The document's title and note name the same kind of tie as its kind",
            field="kind",
            check=_kind_consistency,
        ),
        Rule(
            "sci.not-in-future",
            E,
            "Signing and approval dates are not in the future",
            field="signed",
            check=_not_future,
        ),
        Rule(
            "sci.ended-after-signed",
            E,
            "An agreement ends after it was signed",
            field="ended",
            check=_ended_after_signed,
        ),
        Rule(
            "sci.status-dates",
            E,
            "The status agrees with the end date",
            field="status",
            check=_status_dates,
        ),
        Rule(
            "sci.council-resolution",
            E,
            "The U.S. community's council resolved to twin with this city before signing",
            field="parties",
            check=_council_resolution,
        ),
        Rule(
            "sci.one-per-country",
            W,
            "One sister city per country per community (with an atlas)",
            field="parties",
            check=_one_per_country,
        ),
        Rule(
            "sci.no-duplicate",
            E,
            "The two communities are not already partners (with an atlas)",
            field="parties",
            check=_duplicate,
        ),
        Rule(
            "sci.exclusivity",
            E,
            "A community with an exclusive partnership takes no other sister city",
            field="parties",
            check=_exclusive,
        ),
    ]


#: Sister Cities International's recognition rules.
SISTER_CITIES_INTERNATIONAL: Policy[Context] = Policy(
    "sci",
    _sci_rules(),
    description="Sister Cities International: recognition of a sister-city agreement",
)
