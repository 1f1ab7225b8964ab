"""The pairing ledger audit (包保台账核查): every gap a city's ledger must find, vectorised.

Seed 004 (Anyang) and the 2022 central guideline on 分层分级、精准防控 describe what a pairing
ledger must show: every licensed
business has a cadre of the level its tier calls for (分层分级、层级对应), inside the cadre's
own jurisdiction, with a bounded load; the history of who paired it has no overlaps and no gaps;
each cadre holds the pledge and the three lists (三清单一承诺) by their due date; each cadre
visits each business in every period of the policy's cadence (督导), and problems found get a
follow-up (回头看); every business has a food safety director and officers and keeps its daily,
weekly and monthly records (日管控、周排查、月调度); and a business whose status changed is
re-paired within the deadline (动态调整).

:func:`audit` checks a ledger against a :class:`~foodsafety.rules.PairingPolicy` with polars
joins and group-bys (no per-row Python) and returns an :class:`AuditResult`: the findings as one
DataFrame (:data:`FINDING_SCHEMA`), :class:`AuditFinding` values on demand, summaries per
county or township and level (coverage, mismatch and overdue rates) and a readable report.

Finding kinds, each with its key (what identifies a finding within its kind) and rule:

- ``unpaired`` (uscc): an open business has no assignment in force at ``as_of``, outside a
  running re-pairing window;
- ``tier_level_mismatch`` (assignment_id): the cadre's level is not the policy's level for the
  business's tier;
- ``cadre_outside_jurisdiction`` (assignment_id): the cadre's and the business's
  jurisdictions differ at the coarser of their two levels (neither is an ancestor-or-self of
  the other): a village cadre registered under its township's code pairs the businesses of
  that township's villages, a county cadre those of the county's townships;
- ``cadre_overloaded`` (cadre_id): more businesses in force than ``load_cap`` of the level;
- ``assignment_overlap`` / ``assignment_gap`` (the later assignment_id): sorted by start, an
  assignment starts before / after every earlier one has ended;
- ``pledge_missing`` / ``list_missing`` (``cadre_id/document``): no signed document by
  ``as_of`` and the due date has passed;
- ``visit_overdue`` (``assignment_id@period_start``): a closed period of the cadre level's
  cadence, fully covered by the assignment, with fewer visits by that cadre than
  ``min_visits``;
- ``problem_without_follow_up`` (visit_id): problems found, no follow-up visit within
  ``follow_up_days``, and those days have passed;
- ``director_missing`` / ``officer_missing`` (uscc): the staffing rule is not met;
- ``routine_gap`` (``uscc/routine``): fewer records than closed days, weeks or months (only
  for businesses the ledger holds routine records for);
- ``repair_overdue`` (uscc): the status changed and no assignment started within the
  working-day deadline, which has passed.

Checks on assignments (mismatch, jurisdiction, load) look at the assignments valid at ``as_of``;
periods (visits, routines) are the closed ones inside the window ``[since, as_of)``.

A check runs only when the policy states its rule (``load_cap``, ``documents``, ``cadence``,
``follow_up_days``, ``staffing.director``, ``staffing.min_officers``, ``routines``,
``repair``): a policy that leaves a rule out gets no finding of that kind. The pairing checks
(unpaired, tier/level, jurisdiction, history) follow from ``tier_levels`` and the ledger.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import attrs

from foodsafety.errors import RuleError, require
from foodsafety.ledger._hashindex import HashIndex
from foodsafety.ledger.schema import TABLES, polars_schema
from foodsafety.rules.pairing_policy import PairingPolicy, StaffingRule, default_since
from foodsafety.vocab import Level, PairingList, Routine, Severity

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "AUDIT_COLUMNS",
    "FINDING_KINDS",
    "FINDING_SCHEMA",
    "AuditFinding",
    "AuditResult",
    "audit",
]

_T = TypeVar("_T")

#: kind -> (severity, zh label, en label)
FINDING_KINDS: Final[dict[str, tuple[Severity, str, str]]] = {
    "unpaired": (Severity.CRITICAL, "未落实包保", "business without a cadre"),
    "tier_level_mismatch": (Severity.MAJOR, "层级不对应", "tier/level mismatch"),
    "cadre_outside_jurisdiction": (
        Severity.MAJOR,
        "跨辖区包保",
        "cadre outside the business's jurisdiction",
    ),
    "cadre_overloaded": (Severity.MINOR, "包保数量超限", "cadre above the load cap"),
    "assignment_overlap": (Severity.MINOR, "包保期间重叠", "overlapping assignments"),
    "assignment_gap": (Severity.MINOR, "包保期间断档", "gap between assignments"),
    "pledge_missing": (Severity.MAJOR, "承诺书未签", "pledge missing"),
    "list_missing": (Severity.MINOR, "清单缺失", "list missing"),
    "visit_overdue": (Severity.MAJOR, "督导逾期", "visit overdue"),
    "problem_without_follow_up": (
        Severity.MAJOR,
        "问题未回头看",
        "problem without follow-up",
    ),
    "director_missing": (Severity.MAJOR, "未配备食品安全总监", "no food safety director"),
    "officer_missing": (Severity.MAJOR, "未配备食品安全员", "no food safety officer"),
    "routine_gap": (Severity.MINOR, "三项制度记录缺失", "gap in routine records"),
    "repair_overdue": (Severity.MAJOR, "调整包保逾期", "re-pairing overdue"),
}

#: The columns of :attr:`AuditResult.frame` (polars dtype names as in the ledger schema).
FINDING_SCHEMA: Final[dict[str, str]] = {
    "kind": "Utf8",
    "severity": "Utf8",
    "key": "Utf8",
    "uscc": "Utf8",
    "cadre_id": "Utf8",
    "assignment_id": "Utf8",
    "visit_id": "Utf8",
    "document": "Utf8",
    "period_start": "Date",
    "jurisdiction": "Utf8",
    "level": "Utf8",
    "detail": "Utf8",
    "message_zh": "Utf8",
    "message_en": "Utf8",
    "rule": "Utf8",
    "clause": "Utf8",
    "effective": "Date",
}

_FAR: Final = dt.date(9999, 12, 31)
#: Largest (pairs x periods) key space counted with a dense bincount (8 bytes per key).
_DENSE_LIMIT = 50_000_000
#: Rows of the visits table checked at a time (bounds the memory of the checks' temporaries).
_SLICE = 1_000_000

#: The columns the audit gathers by row code, per table.
_GATHERED: Final[Mapping[str, tuple[str, ...]]] = {
    "businesses": ("uscc", "jurisdiction"),
    "cadres": ("cadre_id", "level", "jurisdiction"),
    "assignments": ("uscc", "cadre_id"),
}

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


@attrs.frozen(slots=True)
class AuditFinding:
    """One gap the audit found (核查发现), with the rule that fired.

    Not to be confused with the rectification finding record (整改问题) of the findings model:
    this is a computed value; a caller may turn it into one.
    """

    kind: str
    severity: Severity
    key: str
    subject_ids: tuple[str, ...]
    jurisdiction: str | None
    level: Level | None
    period_start: dt.date | None
    message_zh: str
    message_en: str
    rule: str
    clause: str
    effective: dt.date
    detail: str | None = None

    @property
    def rule_id(self) -> str:
        """``policy:clause@effective``."""
        return f"{self.rule}:{self.clause}@{self.effective.isoformat()}"

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-friendly dict (enums as codes, dates as ISO strings)."""
        return {
            "kind": self.kind,
            "severity": self.severity.code,
            "key": self.key,
            "subject_ids": list(self.subject_ids),
            "jurisdiction": self.jurisdiction,
            "level": None if self.level is None else self.level.code,
            "period_start": None if self.period_start is None else self.period_start.isoformat(),
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "rule": self.rule,
            "clause": self.clause,
            "effective": self.effective.isoformat(),
            "detail": self.detail,
        }


