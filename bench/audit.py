"""Benchmark: the vectorised pairing audit on a synthetic province, against a naive loop.

Generates a **synthetic** 1,000,000-business, 300,000-cadre ledger on Henan's (410000) real
cities, counties and townships with a year of visits (``foodsafety.samples.province``), writes
it to Parquet and CSV, and measures, each phase in its own subprocess so that peak RSS
(``ru_maxrss``) is per phase:

- generate: sample generation and writing the files;
- load parquet / load csv: ``foodsafety.ledger.load_ledger`` (every row validated) and, for
  reference, plain ``polars.read_*`` of the same files;
- audit: ``foodsafety.engines.audit.audit`` on the full ledger, checked against the injected
  faults (exact equality of finding keys per kind);
- naive: the same checks written as a plain Python loop over pydantic records
  (``Ledger.to_records``), run on a subsample (the businesses of whole townships, about 20,000
  by default) because the loop is slow; the vectorised audit runs on the same subsample, the
  two must produce the same findings, and throughput is compared per business.

The audit and the naive loop each run three times in their phase; the median is compared
(the runs are printed too).

With ``--baseline REV`` the audit phase also runs on the package as it was at git revision
``REV`` (checked out into a temporary worktree, imported through ``PYTHONPATH``), the two
alternating twice in the same run; time and peak RSS are reported as ratios. ``--only audit``
skips the load and naive phases.

Usage: ``python bench/audit.py [--businesses 1000000] [--cadres 300000] [--naive 20000]
[--baseline REV] [--only audit] [--workdir DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from _phases import emit, run_phase

POLICY = "anyang_2022"
#: Timed runs of the audit and of the naive loop in their phases; the median is reported.
REPEAT = 3


# -- phases (each runs in a fresh interpreter) --------------------------------------------


def phase_generate(work: Path, n_b: int, n_c: int) -> None:
    from foodsafety.ledger import Ledger, write_csv, write_parquet
    from foodsafety.samples import province

    t0 = time.perf_counter()
    sample = province(seed=0, n_businesses=n_b, n_cadres=n_c, policy=POLICY)
    t_gen = time.perf_counter() - t0
    ledger = Ledger.from_frames(**sample.tables)
    t0 = time.perf_counter()
    write_parquet(ledger, work / "parquet")
    t_pq = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_csv(ledger, work / "csv")
    t_csv = time.perf_counter() - t0
    faults = {k: sorted(v) for k, v in sample.faults.items()}
    (work / "faults.json").write_text(json.dumps(faults))
    (work / "meta.json").write_text(
        json.dumps({"as_of": sample.as_of.isoformat(), "since": sample.since.isoformat()})
    )
    rows = {k: v.height for k, v in sample.tables.items()}
    emit(generate_s=t_gen, write_parquet_s=t_pq, write_csv_s=t_csv, rows=rows)


def phase_load(work: Path, fmt: str) -> None:
    import polars as pl

    from foodsafety.ledger import load_ledger
    from foodsafety.ledger.schema import TABLES

    meta = json.loads((work / "meta.json").read_text())
    folder = work / fmt
    t0 = time.perf_counter()
    for table in TABLES:
        if fmt == "parquet":
            pl.read_parquet(folder / f"{table}.parquet")
        else:
            pl.read_csv(folder / f"{table}.csv", infer_schema_length=0)
    t_raw = time.perf_counter() - t0
    t0 = time.perf_counter()
    ledger, report = load_ledger(folder, as_of=dt.date.fromisoformat(meta["as_of"]))
    t_load = time.perf_counter() - t0
    emit(
        format=fmt,
        raw_read_s=t_raw,
        load_ledger_s=t_load,
        problems=len(report),
        businesses=ledger.businesses.height,
    )


def phase_audit(work: Path) -> None:
    import polars as pl

    from foodsafety.engines.audit import AUDIT_COLUMNS, audit
    from foodsafety.presets import pairing_policy

    meta = json.loads((work / "meta.json").read_text())
    # read only the columns the audit uses (the full validated load is measured separately)
    t0 = time.perf_counter()
    tables = {
        t: pl.read_parquet(work / "parquet" / f"{t}.parquet", columns=list(cols))
        for t, cols in AUDIT_COLUMNS.items()
    }
    t_read = time.perf_counter() - t0
    policy = pairing_policy(POLICY)
    runs, cpus = [], []
    result = None
    for _ in range(REPEAT):  # the median of a few runs: the machines are shared and noisy
        del result  # one result alive at a time, as in one audit
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        result = audit(tables, policy, dt.date.fromisoformat(meta["as_of"]))
        runs.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    t_audit, c_audit = statistics.median(runs), statistics.median(cpus)
    faults = json.loads((work / "faults.json").read_text())
    exact = all(result.keys(k) == frozenset(v) for k, v in faults.items())
    emit(
        audit_s=t_audit,
        audit_runs_s=[round(x, 3) for x in runs],
        audit_cpu_s=c_audit,
        read_columns_s=t_read,
        findings=len(result),
        exact=exact,
        businesses=tables["businesses"].height,
        counts=result.counts(),
    )


def phase_naive(work: Path, n_target: int) -> None:
    import polars as pl

    from foodsafety.engines.audit import audit
    from foodsafety.ledger import Ledger
    from foodsafety.ledger.schema import TABLES
    from foodsafety.presets import pairing_policy

    meta = json.loads((work / "meta.json").read_text())
    as_of = dt.date.fromisoformat(meta["as_of"])
    # scanned lazily and filtered on reading: only the subsample's rows are ever in memory
    tables = {t: pl.scan_parquet(work / "parquet" / f"{t}.parquet") for t in TABLES}
    # whole townships until about n_target businesses: loads and jurisdictions stay whole there
    b = tables["businesses"].collect()
    towns = b.group_by(pl.col("jurisdiction").str.slice(0, 9).alias("t")).len().sort("t")
    chosen, total = [], 0
    for town, n in towns.iter_rows():
        if total >= n_target:
            break
        chosen.append(town)
        total += n
    sub_b = b.filter(pl.col("jurisdiction").str.slice(0, 9).is_in(chosen))
    del b
    keys = sub_b["uscc"].implode()
    sub = {"businesses": sub_b}
    for t in ("assignments", "visits", "routines"):
        sub[t] = tables[t].filter(pl.col("uscc").is_in(keys)).collect()
    cadre_ids = sub["assignments"]["cadre_id"].unique().implode()
    for t in ("cadres", "pledges"):
        sub[t] = tables[t].filter(pl.col("cadre_id").is_in(cadre_ids)).collect()
    del tables
    policy = pairing_policy(POLICY)
    ledger = Ledger.from_frames(**sub)
    t0 = time.perf_counter()
    records = {t: list(ledger.to_records(t)) for t in TABLES}
    t_records = time.perf_counter() - t0
    runs, cpus, fast_runs = [], [], []
    for _ in range(REPEAT):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        naive = naive_audit(records, policy, as_of)
        runs.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        t0 = time.perf_counter()
        fast = audit(sub, policy, as_of)
        fast_runs.append(time.perf_counter() - t0)
    t_naive, c_naive = statistics.median(runs), statistics.median(cpus)
    t_fast = statistics.median(fast_runs)
    fast_keys = {k: set(fast.keys(k)) for k in fast.counts()}
    agree = all(naive.get(k, set()) == v for k, v in fast_keys.items())
    emit(
        businesses=sub_b.height,
        to_records_s=t_records,
        naive_loop_s=t_naive,
        naive_runs_s=[round(x, 3) for x in runs],
        naive_loop_cpu_s=c_naive,
        vectorised_same_subsample_s=t_fast,
        agree=agree,
        naive_counts={k: len(v) for k, v in naive.items()},
    )


# -- the naive baseline: the same rules, one record at a time -------------------------------


def naive_audit(records: dict[str, list[Any]], policy: Any, as_of: dt.date) -> dict[str, set[str]]:
    """The audit's rules as plain Python over pydantic records (the baseline)."""
    since = as_of.replace(year=as_of.year - 1)
    out: dict[str, set[str]] = defaultdict(set)
    cadres = {c.cadre_id: c for c in records["cadres"]}
    by_bus: dict[str, list[Any]] = defaultdict(list)
    for a in records["assignments"]:
        by_bus[a.uscc].append(a)
    visits_by: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    follow: dict[str, list[dt.date]] = defaultdict(list)
    for v in records["visits"]:
        if v.date < as_of:
            visits_by[(v.uscc, v.cadre_id)].append(v.date)
        if v.follow_up_of is not None and v.date <= as_of:
            follow[v.follow_up_of].append(v.date)
    routines: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for r in records["routines"]:
        routines[(r.uscc, r.routine.code)].add(r.period_start)
    signed = {
        (p.cadre_id, p.document.code)
        for p in records["pledges"]
        if p.signed is not None and p.signed <= as_of
    }
    periods = {}
    for level in ("city", "county", "township", "village"):
        from foodsafety.vocab import Level

        cad = policy.cadence_for(Level.parse(level))
        if cad is None:  # no cadence for the level: its visits are not checked
            periods[level] = ([], 1)
            continue
        starts = cad.period_starts(since, as_of)
        periods[level] = (
            [(a, b) for a, b in itertools.pairwise(starts) if a >= since and b <= as_of],
            cad.min_visits,
        )
    caps = {lv.code: cap for lv, cap in policy.load_cap.items()}
    tier_levels = {t.code: lv.code for t, lv in policy.tier_levels.items()}
    load: dict[str, int] = defaultdict(int)

    def prefix(code: str) -> str:
        if len(code) == 6:
            if code.endswith("0000"):
                return code[:2]
            if code.endswith("00"):
                return code[:4]
            return code
        if len(code) == 12 and code.endswith("000"):
            return code[:9]
        return code

    for bus in records["businesses"]:
        if (bus.opened and bus.opened > as_of) or (bus.closed and bus.closed <= as_of):
            continue
        mine = sorted(
            by_bus.get(bus.uscc, []),
            key=lambda a: (a.valid_from, a.valid_to or dt.date.max, a.assignment_id),
        )
        active = [
            a for a in mine if a.valid_from <= as_of and (a.valid_to is None or a.valid_to > as_of)
        ]
        want = tier_levels.get(bus.tier.code) if bus.tier else None
        deadline = None
        if bus.status_changed is not None and policy.repair is not None:
            deadline = _working_day_deadline(
                bus.status_changed, policy.repair.working_days, policy.calendar
            )
            if deadline < as_of and not any(
                bus.status_changed <= a.valid_from <= deadline for a in mine
            ):
                out["repair_overdue"].add(str(bus.uscc))
        if not active and not (deadline is not None and deadline >= as_of):
            out["unpaired"].add(str(bus.uscc))
        for a in active:
            cadre = cadres.get(a.cadre_id)
            if cadre is None:
                continue
            load[a.cadre_id] += 1
            if want is not None and cadre.level.code != want:
                out["tier_level_mismatch"].add(a.assignment_id)
            # compared at the coarser of the two levels (a village cadre coded at township)
            cp, bp = prefix(str(cadre.jurisdiction)), prefix(str(bus.jurisdiction))
            common = min(len(cp), len(bp))
            if cp[:common] != bp[:common]:
                out["cadre_outside_jurisdiction"].add(a.assignment_id)
        prev_end = None
        for a in mine:
            if a.valid_from > as_of:
                continue
            end = a.valid_to or dt.date(9999, 12, 31)
            if prev_end is not None:
                if a.valid_from < prev_end:
                    out["assignment_overlap"].add(a.assignment_id)
                elif a.valid_from > prev_end:
                    out["assignment_gap"].add(a.assignment_id)
            prev_end = end if prev_end is None else max(prev_end, end)
        for a in mine:
            cadre = cadres.get(a.cadre_id)
            if cadre is None:
                continue
            plist, need = periods[cadre.level.code]
            dates = visits_by.get((str(bus.uscc), a.cadre_id), [])
            for lo, hi in plist:
                covers = a.valid_from <= lo and (a.valid_to is None or a.valid_to >= hi)
                opened = bus.opened is None or bus.opened <= lo
                if covers and opened and sum(lo <= d < hi for d in dates) < need:
                    out["visit_overdue"].add(f"{a.assignment_id}@{lo.isoformat()}")
        staffing = policy.staffing
        staffed = staffing is not None and (not staffing.kinds or bus.kind in staffing.kinds)
        if staffed and staffing.director and not (bus.director or "").strip():
            out["director_missing"].add(str(bus.uscc))
        if staffed and len([o for o in bus.officers if o.strip()]) < staffing.min_officers:
            out["officer_missing"].add(str(bus.uscc))
        required = policy.routines.required if policy.routines is not None else ()
        tracked = any((str(bus.uscc), r.code) in routines for r in required)
        if tracked:
            w0 = max(since, bus.opened or since)
            w1 = min(as_of, bus.closed or as_of)
            for routine in required:
                got = routines.get((str(bus.uscc), routine.code), set())
                due = _closed_periods(routine.code, w0, w1)
                if len(due & got) < len(due):
                    out["routine_gap"].add(f"{bus.uscc}/{routine.code}")
    for cadre_id, n in load.items():
        cap = caps.get(cadres[cadre_id].level.code)
        if cap is not None and n > cap:
            out["cadre_overloaded"].add(cadre_id)
    for cadre in records["cadres"]:
        if cadre.active_to is not None and cadre.active_to <= as_of:
            continue
        for rule in policy.documents:
            if rule.due >= as_of or cadre.level not in rule.levels:
                continue
            if cadre.active_from is not None and cadre.active_from > rule.due:
                continue
            if (cadre.cadre_id, rule.document.code) not in signed:
                kind = "pledge_missing" if rule.document.code == "pledge" else "list_missing"
                out[kind].add(f"{cadre.cadre_id}/{rule.document.code}")
    days = policy.follow_up_days
    for v in records["visits"]:
        if days is None:  # no follow-up deadline: not checked
            break
        if v.problems and v.date + dt.timedelta(days=days) < as_of:
            limit = v.date + dt.timedelta(days=days)
            if not any(d <= limit for d in follow.get(v.visit_id, [])):
                out["problem_without_follow_up"].add(v.visit_id)
    return dict(out)


