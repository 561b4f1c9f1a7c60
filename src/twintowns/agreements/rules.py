"""The rule engine: small composable checks with an id, a severity and a message.

A :class:`Rule` checks one thing about a *subject* (any object: an agreement in
its :class:`~twintowns.agreements.context.Context`, or a whole dataset in an
:class:`~twintowns.agreements.context.AtlasContext`) and yields a
:class:`Violation` for every problem it sees.  A :class:`Policy` is a named,
ordered set of rules; it is immutable, and you compose your own from an
existing one by adding, removing or re-weighting rules:

>>> from twintowns.agreements.rules import Policy, Rule, Severity, Violation
>>> def short_title(ctx):
...     if len(ctx.agreement.title) > 60:
...         yield Violation(f"title is {len(ctx.agreement.title)} characters long")
>>> rule = Rule("mine.short-title", Severity.INFO, "Titles stay under 60 characters",
...             field="title", check=short_title)
>>> policy = Policy("mine", [rule]).reweight("mine.short-title", "warning")
>>> policy.ids, policy["mine.short-title"].severity.value
(('mine.short-title',), 'warning')

The engine knows nothing of agreements or atlases: it imports only
:mod:`twintowns.errors`.  Built-in policies live in
:mod:`twintowns.agreements.policies`; :func:`twintowns.validate` runs a policy
over an agreement and returns a
:class:`~twintowns.agreements.validation.ValidationReport` of :class:`Finding` objects.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import attrs

from twintowns.errors import InvalidTypeError, InvalidValueError, UnknownNameError

__all__ = [
    "Check",
    "Finding",
    "NotChecked",
    "Policy",
    "Rule",
    "Severity",
    "Violation",
]

S = TypeVar("S")

_RULE_ID = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$")


class Severity(enum.StrEnum):
    """How serious a finding is.  ``error`` makes a report fail; the others inform."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for infos (the report's sort order)."""
        return _RANK[self]

    @classmethod
    def of(cls, value: Severity | str) -> Severity:
        """``value`` as a Severity; raises ``ValueError`` naming it if unknown."""
        if isinstance(value, Severity):
            return value
        if isinstance(value, str):
            try:
                return cls(value.strip().lower())
            except ValueError:
                pass
        raise InvalidValueError(f"unknown severity {value!r}: expected one of error, warning, info")


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidTypeError(f"subject must be a sequence of place ids, not the str {value!r}")
    return tuple(value)


@attrs.frozen
class Violation:
    """What a rule's check yields for one problem.

    ``message`` says what is wrong, concretely (names, values); ``field``
    overrides the rule's field (e.g. ``"parties[1].signatories"``) and
    ``subject`` names what the finding is about (place ids of a partnership).
    """

    message: str
    field: str | None = None
    subject: tuple[str, ...] = attrs.field(default=(), converter=_ids)


@attrs.frozen
class NotChecked:
    """Yielded by a check that cannot run (missing atlas, unresolved place).

    It becomes an ``info`` finding whatever the rule's severity, so a report
    says what it could not verify instead of passing silently.
    """

    reason: str


#: A rule's check: the subject in, zero or more violations out.
Check = Callable[[S], Iterable[Violation | NotChecked]]


def _check_id(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, str) or not _RULE_ID.match(value):
        raise InvalidValueError(
            f"a rule id is lowercase dotted words such as 'sci.two-countries': {value!r}"
        )


def _nonempty(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"a rule's {attribute.name} must be a non-empty str: {value!r}")


def _callable(_inst: object, _attr: object, value: Any) -> None:
    if not callable(value):
        raise InvalidTypeError(f"a rule's check must be callable, not {value!r}")


def _severity(value: Any) -> Severity:
    return Severity.of(value)


@attrs.frozen
class Rule(Generic[S]):
    """One check: ``id`` (unique in a policy), ``severity``, a human ``message``
    stating the rule, the ``field`` it concerns, and ``check`` (subject in,
    :class:`Violation`/:class:`NotChecked` out; nothing out means it passes).

    Rules never raise on a well-typed subject: :func:`twintowns.validate`
    turns an exception from a check into an error finding naming the rule.
    """

    id: str = attrs.field(validator=_check_id)
    severity: Severity = attrs.field(converter=_severity)
    message: str = attrs.field(validator=_nonempty)
    field: str | None = attrs.field(default=None, kw_only=True)
    check: Check[S] = attrs.field(kw_only=True, validator=_callable, eq=False, repr=False)

    def with_severity(self, severity: Severity | str) -> Rule[S]:
        """The same rule at another severity."""
        return attrs.evolve(self, severity=severity)

    def findings(self, subject: S) -> list[Finding]:
        """Run the check over ``subject`` and turn what it yields into findings."""
        out = []
        for item in self.check(subject):
            if isinstance(item, NotChecked):
                out.append(
                    Finding(self.id, Severity.INFO, f"not checked: {item.reason}", self.field)
                )
            else:
                field = item.field if item.field is not None else self.field
                out.append(Finding(self.id, self.severity, item.message, field, item.subject))
        return out


