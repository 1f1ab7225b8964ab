"""Running a campaign (集中行动): group scores → ranking → evidence for the annual assessment.

Seed 002: each of the 5 inspection groups scores the cities it inspects against the two rules
(《重点督查事项评价细则》 and 《重点排查风险点评价细则》), the province ranks the cities, and the
scores count toward the year-end assessment with an increased weight (计入对各地年终考核总分);
what the groups found is reported to the city governments and must be rectified (docs/domain.md §8,
§10 scenario 4).

:func:`run_campaign` checks what was handed in against the campaign (every city scored once on
every rule by its own group, inside the inspection phase; self-inspection reports inside the
first phase), scores each rule with :func:`foodsafety.engines.scoring.assess_cohort`, combines
the rules by their weights into one percentage, ranks the cities and writes the evidence the
campaign's feeds define for the annual rubric. :func:`annual_evidence` merges that evidence
into the rest of the annual evidence; :func:`campaign_findings` turns what the groups found
into :class:`~foodsafety.models.finding.Finding` records for the issue ledger (问题台账).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from foodsafety.engines.scoring import Assessment, Cohort, assess_cohort
from foodsafety.errors import LoadError, Problem, ProblemReport, RuleError
from foodsafety.models.campaign import (
    Campaign,
    CampaignFile,
    CampaignResult,
    Inspection,
    SubjectResult,
)
from foodsafety.models.finding import Finding
from foodsafety.rules.rubric import Deduction, Rubric
from foodsafety.vocab import CampaignPhase, FindingSource

__all__ = [
    "CampaignRun",
    "annual_evidence",
    "campaign_findings",
    "load_campaign",
    "run_campaign",
]

DIGITS = 6


@attrs.frozen(slots=True)
class CampaignRun:
    """What :func:`run_campaign` computes.

    Attributes:
        result: the published result (ranking and evidence for the annual rubric).
        cohorts: the scored cohort per rubric id (each assessment with its reasons).
        rubrics: the rubrics used, by id.
        findings: what the groups found, as issue-ledger findings (state ``found``).
    """

    result: CampaignResult
    cohorts: dict[str, Cohort]
    rubrics: dict[str, Rubric]
    findings: tuple[Finding, ...]

    def assessment(self, rubric_id: str, subject: str) -> Assessment:
        """One subject's scored assessment on one rubric (with every reason)."""
        return self.cohorts[rubric_id].get(subject)

    def to_dict(self) -> dict[str, Any]:
        """The result and the findings as plain JSON-friendly data."""
        return {
            "result": self.result.model_dump(mode="json"),
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


def load_campaign(path: str | Path) -> CampaignFile:
    """Read a campaign file (YAML or JSON, ``yaml.safe_load``) into a :class:`CampaignFile`.

    Raises:
        LoadError: the file cannot be read.
        RuleError: the file is not valid YAML/JSON (``rule.syntax``), holds a date that does
            not exist (``rule.date``: ``2023-02-30``), crosses the limits on nesting and
            aliases (``rule.limit``) or is not a mapping (``rule.shape``); the error names the
            file and line.
        RecordValidationError: the content is not a valid campaign file (the message names the
            field; the error's ``source`` is the file and its ``row`` the line).
    """
    from foodsafety.rules._document import line_for, parse_document

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read campaign file: {exc}", source=str(p)) from None
    example = "campaign: {...}\nreports: [...]\ninspections: [...]"
    data, lines = parse_document(str(p), text, what="campaign file", example=example)
    if not isinstance(data, dict):
        raise RuleError(
            "a campaign file is a mapping with campaign:, reports: and inspections:",
            code="rule.shape",
            source=str(p),
            row=1,
        )
    try:
        return CampaignFile.model_validate(data)
    except Exception as exc:
        from foodsafety.errors import FoodSafetyError

        if isinstance(exc, FoodSafetyError):
            raise exc.located(source=str(p), row=line_for(lines, exc.field)) from None
        raise


def _check(
    campaign: Campaign,
    inspections: tuple[Inspection, ...],
    rubrics: Mapping[str, Rubric],
    names: Mapping[str, str],
) -> ProblemReport:
    report = ProblemReport()
    phase = campaign.phase(CampaignPhase.INSPECTION)
    seen: dict[tuple[str, str], int] = {}
    groups = {g.group_id: g for g in campaign.groups}
    for i, ins in enumerate(inspections):

        def bad(code: str, field: str, msg: str, value: Any, _i: int = i) -> None:
            report.add(
                Problem(
                    code=code,
                    message=msg,
                    record="Inspection",
                    field=field,
                    value=value,
                    row=_i,
                )
            )

        rid = names.get(ins.rubric)
        if rid is None:
            bad(
                "campaign.inspection_rubric",
                "rubric",
                f"inspection {i} uses rubric {ins.rubric!r}, not one of the campaign's "
                f"({', '.join(names)})",
                ins.rubric,
            )
            continue
        group = groups.get(ins.group_id)
        if group is None:
            bad(
                "campaign.inspection_group",
                "group_id",
                f"inspection {i} names group {ins.group_id!r}, not one of {', '.join(groups)}",
                ins.group_id,
            )
        elif ins.subject not in group.subjects:
            bad(
                "campaign.inspection_subject",
                "subject",
                f"group {ins.group_id} inspected {ins.subject}, which is assigned to "
                f"{_group_name(campaign, str(ins.subject))}",
                str(ins.subject),
            )
        if phase is not None and not phase.contains(ins.date):
            bad(
                "campaign.inspection_date",
                "date",
                f"inspection {i} of {ins.subject} is dated {ins.date}, outside the inspection "
                f"phase ({phase.start} to {phase.end})",
                ins.date,
            )
        key = (str(ins.subject), rid)
        if key in seen:
            bad(
                "campaign.inspection_duplicate",
                "subject",
                f"{ins.subject} is scored twice on {rid} (inspections {seen[key]} and {i})",
                str(ins.subject),
            )
        seen[key] = i
    for s in campaign.subjects:
        for rid in rubrics:
            if (s, rid) not in seen:
                report.add(
                    Problem(
                        code="campaign.inspection_missing",
                        message=f"{s} ({_group_name(campaign, s)}) has no score on {rid}",
                        record="Inspection",
                        field="subject",
                        value=s,
                    )
                )
    return report


def _group_name(campaign: Campaign, subject: str) -> str:
    try:
        return campaign.group_of(subject).group_id
    except KeyError:
        return "no group"


def _evidence(rubric: Rubric, ins: Inspection) -> dict[str, Any]:
    ev: dict[str, Any] = dict(ins.evidence)
    for ind in rubric.indicators():
        m = ind.method
        if isinstance(m, Deduction) and m.evidence not in ev:
            ev[m.evidence] = sum(1 for p in ins.problems if p.area in (ind.id, m.evidence))
    return ev


def _names(subjects: list[str]) -> dict[str, str]:
    from foodsafety.registry import registry

    reg = registry()
    out: dict[str, str] = {}
    for s in subjects:
        try:
            out[s] = reg.get(s).name
        except Exception:  # a subject the registry does not know keeps no name
            continue
    return out


def run_campaign(
    campaign: Campaign | CampaignFile,
    inspections: tuple[Inspection, ...] | list[Inspection] | None = None,
    *,
    reports: tuple[Any, ...] | list[Any] | None = None,
    rubrics: Mapping[str, Rubric] | None = None,
    base: Path | None = None,
) -> CampaignRun:
    """Score, rank and feed a campaign.

    Args:
        campaign: the campaign, or a whole campaign file (then ``inspections`` and
            ``reports`` default to the file's).
        inspections: each group's scoring of each subject on each rubric.
        reports: the self-inspection reports (phase one).
        rubrics: rubrics by the name the campaign uses, to skip loading them.
        base: the folder relative rubric paths are read from.

    Returns:
        A :class:`CampaignRun`: the ranking and feed evidence (:class:`CampaignResult`), the
        scored cohort per rubric, and the groups' problems as findings.

    Raises:
        BulkValidationError: inspections name unknown groups or rubrics, score a subject of
            another group, fall outside the inspection phase, repeat, or leave a subject
            unscored; every problem is reported at once.
        RuleError: a rubric cannot be found.
        EvidenceError: an inspection lacks evidence its rubric reads (names subject and item).
    """
    synthetic = False
    if isinstance(campaign, CampaignFile):
        file = campaign
        campaign = file.campaign
        inspections = file.inspections if inspections is None else inspections
        reports = file.reports if reports is None else reports
        synthetic = file.synthetic
    ins_all = tuple(inspections or ())
    by_name: dict[str, Rubric] = {}
    for cr in campaign.rubrics:
        given = (rubrics or {}).get(cr.rubric)
        if given is None:
            # Resolved at call time: presets sit outward of the engines, so the module does
            # not import them.
            from foodsafety.presets._campaign import resolve_rubric

            given = resolve_rubric(cr.rubric, base=base)
        by_name[cr.rubric] = given
    # Inspections may name a rubric by the campaign's name for it or by the rubric's id.
    names = {name: r.id for name, r in by_name.items()} | {r.id: r.id for r in by_name.values()}
    by_id = {r.id: r for r in by_name.values()}
    weights = {by_name[cr.rubric].id: cr.weight for cr in campaign.rubrics}
    _check(campaign, ins_all, by_id, names).raise_if_any("campaign inspections")

    cohorts: dict[str, Cohort] = {}
    for rid, rubric in by_id.items():
        evs = {
            str(ins.subject): _evidence(rubric, ins) for ins in ins_all if names[ins.rubric] == rid
        }
        cohorts[rid] = assess_cohort(rubric, evs)

    subjects = list(campaign.subjects)
    problems = dict.fromkeys(subjects, 0)
    for ins in ins_all:
        problems[str(ins.subject)] += len(ins.problems)
    percents: dict[str, dict[str, float]] = {s: {} for s in subjects}
    totals: dict[str, dict[str, float]] = {s: {} for s in subjects}
    for rid, cohort in cohorts.items():
        mx = by_id[rid].max_points
        for a in cohort.assessments:
            totals[a.subject][rid] = a.total
            percents[a.subject][rid] = round(100.0 * a.total / mx, DIGITS)
    wsum = sum(weights.values())
    combined = {
        s: round(sum(weights[r] * percents[s][r] for r in weights) / wsum, DIGITS) for s in subjects
    }
    order = sorted(subjects, key=lambda s: (-combined[s], s))
    ranks: dict[str, int] = {}
    for i, s in enumerate(order):
        prev = order[i - 1] if i else None
        ranks[s] = ranks[prev] if prev is not None and combined[prev] == combined[s] else i + 1

    self_phase = campaign.phase(CampaignPhase.SELF_INSPECTION)
    submitted: dict[str, dt.date] = {}
    for rep in reports or ():
        submitted[str(rep.subject)] = rep.submitted_on
    label = _names(subjects)
    results = [
        SubjectResult(
            subject=s,
            name=label.get(s),
            group_id=campaign.group_of(s).group_id,
            totals=totals[s],
            percents=percents[s],
            combined_percent=combined[s],
            rank=ranks[s],
            problems=problems[s],
            report_submitted=submitted.get(s),
            report_on_time=(
                None if s not in submitted or self_phase is None else submitted[s] <= self_phase.end
            ),
        )
        for s in order
    ]
    evidence: dict[str, dict[str, float]] = {}
    for r in results:
        row: dict[str, float] = {}
        for feed in campaign.feeds:
            if feed.source == "combined_percent":
                value = r.combined_percent
            elif feed.source == "rubric_percent":
                assert feed.rubric is not None
                value = r.percents[names[feed.rubric]]
            elif feed.source == "rank":
                value = float(r.rank)
            else:
                value = float(r.problems)
            row[feed.evidence] = round(value * feed.scale, DIGITS)
        evidence[r.subject] = row
    result = CampaignResult(
        campaign_id=campaign.campaign_id,
        year=campaign.year,
        rubrics=weights,
        results=results,
        evidence=evidence,
        annual_rubric=campaign.annual_rubric,
        missing_reports=[s for s in subjects if s not in submitted],
        synthetic=synthetic,
    )
    return CampaignRun(
        result=result,
        cohorts=cohorts,
        rubrics=by_id,
        findings=tuple(campaign_findings(campaign, ins_all)),
    )


def campaign_findings(
    campaign: Campaign, inspections: tuple[Inspection, ...] | list[Inspection]
) -> list[Finding]:
    """The problems the groups found, as issue-ledger findings (source ``campaign``).

    Ids are ``{campaign_id}-{subject}-{n:03d}`` in inspection order; each finding's
    jurisdiction is the inspected subject, its ``found_by`` the group's name and its
    ``category`` the rubric area.
    """
    groups = {g.group_id: g for g in campaign.groups}
    counter: dict[str, int] = {}
    out: list[Finding] = []
    for ins in inspections:
        group = groups.get(ins.group_id)
        for p in ins.problems:
            s = str(ins.subject)
            counter[s] = counter.get(s, 0) + 1
            out.append(
                Finding(
                    finding_id=f"{campaign.campaign_id}-{s}-{counter[s]:03d}",
                    source=FindingSource.CAMPAIGN,
                    severity=p.severity,
                    jurisdiction=s,
                    subject=p.subject or s,
                    title=p.title,
                    category=p.area,
                    found_on=ins.date,
                    found_by=group.name if group is not None else ins.group_id,
                    origin=f"{campaign.campaign_id}/{ins.group_id}/{ins.rubric}",
                )
            )
    return out


def annual_evidence(
    result: CampaignResult,
    base: Mapping[str, Mapping[str, Any]],
    *,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """The annual rubric's evidence per subject: ``base``, then the campaign's feeds, then
    ``overrides`` (such as counts from the issue ledger), later values winning.

    Raises:
        RuleError: a ranked subject has no base evidence (the annual rubric would lack values).
    """
    missing = [r.subject for r in result.results if r.subject not in base]
    if missing:
        raise RuleError(
            f"no base evidence for {', '.join(missing)}: the annual rubric needs evidence for "
            "every subject the campaign ranked",
            code="campaign.annual_missing",
            field="base",
            value=missing,
        )
    out: dict[str, dict[str, Any]] = {}
    for r in result.results:
        row = dict(base[r.subject])
        row.update(result.evidence.get(r.subject, {}))
        row.update((overrides or {}).get(r.subject, {}))
        out[r.subject] = row
    return out
