"""Tracing responsibility (追责溯源): who answers for a business, a jurisdiction or a finding.

Seed 004 states the purpose of the pairing system: when something goes wrong, *find the
person, establish the facts, assign the responsibility* (找得到人、查得清事、落得了责, docs/domain.md
§4). On the responsibility graph of :mod:`foodsafety.engines.graph` (edges point from the
responsible party to what it answers for) this module answers three questions:

- :func:`trace`: the ordered responsible parties of a subject on a date — for a business, its
  principal and food safety director (主体责任), its pairing cadre (包保), the township, county
  and city party secretaries and government heads (党政同责) with their bodies (属地管理) and
  deputies in charge (分管), the regulators (监管) and the food safety committees and offices
  (协调) — each with its kind, level, role and the path of edges that makes it responsible;
- :func:`accountability`: the chain an accountability review of an incident follows, each link
  with the rule that makes it responsible, escalated by the incident's severity;
- :func:`gaps`: subjects that lack a responsible party of a required kind (a business without a
  cadre, a township without a food safety office, a committee without a chair).

**Fast path.** Every business in a township shares everything above that township. A
:class:`Tracer` therefore memoises the chain above each jurisdiction per date (and per kind
filter), each chain built from its parent jurisdiction's chain plus its own bodies and
officials (checked to be exactly what a search would find; otherwise it searches). A business
trace reads the business's own few edges from the columnar graph's arrays (its CSR range of
predecessor edges, with their validity days) and attaches the memoised chain; paths are made
only when ``.links`` is read. The graph is read-only, so the memo stays valid for its lifetime.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any, Final, NamedTuple

import attrs

from foodsafety.engines.graph import (
    BASE_ROLES,
    KIND_CODES,
    LEVEL_CODES,
    NO_LEVEL,
    ResponsibilityGraph,
    day_number,
)
from foodsafety.errors import FoodSafetyError
from foodsafety.vocab import (
    BodyKind,
    BusinessPost,
    Level,
    OfficialPost,
    ResponsibilityKind,
    Severity,
)

__all__ = [
    "DEFAULT_REQUIREMENTS",
    "ESCALATION",
    "RULES",
    "STRICT_REQUIREMENTS",
    "AccountabilityChain",
    "AccountabilityLink",
    "Gap",
    "Incident",
    "Requirement",
    "ResponsibleParty",
    "Rule",
    "Step",
    "Trace",
    "TraceLink",
    "Tracer",
    "accountability",
    "clear_cache",
    "gaps",
    "role_label",
    "rule_for",
    "trace",
]

_KINDS: Final[dict[str, ResponsibilityKind]] = {k.value: k for k in ResponsibilityKind}
_LEVELS: Final[dict[str, Level]] = {lv.value: lv for lv in Level}

# The order a trace lists parties in: the business's own people, its cadre, the leaders of
# each level nearest first, then the regulators, then the committees and offices.
_GROUP: Final[dict[str, int]] = {
    "primary": 0,
    "pairing": 1,
    "territorial": 2,
    "party_government": 2,
    "portfolio": 2,
    "regulatory": 3,
    "coordination": 4,
}
_ROLE_ORDER: Final[tuple[str, ...]] = (
    BusinessPost.PRINCIPAL.value,
    BusinessPost.FOOD_SAFETY_DIRECTOR.value,
    "cadre",
    BodyKind.PARTY_COMMITTEE.value,
    OfficialPost.PARTY_SECRETARY.value,
    BodyKind.GOVERNMENT.value,
    OfficialPost.GOVERNMENT_HEAD.value,
    OfficialPost.DEPUTY_IN_CHARGE.value,
    OfficialPost.OTHER_LEADER.value,
    BodyKind.VILLAGE_COMMITTEE.value,
    OfficialPost.VILLAGE_HEAD.value,
    BodyKind.MARKET_REGULATION_STATION.value,
    OfficialPost.STATION_HEAD.value,
    BodyKind.MARKET_REGULATION_BUREAU.value,
    OfficialPost.BUREAU_DIRECTOR.value,
    BodyKind.FOOD_SAFETY_COMMITTEE.value,
    OfficialPost.COMMITTEE_CHAIR.value,
    OfficialPost.COMMITTEE_DEPUTY_CHAIR.value,
    BodyKind.FOOD_SAFETY_OFFICE.value,
    OfficialPost.OFFICE_DIRECTOR.value,
    BodyKind.MEMBER_UNIT.value,
    OfficialPost.UNIT_HEAD.value,
    OfficialPost.LIAISON_OFFICER.value,
)
_ROLE_RANK: Final[dict[str, int]] = {r: i for i, r in enumerate(_ROLE_ORDER)}
_JUR_ROLE: Final = "jurisdiction"
_MEMBER_ROLE: Final = BodyKind.MEMBER_UNIT.value

_EXTRA_ROLES: Final[dict[str, tuple[str, str]]] = {
    "cadre": ("包保干部", "pairing cadre"),
    _JUR_ROLE: ("辖区", "jurisdiction"),
}


def role_label(role: str, lang: str = "zh") -> str:
    """The label of a role code (a body kind, an official or business post, ``cadre``)."""
    extra = _EXTRA_ROLES.get(role)
    if extra is not None:
        return extra[1] if lang.startswith("en") else extra[0]
    for term in (BodyKind, OfficialPost, BusinessPost):
        if role in term._value2member_map_:
            return term.parse(role).label(lang)
    return role


def _level_label(level: Level | None, lang: str) -> str:
    if level is None:
        return ""
    return f"{level.en} level" if lang.startswith("en") else f"{level.zh}级"


# -- rules -------------------------------------------------------------------------------

_FSL: Final = "《中华人民共和国食品安全法》"
_CADRE_RULES: Final = "《地方党政领导干部食品安全责任制规定》（中办、国办，2019）"
_ENTERPRISE_RULES: Final = "《企业落实食品安全主体责任监督管理规定》（市场监管总局令第60号，2022）"
_PAIRING_RULES: Final = (
    "《关于建立健全分层分级精准防控末端发力终端见效工作机制推动食品安全属地管理责任落地落实的意见》"
    "（2022）；安阳市实践见 seed 004"
)


@attrs.frozen(slots=True)
class Rule:
    """Why a party answers: a rule of the responsibility system, with its source.

    Attributes:
        code: a stable ASCII code (``"primary.principal"``).
        kind: the kind of responsibility the rule creates.
        zh, en: what the rule says, in Chinese and English.
        reference: the documents it comes from.
    """

    code: str
    kind: ResponsibilityKind
    zh: str
    en: str
    reference: str

    def text(self, lang: str = "zh") -> str:
        """The rule in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.en if lang.startswith("en") else self.zh

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "code": self.code,
            "kind": self.kind.value,
            "zh": self.zh,
            "en": self.en,
            "reference": self.reference,
        }


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


