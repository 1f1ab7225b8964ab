"""Reading YAML and JSON documents safely: ``yaml.SafeLoader`` with limits on hostile input.

Every rule file (rubrics, star and demonstration schemes, pairing policies, import profiles),
campaign file, scenario file and evidence file is read through here. On top of PyYAML's safe
loader (no tags, no Python objects, never ``yaml.load``), a document is refused, with the line
where the limit was crossed, when:

- it nests collections more than :data:`MAX_DEPTH` deep (PyYAML would otherwise recurse
  until Python's ``RecursionError``);
- its anchors and aliases would expand it to more than :data:`MAX_NODES` nodes (the "billion
  laughs" attack: nine aliases of ten aliases each make 10⁹ nodes out of a few lines), or an
  alias refers to the collection it is part of (a document that contains itself);
- it is longer than :data:`MAX_CHARS` characters (:data:`MAX_JSON_CHARS` for JSON);
- it holds a date that does not exist (``2023-02-30``, year 0): PyYAML raises a plain
  ``ValueError`` for it, here it is a ``yaml.YAMLError`` with the line, like any syntax error.

JSON documents get the same depth limit. All limits raise ``yaml.YAMLError`` (YAML) or
``json.JSONDecodeError`` (JSON) carrying the position, so each caller turns them into its own
typed, located error exactly as it does a syntax error. Each check costs one counter per node:
a hostile document is refused in well under a second.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.error import Mark

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_JSON_CHARS",
    "MAX_NODES",
    "BadDateError",
    "JSONLimitError",
    "LimitError",
    "compose",
    "load_json",
    "safe_load",
]

#: Deepest nesting of mappings and lists a document may have (the shipped rubrics need 8).
MAX_DEPTH = 64
#: Most nodes a document may have once its aliases are expanded (a large scenario file has
#: some tens of thousands).
MAX_NODES = 250_000
#: Longest YAML document, in characters (PyYAML reads about a million characters a second;
#: the largest shipped rule file has some tens of thousands).
MAX_CHARS = 1_000_000
#: Longest JSON document, in characters (JSON is read in C, a hundred times faster).
MAX_JSON_CHARS = 50_000_000

# A run of flow openers ("[[[[", "{ {") deeper than MAX_DEPTH, found in one pass of the regex
# engine: PyYAML's scanner would otherwise look ahead through up to a thousand of them, each
# step costing time in the number of open levels, before the depth check can see them.
_DEEP_FLOW = re.compile(r"(?:[\[{]\s*){" + str(MAX_DEPTH + 1) + "}")


class LimitError(ComposerError):
    """A YAML document crossed one of the limits above (its ``problem_mark`` is the place)."""


class BadDateError(ConstructorError):
    """A YAML date that does not exist (``2023-02-30``, year 0)."""


class JSONLimitError(json.JSONDecodeError):
    """A JSON document nested more than :data:`MAX_DEPTH` deep, or too long."""


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` counting depth and expanded nodes as it composes the document."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded = 0
        #: id of a finished node -> its size with every alias in it expanded
        self._sizes: dict[int, int] = {}

    def _limit(self, problem: str, mark: Any) -> LimitError:
        return LimitError(None, None, problem, mark)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            anchored = self.anchors.get(event.anchor)
            if anchored is not None:
                size = self._sizes.get(id(anchored))
                if size is None:  # the anchored collection is still being composed
                    raise self._limit(
                        f"the alias *{event.anchor} refers to a collection that contains it "
                        "(a document may not contain itself)",
                        event.start_mark,
                    )
                self._expanded += size
                self._check_size(event.start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._limit(
                f"the document nests more than {MAX_DEPTH} levels deep",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        before = self._expanded
        node: Any = super().compose_node(parent, index)
        self._depth -= 1
        self._expanded += 1
        self._sizes[id(node)] = self._expanded - before
        self._check_size(node.start_mark)
        return node

    def _check_size(self, mark: Any) -> None:
        if self._expanded > MAX_NODES:
            raise self._limit(
                f"the document's aliases expand it to more than {MAX_NODES:,} values "
                "(an alias bomb?)",
                mark,
            )

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise BadDateError(
                None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _check_length(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise LimitError(None, None, f"the document is longer than {MAX_CHARS:,} characters", None)
    deep = _DEEP_FLOW.search(text)
    if deep is not None:
        at = deep.start()
        line = text.count("\n", 0, at)
        mark = Mark("<document>", at, line, at - (text.rfind("\n", 0, at) + 1), None, 0)
        raise LimitError(None, None, f"the document nests more than {MAX_DEPTH} levels deep", mark)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)`` within the limits above (raises ``yaml.YAMLError``)."""
    _check_length(text)
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def compose(text: str) -> yaml.Node | None:
    """``yaml.compose(text, SafeLoader)`` within the limits above (raises ``yaml.YAMLError``)."""
    _check_length(text)
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def load_json(text: str) -> Any:
    """``json.loads(text)`` within :data:`MAX_DEPTH` (raises ``json.JSONDecodeError``)."""
    if len(text) > MAX_JSON_CHARS:
        raise JSONLimitError(
            f"the document is longer than {MAX_JSON_CHARS:,} characters", text[:100], 0
        )
    try:
        data = json.loads(text)
    except RecursionError:
        raise JSONLimitError(
            f"the document nests more than {MAX_DEPTH} levels deep", text[:100], 0
        ) from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise JSONLimitError(
                    f"the document nests more than {MAX_DEPTH} levels deep", text[:100], 0
                )
            items = value.values() if isinstance(value, dict) else value
            stack.extend((v, depth + 1) for v in items)
    return data
