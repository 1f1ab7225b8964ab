"""The responsibility graph (责任网络): who answers for what, as typed, dated edges held in columns.

the architecture ("Responsibility is a graph") and docs/domain.md §2–4: every responsibility in local
food-safety governance is an edge with a kind — the business's primary responsibility
(主体责任), pairing (包保), territorial management (属地管理), shared party-government
responsibility (党政同责), regulatory supervision (监管), coordination by the food safety
committee and its office (协调) and the portfolio duties of the other leaders (分管 / 一岗双责).
Seed 004 (Anyang) names the chain this graph holds: businesses with a principal and a food
safety director, 4806 cadres of city, county, township and village pairing 16316 businesses,
the party committees and governments of each level, the market regulation bureau and the
committee office.

:meth:`ResponsibilityGraph.build` turns a :class:`~foodsafety.models.Governance` (jurisdiction
tree, bodies, officials) and a pairing ledger into a :class:`ResponsibilityGraph`: integer
nodes and numpy edge columns in CSR order (see the class), built with polars and numpy, on
which :mod:`foodsafety.engines.tracing` answers "who answers for this?".
:meth:`ResponsibilityGraph.to_networkx` (and :func:`build_graph`, the whole graph) gives the
public networkx form, a :class:`networkx.MultiDiGraph` whose node ids and attributes are the
plain Python values documented below, so any networkx algorithm runs on it.

**Direction.** An edge points *from the responsible party to what it answers for*
(``cadre:C1 -> business:914105...``). A trace therefore walks predecessors.

**Node ids** (``<type>:<id>``):

=============================== ============================================================
``jurisdiction:<code>``         a jurisdiction (``jurisdiction:410500``, ``jurisdiction:410500/GXQ``)
``body:<body id>``              a body (``body:410500:government``; see :func:`~foodsafety.models.body_id`)
``official:<id>``               an official in a post (任职), from :class:`~foodsafety.models.Official`
``cadre:<cadre_id>``            a pairing cadre (包保干部) from the ledger
``business:<uscc>``             a licensed food business (食品生产经营主体)
``person:<uscc>:<post>``        the business's principal (``principal``) or food safety director
                                (``food_safety_director``)
=============================== ============================================================

**Node attributes** (an attribute without a value is *absent*, never ``None``):

- every node: ``type`` (``jurisdiction``, ``body``, ``official``, ``cadre``, ``business``,
  ``person``), ``name``, ``level`` (a :class:`~foodsafety.vocab.Level` code), ``jurisdiction``
  (the code of the jurisdiction the node belongs to; for a business, the code in its record);
- jurisdiction: ``code``, ``division_kind``, ``parent``;
- body: ``body_kind`` (:class:`~foodsafety.vocab.BodyKind` code), ``hosted_by``, ``member_of``;
- official: ``post`` (:class:`~foodsafety.vocab.OfficialPost` code), ``body`` (body id),
  ``portfolio`` (tuple of str), ``valid_from``, ``valid_to``;
- cadre: ``unit``, ``post``, ``valid_from``, ``valid_to`` (the cadre's active period);
- business: ``uscc``, ``business_kind``, ``tier``, ``risk_grade``, ``anchor`` (the code of the
  jurisdiction of the tree it hangs from, when its own code — a village not in the tree — is
  not in the tree), ``valid_from`` (opened), ``valid_to`` (closed);
- person: ``post`` (:class:`~foodsafety.vocab.BusinessPost` code), ``uscc``.

**Edge attributes** (edge keys are stable strings: the kind code, or the assignment id for a
pairing edge):

- ``kind``: a :class:`~foodsafety.vocab.ResponsibilityKind` code;
- ``level``: the level of the responsible side (for primary responsibility, the business's
  jurisdiction level; for pairing, the cadre's level);
- ``role``: what the responsible side is: a :class:`~foodsafety.vocab.BodyKind`,
  :class:`~foodsafety.vocab.OfficialPost` or :class:`~foodsafety.vocab.BusinessPost` code,
  ``cadre``, or ``jurisdiction`` for the structural territorial edges (a jurisdiction answers
  for its sub-jurisdictions and for the businesses located in it);
- ``valid_from``, ``valid_to``: ``datetime.date``; the edge holds on day *d* when
  ``valid_from <= d < valid_to`` (either bound may be absent: open). A pairing edge's period
  is the assignment's, cut to the cadre's active period and the business's operating period;
  an official's edge is the term; a business's own edges run from opening to closing;
- ``assignment_id`` on pairing edges.

Which edges exist:

=========================================== ============== =====================================
edge                                        kind           role
=========================================== ============== =====================================
person (principal / director) -> business   primary        ``principal``, ``food_safety_director``
cadre -> business                           pairing        ``cadre``
jurisdiction -> business (located in)       territorial    ``jurisdiction``
jurisdiction -> sub-jurisdiction            territorial    ``jurisdiction``
party committee, government -> jurisdiction territorial    ``party_committee``, ``government``
village committee -> village                territorial    ``village_committee``
bureau / station -> jurisdiction            regulatory     ``market_regulation_bureau`` / ``..._station``
committee, office -> jurisdiction           coordination   ``food_safety_committee``, ``food_safety_office``
member unit -> committee                    coordination   ``member_unit``
party secretary, government head -> body    party_government
deputy in charge, other leaders -> body     portfolio
committee chair / deputy, office director,  coordination
unit head, liaison officer -> body
bureau director, station head -> body       regulatory
village head -> village committee           territorial
=========================================== ============== =====================================
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol

import networkx as nx

from foodsafety.errors import BulkValidationError, FoodSafetyError, Problem, ProblemReport
from foodsafety.models.bodies import Governance, Official
from foodsafety.models.jurisdiction import JurisdictionTree
from foodsafety.registry._codes import level_of as _registry_level
from foodsafety.registry._codes import structural_parent
from foodsafety.vocab import BodyKind, BusinessPost, Level, OfficialPost, ResponsibilityKind

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "BODY_EDGE_KINDS",
    "DIRECTION",
    "GRAPH_COLUMNS",
    "NODE_TYPES",
    "POST_EDGE_KINDS",
    "SCHEMA",
    "LedgerLike",
    "ResponsibilityGraph",
    "adjacency",
    "body_node",
    "build_graph",
    "business_node",
    "cadre_node",
    "edge_active",
    "jurisdiction_node",
    "official_node",
    "person_node",
]

#: The schema name stored in ``graph.graph["schema"]``.
SCHEMA: Final = "foodsafety.responsibility/1"
#: The edge direction, stored in ``graph.graph["direction"]``.
DIRECTION: Final = "responsible_to_subject"
#: Node types, the ``type`` attribute.
NODE_TYPES: Final = ("jurisdiction", "body", "official", "cadre", "business", "person")

#: The responsibility kind of the edge from a body to what it answers for.
BODY_EDGE_KINDS: Final[Mapping[BodyKind, ResponsibilityKind]] = {
    BodyKind.PARTY_COMMITTEE: ResponsibilityKind.TERRITORIAL,
    BodyKind.GOVERNMENT: ResponsibilityKind.TERRITORIAL,
    BodyKind.VILLAGE_COMMITTEE: ResponsibilityKind.TERRITORIAL,
    BodyKind.MARKET_REGULATION_BUREAU: ResponsibilityKind.REGULATORY,
    BodyKind.MARKET_REGULATION_STATION: ResponsibilityKind.REGULATORY,
    BodyKind.FOOD_SAFETY_COMMITTEE: ResponsibilityKind.COORDINATION,
    BodyKind.FOOD_SAFETY_OFFICE: ResponsibilityKind.COORDINATION,
    BodyKind.MEMBER_UNIT: ResponsibilityKind.COORDINATION,
}

#: The responsibility kind of the edge from an official to the body of its post.
POST_EDGE_KINDS: Final[Mapping[OfficialPost, ResponsibilityKind]] = {
    OfficialPost.PARTY_SECRETARY: ResponsibilityKind.PARTY_GOVERNMENT,
    OfficialPost.GOVERNMENT_HEAD: ResponsibilityKind.PARTY_GOVERNMENT,
    OfficialPost.DEPUTY_IN_CHARGE: ResponsibilityKind.PORTFOLIO,
    OfficialPost.OTHER_LEADER: ResponsibilityKind.PORTFOLIO,
    OfficialPost.COMMITTEE_CHAIR: ResponsibilityKind.COORDINATION,
    OfficialPost.COMMITTEE_DEPUTY_CHAIR: ResponsibilityKind.COORDINATION,
    OfficialPost.OFFICE_DIRECTOR: ResponsibilityKind.COORDINATION,
    OfficialPost.UNIT_HEAD: ResponsibilityKind.COORDINATION,
    OfficialPost.LIAISON_OFFICER: ResponsibilityKind.COORDINATION,
    OfficialPost.BUREAU_DIRECTOR: ResponsibilityKind.REGULATORY,
    OfficialPost.STATION_HEAD: ResponsibilityKind.REGULATORY,
    OfficialPost.VILLAGE_HEAD: ResponsibilityKind.TERRITORIAL,
}

_JUR_ROLE: Final = "jurisdiction"
_CADRE_ROLE: Final = "cadre"


#: The columns of each ledger table that the graph reads (a loader may read only these).
GRAPH_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "businesses": (
        "uscc",
        "name",
        "kind",
        "jurisdiction",
        "tier",
        "risk_grade",
        "principal",
        "director",
        "opened",
        "closed",
    ),
    "cadres": (
        "cadre_id",
        "name",
        "level",
        "jurisdiction",
        "unit",
        "post",
        "active_from",
        "active_to",
    ),
    "assignments": ("assignment_id", "cadre_id", "uscc", "valid_from", "valid_to"),
}


class LedgerLike(Protocol):
    """What :func:`build_graph` reads from a ledger: three polars tables of ``ledger.schema``.

    :class:`foodsafety.ledger.Ledger` and a :class:`foodsafety.samples.Sample` both qualify.
    """

    @property
    def businesses(self) -> pl.DataFrame: ...

    @property
    def cadres(self) -> pl.DataFrame: ...

    @property
    def assignments(self) -> pl.DataFrame: ...


# -- node ids ----------------------------------------------------------------------------


def jurisdiction_node(code: str) -> str:
    """``jurisdiction:<code>``."""
    return f"jurisdiction:{code}"


def body_node(body_id: str) -> str:
    """``body:<body id>``."""
    return f"body:{body_id}"


def official_node(official_id: str) -> str:
    """``official:<id>``."""
    return f"official:{official_id}"


def cadre_node(cadre_id: str) -> str:
    """``cadre:<cadre_id>``."""
    return f"cadre:{cadre_id}"


def business_node(uscc: str) -> str:
    """``business:<uscc>``."""
    return f"business:{uscc}"


def person_node(uscc: str, post: BusinessPost | str) -> str:
    """``person:<uscc>:<post code>`` for a business's principal or food safety director."""
    return f"person:{uscc}:{BusinessPost.parse(post).value}"


