"""Strategies for identifiers: real division codes, USCCs and licence numbers, valid or not.

Valid values are valid by construction: division codes are drawn from the bundled registry
(the Ministry of Civil Affairs' table, DATA.md), USCC check characters are computed with
:func:`foodsafety.ids.uscc.calc_check_digit` (GB 32100), licence numbers carry a real food
category and a real county. Invalid values reproduce the mistakes found in real ledgers (a
digit dropped, a letter O typed for a zero, a mistyped or transposed character, an abolished
code) and are rejected by :mod:`foodsafety.ids` with a known ``check``.
"""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from foodsafety.ids import USCC, DivisionCode, FoodBusinessLicence, FoodProductionLicence
from foodsafety.ids import uscc as uscc_module
from foodsafety.ids.production_licence import ADDITIVE_CATEGORIES, FOOD_CATEGORIES
from foodsafety.testing._common import check_level, codes_at, fail, resolve_within
from foodsafety.vocab import Level

__all__ = [
    "DIVISION_MISTAKES",
    "USCC_MISTAKES",
    "business_licences",
    "division_codes",
    "invalid_division_codes",
    "invalid_usccs",
    "production_licences",
    "usccs",
    "village_codes",
]

_ALL_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
_REGISTRY_LEVELS = _ALL_LEVELS[:4]


def _codes_strategy(level: Level, within: str | None) -> st.SearchStrategy[str]:
    codes = codes_at(level, within)
    if not codes:
        return st.nothing()
    return st.sampled_from(codes)


def village_codes(*, within: str | None = None) -> st.SearchStrategy[DivisionCode]:
    """12-digit village codes (统计用区划代码) below a real township of the registry.

    The registry publishes no villages (DATA.md): the township part is real, the last three
    digits (001-999) are drawn, so the code is well formed and its township is known.

    Args:
        within: a division of the registry (province to township) the villages lie in.
    """
    top = resolve_within("village_codes", within)
    townships = _codes_strategy(Level.TOWNSHIP, top)
    return st.builds(
        lambda t, n: DivisionCode(f"{t}{n:03d}"), townships, st.integers(min_value=1, max_value=999)
    )


def division_codes(
    *, level: Level | str | None = None, within: str | None = None
) -> st.SearchStrategy[DivisionCode]:
    """Division codes of the bundled registry (行政区划代码), in canonical form.

    Args:
        level: ``province``, ``city``, ``county``, ``township`` or ``village`` (villages are
            drawn by :func:`village_codes`); ``None`` for any of the registry's four levels.
        within: keep codes at or below this division (``"410500"`` for Anyang).

    Raises:
        InvalidArgument: an unknown level, or ``within`` is not in the registry.

    Shrinks toward the first code in code order (北京市 110000 and its divisions).
    """
    top = resolve_within("division_codes", within)
    if level is None:
        wanted: tuple[Level, ...] = _REGISTRY_LEVELS
    else:
        wanted = (check_level("division_codes", "level", level, _ALL_LEVELS),)
    if wanted == (Level.VILLAGE,):
        return village_codes(within=top)
    strategies = [_codes_strategy(lv, top) for lv in wanted if codes_at(lv, top)]
    if not strategies:
        raise fail(
            "division_codes",
            "level",
            f"there is no division of that level within {top}",
            level,
        )
    return st.one_of(strategies).map(DivisionCode)


@functools.cache
def _six_digit(within: str | None) -> tuple[str, ...]:
    """6-digit codes a USCC or licence of a business in ``within`` would carry (its county)."""
    if within is not None:
        code = DivisionCode(within)
        if code.level in (Level.TOWNSHIP, Level.VILLAGE):
            within = str(code.county or DivisionCode(code[:6]))
            return (within,)
        if code.level is Level.COUNTY:
            return (within,)
    counties = codes_at(Level.COUNTY, within)
    return counties or codes_at(Level.CITY, within) or (str(within),)


def _counties(within: str | None) -> st.SearchStrategy[str]:
    return st.sampled_from(_six_digit(within))


@st.composite
def _uscc_text(
    draw: st.DrawFn, within: str | None, authority: str | None, entity_type: str | None
) -> str:
    auth = authority or draw(st.sampled_from(sorted(uscc_module.AUTHORITIES)))
    types = sorted(uscc_module.ENTITY_TYPES[auth])
    kind = entity_type if entity_type is not None else draw(st.sampled_from(types))
    division = draw(_counties(within))
    org = draw(st.text(alphabet=uscc_module.ALPHABET, min_size=9, max_size=9))
    body = f"{auth}{kind}{division}{org}"
    return body + uscc_module.calc_check_digit(body)


