"""Assessment rubrics (评议考核评分细则), star-office schemes and demonstration schemes as data.

Each year a government assesses the governments one level down and the food-safety committee's
member units against published scoring rules (评价细则): Anhui rated 10 of its 27 member units
excellent (seed 000), Gansu assesses its 14 市(州) with a third-party evaluator (seed 001), the
national method (2023) grades A/B/C/D with rank quotas, downgrades (降级) and vetoes (一票否决)
(docs/domain.md §5). A :class:`Rubric` declares such rules as a record a rule author writes in YAML:

- a tree of :class:`Section` and :class:`Indicator` nodes, each indicator with points and one
  :data:`ScoringMethod` (yes/no, proportional to a rate, threshold bands, per-occurrence
  deduction with a floor, count toward a target, a manual score within bounds);
- capped bonus items (加分项) and deduction items (扣分项), mandatory items;
- a :class:`GradeRule`: score bands, rank quotas, downgrades, vetoes and a tie rule.

A :class:`StarScheme` is a rubric with per-star thresholds and mandatory items for township
offices (星级食安办, seed 003, docs/domain.md §6); a :class:`DemonstrationScheme` declares the three
standards of demonstration-city evaluation (群众满意度, 资料评审, 明察暗访; seeds 000, 001,
docs/domain.md §7). Every rule file says what it is (``description``), where it comes from
(``reference``) and from when it applies (``effective``). Conditions use the closed vocabulary
of :mod:`foodsafety.rules.conditions`; nothing is ``eval``'d.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Discriminator, Field, Tag

from foodsafety._record import FrozenRecord
from foodsafety.rules.conditions import Condition, evidence_names
from foodsafety.vocab import DemonstrationStandard, Level, StarLevel

__all__ = [
    "COMPUTED_EVIDENCE",
    "Adjustment",
    "Band",
    "Bands",
    "CountTarget",
    "Deduction",
    "DemonstrationScheme",
    "Downgrade",
    "GradeDef",
    "GradeRule",
    "Indicator",
    "Manual",
    "Node",
    "Quota",
    "Rate",
    "Reference",
    "Rubric",
    "ScoreBand",
    "ScoringMethod",
    "Section",
    "StandardThreshold",
    "StarScheme",
    "StarThreshold",
    "TieRule",
    "Veto",
    "YesNo",
]

#: Identifiers of indicators, sections and rules: ASCII, usable as column names.
RuleId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=80)]
#: The values the scoring engine computes, which conditions may read besides the evidence:
#: the total, the base points, the total as a percent of the base maximum, the number of
#: mandatory items failed; ``$score.<id>`` is the score of one section or indicator.
COMPUTED_EVIDENCE = ("$total", "$base", "$percent", "$mandatory_failed")
#: Evidence names; names starting with ``$`` are computed by the engine (``$total``...).
EvidenceName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=80)]
Points = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Reference(FrozenRecord):
    """Where a rule comes from: the document title, its number (文号) and URL, and a note."""

    title: str = Field(min_length=1)
    number: str | None = None
    url: str | None = None
    note: str | None = None


# -- scoring methods -------------------------------------------------------------------------


class YesNo(FrozenRecord):
    """``yes_no``: full points when the yes/no evidence is true, nothing otherwise.

    Example: ``{method: yes_no, evidence: responsibility_letters_signed}`` (目标管理责任书已签订).
    """

    method: Literal["yes_no"] = "yes_no"
    evidence: EvidenceName

    @property
    def monotone(self) -> bool:
        """True: more (true instead of false) never earns less."""
        return True


class Rate(FrozenRecord):
    """``rate``: points proportional to a rate between ``floor`` (nothing) and ``target`` (full).

    The rate is either one evidence value (``evidence: on_time_rate``, a fraction such as
    0.976) or ``numerator``/``denominator`` counts (1755 of 1755 sampling batches handled on
    time, seed 003). Rates above the target earn full points, below the floor nothing.
    """

    method: Literal["rate"] = "rate"
    evidence: EvidenceName | None = None
    numerator: EvidenceName | None = None
    denominator: EvidenceName | None = None
    floor: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    target: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    @pydantic.model_validator(mode="after")
    def _check(self) -> Rate:
        one = self.evidence is not None
        pair = self.numerator is not None and self.denominator is not None
        if one == pair or (not pair and (self.numerator or self.denominator)):
            raise ValueError(
                "a rate needs either evidence (such as evidence: on_time_rate) or both "
                "numerator and denominator (such as numerator: handled_on_time, "
                "denominator: sampled_batches), not both"
            )
        if self.target <= self.floor:
            raise ValueError(f"target ({self.target}) must be above floor ({self.floor})")
        return self

    @property
    def monotone(self) -> bool:
        """True in the rate (a higher rate never earns less)."""
        return True


class Band(FrozenRecord):
    """One threshold band: ``points`` when ``min <= value`` (and ``value <= max`` if given)."""

    min: float | None = Field(default=None, allow_inf_nan=False)
    max: float | None = Field(default=None, allow_inf_nan=False)
    points: Points

    @pydantic.model_validator(mode="after")
    def _check(self) -> Band:
        if self.min is None and self.max is None:
            raise ValueError("a band needs min or max (such as {min: 0.9, points: 5})")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"band max ({self.max}) is below its min ({self.min})")
        return self

    def contains(self, value: float) -> bool:
        """True when ``value`` falls in the band."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Bands(FrozenRecord):
    """``bands``: the points of the first band (in declared order) that contains the value.

    Example: ``{method: bands, evidence: coverage, bands: [{min: 0.95, points: 10},
    {min: 0.8, points: 6}], otherwise: 0}``.
    """

    method: Literal["bands"] = "bands"
    evidence: EvidenceName
    bands: list[Band] = Field(min_length=1)
    otherwise: Points = 0.0

    @property
    def monotone(self) -> bool:
        """True when the score never falls as the value rises (checked on the band edges)."""
        edges = sorted(
            {b.min for b in self.bands if b.min is not None}
            | {b.max for b in self.bands if b.max is not None}
        )
        probes: list[float] = []
        for e in edges:
            probes += [e - 1e-9, e, e + 1e-9]
        if not probes:
            return True
        probes = [min(probes) - 1.0, *probes, max(probes) + 1.0]
        pts = [self.points_for(v) for v in probes]
        return all(a <= b for a, b in itertools.pairwise(pts))

    def points_for(self, value: float) -> float:
        """The points a value earns."""
        for b in self.bands:
            if b.contains(value):
                return b.points
        return self.otherwise


