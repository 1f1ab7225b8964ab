"""Benchmark: importing an office's own export (wide workbook, GBK CSV set) against load_ledger.

Generates a **synthetic** province (``foodsafety.samples.province``, Henan 410000, default
fault rates: a share of businesses unpaired, paired twice, with a gap...) and reduces it to
what the office exports can hold (``foodsafety.samples.write_export`` renders only open-ended
assignments, no visit follow-up links and no routine records):

- assignments: only the open-ended ones (``valid_to`` null);
- visits: ``follow_up_of`` and ``problems_resolved`` emptied (the visit ids are kept in the
  canonical files; the importer derives its own, so they are not compared);
- routines: none.

That one reduced ledger is written three ways, each in its own subprocess: the canonical CSV
(``write_csv``), the wide county workbook (``write_export(..., "county_workbook")``: the
cadre's columns embedded in 包保主体台账, sheets over 1,000,000 rows split) and the township
CSV set (``write_export(..., "township_csv")``, GBK). Then, each in a fresh subprocess so that
peak RSS (``ru_maxrss``) is per phase, with ``as_of`` = the sample's as_of:

- ``load_ledger`` on the canonical CSV (the reference);
- ``import_ledger`` of the workbook with the profile ``county_workbook``;
- ``import_ledger`` of the CSV set with the profile ``township_csv``.

Each prints wall and CPU time, peak RSS, kept rows per table and problems by code; the kept
ledgers are written to Parquet and compared row by row with the canonical load (the derived
ids -- ``assignment_id``, ``visit_id`` -- left out). Goals (the issue's): import time at most
1.5x ``load_ledger``'s, peak RSS at most 2 GB. The script exits 1 when a goal is missed or the
imported rows differ from the canonical load's.

Usage: ``python bench/import_ledger.py [--businesses 1000000] [--cadres 300000] [--work DIR]``
(a kept ``--work`` directory is reused: files already generated are not written again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _phases import emit, rss_mb, run_phase

POLICY = "anyang_2022"
TIME_GOAL = 1.5
RSS_GOAL_GB = 2.0
#: columns left out of the row-by-row comparison: ids the importer derives itself
DERIVED = {"assignments": ("assignment_id",), "visits": ("visit_id",)}


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(f.stat().st_size for f in files) / 2**20, 1)


# -- phases (each runs in a fresh interpreter) --------------------------------------------


def phase_generate(work: Path, n_b: int, n_c: int) -> None:
    import polars as pl

    from foodsafety.ledger import Ledger, write_parquet
    from foodsafety.samples import province

    t0 = time.perf_counter()
    sample = province(seed=0, n_businesses=n_b, n_cadres=n_c, policy=POLICY)
    t_gen = time.perf_counter() - t0
    full = {k: v.height for k, v in sample.tables.items()}
    tables = dict(sample.tables)
    # what the exports can hold: open-ended pairings, no follow-up links, no routines
    tables["assignments"] = tables["assignments"].filter(pl.col("valid_to").is_null())
    tables["visits"] = tables["visits"].with_columns(
        pl.lit(None, dtype=pl.Utf8).alias("follow_up_of"),
        pl.lit(None, dtype=pl.Boolean).alias("problems_resolved"),
    )
    tables["routines"] = tables["routines"].clear()
    ledger = Ledger.from_frames(**tables)
    t0 = time.perf_counter()
    write_parquet(ledger, work / "source")
    t_pq = time.perf_counter() - t0
    (work / "meta.json").write_text(
        json.dumps({"as_of": sample.as_of.isoformat(), "since": sample.since.isoformat()})
    )
    emit(
        generate_s=t_gen,
        write_parquet_s=t_pq,
        sample_rows=full,
        rows=ledger.counts(),
        faults=sample.fault_counts(),
    )


def _source_ledger(work: Path) -> Any:
    import polars as pl

    from foodsafety.ledger import Ledger
    from foodsafety.ledger.schema import TABLES

    return Ledger.from_frames(
        **{t: pl.read_parquet(work / "source" / f"{t}.parquet") for t in TABLES}
    )


def phase_write(work: Path, what: str) -> None:
    from foodsafety.ledger import write_csv
    from foodsafety.samples import ExportStyle, write_export

    ledger = _source_ledger(work)
    t0, c0 = time.perf_counter(), time.process_time()
    if what == "canonical":
        target = work / "canonical"
        write_csv(ledger, target)
    elif what == "workbook":
        target = work / "county.xlsx"
        write_export(ledger, target, "county_workbook")
    else:
        target = work / "township"
        write_export(ledger, target, "township_csv", style=ExportStyle(encoding="gbk"))
    emit(
        what=what,
        write_s=time.perf_counter() - t0,
        cpu_s=time.process_time() - c0,
        size_mb=_size_mb(target),
    )


def phase_load(work: Path, what: str) -> None:
    from foodsafety.ledger import load_ledger, write_parquet
    from foodsafety.ledger.importing import import_ledger

    as_of = dt.date.fromisoformat(json.loads((work / "meta.json").read_text())["as_of"])
    t0, c0 = time.perf_counter(), time.process_time()
    if what == "canonical":
        ledger, report = load_ledger(work / "canonical", as_of=as_of)
    elif what == "workbook":
        ledger, report = import_ledger(work / "county.xlsx", "county_workbook", as_of=as_of)
    else:
        ledger, report = import_ledger(work / "township", "township_csv", as_of=as_of)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = round(rss_mb(), 1)  # the load's peak, before the comparison files are written
    write_parquet(ledger, work / "kept" / what)
    examples: dict[str, str] = {}
    for p in report:
        examples.setdefault(p.code, f"{p.source}:{p.row} [{p.column}] {p.message}"[:300])
    emit(
        what=what,
        wall_s=wall,
        cpu_s=cpu,
        rss_mb=rss,
        rows=ledger.counts(),
        problems=len(report),
        by_code=report.counts(),
        examples=examples,
    )


def phase_compare(work: Path, what: str) -> None:
    """Rows of the import's kept ledger against the canonical load's (derived ids left out)."""
    import polars as pl

    from foodsafety.ledger.schema import TABLES

    out: dict[str, dict[str, int]] = {}
    for table, columns in TABLES.items():
        files = [work / "kept" / name / f"{table}.parquet" for name in ("canonical", what)]
        present = [set(pl.read_parquet_schema(f)) for f in files]
        cols = [
            c
            for c in columns
            if c not in DERIVED.get(table, ()) and all(c in names for names in present)
        ]
        ref, got = (pl.read_parquet(f, columns=cols) for f in files)
        # a multiset comparison of whole rows, by their hashes (same seed, same process)
        h_ref = ref.hash_rows(seed=1).alias("h").value_counts(name="n_ref")
        h_got = got.hash_rows(seed=1).alias("h").value_counts(name="n_got")
        both = h_ref.join(h_got, on="h", how="full", coalesce=True).fill_null(0)
        diff = both["n_ref"].cast(pl.Int64) - both["n_got"].cast(pl.Int64)
        out[table] = {
            "canonical": ref.height,
            "imported": got.height,
            "only_canonical": int(diff.clip(lower_bound=0).sum()),
            "only_imported": int((-diff).clip(lower_bound=0).sum()),
        }
    emit(what=what, compare=out)


# -- driver ---------------------------------------------------------------------------------


def _cached(work: Path, name: str, *args: str) -> dict[str, Any]:
    """A generate phase's figures: from an earlier run in the kept directory, else run it."""
    done = work / f"{name}.done.json"
    if done.exists():
        out: dict[str, Any] = json.loads(done.read_text())
        print(f"  {name}: reused (written earlier in {out['process_s']:.1f} s)", flush=True)
        return out
    out = run_phase(__file__, "--phase", *args)
    done.write_text(json.dumps(out))
    print(f"  {name}: {out['process_s']:.1f} s, peak RSS {out['rss_mb']:.0f} MiB", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=1_000_000)
    parser.add_argument("--cadres", type=int, default=300_000)
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep the generated files here; a second run reuses them",
    )
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, work, *rest = args.phase
        path = Path(work)
        if name == "generate":
            phase_generate(path, int(rest[0]), int(rest[1]))
        elif name == "write":
            phase_write(path, rest[0])
        elif name == "load":
            phase_load(path, rest[0])
        elif name == "compare":
            phase_compare(path, rest[0])
        return 0

    tmp = tempfile.TemporaryDirectory(prefix="foodsafety-import-bench-")
    work = args.work or Path(tmp.name)
    work = work / f"b{args.businesses}-c{args.cadres}"
    work.mkdir(parents=True, exist_ok=True)
    w = str(work)
    print(
        f"synthetic province 410000: {args.businesses:,} businesses, {args.cadres:,} cadres "
        f"(work {work})",
        flush=True,
    )
    t_all = time.perf_counter()
    gen = _cached(work, "generate", "generate", w, str(args.businesses), str(args.cadres))
    print(f"    sample rows {gen['sample_rows']}\n    exported rows {gen['rows']}", flush=True)
    writes: dict[str, dict[str, Any]] = {}
    loads: dict[str, dict[str, Any]] = {}
    # each file written, then read: the CSV set before the (slow to write) workbook
    for what in ("canonical", "csvset", "workbook"):
        writes[what] = _cached(work, f"write_{what}", "write", w, what)
        loads[what] = r = run_phase(__file__, "--phase", "load", w, what)
        print(
            f"  load {what}: {r['wall_s']:.1f} s (cpu {r['cpu_s']:.1f} s), "
            f"peak RSS {r['rss_mb']:.0f} MiB, rows {r['rows']}, problems {r['problems']} "
            f"{r['by_code']}",
            flush=True,
        )
        for code, text in r["examples"].items():
            print(f"      e.g. {code}: {text}")
    compares = {
        what: run_phase(__file__, "--phase", "compare", w, what)["compare"]
        for what in ("workbook", "csvset")
    }
    wall = time.perf_counter() - t_all

    ref = loads["canonical"]
    names = {
        "canonical": "load_ledger canonical CSV",
        "workbook": "import_ledger county_workbook",
        "csvset": "import_ledger township_csv",
    }
    print()
    print(f"{'phase':<34} {'file MiB':>9} {'wall s':>8} {'cpu s':>8} {'x load':>7} {'RSS MiB':>8}")
    print(
        f"{'generate (province, reduce)':<34} {'':>9} {gen['generate_s']:>8.1f} {'':>8} {'':>7} "
        f"{gen['rss_mb']:>8.0f}"
    )
    for what, r in writes.items():
        label = {"canonical": "write_csv", "workbook": "write_export xlsx", "csvset": "csv GBK"}
        print(
            f"{'write ' + label[what]:<34} {r['size_mb']:>9.1f} {r['write_s']:>8.1f} "
            f"{r['cpu_s']:>8.1f} {'':>7} {r['rss_mb']:>8.0f}"
        )
    ok = True
    for what, r in loads.items():
        ratio = r["wall_s"] / ref["wall_s"]
        rss_gb = r["rss_mb"] * 2**20 / 1e9
        print(
            f"{names[what]:<34} {writes[what]['size_mb']:>9.1f} {r['wall_s']:>8.1f} "
            f"{r['cpu_s']:>8.1f} {ratio:>6.2f}x {r['rss_mb']:>8.0f}"
        )
        if what != "canonical":
            cpu_ratio = r["cpu_s"] / ref["cpu_s"]
            t_ok, m_ok = ratio <= TIME_GOAL, rss_gb <= RSS_GOAL_GB
            ok = ok and t_ok and m_ok
            print(
                f"    time {ratio:.2f}x (cpu {cpu_ratio:.2f}x) of load_ledger, goal <= "
                f"{TIME_GOAL}x: {'met' if t_ok else 'MISSED'}; peak RSS {rss_gb:.2f} GB, "
                f"goal <= {RSS_GOAL_GB} GB: {'met' if m_ok else 'MISSED'}"
            )
    print("\nkept rows against the canonical load (derived ids left out of the comparison):")
    for what, comp in compares.items():
        for table, c in comp.items():
            same = c["only_canonical"] == 0 and c["only_imported"] == 0
            ok = ok and same
            print(
                f"  {names[what]:<30} {table:<12} canonical {c['canonical']:>9,}  imported "
                f"{c['imported']:>9,}  only canonical {c['only_canonical']:>8,}  only imported "
                f"{c['only_imported']:>8,}  {'same' if same else 'DIFFERENT'}"
            )
    print(
        f"\nwall time, all phases {wall:.0f} s; load average (1 min) {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cpus\nnote: each phase runs in its own process; RSS is ru_maxrss of "
        "that process (for a load: measured before its kept ledger is written out)."
    )
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