#: The rules, by code. A link's rule is chosen by :func:`rule_for` from its kind and role.
RULES: Final[Mapping[str, Rule]] = _rules(
    Rule(
        "primary.principal",
        ResponsibilityKind.PRIMARY,
        "食品生产经营者对其生产经营食品的安全负责；主要负责人对本企业食品安全工作全面负责",
        "a food business is responsible for the safety of its food; its principal is "
        "responsible for all of its food-safety work",
        f"{_FSL}第四条；{_ENTERPRISE_RULES}",
    ),
    Rule(
        "primary.director",
        ResponsibilityKind.PRIMARY,
        "食品安全总监协助主要负责人，组织落实日管控、周排查、月调度",
        "the food safety director assists the principal and runs the daily checks, weekly "
        "reviews and monthly dispatch meetings",
        f"{_ENTERPRISE_RULES}；seed 004",
    ),
    Rule(
        "pairing.cadre",
        ResponsibilityKind.PAIRING,
        "包保干部按分层分级、层级对应对包保主体督导，找得到人、查得清事、落得了责",
        "the pairing cadre of the matching level supervises the paired business "
        "(layered and graded, levels corresponding)",
        _PAIRING_RULES,
    ),
    Rule(
        "territorial.body",
        ResponsibilityKind.TERRITORIAL,
        "地方党委和政府对本行政区域食品安全工作负总责（属地管理）",
        "the local party committee and government are responsible overall for food safety "
        "in their territory (territorial management)",
        f"{_FSL}第六条；{_CADRE_RULES}",
    ),
    Rule(
        "territorial.jurisdiction",
        ResponsibilityKind.TERRITORIAL,
        "上级辖区对下级辖区及辖区内食品生产经营主体承担属地管理责任",
        "a jurisdiction answers for its sub-jurisdictions and for the businesses in it",
        f"{_FSL}第六条",
    ),
    Rule(
        "party_government.first",
        ResponsibilityKind.PARTY_GOVERNMENT,
        "党委和政府主要负责人是本地区食品安全工作第一责任人（党政同责）",
        "the party secretary and the head of government are the first responsible persons "
        "for food safety in their area (shared party-government responsibility)",
        _CADRE_RULES,
    ),
    Rule(
        "portfolio.deputy",
        ResponsibilityKind.PORTFOLIO,
        "分管食品安全工作的负责人对本地区食品安全工作负直接领导责任",
        "the deputy in charge of food safety bears direct leadership responsibility",
        _CADRE_RULES,
    ),
    Rule(
        "portfolio.other",
        ResponsibilityKind.PORTFOLIO,
        "其他班子成员对分管领域的食品安全工作负领导责任（一岗双责）",
        "every other leader answers for food safety within their own portfolio "
        "(one post, two duties)",
        _CADRE_RULES,
    ),
    Rule(
        "regulatory.supervision",
        ResponsibilityKind.REGULATORY,
        "市场监管部门依法对食品生产经营活动实施监督管理，失职渎职的依法追责",
        "the market regulator supervises food businesses under the law and is held to "
        "account for dereliction of duty",
        f"{_FSL}第六条、第一百四十四条",
    ),
    Rule(
        "coordination.committee",
        ResponsibilityKind.COORDINATION,
        "食品安全委员会及其办公室统筹协调、督促指导本行政区域食品安全工作",
        "the food safety committee and its office coordinate and supervise food-safety work "
        "in the territory",
        f"{_CADRE_RULES}；seed 001、004",
    ),
    Rule(
        "territorial.village",
        ResponsibilityKind.TERRITORIAL,
        "村（居）民委员会协助做好食品安全工作，村级包保干部承担第四级包保",
        "the village committee assists in food-safety work; village cadres are the fourth "
        "rung of pairing",
        f"{_PAIRING_RULES}",
    ),
)


def rule_for(kind: ResponsibilityKind | str, role: str) -> Rule:
    """The rule that makes a party of this kind and role responsible."""
    k = kind.value if isinstance(kind, ResponsibilityKind) else kind
    if k == "primary":
        return RULES["primary.principal" if role == "principal" else "primary.director"]
    if k == "pairing":
        return RULES["pairing.cadre"]
    if k == "party_government":
        return RULES["party_government.first"]
    if k == "portfolio":
        return RULES["portfolio.deputy" if role == "deputy_in_charge" else "portfolio.other"]
    if k == "regulatory":
        return RULES["regulatory.supervision"]
    if k == "coordination":
        return RULES["coordination.committee"]
    if role in ("village_committee", "village_head"):
        return RULES["territorial.village"]
    if role == _JUR_ROLE:
        return RULES["territorial.jurisdiction"]
    return RULES["territorial.body"]


# -- values ------------------------------------------------------------------------------


class Step(NamedTuple):
    """One edge of a path: ``source`` answers for ``target`` with this kind, level and role.

    A named tuple rather than an attrs class: a trace creates one per edge of a business, and
    a tuple is created ten times faster than a frozen attrs instance; it is just as immutable.
    """

    source: str
    target: str
    key: str
    kind: str
    level: str | None
    role: str
    source_name: str = ""
    target_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "source": self.source,
            "target": self.target,
            "key": self.key,
            "kind": self.kind,
            "level": self.level,
            "role": self.role,
        }