class Deduction(FrozenRecord):
    """``deduction``: full points less ``per_occurrence`` for each occurrence, never below ``floor``.

    Example: ``{method: deduction, evidence: overdue_findings, per_occurrence: 1, floor: 0}``
    (每发现一处扣1分，扣完为止).
    """

    method: Literal["deduction"] = "deduction"
    evidence: EvidenceName
    per_occurrence: float = Field(gt=0, allow_inf_nan=False)
    floor: Points = 0.0

    @property
    def monotone(self) -> bool:
        """False: more occurrences earn fewer points (monotone decreasing)."""
        return False


class CountTarget(FrozenRecord):
    """``count_target``: points in proportion to a count toward a target, full at the target.

    Example: ``{method: count_target, evidence: publicity_events, target: 20}``.
    """

    method: Literal["count_target"] = "count_target"
    evidence: EvidenceName
    target: float = Field(gt=0, allow_inf_nan=False)

    @property
    def monotone(self) -> bool:
        """True: a higher count never earns less."""
        return True


class Manual(FrozenRecord):
    """``manual``: a score entered by the evaluator (现场考评), checked to lie within bounds.

    ``max`` defaults to the indicator's points. Example: ``{method: manual, evidence:
    site_review_score}``.
    """

    method: Literal["manual"] = "manual"
    evidence: EvidenceName
    min: Points = 0.0
    max: Points | None = None

    @property
    def monotone(self) -> bool:
        """True: a higher entered score never earns less."""
        return True


#: How an indicator turns evidence into points; told apart by ``method``.
ScoringMethod = Annotated[
    YesNo | Rate | Bands | Deduction | CountTarget | Manual, Field(discriminator="method")
]


