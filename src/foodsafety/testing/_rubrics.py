"""Strategies for rubrics (评分细则) and for evidence that fits a given rubric.

:func:`rubrics` draws random well-formed rubrics (every scoring method, nested and weighted
sections, capped bonuses and deductions, score bands, rank quotas, downgrades and vetoes) for
testing the scoring engine itself; every rubric it draws satisfies the invariants of
:func:`foodsafety.testing.check_rubric`. :func:`evidence_for` draws evidence that fits any
rubric (a shipped preset or a rule author's file): each evidence name gets values of the kind
every rule that reads it expects, concentrated on the edges where rules change their mind (the
band limits, the thresholds of conditions), so that a few dozen examples exercise every branch.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any, Literal

import attrs
from hypothesis import strategies as st

from foodsafety.rules.conditions import AllOf, AnyOf, Compare, Condition, CountOf, Flag, Not
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
from foodsafety.testing._common import check_size, check_type, fail

__all__ = [
    "METHODS",
    "EvidenceSpec",
    "cohort_evidence",
    "conditions",
    "evidence_for",
    "evidence_specs",
    "rubrics",
]

#: The scoring methods :func:`rubrics` can use.
METHODS: tuple[str, ...] = ("yes_no", "rate", "bands", "deduction", "count_target", "manual")

Kind = Literal["bool", "number", "count", "text", "unit", "rate", "manual"]


def _merge_kinds(a: str, b: str) -> Any:
    """The kind two readers of one evidence name agree on, or ``None`` when they do not.

    ``unit`` is a bonus or deduction unit: a count or a yes/no (one unit when true).
    """
    if a == b:
        return a
    pair = {a, b}
    if pair == {"count", "number"}:
        return "number"
    if "unit" in pair:
        other = (pair - {"unit"}).pop()
        return other if other in ("bool", "count", "number") else None
    return None


@attrs.frozen(slots=True)
class EvidenceSpec:
    """What one evidence name must hold, as the rules that read it say.

    Attributes:
        name: the evidence name.
        kind: ``bool`` (yes/no), ``number`` (any finite number), ``count`` (a non-negative
            whole number) or ``text``.
        low, high: the range worth drawing from (numbers and counts).
        edges: values where a rule changes its mind (band limits, condition thresholds).
        choices: the values a text evidence is compared with.
        readers: who reads it (indicator, bonus, downgrade and veto ids), for messages.
        conflicts: readers that expect another kind (a rubric error: see ``check_rubric``).
    """

    name: str
    kind: Kind
    low: float = 0.0
    high: float = 1.0
    edges: tuple[float, ...] = ()
    choices: tuple[Any, ...] = ()
    readers: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()


def _method_specs(ind: Indicator) -> Iterator[tuple[str, Kind, float, float, tuple[float, ...]]]:
    m = ind.method
    if isinstance(m, YesNo):
        yield m.evidence, "bool", 0, 1, ()
    elif isinstance(m, Rate):
        if m.evidence is not None:
            # The engine refuses rates above max(1, target): a percentage typed as 97.6.
            yield m.evidence, "rate", 0.0, max(1.0, m.target), (m.floor, m.target)
        else:
            assert m.numerator is not None and m.denominator is not None
            yield m.numerator, "count", 0, 200, ()
            yield m.denominator, "count", 1, 200, ()
    elif isinstance(m, Bands):
        limits = sorted(
            {b.min for b in m.bands if b.min is not None}
            | {b.max for b in m.bands if b.max is not None}
        )
        span = (limits[-1] - limits[0]) if len(limits) > 1 else max(1.0, abs(limits[0]))
        yield m.evidence, "number", limits[0] - span / 2, limits[-1] + span / 2, tuple(limits)
    elif isinstance(m, Deduction):
        enough = math.ceil(ind.points / m.per_occurrence) + 2
        yield m.evidence, "count", 0, enough, ()
    elif isinstance(m, CountTarget):
        yield m.evidence, "count", 0, math.ceil(m.target * 1.5), (m.target,)
    elif isinstance(m, Manual):
        hi = ind.points if m.max is None else m.max
        yield m.evidence, "manual", m.min, hi, (m.min, hi)


def _condition_specs(
    c: Condition,
) -> Iterator[tuple[str, Kind, float, float, tuple[Any, ...], tuple[Any, ...]]]:
    if isinstance(c, Flag):
        yield c.flag, "bool", 0, 1, (), ()
    elif isinstance(c, Compare):
        v = c.value
        if isinstance(v, list):
            kinds = {type(x) for x in v}
            if kinds <= {str}:
                yield c.evidence, "text", 0, 1, (), (*v, "other")
            elif kinds <= {bool}:
                yield c.evidence, "bool", 0, 1, (), ()
            else:
                nums = [
                    float(x) for x in v if isinstance(x, int | float) and not isinstance(x, bool)
                ]
                yield c.evidence, "number", min(nums) - 1, max(nums) + 1, tuple(nums), ()
        elif isinstance(v, bool):
            yield c.evidence, "bool", 0, 1, (), ()
        elif isinstance(v, str):
            yield c.evidence, "text", 0, 1, (), (v, "other")
        else:
            x = float(v)
            kind: Kind = "count" if float(x).is_integer() and x >= 0 else "number"
            yield c.evidence, kind, min(0.0, x - 2), x + 2, (x,), ()
    elif isinstance(c, AllOf):
        for sub in c.all:
            yield from _condition_specs(sub)
    elif isinstance(c, AnyOf):
        for sub in c.any:
            yield from _condition_specs(sub)
    elif isinstance(c, Not):
        yield from _condition_specs(c.not_)
    elif isinstance(c, CountOf):
        for sub in c.count:
            yield from _condition_specs(sub)


def _as_rubric(function: str, rubric: Any) -> Rubric:
    if isinstance(rubric, StarScheme):
        return rubric.rubric
    if not isinstance(rubric, Rubric):
        raise fail(function, "rubric", "must be a Rubric or a StarScheme", type(rubric).__name__)
    return rubric


def evidence_specs(rubric: Rubric | StarScheme) -> dict[str, EvidenceSpec]:
    """What every evidence name of a rubric must hold, by name (computed ``$`` names excluded)."""
    rub = _as_rubric("evidence_specs", rubric)
    found: dict[str, dict[str, Any]] = {}

    def add(
        name: str,
        kind: Kind,
        low: float,
        high: float,
        edges: tuple[Any, ...],
        choices: tuple[Any, ...],
        reader: str,
    ) -> None:
        if name.startswith("$"):
            return
        spec = found.get(name)
        if spec is None:
            found[name] = {
                "name": name,
                "kind": kind,
                "low": low,
                "high": high,
                "edges": list(edges),
                "choices": list(choices),
                "readers": [reader],
                "conflicts": [],
                "counted": kind in ("count", "unit"),
            }
            return
        spec["readers"].append(reader)
        spec["counted"] = spec["counted"] or kind in ("count", "unit")
        merged = _merge_kinds(spec["kind"], kind)
        if merged is None:
            spec["conflicts"].append(f"{reader} ({'count or yes/no' if kind == 'unit' else kind})")
            return
        spec["kind"] = merged
        spec["low"] = min(spec["low"], low)
        spec["high"] = max(spec["high"], high)
        spec["edges"] += [e for e in edges if e not in spec["edges"]]
        spec["choices"] += [c for c in choices if c not in spec["choices"]]

    hard: dict[str, tuple[float, float]] = {}
    for ind in rub.indicators():
        for name, kind, low, high, edges in _method_specs(ind):
            if kind in ("rate", "manual"):
                lo, hi = hard.get(name, (-math.inf, math.inf))
                hard[name] = (max(lo, low), min(hi, high))
            add(
                name,
                "number" if kind in ("rate", "manual") else kind,
                low,
                high,
                edges,
                (),
                f"indicator {ind.id}",
            )
    for kind_name, items in (("bonus", rub.bonuses), ("deduction", rub.deductions)):
        for a in items:
            add(a.evidence, "unit", 0, 6, (), (), f"{kind_name} {a.id}")
            if a.when is not None:
                for name, k, low, high, edges, choices in _condition_specs(a.when):
                    add(name, k, low, high, edges, choices, f"{kind_name} {a.id}")
    if rub.grading is not None:
        for d in rub.grading.downgrades:
            for name, k, low, high, edges, choices in _condition_specs(d.when):
                add(name, k, low, high, edges, choices, f"downgrade {d.id}")
        for v in rub.grading.vetoes:
            for name, k, low, high, edges, choices in _condition_specs(v.when):
                add(name, k, low, high, edges, choices, f"veto {v.id}")
    out = {}
    for name in sorted(found):
        s = found[name]
        kind = "count" if s["kind"] == "unit" else s["kind"]
        low = float(s["low"])
        high = float(max(s["high"], s["low"]))
        if s["counted"]:
            low = max(0.0, low)  # a count or an adjustment unit is never negative
        if name in hard:  # a rate is never negative, a manual score stays within its bounds
            low, high = max(low, hard[name][0]), min(high, hard[name][1])
            if high < low:
                s["conflicts"].append(f"bounds [{hard[name][0]}, {hard[name][1]}]")
                high = low
        out[name] = EvidenceSpec(
            name=name,
            kind=kind,
            low=low,
            high=high,
            edges=tuple(sorted(float(e) for e in s["edges"] if low <= float(e) <= high)),
            choices=tuple(s["choices"]),
            readers=tuple(s["readers"]),
            conflicts=tuple(s["conflicts"]),
        )
    return out


def _value(spec: EvidenceSpec) -> st.SearchStrategy[Any]:
    """Values for one evidence name, the interesting ones (edges) first so they shrink to them."""
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "text":
        return st.sampled_from(spec.choices or ("",))
    if spec.kind == "count":
        top = max(math.ceil(spec.high), int(spec.low))
        bottom = max(0, math.floor(spec.low))
        whole_near = sorted(
            {int(e) + d for e in spec.edges for d in (-1, 0, 1) if bottom <= int(e) + d <= top}
        )
        whole = st.integers(min_value=bottom, max_value=top)
        return st.one_of(whole, st.sampled_from(whole_near)) if whole_near else whole
    lo, hi = spec.low, spec.high
    eps = max(1e-6, (hi - lo) * 1e-6)
    near = sorted({e + d for e in spec.edges for d in (-eps, 0.0, eps) if lo <= e + d <= hi})
    numbers = st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)
    return st.one_of(numbers, st.sampled_from(near)) if near else numbers


def _rate_pairs(rubric: Rubric) -> tuple[tuple[str, str, float], ...]:
    """(numerator, denominator, highest rate the engine accepts) of every counted rate."""
    out = []
    for ind in rubric.indicators():
        m = ind.method
        if isinstance(m, Rate) and m.numerator is not None and m.denominator is not None:
            out.append((m.numerator, m.denominator, max(1.0, m.target)))
    return tuple(out)


@st.composite
def _evidence(
    draw: st.DrawFn,
    specs: tuple[EvidenceSpec, ...],
    fixed: tuple[tuple[str, Any], ...],
    pairs: tuple[tuple[str, str, float], ...] = (),
) -> dict[str, Any]:
    ev: dict[str, Any] = {}
    for spec in specs:
        ev[spec.name] = draw(_value(spec))
    for num, den, limit in pairs:
        # A counted rate cannot exceed the whole: 1755 handled of 1755 sampled at most.
        if isinstance(ev.get(num), int) and isinstance(ev.get(den), int):
            ev[num] = min(ev[num], math.floor(ev[den] * limit))
    ev.update(dict(fixed))
    return ev


def evidence_for(
    rubric: Rubric | StarScheme, *, fixed: dict[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Evidence that fits ``rubric``: a value of the right kind for every name it reads.

    Yes/no evidence gets booleans, counts non-negative whole numbers, rates and bands numbers
    around their floor, target and band limits, manual scores numbers within their bounds,
    conditions values on both sides of their thresholds. Shrinks toward the lowest values
    (``False``, 0, the lowest band).

    Args:
        rubric: a rubric, or a star scheme (its rubric).
        fixed: evidence values to use as given (e.g. ``{"major_accident_covered_up": True}``).

    Raises:
        InvalidArgument: ``rubric`` is not a rubric, or ``fixed`` names evidence it does not read.
    """
    rub = _as_rubric("evidence_for", rubric)
    specs = evidence_specs(rub)
    if fixed is not None:
        check_type("evidence_for", "fixed", fixed, dict)
        unknown = sorted(set(fixed) - set(specs))
        if unknown:
            raise fail(
                "evidence_for",
                "fixed",
                f"names evidence the rubric does not read: {unknown}",
                fixed,
            )
    return _evidence(tuple(specs.values()), tuple(sorted((fixed or {}).items())), _rate_pairs(rub))