def usccs(
    *,
    within: str | None = None,
    authority: str | None = "9",
    entity_type: str | None = None,
) -> st.SearchStrategy[USCC]:
    """Valid unified social credit codes (统一社会信用代码, GB 32100), check character computed.

    Args:
        within: a division of the registry: positions 3-8 are a county (or city) code in it.
        authority: the registering authority (position 1); ``"9"`` 工商 (the default, as for
            food businesses), or ``None`` for any of GB 32100's authorities.
        entity_type: the entity type (position 2) within that authority; ``None`` for any.

    Raises:
        InvalidArgument: an unknown authority or entity type, or ``within`` not in the registry.
    """
    top = resolve_within("usccs", within)
    if authority is not None and authority not in uscc_module.AUTHORITIES:
        raise fail(
            "usccs",
            "authority",
            f"must be one of {', '.join(uscc_module.AUTHORITIES)} or None",
            authority,
        )
    if entity_type is not None and (
        authority is None or entity_type not in uscc_module.ENTITY_TYPES[authority]
    ):
        raise fail(
            "usccs",
            "entity_type",
            "must be an entity type of the given authority "
            f"({', '.join(uscc_module.ENTITY_TYPES.get(authority or '', {})) or 'none'})",
            entity_type,
        )
    return _uscc_text(top, authority, entity_type).map(USCC)


def _food_categories() -> list[str]:
    return [f"1{c}" for c in FOOD_CATEGORIES] + [f"2{c}" for c in ADDITIVE_CATEGORIES]


def production_licences(*, within: str | None = None) -> st.SearchStrategy[FoodProductionLicence]:
    """Food production licence numbers (食品生产许可证编号, SC + 14 digits) of real counties.

    The category is one of the published ones; the check digit's algorithm is not public
    (see :mod:`foodsafety.ids.production_licence`), so it is drawn.
    """
    top = resolve_within("production_licences", within)
    return st.builds(
        lambda cat, div, serial, check: FoodProductionLicence(f"SC{cat}{div}{serial:04d}{check}"),
        st.sampled_from(_food_categories()),
        _counties(top),
        st.integers(min_value=0, max_value=9999),
        st.integers(min_value=0, max_value=9),
    )


def business_licences(*, within: str | None = None) -> st.SearchStrategy[FoodBusinessLicence]:
    """Food business licence numbers (食品经营许可证编号, JY + 14 digits) of real counties."""
    top = resolve_within("business_licences", within)
    return st.builds(
        lambda kind, div, serial, check: FoodBusinessLicence(f"JY{kind}{div}{serial:06d}{check}"),
        st.sampled_from(["1", "2", "3"]),
        _counties(top),
        st.integers(min_value=0, max_value=999999),
        st.integers(min_value=0, max_value=9),
    )


# -- invalid identifiers ------------------------------------------------------------------------

#: The mistakes :func:`invalid_usccs` makes, by the ``check`` that catches them.
USCC_MISTAKES: tuple[str, ...] = (
    "length",
    "format",
    "authority",
    "entity_type",
    "checksum",
    "division",
)

#: The mistakes :func:`invalid_division_codes` makes: ``length`` and ``format`` (an
#: :class:`~foodsafety.errors.IdentifierError` with that ``check``), ``unknown`` (well formed but
#: not in the registry: a :class:`~foodsafety.errors.RegistryError`, code ``registry.unknown``).
DIVISION_MISTAKES: tuple[str, ...] = ("length", "format", "unknown")

_FORBIDDEN = "IOSVZ"


@functools.cache
def _unknown_counties() -> tuple[str, ...]:
    """Well-formed 6-digit county codes that the registry and stdnum's history both lack."""
    from foodsafety.registry import registry

    reg = registry()
    out = []
    for province in codes_at(Level.PROVINCE, None):
        for suffix in ("9801", "9899", "8888", "7799"):
            code = province[:2] + suffix
            if not reg.is_known(code):
                out.append(code)
    return tuple(out)


