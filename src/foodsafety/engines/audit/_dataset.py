"""The audit of a partitioned dataset (分区核查): partition by partition, in bounded memory.

:func:`audit_dataset` gives the same :class:`AuditResult` as :func:`audit` on the whole ledger,
while holding one partition at a time (per worker). The dataset's layout
(:mod:`foodsafety.ledger.dataset`) puts every business's assignments, visits and routine
records in the business's partition, so a check sees in the partition all it needs, but for
cadres of other partitions (a province cadre, one paired across a city line) and loads that
span partitions. Those take a small global part:

1. **The cadre directory**: the cadres' audit columns over every partition (2.5 million
   rows at national scale, about 200 MB), read once per process. A cadre id held by two
   partitions is a :class:`~foodsafety.errors.BulkValidationError` (``key.duplicate``).
2. **One job per partition**: the partition's tables, with the cadres its assignments and
   visits name from other partitions appended from the directory; every check but those of
   scope ``"cadres"``. A finding about a cadre alone (pledges, lists) is kept by the
   cadre's own partition only. The job returns its findings, its coverage rows, its cadres'
   loads in the partition and the 64-bit hashes of its USCCs.
3. **Once, after the partitions**: a USCC held by two partitions is a
   ``BulkValidationError``; the loads are summed per cadre; the checks of scope
   ``"cadres"`` (``cadre_overloaded``) run on a context of every cadre with those sums.

The findings are concatenated and sorted as :func:`audit` sorts them; the coverage rows come
partition by partition, in partition order.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

import attrs

from foodsafety._memory import release_freed_heap
from foodsafety.engines.audit._check import Check, CheckFailure
from foodsafety.engines.audit._context import AUDIT_COLUMNS, AuditContext
from foodsafety.engines.audit._engine import (
    InTurn,
    audit_window,
    finding_schema,
    plan_columns,
    planned_checks,
    run_checks,
)
from foodsafety.engines.audit._frames import np, pl
from foodsafety.engines.audit._result import AuditResult
from foodsafety.errors import LoadError, Problem, ProblemReport
from foodsafety.ledger._keys import KeyIndex, hash_values
from foodsafety.ledger.dataset import MANIFEST, NO_PARTITION, Dataset, open_dataset

if TYPE_CHECKING:
    import numpy.typing as npt

    from foodsafety.rules.pairing_policy import PairingPolicy

__all__ = ["audit_dataset"]


def _directory_columns(plan: list[tuple[Check, Any]]) -> tuple[str, ...]:
    extra = plan_columns(plan).get("cadres", ())
    return tuple(dict.fromkeys((*AUDIT_COLUMNS["cadres"], *extra)))


_DIRECTORIES: dict[tuple[str, float, tuple[str, ...]], pl.DataFrame] = {}
_DIRECTORY_LOCK = threading.Lock()


def _directory(dataset: Dataset, columns: tuple[str, ...]) -> pl.DataFrame:
    """Every cadre's audit columns and partition (``p``), read once per process and dataset."""
    key = (str(dataset.path), (dataset.path / MANIFEST).stat().st_mtime, columns)
    with _DIRECTORY_LOCK:
        found = _DIRECTORIES.get(key)
        if found is None:
            found = (
                dataset.scan("cadres", list(columns))
                .with_columns(dataset.partition_column().alias("p"))
                .drop(list(dataset.partition_by))
                .collect()
            )
            _DIRECTORIES.clear()  # one dataset at a time: the directory of the last one
            _DIRECTORIES[key] = found
        return found


@attrs.frozen(slots=True)
class _Part:
    """What one partition's job returns."""

    frame: pl.DataFrame
    coverage: pl.DataFrame
    failures: tuple[CheckFailure, ...]
    loads: pl.DataFrame  # cadre_id, load: the assignments in force on its open businesses
    uscc_hashes: npt.NDArray[np.uint64]


def _cadres_alone(foreign: pl.Series) -> pl.Expr:
    """Findings about one of ``foreign`` and no business: another partition reports them."""
    out: pl.Expr = (
        pl.col("uscc").is_null() & pl.col("cadre_id").is_in(foreign.implode())
    ).fill_null(False)
    return out