@attrs.frozen(slots=True)
class AuditResult:
    """The findings of one audit, columnar, with summaries and exports.

    Attributes:
        frame: one row per finding (:data:`FINDING_SCHEMA`), sorted by kind and key.
        coverage: one row per open business, in the ledger's order: ``uscc``, ``county``, ``township``, ``level``
            (the level its tier calls for), ``paired``, ``mismatched``, ``overdue``.
        policy, as_of, since: what was audited against, and the audit window.
    """

    frame: pl.DataFrame
    coverage: pl.DataFrame
    policy: PairingPolicy
    as_of: dt.date
    since: dt.date

    def __len__(self) -> int:
        return int(self.frame.height)

    def findings(self, kind: str | None = None) -> Iterator[AuditFinding]:
        """The findings as :class:`AuditFinding` values (optionally of one ``kind``)."""
        frame = self.frame if kind is None else self.frame.filter(kind=kind)
        subject_cols = ("uscc", "cadre_id", "assignment_id", "visit_id")
        for row in frame.iter_rows(named=True):
            yield AuditFinding(
                kind=row["kind"],
                severity=Severity.parse(row["severity"]),
                key=row["key"],
                subject_ids=tuple(row[c] for c in subject_cols if row[c] is not None),
                jurisdiction=row["jurisdiction"],
                level=None if row["level"] is None else Level.parse(row["level"]),
                period_start=row["period_start"],
                message_zh=row["message_zh"],
                message_en=row["message_en"],
                rule=row["rule"],
                clause=row["clause"],
                effective=row["effective"],
                detail=row["detail"],
            )

    def keys(self, kind: str) -> frozenset[str]:
        """The keys of the findings of ``kind`` (compare with ``Sample.faults[kind]``)."""
        return frozenset(self.frame.filter(kind=kind)["key"].to_list())

    def counts(self) -> dict[str, int]:
        """Finding kind → number of findings, for every kind (zero included)."""
        got = dict(self.frame.group_by("kind").len().iter_rows())
        return {k: int(got.get(k, 0)) for k in FINDING_KINDS}

    def summary(self, by: Literal["county", "township", "city"] = "county") -> pl.DataFrame:
        """Rates per jurisdiction and level: coverage, mismatch and overdue rates.

        Columns: the jurisdiction code (``by``) and its ``name``, ``level``, ``businesses``,
        ``paired``, ``coverage_rate`` (paired / businesses), ``mismatch_rate`` (businesses whose
        cadre's level differs / paired), ``overdue_rate`` (businesses with an overdue visit /
        paired) and ``findings`` (all findings located in the group).
        """
        pl = _pl()
        if by not in ("county", "township", "city"):
            raise ValueError(f"by must be 'county', 'township' or 'city' (got {by!r})")
        cov = self.coverage
        grouped = (
            cov.group_by(by, "level")
            .agg(
                pl.len().alias("businesses"),
                pl.col("paired").sum().alias("paired"),
                pl.col("mismatched").sum().alias("mismatched"),
                pl.col("overdue").sum().alias("overdue"),
            )
            .with_columns(
                (pl.col("paired") / pl.col("businesses")).alias("coverage_rate"),
                (pl.col("mismatched") / pl.col("paired")).fill_nan(0.0).alias("mismatch_rate"),
                (pl.col("overdue") / pl.col("paired")).fill_nan(0.0).alias("overdue_rate"),
            )
        )
        width = {"city": 4, "county": 6, "township": 9}[by]
        fcount = (
            self.frame.filter(pl.col("jurisdiction").str.len_chars() >= width)
            .with_columns(_area(pl.col("jurisdiction"), by).alias(by))
            .group_by(by, "level")
            .agg(pl.len().alias("findings"))
        )
        out = (
            grouped.join(fcount, on=[by, "level"], how="left", nulls_equal=True)
            .with_columns(pl.col("findings").fill_null(0))
            .sort(by, "level")
        )
        names = _names(out[by].unique().to_list())
        return out.with_columns(
            pl.col(by).replace_strict(names, default=None, return_dtype=pl.Utf8).alias("name")
        ).select(
            by,
            "name",
            "level",
            "businesses",
            "paired",
            "coverage_rate",
            "mismatch_rate",
            "overdue_rate",
            "findings",
        )

    def totals(self) -> dict[str, float]:
        """Whole-ledger figures: businesses, paired, coverage, mismatch and overdue rates."""
        cov = self.coverage
        n = cov.height
        paired = int(cov["paired"].sum())
        return {
            "businesses": n,
            "paired": paired,
            "coverage_rate": paired / n if n else 1.0,
            "mismatch_rate": int(cov["mismatched"].sum()) / paired if paired else 0.0,
            "overdue_rate": int(cov["overdue"].sum()) / paired if paired else 0.0,
            "findings": len(self),
        }

    def report(self, *, width: int = 110, by: Literal["county", "township"] = "county") -> str:
        """A readable text report: totals, findings per kind, and a table per jurisdiction."""
        from rich.console import Console
        from rich.table import Table

        console = Console(
            file=io.StringIO(), record=True, width=width, force_terminal=False, color_system=None
        )
        t = self.totals()
        console.print(
            f"包保台账核查 pairing ledger audit — policy {self.policy.name} "
            f"(effective {self.policy.effective}), window {self.since} – {self.as_of}"
        )
        console.print(
            f"businesses {t['businesses']:,}  paired {t['paired']:,}  "
            f"coverage {t['coverage_rate']:.2%}  mismatch {t['mismatch_rate']:.2%}  "
            f"overdue {t['overdue_rate']:.2%}  findings {t['findings']:,}"
        )
        kinds = Table(title="Findings per kind 各类问题")
        for col in ("kind", "类别", "severity", "count"):
            kinds.add_column(col, justify="right" if col == "count" else "left")
        for kind, n in self.counts().items():
            sev, zh, _en = FINDING_KINDS[kind]
            kinds.add_row(kind, zh, sev.code, f"{n:,}")
        console.print(kinds)
        summ = self.summary(by)
        pl = _pl()
        per = (
            summ.group_by(by, "name")
            .agg(
                pl.col("businesses").sum(),
                pl.col("paired").sum(),
                pl.col("findings").sum(),
            )
            .join(
                self.coverage.group_by(by).agg(pl.col("mismatched").sum(), pl.col("overdue").sum()),
                on=by,
                how="left",
            )
            .sort(by)
        )
        table = Table(title=f"Per {by} 分{'县' if by == 'county' else '乡'}汇总")
        for col in (by, "name", "businesses", "coverage", "mismatch", "overdue", "findings"):
            table.add_column(col, justify="left" if col in (by, "name") else "right")
        for row in per.iter_rows(named=True):
            paired = row["paired"] or 0
            table.add_row(
                row[by],
                row["name"] or "",
                f"{row['businesses']:,}",
                f"{paired / row['businesses']:.1%}" if row["businesses"] else "-",
                f"{row['mismatched'] / paired:.1%}" if paired else "-",
                f"{row['overdue'] / paired:.1%}" if paired else "-",
                f"{row['findings']:,}",
            )
        console.print(table)
        return console.export_text()

    def to_csv(self, path: str | Path) -> Path:
        """Write the findings to a CSV file (UTF-8 with BOM so that Excel reads Chinese)."""
        out = Path(path)
        out.write_bytes(b"\xef\xbb\xbf" + self.frame.write_csv().encode("utf-8"))
        return out

    def to_json(self, path: str | Path) -> Path:
        """Write the findings as a JSON array of objects."""
        out = Path(path)
        rows = [f.to_dict() for f in self.findings()]
        out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return out

    def to_excel(self, path: str | Path) -> Path:
        """Write the findings and the county summary to an Excel workbook (needs xlsxwriter)."""
        require("xlsxwriter", extra="excel", feature="Excel export")
        import xlsxwriter

        out = Path(path)
        with xlsxwriter.Workbook(str(out)) as wb:
            self.frame.write_excel(wb, worksheet="findings")
            self.summary("county").write_excel(wb, worksheet="summary")
        return out

    def export(self, path: str | Path) -> Path:
        """Write the findings in the format the suffix names (.csv, .json, .xlsx)."""
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            return self.to_csv(path)
        if suffix == ".json":
            return self.to_json(path)
        if suffix in (".xlsx", ".xls"):
            return self.to_excel(path)
        raise ValueError(f"export file must end in .csv, .json or .xlsx (got {str(path)!r})")


# -- helpers -------------------------------------------------------------------------------


def _pl() -> Any:
    return require("polars", extra="data", feature="the pairing audit")


def _names(codes: list[str | None]) -> dict[str, str]:
    try:
        from foodsafety.registry import registry

        reg = registry()
    except Exception:  # pragma: no cover - registry data missing: names are optional
        return {}
    out: dict[str, str] = {}
    for code in codes:
        div = reg.find(code) if code else None
        if code and div is not None:
            out[code] = div.name
    return out


def _area(col: Any, by: str) -> Any:
    pl = _pl()
    if by == "city":
        return col.str.slice(0, 4) + pl.lit("00")
    if by == "county":
        return col.str.slice(0, 6)
    return col.str.slice(0, 9)


def _tables(ledger: Any) -> dict[str, Any]:
    """The columns the audit reads (:data:`AUDIT_COLUMNS`) of a Ledger, Sample or mapping."""
    pl = _pl()
    out: dict[str, Any] = {}
    for name in TABLES:
        frame = ledger.get(name) if isinstance(ledger, Mapping) else getattr(ledger, name, None)
        schema = polars_schema(name)
        wanted = {c: schema[c] for c in AUDIT_COLUMNS[name]}
        if frame is None:
            frame = pl.DataFrame(schema=wanted)
        missing = [c for c in wanted if c not in frame.columns]
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


def _no_findings() -> Any:
    """An empty frame of findings (a check the policy does not ask for)."""
    pl = _pl()
    return pl.DataFrame(schema={c: polars_dtype(t) for c, t in FINDING_SCHEMA.items()})


def _finish(frame: pl.DataFrame, kind: str, policy: PairingPolicy) -> pl.DataFrame:
    """Fill the common columns of one kind's findings and order the columns."""
    pl = _pl()
    sev = FINDING_KINDS[kind][0]
    cols = []
    for col, dtype in FINDING_SCHEMA.items():
        if col in frame.columns:
            continue
        if col == "kind":
            cols.append(pl.lit(kind).alias(col))
        elif col == "severity":
            cols.append(pl.lit(sev.code).alias(col))
        elif col == "rule":
            cols.append(pl.lit(policy.name).alias(col))
        elif col == "effective":
            cols.append(pl.lit(policy.effective, dtype=pl.Date).alias(col))
        else:
            cols.append(pl.lit(None, dtype=polars_dtype(dtype)).alias(col))
    return frame.with_columns(cols).select(
        pl.col(c).cast(polars_dtype(t)) for c, t in FINDING_SCHEMA.items()
    )


def polars_dtype(name: str) -> Any:
    """The polars dtype of a schema dtype name."""
    pl = _pl()
    return {"Utf8": pl.Utf8, "Date": pl.Date, "Boolean": pl.Boolean, "Int64": pl.Int64}[name]


