"""Food production licence numbers (食品生产许可证编号): SC + 14 digits.

Structure per 《食品生产许可管理办法》 (2015 and 2020 editions) and the former CFDA's announcement
on the new licence (2015 No. 198)::

    SC  1 06  41 05 22  0012  3
        | |   |  |  |   |     \\- 校验码 check digit (algorithm not published: not verified)
        | |   |  |  |   \\- 顺序码 serial within the county and category
        | |   \\--+--+- 省/市/县 division of the licensee (GB/T 2260)
        | \\- 食品类别编号 category (01 粮食加工品 ... 31 其他食品; additives 01-03)
        \\- 1 食品, 2 食品添加剂

docs/domain.md §3: production licences are one of the two licence kinds of a food business (Anyang
reports 368 licensed producers, seed 004). The check digit's algorithm is not public, so this
module validates structure, category and division only and says so; it does not invent one.
Errors carry ``check`` = ``"length"``, ``"prefix"``, ``"format"``, ``"category"`` or
``"division"`` and Chinese and English messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foodsafety.ids._common import IdentifierStr, Label, fail
from foodsafety.ids._licence import check_division, check_shape
from foodsafety.ids.division import DivisionCode

if TYPE_CHECKING:
    from foodsafety.registry import Registry

__all__ = [
    "ADDITIVE_CATEGORIES",
    "FOOD_CATEGORIES",
    "FoodProductionLicence",
    "compact",
    "format",
    "is_valid",
    "validate",
]

_WHAT = "food production licence"
_WHAT_ZH = "食品生产许可证"

#: 食品类别编号 of foods (识别码 1), in the order of Article 11 of the 2015 measures.
FOOD_CATEGORIES: dict[str, tuple[str, str]] = {
    "01": ("粮食加工品", "grain products"),
    "02": ("食用油、油脂及其制品", "edible oils and fats"),
    "03": ("调味品", "condiments"),
    "04": ("肉制品", "meat products"),
    "05": ("乳制品", "dairy products"),
    "06": ("饮料", "beverages"),
    "07": ("方便食品", "convenience foods"),
    "08": ("饼干", "biscuits"),
    "09": ("罐头", "canned foods"),
    "10": ("冷冻饮品", "frozen drinks"),
    "11": ("速冻食品", "quick-frozen foods"),
    "12": ("薯类和膨化食品", "potato and puffed foods"),
    "13": ("糖果制品", "confectionery"),
    "14": ("茶叶及相关制品", "tea products"),
    "15": ("酒类", "alcoholic beverages"),
    "16": ("蔬菜制品", "vegetable products"),
    "17": ("水果制品", "fruit products"),
    "18": ("炒货食品及坚果制品", "roasted seeds and nuts"),
    "19": ("蛋制品", "egg products"),
    "20": ("可可及焙烤咖啡产品", "cocoa and roasted coffee"),
    "21": ("食糖", "sugar"),
    "22": ("水产制品", "aquatic products"),
    "23": ("淀粉及淀粉制品", "starch products"),
    "24": ("糕点", "pastries"),
    "25": ("豆制品", "soy products"),
    "26": ("蜂产品", "bee products"),
    "27": ("保健食品", "health foods"),
    "28": ("特殊医学用途配方食品", "foods for special medical purposes"),
    "29": ("婴幼儿配方食品", "infant formula"),
    "30": ("特殊膳食食品", "foods for special dietary use"),
    "31": ("其他食品", "other foods"),
}

#: 食品添加剂类别编号 (识别码 2).
ADDITIVE_CATEGORIES: dict[str, tuple[str, str]] = {
    "01": ("一般食品添加剂", "food additives"),
    "02": ("食品用香精", "food flavourings"),
    "03": ("复配食品添加剂", "compound food additives"),
}


def compact(number: object) -> str:
    """Strip spaces and hyphens, convert full-width characters, upper-case."""
    from foodsafety.ids._common import clean

    return clean(number, _WHAT, _WHAT_ZH)


def _category(code: str) -> Label | None:
    table = {"1": FOOD_CATEGORIES, "2": ADDITIVE_CATEGORIES}.get(code[2])
    if table is None or code[3:5] not in table:
        return None
    zh, en = table[code[3:5]]
    return Label(code[2:5], zh, en)


def validate(
    number: object, *, check_division: bool = True, registry: Registry | None = None
) -> str:
    """The canonical licence number, or raise :class:`~foodsafety.errors.IdentifierError`.

    Checks the SC prefix, the 14 digits, the food category and (``check_division``) that
    digits 4-9 are a current or historical division code. The check digit is not verified: its
    algorithm is not published.
    """
    code = check_shape(number, "SC", _WHAT, _WHAT_ZH)
    if _category(code) is None:
        raise fail(
            _WHAT,
            "category",
            f"digits 1-3 of {code} ({code[2:5]}) are not a food category (101-131) or a food "
            f"additive category (201-203)",
            f"{code} 的第 1-3 位数字（{code[2:5]}）不是食品类别（101-131）或食品添加剂类别（201-203）",
            number,
        )
    if check_division:
        _check_division(code, code[5:11], _WHAT, _WHAT_ZH, full=True, registry=registry)
    return code


_check_division = check_division


def is_valid(number: object, *, check_division: bool = True) -> bool:
    """True when :func:`validate` accepts the number."""
    try:
        validate(number, check_division=check_division)
    except ValueError:
        return False
    return True


def format(number: object) -> str:
    """The canonical presentation: ``SC`` and 14 digits, no separators."""
    return validate(number, check_division=False)


class FoodProductionLicence(IdentifierStr):
    """A food production licence number (食品生产许可证编号, SC + 14 digits).

    >>> lic = FoodProductionLicence("SC10641052200123")
    >>> lic.category.zh, lic.division, lic.serial
    ('饮料', DivisionCode('410522'), '0012')
    """

    __slots__ = ()

    json_pattern = r"^SC[12][0-9]{13}$"
    json_examples = ("SC10641052200123", "SC20141058100017")
    json_description = (
        "Food production licence number (食品生产许可证编号): SC + 3-digit food category + "
        "6-digit division + 4-digit serial + check digit (not verified: unpublished algorithm)."
    )

    @classmethod
    def _canonical(cls, value: object) -> str:
        return validate(value)

    @property
    def is_additive(self) -> bool:
        """True for a food additive licence (识别码 2)."""
        return self[2] == "2"

    @property
    def category(self) -> Label:
        """食品类别: ``Label("106", "饮料", "beverages")``."""
        found = _category(str(self))
        assert found is not None  # validated on construction
        return found

    @property
    def division(self) -> DivisionCode:
        """The licensee's division (digits 4-9)."""
        return DivisionCode(self[5:11])

    @property
    def serial(self) -> str:
        """顺序码 (digits 10-13)."""
        return str(self[11:15])

    @property
    def check_digit(self) -> str:
        """校验码 (digit 14), not verified."""
        return str(self[15])
