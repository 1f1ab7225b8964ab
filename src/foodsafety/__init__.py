"""foodsafety: typed models, rules as data and analyses for China's local food-safety governance.

The package is organised in layers, inward to outward (see ``docs/architecture.md``)::

    vocab -> registry -> ids -> models -> rules -> engines -> ledger -> io -> testing -> cli

Importing ``foodsafety`` is cheap: it loads the error hierarchy only. Public names are
re-exported lazily from their modules on first use, so ``foodsafety.USCC`` works without
paying for the whole package at import time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from foodsafety._version import __version__
from foodsafety.errors import (
    BulkValidationError,
    Cause,
    ComputationError,
    FoodSafetyError,
    IdentifierError,
    LoadError,
    MissingExtraError,
    Problem,
    ProblemReport,
    RecordValidationError,
    RegistryError,
    RuleError,
    UnlistedLabelWarning,
    VocabularyError,
)

# name -> module that defines it; resolved on first attribute access (PEP 562).
_LAZY: dict[str, str] = {
    "DivisionCode": "foodsafety.ids",
    "KnownDivisionCode": "foodsafety.ids",
    "USCC": "foodsafety.ids",
    "FoodProductionLicence": "foodsafety.ids",
    "FoodBusinessLicence": "foodsafety.ids",
    "Division": "foodsafety.registry",
    "Registry": "foodsafety.registry",
    "Jurisdiction": "foodsafety.models",
    "JurisdictionTree": "foodsafety.models",
    "Body": "foodsafety.models",
    "Official": "foodsafety.models",
    "Governance": "foodsafety.models",
    "Business": "foodsafety.models",
    "Cadre": "foodsafety.models",
    "PairingAssignment": "foodsafety.models",
    "PairingDocument": "foodsafety.models",
    "Visit": "foodsafety.models",
    "RoutineRecord": "foodsafety.models",
    "Ledger": "foodsafety.ledger",
    "load_ledger": "foodsafety.ledger",
    "Rubric": "foodsafety.rules.rubric",
    "StarScheme": "foodsafety.rules.rubric",
    "DemonstrationScheme": "foodsafety.rules.rubric",
    "load_rubric": "foodsafety.rules.loading",
    "score": "foodsafety.engines.scoring",
    "assess_cohort": "foodsafety.engines.scoring",
    "compare": "foodsafety.engines.scoring",
    "Assessment": "foodsafety.engines.scoring",
    "build_graph": "foodsafety.engines.graph",
    "ResponsibilityGraph": "foodsafety.engines.graph",
    "PairingPolicy": "foodsafety.rules.pairing_policy",
    "load_pairing_policy": "foodsafety.rules.pairing_policy",
    "audit": "foodsafety.engines.audit",
    "AuditResult": "foodsafety.engines.audit",
    "AuditFinding": "foodsafety.engines.audit",
    "trace": "foodsafety.engines.tracing",
    "accountability": "foodsafety.engines.tracing",
}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from foodsafety.engines.audit import AuditFinding, AuditResult, audit
    from foodsafety.engines.graph import ResponsibilityGraph, build_graph
    from foodsafety.engines.scoring import Assessment, assess_cohort, compare, score
    from foodsafety.engines.tracing import accountability, trace
    from foodsafety.ids import (
        USCC,
        DivisionCode,
        FoodBusinessLicence,
        FoodProductionLicence,
        KnownDivisionCode,
    )
    from foodsafety.ledger import Ledger, load_ledger
    from foodsafety.models import (
        Body,
        Business,
        Cadre,
        Governance,
        Jurisdiction,
        JurisdictionTree,
        Official,
        PairingAssignment,
        PairingDocument,
        RoutineRecord,
        Visit,
    )
    from foodsafety.registry import Division, Registry
    from foodsafety.rules.loading import load_rubric
    from foodsafety.rules.pairing_policy import PairingPolicy, load_pairing_policy
    from foodsafety.rules.rubric import DemonstrationScheme, Rubric, StarScheme

__all__ = [
    "USCC",
    "Assessment",
    "AuditFinding",
    "AuditResult",
    "Body",
    "BulkValidationError",
    "Business",
    "Cadre",
    "Cause",
    "ComputationError",
    "DemonstrationScheme",
    "Division",
    "DivisionCode",
    "FoodBusinessLicence",
    "FoodProductionLicence",
    "FoodSafetyError",
    "Governance",
    "IdentifierError",
    "Jurisdiction",
    "JurisdictionTree",
    "KnownDivisionCode",
    "Ledger",
    "LoadError",
    "MissingExtraError",
    "Official",
    "PairingAssignment",
    "PairingDocument",
    "PairingPolicy",
    "Problem",
    "ProblemReport",
    "RecordValidationError",
    "Registry",
    "RegistryError",
    "ResponsibilityGraph",
    "RoutineRecord",
    "Rubric",
    "RuleError",
    "StarScheme",
    "UnlistedLabelWarning",
    "Visit",
    "VocabularyError",
    "__version__",
    "accountability",
    "assess_cohort",
    "audit",
    "build_graph",
    "compare",
    "load_ledger",
    "load_pairing_policy",
    "load_rubric",
    "score",
    "trace",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'foodsafety' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
