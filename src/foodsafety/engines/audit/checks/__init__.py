# ruff: noqa: I001  (the import order is the order the checks register and run in)
"""The checks shipped with the library, one module per finding kind or small family.

Importing this package registers them, in the order the audit runs them: the core checks
(each turned on by the policy rule it enforces), then the optional ones a policy's
``checks:`` section turns on.
"""

from foodsafety.engines.audit.checks import (
    visits,
    follow_up,
    repair,
    pairing,
    load,
    history,
    documents,
    staffing,
    routines,
    milestones,
    holiday_windows,
    repeated_problems,
    on_site,
)

__all__ = [
    "documents",
    "follow_up",
    "history",
    "holiday_windows",
    "load",
    "milestones",
    "on_site",
    "pairing",
    "repair",
    "repeated_problems",
    "routines",
    "staffing",
    "visits",
]
