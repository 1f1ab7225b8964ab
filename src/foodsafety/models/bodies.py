"""Bodies (机构) and the officials who hold posts in them (领导职务), per jurisdiction.

docs/domain.md §2: in every jurisdiction the party committee (党委) and the government (政府) share
the responsibility for food safety (党政同责: the secretary and the head are both first
responsible persons); the deputy in charge (分管负责人) answers directly; every other leader
answers within their own portfolio (一岗双责). The food safety committee (食安委), chaired by a
government leader, coordinates member units (成员单位: market regulation, agriculture, health,
education, public security...). Its standing office (食安办) sits inside the market regulation
bureau (市场监督管理局); a township has a food safety office rated by stars and a market
regulation station (市场监管所).

These records are the nodes the responsibility graph connects. :func:`standard_bodies` makes
the usual set for a jurisdiction with predictable ids (``410500:food_safety_committee``), and
:class:`Governance` holds a tree with its bodies and officials and checks their references.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Self

import pydantic

from foodsafety._record import FrozenRecord
from foodsafety.errors import Problem, ProblemReport
from foodsafety.models.jurisdiction import Jurisdiction, JurisdictionTree
from foodsafety.vocab import BodyKind, Level, OfficialPost

__all__ = ["Body", "Governance", "Official", "body_id", "standard_bodies"]

# Chinese names of the standard bodies, by kind; "{name}" is the jurisdiction's name.
_BODY_NAMES: dict[BodyKind, str] = {
    BodyKind.PARTY_COMMITTEE: "中共{name}委员会",
    BodyKind.GOVERNMENT: "{name}人民政府",
    BodyKind.FOOD_SAFETY_COMMITTEE: "{name}食品安全委员会",
    BodyKind.FOOD_SAFETY_OFFICE: "{name}食品安全委员会办公室",
    BodyKind.MARKET_REGULATION_BUREAU: "{name}市场监督管理局",
    BodyKind.MARKET_REGULATION_STATION: "{name}市场监督管理所",
    BodyKind.VILLAGE_COMMITTEE: "{name}村(居)民委员会",
}

# Which standard bodies each level has. A township's regulator is the county bureau's station.
_STANDARD_KINDS: dict[Level, tuple[BodyKind, ...]] = {
    Level.PROVINCE: (
        BodyKind.PARTY_COMMITTEE,
        BodyKind.GOVERNMENT,
        BodyKind.FOOD_SAFETY_COMMITTEE,
        BodyKind.FOOD_SAFETY_OFFICE,
        BodyKind.MARKET_REGULATION_BUREAU,
    ),
    Level.CITY: (
        BodyKind.PARTY_COMMITTEE,
        BodyKind.GOVERNMENT,
        BodyKind.FOOD_SAFETY_COMMITTEE,
        BodyKind.FOOD_SAFETY_OFFICE,
        BodyKind.MARKET_REGULATION_BUREAU,
    ),
    Level.COUNTY: (
        BodyKind.PARTY_COMMITTEE,
        BodyKind.GOVERNMENT,
        BodyKind.FOOD_SAFETY_COMMITTEE,
        BodyKind.FOOD_SAFETY_OFFICE,
        BodyKind.MARKET_REGULATION_BUREAU,
    ),
    Level.TOWNSHIP: (
        BodyKind.PARTY_COMMITTEE,
        BodyKind.GOVERNMENT,
        BodyKind.FOOD_SAFETY_COMMITTEE,
        BodyKind.FOOD_SAFETY_OFFICE,
        BodyKind.MARKET_REGULATION_STATION,
    ),
    Level.VILLAGE: (BodyKind.VILLAGE_COMMITTEE,),
}

#: Bodies of which a jurisdiction may have at most one.
_UNIQUE_KINDS = frozenset(_BODY_NAMES)


def body_id(jurisdiction: str, kind: BodyKind | str, suffix: str = "") -> str:
    """The conventional id of a body: ``<jurisdiction code>:<kind code>[:<suffix>]``."""
    k = BodyKind.parse(kind).value
    return f"{jurisdiction}:{k}" + (f":{suffix}" if suffix else "")


class Body(FrozenRecord):
    """A body of a jurisdiction: party committee, government, committee, office, regulator, unit.

    Attributes:
        id: a unique id (see :func:`body_id` for the convention).
        kind: what it is (:class:`~foodsafety.vocab.BodyKind`).
        jurisdiction: the code of the jurisdiction it belongs to.
        name: the official name.
        hosted_by: for an office, the body that hosts it (食安办 in the market regulation bureau).
        member_of: for a member unit, the committee it belongs to.
        duties: for a member unit, what it regulates (farm produce, foodborne disease...).
    """

    label_zh = "机构"

    id: str = pydantic.Field(min_length=1)
    kind: BodyKind
    jurisdiction: str = pydantic.Field(min_length=1)
    name: str = pydantic.Field(min_length=1)
    hosted_by: str | None = None
    member_of: str | None = None
    duties: tuple[str, ...] = ()

    @pydantic.model_validator(mode="after")
    def _links(self) -> Self:
        if self.member_of is not None and self.kind is not BodyKind.MEMBER_UNIT:
            raise ValueError(
                f"member_of is only for member units (kind 'member_unit'), got kind {self.kind.value!r}"
            )
        if self.kind is BodyKind.MEMBER_UNIT and self.member_of is None:
            raise ValueError("a member unit must name its committee in member_of")
        return self


class Official(FrozenRecord):
    """A person holding a post in a body for a period (任职).

    Attributes:
        id: a unique id for the person-in-post.
        name: the person's name.
        post: the post (:class:`~foodsafety.vocab.OfficialPost`).
        body: the id of the body the post belongs to.
        jurisdiction: the jurisdiction's code (the body's).
        portfolio: the areas this leader is in charge of (分管领域), for 一岗双责.
        valid_from, valid_to: the term; ``valid_to`` is exclusive and ``None`` while in office.
    """

    label_zh = "领导干部"

    id: str = pydantic.Field(min_length=1)
    name: str = pydantic.Field(min_length=1)
    post: OfficialPost
    body: str = pydantic.Field(min_length=1)
    jurisdiction: str = pydantic.Field(min_length=1)
    portfolio: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @pydantic.model_validator(mode="after")
    def _term(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError(
                f"valid_to must be after valid_from (got {self.valid_from} to {self.valid_to})"
            )
        return self

    def active_on(self, day: dt.date) -> bool:
        """True when the official holds the post on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