def _hash(values: Any) -> Any:
    """The 64-bit hash of a series or expression that the key lookups go through.

    Only a fast path: every match is verified against the strings, and keys sharing a hash
    send a lookup to a join on the strings (a test swaps in a hash with many collisions).
    """
    return values.hash(seed=20221216)


def _days(day: dt.date) -> int:
    """Days since 1970-01-01 (polars' physical Date)."""
    return (day - dt.date(1970, 1, 1)).days


def _pair_codes(visits: Any, table: Any, rows: Any = None) -> Any:
    """The pair of each visit's (uscc, cadre_id), or -1 (a numpy int32 array).

    The pairs are the rows ``rows`` (a numpy array; default all) of ``table``, unique on
    (uscc, cadre_id); a visit's pair is its position in ``rows``. Each visit's candidate pair
    comes from a :class:`~foodsafety.ledger._hashindex.HashIndex` of one 64-bit hash of the
    two strings (no join: a hash join of 4 million visits against a million pairs cost half a
    second) and is verified against the pair's strings in ``table`` (no copy of them is made),
    so the lookup is exact (a null never matches, as in a join on the strings); when two pairs
    share a hash, a plain join on the strings is used.
    """
    pl = _pl()
    np = require("numpy", extra="data", feature="the pairing audit")
    if rows is None:
        rows = np.arange(table.height, dtype=np.int64)
    if len(rows) == 0:
        return np.full(visits.height, -1, dtype=np.int32)
    on = ["uscc", "cadre_id"]
    key = _hash(pl.struct(on))
    index = HashIndex(table.select(key).to_series().to_numpy()[rows])
    if not index.unique:  # two pairs of one hash: join on the strings
        pairs = table.select(on)[rows].with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("i")
        )
        i = visits.select(on).join(pairs, on=on, how="left", maintain_order="left")["i"]
        return i.fill_null(-1).cast(pl.Int32).to_numpy()
    out = np.empty(visits.height, dtype=np.int32)
    # a slice at a time: the hashes, slots and gathered strings of all visits at once would
    # cost a few hundred megabytes
    for lo in range(0, visits.height, _SLICE):
        part = visits.slice(lo, _SLICE)
        cand = index.candidates(part.select(key).to_series().to_numpy())
        at = pl.Series(rows[np.maximum(cand, 0)])
        same = (table["uscc"].gather(at) == part["uscc"]) & (
            table["cadre_id"].gather(at) == part["cadre_id"]
        )
        cand[~same.fill_null(False).to_numpy()] = -1
        out[lo : lo + len(cand)] = cand
    return out


class _KeyIndex:
    """The keys of a table (USCCs, cadre ids) by a 64-bit hash, built once per audit.

    ``exact`` says the hash index serves: the keys hold no null and no two share a hash (so
    none repeats); otherwise lookups take a join on the strings.
    """

    def __init__(self, keys: Any) -> None:
        self.keys = keys
        self.n = len(keys)
        self.table = HashIndex(_hash(keys).to_numpy())
        self.exact = self.n > 0 and keys.null_count() == 0 and self.table.unique


def _lookup(values: Any, keys: Any) -> Any:
    """The row in ``keys`` of each of ``values`` (an Int64 series), exactly; null when absent.

    Candidates come from a :class:`~foodsafety.ledger._hashindex.HashIndex` of the keys'
    64-bit hashes and are verified against the strings; when ``keys`` repeats a hash or a key,
    or holds a null, a plain join on the strings is used (the first row of a repeated key
    wins). ``keys`` may be a prebuilt :class:`_KeyIndex` (built once, used for several tables).
    """
    pl = _pl()
    np = require("numpy", extra="data", feature="the pairing audit")
    index = keys if isinstance(keys, _KeyIndex) else _KeyIndex(keys)
    keys = index.keys
    if index.n == 0:
        return pl.Series(values.name, [None] * len(values), dtype=pl.Int64)
    if index.exact:
        cand = index.table.candidates(_hash(values).to_numpy())
        i = pl.Series(np.maximum(cand, 0), dtype=pl.Int64)
        same = (keys.gather(i) == values).fill_null(False) & pl.Series(cand >= 0)
        return i.zip_with(same, pl.Series([None], dtype=pl.Int64)).rename(values.name)
    rows = (
        keys.to_frame("k")
        .with_row_index("i")
        .filter(pl.col("k").is_not_null())
        .unique("k", keep="first")
    )
    found = values.to_frame("k").join(rows, on="k", how="left", maintain_order="left")["i"]
    return found.cast(pl.Int64).rename(values.name)


def _encode(values: Any, keys: Any) -> Any:
    """:func:`_lookup`, with a code for each value not in ``keys`` (nulls stay null).

    Values not in ``keys`` get codes from ``len(keys)`` upward, one per distinct value in
    sorted order, so that equal values keep equal codes.
    """
    pl = _pl()
    n = keys.n if isinstance(keys, _KeyIndex) else len(keys)
    code = _lookup(values, keys)
    unknown = values.filter(code.is_null() & values.is_not_null())
    if unknown.len():
        extra = unknown.unique().sort().to_frame("k").with_row_index("x")
        fill = values.to_frame("k").join(extra, on="k", how="left", maintain_order="left")["x"]
        code = code.fill_null(fill.cast(pl.Int64) + n)
    return code.rename(values.name)


def _index_and_codes(keys: Any, values: Any) -> tuple[_KeyIndex, Any]:
    """The key index of ``keys`` and :func:`_encode` of ``values`` through it."""
    index = _KeyIndex(keys)
    return index, _encode(values, index)


def _runs(frame: Any, on: list[str]) -> tuple[Any, Any]:
    """The first row of each run of equal ``on`` values, and each row's run (numpy int32).

    Rows that come in runs (the routine records of one business) are then worked on once a
    run. When the first rows show no runs worth the detour (fewer than four rows a run), the
    frame itself is returned with ``None`` for the runs: every row is its own run.
    """
    pl = _pl()
    np = require("numpy", extra="data", feature="the pairing audit")
    head = frame.head(4096)
    if head.height and head.select(pl.struct(on).rle_id()).item(-1, 0) + 1 > head.height // 4:
        return frame, None
    heads = np.ones(frame.height, dtype=bool)
    if frame.height > 1:
        # each row against the one before it, as slices of the columns (a shifted copy of
        # 4 million strings would cost 70 MB a column)
        rest, before = frame.slice(1), frame.slice(0, frame.height - 1)
        changed = pl.any_horizontal(rest[col].ne_missing(before[col]) for col in on)
        heads[1:] = rest.select(changed).to_series().to_numpy()
    run = np.cumsum(heads, dtype=np.int32) - 1
    return frame.filter(pl.Series(heads)), run


def _lookup_runs(values: Any, keys: Any) -> Any:
    """:func:`_lookup` of ``values`` that come in runs of equal values (one lookup per run)."""
    pl = _pl()
    heads, run = _runs(values.to_frame(), [values.name])
    codes = _lookup(heads.to_series(), keys)
    if run is None:
        return codes
    per_row = pl.Series(values.name, codes.fill_null(-1).to_numpy()[run])
    if codes.null_count() == 0:
        return per_row
    return (
        per_row.to_frame()
        .select(pl.when(pl.col(values.name) >= 0).then(pl.col(values.name)))
        .to_series()
    )


def _flags(codes: Any, n: int) -> Any:
    """A numpy boolean per row ``0..n-1``, true at the rows ``codes`` names (nulls ignored)."""
    np = require("numpy", extra="data", feature="the pairing audit")
    out = np.zeros(n, dtype=bool)
    ids = codes.drop_nulls().to_numpy()
    out[ids[ids < n]] = True
    return out


def _zh(col: Any, term: Any) -> Any:
    """The zh-Hans label of a column of vocabulary codes (unknown codes kept as they are)."""
    pl = _pl()
    return col.replace_strict({m.code: m.zh for m in term}, default=col, return_dtype=pl.Utf8)


def _prefix(col: Any) -> Any:
    """The significant prefix of a division code: what its descendants' codes start with."""
    pl = _pl()
    n = col.str.len_chars()
    length = (
        pl.when((n == 6) & col.str.ends_with("0000"))
        .then(2)
        .when((n == 6) & col.str.ends_with("00"))
        .then(4)
        .when(n == 6)
        .then(6)
        .when((n == 12) & col.str.ends_with("000"))
        .then(9)
        .otherwise(n)
    )
    return col.str.slice(0, length)


def _disjoint(one: Any, other: Any) -> Any:
    """True where two division codes lie in different areas at the coarser of their levels.

    Neither is an ancestor-or-self of the other: their significant prefixes (:func:`_prefix`)
    differ within the shorter one (a township 110105001 and its village 110105001201 agree;
    the township 110105002 and that village do not). Null when either code is null.
    """
    pl = _pl()
    a, b = _prefix(one), _prefix(other)
    n = pl.min_horizontal(a.str.len_chars(), b.str.len_chars())
    return a.str.slice(0, n) != b.str.slice(0, n)


# -- the audit -----------------------------------------------------------------------------


