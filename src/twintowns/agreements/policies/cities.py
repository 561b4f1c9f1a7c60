"""City policies built on SCI's: :func:`charlotte`, :func:`redwood_city`, :func:`paris`.

*Charlotte* adds council approval, citizen involvement and USD 50,000 in
pledged donations; *Redwood City* a proposal with a community-support list and
a first-year budget; *Paris* has exactly one sister city, Rome, by mutual
exclusivity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal

from twintowns.agreements.context import Context
from twintowns.agreements.model import Money, Party
from twintowns.agreements.policies._common import money
from twintowns.agreements.policies.sci import SISTER_CITIES_INTERNATIONAL
from twintowns.agreements.rules import Policy, Rule, Severity, Violation
from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.model import PartnershipKind, Place

__all__ = ["Rates", "charlotte", "paris", "redwood_city"]


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
        if (
            approval.date is not None
            and signed is not None
            and signed.certainly_before(approval.date)
        ):
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

    out: dict[str, Decimal] = {}
    if rates is not None and not isinstance(rates, Mapping):
        raise InvalidTypeError(f"rates must be a mapping of currency to rate, not {rates!r}")
    for code, rate in (rates or {}).items():
        if isinstance(rate, bool) or not isinstance(rate, Decimal | int | str):
            raise InvalidTypeError(
                f"the rate for {code!r} must be exact (Decimal, int or str), not {rate!r}"
            )
        checked = Money(rate, code)  # validates the code and the number
        if checked.amount <= 0:
            raise InvalidValueError(f"the rate for {code!r} must be positive: {rate!r}")
        out[checked.currency] = checked.amount
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
                f"{money(total, currency)} pledged; {city} requires at least "
                f"{money(minimum, currency)}",
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
            f"At least {money(floor)} is pledged in donations",
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