def method_evidence(method: ScoringMethod) -> list[str]:
    """The evidence names a scoring method reads."""
    if isinstance(method, Rate):
        if method.evidence is not None:
            return [method.evidence]
        return [n for n in (method.numerator, method.denominator) if n is not None]
    return [method.evidence]


# -- the indicator tree ----------------------------------------------------------------------


class Indicator(FrozenRecord):
    """One scored item (考核指标): points and how they are earned.

    A ``mandatory`` item (必备项) must earn at least ``required`` points (all of them by default);
    the engine reports every mandatory item that is not met, and conditions can read the number
    of unmet items as ``$mandatory_failed``.
    """

    id: RuleId
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    points: float = Field(gt=0, allow_inf_nan=False)
    method: ScoringMethod
    mandatory: bool = False
    required: Points | None = None
    note: str | None = None

    @pydantic.model_validator(mode="after")
    def _check(self) -> Indicator:
        m = self.method
        if isinstance(m, Bands):
            too_high = [b.points for b in m.bands if b.points > self.points] + (
                [m.otherwise] if m.otherwise > self.points else []
            )
            if too_high:
                raise ValueError(
                    f"band points {too_high} exceed the indicator's points ({self.points})"
                )
        if isinstance(m, Deduction) and m.floor > self.points:
            raise ValueError(f"floor ({m.floor}) exceeds the indicator's points ({self.points})")
        if isinstance(m, Manual):
            hi = self.points if m.max is None else m.max
            if hi > self.points or m.min > hi:
                raise ValueError(
                    f"manual bounds [{m.min}, {hi}] must lie within [0, {self.points}]"
                )
        if self.required is not None and self.required > self.points:
            raise ValueError(f"required ({self.required}) exceeds points ({self.points})")
        return self

    @property
    def possible(self) -> float:
        """The points this indicator can earn."""
        return self.points

    @property
    def threshold(self) -> float:
        """Points needed for a mandatory item to count as met."""
        return self.points if self.required is None else self.required


def _node_tag(data: Any) -> str | None:
    if isinstance(data, Section):
        return "section"
    if isinstance(data, Indicator):
        return "indicator"
    if isinstance(data, dict):
        if "children" in data:
            return "section"
        if "method" in data:
            return "indicator"
    return None


class Section(FrozenRecord):
    """A group of indicators (考核项目), possibly nested.

    Without ``weight`` a section is worth the sum of its children's points; with ``weight`` its
    children's share of their points is scaled to ``weight`` points (权重).
    """

    id: RuleId
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    weight: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    children: list[Node] = Field(min_length=1)

    @property
    def raw_possible(self) -> float:
        """The sum of the children's possible points."""
        return sum(c.possible for c in self.children)

    @property
    def possible(self) -> float:
        """The points this section can contribute (its weight, or the children's sum)."""
        return self.weight if self.weight is not None else self.raw_possible


#: A node of the indicator tree: a section (has ``children``) or an indicator (has ``method``).
Node = Annotated[
    Annotated[Section, Tag("section")] | Annotated[Indicator, Tag("indicator")],
    Discriminator(
        _node_tag,
        custom_error_type="node_form",
        custom_error_message=(
            "a node is a section (with children: [...]) or an indicator "
            "(with method: {...}), e.g. {id: i1, name_zh: ..., name_en: ..., points: 5, "
            "method: {method: yes_no, evidence: plan_issued}}"
        ),
    ),
]

Section.model_rebuild()


class Adjustment(FrozenRecord):
    """A bonus item (加分项) or deduction item (扣分项): ``per_unit`` points per unit of evidence.

    The evidence is yes/no (one unit when true) or a non-negative count; the item yields at most
    ``cap`` points, and only when ``when`` holds (if given). The rubric caps the sum of all
    bonuses (``bonus_cap``) and all deductions (``deduction_cap``).
    """

    id: RuleId
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    evidence: EvidenceName
    per_unit: float = Field(gt=0, allow_inf_nan=False)
    cap: Points | None = None
    when: Condition | None = None


# -- grades ----------------------------------------------------------------------------------


