"""Reading a rule file: parse YAML (``yaml.safe_load`` only) or JSON, and map key paths to lines.

Shared by every rule loader (rubrics, star and demonstration schemes, pairing policies) so that
all of them point at the same line for the same key. Never ``yaml.load``, never ``eval``; the
documents are read within the depth, alias-expansion and date checks of
:mod:`foodsafety._yaml`, so a hostile file is a :class:`~foodsafety.errors.RuleError` with its
line, never a ``RecursionError`` or a minutes-long expansion.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from foodsafety.errors import RecordValidationError, RuleError

if TYPE_CHECKING:
    from foodsafety._record import Record

__all__ = ["document_error", "line_for", "line_map", "load_record_document", "parse_document"]


def line_map(text: str) -> dict[tuple[str, ...], int]:
    """Map each key path of a YAML document to its 1-based line (``yaml.compose`` marks)."""
    import yaml

    from foodsafety._yaml import compose

    lines: dict[tuple[str, ...], int] = {}
    root = compose(text)
    # each node is walked once: a node an alias repeats keeps the lines of its first place
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [] if root is None else [(root, ())]
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = []
            for key, value in node.value:  # (a repeated key: its last line, as its value)
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                children.append((value, sub))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in reversed(list(enumerate(node.value))):
                stack.append((item, (*path, str(i))))
    return lines


def line_for(lines: Mapping[tuple[str, ...], int], field: str | None) -> int | None:
    """The line of ``field`` (a dotted key path), or of its nearest ancestor in the document.

    pydantic inserts union tags and enum names into error locations (``sections.0.section``):
    parts the document does not have are skipped. Without a field, the document's first line.
    """
    if not field:
        return lines.get(())
    path: tuple[str, ...] = ()
    best = lines.get(())
    for part in field.split("."):
        if (*path, part) in lines:
            path = (*path, part)
            best = lines[path]
    return best


def parse_document(
    source: str,
    text: str,
    *,
    what: str,
    example: str,
    error: type[RuleError] = RuleError,
) -> tuple[Any, dict[tuple[str, ...], int]]:
    """Parse ``text`` as JSON (``source`` ends in ``.json``) or YAML; return data and line map.

    Raises:
        RuleError: (or ``error``) code ``rule.syntax`` with the line of the syntax error,
            followed by a valid ``example`` of ``what``.
    """
    import yaml

    from foodsafety._yaml import load_json, safe_load

    try:
        if source.endswith(".json"):
            return load_json(text), {}
        return safe_load(text), line_map(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        line = None
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line = mark.line + 1
        elif isinstance(exc, json.JSONDecodeError):
            line = exc.lineno
        # RuleError puts the location in front itself; a subclass such as RuleFileError
        # carries it in the message ("file:line: ...").
        lead = ""
        if error is not RuleError:
            lead = f"{source}:{line}: " if line else f"{source}: "
        code, said = document_error(exc)
        raise error(
            f"{lead}{said}\nA valid {what} looks like:\n{example}",
            code=code,
            source=source,
            row=line,
        ) from None


def document_error(exc: Exception) -> tuple[str, str]:
    """The reason code and words for an error of :func:`parse_document`'s parsers:
    ``rule.date`` (a date that does not exist), ``rule.limit`` (nesting, aliases or length
    past the limits of :mod:`foodsafety._yaml`) or ``rule.syntax``."""
    from foodsafety._yaml import BadDateError, JSONLimitError, LimitError

    if isinstance(exc, BadDateError):
        return "rule.date", f"{exc.problem}: a date must exist, such as 2023-01-15"
    if isinstance(exc, JSONLimitError):
        return "rule.limit", f"refused: {exc.msg}"
    if isinstance(exc, LimitError):
        return "rule.limit", f"refused: {exc.problem}"
    return "rule.syntax", f"not valid YAML/JSON ({(str(exc).splitlines() or [''])[0]})"


_M = TypeVar("_M", bound="Record")


def load_record_document(
    model: type[_M],
    path: str | Path,
    text: str | None,
    *,
    what: str,
    keys: str,
    example: str,
) -> _M:
    """Read, parse and validate one rule file as a ``model`` record (a pairing policy, an
    import profile): the errors of every such loader, worded alike.

    Raises:
        RuleError: the file cannot be read (``rule.unreadable``), is not YAML/JSON
            (``rule.syntax``), is not a mapping (``rule.shape``) or holds an invalid value
            (``rule.invalid``: the first problem's ``file:line``, key and reason, then every
            further problem as ``file:line: key: reason``, then a valid ``example``).
    """
    source = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(
                f"cannot read {what}: {exc}", code="rule.unreadable", source=source
            ) from None
    data, lines = parse_document(source, text, what=what, example=example)
    if not isinstance(data, dict):
        raise RuleError(
            f"a {what} must be a mapping of keys such as {keys}\n"
            f"A valid {what} looks like:\n{example}",
            code="rule.shape",
            source=source,
            row=1,
        )
    try:
        return model.model_validate(data)
    except RecordValidationError as exc:
        # the error's location ("file, row N: Model.key") names the first problem; every
        # further problem is listed as "file:line: key: reason"
        first = exc.problems[0] if exc.problems else None
        details = [first.message if first else exc.message]
        for problem in exc.problems[1:]:
            line = line_for(lines, problem.field)
            where = f"{source}:{line}" if line else source
            details.append(f"{where}: {problem.field or '(top)'}: {problem.message}")
        raise RuleError(
            "\n".join(details) + f"\nA valid {what} looks like:\n{example}",
            code="rule.invalid",
            record=model.__name__,
            field=first.field if first else None,
            value=first.value if first else None,
            source=source,
            row=line_for(lines, first.field) if first else None,
        ) from None
