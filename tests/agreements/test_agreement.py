"""Agreements: construction, TOML/JSON reading with positions, lossless writing."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import string
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_place
from twintowns.agreements import (
    Agreement,
    AgreementError,
    Approval,
    CitizenInvolvement,
    Donation,
    Money,
    Party,
    Proposal,
    Signatory,
)
from twintowns.model import PartialDate, PartnershipKind, Place, Status

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "agreements"
DOCS = ROOT / "docs" / "agreements"

CHARLOTTE = make_place("gn:4460243", "Charlotte", "US", subdivision="US-NC", continent="NA")
AREQUIPA = make_place("gn:3947322", "Arequipa", "PE", latitude=-16.39889, longitude=-71.535)


def two(**kw: Any) -> Agreement:
    return Agreement([CHARLOTTE, AREQUIPA], **kw)


# --------------------------------------------------------------------------
# construction


def test_defaults_and_conversions() -> None:
    deal = Agreement(["Charlotte", Party(AREQUIPA)], kind="Cooperation", signed=dt.date(2020, 1, 2))
    assert deal.kind is PartnershipKind.PARTNER
    assert deal.status is Status.ACTIVE
    assert deal.signed == PartialDate(2020, 1, 2)
    assert deal.home.place == "Charlotte" and deal.partner.label == AREQUIPA.label
    assert deal.exclusive is False and deal.donations == () and deal.proposal is None
    assert two(kind="twin").kind is PartnershipKind.SISTER


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kind": "alliance"}, ValueError, "alliance"),
        ({"status": "paused"}, ValueError, "paused"),
        ({"signed": "2020-13"}, ValueError, "2020-13"),
        ({"signed": dt.datetime(2020, 1, 1)}, TypeError, "datetime"),
        ({"exclusive": "yes"}, TypeError, "exclusive"),
        ({"title": " padded"}, ValueError, "whitespace"),
        ({"donations": [Money("1", "USD")]}, TypeError, "Donation"),
        ({"citizen_involvement": {"committee": "x"}}, TypeError, "citizen_involvement"),
    ],
)
def test_bad_fields_raise_naming_the_value(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        two(**kwargs)


def test_parties_must_be_exactly_two_places_or_queries() -> None:
    with pytest.raises(ValueError, match="exactly two parties, not 3"):
        Agreement([CHARLOTTE, AREQUIPA, "Krefeld"])
    with pytest.raises(TypeError, match="sequence of two parties"):
        Agreement("Charlotte")
    with pytest.raises(TypeError, match="a party must be"):
        Agreement([CHARLOTTE, 42])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="empty"):
        Agreement([CHARLOTTE, ""])


def test_money_is_exact() -> None:
    assert Money("50000.10", "usd") == Money(Decimal("50000.10"), "USD")
    assert str(Money("50000.10", "usd")) == "50000.10 USD"
    assert Donation(50000, "EUR").amount == Decimal(50000)
    with pytest.raises(TypeError, match="exact"):
        Money(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        Money("-1", "USD")
    with pytest.raises(ValueError, match="finite"):
        Money("NaN", "USD")
    with pytest.raises(ValueError, match="'XXY'"):
        Money("1", "XXY")
    with pytest.raises(ValueError, match="decimal"):
        Money("fifty", "USD")


def test_signatory_and_involvement_are_validated() -> None:
    assert Signatory("A", "Mayor").highest_official is False
    assert Signatory("A", "Mayor").elected is True
    with pytest.raises(TypeError, match="highest_official"):
        Signatory("A", "Mayor", highest_official=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        CitizenInvolvement("c", -1)
    with pytest.raises(TypeError, match="volunteers"):
        CitizenInvolvement("c", True)


def test_resolve_replaces_queries_with_places(small_atlas: Any) -> None:
    deal = Agreement(["Charlotte, North Carolina", "Arequipa"])
    resolved = deal.resolve(small_atlas)
    assert [p.place for p in resolved.parties] == [
        small_atlas.get("gn:1"),
        small_atlas.get("gn:2"),
    ]


# --------------------------------------------------------------------------
# files


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.toml")), ids=lambda p: p.name)
def test_documented_examples_load_and_round_trip(path: Path, tmp_path: Path) -> None:
    deal = Agreement.from_file(path)
    for suffix in (".toml", ".json"):
        copy = deal.write(tmp_path / f"copy{suffix}")
        assert Agreement.from_file(copy) == deal


def test_full_json_file() -> None:
    deal = Agreement.from_file(DATA / "full.json")
    assert isinstance(deal.home.place, Place) and deal.home.place.population == 874579
    assert deal.home.approval == Approval("Charlotte City Council", "1961-12-11", "R-1961-12")
    assert deal.donations == (Donation("50000.00", "USD", "Friends of Arequipa"),)
    assert deal.proposal == Proposal(("Rotary",), Money("1200", "PEN"))
    assert deal.citizen_involvement == CitizenInvolvement(
        "Charlotte-Arequipa Sister City Committee", 25
    )


def test_minimal_toml_file_takes_defaults() -> None:
    deal = Agreement.from_file(DATA / "minimal.toml")
    assert [p.place for p in deal.parties] == ["Charlotte, North Carolina", "Arequipa"]
    assert deal == Agreement(["Charlotte, North Carolina", "Arequipa"])


def test_toml_dates_may_be_native_dates() -> None:
    text = '[[parties]]\nplace = "A"\n[parties.approval]\nbody = "C"\ndate = 2020-01-02\n'
    text += '[[parties]]\nplace = "B"\n'
    deal = Agreement.from_toml(text)
    assert deal.home.approval is not None and str(deal.home.approval.date) == "2020-01-02"


INVALID = [
    ("invalid-syntax.toml", None, 3, 14, "invalid TOML"),
    ("invalid-float-amount.toml", "donations[0].amount", 10, 1, "as strings"),
    ("invalid-unknown-key.toml", "parties[1].signatories[0].highest_oficial", 17, 1, "unknown key"),
    ("invalid-place.toml", "parties[1].place.latitude", 9, 1, "-116.4"),
    ("invalid-one-party.json", "parties", 3, 3, "exactly two parties"),
    ("invalid-date.json", "signed", 3, 3, "2023-02-30"),
    ("invalid-currency.json", "donations[1].currency", 8, 23, "DOLLARS"),
]


@pytest.mark.parametrize(("name", "field", "line", "column", "words"), INVALID)
def test_invalid_files_name_the_field_and_position(
    name: str, field: str | None, line: int, column: int, words: str
) -> None:
    path = DATA / name
    with pytest.raises(AgreementError) as info:
        Agreement.from_file(path)
    error = info.value
    assert (error.file, error.field, error.line, error.column) == (str(path), field, line, column)
    assert words in error.reason
    assert str(path) in str(error) and f"line {line}, column {column}" in str(error)


def test_other_file_problems_are_agreement_errors(tmp_path: Path) -> None:
    yaml = tmp_path / "deal.yaml"
    yaml.write_text("parties: []\n")
    with pytest.raises(AgreementError, match=r"\.toml or \.json") as info:
        Agreement.from_file(yaml)
    assert info.value.file == str(yaml)
    latin = tmp_path / "deal.toml"
    latin.write_bytes('title = "Düsseldorf"\n'.encode("latin-1"))
    with pytest.raises(AgreementError, match="UTF-8"):
        Agreement.from_file(latin)
    array = tmp_path / "deal.json"
    array.write_text("[1, 2]")
    with pytest.raises(AgreementError, match="JSON object"):
        Agreement.from_file(array)
    nan = tmp_path / "nan.json"
    nan.write_text('{"parties": [{"place": "A"}, {"place": "B"}], "x": NaN}')
    with pytest.raises(AgreementError, match="NaN"):
        Agreement.from_file(nan)
    with pytest.raises(FileNotFoundError):
        Agreement.from_file(tmp_path / "missing.toml")


def test_a_file_with_a_bom_and_an_explicit_format(tmp_path: Path) -> None:
    path = tmp_path / "deal.txt"
    path.write_text("\ufeff" + two().to_json(), encoding="utf-8")
    assert Agreement.from_file(path, format="json") == two()


def test_written_toml_is_readable_and_stable() -> None:
    deal = Agreement.from_file(DATA / "full.json")
    text = deal.to_toml()
    assert text.startswith('title = "Sister City Agreement between Charlotte and Arequipa"\n')
    assert "[[parties]]\n" in text and 'amount = "50000.00"' in text
    assert Agreement.from_toml(text).to_toml() == text
    assert json.loads(deal.to_json()) == deal.to_dict()


# --------------------------------------------------------------------------
# properties

_TEXT_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
text = st.text(_TEXT_CHARS, min_size=1, max_size=24).map(str.strip).filter(bool)
maybe_text = st.one_of(st.just(""), text)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate.from_date(day)


dates = st.one_of(st.none(), partial_dates())
amounts = st.one_of(
    *(
        st.decimals(min_value=0, max_value=10**12, places=p, allow_nan=False, allow_infinity=False)
        for p in (0, 2, 4)
    )
)
currencies = st.sampled_from(["USD", "EUR", "PEN", "JPY", "CNY", "GBP", "COP"])
places = st.builds(
    Place,
    id=st.from_regex(r"\Att:[a-z0-9]{1,8}\Z"),
    name=text,
    country=st.sampled_from(["US", "PE", "FR", "IT", "DE", "CN", "XK"]),
    latitude=st.floats(-90, 90, allow_nan=False),
    longitude=st.floats(-180, 180, allow_nan=False),
    timezone=st.sampled_from(["UTC", "America/Lima", "Europe/Paris"]),
    population=st.one_of(st.none(), st.integers(0, 10**8)),
    kind=st.sampled_from(["city", "district", "county", "region", "community"]),
    continent=st.sampled_from(["EU", "NA", "SA", "AS"]),
    aliases=st.lists(text.filter(lambda s: "|" not in s), max_size=2).map(tuple),
    ascii_name=st.one_of(st.just(""), st.text(string.ascii_letters, min_size=1, max_size=8)),
)
fixed_places = st.sampled_from([CHARLOTTE, AREQUIPA])
queries = st.sampled_from(["Charlotte", "Arequipa", "Orange, California", "Atlantis", "gn:8"])
signatories = st.builds(Signatory, text, text, st.booleans(), st.booleans())
approvals = st.builds(Approval, text, dates, maybe_text)
parties = st.builds(
    Party,
    st.one_of(fixed_places, places, queries, text),
    st.lists(signatories, max_size=2).map(tuple),
    st.one_of(st.none(), approvals),
)
agreements = st.builds(
    Agreement,
    st.tuples(parties, parties),
    kind=st.sampled_from(list(PartnershipKind)),
    status=st.sampled_from(list(Status)),
    signed=dates,
    ended=dates,
    title=st.one_of(maybe_text, st.sampled_from(["Friendship Agreement", "Sister City Pact"])),
    exclusive=st.booleans(),
    citizen_involvement=st.one_of(
        st.none(), st.builds(CitizenInvolvement, maybe_text, st.integers(0, 500))
    ),
    donations=st.lists(st.builds(Donation, amounts, currencies, maybe_text), max_size=3).map(tuple),
    proposal=st.one_of(
        st.none(),
        st.builds(
            Proposal,
            st.lists(text, max_size=3).map(tuple),
            st.one_of(st.none(), st.builds(Money, amounts, currencies)),
        ),
    ),
    note=maybe_text,
)


def _exact(deal: Agreement) -> list[tuple[int, tuple[int, ...], int | str]]:
    """Every amount's digits and exponent: equal Decimals may still differ in form."""
    money = [d.amount for d in deal.donations]
    if deal.proposal is not None and deal.proposal.budget is not None:
        money.append(deal.proposal.budget.amount)
    return [tuple(m.as_tuple()) for m in money]  # type: ignore[misc]