class GradeDef(FrozenRecord):
    """One grade (等次): a stable code (``A``, ``excellent``) and its labels."""

    code: str = Field(min_length=1, max_length=40)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ScoreBand(FrozenRecord):
    """A score band: the grade goes to totals of at least ``min``."""

    grade: str
    min: float = Field(allow_inf_nan=False)


class Quota(FrozenRecord):
    """A rank quota: at most ``top_n`` subjects (or ``top_percent`` of the cohort) hold ``grade``.

    ``mode: grant`` gives the grade to the best-ranked eligible subjects whatever their band
    (the national method: A goes to the top ranks); ``mode: limit`` lets the band decide but
    keeps only the best-ranked eligible holders, the others falling one grade. Eligible means no
    downgrade or veto fired and, if ``min_score`` is set, the total reaches it.
    """

    grade: str
    top_n: int | None = Field(default=None, ge=0)
    top_percent: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    rounding: Literal["floor", "ceil", "round"] = "floor"
    min_score: float | None = Field(default=None, allow_inf_nan=False)
    mode: Literal["grant", "limit"] = "grant"

    @pydantic.model_validator(mode="after")
    def _check(self) -> Quota:
        if (self.top_n is None) == (self.top_percent is None):
            raise ValueError("a quota needs exactly one of top_n (such as 10) or top_percent")
        return self

    def size(self, cohort: int) -> int:
        """How many subjects of a cohort of ``cohort`` subjects may hold the grade."""
        if self.top_n is not None:
            return min(self.top_n, cohort)
        import math

        exact = cohort * (self.top_percent or 0.0) / 100.0
        # Guard against 0.1*30 = 3.0000000000000004 becoming 4 with ceil.
        exact = round(exact, 9)
        if self.rounding == "floor":
            n = math.floor(exact)
        elif self.rounding == "ceil":
            n = math.ceil(exact)
        else:
            n = math.floor(exact + 0.5)
        return min(n, cohort)


class Downgrade(FrozenRecord):
    """A downgrade condition (降级情形): when it holds the grade falls by ``steps`` grades."""

    id: RuleId
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    when: Condition
    steps: int = Field(default=1, ge=1)


class Veto(FrozenRecord):
    """A veto condition (一票否决): when it holds the grade is the lowest, whatever the score."""

    id: RuleId
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    when: Condition


class TieRule(FrozenRecord):
    """How equal totals are ranked (并列处理).

    ``break_by`` lists indicator or section ids compared in order (higher wins); subjects still
    equal share a rank. ``at_boundary`` says what a rank quota does with a tied group that does
    not fit: ``exclude`` gives the quota grade to none of them (the quota is never exceeded),
    ``subject_order`` fills the quota in subject-id order.
    """

    break_by: list[RuleId] = Field(default_factory=list)
    at_boundary: Literal["exclude", "subject_order"] = "exclude"


class GradeRule(FrozenRecord):
    """How totals become grades: bands, quotas, downgrades, vetoes and ties.

    ``grades`` lists the grades best first; the last is the lowest grade (the veto grade and
    the grade of totals below every band).
    """

    grades: list[GradeDef] = Field(min_length=2)
    bands: list[ScoreBand] = Field(default_factory=list)
    quotas: list[Quota] = Field(default_factory=list)
    downgrades: list[Downgrade] = Field(default_factory=list)
    vetoes: list[Veto] = Field(default_factory=list)
    ties: TieRule = Field(default_factory=TieRule)

    @pydantic.model_validator(mode="after")
    def _check(self) -> GradeRule:
        codes = [g.code for g in self.grades]
        if len(set(codes)) != len(codes):
            raise ValueError(f"grade codes must be unique (got {codes})")
        for b in self.bands:
            if b.grade not in codes:
                raise ValueError(f"band grade {b.grade!r} is not one of the grades {codes}")
        for q in self.quotas:
            if q.grade not in codes:
                raise ValueError(f"quota grade {q.grade!r} is not one of the grades {codes}")
        if len({q.grade for q in self.quotas}) != len(self.quotas):
            raise ValueError("at most one quota per grade")
        ordered = sorted(self.bands, key=lambda b: codes.index(b.grade))
        for better, worse in itertools.pairwise(ordered):
            if better.min < worse.min or better.grade == worse.grade:
                raise ValueError(
                    f"bands must need a higher total for a better grade: {better.grade} needs "
                    f"{better.min}, {worse.grade} needs {worse.min}"
                )
        return self

    def index(self, code: str) -> int:
        """Position of a grade (0 is the best)."""
        for i, g in enumerate(self.grades):
            if g.code == code:
                return i
        raise KeyError(code)

    @property
    def lowest(self) -> GradeDef:
        """The lowest grade (veto grade)."""
        return self.grades[-1]


