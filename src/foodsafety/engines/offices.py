"""Star-rated township offices and demonstration cities: rating, programmes, re-evaluation.

- :func:`rate_office` scores an office against a :class:`~foodsafety.rules.rubric.StarScheme`
  and gives the highest star whose score threshold, mandatory items and condition it meets
  (an office missing a mandatory item cannot reach that star whatever its score, docs/domain.md §6).
- :func:`star_gap` says what an office must improve, item by item, to reach a target star.
- :class:`StarProgramme` and :func:`programme_report` express a county programme such as seed
  003's (every township at least three stars, one new five-star, at least two new four-star
  offices) and report coverage, new stars and the gap of every office.
- :func:`evaluate_demonstration` checks a city or county against the three standards (群众满意度,
  资料评审, 明察暗访; seeds 000, 001); :func:`grant_titles` names the ones that pass and
  :func:`reevaluate` revokes the titles that no longer qualify (对不再符合标准的一律取消资格, 001).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field

from foodsafety._record import FrozenRecord, Record
from foodsafety.engines.scoring import Assessment, _context, _fmt, score
from foodsafety.errors import RuleError
from foodsafety.models.offices import DemonstrationTitle
from foodsafety.rules.conditions import EvidenceError, describe, evaluate
from foodsafety.rules.rubric import DemonstrationScheme, StarScheme
from foodsafety.vocab import DemonstrationStandard, StarLevel

__all__ = [
    "DemonstrationResult",
    "ItemGap",
    "OfficeProgress",
    "ProgrammeReport",
    "Reevaluation",
    "StandardResult",
    "StarCheck",
    "StarGap",
    "StarProgramme",
    "StarResult",
    "evaluate_demonstration",
    "grant_titles",
    "programme_report",
    "rate_office",
    "reevaluate",
    "star_gap",
]


# -- stars -------------------------------------------------------------------------------------


class StarCheck(FrozenRecord):
    """Whether an office meets one star's threshold, and why not."""

    star: StarLevel
    met: bool
    min_score: float
    score_ok: bool
    missing_mandatory: list[str] = Field(default_factory=list)
    condition_ok: bool | None = None
    reason_zh: str
    reason_en: str


class StarResult(Record):
    """The star an office reaches under a scheme, with the assessment and every star's check."""

    label_zh = "星级评定结果"

    office: str
    scheme_id: str
    star: StarLevel | None
    assessment: Assessment
    checks: list[StarCheck]

    def check(self, star: StarLevel) -> StarCheck:
        """The check of one star."""
        for c in self.checks:
            if c.star is star:
                return c
        raise KeyError(star)


def _met(assessment: Assessment, item: str) -> bool:
    line = assessment.line(item)
    if line.met is not None:
        return line.met
    return line.earned >= line.possible - 1e-9


def rate_office(
    scheme: StarScheme, evidence: Mapping[str, Any], *, office: str = "office"
) -> StarResult:
    """Rate one township office: the highest star whose whole threshold it meets.

    Raises:
        EvidenceError: evidence is missing or ill-typed (names the indicator).
    """
    a = score(scheme.rubric, evidence, subject=office)
    earned = {ln.id: ln.earned for ln in a.lines if ln.kind in ("indicator", "section")}
    ctx = _context(evidence, earned, a.total, a.base_total, a.max_points, len(a.mandatory_failed))
    checks: list[StarCheck] = []
    for t in sorted(scheme.stars, key=lambda t: t.star.stars):
        score_ok = a.total >= t.min_score - 1e-9
        missing = [m for m in t.mandatory if not _met(a, m)]
        cond = None if t.when is None else evaluate(t.when, ctx, where=f"{scheme.id}.{t.star}")
        met = score_ok and not missing and cond is not False
        why_zh: list[str] = [
            f"总分{_fmt(a.total)}{'达到' if score_ok else '未达到'}{_fmt(t.min_score)}分"
        ]
        why_en: list[str] = [
            f"total {_fmt(a.total)} {'reaches' if score_ok else 'is below'} {_fmt(t.min_score)}"
        ]
        if missing:
            names = [scheme.rubric.node(m).name_zh for m in missing]
            why_zh.append(f"必备项未达标：{'、'.join(names)}")
            why_en.append(f"mandatory items not met: {', '.join(missing)}")
        if cond is False and t.when is not None:
            why_zh.append(f"条件不成立：{describe(t.when, 'zh')}")
            why_en.append(f"condition does not hold: {describe(t.when)}")
        checks.append(
            StarCheck(
                star=t.star,
                met=met,
                min_score=t.min_score,
                score_ok=score_ok,
                missing_mandatory=missing,
                condition_ok=cond,
                reason_zh="；".join(why_zh),
                reason_en="; ".join(why_en),
            )
        )
    reached = [c.star for c in checks if c.met]
    star = max(reached, key=lambda s: s.stars) if reached else None
    return StarResult(office=office, scheme_id=scheme.id, star=star, assessment=a, checks=checks)