def _overdue_visits(
    b: Any, c: Any, a: Any, v: Any, policy: PairingPolicy, as_of: dt.date, since: dt.date
) -> tuple[list[Any], Any]:
    """Findings ``visit_overdue``, and the row codes of the businesses they concern."""
    pl = _pl()
    np = require("numpy", extra="data", feature="the pairing audit")
    n_b, n_c = b.height, c.height
    as_of_l = pl.lit(as_of, dtype=pl.Date)
    parts: list[Any] = []
    # overdue visits: closed periods of the cadre level's cadence, fully covered by the
    # assignment, with fewer visits by that cadre than min_visits
    period_rows: list[tuple[str, dt.date, dt.date, int]] = []
    for level in Level:
        cadence = policy.cadence_for(level)
        if cadence is None:
            continue  # the policy sets no cadence for the level: its visits are not checked
        starts = cadence.period_starts(since, as_of)
        for lo, hi in itertools.pairwise(starts):
            if lo >= since and hi <= as_of:
                period_rows.append((level.code, lo, hi, cadence.min_visits))
    if period_rows:
        periods = pl.DataFrame(
            {
                "level": [x[0] for x in period_rows],
                "period_start": [x[1] for x in period_rows],
                "period_end": [x[2] for x in period_rows],
                "min_visits": [x[3] for x in period_rows],
            },
            schema={
                "level": pl.Utf8,
                "period_start": pl.Date,
                "period_end": pl.Date,
                "min_visits": pl.Int64,
            },
        ).sort("period_start")
        periods = periods.with_row_index("pid").with_columns(pl.col("pid").cast(pl.Int64))
        level_codes = [x.code for x in Level]
        # one integer id per (business, cadre) pair of the assignments whose business and
        # cadre are in the ledger; visits are counted per pair and period of its level
        bi, ci = a["bi"].fill_null(n_b).to_numpy(), a["ci"].fill_null(n_c).to_numpy()
        known = np.flatnonzero((bi < n_b) & (ci < n_c))
        # the first assignment of each pair, found on one integer per pair (no string hashing);
        # the pairs are kept as row numbers of ``a`` (copies of its strings cost 100 MB)
        first = known[pl.Series(bi[known] * n_c + ci[known]).arg_unique().to_numpy()]
        pairs = pl.DataFrame({"bi": bi[first], "ci": ci[first]})
        del bi, ci, known
        pairs = (
            pairs.with_columns(
                c["level"]
                .gather(pairs["ci"])
                .replace_strict(level_codes, list(range(len(level_codes))), default=None)
                .cast(pl.Int8)
                .alias("lv")
            )
            .with_row_index("pair")
            .with_columns(pl.col("pair").cast(pl.Int64))
        )
        # each visit's pair (row of ``pairs``) and date as days, kept when in the window
        v_pair = _pair_codes(v, a, first)
        del first
        v_days = v["date"].to_physical().fill_null(_days(as_of)).to_numpy()  # days since 1970
        # the level of each visit's pair, -1 for a visit of no pair or outside the window
        # (a mask, not filtered copies of the 4 million codes and days)
        v_lv = pairs["lv"].fill_null(-1).to_numpy()[np.maximum(v_pair, 0)]
        v_lv[(v_pair < 0) | (v_days >= _days(as_of)) | (v_days < _days(since))] = -1
        rank = np.zeros(pairs.height, dtype=np.int32)  # each pair's rank in its level
        bad_parts = []
        for (code,), lv_pairs in pairs.partition_by("lv", as_dict=True).items():
            if code is None:
                continue
            lv = periods.filter(pl.col("level") == level_codes[code])  # sorted by period_start
            n_lv = lv.height
            if n_lv == 0:
                continue
            need = lv["min_visits"].to_numpy()
            gpair = lv_pairs["pair"].to_numpy()  # this level's pairs, ranked 0..m-1
            m = len(gpair)
            rank[gpair] = np.arange(m)
            # each visit's period, from a table of the window's days (-1: in no closed period)
            period_of = np.full(_days(as_of) - _days(since), -1, dtype=np.int32)
            starts = lv["period_start"].cast(pl.Int32).to_list()
            ends = lv["period_end"].cast(pl.Int32).to_list()
            for j, (p0, p1) in enumerate(zip(starts, ends, strict=True)):
                period_of[p0 - _days(since) : p1 - _days(since)] = j
            # each of the level's visits' (pair, period) key, in place and in 32 bits where
            # the key space allows: the temporaries of millions of visits are the visit
            # check's peak of memory
            mine = v_lv == code
            days = v_days[mine]
            days -= _days(since)
            i = period_of[days]
            del days
            keys = rank[v_pair[mine]]
            if m * n_lv >= 2**31:
                keys = keys.astype(np.int64)
            del mine
            keys *= n_lv
            keys += i
            keys = keys[i >= 0]
            del i
            if m * n_lv <= _DENSE_LIMIT:
                # visits per (pair, period): a bincount over the level's dense key space
                counts = np.bincount(keys, minlength=m * n_lv)
                bad = np.flatnonzero(counts.reshape(m, n_lv) < need)
                got = counts[bad]
            else:
                # sparse: only the pairs short of visits in some period get their cells listed
                uk, uc = np.unique(keys, return_counts=True)
                met = uk[uc >= need[uk % n_lv]]
                full = np.bincount(met // n_lv, minlength=m)
                cand = np.flatnonzero(full < n_lv)
                cells = (cand[:, None] * n_lv + np.arange(n_lv)).ravel()
                bad = cells[~np.isin(cells, met)]
                pos = np.minimum(np.searchsorted(uk, bad), max(len(uk) - 1, 0))
                got = np.where(uk[pos] == bad, uc[pos], 0) if len(uk) else np.zeros(len(bad))
            bad_parts.append(
                pl.DataFrame(
                    {
                        "pair": gpair[bad // n_lv],
                        "pid": lv["pid"].to_numpy()[bad % n_lv],
                        "visits": got,
                    },
                    schema={"pair": pl.Int64, "pid": pl.Int64, "visits": pl.Int64},
                )
            )
        del v_pair, v_days, v_lv
        short = (
            pl.concat(bad_parts)
            if bad_parts
            else pl.DataFrame(schema={"pair": pl.Int64, "pid": pl.Int64, "visits": pl.Int64})
        )
        # the few (pair, period) cells short of visits, against the assignments covering them
        ai = a.with_row_index("ai")
        over = (
            short.join(pairs.select("pair", "bi", "ci"), on="pair")
            .join(ai.select("ai", "bi", "ci", "valid_from", "valid_to"), on=["bi", "ci"])
            .join(periods.select("pid", "period_start", "period_end", "min_visits"), on="pid")
            .join(b.select("bi", "opened", "closed", "jurisdiction"), on="bi")
            .filter(
                (pl.col("valid_from") <= pl.col("period_start"))
                & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("period_end")))
                & (pl.col("opened").is_null() | (pl.col("opened") <= pl.col("period_start")))
                & (pl.col("closed").is_null() | (pl.col("closed") > as_of_l))
            )
            .join(ai.select("ai", "assignment_id", "uscc", "cadre_id"), on="ai")
        )
        over = over.with_columns(c["level"].gather(over["ci"]))
        del ai, pairs, short
        parts.append(
            _finish(
                over.select(
                    pl.format("{}@{}", "assignment_id", "period_start").alias("key"),
                    "uscc",
                    "cadre_id",
                    "assignment_id",
                    "period_start",
                    "jurisdiction",
                    "level",
                    pl.format(
                        "{} visit(s) in [{}, {}), {} required",
                        "visits",
                        "period_start",
                        "period_end",
                        "min_visits",
                    ).alias("detail"),
                    pl.format(
                        "干部{}在{}至{}期间未按要求督导{}",
                        "cadre_id",
                        "period_start",
                        "period_end",
                        "uscc",
                    ).alias("message_zh"),
                    pl.format(
                        "cadre {} did not visit business {} in the period {} to {}",
                        "cadre_id",
                        "uscc",
                        "period_start",
                        "period_end",
                    ).alias("message_en"),
                    pl.format("cadence.{}", "level").alias("clause"),
                ),
                "visit_overdue",
                policy,
            )
        )
        overdue_bi = over["bi"]
    else:
        overdue_bi = pl.Series("bi", [], dtype=pl.Int64)

    return parts, overdue_bi


def _unfollowed_problems(b: Any, c: Any, v: Any, policy: PairingPolicy, as_of: dt.date) -> Any:
    """Findings ``problem_without_follow_up``."""
    pl = _pl()
    as_of_l = pl.lit(as_of, dtype=pl.Date)
    parts: list[Any] = []
    # problems found on a visit without a follow-up visit in time (回头看)
    days = policy.follow_up_days
    if days is None:  # the policy sets no follow-up deadline: not checked
        return _no_findings()
    # select before filtering: the filter then copies four columns, not the problem lists
    problem = v.select("visit_id", "date", "uscc", "cadre_id").filter(
        (v["problems"].list.len() > 0) & (v["date"] < as_of - dt.timedelta(days=days))
    )
    fu = v.select("follow_up_of", "date").filter(
        pl.col("follow_up_of").is_not_null() & (pl.col("date") <= as_of_l)
    )
    pv = _KeyIndex(problem["visit_id"])
    if pv.exact:
        # each follow-up's problem visit by row code (hash lookup verified against the ids)
        code = _lookup(fu["follow_up_of"], pv)
        hit = code.is_not_null()
        pi = code.filter(hit)
        in_time = fu["date"].filter(hit) <= problem["date"].gather(pi) + dt.timedelta(days=days)
        no_fu = problem.filter(pl.Series(~_flags(pi.filter(in_time), problem.height)))
    else:
        follow = (
            fu.select(pl.col("follow_up_of").alias("visit_id"), pl.col("date").alias("fu_date"))
            .join(problem.select("visit_id", "date"), on="visit_id")
            .filter(pl.col("fu_date") <= pl.col("date") + pl.duration(days=days))
            .select("visit_id")
            .unique()
        )
        no_fu = problem.join(follow, on="visit_id", how="anti")
    del fu, pv
    # few rows: look up only their businesses and cadres (a left join would hash all of b)
    no_fu = no_fu.join(
        b.select("uscc", "jurisdiction").filter(pl.col("uscc").is_in(no_fu["uscc"].implode())),
        on="uscc",
        how="left",
    ).join(
        c.select("cadre_id", "level").filter(pl.col("cadre_id").is_in(no_fu["cadre_id"].implode())),
        on="cadre_id",
        how="left",
    )
    parts.append(
        _finish(
            no_fu.select(
                pl.col("visit_id").alias("key"),
                "uscc",
                "cadre_id",
                "visit_id",
                "jurisdiction",
                "level",
                pl.format("visit {}, follow up by {} days", "date", pl.lit(days)).alias("detail"),
                pl.format("{}督导{}发现的问题{}日内未回头看", "date", "uscc", pl.lit(days)).alias(
                    "message_zh"
                ),
                pl.format(
                    "problems found at {} on {} have no follow-up within {} days",
                    "uscc",
                    "date",
                    pl.lit(days),
                ).alias("message_en"),
                pl.lit("follow_up_days").alias("clause"),
            ),
            "problem_without_follow_up",
            policy,
        )
    )

    return parts[0]