@attrs.frozen(slots=True)
class TraceLink:
    """One responsible party of a trace, with the path that makes it responsible.

    Attributes:
        party: the party's node id (``official:410500:party_secretary``, ``cadre:C1``...).
        name: its name.
        party_type: its node type (``person``, ``cadre``, ``body``, ``official``...).
        kind: the kind of responsibility of the party's own edge.
        level: the party's level.
        role: what the party is (a body kind, an official or business post, ``cadre``).
        path: the edges from the party to the subject, the party's own edge first.
    """

    party: str
    name: str
    party_type: str
    kind: ResponsibilityKind
    level: Level | None
    role: str
    path: tuple[Step, ...]

    @property
    def rule(self) -> Rule:
        """The rule that makes this party responsible."""
        return rule_for(self.kind, self.role)

    def via(self, *steps: Step) -> TraceLink:
        """The same link with ``steps`` appended to its path (towards a lower subject)."""
        return TraceLink(
            self.party,
            self.name,
            self.party_type,
            self.kind,
            self.level,
            self.role,
            self.path + steps,
        )

    def explain(self, lang: str = "zh") -> str:
        """One readable sentence: who, in what role and level, which responsibility, via what."""
        en = lang.startswith("en")
        role = role_label(self.role, lang)
        level = _level_label(self.level, lang)
        names = [s.source_name for s in self.path]
        if self.path:
            names.append(self.path[-1].target_name)
        route = " → ".join(names)
        if en:
            head = f"{self.name} ({role}{', ' + level if level else ''})"
            return f"{head}: {self.kind.en}" + (f", via {route}" if len(names) > 2 else "")
        head = f"{self.name}（{role}{'，' + level if level else ''}）"
        return f"{head}：{self.kind.zh}" + (f"，经 {route}" if len(names) > 2 else "")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (codes for enums, the path as a list of edge dicts)."""
        return {
            "party": self.party,
            "name": self.name,
            "party_type": self.party_type,
            "kind": self.kind.value,
            "level": None if self.level is None else self.level.value,
            "role": self.role,
            "rule": self.rule.code,
            "path": [s.to_dict() for s in self.path],
        }


#: A responsible party is what a trace link names; the two names are one type.
ResponsibleParty = TraceLink


def _sort_key(link: TraceLink) -> tuple[int, int, int, int, str]:
    depth = -1 if link.level is None else link.level.depth
    return (
        _GROUP.get(link.kind.value, 9),
        -depth,
        _ROLE_RANK.get(link.role, 99),
        len(link.path),
        link.party,
    )


@attrs.define(slots=True)
class Trace:
    """The responsible parties of one subject on one date, in the order of responsibility.

    A trace is cheap to make and complete: ``own_edges`` are the subject's own edges valid on
    the day (edge numbers of the :class:`~foodsafety.engines.graph.ResponsibilityGraph`),
    ``own_links`` links made directly, ``upper`` the memoised chain above the jurisdiction
    the subject lies in (its links are :attr:`above`), reached through the edge ``via_edge``.
    :attr:`own`, :attr:`via` and :attr:`links` turn them into :class:`TraceLink` and
    :class:`Step` values with full paths when asked. Treat a trace as read-only: it is not
    frozen only because a frozen attrs instance costs four times as much to create, and a
    trace is made on every query.
    """

    subject: str
    name: str
    as_of: dt.date
    own_links: tuple[TraceLink, ...] = ()
    via_edge: int | None = None
    upper: _Chain | None = attrs.field(default=None, repr=False)
    own_edges: tuple[int, ...] = ()
    _graph: ResponsibilityGraph | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def above(self) -> tuple[TraceLink, ...]:
        """The memoised links above the jurisdiction the subject lies in (paths end there)."""
        return () if self.upper is None else self.upper.links

    @property
    def via(self) -> Step | None:
        """The edge from the jurisdiction the subject lies in to the subject, if any."""
        g = self._graph
        if self.via_edge is None or g is None:
            return None
        e = self.via_edge
        u = g.mv_src[e]
        level = g.mv_level[e]
        return Step(
            g.node_name(u),
            self.subject,
            g.edge_key(e),
            KIND_CODES[g.mv_kind[e]],
            None if level == NO_LEVEL else LEVEL_CODES[level],
            g.roles[g.mv_role[e]],
            g.display_name(u),
            self.name,
        )

    @property
    def own(self) -> tuple[TraceLink, ...]:
        """The links on the subject's own edges (principal, director, cadre...), ordered."""
        g = self._graph
        if not self.own_edges or g is None:
            return self.own_links
        principal: list[TraceLink] = []
        cadres: list[TraceLink] = []
        other: list[TraceLink] = list(self.own_links)
        subject, name = self.subject, self.name
        roles, kinds, levels, src = g.roles, g.mv_kind, g.mv_level, g.mv_src
        for e in self.own_edges:
            u = src[e]
            level_code = levels[e]
            kind = KIND_CODES[kinds[e]]
            level = None if level_code == NO_LEVEL else LEVEL_CODES[level_code]
            role = roles[g.mv_role[e]]
            party = g.node_name(u)
            pname = g.display_name(u)
            link = TraceLink(
                party,
                pname,
                g.node_type(u),
                _KINDS[kind],
                None if level is None else _LEVELS[level],
                role,
                (Step(party, subject, g.edge_key(e), kind, level, role, pname, name),),
            )
            if role == "principal" or role == "food_safety_director":
                principal.append(link)
            elif role == "cadre":
                cadres.append(link)
            else:
                other.append(link)
        # The usual case needs no sort: principal before director, then the cadre(s).
        if len(principal) == 2 and principal[0].role != "principal":
            principal.reverse()
        if len(cadres) > 1:
            cadres.sort(key=_sort_key)
        if other:
            return tuple(sorted(principal + cadres + other, key=_sort_key))
        return (*principal, *cadres)

    @property
    def links(self) -> tuple[TraceLink, ...]:
        """Every link, ordered: primary, pairing, leaders nearest level first, regulators, committees."""
        own = self.own
        via = self.via
        if via is None:
            return own + self.above
        rest = tuple(link.via(via) for link in self.above)
        if all(_GROUP.get(link.kind.value, 9) <= 1 for link in own):
            return own + rest
        return tuple(sorted(own + rest, key=_sort_key))

    def __iter__(self) -> Iterator[TraceLink]:
        return iter(self.links)

    def __len__(self) -> int:
        upper = 0 if self.upper is None else self.upper.count
        return len(self.own_links) + len(self.own_edges) + upper

    def parties(self) -> list[str]:
        """The party node ids, in order."""
        return [link.party for link in self.links]

    def of_kind(self, *kinds: ResponsibilityKind | str) -> list[TraceLink]:
        """The links of the given kinds."""
        wanted = {ResponsibilityKind.parse(k) for k in kinds}
        return [link for link in self.links if link.kind in wanted]

    def explain(self, lang: str = "zh") -> str:
        """A numbered, readable list of who answers and why."""
        en = lang.startswith("en")
        head = (
            f"Who answers for {self.name} ({self.subject}) on {self.as_of.isoformat()}:"
            if en
            else f"{self.as_of.isoformat()} 对 {self.name}（{self.subject}）负有责任的："
        )
        lines = [head]
        lines.extend(f"{i}. {link.explain(lang)}" for i, link in enumerate(self.links, start=1))
        if len(lines) == 1:
            lines.append("(nobody)" if en else "（无）")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "subject": self.subject,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "links": [link.to_dict() for link in self.links],
        }


