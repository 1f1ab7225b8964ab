"""Benchmark: score 100,000 subjects against the national-style preset, batch vs loop.

Scores the same synthetic evidence two ways: the vectorised batch path
(:func:`foodsafety.engines.scoring.score_frame`, polars) and a Python loop of
:func:`foodsafety.engines.scoring.score`; prints subjects per second for both and their ratio.
Goal: the batch path at least 100,000 subjects/s on this machine. Not a test.

Run: ``python bench/scoring.py [N] [--loop-sample M]``; the loop scores M subjects (default: all
N) so that a quick run can extrapolate its rate.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

import polars as pl

from foodsafety import presets
from foodsafety.engines.scoring import rank_frame, score, score_frame


def evidence(rng: random.Random) -> dict[str, Any]:
    batches = rng.randint(500, 5000)
    return {
        "letters_signed": rng.random() < 0.97,
        "duty_lists_issued": rng.random() < 0.8,
        "committee_meetings": rng.randint(0, 5),
        "leader_inspections": rng.randint(0, 8),
        "sampling_batches": batches,
        "sampling_handled_on_time": batches - rng.randint(0, 50),
        "sampling_per_thousand": rng.uniform(1, 6),
        "pairing_coverage": rng.uniform(0.7, 1.0),
        "overdue_findings": rng.randint(0, 12),
        "workshop_upgrade_rate": rng.uniform(0.5, 1.0),
        "insured_businesses": rng.randint(0, 300),
        "publicity_events": rng.randint(0, 40),
        "satisfaction_score": rng.uniform(55, 95),
        "site_review_score": rng.uniform(5, 15),
        "innovations_promoted": rng.randint(0, 3),
        "holds_demonstration_title": rng.random() < 0.3,
        "criticised_notices": rng.randint(0, 2),
        "incidents": rng.randint(0, 2),
        "serious_incident_mishandled": rng.random() < 0.03,
        "unrectified_prior_findings": rng.randint(0, 1),
        "major_accident_covered_up": rng.random() < 0.005,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--loop-sample", type=int, default=None)
    args = parser.parse_args()
    n: int = args.n
    m: int = args.loop_sample or n
    rubric = presets.rubric("national_annual_2023")
    rng = random.Random(7)
    rows = [{"subject": f"s{i:06d}", **evidence(rng)} for i in range(n)]
    frame = pl.DataFrame(rows)

    score_frame(rubric, frame.head(100))  # warm-up (compiles nothing, but imports and caches)
    t0 = time.perf_counter()
    out = score_frame(rubric, frame)
    batch_s = time.perf_counter() - t0
    assert out.height == n

    t0 = time.perf_counter()
    ranked = rank_frame(rubric, frame)
    rank_s = time.perf_counter() - t0
    assert ranked.height == n

    t0 = time.perf_counter()
    totals = [score(rubric, r, subject=r["subject"]).total for r in rows[:m]]
    loop_s = time.perf_counter() - t0

    # Both paths must agree.
    diff = max(abs(a - b) for a, b in zip(totals, out["total"].to_list()[:m], strict=True))
    batch_rate = n / batch_s
    loop_rate = m / loop_s
    print(f"subjects: {n:,} (loop over {m:,})")
    print(f"batch score_frame: {batch_s:8.3f} s  {batch_rate:12,.0f} subjects/s")
    print(
        f"batch rank_frame:  {rank_s:8.3f} s  {n / rank_s:12,.0f} subjects/s (score, rank, grade)"
    )
    print(f"loop of score():   {loop_s:8.3f} s  {loop_rate:12,.0f} subjects/s")
    print(f"ratio batch/loop:  {batch_rate / loop_rate:8.1f}x")
    print(
        f"goal >= 100,000 subjects/s for the batch path: {'met' if batch_rate >= 1e5 else 'NOT met'}"
    )
    print(f"max |total difference| between paths: {diff:.2e}")


if __name__ == "__main__":
    main()
