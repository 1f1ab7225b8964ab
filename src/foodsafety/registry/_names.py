"""Search keys for division names: suffixes and ethnic designations stripped, traditional folded.

People write 安阳, 安阳市, 安陽 or 安陽市 for the same city, 广西 for 广西壮族自治区 and 大厂 for
大厂回族自治县. A search key is the name without its administrative suffix (省, 市, 自治州, 县,
区, 旗, 镇, 乡, 街道, 办事处, ...) and, for autonomous units and ethnic townships, without the
ethnic designation (壮族, 回族...). Traditional characters are folded with a map generated at
build time from the characters that occur in division names (``hant_to_hans.json``).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

__all__ = ["fold", "search_keys"]

_SUFFIXES = (
    "特别行政区",
    "街道办事处",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "民族乡",
    "民族苏木",
    "办事处",
    "区公所",
    "街道",
    "苏木",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
)
_ETHNIC_SUFFIXES = (
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "民族乡",
    "民族苏木",
    "乡",
    "苏木",
    "镇",
)

# The 55 minority nationalities (and 各族), longest first so that 蒙古族 wins over 古族.
_ETHNIC = sorted(
    [
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
        "各",
        "蒙",
    ],
    key=len,
    reverse=True,
)
_ETHNIC_TAIL = re.compile("(?:(?:" + "|".join(_ETHNIC) + ")族)+$")
_SPACES = str.maketrans("", "", " \t\r\n\u3000·・")


@functools.cache
def _hant_map() -> dict[int, str]:
    text = (
        resources.files("foodsafety.registry")
        .joinpath("data/hant_to_hans.json")
        .read_text(encoding="utf-8")
    )
    mapping: dict[str, str] = json.loads(text)
    return {ord(k): v for k, v in mapping.items()}


def fold(text: str) -> str:
    """NFKC, drop spaces, fold traditional characters of division names to simplified."""
    return unicodedata.normalize("NFKC", text).translate(_SPACES).translate(_hant_map())


_BY_LENGTH = tuple(
    (n, frozenset(s for s in _SUFFIXES if len(s) == n))
    for n in sorted({len(s) for s in _SUFFIXES}, reverse=True)
)


def _strip_suffix(name: str) -> tuple[str, str]:
    # Longest suffix first: 自治县 before 县, 街道办事处 before 办事处.
    for n, suffixes in _BY_LENGTH:
        if len(name) > n and name[-n:] in suffixes:
            return name[:-n], name[-n:]
    return name, ""


def search_keys(name: str) -> tuple[str, ...]:
    """The keys a (folded) name is found under: without suffix, and without ethnic designation.

    >>> search_keys("广西壮族自治区")
    ('广西壮族', '广西')
    >>> search_keys("安阳县")
    ('安阳',)
    """
    stem, suffix = _strip_suffix(name)
    keys = [stem] if suffix else []
    if suffix in _ETHNIC_SUFFIXES and stem.endswith("族"):
        bare = _ETHNIC_TAIL.sub("", stem)
        if bare and bare != stem:
            keys.append(bare)
    return tuple(keys)
