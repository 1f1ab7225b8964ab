"""examples/import_county_ledger.py runs: the county workbook loads, its two typed faults are
located, and the audit finds what the written ledger holds, nothing more."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "import_county_ledger.py"


def test_the_import_example_walks_a_county_workbook_to_the_audit() -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=300, check=True
    )
    out = proc.stdout
    assert "SYNTHETIC" in out
    assert re.search(r"\[包保主体台账\], row 4, 包保主体分级: vocab.unknown", out)
    assert re.search(r"\[包保主体台账\], row 5, 乡镇区划代码: division.length", out)
    assert "(+" in out and "rows lost with them" in out
    m = re.search(r"findings: \{'unpaired': (\d+), 'visit_overdue': (\d+)\}", out)
    assert m is not None and int(m.group(1)) > 0
    assert "findings of the written ledger not in the import: 0" in out
    assert "findings of the import not in the written ledger: 0" in out