# -- the rubric --------------------------------------------------------------------------------


class Rubric(FrozenRecord):
    """An assessment rubric (考核评分细则): indicators, bonuses, deductions and grade rules.

    Versioned: ``effective`` is the first day it applies, ``until`` (optional) the last; load a
    file with several versions and pick one with :func:`foodsafety.rules.select_version`.
    """

    label_zh = "考核评分细则"

    id: RuleId
    version: str = "1"
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    reference: Reference
    effective: dt.date
    until: dt.date | None = None
    subject_kind: str | None = None
    sections: list[Node] = Field(min_length=1)
    bonuses: list[Adjustment] = Field(default_factory=list)
    bonus_cap: Points = 0.0
    deductions: list[Adjustment] = Field(default_factory=list)
    deduction_cap: Points | None = None
    grading: GradeRule | None = None
    notes: list[str] = Field(default_factory=list)

    @pydantic.model_validator(mode="after")
    def _check(self) -> Rubric:
        seen: dict[str, str] = {}
        names: list[tuple[str, str]] = [(n.id, "node") for n, _ in self.walk()]
        names += [(a.id, "bonus") for a in self.bonuses]
        names += [(a.id, "deduction") for a in self.deductions]
        if self.grading is not None:
            names += [(d.id, "downgrade") for d in self.grading.downgrades]
            names += [(v.id, "veto") for v in self.grading.vetoes]
        for rid, kind in names:
            if rid in seen:
                raise ValueError(f"id {rid!r} is used twice ({seen[rid]} and {kind})")
            seen[rid] = kind
        if self.bonuses and self.bonus_cap <= 0:
            raise ValueError("bonus items need a bonus_cap above 0 (such as bonus_cap: 5)")
        if self.until is not None and self.until < self.effective:
            raise ValueError(f"until ({self.until}) is before effective ({self.effective})")
        nodes = {n.id for n, _ in self.walk()}
        if self.grading is not None:
            unknown = [i for i in self.grading.ties.break_by if i not in nodes]
            if unknown:
                raise ValueError(f"ties.break_by names unknown indicators or sections {unknown}")
        computed = sorted(n for n in self._names_read() if n.startswith("$"))
        wrong = [
            n
            for n in computed
            if n not in COMPUTED_EVIDENCE
            and not (n.startswith("$score.") and n.removeprefix("$score.") in nodes)
        ]
        if wrong:
            raise ValueError(
                f"{', '.join(repr(n) for n in wrong)}: a computed value must be one of "
                f"{', '.join(COMPUTED_EVIDENCE)} or $score.<id> of a section or indicator of "
                f"this rubric (such as $score.{next(iter(sorted(nodes)), 'duty')})"
            )
        return self

    def walk(self) -> Iterator[tuple[Section | Indicator, tuple[str, ...]]]:
        """Every node, depth first, with the ids of the sections above it."""

        def rec(
            nodes: list[Section | Indicator], path: tuple[str, ...]
        ) -> Iterator[tuple[Section | Indicator, tuple[str, ...]]]:
            for n in nodes:
                yield n, path
                if isinstance(n, Section):
                    yield from rec(n.children, (*path, n.id))

        return rec(self.sections, ())

    def indicators(self) -> list[Indicator]:
        """Every indicator (leaf), in order."""
        return [n for n, _ in self.walk() if isinstance(n, Indicator)]

    def node(self, node_id: str) -> Section | Indicator:
        """The section or indicator with this id."""
        for n, _ in self.walk():
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    @property
    def max_points(self) -> float:
        """The base points (满分) before bonuses."""
        return sum(n.possible for n in self.sections)

    @property
    def max_total(self) -> float:
        """The highest total a subject can reach: base points plus the bonus cap."""
        return self.max_points + self.bonus_cap

    def evidence_names(self) -> list[str]:
        """Every evidence name the rubric reads (computed ``$`` names excluded), sorted."""
        return sorted(n for n in self._names_read() if not n.startswith("$"))

    def _names_read(self) -> set[str]:
        """Every name the rubric's methods and conditions read, computed ``$`` names too."""
        out: set[str] = set()
        for ind in self.indicators():
            out.update(method_evidence(ind.method))
        for a in (*self.bonuses, *self.deductions):
            out.add(a.evidence)
            if a.when is not None:
                out.update(evidence_names(a.when))
        if self.grading is not None:
            for d in self.grading.downgrades:
                out.update(evidence_names(d.when))
            for v in self.grading.vetoes:
                out.update(evidence_names(v.when))
        return out

    def applies_on(self, day: dt.date) -> bool:
        """True when the rubric is in force on ``day``."""
        return self.effective <= day and (self.until is None or day <= self.until)