def cohort_evidence(
    rubric: Rubric | StarScheme, *, min_size: int = 1, max_size: int = 10
) -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    """Evidence for a cohort of subjects (``s01``, ``s02``...), as :func:`assess_cohort` takes it.

    Subjects often share a total (a tie at a quota boundary is where rank rules go wrong), so
    about half the time a drawn cohort repeats a subject's evidence.
    """
    check_size("cohort_evidence", min_size, max_size, low=1)
    one = evidence_for(rubric)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
        items = draw(st.lists(one, min_size=min_size, max_size=max_size))
        out: dict[str, dict[str, Any]] = {}
        for i, ev in enumerate(items):
            if i and draw(st.booleans()):
                ev = dict(items[draw(st.integers(min_value=0, max_value=i - 1))])
            out[f"s{i + 1:02d}"] = ev
        return out

    return build()


# -- random rubrics -----------------------------------------------------------------------------

_POINTS = (1.0, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0)
_GRADES = (
    {"code": "A", "zh": "A级", "en": "grade A"},
    {"code": "B", "zh": "B级", "en": "grade B"},
    {"code": "C", "zh": "C级", "en": "grade C"},
    {"code": "D", "zh": "D级", "en": "grade D"},
)


@st.composite
def _method(draw: st.DrawFn, kind: str, ev: str, pts: float) -> dict[str, Any]:
    if kind == "yes_no":
        return {"method": "yes_no", "evidence": ev}
    if kind == "rate":
        if draw(st.booleans()):
            floor = draw(st.sampled_from([0.0, 0.5, 0.8]))
            return {
                "method": "rate",
                "evidence": ev,
                "floor": floor,
                "target": draw(st.sampled_from([0.9, 1.0])),
            }
        return {"method": "rate", "numerator": ev + "_done", "denominator": ev + "_all"}
    if kind == "bands":
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=1, max_size=3, unique=True)))
        shares = sorted(
            draw(
                st.lists(
                    st.sampled_from([0.2, 0.5, 0.7]), min_size=len(cuts) - 1, max_size=len(cuts) - 1
                )
            )
        )
        shares.append(1.0)  # the best band pays the indicator's points, so they are reachable
        return {
            "method": "bands",
            "evidence": ev,
            "bands": [
                {"min": float(c), "points": pts * s}
                for c, s in reversed(list(zip(cuts, shares, strict=True)))
            ],
        }
    if kind == "deduction":
        return {
            "method": "deduction",
            "evidence": ev,
            "per_occurrence": draw(st.sampled_from([0.5, 1.0, 2.0])),
            "floor": draw(st.sampled_from([0.0, pts / 2])),
        }
    if kind == "count_target":
        return {
            "method": "count_target",
            "evidence": ev,
            "target": float(draw(st.sampled_from([1, 4, 12, 150]))),
        }
    return {"method": "manual", "evidence": ev}