def _day_bounds(win: Any) -> tuple[Any, Any]:
    """The first and last day a record of each window row may start on (numpy int64)."""
    np = require("numpy", extra="data", feature="the pairing audit")
    first = win["first"].to_numpy().astype(np.int64)
    last = win["last"].to_numpy().astype(np.int64)
    monthly = (win["routine"] == Routine.MONTHLY.code).fill_null(False).to_numpy()

    def month_day(months: Any) -> Any:  # year * 12 + month - 1 -> days of the month's 1st
        return (months - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)

    return (
        np.where(monthly, month_day(np.where(monthly, first, 1970 * 12)), first),
        np.where(monthly, month_day(np.where(monthly, last, 1970 * 12)), last),
    )


def _kept_in_sorted_runs(
    run: Any,
    days: Any,
    head_w: Any,
    head_kind: Any,
    bounds: tuple[Any, Any],
    lo_day: int,
    month_start: Any,
) -> Any:
    """The periods kept per window row, when the records come sorted; else None.

    The common layout of a routine ledger (each business's records of one routine together,
    by date, none repeated) lets each run be counted by two binary searches for its window's
    first and last day, with running counts of the Mondays and the 1sts of a month for
    weekly and monthly records, instead of a pass over every record's period. ``run`` is each
    record's run, ``days`` its start (days since 1970), ``head_w`` each run's window row (-1:
    none), ``head_kind`` each run's routine (0 daily, 1 weekly, 2 monthly), ``bounds`` each
    window row's first and last day, ``month_start`` whether each day from ``lo_day`` on
    (the audit window, which every window lies in) is a 1st. None when a window row has two
    runs or a run's days do not strictly increase.
    """
    np = require("numpy", extra="data", feature="the pairing audit")
    n_win = len(bounds[0])
    runs = np.flatnonzero(head_w >= 0)
    w = head_w[runs]
    if len(w) and int(np.bincount(w, minlength=n_win).max()) > 1:
        return None
    kept = np.zeros(n_win, dtype=np.int64)
    if not len(days):
        return kept
    d_min, d_max = int(days.min()), int(days.max())
    lo = np.maximum(bounds[0][w], d_min) - d_min  # each counted run's first and last day
    hi = np.minimum(bounds[1][w], d_max) - d_min
    kind = head_kind[runs]
    # a slice of about _SLICE records at a time, cut where a run starts (the arrays of 4
    # million records at once would be the routine check's peak of memory)
    run_start = np.flatnonzero(np.concatenate(([True], run[1:] != run[:-1])))
    cuts = run_start[np.searchsorted(run_start, np.arange(0, len(run), _SLICE))]
    for p0, p1 in itertools.pairwise([*np.unique(cuts).tolist(), len(run)]):
        r0, r1 = int(run[p0]), int(run[p1 - 1]) + 1
        # one increasing key per record of a run in order: (run, day)
        key = run[p0:p1].astype(np.int64)
        key -= r0
        key <<= 32
        key |= days[p0:p1] - d_min
        if not bool((key[1:] > key[:-1]).all()):
            return None
        # running counts: Mondays (1970-01-05 was one) and 1sts of a month (outside the
        # audit window a day's flag does not matter: no window reaches it)
        step = days[p0:p1] + 3
        step %= 7
        mondays = np.zeros(p1 - p0 + 1, dtype=np.int32)
        np.cumsum(step == 0, out=mondays[1:])
        step[:] = days[p0:p1]
        step -= lo_day
        np.clip(step, 0, len(month_start) - 1, out=step)
        firsts = np.zeros(p1 - p0 + 1, dtype=np.int32)
        np.cumsum(month_start[step], out=firsts[1:])
        del step
        here = slice(*np.searchsorted(runs, [r0, r1]).tolist())
        base = (runs[here].astype(np.int64) - r0) << 32
        at0 = np.searchsorted(key, base + lo[here], side="left")
        at1 = np.searchsorted(key, base + hi[here], side="right")
        n = np.where(
            kind[here] == 1,
            mondays[at1] - mondays[at0],
            np.where(kind[here] == 2, firsts[at1] - firsts[at0], at1 - at0),
        )
        kept[w[here]] = np.where(hi[here] >= lo[here], n, 0)
        del key, mondays, firsts
    return kept