# -- star-rated township offices ---------------------------------------------------------------


class StarThreshold(FrozenRecord):
    """What a star needs: a minimum total, mandatory items and (optionally) a condition."""

    star: StarLevel
    min_score: float = Field(ge=0, allow_inf_nan=False)
    mandatory: list[RuleId] = Field(default_factory=list)
    when: Condition | None = None


class StarScheme(FrozenRecord):
    """A star-rating scheme for township food-safety offices (星级食安办评定标准), seed 003.

    The ``rubric`` scores an office; the office holds the highest star whose threshold it
    meets, and an office missing one of a star's mandatory items cannot reach that star
    whatever its score (docs/domain.md §6).
    """

    label_zh = "星级食安办评定标准"

    id: RuleId
    version: str = "1"
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    reference: Reference
    effective: dt.date
    rubric: Rubric
    stars: list[StarThreshold] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)

    @pydantic.model_validator(mode="after")
    def _check(self) -> StarScheme:
        ids = {n.id for n, _ in self.rubric.walk()}
        for t in self.stars:
            unknown = [m for m in t.mandatory if m not in ids]
            if unknown:
                raise ValueError(f"star {t.star.value} names unknown mandatory items {unknown}")
        stars = [t.star.stars for t in self.stars]
        if len(set(stars)) != len(stars):
            raise ValueError("each star may have one threshold")
        ordered = sorted(self.stars, key=lambda t: t.star.stars)
        for lo, hi in itertools.pairwise(ordered):
            if hi.min_score < lo.min_score or not set(lo.mandatory) <= set(hi.mandatory):
                raise ValueError(
                    f"star {hi.star.value} must need at least the score and mandatory items "
                    f"of star {lo.star.value}"
                )
        return self

    def threshold(self, star: StarLevel) -> StarThreshold:
        """The threshold of one star."""
        for t in self.stars:
            if t.star is star:
                return t
        raise KeyError(star)


# -- demonstration cities and counties ---------------------------------------------------------


class StandardThreshold(FrozenRecord):
    """One of the three standards with the evidence that measures it and its pass mark."""

    standard: DemonstrationStandard
    evidence: EvidenceName
    min: float = Field(allow_inf_nan=False)
    name_zh: str | None = None


class DemonstrationScheme(FrozenRecord):
    """Demonstration city/county evaluation (食品安全示范城市/县评价), seeds 000 and 001.

    A candidate must pass every standard (群众满意度达标、资料评审达标、明察暗访达标, seed 001
    item 16); a title-holder that no longer passes on re-evaluation (跟踪评价/回头看) loses it
    (对不再符合标准的一律取消资格).
    """

    label_zh = "示范创建评价标准"

    id: RuleId
    version: str = "1"
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    reference: Reference
    effective: dt.date
    level: Level
    standards: list[StandardThreshold] = Field(min_length=1)
    reevaluate_every_years: int | None = Field(default=None, ge=1)
    notes: list[str] = Field(default_factory=list)

    @pydantic.model_validator(mode="after")
    def _check(self) -> DemonstrationScheme:
        kinds = [s.standard for s in self.standards]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each standard may appear once")
        return self