@attrs.frozen
class Finding:
    """One result of a rule: which rule, how serious, what is wrong and where.

    ``field`` is the agreement field concerned (``"parties[1].signatories"``)
    or None; ``subject`` the ids of the places concerned (dataset findings
    name the partnership this way).
    """

    rule: str
    severity: Severity = attrs.field(converter=_severity)
    message: str
    field: str | None = None
    subject: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict: rule, severity, message, field, subject."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "field": self.field,
            "subject": list(self.subject),
        }

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.severity.value.upper()} {self.rule}{where}: {self.message}"


def _rules(value: Iterable[Rule[Any]]) -> tuple[Rule[Any], ...]:
    if isinstance(value, Rule):
        raise InvalidTypeError("pass a list of rules, not a single Rule")
    rules = tuple(value)
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, Rule):
            raise InvalidTypeError(f"a policy holds Rule objects, not {rule!r}")
        if rule.id in seen:
            raise InvalidValueError(f"duplicate rule id in policy: {rule.id!r}")
        seen.add(rule.id)
    return rules


@attrs.frozen
class Policy(Generic[S]):
    """A named, ordered, immutable set of rules over one kind of subject.

    Every method returns a new Policy: ``add``, ``remove``, ``reweight``,
    ``replace`` and ``renamed`` compose your own from a built-in one.
    """

    name: str = attrs.field(validator=_nonempty)
    rules: tuple[Rule[S], ...] = attrs.field(default=(), converter=_rules)
    description: str = attrs.field(default="", kw_only=True)

    @property
    def ids(self) -> tuple[str, ...]:
        """Rule ids, in order."""
        return tuple(r.id for r in self.rules)

    def __iter__(self) -> Iterator[Rule[S]]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.ids

    def __getitem__(self, rule_id: str) -> Rule[S]:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise UnknownNameError(
            f"no rule {rule_id!r} in policy {self.name!r}; it has: {', '.join(self.ids)}"
        )

    def _index(self, rule_id: str) -> int:
        return self.ids.index(self[rule_id].id)

    def add(self, *rules: Rule[S], before: str | None = None) -> Policy[S]:
        """This policy with ``rules`` appended (or inserted before rule ``before``)."""
        at = len(self.rules) if before is None else self._index(before)
        return attrs.evolve(self, rules=(*self.rules[:at], *rules, *self.rules[at:]))

    def remove(self, *rule_ids: str) -> Policy[S]:
        """This policy without the rules ``rule_ids`` (each must exist)."""
        for rule_id in rule_ids:
            self[rule_id]
        return attrs.evolve(self, rules=[r for r in self.rules if r.id not in rule_ids])

    def replace(self, rule: Rule[S]) -> Policy[S]:
        """This policy with the rule of the same id swapped for ``rule``."""
        at = self._index(rule.id)
        return attrs.evolve(self, rules=(*self.rules[:at], rule, *self.rules[at + 1 :]))

    def reweight(self, rule_id: str, severity: Severity | str) -> Policy[S]:
        """This policy with rule ``rule_id`` at another severity."""
        return self.replace(self[rule_id].with_severity(severity))

    def renamed(self, name: str, *, description: str | None = None) -> Policy[S]:
        """This policy under another name."""
        desc = self.description if description is None else description
        return attrs.evolve(self, name=name, description=desc)

    def run(self, subject: S) -> list[Finding]:
        """Every rule's findings over ``subject``, in rule order.

        A check that raises does not stop the others: the exception becomes
        an error finding of that rule, so a bug in a custom rule is visible.
        """
        out: list[Finding] = []
        for rule in self.rules:
            try:
                out.extend(rule.findings(subject))
            except Exception as exc:  # a rule's bug must not hide the other findings
                message = f"the rule's check failed: {type(exc).__name__}: {exc}"
                out.append(Finding(rule.id, Severity.ERROR, message, rule.field))
        return out
