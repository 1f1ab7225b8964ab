"""Food business licence numbers (食品经营许可证编号): JY + 14 digits.

Structure per 《食品经营许可管理办法》 (2015, Article 24) and 《食品经营许可和备案管理办法》
(2023)::

    JY  2  41 05 22  000123  4
        |  |  |  |   |       \\- 校验码 check digit (algorithm not published: not verified)
        |  |  |  |   \\- 顺序码 serial
        |  \\--+--+- 省/市/县 division of the licensing authority
        \\- 主体业态: 1 食品销售经营者, 2 餐饮服务经营者, 3 单位食堂

docs/domain.md §3: catering and retail businesses hold this licence (Anyang: 6,234 catering and
9,714 operating businesses, seed 004). The check digit's algorithm is not public, so it is not
verified. Some cities number the last two division digits by their own districts or streets
(Beijing's rules use 区/直属分局 and 街乡镇 codes), so by default only the province part of the
division is checked; ``strict_division=True`` checks all six digits against the registry.
Errors carry ``check`` = ``"length"``, ``"prefix"``, ``"format"``, ``"category"`` or
``"division"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foodsafety.ids._common import IdentifierStr, Label, clean, fail
from foodsafety.ids._licence import check_division as _check_division
from foodsafety.ids._licence import check_shape
from foodsafety.ids.division import DivisionCode

if TYPE_CHECKING:
    from foodsafety.registry import Registry

__all__ = ["BUSINESS_KINDS", "FoodBusinessLicence", "compact", "format", "is_valid", "validate"]

_WHAT = "food business licence"
_WHAT_ZH = "食品经营许可证"

#: 主体业态代码.
BUSINESS_KINDS: dict[str, tuple[str, str]] = {
    "1": ("食品销售经营者", "food retailer"),
    "2": ("餐饮服务经营者", "catering business"),
    "3": ("单位食堂", "canteen"),
}


def compact(number: object) -> str:
    """Strip spaces and hyphens, convert full-width characters, upper-case."""
    return clean(number, _WHAT, _WHAT_ZH)


def validate(
    number: object,
    *,
    check_division: bool = True,
    strict_division: bool = False,
    registry: Registry | None = None,
) -> str:
    """The canonical licence number, or raise :class:`~foodsafety.errors.IdentifierError`.

    Args:
        number: the number; spaces, hyphens and full-width characters are tolerated.
        check_division: check the province part of digits 2-7 (current or historical).
        strict_division: check all six division digits, not only the province part.
        registry: the registry for the division check (default: the bundled one).
    """
    code = check_shape(number, "JY", _WHAT, _WHAT_ZH)
    if code[2] not in BUSINESS_KINDS:
        raise fail(
            _WHAT,
            "category",
            f"digit 1 of {code} ({code[2]}) is not a business kind (1 食品销售, 2 餐饮服务, "
            f"3 单位食堂)",
            f"{code} 的第 1 位数字（{code[2]}）不是主体业态代码（1 食品销售、2 餐饮服务、3 单位食堂）",
            number,
        )
    if check_division or strict_division:
        _check_division(code, code[3:9], _WHAT, _WHAT_ZH, full=strict_division, registry=registry)
    return code


def is_valid(number: object, *, check_division: bool = True) -> bool:
    """True when :func:`validate` accepts the number."""
    try:
        validate(number, check_division=check_division)
    except ValueError:
        return False
    return True


def format(number: object) -> str:
    """The canonical presentation: ``JY`` and 14 digits, no separators."""
    return validate(number, check_division=False)


class FoodBusinessLicence(IdentifierStr):
    """A food business licence number (食品经营许可证编号, JY + 14 digits).

    >>> lic = FoodBusinessLicence("JY24105220001234")
    >>> lic.business_kind.zh, lic.division, lic.serial
    ('餐饮服务经营者', DivisionCode('410522'), '000123')
    """

    __slots__ = ()

    json_pattern = r"^JY[123][0-9]{13}$"
    json_examples = ("JY24105220001234", "JY14105810000017")
    json_description = (
        "Food business licence number (食品经营许可证编号): JY + business kind (1 食品销售, "
        "2 餐饮服务, 3 单位食堂) + 6-digit division + 6-digit serial + check digit "
        "(not verified: unpublished algorithm)."
    )

    @classmethod
    def _canonical(cls, value: object) -> str:
        return validate(value)

    @property
    def business_kind(self) -> Label:
        """主体业态: ``Label("2", "餐饮服务经营者", "catering business")``."""
        zh, en = BUSINESS_KINDS[self[2]]
        return Label(self[2], zh, en)

    @property
    def category(self) -> Label:
        """Same as :attr:`business_kind` (the decoded category of the licence)."""
        return self.business_kind

    @property
    def division(self) -> DivisionCode:
        """The licensing authority's division (digits 2-7)."""
        return DivisionCode(self[3:9])

    @property
    def serial(self) -> str:
        """顺序码 (digits 8-13)."""
        return str(self[9:15])

    @property
    def check_digit(self) -> str:
        """校验码 (digit 14), not verified."""
        return str(self[15])
