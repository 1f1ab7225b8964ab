"""What a check is (:class:`Check`), the kinds of finding it declares, and the registry of checks.

A check turns the audit's shared context (:class:`~foodsafety.engines.audit.AuditContext`)
into rows of :data:`~foodsafety.engines.audit.FINDING_SCHEMA`. It declares the finding kinds
it reports (each with a severity and zh/en labels), the policy clause it enforces, and the
parameters it takes; the engine runs the checks a policy enables and adds the common columns
(``severity``, ``rule``, ``effective``…).

Write one as a function with :func:`audit_check`::

    @audit_check(
        "county_yellow_card",
        kinds={"yellow_card": FindingKind(Severity.MINOR, "黄牌警告", "yellow card")},
        clause="checks.county_yellow_card",
        params=YellowCard,
    )
    def yellow_card(ctx: AuditContext, params: YellowCard) -> pl.DataFrame: ...

and turn it on in the policy (``checks: {county_yellow_card: {max_overdue: 3}}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload, runtime_checkable

import attrs
import pydantic

from foodsafety.errors import RuleError
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    import polars as pl

    from foodsafety.engines.audit._context import AuditContext
    from foodsafety.rules.pairing_policy import PairingPolicy

__all__ = [
    "Check",
    "CheckFailure",
    "CheckParams",
    "FindingKind",
    "FunctionCheck",
    "audit_check",
    "finding_kinds",
    "register_check",
    "registered_checks",
    "unregister_check",
]

_P = TypeVar("_P", bound=pydantic.BaseModel)

#: A check's parameters: an instance of its ``params`` model, or ``None`` when it takes none.
CheckParams = pydantic.BaseModel | None


@attrs.frozen(slots=True)
class FindingKind:
    """A kind of finding: its severity and its labels (``zh`` in simplified Chinese)."""

    severity: Severity
    zh: str
    en: str


@runtime_checkable
class Check(Protocol):
    """One audit check: what it reports, when it runs, and how.

    Attributes:
        name: the check's name, as the policy's ``checks:`` section spells it.
        kinds: the finding kinds it reports (a check reporting one kind need not fill the
            ``kind`` column).
        clause: the policy clause it enforces (``cadence``, ``checks.holiday_windows``).
        params: the pydantic model of its parameters (``None``: it takes none).
        optional: ``True``: runs only when the policy's ``checks:`` turns it on; ``False``
            (the core checks): runs when :meth:`enabled` says the policy states its rule,
            unless ``checks:`` turns it off.
        concurrent: may run on the audit's second thread (heavy checks over the visits).
        columns: table → the columns it reads beyond :data:`AUDIT_COLUMNS` (read only when
            the check runs).

    A check may also have a ``scope`` attribute (read with a default of ``"partition"``):
    ``"cadres"`` says its findings come from the cadres and their loads alone
    (:meth:`AuditContext.cadre_loads`), summed over the whole ledger; a dataset audit
    (:func:`audit_dataset`) runs such a check once, after the partitions, on a context that
    holds every cadre and no business. Any other check runs once per partition.
    """

    @property
    def name(self) -> str: ...
    @property
    def kinds(self) -> Mapping[str, FindingKind]: ...
    @property
    def clause(self) -> str: ...
    @property
    def params(self) -> type[pydantic.BaseModel] | None: ...
    @property
    def optional(self) -> bool: ...
    @property
    def concurrent(self) -> bool: ...
    @property
    def columns(self) -> Mapping[str, tuple[str, ...]]: ...

    def enabled(self, policy: PairingPolicy) -> bool:
        """Whether the policy states the rule this check enforces (core checks)."""
        ...

    def run(self, ctx: AuditContext, params: CheckParams) -> pl.DataFrame:
        """The check's findings (columns of ``FINDING_SCHEMA``; the engine fills the rest)."""
        ...


@attrs.frozen(slots=True)
class FunctionCheck:
    """A :class:`Check` made of a function (what :func:`audit_check` registers)."""

    name: str
    kinds: Mapping[str, FindingKind]
    clause: str
    function: Callable[[AuditContext, Any], pl.DataFrame]
    params: type[pydantic.BaseModel] | None = None
    optional: bool = True
    concurrent: bool = False
    when: Callable[[PairingPolicy], bool] | None = None
    builtin: bool = False
    columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    scope: str = "partition"

    def enabled(self, policy: PairingPolicy) -> bool:
        """The ``when`` predicate of a core check (always true when none is given)."""
        return True if self.when is None else self.when(policy)

    def run(self, ctx: AuditContext, params: CheckParams) -> pl.DataFrame:
        """Call the function."""
        return self.function(ctx, params)


@attrs.frozen(slots=True)
class CheckFailure:
    """A check that raised instead of returning findings; the other checks still ran."""

    check: str
    error: str
    message: str

    def __str__(self) -> str:
        return f"check {self.check!r} failed: {self.error}: {self.message}"


_REGISTRY: dict[str, Check] = {}


