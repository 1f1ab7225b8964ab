"""The one exception hierarchy of foodsafety, and bulk problem reports.

Every error the library raises on bad input is a :class:`FoodSafetyError`. Each carries a
stable ``code`` (an ASCII reason code a program can branch on), the offending ``value`` and,
where known, the ``record`` and ``field`` it belongs to and the ``source`` (file), ``row`` and
``column`` it came from. ``str(error)`` is one readable sentence in the shape
``Record.field must be X (got Y)``; many errors also carry a Chinese message (``message_zh``).

Bulk loads never stop at the first bad row: they collect :class:`Problem` values into a
:class:`ProblemReport` (the pandera "lazy" pattern) and raise :class:`BulkValidationError`
only when asked to, so that every valid row is kept and every bad one is reported at once.

Every problem has a ``severity``: an ``"error"`` means its row cannot be used and was left
out; a ``"warning"`` means the row was kept (a label outside an open-world vocabulary, kept
as written). A problem whose row was lost only because the row it names was lost (a visit of
a rejected cadre) is a *cascade*: its ``caused_by`` holds the :attr:`Problem.id` of the root
problem, and :meth:`ProblemReport.causes` groups the report by root cause.

Where the library hands user data to polars, :func:`polars_guard` turns polars' own errors
and its Rust panics (``PanicException``, a ``BaseException`` that no ``except Exception``
catches) into a :class:`ComputationError` naming the operation.

Constructing a record with a label outside an open-world vocabulary issues an
:class:`UnlistedLabelWarning` (a Python warning, not an error).

Hierarchy::

    FoodSafetyError
    ├── IdentifierError        (also ValueError)   bad division code, USCC, licence number
    ├── VocabularyError        (also ValueError)   a label that names no member of a closed set
    ├── RecordValidationError  (also ValueError)   a record built from bad fields
    ├── RegistryError          (also LookupError)  unknown or abolished division code
    ├── RuleError              (also ValueError)   a policy, rubric or condition that is malformed
    ├── LoadError              (also ValueError)   a file that cannot be read at all
    ├── ComputationError       (also RuntimeError) polars failed (or panicked) on user data
    │   └── AuditError                             an audit check shipped with the library failed
    ├── BulkValidationError    (also ValueError)   a bulk load with bad rows; carries the report
    └── MissingExtraError      (also ImportError)  an optional dependency is not installed

    UnlistedLabelWarning       (a UserWarning)     a label an open-world vocabulary does not list
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

if TYPE_CHECKING:
    import pydantic

__all__ = [
    "AuditError",
    "BulkValidationError",
    "Cause",
    "ComputationError",
    "FoodSafetyError",
    "IdentifierError",
    "LoadError",
    "MissingExtraError",
    "Problem",
    "ProblemReport",
    "ProblemSeverity",
    "RecordValidationError",
    "RegistryError",
    "RuleError",
    "UnlistedLabelWarning",
    "VocabularyError",
    "polars_guard",
]

#: How bad a problem is: ``"error"`` (the row is left out) or ``"warning"`` (the row is kept).
ProblemSeverity: TypeAlias = Literal["error", "warning"]


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class FoodSafetyError(Exception):
    """Root of every error foodsafety raises on bad input.

    Attributes:
        code: a stable ASCII reason code (``"uscc.checksum"``, ``"vocab.unknown"``...).
        message: the English message; ``str(error)`` adds the location.
        message_zh: the Chinese message, where one is known.
        record, field, value: what was wrong.
        source, row, column: where it came from, when it came from a file.
    """

    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        message_zh: str | None = None,
        record: str | None = None,
        field: str | None = None,
        value: Any = None,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.code = code or self.default_code
        self.message_zh = message_zh
        self.record = record
        self.field = field
        self.value = value
        self.source = source
        self.row = row
        self.column = column
        super().__init__(message)

    @property
    def location(self) -> str:
        """Where the problem is: ``file, row 3, column uscc: Business.uscc`` (parts omitted when unknown)."""
        parts: list[str] = []
        if self.source:
            parts.append(str(self.source))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        where = ", ".join(parts)
        what = ".".join(p for p in (self.record, self.field) if p)
        if where and what:
            return f"{where}: {what}"
        return where or what

    def __str__(self) -> str:
        loc = self.location
        return f"{loc}: {self.message}" if loc else self.message

    def located(
        self, *, source: str | None = None, row: int | None = None, column: str | None = None
    ) -> FoodSafetyError:
        """Return this error with file/row/column filled in (used by loaders)."""
        if source is not None:
            self.source = source
        if row is not None:
            self.row = row
        if column is not None:
            self.column = column
        return self

    def to_problem(self) -> Problem:
        """This error as one row of a :class:`ProblemReport` (its severity is ``"error"``)."""
        return Problem(
            severity="error",
            code=self.code,
            message=self.message,
            message_zh=self.message_zh,
            record=self.record,
            field=self.field,
            value=self.value,
            source=self.source,
            row=self.row,
            column=self.column,
        )


class IdentifierError(FoodSafetyError, ValueError):
    """An identifier (division code, USCC, licence number) failed a check.

    ``check`` names the check that failed (``"length"``, ``"format"``, ``"checksum"``,
    ``"division"``...) so a caller can tell a typo from an unknown code.
    """

    default_code = "identifier.invalid"

    def __init__(self, message: str, *, check: str = "format", **kwargs: Any) -> None:
        self.check = check
        super().__init__(message, **kwargs)


class VocabularyError(FoodSafetyError, ValueError):
    """A label names no member of a closed set; ``suggestions`` lists close matches."""

    default_code = "vocab.unknown"

    def __init__(self, message: str, *, suggestions: Sequence[str] = (), **kwargs: Any) -> None:
        self.suggestions = tuple(suggestions)
        super().__init__(message, **kwargs)


class RegistryError(FoodSafetyError, LookupError):
    """A division code that the bundled registry does not know (the message gives its edition)."""

    default_code = "registry.unknown"

    def __str__(self) -> str:  # LookupError would otherwise repr() the message
        return FoodSafetyError.__str__(self)


class RuleError(FoodSafetyError, ValueError):
    """A policy, rubric or condition is malformed (the message names file, key and a valid example)."""

    default_code = "rule.invalid"


class LoadError(FoodSafetyError, ValueError):
    """A file cannot be read at all (missing, empty, wrong encoding, wrong format)."""

    default_code = "load.failed"


class ComputationError(FoodSafetyError, RuntimeError):
    """polars failed, or panicked, while the library worked on user data.

    ``operation`` names what the library was doing (``"reading the CSV file"``, ``"checking
    the visits table"``); ``code`` is ``"compute.panic"`` for a Rust panic inside polars (a
    bug of polars or of the way it was called: please report it with the file) and
    ``"compute.failed"`` for any other polars error. The original exception is the
    ``__cause__``. Raised by :func:`polars_guard`.
    """

    default_code = "compute.failed"

    def __init__(self, message: str, *, operation: str, **kwargs: Any) -> None:
        self.operation = operation
        super().__init__(message, **kwargs)


class AuditError(ComputationError):
    """An audit check shipped with the library failed (for example inside polars).

    ``field`` names the check and ``operation`` says what it was doing. A check a user registered does not raise this: its failure is
    reported in ``AuditResult.failures`` and the other checks still run.
    """

    default_code = "audit.check_failed"


class MissingExtraError(FoodSafetyError, ImportError):
    """An optional dependency is missing; the message gives the exact install command."""

    default_code = "extra.missing"

    def __init__(self, package: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {package!r}: pip install 'foodsafety[{extra}]'",
            code=self.default_code,
            value=package,
        )


class UnlistedLabelWarning(UserWarning):
    """A record was given a label that its open-world vocabulary does not list.

    Open-world vocabularies (``Term.__open__``: official posts, visit modes) keep such a label
    as written instead of rejecting it; the loaders report the same case as a problem of
    severity ``"warning"`` with the reason code ``vocab.unlisted``. Silence it with
    ``warnings.simplefilter("ignore", UnlistedLabelWarning)``.
    """


def require(module: str, *, extra: str, feature: str) -> Any:
    """Import an optional dependency or raise :class:`MissingExtraError` with the install command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError(module.split(".")[0], extra, feature) from exc


