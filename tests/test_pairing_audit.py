"""The pairing audit against samples with known injected faults, and its invariants."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.engines.audit import FINDING_KINDS, AuditFinding, AuditResult, audit
from foodsafety.errors import RuleError
from foodsafety.presets import pairing_policy
from foodsafety.samples import FaultRates, Sample, anyang, fault_kinds
from foodsafety.vocab import Severity


@pytest.fixture(scope="module")
def full() -> Sample:
    return anyang(seed=0)


@pytest.fixture(scope="module")
def full_result(full: Sample) -> AuditResult:
    return audit(full.tables, full.policy, full.as_of)


@pytest.fixture(scope="module")
def small_clean() -> Sample:
    return anyang(seed=7, scale=0.05, faults=FaultRates.none(), routine_share=0.2)


def _assert_exact(sample: Sample, result: AuditResult) -> None:
    counts = result.counts()
    for kind in FINDING_KINDS:
        expected = sample.faults.get(kind, frozenset())
        assert result.keys(kind) == expected, kind
        assert counts[kind] == len(expected), kind


def test_full_anyang_audit_finds_exactly_the_injected_faults(
    full: Sample, full_result: AuditResult
) -> None:
    _assert_exact(full, full_result)
    # every kind the generator knows was injected at least once at Anyang's size
    assert all(full.faults[k] for k in fault_kinds())
    assert set(fault_kinds()) == set(FINDING_KINDS)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_small_samples_audit_exactly(seed: int) -> None:
    sample = anyang(seed=seed, scale=0.1, routine_share=0.3)
    _assert_exact(sample, audit(sample.tables, sample.policy, sample.as_of))


def test_clean_full_sample_audits_to_zero_findings() -> None:
    sample = anyang(seed=3, faults=FaultRates.none())
    result = audit(sample.tables, sample.policy, sample.as_of)
    assert len(result) == 0
    assert result.totals()["coverage_rate"] == 1.0
    assert sample.fault_counts() == dict.fromkeys(sample.faults, 0)


def test_audit_of_the_ledger_object_equals_audit_of_the_frames(full: Sample) -> None:
    ledger = full.ledger()
    a = audit(ledger, full.policy, full.as_of).frame
    b = audit(full.tables, full.policy, full.as_of).frame
    assert a.equals(b)


def test_monthly_village_cadence_is_honoured_by_sample_and_audit() -> None:
    base = pairing_policy("anyang_2022")
    data = base.model_dump(mode="json")
    data["name"] = "monthly_villages"
    data["cadence"]["village"] = {"freq": "monthly", "interval": 1, "min_visits": 1}
    policy = type(base).model_validate(data)
    sample = anyang(seed=5, scale=0.05, policy=policy)
    result = audit(sample.tables, policy, sample.as_of)
    _assert_exact(sample, result)
    village_periods = {
        f.period_start
        for f in result.findings("visit_overdue")
        if f.level and f.level.code == "village"
    }
    assert all(d.day == 1 for d in village_periods)
    # the same ledger under the quarterly preset misses no quarter for those businesses
    quarterly = audit(sample.tables, base, sample.as_of)
    assert quarterly.counts()["visit_overdue"] <= result.counts()["visit_overdue"]


def test_totals_and_summary_agree_with_findings(full: Sample, full_result: AuditResult) -> None:
    totals = full_result.totals()
    n = full.businesses.height
    assert totals["businesses"] == n == 16316
    assert totals["paired"] == n - len(full.faults["unpaired"])
    summary = full_result.summary("county")
    assert set(summary["county"]) == {
        "410502", "410503", "410505", "410506", "410522", "410523", "410526", "410527", "410581"
    }  # fmt: skip
    assert summary["businesses"].sum() == n
    assert summary["paired"].sum() == totals["paired"]
    assert dict(zip(summary["county"], summary["name"], strict=True))["410526"] == "滑县"
    township = full_result.summary("township")
    assert township["businesses"].sum() == n
    assert township["township"].str.len_chars().min() == 9


def test_findings_are_attrs_values_with_rule_and_bilingual_messages(
    full_result: AuditResult,
) -> None:
    seen = set()
    for finding in full_result.findings():
        assert isinstance(finding, AuditFinding)
        assert finding.severity is FINDING_KINDS[finding.kind][0]
        assert finding.rule == "anyang_2022"
        assert finding.rule_id.startswith("anyang_2022:") and finding.rule_id.endswith(
            "@2022-11-11"
        )
        assert finding.message_zh and finding.message_en.isascii()
        assert finding.subject_ids
        seen.add(finding.kind)
        json.dumps(finding.to_dict(), ensure_ascii=False)
    assert seen == set(FINDING_KINDS)
    unpaired = next(full_result.findings("unpaired"))
    assert unpaired.severity is Severity.CRITICAL


def test_report_is_readable_text(full_result: AuditResult) -> None:
    text = full_result.report()
    assert "滑县" in text and "coverage" in text
    assert "未落实包保" in text
    assert "\x1b[" not in text


def test_exports_round_trip(full_result: AuditResult, tmp_path: Path) -> None:
    n = len(full_result)
    csv = full_result.export(tmp_path / "f.csv")
    assert pl.read_csv(csv).height == n
    js = full_result.export(tmp_path / "f.json")
    rows = json.loads(js.read_text(encoding="utf-8"))
    assert len(rows) == n and {r["kind"] for r in rows} == set(FINDING_KINDS)
    xlsx = full_result.export(tmp_path / "f.xlsx")
    assert pl.read_excel(xlsx, sheet_name="findings").height == n
    with pytest.raises(ValueError, match=r"\.csv"):
        full_result.export(tmp_path / "f.txt")


def test_window_must_precede_as_of(small_clean: Sample) -> None:
    with pytest.raises(RuleError, match="window"):
        audit(
            small_clean.tables, small_clean.policy, dt.date(2022, 1, 1), since=dt.date(2022, 6, 1)
        )


# -- invariants on a small clean ledger -----------------------------------------------------


_CACHE: dict[str, Sample] = {}


def _visits_overdue(sample: Sample, tables: dict[str, pl.DataFrame]) -> int:
    return audit(tables, sample.policy, sample.as_of).counts()["visit_overdue"]


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_removing_the_assignment_makes_the_business_unpaired(
    small_clean: Sample, data: st.DataObject
) -> None:
    a = small_clean.assignments
    single = a.group_by("uscc").len().filter(pl.col("len") == 1)["uscc"].sort()
    uscc = data.draw(st.sampled_from(single.to_list()))
    tables = dict(small_clean.tables)
    tables["assignments"] = a.filter(pl.col("uscc") != uscc)
    result = audit(tables, small_clean.policy, small_clean.as_of)
    assert result.keys("unpaired") == {uscc}


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_adding_a_valid_visit_never_increases_overdue_visits(
    data: st.DataObject,
) -> None:
    if "v" not in _CACHE:
        _CACHE["v"] = anyang(seed=11, scale=0.05, faults=FaultRates(visit_overdue=0.2))
    sample = _CACHE["v"]
    before = _visits_overdue(sample, sample.tables)
    cur = sample.assignments.filter(pl.col("valid_to").is_null())
    row = data.draw(st.integers(0, cur.height - 1))
    uscc, cadre = cur["uscc"][row], cur["cadre_id"][row]
    day = data.draw(st.dates(sample.since, sample.as_of - dt.timedelta(days=1)))
    extra = pl.DataFrame(
        {"visit_id": ["TEST-V1"], "date": [day], "cadre_id": [cadre], "uscc": [uscc]}
    )
    tables = dict(sample.tables)
    tables["visits"] = pl.concat([sample.visits, extra], how="diagonal")
    after = _visits_overdue(sample, tables)
    assert after <= before


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_findings_do_not_depend_on_row_order(seed: int) -> None:
    sample = _faulty_small()
    shuffled = {
        name: frame.sample(fraction=1.0, shuffle=True, seed=seed)
        for name, frame in sample.tables.items()
    }
    a = audit(sample.tables, sample.policy, sample.as_of).frame
    b = audit(shuffled, sample.policy, sample.as_of).frame
    assert a.equals(b)


def _faulty_small() -> Sample:
    if "s" not in _CACHE:
        _CACHE["s"] = anyang(seed=4, scale=0.05, routine_share=0.3)
    return _CACHE["s"]


def test_a_missing_daily_record_is_one_routine_gap(small_clean: Sample) -> None:
    r = small_clean.routines
    daily = r.filter(pl.col("routine") == "daily").sort("uscc", "period_start")
    victim = daily.row(100, named=True)
    tables = dict(small_clean.tables)
    tables["routines"] = r.filter(
        ~(
            (pl.col("uscc") == victim["uscc"])
            & (pl.col("routine") == "daily")
            & (pl.col("period_start") == victim["period_start"])
        )
    )
    result = audit(tables, small_clean.policy, small_clean.as_of)
    assert result.keys("routine_gap") == {f"{victim['uscc']}/daily"}
    assert len(result) == 1


@pytest.mark.parametrize("routine", ["weekly", "monthly"])
def test_a_record_off_its_period_start_does_not_count(small_clean: Sample, routine: str) -> None:
    # a weekly report dated a Tuesday or a monthly minute dated the 2nd (a raw frame, not a
    # validated ledger) fills no period: its business shows one gap of that routine
    r = small_clean.routines
    victim = r.filter(pl.col("routine") == routine).sort("uscc", "period_start").row(3, named=True)
    hit = (
        (pl.col("uscc") == victim["uscc"])
        & (pl.col("routine") == routine)
        & (pl.col("period_start") == victim["period_start"])
    )
    tables = dict(small_clean.tables)
    tables["routines"] = r.with_columns(
        pl.when(hit)
        .then(pl.col("period_start") + dt.timedelta(days=1))
        .otherwise(pl.col("period_start"))
        .alias("period_start")
    )
    result = audit(tables, small_clean.policy, small_clean.as_of)
    assert result.keys("routine_gap") == {f"{victim['uscc']}/{routine}"}
    assert len(result) == 1


def test_a_late_problem_without_follow_up_is_found(small_clean: Sample) -> None:
    v = small_clean.visits
    first = v.filter(pl.col("follow_up_of").is_null()).row(0, named=True)
    old = small_clean.as_of - dt.timedelta(days=small_clean.policy.follow_up_days + 1)
    fresh = small_clean.as_of - dt.timedelta(days=small_clean.policy.follow_up_days)
    extra = pl.DataFrame(
        {
            "visit_id": ["TEST-OLD", "TEST-FRESH"],
            "date": [old, fresh],
            "cadre_id": [first["cadre_id"]] * 2,
            "uscc": [first["uscc"]] * 2,
            "problems": [["过期食品"], ["过期食品"]],
        }
    )
    tables = dict(small_clean.tables)
    tables["visits"] = pl.concat([v, extra], how="diagonal")
    result = audit(tables, small_clean.policy, small_clean.as_of)
    # the fresh one's deadline has not passed yet
    assert result.keys("problem_without_follow_up") == {"TEST-OLD"}


def test_no_cap_means_no_overload_findings(full: Sample) -> None:
    data = full.policy.model_dump(mode="json")
    data["load_cap"] = {}
    uncapped = type(full.policy).model_validate(data)
    assert audit(full.tables, uncapped, full.as_of).counts()["cadre_overloaded"] == 0


@settings(max_examples=40, deadline=None)
@given(
    left=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from("xyz")), max_size=20
    ),
    right=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from("xyz")), max_size=8
    ),
)
def test_pair_codes_equal_the_plain_join(
    left: list[tuple[str | None, str]], right: list[tuple[str, str]]
) -> None:
    from foodsafety.engines.audit._codes import pair_codes

    lf = pl.DataFrame(
        {"uscc": [x[0] for x in left], "cadre_id": [x[1] for x in left]},
        schema={"uscc": pl.Utf8, "cadre_id": pl.Utf8},
    )
    rf = pl.DataFrame(
        {"uscc": [x[0] for x in right], "cadre_id": [x[1] for x in right]},
        schema={"uscc": pl.Utf8, "cadre_id": pl.Utf8},
    ).unique(maintain_order=True)
    ours = pair_codes(lf, rf).tolist()
    plain = lf.join(
        rf.with_row_index("i"), on=["uscc", "cadre_id"], how="left", maintain_order="left"
    )
    assert ours == plain["i"].fill_null(-1).to_list()


def test_sparse_visit_counting_gives_the_same_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import foodsafety.engines.audit.checks.visits as engine

    sample = _faulty_small()
    dense = audit(sample.tables, sample.policy, sample.as_of).frame
    monkeypatch.setattr(engine, "DENSE_LIMIT", 0)
    sparse = audit(sample.tables, sample.policy, sample.as_of).frame
    assert sparse.equals(dense)
    assert sparse.filter(kind="visit_overdue").height > 0


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from(["a", "b", "c", "d", "e", None]), max_size=30),
    keys=st.lists(st.sampled_from(["a", "b", "c", None]), max_size=8),
)
def test_integer_codes_equal_a_plain_lookup(
    values: list[str | None], keys: list[str | None]
) -> None:
    from foodsafety.engines.audit._codes import lookup_runs
    from foodsafety.ledger._keys import KeyIndex, encode

    vs = pl.Series("v", values, dtype=pl.Utf8)
    ks = KeyIndex(pl.Series("k", keys, dtype=pl.Utf8))
    first = {k: i for i, k in reversed(list(enumerate(keys))) if k is not None}
    found = [first.get(v) if v is not None else None for v in values]
    assert ks.rows(vs).to_list() == found
    assert lookup_runs(vs, ks).to_list() == found
    assert ks.absent(vs).to_list() == [v is not None and v not in first for v in values]
    for codes in (encode(vs, ks).to_list(),):
        for value, code in zip(values, codes, strict=True):
            if value is None:
                assert code is None
            elif value in first:
                assert code == first[value]  # the first row of the key
            else:
                assert code is not None and code >= len(keys)
        # equal values share a code, different values never do
        pairs = {(v, c) for v, c in zip(values, codes, strict=True) if v is not None}
        assert len(pairs) == len({v for v, _ in pairs}) == len({c for _, c in pairs})


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    keep=st.fixed_dictionaries(
        {
            t: st.sampled_from([1.0, 0.97, 0.9])
            for t in ("cadres", "assignments", "pledges", "visits", "routines")
        }
    ),
    moved=st.booleans(),
    coarse=st.booleans(),
)
def test_audit_equals_the_naive_loop_of_the_benchmark(
    seed: int, keep: dict[str, float], moved: bool, coarse: bool
) -> None:
    # the benchmark's baseline (the same rules as a plain loop over pydantic records) is an
    # independent implementation: on a faulty sample with rows dropped at random (cadres and
    # businesses that others name go missing, histories get gaps, periods lose visits) and
    # shuffled, both must find the same keys of every kind
    import sys

    # the benchmark scripts import their shared helpers (bench/_phases.py) as run from bench/
    bench = str(Path(__file__).resolve().parents[1] / "bench")
    if bench not in sys.path:
        sys.path.append(bench)
    from bench.audit import naive_audit

    from foodsafety.ledger import Ledger

    sample = _faulty_small()
    tables = {
        name: frame.sample(fraction=keep.get(name, 1.0), shuffle=True, seed=seed)
        for name, frame in sample.tables.items()
    }
    # the routine records of 25 businesses (pydantic records of all of them take too long)
    some = tables["routines"]["uscc"].unique().sort().head(25).implode()
    tables["routines"] = tables["routines"].filter(pl.col("uscc").is_in(some))
    if moved:  # some daily records a day on: repeated days, and gaps (records of other
        # routines must start on a Monday or the 1st to be valid records)
        tables["routines"] = tables["routines"].with_columns(
            pl.when((pl.int_range(pl.len()) % 5 == 0) & (pl.col("routine") == "daily"))
            .then(pl.col("period_start") + dt.timedelta(days=1))
            .otherwise(pl.col("period_start"))
            .alias("period_start")
        )
    if coarse:  # village codes known by their township only, as real ledgers hold them
        for name in ("cadres", "businesses"):
            tables[name] = tables[name].with_columns(
                pl.when(
                    (pl.int_range(pl.len()) % 3 == 0)
                    & (pl.col("jurisdiction").str.len_chars() == 12)
                )
                .then(pl.col("jurisdiction").str.slice(0, 9))
                .otherwise(pl.col("jurisdiction"))
                .alias("jurisdiction")
            )
    ledger = Ledger.from_frames(**tables)
    records = {name: list(ledger.to_records(name)) for name in tables}
    naive = naive_audit(records, sample.policy, sample.as_of)
    fast = audit(tables, sample.policy, sample.as_of)
    for kind in FINDING_KINDS:
        assert set(fast.keys(kind)) == naive.get(kind, set()), kind


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.text("abcdef", min_size=1, max_size=3), min_size=40, max_size=60, unique=True),
    runs=st.lists(
        st.tuples(
            st.one_of(st.none(), st.text("abcdefg", min_size=1, max_size=3)), st.integers(4, 12)
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_runs_of_few_values_are_looked_up_like_one_by_one(
    keys: list[str], runs: list[tuple[str | None, int]]
) -> None:
    # long runs take the run-by-run path: one lookup a run, spread over the run's rows
    from foodsafety.engines.audit._codes import lookup_runs
    from foodsafety.ledger._keys import KeyIndex

    values = [v for v, n in runs for _ in range(n)]
    vs = pl.Series("v", values, dtype=pl.Utf8)
    ks = KeyIndex(pl.Series("k", keys, dtype=pl.Utf8))
    codes = lookup_runs(vs, ks).to_list()
    assert codes == ks.rows(vs).to_list()
    assert codes == [keys.index(v) if v in keys else None for v in values]


def test_hash_collisions_change_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    # the key lookups go through a 64-bit hash; with a hash of three values (collisions
    # everywhere) every lookup must take its exact fallback and the findings stay the same
    import foodsafety.ledger._keys as engine

    sample = _faulty_small()
    expected = audit(sample.tables, sample.policy, sample.as_of).frame
    monkeypatch.setattr(engine, "hash_values", lambda values: values.hash(seed=1) % 3)
    assert audit(sample.tables, sample.policy, sample.as_of).frame.equals(expected)


def test_hashes_alike_in_their_top_bits_change_no_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # hashes that differ only in their 20 low bits: the hash tables, which slot keys by their
    # top bits first, must go many levels down (and still find every key)
    import foodsafety.ledger._keys as engine

    sample = _faulty_small()
    expected = audit(sample.tables, sample.policy, sample.as_of).frame
    monkeypatch.setattr(engine, "hash_values", lambda values: values.hash(seed=1) & 0xFFFFF)
    assert audit(sample.tables, sample.policy, sample.as_of).frame.equals(expected)
    assert expected.height > 0


def _spy_on_run_counting(patch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each call of the run-by-run routine count took the data (True) or declined."""
    import foodsafety.engines.audit.checks.routines as engine

    taken: list[bool] = []
    fast = engine._kept_in_sorted_runs

    def spy(*args: Any) -> Any:
        kept = fast(*args)
        taken.append(kept is not None)
        return kept

    patch.setattr(engine, "_kept_in_sorted_runs", spy)
    return taken


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    keep=st.sampled_from([1.0, 0.99, 0.8]),
    reopen=st.booleans(),
)
def test_sorted_routine_runs_count_like_record_by_record(
    seed: int, keep: float, reopen: bool
) -> None:
    # routine records in their usual order (each business's records of a routine together,
    # by date) are counted run by run with binary searches, a slice of records at a time;
    # forcing the record-by-record path must give the same findings, with records dropped
    # at random (gaps inside runs) and businesses opened or closed inside the window
    # (windows shorter than the year)
    import foodsafety.engines.audit.checks.routines as engine

    sample = _faulty_small()
    tables = dict(sample.tables)
    tables["routines"] = sample.routines.filter(
        pl.int_range(pl.len()).shuffle(seed=seed) < int(keep * sample.routines.height)
    ).sort(pl.int_range(pl.len()))  # the order kept: a filter, not a shuffle
    if reopen:
        b = sample.businesses
        offset = pl.duration(days=pl.int_range(pl.len()) % 200)
        tables["businesses"] = b.with_columns(
            pl.when(pl.int_range(pl.len()) % 3 == 0)
            .then(pl.lit(sample.as_of - dt.timedelta(days=360)) + offset)
            .otherwise(pl.col("opened"))
            .alias("opened"),
            pl.when(pl.int_range(pl.len()) % 3 == 1)
            .then(pl.lit(sample.as_of - dt.timedelta(days=200)) + offset)
            .otherwise(pl.col("closed"))
            .alias("closed"),
        )
    with pytest.MonkeyPatch.context() as patch:
        taken = _spy_on_run_counting(patch)
        by_runs = audit(tables, sample.policy, sample.as_of).frame
        # in slices of 997 records: cut where runs start, runs longer than a slice whole
        patch.setattr(engine, "SLICE", 997)
        by_slices = audit(tables, sample.policy, sample.as_of).frame
    assert taken == [True, True]
    assert by_slices.equals(by_runs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "_kept_in_sorted_runs", lambda *args: None)
        by_records = audit(tables, sample.policy, sample.as_of).frame
    assert by_runs.equals(by_records)
    assert by_runs.filter(kind="routine_gap").height > 0