class ItemGap(FrozenRecord):
    """One item an office must improve: points lost, and whether it is mandatory for the star."""

    id: str
    name_zh: str
    name_en: str
    earned: float
    possible: float
    mandatory: bool
    reason_zh: str
    reason_en: str

    @property
    def lost(self) -> float:
        """Points lost on this item."""
        return round(self.possible - self.earned, 6)


class StarGap(FrozenRecord):
    """What an office lacks for a target star (差距): points, mandatory items, other items."""

    office: str
    target: StarLevel
    current: StarLevel | None
    reached: bool
    points_needed: float
    items: list[ItemGap]
    condition: str | None = None

    def summary(self, lang: str = "en") -> str:
        """One line: the target, the points short and the items to improve."""
        zh = lang.startswith("zh")
        if self.reached:
            return f"{self.office}: {'已达到' if zh else 'reaches'} {self.target.zh if zh else self.target.en}"
        must = [i.name_zh if zh else i.id for i in self.items if i.mandatory]
        other = [i.name_zh if zh else i.id for i in self.items if not i.mandatory]
        if zh:
            text = (
                f"{self.office}: 距{self.target.zh}差{_fmt(self.points_needed)}分"
                if self.points_needed > 0
                else f"{self.office}: 分数已达{self.target.zh}"
            )
            if must:
                text += f"；必备项须达标：{'、'.join(must)}"
            if other:
                text += f"；可提升：{'、'.join(other[:5])}"
            return text
        text = (
            f"{self.office}: {_fmt(self.points_needed)} points short of {self.target.en}"
            if self.points_needed > 0
            else f"{self.office}: the score is enough for {self.target.en}"
        )
        if must:
            text += f"; mandatory items to meet: {', '.join(must)}"
        if other:
            text += f"; items to improve: {', '.join(other[:5])}"
        return text


def star_gap(scheme: StarScheme, result: StarResult, target: StarLevel) -> StarGap:
    """What ``result``'s office must improve to reach ``target`` under ``scheme``.

    Mandatory items of the target star that are not met come first, then every other
    indicator that lost points, largest loss first.
    """
    t = scheme.threshold(target)
    check = result.check(target)
    a = result.assessment
    items: list[ItemGap] = []
    for m in check.missing_mandatory:
        ln = a.line(m)
        items.append(
            ItemGap(
                id=ln.id,
                name_zh=ln.name_zh,
                name_en=ln.name_en,
                earned=ln.earned,
                possible=ln.possible,
                mandatory=True,
                reason_zh=ln.reason_zh,
                reason_en=ln.reason_en,
            )
        )
    others = [
        ln
        for ln in a.lines
        if ln.kind == "indicator" and ln.lost > 0 and ln.id not in check.missing_mandatory
    ]
    for ln in sorted(others, key=lambda ln: -ln.lost):
        items.append(
            ItemGap(
                id=ln.id,
                name_zh=ln.name_zh,
                name_en=ln.name_en,
                earned=ln.earned,
                possible=ln.possible,
                mandatory=False,
                reason_zh=ln.reason_zh,
                reason_en=ln.reason_en,
            )
        )
    return StarGap(
        office=result.office,
        target=target,
        current=result.star,
        reached=check.met,
        points_needed=round(max(0.0, t.min_score - a.total), 6),
        items=[] if check.met else items,
        condition=None if check.condition_ok is not False or t.when is None else describe(t.when),
    )


