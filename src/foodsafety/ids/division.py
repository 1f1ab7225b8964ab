"""Administrative division codes (行政区划代码): GB/T 2260, township and statistical forms.

A code is 6 digits for a province, city or county (GB/T 2260: 2 digits province, 2 city,
2 county: 410000 河南省, 410500 安阳市, 410522 安阳县), 9 digits for a township (the Ministry of
Civil Affairs' township code: county + 3) and 12 digits for a village or community
(统计用区划代码: township + 3). The parent of a code is derivable from its digits (docs/domain.md §1;
seed 004 pairs cadres at city, county, township and village level).

Canonical form: the shortest one. A 12-digit code ending in 000 is its township's 9-digit code,
a 9-digit or 12-digit code of a county, city or province shortens to 6 digits.

**Format only.** :class:`DivisionCode` and :func:`validate` check the format, not whether the
code exists, so that records can hold codes of other editions (a business registered in 莱芜市
371200 before 2019). Check existence with :meth:`DivisionCode.known`, the
:data:`KnownDivisionCode` field type, or ``validate(code, known=True)``.

**Municipalities and province-administered counties.** GB/T 2260 gives the districts of a
municipality a city part (110101 has 1101, "市辖区") and province-administered counties the city
part 90 (419001, "省直辖县级行政区划"). These are statistical placeholders: the Ministry's table
lists 110101 directly under 110000 and 419001 directly under 410000, and so do
:attr:`DivisionCode.parent` and :attr:`DivisionCode.city` (``None`` for them).
:func:`foodsafety.registry.structural_parent` gives the placeholder parent when needed.

    >>> DivisionCode("410522").parent
    DivisionCode('410500')
    >>> DivisionCode("110101").parent
    DivisionCode('110000')
    >>> DivisionCode("410522102000")
    DivisionCode('410522102')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator

from foodsafety.errors import IdentifierError
from foodsafety.ids._common import IdentifierStr
from foodsafety.registry._codes import canonical, level_of, significant_prefix
from foodsafety.vocab import Level

if TYPE_CHECKING:
    from foodsafety.registry import Division, Registry

__all__ = [
    "DivisionCode",
    "KnownDivisionCode",
    "compact",
    "format",
    "is_placeholder",
    "is_province_administered",
    "is_valid",
    "parent",
    "validate",
]

#: Province parts of the four municipalities (直辖市), whose city parts are placeholders.
MUNICIPALITY_PROVINCES = frozenset({"11", "12", "31", "50"})
#: City part of province-administered county-level units (省直辖县级行政区划).
PROVINCE_ADMINISTERED_CITY_PART = "90"


def compact(number: object) -> str:
    """Strip spaces, hyphens and dots, convert full-width digits (no other checks)."""
    import unicodedata

    text = str(number) if isinstance(number, int) and not isinstance(number, bool) else number
    if not isinstance(text, str):
        return canonical(text)  # raises the typed error
    return unicodedata.normalize("NFKC", text).translate(str.maketrans("", "", " -.\t\r\n"))


def validate(number: object, *, known: bool = False, registry: Registry | None = None) -> str:
    """The canonical form of a division code, or raise.

    Args:
        number: the code, in any of its forms (6, 9 or 12 digits; a string or an int).
        known: also require the code to be in the registry (current edition or user additions).
        registry: the registry to check against (default: :func:`foodsafety.registry.registry`).

    Raises:
        IdentifierError: ``check`` is ``"type"``, ``"length"`` or ``"format"``.
        RegistryError: ``known=True`` and the code is not in the registry (the message gives
            the edition and, when python-stdnum knows the code, its history).
    """
    code = canonical(number)
    if known:
        _registry(registry).get(code)
    return code


def is_valid(number: object, *, known: bool = False) -> bool:
    """True when :func:`validate` accepts the code."""
    try:
        validate(number, known=known)
    except (IdentifierError, LookupError):
        return False
    return True


def format(number: object, *, width: int | None = None) -> str:
    """The canonical form, or padded to ``width`` 12 for the statistical form."""
    code = validate(number)
    if width is None:
        return code
    if width not in (6, 9, 12) or width < len(code):
        raise IdentifierError(
            f"width must be 6, 9 or 12 and at least {len(code)} for {code} (got {width!r})",
            check="width",
            code="division.width",
            message_zh=f"宽度应为 6、9 或 12 位且不小于 {len(code)}（收到 {width!r}）",
            value=width,
        )
    return code.ljust(width, "0")


def is_placeholder(number: object) -> bool:
    """True for a city-level code that is a statistical placeholder (110100, 500200, 419000)."""
    code = validate(number)
    return level_of(code) is Level.CITY and (
        code[:2] in MUNICIPALITY_PROVINCES or code[2:4] == PROVINCE_ADMINISTERED_CITY_PART
    )


def is_province_administered(number: object) -> bool:
    """True for a county-level code directly under its province (419001 济源市, city part 90).

    Such a division (省直辖县级行政区划) answers to the province as a city does: its own
    leaders pair businesses at city level (a city-level cadre may hold its code).
    """
    code = validate(number)
    return level_of(code) is Level.COUNTY and code[2:4] == PROVINCE_ADMINISTERED_CITY_PART


def _skips_city(code: str) -> bool:
    return code[:2] in MUNICIPALITY_PROVINCES or code[2:4] == PROVINCE_ADMINISTERED_CITY_PART


def parent(number: object) -> str | None:
    """The administrative parent's code (placeholders skipped), ``None`` for a province."""
    code = validate(number)
    level = level_of(code)
    if level is Level.VILLAGE:
        return code[:9]
    if level is Level.TOWNSHIP:
        return code[:6]
    if level is Level.COUNTY:
        return code[:2] + "0000" if _skips_city(code) else code[:4] + "00"
    if level is Level.CITY:
        return code[:2] + "0000"
    return None


