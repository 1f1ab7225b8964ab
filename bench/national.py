"""Benchmark: auditing a partitioned national ledger, against a hand-written polars anchor.

Makes a **synthetic** national dataset once (``foodsafety.samples.sample_dataset``: every
province's real townships, one partition per province, generated and written one partition
at a time) and reuses it from ``--workdir``. Then, each phase in its own interpreter so that
peak RSS (``ru_maxrss``) is per phase, alternating so that machine noise hits both alike:

- anchor: ``bench/national_anchor.py``, a hand-written polars script (six checks, streaming
  engine) over the same files;
- dataset: ``audit_dataset`` (every check), in-process (one partition at a time) and with a
  ``ProcessPoolExecutor`` of ``--workers`` processes; its findings are checked against the
  injected faults, exactly;
- ``--whole``: ``audit`` on the whole ledger in memory, and the dataset audit of the same
  ledger (the 1 M comparison: 4 partitions, by default the provinces 41-44).

``--growth 1,2,5,10,20`` runs the dataset audit at each size (millions of businesses, cadres
in the national ratio of 1 per 8; 3 per 20 below 2 M, where the smallest provinces would get
too few city cadres for the load cap) and prints a table; ``--plot FILE`` draws it on log-log
axes.

Goals (issue "The whole country"): at 20 M businesses and 2.5 M cadres, peak RSS at most
6 GB and time at most the anchor's; at 1 M in 4 partitions, at most 1.2x the in-memory
audit's time and 0.5x its peak RSS.

Usage: ``python bench/national.py [--businesses 20000000] [--cadres 2500000] [--workers 2]
[--workdir /tmp/foodsafety-national] [--whole] [--growth 1,2,5,10,20] [--plot FILE]``
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

from _phases import emit, rss_mb, run_phase

HERE = Path(__file__).resolve().parent
RATIO = 8  # businesses per cadre: 20 M / 2.5 M
FOUR = ("410000", "420000", "430000", "440000")


# -- phases (each runs in a fresh interpreter) --------------------------------------------


def phase_generate(folder: Path, n_b: int, n_c: int, codes: str) -> None:
    from foodsafety.samples import sample_dataset

    t0 = time.perf_counter()
    sample_dataset(
        folder,
        codes=codes.split(",") if codes else None,
        n_businesses=n_b,
        n_cadres=n_c,
        partition_by="province",
        overwrite=True,
    )
    emit(phase="generate", seconds=round(time.perf_counter() - t0, 1))


def phase_dataset(folder: Path, workers: int) -> None:
    import datetime as dt
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from foodsafety.engines.audit import audit_dataset
    from foodsafety.ledger.dataset import open_dataset
    from foodsafety.presets import pairing_policy

    ds = open_dataset(folder)
    policy = pairing_policy("anyang_2022")
    as_of = dt.date(2023, 1, 1)
    t0 = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            result = audit_dataset(ds, policy, as_of, executor=pool)
    else:
        result = audit_dataset(ds, policy, as_of)
    seconds = time.perf_counter() - t0
    from foodsafety.samples import sample_faults

    faults = sample_faults(folder)
    wrong = {k: len(result.keys(k) ^ v) for k, v in faults.items() if result.keys(k) != v}
    emit(
        phase=f"dataset x{workers}",
        seconds=round(seconds, 2),
        findings=len(result),
        exact=not wrong,
        wrong=wrong,
        rss_mb=round(rss_mb(), 1),
        workers_rss_mb=round(rss_mb(resource.RUSAGE_CHILDREN), 1),
    )


def phase_whole(folder: Path) -> None:
    import datetime as dt

    from foodsafety.engines.audit import audit
    from foodsafety.ledger.dataset import open_dataset
    from foodsafety.presets import pairing_policy

    ledger = open_dataset(folder).ledger()
    policy = pairing_policy("anyang_2022")
    t0 = time.perf_counter()
    result = audit(ledger, policy, dt.date(2023, 1, 1))
    emit(phase="whole", seconds=round(time.perf_counter() - t0, 2), findings=len(result))


# -- driver -------------------------------------------------------------------------------


def _phase(name: str, *args: str) -> dict[str, Any]:
    return run_phase(__file__, "--phase", name, *args, echo=True)


def _dataset(work: Path, n_b: int, n_c: int, codes: str = "") -> Path:
    folder = work / f"national-{n_b}-{n_c}{'-' + codes.replace(',', '_') if codes else ''}"
    if not (folder / "foodsafety-dataset.json").is_file():
        print(f"generating {folder} ...", flush=True)
        _phase("generate", str(folder), str(n_b), str(n_c), codes)
    return folder


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: r["seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase")
    parser.add_argument("args", nargs="*")
    parser.add_argument("--businesses", type=int, default=20_000_000)
    parser.add_argument("--cadres", type=int, default=2_500_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/foodsafety-national"))
    parser.add_argument("--whole", action="store_true")
    parser.add_argument("--growth")
    parser.add_argument("--plot", type=Path)
    opts = parser.parse_args()
    if opts.phase:
        a = opts.args
        if opts.phase == "generate":
            phase_generate(Path(a[0]), int(a[1]), int(a[2]), a[3] if len(a) > 3 else "")
        elif opts.phase == "dataset":
            phase_dataset(Path(a[0]), int(a[1]))
        elif opts.phase == "whole":
            phase_whole(Path(a[0]))
        return 0
    opts.workdir.mkdir(parents=True, exist_ok=True)
    ok = True
    if opts.whole:
        folder = _dataset(opts.workdir, opts.businesses, opts.cadres, ",".join(FOUR))
        whole, part = [], []
        for _ in range(opts.repeat):
            whole.append(_phase("whole", str(folder)))
            part.append(_phase("dataset", str(folder), str(opts.workers)))
        w, p = _best(whole), _best(part)
        rss = p["rss_mb"] + (p["workers_rss_mb"] * opts.workers if opts.workers > 1 else 0)
        print(
            f"{opts.businesses:,} businesses in 4 partitions: dataset audit {p['seconds']} s, "
            f"whole-ledger audit {w['seconds']} s: time {p['seconds'] / w['seconds']:.2f}x "
            f"(goal <= 1.2x); peak RSS {rss:.0f} vs {w['rss_mb']:.0f} MB: "
            f"{rss / w['rss_mb']:.2f}x (goal <= 0.5x); exact: {p['exact']}"
        )
        ok &= p["exact"] and p["seconds"] <= 1.2 * w["seconds"] and rss <= 0.5 * w["rss_mb"]
    elif opts.growth:
        rows = []
        for millions in [float(x) for x in opts.growth.split(",")]:
            n_b = int(millions * 1_000_000)
            # below 2 M the smallest provinces get too few city cadres for the cap at 1 per 8
            n_c = n_b // RATIO if n_b >= 2_000_000 else n_b * 3 // 20
            folder = _dataset(opts.workdir, n_b, n_c)
            p = _best(
                [_phase("dataset", str(folder), str(opts.workers)) for _ in range(opts.repeat)]
            )
            rows.append((n_b, p["seconds"], p["rss_mb"], p["workers_rss_mb"], p["exact"]))
        print("| businesses | seconds | driver RSS (MB) | worker peak RSS (MB) | exact |")
        print("|---:|---:|---:|---:|:--:|")
        for n_b, s, r, wr, ex in rows:
            print(f"| {n_b:,} | {s} | {r:.0f} | {wr:.0f} | {'yes' if ex else 'NO'} |")
        if opts.plot:
            _plot(rows, opts.plot)
    else:
        folder = _dataset(opts.workdir, opts.businesses, opts.cadres)
        anchor, part = [], []
        for _ in range(opts.repeat):
            anchor.append(run_phase(HERE / "national_anchor.py", str(folder), echo=True))
            part.append(_phase("dataset", str(folder), str(opts.workers)))
        a, p = _best(anchor), _best(part)
        rss = p["rss_mb"] + (p["workers_rss_mb"] * opts.workers if opts.workers > 1 else 0)
        print(
            f"{opts.businesses:,} businesses, {opts.cadres:,} cadres: dataset audit "
            f"{p['seconds']} s with {opts.workers} worker(s), anchor {a['seconds']} s: "
            f"{p['seconds'] / a['seconds']:.2f}x (goal <= 1x); peak RSS {rss:.0f} MB "
            f"(driver {p['rss_mb']:.0f} + {opts.workers} x worker {p['workers_rss_mb']:.0f}; "
            f"goal <= 6144), anchor {a['rss_mb']:.0f} MB; exact: {p['exact']}"
        )
        ok &= p["exact"] and p["seconds"] <= a["seconds"] and rss <= 6144
    return 0 if ok else 1


def _plot(rows: list[tuple[int, float, float, float, bool]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r[0] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(n, [r[1] for r in rows], "o-", label="seconds")
    ax.loglog(
        n, [(r[2] + r[3]) / 1024 for r in rows], "s-", label="peak RSS, GB (driver + one worker)"
    )
    ax.loglog(n, [rows[0][1] * x / n[0] for x in n], ":", label="linear (time)")
    ax.set_xlabel("businesses")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    sys.exit(main())
