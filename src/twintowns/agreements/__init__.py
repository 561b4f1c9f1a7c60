"""Agreements: the model of a partnership agreement, its files, and checking it against policies.

The layer sits above the data (:mod:`twintowns.model`, :class:`~twintowns.Atlas`)
and below nothing but the command line; every module here imports only
downward, in this order:

* :mod:`~twintowns.agreements.model` — :class:`Agreement` and its parts
  (:class:`Party`, :class:`Signatory`, :class:`Money`…), checked by attrs
  validators;
* :mod:`~twintowns.agreements.positions` — where a field is in a TOML or JSON text;
* :mod:`~twintowns.agreements.document` — an agreement as plain data (the dict
  form of the file format), every field checked (:class:`AgreementError` names it);
* :mod:`~twintowns.agreements.codec` — reading and writing agreement files,
  errors with their file, line and column;
* :mod:`~twintowns.agreements.rules` — the generic rule engine: :class:`Rule`,
  :class:`Policy`, :class:`Severity`, :class:`Finding` (it knows no agreement);
* :mod:`~twintowns.agreements.context` — what rules see: :class:`Context`
  (an agreement) and :class:`AtlasContext` (a dataset);
* :mod:`~twintowns.agreements.policies` — the built-in policies
  (``sci``, ``charlotte``, ``redwood-city``, ``paris``, and the dataset rules);
* :mod:`~twintowns.agreements.validation` — :func:`validate`,
  :func:`validate_atlas` and their :class:`ValidationReport`.

>>> from twintowns.agreements import Agreement, validate
>>> report = validate(Agreement(["Charlotte", "Arequipa"]), "sci")
>>> report.ok, report.errors[0].rule
(False, 'sci.signatures')
"""

from __future__ import annotations

from twintowns.agreements.context import AtlasContext, Context
from twintowns.agreements.document import AgreementError
from twintowns.agreements.model import (
    Agreement,
    Approval,
    CitizenInvolvement,
    Donation,
    Money,
    Party,
    Proposal,
    Signatory,
)
from twintowns.agreements.rules import Check, Finding, NotChecked, Policy, Rule, Severity, Violation
from twintowns.agreements.validation import ValidationReport, validate, validate_atlas

__all__ = [
    "Agreement",
    "AgreementError",
    "Approval",
    "AtlasContext",
    "Check",
    "CitizenInvolvement",
    "Context",
    "Donation",
    "Finding",
    "Money",
    "NotChecked",
    "Party",
    "Policy",
    "Proposal",
    "Rule",
    "Severity",
    "Signatory",
    "ValidationReport",
    "Violation",
    "validate",
    "validate_atlas",
]
