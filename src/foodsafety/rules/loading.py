"""Loading rubrics, star schemes and demonstration schemes from YAML or JSON files.

Rule authors write rubrics (评分细则) as YAML (see ``docs/writing-a-rubric.md``). This module
reads them with ``yaml.safe_load`` only (no tags, no code), validates them as records, and turns
every problem into a :class:`~foodsafety.errors.RuleError` whose message starts with the file
and line (``national.yaml:42``), names the key path (``sections.0.children.2.points``), says
what the rule is and shows a valid example, the way OpenFisca reports a bad parameter file.

A file holds one rule (a mapping), or several versions of it under ``versions:`` (a list of
mappings, each with its own ``effective`` date); :func:`select_version` picks the one in force.
The kind of rule is given by ``kind:`` (``rubric``, ``star_scheme``, ``demonstration_scheme``)
or inferred (``stars`` means a star scheme, ``standards`` a demonstration scheme).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, overload

from foodsafety.errors import RecordValidationError, RuleError
from foodsafety.rules._document import line_for, parse_document
from foodsafety.rules.rubric import DemonstrationScheme, Rubric, StarScheme

__all__ = [
    "RUBRIC_EXAMPLE",
    "RuleFileError",
    "load_demonstration_scheme",
    "load_rubric",
    "load_rule",
    "load_star_scheme",
    "rubric_json_schema",
    "select_version",
]

#: Any rule a file can hold.
RuleRecord = Rubric | StarScheme | DemonstrationScheme
R = TypeVar("R", Rubric, StarScheme, DemonstrationScheme)

#: A minimal valid rubric, shown in error messages.
RUBRIC_EXAMPLE = """\
id: my_rubric
title_zh: 食品安全工作评议考核评分细则
title_en: Food safety assessment rubric
description: What the rubric assesses, for whom.
reference: {title: 食品安全工作评议考核办法, number: null, url: null}
effective: 2023-01-01
sections:
  - id: duty
    name_zh: 落实党政同责
    name_en: Shared party-government responsibility
    children:
      - id: letters_signed
        name_zh: 签订目标管理责任书
        name_en: Target responsibility letters signed
        points: 5
        method: {method: yes_no, evidence: letters_signed}
