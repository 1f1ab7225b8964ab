"""Scoring engine: a rubric plus evidence gives an assessment with reasons (评议考核结果).

A result must state the score, the grade, the rank and why: which indicator lost which points,
which condition fired (docs/domain.md §5). :func:`score` scores one subject and returns a published
:class:`Assessment` record; :func:`assess_cohort` ranks a cohort (Anhui's 16 cities or its 27
member units, seed 000) and applies rank quotas, downgrades (降级) and vetoes (一票否决);
:func:`score_frame` scores many subjects at once from a polars DataFrame of evidence (polars is
imported only there); :func:`compare` says what changed between two assessments and which
indicator explains it.

Missing or ill-typed evidence raises :class:`~foodsafety.rules.conditions.EvidenceError` naming
the rubric, the indicator and the evidence; nothing is silently counted as zero.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
from pydantic import Field

from foodsafety._record import FrozenRecord, Record
from foodsafety.rules.conditions import EvidenceError, describe, evaluate
from foodsafety.rules.rubric import (
    Adjustment,
    Bands,
    CountTarget,
    Deduction,
    GradeRule,
    Indicator,
    Manual,
    Rate,
    Rubric,
    Section,
    YesNo,
)

__all__ = [
    "Assessment",
    "Change",
    "Cohort",
    "Comparison",
    "FiredRule",
    "ScoreLine",
    "assess_cohort",
    "compare",
    "rank_frame",
    "score",
    "score_frame",
]

Scalar = bool | int | float | str | None

#: A single rate evidence above this many times ``max(1, target)`` is refused as a likely
#: percentage typed where a fraction is expected (97.6 for 0.976).
PERCENT_GUARD = 1.5

#: Places totals are rounded to, so that equal work gets equal totals despite float noise.
DIGITS = 6


def _fmt(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(x: float) -> str:
    return f"{_fmt(x * 100)}%"


class ScoreLine(FrozenRecord):
    """One line of an assessment: an indicator, a section, a bonus or a deduction item."""

    id: str
    kind: Literal["indicator", "section", "bonus", "deduction"]
    parent: str | None = None
    name_zh: str
    name_en: str
    method: str | None = None
    earned: float
    possible: float
    evidence: dict[str, Scalar] = Field(default_factory=dict)
    mandatory: bool = False
    met: bool | None = None
    reason_zh: str
    reason_en: str

    @property
    def lost(self) -> float:
        """Points not earned (for bonus lines: 0)."""
        return 0.0 if self.kind in ("bonus", "deduction") else round(self.possible - self.earned, 6)


class FiredRule(FrozenRecord):
    """A condition or rule that acted on the grade: downgrade, veto, quota, mandatory item."""

    id: str
    kind: Literal["downgrade", "veto", "quota", "mandatory"]
    name_zh: str
    name_en: str
    steps: int = 0
    reason_zh: str
    reason_en: str


class Assessment(Record):
    """The published result of scoring one subject (考核结果) with every reason.

    ``grade`` is set where the rubric grades alone (no rank quotas) or by
    :func:`assess_cohort`; ``band_grade`` is the grade of the total before quotas, downgrades
    and vetoes.
    """

    label_zh = "考核结果"

    rubric_id: str
    rubric_version: str
    effective: dt.date
    subject: str
    total: float
    base_total: float
    max_points: float
    bonus_total: float = 0.0
    bonus_cap: float = 0.0
    deduction_total: float = 0.0
    lines: list[ScoreLine]
    fired: list[FiredRule] = Field(default_factory=list)
    mandatory_failed: list[str] = Field(default_factory=list)
    band_grade: str | None = None
    grade: str | None = None
    rank: int | None = None
    cohort_size: int | None = None
    grade_reason_zh: str | None = None
    grade_reason_en: str | None = None

    def line(self, line_id: str) -> ScoreLine:
        """The line of one indicator, section or adjustment."""
        for ln in self.lines:
            if ln.id == line_id:
                return ln
        raise KeyError(line_id)

    def earned(self) -> dict[str, float]:
        """Points earned per line id."""
        return {ln.id: ln.earned for ln in self.lines}

    def explain(self, lang: str = "en") -> str:
        """A readable explanation: total, grade, then lines that lost points and rules that fired."""
        zh = lang.startswith("zh")
        out = [
            f"{self.subject}: {'总分' if zh else 'total'} {_fmt(self.total)}"
            f" / {_fmt(self.max_points)}"
            + (f" (+{_fmt(self.bonus_cap)})" if self.bonus_cap else "")
        ]
        if self.grade is not None or self.band_grade is not None:
            out.append(
                f"{'等次' if zh else 'grade'} {self.grade or '-'}"
                + (
                    f", {'排名' if zh else 'rank'} {self.rank}/{self.cohort_size}"
                    if self.rank
                    else ""
                )
                + f": {(self.grade_reason_zh if zh else self.grade_reason_en) or ''}"
            )
        for ln in self.lines:
            if (ln.kind == "indicator" and ln.lost > 0) or ln.kind in ("bonus", "deduction"):
                if ln.kind in ("bonus", "deduction") and ln.earned == 0:
                    continue
                out.append(f"  - {ln.id}: {ln.reason_zh if zh else ln.reason_en}")
        for f in self.fired:
            out.append(f"  ! {f.kind} {f.id}: {f.reason_zh if zh else f.reason_en}")
        return "\n".join(out)


@attrs.frozen(slots=True)
class _Shape:
    """Sums that depend only on the rubric, computed once per rubric object."""

    rubric: Rubric
    raw_possible: dict[str, float]
    max_points: float
    max_total: float


_SHAPES: dict[int, _Shape] = {}


def _shape(rubric: Rubric) -> _Shape:
    found = _SHAPES.get(id(rubric))
    # The entry keeps its rubric alive, so the id cannot be reused while it is cached.
    if found is not None and found.rubric is rubric:
        return found
    if len(_SHAPES) > 64:
        _SHAPES.clear()
    shape = _Shape(
        rubric=rubric,
        raw_possible={n.id: n.raw_possible for n, _ in rubric.walk() if isinstance(n, Section)},
        max_points=rubric.max_points,
        max_total=rubric.max_total,
    )
    _SHAPES[id(rubric)] = shape
    return shape


# -- one indicator -----------------------------------------------------------------------------


def _get(rubric: Rubric, where: str, name: str, evidence: Mapping[str, Any]) -> Any:
    try:
        return evidence[name]
    except KeyError:
        raise EvidenceError(
            f"indicator {where} needs evidence {name!r}, which was not given",
            code="evidence.missing",
            message_zh=f"指标 {where} 缺少证据项 {name!r}",
            evidence=name,
            record=rubric.id,
            field=where,
        ) from None


def _number(
    rubric: Rubric, where: str, name: str, evidence: Mapping[str, Any], *, count: bool = False
) -> float:
    value = _get(rubric, where, name, evidence)
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and isinstance(value, float) and not math.isfinite(value):
        ok = False
    if ok and count and value < 0:
        ok = False
    if not ok:
        want = "a non-negative count such as 3" if count else "a number such as 0.95"
        raise EvidenceError(
            f"indicator {where} needs evidence {name!r} to be {want} (got {value!r})",
            code="evidence.type",
            message_zh=f"指标 {where} 的证据项 {name!r} 应为数值 (实际为 {value!r})",
            evidence=name,
            record=rubric.id,
            field=where,
            value=value,
        )
    return float(value)


def _boolean(rubric: Rubric, where: str, name: str, evidence: Mapping[str, Any]) -> bool:
    value = _get(rubric, where, name, evidence)
    if not isinstance(value, bool):
        raise EvidenceError(
            f"indicator {where} needs evidence {name!r} to be true or false (got {value!r})",
            code="evidence.type",
            message_zh=f"指标 {where} 的证据项 {name!r} 应为是/否 (实际为 {value!r})",
            evidence=name,
            record=rubric.id,
            field=where,
            value=value,
        )
    return value


def _score_indicator(
    rubric: Rubric, ind: Indicator, evidence: Mapping[str, Any]
) -> tuple[float, dict[str, Scalar], str, str]:
    m = ind.method
    pts = ind.points
    w = ind.id
    if isinstance(m, YesNo):
        yes = _boolean(rubric, w, m.evidence, evidence)
        earned = pts if yes else 0.0
        return (
            earned,
            {m.evidence: yes},
            f"{'已完成' if yes else '未完成'}，得{_fmt(earned)}分(满分{_fmt(pts)})",
            f"{'done' if yes else 'not done'}: {_fmt(earned)} of {_fmt(pts)}",
        )
    if isinstance(m, Rate):
        if m.evidence is not None:
            rate = _number(rubric, w, m.evidence, evidence)
            used: dict[str, Scalar] = {m.evidence: rate}
            shown = _pct(rate)
        else:
            assert m.numerator is not None and m.denominator is not None
            num = _number(rubric, w, m.numerator, evidence, count=True)
            den = _number(rubric, w, m.denominator, evidence, count=True)
            if den == 0:
                raise EvidenceError(
                    f"indicator {w} needs evidence {m.denominator!r} above 0 to form a rate "
                    f"(got 0)",
                    code="evidence.zero_denominator",
                    evidence=m.denominator,
                    record=rubric.id,
                    field=w,
                    value=0,
                )
            rate = num / den
            used = {m.numerator: num, m.denominator: den}
            shown = f"{_fmt(num)}/{_fmt(den)} = {_pct(rate)}"
        limit = PERCENT_GUARD * max(1.0, m.target)
        if rate < 0 or (m.evidence is not None and rate > limit):
            # A single rate of 97.6 is almost always 97.6% typed as a percentage: refuse it
            # rather than give full points. Rates a little above the target are clipped.
            raise EvidenceError(
                f"indicator {w} needs a rate between 0 and {_fmt(limit)} "
                f"(a fraction: 0.976 for 97.6%; got {rate!r})",
                code="evidence.range",
                message_zh=f"指标 {w} 的比率应为0至{_fmt(limit)}之间的小数"
                f"(97.6%写作0.976；实际为 {rate!r})",
                evidence=m.evidence or str(m.numerator),
                record=rubric.id,
                field=w,
                value=rate,
            )
        share = min(1.0, max(0.0, (rate - m.floor) / (m.target - m.floor)))
        earned = pts * share
        return (
            earned,
            used,
            f"比率{shown}(目标{_pct(m.target)}，起点{_pct(m.floor)})，得{_fmt(earned)}分"
            f"(满分{_fmt(pts)})",
            f"rate {shown} against target {_pct(m.target)} (floor {_pct(m.floor)}): "
            f"{_fmt(earned)} of {_fmt(pts)}",
        )
    if isinstance(m, Bands):
        value = _number(rubric, w, m.evidence, evidence)
        earned = m.points_for(value)
        band = next((b for b in m.bands if b.contains(value)), None)
        if band is None:
            where_zh, where_en = "未达任何档次", "in no band"
        else:
            lo = "" if band.min is None else f"≥{_fmt(band.min)}"
            hi = "" if band.max is None else f"≤{_fmt(band.max)}"
            rng = " ".join(p for p in (lo, hi) if p)
            where_zh, where_en = f"落在{rng}档", f"in band {rng}"
        return (
            earned,
            {m.evidence: value},
            f"{m.evidence}={_fmt(value)}，{where_zh}，得{_fmt(earned)}分(满分{_fmt(pts)})",
            f"{m.evidence} = {_fmt(value)}, {where_en}: {_fmt(earned)} of {_fmt(pts)}",
        )
    if isinstance(m, Deduction):
        n = _number(rubric, w, m.evidence, evidence, count=True)
        earned = max(m.floor, pts - m.per_occurrence * n)
        return (
            earned,
            {m.evidence: n},
            f"{_fmt(n)}处，每处扣{_fmt(m.per_occurrence)}分(最低{_fmt(m.floor)}分)，"
            f"得{_fmt(earned)}分(满分{_fmt(pts)})",
            f"{_fmt(n)} occurrence(s) at {_fmt(m.per_occurrence)} each (floor "
            f"{_fmt(m.floor)}): {_fmt(earned)} of {_fmt(pts)}",
        )
    if isinstance(m, CountTarget):
        n = _number(rubric, w, m.evidence, evidence, count=True)
        earned = pts * min(1.0, n / m.target)
        return (
            earned,
            {m.evidence: n},
            f"完成{_fmt(n)}(目标{_fmt(m.target)})，得{_fmt(earned)}分(满分{_fmt(pts)})",
            f"{_fmt(n)} of target {_fmt(m.target)}: {_fmt(earned)} of {_fmt(pts)}",
        )
    assert isinstance(m, Manual)
    entered = _number(rubric, w, m.evidence, evidence)
    upper = pts if m.max is None else m.max
    if not m.min <= entered <= upper:
        raise EvidenceError(
            f"indicator {w} takes a manual score between {_fmt(m.min)} and {_fmt(upper)} "
            f"(got {entered!r})",
            code="evidence.range",
            message_zh=f"指标 {w} 的评分应在{_fmt(m.min)}至{_fmt(upper)}之间 (实际为 {entered!r})",
            evidence=m.evidence,
            record=rubric.id,
            field=w,
            value=entered,
        )
    return (
        entered,
        {m.evidence: entered},
        f"评审评分{_fmt(entered)}分(满分{_fmt(pts)})",
        f"entered score {_fmt(entered)} of {_fmt(pts)}",
    )


def _adjustment_units(
    rubric: Rubric, adj: Adjustment, evidence: Mapping[str, Any]
) -> tuple[float, Scalar]:
    value = _get(rubric, adj.id, adj.evidence, evidence)
    if isinstance(value, bool):
        return (1.0 if value else 0.0), value
    return _number(rubric, adj.id, adj.evidence, evidence, count=True), float(value)


# -- one subject -------------------------------------------------------------------------------


def _walk(
    rubric: Rubric,
    nodes: Sequence[Section | Indicator],
    parent: str | None,
    evidence: Mapping[str, Any],
    lines: list[ScoreLine],
    scores: dict[str, float],
) -> float:
    total = 0.0
    for node in nodes:
        if isinstance(node, Indicator):
            earned, used, why_zh, why_en = _score_indicator(rubric, node, evidence)
            earned = round(earned, DIGITS)
            met = earned >= node.threshold - 1e-9 if node.mandatory else None
            lines.append(
                ScoreLine(
                    id=node.id,
                    kind="indicator",
                    parent=parent,
                    name_zh=node.name_zh,
                    name_en=node.name_en,
                    method=node.method.method,
                    earned=earned,
                    possible=node.points,
                    evidence=used,
                    mandatory=node.mandatory,
                    met=met,
                    reason_zh=why_zh + ("" if met is not False else "；必备项未达标"),
                    reason_en=why_en + ("" if met is not False else "; mandatory item not met"),
                )
            )
            scores[node.id] = earned
            total += earned
        else:
            at = len(lines)
            raw = _walk(rubric, node.children, node.id, evidence, lines, scores)
            raw_possible = _shape(rubric).raw_possible[node.id]
            if node.weight is not None:
                earned = round(node.weight * raw / raw_possible, DIGITS)
                zh = f"小计{_fmt(raw)}/{_fmt(raw_possible)}，按权重折合{_fmt(earned)}分"
                en = (
                    f"subtotal {_fmt(raw)} of {_fmt(raw_possible)}, weighted to "
                    f"{_fmt(earned)} of {_fmt(node.weight)}"
                )
            else:
                earned = round(raw, DIGITS)
                zh = f"小计{_fmt(earned)}分(满分{_fmt(raw_possible)})"
                en = f"subtotal {_fmt(earned)} of {_fmt(raw_possible)}"
            lines.insert(
                at,
                ScoreLine(
                    id=node.id,
                    kind="section",
                    parent=parent,
                    name_zh=node.name_zh,
                    name_en=node.name_en,
                    earned=earned,
                    possible=node.possible,
                    reason_zh=zh,
                    reason_en=en,
                ),
            )
            scores[node.id] = earned
            total += earned
    return total


def _adjust(
    rubric: Rubric,
    items: Sequence[Adjustment],
    cap: float | None,
    kind: Literal["bonus", "deduction"],
    evidence: Mapping[str, Any],
    lines: list[ScoreLine],
) -> float:
    zh_kind, en_kind = ("加分", "bonus") if kind == "bonus" else ("扣分", "deduction")
    wanted: list[tuple[Adjustment, float, dict[str, Scalar], str, str]] = []
    for adj in items:
        units, shown = _adjustment_units(rubric, adj, evidence)
        used: dict[str, Scalar] = {adj.evidence: shown}
        applies = adj.when is None or evaluate(adj.when, evidence, where=adj.id)
        pts = units * adj.per_unit if applies else 0.0
        capped = pts if adj.cap is None else min(pts, adj.cap)
        why_zh = f"{_fmt(units)}项×{_fmt(adj.per_unit)}分"
        why_en = f"{_fmt(units)} × {_fmt(adj.per_unit)}"
        if not applies:
            assert adj.when is not None
            why_zh += f"，条件不成立({describe(adj.when, 'zh')})"
            why_en += f", condition does not hold ({describe(adj.when)})"
        if capped < pts:
            why_zh += f"，本项封顶{_fmt(capped)}分"
            why_en += f", item capped at {_fmt(capped)}"
        wanted.append((adj, capped, used, why_zh, why_en))
    room = math.inf if cap is None else cap
    total = 0.0
    for adj, pts, used, why_zh, why_en in wanted:
        given = round(max(0.0, min(pts, room - total)), DIGITS)
        if given < pts:
            why_zh += f"，{zh_kind}总额封顶{_fmt(cap or 0)}分，计{_fmt(given)}分"
            why_en += f", {en_kind} total capped at {_fmt(cap or 0)}: {_fmt(given)} counted"
        total += given
        lines.append(
            ScoreLine(
                id=adj.id,
                kind=kind,
                name_zh=adj.name_zh,
                name_en=adj.name_en,
                earned=given,
                possible=adj.cap if adj.cap is not None else (cap if cap is not None else given),
                evidence=used,
                reason_zh=f"{zh_kind}：{why_zh}",
                reason_en=f"{en_kind}: {why_en}",
            )
        )
    return total


def _context(
    evidence: Mapping[str, Any],
    scores: Mapping[str, float],
    total: float,
    base: float,
    max_points: float,
    mandatory_failed: int,
) -> dict[str, Any]:
    ctx = dict(evidence)
    ctx["$total"] = total
    ctx["$base"] = base
    ctx["$percent"] = 100.0 * total / max_points if max_points else 0.0
    ctx["$mandatory_failed"] = mandatory_failed
    for k, v in scores.items():
        ctx[f"$score.{k}"] = v
    return ctx


def _band(rule: GradeRule, total: float) -> int:
    best = len(rule.grades) - 1
    for b in rule.bands:
        if total >= b.min - 1e-9:
            best = min(best, rule.index(b.grade))
    return best


def _rule_fired(rubric: Rubric, ctx: Mapping[str, Any]) -> tuple[list[FiredRule], int, bool]:
    fired: list[FiredRule] = []
    steps = 0
    vetoed = False
    rule = rubric.grading
    if rule is None:
        return fired, 0, False
    for d in rule.downgrades:
        if evaluate(d.when, ctx, where=f"{rubric.id}.downgrades.{d.id}"):
            steps += d.steps
            fired.append(
                FiredRule(
                    id=d.id,
                    kind="downgrade",
                    name_zh=d.name_zh,
                    name_en=d.name_en,
                    steps=d.steps,
                    reason_zh=f"{d.name_zh}({describe(d.when, 'zh')})，降{d.steps}级",
                    reason_en=f"{d.name_en} ({describe(d.when)}): down {d.steps} grade(s)",
                )
            )
    for v in rule.vetoes:
        if evaluate(v.when, ctx, where=f"{rubric.id}.vetoes.{v.id}"):
            vetoed = True
            fired.append(
                FiredRule(
                    id=v.id,
                    kind="veto",
                    name_zh=v.name_zh,
                    name_en=v.name_en,
                    reason_zh=f"{v.name_zh}({describe(v.when, 'zh')})，一票否决，"
                    f"定为{rule.lowest.zh}",
                    reason_en=f"{v.name_en} ({describe(v.when)}): veto, graded {rule.lowest.en}",
                )
            )
    return fired, steps, vetoed


def score(rubric: Rubric, evidence: Mapping[str, Any], *, subject: str = "subject") -> Assessment:
    """Score one subject against a rubric.

    Args:
        rubric: the rubric.
        evidence: evidence values by name (numbers, booleans); every name the rubric reads
            must be present (:meth:`Rubric.evidence_names`).
        subject: who is assessed (a division code, a unit id, a name).

    Returns:
        An :class:`Assessment` with the total, one line per section, indicator and adjustment
        (points earned and possible, evidence used, reason in zh and en), the rules that fired
        and, where the rubric grades alone (no rank quotas, or a veto), the grade.

    Raises:
        EvidenceError: evidence is missing or ill-typed; the error names the indicator.
    """
    lines: list[ScoreLine] = []
    scores: dict[str, float] = {}
    base = round(_walk(rubric, rubric.sections, None, evidence, lines, scores), DIGITS)
    bonus = _adjust(rubric, rubric.bonuses, rubric.bonus_cap, "bonus", evidence, lines)
    minus = _adjust(rubric, rubric.deductions, rubric.deduction_cap, "deduction", evidence, lines)
    shape = _shape(rubric)
    total = round(min(shape.max_total, max(0.0, base + bonus - minus)), DIGITS)
    failed = [ln.id for ln in lines if ln.met is False]
    ctx = _context(evidence, scores, total, base, shape.max_points, len(failed))
    fired, steps, vetoed = _rule_fired(rubric, ctx)
    for ln in lines:
        if ln.met is False:
            fired.append(
                FiredRule(
                    id=ln.id,
                    kind="mandatory",
                    name_zh=ln.name_zh,
                    name_en=ln.name_en,
                    reason_zh=f"必备项{ln.name_zh}未达标({_fmt(ln.earned)}/{_fmt(ln.possible)})",
                    reason_en=f"mandatory item {ln.name_en} not met "
                    f"({_fmt(ln.earned)} of {_fmt(ln.possible)})",
                )
            )
    band_grade = grade = None
    why_zh = why_en = None
    rule = rubric.grading
    if rule is not None:
        b = _band(rule, total)
        band_grade = rule.grades[b].code
        if vetoed:
            grade = rule.lowest.code
            why_zh, why_en = "一票否决", "vetoed"
        elif not rule.quotas:
            g = min(len(rule.grades) - 1, b + steps)
            grade = rule.grades[g].code
            why_zh = f"总分{_fmt(total)}，分数段{rule.grades[b].zh}"
            why_en = f"total {_fmt(total)} falls in band {rule.grades[b].en}"
            if steps:
                why_zh += f"，降{steps}级为{rule.grades[g].zh}"
                why_en += f", downgraded {steps} to {rule.grades[g].en}"
        else:
            why_zh = "含名次配额，须在全体排名后定等次(assess_cohort)"
            why_en = "the rubric has rank quotas: grade after ranking the cohort (assess_cohort)"
    return Assessment(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        effective=rubric.effective,
        subject=subject,
        total=total,
        base_total=base,
        max_points=shape.max_points,
        bonus_total=round(bonus, DIGITS),
        bonus_cap=rubric.bonus_cap,
        deduction_total=round(minus, DIGITS),
        lines=lines,
        fired=fired,
        mandatory_failed=failed,
        band_grade=band_grade,
        grade=grade,
        grade_reason_zh=why_zh,
        grade_reason_en=why_en,
    )


# -- a cohort ----------------------------------------------------------------------------------


class Cohort(Record):
    """A ranked cohort (e.g. 16 cities or 27 member units): assessments in rank order."""

    label_zh = "考核排名"

    rubric_id: str
    rubric_version: str
    assessments: list[Assessment]

    def grades(self) -> dict[str, str | None]:
        """Grade per subject."""
        return {a.subject: a.grade for a in self.assessments}

    def count(self, grade: str) -> int:
        """How many subjects hold a grade."""
        return sum(1 for a in self.assessments if a.grade == grade)

    def get(self, subject: str) -> Assessment:
        """The assessment of one subject."""
        for a in self.assessments:
            if a.subject == subject:
                return a
        raise KeyError(subject)

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat row per subject: rank, subject, total, grade, band grade, reasons."""
        return [
            {
                "rank": a.rank,
                "subject": a.subject,
                "total": a.total,
                "base_total": a.base_total,
                "bonus": a.bonus_total,
                "deduction": a.deduction_total,
                "band_grade": a.band_grade,
                "grade": a.grade,
                "fired": ";".join(f"{f.kind}:{f.id}" for f in a.fired),
                "reason_zh": a.grade_reason_zh,
                "reason_en": a.grade_reason_en,
            }
            for a in self.assessments
        ]