# -- the tracer --------------------------------------------------------------------------


def _kinds_key(kinds: Iterable[ResponsibilityKind | str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    return frozenset(ResponsibilityKind.parse(k).value for k in kinds)


def _kind_codes(kinds: frozenset[str] | None) -> frozenset[int] | None:
    return None if kinds is None else frozenset(KIND_CODES.index(k) for k in kinds)


def _step(g: ResponsibilityGraph, u: int, v: int, e: int) -> Step:
    level = g.mv_level[e]
    return Step(
        g.node_name(u),
        g.node_name(v),
        g.edge_key(e),
        KIND_CODES[g.mv_kind[e]],
        None if level == NO_LEVEL else LEVEL_CODES[level],
        g.roles[g.mv_role[e]],
        g.display_name(u),
        g.display_name(v),
    )


def _link(g: ResponsibilityGraph, party: int, e: int, path: tuple[Step, ...]) -> TraceLink:
    level = g.mv_level[e]
    return TraceLink(
        g.node_name(party),
        g.display_name(party),
        g.node_type(party),
        _KIND_ENUMS[g.mv_kind[e]],
        None if level == NO_LEVEL else _LEVEL_ENUMS[level],
        g.roles[g.mv_role[e]],
        path,
    )


# node reached -> (the node below it, the edge), None for the start
_Found = dict[int, tuple[int, int] | None]


def _search(
    g: ResponsibilityGraph, start: int, day: int, members: bool, skip: int | None = None
) -> _Found:
    """Breadth-first over predecessors from ``start``: each node reached, in the order reached,
    with the node below and the edge it was reached by (``None`` for ``start``).

    ``skip`` names a predecessor of ``start`` whose edges into ``start`` are not followed (the
    parent jurisdiction, whose chain is memoised). For each party the first edge valid on
    the day is followed, as networkx lists them.
    """
    found: _Found = {start: None}
    queue = deque([start])
    indptr, src, vfrom, vto, role = g.mv_indptr, g.mv_src, g.mv_from, g.mv_to, g.mv_role
    while queue:
        v = queue.popleft()
        for e in range(indptr[v], indptr[v + 1]):
            u = src[e]
            if u in found or (u == skip and v == start):
                continue
            if not (vfrom[e] <= day < vto[e]):
                continue
            if role[e] == _MEMBER_CODE and not members:
                continue
            found[u] = (v, e)
            queue.append(u)
    return found


def _counted(g: ResponsibilityGraph, found: _Found, kinds: frozenset[int] | None) -> int:
    """How many links :func:`_links_of` makes of ``found``."""
    role, kind = g.mv_role, g.mv_kind
    return sum(
        1
        for x in found.values()
        if x is not None and role[x[1]] != _JUR_CODE and (kinds is None or kind[x[1]] in kinds)
    )


def _links_of(
    g: ResponsibilityGraph, found: _Found, kinds: frozenset[int] | None
) -> list[TraceLink]:
    """The sorted links of a search: every party reached, with its path down to the start."""
    paths: dict[int, tuple[Step, ...]] = {}
    out: list[TraceLink] = []
    role, kind = g.mv_role, g.mv_kind
    for u, x in found.items():
        if x is None:
            paths[u] = ()
            continue
        v, e = x
        # A node is reached after the node below it, so that node's path is known.
        path = paths[u] = (_step(g, u, v, e), *paths[v])
        if role[e] != _JUR_CODE and (kinds is None or kind[e] in kinds):
            out.append(_link(g, u, e, path))
    out.sort(key=_sort_key)
    return out


class _Chain:
    """The memoised links above one node on one day, for one kind filter.

    A township's chain is its own bodies and officials (``found``, a search that stops at the
    county) plus its county's chain seen through the edge county → township (``step``): the
    county's chain is shared, not searched again. Links and paths are made only when
    :attr:`links` is first read. ``reach`` is every node the chain passes through, used to
    check that a composed chain is exactly what a breadth-first search would find (no node
    reachable both ways).
    """

    __slots__ = ("_links", "count", "found", "graph", "kinds", "parent", "reach", "step")

    def __init__(
        self,
        graph: ResponsibilityGraph,
        found: _Found,
        kinds: frozenset[int] | None,
        step: Step | None,
        parent: _Chain | None,
        reach: frozenset[int],
    ) -> None:
        self.graph = graph
        self.found = found
        self.kinds = kinds
        self.step = step
        self.parent = parent
        self.reach = reach
        self.count: int = _counted(graph, found, kinds) + (0 if parent is None else parent.count)
        self._links: tuple[TraceLink, ...] | None = None

    @property
    def links(self) -> tuple[TraceLink, ...]:
        """The ordered links, paths ending at this chain's node."""
        done = self._links
        if done is None:
            local = _links_of(self.graph, self.found, self.kinds)
            if self.parent is not None and self.step is not None:
                step = self.step
                local.extend(link.via(step) for link in self.parent.links)
                local.sort(key=_sort_key)
            done = self._links = tuple(local)
        return done


def _unknown(subject: object) -> FoodSafetyError:
    return FoodSafetyError(
        f"subject must be a node of the graph, a USCC, a division code or a cadre id "
        f"(got {subject!r})",
        code="trace.unknown_subject",
        message_zh=f"图中没有该对象：{subject!r}",
        record="trace",
        field="subject",
        value=subject if isinstance(subject, str) else repr(subject),
    )


class Tracer:
    """Traces on one columnar graph, memoising the chain above each jurisdiction per date.

    The chain above a jurisdiction is built from the chain above its parent jurisdiction
    (memoised too) plus its own bodies and officials, so filling the memo for every township
    of a province searches each body and official once. A business trace reads the
    business's few edges from the graph's arrays and attaches the memoised chain. Use
    :func:`trace` for the shared tracer of a graph; make a ``Tracer`` yourself to control
    the cache's lifetime.
    """

    __slots__ = ("_cache", "graph")

    def __init__(self, graph: ResponsibilityGraph) -> None:
        """Make a tracer for ``graph`` (a :class:`~foodsafety.engines.graph.ResponsibilityGraph`)."""
        if not isinstance(graph, ResponsibilityGraph):
            raise FoodSafetyError(
                "tracing works on a ResponsibilityGraph (ResponsibilityGraph.build, or "
                f"ResponsibilityGraph.from_networkx for a networkx graph); got {type(graph).__name__}",
                code="trace.graph",
                record="trace",
                field="graph",
                value=type(graph).__name__,
            )
        self.graph = graph
        self._cache: dict[tuple[int, dt.date, frozenset[int] | None, bool], _Chain] = {}

    def clear(self) -> None:
        """Forget the memoised chains."""
        self._cache.clear()

    def _node(self, subject: object) -> int:
        g = self.graph
        if isinstance(subject, str):
            node = g.node_id(subject)
            if node >= 0:
                return node
            for prefix in ("business:", "jurisdiction:", "cadre:", "body:", "official:"):
                node = g.node_id(prefix + subject)
                if node >= 0:
                    return node
            raise _unknown(subject)
        # An audit finding names its subjects (business first, then cadre) in subject_ids.
        candidates: list[object] = [
            getattr(subject, "uscc", None),
            getattr(subject, "business", None),
        ]
        candidates.extend(getattr(subject, "subject_ids", None) or ())
        candidates.extend(
            getattr(subject, attr, None) for attr in ("cadre_id", "subject", "key", "jurisdiction")
        )
        for value in candidates:
            if isinstance(value, str) and value:
                try:
                    return self._node(value)
                except FoodSafetyError:
                    continue
        raise FoodSafetyError(
            f"subject must name a business, cadre or jurisdiction of the graph (got {subject!r})",
            code="trace.unknown_subject",
            record="trace",
            field="subject",
            value=repr(subject),
        )

    def resolve(self, subject: object) -> str:
        """The node id of a subject: a node id, a USCC, a division code, a cadre id, or a
        finding (an :class:`~foodsafety.engines.audit.AuditFinding`, whose ``subject_ids``
        name the business first, or any object with ``uscc``, ``cadre_id`` or ``jurisdiction``).
        """
        return self.graph.node_name(self._node(subject))

    def _entry(
        self,
        node: int,
        day: dt.date,
        kinds: frozenset[int] | None,
        members: bool,
        busy: frozenset[int] = frozenset(),
    ) -> _Chain:
        """The memoised chain above ``node``, composed from its parent jurisdiction's chain."""
        key = (node, day, kinds, members)
        found = self._cache.get(key)
        if found is not None:
            return found
        g = self.graph
        dn = day_number(day)
        parent: int | None = None
        step: Step | None = None
        src, role = g.mv_src, g.mv_role
        last = -1
        for e in g.in_edges(node):
            u = src[e]
            # The edge a breadth-first search would follow: the first valid one of a party.
            if u == last or not (g.mv_from[e] <= dn < g.mv_to[e]):
                continue
            r = role[e]
            if r == _MEMBER_CODE and not members:
                continue
            last = u
            if r == _JUR_CODE and u != node and u not in busy:
                parent, step = u, _step(g, u, node, e)
                break
        if parent is not None:
            up = self._entry(parent, day, kinds, members, busy | {node})
            local = _search(g, node, dn, members, skip=parent)
            # Composing is exact when nothing above the parent is also reached another way
            # (then the search would reach it by the same path, shifted by one edge).
            if up.reach.isdisjoint(local):
                found = _Chain(g, local, kinds, step, up, up.reach.union(local))
        if found is None:
            local = _search(g, node, dn, members)
            found = _Chain(g, local, kinds, None, None, frozenset(local))
        self._cache[key] = found
        return found

    def chain(
        self,
        node: str | int,
        as_of: dt.date,
        kinds: Iterable[ResponsibilityKind | str] | None = None,
        members: bool = False,
    ) -> tuple[TraceLink, ...]:
        """The memoised, ordered links above ``node`` (normally a jurisdiction) on ``as_of``."""
        n = node if isinstance(node, int) else self._node(node)
        return self._entry(n, as_of, _kind_codes(_kinds_key(kinds)), members).links

    def trace(
        self,
        subject: object,
        *,
        as_of: dt.date | None = None,
        kinds: Iterable[ResponsibilityKind | str] | None = None,
        members: bool = False,
    ) -> Trace:
        """See :func:`trace`."""
        day = dt.date.today() if as_of is None else as_of
        g = self.graph
        node = -1
        ledger = g._ledger
        if type(subject) is str:
            if ledger is not None and subject.startswith("business:"):
                row = ledger.businesses.get(subject[9:])
                if row >= 0:
                    node = g.first_business + row
            else:
                node = g.node_id(subject)
        if node < 0:
            node = self._node(subject)
        kk = None if kinds is None else _kind_codes(_kinds_key(kinds))
        if ledger is not None and g.first_business <= node < g.first_cadre:
            # The fast path: the business's own edges, then the memoised chain of its
            # township. One link per party: its first edge valid on the day (as the search).
            dn = day.toordinal() - _EPOCH
            vfrom, vto, src, role, kind = g.mv_from, g.mv_to, g.mv_src, g.mv_role, g.mv_kind
            own: list[int] = []
            via = -1
            last = -1
            for e in range(g.mv_indptr[node], g.mv_indptr[node + 1]):
                if vfrom[e] > dn or vto[e] <= dn:
                    continue
                u = src[e]
                if u == last:
                    continue
                last = u
                if role[e] == _JUR_CODE:
                    if via < 0:
                        via = e
                elif kk is None or kind[e] in kk:
                    own.append(e)
            name = ledger.business_name[node - g.first_business]
            subject_name = (
                subject
                if type(subject) is str and subject.startswith("business:")
                else g.node_name(node)
            )
            if via < 0:
                return Trace(subject_name, name, day, (), None, None, tuple(own), g)
            up = src[via]
            upper = self._cache.get((up, day, kk, members))
            if upper is None:
                upper = self._entry(up, day, kk, members)
            return Trace(subject_name, name, day, (), via, upper, tuple(own), g)
        links = self._entry(node, day, kk, members).links
        ntype = g.node_type(node)
        name = g.display_name(node)
        if ntype == "cadre" and (kk is None or _PAIRING_CODE in kk):
            # A finding about a cadre: the cadre answers first, then the leaders of the
            # cadre's own jurisdiction, with whom the cadre signs the pledge (seed 004).
            level = g.node_level(node)
            own_link = TraceLink(
                g.node_name(node),
                name,
                "cadre",
                ResponsibilityKind.PAIRING,
                None if level is None else _LEVELS.get(level),
                "cadre",
                (),
            )
            code = g.jurisdiction_of(node)
            jnode = g.node_id(f"jurisdiction:{code}")
            above = self._entry(jnode, day, kk, members).links if jnode >= 0 else ()
            return Trace(g.node_name(node), name, day, (own_link, *above))
        return Trace(g.node_name(node), name, day, links)


_EPOCH: Final = dt.date(1970, 1, 1).toordinal()
_KIND_ENUMS: Final = tuple(_KINDS[k] for k in KIND_CODES)
_LEVEL_ENUMS: Final = tuple(_LEVELS[v] for v in LEVEL_CODES)
_JUR_CODE: Final = BASE_ROLES.index(_JUR_ROLE)
_MEMBER_CODE: Final = BASE_ROLES.index(_MEMBER_ROLE)
_PAIRING_CODE: Final = KIND_CODES.index(ResponsibilityKind.PAIRING.value)

_TRACERS: weakref.WeakKeyDictionary[ResponsibilityGraph, Tracer] = weakref.WeakKeyDictionary()


def _tracer(graph: ResponsibilityGraph) -> Tracer:
    found = _TRACERS.get(graph)
    if found is None:
        found = _TRACERS[graph] = Tracer(graph)
    return found


def clear_cache(graph: ResponsibilityGraph) -> None:
    """Forget the chains memoised for ``graph`` (frees their memory)."""
    found = _TRACERS.get(graph)
    if found is not None:
        found.clear()


def trace(
    graph: ResponsibilityGraph,
    subject: object,
    *,
    as_of: dt.date | None = None,
    kinds: Iterable[ResponsibilityKind | str] | None = None,
    members: bool = False,
) -> Trace:
    """Who answers for ``subject`` on ``as_of``, in order, each with kind, level, role and path.

    Args:
        graph: a responsibility graph (:meth:`~foodsafety.engines.graph.ResponsibilityGraph.build`).
        subject: a node id, a USCC, a division code, a cadre id or an audit finding (an
            object naming a ``uscc``, ``cadre_id`` or ``jurisdiction``).
        as_of: the date (default today): edges not valid on that day are not followed — a
            cadre who left last month no longer answers.
        kinds: only return parties whose own edge has one of these kinds (the walk still
            passes through every kind of edge).
        members: also list the committee's member units and their heads (成员单位).

    Returns:
        A :class:`Trace`; iterate it, or read ``.links``, for the :class:`TraceLink` values.

    Raises:
        FoodSafetyError: the subject is not in the graph (code ``trace.unknown_subject``).
    """
    return _tracer(graph).trace(subject, as_of=as_of, kinds=kinds, members=members)


# -- accountability ----------------------------------------------------------------------

#: The highest level an accountability review reaches for each incident severity (data:
#: change it for local rules).
ESCALATION: Final[Mapping[Severity, Level]] = {
    Severity.INFO: Level.TOWNSHIP,
    Severity.MINOR: Level.TOWNSHIP,
    Severity.MAJOR: Level.COUNTY,
    Severity.CRITICAL: Level.CITY,
}

# The stages of a review: the business, its cadre, the regulators, the territory's leaders,
# the coordinating committee and office.
_STAGE: Final[dict[str, int]] = {
    "primary": 1,
    "pairing": 2,
    "regulatory": 3,
    "party_government": 4,
    "territorial": 4,
    "portfolio": 4,
    "coordination": 5,
}
_STAGE_NAMES: Final[dict[int, tuple[str, str]]] = {
    1: ("企业主体责任", "the business's primary responsibility"),
    2: ("包保责任", "pairing"),
    3: ("监管责任", "regulatory supervision"),
    4: ("属地管理与党政同责", "territorial and party-government responsibility"),
    5: ("综合协调", "coordination"),
}


@attrs.frozen(slots=True)
class Incident:
    """A food-safety incident at a business, as the starting point of a review.

    Attributes:
        business: the business (USCC or node id).
        date: when it happened; the review asks who was responsible on that day.
        severity: how serious it is; decides how high the review goes (:data:`ESCALATION`).
        summary: what happened.
    """

    business: str
    date: dt.date
    severity: Severity = Severity.MAJOR
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "business": self.business,
            "date": self.date.isoformat(),
            "severity": self.severity.value,
            "summary": self.summary,
        }


@attrs.frozen(slots=True)
class AccountabilityLink:
    """One link of an accountability chain: the stage, the responsible party and the rule."""

    stage: int
    link: TraceLink
    rule: Rule

    def explain(self, lang: str = "zh") -> str:
        """The link with the rule that makes it responsible."""
        en = lang.startswith("en")
        stage = _STAGE_NAMES[self.stage][1 if en else 0]
        rule = self.rule.text(lang)
        if en:
            return f"[{stage}] {self.link.explain(lang)}. Rule: {rule} ({self.rule.reference})"
        return f"［{stage}］{self.link.explain(lang)}。依据：{rule}（{self.rule.reference}）"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"stage": self.stage, **self.link.to_dict(), "rule": self.rule.to_dict()}


