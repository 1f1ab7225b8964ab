"""Benchmark: the columnar responsibility graph against the networkx engine it replaced.

Builds the graph of a synthetic province (Henan: every real county and township, synthetic
officials) and traces random businesses, with two engines measured alternately in one run:

- columnar: :class:`foodsafety.engines.graph.ResponsibilityGraph` (polars and numpy build,
  CSR predecessors) and :class:`foodsafety.engines.tracing.Tracer` on its arrays;
- networkx (the baseline): the engine the columnar graph replaced, kept as the reference of
  the tests (``tests/reference``): a networkx ``MultiDiGraph`` built row by row, and its
  tracer with the business index (``Tracer(graph, index=True)``; the index is timed apart).

The ledger is generated once per size (``foodsafety.samples.province``) and saved as Parquet
(only the columns the graph reads); every measurement then runs in a subprocess of its own
that loads the ledger and the governance and only then builds, so that "RSS added by the
build" is the build's and "peak RSS" is the whole process's (Python, polars, the ledger and
the graph). Trace latency is measured on random businesses: the lazy trace (``trace()``, its
links made when read), and the full trace (``.links`` with every link's rule).

``--tile N`` builds a ledger N times the size of the sample by tiling it: each copy's USCCs,
cadre ids and assignment ids get a prefix (``07`` + the USCC), so keys stay unique; those
USCCs are not valid codes (20 characters, no check character), which the graph does not
check: it builds from frames, without the ledger's validation.

Goals (issue "The whole country", part 3): at 1,000,000 businesses build <= 5 s and peak RSS
<= 600 MB, trace p50 <= 5 us, full trace p50 <= 20 us; at 20,000,000 (``--tile 20``) build
within 10 GB and trace p50 <= 10 us. Not a test: run it by hand, under the big-memory lock
for the large runs:

    python bench/graph.py                                  # 1 M columnar, 100 k both engines
    flock /tmp/bigmem.lock python bench/graph.py --baseline-at-scale   # networkx at 1 M too
    flock /tmp/bigmem.lock python bench/graph.py --tile 20 --rounds 1 --baseline-businesses 0
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = "410000"


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _current_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _p50(values: list[int]) -> float:
    return statistics.median(values) / 1000.0


def _pct(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000.0


# -- children ------------------------------------------------------------------------------


def _generate(out: Path, businesses: int, cadres: int, seed: int) -> None:
    from foodsafety.samples import province

    sample = province(seed, code=PROVINCE, n_businesses=businesses, n_cadres=cadres)
    from foodsafety.engines.graph import GRAPH_COLUMNS

    for table, columns in GRAPH_COLUMNS.items():
        getattr(sample, table).select(columns).write_parquet(out / f"{table}.parquet")
    (out / "meta.json").write_text(json.dumps({"as_of": sample.as_of.isoformat()}))


class _Ledger:
    def __init__(self, businesses: Any, cadres: Any, assignments: Any) -> None:
        self.businesses = businesses
        self.cadres = cadres
        self.assignments = assignments


def _load(data: Path, tile: int) -> _Ledger:
    import polars as pl

    from foodsafety.engines.graph import GRAPH_COLUMNS

    frames = {t: pl.read_parquet(data / f"{t}.parquet") for t in GRAPH_COLUMNS}
    if tile > 1:
        # every copy's keys get a prefix of their own: unique keys, same jurisdictions
        def tiled(table: str, keys: list[str]) -> pl.DataFrame:
            frame = frames[table]
            return pl.concat(
                [
                    frame.with_columns(pl.lit(f"{k:02d}").add(pl.col(c)).alias(c) for c in keys)
                    for k in range(tile)
                ],
                rechunk=True,
            )

        frames = {
            "businesses": tiled("businesses", ["uscc"]),
            "cadres": tiled("cadres", ["cadre_id"]),
            "assignments": tiled("assignments", ["assignment_id", "cadre_id", "uscc"]),
        }
    return _Ledger(frames["businesses"], frames["cadres"], frames["assignments"])


def _watchdog(limit_mb: float) -> None:
    """Stop this process when its RSS passes ``limit_mb`` (the machine is shared)."""
    import threading

    def watch() -> None:
        while True:
            if _current_mb() > limit_mb:
                sys.stderr.write(f"RSS above {limit_mb:,.0f} MB: stopped\n")
                os._exit(3)
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()


def _run(data: Path, engine: str, tile: int, traces: int, seed: int) -> dict[str, Any]:
    import datetime as dt

    from foodsafety.models import JurisdictionTree
    from foodsafety.samples._governance import synthetic_governance

    as_of = dt.date.fromisoformat(json.loads((data / "meta.json").read_text())["as_of"])
    t0 = time.perf_counter()
    ledger = _load(data, tile)
    gov = synthetic_governance(JurisdictionTree.from_registry(PROVINCE, depth="township"))
    load_s = time.perf_counter() - t0
    rng = random.Random(seed)
    usccs = ledger.businesses["uscc"]
    picks = [f"business:{usccs[i]}" for i in rng.sample(range(len(usccs)), traces)]
    del usccs
    gc.collect()
    before = _current_mb()
    peak_before = _peak_mb()
    out: dict[str, Any] = {
        "engine": engine,
        "businesses": ledger.businesses.height,
        "load_s": load_s,
        "rss_before_mb": before,
        "peak_before_mb": peak_before,
    }
    t0 = time.perf_counter()
    if engine == "columnar":
        from foodsafety.engines.graph import ResponsibilityGraph
        from foodsafety.engines.tracing import Tracer

        graph: Any = ResponsibilityGraph.build(gov, ledger)
        out["build_s"] = time.perf_counter() - t0
        out["nodes"], out["edges"] = graph.number_of_nodes(), graph.number_of_edges()
        tracer: Any = Tracer(graph)
    else:
        sys.path.insert(0, str(ROOT))
        from tests.reference.nx_graph import build_graph
        from tests.reference.nx_tracing import Tracer as NxTracer

        graph = build_graph(gov, ledger)
        out["build_s"] = time.perf_counter() - t0
        out["nodes"], out["edges"] = graph.number_of_nodes(), graph.number_of_edges()
        t0 = time.perf_counter()
        tracer = NxTracer(graph, index=True)
        out["index_s"] = time.perf_counter() - t0
    out["peak_after_build_mb"] = _peak_mb()
    out["rss_after_build_mb"] = _current_mb()
    out["added_mb"] = out["peak_after_build_mb"] - max(before, 0.0)
    gc.collect()
    gc.disable()
    clock = time.perf_counter_ns
    first: list[int] = []
    for node in picks:
        t = clock()
        tracer.trace(node, as_of=as_of)
        first.append(clock() - t)
    warm: list[int] = []
    for node in picks:
        t = clock()
        tracer.trace(node, as_of=as_of)
        warm.append(clock() - t)
    full: list[int] = []
    n_links = 0
    for node in picks[: min(len(picks), 20_000)]:
        t = clock()
        links = tracer.trace(node, as_of=as_of).links
        for link in links:
            _ = link.rule
        full.append(clock() - t)
        n_links += len(links)
    gc.enable()
    out.update(
        first_p50=_p50(first),
        first_p99=_pct(first, 0.99),
        warm_p50=_p50(warm),
        warm_p99=_pct(warm, 0.99),
        full_p50=_p50(full),
        full_p99=_pct(full, 0.99),
        links_per_trace=n_links / max(1, len(full)),
        peak_mb=_peak_mb(),
    )
    return out


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"child {' '.join(args)} failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# -- the parent ----------------------------------------------------------------------------


def _line(r: dict[str, Any]) -> str:
    index = f" + index {r['index_s']:.1f} s" if "index_s" in r else ""
    return (
        f"  {r['engine']:<9} build {r['build_s']:6.2f} s{index}; RSS added {r['added_mb']:7,.0f} MB,"
        f" process peak {r['peak_mb']:7,.0f} MB (ledger loaded: {r['rss_before_mb']:,.0f} MB);"
        f" trace p50 {r['first_p50']:.1f} us (warm {r['warm_p50']:.1f}, p99 {r['warm_p99']:.1f});"
        f" full trace p50 {r['full_p50']:.1f} us ({r['links_per_trace']:.0f} links)"
    )


def _median(results: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def _compare(size: int, results: dict[str, list[dict[str, Any]]]) -> None:
    col, nx_ = results.get("columnar", []), results.get("networkx", [])
    if not col:
        return
    print(f"median of {len(col)} round(s) at {size:,} businesses:")
    for engine, rs in (("columnar", col), ("networkx", nx_)):
        if rs:
            print(
                f"  {engine:<9} build {_median(rs, 'build_s'):.2f} s, added "
                f"{_median(rs, 'added_mb'):,.0f} MB, peak {_median(rs, 'peak_mb'):,.0f} MB, "
                f"trace p50 {_median(rs, 'first_p50'):.1f} us, full p50 "
                f"{_median(rs, 'full_p50'):.1f} us"
            )
    if nx_:
        print(
            "  networkx / columnar: "
            + ", ".join(
                f"{label} {_median(nx_, key) / _median(col, key):.1f}x"
                for label, key in (
                    ("build time", "build_s"),
                    ("RSS added", "added_mb"),
                    ("peak RSS", "peak_mb"),
                    ("trace p50", "first_p50"),
                    ("warm trace p50", "warm_p50"),
                    ("full trace p50", "full_p50"),
                )
            )
        )


def main() -> int:
    """Run the benchmark and print the figures; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--businesses", type=int, default=1_000_000)
    parser.add_argument("--cadres", type=int, default=300_000)
    parser.add_argument("--baseline-businesses", type=int, default=100_000)
    parser.add_argument(
        "--baseline-at-scale",
        action="store_true",
        help="also run the networkx engine at --businesses (about 8 GB at 1 M)",
    )
    parser.add_argument("--tile", type=int, default=1, help="tile the ledger this many times")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--traces", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-rss-gb", type=float, default=14.0, help="stop a run whose RSS passes this"
    )
    parser.add_argument("--child", choices=["generate", "run"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="columnar", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "generate":
        _generate(args.data, args.businesses, args.cadres, args.seed)
        print("{}")
        return 0
    if args.child == "run":
        _watchdog(args.max_rss_gb * 1024)
        print(json.dumps(_run(args.data, args.engine, args.tile, args.traces, args.seed)))
        return 0

    print(
        f"python {sys.version.split()[0]}; province {PROVINCE}; {os.cpu_count()} cores",
        flush=True,
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="fs-graph-bench-") as tmp:
        sizes: list[tuple[int, int, list[str]]] = []
        if args.baseline_businesses:
            b = args.baseline_businesses
            sizes.append((b, max(1, b * args.cadres // args.businesses), ["columnar", "networkx"]))
        engines = ["columnar", "networkx"] if args.baseline_at_scale else ["columnar"]
        sizes.append((args.businesses, args.cadres, engines))
        for businesses, cadres, names in sizes:
            data = Path(tmp) / f"n{businesses}"
            data.mkdir()
            t0 = time.perf_counter()
            _child(
                [
                    "--child=generate",
                    f"--data={data}",
                    f"--businesses={businesses}",
                    f"--cadres={cadres}",
                    f"--seed={args.seed}",
                ]
            )
            print(
                f"ledger of {businesses:,} businesses generated ({time.perf_counter() - t0:.0f} s)"
            )
            tile = args.tile if businesses == args.businesses else 1
            results: dict[str, list[dict[str, Any]]] = {}
            for round_ in range(args.rounds):
                # alternate the engines, so that both see the same load on a shared machine
                for engine in names if round_ % 2 == 0 else names[::-1]:
                    r = _child(
                        [
                            "--child=run",
                            f"--data={data}",
                            f"--engine={engine}",
                            f"--tile={tile}",
                            f"--traces={args.traces}",
                            f"--seed={args.seed + round_}",
                            f"--max-rss-gb={args.max_rss_gb}",
                        ]
                    )
                    print(f"round {round_ + 1}, {r['businesses']:,} businesses:")
                    print(_line(r), flush=True)
                    results.setdefault(engine, []).append(r)
            _compare(businesses * tile, results)
            col = results["columnar"]
            n = businesses * tile
            if n >= 10_000_000:
                goals = [
                    ("peak RSS <= 10 GB", _median(col, "peak_mb") <= 10 * 1024),
                    ("trace p50 <= 10 us", _median(col, "first_p50") <= 10),
                ]
            elif n >= 1_000_000:
                goals = [
                    ("build <= 5 s", _median(col, "build_s") <= 5),
                    ("peak RSS <= 600 MB", _median(col, "peak_mb") <= 600),
                    ("trace p50 <= 5 us", _median(col, "first_p50") <= 5),
                    ("full trace p50 <= 20 us", _median(col, "full_p50") <= 20),
                ]
            else:
                goals = []
            for label, met in goals:
                print(f"  goal {label}: {'met' if met else 'NOT met'}")
                ok &= met
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