@st.composite
def conditions(
    draw: st.DrawFn, *, names: tuple[str, ...] = ("flag_a", "flag_b"), depth: int = 2
) -> dict[str, Any]:
    """Conditions of the closed vocabulary (as data): flags, comparisons, all/any/not/count.

    Computed names (``$total``, ``$mandatory_failed``) are used too, as real rubrics do.
    """
    leaf = st.one_of(
        st.sampled_from(names).map(lambda n: {"flag": n}),
        st.builds(
            lambda n, v: {"op": "ge", "evidence": n + "_count", "value": v},
            st.sampled_from(names),
            st.integers(1, 3),
        ),
        st.builds(
            lambda v: {"op": "lt", "evidence": "$total", "value": float(v)}, st.integers(10, 60)
        ),
        st.just({"op": "ge", "evidence": "$mandatory_failed", "value": 1}),
    )
    if depth <= 0 or draw(st.integers(0, 2)) != 0:
        return draw(leaf)
    form = draw(st.sampled_from(["all", "any", "not", "count"]))
    if form == "not":
        return {"not": draw(conditions(names=names, depth=depth - 1))}
    subs = draw(st.lists(conditions(names=names, depth=depth - 1), min_size=1, max_size=3))
    if form == "count":
        return {"count": subs, "at_least": draw(st.integers(0, len(subs)))}
    return {form: subs}