class StarProgramme(FrozenRecord):
    """A star-office programme (星级食安办建设任务) with a coverage target, seed 003.

    ``coverage`` is the star every office must reach (三星级食安办全覆盖); ``new`` the number of
    offices that must newly reach exactly a star (新建五星级1家、四星级2家以上).
    """

    label_zh = "星级食安办建设任务"

    id: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    coverage: StarLevel
    new: dict[StarLevel, int] = Field(default_factory=dict)
    subsidy_yuan: float | None = Field(default=None, ge=0)
    reference: str | None = None


class OfficeProgress(FrozenRecord):
    """One office in a programme: stars before and now, its target and its gap."""

    office: str
    baseline: StarLevel | None
    current: StarLevel | None
    target: StarLevel
    gap: StarGap


class ProgrammeReport(Record):
    """Where a programme stands: coverage, new stars against the target, the gap per office."""

    label_zh = "星级食安办建设进展"

    programme: str
    offices: list[OfficeProgress]
    coverage_star: StarLevel
    covered: int
    total: int
    new_required: dict[StarLevel, int]
    new_reached: dict[StarLevel, int]
    met: bool
    reason_zh: str
    reason_en: str

    def must_improve(self) -> list[OfficeProgress]:
        """Offices that do not yet reach their target, in office order."""
        return [o for o in self.offices if not o.gap.reached]


def programme_report(
    programme: StarProgramme,
    scheme: StarScheme,
    evidences: Mapping[str, Mapping[str, Any]],
    *,
    baseline: Mapping[str, StarLevel | None] | None = None,
    candidates: Mapping[str, StarLevel] | None = None,
) -> ProgrammeReport:
    """Rate every office and report the programme's progress and each office's gap.

    Args:
        programme: the targets.
        scheme: the star scheme offices are rated with.
        evidences: evidence per office.
        baseline: each office's star before the programme (``None`` for none).
        candidates: offices being built toward a higher star (创建对象) and that star; every
            other office's target is the coverage star.
    """
    baseline = dict(baseline or {})
    candidates = dict(candidates or {})
    unknown = sorted(set(candidates) - set(evidences))
    if unknown:
        raise RuleError(
            f"candidates {unknown} have no evidence; give evidence for every office",
            code="rule.programme",
            field="candidates",
            value=unknown,
        )
    progress: list[OfficeProgress] = []
    new_reached = dict.fromkeys(programme.new, 0)
    covered = 0
    for office, ev in evidences.items():
        result = rate_office(scheme, ev, office=office)
        before = baseline.get(office)
        target = candidates.get(office, programme.coverage)
        if target.stars < programme.coverage.stars:
            target = programme.coverage
        progress.append(
            OfficeProgress(
                office=office,
                baseline=before,
                current=result.star,
                target=target,
                gap=star_gap(scheme, result, target),
            )
        )
        now = result.star.stars if result.star else 0
        if now >= programme.coverage.stars:
            covered += 1
        if result.star in new_reached and (before is None or before.stars < now):
            new_reached[result.star] += 1
    short_new = {s: n for s, n in programme.new.items() if new_reached[s] < n}
    met = covered == len(progress) and not short_new
    zh = f"{programme.coverage.zh}及以上{covered}/{len(progress)}个"
    en = f"{covered} of {len(progress)} offices at {programme.coverage.en} or more"
    for s, n in sorted(programme.new.items(), key=lambda kv: -kv[0].stars):
        zh += f"；新增{s.zh}{new_reached[s]}个(目标{n}个)"
        en += f"; new {s.en}: {new_reached[s]} (target {n})"
    zh += "；目标已完成" if met else "；目标未完成"
    en += "; target met" if met else "; target not met"
    return ProgrammeReport(
        programme=programme.id,
        offices=progress,
        coverage_star=programme.coverage,
        covered=covered,
        total=len(progress),
        new_required=dict(programme.new),
        new_reached=new_reached,
        met=met,
        reason_zh=zh,
        reason_en=en,
    )


# -- demonstration cities and counties ---------------------------------------------------------


class StandardResult(FrozenRecord):
    """One standard of a demonstration evaluation: the value, the pass mark, the verdict."""

    standard: DemonstrationStandard
    evidence: str
    value: float
    min: float
    passed: bool
    reason_zh: str
    reason_en: str


