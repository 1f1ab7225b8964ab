"""Shared structure check of the food licence numbers (SC and JY): prefix, 14 digits, division."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foodsafety.errors import IdentifierError
from foodsafety.ids._common import clean, fail
from foodsafety.ids.division import DivisionCode

if TYPE_CHECKING:
    from foodsafety.registry import Registry

__all__ = ["check_division", "check_shape"]


def check_shape(number: object, prefix: str, what: str, what_zh: str) -> str:
    """Compact and check ``<prefix> + 14 digits``; return the canonical form."""
    code = clean(number, what, what_zh)
    if len(code) != 16:
        raise fail(
            what,
            "length",
            f"a {what} number is {prefix} + 14 digits, 16 characters (got {len(code)}: {number!r})",
            f"{what_zh}编号应为 {prefix} 加 14 位数字，共 16 位（收到 {len(code)} 位：{number!r}）",
            number,
        )
    if not code.startswith(prefix):
        raise fail(
            what,
            "prefix",
            f"a {what} number starts with {prefix} (got {code[:2]!r} in {number!r})",
            f"{what_zh}编号应以 {prefix} 开头（收到 {code[:2]!r}）",
            number,
        )
    if not code[2:].isdigit() or not code[2:].isascii():
        raise fail(
            what,
            "format",
            f"a {what} number is {prefix} followed by 14 digits (got {number!r})",
            f"{what_zh}编号应为 {prefix} 后接 14 位数字（收到 {number!r}）",
            number,
        )
    return code


def check_division(
    code: str,
    part: str,
    what: str,
    what_zh: str,
    *,
    full: bool,
    registry: Registry | None,
) -> None:
    """Check a 6-digit division part: its province always, the whole code when ``full``."""
    if registry is None:
        from foodsafety.registry import registry as default

        registry = default()
    try:
        division = DivisionCode(part)
    except IdentifierError:
        division = None
    province_ok = division is not None and registry.is_known(division.province)
    whole_ok = division is not None and registry.is_known(division)
    if not province_ok or (full and not whole_ok):
        scope, scope_zh = ("", "") if full else (" province part of", "省级部分")
        raise fail(
            what,
            "division",
            f"the{scope} division code {part} in {code} is not a current or historical "
            f"division code",
            f"{what_zh}编号 {code} 中的行政区划代码{scope_zh} {part} 不是现行或历史上的行政区划代码",
            code,
        )
