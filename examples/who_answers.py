"""Scenario 6 (docs/domain.md §10): "Who answers for this business?" on the Anyang sample.

Seed 004: Anyang's mayor personally paired an A-tier food production business, and 4806 cadres
of city, county, township and village pair all 16316 licensed businesses. This example builds
the responsibility graph of the synthetic Anyang-sized sample (synthetic officials, labelled
（合成）), picks an A-tier production business paired by a city-level cadre, and shows:

1. the chain from the business through its cadre, the township, county and city leaders, the
   regulator and the committee, each link with its kind (主体责任, 包保, 属地管理, 党政同责,
   监管, 协调) and level, in Chinese and English;
2. the accountability chain of a major incident there, each link with its rule;
3. the gaps of the whole graph, checked against the pairing audit's ``unpaired`` findings;
4. the trace written as GraphML, node-link JSON, DOT and a PNG picture.

Run: python examples/who_answers.py [OUTPUT_DIR] [--scale 0.2]
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path

from foodsafety.engines.audit import audit
from foodsafety.engines.graph_export import render_trace, write_trace_files
from foodsafety.engines.tracing import Incident, accountability, gaps, trace
from foodsafety.samples import anyang
from foodsafety.samples._governance import sample_graph
from foodsafety.vocab import Severity


def main(argv: list[str]) -> None:
    """Run the scenario; files go to the directory named in ``argv`` or a temporary one."""
    scale = 1.0
    if "--scale" in argv:
        i = argv.index("--scale")
        scale = float(argv[i + 1])
        del argv[i : i + 2]
    out = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="who_answers_"))
    out.mkdir(parents=True, exist_ok=True)

    sample = anyang(seed=0, scale=scale)
    graph = sample_graph(sample, root="410500")
    day = sample.as_of
    print(
        f"Anyang sample: {sample.businesses.height} businesses, {sample.cadres.height} cadres; "
        f"graph of {graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges, "
        f"as of {day}"
    )

    # An A-tier production business paired by a city-level cadre, like the mayor's (seed 004).
    chosen = None
    for row in sample.businesses.filter(
        (sample.businesses["kind"] == "production") & (sample.businesses["tier"] == "A")
    ).iter_rows(named=True):
        t = trace(graph, row["uscc"], as_of=day)
        if any(link.role == "cadre" and link.level.value == "city" for link in t.own):
            chosen = t
            break
    assert chosen is not None, "the sample has an A-tier production business with a city cadre"

    print("\n== 谁对这家企业负责？ ==")
    print(chosen.explain("zh"))
    print("\n== Who answers (English, without paths) ==")
    for i, link in enumerate(chosen.links, start=1):
        level = link.level.en if link.level else ""
        print(f"{i:2d}. {link.kind.en:42s} {level:9s} {link.name}")
    counts = Counter((link.kind.zh, link.level.zh if link.level else "") for link in chosen)
    print("\nlinks by kind and level:", dict(sorted(counts.items())))

    print("\n== 问责链条（较重事件） ==")
    incident = Incident(
        chosen.subject, day, Severity.MAJOR, "合成示例：抽检不合格引发的食品安全事件"
    )
    review = accountability(graph, incident)
    print(review.explain("zh"))

    print("\n== Gaps ==")
    found = gaps(graph, as_of=day)
    print("gaps by code:", dict(sorted(Counter(g.code for g in found).items())))
    result = audit(sample.ledger(), sample.policy, as_of=day)
    for code in ("unpaired", "director_missing"):
        by_audit = set(result.keys(code))
        by_graph = {g.key for g in found if g.code == code}
        print(
            f"{code}: graph {len(by_graph)}, audit {len(by_audit)}, "
            f"same businesses: {by_graph == by_audit}"
        )

    files = write_trace_files(graph, [chosen], out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no CJK font: labels fall back to English
        files.append(render_trace(graph, chosen, out / "trace.png", lang="zh"))
    print("\nwritten:")
    for f in files:
        print(f"  {f}")


if __name__ == "__main__":
    main(sys.argv[1:])
