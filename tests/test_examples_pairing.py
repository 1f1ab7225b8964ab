"""examples/anyang_pairing.py (scenario 1) runs and prints the seed's numbers and the audit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "anyang_pairing.py"


def test_anyang_pairing_example_reproduces_scenario_1() -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=300, check=True
    )
    out = proc.stdout
    assert "SYNTHETIC" in out
    assert "businesses 16316 = catering 6234 + operating 9714 + production 368" in out
    assert re.search(r"cadres 4806 = city \d+ \+ county \d+ \+ township \d+ \+ village \d+", out)
    # the pledge due date of seed 004 (16 December) decides whether pledges are missing
    assert "as of 2022-12-15: missing pledges 0" in out
    m = re.search(
        r"missing pledges\s+(\d+) city=(\d+) county=(\d+) township=(\d+) village=(\d+)", out
    )
    assert m is not None
    total, city, county, township, village = map(int, m.groups())
    assert total > 0 and city == county == 0 and township + village == total
    for line in ("coverage", "tier/level mismatch", "overdue visits", "open problems"):
        assert line in out
    assert "滑县" in out and "Per county" in out
    assert "audit matches the injected faults exactly: True" in out