@attrs.frozen(slots=True)
class AccountabilityChain:
    """The chain an accountability review of an incident follows, stage by stage."""

    incident: Incident
    subject: str
    name: str
    ceiling: Level
    links: tuple[AccountabilityLink, ...]

    def __iter__(self) -> Iterator[AccountabilityLink]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)

    def explain(self, lang: str = "zh") -> str:
        """A numbered account of the chain."""
        en = lang.startswith("en")
        inc = self.incident
        if en:
            head = (
                f"Accountability review of a {inc.severity.en} incident at {self.name} on "
                f"{inc.date.isoformat()} (up to {self.ceiling.en} level):"
            )
        else:
            head = (
                f"{inc.date.isoformat()} {self.name} 发生{inc.severity.zh}食品安全事件，"
                f"责任追究链条（追至{self.ceiling.zh}级）："
            )
        lines = [head]
        lines.extend(f"{i}. {a.explain(lang)}" for i, a in enumerate(self.links, start=1))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "incident": self.incident.to_dict(),
            "subject": self.subject,
            "ceiling": self.ceiling.value,
            "links": [a.to_dict() for a in self.links],
        }


def accountability(
    graph: ResponsibilityGraph,
    incident: Incident,
    *,
    escalation: Mapping[Severity, Level] = ESCALATION,
) -> AccountabilityChain:
    """The chain a review of ``incident`` follows: business, cadre, regulators, leaders, committee.

    The parties are those of :func:`trace` on the incident's date; parties above the level
    that the incident's severity reaches (``escalation``) are left out, except the cadre,
    who answers at whatever level the business was paired. Within a stage the nearest level
    comes first.
    """
    t = trace(graph, incident.business, as_of=incident.date)
    ceiling = escalation[incident.severity]
    out: list[AccountabilityLink] = []
    for link in t.links:
        stage = _STAGE.get(link.kind.value)
        if stage is None:
            continue
        if stage > 2 and link.level is not None and link.level.depth < ceiling.depth:
            continue
        out.append(AccountabilityLink(stage, link, link.rule))
    out.sort(key=lambda a: (a.stage, _sort_key(a.link)[1:]))
    return AccountabilityChain(incident, t.subject, t.name, ceiling, tuple(out))


