"""examples/county_rules: a county's own check runs from its policy file, and its hypothesis test passes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "examples" / "county_rules"


def test_the_county_rule_runs_from_its_policy_file() -> None:
    proc = subprocess.run(
        [sys.executable, str(HERE / "yellow_card.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    out = proc.stdout
    assert "county_yellow_card" in out.splitlines()[1]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    assert int(counts["yellow_card"]) > 0
    assert int(counts["milestone_missed"]) > 0
    assert "予以黄牌警告" in out


def test_the_county_rule_hypothesis_test_passes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout
