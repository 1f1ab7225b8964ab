"""The engine: pick the checks a policy enables, run them over one context, assemble the result."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic

from foodsafety.engines.audit._check import Check, CheckFailure, FunctionCheck, registered_checks
from foodsafety.engines.audit._context import AuditContext, AuditInput, build_context
from foodsafety.engines.audit._frames import FINDING_SCHEMA, area, pl, polars_dtype
from foodsafety.engines.audit._result import AuditResult
from foodsafety.errors import AuditError, RuleError
from foodsafety.rules.pairing_policy import default_since

if TYPE_CHECKING:
    from foodsafety.rules.pairing_policy import PairingPolicy

__all__ = ["CheckFailedWarning", "audit", "planned_checks"]

_T = TypeVar("_T")


class CheckFailedWarning(UserWarning):
    """A check a user registered raised; the audit went on without its findings.

    The failure is in :attr:`AuditResult.failures` with the check's name and the error.
    """


class InTurn(Executor):
    """An executor that runs each job in the calling thread when its result is asked for.

    The audit's one-thread mode (``parallel=False``), and a dataset audit's default: one
    partition in memory at a time.
    """

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
            except Exception as exc:  # held, as a thread's future holds it
                self.set_exception(exc)
        return super().result(timeout)


def _is_builtin(check: Check) -> bool:
    return isinstance(check, FunctionCheck) and check.builtin


def _params(check: Check, setting: Any) -> Any:
    """The check's parameters from its ``checks:`` entry, validated by its model."""
    if check.params is None:
        return None
    if isinstance(setting, check.params):
        return setting
    given = setting if isinstance(setting, Mapping) else {}
    try:
        return check.params.model_validate(dict(given))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise RuleError(
            f"checks.{check.name}.{where}: {first['msg']} (got {first.get('input')!r})",
            field=f"checks.{check.name}.{where}",
            value=first.get("input"),
        ) from None


def planned_checks(policy: PairingPolicy) -> list[tuple[Check, Any]]:
    """The checks an audit under ``policy`` runs, in order, each with its parameters.

    Raises:
        RuleError: the policy's ``checks:`` names a check that is not registered, or gives
            a check parameters its model rejects.
    """
    checks = registered_checks()
    unknown = [name for name in policy.checks.names() if name not in checks]
    if unknown:
        raise RuleError(
            f"policy {policy.name!r} turns on check(s) {', '.join(map(repr, unknown))}, which "
            f"are not registered (registered: {', '.join(checks)}); register a check with "
            "@audit_check before auditing",
            field="checks",
            value=unknown[0],
        )
    plan: list[tuple[Check, Any]] = []
    for name, check in checks.items():
        setting = policy.checks.setting(name)
        if setting is False:
            continue
        on = setting is not None if check.optional else check.enabled(policy)
        if on:
            plan.append((check, _params(check, setting)))
    return plan


def _finish(frame: pl.DataFrame, check: Check, policy: PairingPolicy) -> pl.DataFrame:
    """Fill the common columns of a check's findings and order the columns."""
    stray = [c for c in frame.columns if c not in FINDING_SCHEMA]
    if stray:
        raise TypeError(f"returned columns that findings do not have: {', '.join(stray)}")
    if "kind" not in frame.columns:
        if len(check.kinds) != 1:
            raise TypeError("reports several kinds, so its rows need a 'kind' column")
        frame = frame.with_columns(pl.lit(next(iter(check.kinds))).alias("kind"))
    undeclared = set(frame["kind"].unique().to_list()) - set(check.kinds)
    if undeclared:
        raise TypeError(f"returned kinds it does not declare: {', '.join(map(str, undeclared))}")
    severity = {k: fk.severity.code for k, fk in check.kinds.items()}
    fill = {
        "severity": pl.col("kind").replace_strict(severity, return_dtype=pl.Utf8),
        "clause": pl.lit(check.clause),
        "rule": pl.lit(policy.name),
        "effective": pl.lit(policy.effective, dtype=pl.Date),
    }
    cols = [
        fill[col].alias(col) if col in fill else pl.lit(None, dtype=polars_dtype(t)).alias(col)
        for col, t in FINDING_SCHEMA.items()
        if col not in frame.columns
    ]
    out: pl.DataFrame = frame.with_columns(cols).select(
        pl.col(c).cast(polars_dtype(t)) for c, t in FINDING_SCHEMA.items()
    )
    return out


def _run(check: Check, ctx: AuditContext, params: Any) -> pl.DataFrame | CheckFailure:
    """One check's finished findings; a user check's error becomes a :class:`CheckFailure`."""
    try:
        return _finish(check.run(ctx, params), check, ctx.policy)
    except RuleError:
        raise
    except pl.exceptions.PanicException as exc:  # a BaseException: no `except Exception` sees it
        if _is_builtin(check):
            raise AuditError(
                f"the audit check {check.name!r} failed inside polars: {exc}",
                operation=f"the audit check {check.name!r}",
                field=check.name,
                code="compute.panic",
            ) from exc
        failure = CheckFailure(check=check.name, error="PanicException", message=str(exc))
    except Exception as exc:
        if _is_builtin(check):
            raise
        failure = CheckFailure(check=check.name, error=type(exc).__name__, message=str(exc))
    warnings.warn(str(failure), CheckFailedWarning, stacklevel=4)
    return failure