def _registry(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from foodsafety.registry import registry as default

    return default()


class DivisionCode(IdentifierStr):
    """A division code in canonical form (6, 9 or 12 digits); format checked, existence not.

    Decoded parts are properties: :attr:`level`, :attr:`parent`, :attr:`province`,
    :attr:`city`, :attr:`county`, :attr:`township`. Usable as a pydantic field type (accepts the
    6/9/12-digit forms and ints, serialises to the canonical string).

        >>> code = DivisionCode("410522102001")
        >>> code.level.value, code.township, code.county, code.city, code.province
        ('village', DivisionCode('410522102'), DivisionCode('410522'), DivisionCode('410500'), DivisionCode('410000'))
    """

    __slots__ = ()

    json_pattern = r"^[0-9]{6}(?:[0-9]{3}){0,2}$"
    json_examples = ("410000", "410500", "410522", "410522102", "410522102001")
    json_description = (
        "Administrative division code (行政区划代码): 6 digits (GB/T 2260 province, city or "
        "county), 9 digits (township) or 12 digits (village, 统计用区划代码); canonical "
        "shortest form."
    )

    @classmethod
    def _canonical(cls, value: object) -> str:
        return canonical(value)

    @property
    def level(self) -> Level:
        """The level the code stands for: 410000 province ... 410522102001 village."""
        return level_of(str(self))

    @property
    def parent(self) -> DivisionCode | None:
        """The administrative parent's code (110101 -> 110000, 419001 -> 410000)."""
        found = parent(str(self))
        return None if found is None else DivisionCode(found)

    @property
    def province(self) -> DivisionCode:
        """The province's code (410000)."""
        return DivisionCode(self[:2] + "0000")

    @property
    def city(self) -> DivisionCode | None:
        """The city's code; ``None`` for a province and below a municipality/省直辖 placeholder."""
        if self.level is Level.PROVINCE or (self.level is not Level.CITY and _skips_city(self)):
            return None
        return DivisionCode(self[:4] + "00")

    @property
    def county(self) -> DivisionCode | None:
        """The county-level code (410522), ``None`` above county level.

        For a township directly under a city without counties (441900003 东莞市), ``None``.
        """
        if self.level in (Level.PROVINCE, Level.CITY) or self[4:6] == "00":
            return None
        return DivisionCode(self[:6])

    @property
    def township(self) -> DivisionCode | None:
        """The township's 9-digit code, ``None`` above township level."""
        return DivisionCode(self[:9]) if len(self) >= 9 else None

    def to_12(self) -> str:
        """The 12-digit statistical form (统计用区划代码), zero-padded: 410500 -> 410500000000."""
        return str(self).ljust(12, "0")

    @property
    def as_12(self) -> str:
        """Same as :meth:`to_12`."""
        return self.to_12()

    @property
    def is_province_administered(self) -> bool:
        """True for a county-level code directly under its province (419001 济源市).

        See :func:`is_province_administered`.
        """
        return is_province_administered(str(self))

    @property
    def is_placeholder(self) -> bool:
        """True for 110100 市辖区, 419000 省直辖县级行政区划 and the like."""
        return is_placeholder(str(self))

    def ancestors(self) -> list[DivisionCode]:
        """The administrative parents' codes, nearest first."""
        out = []
        code = self.parent
        while code is not None:
            out.append(code)
            code = code.parent
        return out

    def is_ancestor_of(self, other: object) -> bool:
        """True when ``other`` lies strictly below this code (410500 is above 410522102)."""
        child = other if isinstance(other, DivisionCode) else DivisionCode(other)
        return (
            child != self
            and child.startswith(significant_prefix(str(self)))
            and (child.level.depth > self.level.depth)
        )

    def known(self, registry: Registry | None = None) -> DivisionCode:
        """This code if the registry has it, else raise RegistryError naming the edition."""
        _registry(registry).get(str(self))
        return self

    def division(self, registry: Registry | None = None) -> Division:
        """The registry's :class:`~foodsafety.registry.Division` for this code."""
        return _registry(registry).get(str(self))

    def is_current(self, registry: Registry | None = None) -> bool:
        """True when the code is in the bundled official edition."""
        return _registry(registry).is_current(str(self))


def _known(code: DivisionCode) -> DivisionCode:
    # pydantic only turns ValueErrors into validation errors; RegistryError is a LookupError.
    from foodsafety.errors import RegistryError

    try:
        return code.known()
    except RegistryError as exc:
        raise IdentifierError(
            exc.message,
            check="unknown",
            code="division.unknown",
            message_zh=exc.message_zh,
            value=str(code),
        ) from exc


#: A :class:`DivisionCode` field that must also be in the default registry (current edition).
KnownDivisionCode = Annotated[DivisionCode, AfterValidator(_known)]
