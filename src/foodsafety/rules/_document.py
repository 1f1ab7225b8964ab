"""Reading a rule file: parse YAML (``yaml.safe_load`` only) or JSON, and map key paths to lines.

Shared by every rule loader (rubrics, star and demonstration schemes, pairing policies) so that
all of them point at the same line for the same key. Never ``yaml.load``, never ``eval``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from foodsafety.errors import RuleError

__all__ = ["line_for", "line_map", "parse_document"]


def line_map(text: str) -> dict[tuple[str, ...], int]:
    """Map each key path of a YAML document to its 1-based line (``yaml.compose`` marks)."""
    import yaml

    lines: dict[tuple[str, ...], int] = {}
    root = yaml.compose(text, Loader=yaml.SafeLoader)

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, str(i)))

    if root is not None:
        walk(root, ())
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

    try:
        if source.endswith(".json"):
            return json.loads(text), {}
        return yaml.safe_load(text), line_map(text)
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
        raise error(
            f"{lead}not valid YAML/JSON ({str(exc).splitlines()[0]})\n"
            f"A valid {what} looks like:\n{example}",
            code="rule.syntax",
            source=source,
            row=line,
        ) from None