# -- gaps --------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Requirement:
    """A responsible party every subject of a type (and level, or body kind) must have.

    The requirement holds when at least one edge into the subject, valid on the date, has a
    ``role`` in ``roles``.

    Attributes:
        code: the gap code (``"unpaired"`` as in the pairing audit).
        subject_type: the node type it applies to.
        roles: the roles that satisfy it.
        kind: the kind of responsibility missing.
        levels: the subject levels it applies to (``None``: all).
        body_kinds: for bodies, the body kinds it applies to (``None``: all).
        zh, en: what is missing.
    """

    code: str
    subject_type: str
    roles: frozenset[str]
    kind: ResponsibilityKind
    zh: str
    en: str
    levels: frozenset[str] | None = None
    body_kinds: frozenset[str] | None = None

    def applies(self, attrs_: Mapping[str, Any]) -> bool:
        """True when a node with these attributes is a subject of this requirement."""
        if attrs_.get("type") != self.subject_type:
            return False
        if self.levels is not None and attrs_.get("level") not in self.levels:
            return False
        return self.body_kinds is None or attrs_.get("body_kind") in self.body_kinds


_GOVERNED: Final = frozenset({"province", "city", "county", "township"})


def _req(
    code: str,
    subject_type: str,
    roles: Iterable[str],
    kind: ResponsibilityKind,
    zh: str,
    en: str,
    *,
    levels: Iterable[str] | None = None,
    body_kinds: Iterable[str] | None = None,
) -> Requirement:
    return Requirement(
        code,
        subject_type,
        frozenset(roles),
        kind,
        zh,
        en,
        None if levels is None else frozenset(levels),
        None if body_kinds is None else frozenset(body_kinds),
    )


