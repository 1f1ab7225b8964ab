"""Hypothesis strategies for rubrics and their evidence (used by the scoring property tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from foodsafety.rules.rubric import Rubric

GRADES = [
    {"code": "A", "zh": "A级", "en": "grade A"},
    {"code": "B", "zh": "B级", "en": "grade B"},
    {"code": "C", "zh": "C级", "en": "grade C"},
    {"code": "D", "zh": "D级", "en": "grade D"},
]

points = st.sampled_from([1.0, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0])


@st.composite
def methods(draw: st.DrawFn, ev: str, pts: float) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(["yes_no", "rate", "rate2", "bands", "deduction", "count", "manual"])
    )
    if kind == "yes_no":
        return {"method": "yes_no", "evidence": ev}
    if kind == "rate":
        floor = draw(st.sampled_from([0.0, 0.5, 0.8]))
        return {"method": "rate", "evidence": ev, "floor": floor, "target": 1.0}
    if kind == "rate2":
        return {"method": "rate", "numerator": ev + "_n", "denominator": ev + "_d"}
    if kind == "bands":
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=1, max_size=3, unique=True)))
        shares = sorted(
            draw(
                st.lists(
                    st.sampled_from([0.2, 0.5, 0.7, 1.0]), min_size=len(cuts), max_size=len(cuts)
                )
            )
        )
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
    if kind == "count":
        return {
            "method": "count_target",
            "evidence": ev,
            "target": draw(st.sampled_from([1, 4, 12, 150])),
        }
    return {"method": "manual", "evidence": ev}


@st.composite
def rubrics(draw: st.DrawFn, *, quotas: bool | None = None) -> Rubric:
    """A small random rubric with every scoring method, adjustments and grade rules."""
    n = draw(st.integers(1, 6))
    inds = []
    for i in range(n):
        pts = draw(points)
        inds.append(
            {
                "id": f"i{i}",
                "name_zh": f"指标{i}",
                "name_en": f"indicator {i}",
                "points": pts,
                "method": draw(methods(f"e{i}", pts)),
                "mandatory": draw(st.booleans()),
            }
        )
    split = draw(st.integers(1, n))
    sections: list[dict[str, Any]] = [
        {"id": "s0", "name_zh": "一", "name_en": "one", "children": inds[:split]}
    ]
    if draw(st.booleans()):
        sections[0]["weight"] = draw(st.sampled_from([10.0, 30.0, 50.0]))
    if inds[split:]:
        sections.append({"id": "s1", "name_zh": "二", "name_en": "two", "children": inds[split:]})
    bonuses = [
        {
            "id": f"b{i}",
            "name_zh": f"加分{i}",
            "name_en": f"bonus {i}",
            "evidence": f"bonus{i}",
            "per_unit": draw(st.sampled_from([0.5, 1.0, 2.0])),
            "cap": draw(st.sampled_from([None, 1.0, 2.0])),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    deductions = [
        {
            "id": f"d{i}",
            "name_zh": f"扣分{i}",
            "name_en": f"deduction {i}",
            "evidence": f"minus{i}",
            "per_unit": draw(st.sampled_from([1.0, 3.0])),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    k = draw(st.integers(2, 4))
    grades = GRADES[:k]
    maxp = sum(s.get("weight") or sum(c["points"] for c in s["children"]) for s in sections)
    cuts = sorted(draw(st.lists(st.floats(0, maxp), min_size=k - 1, max_size=k - 1)), reverse=True)
    bands = [{"grade": g["code"], "min": c} for g, c in zip(grades[:-1], cuts, strict=True)]
    use_quota = draw(st.booleans()) if quotas is None else quotas
    quota = []
    if use_quota:
        quota = [
            draw(
                st.sampled_from(
                    [
                        {"grade": "A", "top_n": draw(st.integers(0, 4)), "mode": "grant"},
                        {"grade": "A", "top_percent": 30.0, "mode": "limit"},
                        {"grade": "A", "top_n": 2, "mode": "limit"},
                    ]
                )
            )
        ]
        if k > 2 and draw(st.booleans()):
            quota.append({"grade": "B", "top_n": draw(st.integers(0, 5)), "mode": "limit"})
    data = {
        "id": "random",
        "title_zh": "随机细则",
        "title_en": "random rubric",
        "description": "generated",
        "reference": {"title": "test"},
        "effective": dt.date(2023, 1, 1),
        "sections": sections,
        "bonuses": bonuses,
        "bonus_cap": draw(st.sampled_from([1.0, 3.0])) if bonuses else 0.0,
        "deductions": deductions,
        "deduction_cap": draw(st.sampled_from([None, 5.0])),
        "grading": {
            "grades": grades,
            "bands": bands,
            "quotas": quota,
            "downgrades": [
                {"id": "dg1", "name_zh": "降级", "name_en": "downgrade", "when": {"flag": "dg1"}},
                {
                    "id": "dg2",
                    "name_zh": "降两级",
                    "name_en": "two down",
                    "when": {"op": "ge", "evidence": "dg2", "value": 1},
                    "steps": 2,
                },
            ],
            "vetoes": [
                {"id": "veto", "name_zh": "否决", "name_en": "veto", "when": {"flag": "veto"}}
            ],
            "ties": {"at_boundary": draw(st.sampled_from(["exclude", "subject_order"]))},
        },
    }
    return Rubric.model_validate(data)


@st.composite
def evidence_for(draw: st.DrawFn, rubric: Rubric) -> dict[str, Any]:
    """Valid evidence for every name a rubric reads."""
    ev: dict[str, Any] = {}
    for ind in rubric.indicators():
        m = ind.method
        if m.method == "yes_no":
            ev[m.evidence] = draw(st.booleans())
        elif m.method == "rate":
            if m.evidence is not None:
                ev[m.evidence] = draw(st.floats(0, 1.2))
            else:
                d = draw(st.integers(1, 2000))
                ev[m.numerator] = draw(st.integers(0, d))
                ev[m.denominator] = d
        elif m.method == "bands":
            ev[m.evidence] = draw(st.floats(-10, 120))
        elif m.method in ("deduction", "count_target"):
            ev[m.evidence] = draw(st.integers(0, 200))
        else:
            hi = ind.points if m.max is None else m.max
            ev[m.evidence] = draw(st.floats(m.min, hi))
    for a in (*rubric.bonuses, *rubric.deductions):
        ev[a.evidence] = draw(st.integers(0, 6))
    ev["dg1"] = draw(st.booleans())
    ev["dg2"] = draw(st.integers(0, 1))
    ev["veto"] = draw(st.booleans())
    return ev
