"""The pairing ledger audit (包保台账核查): every gap a city's ledger must find, vectorised.

Seed 004 (Anyang) and the 2022 central guideline on 分层分级、精准防控 describe what a pairing
ledger must show: every licensed
business has a cadre of the level its tier calls for (分层分级、层级对应), inside the cadre's
own jurisdiction, with a bounded load; the history of who paired it has no overlaps and no gaps;
each cadre holds the pledge and the three lists (三清单一承诺) by their due date; each cadre
visits each business in every period of the policy's cadence (督导), and problems found get a
follow-up (回头看); every business has a food safety director and officers and keeps its daily,
weekly and monthly records (日管控、周排查、月调度); and a business whose status changed is
re-paired within the deadline (动态调整).

:func:`audit` checks a ledger against a :class:`~foodsafety.rules.PairingPolicy` with polars
joins and group-bys (no per-row Python) and returns an :class:`AuditResult`: the findings as one
DataFrame (:data:`FINDING_SCHEMA`), :class:`AuditFinding` values on demand, summaries per
county or township and level (coverage, mismatch and overdue rates) and a readable report.

Finding kinds, each with its key (what identifies a finding within its kind) and rule:

- ``unpaired`` (uscc): an open business has no assignment in force at ``as_of``, outside a
  running re-pairing window;
- ``tier_level_mismatch`` (assignment_id): the cadre's level is not the policy's level for the
  business's tier;
- ``cadre_outside_jurisdiction`` (assignment_id): the cadre's and the business's
  jurisdictions differ at the coarser of their two levels (neither is an ancestor-or-self of
  the other): a village cadre registered under its township's code pairs the businesses of
  that township's villages, a county cadre those of the county's townships;
- ``cadre_overloaded`` (cadre_id): more businesses in force than ``load_cap`` of the level;
- ``assignment_overlap`` / ``assignment_gap`` (the later assignment_id): sorted by start, an
  assignment starts before / after every earlier one has ended;
- ``pledge_missing`` / ``list_missing`` (``cadre_id/document``): no signed document by
  ``as_of`` and the due date has passed;
- ``visit_overdue`` (``assignment_id@period_start``): a closed period of the cadre level's
  cadence, fully covered by the assignment, with fewer visits by that cadre than
  ``min_visits``;
- ``problem_without_follow_up`` (visit_id): problems found, no follow-up visit within
  ``follow_up_days``, and those days have passed;
- ``director_missing`` / ``officer_missing`` (uscc): the staffing rule is not met;
- ``routine_gap`` (``uscc/routine``): fewer records than closed days, weeks or months (only
  for businesses the ledger holds routine records for);
- ``repair_overdue`` (uscc): the status changed and no assignment started within the
  working-day deadline, which has passed.

Checks on assignments (mismatch, jurisdiction, load) look at the assignments valid at ``as_of``;
periods (visits, routines) are the closed ones inside the window ``[since, as_of)``.

A check runs only when the policy states its rule (``load_cap``, ``documents``, ``cadence``,
``follow_up_days``, ``staffing.director``, ``staffing.min_officers``, ``routines``,
``repair``): a policy that leaves a rule out gets no finding of that kind. The pairing checks
(unpaired, tier/level, jurisdiction, history) follow from ``tier_levels`` and the ledger.

The audit is a set of checks over one shared context. Each check lives in its own module
under ``foodsafety.engines.audit.checks`` (one per finding kind or small family), declares its
kinds, severity, labels and the policy clause it enforces, and turns the
:class:`AuditContext` into rows of :data:`FINDING_SCHEMA`. Four optional checks ship too,
turned on by a policy's ``checks:`` section: ``coverage_milestones`` (dated targets, 进度节点),
``holiday_windows`` (visits before statutory holidays, 节前督导), ``repeated_problems``
(屡查屡犯) and ``on_site_visits`` (high risk visited on site, 现场督导). Users add their own
with :func:`audit_check` (see "Writing your own check" in the pairing docs).
"""

from __future__ import annotations

from typing import Final

from foodsafety.engines.audit import checks as _checks  # noqa: F401  (registers the checks)
from foodsafety.engines.audit._check import (
    Check,
    CheckFailure,
    FindingKind,
    FunctionCheck,
    audit_check,
    finding_kinds,
    register_check,
    registered_checks,
    unregister_check,
)
from foodsafety.engines.audit._context import AUDIT_COLUMNS, AuditContext, AuditInput, LedgerTables
from foodsafety.engines.audit._dataset import audit_dataset
from foodsafety.engines.audit._engine import CheckFailedWarning, audit, planned_checks
from foodsafety.engines.audit._frames import FINDING_SCHEMA, polars_dtype
from foodsafety.engines.audit._result import AuditFinding, AuditResult
from foodsafety.vocab import Severity

__all__ = [
    "AUDIT_COLUMNS",
    "FINDING_KINDS",
    "FINDING_SCHEMA",
    "AuditContext",
    "AuditFinding",
    "AuditInput",
    "AuditResult",
    "Check",
    "CheckFailedWarning",
    "CheckFailure",
    "FindingKind",
    "FunctionCheck",
    "LedgerTables",
    "audit",
    "audit_check",
    "audit_dataset",
    "finding_kinds",
    "planned_checks",
    "polars_dtype",
    "register_check",
    "registered_checks",
    "unregister_check",
]

#: The core kinds (those every audit counts, zero included), in the order reports list them.
_CORE_ORDER: Final = (
    "unpaired",
    "tier_level_mismatch",
    "cadre_outside_jurisdiction",
    "cadre_overloaded",
    "assignment_overlap",
    "assignment_gap",
    "pledge_missing",
    "list_missing",
    "visit_overdue",
    "problem_without_follow_up",
    "director_missing",
    "officer_missing",
    "routine_gap",
    "repair_overdue",
)

#: kind -> (severity, zh label, en label) of the core checks' kinds.
FINDING_KINDS: Final[dict[str, tuple[Severity, str, str]]] = {
    kind: (fk.severity, fk.zh, fk.en) for kind in _CORE_ORDER for fk in (finding_kinds()[kind],)
}
