"""Built-in policies: Sister Cities International, Charlotte, Redwood City, Paris.

Each policy is a :class:`~twintowns.rules.Policy` of small rules (see
:mod:`twintowns.rules`).  Pick one by name with :func:`by_name`:

>>> from twintowns import policies
>>> policies.by_name("sci") is policies.SISTER_CITIES_INTERNATIONAL
True
>>> policies.by_name("charlotte").ids[-3:]
('charlotte.council-approval', 'charlotte.citizen-involvement', 'charlotte.donations')

``DATASET_INTEGRITY`` holds the dataset-level rules that
:meth:`twintowns.Atlas.validate` runs over every partnership.

What the rules encode
---------------------

*Sister Cities International* (SCI) recognises a sister-city relationship
between two communities in two countries once the highest elected official of
each (or the highest appointed one where there are no elections) has signed a
formal agreement, after the U.S. community's council has passed a resolution
declaring its intent to twin with that city.  Its guideline is one sister city
per country; further ties are friendship cities.  A friendship city is a
lesser tie and its documents say so.  *Charlotte* adds council approval,
citizen involvement and USD 50,000 in pledged donations; *Redwood City* a
proposal with a community-support list and a first-year budget; *Paris* has
exactly one sister city, Rome, by mutual exclusivity.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from twintowns.agreement import Party
from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.model import PartialDate, Partnership, PartnershipKind, Place, Status
from twintowns.rules import Context, NotChecked, Policy, Rule, Severity, Violation

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "DATASET_INTEGRITY",
    "EXCLUSIVE_PAIRS",
    "NAMES",
    "SISTER_CITIES_INTERNATIONAL",
    "AtlasContext",
    "by_name",
    "charlotte",
    "is_exclusive",
    "paris",
    "redwood_city",
]

_LIVE = (Status.ACTIVE, Status.SUSPENDED, Status.PROPOSED)

#: Partnerships known to be mutually exclusive, as pairs of place ids, beside
#: those whose note declares it.  Paris–Rome (1956): "Only Paris is worthy of
#: Rome; only Rome is worthy of Paris" — https://en.wikipedia.org/wiki/Paris#International_relations
EXCLUSIVE_PAIRS: frozenset[frozenset[str]] = frozenset({frozenset({"gn:2988507", "gn:3169070"})})

_EXCLUSIVE_NOTE = re.compile(r"(?<![-\w])(?<!not )(?<!non )exclusiv", re.IGNORECASE)


def is_exclusive(partnership: Partnership) -> bool:
    """Is ``partnership`` mutually exclusive?

    True for the pairs in :data:`EXCLUSIVE_PAIRS` and for partnerships whose
    note declares exclusivity (the word "exclusive", not "non-exclusive").

    >>> from twintowns.model import Place, Partnership
    >>> a = Place(id="gn:1", name="A", country="FR")
    >>> b = Place(id="gn:2", name="B", country="IT")
    >>> is_exclusive(Partnership(a, b, note="mutually exclusive twinning"))
    True
    >>> is_exclusive(Partnership(a, b, note="non-exclusive"))
    False
    """
    if frozenset(partnership.ids) in EXCLUSIVE_PAIRS:
        return True
    return bool(partnership.note) and _EXCLUSIVE_NOTE.search(partnership.note) is not None


# --------------------------------------------------------------------------
# helpers


def _common(a: PartialDate, b: PartialDate) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``a`` and ``b`` as tuples cut to their common precision."""
    ka = (a.year, a.month, a.day)
    kb = (b.year, b.month, b.day)
    n = 1
    while n < 3 and ka[n] is not None and kb[n] is not None:
        n += 1
    return tuple(int(x or 0) for x in ka[:n]), tuple(int(x or 0) for x in kb[:n])


def before(a: PartialDate, b: PartialDate) -> bool:
    """Is ``a`` certainly earlier than ``b``, compared at their common precision?

    >>> before(PartialDate.parse("2020"), PartialDate.parse("2020-05"))
    False
    >>> before(PartialDate.parse("2019-12"), PartialDate.parse("2020"))
    True
    """
    ka, kb = _common(a, b)
    return ka < kb


def _after_today(d: PartialDate, today: _dt.date) -> bool:
    return before(PartialDate.from_date(today), d)