def _coverage(ctx: AuditContext) -> pl.DataFrame:
    """One row per open business: its areas, wanted level, and the coverage flags."""
    ob = ctx.open_rows
    out: pl.DataFrame = (
        ctx.businesses.select("uscc", "jurisdiction", "want")
        .filter(pl.Series(ctx.open_mask))
        .select(
            "uscc",
            area(pl.col("jurisdiction"), "city").alias("city"),
            area(pl.col("jurisdiction"), "county").alias("county"),
            area(pl.col("jurisdiction"), "township").alias("township"),
            pl.col("want").fill_null("untiered").alias("level"),
            pl.Series("paired", ctx.paired_mask[ob]),
            pl.Series("mismatched", ctx.marked("mismatched")[ob]),
            pl.Series("overdue", ctx.marked("overdue")[ob]),
        )
    )
    return out


def audit_window(as_of: dt.date | None, since: dt.date | None) -> tuple[dt.date, dt.date]:
    """The audit date (default today) and the window's start (default a year before)."""
    as_of = as_of or dt.date.today()
    since = since or default_since(as_of)
    if since >= as_of:
        raise RuleError(
            f"the audit window must start before as_of (since {since}, as_of {as_of})",
            field="since",
            value=since,
        )
    return as_of, since


def _context(
    ledger: AuditInput,
    policy: PairingPolicy,
    as_of: dt.date,
    since: dt.date,
    pool: Executor,
    extra: dict[str, tuple[str, ...]],
    shared_loads: pl.DataFrame | None = None,
) -> AuditContext:
    """:func:`build_context`, with a polars panic turned into an :class:`AuditError`."""
    try:
        return build_context(ledger, policy, as_of, since, pool, extra, shared_loads)
    except pl.exceptions.PanicException as exc:  # a BaseException
        raise AuditError(
            f"coding the ledger for the audit failed inside polars: {exc}",
            operation="coding the ledger for the audit",
            field="context",
            code="compute.panic",
        ) from exc


def plan_columns(plan: list[tuple[Check, Any]]) -> dict[str, tuple[str, ...]]:
    """The columns beyond :data:`AUDIT_COLUMNS` that the planned checks read, per table."""
    extra: dict[str, tuple[str, ...]] = {}
    for check, _ in plan:
        for table, cols in getattr(check, "columns", {}).items():
            extra[table] = (*extra.get(table, ()), *cols)
    return extra


def audit(
    ledger: AuditInput,
    policy: PairingPolicy,
    as_of: dt.date | None = None,
    *,
    since: dt.date | None = None,
    parallel: bool = True,
) -> AuditResult:
    """Audit a pairing ledger against a policy (包保台账核查).

    Args:
        ledger: a :class:`foodsafety.ledger.Ledger`, a :class:`foodsafety.samples.Sample`, or a
            mapping of table name → polars DataFrame (missing tables are empty).
        policy: the pairing policy to apply: its rules turn the core checks on, its
            ``checks:`` section the optional ones (and core ones off).
        as_of: the audit date (default today); a period or deadline counts when it ended on or
            before it.
        since: the start of the window for visit and routine periods (default one year
            before ``as_of``).
        parallel: run the heavy visit checks on one extra thread while the calling thread does
            the rest (the default; about a quarter faster on two cores); ``False`` runs
            everything on the calling thread. The result is the same either way.

    Returns:
        The findings (each kind's rule is in the package docstring and the pairing docs), the
        coverage table, the checks that ran and any user check that failed.

    Raises:
        RuleError: ``since`` is not before ``as_of``, or the policy's ``checks:`` names an
            unregistered check or gives invalid parameters.
        AuditError: a check shipped with the library failed inside polars.
    """
    as_of, since = audit_window(as_of, since)
    return run_checks(ledger, policy, as_of, since, planned_checks(policy), parallel=parallel)[0]


def run_checks(
    ledger: AuditInput,
    policy: PairingPolicy,
    as_of: dt.date,
    since: dt.date,
    plan: list[tuple[Check, Any]],
    *,
    parallel: bool = True,
    shared_loads: pl.DataFrame | None = None,
) -> tuple[AuditResult, AuditContext]:
    """Run planned checks over one ledger (the whole one, or a dataset's partition): the
    result, and the context the checks read."""
    pool: Executor = ThreadPoolExecutor(1, "foodsafety-audit") if parallel else InTurn()
    try:
        ctx = _context(ledger, policy, as_of, since, pool, plan_columns(plan), shared_loads)
        later = [pool.submit(_run, c, ctx, p) for c, p in plan if c.concurrent]
    finally:
        pool.shutdown(wait=False)  # the thread ends once the jobs given are done
    done = [_run(c, ctx, p) for c, p in plan if not c.concurrent]
    done += [job.result() for job in later]
    parts = [x for x in done if not isinstance(x, CheckFailure)]
    frame = pl.concat([pl.DataFrame(schema=finding_schema()), *parts]).sort("kind", "key")
    result = AuditResult(
        frame=frame,
        coverage=_coverage(ctx),
        policy=policy,
        as_of=as_of,
        since=since,
        checks=tuple(c.name for c, _ in plan),
        failures=tuple(x for x in done if isinstance(x, CheckFailure)),
    )
    return result, ctx


def finding_schema() -> dict[str, Any]:
    """The polars schema of the findings frame."""
    return {c: polars_dtype(t) for c, t in FINDING_SCHEMA.items()}
