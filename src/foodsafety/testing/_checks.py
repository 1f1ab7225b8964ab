"""Invariant checks for rubric authors: :func:`check_rubric` and its report.

A rubric (评分细则) is data a rule author writes; the scoring engine interprets it (docs/domain.md
§5). Whatever the rubric, some things must always hold, and a rule author wants to know before
publication that they do for *this* rubric, with the evidence that breaks it when one does not:

========================  ============================================================================
invariant                 what must hold
========================  ============================================================================
``evidence``              every evidence name is read as one kind (yes/no, count, number, text)
``bounds``                every line and the total stay within their possible points (0 … 满分 + 加分上限)
``bonus_cap``             no bonus item exceeds its cap, nor all of them the bonus cap (deductions alike)
``vetoes``                a veto (一票否决) always gives the lowest grade, alone and in a cohort
``downgrades``            a downgrade (降级) never raises a grade: at least ``steps`` below the band
``quotas``                no grade is held by more subjects than its rank quota (名额) allows
``monotone``              more evidence never earns fewer points (fewer, for a deduction per occurrence)
``reachable``             every indicator can earn its full points, every graded band can be reached
========================  ============================================================================

The search uses hypothesis (:func:`hypothesis.find`) over evidence drawn by
:func:`~foodsafety.testing.evidence_for` and cohorts drawn by
:func:`~foodsafety.testing.cohort_evidence`; a violation is shrunk to a minimal counterexample
and described in the rubric's own terms (indicator, band, rule, evidence).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs
from hypothesis import HealthCheck, Verbosity, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from foodsafety.engines.scoring import Assessment, assess_cohort, score
from foodsafety.errors import FoodSafetyError, RuleError
from foodsafety.rules.rubric import (
    Bands,
    CountTarget,
    Deduction,
    Indicator,
    Manual,
    Rate,
    Rubric,
    StarScheme,
    YesNo,
)
from foodsafety.testing._common import check_type, fail
from foodsafety.testing._rubrics import (
    EvidenceSpec,
    _as_rubric,
    _value,
    cohort_evidence,
    evidence_for,
    evidence_specs,
)

__all__ = [
    "INVARIANTS",
    "Counterexample",
    "InvariantResult",
    "RubricCheckReport",
    "RubricPropertyError",
    "check_rubric",
    "check_rubric_file",
    "run_properties",
]

#: The invariants, in the order they run, with their English and Chinese descriptions.
INVARIANTS: dict[str, tuple[str, str]] = {
    "evidence": (
        "every evidence name is read as one kind",
        "同一证据项只按一种类型读取",
    ),
    "bounds": (
        "scores stay within their possible points",
        "各项得分和总分不超出分值范围",
    ),
    "bonus_cap": (
        "bonuses and deductions stay within their caps",
        "加分、扣分不超过封顶分值",
    ),
    "vetoes": ("a veto always gives the lowest grade", "一票否决一律定为最低等次"),
    "downgrades": ("a downgrade never raises a grade", "降级情形不会提高等次"),
    "quotas": ("no grade exceeds its rank quota", "各等次不超过名额"),
    "monotone": (
        "more evidence never earns fewer points",
        "证据越好得分不降低（扣分项反之）",
    ),
    "reachable": (
        "every indicator and every graded band can be reached",
        "每个指标都能得满分，每个等次分数段都能达到",
    ),
}

_EPS = 1e-6


@attrs.frozen(slots=True)
class Counterexample:
    """A minimal example that breaks an invariant, described in the rubric's terms.

    Attributes:
        invariant: which invariant it breaks (a key of :data:`INVARIANTS`).
        message: what goes wrong, in English: the rule, the subject, the numbers.
        message_zh: the same in Chinese.
        evidence: the evidence of the subject (or ``{subject: evidence}`` for a cohort),
            shrunk by hypothesis; pass it to :func:`~foodsafety.engines.scoring.score` to see.
        where: the indicator, band or rule at fault, when there is one.
    """

    invariant: str
    message: str
    message_zh: str
    evidence: dict[str, Any] = attrs.field(factory=dict)
    where: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return attrs.asdict(self)


@attrs.frozen(slots=True)
class InvariantResult:
    """The outcome of one invariant: how many examples were tried and the counterexample."""

    invariant: str
    examples: int
    counterexample: Counterexample | None = None
    unit: str = "examples"
    """What ``examples`` counts: drawn ``examples``, or the ``evidence names`` or ``indicators``
    a static invariant looked at."""

    @property
    def passed(self) -> bool:
        """True when no counterexample was found."""
        return self.counterexample is None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the counterexample as a dict)."""
        return {
            "invariant": self.invariant,
            "description": INVARIANTS[self.invariant][0],
            "passed": self.passed,
            "examples": self.examples,
            "unit": self.unit,
            "counterexample": None
            if self.counterexample is None
            else self.counterexample.to_dict(),
        }