#: networkx's node dict: node id -> attribute dict.
NodeMap = dict[str, dict[str, Any]]
#: networkx's adjacency of a multigraph: node -> neighbour -> key -> edge attribute dict.
Adjacency = dict[str, dict[str, dict[str, dict[str, Any]]]]


def adjacency(graph: nx.MultiDiGraph[str]) -> tuple[NodeMap, Adjacency, Adjacency]:
    """networkx's own dicts of a graph: nodes, successors, predecessors (read-only use).

    Hot loops read these instead of the views (``graph.pred[v]``), which cost an object each.
    """
    g: Any = graph
    return g._node, g._succ, g._pred


def edge_active(attrs: Mapping[str, Any], day: dt.date) -> bool:
    """True when an edge (or node) with these attributes holds on ``day``."""
    start = attrs.get("valid_from")
    if start is not None and day < start:
        return False
    end = attrs.get("valid_to")
    return end is None or day < end


# -- building ----------------------------------------------------------------------------


def _plain(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ()}


def _cut(
    start: dt.date | None, end: dt.date | None, start2: dt.date | None, end2: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """The intersection of two half-open periods (``None`` bounds are open)."""
    lo = start if start2 is None else start2 if start is None else max(start, start2)
    hi = end if end2 is None else end2 if end is None else min(end, end2)
    return lo, hi


def _tree_levels(tree: JurisdictionTree) -> dict[str, str]:
    """The level code of each jurisdiction of the tree, by code (the tree's own lookup
    canonicalises the code on every call)."""
    return {j.code: j.level.value for j in tree}


def _add_governance(g: _Collector, gov: Governance) -> None:
    tree = gov.tree
    levels = _tree_levels(tree)
    for j in tree:
        g.add_node(
            jurisdiction_node(j.code),
            **_plain(
                type="jurisdiction",
                name=j.name,
                level=j.level.value,
                jurisdiction=j.code,
                code=j.code,
                division_kind=j.kind.value,
                parent=j.parent,
            ),
        )
    for j in tree:
        parent = tree.parent(j.code)
        if parent is not None:
            g.add_edge(
                jurisdiction_node(parent.code),
                jurisdiction_node(j.code),
                key=ResponsibilityKind.TERRITORIAL.value,
                kind=ResponsibilityKind.TERRITORIAL.value,
                level=parent.level.value,
                role=_JUR_ROLE,
            )
    for b in gov.bodies:
        level = levels.get(b.jurisdiction) or tree[b.jurisdiction].level.value
        g.add_node(
            body_node(b.id),
            **_plain(
                type="body",
                name=b.name,
                level=level,
                jurisdiction=b.jurisdiction,
                body_kind=b.kind.value,
                hosted_by=b.hosted_by,
                member_of=b.member_of,
            ),
        )
        kind = BODY_EDGE_KINDS[b.kind]
        target = (
            body_node(b.member_of)
            if b.kind is BodyKind.MEMBER_UNIT and b.member_of is not None
            else jurisdiction_node(b.jurisdiction)
        )
        g.add_edge(
            body_node(b.id), target, key=kind.value, kind=kind.value, level=level, role=b.kind.value
        )
    for o in gov.officials:
        _add_official(g, o, tree, levels)


def _add_official(
    g: _Collector, o: Official, tree: JurisdictionTree, levels: Mapping[str, str]
) -> None:
    level = levels.get(o.jurisdiction) or tree[o.jurisdiction].level.value
    node = official_node(o.id)
    g.add_node(
        node,
        **_plain(
            type="official",
            name=o.name,
            level=level,
            jurisdiction=o.jurisdiction,
            post=o.post.value,
            body=o.body,
            portfolio=tuple(o.portfolio),
            valid_from=o.valid_from,
            valid_to=o.valid_to,
        ),
    )
    kind = POST_EDGE_KINDS[o.post]
    g.add_edge(
        node,
        body_node(o.body),
        key=kind.value,
        **_plain(
            kind=kind.value,
            level=level,
            role=o.post.value,
            valid_from=o.valid_from,
            valid_to=o.valid_to,
        ),
    )


def _anchor(tree: JurisdictionTree, code: str, levels: Mapping[str, str]) -> str | None:
    """The nearest jurisdiction of the tree at or above ``code`` (a village not in the tree).

    Canonical codes are walked up by their digits against ``levels`` (the tree's codes); the
    tree's own lookup, which canonicalises, is asked only when that finds nothing.
    """
    current: str | None = code
    while current:
        if current in levels:
            return current
        try:
            current = structural_parent(current)
        except Exception:  # a malformed code: reported by the caller
            break
    current = code
    while current:
        if current in tree:
            return tree[current].code
        try:
            current = structural_parent(current)
        except Exception:
            return None
    return None


def _problem(table: str, row: int, column: str, value: object, code: str, message: str) -> Problem:
    return Problem(
        code=code, message=message, record=table, field=column, value=value, row=row, column=column
    )


# -- the columnar graph -------------------------------------------------------------------

_EPOCH: Final = dt.date(1970, 1, 1).toordinal()
#: The day number of an open start / end (``valid_from`` / ``valid_to`` absent).
OPEN_START: Final = -(2**31)
OPEN_END: Final = 2**31 - 1
#: The code of an absent level in the ``level`` column.
NO_LEVEL: Final = 255

#: The ``kind`` column's codes: index -> :class:`~foodsafety.vocab.ResponsibilityKind` value.
KIND_CODES: Final[tuple[str, ...]] = tuple(k.value for k in ResponsibilityKind)
#: The ``level`` column's codes: index -> :class:`~foodsafety.vocab.Level` value.
LEVEL_CODES: Final[tuple[str, ...]] = tuple(lv.value for lv in Level)
#: The roles every graph knows, in code order; a graph read from networkx may add others.
BASE_ROLES: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(
        (
            BusinessPost.PRINCIPAL.value,
            BusinessPost.FOOD_SAFETY_DIRECTOR.value,
            _CADRE_ROLE,
            _JUR_ROLE,
            *(b.value for b in BodyKind),
            *(p.value for p in OfficialPost),
        )
    )
)
_KIND_CODE: Final = {k: i for i, k in enumerate(KIND_CODES)}
_LEVEL_CODE: Final = {lv: i for i, lv in enumerate(LEVEL_CODES)}