def standard_bodies(jurisdiction: Jurisdiction) -> list[Body]:
    """The bodies a jurisdiction of its level normally has, with conventional ids and names.

    The office is hosted by the market regulation bureau (or, in a township, by the
    government, since the station belongs to the county bureau).
    """
    kinds = _STANDARD_KINDS[jurisdiction.level]
    out: list[Body] = []
    for kind in kinds:
        hosted_by = None
        if kind is BodyKind.FOOD_SAFETY_OFFICE:
            host = (
                BodyKind.MARKET_REGULATION_BUREAU
                if BodyKind.MARKET_REGULATION_BUREAU in kinds
                else BodyKind.GOVERNMENT
            )
            hosted_by = body_id(jurisdiction.code, host)
        out.append(
            Body(
                id=body_id(jurisdiction.code, kind),
                kind=kind,
                jurisdiction=jurisdiction.code,
                name=_BODY_NAMES[kind].format(name=jurisdiction.name),
                hosted_by=hosted_by,
            )
        )
    return out


class Governance:
    """A jurisdiction tree with its bodies and officials, references checked.

    Every body must belong to a jurisdiction of the tree; a jurisdiction has at most one body
    of each standard kind; hosts and committees named by bodies must exist; every official's
    body must exist and be in the official's jurisdiction. All problems are reported at once.
    """

    def __init__(
        self,
        tree: JurisdictionTree,
        bodies: Iterable[Body] = (),
        officials: Iterable[Official] = (),
    ) -> None:
        self.tree = tree
        self._bodies: dict[str, Body] = {}
        self._by_jurisdiction: dict[str, list[Body]] = {}
        self._officials: dict[str, Official] = {}
        self._officials_by_body: dict[str, list[Official]] = {}
        report = ProblemReport()
        for b in bodies:
            self._add_body(b, report)
        for b in self._bodies.values():
            for field, ref in (("hosted_by", b.hosted_by), ("member_of", b.member_of)):
                if ref is not None and ref not in self._bodies:
                    report.add(
                        _problem(
                            "body.dangling",
                            "Body",
                            field,
                            ref,
                            f"{b.id} names {field} {ref!r}, which is not a known body",
                        )
                    )
        for o in officials:
            self._add_official(o, report)
        report.raise_if_any("the governance structure")

    @classmethod
    def standard(cls, tree: JurisdictionTree, officials: Iterable[Official] = ()) -> Governance:
        """Governance with :func:`standard_bodies` for every jurisdiction of ``tree``."""
        bodies = [b for j in tree for b in standard_bodies(j)]
        return cls(tree, bodies, officials)

    def _add_body(self, b: Body, report: ProblemReport) -> None:
        if b.id in self._bodies:
            report.add(
                _problem("body.duplicate", "Body", "id", b.id, f"body id {b.id!r} appears twice")
            )
            return
        if b.jurisdiction not in self.tree:
            report.add(
                _problem(
                    "body.unknown_jurisdiction",
                    "Body",
                    "jurisdiction",
                    b.jurisdiction,
                    f"{b.id}: jurisdiction {b.jurisdiction!r} is not in the tree",
                )
            )
            return
        same = self._by_jurisdiction.setdefault(b.jurisdiction, [])
        if b.kind in _UNIQUE_KINDS and any(x.kind is b.kind for x in same):
            report.add(
                _problem(
                    "body.duplicate_kind",
                    "Body",
                    "kind",
                    b.kind.value,
                    f"{b.jurisdiction} already has a {b.kind.value} ({b.id})",
                )
            )
            return
        self._bodies[b.id] = b
        same.append(b)

    def _add_official(self, o: Official, report: ProblemReport) -> None:
        body = self._bodies.get(o.body)
        if o.id in self._officials:
            report.add(
                _problem(
                    "official.duplicate",
                    "Official",
                    "id",
                    o.id,
                    f"official id {o.id!r} appears twice",
                )
            )
        elif body is None:
            report.add(
                _problem(
                    "official.unknown_body",
                    "Official",
                    "body",
                    o.body,
                    f"{o.id}: body {o.body!r} is not known",
                )
            )
        elif body.jurisdiction != o.jurisdiction:
            report.add(
                _problem(
                    "official.wrong_jurisdiction",
                    "Official",
                    "jurisdiction",
                    o.jurisdiction,
                    f"{o.id}: body {o.body} belongs to {body.jurisdiction}, not {o.jurisdiction}",
                )
            )
        else:
            self._officials[o.id] = o
            self._officials_by_body.setdefault(o.body, []).append(o)

    # -- lookups ------------------------------------------------------------------------

    @property
    def bodies(self) -> Iterator[Body]:
        """Every body."""
        return iter(self._bodies.values())

    @property
    def officials(self) -> Iterator[Official]:
        """Every official."""
        return iter(self._officials.values())

    def body(self, body_id_: str) -> Body:
        """The body with this id (``KeyError`` if unknown)."""
        return self._bodies[body_id_]

    def bodies_of(self, jurisdiction: str, kind: BodyKind | str | None = None) -> list[Body]:
        """The bodies of a jurisdiction, optionally only those of one kind."""
        found = self._by_jurisdiction.get(self.tree[jurisdiction].code, [])
        if kind is None:
            return list(found)
        k = BodyKind.parse(kind)
        return [b for b in found if b.kind is k]

    def members(self, committee_id: str) -> list[Body]:
        """The member units of a committee."""
        return [b for b in self._bodies.values() if b.member_of == committee_id]

    def holders(
        self,
        jurisdiction: str,
        post: OfficialPost | str,
        *,
        as_of: dt.date | None = None,
    ) -> list[Official]:
        """Who holds ``post`` in any body of ``jurisdiction`` (on ``as_of`` when given)."""
        p = OfficialPost.parse(post)
        out = []
        for b in self.bodies_of(jurisdiction):
            for o in self._officials_by_body.get(b.id, ()):
                if o.post is p and (as_of is None or o.active_on(as_of)):
                    out.append(o)
        return out

    def with_officials(self, officials: Iterable[Official]) -> Governance:
        """A new governance with more officials."""
        return Governance(self.tree, self._bodies.values(), [*self._officials.values(), *officials])

    def gaps(self, *, as_of: dt.date | None = None) -> ProblemReport:
        """Jurisdictions missing a standard body, and committees without a chair (on ``as_of``)."""
        report = ProblemReport()
        for j in self.tree:
            kinds = {b.kind for b in self.bodies_of(j.code)}
            for k in _STANDARD_KINDS[j.level]:
                if k not in kinds:
                    report.add(
                        _problem(
                            "gap.missing_body",
                            "Jurisdiction",
                            "bodies",
                            j.code,
                            f"{j.name} ({j.code}) has no {k.zh} ({k.value})",
                        )
                    )
            if BodyKind.FOOD_SAFETY_COMMITTEE in kinds and not self.holders(
                j.code, OfficialPost.COMMITTEE_CHAIR, as_of=as_of
            ):
                report.add(
                    _problem(
                        "gap.no_chair",
                        "Jurisdiction",
                        "officials",
                        j.code,
                        f"{j.name} ({j.code}): the food safety committee has no chair (食安委主任)",
                    )
                )
        return report


def _problem(code: str, record: str, field: str, value: object, message: str) -> Problem:
    return Problem(code=code, message=message, record=record, field=field, value=value)
