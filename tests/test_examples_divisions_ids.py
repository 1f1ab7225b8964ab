"""The divisions-and-identifiers example runs and prints the real Anyang figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_example_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples/divisions_and_ids.py")],
        check=True,
        capture_output=True,
        text=True,
    )
    out = result.stdout
    assert "registry edition 2025-12-31" in out
    assert "安阳市 410500: 9 county-level units" in out
    assert "410581 林州市 (县级市)" in out
    assert "铜冶镇 > 铜冶村" in out
    assert "莱芜市" in out
    assert "bad USCC (checksum)" in out
    assert "SC: 饮料" in out
