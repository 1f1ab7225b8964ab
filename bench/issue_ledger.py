"""The issue ledger (问题台账) at Anyang's size: visit problems into findings, then the frames.

Builds the synthetic Anyang sample (seed 004's size: 16316 businesses, 4806 cadres, a year of
visits), turns every visit problem into a finding with its replayed loop (``from_visits``),
and ages the ledger (``to_polars``, ``open_by_age``, ``by_jurisdiction``, ``overdue``). The
baseline, measured in the same run, is the pairing audit of the same sample (``audit``), a
vectorised polars job over the whole ledger: the ratio says how the per-finding record work
compares with it. Target (informal): the ledger's work stays within a few audits.
"""

from __future__ import annotations

import time


def main() -> int:
    from foodsafety.engines.audit import audit
    from foodsafety.ledger.issues import IssueLedger, from_audit_findings, from_visits
    from foodsafety.samples import anyang

    data = anyang()
    start = time.perf_counter()
    result = audit(data, data.policy, data.as_of)
    t_audit = time.perf_counter() - start

    start = time.perf_counter()
    visit_findings = from_visits(data)
    t_visits = time.perf_counter() - start

    start = time.perf_counter()
    audit_findings = from_audit_findings(result)
    ledger = IssueLedger([*audit_findings, *visit_findings])
    t_build = time.perf_counter() - start

    start = time.perf_counter()
    ledger.to_polars(data.as_of)
    ledger.open_by_age(data.as_of)
    ledger.by_jurisdiction(data.as_of, level="county")
    ledger.overdue(data.as_of)
    t_frames = time.perf_counter() - start

    rows = [
        ("audit (baseline)", t_audit, len(result)),
        ("from_visits", t_visits, len(visit_findings)),
        ("from_audit_findings + ledger", t_build, len(ledger)),
        ("four frames", t_frames, len(ledger)),
    ]
    print(f"{'what':30} {'seconds':>8} {'items':>7} {'ms/item':>8} {'x audit':>8}")
    for name, t, n in rows:
        per = 1000 * t / n if n else 0.0
        print(f"{name:30} {t:8.3f} {n:7d} {per:8.3f} {t / t_audit:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
