"""Hypothesis strategies for every record, and invariant checks for rubric authors (测试工具).

Needs the optional extra ``foodsafety[testing]`` (hypothesis); ``import foodsafety`` does not
import this package. See ``docs/testing-your-rules.md``.
"""

from foodsafety.testing._common import InvalidArgument
from foodsafety.testing._ids import (
    DIVISION_MISTAKES,
    USCC_MISTAKES,
    business_licences,
    division_codes,
    invalid_division_codes,
    invalid_usccs,
    production_licences,
    usccs,
    village_codes,
)
from foodsafety.testing._jurisdictions import jurisdiction_trees, jurisdictions

__all__ = [
    "DIVISION_MISTAKES",
    "USCC_MISTAKES",
    "InvalidArgument",
    "business_licences",
    "division_codes",
    "invalid_division_codes",
    "invalid_usccs",
    "jurisdiction_trees",
    "jurisdictions",
    "production_licences",
    "usccs",
    "village_codes",
]
