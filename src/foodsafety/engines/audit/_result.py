"""What an audit returns: :class:`AuditResult` (columnar findings, coverage, summaries, exports)
and :class:`AuditFinding` (one finding as a value)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from foodsafety._atomic import atomic_open, atomic_path
from foodsafety.engines.audit._check import CheckFailure, finding_kinds
from foodsafety.engines.audit._frames import area, division_names, pl
from foodsafety.errors import LoadError
from foodsafety.ledger._cells import check_excel_text, excel_workbook, write_frame
from foodsafety.vocab import Level, Severity

if TYPE_CHECKING:
    from foodsafety.rules.pairing_policy import PairingPolicy

__all__ = ["AuditFinding", "AuditResult"]


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
        checks: the names of the checks that ran, in order.
        failures: the checks that raised instead of reporting (a check a user registered;
            the other checks ran and their findings are here).
    """

    frame: pl.DataFrame
    coverage: pl.DataFrame
    policy: PairingPolicy
    as_of: dt.date
    since: dt.date
    checks: tuple[str, ...] = ()
    failures: tuple[CheckFailure, ...] = ()

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

    def kinds(self) -> list[str]:
        """The kinds of finding this audit can hold: the core kinds, then those of the
        optional checks that ran."""
        from foodsafety.engines.audit import FINDING_KINDS
        from foodsafety.engines.audit._check import registered_checks

        checks = registered_checks()
        ran = [k for name in self.checks if name in checks for k in checks[name].kinds]
        return list(dict.fromkeys([*FINDING_KINDS, *ran]))

    def counts(self) -> dict[str, int]:
        """Finding kind → number of findings, for every kind of :meth:`kinds` (zero included)."""
        got = dict(self.frame.group_by("kind").len().iter_rows())
        return {k: int(got.get(k, 0)) for k in self.kinds()}

    def summary(self, by: Literal["county", "township", "city"] = "county") -> pl.DataFrame:
        """Rates per jurisdiction and level: coverage, mismatch and overdue rates.

        Columns: the jurisdiction code (``by``) and its ``name``, ``level``, ``businesses``,
        ``paired``, ``coverage_rate`` (paired / businesses), ``mismatch_rate`` (businesses whose
        cadre's level differs / paired), ``overdue_rate`` (businesses with an overdue visit /
        paired) and ``findings`` (all findings located in the group).
        """
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
            .with_columns(area(pl.col("jurisdiction"), by).alias(by))
            .group_by(by, "level")
            .agg(pl.len().alias("findings"))
        )
        out = (
            grouped.join(fcount, on=[by, "level"], how="left", nulls_equal=True)
            .with_columns(pl.col("findings").fill_null(0))
            .sort(by, "level")
        )
        names = division_names(out[by].unique().to_list())
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
        labels = finding_kinds()
        for kind, n in self.counts().items():
            fk = labels.get(kind)
            kinds.add_row(kind, fk.zh if fk else "", fk.severity.code if fk else "", f"{n:,}")
        console.print(kinds)
        for failure in self.failures:
            console.print(f"核查规则运行失败 {failure}")
        summ = self.summary(by)
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
        """Write the findings to a CSV file (UTF-8 with BOM so that Excel reads Chinese).

        Written atomically, and safe to open: a text starting with ``=``, ``+``, ``-`` or ``@``
        gets a leading ``'`` (see the ledger's CSV writer), so a spreadsheet never runs it.
        """
        return write_frame(self.frame, path, bom=True)

    def to_json(self, path: str | Path) -> Path:
        """Write the findings as a JSON array of objects (atomically)."""
        out = Path(path)
        rows = [f.to_dict() for f in self.findings()]
        _check_folder(out)
        with atomic_open(out) as fh:
            json.dump(rows, fh, ensure_ascii=False, indent=1)
        return out

    def to_excel(self, path: str | Path) -> Path:
        """Write the findings and the county summary to an Excel workbook (atomically; every
        text a text cell, never a formula)."""
        out = Path(path)
        _check_folder(out)
        summary = self.summary("county")
        check_excel_text(self.frame, str(out), "findings")
        with atomic_path(out) as tmp, excel_workbook(tmp) as wb:
            self.frame.write_excel(wb, worksheet="findings")
            summary.write_excel(wb, worksheet="summary")
        return out

    def export(self, path: str | Path) -> Path:
        """Write the findings in the format the suffix names (.csv, .json, .xlsx).

        Raises:
            LoadError: another suffix (``write.format``) or a folder that does not exist
                (``write.folder``).
        """
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            return self.to_csv(path)
        if suffix == ".json":
            return self.to_json(path)
        if suffix == ".xlsx":
            return self.to_excel(path)
        raise LoadError(
            f"cannot export findings to {Path(path).name!r}: use .csv, .json or .xlsx",
            code="write.format",
            source=str(path),
            value=Path(path).suffix,
        )


def _check_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise LoadError(
            f"the folder {str(path.parent)!r} does not exist", code="write.folder", source=str(path)
        )
