"""Hypothesis strategies for every record, and invariant checks for rubric authors (测试工具).

Rule authors write rubrics (评分细则) as data and want to know that they behave: a veto always
gives the lowest grade, a bonus never exceeds its cap, a downgrade never raises a grade
(the third kind of user the library serves). This package gives them, and the developers of systems built on
foodsafety, three things:

- **strategies** (hypothesis) for every public record, valid by construction and shrinking to
  small readable examples: identifiers on real division codes, jurisdiction trees, businesses,
  cadres, assignments, visits, routine records, whole ledgers with consistent references,
  findings, campaigns, rubrics and evidence that fits a rubric; and ``invalid_*`` strategies
  that reproduce the typical mistakes of real ledgers, for testing loaders;
- :func:`check_rubric`, which runs the invariants every rubric must satisfy and reports a
  minimal counterexample in domain terms;
- a pytest plugin (fixture ``rubric_checker``) so that a rule author's test is one line per
  rubric file.

Needs the optional extra ``foodsafety[testing]`` (hypothesis); ``import foodsafety`` does not
import this package. Every argument is keyword-only; a bad one raises :class:`InvalidArgument`
(a :class:`~foodsafety.errors.RuleError`) when the strategy is built. See
``docs/testing-your-rules.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foodsafety.testing._checks import (
        INVARIANTS,
        Counterexample,
        InvariantResult,
        RubricCheckReport,
        RubricPropertyError,
        check_rubric,
        check_rubric_file,
        run_properties,
    )
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
    from foodsafety.testing._jurisdictions import governances, jurisdiction_trees, jurisdictions
    from foodsafety.testing._ledgers import (
        LEDGER_MISTAKES,
        BadRow,
        invalid_rows,
        ledger_records,
        ledgers,
        record_row,
    )
    from foodsafety.testing._policies import pairing_policies
    from foodsafety.testing._records import (
        assignments,
        businesses,
        cadres,
        campaigns,
        dates,
        finding_histories,
        findings,
        pairing_documents,
        person_names,
        routine_records,
        visits,
    )
    from foodsafety.testing._rubrics import (
        METHODS,
        EvidenceSpec,
        cohort_evidence,
        conditions,
        evidence_for,
        evidence_specs,
        rubrics,
    )

__all__ = [
    "DIVISION_MISTAKES",
    "INVARIANTS",
    "LEDGER_MISTAKES",
    "METHODS",
    "USCC_MISTAKES",
    "BadRow",
    "Counterexample",
    "EvidenceSpec",
    "InvalidArgument",
    "InvariantResult",
    "RubricCheckReport",
    "RubricPropertyError",
    "assignments",
    "business_licences",
    "businesses",
    "cadres",
    "campaigns",
    "check_rubric",
    "check_rubric_file",
    "cohort_evidence",
    "conditions",
    "dates",
    "division_codes",
    "evidence_for",
    "evidence_specs",
    "finding_histories",
    "findings",
    "governances",
    "invalid_division_codes",
    "invalid_rows",
    "invalid_usccs",
    "jurisdiction_trees",
    "jurisdictions",
    "ledger_records",
    "ledgers",
    "pairing_documents",
    "pairing_policies",
    "person_names",
    "production_licences",
    "record_row",
    "routine_records",
    "rubrics",
    "run_properties",
    "usccs",
    "village_codes",
    "visits",
]

#: public name -> the private module that defines it (imported on first use, PEP 562), so that
#: ``import foodsafety.testing`` (and the hypothesis entry point below it) stays cheap.
_EXPORTS: dict[str, str] = {
    "BadRow": "foodsafety.testing._ledgers",
    "Counterexample": "foodsafety.testing._checks",
    "DIVISION_MISTAKES": "foodsafety.testing._ids",
    "EvidenceSpec": "foodsafety.testing._rubrics",
    "INVARIANTS": "foodsafety.testing._checks",
    "InvalidArgument": "foodsafety.testing._common",
    "InvariantResult": "foodsafety.testing._checks",
    "LEDGER_MISTAKES": "foodsafety.testing._ledgers",
    "METHODS": "foodsafety.testing._rubrics",
    "RubricCheckReport": "foodsafety.testing._checks",
    "RubricPropertyError": "foodsafety.testing._checks",
    "USCC_MISTAKES": "foodsafety.testing._ids",
    "assignments": "foodsafety.testing._records",
    "business_licences": "foodsafety.testing._ids",
    "businesses": "foodsafety.testing._records",
    "cadres": "foodsafety.testing._records",
    "campaigns": "foodsafety.testing._records",
    "check_rubric": "foodsafety.testing._checks",
    "check_rubric_file": "foodsafety.testing._checks",
    "cohort_evidence": "foodsafety.testing._rubrics",
    "conditions": "foodsafety.testing._rubrics",
    "dates": "foodsafety.testing._records",
    "division_codes": "foodsafety.testing._ids",
    "evidence_for": "foodsafety.testing._rubrics",
    "evidence_specs": "foodsafety.testing._rubrics",
    "finding_histories": "foodsafety.testing._records",
    "findings": "foodsafety.testing._records",
    "governances": "foodsafety.testing._jurisdictions",
    "invalid_division_codes": "foodsafety.testing._ids",
    "invalid_rows": "foodsafety.testing._ledgers",
    "invalid_usccs": "foodsafety.testing._ids",
    "jurisdiction_trees": "foodsafety.testing._jurisdictions",
    "jurisdictions": "foodsafety.testing._jurisdictions",
    "ledger_records": "foodsafety.testing._ledgers",
    "ledgers": "foodsafety.testing._ledgers",
    "pairing_documents": "foodsafety.testing._records",
    "pairing_policies": "foodsafety.testing._policies",
    "person_names": "foodsafety.testing._records",
    "production_licences": "foodsafety.testing._ids",
    "record_row": "foodsafety.testing._ledgers",
    "routine_records": "foodsafety.testing._records",
    "rubrics": "foodsafety.testing._rubrics",
    "run_properties": "foodsafety.testing._checks",
    "usccs": "foodsafety.testing._ids",
    "village_codes": "foodsafety.testing._ids",
    "visits": "foodsafety.testing._records",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'foodsafety.testing' has no attribute {name!r}")
    from foodsafety.testing._hypothesis_plugin import register_all

    register_all()  # st.from_type(Business) works once the strategies are in use
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