class RubricPropertyError(RuleError):
    """A rubric breaks an invariant; ``report`` holds every result and counterexample."""

    default_code = "rule.property"

    def __init__(self, report: RubricCheckReport) -> None:
        self.report = report
        first = report.failures[0].counterexample if report.failures else None
        super().__init__(
            report.format(),
            record=report.rubric_id,
            field=first.where if first is not None else None,
            source=report.source,
            message_zh=first.message_zh if first is not None else None,
        )

    def __str__(self) -> str:
        return self.message


@attrs.frozen(slots=True)
class RubricCheckReport:
    """What :func:`check_rubric` found for one rubric.

    ``bool(report)`` is true when every invariant held; :meth:`format` is the text the CLI
    prints; :meth:`raise_if_failed` raises :class:`RubricPropertyError` for use in tests.
    """

    rubric_id: str
    version: str
    results: tuple[InvariantResult, ...]
    source: str | None = None

    @property
    def ok(self) -> bool:
        """True when every invariant held."""
        return all(r.passed for r in self.results)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failures(self) -> tuple[InvariantResult, ...]:
        """The invariants that failed, in order."""
        return tuple(r for r in self.results if not r.passed)

    def result(self, invariant: str) -> InvariantResult:
        """The result of one invariant."""
        for r in self.results:
            if r.invariant == invariant:
                return r
        raise KeyError(invariant)

    def format(self, lang: str = "en") -> str:
        """A readable report: one line per invariant, then each counterexample."""
        zh = lang.startswith("zh")
        head = f"{self.source + ': ' if self.source else ''}rubric {self.rubric_id} v{self.version}"
        lines = [head]
        for r in self.results:
            en_desc, zh_desc = INVARIANTS[r.invariant]
            mark = "ok  " if r.passed else "FAIL"
            count = f"{r.examples} {r.unit}" if r.examples else "nothing to check"
            lines.append(f"  {mark} {r.invariant:<11} {zh_desc if zh else en_desc} ({count})")
        for r in self.failures:
            ce = r.counterexample
            assert ce is not None
            lines.append(f"\n{r.invariant}: {ce.message_zh if zh else ce.message}")
            if ce.evidence:
                lines.append(f"  {'证据' if zh else 'evidence'}: {_show(ce.evidence)}")
        verdict = (
            ("全部不变式成立" if zh else "all invariants hold")
            if self.ok
            else (
                f"{len(self.failures)} 项不变式不成立"
                if zh
                else f"{len(self.failures)} invariant(s) broken"
            )
        )
        lines.append(verdict)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def raise_if_failed(self) -> None:
        """Raise :class:`RubricPropertyError` (a :class:`~foodsafety.errors.RuleError`) on failure."""
        if not self.ok:
            raise RubricPropertyError(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict: rubric id, version, ok, and every result."""
        return {
            "rubric_id": self.rubric_id,
            "version": self.version,
            "source": self.source,
            "ok": self.ok,
            "results": [r.to_dict() for r in self.results],
        }


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


# -- the invariants on one subject -----------------------------------------------------------------


def _ce(
    invariant: str, en: str, zh: str, evidence: dict[str, Any], where: str | None = None
) -> Counterexample:
    return Counterexample(
        invariant=invariant, message=en, message_zh=zh, evidence=dict(evidence), where=where
    )


def _score(rubric: Rubric, ev: dict[str, Any]) -> Assessment | Counterexample:
    try:
        return score(rubric, ev, subject="s01")
    except FoodSafetyError as exc:
        return _ce(
            "evidence",
            f"the engine rejects evidence that fits the rubric's rules: {exc}",
            f"评分引擎拒绝了符合细则的证据：{exc.message_zh or exc}",
            ev,
            exc.field,
        )


def _check_bounds(rubric: Rubric, ev: dict[str, Any]) -> Counterexample | None:
    a = _score(rubric, ev)
    if isinstance(a, Counterexample):
        return a
    for ln in a.lines:
        if ln.kind in ("indicator", "section") and not (-_EPS <= ln.earned <= ln.possible + _EPS):
            return _ce(
                "bounds",
                f"{ln.kind} {ln.id} ({ln.name_en}) earns {_fmt(ln.earned)} of {_fmt(ln.possible)} points",
                f"{ln.name_zh}（{ln.id}）得{_fmt(ln.earned)}分，超出满分{_fmt(ln.possible)}分的范围",
                ev,
                ln.id,
            )
    if not (-_EPS <= a.total <= rubric.max_total + _EPS):
        return _ce(
            "bounds",
            f"the total is {_fmt(a.total)}, outside 0 … {_fmt(rubric.max_total)} "
            f"({_fmt(rubric.max_points)} points + bonus cap {_fmt(rubric.bonus_cap)})",
            f"总分{_fmt(a.total)}超出 0 至 {_fmt(rubric.max_total)} 分的范围",
            ev,
        )
    if a.base_total > rubric.max_points + _EPS:
        return _ce(
            "bounds",
            f"the base total is {_fmt(a.base_total)}, above the {_fmt(rubric.max_points)} points",
            f"基础得分{_fmt(a.base_total)}超出满分{_fmt(rubric.max_points)}",
            ev,
        )
    return None


def _check_caps(rubric: Rubric, ev: dict[str, Any]) -> Counterexample | None:
    a = _score(rubric, ev)
    if isinstance(a, Counterexample):
        return a
    items = {x.id: x for x in (*rubric.bonuses, *rubric.deductions)}
    for ln in a.lines:
        item = items.get(ln.id)
        over = item is not None and (
            ln.earned < -_EPS or (item.cap is not None and ln.earned > item.cap + _EPS)
        )
        if ln.kind in ("bonus", "deduction") and item is not None and over:
            return _ce(
                "bonus_cap",
                f"{ln.kind} item {ln.id} ({ln.name_en}) counts {_fmt(ln.earned)} points, above its "
                f"cap of {_fmt(item.cap or 0)}",
                f"{ln.name_zh}（{ln.id}）计{_fmt(ln.earned)}分，超过本项封顶{_fmt(item.cap or 0)}分",
                ev,
                ln.id,
            )
    if a.bonus_total > rubric.bonus_cap + _EPS:
        return _ce(
            "bonus_cap",
            f"bonuses add {_fmt(a.bonus_total)} points, above the bonus cap of {_fmt(rubric.bonus_cap)}",
            f"加分合计{_fmt(a.bonus_total)}分，超过加分上限{_fmt(rubric.bonus_cap)}分",
            ev,
            "bonus_cap",
        )
    if rubric.deduction_cap is not None and a.deduction_total > rubric.deduction_cap + _EPS:
        return _ce(
            "bonus_cap",
            f"deductions take {_fmt(a.deduction_total)} points, above the deduction cap of "
            f"{_fmt(rubric.deduction_cap)}",
            f"扣分合计{_fmt(a.deduction_total)}分，超过扣分上限{_fmt(rubric.deduction_cap)}分",
            ev,
            "deduction_cap",
        )
    return None


def _grade_index(rubric: Rubric, code: str | None) -> int:
    assert rubric.grading is not None and code is not None
    return rubric.grading.index(code)


def _check_single_grade(
    rubric: Rubric, ev: dict[str, Any], invariant: str
) -> Counterexample | None:
    rule = rubric.grading
    if rule is None:
        return None
    a = _score(rubric, ev)
    if isinstance(a, Counterexample):
        return a
    vetoes = [f for f in a.fired if f.kind == "veto"]
    if invariant == "vetoes":
        if vetoes and a.grade != rule.lowest.code:
            v = vetoes[0]
            return _ce(
                "vetoes",
                f"veto {v.id} ({v.name_en}) fires, yet the grade is {a.grade}, not the lowest "
                f"grade {rule.lowest.code}",
                f"一票否决情形“{v.name_zh}”成立，等次却为{a.grade}，而非最低等次{rule.lowest.zh}",
                ev,
                v.id,
            )
        return None
    if a.grade is None or vetoes:
        return None  # quotas decide in a cohort; a veto is the vetoes invariant's business
    steps = sum(f.steps for f in a.fired if f.kind == "downgrade")
    band = _grade_index(rubric, a.band_grade)
    need = min(len(rule.grades) - 1, band + steps)
    got = _grade_index(rubric, a.grade)
    if steps and got < need:
        d = next(f for f in a.fired if f.kind == "downgrade")
        return _ce(
            "downgrades",
            f"downgrade {d.id} ({d.name_en}) fires ({steps} step(s) in all) on a total of "
            f"{_fmt(a.total)} in band {a.band_grade}, yet the grade is {a.grade}, above "
            f"{rule.grades[need].code}",
            f"降级情形“{d.name_zh}”成立（共降{steps}级），总分{_fmt(a.total)}在{a.band_grade}段，"
            f"等次却为{a.grade}，高于{rule.grades[need].code}",
            ev,
            d.id,
        )
    return None


# -- the invariants on a cohort ----------------------------------------------------------------------


def _check_cohort(
    rubric: Rubric, cohort: dict[str, dict[str, Any]], invariant: str
) -> Counterexample | None:
    rule = rubric.grading
    if rule is None:
        return None
    try:
        result = assess_cohort(rubric, cohort)
    except FoodSafetyError as exc:
        return _ce(
            "evidence",
            f"the engine rejects a cohort's evidence: {exc}",
            f"评分引擎拒绝了证据：{exc}",
            cohort,
        )
    n = len(result.assessments)
    lowest = len(rule.grades) - 1
    if invariant == "quotas":
        for q in rule.quotas:
            size = q.size(n)
            holders = [a.subject for a in result.assessments if a.grade == q.grade]
            if len(holders) > size:
                return _ce(
                    "quotas",
                    f"{len(holders)} of {n} subjects hold grade {q.grade} ({', '.join(holders)}), "
                    f"but its quota allows {size}",
                    f"{n}个对象中有{len(holders)}个评为{q.grade}，超过名额{size}个",
                    cohort,
                    f"quota.{q.grade}",
                )
        return None
    for a in result.assessments:
        vetoes = [f for f in a.fired if f.kind == "veto"]
        got = _grade_index(rubric, a.grade)
        if invariant == "vetoes" and vetoes and got != lowest:
            return _ce(
                "vetoes",
                f"in a cohort of {n}, subject {a.subject} is vetoed by {vetoes[0].id} "
                f"({vetoes[0].name_en}) yet graded {a.grade}, not {rule.lowest.code}",
                f"{n}个对象排名中，{a.subject}适用一票否决“{vetoes[0].name_zh}”，等次却为{a.grade}",
                cohort,
                vetoes[0].id,
            )
        if invariant == "downgrades" and not vetoes:
            steps = sum(f.steps for f in a.fired if f.kind == "downgrade")
            if steps:
                need = min(lowest, _grade_index(rubric, a.band_grade) + steps)
                if got < need:
                    d = next(f for f in a.fired if f.kind == "downgrade")
                    return _ce(
                        "downgrades",
                        f"in a cohort of {n}, subject {a.subject} (total {_fmt(a.total)}, band "
                        f"{a.band_grade}) is downgraded by {d.id} ({d.name_en}) yet graded "
                        f"{a.grade}, above {rule.grades[need].code}",
                        f"{n}个对象排名中，{a.subject}（总分{_fmt(a.total)}，{a.band_grade}段）适用降级"
                        f"“{d.name_zh}”，等次却为{a.grade}",
                        cohort,
                        d.id,
                    )
    return None


# -- monotone -------------------------------------------------------------------------------------------


def _monotone_cases(
    rubric: Rubric, specs: dict[str, EvidenceSpec], skip: frozenset[str]
) -> list[tuple[Indicator, str, int]]:
    """(indicator, evidence name it rises with, direction +1/-1) for every checked indicator."""
    out = []
    for ind in rubric.indicators():
        if ind.id in skip:
            continue
        m = ind.method
        if isinstance(m, Rate):
            name = m.evidence if m.evidence is not None else m.numerator
        else:
            name = m.evidence
        assert name is not None
        if name in specs and not specs[name].conflicts:
            out.append((ind, name, -1 if isinstance(m, Deduction) else 1))
    return out


def _check_monotone(
    rubric: Rubric, case: tuple[Indicator, str, int], ev: dict[str, Any], other: Any
) -> Counterexample | None:
    ind, name, direction = case
    m = ind.method
    if isinstance(m, Rate) and m.denominator is not None:
        # A counted rate cannot exceed the whole (the engine refuses it): keep both within.
        whole = math.floor(ev[m.denominator] * max(1.0, m.target))
        other = min(other, whole)
    lo, hi = sorted([ev[name], other])
    if lo == hi:
        return None
    low_ev = {**ev, name: lo}
    high_ev = {**ev, name: hi}
    a = _score(rubric, low_ev)
    b = _score(rubric, high_ev)
    if isinstance(a, Counterexample):
        return a
    if isinstance(b, Counterexample):
        return b
    at_lo = a.line(ind.id).earned
    at_hi = b.line(ind.id).earned
    worse = at_hi < at_lo - _EPS if direction > 0 else at_hi > at_lo + _EPS
    if not worse:
        return None
    more = "more" if direction > 0 else "fewer"
    return _ce(
        "monotone",
        f"indicator {ind.id} ({ind.name_en}) earns {_fmt(at_lo)} points with {name} = {_show(lo)} "
        f"but {_fmt(at_hi)} with {name} = {_show(hi)}: {more} evidence must never earn fewer "
        f"points (list it in non_monotone if that is intended)",
        f"指标“{ind.name_zh}”（{ind.id}）在{name}={_show(lo)}时得{_fmt(at_lo)}分，"
        f"在{name}={_show(hi)}时反而得{_fmt(at_hi)}分",
        {name: lo, f"{name} (higher)": hi},
        ind.id,
    )


# -- reachable ------------------------------------------------------------------------------------------


def _band_probes(m: Bands) -> list[float]:
    edges = sorted(
        {b.min for b in m.bands if b.min is not None}
        | {b.max for b in m.bands if b.max is not None}
    )
    probes = [edges[0] - 1.0, edges[-1] + 1.0]
    for e in edges:
        probes += [e - 1e-9, e, e + 1e-9]
    probes += [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    return sorted(probes)


def _best(ind: Indicator) -> tuple[float, dict[str, Any], str | None]:
    """The most points the indicator can earn, evidence that earns them, and why (if short)."""
    m = ind.method
    if isinstance(m, YesNo):
        return ind.points, {m.evidence: True}, None
    if isinstance(m, Rate):
        if m.evidence is not None:
            return ind.points, {m.evidence: m.target}, None
        assert m.numerator is not None and m.denominator is not None
        return ind.points, {m.numerator: 1, m.denominator: 1}, None
    if isinstance(m, Deduction):
        return ind.points, {m.evidence: 0}, None
    if isinstance(m, CountTarget):
        return ind.points, {m.evidence: math.ceil(m.target)}, None
    if isinstance(m, Manual):
        hi = ind.points if m.max is None else m.max
        why = None if hi >= ind.points else f"the manual score is bounded by max {_fmt(hi)}"
        return hi, {m.evidence: hi}, why
    assert isinstance(m, Bands)
    best_v, best_p = 0.0, -1.0
    for v in _band_probes(m):
        p = m.points_for(v)
        if p > best_p:
            best_v, best_p = v, p
    why = None
    if best_p < ind.points - _EPS:
        full = [b for b in m.bands if b.points >= ind.points - _EPS]
        if full:
            b = full[0]
            i = m.bands.index(b)
            rng = " ".join(
                p
                for p in (
                    f"min {_fmt(b.min)}" if b.min is not None else "",
                    f"max {_fmt(b.max)}" if b.max is not None else "",
                )
                if p
            )
            why = (
                f"band {i + 1} ({rng}, {_fmt(b.points)} points) is never reached: the bands "
                f"listed before it take every value it contains (the first band that contains a "
                f"value wins: list the bands best first)"
            )
        else:
            why = f"no band pays more than {_fmt(best_p)} points"
    return best_p, {m.evidence: best_v}, why


def _baseline(specs: dict[str, EvidenceSpec]) -> dict[str, Any]:
    ev: dict[str, Any] = {}
    for s in specs.values():
        if s.kind == "bool":
            ev[s.name] = False
        elif s.kind == "text":
            ev[s.name] = s.choices[0] if s.choices else ""
        elif s.kind == "count":
            ev[s.name] = max(0, math.ceil(s.low))
        else:
            ev[s.name] = s.low
    return ev


def _check_reachable(
    rubric: Rubric, specs: dict[str, EvidenceSpec], scheme: StarScheme | None = None
) -> Counterexample | None:
    found = list(_unreachable(rubric, specs))
    if scheme is not None:
        for t in scheme.stars:
            if t.min_score > rubric.max_total + _EPS:
                found.append(
                    _ce(
                        "reachable",
                        f"star {t.star.value} needs a total of {_fmt(t.min_score)}, but the "
                        f"highest total is {_fmt(rubric.max_total)}: no office can reach it",
                        f"{t.star.zh}需总分{_fmt(t.min_score)}，但最高只能得{_fmt(rubric.max_total)}分",
                        {},
                        f"stars.{t.star.value}",
                    )
                )
    if not found:
        return None
    first = found[0]
    if len(found) == 1:
        return first
    return attrs.evolve(
        first,
        message=first.message + "".join(f"\n  also: {c.message}" for c in found[1:]),
        message_zh=first.message_zh + "".join(f"\n  另：{c.message_zh}" for c in found[1:]),
    )


def _unreachable(rubric: Rubric, specs: dict[str, EvidenceSpec]) -> Iterator[Counterexample]:
    base = _baseline(specs)
    for ind in rubric.indicators():
        best, ev_part, why = _best(ind)
        if why is not None:
            yield _ce(
                "reachable",
                f"indicator {ind.id} ({ind.name_en}) can never earn its {_fmt(ind.points)} points, "
                f"at most {_fmt(best)}: {why}",
                f"指标“{ind.name_zh}”（{ind.id}）最多得{_fmt(best)}分，永远拿不到满分{_fmt(ind.points)}分",
                {**base, **ev_part},
                ind.id,
            )
            continue
        if ind.mandatory and ind.threshold > best + _EPS:  # pragma: no cover - required <= points
            yield _ce(
                "reachable",
                f"mandatory item {ind.id} can never be met",
                f"必备项{ind.id}无法达标",
                base,
                ind.id,
            )
        ev = {**base, **ev_part}
        a = _score(rubric, ev)
        if isinstance(a, Counterexample):
            yield a
            continue
        got = a.line(ind.id).earned
        if abs(got - best) > _EPS:
            yield _ce(
                "reachable",
                f"indicator {ind.id} ({ind.name_en}) should earn {_fmt(best)} points with "
                f"{_show(ev_part)} but the engine gives {_fmt(got)}",
                f"指标“{ind.name_zh}”（{ind.id}）按{_show(ev_part)}应得{_fmt(best)}分，引擎给出{_fmt(got)}分",
                ev,
                ind.id,
            )
    rule = rubric.grading
    if rule is not None:
        for b in rule.bands:
            if b.min > rubric.max_total + _EPS:
                yield _ce(
                    "reachable",
                    f"grade {b.grade} needs a total of {_fmt(b.min)}, but the highest total is "
                    f"{_fmt(rubric.max_total)} ({_fmt(rubric.max_points)} points + bonus cap "
                    f"{_fmt(rubric.bonus_cap)}): no subject can reach it by score",
                    f"等次{b.grade}需总分{_fmt(b.min)}，但最高只能得{_fmt(rubric.max_total)}分",
                    {},
                    f"bands.{b.grade}",
                )
        for q in rule.quotas:
            if q.min_score is not None and q.min_score > rubric.max_total + _EPS:
                yield _ce(
                    "reachable",
                    f"the quota for grade {q.grade} needs a total of {_fmt(q.min_score)}, above the "
                    f"highest total {_fmt(rubric.max_total)}",
                    f"等次{q.grade}名额要求总分{_fmt(q.min_score)}，高于最高可得分{_fmt(rubric.max_total)}",
                    {},
                    f"quota.{q.grade}",
                )


# -- running ------------------------------------------------------------------------------------------


def _run_monotone(
    rub: Rubric, specs: dict[str, EvidenceSpec], skip: frozenset[str], max_examples: int
) -> InvariantResult:
    cases = _monotone_cases(rub, specs, skip)
    if not cases:
        return InvariantResult("monotone", 0, None)
    one = evidence_for(rub)

    @st.composite
    def pairs(draw: st.DrawFn) -> tuple[int, dict[str, Any], Any]:
        i = draw(st.integers(min_value=0, max_value=len(cases) - 1))
        ev = draw(one)
        other = draw(_value(specs[cases[i][1]]))
        return i, ev, other

    n, ce = _search(pairs(), lambda v: _check_monotone(rub, cases[v[0]], v[1], v[2]), max_examples)
    return InvariantResult("monotone", n, ce)


def _single_grade(rub: Rubric, invariant: str, ev: dict[str, Any]) -> Counterexample | None:
    return _check_single_grade(rub, ev, invariant)


def _cohort(
    rub: Rubric, invariant: str, cohort: dict[str, dict[str, Any]]
) -> Counterexample | None:
    return _check_cohort(rub, cohort, invariant)


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=True,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )


def _search(
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], Counterexample | None],
    max_examples: int,
) -> tuple[int, Counterexample | None]:
    runs = [0]

    def bad(value: Any) -> bool:
        runs[0] += 1
        return check(value) is not None

    try:
        minimal = find(strategy, bad, settings=_settings(max_examples))
    except NoSuchExample:
        return runs[0], None
    return runs[0], check(minimal)


def check_rubric(
    rubric: Rubric | StarScheme,
    *,
    max_examples: int = 50,
    invariants: Iterable[str] | None = None,
    non_monotone: Iterable[str] = (),
    max_cohort: int = 10,
    source: str | None = None,
) -> RubricCheckReport:
    """Run the invariants every rubric must satisfy; report a minimal counterexample per failure.

    Args:
        rubric: the rubric (or a star scheme, whose rubric is checked).
        max_examples: examples per invariant (evidence of one subject, or one cohort).
        invariants: run only these (keys of :data:`INVARIANTS`); default all.
        non_monotone: ids of indicators that are meant to pay less for more evidence (a band
            table with an optimum), left out of the ``monotone`` invariant.
        max_cohort: the largest cohort drawn for the cohort invariants.
        source: the file the rubric came from, named in the report.

    Returns:
        A :class:`RubricCheckReport`; call :meth:`~RubricCheckReport.raise_if_failed` in a test.

    Raises:
        InvalidArgument: bad arguments (unknown invariant, max_examples below 1...).

    Example:
        >>> from foodsafety import presets
        >>> report = check_rubric(presets.rubric("national_annual_2023"), max_examples=10)
        >>> report.ok
        True
    """
    rub = _as_rubric("check_rubric", rubric)
    scheme = rubric if isinstance(rubric, StarScheme) else None
    check_type("check_rubric", "max_examples", max_examples, int)
    if max_examples < 1:
        raise fail("check_rubric", "max_examples", "must be at least 1", max_examples)
    check_type("check_rubric", "max_cohort", max_cohort, int)
    if max_cohort < 1:
        raise fail("check_rubric", "max_cohort", "must be at least 1", max_cohort)
    wanted = tuple(INVARIANTS) if invariants is None else tuple(invariants)
    unknown = [i for i in wanted if i not in INVARIANTS]
    if unknown:
        raise fail("check_rubric", "invariants", f"must be among {', '.join(INVARIANTS)}", unknown)
    skip = frozenset(non_monotone)
    ids = {i.id for i in rub.indicators()}
    if skip - ids:
        raise fail(
            "check_rubric",
            "non_monotone",
            "names indicators the rubric does not have",
            sorted(skip - ids),
        )

    specs = evidence_specs(rub)
    one = evidence_for(rub)
    cohort_size = max_cohort
    results: list[InvariantResult] = []
    for name in INVARIANTS:
        if name not in wanted:
            continue
        if name == "evidence":
            conflict = next((s for s in specs.values() if s.conflicts), None)
            ce = None
            if conflict is not None:
                ce = _ce(
                    "evidence",
                    f"evidence {conflict.name!r} is read as {conflict.kind} by "
                    f"{conflict.readers[0]} but as another kind by {', '.join(conflict.conflicts)}",
                    f"证据项 {conflict.name!r} 被{conflict.readers[0]}和{'、'.join(conflict.conflicts)}按不同类型读取",
                    {},
                    conflict.name,
                )
            results.append(InvariantResult("evidence", len(specs), ce, "evidence names"))
            if ce is not None:
                break  # evidence cannot be drawn consistently: the other searches mean nothing
            continue
        if name == "reachable":
            results.append(
                InvariantResult(
                    "reachable",
                    len(rub.indicators()),
                    _check_reachable(rub, specs, scheme),
                    "indicators",
                )
            )
            continue
        if name == "monotone":
            results.append(_run_monotone(rub, specs, skip, max_examples))
            continue
        if name in ("bounds", "bonus_cap"):
            fn = _check_bounds if name == "bounds" else _check_caps
            n, ce = _search(one, functools.partial(fn, rub), max_examples)
            results.append(InvariantResult(name, n, ce))
            continue
        # vetoes, downgrades, quotas: one subject (when grades need no ranking) and cohorts
        if rub.grading is None or (name == "quotas" and not rub.grading.quotas):
            results.append(InvariantResult(name, 0, None))
            continue
        total = 0
        ce = None
        if name != "quotas":
            single = functools.partial(_single_grade, rub, name)
            n, ce = _search(one, single, max_examples)
            total += n
        if ce is None:
            cohorts = cohort_evidence(rub, min_size=1, max_size=cohort_size)
            many = functools.partial(_cohort, rub, name)
            n, ce = _search(cohorts, many, max(1, max_examples // 2))
            total += n
        results.append(InvariantResult(name, total, ce))
    return RubricCheckReport(
        rubric_id=rub.id, version=rub.version, results=tuple(results), source=source
    )


def check_rubric_file(
    path: str, *, max_examples: int = 50, non_monotone: Iterable[str] = ()
) -> RubricCheckReport:
    """Load a rubric (or star scheme) YAML/JSON file and :func:`check_rubric` it.

    Raises:
        RuleError: the file cannot be loaded (the message starts with ``file:line``), or it
            holds a demonstration scheme, which has no scores to check.
    """
    from foodsafety.rules.loading import load_rule

    rule = load_rule(path)
    if not isinstance(rule, Rubric | StarScheme):
        raise RuleError(
            f"{path}: holds a {type(rule).__name__}, which has no scores to check; "
            "check_rubric takes a rubric or a star scheme",
            code="rule.kind",
            source=str(path),
        )
    return check_rubric(
        rule, max_examples=max_examples, non_monotone=non_monotone, source=str(path)
    )


def run_properties(
    rubric: Rubric | StarScheme, *, max_examples: int = 50, source: str | None = None
) -> RubricCheckReport:
    """What ``foodsafety rubric check FILE --properties`` runs: every invariant of
    :func:`check_rubric`; print ``report.format()`` and exit non-zero unless ``report.ok``."""
    return check_rubric(rubric, max_examples=max_examples, source=source)
