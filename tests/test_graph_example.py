"""The scenario-6 example runs on the Anyang sample and its GraphML opens with networkx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]


def test_who_answers_example(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples/who_answers.py"), str(tmp_path), "--scale", "0.2"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout
    assert "谁对这家企业负责" in out
    for label in ("主体责任", "包保责任", "属地管理责任", "党政同责", "监管责任", "综合协调"):
        assert label in out
    assert "安阳市长（合成）" in out
    assert "责任追究链条（追至县级）" in out
    assert "unpaired: graph" in out and "same businesses: True" in out
    assert "same businesses: False" not in out
    g = nx.read_graphml(tmp_path / "trace.graphml")
    kinds = {d["kind"] for *_, d in g.edges(data=True)}
    assert kinds == {
        "primary",
        "pairing",
        "territorial",
        "party_government",
        "portfolio",
        "regulatory",
        "coordination",
    }
    business = next(n for n, d in g.nodes(data=True) if d["type"] == "business")
    assert g.out_degree(business) == 0
    assert nx.is_directed_acyclic_graph(g)
    assert (tmp_path / "trace.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "trace.dot").read_text(encoding="utf-8").startswith("digraph")