def _polars_failure(exc: BaseException) -> str | None:
    """``"compute.panic"`` or ``"compute.failed"`` for an exception polars raised, else None."""
    module = sys.modules.get("polars.exceptions")
    if module is None:  # polars was never imported: nothing it raised can be here
        return None
    if isinstance(exc, module.PanicException):
        return "compute.panic"
    if isinstance(exc, module.PolarsError):
        return "compute.failed"
    return None


class polars_guard(contextlib.ContextDecorator):
    """Turn polars' errors and Rust panics inside the block into a :class:`ComputationError`.

    Use it around every call that hands user data to polars, as a context manager or as a
    decorator::

        with polars_guard("reading the CSV file", source=str(path)):
            frame = pl.read_csv(path)

        @polars_guard("checking the ledger")
        def validate(...): ...

    A ``PanicException`` (a ``BaseException``: ``except Exception`` does not catch it) becomes
    a ``ComputationError`` with code ``compute.panic``; any ``polars.exceptions.PolarsError``
    (``ComputeError``, ``InvalidOperationError``, ``SchemaError``...) one with code
    ``compute.failed``. Both name ``operation`` and, when given, the ``source`` file; the
    original exception is chained as ``__cause__``. Every other exception, a
    :class:`FoodSafetyError` raised inside included, passes through unchanged, and so do
    ``KeyboardInterrupt`` and ``SystemExit``. polars itself is not imported by the guard.

    Args:
        operation: what the block does, in words (``"auditing the ledger"``).
        source: the file the data came from, if any.
    """

    def __init__(self, operation: str, *, source: str | None = None) -> None:
        self.operation = operation
        self.source = source

    def __enter__(self) -> polars_guard:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is None or isinstance(exc, FoodSafetyError):
            return
        code = _polars_failure(exc)
        if code is None:
            return
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        what = "polars panicked" if code == "compute.panic" else "polars failed"
        raise ComputationError(
            f"{what} while {self.operation}: {first}",
            operation=self.operation,
            code=code,
            source=self.source,
            value=type(exc).__name__,
        ) from exc


