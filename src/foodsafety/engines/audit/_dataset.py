"""The audit of a partitioned dataset (分区核查): partition by partition, in bounded memory.

:func:`audit_dataset` gives the same :class:`AuditResult` as :func:`audit` on the whole ledger,
while holding one partition at a time (per worker). The dataset's layout
(:mod:`foodsafety.ledger.dataset`) puts every business's assignments, visits and routine
records in the business's partition, so every check but one sees all it needs in the
partition. What crosses partitions is a small global pass first, over a few columns:

1. **Survey** (one job per partition): the cadre ids the partition holds, the 64-bit hashes
   of its USCCs, each cadre's load in the partition (assignments in force on open
   businesses), and the cadres its assignments and visits name that it does not hold.
2. **Between the passes**, in the caller's process: a USCC or a cadre id held by two
   partitions is a :class:`~foodsafety.errors.BulkValidationError` (``key.duplicate``, every
   clash at once); the loads are summed per cadre; the rows of the *foreign* cadres (a
   province cadre, or one paired across a city line) are read once, from the cadres scan.
3. **Audit** (one job per partition): the partition's tables with its foreign cadres
   appended, every planned check, and each home cadre's load over the whole dataset
   (:meth:`AuditContext.cadre_loads`). A finding about a cadre alone (no business: load,
   pledges, lists) is kept by the cadre's own partition only.

The findings are concatenated and sorted as :func:`audit` sorts them; the coverage rows come
partition by partition, in partition order.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from foodsafety.engines.audit._check import CheckFailure
from foodsafety.engines.audit._context import AUDIT_COLUMNS
from foodsafety.engines.audit._engine import (
    audit_window,
    finding_schema,
    plan_columns,
    planned_checks,
    run_plan,
)
from foodsafety.engines.audit._frames import np, pl
from foodsafety.engines.audit._result import AuditResult
from foodsafety.errors import LoadError, Problem, ProblemReport
from foodsafety.ledger._keys import hash_values
from foodsafety.ledger.dataset import NO_PARTITION, Dataset, open_dataset
from foodsafety.ledger.schema import polars_schema

if TYPE_CHECKING:
    import numpy.typing as npt

    from foodsafety.rules.pairing_policy import PairingPolicy

__all__ = ["audit_dataset"]

_T = TypeVar("_T")


class _InTurn(Executor):
    """Runs each job when its result is asked for: one partition in memory at a time."""

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        return _Deferred(fn, args, kwargs)


class _Deferred(Future[_T]):
    def __init__(self, fn: Callable[..., _T], args: tuple[Any, ...], kwargs: Any) -> None:
        super().__init__()
        self._job: tuple[Callable[..., _T], tuple[Any, ...], Any] | None = (fn, args, kwargs)

    def result(self, timeout: float | None = None) -> _T:
        if self._job is not None:
            fn, args, kwargs = self._job
            self._job = None
            try:
                self.set_result(fn(*args, **kwargs))
            except Exception as exc:
                self.set_exception(exc)
        return super().result(timeout)


@attrs.frozen(slots=True)
class _Survey:
    """What the global pass learns of one partition."""

    partition: str
    cadre_ids: pl.Series
    uscc_hashes: npt.NDArray[np.uint64]
    loads: pl.DataFrame  # cadre_id, load
    foreign: pl.Series  # cadre ids named by its assignments or visits, held elsewhere
    strays: dict[str, int]  # table -> rows whose business the partition does not hold


def _in_force(as_of: dt.date) -> pl.Expr:
    day = pl.lit(as_of, dtype=pl.Date)
    out: pl.Expr = (pl.col("valid_from") <= day) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to") > day)
    )
    return out


def _open(as_of: dt.date) -> pl.Expr:
    day = pl.lit(as_of, dtype=pl.Date)
    out: pl.Expr = (pl.col("opened").is_null() | (pl.col("opened") <= day)) & (
        pl.col("closed").is_null() | (pl.col("closed") > day)
    )
    return out


def _survey(dataset: Dataset, partition: str, as_of: dt.date) -> _Survey:
    """Phase 1 for one partition (runs in a worker: reads the partition's files itself)."""
    b = dataset.read("businesses", partition, ["uscc", "opened", "closed"])
    c = dataset.read("cadres", partition, ["cadre_id"])
    a = dataset.read("assignments", partition, ["uscc", "cadre_id", "valid_from", "valid_to"])
    v = dataset.read("visits", partition, ["uscc", "cadre_id"])
    r = dataset.read("routines", partition, ["uscc"])
    # the same count as the whole-ledger context's: in force on as_of, on an open business
    # the ledger holds
    open_b = b.filter(_open(as_of)).select("uscc")
    loads = (
        a.filter(_in_force(as_of).fill_null(False))
        .join(open_b, on="uscc", how="semi")
        .filter(pl.col("cadre_id").is_not_null())
        .group_by("cadre_id")
        .agg(pl.len().cast(pl.Int64).alias("load"))
    )
    named = pl.concat([a["cadre_id"], v["cadre_id"]]).drop_nulls().unique()
    foreign = named.filter(~named.is_in(c["cadre_id"].implode()))
    strays: dict[str, int] = {}
    if partition != NO_PARTITION:
        for table, frame in (("assignments", a), ("visits", v), ("routines", r)):
            n = frame.join(b, on="uscc", how="anti").height
            if n:
                strays[table] = n
    return _Survey(
        partition=partition,
        cadre_ids=c["cadre_id"],
        uscc_hashes=hash_values(b["uscc"]).to_numpy(),
        loads=loads,
        foreign=foreign,
        strays=strays,
    )


def _duplicates(dataset: Dataset, surveys: Sequence[_Survey]) -> ProblemReport:
    """Keys held by more than one partition (businesses by USCC, cadres by id), exactly."""
    report = ProblemReport()
    cadres = pl.concat(
        [s.cadre_ids.to_frame("key").with_columns(pl.lit(s.partition).alias("p")) for s in surveys]
    )
    clash = (
        cadres.group_by("key")
        .agg(pl.col("p").unique().sort(), pl.len().alias("n"))
        .filter(pl.col("p").list.len() > 1)
    )
    hashes = np.concatenate([s.uscc_hashes for s in surveys]) if surveys else np.array([])
    ordered = np.sort(hashes)
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    businesses = pl.DataFrame(schema={"key": pl.Utf8, "p": pl.List(pl.Utf8)})
    if len(twice):
        # the hashes only point at candidates: the strings settle it
        found = (
            dataset.scan("businesses", ["uscc"])
            .with_columns(
                pl.concat_str(
                    [pl.lit(f"{lv}=") + pl.col(lv) for lv in dataset.partition_by], separator="/"
                ).alias("p")
            )
            .filter(hash_values(pl.col("uscc")).is_in(pl.Series(twice).implode()))
            .collect()
        )
        businesses = (
            found.group_by(pl.col("uscc").alias("key"))
            .agg(pl.col("p").unique().sort())
            .filter(pl.col("p").list.len() > 1)
        )
    for table, record, field, frame in (
        ("businesses", "Business", "uscc", businesses),
        ("cadres", "Cadre", "cadre_id", clash),
    ):
        for row in frame.sort("key").iter_rows(named=True):
            parts = ", ".join(row["p"])
            report.add(
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
    return report


@attrs.frozen(slots=True)
class _Part:
    frame: pl.DataFrame
    coverage: pl.DataFrame
    failures: tuple[CheckFailure, ...]


def _audit_part(
    dataset: Dataset,
    partition: str,
    policy: PairingPolicy,
    as_of: dt.date,
    since: dt.date,
    loads: pl.DataFrame,
    foreign: pl.DataFrame,
    parallel: bool,
) -> _Part:
    """Phase 2 for one partition: every planned check, foreign cadres appended."""
    plan = planned_checks(policy)
    extra = plan_columns(plan)
    tables: dict[str, pl.DataFrame] = {}
    for table, base in AUDIT_COLUMNS.items():
        cols = list(dict.fromkeys((*base, *extra.get(table, ()))))
        tables[table] = dataset.read(table, partition, cols)
    if foreign.height:
        tables["cadres"] = pl.concat(
            [tables["cadres"], foreign.select(tables["cadres"].columns)], how="vertical"
        )
    result = run_plan(tables, policy, as_of, since, plan, parallel=parallel, shared_loads=loads)
    frame = result.frame
    if foreign.height:
        # a finding about a cadre alone belongs to the cadre's own partition
        elsewhere = pl.col("uscc").is_null() & pl.col("cadre_id").is_in(
            foreign["cadre_id"].implode()
        )
        frame = frame.filter(~elsewhere.fill_null(False))
    return _Part(frame, result.coverage, result.failures)


def audit_dataset(
    dataset: Dataset | str | os.PathLike[str],
    policy: PairingPolicy,
    as_of: dt.date | None = None,
    *,
    since: dt.date | None = None,
    executor: Executor | None = None,
    parallel: bool = False,
) -> AuditResult:
    """Audit a partitioned ledger (:func:`~foodsafety.ledger.dataset.write_dataset`) partition
    by partition: the same result as :func:`audit` on the whole ledger, in bounded memory.

    Args:
        dataset: a :class:`~foodsafety.ledger.dataset.Dataset` or its folder.
        policy, as_of, since: as for :func:`audit`.
        executor: runs the per-partition jobs: any :class:`concurrent.futures.Executor`. The
            default runs them in this process, one at a time, so that one partition is in
            memory at once. A :class:`~concurrent.futures.ProcessPoolExecutor` uses the cores
            (one partition per worker at a time); a Dask ``Client.get_executor()`` runs them
            on a cluster whose workers can read the dataset's folder. Checks you registered
            must be registered in the workers too (register them in a module the workers
            import).
        parallel: each partition's audit also runs its heavy visit checks on a second thread
            (as :func:`audit` does by default); off by default, as an executor usually keeps
            the cores busy already.

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
    pool: Executor = executor if executor is not None else _InTurn()
    parts = ds.partitions
    surveys = [job.result() for job in [pool.submit(_survey, ds, p, as_of) for p in parts]]
    _check_layout(ds, surveys)
    _duplicates(ds, surveys).raise_if_any(f"the dataset at {ds.path}")
    loads, foreign = _shared(ds, surveys)
    jobs = [
        pool.submit(
            _audit_part,
            ds,
            s.partition,
            policy,
            as_of,
            since,
            loads.get(s.partition, _no_loads()),
            foreign.get(s.partition, _no_cadres()),
            parallel,
        )
        for s in surveys
    ]
    done: list[_Part] = [job.result() for job in jobs]
    frame = pl.concat(
        [pl.DataFrame(schema=finding_schema()), *(d.frame for d in done)], how="vertical"
    ).sort("kind", "key")
    coverage = pl.concat([d.coverage for d in done], how="vertical") if done else None
    failures = tuple(dict.fromkeys(f for d in done for f in d.failures))
    return AuditResult(
        frame=frame,
        coverage=coverage if coverage is not None else _empty_coverage(),
        policy=policy,
        as_of=as_of,
        since=since,
        checks=tuple(c.name for c, _ in plan),
        failures=failures,
    )


def _check_layout(ds: Dataset, surveys: Sequence[_Survey]) -> None:
    strays = [(s.partition, t, n) for s in surveys for t, n in s.strays.items()]
    if strays:
        where = "; ".join(f"{p}: {n} {t}" for p, t, n in strays)
        raise LoadError(
            f"the dataset at {ds.path} holds rows outside their business's partition ({where}); "
            "every assignment, visit and routine record must sit in its business's partition "
            "(write the dataset with write_dataset)",
            code="dataset.layout",
            source=str(ds.path / strays[0][1] / strays[0][0]),
            value=strays[0][2],
        )


def _shared(
    ds: Dataset, surveys: Sequence[_Survey]
) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Per partition: its home cadres' loads over all partitions; the foreign cadres' rows."""
    home = pl.concat(
        [
            s.cadre_ids.to_frame("cadre_id").with_columns(pl.lit(s.partition).alias("p"))
            for s in surveys
        ]
    )
    totals = (
        pl.concat([s.loads for s in surveys])
        .group_by("cadre_id")
        .agg(pl.col("load").sum())
        .join(home, on="cadre_id", how="inner")
    )
    loads = {str(k[0]): f.drop("p") for k, f in totals.partition_by("p", as_dict=True).items()}
    wanted = pl.concat(
        [
            s.foreign.to_frame("cadre_id").with_columns(pl.lit(s.partition).alias("p"))
            for s in surveys
        ]
    )
    foreign: dict[str, pl.DataFrame] = {}
    if wanted.height:
        rows = (
            ds.scan("cadres")
            .select(list(polars_schema("cadres")))
            .join(wanted.lazy().select("cadre_id").unique(), on="cadre_id", how="semi")
            .collect()
        )
        needed = wanted.join(rows, on="cadre_id", how="inner")
        foreign = {
            str(k[0]): f.drop("p") for k, f in needed.partition_by("p", as_dict=True).items()
        }
    return loads, foreign


def _no_loads() -> pl.DataFrame:
    return pl.DataFrame(schema={"cadre_id": pl.Utf8, "load": pl.Int64})


def _no_cadres() -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema("cadres"))


def _empty_coverage() -> pl.DataFrame:
    schema = {
        "uscc": pl.Utf8,
        "city": pl.Utf8,
        "county": pl.Utf8,
        "township": pl.Utf8,
        "level": pl.Utf8,
        "paired": pl.Boolean,
        "mismatched": pl.Boolean,
        "overdue": pl.Boolean,
    }
    return pl.DataFrame(schema=schema)
