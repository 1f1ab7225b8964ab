"""examples/national_dataset.py runs: a reduced national dataset, audited exactly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "national_dataset.py"


def test_national_dataset_example(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    out = proc.stdout
    assert "SYNTHETIC" in out
    assert "31 partitions" in out and "'businesses': 200000" in out
    assert "audit matches the injected faults exactly: True" in out
    m = re.search(r"findings: ([\d,]+)", out)
    assert m and int(m.group(1).replace(",", "")) > 10_000
    assert re.search(r"most mismatched: \d{6} \d+\.\d+% of [\d,]+ open", out)
