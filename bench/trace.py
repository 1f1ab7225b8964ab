"""Benchmark: tracing responsibility at province scale, against a naive networkx search.

Builds the responsibility graph for a synthetic province (default Henan, 1,000,000 businesses,
300,000 cadres, every real county and township, synthetic officials), then traces random
businesses two ways in the same run:

- fast: :class:`foodsafety.engines.tracing.Tracer` with its business index (built once, timed
  and reported) — the period entry of the business's own few edges plus the memoised chain
  above its township (memoised per jurisdiction and date, each chain composed from its
  parent's);
- naive: :func:`foodsafety.engines.tracing.naive_trace` — a fresh breadth-first search with
  ``networkx.generic_bfs_edges`` over the valid predecessors, from each business (same links);
- textbook: ``networkx.bfs_edges`` over a date-filtered ``subgraph_view`` (a few traces).

It checks that both give the same links on the naive sample, and prints build time, peak RSS,
latency p50/p99 and traces per second, and the speed-up. Goal (issue 5): at least 50x the naive
baseline and p50 under 20 microseconds. Not a test: run it by hand.

    python bench/trace.py                       # 1,000,000 businesses (needs ~8 GB, minutes)
    python bench/trace.py --businesses 100000   # quicker
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from typing import Any


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _pct(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000.0


def _textbook(graph: Any, node: str, as_of: Any) -> list[str]:
    """What one writes with networkx out of the box: filter the edges by date in a view and
    search it. networkx counts the view's nodes on every search, so each call costs O(graph)."""
    import networkx as nx

    from foodsafety.engines.graph import edge_active

    succ = graph.succ
    view = nx.subgraph_view(graph, filter_edge=lambda u, v, k: edge_active(succ[u][v][k], as_of))
    return [u for _, u in nx.bfs_edges(view, node, reverse=True)]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="410000")
    parser.add_argument("--businesses", type=int, default=1_000_000)
    parser.add_argument("--cadres", type=int, default=300_000)
    parser.add_argument("--traces", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=2_000, help="naive traces (slow)")
    parser.add_argument(
        "--textbook", type=int, default=20, help="textbook subgraph_view traces (very slow)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from foodsafety.engines.graph import build_graph
    from foodsafety.engines.tracing import Tracer, naive_trace
    from foodsafety.models import JurisdictionTree
    from foodsafety.samples import province
    from foodsafety.samples._governance import synthetic_governance

    print(f"python {sys.version.split()[0]}; province {args.province}")
    t0 = time.perf_counter()
    sample = province(
        args.seed, code=args.province, n_businesses=args.businesses, n_cadres=args.cadres
    )
    tree = JurisdictionTree.from_registry(args.province, depth="township")
    gov = synthetic_governance(tree)
    print(
        f"sample: {sample.businesses.height:,} businesses, {sample.cadres.height:,} cadres, "
        f"{sample.assignments.height:,} assignments; {len(tree):,} jurisdictions, "
        f"{sum(1 for _ in gov.officials):,} officials  ({time.perf_counter() - t0:.1f} s, "
        f"peak RSS {_rss_mb():,.0f} MB)"
    )
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    graph = build_graph(gov, sample)
    build_s = time.perf_counter() - t0
    rss_after = _rss_mb()
    print(
        f"build: {build_s:.1f} s for {graph.number_of_nodes():,} nodes and "
        f"{graph.number_of_edges():,} edges; peak RSS {rss_after:,.0f} MB "
        f"(+{rss_after - rss_before:,.0f} MB for the graph)"
    )
    as_of = sample.as_of
    rng = random.Random(args.seed)
    usccs = sample.businesses["uscc"].to_list()
    picks = [f"business:{u}" for u in rng.sample(usccs, min(args.traces, len(usccs)))]
    del usccs
    gc.collect()
    gc.disable()

    rss_before = _rss_mb()
    t0 = time.perf_counter()
    tracer = Tracer(graph, index=True)
    index_s = time.perf_counter() - t0
    rss_after = _rss_mb()
    print(
        f"tracer index: {index_s:.1f} s for {len(tracer._index):,} businesses; peak RSS "
        f"{rss_after:,.0f} MB (+{rss_after - rss_before:,.0f} MB)"
    )
    lat: list[int] = []
    clock = time.perf_counter_ns
    t_all = clock()
    for node in picks:
        t = clock()
        tracer.trace(node, as_of=as_of)
        lat.append(clock() - t)
    fast_total = (clock() - t_all) / 1e9
    chains = len(tracer._cache)
    # a second pass: every chain is memoised now
    lat2: list[int] = []
    t_all = clock()
    for node in picks:
        t = clock()
        tracer.trace(node, as_of=as_of)
        lat2.append(clock() - t)
    warm_total = (clock() - t_all) / 1e9
    # materialising full paths (trace.links) costs more: measure it too
    mat: list[int] = []
    for node in picks[: min(len(picks), 20_000)]:
        t = clock()
        _ = tracer.trace(node, as_of=as_of).links
        mat.append(clock() - t)

    naive_picks = picks[: args.naive]
    nlat: list[int] = []
    for node in naive_picks:
        t = clock()
        naive_trace(graph, node, as_of=as_of)
        nlat.append(clock() - t)
    tlat: list[int] = []
    for node in naive_picks[: args.textbook]:
        t = clock()
        _textbook(graph, node, as_of)
        tlat.append(clock() - t)
    gc.enable()
    mismatches = sum(
        list(tracer.trace(node, as_of=as_of).links) != naive_trace(graph, node, as_of=as_of)
        for node in naive_picks[:500]
    )

    n = len(picks)
    naive_mean = statistics.fmean(nlat) / 1000.0
    fast_mean = statistics.fmean(lat) / 1000.0
    warm_mean = statistics.fmean(lat2) / 1000.0
    print(f"traces: {n:,} random businesses on {as_of}; {chains:,} jurisdiction chains memoised")
    print(
        f"  fast, first pass (fills the memo): p50 {_pct(lat, 0.5):.1f} us, "
        f"p99 {_pct(lat, 0.99):.1f} us, mean {fast_mean:.1f} us, {n / fast_total:,.0f} traces/s"
    )
    print(
        f"  fast, memo warm:                   p50 {_pct(lat2, 0.5):.1f} us, "
        f"p99 {_pct(lat2, 0.99):.1f} us, mean {warm_mean:.1f} us, {n / warm_total:,.0f} traces/s"
    )
    print(
        f"  fast + full paths (.links):        p50 {_pct(mat, 0.5):.1f} us, "
        f"p99 {_pct(mat, 0.99):.1f} us ({len(mat):,} traces)"
    )
    print(
        f"  naive networkx BFS:                p50 {_pct(nlat, 0.5):.1f} us, "
        f"p99 {_pct(nlat, 0.99):.1f} us, mean {naive_mean:.1f} us, "
        f"{1e6 / naive_mean:,.0f} traces/s ({len(nlat):,} traces)"
    )
    text_mean = statistics.fmean(tlat) / 1000.0 if tlat else 0.0
    if tlat:
        print(
            f"  textbook networkx (bfs_edges over a date-filtered subgraph_view): "
            f"p50 {_pct(tlat, 0.5):,.0f} us, mean {text_mean:,.0f} us ({len(tlat)} traces); "
            f"fast is {text_mean / fast_mean:,.0f}x faster (mean)"
        )
    print(
        f"speed-up (mean latency, first pass): {naive_mean / fast_mean:,.0f}x; "
        f"p50 ratio {_pct(nlat, 0.5) / _pct(lat, 0.5):,.0f}x; "
        f"with full paths {naive_mean / (statistics.fmean(mat) / 1000.0):,.0f}x"
    )
    print(
        f"same links as the naive search on {min(500, len(naive_picks))} traces: "
        f"{'yes' if mismatches == 0 else f'NO ({mismatches} differ)'}"
    )
    p50_ok = _pct(lat, 0.5) < 20
    fair = naive_mean / fast_mean
    print(
        f"goal p50 < 20 us: {'met' if p50_ok else 'NOT met'}; "
        f">= 50x the fresh local search (mean): {'met' if fair >= 50 else 'NOT met'} ({fair:,.0f}x)"
        + (
            f"; >= 50x the textbook networkx search: "
            f"{'met' if text_mean / fast_mean >= 50 else 'NOT met'}"
            if tlat
            else ""
        )
    )


if __name__ == "__main__":
    main()