def _routine_gaps(
    b: Any,
    r: Any,
    b_keys: _KeyIndex,
    open_f: Any,
    policy: PairingPolicy,
    as_of: dt.date,
    since: dt.date,
) -> list[Any]:
    """Findings ``routine_gap``."""
    pl = _pl()
    np = require("numpy", extra="data", feature="the pairing audit")
    n_b = b.height
    as_of_l = pl.lit(as_of, dtype=pl.Date)
    parts: list[Any] = []
    # routine records (日管控、周排查、月调度) of the businesses the ledger keeps them for
    # (not checked when the policy has no routines rule)
    required = [x.code for x in policy.routines.required] if policy.routines else []
    if required and r.height:
        # routine records come in runs of one (business, routine): look each run up once
        heads, run = _runs(r, ["uscc", "routine"])
        head_bi = _lookup(heads["uscc"], b_keys).fill_null(-1).to_numpy()
        head_rc = (
            heads["routine"]
            .replace_strict(required, list(range(len(required))), default=-1, return_dtype=pl.Int64)
            .fill_null(-1)
            .to_numpy()
        )
        del heads
        tracked_f = np.zeros(n_b, dtype=bool)
        tracked_f[head_bi[(head_bi >= 0) & (head_bi < n_b)]] = True
        since_l = pl.lit(since, dtype=pl.Date)
        win = (
            b.filter(pl.Series(open_f & tracked_f))
            .select(
                "bi",
                "uscc",
                "name",
                "jurisdiction",
                "want",
                pl.max_horizontal(since_l, pl.col("opened").fill_null(since_l)).alias("w0"),
                pl.min_horizontal(as_of_l, pl.col("closed").fill_null(as_of_l)).alias("w1"),
            )
            .join(
                pl.DataFrame({"routine": required, "rc": list(range(len(required)))}),
                how="cross",
            )
        )
        w0, w1 = pl.col("w0"), pl.col("w1")
        w0_mon = w0 + pl.duration(days=(8 - w0.dt.weekday()) % 7)
        last_start = w1 - pl.duration(days=7)
        w1_mon = last_start - pl.duration(days=last_start.dt.weekday() - 1)
        w0_month = w0.dt.year() * 12 + w0.dt.month() - 1 + (w0.dt.day() != 1).cast(pl.Int32)
        w1_month = w1.dt.year() * 12 + w1.dt.month() - 2
        win = win.with_columns(
            pl.when(pl.col("routine") == Routine.DAILY.code)
            .then(w0.cast(pl.Int64))
            .when(pl.col("routine") == Routine.WEEKLY.code)
            .then(w0_mon.cast(pl.Int64))
            .otherwise(w0_month.cast(pl.Int64))
            .alias("first"),
            pl.when(pl.col("routine") == Routine.DAILY.code)
            .then(w1.cast(pl.Int64) - 1)
            .when(pl.col("routine") == Routine.WEEKLY.code)
            .then(w1_mon.cast(pl.Int64))
            .otherwise(w1_month.cast(pl.Int64))
            .alias("last"),
            pl.when(pl.col("routine") == Routine.WEEKLY.code).then(7).otherwise(1).alias("step"),
        ).with_columns(
            pl.when(pl.col("last") >= pl.col("first"))
            .then((pl.col("last") - pl.col("first")) // pl.col("step") + 1)
            .otherwise(0)
            .alias("expected")
        )
        daily, weekly, monthly = (
            required.index(x.code) if x.code in required else -1
            for x in (Routine.DAILY, Routine.WEEKLY, Routine.MONTHLY)
        )
        nr = len(required)
        # each record's (business, routine) key and period index, in numpy a slice at a time
        # (the temporaries of 4 million records at once would be the audit's peak of memory):
        # a daily record counts by its day, a weekly one when it starts on a Monday, a monthly
        # one when it starts on the 1st, by its month. Every window lies in [since, as_of), so
        # only records of those days can count, and the days' months come from a table of them
        lo_day, hi_day = _days(since), _days(as_of)
        span = np.arange(lo_day, max(hi_day, lo_day + 1), dtype=np.int64)
        span_month = span.astype("datetime64[D]").astype("datetime64[M]")
        month_of = span_month.astype(np.int64) + 1970 * 12  # year * 12 + month - 1, as in win
        month_start = span_month.astype("datetime64[D]").astype(np.int64) == span
        # each (business, routine) row of ``win``, by a dense array over the codes
        slot = np.full(n_b * nr, -1, dtype=np.int32)
        slot[(win["bi"] * nr + win["rc"]).to_numpy()] = np.arange(win.height, dtype=np.int32)
        kept = None
        if run is not None and r["period_start"].null_count() == 0:
            valid = (head_bi >= 0) & (head_bi < n_b) & (head_rc >= 0)
            head_w = np.full(len(head_bi), -1, dtype=np.int32)
            head_w[valid] = slot[head_bi[valid] * nr + head_rc[valid]]
            kind_of = np.array(
                [
                    [Routine.DAILY.code, Routine.WEEKLY.code].index(x)
                    if x in (Routine.DAILY.code, Routine.WEEKLY.code)
                    else 2
                    for x in required
                ]
            )
            kept = _kept_in_sorted_runs(
                run,
                r["period_start"].to_physical().to_numpy(),  # days since 1970 (int32)
                head_w,
                kind_of[np.maximum(head_rc, 0)],
                _day_bounds(win),
                lo_day,
                month_start,
            )
        if kept is None:  # records out of order, repeated, or undated: record by record
            brc_parts, idx_parts = [], []
            for first_row in range(0, r.height, _SLICE):
                rows = r.slice(first_row, _SLICE)
                if run is None:
                    rb = head_bi[first_row : first_row + rows.height]
                    rc_np = head_rc[first_row : first_row + rows.height]
                else:
                    at = run[first_row : first_row + rows.height]
                    rb, rc_np = head_bi[at], head_rc[at]
                    del at
                dated = rows["period_start"].is_not_null().to_numpy()
                days = rows["period_start"].cast(pl.Int32).fill_null(0).to_numpy().astype(np.int64)
                in_span = dated & (days >= lo_day) & (days < hi_day)
                k = np.where(in_span, days - lo_day, 0)
                counts_here = in_span & (
                    (rc_np == daily)
                    | ((rc_np == weekly) & ((days + 3) % 7 == 0))  # 1970-01-05 was a Monday
                    | ((rc_np == monthly) & month_start[k])
                )
                ok = counts_here & (rc_np >= 0) & (rb >= 0) & (rb < n_b)
                brc_parts.append(rb[ok] * nr + rc_np[ok])
                idx_parts.append(np.where(rc_np == monthly, month_of[k], days)[ok].astype(np.int32))
                del rows, rb, rc_np, dated, days, in_span, k, counts_here, ok
            del head_bi, head_rc, run
            brc = np.concatenate(brc_parts) if brc_parts else np.zeros(0, dtype=np.int64)
            idx = np.concatenate(idx_parts) if idx_parts else np.zeros(0, dtype=np.int32)
            del brc_parts, idx_parts
            # each record's row of ``win``, then the distinct periods kept per row (no join,
            # no group-by); 32-bit arrays, as the 4 million records are the audit's peak of memory
            wi = slot[brc]
            del brc
            keep = wi >= 0
            wic = np.where(keep, wi, 0)
            keep &= idx >= win["first"].cast(pl.Int32).to_numpy()[wic]
            keep &= idx <= win["last"].cast(pl.Int32).to_numpy()[wic]
            del wic
            wi, idx = wi[keep], idx[keep]
            del keep
            kept = np.zeros(win.height, dtype=np.int64)
            if len(idx):
                first_idx = int(idx.min())
                span = int(idx.max()) - first_idx + 1
                key = wi.astype(np.int64) * span + (idx - first_idx)
                same_row = wi[1:] == wi[:-1]
                runs = len(wi) - int(same_row.sum())
                if runs == int((np.bincount(wi) > 0).sum()) and bool(
                    (np.diff(idx)[same_row] >= 0).all()
                ):  # the usual order: each row's records in one run, by period; duplicates adjacent
                    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
                else:
                    key = pl.Series(key).unique().to_numpy()
                kept = np.bincount(key // span, minlength=win.height)
            del wi, idx
        del slot
        short = kept < win["expected"].to_numpy()
        # rechunk: filtering the cross-joined frame directly made polars 2.1 panic in format
        gaps = (
            win.rechunk()
            .filter(pl.Series(short))
            .with_columns(pl.Series("kept", kept[short], dtype=pl.Int64))
        )
        parts.append(
            _finish(
                gaps.select(
                    pl.format("{}/{}", "uscc", "routine").alias("key"),
                    "uscc",
                    "jurisdiction",
                    pl.col("want").alias("level"),
                    pl.format("{} of {} {} records", "kept", "expected", "routine").alias("detail"),
                    pl.format(
                        "{}（{}）{}记录缺失：应有{}份，实有{}份",
                        "name",
                        "uscc",
                        pl.col("routine").replace_strict(
                            {x.code: x.zh for x in Routine}, return_dtype=pl.Utf8
                        ),
                        "expected",
                        "kept",
                    ).alias("message_zh"),
                    pl.format(
                        "business {} keeps {} of {} {} records",
                        "uscc",
                        "kept",
                        "expected",
                        "routine",
                    ).alias("message_en"),
                    pl.format("routines.{}", "routine").alias("clause"),
                ),
                "routine_gap",
                policy,
            )
        )

    return parts


class _AtOnce:
    """An executor that runs what it is given at once, in the calling thread."""

    def submit(self, fn: Callable[..., _T], /, *args: Any) -> Future[_T]:
        done: Future[_T] = Future()
        try:
            done.set_result(fn(*args))
        except Exception as exc:  # held, as a thread's future holds it
            done.set_exception(exc)
        return done

    def shutdown(self, wait: bool = True) -> None:
        """Nothing to wait for."""


def audit(
    ledger: Any,
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
        policy: the pairing policy to apply.
        as_of: the audit date (default today); a period or deadline counts when it ended on or
            before it.
        since: the start of the window for visit and routine periods (default one year
            before ``as_of``).
        parallel: run the visit checks on one extra thread while the calling thread does the
            rest (the default; about a quarter faster on two cores); ``False`` runs everything
            on the calling thread. The result is the same either way.

    Returns:
        The findings (see the module docstring for each kind's rule) and the coverage table.

    Raises:
        RuleError: ``since`` is not before ``as_of``.
    """
    pl = _pl()
    as_of = as_of or dt.date.today()
    since = since or default_since(as_of)
    if since >= as_of:
        raise RuleError(
            f"the audit window must start before as_of (since {since}, as_of {as_of})",
            field="since",
            value=since,
        )
    t = _tables(ledger)
    b, c, a, p, v, r = (
        t["businesses"],
        t["cadres"],
        t["assignments"],
        t["pledges"],
        t["visits"],
        t["routines"],
    )
    # integer codes, computed once: ``bi`` (row of the business) and ``ci`` (row of the cadre);
    # the joins and group-bys below then key 10^6 rows by integers instead of strings
    n_b, n_c = b.height, c.height
    b = b.with_row_index("bi").with_columns(pl.col("bi").cast(pl.Int64))
    c = c.with_row_index("ci").with_columns(pl.col("ci").cast(pl.Int64))
    # the visit checks (about half the work) run on a second thread while this one does the
    # rest: polars and numpy release the GIL in their loops, and most of the audit's steps
    # use one core only; the findings do not depend on the order the parts finish in. The
    # cadres' key index and codes are made there too, while this thread makes the businesses'
    pool = (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="foodsafety-audit")
        if parallel
        else _AtOnce()
    )
    try:
        cadre_job = pool.submit(_index_and_codes, c["cadre_id"], a["cadre_id"])
        b_keys, a_bi = _index_and_codes(b["uscc"], a["uscc"])
        c_keys, a_ci = cadre_job.result()
        a = a.with_columns(a_bi.alias("bi"), a_ci.alias("ci"))
        del a_bi, a_ci
        visits_job = pool.submit(_overdue_visits, b, c, a, v, policy, as_of, since)
        follow_job = pool.submit(_unfollowed_problems, b, c, v, policy, as_of)
    finally:
        pool.shutdown(wait=False)  # the thread ends once the jobs given are done
    tier_map = {tier.code: level.code for tier, level in policy.tier_levels.items()}
    caps = {level.code: cap for level, cap in policy.load_cap.items()}
    as_of_l = pl.lit(as_of, dtype=pl.Date)

    np = require("numpy", extra="data", feature="the pairing audit")
    # the level each business's tier wants, as a small integer (its rank among the wanted
    # levels; -1 untiered or a tier the policy does not map) and as the level's code
    targets = sorted(set(tier_map.values()))
    want_code = (
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
    b = b.with_columns(
        pl.Series("want", [*targets, None], dtype=pl.Utf8).gather(
            pl.Series(np.where(want_code >= 0, want_code, len(targets)))
        )
    )
    # the open businesses as a mask over b's rows: each check filters b once for its own
    # rows (a filtered copy of all of b's columns cost 130 MB at a million businesses)
    open_f = (
        b.select(
            (pl.col("opened").is_null() | (pl.col("opened") <= as_of_l))
            & (pl.col("closed").is_null() | (pl.col("closed") > as_of_l))
        )
        .to_series()
        .to_numpy()
    )
    ob = np.flatnonzero(open_f)
    # the assignments in force (a mask over a's rows), and the rows of those on open
    # businesses with their business's and cadre's row codes: the checks below work on the
    # codes, and gather strings only for the rows they report
    a_bi = a["bi"].fill_null(n_b).to_numpy()
    a_ci = np.minimum(a["ci"].fill_null(n_c).to_numpy(), n_c)  # n_c: not in the ledger
    in_force = a.select(
        (pl.col("valid_from") <= as_of_l)
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > as_of_l))
    ).to_series()
    paired_f = _flags(a["bi"].filter(in_force), n_b)
    known_b = a_bi < n_b
    on_open = known_b & open_f[np.where(known_b, a_bi, 0)]
    cur_rows = np.flatnonzero(in_force.fill_null(False).to_numpy() & on_open)
    cur_bi, cur_ci = a_bi[cur_rows], a_ci[cur_rows]
    del a_bi, a_ci, known_b, on_open, in_force
    cur_known_c = cur_ci < n_c
    cur_ci_or_0 = pl.Series(np.where(cur_known_c, cur_ci, 0))

    def reported(rows: Any) -> Any:
        """The assignments at ``rows`` of ``a``, with their business's and cadre's columns."""
        found = a.select("assignment_id", "uscc", "cadre_id", "bi", "ci")[rows]
        return found.with_columns(
            b["jurisdiction"].gather(found["bi"]),
            b["want"].gather(found["bi"]),
            b["tier"].gather(found["bi"]),
            c["level"].gather(found["ci"]),
            c["jurisdiction"].gather(found["ci"]).alias("cadre_juris"),
        )

    parts: list[Any] = []

    # re-pairing deadline after a status change (working days, polars business days); a
    # policy without a repair rule checks none, and excuses no unpaired business
    repair = policy.repair
    changed = b.filter(
        pl.Series(open_f), pl.col("status_changed").is_not_null(), pl.lit(repair is not None)
    ).with_columns(
        pl.col("status_changed")
        .dt.add_business_days(
            repair.working_days if repair else 0,
            holidays=list(policy.calendar.days_off),
            roll="backward",
        )
        .alias("deadline")
    )
    repaired_in_time = (
        changed.select("bi", "status_changed", "deadline")
        .join(a.select("bi", "valid_from"), on="bi")
        .filter(
            (pl.col("valid_from") >= pl.col("status_changed"))
            & (pl.col("valid_from") <= pl.col("deadline"))
        )
        .select("bi")
        .unique()
    )
    late = changed.filter(pl.col("deadline") < as_of_l).join(repaired_in_time, on="bi", how="anti")
    parts.append(
        _finish(
            late.select(
                pl.col("uscc").alias("key"),
                "uscc",
                "jurisdiction",
                pl.col("want").alias("level"),
                pl.format(
                    "status changed {}, re-pair by {} ({} working days)",
                    "status_changed",
                    "deadline",
                    pl.lit(repair.working_days if repair else 0),
                ).alias("detail"),
                pl.format(
                    "{}（{}）{}状态变更后未在{}前重新包保",
                    "name",
                    "uscc",
                    "status_changed",
                    "deadline",
                ).alias("message_zh"),
                pl.format(
                    "business {} changed status on {} and was not re-paired by {}",
                    "uscc",
                    "status_changed",
                    "deadline",
                ).alias("message_en"),
                pl.lit("repair.working_days").alias("clause"),
            ),
            "repair_overdue",
            policy,
        )
    )

    # unpaired: no current assignment (a running re-pairing window excuses it)
    excused_f = _flags(changed.filter(pl.col("deadline") >= as_of_l)["bi"], n_b)
    unpaired = b.filter(pl.Series(open_f & ~paired_f & ~excused_f))
    parts.append(
        _finish(
            unpaired.select(
                pl.col("uscc").alias("key"),
                "uscc",
                "jurisdiction",
                pl.col("want").alias("level"),
                pl.format("{}（{}）无包保干部", "name", "uscc").alias("message_zh"),
                pl.format("business {} has no pairing cadre on {}", "uscc", as_of_l).alias(
                    "message_en"
                ),
                pl.lit("tier_levels").alias("clause"),
            ),
            "unpaired",
            policy,
        )
    )

    # tier/level mismatch (层级对应)
    # the wanted and the actual level as small integers: a level the policy wants gets its
    # rank among those, any other level -3, a null level -2 (compares as unknown: no finding)
    level_code = np.append(
        c["level"]
        .replace_strict(targets, list(range(len(targets))), default=-3, return_dtype=pl.Int8)
        .fill_null(-2)
        .to_numpy(),
        np.int8(-2),  # the row code of a cadre not in the ledger
    )
    want_at, level_at = want_code[cur_bi], level_code[cur_ci]
    mism = reported(cur_rows[(want_at >= 0) & (level_at != -2) & (level_at != want_at)])
    del want_at, level_at
    parts.append(
        _finish(
            mism.select(
                pl.col("assignment_id").alias("key"),
                "uscc",
                "cadre_id",
                "assignment_id",
                "jurisdiction",
                pl.col("want").alias("level"),
                pl.format("tier {} wants {}, cadre is {}", "tier", "want", "level").alias("detail"),
                pl.format(
                    "{}级主体{}由{}级干部{}包保，应为{}级干部",
                    "tier",
                    "uscc",
                    _zh(pl.col("level"), Level),
                    "cadre_id",
                    _zh(pl.col("want"), Level),
                ).alias("message_zh"),
                pl.format(
                    "tier {} business {} is paired by {}-level cadre {}, policy wants {}",
                    "tier",
                    "uscc",
                    "level",
                    "cadre_id",
                    "want",
                ).alias("message_en"),
                pl.format("tier_levels.{}", "tier").alias("clause"),
            ),
            "tier_level_mismatch",
            policy,
        )
    )

    # cadre outside the business's jurisdiction (属地): the two codes compared at the coarser
    # of their levels, as ledgers code places as coarsely as they know them (a village cadre
    # under the township's code, a business at its township). A business whose code starts
    # with the cadre's prefix agrees at every level: that test, one pass over the pairs, leaves
    # the few candidates to compare truncated to the shorter prefix
    prefix = c.select(_prefix(pl.col("jurisdiction"))).to_series()  # once per cadre
    away = (
        pl.select(
            prefix.gather(cur_ci_or_0).is_not_null()
            & ~b["jurisdiction"]
            .gather(pl.Series(cur_bi))
            .str.starts_with(prefix.gather(cur_ci_or_0))
        )
        .to_series()
        .fill_null(False)
        .to_numpy()
    )
    candidates = cur_rows[away & cur_known_c]
    outside = reported(candidates)
    outside = outside.filter(_disjoint(pl.col("cadre_juris"), pl.col("jurisdiction")))
    del prefix, away, candidates
    parts.append(
        _finish(
            outside.select(
                pl.col("assignment_id").alias("key"),
                "uscc",
                "cadre_id",
                "assignment_id",
                "jurisdiction",
                "level",
                pl.format("cadre in {}, business in {}", "cadre_juris", "jurisdiction").alias(
                    "detail"
                ),
                pl.format(
                    "干部{}（{}）包保辖区外主体{}（{}）",
                    "cadre_id",
                    "cadre_juris",
                    "uscc",
                    "jurisdiction",
                ).alias("message_zh"),
                pl.format(
                    "cadre {} of {} pairs business {} in {}, outside the cadre's jurisdiction",
                    "cadre_id",
                    "cadre_juris",
                    "uscc",
                    "jurisdiction",
                ).alias("message_en"),
                pl.lit("tier_levels").alias("clause"),
            ),
            "cadre_outside_jurisdiction",
            policy,
        )
    )

    # load cap per level
    if caps:
        load = np.bincount(cur_ci[cur_known_c], minlength=n_c)
        loads = (
            c.select("cadre_id", "level", "jurisdiction")
            .with_columns(pl.Series("load", load, dtype=pl.Int64))
            .filter(pl.col("load") > 0)
            .with_columns(
                pl.col("level")
                .replace_strict(caps, default=None, return_dtype=pl.Int64)
                .alias("cap")
            )
            .filter(pl.col("cap").is_not_null() & (pl.col("load") > pl.col("cap")))
        )
        parts.append(
            _finish(
                loads.select(
                    pl.col("cadre_id").alias("key"),
                    "cadre_id",
                    "jurisdiction",
                    "level",
                    pl.format("load {} > cap {}", "load", "cap").alias("detail"),
                    pl.format("干部{}包保{}户，超过上限{}户", "cadre_id", "load", "cap").alias(
                        "message_zh"
                    ),
                    pl.format(
                        "cadre {} pairs {} businesses, above the cap of {}",
                        "cadre_id",
                        "load",
                        "cap",
                    ).alias("message_en"),
                    pl.format("load_cap.{}", "level").alias("clause"),
                ),
                "cadre_overloaded",
                policy,
            )
        )

    del cur_rows, cur_bi, cur_ci, cur_known_c, cur_ci_or_0
    # assignment history: overlaps and gaps between consecutive assignments of a business
    far = pl.lit(_FAR, dtype=pl.Date)
    started = a.filter(pl.col("valid_from") <= as_of_l)
    # most businesses have one assignment: keep those with several (a bincount by code)
    sb = started["bi"]
    per_b = np.bincount(sb.drop_nulls().to_numpy(), minlength=1)
    several = np.where(sb.is_null().to_numpy(), sb.null_count() > 1, per_b[sb.fill_null(0)] > 1)
    hist = (
        started.filter(pl.Series(several, dtype=pl.Boolean))
        .with_columns(pl.col("valid_to").fill_null(far).alias("end"))
        .sort("bi", "valid_from", "end", "assignment_id")
    )
    # the latest end among the business's earlier assignments: one running maximum over
    # (business, end) keys, as rows come sorted by business (a window over groups cost more)
    group = hist["bi"].fill_null(-1).to_numpy() + 1
    ends = hist["end"].cast(pl.Int32).to_numpy().astype(np.int64)
    if len(ends):
        low = int(ends.min())
        span = int(ends.max()) - low + 1
        running = np.maximum.accumulate(group * span + (ends - low))
        prev_end = np.zeros(len(ends), dtype=np.int64)
        prev_end[1:] = running[:-1] - group[1:] * span + low
        follows = np.zeros(len(ends), dtype=bool)
        follows[1:] = group[1:] == group[:-1]
        hist = hist.with_columns(
            pl.Series("prev_end", prev_end).cast(pl.Int32).cast(pl.Date)
        ).filter(pl.Series(follows))
    else:
        hist = hist.with_columns(pl.lit(None, dtype=pl.Date).alias("prev_end"))
    del group, ends
    # a small frame: the business's columns by row code (a left join would hash all of b)
    known_bi = hist.select(pl.when(pl.col("bi") < n_b).then(pl.col("bi"))).to_series()
    hist = hist.with_columns(b["jurisdiction"].gather(known_bi), b["name"].gather(known_bi))
    for kind, cond, zh, en in (
        (
            "assignment_overlap",
            pl.col("valid_from") < pl.col("prev_end"),
            "{}（{}）包保期间重叠：{}起，前一包保至{}",
            "assignment {} of business {} starts {} before the earlier one ends {}",
        ),
        (
            "assignment_gap",
            pl.col("valid_from") > pl.col("prev_end"),
            "{}（{}）包保断档：{}起才重新包保，前一包保止于{}",
            "assignment {} of business {} starts {} after a gap since {}",
        ),
    ):
        rows = hist.filter(cond)
        parts.append(
            _finish(
                rows.select(
                    pl.col("assignment_id").alias("key"),
                    "uscc",
                    "cadre_id",
                    "assignment_id",
                    "jurisdiction",
                    pl.format("from {}, previous until {}", "valid_from", "prev_end").alias(
                        "detail"
                    ),
                    pl.format(zh, "name", "uscc", "valid_from", "prev_end").alias("message_zh"),
                    pl.format(en, "assignment_id", "uscc", "valid_from", "prev_end").alias(
                        "message_en"
                    ),
                    pl.lit("assignments.history").alias("clause"),
                ),
                kind,
                policy,
            )
        )

    del started, hist, sb, several
    # pledges and lists past their due date
    due_rows = [
        (lv.code, rule.document.code, rule.due)
        for rule in policy.documents
        if rule.due < as_of
        for lv in rule.levels
    ]
    if due_rows:
        # one integer per (cadre, document): the cadre's row code and the document's rank
        docs = sorted({x[1] for x in due_rows})
        doc_key = pl.col("document").replace_strict(
            docs, list(range(len(docs))), default=None, return_dtype=pl.Int64
        )
        signed = (
            p.select(
                (_lookup_runs(p["cadre_id"], c_keys) * len(docs) + doc_key).alias("cd"),
                "signed",
            )
            .filter(pl.col("signed").is_not_null() & (pl.col("signed") <= as_of_l))
            .get_column("cd")
        )
        # a flag per (cadre, document) signed in time; pledges of cadres not in the ledger
        # (codes from n_c up) cannot settle what a ledger cadre owes
        signed_f = _flags(signed, n_c * len(docs))
        # what each cadre owes, one due row (level, document, date) at a time over masks of
        # the cadres (a join of the cadres with the due rows copied every cadre's columns
        # once per document: 150 MB at 300,000 cadres)
        active = (
            c.select(pl.col("active_to").is_null() | (pl.col("active_to") > as_of_l))
            .to_series()
            .to_numpy()
        )
        levels = sorted({x[0] for x in due_rows})
        c_level = (
            c["level"]
            .replace_strict(levels, list(range(len(levels))), default=-1, return_dtype=pl.Int8)
            .fill_null(-1)
            .to_numpy()
        )
        c_from = c["active_from"].to_physical().fill_null(np.iinfo(np.int32).min).to_numpy()
        owed_rows, owed_due = [], []
        for k, (level_code, doc, due_day) in enumerate(due_rows):
            owes = (
                active
                & (c_level == levels.index(level_code))
                & (c_from <= _days(due_day))
                & ~signed_f[np.arange(n_c) * len(docs) + docs.index(doc)]
            )
            owed_rows.append(np.flatnonzero(owes))
            owed_due.append(np.full(len(owed_rows[-1]), k))
        at = np.concatenate(owed_rows)
        due_at = pl.Series(np.concatenate(owed_due))
        owed = c[at].with_columns(
            pl.Series([x[1] for x in due_rows], dtype=pl.Utf8).gather(due_at).alias("document"),
            pl.Series([x[2] for x in due_rows], dtype=pl.Date).gather(due_at).alias("due"),
        )
        del signed, signed_f, active, c_level, c_from, owed_rows, owed_due, at, due_at
        for kind, is_pledge in (("pledge_missing", True), ("list_missing", False)):
            rows = owed.filter((pl.col("document") == PairingList.PLEDGE.code) == is_pledge)
            parts.append(
                _finish(
                    rows.select(
                        pl.format("{}/{}", "cadre_id", "document").alias("key"),
                        "cadre_id",
                        "document",
                        "jurisdiction",
                        "level",
                        pl.format("due {}", "due").alias("detail"),
                        pl.format(
                            "{}级干部{}的{}逾期未签（应于{}前）",
                            _zh(pl.col("level"), Level),
                            "cadre_id",
                            _zh(pl.col("document"), PairingList),
                            "due",
                        ).alias("message_zh"),
                        pl.format(
                            "cadre {} has no signed {} (due {})", "cadre_id", "document", "due"
                        ).alias("message_en"),
                        pl.format("documents.{}", "document").alias("clause"),
                    ),
                    kind,
                    policy,
                )
            )

    # director and officers (食品安全总监、食品安全员), each only when the policy asks for it
    staff = policy.staffing or StaffingRule()
    staffed = pl.Series(open_f)
    if staff.kinds:
        staffed &= b["kind"].is_in([k.code for k in staff.kinds])
    if staff.director:
        no_dir = b.filter(
            staffed, pl.col("director").is_null() | (pl.col("director").str.strip_chars() == "")
        )
        parts.append(
            _finish(
                no_dir.select(
                    pl.col("uscc").alias("key"),
                    "uscc",
                    "jurisdiction",
                    pl.col("want").alias("level"),
                    pl.format("{}（{}）未配备食品安全总监", "name", "uscc").alias("message_zh"),
                    pl.format("business {} has no food safety director", "uscc").alias(
                        "message_en"
                    ),
                    pl.lit("staffing.director").alias("clause"),
                ),
                "director_missing",
                policy,
            )
        )
    if staff.min_officers > 0:
        n_off = (
            pl.col("officers")
            .list.eval(pl.element().filter(pl.element().str.strip_chars() != ""))
            .list.len()
            .fill_null(0)
        )
        n_officers = b.select(n_off).to_series()
        short_f = staffed & (n_officers < staff.min_officers)
        no_off = b.filter(short_f).with_columns(n_officers.filter(short_f).alias("n_officers"))
        parts.append(
            _finish(
                no_off.select(
                    pl.col("uscc").alias("key"),
                    "uscc",
                    "jurisdiction",
                    pl.col("want").alias("level"),
                    pl.format(
                        "{} officer(s), {} required", "n_officers", pl.lit(staff.min_officers)
                    ).alias("detail"),
                    pl.format("{}（{}）食品安全员配备不足", "name", "uscc").alias("message_zh"),
                    pl.format(
                        "business {} has fewer food safety officers than {}",
                        "uscc",
                        pl.lit(staff.min_officers),
                    ).alias("message_en"),
                    pl.lit("staffing.min_officers").alias("clause"),
                ),
                "officer_missing",
                policy,
            )
        )

    parts.extend(_routine_gaps(b, r, b_keys, open_f, policy, as_of, since))
    visit_parts, overdue_bi = visits_job.result()
    parts.extend(visit_parts)
    parts.append(follow_job.result())

    frame = pl.concat(parts, how="vertical").sort("kind", "key")

    mism_f, over_f = _flags(mism["bi"], n_b), _flags(overdue_bi, n_b)
    coverage = (
        b.select("uscc", "jurisdiction", "want")
        .filter(pl.Series(open_f))
        .select(
            "uscc",
            _area(pl.col("jurisdiction"), "city").alias("city"),
            _area(pl.col("jurisdiction"), "county").alias("county"),
            _area(pl.col("jurisdiction"), "township").alias("township"),
            pl.col("want").fill_null("untiered").alias("level"),
            pl.Series("paired", paired_f[ob]),
            pl.Series("mismatched", mism_f[ob]),
            pl.Series("overdue", over_f[ob]),
        )
    )
    return AuditResult(frame=frame, coverage=coverage, policy=policy, as_of=as_of, since=since)