@st.composite
def _bad_uscc(draw: st.DrawFn, check: str) -> str:
    good = str(draw(usccs(authority=None)))
    if check == "length":
        if draw(st.booleans()):
            i = draw(st.integers(min_value=0, max_value=17))
            return good[:i] + good[i + 1 :]  # a character dropped
        extra = draw(st.sampled_from(uscc_module.ALPHABET))
        return good + extra  # a character typed twice
    if check == "format":
        i = draw(st.integers(min_value=8, max_value=16))
        return good[:i] + draw(st.sampled_from(_FORBIDDEN)) + good[i + 1 :]  # O for 0
    if check == "authority":
        bad = draw(
            st.sampled_from([c for c in uscc_module.ALPHABET if c not in uscc_module.AUTHORITIES])
        )
        return bad + good[1:]
    if check == "entity_type":
        types = uscc_module.ENTITY_TYPES[good[0]]
        bad = draw(st.sampled_from([c for c in uscc_module.ALPHABET if c not in types]))
        return good[0] + bad + good[2:]
    if check == "checksum":
        how = draw(st.sampled_from(["check", "typo", "swap"]))
        if how == "check":
            k = draw(st.integers(min_value=1, max_value=30))
            wrong = uscc_module.ALPHABET[(uscc_module.ALPHABET.index(good[17]) + k) % 31]
            return good[:17] + wrong
        if how == "typo":
            # GB/T 17710 weights are non-zero mod 31: one substitution always changes the check.
            i = draw(st.integers(min_value=8, max_value=16))
            k = draw(st.integers(min_value=1, max_value=30))
            c = uscc_module.ALPHABET[(uscc_module.ALPHABET.index(good[i]) + k) % 31]
            return good[:i] + c + good[i + 1 :]
        # Adjacent transposition: the weights differ, so it is caught unless the two are equal.
        i = draw(st.integers(min_value=8, max_value=15))
        if good[i] == good[i + 1]:
            k = draw(st.integers(min_value=1, max_value=30))
            wrong = uscc_module.ALPHABET[(uscc_module.ALPHABET.index(good[17]) + k) % 31]
            return good[:17] + wrong
        return good[:i] + good[i + 1] + good[i] + good[i + 2 :]
    # division: an unknown county, with a correct check character
    body = good[:2] + draw(st.sampled_from(_unknown_counties())) + good[8:17]
    return body + uscc_module.calc_check_digit(body)


def _check_choice(function: str, check: str | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if check is None:
        return allowed
    if check not in allowed:
        raise fail(function, "check", f"must be one of {', '.join(allowed)} or None", check)
    return (check,)


def invalid_usccs(*, check: str | None = None) -> st.SearchStrategy[str]:
    """USCC strings with one typical mistake, rejected by :func:`foodsafety.ids.uscc.validate`.

    Args:
        check: which mistake (one of :data:`USCC_MISTAKES`; the ``check`` attribute of the
            :class:`~foodsafety.errors.IdentifierError` raised): ``length`` (a character dropped
            or doubled), ``format`` (I, O, S, V or Z typed), ``authority``, ``entity_type``,
            ``checksum`` (check character wrong, one character mistyped or two swapped),
            ``division`` (positions 3-8 a code that never existed). ``None`` for any.
    """
    checks = _check_choice("invalid_usccs", check, USCC_MISTAKES)
    return st.sampled_from(checks).flatmap(_bad_uscc)


@st.composite
def _bad_division(draw: st.DrawFn, check: str) -> str:
    good = str(draw(division_codes(level=draw(st.sampled_from(["county", "township"])))))
    if check == "length":
        if draw(st.booleans()):
            return good[:-1]  # last digit dropped
        return good + draw(st.sampled_from("0123456789"))
    if check == "format":
        how = draw(st.sampled_from(["letter_o", "letter_l", "province_00"]))
        if how == "province_00":
            return "00" + good[2:]
        i = draw(st.integers(min_value=0, max_value=len(good) - 1))
        return good[:i] + ("O" if how == "letter_o" else "l") + good[i + 1 :]
    code = draw(st.sampled_from(_unknown_counties()))
    if draw(st.booleans()):
        return code
    return code + f"{draw(st.integers(min_value=1, max_value=999)):03d}"  # township of it


def invalid_division_codes(*, check: str | None = None) -> st.SearchStrategy[str]:
    """Division code strings with one typical mistake.

    Args:
        check: one of :data:`DIVISION_MISTAKES`: ``length`` and ``format`` fail
            :func:`foodsafety.ids.division.validate` (``IdentifierError.check``); ``unknown`` is
            well formed but not in the registry (``validate(code, known=True)`` raises
            :class:`~foodsafety.errors.RegistryError`). ``None`` for any.
    """
    checks = _check_choice("invalid_division_codes", check, DIVISION_MISTAKES)
    return st.sampled_from(checks).flatmap(_bad_division)