def _audit_part(
    dataset: Dataset,
    partition: str,
    policy: PairingPolicy,
    as_of: dt.date,
    since: dt.date,
    parallel: bool,
) -> _Part:
    """One partition: its tables, foreign cadres appended, every check of partition scope."""
    full = planned_checks(policy)
    plan = [(c, p) for c, p in full if _scope(c) != "cadres"]
    extra = plan_columns(full)
    tables: dict[str, pl.DataFrame] = {}
    for table, base in AUDIT_COLUMNS.items():
        cols = list(dict.fromkeys((*base, *extra.get(table, ()))))
        tables[table] = dataset.read(table, partition, cols)
    b, a, v = tables["businesses"], tables["assignments"], tables["visits"]
    home = tables["cadres"]
    foreign_ids = _not_among(pl.concat([a["cadre_id"], v["cadre_id"]]), home["cadre_id"])
    if foreign_ids.len():
        directory = _directory(dataset, _directory_columns(full))
        foreign = directory.filter(pl.col("cadre_id").is_in(foreign_ids.implode()))
        tables["cadres"] = pl.concat([home, foreign.select(home.columns)], how="vertical")
    result, ctx = run_checks(tables, policy, as_of, since, plan, parallel=parallel)
    if partition != NO_PARTITION:
        _check_layout(dataset, partition, ctx)
    frame = result.frame
    if foreign_ids.len():
        frame = frame.filter(~_cadres_alone(foreign_ids))
    load = ctx.cadre_loads()
    loads = pl.DataFrame(
        {"cadre_id": ctx.cadres["cadre_id"], "load": pl.Series(load, dtype=pl.Int64)}
    ).filter(pl.col("load") > 0)
    return _Part(
        frame=frame,
        coverage=result.coverage,
        failures=result.failures,
        loads=loads,
        uscc_hashes=hash_values(b["uscc"]).to_numpy(),
    )


def _not_among(values: pl.Series, keys: pl.Series) -> pl.Series:
    """The distinct non-null ``values`` that are not ``keys``, exactly.

    Through the keys' hash index, each value compared with the key its hash points at (a
    string ``unique`` of the visits' cadre ids cost twice as much).
    """
    present = values.drop_nulls()
    out: pl.Series = present.filter(KeyIndex(keys).rows(present).is_null()).unique().sort()
    return out


def _scope(check: Check) -> str:
    return str(getattr(check, "scope", "partition"))


def _check_layout(dataset: Dataset, partition: str, ctx: AuditContext) -> None:
    """Every assignment of a partition is about one of its businesses (free: the context's
    codes say so). The dataset writer guarantees it of the visits and routine records too;
    checking them here again cost half a second a million businesses.
    """
    counts = {"assignments": int((ctx.assignments["bi"] >= ctx.n_businesses).sum())}
    strays = [(t, n) for t, n in counts.items() if n]
    if strays:
        where = ", ".join(f"{n} {t}" for t, n in strays)
        raise LoadError(
            f"the partition {partition} of the dataset at {dataset.path} holds rows of "
            f"businesses it does not hold ({partition}: {where}); every assignment, visit and "
            "routine record must sit in its business's partition (write the dataset with "
            "write_dataset)",
            code="dataset.layout",
            source=str(dataset.path / strays[0][0] / partition),
            value=strays[0][1],
        )


def _duplicate_cadres(dataset: Dataset, directory: pl.DataFrame) -> list[Problem]:
    clash = (
        directory.group_by(pl.col("cadre_id").alias("key"))
        .agg(pl.col("p").unique().sort())
        .filter(pl.col("p").list.len() > 1)
    )
    return _clashes(dataset, "cadres", "Cadre", "cadre_id", clash)


def _duplicate_businesses(dataset: Dataset, parts: Sequence[_Part] | None = None) -> list[Problem]:
    """USCCs held by more than one partition: from the jobs' hashes, or (``None``) a scan."""
    if parts is None:
        scanned = dataset.scan("businesses", ["uscc"]).select(hash_values(pl.col("uscc")))
        hashes = np.sort(scanned.collect().to_series().to_numpy())
    else:
        hashes = np.sort(np.concatenate([p.uscc_hashes for p in parts]))
    twice = np.unique(hashes[1:][hashes[1:] == hashes[:-1]])
    if not len(twice):
        return []
    # the hashes only point at candidates: the strings settle it
    found = (
        dataset.scan("businesses", ["uscc"])
        .filter(hash_values(pl.col("uscc")).is_in(pl.Series(twice).implode()))
        .with_columns(dataset.partition_column().alias("p"))
        .collect()
    )
    clash = (
        found.group_by(pl.col("uscc").alias("key"))
        .agg(pl.col("p").unique().sort())
        .filter(pl.col("p").list.len() > 1)
    )
    return _clashes(dataset, "businesses", "Business", "uscc", clash)


def _clashes(
    dataset: Dataset, table: str, record: str, field: str, clash: pl.DataFrame
) -> list[Problem]:
    out = []
    for row in clash.sort("key").iter_rows(named=True):
        parts = ", ".join(row["p"])
        out.append(
            Problem(
                code="key.duplicate",
                message=f"{field} {row['key']!r} is in more than one partition ({parts})",
                message_zh=f"{field} {row['key']} 出现在多个分区（{parts}）",
                record=record,
                field=field,
                value=row["key"],
                source=str(dataset.path / table / row["p"][1]),
            )
        )
    return out