@st.composite
def _rubrics(
    draw: st.DrawFn,
    min_indicators: int,
    max_indicators: int,
    methods: tuple[str, ...],
    grading: bool,
    quotas: bool | None,
    adjustments: bool,
) -> Rubric:
    n = draw(st.integers(min_value=min_indicators, max_value=max_indicators))
    inds = []
    for i in range(n):
        pts = draw(st.sampled_from(_POINTS))
        ind: dict[str, Any] = {
            "id": f"i{i + 1}",
            "name_zh": f"指标{i + 1}",
            "name_en": f"indicator {i + 1}",
            "points": pts,
            "method": draw(_method(draw(st.sampled_from(methods)), f"e{i + 1}", pts)),
        }
        if draw(st.integers(0, 3)) == 0:
            ind["mandatory"] = True
        inds.append(ind)
    split = draw(st.integers(min_value=1, max_value=n))
    first: dict[str, Any] = {
        "id": "s1",
        "name_zh": "第一部分",
        "name_en": "part one",
        "children": inds[:split],
    }
    if draw(st.booleans()):
        first["weight"] = float(draw(st.sampled_from([10, 30, 50])))
    if len(inds[:split]) > 1 and draw(st.booleans()):  # a nested section
        first["children"] = [
            inds[0],
            {"id": "s1a", "name_zh": "分项", "name_en": "sub-part", "children": inds[1:split]},
        ]
    sections = [first]
    if inds[split:]:
        sections.append(
            {"id": "s2", "name_zh": "第二部分", "name_en": "part two", "children": inds[split:]}
        )
    data: dict[str, Any] = {
        "id": "random_rubric",
        "title_zh": "随机评分细则",
        "title_en": "random rubric",
        "description": "drawn by foodsafety.testing.rubrics()",
        "reference": {"title": "foodsafety.testing"},
        "effective": dt.date(2023, 1, 1),
        "sections": sections,
    }
    if adjustments:
        bonuses = [
            {
                "id": f"b{i + 1}",
                "name_zh": f"加分{i + 1}",
                "name_en": f"bonus {i + 1}",
                "evidence": f"bonus{i + 1}",
                "per_unit": draw(st.sampled_from([0.5, 1.0, 2.0])),
                "cap": draw(st.sampled_from([None, 1.0, 2.0])),
            }
            for i in range(draw(st.integers(0, 2)))
        ]
        deductions = [
            {
                "id": f"d{i + 1}",
                "name_zh": f"扣分{i + 1}",
                "name_en": f"deduction {i + 1}",
                "evidence": f"minus{i + 1}",
                "per_unit": draw(st.sampled_from([1.0, 3.0])),
            }
            for i in range(draw(st.integers(0, 2)))
        ]
        data["bonuses"] = bonuses
        data["bonus_cap"] = float(draw(st.sampled_from([1, 3]))) if bonuses else 0.0
        data["deductions"] = deductions
        data["deduction_cap"] = draw(st.sampled_from([None, 5.0]))
    if grading:
        k = draw(st.integers(min_value=2, max_value=4))
        grades = list(_GRADES[:k])
        maxp = float(sum(s.get("weight") or _raw(s) for s in sections))
        cuts = sorted(
            draw(st.lists(st.integers(0, int(maxp)), min_size=k - 1, max_size=k - 1)), reverse=True
        )
        use_quota = draw(st.booleans()) if quotas is None else quotas
        quota: list[dict[str, Any]] = []
        if use_quota:
            quota.append(
                draw(
                    st.sampled_from(
                        [
                            {"grade": "A", "top_n": draw(st.integers(0, 4)), "mode": "grant"},
                            {"grade": "A", "top_percent": 30.0, "mode": "limit"},
                            {"grade": "A", "top_n": 2, "mode": "limit"},
                        ]
                    )
                )
            )
            if k > 2 and draw(st.booleans()):
                quota.append({"grade": "B", "top_n": draw(st.integers(0, 5)), "mode": "limit"})
        data["grading"] = {
            "grades": grades,
            "bands": [
                {"grade": g["code"], "min": float(c)}
                for g, c in zip(grades[:-1], cuts, strict=True)
            ],
            "quotas": quota,
            "downgrades": [
                {
                    "id": f"dg{i + 1}",
                    "name_zh": f"降级情形{i + 1}",
                    "name_en": f"downgrade {i + 1}",
                    "when": draw(conditions(names=(f"dg{i + 1}",), depth=1)),
                    "steps": draw(st.integers(1, 2)),
                }
                for i in range(draw(st.integers(0, 2)))
            ],
            "vetoes": [
                {
                    "id": f"veto{i + 1}",
                    "name_zh": f"一票否决{i + 1}",
                    "name_en": f"veto {i + 1}",
                    "when": draw(conditions(names=(f"veto{i + 1}",), depth=1)),
                }
                for i in range(draw(st.integers(0, 1)))
            ],
            "ties": {"at_boundary": draw(st.sampled_from(["exclude", "subject_order"]))},
        }
    return Rubric.model_validate(data)


