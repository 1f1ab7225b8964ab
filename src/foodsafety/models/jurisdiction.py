"""Jurisdictions (辖区) and the tree they form, from province down to village.

A :class:`Jurisdiction` is one administrative division as a record: its code, name, level and
parent. A :class:`JurisdictionTree` holds many of them and checks that they form a tree the
rules allow (docs/domain.md §1):

- every parent exists (no orphans) and there are no cycles or duplicate codes;
- a child sits exactly one level below its parent, except the skips the system really has:
  a county directly under a province (省直管县, seed 000; municipalities' districts), a
  township directly under a city that has no counties (不设区的地级市 such as 东莞, 嘉峪关),
  and a functional zone (开发区, 管委会) acting as a county or township under a city or county;
- a functional zone has no GB/T 2260 code of its own: its code is the parent's code, a slash
  and an upper-case slug (``410500/GXQ`` for a high-tech zone of Anyang).

Trees are built from the bundled division registry (:meth:`JurisdictionTree.from_registry`)
and extended with user additions (villages with 12-digit codes, functional zones).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pydantic

from foodsafety._record import FrozenRecord
from foodsafety.errors import BulkValidationError, Problem, ProblemReport, RegistryError
from foodsafety.ids import DivisionCode
from foodsafety.vocab import DivisionKind, Level

if TYPE_CHECKING:
    from foodsafety.registry import Registry

__all__ = ["ZONE_CODE_PATTERN", "Jurisdiction", "JurisdictionTree"]

#: A functional zone's code: the parent division code, "/", an upper-case ASCII slug.
ZONE_CODE_PATTERN = r"^\d{6}(?:\d{3})?/[A-Z0-9][A-Z0-9_-]{0,15}$"
_ZONE_RE = re.compile(ZONE_CODE_PATTERN)

# (parent level, child level) pairs that skip a level, and the child kinds allowed to do it.
_ALLOWED_SKIPS: dict[tuple[Level, Level], frozenset[DivisionKind] | None] = {
    # 省直管县 and the districts and counties of a municipality without its placeholder city.
    (Level.PROVINCE, Level.COUNTY): None,
    # 不设区的地级市: towns and subdistricts directly under the city.
    (Level.CITY, Level.TOWNSHIP): None,
}


def _is_zone_code(code: str) -> bool:
    return bool(_ZONE_RE.match(code))


class Jurisdiction(FrozenRecord):
    """One jurisdiction (辖区): an administrative division or a functional zone.

    Attributes:
        code: GB/T 2260 code (6 digits), township code (9) or village code (12) in canonical
            form; for a functional zone, ``<parent code>/<SLUG>``.
        name: the official name, e.g. ``安阳市``.
        level: the level of government it counts as (a zone acting as a county is ``county``).
        kind: what kind of division it is (district, county-level city, zone...).
        parent: the parent's code; ``None`` only for a root (normally a province).
    """

    label_zh = "辖区"

    code: str
    name: str = pydantic.Field(min_length=1)
    level: Level
    kind: DivisionKind = DivisionKind.OTHER
    parent: str | None = None

    @pydantic.field_validator("code", "parent")
    @classmethod
    def _canonical_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if _is_zone_code(value):
            return value
        return str(DivisionCode(value))

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> Jurisdiction:
        if _is_zone_code(self.code):
            if self.kind is not DivisionKind.FUNCTIONAL_ZONE:
                raise ValueError(
                    f"code {self.code!r} is a functional-zone code, so kind must be "
                    f"'functional_zone' (got {self.kind.value!r})"
                )
            zone_parent = self.code.split("/", 1)[0]
            if self.parent is None:
                object.__setattr__(self, "parent", str(DivisionCode(zone_parent)))
            elif self.parent != str(DivisionCode(zone_parent)):
                raise ValueError(
                    f"a zone's parent must be the code before '/' ({zone_parent!r}), "
                    f"got parent {self.parent!r}"
                )
            return self
        code = DivisionCode(self.code)
        if code.level is not self.level and self.kind not in (
            DivisionKind.MUNICIPAL_DISTRICTS,
            DivisionKind.PROVINCE_ADMINISTERED_COUNTY,
            DivisionKind.FUNCTIONAL_ZONE,
        ):
            raise ValueError(
                f"level must match the code: {self.code!r} is a {code.level.value} code "
                f"(got level {self.level.value!r})"
            )
        if self.parent is not None and self.parent == self.code:
            raise ValueError(f"a jurisdiction cannot be its own parent ({self.code!r})")
        return self

    @property
    def is_zone(self) -> bool:
        """True for a functional zone (开发区, 管委会) without a standard code."""
        return _is_zone_code(self.code)

    @property
    def division_code(self) -> DivisionCode | None:
        """The standard division code, or ``None`` for a functional zone."""
        return None if self.is_zone else DivisionCode(self.code)


class JurisdictionTree:
    """A validated tree of :class:`Jurisdiction` records, from its roots down to villages.

    Build one with :meth:`from_registry` (a province, city or county of the bundled registry,
    down to a chosen level) and extend it with :meth:`extended`. The constructor checks the
    whole input at once and raises :class:`~foodsafety.errors.BulkValidationError` whose
    report lists every duplicate, orphan, cycle and disallowed level skip.

    Example:
        >>> tree = JurisdictionTree.from_registry("410500", depth=Level.COUNTY)
        >>> names = [j.name for j in tree.children("410500")]
        >>> names[:3]
        ['文峰区', '北关区', '殷都区']
    """

    __slots__ = ("__dict__", "_by_code", "_children")

    def __init__(
        self, jurisdictions: Iterable[Jurisdiction], *, roots_may_have_parent: bool = False
    ) -> None:
        """Validate and index ``jurisdictions``.

        Args:
            jurisdictions: the records, in any order.
            roots_may_have_parent: when false (the default) a record whose parent is not in
                the input is reported as an orphan, so a root must have ``parent=None``; when
                true it is taken as a root (a tree cut out of a larger one).
        """
        report = ProblemReport()
        by_code: dict[str, Jurisdiction] = {}
        for j in jurisdictions:
            if j.code in by_code:
                report.add(
                    Problem(
                        code="tree.duplicate",
                        message=f"code {j.code!r} appears twice ({by_code[j.code].name} and {j.name})",
                        record="Jurisdiction",
                        field="code",
                        value=j.code,
                    )
                )
                continue
            by_code[j.code] = j
        children: dict[str, list[str]] = {}
        for j in by_code.values():
            if j.parent is None:
                continue
            parent = by_code.get(j.parent)
            if parent is None:
                if not roots_may_have_parent:
                    report.add(
                        Problem(
                            code="tree.orphan",
                            message=f"{j.name} ({j.code}) names parent {j.parent!r}, which is not in the tree",
                            record="Jurisdiction",
                            field="parent",
                            value=j.parent,
                        )
                    )
                continue
            children.setdefault(parent.code, []).append(j.code)
            problem = _level_problem(parent, j)
            if problem is not None:
                report.add(problem)
        report.extend(_cycles(by_code))
        if report:
            raise BulkValidationError("the jurisdiction tree", report)
        for kids in children.values():
            kids.sort()
        self._by_code = by_code
        self._children = children

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_registry(
        cls,
        root: str = "",
        *,
        depth: Level | str = Level.TOWNSHIP,
        registry: Registry | None = None,
    ) -> JurisdictionTree:
        """A tree cut from the bundled division registry.

        Args:
            root: a division code (``"410000"`` Henan, ``"410500"`` Anyang); empty for all of
                China (34 roots).
            depth: the lowest level to include (``"county"`` stops above townships).
            registry: another registry (e.g. one extended with villages); default the bundled one.

        Raises:
            RegistryError: ``root`` is not in the registry (the message states its edition).
        """
        from foodsafety.registry import registry as default_registry

        reg = registry if registry is not None else default_registry()
        lowest = Level.parse(depth)
        if root:
            top = reg.get(root)
            divisions = [top, *reg.descendants(top.code)]
        else:
            divisions = list(reg)
        records = [
            Jurisdiction(
                code=d.code,
                name=d.name,
                level=d.level,
                kind=d.kind,
                parent=None if d.code == root else d.parent,
            )
            for d in divisions
            if d.level.depth <= lowest.depth
        ]
        return cls(records)

    def extended(self, additions: Iterable[Jurisdiction]) -> JurisdictionTree:
        """A new tree with ``additions`` (villages, functional zones) validated against this one."""
        return type(self)([*self._by_code.values(), *additions])

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any] | Jurisdiction]) -> JurisdictionTree:
        """Build from dicts (e.g. parsed JSON) or records; every bad record is reported at once."""
        report = ProblemReport()
        good: list[Jurisdiction] = []
        for i, rec in enumerate(records, start=1):
            if isinstance(rec, Jurisdiction):
                good.append(rec)
                continue
            try:
                good.append(Jurisdiction.model_validate(rec))
            except Exception as exc:  # RecordValidationError: keep collecting
                from foodsafety.errors import FoodSafetyError

                if not isinstance(exc, FoodSafetyError):
                    raise
                exc.located(row=i)
                problems = getattr(exc, "problems", None) or (exc.to_problem(),)
                report.extend(problems)
        report.raise_if_any("the jurisdiction records")
        return cls(good)

    def to_records(self) -> list[Jurisdiction]:
        """All records, parents before children."""
        return list(self.walk())

    # -- lookups ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Jurisdiction]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._key(code) in self._by_code

    def _key(self, code: str) -> str:
        if code in self._by_code or _is_zone_code(code):
            return code
        try:
            return str(DivisionCode(code))
        except ValueError:
            return code

    def __getitem__(self, code: str) -> Jurisdiction:
        try:
            return self._by_code[self._key(code)]
        except KeyError:
            raise RegistryError(
                f"{code!r} is not in this jurisdiction tree ({len(self)} jurisdictions"
                f"{', roots ' + ', '.join(r.code for r in self.roots) if self.roots else ''})",
                code="tree.unknown",
                value=code,
            ) from None

    def get(self, code: str) -> Jurisdiction | None:
        """The jurisdiction with ``code``, or ``None``."""
        return self._by_code.get(self._key(code))

    @cached_property
    def roots(self) -> tuple[Jurisdiction, ...]:
        """Jurisdictions whose parent is outside the tree, sorted by code."""
        return tuple(
            sorted(
                (j for j in self._by_code.values() if j.parent not in self._by_code),
                key=lambda j: j.code,
            )
        )

    def parent(self, code: str) -> Jurisdiction | None:
        """The parent inside the tree, or ``None`` for a root."""
        j = self[code]
        return self._by_code.get(j.parent) if j.parent else None

    def children(self, code: str) -> list[Jurisdiction]:
        """Direct children, sorted by code."""
        return [self._by_code[c] for c in self._children.get(self[code].code, ())]

    def ancestors(self, code: str) -> list[Jurisdiction]:
        """Ancestors inside the tree, nearest first (township, county, city, province)."""
        return list(self.chain(code)[1:])

    def chain(self, code: str) -> tuple[Jurisdiction, ...]:
        """The jurisdiction itself followed by its ancestors, nearest first (memoised)."""
        key = self[code].code
        cache: dict[str, tuple[Jurisdiction, ...]] = self.__dict__.setdefault("_chains", {})
        found = cache.get(key)
        if found is None:
            j = self._by_code[key]
            parent = self._by_code.get(j.parent) if j.parent else None
            found = (j, *self.chain(parent.code)) if parent else (j,)
            cache[key] = found
        return found

    def at_level(self, code: str, level: Level | str) -> Jurisdiction | None:
        """The ancestor-or-self of ``code`` at ``level`` (e.g. the county of a village)."""
        lv = Level.parse(level)
        return next((j for j in self.chain(code) if j.level is lv), None)

    def descendants(self, code: str) -> Iterator[Jurisdiction]:
        """Every jurisdiction below ``code``, depth first, in code order."""
        for child in self.children(code):
            yield child
            yield from self.descendants(child.code)

    def walk(self) -> Iterator[Jurisdiction]:
        """Every jurisdiction, roots first then depth first."""
        for root in self.roots:
            yield root
            yield from self.descendants(root.code)

    def is_within(self, code: str, ancestor: str) -> bool:
        """True when ``ancestor`` is ``code`` itself or one of its ancestors."""
        target = self[ancestor].code
        return any(j.code == target for j in self.chain(code))

    def levels(self) -> dict[Level, int]:
        """How many jurisdictions the tree has at each level."""
        out: dict[Level, int] = {}
        for j in self._by_code.values():
            out[j.level] = out.get(j.level, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: kv[0].depth))

    def subtree(self, code: str) -> JurisdictionTree:
        """The tree below (and including) ``code``."""
        top = self[code]
        return type(self)([top.model_copy(update={"parent": None}), *self.descendants(top.code)])


def _level_problem(parent: Jurisdiction, child: Jurisdiction) -> Problem | None:
    if child.level.depth == parent.level.depth + 1:
        return None
    if child.is_zone and child.level.depth > parent.level.depth:
        return None  # a zone acts as a county or township wherever its parent sits
    allowed = (parent.level, child.level) in _ALLOWED_SKIPS
    if allowed:
        return None
    return Problem(
        code="tree.level_skip",
        message=(
            f"{child.name} ({child.code}) is a {child.level.value} under the "
            f"{parent.level.value} {parent.name} ({parent.code}); a child must be one level "
            "below its parent, except a county under a province (省直管县) or a township "
            "directly under a city without counties"
        ),
        record="Jurisdiction",
        field="level",
        value=child.level.value,
    )


def _cycles(by_code: dict[str, Jurisdiction]) -> Sequence[Problem]:
    problems: list[Problem] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in by_code:
        path: list[str] = []
        code: str | None = start
        while code is not None and code in by_code and state.get(code) != 2:
            if state.get(code) == 1:
                cycle = path[path.index(code) :]
                problems.append(
                    Problem(
                        code="tree.cycle",
                        message="parents form a cycle: " + " -> ".join([*cycle, code]),
                        record="Jurisdiction",
                        field="parent",
                        value=code,
                    )
                )
                break
            state[code] = 1
            path.append(code)
            code = by_code[code].parent
        for c in path:
            state[c] = 2
    return problems
