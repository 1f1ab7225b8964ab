"""Format rules of division codes, shared by the registry and :mod:`foodsafety.ids`.

A division code (行政区划代码) is 6 digits for a province, city or county (GB/T 2260: 2 digits
province, 2 city, 2 county), 9 digits for a township (the Ministry of Civil Affairs' township
code: the county's 6 digits + 3) and 12 digits for a village or community (统计用区划代码: the
township's 9 digits + 3). The 12-digit statistical form of a higher division pads with zeros;
:func:`canonical` turns every form into the shortest one (docs/domain.md §1).
"""

from __future__ import annotations

import unicodedata

from foodsafety.errors import IdentifierError
from foodsafety.vocab import Level

__all__ = ["canonical", "level_of", "significant_prefix", "structural_parent"]

_SEPARATORS = str.maketrans("", "", " -\t\r\n.")


def canonical(value: object) -> str:
    """The canonical (shortest) form of a division code, checking its format only.

    ``"410500000000"`` -> ``"410500"``, ``"410502001000"`` -> ``"410502001"``,
    ``"41 05 02"`` -> ``"410502"``; full-width digits are accepted.

    Raises:
        IdentifierError: with ``check`` ``"type"``, ``"length"`` or ``"format"``.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise IdentifierError(
            f"a division code must be a string of 6, 9 or 12 digits (got {value!r})",
            check="type",
            code="division.type",
            message_zh=f"行政区划代码应为 6、9 或 12 位数字字符串（收到 {value!r}）",
            value=value,
        )
    text = unicodedata.normalize("NFKC", value).translate(_SEPARATORS)
    if not text.isascii() or not text.isdigit():
        raise IdentifierError(
            f"a division code must contain digits only (got {value!r})",
            check="format",
            code="division.format",
            message_zh=f"行政区划代码只能由数字组成（收到 {value!r}）",
            value=value,
        )
    if len(text) not in (6, 9, 12):
        raise IdentifierError(
            f"a division code must have 6, 9 or 12 digits (got {len(text)}: {value!r})",
            check="length",
            code="division.length",
            message_zh=f"行政区划代码应为 6、9 或 12 位（收到 {len(text)} 位：{value!r}）",
            value=value,
        )
    if len(text) == 12 and text.endswith("000"):
        text = text[:9]
    if len(text) == 9 and text.endswith("000"):
        text = text[:6]
    if text[:2] == "00" or (text[2:4] == "00" and text[4:6] != "00"):
        raise IdentifierError(
            f"{text} is not a GB/T 2260 code: the province part cannot be 00 and a county "
            f"part needs a city part (got {value!r})",
            check="format",
            code="division.format",
            message_zh=f"{text} 不符合 GB/T 2260 结构：省级部分不能为 00，县级部分须有市级部分",
            value=value,
        )
    return text


def level_of(code: str) -> Level:
    """The level a canonical code stands for, read from its digits alone."""
    if len(code) == 12:
        return Level.VILLAGE
    if len(code) == 9:
        return Level.TOWNSHIP
    if code[2:] == "0000":
        return Level.PROVINCE
    if code[4:] == "00":
        return Level.CITY
    return Level.COUNTY


def significant_prefix(code: str) -> str:
    """The digits a descendant's code starts with: ``410500`` -> ``4105``."""
    level = level_of(code)
    return code[: {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}.get(level, len(code))]


def structural_parent(code: str) -> str | None:
    """The parent a code's digits name (GB/T 2260 structure), ``None`` for a province.

    For the counties of municipalities (110101) and province-administered counties (419001)
    this is a statistical placeholder (110100 市辖区, 419000 省直辖县级行政区划) that the Ministry's
    table does not list; the registry's ``parent`` gives the administrative parent instead.
    """
    level = level_of(code)
    if level is Level.VILLAGE:
        return code[:9]
    if level is Level.TOWNSHIP:
        return code[:6]
    if level is Level.COUNTY:
        return code[:4] + "00"
    if level is Level.CITY:
        return code[:2] + "0000"
    return None
