"""Scenario 1 (docs/domain.md §10): Anyang's pairing ledger at its real size, audited.

Seed 004 reports that Anyang (安阳市, 410500) has 16316 licensed food businesses (6234 catering,
9714 operating, 368 production) paired by 4806 cadres at city, county, township and village
level, that city and county cadres have signed their pledges and that township and village
pledges are due by 16 December 2022. No real ledger is public, so this example generates a
**synthetic** ledger of that size and mix on Anyang's real county and township codes, injects
faults at known rates, and audits it with the ``anyang_2022`` policy preset: coverage,
tier/level mismatches, missing pledges, overdue visits and open problems.

Run: ``python examples/anyang_pairing.py``
"""

from __future__ import annotations

import datetime as dt

from foodsafety.engines.audit import audit
from foodsafety.presets import pairing_policy
from foodsafety.samples import anyang


def main() -> None:
    policy = pairing_policy("anyang_2022")
    sample = anyang(seed=0, policy=policy)
    b, c = sample.businesses, sample.cadres
    kinds = dict(b.group_by("kind").len().iter_rows())
    levels = dict(c.group_by("level").len().iter_rows())
    print("安阳市包保台账（合成样本 SYNTHETIC）— scenario 1, seed 004")
    print(
        f"businesses {b.height} = catering {kinds['catering']} + operating "
        f"{kinds['operation']} + production {kinds['production']}"
    )
    print(
        f"cadres {c.height} = city {levels['city']} + county {levels['county']} + "
        f"township {levels['township']} + village {levels['village']}"
    )
    print(f"visits in {sample.since} – {sample.as_of}: {sample.visits.height}")
    print()

    # before the pledge due date (16 December) no pledge is missing yet
    early = audit(sample, policy, dt.date(2022, 12, 15), since=dt.date(2022, 1, 1))
    print(f"as of 2022-12-15: missing pledges {early.counts()['pledge_missing']} (not yet due)")

    result = audit(sample, policy, sample.as_of)
    counts = result.counts()
    totals = result.totals()
    print(f"as of {sample.as_of}:")
    print(f"  coverage            {totals['coverage_rate']:.2%} ({counts['unpaired']} unpaired)")
    print(
        f"  tier/level mismatch {counts['tier_level_mismatch']} "
        f"({totals['mismatch_rate']:.2%} of paired businesses)"
    )
    missing = result.frame.filter(kind="pledge_missing").group_by("level").len()
    by_level = dict(missing.iter_rows())
    print(
        f"  missing pledges     {counts['pledge_missing']} "
        + " ".join(
            f"{lv}={by_level.get(lv, 0)}" for lv in ("city", "county", "township", "village")
        )
    )
    print(
        f"  overdue visits      {counts['visit_overdue']} periods at "
        f"{totals['overdue_rate']:.2%} of paired businesses"
    )
    print(f"  open problems       {counts['problem_without_follow_up']} without follow-up (回头看)")
    print()
    print(result.report())
    print("One finding of each kind, with the rule that fired:")
    for kind in counts:
        finding = next(result.findings(kind), None)
        if finding is not None:
            print(f"  [{finding.severity.zh}] {finding.rule_id}: {finding.message_zh}")
    exact = all(result.keys(k) == v for k, v in sample.faults.items())
    print()
    print(f"audit matches the injected faults exactly: {exact}")


if __name__ == "__main__":
    main()
