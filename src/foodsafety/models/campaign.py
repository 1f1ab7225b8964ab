"""Provincial campaigns (集中行动, 专项督查): phases, inspection groups, rubrics and results.

Seed 002: on 11 June 2018 a provincial food and drug administration launched the campaign
大督查大排查大落实 ("great supervision, great screening, great implementation") in three phases —
self-inspection by every city with a written report to the province (自查阶段, 书面自查报告),
inspection of every city by **5 inspection groups** led by the bureau's leaders (督查阶段), who
scored each city against two rules, 《重点督查事项评价细则》 (11 key supervision matters) and
《重点排查风险点评价细则》 (12 key risk points), and a summary (总结阶段). The scores were counted,
with an increased weight, into each city's year-end assessment, and the findings were reported
to the city governments (docs/domain.md §8, §10 scenario 4).

The records here describe a campaign (:class:`Campaign` with its :class:`Phase`,
:class:`InspectionGroup`, :class:`CampaignRubric` and :class:`EvidenceFeed` entries), what the
cities and groups hand in (:class:`SelfInspectionReport`, :class:`Inspection` with its
:class:`InspectionProblem` items) and what running it gives (:class:`CampaignResult`). Running
it is :func:`foodsafety.engines.campaign.run_campaign`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, ClassVar, Literal

import pydantic
from pydantic import Field

from foodsafety._record import FrozenRecord, Record
from foodsafety.ids import DivisionCode
from foodsafety.models._fields import Text, rule_error
from foodsafety.vocab import CampaignPhase, Severity

__all__ = [
    "Campaign",
    "CampaignFile",
    "CampaignResult",
    "CampaignRubric",
    "EvidenceFeed",
    "Inspection",
    "InspectionGroup",
    "InspectionProblem",
    "Phase",
    "SelfInspectionReport",
    "SubjectResult",
]

#: Evidence names, as the rubrics spell them (ASCII, usable as column names).
EvidenceName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=80)]
EvidenceValue = bool | int | float


class Phase(FrozenRecord):
    """One phase of a campaign (自查 / 督查 / 总结) with its dates (both inclusive)."""

    label_zh: ClassVar[str] = "行动阶段"

    phase: CampaignPhase
    start: dt.date
    end: dt.date
    description: Text | None = None
    deliverable: Text | None = None
    """What the phase produces (书面自查报告, 书面督查报告, 总结)."""

    @pydantic.model_validator(mode="after")
    def _check(self) -> Phase:
        if self.end < self.start:
            raise rule_error(
                "Phase",
                "end",
                "campaign.phase_dates",
                f"end must be on or after start ({self.start}; got {self.end})",
                "阶段结束日期不得早于开始日期",
                self.end,
            )
        return self

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` falls within the phase."""
        return self.start <= day <= self.end


class InspectionGroup(FrozenRecord):
    """An inspection group (督查组): its leader, members and the subjects it inspects."""

    label_zh: ClassVar[str] = "督查组"

    group_id: Text
    name: Text
    """Its name (第一督查组)."""
    leader: Text
    """Who leads it (a provincial leader, 省局领导带队)."""
    members: tuple[Text, ...] = ()
    subjects: tuple[DivisionCode, ...] = Field(min_length=1)
    """The jurisdictions it inspects (the cities, 设区市)."""

    @pydantic.model_validator(mode="after")
    def _check(self) -> InspectionGroup:
        dup = sorted({s for s in self.subjects if self.subjects.count(s) > 1})
        if dup:
            raise rule_error(
                "InspectionGroup",
                "subjects",
                "campaign.duplicate_subject",
                f"subjects must be listed once each (repeated: {', '.join(dup)})",
                "督查对象不得重复",
                dup,
            )
        return self


class CampaignRubric(FrozenRecord):
    """A scoring rule the groups use and its weight in the campaign's combined score.

    ``rubric`` is a campaign preset name (``key_risk_points_2018``), another shipped assessment
    preset name, or a path to a rubric YAML file (relative to the campaign file).
    """

    rubric: Text
    weight: float = Field(default=1.0, gt=0, allow_inf_nan=False)


class EvidenceFeed(FrozenRecord):
    """How a campaign result becomes one evidence value of the annual assessment (计入年终考核).

    The value is ``source value × scale``: ``combined_percent`` (0–100), ``rubric_percent`` of
    one ``rubric`` (0–100), ``rank`` (1 is best) or ``problems`` (problems the groups found).
    Example: ``{evidence: site_review_score, source: combined_percent, scale: 0.15}`` turns a
    combined 90% into 13.5 of a 15-point on-site review indicator.
    """

    evidence: EvidenceName
    source: Literal["combined_percent", "rubric_percent", "rank", "problems"]
    rubric: Text | None = None
    scale: float = Field(default=1.0, allow_inf_nan=False)

    @pydantic.model_validator(mode="after")
    def _check(self) -> EvidenceFeed:
        if (self.source == "rubric_percent") != (self.rubric is not None):
            raise rule_error(
                "EvidenceFeed",
                "rubric",
                "campaign.feed_rubric",
                "a rubric_percent feed names its rubric, and only it does "
                f"(source {self.source!r}, rubric {self.rubric!r})",
                "按单项细则得分计入时须指明细则",
                self.rubric,
            )
        return self