@attrs.frozen(slots=True)
class Problem:
    """One problem found during validation: what, where, why, and how bad.

    The fields are the fixed schema of a problem report (see :meth:`ProblemReport.to_rows`).
    ``severity`` is ``"error"`` (the row cannot be used and is left out; the default) or
    ``"warning"`` (the row is kept). ``caused_by`` is set on a *cascade*: a row lost only
    because the row it names was lost; it holds the :attr:`id` of the root problem, the one
    that made that row be lost (``"Cadre:17:level:vocab.unknown"``). References to keys that
    never existed are root problems (``caused_by`` is ``None``).
    """

    code: str
    message: str
    record: str | None = None
    field: str | None = None
    value: Any = None
    source: str | None = None
    row: int | None = None
    column: str | None = None
    message_zh: str | None = None
    severity: ProblemSeverity = attrs.field(default="error")
    caused_by: str | None = None

    @severity.validator
    def _check_severity(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in ("error", "warning"):
            raise ValueError(f"severity must be 'error' or 'warning' (got {value!r})")

    @property
    def id(self) -> str:
        """A short id naming this problem within its report: ``record:row:field:code``.

        ``Cadre:17:level:vocab.unknown`` is the unknown level of the cadre in data row 17; the
        ``caused_by`` of a cascade holds the id of its root problem. Parts not known are empty.
        """
        row = "" if self.row is None else str(self.row)
        return f"{self.record or ''}:{row}:{self.field or ''}:{self.code}"

    @property
    def is_error(self) -> bool:
        """True when the problem's row cannot be used (``severity == "error"``)."""
        return self.severity == "error"

    @property
    def is_cascade(self) -> bool:
        """True when the row was lost only because the row it names was lost."""
        return self.caused_by is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict, JSON-friendly except for ``value`` which is kept as given."""
        return attrs.asdict(self)

    def __str__(self) -> str:
        parts = [p for p in (self.source, None if self.row is None else f"row {self.row}") if p]
        if self.column:
            parts.append(f"column {self.column}")
        where = ", ".join(parts)
        what = ".".join(p for p in (self.record, self.field) if p)
        head = ": ".join(p for p in (where, what) if p)
        return f"{head}: {self.message}" if head else self.message


def _where(p: Problem) -> str:
    """A short location of a problem: ``cadres.csv, row 3``."""
    parts = [x for x in (p.source, None if p.row is None else f"row {p.row}") if x]
    return ", ".join(parts) or "?"


def _number(n: int) -> str:
    return f"{n:,}"


@attrs.frozen(slots=True)
class Cause:
    """One root cause of a report: the problems of one kind, and the rows lost with them.

    A cause groups the root problems (not cascades) sharing a record, field, reason code and
    severity, and for vocabulary problems (codes ``vocab.*``) also the label: 2,623 visits
    with the mode ``'视频督导'`` are one cause. See :meth:`ProblemReport.causes`.

    Attributes:
        severity: ``"error"`` (the rows were left out) or ``"warning"`` (they were kept).
        code, record, field: what the problems share.
        value: the label, for a vocabulary cause; ``None`` otherwise.
        rows: how many problems (one per row and field) the cause groups.
        message, message_zh: one readable sentence about the cause (the first problem's).
        examples: a few locations of its problems (``cadres.csv, row 3``).
        cascades: how many further rows were lost only because these rows were.
    """

    severity: ProblemSeverity
    code: str
    record: str | None
    field: str | None
    value: Any
    rows: int
    message: str
    message_zh: str | None = None
    examples: tuple[str, ...] = ()
    cascades: int = 0

    @property
    def where(self) -> str:
        """``Record.field`` (or the record, or the code when neither is known)."""
        return ".".join(p for p in (self.record, self.field) if p) or self.code

    def sentence(self, lang: str = "en") -> str:
        """One line: ``Cadre.level: 3 rows: 'X' is not a known level (+1,204 rows lost with
        them)``; ``lang="zh"`` uses the Chinese message when there is one."""
        message = self.message_zh if lang.startswith("zh") and self.message_zh else self.message
        rows = f"{_number(self.rows)} row{'s' if self.rows != 1 else ''}"
        tail = f" (+{_number(self.cascades)} rows lost with them)" if self.cascades else ""
        return f"{self.where}: {rows}: {message}{tail}"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``value`` stringified, ``examples`` a list)."""
        d = attrs.asdict(self)
        d["value"] = None if self.value is None else str(self.value)
        d["examples"] = list(self.examples)
        return d

    def __str__(self) -> str:
        return f"{self.severity:<8} {self.sentence()}"


class ProblemReport(Sequence[Problem]):
    """Every problem of a bulk validation, in input order.

    ``str(report)`` is a short summary: the problems grouped by root cause, errors first
    (see :meth:`summary` and :meth:`causes`); :meth:`to_rows` gives a fixed-schema table (one
    dict per problem) and :meth:`to_polars` the same as a DataFrame. ``bool(report)`` is true
    when it holds any problem, warnings included; :attr:`ok` is true when it holds no error.
    """

    __slots__ = ("_problems",)

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self._problems: list[Problem] = list(problems)

    def add(self, problem: Problem | FoodSafetyError) -> None:
        """Append one problem (an error is converted with :meth:`FoodSafetyError.to_problem`)."""
        if isinstance(problem, FoodSafetyError):
            problem = problem.to_problem()
        self._problems.append(problem)

    def extend(self, problems: Iterable[Problem | FoodSafetyError]) -> None:
        """Append many problems."""
        for p in problems:
            self.add(p)

    def __getitem__(self, index: int) -> Problem:  # type: ignore[override]
        return self._problems[index]

    def __len__(self) -> int:
        return len(self._problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._problems)

    def __bool__(self) -> bool:
        return bool(self._problems)

    @property
    def ok(self) -> bool:
        """True when the report holds no error (warnings only, or nothing)."""
        return not any(p.severity == "error" for p in self._problems)

    def errors(self) -> ProblemReport:
        """The problems of severity ``"error"`` (rows left out), as a report."""
        return ProblemReport(p for p in self._problems if p.severity == "error")

    def warnings(self) -> ProblemReport:
        """The problems of severity ``"warning"`` (rows kept), as a report."""
        return ProblemReport(p for p in self._problems if p.severity == "warning")

    def cascades(self) -> ProblemReport:
        """The problems whose row was lost only because the row it names was (``caused_by``)."""
        return ProblemReport(p for p in self._problems if p.caused_by is not None)

    def roots(self) -> ProblemReport:
        """The problems that are not cascades."""
        return ProblemReport(p for p in self._problems if p.caused_by is None)

    def counts(self) -> dict[str, int]:
        """Number of problems per reason code, most frequent first."""
        return dict(Counter(p.code for p in self._problems).most_common())

    def rows(self) -> list[int]:
        """The distinct input rows that have at least one problem, sorted."""
        return sorted({p.row for p in self._problems if p.row is not None})

    def causes(self, *, examples: int = 3) -> list[Cause]:
        """The problems grouped by root cause: errors first, then warnings, most rows first.

        Root problems (``caused_by`` empty) sharing severity, record, field and code (and,
        for vocabulary codes ``vocab.*``, the label) form one :class:`Cause`; each cascade is
        counted under the cause of its root problem (a cascade whose root is not in the
        report is a cause of its own). ``examples`` locations are kept per cause.
        """
        groups: dict[tuple[Any, ...], list[Problem]] = {}
        cascades: dict[tuple[Any, ...], set[tuple[Any, ...]]] = {}
        group_of: dict[str, tuple[Any, ...]] = {}

        def key(p: Problem) -> tuple[Any, ...]:
            label = str(p.value) if p.code.startswith("vocab.") and p.value is not None else None
            return (p.severity, p.record, p.field, p.code, label)

        for p in self._problems:
            if p.caused_by is None:
                k = key(p)
                groups.setdefault(k, []).append(p)
                group_of.setdefault(p.id, k)
        for p in self._problems:
            if p.caused_by is None:
                continue
            found = group_of.get(p.caused_by)
            if found is None:  # its root is not in this report: a cause of its own
                groups.setdefault(key(p), []).append(p)
                continue
            cascades.setdefault(found, set()).add((p.source, p.record, p.row))
        out: list[Cause] = []
        for k, members in groups.items():
            first = members[0]
            same = all(m.message == first.message for m in members)
            message = first.message if same else f"{first.message} (and other values)"
            message_zh = first.message_zh
            if message_zh is not None and any(m.message_zh != message_zh for m in members):
                message_zh += "（等）"
            out.append(
                Cause(
                    severity=first.severity,
                    code=first.code,
                    record=first.record,
                    field=first.field,
                    value=k[4],
                    rows=len(members),
                    message=message,
                    message_zh=message_zh,
                    examples=tuple(_where(m) for m in members[:examples]),
                    cascades=len(cascades.get(k, ())),
                )
            )
        order = {k: i for i, k in enumerate(groups)}
        keys = list(groups)
        ranked = sorted(
            range(len(out)),
            key=lambda i: (
                out[i].severity != "error",
                -(out[i].rows + out[i].cascades),
                order[keys[i]],
            ),
        )
        return [out[i] for i in ranked]

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per problem with the keys of :class:`Problem` (values stringified)."""
        out = []
        for p in self._problems:
            d = p.to_dict()
            d["value"] = None if p.value is None else str(p.value)
            out.append(d)
        return out

    def to_polars(self) -> Any:
        """The report as a ``polars.DataFrame`` (needs the ``data`` extra)."""
        pl = require("polars", extra="data", feature="ProblemReport.to_polars")
        schema = {
            "code": pl.Utf8,
            "message": pl.Utf8,
            "record": pl.Utf8,
            "field": pl.Utf8,
            "value": pl.Utf8,
            "source": pl.Utf8,
            "row": pl.Int64,
            "column": pl.Utf8,
            "message_zh": pl.Utf8,
            "severity": pl.Utf8,
            "caused_by": pl.Utf8,
        }
        return pl.DataFrame(self.to_rows(), schema=schema)

    def summary(self, limit: int = 10) -> str:
        """A readable summary grouped by root cause (see :meth:`causes`).

        The first line counts the problems, errors and warnings and the rows they are in;
        the next counts them per reason code; then one line per cause, errors first, then
        warnings (the first ``limit`` causes of each), with its rows and the rows lost with
        it::

            error    Cadre.level: 3 rows: 'X' is not a known level (+1,204 rows lost with them)
        """
        if not self._problems:
            return "no problems"
        n_err = sum(1 for p in self._problems if p.severity == "error")
        n_warn = len(self._problems) - n_err
        lines = [
            f"{len(self._problems)} problem(s) in {len(self.rows()) or '?'} row(s): "
            f"{_number(n_err)} error(s), {_number(n_warn)} warning(s)"
        ]
        lines.append("  by code: " + ", ".join(f"{c}: {n}" for c, n in self.counts().items()))
        causes = self.causes()
        for severity in ("error", "warning"):
            mine = [c for c in causes if c.severity == severity]
            lines += [f"  {c}" for c in mine[:limit]]
            if len(mine) > limit:
                lines.append(f"  ... and {len(mine) - limit} more {severity} cause(s)")
        return "\n".join(lines)

    def raise_if_any(self, what: str = "input") -> None:
        """Raise :class:`BulkValidationError` carrying this report if it holds any error.

        Warnings alone never raise: their rows were kept.
        """
        if not self.ok:
            raise BulkValidationError(what, self)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"ProblemReport({len(self._problems)} problems)"


class BulkValidationError(FoodSafetyError, ValueError):
    """A bulk load found bad rows; ``report`` holds every one of them."""

    default_code = "bulk.invalid"

    def __init__(self, what: str, report: ProblemReport) -> None:
        self.report = report
        super().__init__(f"{what} has {len(report)} problem(s)\n{report.summary()}")


class RecordValidationError(FoodSafetyError, ValueError):
    """A record was built from bad fields.

    Wraps pydantic's ``ValidationError`` so that constructors raise from the one hierarchy;
    ``problems`` lists every field error (record, field path, value, reason), and ``errors()``
    returns pydantic's own list for callers that want it.
    """

    default_code = "record.invalid"

    def __init__(self, record: str, problems: Sequence[Problem], raw: Any = None) -> None:
        self.problems = tuple(problems)
        self._raw = raw
        first = self.problems[0] if self.problems else None
        if len(self.problems) == 1 and first is not None:
            message = first.message
        else:
            message = f"{len(self.problems)} invalid field(s): " + "; ".join(
                f"{p.field}: {p.message}" for p in self.problems
            )
        super().__init__(
            message,
            code=first.code if first and len(self.problems) == 1 else self.default_code,
            record=record,
            field=first.field if first and len(self.problems) == 1 else None,
            value=first.value if first and len(self.problems) == 1 else None,
            message_zh=first.message_zh if first and len(self.problems) == 1 else None,
        )

    def errors(self) -> list[Any]:
        """pydantic's error list, when this error wraps a pydantic ``ValidationError``."""
        return list(self._raw.errors()) if self._raw is not None else []

    def located(
        self, *, source: str | None = None, row: int | None = None, column: str | None = None
    ) -> FoodSafetyError:
        super().located(source=source, row=row, column=column)
        self.problems = tuple(
            attrs.evolve(
                p,
                source=source if source is not None else p.source,
                row=row if row is not None else p.row,
            )
            for p in self.problems
        )
        return self

    @classmethod
    def from_pydantic(cls, record: str, exc: pydantic.ValidationError) -> RecordValidationError:
        """Convert pydantic's error, keeping our own typed error's code and Chinese message."""
        problems = []
        for err in exc.errors(include_url=False):
            field = ".".join(str(p) for p in err.get("loc", ())) or None
            ctx = err.get("ctx") or {}
            inner = ctx.get("error")
            if isinstance(inner, RecordValidationError) and inner.problems:
                # A nested record (pydantic calls its custom __init__) reports paths relative
                # to itself: prefix them with where it sits in the outer record.
                for p in inner.problems:
                    sub = ".".join(x for x in (field, p.field) if x) or None
                    problems.append(attrs.evolve(p, record=record, field=sub))
            elif isinstance(inner, FoodSafetyError):
                problems.append(
                    Problem(
                        code=inner.code,
                        message=inner.message,
                        message_zh=inner.message_zh,
                        record=record,
                        field=field,
                        value=err.get("input"),
                    )
                )
            else:
                msg = err.get("msg", "invalid")
                problems.append(
                    Problem(
                        code=f"record.{err.get('type', 'invalid')}",
                        message=f"{msg} (got {_show(err.get('input'))})",
                        record=record,
                        field=field,
                        value=err.get("input"),
                    )
                )
        return cls(record, problems, raw=exc)
