"""Former home of the rule engine, kept so that old imports work.

The engine lives in :mod:`twintowns.agreements.rules` and the agreement rules'
subject, :class:`Context`, in :mod:`twintowns.agreements.context`; this module
re-exports the same objects.
"""

from __future__ import annotations

from twintowns.agreements.context import Context
from twintowns.agreements.rules import Check, Finding, NotChecked, Policy, Rule, Severity, Violation

__all__ = [
    "Check",
    "Context",
    "Finding",
    "NotChecked",
    "Policy",
    "Rule",
    "Severity",
    "Violation",
]