# more than the profile's 100: an agreement has many optional parts to combine
@settings(max_examples=150)
@given(agreements)
def test_text_round_trips_are_exact(deal: Agreement) -> None:
    for back in (Agreement.from_toml(deal.to_toml()), Agreement.from_json(deal.to_json())):
        assert back == deal
        assert back.to_dict() == deal.to_dict()
        assert _exact(back) == _exact(deal)


# fewer than the profile's 100: each example writes and reads a file
@settings(max_examples=40)
@given(deal=agreements, suffix=st.sampled_from([".toml", ".json"]))
def test_file_round_trip_is_exact(tmp_path_factory: Any, deal: Agreement, suffix: str) -> None:
    path = tmp_path_factory.mktemp("rt") / f"deal{suffix}"
    deal.write(path)
    back = Agreement.from_file(path)
    assert back == deal and _exact(back) == _exact(deal)


VALID_TOML = (DOCS / "charlotte-medellin.toml").read_text("utf-8")
VALID_JSON = (DATA / "full.json").read_text("utf-8")


@st.composite
def mutated(draw: st.DrawFn, source: str) -> str:
    """``source`` with a few random cuts, insertions and replacements."""
    out = source
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(out)))
        j = draw(st.integers(i, min(len(out), i + 12)))
        insert = draw(st.one_of(st.text(max_size=6), st.sampled_from(list('[]{}"=,.:-\n#'))))
        out = out[:i] + insert + out[j:]
    return out