def day_number(day: dt.date) -> int:
    """The day number of the validity columns: days since 1970-01-01 (polars' own dates)."""
    return day.toordinal() - _EPOCH


def _mv(array: Any) -> memoryview:
    """A memoryview of a numpy array: its items read as Python ints, faster than numpy's."""
    return memoryview(array)


def _date(n: int) -> dt.date:
    return dt.date.fromordinal(n + _EPOCH)


class _Strings:
    """A column of strings read one at a time: Arrow offsets and bytes behind memoryviews.

    Reading a string is two integer reads and one decode, a few hundred nanoseconds, where a
    polars ``Series[i]`` costs close to a microsecond; nulls read as ``""``.
    """

    __slots__ = ("_data", "_off", "size")

    def __init__(self, series: pl.Series) -> None:
        import numpy as np
        import polars as pl

        arr = (
            series.cast(pl.Utf8)
            .fill_null("")
            .rechunk()
            .to_arrow(compat_level=pl.CompatLevel.oldest())
        )
        _, offsets, data = arr.buffers()
        off = np.frombuffer(offsets, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
        self._off = _mv(np.ascontiguousarray(off))
        # one bytes object: slicing and decoding it is the cheapest read Python has
        self._data = b"" if data is None else data.to_pybytes()
        self.size = len(arr)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: int) -> str:
        off = self._off
        return self._data[off[i] : off[i + 1]].decode()

    def raw(self, i: int) -> bytes:
        """The UTF-8 bytes of string ``i``."""
        off = self._off
        return self._data[off[i] : off[i + 1]]

    def arrays(self) -> tuple[Any, Any]:
        """The offsets and bytes as numpy arrays (no copy)."""
        import numpy as np

        return np.asarray(self._off), np.frombuffer(self._data, dtype=np.uint8)


class _Column:
    """A column of strings read one at a time from the ledger's own polars column (no copy;
    a read costs about a microsecond, for the strings a trace reads only when asked)."""

    __slots__ = ("_series",)

    def __init__(self, series: pl.Series) -> None:
        self._series = series

    def __getitem__(self, i: int) -> str:
        value = self._series[i]
        return "" if value is None else str(value)


_PRIME: Final = (1 << 31) - 19


def _hash_bytes(raw: bytes) -> int:
    """The 31-bit key hash of :class:`_KeyIndex` for one key: the key's bytes read as one
    little-endian number, modulo a prime below 2**31 (the same as :func:`_hash_column`).
    One big-integer remainder: a fraction of a loop over the bytes in Python."""
    return int.from_bytes(raw, "little") % _PRIME