class Campaign(FrozenRecord):
    """A campaign (集中行动): its phases, inspection groups, scoring rules and how it feeds the
    annual assessment. Seed 002 is the model: three phases, 5 groups, two rules."""

    label_zh: ClassVar[str] = "集中行动"

    campaign_id: Text
    title_zh: Text
    title_en: Text
    description: Text | None = None
    reference: Text | None = None
    """The document that launched it (title, number, URL)."""
    province: DivisionCode
    """The jurisdiction that runs it; every subject lies within it."""
    year: int = Field(ge=1949, le=2100)
    phases: tuple[Phase, ...] = Field(min_length=1)
    groups: tuple[InspectionGroup, ...] = Field(min_length=1)
    rubrics: tuple[CampaignRubric, ...] = Field(min_length=1)
    feeds: tuple[EvidenceFeed, ...] = ()
    annual_rubric: Text | None = None
    """The annual rubric the feeds are written for (a preset name or a file)."""

    @pydantic.model_validator(mode="after")
    def _check(self) -> Campaign:
        kinds = [p.phase for p in self.phases]
        if len(set(kinds)) != len(kinds):
            raise rule_error(
                "Campaign",
                "phases",
                "campaign.duplicate_phase",
                f"each phase may appear once (got {[k.value for k in kinds]})",
                "每个阶段只能出现一次",
                [k.value for k in kinds],
            )
        order = list(CampaignPhase)
        ordered = sorted(self.phases, key=lambda p: order.index(p.phase))
        for a, b in itertools.pairwise(ordered):
            if b.start < a.end:
                raise rule_error(
                    "Campaign",
                    "phases",
                    "campaign.phase_order",
                    f"phase {b.phase.value} must start on or after phase {a.phase.value} ends "
                    f"({a.end}; got {b.start})",
                    f"{b.phase.zh}阶段须在{a.phase.zh}阶段结束后开始",
                    b.start,
                )
        ids = [g.group_id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise rule_error(
                "Campaign",
                "groups",
                "campaign.duplicate_group",
                f"group ids must be unique (got {ids})",
                "督查组编号不得重复",
                ids,
            )
        seen: dict[str, str] = {}
        for g in self.groups:
            for s in g.subjects:
                if s in seen:
                    raise rule_error(
                        "Campaign",
                        "groups",
                        "campaign.subject_in_two_groups",
                        f"subject {s} is assigned to two groups ({seen[s]} and {g.group_id})",
                        f"督查对象{s}被分到两个督查组",
                        s,
                    )
                seen[s] = g.group_id
                if not _within(str(s), str(self.province)):
                    raise rule_error(
                        "Campaign",
                        "groups",
                        "campaign.subject_outside",
                        f"subject {s} of group {g.group_id} is not within {self.province}",
                        f"督查对象{s}不在{self.province}辖区内",
                        s,
                    )
        names = [r.rubric for r in self.rubrics]
        if len(set(names)) != len(names):
            raise rule_error(
                "Campaign",
                "rubrics",
                "campaign.duplicate_rubric",
                f"each rubric may be listed once (got {names})",
                "评价细则不得重复",
                names,
            )
        for f in self.feeds:
            if f.rubric is not None and f.rubric not in names:
                raise rule_error(
                    "Campaign",
                    "feeds",
                    "campaign.feed_unknown_rubric",
                    f"feed {f.evidence} names rubric {f.rubric!r}, which is not one of {names}",
                    f"计入项{f.evidence}所指细则不在本次行动之列",
                    f.rubric,
                )
        return self

    @property
    def subjects(self) -> tuple[str, ...]:
        """Every inspected subject, in group order."""
        return tuple(str(s) for g in self.groups for s in g.subjects)

    def group_of(self, subject: str) -> InspectionGroup:
        """The group that inspects ``subject``.

        Raises:
            KeyError: no group inspects it.
        """
        for g in self.groups:
            if subject in g.subjects:
                return g
        raise KeyError(subject)

    def phase(self, phase: CampaignPhase) -> Phase | None:
        """The dates of one phase, if the campaign has it."""
        for p in self.phases:
            if p.phase is phase:
                return p
        return None


def _within(code: str, province: str) -> bool:
    # A 6-digit province code ends in 0000; its territory shares the first two digits.
    prefix = province.rstrip("0") or province
    if province.endswith("0000"):
        prefix = province[:2]
    elif province.endswith("00"):
        prefix = province[:4]
    return code.startswith(prefix)


class SelfInspectionReport(FrozenRecord):
    """A subject's written self-inspection report (书面自查报告), phase one."""

    label_zh: ClassVar[str] = "自查报告"

    subject: DivisionCode
    submitted_on: dt.date
    title: Text | None = None
    problems_found: int = Field(default=0, ge=0)
    problems_rectified: int = Field(default=0, ge=0)

    @pydantic.model_validator(mode="after")
    def _check(self) -> SelfInspectionReport:
        if self.problems_rectified > self.problems_found:
            raise rule_error(
                "SelfInspectionReport",
                "problems_rectified",
                "campaign.rectified_exceeds_found",
                f"problems_rectified must not exceed problems_found ({self.problems_found}; "
                f"got {self.problems_rectified})",
                "已整改问题数不得多于发现问题数",
                self.problems_rectified,
            )
        return self


class InspectionProblem(FrozenRecord):
    """A problem an inspection group found (督查发现问题); it enters the issue ledger.

    ``area`` is the id of the rubric indicator it falls under (``dairy_cold_chain``); the
    engine counts problems per area for indicators scored by deduction.
    """

    title: Text
    severity: Severity = Severity.MINOR
    area: Text | None = None
    subject: Text | None = None
    """Who must rectify it, when not the inspected jurisdiction itself (a business's USCC)."""


class Inspection(FrozenRecord):
    """One group's scoring of one subject on one rubric (督查打分), phase two.

    ``evidence`` holds the values the rubric reads; counts of problems per area may be left out
    and are then computed from ``problems``.
    """

    label_zh: ClassVar[str] = "督查记录"

    group_id: Text
    subject: DivisionCode
    rubric: Text
    date: dt.date
    evidence: dict[EvidenceName, EvidenceValue] = Field(default_factory=dict)
    problems: tuple[InspectionProblem, ...] = ()
    report: Text | None = None
    """A reference to the written inspection report (书面督查报告)."""


class CampaignFile(FrozenRecord):
    """Everything ``foodsafety campaign run FILE`` reads: the campaign and what was handed in."""

    campaign: Campaign
    reports: tuple[SelfInspectionReport, ...] = ()
    inspections: tuple[Inspection, ...] = ()
    synthetic: bool = False
    """True when the reports and scores are synthetic (generated for an example)."""


class SubjectResult(FrozenRecord):
    """One subject's campaign result: scores per rubric, combined score, rank, problems."""

    subject: Text
    name: Text | None = None
    group_id: Text
    totals: dict[str, float]
    """Points per rubric id."""
    percents: dict[str, float]
    """Percent of each rubric's base points (0–100)."""
    combined_percent: float
    rank: int = Field(ge=1)
    problems: int = Field(ge=0)
    report_submitted: dt.date | None = None
    report_on_time: bool | None = None


class CampaignResult(Record):
    """The campaign's outcome (督查结果): the ranking and the evidence for the annual rubric."""

    label_zh: ClassVar[str] = "督查结果"

    campaign_id: Text
    year: int
    rubrics: dict[str, float]
    """Rubric id → weight in the combined score."""
    results: list[SubjectResult]
    """In rank order."""
    evidence: dict[str, dict[str, float]] = Field(default_factory=dict)
    """Subject → evidence for the annual rubric, from the campaign's feeds."""
    annual_rubric: Text | None = None
    missing_reports: list[str] = Field(default_factory=list)
    """Subjects that handed in no self-inspection report."""
    synthetic: bool = False

    def ranking(self) -> list[tuple[int, str, float]]:
        """(rank, subject, combined percent) in rank order."""
        return [(r.rank, r.subject, r.combined_percent) for r in self.results]

    def get(self, subject: str) -> SubjectResult:
        """One subject's result.

        Raises:
            KeyError: the subject was not inspected.
        """
        for r in self.results:
            if r.subject == subject:
                return r
        raise KeyError(subject)

    def to_rows(self) -> list[dict[str, object]]:
        """One flat row per subject (rank, subject, name, group, per-rubric percents, combined)."""
        rows: list[dict[str, object]] = []
        for r in self.results:
            row: dict[str, object] = {
                "rank": r.rank,
                "subject": r.subject,
                "name": r.name,
                "group": r.group_id,
            }
            for rid in self.rubrics:
                row[f"{rid}_percent"] = r.percents.get(rid)
            row["combined_percent"] = r.combined_percent
            row["problems"] = r.problems
            row["report_on_time"] = r.report_on_time
            rows.append(row)
        return rows