# more than the profile's 100: cheap, and random cuts of the document reach each parser state rarely
@settings(max_examples=300)
@given(mutated(VALID_TOML))
def test_malformed_toml_raises_only_agreement_error(text: str) -> None:
    try:
        Agreement.from_toml(text, file="x.toml")
    except AgreementError as exc:
        assert exc.file == "x.toml"
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 1


# more than the profile's 100: cheap, and random cuts of the document reach each parser state rarely
@settings(max_examples=300)
@given(mutated(VALID_JSON))
def test_malformed_json_raises_only_agreement_error(text: str) -> None:
    try:
        Agreement.from_json(text, file="x.json")
    except AgreementError as exc:
        assert exc.file == "x.json"
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 1


@given(st.binary(max_size=200), st.sampled_from([".toml", ".json"]))
def test_random_bytes_raise_only_agreement_error(
    tmp_path_factory: Any, raw: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("raw") / f"deal{suffix}"
    path.write_bytes(raw)
    try:
        Agreement.from_file(path)
    except AgreementError as exc:
        assert exc.file == str(path)


@given(st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
))  # fmt: skip
def test_any_json_document_raises_only_agreement_error(doc: Any) -> None:
    if isinstance(doc, dict):
        doc.setdefault("parties", [{"place": "A"}, doc.get("x", {"place": "B"})])
    try:
        text = json.dumps(doc)
    except ValueError:
        return
    with contextlib.suppress(AgreementError):  # anything else fails the test
        Agreement.from_json(text)