def register_check(check: Check, *, replace: bool = False) -> Check:
    """Add a check to the registry the audit draws on.

    Raises:
        RuleError: a check of that name is registered (pass ``replace=True`` to replace
            it), or one of its kinds is another check's.
    """
    if not replace and check.name in _REGISTRY:
        raise RuleError(
            f"a check named {check.name!r} is already registered; pick another name or "
            "pass replace=True",
            field="name",
            value=check.name,
        )
    for kind in check.kinds:
        owner = next(
            (c.name for c in _REGISTRY.values() if kind in c.kinds and c.name != check.name),
            None,
        )
        if owner is not None:
            raise RuleError(
                f"the finding kind {kind!r} of check {check.name!r} is reported by the "
                f"check {owner!r} already; name the kind after the rule (county_{kind})",
                field="kinds",
                value=kind,
            )
    _REGISTRY[check.name] = check
    return check


def unregister_check(name: str) -> None:
    """Remove a check a user registered (the checks shipped with the library stay)."""
    check = _REGISTRY.get(name)
    if isinstance(check, FunctionCheck) and check.builtin:
        raise RuleError(
            f"{name!r} is a check shipped with the library; turn it off in the policy "
            f"(checks: {{{name}: false}}) instead",
            field="name",
            value=name,
        )
    _REGISTRY.pop(name, None)


@overload
def audit_check(
    name: str,
    *,
    kinds: Mapping[str, FindingKind],
    clause: str | None = None,
    params: type[_P],
    concurrent: bool = False,
    columns: Mapping[str, tuple[str, ...]] | None = None,
    replace: bool = False,
    scope: Literal["partition", "cadres"] = "partition",
) -> Callable[[Callable[[AuditContext, _P], pl.DataFrame]], FunctionCheck]: ...


@overload
def audit_check(
    name: str,
    *,
    kinds: Mapping[str, FindingKind],
    clause: str | None = None,
    params: None = None,
    concurrent: bool = False,
    columns: Mapping[str, tuple[str, ...]] | None = None,
    replace: bool = False,
    scope: Literal["partition", "cadres"] = "partition",
) -> Callable[[Callable[[AuditContext, None], pl.DataFrame]], FunctionCheck]: ...


def audit_check(
    name: str,
    *,
    kinds: Mapping[str, FindingKind],
    clause: str | None = None,
    params: type[_P] | None = None,
    concurrent: bool = False,
    columns: Mapping[str, tuple[str, ...]] | None = None,
    replace: bool = False,
    scope: Literal["partition", "cadres"] = "partition",
) -> Callable[[Callable[[AuditContext, Any], pl.DataFrame]], FunctionCheck]:
    """Register a function as an optional audit check (a policy's ``checks:`` turns it on).

    Args:
        name: the name in the policy's ``checks:`` section.
        kinds: kind → :class:`FindingKind` for each kind of finding it reports.
        clause: the clause the findings cite (default ``checks.<name>``).
        params: a pydantic model of the parameters (the ``checks:`` entry is validated
            against it when the audit runs; ``None``: the check takes none).
        concurrent: the check may run on the audit's second thread.
        columns: table → ledger columns it reads beyond the audit's own
            (``{"visits": ("mode",)}``).
        replace: replace a registered check of the same name.
        scope: ``"cadres"`` for a check whose findings come from the cadres and their loads
            over the whole ledger (:meth:`AuditContext.cadre_loads`): a dataset audit runs it
            once, on every cadre; ``"partition"`` (the default): once per partition.

    Returns:
        A decorator that registers the function and returns the :class:`FunctionCheck`.
    """

    def register(function: Callable[[AuditContext, Any], pl.DataFrame]) -> FunctionCheck:
        check = FunctionCheck(
            name=name,
            kinds=dict(kinds),
            clause=clause or f"checks.{name}",
            function=function,
            params=params,
            optional=True,
            concurrent=concurrent,
            columns=dict(columns or {}),
            scope=scope,
        )
        register_check(check, replace=replace)
        return check

    return register


def registered_checks() -> dict[str, Check]:
    """Every registered check by name: the library's own first, in the order they run."""
    from foodsafety.engines.audit import checks  # noqa: F401  (registers the shipped checks)

    return dict(_REGISTRY)


def finding_kinds() -> dict[str, FindingKind]:
    """Every kind of finding a registered check reports, by kind."""
    return {kind: fk for check in registered_checks().values() for kind, fk in check.kinds.items()}


def shipped_check(
    name: str,
    *,
    kinds: Mapping[str, FindingKind],
    clause: str,
    when: Callable[[PairingPolicy], bool] | None = None,
    params: type[_P] | None = None,
    optional: bool = False,
    concurrent: bool = False,
    columns: Mapping[str, tuple[str, ...]] | None = None,
    scope: str = "partition",
) -> Callable[[Callable[[AuditContext, Any], pl.DataFrame]], FunctionCheck]:
    """Register one of the library's own checks (a core check unless ``optional``)."""

    def register(function: Callable[[AuditContext, Any], pl.DataFrame]) -> FunctionCheck:
        check = FunctionCheck(
            name=name,
            kinds=dict(kinds),
            clause=clause,
            function=function,
            params=params,
            optional=optional,
            concurrent=concurrent,
            when=when,
            builtin=True,
            columns=dict(columns or {}),
            scope=scope,
        )
        register_check(check)
        return check

    return register
