"""Rules and policies as composable objects: ids, severities, add/remove/re-weight."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from twintowns.agreements.rules import Finding, NotChecked, Policy, Rule, Severity, Violation


def _always(message: str) -> Rule[int]:
    def check(n: int) -> Iterator[Violation]:
        yield Violation(f"{message} {n}")

    return Rule(f"t.{message}", "error", f"rule {message}", field="f", check=check)


def _never(n: int) -> Iterator[Violation]:
    return iter(())


def _even(n: int) -> Iterator[Violation | NotChecked]:
    if n < 0:
        yield NotChecked("negative numbers are not checked")
    elif n % 2:
        yield Violation(f"{n} is odd", field="number", subject=(f"n:{n}",))


EVEN: Rule[int] = Rule("t.even", Severity.WARNING, "Numbers are even", check=_even)
QUIET: Rule[int] = Rule("t.quiet", Severity.INFO, "Never says anything", check=_never)


def test_severity_of_accepts_names_and_members_and_rejects_others() -> None:
    assert Severity.of("Warning") is Severity.WARNING
    assert Severity.of(Severity.INFO) is Severity.INFO
    assert [s.rank for s in Severity] == [0, 1, 2]
    with pytest.raises(ValueError, match="'fatal'"):
        Severity.of("fatal")
    with pytest.raises(ValueError, match="3"):
        Severity.of(3)  # type: ignore[arg-type]


def test_rule_findings_pass_fail_and_not_checked() -> None:
    assert EVEN.findings(4) == []
    (odd,) = EVEN.findings(3)
    assert odd == Finding("t.even", Severity.WARNING, "3 is odd", "number", ("n:3",))
    (skipped,) = EVEN.findings(-1)
    assert skipped.severity is Severity.INFO
    assert skipped.message == "not checked: negative numbers are not checked"


def test_rule_field_defaults_to_the_rules_field() -> None:
    (finding,) = _always("x").findings(1)
    assert finding.field == "f" and finding.message == "x 1"


@pytest.mark.parametrize("bad", ["", "Upper.case", "has space", "trailing.", ".lead", 5])
def test_rule_ids_are_validated(bad: object) -> None:
    with pytest.raises(ValueError, match="rule id"):
        Rule(bad, "error", "m", check=_never)  # type: ignore[arg-type]


def test_rule_rejects_empty_message_unknown_severity_and_non_callable() -> None:
    with pytest.raises(ValueError, match="message"):
        Rule("t.a", "error", " ", check=_never)
    with pytest.raises(ValueError, match="'loud'"):
        Rule("t.a", "loud", "m", check=_never)
    with pytest.raises(TypeError, match="callable"):
        Rule("t.a", "error", "m", check=42)  # type: ignore[arg-type]


def test_policy_compose_add_remove_reweight_replace_rename() -> None:
    base: Policy[int] = Policy("base", [EVEN, QUIET])
    assert base.ids == ("t.even", "t.quiet") and len(base) == 2 and "t.even" in base
    added = base.add(_always("first"), before="t.even").add(_always("last"))
    assert added.ids == ("t.first", "t.even", "t.quiet", "t.last")
    assert base.ids == ("t.even", "t.quiet")  # immutable: the original is unchanged
    removed = added.remove("t.quiet", "t.first")
    assert removed.ids == ("t.even", "t.last")
    louder = removed.reweight("t.even", "error")
    assert louder["t.even"].severity is Severity.ERROR
    assert [f.severity for f in louder.run(3)] == [Severity.ERROR, Severity.ERROR]
    assert [f.severity for f in removed.run(3)] == [Severity.WARNING, Severity.ERROR]
    swapped = louder.replace(Rule("t.even", "info", "Replaced", check=_never))
    assert swapped.run(3) == [Finding("t.last", "error", "last 3", "f")]
    renamed = swapped.renamed("mine", description="my rules")
    assert (renamed.name, renamed.description, renamed.ids) == ("mine", "my rules", swapped.ids)
    assert [r.id for r in renamed] == list(renamed.ids)


def test_policy_errors_name_the_rule() -> None:
    base: Policy[int] = Policy("base", [EVEN])
    with pytest.raises(KeyError, match=r"t\.nope"):
        base.remove("t.nope")
    with pytest.raises(KeyError, match=r"t\.nope"):
        base.reweight("t.nope", "error")
    with pytest.raises(ValueError, match="duplicate rule id"):
        base.add(EVEN)
    with pytest.raises(TypeError, match="Rule objects"):
        Policy("p", ["t.even"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="list of rules"):
        Policy("p", EVEN)  # type: ignore[arg-type]


def test_a_broken_check_becomes_an_error_finding_and_others_still_run() -> None:
    def broken(n: int) -> Iterator[Violation]:
        raise ZeroDivisionError("boom")

    policy: Policy[int] = Policy("p", [Rule("t.broken", "info", "Breaks", check=broken), EVEN])
    findings = policy.run(3)
    assert [f.rule for f in findings] == ["t.broken", "t.even"]
    assert findings[0].severity is Severity.ERROR
    assert "ZeroDivisionError: boom" in findings[0].message


def test_finding_to_dict_is_json_and_str_is_readable() -> None:
    finding = Finding("t.even", "warning", "3 is odd", "number", ("n:3",))
    data = json.loads(json.dumps(finding.to_dict()))
    assert data == {
        "rule": "t.even",
        "severity": "warning",
        "message": "3 is odd",
        "field": "number",
        "subject": ["n:3"],
    }
    assert str(finding) == "WARNING t.even [number]: 3 is odd"


def test_violation_subject_must_be_ids_not_a_string() -> None:
    with pytest.raises(TypeError, match="place ids"):
        Violation("m", subject="gn:1")
