"""Benchmark: ``load_ledger`` at province scale against a raw polars read of the same files.

Generates a **synthetic** province (``foodsafety.samples.province``: 1,000,000 businesses and
300,000 cadres by default, a year of visits and routine records, about 12 million rows in
all), writes it with ``write_parquet`` and ``write_csv``, then times, each phase in a fresh
subprocess so that peak RSS (``ru_maxrss``) is the phase's own:

- ``raw``: ``polars.read_parquet`` / ``polars.read_csv(infer_schema=False)`` of the six files
  (the baseline: reading without a single check);
- ``load``: ``load_ledger`` of the same folder, every row checked, ``as_of`` the sample's;
- with ``--compare SRC``, ``load`` again with another checkout's ``src`` folder first on
  ``sys.path`` (the code before a change), so that old and new are measured in one run.

The phases alternate (raw, load, [compare] for Parquet, then for CSV; ``--rounds`` times)
so that a neighbour's load on the machine falls on all of them alike; the figures reported
are each phase's median, wall and CPU time (a busy neighbour stretches wall time more). Each load prints its kept rows and problems by code, and a hash of
its kept tables: a ``--compare`` load must keep the very same rows and report the same
problems. Goals: ``load`` at most 3x ``raw`` for each format, peak RSS at most 1.5 GB (the
script exits 1 when one is missed).

Usage: ``python bench/load_scale.py [--businesses 1000000] [--cadres 300000] [--rounds 1]
[--work DIR] [--compare /path/to/other/checkout/src]`` (a kept ``--work`` directory is
reused: the files are generated once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _phases import emit, rss_mb, run_phase

TIME_GOAL = 3.0
RSS_GOAL_GB = 1.5
FORMATS = ("parquet", "csv")


# -- phases (each runs in a fresh interpreter) --------------------------------------------


def phase_generate(work: Path, n_b: int, n_c: int) -> None:
    from foodsafety.ledger import write_csv, write_parquet
    from foodsafety.samples import province

    t0 = time.perf_counter()
    sample = province(seed=0, n_businesses=n_b, n_cadres=n_c)
    ledger = sample.ledger()
    t_gen = time.perf_counter() - t0
    write_parquet(ledger, work / "parquet")
    write_csv(ledger, work / "csv")
    (work / "meta.json").write_text(json.dumps({"as_of": sample.as_of.isoformat()}))
    emit(generate_s=t_gen, rows=ledger.counts())


def phase_raw(work: Path, fmt: str) -> None:
    import polars as pl

    files = sorted((work / fmt).iterdir())
    t0, c0 = time.perf_counter(), time.process_time()
    rows = 0
    for f in files:
        frame = pl.read_parquet(f) if fmt == "parquet" else pl.read_csv(f, infer_schema=False)
        rows += frame.height
        del frame
    emit(wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0, rows=rows)


def phase_load(work: Path, fmt: str) -> None:
    import polars as pl

    import foodsafety
    from foodsafety.ledger import load_ledger

    as_of = dt.date.fromisoformat(json.loads((work / "meta.json").read_text())["as_of"])
    t0, c0 = time.perf_counter(), time.process_time()
    ledger, report = load_ledger(work / fmt, as_of=as_of)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = round(rss_mb(), 1)  # the load's peak, before the fingerprint below
    # what was kept, to compare two loads by: a hash of each table's rows (same seed)
    kept = {t: int(f.hash_rows(seed=1).cast(pl.UInt64).sum()) for t, f in ledger.tables.items()}
    emit(
        wall_s=wall,
        cpu_s=cpu,
        rss_mb=rss,
        rows=ledger.counts(),
        by_code=report.counts(),
        kept=kept,
        code=str(Path(foodsafety.__file__).parent),
    )


# -- driver ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=1_000_000)
    parser.add_argument("--cadres", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="keep the generated files here")
    parser.add_argument(
        "--compare", default=None, help="another checkout's src folder, loaded in the same run"
    )
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, work, *rest = args.phase
        if name == "generate":
            phase_generate(Path(work), int(rest[0]), int(rest[1]))
        elif name == "raw":
            phase_raw(Path(work), rest[0])
        else:
            phase_load(Path(work), rest[0])
        return 0

    tmp = tempfile.TemporaryDirectory(prefix="foodsafety-load-bench-")
    work = (args.work or Path(tmp.name)) / f"b{args.businesses}-c{args.cadres}"
    work.mkdir(parents=True, exist_ok=True)
    w = str(work)
    print(
        f"synthetic province: {args.businesses:,} businesses, {args.cadres:,} cadres (work {work})",
        flush=True,
    )
    done = work / "generate.done.json"
    if not done.exists():
        done.write_text(
            json.dumps(
                run_phase(
                    __file__, "--phase", "generate", w, str(args.businesses), str(args.cadres)
                )
            )
        )
    gen = json.loads(done.read_text())
    print(f"  rows {gen['rows']} = {sum(gen['rows'].values()):,}", flush=True)

    kinds = ["raw", "load"] + (["compare"] if args.compare else [])
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for i in range(args.rounds):
        for fmt in FORMATS:
            for kind in kinds:
                src = args.compare if kind == "compare" else None
                r = run_phase(
                    __file__, "--phase", "raw" if kind == "raw" else "load", w, fmt, src=src
                )
                runs.setdefault((fmt, kind), []).append(r)
                extra = f", problems {r['by_code']}" if kind != "raw" else ""
                print(
                    f"  round {i + 1} {fmt:<7} {kind:<7}: {r['wall_s']:6.1f} s "
                    f"(cpu {r['cpu_s']:6.1f} s), "
                    f"peak RSS {r['rss_mb']:6.0f} MiB{extra}",
                    flush=True,
                )

    ok = True
    print(
        f"\n{'format':<8} {'phase':<30} {'wall s':>8} {'x raw':>7} {'cpu s':>8} {'x raw':>7} "
        f"{'RSS MiB':>8}"
    )
    for fmt in FORMATS:
        raw = statistics.median(r["wall_s"] for r in runs[fmt, "raw"])
        raw_cpu = statistics.median(r["cpu_s"] for r in runs[fmt, "raw"])
        for kind in kinds:
            wall = statistics.median(r["wall_s"] for r in runs[fmt, kind])
            cpu = statistics.median(r["cpu_s"] for r in runs[fmt, kind])
            rss = max(r["rss_mb"] for r in runs[fmt, kind])
            label = {
                "raw": f"polars.read_{fmt}",
                "load": "load_ledger",
                "compare": "load_ledger (--compare)",
            }
            print(
                f"{fmt:<8} {label[kind]:<30} {wall:>8.1f} {wall / raw:>6.2f}x {cpu:>8.1f} "
                f"{cpu / raw_cpu:>6.2f}x {rss:>8.0f}"
            )
        load = runs[fmt, "load"]
        ratio = statistics.median(r["wall_s"] for r in load) / raw
        rss_gb = max(r["rss_mb"] for r in load) * 2**20 / 1e9
        t_ok, m_ok = ratio <= TIME_GOAL, rss_gb <= RSS_GOAL_GB
        ok = ok and t_ok and m_ok
        print(
            f"    load_ledger {ratio:.2f}x the raw read, goal <= {TIME_GOAL}x: "
            f"{'met' if t_ok else 'MISSED'}; peak RSS {rss_gb:.2f} GB, goal <= "
            f"{RSS_GOAL_GB} GB: {'met' if m_ok else 'MISSED'}"
        )
        if args.compare:
            old = statistics.median(r["wall_s"] for r in runs[fmt, "compare"])
            old_cpu = statistics.median(r["cpu_s"] for r in runs[fmt, "compare"])
            new_cpu = statistics.median(r["cpu_s"] for r in load)
            same = all(
                (r["kept"], r["by_code"], r["rows"])
                == (load[0]["kept"], load[0]["by_code"], load[0]["rows"])
                for r in runs[fmt, "compare"] + load
            )
            ok = ok and same
            print(
                f"    against --compare ({runs[fmt, 'compare'][0]['code']}): "
                f"{old / statistics.median(r['wall_s'] for r in load):.2f}x faster (cpu "
                f"{old_cpu / new_cpu:.2f}x); kept rows "
                f"and problems {'the same' if same else 'DIFFERENT'}"
            )
    print(
        f"\nload average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus; each phase "
        "in its own process, RSS its ru_maxrss (a load's: before its fingerprint is taken)"
    )
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
