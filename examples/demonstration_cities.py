"""Demonstration cities and counties: three standards, naming, revocation and re-evaluation.

docs/domain.md §10 scenario 5, after seed 001 (Gansu, 2020): evaluate candidates by public
satisfaction (群众满意度), document review (资料评审) and unannounced site checks (明察暗访),
name 15 provincial demonstration cities, and re-evaluate the 15 cities of the second batch,
revoking every title that no longer qualifies (对不再符合标准的一律取消资格). Then seed 000
(Anhui, 2020): a follow-up check (回头看) of the 18 first-batch demonstration counties and the
re-evaluation (复评) of the 5 counties that failed the second batch. The places other than those
the seeds name and all the scores are illustrative; the schemes are the ``demonstration_city``
and ``demonstration_county`` presets.

Run: ``python examples/demonstration_cities.py``
"""

from __future__ import annotations

import datetime as dt

from foodsafety import presets
from foodsafety.engines.offices import evaluate_demonstration, grant_titles, reevaluate
from foodsafety.models.offices import DemonstrationTitle


def ev(satisfaction: float, documents: float, site: float) -> dict[str, float]:
    """Evidence of one city: satisfaction, document-review and site-check scores (of 100)."""
    return {
        "satisfaction_score": satisfaction,
        "document_review_score": documents,
        "site_check_score": site,
    }


#: Candidates of the third batch (2020) and their scores.
CANDIDATES = {
    "城关区": ev(82, 91, 88), "七里河区": ev(79, 86, 84), "西固区": ev(75, 83, 81),
    "安宁区": ev(80, 88, 90), "红古区": ev(72, 81, 80), "永登县": ev(71, 85, 82),
    "皋兰县": ev(74, 80, 83), "榆中县": ev(77, 84, 86), "金川区": ev(81, 90, 87),
    "永昌县": ev(73, 82, 81), "白银区": ev(76, 87, 85), "靖远县": ev(70, 80, 80),
    "秦州区": ev(78, 85, 88), "麦积区": ev(80, 83, 84), "凉州区": ev(75, 89, 82),
    "民勤县": ev(68, 84, 83), "古浪县": ev(74, 76, 81), "临泽县": ev(77, 85, 72),
}  # fmt: skip

#: Holders of the second batch (named 2018) and their re-evaluation scores in 2020.
SECOND_BATCH = {
    "甘州区": ev(83, 90, 89), "高台县": ev(78, 84, 82), "肃州区": ev(80, 88, 86),
    "崆峒区": ev(76, 82, 85), "西峰区": ev(74, 79, 83), "安定区": ev(75, 86, 84),
    "武都区": ev(72, 81, 81), "临夏市": ev(77, 83, 80), "合作市": ev(71, 80, 82),
    "敦煌市": ev(85, 92, 90), "玉门市": ev(73, 82, 86), "华亭市": ev(79, 85, 83),
    "平川区": ev(66, 83, 84), "会宁县": ev(76, 84, 81), "景泰县": ev(78, 87, 85),
}  # fmt: skip


#: Anhui's first-batch demonstration counties (named 2018) and their follow-up scores (回头看).
FIRST_BATCH_COUNTIES = {
    "南陵县": ev(84, 88, 86), "肥西县": ev(86, 90, 88), "长丰县": ev(80, 84, 83),
    "繁昌区": ev(82, 86, 85), "当涂县": ev(79, 83, 81), "含山县": ev(77, 82, 80),
    "和县": ev(78, 85, 84), "郎溪县": ev(81, 87, 86), "广德市": ev(83, 89, 87),
    "绩溪县": ev(85, 88, 90), "黟县": ev(80, 83, 82), "祁门县": ev(76, 81, 81),
    "霍山县": ev(82, 86, 85), "金寨县": ev(74, 84, 82), "舒城县": ev(79, 80, 80),
    "天长市": ev(83, 87, 88), "明光市": ev(78, 78, 83), "凤阳县": ev(81, 85, 84),
}  # fmt: skip

#: The 5 counties that failed the second batch in 2020, and their re-evaluation (复评) scores.
FAILED_SECOND_BATCH = {
    "临泉县": ev(78, 83, 82), "太和县": ev(76, 81, 84), "颍上县": ev(73, 82, 81),
    "阜南县": ev(77, 80, 80), "界首市": ev(79, 86, 79),
}  # fmt: skip


def counties() -> None:
    """Seed 000: follow-up check of 18 first-batch counties, re-evaluation of 5 that failed."""
    scheme = presets.demonstration_scheme("demonstration_county")
    holders = [
        DemonstrationTitle(
            subject=name,
            title_zh=scheme.title_zh,
            level=scheme.level,
            scheme=scheme.id,
            batch=1,
            granted_on=dt.date(2018, 12, 20),
        )
        for name in FIRST_BATCH_COUNTIES
    ]
    check = reevaluate(scheme, holders, FIRST_BATCH_COUNTIES, on=dt.date(2020, 10, 31))
    print(
        f"\n== {scheme.title_zh}: follow-up check (回头看) of {len(holders)} first-batch counties =="
    )
    print(f"kept: {len(check.kept)}, revoked: {len(check.revoked)}")
    for t in check.revoked:
        print(f"revoked {t.subject}: {t.revoked_reason}")
    results = [
        evaluate_demonstration(scheme, e, subject=name) for name, e in FAILED_SECOND_BATCH.items()
    ]
    named = grant_titles(scheme, results, on=dt.date(2020, 12, 28), batch=2)
    print(f"\n== re-evaluation (复评) of {len(results)} counties that failed the second batch ==")
    for r in results:
        verdict = (
            "通过"
            if r.passed
            else "未通过: " + "；".join(s.reason_zh for s in r.standards if not s.passed)
        )
        print(f"{r.subject:<4} {verdict}")
    print(f"named on re-evaluation: {len(named)} of {len(results)}")


def main() -> None:
    scheme = presets.demonstration_scheme("demonstration_city")
    print(f"== {scheme.title_zh}: evaluation of {len(CANDIDATES)} candidates ==")
    results = [evaluate_demonstration(scheme, e, subject=name) for name, e in CANDIDATES.items()]
    for r in results:
        verdict = (
            "达标"
            if r.passed
            else "未达标: " + "；".join(s.reason_zh for s in r.standards if not s.passed)
        )
        print(f"{r.subject:<5} {verdict}")
    titles = grant_titles(scheme, results, on=dt.date(2020, 12, 28), batch=3)
    print(f"named: {len(titles)} of {len(CANDIDATES)}")

    holders = [
        DemonstrationTitle(
            subject=name,
            title_zh=scheme.title_zh,
            level=scheme.level,
            scheme=scheme.id,
            batch=2,
            granted_on=dt.date(2018, 12, 20),
        )
        for name in SECOND_BATCH
    ]
    outcome = reevaluate(scheme, holders, SECOND_BATCH, on=dt.date(2020, 11, 30))
    print(f"\n== re-evaluation of the second batch ({len(holders)} cities) ==")
    print(f"kept: {len(outcome.kept)}, revoked: {len(outcome.revoked)}")
    for t in outcome.revoked:
        print(f"revoked {t.subject} on {t.revoked_on}: {t.revoked_reason}")
    day = dt.date(2021, 1, 1)
    held = [t.subject for t in [*outcome.kept, *outcome.revoked, *titles] if t.held_on(day)]
    print(f"\ntitles held on {day}: {len(held)}")
    counties()


if __name__ == "__main__":
    main()
