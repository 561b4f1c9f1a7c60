"""Former home of :func:`validate` and :func:`validate_atlas`, kept so that old imports work.

They live in :mod:`twintowns.agreements.validation`; this module re-exports
the same objects.
"""

from __future__ import annotations

from twintowns.agreements.validation import ValidationReport, validate, validate_atlas

__all__ = ["ValidationReport", "validate", "validate_atlas"]