def _in_atlas(ctx: Context, place: Place | None) -> bool:
    return ctx.atlas is not None and place is not None and ctx.atlas.get(place.id) == place


def _both_places(ctx: Context) -> tuple[Place, Place] | None:
    a, b = ctx.places
    return (a, b) if a is not None and b is not None else None


def _unresolved(ctx: Context) -> NotChecked:
    reasons = [
        f"{ctx.agreement.parties[i].label!r} ({why})"
        for i, why in enumerate(ctx.unresolved)
        if why is not None
    ]
    return NotChecked("place not resolved: " + "; ".join(reasons))


def _no_atlas() -> NotChecked:
    return NotChecked("needs an atlas: pass atlas=twintowns.load() to validate()")


def _money(amount: Decimal, currency: str = "USD") -> str:
    """Exact: every digit shown, never rounded (``USD 49,999.996``)."""
    return f"{currency} {amount:,f}"


# --------------------------------------------------------------------------
# Sister Cities International


def _distinct(ctx: Context) -> Iterator[Violation | NotChecked]:
    pa, pb = ctx.parties
    places = _both_places(ctx)
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
        yield _unresolved(ctx)


def _two_countries(ctx: Context) -> Iterator[Violation | NotChecked]:
    if ctx.agreement.kind is not PartnershipKind.SISTER:
        return
    places = _both_places(ctx)
    if places is None:
        yield _unresolved(ctx)
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
    if agreement.signed is not None and _after_today(agreement.signed, ctx.today):
        yield Violation(f"signed {agreement.signed}, after today ({ctx.today})", field="signed")
    for i, party, _place in ctx.sides():
        approval = party.approval
        if approval is not None and approval.date and _after_today(approval.date, ctx.today):
            yield Violation(
                f"{ctx.label(i)}'s approval is dated {approval.date}, after today ({ctx.today})",
                field=f"parties[{i}].approval.date",
            )


def _ended_after_signed(ctx: Context) -> Iterator[Violation]:
    agreement = ctx.agreement
    signed, ended = agreement.signed, agreement.ended
    if signed is not None and ended is not None and before(ended, signed):
        yield Violation(f"ended {agreement.ended}, before it was signed ({agreement.signed})")


