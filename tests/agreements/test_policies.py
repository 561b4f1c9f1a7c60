"""Every built-in rule, made to pass and made to fail, on hand-made places and atlases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest

from tests.conftest import make_place
from twintowns.agreements import (
    Agreement,
    Approval,
    CitizenInvolvement,
    Donation,
    Money,
    Party,
    Proposal,
    Signatory,
)
from twintowns.agreements.context import Context
from twintowns.agreements.policies import (
    DATASET_INTEGRITY,
    SISTER_CITIES_INTERNATIONAL,
    by_name,
    charlotte,
    is_exclusive,
    paris,
    redwood_city,
)
from twintowns.agreements.rules import Policy, Severity
from twintowns.agreements.validation import ValidationReport, validate, validate_atlas
from twintowns.atlas import Atlas
from twintowns.model import Partnership, Place

TODAY = dt.date(2026, 1, 1)

CHARLOTTE = make_place("gn:4460243", "Charlotte", "US", subdivision="US-NC", continent="NA")
AREQUIPA = make_place("gn:3947322", "Arequipa", "PE", continent="SA")
CUSCO = make_place("gn:3941584", "Cusco", "PE", continent="SA")
KREFELD = make_place("gn:2884509", "Krefeld", "DE")
MEDELLIN = make_place("gn:3674962", "Medellín", "CO", continent="SA")
PARIS = make_place("gn:2988507", "Paris", "FR", latitude=48.85, longitude=2.35)
ROME = make_place("gn:3169070", "Rome", "IT", latitude=41.89, longitude=12.48)
TOKYO = make_place("gn:1850147", "Tokyo", "JP", continent="AS")
HANOI = make_place("gn:1581130", "Hanoi", "VN", continent="AS")
ANAHEIM = make_place("gn:5323810", "Anaheim", "US", subdivision="US-CA", continent="NA")
ORLANDO = make_place("gn:4167147", "Orlando", "US", subdivision="US-FL", continent="NA")
UNA = make_place("tt:ex:una", "Una", "ES")
SOLA = make_place("tt:ex:sola", "Sola", "PT")
VOLGA = make_place("tt:ex:volga", "Volga", "RU")

PLACES = (CHARLOTTE, AREQUIPA, CUSCO, KREFELD, MEDELLIN, PARIS, ROME, TOKYO, HANOI, ANAHEIM)
ATLAS = Atlas(
    [*PLACES, ORLANDO, UNA, SOLA, VOLGA],
    [
        Partnership(CHARLOTTE, AREQUIPA, established="1962"),
        Partnership(CHARLOTTE, KREFELD, established="1986"),
        Partnership(PARIS, ROME, established="1956"),
        Partnership(PARIS, TOKYO, established="1982"),
        Partnership(ANAHEIM, ORLANDO),
        Partnership(UNA, SOLA, note="mutually exclusive twinning"),
        Partnership(SOLA, VOLGA, status="ended", ended="2001"),
    ],
)


def mayor(name: str, *, elected: bool = True) -> tuple[Signatory, ...]:
    return (Signatory(name, "Mayor", highest_official=True, elected=elected),)


def deal(a: Place | str = CHARLOTTE, b: Place | str = MEDELLIN, **kw: Any) -> Agreement:
    """An agreement valid under every built-in policy (with ATLAS), changed by ``kw``."""
    base = Agreement(
        parties=[
            Party(a, mayor("A"), Approval("City Council", "2020-01-10", "R-1")),
            Party(b, mayor("B"), Approval("Concejo", "2020-01-20", "A-7")),
        ],
        kind="sister",
        signed="2020-02-01",
        title="Sister City Agreement",
        citizen_involvement=CitizenInvolvement("Sister City Committee", 12),
        donations=[Donation("30000", "USD"), Donation("20000.00", "USD", donor="Rotary")],
        proposal=Proposal(("Library", "School"), Money("8000", "USD")),
    )
    return attrs.evolve(base, **kw)


def with_party(agreement: Agreement, index: int, **kw: Any) -> Agreement:
    parties = list(agreement.parties)
    parties[index] = attrs.evolve(parties[index], **kw)
    return attrs.evolve(agreement, parties=parties)


def rules_hit(
    agreement: Agreement, policy: Policy[Context] | str = "sci", atlas: Atlas | None = ATLAS
) -> dict[str, Severity]:
    report = validate(agreement, policy, atlas=atlas, today=TODAY)
    return {f.rule: f.severity for f in report.findings}


ALL = [SISTER_CITIES_INTERNATIONAL, charlotte(), redwood_city(), paris()]


@pytest.mark.parametrize("policy", ALL, ids=lambda p: p.name)
def test_the_baseline_passes_every_policy_without_any_finding(policy: Policy[Context]) -> None:
    report = validate(deal(), policy, atlas=ATLAS, today=TODAY)
    assert report.findings == (), str(report)


# Each case: rule id, expected severity, an agreement that breaks it, the policy,
# and an agreement close to it that keeps it.
Case = tuple[str, Severity, Agreement, str, Agreement]
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
CASES: list[Case] = [
    ("sci.distinct-parties", E, deal(CHARLOTTE, CHARLOTTE), "sci", deal()),
    ("sci.two-countries", E, deal(CHARLOTTE, ANAHEIM), "sci",
     deal(CHARLOTTE, ANAHEIM, kind="friendship", title="Friendship Agreement")),
    ("sci.signatures", E, with_party(deal(), 1, signatories=()), "sci", deal()),
    ("sci.signatures", E,
     with_party(deal(), 1, signatories=[Signatory("Vice", "Deputy Mayor")]), "sci",
     with_party(deal(), 1, signatories=[Signatory("Vice", "Deputy Mayor"), *mayor("M")])),
    ("sci.appointed-official", INFO, with_party(deal(), 1, signatories=mayor("M", elected=False)),
     "sci", deal()),
    ("sci.kind-consistency", E, deal(title="Friendship Agreement"), "sci",
     deal(title="Friendship Agreement", kind="friendship")),
    ("sci.kind-consistency", E, deal(note="a twinning", kind="partner", title=""), "sci",
     deal(note="cooperation", kind="partner", title="Cooperation Agreement")),
    ("sci.not-in-future", E, deal(signed="2026-01-02"), "sci", deal(signed="2026-01")),
    ("sci.not-in-future", E,
     with_party(deal(signed=None), 1, approval=Approval("Concejo", "2027")), "sci",
     with_party(deal(signed=None), 1, approval=Approval("Concejo", "2025"))),
    ("sci.ended-after-signed", E, deal(ended="2019", status="ended"), "sci",
     deal(ended="2020", status="ended")),
    ("sci.status-dates", E, deal(status="ended"), "sci", deal(status="ended", ended="2024")),
    ("sci.status-dates", E, deal(ended="2024"), "sci", deal(ended="2030")),
    ("sci.council-resolution", E, with_party(deal(), 0, approval=None), "sci",
     with_party(deal(), 1, approval=None)),
    ("sci.council-resolution", E, deal(signed="2020-01-05"), "sci", deal(signed="2020-01")),
    ("sci.council-resolution", E, with_party(deal(HANOI, CHARLOTTE), 1, approval=None), "sci",
     with_party(deal(HANOI, MEDELLIN), 1, approval=None)),
    ("sci.one-per-country", W, deal(CHARLOTTE, CUSCO), "sci",
     deal(CHARLOTTE, CUSCO, kind="friendship", title="Friendship Agreement")),
    ("sci.no-duplicate", E, deal(CHARLOTTE, AREQUIPA), "sci", deal(VOLGA, SOLA, exclusive=False)),
    ("sci.exclusivity", E, deal(PARIS, HANOI), "sci",
     deal(PARIS, HANOI, kind="partner", title="Cooperation Agreement")),
    ("sci.exclusivity", E, deal(SOLA, CUSCO), "sci", deal(VOLGA, CUSCO)),
    ("sci.exclusivity", E, deal(exclusive=True, b=ROME), "sci", deal(MEDELLIN, HANOI,
                                                                    exclusive=True)),
    ("charlotte.council-approval", E, with_party(deal(), 0, approval=Approval("Council")),
     "charlotte", deal()),
    ("charlotte.council-approval", E, with_party(deal(HANOI, MEDELLIN), 0, approval=None),
     "charlotte", deal(HANOI, MEDELLIN)),
    ("charlotte.council-approval", E,
     with_party(deal(), 0, approval=Approval("Council", "2020-03", "R-1")), "charlotte",
     with_party(deal(), 0, approval=Approval("Council", "2020-02", "R-1"))),
    ("charlotte.citizen-involvement", E, deal(citizen_involvement=None), "charlotte", deal()),
    ("charlotte.citizen-involvement", E,
     deal(citizen_involvement=CitizenInvolvement("Committee", 0)), "charlotte",
     deal(citizen_involvement=CitizenInvolvement("Committee", 1))),
    ("charlotte.citizen-involvement", E, deal(citizen_involvement=CitizenInvolvement("", 5)),
     "charlotte", deal()),
    ("charlotte.donations", E, deal(donations=[Donation("49999.99", "USD")]), "charlotte",
     deal(donations=[Donation("50000", "USD")])),
    ("charlotte.donations", E, deal(donations=[Donation("60000", "EUR")]), "charlotte",
     deal(donations=[Donation("60000", "USD")])),
    ("charlotte.donations", E, deal(donations=()), "charlotte", deal()),
    ("redwood-city.council-approval", E, with_party(deal(), 0, approval=Approval("Council")),
     "redwood-city", deal()),
    ("redwood-city.citizen-involvement", E, deal(citizen_involvement=None), "redwood-city",
     deal()),
    ("redwood-city.proposal", E, deal(proposal=None), "redwood-city", deal()),
    ("redwood-city.proposal", E, deal(proposal=Proposal((), Money("1", "USD"))), "redwood-city",
     deal(proposal=Proposal(("Rotary",), Money("1", "USD")))),
    ("redwood-city.proposal", E, deal(proposal=Proposal(("Rotary",))), "redwood-city",
     deal(proposal=Proposal(("Rotary",), Money("1", "EUR")))),
    ("redwood-city.proposal", E, deal(proposal=Proposal(("Rotary",), Money("0", "USD"))),
     "redwood-city", deal()),
    ("paris.only-rome", E, deal(PARIS, HANOI), "paris", deal(PARIS, ROME, signed="1956")),
    ("paris.only-rome", E, deal(TOKYO, PARIS), "paris",
     deal(TOKYO, PARIS, kind="friendship", title="Friendship Agreement")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "severity", "bad", "policy", "good"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_rule_fails_and_passes(
    rule: str, severity: Severity, bad: Agreement, policy: str, good: Agreement
) -> None:
    assert rules_hit(bad, policy).get(rule) is severity
    assert rule not in rules_hit(good, policy)


def test_every_built_in_agreement_rule_has_a_failing_case() -> None:
    ids = {rule.id for policy in ALL for rule in policy}
    assert ids == {case[0] for case in CASES}


def test_messages_name_the_party_and_the_field() -> None:
    report = validate(with_party(deal(), 1, signatories=()), atlas=ATLAS, today=TODAY)
    (finding,) = report.errors
    assert finding.field == "parties[1].signatories"
    assert "Medellín" in finding.message
    report = validate(deal(CHARLOTTE, CUSCO), atlas=ATLAS, today=TODAY)
    (warning,) = report.warnings
    assert "Arequipa" in warning.message and warning.field == "parties[0].place"


def test_atlas_rules_say_what_they_did_not_check_without_an_atlas() -> None:
    hits = rules_hit(deal(CHARLOTTE, AREQUIPA), "sci", atlas=None)
    assert hits == {
        "sci.one-per-country": INFO,
        "sci.no-duplicate": INFO,
        "sci.exclusivity": INFO,
    }


def test_query_places_are_resolved_through_the_atlas_or_reported() -> None:
    assert rules_hit(deal("Charlotte", "Arequipa"))["sci.no-duplicate"] is E
    hits = rules_hit(deal("Charlotte", "Atlantis"))
    assert hits["resolve"] is E
    assert hits["sci.two-countries"] is INFO  # not checked: one side is unknown
    # without an atlas, identical queries are still caught
    assert rules_hit(deal("Foo", "foo"), atlas=None)["sci.distinct-parties"] is E


def test_council_resolution_checks_the_resolved_side_when_the_other_is_unknown() -> None:
    report = validate(with_party(deal(b="Atlantis"), 0, approval=None), atlas=ATLAS, today=TODAY)
    found = [(f.rule, f.severity) for f in report.findings if f.rule == "sci.council-resolution"]
    assert found == [("sci.council-resolution", E), ("sci.council-resolution", INFO)]


def test_an_ended_exclusive_partnership_binds_no_one() -> None:
    ended = Atlas(
        [UNA, SOLA, CUSCO],
        [Partnership(UNA, SOLA, status="ended", ended="2000", note="mutually exclusive")],
    )
    assert "sci.exclusivity" not in rules_hit(deal(UNA, CUSCO), atlas=ended)
    extra = Partnership(SOLA, CUSCO)
    report = validate_atlas(Atlas([UNA, SOLA, CUSCO], [*ended.partnerships, extra]), today=TODAY)
    assert report.findings == ()


def test_charlotte_never_converts_another_currency_silently() -> None:
    euros = deal(donations=[Donation("30000", "USD"), Donation("18518.52", "EUR")])
    report = validate(euros, "charlotte", atlas=ATLAS, today=TODAY)
    (error,) = report.errors
    assert error.rule == "charlotte.donations" and error.field == "donations[1].currency"
    assert "EUR" in error.message and "rates=" in error.message
    converted = charlotte(rates={"EUR": Decimal("1.08")})
    assert validate(euros, converted, atlas=ATLAS, today=TODAY).ok  # 30000 + 20000.0016
    short = charlotte(rates={"eur": "1.07"})
    (shortfall,) = validate(euros, short, atlas=ATLAS, today=TODAY).errors
    assert "USD 49,814.8164 pledged" in shortfall.message  # exact, never rounded


def test_charlotte_rates_and_minimum_are_exact_and_validated() -> None:
    assert validate(deal(), charlotte(minimum="50000.01"), atlas=ATLAS, today=TODAY).errors
    assert validate(deal(), charlotte(minimum=50_000), atlas=ATLAS, today=TODAY).ok
    with pytest.raises(TypeError, match="exact"):
        charlotte(rates={"EUR": 1.08})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="positive"):
        charlotte(rates={"EUR": Decimal(0)})
    with pytest.raises(ValueError, match="XYZ"):
        charlotte(rates={"XYZ": Decimal(1)})


def test_paris_rule_works_on_queries_without_an_atlas() -> None:
    assert rules_hit(deal("Paris, FR", "Hanoi"), "paris", atlas=None)["paris.only-rome"] is E
    assert "paris.only-rome" not in rules_hit(deal("Paris, FR", "Rome"), "paris", atlas=None)


def test_by_name() -> None:
    assert by_name("SCI") is SISTER_CITIES_INTERNATIONAL
    assert by_name("sister_cities_international") is SISTER_CITIES_INTERNATIONAL
    assert by_name("charlotte").name == "charlotte"
    assert by_name("redwood_city").name == "redwood-city"
    assert by_name("paris").ids[-1] == "paris.only-rome"
    with pytest.raises(ValueError, match=r"'atlantis'.*sci, charlotte"):
        by_name("atlantis")
    with pytest.raises(TypeError):
        by_name(None)  # type: ignore[arg-type]


def test_policies_extend_sci_in_order() -> None:
    for policy in (charlotte(), redwood_city(), paris()):
        assert policy.ids[: len(SISTER_CITIES_INTERNATIONAL)] == SISTER_CITIES_INTERNATIONAL.ids


def test_before_compares_at_common_precision() -> None:
    from twintowns.model import PartialDate as D

    assert D.parse("2019-12-31").certainly_before(D.parse("2020"))
    assert not D.parse("2020").certainly_before(D.parse("2020-12"))
    assert not D.parse("2020-12").certainly_before(D.parse("2020"))
    assert D.parse("2020-11").certainly_before(D.parse("2020-12-01"))
    assert not D.parse("2020-12-02").certainly_before(D.parse("2020-12-02"))
    from twintowns.policies import before  # the old name of the method

    assert before is D.certainly_before


def test_is_exclusive_reads_notes_and_the_known_pairs() -> None:
    assert is_exclusive(ATLAS.partnership(PARIS, ROME))
    assert is_exclusive(ATLAS.partnership(UNA, SOLA))
    assert not is_exclusive(ATLAS.partnership(PARIS, TOKYO))
    for note in ("non-exclusive", "not exclusive", "Non exclusive", ""):
        assert not is_exclusive(Partnership(UNA, VOLGA, note=note)), note
    assert is_exclusive(Partnership(UNA, VOLGA, note="Exclusivity declared in 1956"))


# --------------------------------------------------------------------------
# dataset integrity rules


def _dataset(*extra: Partnership, places: tuple[Place, ...] = ()) -> ValidationReport:
    base = [AREQUIPA, KREFELD, MEDELLIN, TOKYO, HANOI]
    ties = [Partnership(AREQUIPA, KREFELD), Partnership(TOKYO, HANOI, established="1990")]
    atlas = Atlas([*base, *places], [*ties, *extra])
    return validate_atlas(atlas, today=TODAY)


KUNDA_1 = make_place("gn:590975", "Kunda", "EE", latitude=59.49, longitude=26.53)
KUNDA_2 = make_place("gn:590977", "Kunda", "EE", latitude=59.50, longitude=26.54)
KUNDA_REGION = make_place("iso:EE-XX", "Kunda", "EE", kind="region", latitude=59.5, longitude=26.5)
KUNDA_FAR = make_place("gn:1", "Kunda", "EE", latitude=58.0, longitude=24.0)

DATASET_CASES: list[tuple[str, Severity, tuple[Partnership, ...], tuple[Place, ...]]] = [
    ("dataset.self-pair", E, (Partnership(KUNDA_1, KUNDA_2),), (KUNDA_1, KUNDA_2)),
    ("dataset.duplicate", W,
     (Partnership(TOKYO, KUNDA_1), Partnership(TOKYO, KUNDA_2)), (KUNDA_1, KUNDA_2)),
    ("dataset.dates", E, (Partnership(MEDELLIN, TOKYO, established="2000", ended="1999"),), ()),
    ("dataset.dates", E, (Partnership(MEDELLIN, TOKYO, established="2027"),), ()),
    ("dataset.status-dates", W, (Partnership(MEDELLIN, TOKYO, ended="2010"),), ()),
    ("dataset.domestic-sister", W, (Partnership(ANAHEIM, ORLANDO),), (ANAHEIM, ORLANDO)),
    ("dataset.exclusivity", W,
     (Partnership(PARIS, ROME), Partnership(PARIS, TOKYO)), (PARIS, ROME)),
]  # fmt: skip

DATASET_PASSES: list[tuple[str, tuple[Partnership, ...], tuple[Place, ...]]] = [
    ("dataset.self-pair", (Partnership(KUNDA_1, KUNDA_REGION),), (KUNDA_1, KUNDA_REGION)),
    ("dataset.self-pair", (Partnership(KUNDA_1, KUNDA_FAR),), (KUNDA_1, KUNDA_FAR)),
    ("dataset.duplicate",
     (Partnership(TOKYO, KUNDA_1), Partnership(TOKYO, KUNDA_REGION)), (KUNDA_1, KUNDA_REGION)),
    ("dataset.duplicate",
     (Partnership(TOKYO, KUNDA_1), Partnership(TOKYO, KUNDA_2, status="ended", ended="1999")),
     (KUNDA_1, KUNDA_2)),
    ("dataset.dates", (Partnership(MEDELLIN, TOKYO, established="2000", ended="2000-05"),), ()),
    ("dataset.status-dates",
     (Partnership(MEDELLIN, TOKYO, ended="2010", status="ended"),), ()),
    ("dataset.domestic-sister", (Partnership(ANAHEIM, ORLANDO, kind="friendship"),),
     (ANAHEIM, ORLANDO)),
    ("dataset.exclusivity",
     (Partnership(PARIS, ROME), Partnership(PARIS, TOKYO, kind="partner")), (PARIS, ROME)),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "severity", "ties", "places"), DATASET_CASES)
def test_dataset_rule_fails(
    rule: str, severity: Severity, ties: tuple[Partnership, ...], places: tuple[Place, ...]
) -> None:
    report = _dataset(*ties, places=places)
    found = [f for f in report.findings if f.rule == rule]
    assert len(found) == 1, str(report)
    assert found[0].severity is severity
    assert len(found[0].subject) >= 2  # names the partnership (or the place and both ties)


@pytest.mark.parametrize(("rule", "ties", "places"), DATASET_PASSES)
def test_dataset_rule_passes(
    rule: str, ties: tuple[Partnership, ...], places: tuple[Place, ...]
) -> None:
    report = _dataset(*ties, places=places)
    assert rule not in report.summary(), str(report)


def test_every_dataset_rule_has_cases_and_a_clean_dataset_has_no_findings() -> None:
    assert {c[0] for c in DATASET_CASES} == set(DATASET_INTEGRITY.ids)
    assert {c[0] for c in DATASET_PASSES} == set(DATASET_INTEGRITY.ids)
    assert _dataset().findings == ()


def test_dataset_findings_name_the_partnership() -> None:
    report = _dataset(Partnership(ANAHEIM, ORLANDO), places=(ANAHEIM, ORLANDO))
    (finding,) = report.warnings
    assert set(finding.subject) == {ANAHEIM.id, ORLANDO.id}
    assert "Anaheim, US-CA, US" in finding.message and "Orlando, US-FL, US" in finding.message