def test_attrs_evolve_keeps_validation() -> None:
    with pytest.raises(ValueError, match="exactly two"):
        attrs.evolve(two(), parties=[CHARLOTTE])


def test_error_lines_count_only_toml_line_ends() -> None:
    """A U+0085 in a comment is no line end for TOML: the error's line stays right."""
    text = "#\x85\x85 comment\n" + VALID_TOML
    bad = text.replace('donor = "Queen City Rotary Foundation"', 'donor = "\x80Queen City"')
    assert bad != text
    with pytest.raises(AgreementError) as info:
        Agreement.from_toml(bad, file="x.toml")
    line = bad[: bad.index("\x80Queen")].count("\n") + 1
    assert info.value.line == line


# --------------------------------------------------------------------------
# the reader checks each field with the model's own validators


def _paths(data: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        out.append((*prefix, key))
        if isinstance(value, dict | list):
            out.extend(_paths(value, (*prefix, key)))
    return out


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def test_a_broken_field_is_named_with_its_line() -> None:
    """Every field of a full file, broken in turn: the error names that field (or the
    table or array holding it, for a missing or unknown structure), and its line."""
    base = json.loads(VALID_JSON)
    checked = 0
    for path in _paths(base):
        bads: list[object] = [5, True, 1.5, "", " x", "2020-13", [], {}, ["a"]]
        for bad in bads:
            doc = json.loads(VALID_JSON)
            target = doc
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = bad
            if doc == base:
                continue
            text = json.dumps(doc, indent=2)
            try:
                Agreement.from_json(text)
            except AgreementError as exc:
                assert exc.field is not None, (path, bad)
                broken = _dotted(path)
                assert broken.startswith(exc.field) or exc.field.startswith(broken), (
                    path,
                    bad,
                    exc,
                )
                assert exc.line is not None and exc.line > 1, (path, bad, exc)
                checked += 1
    assert checked > 400


def test_items_of_a_list_are_named_by_index() -> None:
    text = VALID_JSON.replace('"supporters": ["Rotary"]', '"supporters": ["Rotary", " Lions"]')
    assert text != VALID_JSON
    with pytest.raises(AgreementError) as info:
        Agreement.from_json(text)
    assert info.value.field == "proposal.supporters[1]"
    assert "whitespace" in info.value.reason


def test_the_party_count_is_checked_before_the_parties() -> None:
    with pytest.raises(AgreementError, match="exactly two parties, not 1") as info:
        Agreement.from_json('{"parties": ["not a table"]}')
    assert info.value.field == "parties"


def test_model_type_errors_are_twintowns_errors_naming_the_field() -> None:
    from twintowns.errors import InvalidTypeError

    with pytest.raises(InvalidTypeError, match=r"^elected must be a bool, not 'yes'$"):
        Signatory("A", "Mayor", elected="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^donations must be a Donation, not Money"):
        two(donations=[Money("1", "USD")])
    with pytest.raises(InvalidTypeError, match="budget must be a Money"):
        Proposal(budget="12000 USD")  # type: ignore[arg-type]