@attrs.frozen(slots=True)
class _Entry:
    """What grading needs of one subject: its total, ranking key and the rules that fired."""

    subject: str
    total: float
    steps: int
    vetoed: bool


@attrs.frozen(slots=True)
class _Graded:
    idx: dict[str, int]
    zh: dict[str, list[str]]
    en: dict[str, list[str]]
    pushed: dict[str, list[tuple[str, int]]]


def _grade_cohort(rule: GradeRule, keyed: Sequence[_Entry], ranks: Mapping[str, int]) -> _Graded:
    """Bands, quotas, downgrades, vetoes and the final quota pass over a ranked cohort."""
    n = len(keyed)
    lowest = len(rule.grades) - 1
    idx: dict[str, int] = {}
    zh: dict[str, list[str]] = {}
    en: dict[str, list[str]] = {}
    pushed: dict[str, list[tuple[str, int]]] = {a.subject: [] for a in keyed}
    blocked: dict[str, bool] = {}
    steps_of: dict[str, int] = {}
    for a in keyed:
        b = _band(rule, a.total)
        idx[a.subject] = b
        zh[a.subject] = [
            f"总分{_fmt(a.total)}，排名第{ranks[a.subject]}，分数段{rule.grades[b].zh}"
        ]
        en[a.subject] = [
            f"total {_fmt(a.total)}, rank {ranks[a.subject]} of {n}, band {rule.grades[b].en}"
        ]
        steps_of[a.subject] = a.steps
        blocked[a.subject] = a.steps > 0 or a.vetoed

    def groups() -> list[list[_Entry]]:
        out: list[list[_Entry]] = []
        for a in keyed:
            if out and ranks[out[-1][0].subject] == ranks[a.subject]:
                out[-1].append(a)
            else:
                out.append([a])
        return out

    quotas = sorted(rule.quotas, key=lambda q: rule.index(q.grade))
    for q in quotas:
        g = rule.index(q.grade)
        size = q.size(n)
        left = size
        full = False
        for grp in groups():
            if q.mode == "grant":
                cands = [
                    a
                    for a in grp
                    if not blocked[a.subject]
                    and (q.min_score is None or a.total >= q.min_score - 1e-9)
                    and idx[a.subject] > g
                ]
                holders_before = [a for a in grp if idx[a.subject] == g and not blocked[a.subject]]
                # Holders already at the grade by band also use up the quota.
                cands_all = holders_before + cands
            else:
                cands_all = [a for a in grp if idx[a.subject] <= g and not blocked[a.subject]]
                cands_all = [a for a in cands_all if idx[a.subject] == g]
            if not cands_all:
                continue
            if len(cands_all) <= left:
                chosen = cands_all
            elif rule.ties.at_boundary == "subject_order":
                chosen = sorted(cands_all, key=lambda a: a.subject)[:left]
            else:
                # A tied group that does not fit ends the quota: nobody ranked below it may
                # jump over it.
                chosen = []
                full = True
            for a in chosen:
                if idx[a.subject] != g:
                    idx[a.subject] = g
                    zh[a.subject].append(f"名次配额内(前{size}名)，评为{rule.grades[g].zh}")
                    en[a.subject].append(f"within the rank quota (top {size}): {rule.grades[g].en}")
            for a in cands_all:
                if a not in chosen and idx[a.subject] == g:
                    idx[a.subject] = g + 1
                    tie = len(cands_all) > left and left > 0
                    zh[a.subject].append(
                        f"{rule.grades[g].zh}名额({size}个)已满{'(并列超出名额)' if tie else ''}，"
                        f"评为{rule.grades[g + 1].zh}"
                    )
                    en[a.subject].append(
                        f"quota of {size} for {rule.grades[g].en} is full"
                        f"{' (tie at the boundary)' if tie else ''}: {rule.grades[g + 1].en}"
                    )
            left = 0 if full else left - len(chosen)
    for a in keyed:
        s = steps_of[a.subject]
        if s:
            new = min(lowest, idx[a.subject] + s)
            zh[a.subject].append(f"降{s}级为{rule.grades[new].zh}")
            en[a.subject].append(f"downgraded {s} to {rule.grades[new].en}")
            idx[a.subject] = new
        if a.vetoed:
            idx[a.subject] = lowest
            zh[a.subject].append(f"一票否决，定为{rule.grades[lowest].zh}")
            en[a.subject].append(f"vetoed: {rule.grades[lowest].en}")

    # Final pass: a quota is never exceeded, whatever pushed subjects into the grade.
    for q in quotas:
        g = rule.index(q.grade)
        size = q.size(n)
        holders = [a for a in keyed if idx[a.subject] == g]
        for a in holders[size:]:
            idx[a.subject] = min(lowest, g + 1)
            zh[a.subject].append(
                f"{rule.grades[g].zh}名额已满，评为{rule.grades[idx[a.subject]].zh}"
            )
            en[a.subject].append(
                f"quota for {rule.grades[g].en} is full: {rule.grades[idx[a.subject]].en}"
            )
            if g + 1 > lowest:  # pragma: no cover - a quota on the lowest grade is refused
                break
            pushed[a.subject].append((q.grade, size))

    return _Graded(idx=idx, zh=zh, en=en, pushed=pushed)