#: What every business, governed jurisdiction and committee must have.
DEFAULT_REQUIREMENTS: Final[tuple[Requirement, ...]] = (
    _req(
        "unpaired",
        "business",
        ["cadre"],
        ResponsibilityKind.PAIRING,
        "无包保干部",
        "no pairing cadre",
    ),
    _req(
        "no_principal",
        "business",
        ["principal"],
        ResponsibilityKind.PRIMARY,
        "无主要负责人",
        "no principal",
    ),
    _req(
        "director_missing",
        "business",
        ["food_safety_director"],
        ResponsibilityKind.PRIMARY,
        "未配备食品安全总监",
        "no food safety director",
    ),
    _req(
        "no_party_committee",
        "jurisdiction",
        ["party_committee"],
        ResponsibilityKind.TERRITORIAL,
        "无党委",
        "no party committee",
        levels=_GOVERNED,
    ),
    _req(
        "no_government",
        "jurisdiction",
        ["government"],
        ResponsibilityKind.TERRITORIAL,
        "无政府",
        "no government",
        levels=_GOVERNED,
    ),
    _req(
        "no_regulator",
        "jurisdiction",
        ["market_regulation_bureau", "market_regulation_station"],
        ResponsibilityKind.REGULATORY,
        "无市场监管局（所）",
        "no market regulation bureau or station",
        levels=_GOVERNED,
    ),
    _req(
        "no_committee",
        "jurisdiction",
        ["food_safety_committee"],
        ResponsibilityKind.COORDINATION,
        "无食品安全委员会",
        "no food safety committee",
        levels=_GOVERNED,
    ),
    _req(
        "no_office",
        "jurisdiction",
        ["food_safety_office"],
        ResponsibilityKind.COORDINATION,
        "无食安办",
        "no food safety office",
        levels=_GOVERNED,
    ),
    _req(
        "no_chair",
        "body",
        ["committee_chair"],
        ResponsibilityKind.COORDINATION,
        "食安委无主任",
        "the food safety committee has no chair",
        body_kinds=["food_safety_committee"],
    ),
)

