"""The issue ledger (问题台账): every finding and its rectification, as DataFrames.

Seed 004 (Anyang) enters every problem that supervision finds in a ledger (记入督查工作问题台账),
follows its rectification (跟进整改情况), checks it on acceptance (验收复核) and closes it (销号);
seed 001 (item 7) asks that last year's assessment findings be rectified and checked. An
:class:`IssueLedger` holds :class:`~foodsafety.models.finding.Finding` records from every
source — the pairing audit (:func:`from_audit_findings`), supervision visits
(:func:`from_visits`), campaigns (:func:`foodsafety.engines.campaign.campaign_findings`),
assessments — and answers the ledger's questions as polars DataFrames: what is open and for how
long (:meth:`IssueLedger.open_by_age`), what is overdue (:meth:`IssueLedger.overdue`), and the
counts per jurisdiction (:meth:`IssueLedger.by_jurisdiction`) and per source
(:meth:`IssueLedger.by_source`); :meth:`IssueLedger.evidence` hands the counts to an annual
rubric (``overdue_findings``).

polars is imported only inside the methods that build frames.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from foodsafety._atomic import atomic_open
from foodsafety.errors import LoadError, RuleError, require
from foodsafety.ledger._cells import write_frame
from foodsafety.models.finding import Finding, sweep_overdue
from foodsafety.models.visit import Visit
from foodsafety.rules.rectification import RectificationPolicy, rectification_deadline
from foodsafety.vocab import FindingSource, FindingState, RectificationAction, Severity

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "AGE_BUCKETS",
    "FINDING_COLUMNS",
    "IssueLedger",
    "from_audit_findings",
    "from_visits",
]

#: Upper bounds (days, inclusive) of the age buckets of :meth:`IssueLedger.open_by_age`.
AGE_BUCKETS: tuple[int, ...] = (30, 60, 90, 180)

#: The columns of :meth:`IssueLedger.to_polars`, with polars dtype names.
FINDING_COLUMNS: dict[str, str] = {
    "finding_id": "Utf8",
    "source": "Utf8",
    "severity": "Utf8",
    "jurisdiction": "Utf8",
    "city": "Utf8",
    "county": "Utf8",
    "subject": "Utf8",
    "title": "Utf8",
    "category": "Utf8",
    "found_on": "Date",
    "found_by": "Utf8",
    "origin": "Utf8",
    "state": "Utf8",
    "is_open": "Boolean",
    "deadline": "Date",
    "overdue": "Boolean",
    "days_overdue": "Int64",
    "age_days": "Int64",
    "age_bucket": "Utf8",
    "last_action": "Utf8",
    "last_date": "Date",
    "events": "Int64",
    "reopened": "Int64",
}


def _pl() -> Any:
    return require("polars", extra="data", feature="the issue ledger (问题台账)")


def _prefix_code(code: str | None, level: Literal["city", "county"]) -> str | None:
    if code is None or len(code) < 6 or not code[:6].isdigit():
        return None
    if level == "city":
        return code[:4] + "00" if code[2:4] != "00" else None
    return code[:6] if code[4:6] != "00" else None


def _bucket(age: int, buckets: Sequence[int]) -> str:
    lo = 0
    for hi in buckets:
        if age <= hi:
            return f"{lo}-{hi}"
        lo = hi + 1
    return f">{buckets[-1]}"


class IssueLedger:
    """An issue ledger (问题台账): findings by id, immutable; methods return new ledgers.

    Args:
        findings: the findings; ids must be unique.

    Raises:
        RuleError: two findings share an id.
    """

    __slots__ = ("_findings", "_frames")

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        items: dict[str, Finding] = {}
        for f in findings:
            if f.finding_id in items:
                raise RuleError(
                    f"finding id {f.finding_id!r} appears twice in the issue ledger",
                    code="issues.duplicate_id",
                    record="Finding",
                    field="finding_id",
                    value=f.finding_id,
                )
            items[f.finding_id] = f
        self._findings = items
        # The ledger never changes, so an aged frame can be reused by every summary.
        self._frames: dict[tuple[dt.date, tuple[int, ...]], Any] = {}

    # -- collection ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._findings.values())

    def __contains__(self, finding_id: object) -> bool:
        return finding_id in self._findings

    def __getitem__(self, finding_id: str) -> Finding:
        try:
            return self._findings[finding_id]
        except KeyError:
            raise KeyError(f"no finding {finding_id!r} in the issue ledger") from None

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, in the order added."""
        return tuple(self._findings.values())

    def add(self, findings: Iterable[Finding]) -> IssueLedger:
        """A ledger with more findings (ids must stay unique)."""
        return IssueLedger([*self._findings.values(), *findings])

    def replace(self, finding: Finding) -> IssueLedger:
        """A ledger where the finding with the same id is replaced by ``finding``."""
        if finding.finding_id not in self._findings:
            raise KeyError(f"no finding {finding.finding_id!r} in the issue ledger")
        items = dict(self._findings)
        items[finding.finding_id] = finding
        return IssueLedger(items.values())

    def sweep_overdue(self, as_of: dt.date, *, actor: str = "system") -> IssueLedger:
        """A ledger where every finding past its deadline is marked overdue (逾期)."""
        return IssueLedger(sweep_overdue(self.findings, as_of, actor=actor))

    # -- frames ----------------------------------------------------------------------------

    def rows(self, as_of: dt.date, *, buckets: Sequence[int] = AGE_BUCKETS) -> list[dict[str, Any]]:
        """One plain row per finding (the columns of :data:`FINDING_COLUMNS`)."""
        out: list[dict[str, Any]] = []
        for f in self._findings.values():
            age = f.age(as_of)
            overdue = f.is_overdue(as_of)
            deadline = f.deadline
            last = f.events[-1] if f.events else None
            out.append(
                {
                    "finding_id": f.finding_id,
                    "source": f.source.value,
                    "severity": f.severity.value,
                    "jurisdiction": f.jurisdiction,
                    "city": _prefix_code(f.jurisdiction, "city"),
                    "county": _prefix_code(f.jurisdiction, "county"),
                    "subject": f.subject,
                    "title": f.title,
                    "category": f.category,
                    "found_on": f.found_on,
                    "found_by": f.found_by,
                    "origin": f.origin,
                    "state": f.state.value,
                    "is_open": f.is_open,
                    "deadline": deadline,
                    "overdue": overdue,
                    "days_overdue": (
                        (as_of - deadline).days
                        if overdue and deadline is not None and as_of > deadline
                        else 0
                    ),
                    "age_days": age,
                    "age_bucket": _bucket(age, buckets) if f.is_open else None,
                    "last_action": None if last is None else last.action.value,
                    "last_date": f.last_date,
                    "events": len(f.events),
                    "reopened": sum(
                        1
                        for ev in f.events
                        if ev.target is FindingState.REOPENED
                        and ev.source is not FindingState.REOPENED
                    ),
                }
            )
        return out

    def to_polars(self, as_of: dt.date, *, buckets: Sequence[int] = AGE_BUCKETS) -> pl.DataFrame:
        """The ledger as one row per finding, aged on ``as_of``."""
        key = (as_of, tuple(buckets))
        cached = self._frames.get(key)
        if cached is not None:
            hit: pl.DataFrame = cached
            return hit
        plx = _pl()
        dtypes = {"Utf8": plx.Utf8, "Date": plx.Date, "Boolean": plx.Boolean, "Int64": plx.Int64}
        schema = {c: dtypes[t] for c, t in FINDING_COLUMNS.items()}
        frame: pl.DataFrame = plx.DataFrame(
            self.rows(as_of, buckets=buckets), schema=schema, orient="row"
        )
        self._frames[key] = frame
        return frame

    def events(self) -> pl.DataFrame:
        """Every event of every finding, one row each (the replayable history)."""
        plx = _pl()
        rows = [
            {"finding_id": f.finding_id, "seq": i, **ev.to_row()}
            for f in self._findings.values()
            for i, ev in enumerate(f.events)
        ]
        schema = {
            "finding_id": plx.Utf8,
            "seq": plx.Int64,
            "action": plx.Utf8,
            "date": plx.Date,
            "actor": plx.Utf8,
            "source": plx.Utf8,
            "target": plx.Utf8,
            "outcome": plx.Utf8,
            "deadline": plx.Date,
            "note": plx.Utf8,
        }
        frame: pl.DataFrame = plx.DataFrame(rows, schema=schema, orient="row")
        return frame

    def open_by_age(self, as_of: dt.date, *, buckets: Sequence[int] = AGE_BUCKETS) -> pl.DataFrame:
        """Open findings per age bucket (days since found), with counts per severity.

        Every bucket appears, empty ones with zeros, youngest first.
        """
        plx = _pl()
        frame = self.to_polars(as_of, buckets=buckets).filter(plx.col("is_open"))
        labels = [_bucket(b, buckets) for b in buckets] + [f">{buckets[-1]}"]
        sev = [s.value for s in Severity]
        rows = []
        for label in labels:
            part = frame.filter(plx.col("age_bucket") == label)
            row: dict[str, Any] = {"age_bucket": label, "open": part.height}
            for s in sev:
                row[s] = part.filter(plx.col("severity") == s).height
            row["overdue"] = part.filter(plx.col("overdue")).height
            rows.append(row)
        out: pl.DataFrame = plx.DataFrame(rows, orient="row")
        return out

    def overdue(self, as_of: dt.date) -> pl.DataFrame:
        """Findings overdue on ``as_of`` (marked overdue, or rectifying past the deadline),
        most overdue first."""
        plx = _pl()
        return (
            self.to_polars(as_of)
            .filter(plx.col("overdue"))
            .sort(["days_overdue", "finding_id"], descending=[True, False])
        )

    def _counts(self, frame: pl.DataFrame, by: str) -> pl.DataFrame:
        plx = _pl()
        return (
            frame.group_by(by)
            .agg(
                plx.len().alias("total"),
                plx.col("is_open").sum().alias("open"),
                plx.col("overdue").sum().alias("overdue"),
                (plx.col("state") == FindingState.CLOSED.value).sum().alias("closed"),
                (plx.col("reopened") > 0).sum().alias("reopened"),
                plx.col("age_days").filter(plx.col("is_open")).max().alias("oldest_open_days"),
            )
            .with_columns(
                plx.col(c).cast(plx.Int64)
                for c in ("total", "open", "overdue", "closed", "reopened")
            )
            .sort(by, nulls_last=True)
        )

    def by_jurisdiction(
        self,
        as_of: dt.date,
        *,
        level: Literal["jurisdiction", "county", "city"] = "jurisdiction",
    ) -> pl.DataFrame:
        """Counts per jurisdiction (as recorded, or rolled up to its county or city): total,
        open, overdue, closed, reopened and the oldest open finding's age."""
        return self._counts(self.to_polars(as_of), level)

    def by_source(self, as_of: dt.date) -> pl.DataFrame:
        """Counts per source (audit, supervision visit, campaign, assessment, inspection)."""
        return self._counts(self.to_polars(as_of), "source")

    def evidence(
        self,
        as_of: dt.date,
        *,
        level: Literal["jurisdiction", "county", "city"] = "city",
        sources: Iterable[FindingSource] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Counts an annual rubric reads, per jurisdiction: ``overdue_findings``,
        ``open_findings`` and ``closed_findings`` (optionally from some sources only)."""
        wanted = None if sources is None else {s.value for s in sources}
        out: dict[str, dict[str, int]] = {}
        for row in self.rows(as_of):
            if wanted is not None and row["source"] not in wanted:
                continue
            key = row[level]
            if key is None:
                continue
            d = out.setdefault(
                key, {"overdue_findings": 0, "open_findings": 0, "closed_findings": 0}
            )
            d["overdue_findings"] += int(row["overdue"])
            d["open_findings"] += int(row["is_open"])
            d["closed_findings"] += int(row["state"] == FindingState.CLOSED.value)
        return out

    # -- files -----------------------------------------------------------------------------

    def to_jsonl(self, path: str | Path) -> Path:
        """Write the findings (with their full histories) as JSON lines; :meth:`read` reads it."""
        p = Path(path)
        with atomic_open(p) as fh:
            for f in self._findings.values():
                fh.write(f.model_dump_json() + "\n")
        return p

    @classmethod
    def read(cls, path: str | Path) -> IssueLedger:
        """Read a ledger written by :meth:`to_jsonl` (JSON lines) or a JSON array of findings.

        Raises:
            LoadError: the file cannot be read or parsed.
            RecordValidationError: a finding is invalid (``row`` is its line or index).
        """
        from foodsafety.errors import FoodSafetyError

        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError(f"cannot read issue ledger: {exc}", source=str(p)) from None
        stripped = text.lstrip()
        items: list[tuple[int, Any]] = []
        try:
            if stripped.startswith("["):
                items = list(enumerate(json.loads(text), start=1))
            else:
                items = [
                    (i, json.loads(line))
                    for i, line in enumerate(text.splitlines(), start=1)
                    if line.strip()
                ]
        except json.JSONDecodeError as exc:
            raise LoadError(f"not valid JSON: {exc}", source=str(p)) from None
        findings = []
        for row, data in items:
            try:
                findings.append(Finding.model_validate(data))
            except FoodSafetyError as exc:
                raise exc.located(source=str(p), row=row) from None
        return cls(findings)

    def export(self, path: str | Path, as_of: dt.date) -> Path:
        """Write the aged ledger by suffix: ``.csv``, ``.parquet``, ``.xlsx``, ``.json``
        (one flat row per finding), or ``.jsonl`` (full records with histories)."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".jsonl":
            return self.to_jsonl(p)
        if suffix in (".csv", ".parquet", ".xlsx", ".json"):
            # atomic, and safe to open: text is never a formula (see ledger._cells)
            return write_frame(self.to_polars(as_of), p, sheet="问题台账")
        raise LoadError(
            f"cannot export to {p.name!r}: use .csv, .parquet, .xlsx, .json or .jsonl",
            code="issues.export_format",
            source=str(p),
        )


# -- adapters ----------------------------------------------------------------------------------


def from_audit_findings(
    audit: Any,
    *,
    found_on: dt.date | None = None,
    found_by: str = "包保台账核查",
) -> list[Finding]:
    """Findings of the pairing audit as issue-ledger findings (source ``audit``).

    Args:
        audit: a :class:`foodsafety.engines.audit.AuditResult` (its ``as_of`` is the day found)
            or an iterable of :class:`foodsafety.engines.audit.AuditFinding` values.
        found_on: the day found (required for a plain iterable).
        found_by: who found them.

    Ids are ``audit:{kind}:{key}``; the subject is the first subject id (business, cadre or
    assignment), the title the Chinese message, the category the finding kind.

    Raises:
        RuleError: no ``found_on`` for a plain iterable.
    """
    day = found_on or getattr(audit, "as_of", None)
    if day is None:
        raise RuleError(
            "found_on is required when the audit findings come without their AuditResult",
            code="issues.found_on",
            field="found_on",
        )
    items = audit.findings() if hasattr(audit, "findings") and callable(audit.findings) else audit
    out = []
    for a in items:
        subject = a.subject_ids[0] if a.subject_ids else a.key
        out.append(
            Finding(
                finding_id=f"audit:{a.kind}:{a.key}",
                source=FindingSource.AUDIT,
                severity=a.severity,
                jurisdiction=a.jurisdiction,
                subject=subject,
                title=a.message_zh,
                category=a.kind,
                found_on=day,
                found_by=found_by,
                origin=a.rule_id if hasattr(a, "rule_id") else None,
            )
        )
    return out


def _visit_rows(visits: Any) -> list[dict[str, Any]]:
    if hasattr(visits, "visits") and not callable(visits.visits):
        visits = visits.visits  # a Sample or Ledger
    if hasattr(visits, "to_dicts"):
        plx = _pl()
        # Only visits with problems and follow-ups matter; filtering first keeps large
        # ledgers (tens of thousands of visits) cheap to convert.
        wanted = visits.filter(
            (plx.col("problems").list.len() > 0) | plx.col("follow_up_of").is_not_null()
        )
        return list(wanted.to_dicts())
    rows = []
    for v in visits:
        if isinstance(v, Visit):
            rows.append(v.model_dump())
        elif isinstance(v, Mapping):
            rows.append(dict(v))
        else:
            raise RuleError(
                f"visits must be Visit records, rows or a visits DataFrame (got {type(v).__name__})",
                code="issues.visit_type",
                field="visits",
                value=type(v).__name__,
            )
    return rows


def _jurisdictions(source: Any, businesses: Any) -> dict[str, str]:
    table = businesses
    if table is None and hasattr(source, "businesses") and not callable(source.businesses):
        table = source.businesses
    if table is None:
        return {}
    if hasattr(table, "select"):
        return {
            str(r["uscc"]): str(r["jurisdiction"])
            for r in table.select("uscc", "jurisdiction").to_dicts()
            if r["jurisdiction"] is not None
        }
    return {str(k): str(v) for k, v in dict(table).items()}


def from_visits(
    visits: Any,
    *,
    businesses: Any = None,
    policy: RectificationPolicy | None = None,
    severity: Severity = Severity.MINOR,
    holidays: Iterable[dt.date] = (),
) -> list[Finding]:
    """Problems recorded on supervision visits (督导, seed 004) as issue-ledger findings.

    Each problem of a visit (not of a follow-up) becomes one finding, found on the visit's
    day by its cadre, id ``visit:{visit_id}:{n}``. The visit's loop is replayed onto it:

    - feedback to the business or regulator (``feedback_to``) → ``notify`` and a
      rectification deadline (限期整改) from ``policy`` (working days; the policy's days are
      example values unless you pass your own);
    - a follow-up (回头看) that finds the problems resolved → ``submit`` and a passed
      ``acceptance_check`` on the follow-up's day (verified; closing 销号 stays an explicit act);
    - a follow-up that finds them unresolved → a failed ``follow_up``, the finding marked
      overdue first if the follow-up came after the deadline.

    Args:
        visits: :class:`~foodsafety.models.visit.Visit` records, rows, a ``visits`` DataFrame
            (ledger schema), or a Sample/Ledger with a ``visits`` table.
        businesses: USCC → jurisdiction, or a ``businesses`` DataFrame (taken from a
            Sample/Ledger when not given); without it findings have no jurisdiction.
        policy: the rectification policy for deadlines.
        severity: the severity given to visit problems (the form does not grade them).
        holidays: holidays to skip when counting working days.
    """
    pol = policy or RectificationPolicy()
    rows = _visit_rows(visits)
    where = _jurisdictions(visits, businesses)
    follow: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("follow_up_of"):
            follow.setdefault(str(r["follow_up_of"]), []).append(r)
    days = pol.days_for(severity)
    hol = tuple(holidays)
    due: dict[dt.date, dt.date] = {}  # visits share days; the rrule walk is the costly part
    out: list[Finding] = []
    for r in rows:
        if r.get("follow_up_of") or not r.get("problems"):
            continue
        vid = str(r["visit_id"])
        day: dt.date = r["date"]
        cadre = str(r["cadre_id"])
        checks = sorted(follow.get(vid, []), key=lambda x: (x["date"], str(x["visit_id"])))
        for n, problem in enumerate(r["problems"], start=1):
            f = Finding(
                finding_id=f"visit:{vid}:{n}",
                source=FindingSource.SUPERVISION_VISIT,
                severity=severity,
                jurisdiction=where.get(str(r["uscc"])),
                subject=str(r["uscc"]),
                title=str(problem),
                category="supervision_visit",
                found_on=day,
                found_by=cadre,
                origin=vid,
            )
            if r.get("feedback_to"):
                f = f.notify(on=day, actor=cadre, note=f"反馈至{r['feedback_to']}")
                deadline = due.get(day)
                if deadline is None:
                    deadline = due[day] = rectification_deadline(
                        day, days, working_days=pol.working_days, holidays=hol
                    )
                f = f.order_rectification(on=day, deadline=deadline, actor=cadre)
            for c in checks:
                cday: dt.date = c["date"]
                if cday < f.last_date:
                    continue
                ccadre = str(c["cadre_id"])
                if f.state is FindingState.RECTIFYING:
                    f = f.mark_overdue_if_due(cday)
                if f.state not in (FindingState.RECTIFYING, FindingState.OVERDUE):
                    break
                if c.get("problems_resolved"):
                    f = f.submit(on=cday, actor=str(r["uscc"]), note="回头看时已整改")
                    f = f.acceptance_check(
                        on=cday, actor=ccadre, passed=True, note=f"回头看 {c['visit_id']}"
                    )
                    break
                f = f.apply(
                    RectificationAction.FOLLOW_UP,
                    on=cday,
                    actor=ccadre,
                    outcome="failed",
                    note=f"回头看 {c['visit_id']}：问题未解决",
                )
            out.append(f)
    return out
