"""Former home of the agreement model and its files, kept so that old imports work.

The code lives in :mod:`twintowns.agreements` (:mod:`~twintowns.agreements.model`
and :mod:`~twintowns.agreements.codec`); this module re-exports the same objects.
"""

from __future__ import annotations

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

__all__ = [
    "Agreement",
    "AgreementError",
    "Approval",
    "CitizenInvolvement",
    "Donation",
    "Money",
    "Party",
    "Proposal",
    "Signatory",
]