def test_findings_do_not_depend_on_which_thread_finishes_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the visit checks run on a second thread: done before the rest (parallel=False: in the
    # calling thread) or long after it (the worker held back), the findings are the same
    import time
    from concurrent.futures import Future, ThreadPoolExecutor

    import foodsafety.engines.audit._engine as engine

    sample = _faulty_small()
    expected = audit(sample.tables, sample.policy, sample.as_of)
    at_once = audit(sample.tables, sample.policy, sample.as_of, parallel=False)
    assert at_once.frame.equals(expected.frame)
    assert at_once.coverage.equals(expected.coverage)

    class Late(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            def later(*a: Any) -> Any:
                time.sleep(0.2)
                return fn(*a)

            return super().submit(later, *args)

    monkeypatch.setattr(engine, "ThreadPoolExecutor", Late)
    late = audit(sample.tables, sample.policy, sample.as_of)
    assert late.frame.equals(expected.frame)
    assert late.coverage.equals(expected.coverage)


def test_an_error_on_the_second_thread_reaches_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import attrs

    from foodsafety.engines.audit import _check

    def broken(*args: Any) -> Any:
        raise RuleError("a visit check failed", field="visits", value=None)

    check = _check._REGISTRY["visit_overdue"]
    assert check.concurrent  # runs on the second thread
    monkeypatch.setitem(_check._REGISTRY, "visit_overdue", attrs.evolve(check, function=broken))
    sample = _faulty_small()
    for parallel in (True, False):
        with pytest.raises(RuleError, match="a visit check failed"):
            audit(sample.tables, sample.policy, sample.as_of, parallel=parallel)


def test_a_routine_split_in_two_runs_is_counted_record_by_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the first 50 records moved to the end: a (business, routine) now has two runs, which
    # the run-by-run count cannot add up without counting a period twice; it declines

    sample = _faulty_small()
    r = sample.routines
    tables = dict(sample.tables, routines=pl.concat([r.slice(50), r.head(50)]))
    taken = _spy_on_run_counting(monkeypatch)
    split = audit(tables, sample.policy, sample.as_of).frame
    assert taken == [False]
    assert split.equals(audit(sample.tables, sample.policy, sample.as_of).frame)


def test_a_ledger_of_assignments_without_businesses_audits(small_clean: Sample) -> None:
    """No business at all (a dataset's partition of province cadres): no crash, and no
    business-level finding."""
    tables = {"cadres": small_clean.cadres, "assignments": small_clean.assignments}
    result = audit(tables, small_clean.policy, small_clean.as_of)
    assert result.coverage.height == 0
    assert not result.frame.filter(pl.col("uscc").is_not_null()).height


def test_a_ledger_of_visits_without_assignments_audits(small_clean: Sample) -> None:
    """Visits and businesses but no assignment (a ledger exported in parts): every open
    business is unpaired, and no visit counts for a pairing."""
    tables = {k: v for k, v in small_clean.tables.items() if k != "assignments"}
    result = audit(tables, small_clean.policy, small_clean.as_of)
    n_open = result.coverage.height
    assert n_open and result.counts()["unpaired"] == n_open
    assert result.counts()["visit_overdue"] == 0