class DemonstrationResult(Record):
    """A city's or county's demonstration evaluation: passed only if every standard passes."""

    label_zh = "示范创建评价结果"

    subject: str
    scheme_id: str
    passed: bool
    standards: list[StandardResult]

    def failed(self) -> list[DemonstrationStandard]:
        """The standards not passed."""
        return [s.standard for s in self.standards if not s.passed]


def evaluate_demonstration(
    scheme: DemonstrationScheme, evidence: Mapping[str, Any], *, subject: str = "subject"
) -> DemonstrationResult:
    """Check a candidate against every standard of the scheme.

    Raises:
        EvidenceError: a standard's evidence is missing or not a number.
    """
    out = []
    for s in scheme.standards:
        if s.evidence not in evidence:
            raise EvidenceError(
                f"standard {s.standard.value} needs evidence {s.evidence!r}, which was not "
                f"given for {subject!r}",
                code="evidence.missing",
                message_zh=f"{s.standard.zh}缺少证据项 {s.evidence!r}",
                evidence=s.evidence,
                record=scheme.id,
                field=s.standard.value,
            )
        v = evidence[s.evidence]
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise EvidenceError(
                f"standard {s.standard.value} needs evidence {s.evidence!r} to be a number "
                f"(got {v!r})",
                code="evidence.type",
                evidence=s.evidence,
                record=scheme.id,
                field=s.standard.value,
                value=v,
            )
        ok = v >= s.min
        out.append(
            StandardResult(
                standard=s.standard,
                evidence=s.evidence,
                value=float(v),
                min=s.min,
                passed=ok,
                reason_zh=f"{s.standard.zh}{_fmt(v)}，{'达标' if ok else '未达标'}(须≥{_fmt(s.min)})",
                reason_en=f"{s.standard.en} {_fmt(v)}: {'passes' if ok else 'fails'} "
                f"(needs {_fmt(s.min)})",
            )
        )
    return DemonstrationResult(
        subject=subject, scheme_id=scheme.id, passed=all(r.passed for r in out), standards=out
    )


def grant_titles(
    scheme: DemonstrationScheme,
    results: Sequence[DemonstrationResult],
    *,
    on: dt.date,
    batch: int | None = None,
) -> list[DemonstrationTitle]:
    """Titles for every candidate that passed, granted ``on`` a day (命名)."""
    return [
        DemonstrationTitle(
            subject=r.subject,
            title_zh=scheme.title_zh,
            title_en=scheme.title_en,
            level=scheme.level,
            scheme=scheme.id,
            batch=batch,
            granted_on=on,
        )
        for r in results
        if r.passed
    ]


class Reevaluation(Record):
    """The outcome of re-evaluating title holders (跟踪评价/回头看): kept and revoked titles."""

    label_zh = "示范称号复核"

    scheme_id: str
    on: dt.date
    kept: list[DemonstrationTitle]
    revoked: list[DemonstrationTitle]
    results: list[DemonstrationResult]


def reevaluate(
    scheme: DemonstrationScheme,
    titles: Sequence[DemonstrationTitle],
    evidences: Mapping[str, Mapping[str, Any]],
    *,
    on: dt.date,
) -> Reevaluation:
    """Re-evaluate title holders; a holder that fails any standard loses its title ``on`` a day.

    Titles already revoked before ``on`` are left as they are. Every holder needs evidence.

    Raises:
        EvidenceError: a holder has no evidence, or a standard's evidence is missing.
    """
    kept: list[DemonstrationTitle] = []
    revoked: list[DemonstrationTitle] = []
    results: list[DemonstrationResult] = []
    for t in titles:
        if not t.held_on(on):
            continue
        if t.subject not in evidences:
            raise EvidenceError(
                f"title holder {t.subject!r} has no re-evaluation evidence",
                code="evidence.missing",
                evidence=t.subject,
                record=scheme.id,
                field="evidences",
            )
        r = evaluate_demonstration(scheme, evidences[t.subject], subject=t.subject)
        results.append(r)
        if r.passed:
            kept.append(t)
        else:
            why = "；".join(s.reason_zh for s in r.standards if not s.passed)
            revoked.append(
                t.model_copy(update={"revoked_on": on, "revoked_reason": f"复核未通过：{why}"})
            )
    return Reevaluation(scheme_id=scheme.id, on=on, kept=kept, revoked=revoked, results=results)
