"""The Python snippets of docs/responsibility.md run (on a small sample, files in tmp)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_responsibility_page_snippets_run(tmp_path: Path) -> None:
    text = (ROOT / "docs/responsibility.md").read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```python\n(.*?)```", text, re.S))
    assert "ResponsibilityGraph.build" in code and "to_networkx" in code
    assert "accountability" in code and "write_graphml" in code
    code = code.replace("anyang(seed=0)", "anyang(seed=0, scale=0.05)")
    code = code.replace('"91410526803280931U"', 'sample.businesses["uscc"][0]')
    for name in ("anyang.graphml", "anyang.json", "trace.dot", "trace.png"):
        code = code.replace(f'"{name}"', repr(str(tmp_path / name)))
    namespace: dict[str, object] = {"print": lambda *a, **k: None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "docs/responsibility.md", "exec"), namespace)
    for name in ("anyang.graphml", "anyang.json", "trace.dot", "trace.png"):
        assert (tmp_path / name).stat().st_size > 0