def _working_day_deadline(start: dt.date, days: int, calendar: Any) -> dt.date:
    """The date ``days`` working days of ``calendar`` (a WorkCalendar) after ``start``."""
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        if calendar.is_workday(current):
            left -= 1
    return current


def _closed_periods(routine: str, w0: dt.date, w1: dt.date) -> set[dt.date]:
    out: set[dt.date] = set()
    if routine == "daily":
        d = w0
        while d + dt.timedelta(days=1) <= w1:
            out.add(d)
            d += dt.timedelta(days=1)
    elif routine == "weekly":
        d = w0 + dt.timedelta(days=(7 - w0.weekday()) % 7)
        while d + dt.timedelta(days=7) <= w1:
            out.add(d)
            d += dt.timedelta(days=7)
    else:
        y, m = (w0.year, w0.month) if w0.day == 1 else _next(w0.year, w0.month)
        while dt.date(*_next(y, m), 1) <= w1:
            out.add(dt.date(y, m, 1))
            y, m = _next(y, m)
    return out


def _next(y: int, m: int) -> tuple[int, int]:
    return (y + 1, 1) if m == 12 else (y, m + 1)


# -- driver ---------------------------------------------------------------------------------


def _compare_audits(work: Path, baseline: str | None) -> None:
    """The audit phase on this tree and (when given) on ``baseline``, alternating twice."""
    if baseline is None:
        aud = run_phase(__file__, "--phase", "audit", str(work))
        print(f"  audit {aud['audit_s']:.2f} s, peak RSS {aud['rss_mb']:.0f} MiB")
        return
    repo = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="foodsafety-baseline-") as tree:
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "add", "--detach", tree, baseline],
            check=True,
            capture_output=True,
        )
        try:
            runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "current": []}
            for _ in range(2):
                runs["baseline"].append(
                    run_phase(__file__, "--phase", "audit", str(work), src=Path(tree) / "src")
                )
                runs["current"].append(run_phase(__file__, "--phase", "audit", str(work)))
        finally:
            subprocess.run(
                ["git", "-C", str(repo), "worktree", "remove", "--force", tree], check=False
            )
    fig = {
        name: (
            statistics.median(t for r in rs for t in r["audit_runs_s"]),
            statistics.median(r["audit_cpu_s"] for r in rs),
            max(r["rss_mb"] for r in rs),
            rs[0]["counts"],
        )
        for name, rs in runs.items()
    }
    (bt, bcpu, brss, bcounts), (ct, ccpu, crss, ccounts) = fig["baseline"], fig["current"]
    print(f"audit at {work}: baseline {baseline} vs this tree (2 phases x {REPEAT} runs each)")
    for name, rs in runs.items():
        print(f"  {name:<8} runs " + " / ".join(f"{t:.2f}" for r in rs for t in r["audit_runs_s"]))
    print(f"  time     baseline {bt:.2f} s   current {ct:.2f} s   ratio {ct / bt:.3f}")
    print(f"  cpu      baseline {bcpu:.2f} s   current {ccpu:.2f} s   ratio {ccpu / bcpu:.3f}")
    print(f"  peak RSS baseline {brss:.0f} MiB current {crss:.0f} MiB ratio {crss / brss:.3f}")
    print(f"  same finding counts: {bcounts == ccounts}")
    print(f"  load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")
    print("RATIOS " + json.dumps({"time": ct / bt, "cpu": ccpu / bcpu, "rss": crss / brss}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=1_000_000)
    parser.add_argument("--cadres", type=int, default=300_000)
    parser.add_argument("--naive", type=int, default=20_000, help="naive subsample size")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the generated files here; a second run reuses them",
    )
    parser.add_argument("--baseline", help="git revision to compare the audit against")
    parser.add_argument("--only", choices=["audit"], help="run only the audit phase")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, work, *rest = args.phase
        path = Path(work)
        if name == "generate":
            phase_generate(path, int(rest[0]), int(rest[1]))
        elif name == "load":
            phase_load(path, rest[0])
        elif name == "audit":
            phase_audit(path)
        elif name == "naive":
            phase_naive(path, int(rest[0]))
        return

    tmp = tempfile.TemporaryDirectory(prefix="foodsafety-bench-")
    work = args.workdir or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    print(f"synthetic province 410000: {args.businesses:,} businesses, {args.cadres:,} cadres")
    t_all = time.perf_counter()
    reuse = args.workdir is not None and (work / "gen.json").exists()
    if reuse:  # a kept working directory: measure the other phases again on the same files
        gen = json.loads((work / "gen.json").read_text())
        print(f"  reusing {work} (generated earlier in {gen['generate_s']:.1f} s)")
    else:
        gen = run_phase(
            __file__, "--phase", "generate", str(work), str(args.businesses), str(args.cadres)
        )
        (work / "gen.json").write_text(json.dumps(gen))
        print(f"  generated in {gen['generate_s']:.1f} s, rows {gen['rows']}")
    if args.baseline or args.only:
        _compare_audits(work, args.baseline)
        if args.only:
            return
    pq = run_phase(__file__, "--phase", "load", str(work), "parquet")
    csv = run_phase(__file__, "--phase", "load", str(work), "csv")
    aud = run_phase(__file__, "--phase", "audit", str(work))
    nav = run_phase(__file__, "--phase", "naive", str(work), str(args.naive))
    wall = time.perf_counter() - t_all
    sizes = {
        fmt: sum(f.stat().st_size for f in (work / fmt).iterdir()) / 2**20
        for fmt in ("parquet", "csv")
    }

    per_fast = aud["audit_s"] / aud["businesses"]
    per_naive = nav["naive_loop_s"] / nav["businesses"]
    ratio = per_naive / per_fast
    # the audit runs on two threads (polars' and its own), the loop on one: the ratio of
    # the CPU time they spend is reported too
    ratio_cpu = (nav["naive_loop_cpu_s"] / nav["businesses"]) / (
        aud["audit_cpu_s"] / aud["businesses"]
    )
    ratio_same = nav["naive_loop_s"] / nav["vectorised_same_subsample_s"]
    peak = max(x["rss_mb"] for x in (gen, pq, csv, aud, nav))
    rows = [
        ("generate sample (numpy/polars)", f"{gen['generate_s']:.1f} s", gen["rss_mb"]),
        ("write Parquet / CSV", f"{gen['write_parquet_s']:.1f} / {gen['write_csv_s']:.1f} s", ""),
        ("files Parquet / CSV", f"{sizes['parquet']:.0f} / {sizes['csv']:.0f} MiB", ""),
        ("read Parquet (polars, raw)", f"{pq['raw_read_s']:.1f} s", ""),
        ("load_ledger Parquet (validated)", f"{pq['load_ledger_s']:.1f} s", pq["rss_mb"]),
        ("read CSV (polars, raw)", f"{csv['raw_read_s']:.1f} s", ""),
        ("load_ledger CSV (validated)", f"{csv['load_ledger_s']:.1f} s", csv["rss_mb"]),
        (
            f"audit, {aud['businesses']:,} businesses",
            f"{aud['audit_s']:.2f} s (cpu {aud['audit_cpu_s']:.1f} s)",
            aud["rss_mb"],
        ),
        ("  runs (median above)", " / ".join(f"{x:.2f}" for x in aud["audit_runs_s"]), ""),
        ("  findings / exact vs injected", f"{aud['findings']:,} / {aud['exact']}", ""),
        ("  read its columns from Parquet", f"{aud['read_columns_s']:.1f} s", ""),
        (
            f"naive loop, {nav['businesses']:,} businesses",
            f"{nav['naive_loop_s']:.2f} s (cpu {nav['naive_loop_cpu_s']:.1f} s)",
            nav["rss_mb"],
        ),
        ("  runs (median above)", " / ".join(f"{x:.2f}" for x in nav["naive_runs_s"]), ""),
        ("  to_records (not timed in loop)", f"{nav['to_records_s']:.2f} s", ""),
        ("  vectorised, same subsample", f"{nav['vectorised_same_subsample_s']:.3f} s", ""),
        ("  naive == vectorised findings", str(nav["agree"]), ""),
        (
            "per business: naive / vectorised",
            f"{per_naive * 1e6:.1f} / {per_fast * 1e6:.2f} us",
            "",
        ),
        ("throughput ratio (full audit)", f"{ratio:.0f}x (goal >= 20x)", ""),
        ("  in CPU time (all threads)", f"{ratio_cpu:.0f}x", ""),
        ("ratio on the same subsample", f"{ratio_same:.0f}x", ""),
        ("wall time, all phases", f"{wall:.0f} s", ""),
        (
            "load average at the end (1 min)",
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus",
            "",
        ),
        (
            "peak RSS of any phase",
            f"{peak:.0f} MiB = {peak * 2**20 / 1e9:.2f} GB (goal < 2 GB)",
            "",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>28}  {'peak RSS MiB':>12}")
    for name, value, rss in rows:
        print(f"{name:<{width}}  {value:>28}  {rss!s:>12}")
    print(
        "note: each phase runs in its own process; RSS is ru_maxrss of that process. The naive\n"
        "loop runs on whole townships (a subsample) and is compared per business."
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
