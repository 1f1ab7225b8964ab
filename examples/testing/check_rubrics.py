"""Check a shipped rubric and a deliberately broken one (docs/testing-your-rules.md).

Run: python examples/testing/check_rubrics.py
"""

from __future__ import annotations

from pathlib import Path

from foodsafety import presets
from foodsafety.engines.scoring import score
from foodsafety.rules import load_rubric
from foodsafety.testing import check_rubric, check_rubric_file

HERE = Path(__file__).parent

# 1. The national-style annual assessment shipped with the package: every invariant holds.
report = check_rubric(presets.load("national_annual_2023"), max_examples=25)  # type: ignore[arg-type]
print(report.format())
print()

# 2. A rubric with two planted mistakes: the check finds them and shows the evidence.
broken = check_rubric_file(str(HERE / "broken_rubric.yaml"), max_examples=25)
print(broken.format())
print()

# 3. The counterexample is real: with perfect coverage the indicator still earns 6 of 10.
ce = broken.result("reachable").counterexample
assert ce is not None
rubric = load_rubric(HERE / "broken_rubric.yaml")
best = score(rubric, {**ce.evidence, "pairing_coverage": 1.0})
print(f"coverage 100%: {best.line('coverage').reason_en}")
