"""Validate an agreement against a policy, or a whole dataset against its integrity rules.

>>> import attrs
>>> from twintowns.agreements import Agreement, Party, Signatory, validate
>>> from twintowns.model import Place
>>> anaheim = Place(id="gn:5323810", name="Anaheim", country="US", subdivision="US-CA")
>>> orlando = Place(id="gn:4167147", name="Orlando", country="US", subdivision="US-FL")
>>> mayor = lambda name: [Signatory(name, "Mayor", highest_official=True)]
>>> deal = Agreement([Party(anaheim, mayor("A")), Party(orlando, mayor("B"))], kind="sister",
...                  status="proposed")
>>> report = validate(deal, "sci")
>>> report.ok, [f.rule for f in report.errors]
(False, ['sci.two-countries', 'sci.council-resolution', 'sci.council-resolution'])
>>> validate(attrs.evolve(deal, kind="friendship"), "sci").errors[0].rule
'sci.council-resolution'

The report is JSON-serialisable (:meth:`ValidationReport.to_dict`) and its
findings come in a fixed order: errors, then warnings, then infos, each in the
policy's rule order.  :func:`validate_atlas` runs the dataset rules over a
whole atlas; :meth:`twintowns.Atlas.validate` is a shortcut to it that imports
this module only when called, so the atlas never depends on the agreements layer.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs

from twintowns.agreements.context import AtlasContext, Context
from twintowns.agreements.model import Agreement
from twintowns.agreements.policies import DATASET_INTEGRITY, SISTER_CITIES_INTERNATIONAL, by_name
from twintowns.agreements.rules import Finding, Policy, Severity
from twintowns.errors import InvalidTypeError, TwinTownsError
from twintowns.model import Place

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["ValidationReport", "validate", "validate_atlas"]


def _findings(value: Any) -> tuple[Finding, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Finding):
            raise InvalidTypeError(f"a report holds Finding objects, not {item!r}")
    return tuple(sorted(items, key=lambda f: f.severity.rank))  # stable: keeps rule order


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen
class ValidationReport:
    """The findings of one policy over one subject.

    ``ok`` (and ``bool(report)``) is true when there is no error; warnings and
    infos do not fail a report.  ``findings`` is ordered: errors, warnings,
    infos, each in the policy's rule order.
    """

    policy: str
    subject: str
    findings: tuple[Finding, ...] = attrs.field(converter=_findings)
    rules: tuple[str, ...] = attrs.field(default=(), converter=_strs)

    def _of(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return self._of(Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return self._of(Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        return self._of(Severity.INFO)

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> dict[str, dict[str, int]]:
        """Number of findings per rule and severity, in rule order (rules without findings
        omitted): ``{"dataset.domestic-sister": {"warning": 1736}}``."""
        counts = Counter((f.rule, f.severity.value) for f in self.findings)
        order = {rule: i for i, rule in enumerate(self.rules)}
        out: dict[str, dict[str, int]] = {}
        for (rule, severity), n in sorted(
            counts.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0])
        ):
            out.setdefault(rule, {})[severity] = n
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict with the verdict, counts and every finding."""
        return {
            "policy": self.policy,
            "subject": self.subject,
            "ok": self.ok,
            "counts": {
                "error": len(self.errors),
                "warning": len(self.warnings),
                "info": len(self.infos),
            },
            "rules": list(self.rules),
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def format(self, *, limit: int | None = None) -> str:
        """Readable text: a verdict line, then findings (at most ``limit`` per rule)."""
        verdict = "valid" if self.ok else "INVALID"
        lines = [
            f"{self.subject} under {self.policy!r}: {verdict} — "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s), "
            f"{len(self.infos)} info(s); {len(self.rules)} rules checked"
        ]
        shown: Counter[str] = Counter()
        hidden: Counter[str] = Counter()
        for finding in self.findings:
            if limit is not None and shown[finding.rule] >= limit:
                hidden[finding.rule] += 1
                continue
            shown[finding.rule] += 1
            lines.append(f"  {finding}")
        for rule, n in hidden.items():
            lines.append(f"  … and {n} more from {rule}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format(limit=20)


def _policy(policy: Policy[Context] | str) -> Policy[Context]:
    if isinstance(policy, str):
        return by_name(policy)
    if not isinstance(policy, Policy):
        raise InvalidTypeError(f"policy must be a Policy or a name such as 'sci', not {policy!r}")
    return policy


def _today(today: _dt.date | None) -> _dt.date:
    if today is None:
        return _dt.date.today()
    if isinstance(today, _dt.datetime) or not isinstance(today, _dt.date):
        raise InvalidTypeError(f"today must be a datetime.date, not {today!r}")
    return today


def _resolve(
    agreement: Agreement, atlas: Atlas | None
) -> tuple[list[Place | None], list[str | None], list[Finding]]:
    places: list[Place | None] = []
    reasons: list[str | None] = []
    findings: list[Finding] = []
    for i, party in enumerate(agreement.parties):
        if isinstance(party.place, Place):
            places.append(party.place)
            reasons.append(None)
        elif atlas is None:
            places.append(None)
            reasons.append("a query: pass atlas= to resolve it")
        else:
            try:
                places.append(atlas.place(party.place))
                reasons.append(None)
            except TwinTownsError as exc:
                places.append(None)
                reasons.append(str(exc))
                findings.append(Finding("resolve", Severity.ERROR, str(exc), f"parties[{i}].place"))
    return places, reasons, findings


def validate(
    agreement: Agreement,
    policy: Policy[Context] | str = SISTER_CITIES_INTERNATIONAL,
    *,
    atlas: Atlas | None = None,
    today: _dt.date | None = None,
) -> ValidationReport:
    """Check ``agreement`` against ``policy`` (a Policy or a name: ``"sci"``,
    ``"charlotte"``, ``"redwood-city"``, ``"paris"``).

    With an ``atlas``, query places are resolved through it (a query that
    matches no place, or several, is an error finding named ``resolve``) and
    the rules that compare with existing partnerships run; without one they
    report ``info`` findings saying what was not checked.  ``today`` (default:
    the current date) is what "not in the future" means.  Never raises on a
    well-typed agreement; raises ``TypeError``/``ValueError`` for a wrong
    argument type or an unknown policy name.
    """
    if not isinstance(agreement, Agreement):
        raise InvalidTypeError(f"expected an Agreement, not {agreement!r}")
    chosen = _policy(policy)
    places, reasons, findings = _resolve(agreement, atlas)
    ctx = Context(
        agreement=agreement,
        places=(places[0], places[1]),
        atlas=atlas,
        today=_today(today),
        unresolved=(reasons[0], reasons[1]),
    )
    findings.extend(chosen.run(ctx))
    subject = f"{ctx.label(0)} – {ctx.label(1)} ({agreement.kind.value} agreement)"
    return ValidationReport(chosen.name, subject, findings, ("resolve", *chosen.ids))


def validate_atlas(
    atlas: Atlas,
    policy: Policy[AtlasContext] = DATASET_INTEGRITY,
    *,
    today: _dt.date | None = None,
) -> ValidationReport:
    """Run the dataset-level integrity rules over every partnership of ``atlas``
    (what :meth:`twintowns.Atlas.validate` does).  Findings name the
    partnership: ``subject`` holds the place ids, ``message`` their labels."""
    from twintowns.atlas import Atlas

    if not isinstance(atlas, Atlas):
        raise InvalidTypeError(f"expected an Atlas, not {atlas!r}")
    ctx = AtlasContext(atlas, _today(today))
    findings = policy.run(ctx)
    subject = f"dataset of {len(atlas.places)} places, {len(atlas.partnerships)} partnerships"
    return ValidationReport(policy.name, subject, findings, policy.ids)