grading:
  grades: [{code: A, zh: A级, en: grade A}, {code: B, zh: B级, en: grade B}]
  bands: [{grade: A, min: 4}]"""


class RuleFileError(RuleError):
    """A :class:`~foodsafety.errors.RuleError` from a rule file; the message already starts with
    ``file:line`` and the key path, so ``str()`` shows it as is (``source``, ``row`` and
    ``field`` are kept as attributes)."""

    def __str__(self) -> str:
        return self.message


_KINDS: dict[str, type[RuleRecord]] = {
    "rubric": Rubric,
    "star_scheme": StarScheme,
    "demonstration_scheme": DemonstrationScheme,
}


def _clean_field(field: str | None, data: Any) -> str | None:
    if not field:
        return field
    out: list[str] = []
    node = data
    for p in field.split("."):
        if isinstance(node, dict) and p in node:
            out.append(p)
            node = node[p]
        elif isinstance(node, list) and p.isdigit() and int(p) < len(node):
            out.append(p)
            node = node[int(p)]
    return ".".join(out) or None


def _infer_kind(data: Mapping[str, Any]) -> type[RuleRecord]:
    kind = data.get("kind")
    if kind is not None:
        if not isinstance(kind, str) or kind not in _KINDS:
            raise KeyError(kind)
        return _KINDS[kind]
    if "stars" in data:
        return StarScheme
    if "standards" in data:
        return DemonstrationScheme
    return Rubric


def _parse(source: str, text: str) -> tuple[Any, dict[tuple[str, ...], int]]:
    return parse_document(source, text, what="rubric", example=RUBRIC_EXAMPLE, error=RuleFileError)


def _validate(
    data: Any, source: str, lines: Mapping[tuple[str, ...], int], prefix: tuple[str, ...]
) -> RuleRecord:
    where_top = lines.get(prefix, 1)
    if not isinstance(data, dict):
        raise RuleFileError(
            f"{source}:{where_top}: a rule must be a mapping with keys such as id, title_zh, "
            f"effective, sections (got {type(data).__name__})\nA valid rubric looks like:\n"
            + RUBRIC_EXAMPLE,
            code="rule.shape",
            source=source,
            row=where_top,
        )
    try:
        cls = _infer_kind(data)
    except KeyError:
        line = lines.get((*prefix, "kind"), where_top)
        raise RuleFileError(
            f"{source}:{line}: kind must be one of {', '.join(_KINDS)} (got {data['kind']!r})",
            code="rule.kind",
            source=source,
            row=line,
            field="kind",
            value=data["kind"],
        ) from None
    body = {k: v for k, v in data.items() if k != "kind"}
    try:
        return cls.model_validate(body)
    except RecordValidationError as exc:
        details = []
        first_line: int | None = None
        first_field: str | None = None
        for problem in exc.problems:
            field = _clean_field(problem.field, body) or problem.field
            key = tuple(field.split(".")) if field else ()
            at = line_for(lines, ".".join((*prefix, *key)) if key or prefix else None)
            if first_line is None:
                first_line, first_field = at, field
            where = f"{source}:{at}" if at else source
            shown = ".".join((*prefix, *key)) or "(top)"
            details.append(f"{where}: {shown}: {problem.message}")
        raise RuleFileError(
            "\n".join(details) + f"\nA valid {cls.__name__} looks like this (see "
            "docs/writing-a-rubric.md):\n" + RUBRIC_EXAMPLE,
            code="rule.invalid",
            record=cls.__name__,
            field=first_field,
            source=source,
            row=first_line,
        ) from None


def select_version(rules: Sequence[R], as_of: dt.date | None = None) -> R:
    """The version in force on ``as_of`` (the latest ``effective`` not after it).

    Without ``as_of`` the latest version is returned.

    Raises:
        RuleError: no version is in force on that day.
    """
    ordered = sorted(rules, key=lambda r: r.effective)
    if as_of is None:
        return ordered[-1]
    chosen = [r for r in ordered if r.effective <= as_of]
    if not chosen or (
        isinstance(chosen[-1], Rubric) and chosen[-1].until is not None and chosen[-1].until < as_of
    ):
        dates = ", ".join(str(r.effective) for r in ordered)
        raise RuleFileError(
            f"no version of {ordered[0].id!r} is in force on {as_of} (versions from {dates})",
            code="rule.no_version",
            record=type(ordered[0]).__name__,
            field="effective",
            value=str(as_of),
        )
    return chosen[-1]


def load_rule(
    path: str | Path, *, text: str | None = None, as_of: dt.date | None = None
) -> RuleRecord:
    """Load a rubric, star scheme or demonstration scheme from a YAML or JSON file.

    Args:
        path: the file (``.yaml``, ``.yml`` or ``.json``); used as the name in messages when
            ``text`` is given.
        text: the content, if already read.
        as_of: with a multi-version file, the day whose version to return (default: latest).

    Raises:
        RuleError: unreadable, unparsable or invalid; the message starts with ``file:line``.
    """
    source = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleFileError(
                f"{source}: cannot read rule file: {exc}", code="rule.unreadable", source=source
            ) from None
    data, lines = _parse(source, text)
    if isinstance(data, dict) and "versions" in data:
        versions = data["versions"]
        if not isinstance(versions, list) or not versions:
            line = lines.get(("versions",), 1)
            raise RuleFileError(
                f"{source}:{line}: versions must be a non-empty list of rules, each with its "
                "own effective date",
                code="rule.shape",
                source=source,
                row=line,
                field="versions",
            )
        shared = {k: v for k, v in data.items() if k != "versions"}
        records = []
        for i, v in enumerate(versions):
            merged = {**shared, **v} if isinstance(v, dict) else v
            records.append(_validate(merged, source, lines, ("versions", str(i))))
        kinds = {type(r) for r in records}
        if len(kinds) != 1:
            raise RuleFileError(
                f"{source}: all versions must be the same kind of rule", source=source
            )
        return select_version(records, as_of)  # type: ignore[type-var]
    return _validate(data, source, lines, ())


@overload
def _load_as(
    cls: type[Rubric], path: str | Path, text: str | None, as_of: dt.date | None
) -> Rubric: ...
@overload
def _load_as(
    cls: type[StarScheme], path: str | Path, text: str | None, as_of: dt.date | None
) -> StarScheme: ...
@overload
def _load_as(
    cls: type[DemonstrationScheme], path: str | Path, text: str | None, as_of: dt.date | None
) -> DemonstrationScheme: ...
def _load_as(
    cls: type[RuleRecord], path: str | Path, text: str | None, as_of: dt.date | None
) -> RuleRecord:
    rule = load_rule(path, text=text, as_of=as_of)
    if not isinstance(rule, cls):
        raise RuleFileError(
            f"{path}: expected a {cls.__name__} but the file holds a {type(rule).__name__}",
            code="rule.kind",
            source=str(path),
        )
    return rule


def load_rubric(
    path: str | Path, *, text: str | None = None, as_of: dt.date | None = None
) -> Rubric:
    """Load a :class:`~foodsafety.rules.rubric.Rubric` (see :func:`load_rule`)."""
    return _load_as(Rubric, path, text, as_of)


def load_star_scheme(
    path: str | Path, *, text: str | None = None, as_of: dt.date | None = None
) -> StarScheme:
    """Load a :class:`~foodsafety.rules.rubric.StarScheme` (see :func:`load_rule`)."""
    return _load_as(StarScheme, path, text, as_of)


def load_demonstration_scheme(
    path: str | Path, *, text: str | None = None, as_of: dt.date | None = None
) -> DemonstrationScheme:
    """Load a :class:`~foodsafety.rules.rubric.DemonstrationScheme` (see :func:`load_rule`)."""
    return _load_as(DemonstrationScheme, path, text, as_of)


def rubric_json_schema() -> dict[str, Any]:
    """The JSON Schema of a rubric file (for editors and validation in other languages)."""
    return Rubric.model_json_schema(by_alias=True)