def _raw(node: dict[str, Any]) -> float:
    if "children" in node:
        return float(node.get("weight") or sum(_raw(c) for c in node["children"]))
    return float(node["points"])


def rubrics(
    *,
    min_indicators: int = 1,
    max_indicators: int = 6,
    methods: tuple[str, ...] | list[str] | None = None,
    grading: bool = True,
    quotas: bool | None = None,
    adjustments: bool = True,
) -> st.SearchStrategy[Rubric]:
    """Random well-formed rubrics, for testing the scoring engine and tools built on it.

    Each has one or two sections (one possibly weighted, one possibly nested), indicators of
    the chosen scoring methods (some mandatory), capped bonuses and deductions, and a grade
    rule with 2-4 grades, score bands, optional rank quotas, downgrades and vetoes whose
    conditions use the whole closed vocabulary. Every drawn rubric passes
    :func:`~foodsafety.testing.check_rubric`. Shrinks toward one yes/no indicator and two
    grades.

    Args:
        min_indicators, max_indicators: bounds of the number of indicators.
        methods: the scoring methods to use (a subset of :data:`METHODS`); ``None`` for all.
        grading: give the rubric a grade rule.
        quotas: force rank quotas on (``True``) or off (``False``); ``None`` draws.
        adjustments: draw bonus and deduction items.
    """
    check_size(
        "rubrics", min_indicators, max_indicators, low=1, names=("min_indicators", "max_indicators")
    )
    check_type("rubrics", "grading", grading, bool)
    check_type("rubrics", "adjustments", adjustments, bool)
    if quotas is not None:
        check_type("rubrics", "quotas", quotas, bool)
    chosen = METHODS if methods is None else tuple(methods)
    if not chosen or any(m not in METHODS for m in chosen):
        raise fail(
            "rubrics", "methods", f"must be a non-empty subset of {', '.join(METHODS)}", methods
        )
    if quotas and not grading:
        raise fail("rubrics", "quotas", "needs grading=True", quotas)
    return _rubrics(min_indicators, max_indicators, chosen, grading, quotas, adjustments)