def _hash_column(strings: _Strings) -> Any:
    """:func:`_hash_bytes` of every string of a column, with numpy (in chunks of rows): the
    number is summed from its 32-bit halves times 2**(32k) modulo the prime, which stays
    within 64 bits."""
    import numpy as np

    off, data = strings.arrays()
    n = len(off) - 1
    lengths = np.diff(off)
    out = np.empty(n, dtype=np.uint32)
    # the padded bytes of a chunk take 9 bytes a byte of key (the gather's int64 positions)
    chunk = 1 << 18
    prime = np.uint64(_PRIME)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        lens = lengths[lo:hi]
        width = int(-(-int(lens.max(initial=0)) // 4) * 4)
        r = np.zeros(hi - lo, dtype=np.uint64)
        if width:
            cols = np.arange(width, dtype=np.int64)
            idx = off[lo:hi, None] + cols[None, :]
            inside = cols[None, :] < lens[:, None]
            mat = np.zeros((hi - lo, width), dtype=np.uint8)
            mat[inside] = data[idx[inside]]
            halves = mat.view("<u4").astype(np.uint64)
            for k in range(halves.shape[1]):
                r = (r + halves[:, k] * np.uint64(pow(2, 32 * k, _PRIME))) % prime
        out[lo:hi] = r
    return out


class _KeyIndex:
    """The row of a key among a column of distinct strings, one lookup at a time.

    The keys' 31-bit hashes (:func:`_hash_bytes`) are sorted; a table of ``2**bits`` slots
    holds where the hashes of each top-``bits`` prefix start, so a lookup reads two slots,
    compares the hashes between them (about one) and then the key's bytes: exact, and no
    Python object per key (about 12 bytes a key).
    """

    __slots__ = ("_entries", "_shift", "_start", "_strings")

    def __init__(self, strings: _Strings) -> None:
        import numpy as np

        hashes = _hash_column(strings)
        order = np.argsort(hashes, kind="stable")
        # hash and row in one word (hash above): one memory read a candidate
        entries = (hashes[order].astype(np.uint64) << np.uint64(32)) | order.astype(np.uint64)
        bits = min(max(1, len(hashes).bit_length()), 28)
        self._shift = 31 - bits
        slots = (hashes[order] >> np.uint32(self._shift)).astype(np.int64)
        start = np.searchsorted(slots, np.arange((1 << bits) + 1, dtype=np.int64)).astype(np.int32)
        self._entries = _mv(entries)
        self._start = _mv(start)
        self._strings = strings

    def get(self, key: str) -> int:
        """The row of ``key``, or ``-1``."""
        raw = key.encode()
        h = int.from_bytes(raw, "little") % _PRIME
        s = h >> self._shift
        entries, start = self._entries, self._start
        for i in range(start[s], start[s + 1]):
            entry = entries[i]
            if entry >> 32 == h:
                row: int = entry & 0xFFFFFFFF
                if self._strings.raw(row) == raw:
                    return row
        return -1


class _Collector:
    """Nodes and keyed edges gathered as networkx's ``add_node`` / ``add_edge`` would hold them
    (a node's attributes updated in place, an edge key written once per pair), in order."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.pred: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}

    def add_node(self, node: str, **attrs_: Any) -> None:
        self.nodes.setdefault(node, {}).update(attrs_)
        self.pred.setdefault(node, {})

    def add_edge(self, u: str, v: str, key: str, **attrs_: Any) -> None:
        for n in (u, v):
            if n not in self.nodes:
                self.add_node(n)
        self.pred[v].setdefault(u, {}).setdefault(key, {}).update(attrs_)


class ResponsibilityGraph:
    """The responsibility graph held as columns: integer nodes, CSR predecessors, typed edges.

    Build it with :meth:`build` (a governance structure and a pairing ledger) or
    :meth:`from_networkx`; trace it with :mod:`foodsafety.engines.tracing`; turn all of it,
    or one jurisdiction's part on one day, into the documented networkx graph with
    :meth:`to_networkx` for analyses and exports.

    **Nodes** are integers in blocks: the governance nodes (jurisdictions, bodies, officials,
    with their attribute dicts: a few per jurisdiction), then the businesses, the cadres, the
    businesses' principals and food safety directors, in ledger order; a ledger node's
    attributes are read from the ledger's columns when asked for (:meth:`attributes`).
    :meth:`node_id` and :meth:`node_name` translate the ``<type>:<id>`` names of the module
    documentation.

    **Edges** are sorted by the node they point to (``indptr``: the edges into node ``v`` are
    ``indptr[v]`` to ``indptr[v + 1]``), each with the columns ``src`` (the responsible
    node), ``kind`` (an index into :data:`KIND_CODES`), ``role`` (into :attr:`roles`),
    ``level`` (into :data:`LEVEL_CODES`, :data:`NO_LEVEL` when absent), ``valid_from`` and
    ``valid_to`` (day numbers, :func:`day_number`; :data:`OPEN_START` / :data:`OPEN_END` when
    open) and ``assignment`` (the assignment's row for a pairing edge, else ``-1``). The
    edges into one node from one party are adjacent, in the order networkx would list them.

    The graph is read-only: its arrays are shared by the tracer's memo.
    """

    def __init__(
        self,
        collected: _Collector,
        ledger: _LedgerPart | None,
        *,
        name: str = "",
    ) -> None:
        import numpy as np

        self.name = name
        self.graph: dict[str, Any] = {"schema": SCHEMA, "direction": DIRECTION, "name": name}
        names = list(collected.nodes)
        self._gov_names = names
        self._gov_attrs = [collected.nodes[n] for n in names]
        self._gov_index = {n: i for i, n in enumerate(names)}
        self.n_governance = len(names)
        roles = list(BASE_ROLES)
        role_code = {r: i for i, r in enumerate(roles)}
        extra_keys: dict[int, str] = {}
        g_src: list[int] = []
        g_cols: list[tuple[int, int, int, int, int]] = []
        g_count = [0] * len(names)
        extra_attrs: dict[int, dict[str, Any]] = {}
        for vi, v in enumerate(names):
            for u, keydict in collected.pred[v].items():
                ui = self._gov_index[u]
                for key, d in keydict.items():
                    kind = str(d["kind"])
                    role = str(d["role"])
                    if role not in role_code:
                        role_code[role] = len(roles)
                        roles.append(role)
                    level = d.get("level")
                    start = d.get("valid_from")
                    end = d.get("valid_to")
                    if key != kind:
                        extra_keys[len(g_src)] = key
                    others = {
                        k: x
                        for k, x in d.items()
                        if k not in ("kind", "role", "level", "valid_from", "valid_to")
                    }
                    if others:
                        extra_attrs[len(g_src)] = others
                    g_src.append(ui)
                    g_cols.append(
                        (
                            _KIND_CODE[kind],
                            role_code[role],
                            NO_LEVEL if level is None else _LEVEL_CODE[level],
                            OPEN_START if start is None else day_number(start),
                            OPEN_END if end is None else day_number(end),
                        )
                    )
                    g_count[vi] += 1
        if len(roles) > NO_LEVEL:
            raise FoodSafetyError(
                "too many distinct edge roles", code="graph.roles", value=len(roles)
            )
        self.roles: tuple[str, ...] = tuple(roles)
        self._extra_keys = extra_keys
        self._extra_attrs = extra_attrs
        g_arr = np.array(g_cols, dtype=np.int64).reshape(-1, 5)
        gov_edges: dict[str, Any] = {
            "src": np.array(g_src, dtype=np.int32),
            "kind": g_arr[:, 0].astype(np.uint8),
            "role": g_arr[:, 1].astype(np.uint8),
            "level": g_arr[:, 2].astype(np.uint8),
            "valid_from": g_arr[:, 3].astype(np.int32),
            "valid_to": g_arr[:, 4].astype(np.int32),
            "assignment": np.full(len(g_src), -1, dtype=np.int32),
        }
        counts: Any = np.array(g_count, dtype=np.int32)
        columns: dict[str, Any]
        self._ledger = ledger
        if ledger is None:
            self.n_businesses = self.n_cadres = 0
            columns = gov_edges
        else:
            self.n_businesses = ledger.n_businesses
            self.n_cadres = ledger.n_cadres
            edges, ledger_counts = ledger.edges(self.n_governance)
            columns = {k: np.concatenate([gov_edges[k], edges[k]]) for k in gov_edges}
            counts = np.concatenate([counts, ledger_counts])
        self.n_nodes = self.n_governance + 3 * self.n_businesses + self.n_cadres
        total = len(columns["src"])
        full = np.zeros(self.n_nodes + 1, dtype=np.int32 if total < 2**31 else np.int64)
        np.cumsum(counts, out=full[1 : len(counts) + 1])
        full[len(counts) + 1 :] = full[len(counts)]
        self.indptr = full
        self.src = columns["src"]
        self.kind = columns["kind"]
        self.role = columns["role"]
        self.level = columns["level"]
        self.valid_from = columns["valid_from"]
        self.valid_to = columns["valid_to"]
        self.assignment = columns["assignment"]
        # memoryviews: a Python int from a memoryview costs a fraction of a numpy scalar
        self.mv_indptr = _mv(self.indptr)
        self.mv_src = _mv(self.src)
        self.mv_kind = _mv(self.kind)
        self.mv_role = _mv(self.role)
        self.mv_level = _mv(self.level)
        self.mv_from = _mv(self.valid_from)
        self.mv_to = _mv(self.valid_to)
        self.mv_assignment = _mv(self.assignment)
        b, c = self.n_businesses, self.n_cadres
        self.first_business = self.n_governance
        self.first_cadre = self.first_business + b
        self.first_principal = self.first_cadre + c
        self.first_director = self.first_principal + b

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        governance: Governance | JurisdictionTree,
        ledger: LedgerLike | None = None,
        *,
        name: str = "",
    ) -> ResponsibilityGraph:
        """Build the graph of a governance structure and its pairing ledger.

        Args:
            governance: the jurisdictions with their bodies and officials; a bare
                :class:`~foodsafety.models.JurisdictionTree` gets the standard bodies of each
                jurisdiction and no officials.
            ledger: the pairing ledger (businesses, cadres, assignments); ``None`` builds the
                governance part only. Its tables are read with polars and numpy (no Python
                loop over rows); the graph keeps the columns it reads.
            name: the graph's name.

        Raises:
            BulkValidationError: ledger rows that cannot be placed (a business in a
                jurisdiction outside the tree, an assignment naming an unknown cadre or
                business, duplicate keys); every such row is listed, with its table, row and
                column.
        """
        gov = governance if isinstance(governance, Governance) else Governance.standard(governance)
        collected = _Collector()
        _add_governance(collected, gov)
        part = None if ledger is None else _LedgerPart(gov.tree, ledger, collected)
        return cls(collected, part, name=name)

    @classmethod
    def from_networkx(cls, graph: nx.MultiDiGraph[str]) -> ResponsibilityGraph:
        """The columnar form of a networkx graph with this module's attributes (an edited
        :func:`build_graph` result, or one read back by :func:`~foodsafety.engines.graph_export.read_graphml`).

        Every node becomes a governance node (its attribute dict kept as it is); edges keep
        their keys and attributes. Meant for graphs of thousands of nodes, not a province's
        ledger: build that with :meth:`build`.
        """
        collected = _Collector()
        for n, d in graph.nodes(data=True):
            collected.add_node(n, **d)
        for u, v, key, d in graph.edges(keys=True, data=True):
            collected.add_edge(u, v, key=key, **d)
        # networkx lists the predecessors of a node in the order their first edge was added
        for v, keyed in adjacency(graph)[2].items():
            collected.pred[v] = {u: dict(keydict) for u, keydict in keyed.items()}
        return cls(collected, None, name=str(graph.graph.get("name", "")))

    # -- nodes ----------------------------------------------------------------------------

    def node_type(self, node: int) -> str:
        """The ``type`` attribute of a node."""
        if node < self.n_governance:
            return str(self._gov_attrs[node].get("type", ""))
        if node < self.first_cadre:
            return "business"
        if node < self.first_principal:
            return "cadre"
        return "person"

    def node_id(self, name: str) -> int:
        """The integer of a node named ``<type>:<id>``, or ``-1`` when the graph has none."""
        found = self._gov_index.get(name)
        if found is not None:
            return found
        ledger = self._ledger
        if ledger is None:
            return -1
        if name.startswith("business:"):
            row = ledger.businesses.get(name[9:])
            return -1 if row < 0 else self.first_business + row
        if name.startswith("cadre:"):
            row = ledger.cadres.get(name[6:])
            return -1 if row < 0 else self.first_cadre + row
        if name.startswith("person:"):
            uscc, _, post = name[7:].rpartition(":")
            row = ledger.businesses.get(uscc)
            if row < 0:
                return -1
            if post == BusinessPost.PRINCIPAL.value and ledger.has_principal[row]:
                return self.first_principal + row
            if post == BusinessPost.FOOD_SAFETY_DIRECTOR.value and ledger.has_director[row]:
                return self.first_director + row
        return -1

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.node_id(name) >= 0

    def node_name(self, node: int) -> str:
        """The ``<type>:<id>`` name of a node."""
        if node < self.n_governance:
            return self._gov_names[node]
        ledger = self._ledger
        assert ledger is not None
        if node < self.first_cadre:
            return "business:" + ledger.uscc[node - self.first_business]
        if node < self.first_principal:
            return "cadre:" + ledger.cadre_id[node - self.first_cadre]
        if node < self.first_director:
            return f"person:{ledger.uscc[node - self.first_principal]}:principal"
        return f"person:{ledger.uscc[node - self.first_director]}:food_safety_director"

    def display_name(self, node: int) -> str:
        """The ``name`` attribute of a node (its node name when it has none)."""
        if node < self.n_governance:
            d = self._gov_attrs[node]
            return str(d["name"]) if "name" in d else self._gov_names[node]
        ledger = self._ledger
        assert ledger is not None
        if node < self.first_cadre:
            return ledger.business_name[node - self.first_business]
        if node < self.first_principal:
            return ledger.cadre_name[node - self.first_cadre]
        if node < self.first_director:
            return ledger.principal_name[node - self.first_principal]
        return ledger.director_name[node - self.first_director]

    def node_level(self, node: int) -> str | None:
        """The ``level`` attribute of a node (a :class:`~foodsafety.vocab.Level` code)."""
        if node < self.n_governance:
            level = self._gov_attrs[node].get("level")
            return None if level is None else str(level)
        ledger = self._ledger
        assert ledger is not None
        if node < self.first_cadre:
            code = ledger.business_level[node - self.first_business]
        elif node < self.first_principal:
            code = ledger.cadre_level[node - self.first_cadre]
        else:
            code = ledger.business_level[(node - self.first_principal) % self.n_businesses]
        return None if code == NO_LEVEL else LEVEL_CODES[code]

    def attributes(self, node: int) -> dict[str, Any]:
        """The attribute dict of a node, as :func:`build_graph` documents it (a fresh dict)."""
        if node < self.n_governance:
            return dict(self._gov_attrs[node])
        ledger = self._ledger
        assert ledger is not None
        if node < self.first_cadre:
            return ledger.business_attrs(node - self.first_business)
        if node < self.first_principal:
            return ledger.cadre_attrs(node - self.first_cadre)
        if node < self.first_director:
            return ledger.person_attrs(node - self.first_principal, BusinessPost.PRINCIPAL.value)
        return ledger.person_attrs(
            node - self.first_director, BusinessPost.FOOD_SAFETY_DIRECTOR.value
        )

    def nodes(self) -> Iterator[int]:
        """Every node, in the order :func:`build_graph` adds them: governance, then each
        business followed by its principal and director, then the cadres."""
        yield from range(self.n_governance)
        ledger = self._ledger
        if ledger is None:
            return
        hp, hd = ledger.has_principal, ledger.has_director
        for i in range(self.n_businesses):
            yield self.first_business + i
            if hp[i]:
                yield self.first_principal + i
            if hd[i]:
                yield self.first_director + i
        yield from range(self.first_cadre, self.first_principal)

    def number_of_nodes(self) -> int:
        """How many nodes the graph has."""
        ledger = self._ledger
        persons = 0 if ledger is None else ledger.n_persons
        return self.n_governance + self.n_businesses + self.n_cadres + persons

    def number_of_edges(self) -> int:
        """How many edges the graph has."""
        return int(self.indptr[-1])

    # -- edges ----------------------------------------------------------------------------

    def edge_key(self, edge: int) -> str:
        """The networkx key of an edge: the assignment id of a pairing edge, else its kind."""
        row = self.mv_assignment[edge]
        if row >= 0:
            ledger = self._ledger
            assert ledger is not None
            return ledger.assignment_id[row]
        extra = self._extra_keys.get(edge)
        return KIND_CODES[self.mv_kind[edge]] if extra is None else extra

    def edge_attributes(self, edge: int) -> dict[str, Any]:
        """The attribute dict of an edge, as :func:`build_graph` documents it."""
        d: dict[str, Any] = {"kind": KIND_CODES[self.mv_kind[edge]]}
        level = self.mv_level[edge]
        if level != NO_LEVEL:
            d["level"] = LEVEL_CODES[level]
        d["role"] = self.roles[self.mv_role[edge]]
        start, end = self.mv_from[edge], self.mv_to[edge]
        if start != OPEN_START:
            d["valid_from"] = _date(start)
        if end != OPEN_END:
            d["valid_to"] = _date(end)
        if self.mv_assignment[edge] >= 0:
            d["assignment_id"] = self.edge_key(edge)
        extra = self._extra_attrs.get(edge)
        if extra:
            d.update(extra)
        return d

    def in_edges(self, node: int) -> range:
        """The edges into ``node`` (indices into the edge columns)."""
        return range(self.mv_indptr[node], self.mv_indptr[node + 1])

    def targets(self) -> Any:
        """The target node of every edge (a numpy array made on each call)."""
        import numpy as np

        counts: Any = np.diff(self.indptr.astype(np.int64))
        return np.repeat(np.arange(self.n_nodes, dtype=np.int32), counts)

    def jurisdiction_of(self, node: int) -> str | None:
        """The ``jurisdiction`` attribute of a node (a division code)."""
        if node < self.n_governance:
            code = self._gov_attrs[node].get("jurisdiction")
            return None if code is None else str(code)
        ledger = self._ledger
        assert ledger is not None
        if node < self.first_cadre:
            return ledger.business_code[node - self.first_business]
        if node < self.first_principal:
            return ledger.cadre_code[node - self.first_cadre]
        return ledger.business_code[(node - self.first_principal) % self.n_businesses]

    def business_levels(self) -> Any:
        """The ``level`` code (into :data:`LEVEL_CODES`) of each business, a numpy array."""
        return self._ledger._b_level if self._ledger is not None else _empty("uint8")

    def cadre_levels(self) -> Any:
        """The ``level`` code of each cadre (:data:`NO_LEVEL` when absent), a numpy array."""
        return self._ledger._c_level if self._ledger is not None else _empty("uint8")

    def has_principal(self) -> Any:
        """Which businesses have a principal (a person node), a numpy bool array."""
        return self._ledger.has_principal if self._ledger is not None else _empty("bool")

    def has_director(self) -> Any:
        """Which businesses have a food safety director, a numpy bool array."""
        return self._ledger.has_director if self._ledger is not None else _empty("bool")

    def business_operating(self, day: int) -> Any:
        """Which businesses operate on day number ``day``, a numpy bool array."""
        return self._ledger.business_active(day) if self._ledger is not None else _empty("bool")

    # -- networkx -------------------------------------------------------------------------

    def to_networkx(
        self, *, jurisdiction: str | None = None, as_of: dt.date | None = None
    ) -> nx.MultiDiGraph[str]:
        """The networkx multigraph of this module's documentation, whole or in part.

        Args:
            jurisdiction: keep only the part of this jurisdiction (a county, a city, a
                province): the jurisdiction and those under it, their bodies and officials,
                the businesses located in it with their principals and directors, the cadres
                of it and the cadres pairing its businesses, and the edges among them.
            as_of: keep only the edges valid on that day, and of the businesses, cadres and
                officials only those active on that day.

        Returns:
            With neither argument, the same graph as :func:`build_graph` (same node ids,
            attributes, edge keys and order). Building it costs about 6 kB a node: ask for a
            county or a city of a national graph, not the nation.
        """

        keep = self._keep(jurisdiction, as_of)
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph(
            schema=SCHEMA, direction=DIRECTION, name=self.name
        )
        enabled = gc.isenabled()
        gc.disable()
        try:
            node_attrs, succ, pred = adjacency(g)
            names: dict[int, str] = {}
            order = self.nodes() if keep is None else (n for n in self.nodes() if keep[n])
            for n in order:
                name = names[n] = self.node_name(n)
                node_attrs[name] = self.attributes(n)
                succ[name] = {}
                pred[name] = {}
            day = None if as_of is None else day_number(as_of)
            mv_from, mv_to, mv_src, indptr = self.mv_from, self.mv_to, self.mv_src, self.mv_indptr
            for v, vname in names.items():
                for e in range(indptr[v], indptr[v + 1]):
                    u = mv_src[e]
                    uname = names.get(u)
                    if uname is None:
                        continue
                    if day is not None and not (mv_from[e] <= day < mv_to[e]):
                        continue
                    keydict = succ[uname].get(vname)
                    if keydict is None:
                        keydict = succ[uname][vname] = pred[vname][uname] = {}
                    keydict[self.edge_key(e)] = self.edge_attributes(e)
        finally:
            if enabled:
                gc.enable()
        return g

    def edge_subgraph(self, edges: Iterable[tuple[str, str, str]]) -> nx.MultiDiGraph[str]:
        """The networkx graph of the given ``(source, target, key)`` edges and their ends,
        with the attributes :meth:`to_networkx` gives them (a trace's paths, for pictures)."""
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph(
            schema=SCHEMA, direction=DIRECTION, name=self.name
        )
        for u, v, key in edges:
            vi = self.node_id(v)
            for e in self.in_edges(vi):
                if self.node_name(self.mv_src[e]) == u and self.edge_key(e) == key:
                    for name in (u, v):
                        if name not in g:
                            g.add_node(name, **self.attributes(self.node_id(name)))
                    g.add_edge(u, v, key=key, **self.edge_attributes(e))
                    break
        return g

    def _keep(self, jurisdiction: str | None, as_of: dt.date | None) -> Any:
        """Which nodes :meth:`to_networkx` keeps (a numpy bool array), or ``None`` for all."""
        import numpy as np

        if jurisdiction is None and as_of is None:
            return None
        keep = np.ones(self.n_nodes, dtype=bool)
        ledger = self._ledger
        b0, c0, p0, d0 = (
            self.first_business,
            self.first_cadre,
            self.first_principal,
            self.first_director,
        )
        if ledger is not None:
            keep[p0:d0] = ledger.has_principal
            keep[d0:] = ledger.has_director
        if jurisdiction is not None:
            root = jurisdiction.removeprefix("jurisdiction:")
            inside = {
                d.get("code")
                for d in self._gov_attrs
                if d.get("type") == "jurisdiction" and _under(str(d.get("code", "")), root, self)
            }
            if root not in inside:
                raise FoodSafetyError(
                    f"jurisdiction {root!r} is not in the graph",
                    code="graph.unknown_jurisdiction",
                    field="jurisdiction",
                    value=root,
                )
            for i, d in enumerate(self._gov_attrs):
                keep[i] = d.get("jurisdiction", d.get("code")) in inside
            if ledger is not None:
                mine = ledger.businesses_in(inside)
                keep[b0:c0] = mine
                keep[p0:d0] &= mine
                keep[d0:] &= mine
                cadres = ledger.cadres_in(inside)
                pairing = self.assignment >= 0
                t = self.targets()
                paired = (self.src[pairing] - c0)[mine[t[pairing] - b0]]
                cadres[paired] = True
                keep[c0:p0] = cadres
        if as_of is not None:
            day = day_number(as_of)
            for i, d in enumerate(self._gov_attrs):
                if d.get("type") == "official" and not edge_active(d, as_of):
                    keep[i] = False
            if ledger is not None:
                active_b = ledger.business_active(day)
                keep[b0:c0] &= active_b
                keep[p0:d0] &= active_b
                keep[d0:] &= active_b
                keep[c0:p0] &= ledger.cadre_active(day)
        return keep


def _empty(dtype: str) -> Any:
    import numpy as np

    return np.zeros(0, dtype=dtype)


def _under(code: str, root: str, graph: ResponsibilityGraph) -> bool:
    """True when jurisdiction ``code`` is ``root`` or lies under it (by the graph's parents)."""
    seen = 0
    current: str | None = code
    while current is not None and seen < 64:
        if current == root:
            return True
        node = graph._gov_index.get(jurisdiction_node(current))
        parent = None if node is None else graph._gov_attrs[node].get("parent")
        current = None if parent is None else str(parent)
        seen += 1
    return False


class _LedgerPart:
    """The ledger's nodes and edges as columns (see :class:`ResponsibilityGraph`)."""

    def __init__(self, tree: JurisdictionTree, ledger: LedgerLike, collected: _Collector) -> None:
        import numpy as np
        import polars as pl

        report = ProblemReport()
        gov_index = {n: i for i, n in enumerate(collected.nodes)}
        b = ledger.businesses.select(GRAPH_COLUMNS["businesses"])
        codes = b.get_column("jurisdiction").drop_nulls().unique().to_list()
        known = _tree_levels(tree)
        anchors = {c: _anchor(tree, c, known) for c in codes if c}
        levels = {c: _level_code(tree, c, known) for c, a in anchors.items() if a is not None}
        home_levels = {
            a: _level_code(tree, a, known) for a in set(anchors.values()) if a is not None
        }
        places = pl.DataFrame(
            {
                "jurisdiction": list(levels),
                "_home": [gov_index[jurisdiction_node(str(anchors[c]))] for c in levels],
                "_level": [levels[c] for c in levels],
                "_home_level": [home_levels[str(anchors[c])] for c in levels],
            },
            schema={
                "jurisdiction": pl.Utf8,
                "_home": pl.Int32,
                "_level": pl.UInt8,
                "_home_level": pl.UInt8,
            },
        )
        # Only the new columns are made: the ledger's own columns are shared, not copied.
        extra = b.select("jurisdiction").join(
            places, on="jurisdiction", how="left", maintain_order="left"
        )
        b = b.with_columns(extra.get_column(c) for c in ("_home", "_level", "_home_level"))
        placed = b.get_column("_home").is_not_null()
        dup = (
            placed
            & ~b.select(
                pl.when(placed).then(pl.col("uscc")).otherwise(None).is_first_distinct()
            ).to_series()
        )
        for i in (~placed).arg_true().to_list():
            uscc, code = b.row(i)[0], b.row(i)[3]
            report.add(
                _problem(
                    "businesses",
                    i + 1,
                    "jurisdiction",
                    code,
                    "graph.unknown_jurisdiction",
                    f"business {uscc}: jurisdiction {code!r} is not in the tree "
                    f"(nor is any jurisdiction above it)",
                )
            )
        for i in dup.arg_true().to_list():
            uscc = b.row(i)[0]
            report.add(
                _problem(
                    "businesses",
                    i + 1,
                    "uscc",
                    uscc,
                    "graph.duplicate",
                    f"uscc {uscc} appears twice",
                )
            )
        if report:
            b = b.filter(placed & ~dup)
        c = ledger.cadres.select(GRAPH_COLUMNS["cadres"]).with_row_index("_row", offset=1)
        repeated = ~pl.col("cadre_id").is_first_distinct()
        for row, cid in c.filter(repeated).select("_row", "cadre_id").iter_rows():
            report.add(
                _problem(
                    "cadres",
                    row,
                    "cadre_id",
                    cid,
                    "graph.duplicate",
                    f"cadre_id {cid} appears twice",
                )
            )
        c = c.filter(~repeated)
        a = ledger.assignments.select(GRAPH_COLUMNS["assignments"]).with_row_index("_row", offset=1)
        a = a.join(
            c.select("cadre_id", _c=pl.int_range(pl.len(), dtype=pl.Int32)),
            on="cadre_id",
            how="left",
            maintain_order="left",
        ).join(
            b.select("uscc", _b=pl.int_range(pl.len(), dtype=pl.Int32)),
            on="uscc",
            how="left",
            maintain_order="left",
        )
        bad = a.filter(pl.col("_c").is_null() | pl.col("_b").is_null())
        for row, aid, cid, uscc, ci in bad.select(
            "_row", "assignment_id", "cadre_id", "uscc", "_c"
        ).iter_rows():
            if ci is None:
                report.add(
                    _problem(
                        "assignments",
                        row,
                        "cadre_id",
                        cid,
                        "graph.unknown_cadre",
                        f"assignment {aid}: cadre {cid!r} is not in the cadres table",
                    )
                )
            else:
                report.add(
                    _problem(
                        "assignments",
                        row,
                        "uscc",
                        uscc,
                        "graph.unknown_business",
                        f"assignment {aid}: business {uscc!r} is not in the businesses table",
                    )
                )
        if report:
            raise BulkValidationError("the ledger for the responsibility graph", report)
        a = a.drop_nulls(["_c", "_b"]).drop("_row")
        self.businesses_frame = b
        self._gov_names = list(collected.nodes)
        self.cadres_frame = c.drop("_row")
        self.assignments_frame = a
        self.n_businesses = b.height
        self.n_cadres = c.height
        self.uscc = _Strings(b.get_column("uscc"))
        self.business_name = _Strings(b.get_column("name"))
        # the strings a lazy trace reads are copied for speed; the others are read in place
        self.business_code = _Column(b.get_column("jurisdiction"))
        self.principal_name = _Column(b.get_column("principal"))
        self.director_name = _Column(b.get_column("director"))
        self.cadre_id = _Strings(c.get_column("cadre_id"))
        self.cadre_name = _Column(c.get_column("name"))
        self.cadre_code = _Column(c.get_column("jurisdiction"))
        # rows are never dropped (a bad row raises above): the ledger's own column serves
        self.assignment_id = _Column(ledger.assignments.get_column("assignment_id"))
        self.businesses = _KeyIndex(self.uscc)
        self.cadres = _KeyIndex(self.cadre_id)
        self._b_level = b.get_column("_level").to_numpy()
        self.business_level = _mv(self._b_level)
        level_map = pl.DataFrame(
            {"level": list(LEVEL_CODES), "_code": list(range(len(LEVEL_CODES)))},
            schema={"level": pl.Utf8, "_code": pl.UInt8},
        )
        self._c_level = (
            c.select("level")
            .join(level_map, on="level", how="left", maintain_order="left")
            .get_column("_code")
            .fill_null(NO_LEVEL)
            .to_numpy()
        )
        self.cadre_level = _mv(self._c_level)
        self.has_principal = b.get_column("principal").fill_null("").str.len_bytes().to_numpy() > 0
        self.has_director = b.get_column("director").fill_null("").str.len_bytes().to_numpy() > 0
        self.n_persons = int(self.has_principal.sum() + self.has_director.sum())
        self._np = np

    def edges(self, first: int) -> tuple[dict[str, Any], Any]:
        """The ledger's edge columns, sorted by target, and the count of edges into each of
        its nodes (businesses, cadres, principals, directors); node numbers start at ``first``."""
        np = self._np
        import polars as pl

        nb, nc = self.n_businesses, self.n_cadres
        b, a = self.businesses_frame, self.assignments_frame
        first_cadre = first + nb
        first_principal = first_cadre + nc
        first_director = first_principal + nb
        rows = np.arange(nb, dtype=np.int32)
        opened = _days(b.get_column("opened"), OPEN_START)
        closed = _days(b.get_column("closed"), OPEN_END)
        level = self._b_level
        hp, hd = np.flatnonzero(self.has_principal), np.flatnonzero(self.has_director)
        roles = {r: i for i, r in enumerate(BASE_ROLES)}
        # The cut of each assignment: its period within the cadre's and the business's.
        cut = (
            a.join(
                self.cadres_frame.select(
                    "active_from", "active_to", _c=pl.int_range(pl.len(), dtype=pl.Int32)
                ),
                on="_c",
                how="left",
                maintain_order="left",
            )
            .join(
                b.select("opened", "closed", _b=pl.int_range(pl.len(), dtype=pl.Int32)),
                on="_b",
                how="left",
                maintain_order="left",
            )
            .with_columns(
                _arow=pl.int_range(pl.len(), dtype=pl.Int32),
                _from=pl.max_horizontal("valid_from", "active_from", "opened"),
                _to=pl.min_horizontal("valid_to", "active_to", "closed"),
            )
        )
        # the edges from one cadre to one business are adjacent, in the order of the first
        cut = cut.with_columns(_first=pl.col("_arow").min().over("_c", "_b")).sort(
            "_first", "_arow", maintain_order=True
        )
        pa_from = _days(cut.get_column("_from"), OPEN_START)
        pa_to = _days(cut.get_column("_to"), OPEN_END)
        pa_c = cut.get_column("_c").to_numpy()
        pa_b = cut.get_column("_b").to_numpy()
        pa_level = self._c_level[pa_c]
        home = b.get_column("_home").to_numpy()
        home_level = b.get_column("_home_level").to_numpy()
        n_t, n_p, n_d, n_a = nb, len(hp), len(hd), cut.height

        def filled(value: int, n: int, dtype: Any) -> Any:
            return np.full(n, value, dtype=dtype)

        dst = np.concatenate([rows, hp, hd, pa_b]).astype(np.int32)
        order = np.argsort(dst, kind="stable")
        columns = {
            "src": np.concatenate(
                [
                    home.astype(np.int32),
                    (first_principal + hp).astype(np.int32),
                    (first_director + hd).astype(np.int32),
                    (first_cadre + pa_c).astype(np.int32),
                ]
            ),
            "kind": np.concatenate(
                [
                    filled(_KIND_CODE[ResponsibilityKind.TERRITORIAL.value], n_t, np.uint8),
                    filled(_KIND_CODE[ResponsibilityKind.PRIMARY.value], n_p + n_d, np.uint8),
                    filled(_KIND_CODE[ResponsibilityKind.PAIRING.value], n_a, np.uint8),
                ]
            ),
            "role": np.concatenate(
                [
                    filled(roles[_JUR_ROLE], n_t, np.uint8),
                    filled(roles[BusinessPost.PRINCIPAL.value], n_p, np.uint8),
                    filled(roles[BusinessPost.FOOD_SAFETY_DIRECTOR.value], n_d, np.uint8),
                    filled(roles[_CADRE_ROLE], n_a, np.uint8),
                ]
            ),
            "level": np.concatenate([home_level, level[hp], level[hd], pa_level]).astype(np.uint8),
            "valid_from": np.concatenate([opened, opened[hp], opened[hd], pa_from]),
            "valid_to": np.concatenate([closed, closed[hp], closed[hd], pa_to]),
            "assignment": np.concatenate(
                [
                    filled(-1, n_t + n_p + n_d, np.int32),
                    cut.get_column("_arow").to_numpy().astype(np.int32),
                ]
            ),
        }
        del first_director
        columns = {k: v[order] for k, v in columns.items()}
        counts = np.zeros(3 * nb + nc, dtype=np.int32)
        counts[:nb] = np.bincount(dst, minlength=nb)
        # the joined assignments are not needed once their edges are made
        self.assignments_frame = self.assignments_frame.clear()
        return columns, counts

    # -- attributes -----------------------------------------------------------------------

    def business_attrs(self, row: int) -> dict[str, Any]:
        (uscc, name, kind, code, tier, risk, _, _, opened, closed, home, level, _) = (
            self.businesses_frame.row(row)
        )
        anchor = self._gov_names[home].removeprefix("jurisdiction:")
        d: dict[str, Any] = {
            "type": "business",
            "name": name,
            "level": LEVEL_CODES[level],
            "jurisdiction": code,
            "uscc": uscc,
            "business_kind": kind,
        }
        if tier is not None:
            d["tier"] = tier
        if risk is not None:
            d["risk_grade"] = risk
        if anchor != code:
            d["anchor"] = anchor
        if opened is not None:
            d["valid_from"] = opened
        if closed is not None:
            d["valid_to"] = closed
        return d

    def person_attrs(self, row: int, post: str) -> dict[str, Any]:
        level = self.business_level[row]
        name = self.principal_name[row] if post == "principal" else self.director_name[row]
        return {
            "type": "person",
            "name": name,
            "level": LEVEL_CODES[level],
            "jurisdiction": self.business_code[row],
            "post": post,
            "uscc": self.uscc[row],
        }

    def cadre_attrs(self, row: int) -> dict[str, Any]:
        _, name, level, code, unit, post, start, end = self.cadres_frame.row(row)
        return _plain(
            type="cadre",
            name=name,
            level=level,
            jurisdiction=code,
            unit=unit,
            post=post,
            valid_from=start,
            valid_to=end,
        )

    def businesses_in(self, codes: set[Any]) -> Any:
        import numpy as np

        index = {n: i for i, n in enumerate(self._gov_names)}
        homes = [
            index[jurisdiction_node(str(c))] for c in codes if jurisdiction_node(str(c)) in index
        ]
        home = self.businesses_frame.get_column("_home").to_numpy()
        return np.isin(home, np.array(homes, dtype=home.dtype))

    def cadres_in(self, codes: set[Any]) -> Any:
        import polars as pl

        return (
            self.cadres_frame.select(
                pl.col("jurisdiction")
                .is_in(pl.Series(sorted(str(c) for c in codes), dtype=pl.Utf8))
                .fill_null(False)
            )
            .to_series()
            .to_numpy()
            .copy()
        )

    def business_active(self, day: int) -> Any:
        b = self.businesses_frame
        return (_days(b.get_column("opened"), OPEN_START) <= day) & (
            day < _days(b.get_column("closed"), OPEN_END)
        )

    def cadre_active(self, day: int) -> Any:
        c = self.cadres_frame
        return (_days(c.get_column("active_from"), OPEN_START) <= day) & (
            day < _days(c.get_column("active_to"), OPEN_END)
        )


def _days(dates: pl.Series, missing: int) -> Any:
    """Day numbers (int32) of a date column, ``missing`` for nulls."""
    import polars as pl

    return dates.cast(pl.Date).to_physical().fill_null(missing).cast(pl.Int32).to_numpy()


def _level_code(tree: JurisdictionTree, code: str, levels: Mapping[str, str]) -> int:
    """The level of a jurisdiction code: the tree's, else what its digits say."""
    level = levels.get(code)
    if level is None:
        try:
            level = _registry_level(code).value
        except Exception:  # not a plain code: the tree knows it
            level = tree[code].level.value
    return _LEVEL_CODE[level]


def build_graph(
    governance: Governance | JurisdictionTree,
    ledger: LedgerLike | None = None,
    *,
    name: str = "",
) -> nx.MultiDiGraph[str]:
    """The networkx responsibility graph: ``ResponsibilityGraph.build(...).to_networkx()``.

    Kept for analyses and exports that want networkx; tracing works on the
    :class:`ResponsibilityGraph` itself, which takes a small fraction of the memory. The
    arguments and errors are those of :meth:`ResponsibilityGraph.build`.

    Returns:
        A :class:`networkx.MultiDiGraph` with the node and edge attributes of this module's
        documentation; ``graph.graph`` holds ``schema``, ``direction`` and ``name``.

    Example:
        >>> from foodsafety.models import JurisdictionTree
        >>> g = build_graph(JurisdictionTree.from_registry("410522", depth="county"))
        >>> sorted(g.predecessors("jurisdiction:410522"))[:2]
        ['body:410522:food_safety_committee', 'body:410522:food_safety_office']
    """
    return ResponsibilityGraph.build(governance, ledger, name=name).to_networkx()


def level_of_node(graph: nx.MultiDiGraph[str], node: str) -> Level | None:
    """The :class:`~foodsafety.vocab.Level` of a node, or ``None`` when it has none."""
    code = graph.nodes[node].get("level")
    return Level.parse(code) if code else None