#: The default requirements plus the first responsible persons and the deputy in charge.
STRICT_REQUIREMENTS: Final[tuple[Requirement, ...]] = (
    *DEFAULT_REQUIREMENTS,
    _req(
        "no_party_secretary",
        "body",
        ["party_secretary"],
        ResponsibilityKind.PARTY_GOVERNMENT,
        "党委无书记",
        "the party committee has no secretary",
        body_kinds=["party_committee"],
    ),
    _req(
        "no_government_head",
        "body",
        ["government_head"],
        ResponsibilityKind.PARTY_GOVERNMENT,
        "政府无主要负责人",
        "the government has no head",
        body_kinds=["government"],
    ),
    _req(
        "no_deputy_in_charge",
        "body",
        ["deputy_in_charge"],
        ResponsibilityKind.PORTFOLIO,
        "无分管负责人",
        "no deputy in charge of food safety",
        body_kinds=["government"],
    ),
)


@attrs.frozen(slots=True)
class Gap:
    """A subject without a responsible party of a required kind.

    Attributes:
        code: the requirement's code (``"unpaired"``, ``"no_office"``...).
        subject: the node id; ``key`` the id without its type prefix (USCC, division code...).
        name, subject_type, level: the subject's name, node type and level.
        kind: the kind of responsibility missing.
        requirement: the requirement that is not met.
    """

    code: str
    subject: str
    key: str
    name: str
    subject_type: str
    level: Level | None
    kind: ResponsibilityKind
    requirement: Requirement

    def explain(self, lang: str = "zh") -> str:
        """One readable sentence."""
        if lang.startswith("en"):
            return f"{self.name} ({self.key}): {self.requirement.en} [{self.code}]"
        return f"{self.name}（{self.key}）：{self.requirement.zh}［{self.code}］"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "code": self.code,
            "subject": self.subject,
            "key": self.key,
            "name": self.name,
            "subject_type": self.subject_type,
            "level": None if self.level is None else self.level.value,
            "kind": self.kind.value,
        }


def gaps(
    graph: ResponsibilityGraph,
    *,
    as_of: dt.date | None = None,
    requirements: Collection[Requirement] = DEFAULT_REQUIREMENTS,
) -> list[Gap]:
    """Subjects with no responsible party of a required kind on ``as_of`` (default today).

    A business is a subject only while it operates (opened on or before ``as_of``, not yet
    closed). ``unpaired`` agrees with the pairing audit's finding of the same code. The
    ledger's nodes (businesses, cadres, people) are checked on the graph's columns at once;
    the gaps come in the graph's node order, each node's in the order of ``requirements``.
    """
    import numpy as np

    g = graph
    day = dt.date.today() if as_of is None else as_of
    dn = day_number(day)
    reqs = list(requirements)
    by_type: dict[str, list[Requirement]] = {}
    for r in reqs:
        by_type.setdefault(r.subject_type, []).append(r)
    out: list[Gap] = []
    for node in range(g.n_governance):
        attrs_ = g._gov_attrs[node]
        ntype = attrs_.get("type", "")
        mine = by_type.get(ntype)
        if not mine:
            continue
        if ntype == "business" and not _period_holds(attrs_, day):
            continue
        roles: set[str] | None = None
        for r in mine:
            if not r.applies(attrs_):
                continue
            if roles is None:
                roles = {
                    g.roles[g.mv_role[e]]
                    for e in g.in_edges(node)
                    if g.mv_from[e] <= dn < g.mv_to[e]
                }
            if roles.isdisjoint(r.roles):
                out.append(_gap(g, r, node))
    ledger_reqs = [
        (i, r) for i, r in enumerate(reqs) if r.subject_type in ("business", "cadre", "person")
    ]
    if not ledger_reqs or g.n_businesses + g.n_cadres == 0:
        return out
    nb, nc = g.n_businesses, g.n_cadres
    active = (g.valid_from <= dn) & (dn < g.valid_to)
    targets = g.targets()
    levels = np.full(g.n_nodes, NO_LEVEL, dtype=np.uint8)
    levels[g.first_business : g.first_cadre] = g.business_levels()
    levels[g.first_cadre : g.first_principal] = g.cadre_levels()
    levels[g.first_principal : g.first_director] = g.business_levels()
    levels[g.first_director :] = g.business_levels()
    operating = g.business_operating(dn)
    blocks = {
        "business": [(g.first_business, operating, 0)],
        "cadre": [(g.first_cadre, np.ones(nc, dtype=bool), 3 * nb)],
        "person": [
            (g.first_principal, g.has_principal(), 1),
            (g.first_director, g.has_director(), 2),
        ],
    }
    found_pos: list[Any] = []
    found_req: list[Any] = []
    found_node: list[Any] = []
    for i, r in ledger_reqs:
        if r.body_kinds is not None:
            continue  # no ledger node has a body kind
        has = np.zeros(g.n_nodes, dtype=bool)
        codes = [g.roles.index(x) for x in r.roles if x in g.roles]
        ok = active & np.isin(g.role, np.array(codes, dtype=np.uint8))
        has[targets[ok]] = True
        for first, present, rank in blocks[r.subject_type]:
            n = len(present)
            subject = present & ~has[first : first + n]
            if r.levels is not None:
                wanted = [LEVEL_CODES.index(x) for x in r.levels if x in LEVEL_CODES]
                subject &= np.isin(levels[first : first + n], np.array(wanted, dtype=np.uint8))
            rows = np.flatnonzero(subject)
            # the position of a node in build order: each business, its principal and its
            # director, then the cadres
            pos = rows + rank if rank >= 3 * nb else rows * 3 + rank
            found_pos.append(pos)
            found_req.append(np.full(len(rows), i, dtype=np.int64))
            found_node.append(rows + first)
    if found_pos:
        pos = np.concatenate(found_pos)
        req = np.concatenate(found_req)
        nodes = np.concatenate(found_node)
        for k in np.lexsort((req, pos)):
            out.append(_gap(g, reqs[int(req[k])], int(nodes[k])))
    return out


def _period_holds(attrs_: Mapping[str, Any], day: dt.date) -> bool:
    start = attrs_.get("valid_from")
    if start is not None and day < start:
        return False
    end = attrs_.get("valid_to")
    return end is None or day < end


def _gap(g: ResponsibilityGraph, r: Requirement, node: int) -> Gap:
    name = g.node_name(node)
    level = g.node_level(node)
    return Gap(
        r.code,
        name,
        name.split(":", 1)[1],
        g.display_name(node),
        g.node_type(node),
        None if level is None else _LEVELS.get(level),
        r.kind,
        r,
    )