def _rank(keys: Sequence[tuple[tuple[float, ...], str]]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of entries already sorted by key."""
    ranks: list[int] = []
    for i, (key, _) in enumerate(keys):
        ranks.append(ranks[-1] if i and keys[i - 1][0] == key else i + 1)
    return ranks


def _rank_key(rubric: Rubric, a: Assessment) -> tuple[float, ...]:
    rule = rubric.grading
    earned = a.earned()
    keys = [-a.total]
    if rule is not None:
        keys += [-earned.get(i, 0.0) for i in rule.ties.break_by]
    return tuple(keys)


def assess_cohort(
    rubric: Rubric,
    evidences: Mapping[str, Mapping[str, Any]] | Iterable[tuple[str, Mapping[str, Any]]],
) -> Cohort:
    """Score and rank a cohort, then apply rank quotas, downgrades and vetoes.

    Order of the rules: (1) band grade from the total; (2) rank quotas in grade order, giving a
    quota grade only to subjects with no downgrade or veto; (3) downgrades by their steps;
    (4) vetoes to the lowest grade; (5) a last pass keeps every quota (a subject pushed into
    a full grade falls one more). Equal totals are ranked by the rubric's tie rule.

    Args:
        rubric: a rubric with ``grading``.
        evidences: evidence per subject, as a mapping or (subject, evidence) pairs.

    Raises:
        EvidenceError: evidence is missing or ill-typed (the error names subject and indicator).
    """
    pairs = list(evidences.items()) if isinstance(evidences, Mapping) else list(evidences)
    scored: list[Assessment] = []
    for subject, ev in pairs:
        try:
            scored.append(score(rubric, ev, subject=subject))
        except EvidenceError as exc:
            exc.message = f"subject {subject!r}: {exc.message}"
            raise
    rule = rubric.grading
    keyed = sorted(scored, key=lambda a: (_rank_key(rubric, a), a.subject))
    ranks: dict[str, int] = {}
    for i, a in enumerate(keyed):
        prev = keyed[i - 1] if i else None
        same = prev is not None and _rank_key(rubric, prev) == _rank_key(rubric, a)
        ranks[a.subject] = ranks[prev.subject] if same and prev else i + 1
    n = len(keyed)
    if rule is None:
        out = [a.model_copy(update={"rank": ranks[a.subject], "cohort_size": n}) for a in keyed]
        return Cohort(rubric_id=rubric.id, rubric_version=rubric.version, assessments=out)

    entries = [
        _Entry(
            subject=a.subject,
            total=a.total,
            steps=sum(f.steps for f in a.fired if f.kind == "downgrade"),
            vetoed=any(f.kind == "veto" for f in a.fired),
        )
        for a in keyed
    ]
    graded = _grade_cohort(rule, entries, ranks)
    idx, zh, en = graded.idx, graded.zh, graded.en
    extra: dict[str, list[FiredRule]] = {
        s: [
            FiredRule(
                id=f"quota.{code}",
                kind="quota",
                name_zh=f"{rule.grades[rule.index(code)].zh}名额",
                name_en=f"quota for {rule.grades[rule.index(code)].en}",
                reason_zh=f"{rule.grades[rule.index(code)].zh}名额({size}个)已满",
                reason_en=f"quota of {size} for {rule.grades[rule.index(code)].en} is full",
            )
            for code, size in pushes
        ]
        for s, pushes in graded.pushed.items()
    }
    out = []
    for a in keyed:
        out.append(
            a.model_copy(
                update={
                    "rank": ranks[a.subject],
                    "cohort_size": n,
                    "grade": rule.grades[idx[a.subject]].code,
                    "fired": [*a.fired, *extra[a.subject]],
                    "grade_reason_zh": "；".join(zh[a.subject]),
                    "grade_reason_en": "; ".join(en[a.subject]),
                }
            )
        )
    return Cohort(rubric_id=rubric.id, rubric_version=rubric.version, assessments=out)


# -- comparisons -------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Change:
    """How one line changed between two assessments (a computed value)."""

    id: str
    kind: str
    name_zh: str
    name_en: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float:
        """After minus before (a missing side counts as 0)."""
        return round((self.after or 0.0) - (self.before or 0.0), DIGITS)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with the delta."""
        d = attrs.asdict(self)
        d["delta"] = self.delta
        return d


@attrs.frozen(slots=True)
class Comparison:
    """What changed between two assessments (two years of one subject, or two subjects)."""

    before: str
    after: str
    total_before: float
    total_after: float
    grade_before: str | None
    grade_after: str | None
    changes: tuple[Change, ...]
    rules_gained: tuple[str, ...]
    rules_lost: tuple[str, ...]

    @property
    def delta(self) -> float:
        """Total after minus total before."""
        return round(self.total_after - self.total_before, DIGITS)

    @property
    def main_cause(self) -> Change | None:
        """The indicator (or adjustment) whose change is largest in the direction of the total."""
        leaves = [c for c in self.changes if c.kind != "section" and c.delta != 0]
        if not leaves:
            return None
        sign = 1 if self.delta >= 0 else -1
        return max(leaves, key=lambda c: sign * c.delta)

    def explain(self, lang: str = "en") -> str:
        """One paragraph: totals, grades, the main cause and the rules gained or lost."""
        zh = lang.startswith("zh")
        cause = self.main_cause
        if zh:
            text = (
                f"{self.before} → {self.after}：总分{_fmt(self.total_before)} → "
                f"{_fmt(self.total_after)}({'+' if self.delta >= 0 else ''}{_fmt(self.delta)})"
            )
            if self.grade_before != self.grade_after and None not in (
                self.grade_before,
                self.grade_after,
            ):
                text += f"，等次{self.grade_before} → {self.grade_after}"
            if cause is not None:
                text += f"；主要原因：{cause.name_zh}({'+' if cause.delta >= 0 else ''}{_fmt(cause.delta)})"
            if self.rules_gained:
                text += f"；新触发：{', '.join(self.rules_gained)}"
            if self.rules_lost:
                text += f"；不再触发：{', '.join(self.rules_lost)}"
            return text
        text = (
            f"{self.before} -> {self.after}: total {_fmt(self.total_before)} -> "
            f"{_fmt(self.total_after)} ({'+' if self.delta >= 0 else ''}{_fmt(self.delta)})"
        )
        if self.grade_before != self.grade_after and None not in (
            self.grade_before,
            self.grade_after,
        ):
            text += f", grade {self.grade_before} -> {self.grade_after}"
        if cause is not None:
            text += (
                f"; mainly {cause.name_en} ({'+' if cause.delta >= 0 else ''}{_fmt(cause.delta)})"
            )
        if self.rules_gained:
            text += f"; newly fired: {', '.join(self.rules_gained)}"
        if self.rules_lost:
            text += f"; no longer fired: {', '.join(self.rules_lost)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with the changes as dicts."""
        return {
            "before": self.before,
            "after": self.after,
            "total_before": self.total_before,
            "total_after": self.total_after,
            "delta": self.delta,
            "grade_before": self.grade_before,
            "grade_after": self.grade_after,
            "changes": [c.to_dict() for c in self.changes],
            "rules_gained": list(self.rules_gained),
            "rules_lost": list(self.rules_lost),
        }


def compare(
    before: Assessment,
    after: Assessment,
    *,
    before_label: str | None = None,
    after_label: str | None = None,
) -> Comparison:
    """Compare two assessments line by line (years of one subject, or two subjects).

    Lines are matched by id, so two versions of a rubric compare on the indicators they share;
    an indicator only on one side shows with ``None`` on the other. Changes are sorted by the
    size of their effect, largest first.
    """
    b = {ln.id: ln for ln in before.lines}
    a = {ln.id: ln for ln in after.lines}
    ids = list(dict.fromkeys([*b, *a]))
    changes = []
    for i in ids:
        lb, la = b.get(i), a.get(i)
        ref = la or lb
        assert ref is not None
        sign = -1.0 if ref.kind == "deduction" else 1.0
        changes.append(
            Change(
                id=i,
                kind=ref.kind,
                name_zh=ref.name_zh,
                name_en=ref.name_en,
                before=None if lb is None else sign * lb.earned,
                after=None if la is None else sign * la.earned,
            )
        )
    changes.sort(key=lambda c: -abs(c.delta))
    fb = {f"{f.kind}:{f.id}" for f in before.fired}
    fa = {f"{f.kind}:{f.id}" for f in after.fired}
    return Comparison(
        before=before_label or before.subject,
        after=after_label or after.subject,
        total_before=before.total,
        total_after=after.total,
        grade_before=before.grade,
        grade_after=after.grade,
        changes=tuple(changes),
        rules_gained=tuple(sorted(fa - fb)),
        rules_lost=tuple(sorted(fb - fa)),
    )


def score_frame(rubric: Rubric, frame: Any, *, subject: str = "subject") -> Any:
    """Score many subjects at once from a polars DataFrame (one row per subject).

    See :mod:`foodsafety.engines._batch`; imported lazily because it needs polars.
    """
    from foodsafety.engines._batch import score_frame as _impl

    return _impl(rubric, frame, subject=subject)


def rank_frame(rubric: Rubric, frame: Any, *, subject: str = "subject") -> Any:
    """Score and rank a cohort held in a polars DataFrame (the batch form of assess_cohort).

    See :func:`foodsafety.engines._batch.rank_frame`; imported lazily because it needs polars.
    """
    from foodsafety.engines._batch import rank_frame as _impl

    return _impl(rubric, frame, subject=subject)
