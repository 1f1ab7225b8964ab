"""The audit's shared context: the ledger's tables integer-coded and joined once, for every check.

Each check reads the same few facts: which businesses are open on the audit day, which
assignments are in force on them with whose cadre, the level each business's tier calls for,
the keys of businesses and cadres. :func:`build_context` computes them once, in columns (a
business's row code ``bi``, a cadre's ``ci``); the checks then work on integers and gather
strings only for the rows they report.
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

import attrs

from foodsafety.engines.audit._frames import flags, np, pl
from foodsafety.ledger._keys import KeyIndex, encode
from foodsafety.ledger.schema import TABLES, polars_schema

if TYPE_CHECKING:
    import numpy.typing as npt

    from foodsafety.rules.pairing_policy import PairingPolicy

__all__ = [
    "AUDIT_COLUMNS",
    "AuditContext",
    "AuditInput",
    "LedgerTables",
    "build_context",
    "ledger_tables",
]

_T = TypeVar("_T")

#: The columns of each ledger table that the audit reads (a loader may read only these).
AUDIT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "businesses": (
        "uscc",
        "name",
        "kind",
        "jurisdiction",
        "tier",
        "director",
        "officers",
        "opened",
        "closed",
        "status_changed",
    ),
    "cadres": ("cadre_id", "level", "jurisdiction", "active_from", "active_to"),
    "assignments": ("assignment_id", "cadre_id", "uscc", "valid_from", "valid_to"),
    "pledges": ("cadre_id", "document", "signed"),
    "visits": ("visit_id", "date", "cadre_id", "uscc", "problems", "follow_up_of"),
    "routines": ("uscc", "routine", "period_start"),
}

#: The columns gathered by row code, per table (kept in one chunk each).
_GATHERED: Final[Mapping[str, tuple[str, ...]]] = {
    "businesses": ("uscc", "jurisdiction"),
    "cadres": ("cadre_id", "level", "jurisdiction"),
    "assignments": ("uscc", "cadre_id"),
}


class LedgerTables(Protocol):
    """Anything with the six ledger tables as attributes (a ``Ledger``, a ``Sample``)."""

    @property
    def businesses(self) -> pl.DataFrame: ...
    @property
    def cadres(self) -> pl.DataFrame: ...
    @property
    def assignments(self) -> pl.DataFrame: ...
    @property
    def pledges(self) -> pl.DataFrame: ...
    @property
    def visits(self) -> pl.DataFrame: ...
    @property
    def routines(self) -> pl.DataFrame: ...


#: What the audit reads: a ledger, a sample, or a mapping of table name → DataFrame (missing
#: tables are empty).
AuditInput = LedgerTables | Mapping[str, "pl.DataFrame"]


def ledger_tables(
    ledger: AuditInput, extra: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, pl.DataFrame]:
    """The columns the audit reads of a Ledger, Sample or mapping of frames.

    Those of :data:`AUDIT_COLUMNS`, plus the ``extra`` columns per table that the enabled
    checks ask for (a column the ledger lacks is all null).
    """
    out: dict[str, pl.DataFrame] = {}
    for name in TABLES:
        frame: pl.DataFrame | None = (
            ledger.get(name) if isinstance(ledger, Mapping) else getattr(ledger, name, None)
        )
        schema = polars_schema(name)
        more = [c for c in (extra or {}).get(name, ()) if c not in AUDIT_COLUMNS[name]]
        wanted = {c: schema[c] for c in (*AUDIT_COLUMNS[name], *dict.fromkeys(more))}
        if frame is None:
            frame = pl.DataFrame(schema=wanted)
        missing = [c for c in wanted if c not in frame.columns]
        lost = [c for c in more if c in missing and frame.height]
        if lost:
            # a check asked for the column and the caller's frame left it out (reading only
            # AUDIT_COLUMNS, say): its findings would rest on nulls
            warnings.warn(
                f"the {name} table given to the audit has no column {', '.join(lost)}, which "
                "an enabled check reads; it is taken as empty (read the whole table, or "
                f"add {', '.join(lost)} to the columns read)",
                UserWarning,
                stacklevel=4,
            )
        frame = frame.with_columns(pl.lit(None, dtype=wanted[c]).alias(c) for c in missing)
        frame = frame.select(pl.col(c).cast(t) for c, t in wanted.items())
        # one chunk per column gathered by row code: a gather from a multi-chunk string column
        # (as Parquet reads it) is about ten times slower; the other columns are left as they
        # are, as a copy costs memory (the caller holds the original)
        gathered = [
            frame[col].rechunk() for col in _GATHERED.get(name, ()) if frame[col].n_chunks() > 1
        ]
        out[name] = frame.with_columns(gathered) if gathered else frame
    return out


@attrs.define(slots=False, eq=False)
class AuditContext:
    """What every check of one audit reads, computed once (checks must not change it).

    Attributes:
        policy, as_of, since: the policy audited against and the window ``[since, as_of)``.
        businesses: the businesses' audit columns plus ``bi`` (the row code, 0..n-1) and
            ``want`` (the level code the business's tier calls for under the policy, null when
            untiered or unmapped).
        cadres: the cadres' audit columns plus ``ci`` (the row code).
        assignments: the assignments plus ``bi`` and ``ci``: the row codes of their business
            and cadre (codes from the table's size up for keys the ledger does not hold).
        pledges, visits, routines: those tables' audit columns, as given.
        business_keys, cadre_keys: the key indexes of USCCs and cadre ids
            (:class:`~foodsafety.ledger._keys.KeyIndex`: ``rows(values)`` gives row codes).
        open_mask: a numpy bool per business row: open on ``as_of``.
        paired_mask: a numpy bool per business row: an assignment in force on ``as_of``.
        current: the rows of ``assignments`` in force on an open business (numpy int32),
            with ``current_bi`` / ``current_ci`` their row codes (``n_cadres`` for a cadre the
            ledger does not hold).
        want_rank, wanted_levels: each business's wanted level as its rank in
            ``wanted_levels`` (a numpy int8, -1 for none).
        shared_loads: in an audit of a partitioned dataset, the cadres' loads over every
            partition (``cadre_id``, ``load``), which :meth:`cadre_loads` reads; ``None``
            when the ledger is whole.
    """

    policy: PairingPolicy
    as_of: dt.date
    since: dt.date
    businesses: pl.DataFrame
    cadres: pl.DataFrame
    assignments: pl.DataFrame
    pledges: pl.DataFrame
    visits: pl.DataFrame
    routines: pl.DataFrame
    business_keys: KeyIndex
    cadre_keys: KeyIndex
    open_mask: npt.NDArray[np.bool_]
    paired_mask: npt.NDArray[np.bool_]
    current: npt.NDArray[np.int32]
    current_bi: npt.NDArray[np.int32]
    current_ci: npt.NDArray[np.int32]
    want_rank: npt.NDArray[np.int8]
    wanted_levels: list[str]
    shared_loads: pl.DataFrame | None = None
    _marks: dict[str, npt.NDArray[np.bool_]] = attrs.field(factory=dict, init=False)
    _lock: threading.RLock = attrs.field(factory=threading.RLock, init=False)
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False)

    @property
    def n_businesses(self) -> int:
        """Rows of the businesses table."""
        return int(self.businesses.height)

    @property
    def n_cadres(self) -> int:
        """Rows of the cadres table."""
        return int(self.cadres.height)

    @property
    def open_rows(self) -> npt.NDArray[np.int64]:
        """The row codes of the open businesses (numpy int64)."""
        return self.cached("open_rows", lambda: np.flatnonzero(self.open_mask))

    def cadre_loads(self) -> npt.NDArray[np.int64]:
        """Per cadre row: the assignments in force on open businesses (包保户数) on ``as_of``.

        Over the whole ledger: in a dataset audit, the count over every partition (a
        province cadre pairs businesses in several cities), from :attr:`shared_loads`.
        """

        def count() -> npt.NDArray[np.int64]:
            known = self.current_ci < self.n_cadres
            load: npt.NDArray[np.int64] = np.bincount(
                self.current_ci[known], minlength=self.n_cadres
            ).astype(np.int64)
            if self.shared_loads is not None and self.shared_loads.height:
                rows = self.cadre_keys.rows(self.shared_loads["cadre_id"])
                here = rows.is_not_null()
                load[rows.filter(here).to_numpy()] = (
                    self.shared_loads["load"].filter(here).to_numpy()
                )
            return load

        return self.cached("cadre_loads", count)

    def cached(self, name: str, make: Callable[[], _T]) -> _T:
        """``make()`` once per audit under ``name`` (thread-safe: checks share the context)."""
        with self._lock:
            if name not in self._cache:
                self._cache[name] = make()
            found: _T = self._cache[name]
            return found

    def mark(self, name: str, business_rows: pl.Series) -> None:
        """Record the businesses (row codes) a coverage column (``mismatched``, ``overdue``) flags."""
        with self._lock:
            self._marks[name] = flags(business_rows, self.n_businesses)

    def marked(self, name: str) -> npt.NDArray[np.bool_]:
        """The flags :meth:`mark` recorded (all false when no check marked ``name``)."""
        found = self._marks.get(name)
        return np.zeros(self.n_businesses, dtype=bool) if found is None else found

    def reported(self, rows: npt.NDArray[np.int32] | npt.NDArray[np.int64]) -> pl.DataFrame:
        """The assignments at ``rows`` with their business's and cadre's columns.

        Columns: ``assignment_id``, ``uscc``, ``cadre_id``, ``bi``, ``ci``, the business's
        ``jurisdiction``, ``want`` and ``tier``, the cadre's ``level`` and ``cadre_juris``.
        """
        b, c = self.businesses, self.cadres
        found: pl.DataFrame = self.assignments.select(
            "assignment_id", "uscc", "cadre_id", "bi", "ci"
        )[rows]
        return found.with_columns(
            b["jurisdiction"].gather(found["bi"]),
            b["want"].gather(found["bi"]),
            b["tier"].gather(found["bi"]),
            c["level"].gather(found["ci"]),
            c["jurisdiction"].gather(found["ci"]).alias("cadre_juris"),
        )


def build_context(
    ledger: AuditInput,
    policy: PairingPolicy,
    as_of: dt.date,
    since: dt.date,
    pool: Executor,
    extra: Mapping[str, tuple[str, ...]] | None = None,
    shared_loads: pl.DataFrame | None = None,
) -> AuditContext:
    """Read the ledger's audit columns and code them (the cadres' keys on ``pool``)."""
    t = ledger_tables(ledger, extra)
    b = t["businesses"].with_row_index("bi").with_columns(pl.col("bi").cast(pl.Int64))
    c = t["cadres"].with_row_index("ci").with_columns(pl.col("ci").cast(pl.Int64))
    a = t["assignments"]
    # the cadres' index on the second thread while this one makes the businesses'
    cadre_job = pool.submit(_index_and_codes, c["cadre_id"], a["cadre_id"])
    b_keys, a_bi = _index_and_codes(b["uscc"], a["uscc"])
    c_keys, a_ci = cadre_job.result()
    a = a.with_columns(a_bi.alias("bi"), a_ci.alias("ci"))
    del a_bi, a_ci
    b, want_rank, targets = _with_wanted_levels(b, policy)
    open_mask = _open_mask(b, as_of)
    paired, current, cur_bi, cur_ci = _in_force(a, open_mask, b.height, c.height, as_of)
    return AuditContext(
        policy=policy,
        as_of=as_of,
        since=since,
        businesses=b,
        cadres=c,
        assignments=a,
        pledges=t["pledges"],
        visits=t["visits"],
        routines=t["routines"],
        business_keys=b_keys,
        cadre_keys=c_keys,
        open_mask=open_mask,
        paired_mask=paired,
        current=current,
        current_bi=cur_bi,
        current_ci=cur_ci,
        want_rank=want_rank,
        wanted_levels=targets,
        shared_loads=shared_loads,
    )


def _index_and_codes(keys: pl.Series, values: pl.Series) -> tuple[KeyIndex, pl.Series]:
    index = KeyIndex(keys)
    return index, encode(values, index)


def _with_wanted_levels(
    b: pl.DataFrame, policy: PairingPolicy
) -> tuple[pl.DataFrame, Any, list[str]]:
    """``b`` with ``want`` (the wanted level's code), each row's rank of it, and the levels."""
    tier_map = {tier.code: level.code for tier, level in policy.tier_levels.items()}
    targets = sorted(set(tier_map.values()))
    rank = (
        b["tier"]
        .replace_strict(
            list(tier_map),
            [targets.index(x) for x in tier_map.values()],
            default=-1,
            return_dtype=pl.Int8,
        )
        .fill_null(-1)
        .to_numpy()
    )
    want = pl.Series("want", [*targets, None], dtype=pl.Utf8).gather(
        pl.Series(np.where(rank >= 0, rank, len(targets)))
    )
    return b.with_columns(want), rank, targets


def _open_mask(b: pl.DataFrame, as_of: dt.date) -> Any:
    # a mask over b's rows: each check filters b once for its own rows (a filtered copy of
    # all of b's columns cost 130 MB at a million businesses)
    as_of_l = pl.lit(as_of, dtype=pl.Date)
    return (
        b.select(
            (pl.col("opened").is_null() | (pl.col("opened") <= as_of_l))
            & (pl.col("closed").is_null() | (pl.col("closed") > as_of_l))
        )
        .to_series()
        .to_numpy()
    )


def _in_force(
    a: pl.DataFrame, open_mask: Any, n_b: int, n_c: int, as_of: dt.date
) -> tuple[Any, Any, Any, Any]:
    """Businesses paired on ``as_of``; the rows of the assignments in force on open ones."""
    as_of_l = pl.lit(as_of, dtype=pl.Date)
    a_bi = a["bi"].fill_null(n_b).to_numpy()
    a_ci = np.minimum(a["ci"].fill_null(n_c).to_numpy(), n_c)  # n_c: not in the ledger
    in_force = a.select(
        (pl.col("valid_from") <= as_of_l)
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > as_of_l))
    ).to_series()
    paired = flags(a["bi"].filter(in_force), n_b)
    known_b = a_bi < n_b
    # no business at all (a dataset's partition of cadres): nothing is on an open business
    on_open = known_b & open_mask[np.where(known_b, a_bi, 0)] if n_b else known_b
    rows = np.flatnonzero(in_force.fill_null(False).to_numpy() & on_open)
    # 32-bit codes: they live as long as the audit (a national ledger's 20 million fit)
    return paired, rows.astype(np.int32), a_bi[rows].astype(np.int32), a_ci[rows].astype(np.int32)
