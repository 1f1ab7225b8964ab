"""Rules as data: pairing policies, visit cadences, rubrics and conditions."""

from foodsafety.rules.audit_checks import AuditChecks
from foodsafety.rules.cadence import Cadence
from foodsafety.rules.calendar import WorkCalendar
from foodsafety.rules.conditions import Condition, EvidenceError, condition_from_data, evaluate
from foodsafety.rules.loading import (
    load_demonstration_scheme,
    load_rubric,
    load_rule,
    load_star_scheme,
    select_version,
)
from foodsafety.rules.pairing_policy import PairingPolicy, load_pairing_policy
from foodsafety.rules.rubric import (
    DemonstrationScheme,
    GradeRule,
    Indicator,
    Rubric,
    Section,
    StarScheme,
)

__all__ = [
    "AuditChecks",
    "Cadence",
    "Condition",
    "DemonstrationScheme",
    "EvidenceError",
    "GradeRule",
    "Indicator",
    "PairingPolicy",
    "Rubric",
    "Section",
    "StarScheme",
    "WorkCalendar",
    "condition_from_data",
    "evaluate",
    "load_demonstration_scheme",
    "load_pairing_policy",
    "load_rubric",
    "load_rule",
    "load_star_scheme",
    "select_version",
]