def _status_dates(ctx: Context) -> Iterator[Violation]:
    agreement = ctx.agreement
    if agreement.status is Status.ENDED and agreement.ended is None:
        yield Violation("status is 'ended' but no end date is given", field="ended")
    if (
        agreement.status is not Status.ENDED
        and agreement.ended is not None
        and before(agreement.ended, PartialDate.from_date(ctx.today))
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
        elif ctx.agreement.signed is not None and before(ctx.agreement.signed, approval.date):
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
            yield _no_atlas()
            return
        places = _both_places(ctx)
        if places is None:
            yield _unresolved(ctx)
            return
        yield from check(ctx.atlas, places[0], places[1], ctx)

    return run


def _sides_in_atlas(ctx: Context, a: Place, b: Place) -> Iterator[tuple[int, Place, Place]]:
    """``(index, place, other party's place)`` for each party the atlas holds."""
    for i, (place, other) in enumerate(((a, b), (b, a))):
        if _in_atlas(ctx, place):
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
    if a.id == b.id or not (_in_atlas(ctx, a) and _in_atlas(ctx, b)):
        return
    existing = atlas.get_partnership(a, b)
    if existing is not None and existing.status in _LIVE:
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
        ties = [p for p in atlas.partnerships_of(place, status=_LIVE) if p.other(place) != other]
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


# --------------------------------------------------------------------------
# city policies


def _council_approval(city: str) -> Callable[[Context], Iterator[Violation]]:
    def check(ctx: Context) -> Iterator[Violation]:
        approval = ctx.agreement.home.approval
        if approval is None:
            yield Violation(f"{ctx.label(0)} has no city-council approval", field="parties[0]")
            return
        missing = [
            name
            for name, value in (("date", approval.date), ("resolution", approval.resolution))
            if not value
        ]
        if missing:
            yield Violation(
                f"{city}'s council approval needs a {' and a '.join(missing)}",
                field=f"parties[0].approval.{missing[0]}",
            )
        signed = ctx.agreement.signed
        if approval.date is not None and signed is not None and before(signed, approval.date):
            yield Violation(
                f"the council approved on {approval.date}, after the signing ({signed})",
                field="parties[0].approval.date",
            )

    return check


def _citizen_involvement(ctx: Context) -> Iterator[Violation]:
    ci = ctx.agreement.citizen_involvement
    if ci is None:
        yield Violation("no citizen involvement (a committee and its volunteers) is described")
        return
    if not ci.committee:
        yield Violation("the citizen committee is not named", field="citizen_involvement.committee")
    if ci.volunteers < 1:
        yield Violation("no volunteers are listed", field="citizen_involvement.volunteers")


#: Exchange rates: the value in the policy's currency of one unit of another, exactly.
Rates = Mapping[str, Decimal | int | str]


def _check_rates(rates: Rates | None) -> dict[str, Decimal]:
    from twintowns.agreement import Money

    out: dict[str, Decimal] = {}
    if rates is not None and not isinstance(rates, Mapping):
        raise InvalidTypeError(f"rates must be a mapping of currency to rate, not {rates!r}")
    for code, rate in (rates or {}).items():
        if isinstance(rate, bool) or not isinstance(rate, Decimal | int | str):
            raise InvalidTypeError(
                f"the rate for {code!r} must be exact (Decimal, int or str), not {rate!r}"
            )
        money = Money(rate, code)  # validates the code and the number
        if money.amount <= 0:
            raise InvalidValueError(f"the rate for {code!r} must be positive: {rate!r}")
        out[money.currency] = money.amount
    return out


def _donations(
    minimum: Decimal, currency: str, rates: Mapping[str, Decimal], city: str
) -> Callable[[Context], Iterator[Violation]]:
    def check(ctx: Context) -> Iterator[Violation]:
        total = Decimal(0)
        unconverted = False
        for i, d in enumerate(ctx.agreement.donations):
            if d.currency == currency:
                total += d.amount
            elif d.currency in rates:
                total += d.amount * rates[d.currency]
            else:
                unconverted = True
                yield Violation(
                    f"{d.amount} {d.currency} pledged{' by ' + d.donor if d.donor else ''}: "
                    f"{city} counts {currency} and never converts silently; pass a rate "
                    f"(rates={{{d.currency!r}: Decimal(...)}}) to count it",
                    field=f"donations[{i}].currency",
                )
        if not unconverted and total < minimum:
            yield Violation(
                f"{_money(total, currency)} pledged; {city} requires at least "
                f"{_money(minimum, currency)}",
                field="donations",
            )

    return check


def charlotte(
    *, rates: Rates | None = None, minimum: Decimal | int | str = 50_000
) -> Policy[Context]:
    """Charlotte, NC: SCI's rules plus city-council approval, citizen involvement
    and at least USD 50,000 in pledged donations.

    Donations in another currency are an error unless ``rates`` gives the
    exact USD value of one unit of it (``{"EUR": Decimal("1.08")}``): a
    pledge is never converted silently.

    >>> charlotte(rates={"EUR": "1.08"}).name
    'charlotte'
    """
    from twintowns.agreement import Money

    table = _check_rates(rates)
    floor = Money(minimum, "USD").amount
    E = Severity.ERROR
    return SISTER_CITIES_INTERNATIONAL.renamed(
        "charlotte", description="Charlotte, NC: SCI plus approval, citizens and donations"
    ).add(
        Rule(
            "charlotte.council-approval",
            E,
            "Charlotte City Council approved the agreement (dated resolution)",
            field="parties[0].approval",
            check=_council_approval("Charlotte"),
        ),
        Rule(
            "charlotte.citizen-involvement",
            E,
            "A citizen committee with volunteers stands behind the partnership",
            field="citizen_involvement",
            check=_citizen_involvement,
        ),
        Rule(
            "charlotte.donations",
            E,
            f"At least {_money(floor)} is pledged in donations",
            field="donations",
            check=_donations(floor, "USD", table, "Charlotte"),
        ),
    )


def _proposal(ctx: Context) -> Iterator[Violation]:
    proposal = ctx.agreement.proposal
    if proposal is None:
        yield Violation("no proposal to the council is attached")
        return
    if not proposal.supporters:
        yield Violation("the proposal lists no community supporters", field="proposal.supporters")
    if proposal.budget is None:
        yield Violation("the proposal has no first-year budget", field="proposal.budget")
    elif proposal.budget.amount <= 0:
        yield Violation(
            f"the first-year budget is {proposal.budget}: it must be positive",
            field="proposal.budget",
        )


def redwood_city() -> Policy[Context]:
    """Redwood City, CA: SCI's rules plus council approval, citizen involvement and
    a proposal with a community-support list and a first-year budget."""
    E = Severity.ERROR
    return SISTER_CITIES_INTERNATIONAL.renamed(
        "redwood-city", description="Redwood City, CA: SCI plus approval, citizens and proposal"
    ).add(
        Rule(
            "redwood-city.council-approval",
            E,
            "Redwood City Council approved the agreement (dated resolution)",
            field="parties[0].approval",
            check=_council_approval("Redwood City"),
        ),
        Rule(
            "redwood-city.citizen-involvement",
            E,
            "A citizen committee with volunteers stands behind the partnership",
            field="citizen_involvement",
            check=_citizen_involvement,
        ),
        Rule(
            "redwood-city.proposal",
            E,
            "A proposal lists community supporters and a first-year budget",
            field="proposal",
            check=_proposal,
        ),
    )


def _is(place: Place | None, party: Party, name: str, country: str, place_id: str) -> bool:
    if place is not None:
        return place.id == place_id or (place.name == name and place.country == country)
    query = party.place if isinstance(party.place, str) else ""
    return query.casefold() in {name.casefold(), f"{name}, {country}".casefold(), place_id}


def _paris_exclusive(ctx: Context) -> Iterator[Violation]:
    if ctx.agreement.kind is not PartnershipKind.SISTER:
        return
    for i, party, place in ctx.sides():
        other = 1 - i
        if _is(place, party, "Paris", "FR", "gn:2988507") and not _is(
            ctx.places[other], ctx.agreement.parties[other], "Rome", "IT", "gn:3169070"
        ):
            yield Violation(
                f"Paris has exactly one sister city, Rome, by mutual exclusivity: "
                f"{ctx.label(other)} can be a friendship or cooperation partner",
                field="kind",
            )


def paris() -> Policy[Context]:
    """Paris: SCI's rules plus mutual exclusivity with Rome (sister city since 1956)."""
    return SISTER_CITIES_INTERNATIONAL.renamed(
        "paris", description="Paris: SCI plus exclusivity with Rome"
    ).add(
        Rule(
            "paris.only-rome",
            Severity.ERROR,
            "Paris's only sister city is Rome; other ties are friendship or cooperation",
            field="kind",
            check=_paris_exclusive,
        )
    )


#: Policy factories by name, for command lines: ``by_name("charlotte")``.
NAMES: Mapping[str, Callable[[], Policy[Context]]] = {
    "sci": lambda: SISTER_CITIES_INTERNATIONAL,
    "charlotte": charlotte,
    "redwood-city": redwood_city,
    "paris": paris,
}


def by_name(name: str) -> Policy[Context]:
    """The built-in policy called ``name``: ``sci``, ``charlotte``, ``redwood-city``
    or ``paris`` (case-insensitive; ``_`` works for ``-``)."""
    if not isinstance(name, str):
        raise InvalidTypeError(f"a policy name must be a str, not {name!r}")
    key = name.strip().lower().replace("_", "-")
    if key in ("sister-cities-international", "sister_cities_international"):
        key = "sci"
    if key not in NAMES:
        raise InvalidValueError(f"unknown policy {name!r}: expected one of {', '.join(NAMES)}")
    return NAMES[key]()


# --------------------------------------------------------------------------
# dataset integrity (Atlas.validate)


class AtlasContext:
    """What dataset rules see: the atlas, today, and indexes built once."""

    def __init__(self, atlas: Atlas, today: _dt.date | None = None) -> None:
        self.atlas = atlas
        self.today = today or _dt.date.today()
        self._today = PartialDate.from_date(self.today)

    @property
    def today_partial(self) -> PartialDate:
        return self._today


def _norm(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").split())


def _community(place: Place) -> tuple[str, str | None, str, str]:
    """What makes two place records look like one community (then checked by distance):
    a city and the region of the same name are two communities, and so are
    namesakes in two subdivisions (Kansas City, KS and Kansas City, MO)."""
    return (place.country, place.subdivision, place.kind.value, _norm(place.name))


def _close(a: Place, b: Place, km: float = 5.0) -> bool:
    from twintowns.geography import distance

    return distance(a, b) <= km


def _flag(p: Partnership, problem: str) -> Violation:
    """A violation naming partnership ``p`` (labels in the message, ids as subject)."""
    return Violation(f"{p.a.label} – {p.b.label}: {problem}", subject=p.ids)


def _ds_self_pair(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        if _community(p.a) == _community(p.b) and _close(p.a, p.b):
            why = "same name, kind and subdivision, under 5 km apart"
            yield _flag(p, f"both ids ({p.a.id}, {p.b.id}) denote one community ({why})")


def _ds_duplicate(ctx: AtlasContext) -> Iterator[Violation]:
    for place in ctx.atlas.places:
        groups: dict[tuple[str, str | None, str, str], list[Partnership]] = defaultdict(list)
        for p in ctx.atlas.partnerships_of(place, status=_LIVE):
            other = p.other(place)
            groups[_community(other)].append(p)
        for ties in groups.values():
            if len(ties) < 2:
                continue
            for i, first in enumerate(ties):
                for second in ties[i + 1 :]:
                    x, y = first.other(place), second.other(place)
                    if _close(x, y):
                        yield Violation(
                            f"{place.label} has two live ties to one community: "
                            f"{x.label} ({x.id}) and {y.label} ({y.id})",
                            subject=(place.id, x.id, y.id),
                        )


def _ds_dates(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        if p.established is not None and p.ended is not None and before(p.ended, p.established):
            yield _flag(p, f"ended {p.ended}, before it was established ({p.established})")
        for what, d in (("established", p.established), ("ended", p.ended)):
            if d is not None and before(ctx.today_partial, d):
                yield _flag(p, f"{what} {d} is in the future")


def _ds_status_dates(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        live = p.status in (Status.ACTIVE, Status.PROPOSED)
        if live and p.ended is not None and before(p.ended, ctx.today_partial):
            yield _flag(p, f"ended {p.ended} but status is {p.status.value!r}")


def _ds_domestic(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        if p.kind is PartnershipKind.SISTER and p.a.country == p.b.country:
            where = f"both in {p.a.country}"
            yield _flag(
                p, f"a domestic 'sister' pair ({where}); sister cities are in two countries"
            )


def _ds_exclusive(ctx: AtlasContext) -> Iterator[Violation]:
    for ex in ctx.atlas.partnerships:
        if ex.status not in _LIVE or not is_exclusive(ex):
            continue
        for place in ex.places:
            for p in ctx.atlas.partnerships_of(place, status=_LIVE, kind="sister"):
                if p.ids != ex.ids:
                    exclusive = f"{ex.a.label} – {ex.b.label}"
                    yield _flag(p, f"conflicts with the exclusive partnership {exclusive}")


def _dataset_rules() -> list[Rule[AtlasContext]]:
    E, W = Severity.ERROR, Severity.WARNING
    return [
        Rule(
            "dataset.self-pair",
            E,
            "A partnership joins two different communities",
            check=_ds_self_pair,
        ),
        Rule(
            "dataset.duplicate",
            W,
            "A place has one live tie per partner community",
            check=_ds_duplicate,
        ),
        Rule(
            "dataset.dates",
            E,
            "A partnership ends after it is established, and neither is in the future",
            check=_ds_dates,
        ),
        Rule(
            "dataset.status-dates",
            W,
            "An active partnership has no past end date",
            check=_ds_status_dates,
        ),
        Rule(
            "dataset.domestic-sister", W, "A 'sister' pair joins two countries", check=_ds_domestic
        ),
        Rule(
            "dataset.exclusivity",
            W,
            "No other sister city beside a mutually exclusive partnership",
            check=_ds_exclusive,
        ),
    ]


#: The rules :meth:`twintowns.Atlas.validate` runs over every partnership.
DATASET_INTEGRITY: Policy[AtlasContext] = Policy(
    "dataset",
    _dataset_rules(),
    description="Integrity of a dataset of partnerships",
)