def audit_dataset(
    dataset: Dataset | str | os.PathLike[str],
    policy: PairingPolicy,
    as_of: dt.date | None = None,
    *,
    since: dt.date | None = None,
    executor: Executor | None = None,
    parallel: bool | None = None,
) -> AuditResult:
    """Audit a partitioned ledger (:func:`~foodsafety.ledger.dataset.write_dataset`) partition
    by partition: the same result as :func:`audit` on the whole ledger, in bounded memory.

    Args:
        dataset: a :class:`~foodsafety.ledger.dataset.Dataset` or its folder.
        policy, as_of, since: as for :func:`audit`.
        executor: runs the per-partition jobs: any :class:`concurrent.futures.Executor`. The
            default runs them in this process, one at a time, so that one partition is in
            memory at once. A :class:`~concurrent.futures.ProcessPoolExecutor` uses the cores
            (give it ``mp_context=multiprocessing.get_context("spawn")``: a forked child of a
            process whose polars threads are running can hang); a Dask
            ``Client.get_executor()`` runs the jobs on a cluster whose workers can read the
            dataset's folder. Checks you registered must be registered in the workers too
            (register them in a module the workers import).
        parallel: each partition's audit runs its heavy visit checks on a second thread, as
            :func:`audit` does; by default on when ``executor`` is ``None`` and off otherwise
            (the executor keeps the cores busy already).

    Returns:
        An :class:`AuditResult` equal to :func:`audit`'s on the whole ledger: the same
        findings, sorted by kind and key, the same checks and failures; the coverage rows are
        in partition order.

    Raises:
        BulkValidationError: a USCC or a cadre id is held by more than one partition (code
            ``key.duplicate``; every clash is in the report).
        LoadError: a partition holds assignments, visits or routine records of businesses
            it does not hold (``dataset.layout``: the dataset was not written by
            :func:`~foodsafety.ledger.dataset.write_dataset`).
        RuleError, AuditError: as for :func:`audit`.
    """
    ds = dataset if isinstance(dataset, Dataset) else open_dataset(dataset)
    as_of, since = audit_window(as_of, since)
    plan = planned_checks(policy)  # a bad checks: section fails here, before any job
    if not ds.partitions:  # an empty dataset audits as an empty ledger
        return run_checks({}, policy, as_of, since, plan)[0]
    directory = _directory(ds, _directory_columns(plan))
    report = ProblemReport(_duplicate_cadres(ds, directory))
    if not report.ok:  # every clash at once: the businesses' too, before any job
        report.extend(_duplicate_businesses(ds))
        report.raise_if_any(f"the dataset at {ds.path}")
    pool: Executor = executor if executor is not None else InTurn()
    threads = executor is None if parallel is None else parallel
    jobs = [pool.submit(_audit_part, ds, p, policy, as_of, since, threads) for p in ds.partitions]
    done: list[_Part] = []
    for job in jobs:
        done.append(job.result())
        release_freed_heap()
    report.extend(_duplicate_businesses(ds, done))
    report.raise_if_any(f"the dataset at {ds.path}")
    frames = [d.frame for d in done]
    coverage = pl.concat([d.coverage for d in done], how="vertical")
    failures = tuple(dict.fromkeys(f for d in done for f in d.failures))
    all_loads = [d.loads for d in done]
    del done  # the findings are sorted next, a column at a time, letting the parts go
    across = [(c, p) for c, p in plan if _scope(c) == "cadres"]
    if across:
        loads = (
            pl.concat([_no_loads(), *all_loads], how="vertical")
            .group_by("cadre_id")
            .agg(pl.col("load").sum())
        )
        cadres = {"cadres": directory.drop("p")}
        frames.append(run_checks(cadres, policy, as_of, since, across, shared_loads=loads)[0].frame)
    frame = _sorted_findings(frames)
    return AuditResult(
        frame=frame,
        coverage=coverage,
        policy=policy,
        as_of=as_of,
        since=since,
        checks=tuple(c.name for c, _ in plan),
        failures=failures,
    )


def _sorted_findings(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The findings of all partitions sorted by kind and key, as :func:`audit` sorts them.

    Gathered a column at a time, each source column let go once gathered: a sort of the
    whole frame holds two copies of two million findings' messages at once.
    """
    whole = pl.concat([pl.DataFrame(schema=finding_schema()), *frames], how="vertical")
    frames.clear()
    order = whole.select(pl.arg_sort_by("kind", "key")).to_series()
    columns: list[pl.Series] = []
    for name in whole.columns:
        columns.append(whole.get_column(name).gather(order))
        whole = whole.drop(name)
    return pl.DataFrame(columns)


def _no_loads() -> pl.DataFrame:
    return pl.DataFrame(schema={"cadre_id": pl.Utf8, "load": pl.Int64})
