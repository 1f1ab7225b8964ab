"""Unified social credit code (统一社会信用代码, USCC; GB 32100-2015).

Every food business has one (docs/domain.md §3): 18 characters from ``0-9`` and the capitals
without I, O, S, V, Z::

    9  1  410500  MA3X1234  5  L
    |  |  |       |            \\- check character (GB/T 17710 mod 31, position 18)
    |  |  |       \\- 主体标识码 (organisation code, positions 9-17)
    |  |  \\- 登记管理机关行政区划码 (registering authority's division, GB/T 2260, positions 3-8)
    |  \\- 机构类别代码 (entity type within that authority, position 2)
    \\- 登记管理部门代码 (registering authority, position 1)

python-stdnum (``stdnum.cn.uscc``) computes the check character; this module calls its
``calc_check_digit`` and adds what stdnum does not check: GB 32100 allows the authority
characters A (中央军委改革和编制办公室), N (农业) and Y (其他) besides 1-9, which stdnum refuses;
the entity type must be one the authority issues; and positions 3-8 must be a division code
that exists now or existed (a business registered in 莱芜市 371200 before 2019 keeps it): checked
against the bundled registry and python-stdnum's historical table. 100000 stands for
registration by a national authority. Errors say which check failed (``check`` = ``"length"``,
``"format"``, ``"authority"``, ``"entity_type"``, ``"checksum"``, ``"division"``), in English
(``message``) and Chinese (``message_zh``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stdnum.cn import uscc as _stdnum_uscc

from foodsafety.errors import IdentifierError
from foodsafety.ids._common import IdentifierStr, Label, clean, fail
from foodsafety.ids.division import DivisionCode

if TYPE_CHECKING:
    from foodsafety.registry import Registry

__all__ = [
    "ALPHABET",
    "AUTHORITIES",
    "ENTITY_TYPES",
    "NATIONAL_DIVISION",
    "USCC",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "validate",
]

_WHAT = "USCC"
_WHAT_ZH = "统一社会信用代码"

#: The 31 characters a USCC may use (GB 32100: no I, O, S, V, Z); same as stdnum's.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: Position 1, 登记管理部门代码 (GB 32100-2015 and its amendments).
AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "institutional establishment (public sector)"),
    "2": ("外交", "foreign affairs"),
    "3": ("司法行政", "justice administration"),
    "4": ("文化", "culture"),
    "5": ("民政", "civil affairs"),
    "6": ("旅游", "tourism"),
    "7": ("宗教", "religious affairs"),
    "8": ("工会", "trade unions"),
    "9": ("工商", "industry and commerce (market regulation)"),
    "A": (
        "中央军委改革和编制办公室",
        "Central Military Commission reform and establishment office",
    ),
    "N": ("农业", "agriculture"),
    "Y": ("其他", "other"),
}

#: Position 2, 机构类别代码, per registering authority.
ENTITY_TYPES: dict[str, dict[str, tuple[str, str]]] = {
    "1": {
        "1": ("机关", "government organ"),
        "2": ("事业单位", "public institution"),
        "3": ("中央编办直接管理机构编制的群众团体", "mass organisation"),
        "9": ("其他", "other"),
    },
    "2": {"1": ("外国常驻新闻机构", "resident foreign news agency"), "9": ("其他", "other")},
    "3": {
        "1": ("律师执业机构", "law firm"),
        "2": ("公证处", "notary office"),
        "3": ("基层法律服务所", "grassroots legal service"),
        "4": ("司法鉴定机构", "forensic institution"),
        "5": ("仲裁委员会", "arbitration commission"),
        "9": ("其他", "other"),
    },
    "4": {"1": ("外国在华文化中心", "foreign cultural centre"), "9": ("其他", "other")},
    "5": {
        "1": ("社会团体", "social organisation"),
        "2": ("民办非企业单位", "private non-enterprise unit"),
        "3": ("基金会", "foundation"),
        "9": ("其他", "other"),
    },
    "6": {
        "1": ("外国旅游部门常驻代表机构", "foreign tourism office"),
        "2": ("港澳台地区旅游部门常驻内地（大陆）代表机构", "HK/Macao/Taiwan tourism office"),
        "9": ("其他", "other"),
    },
    "7": {
        "1": ("宗教活动场所", "place of religious activity"),
        "2": ("宗教院校", "religious college"),
        "9": ("其他", "other"),
    },
    "8": {"1": ("基层工会", "grassroots trade union"), "9": ("其他", "other")},
    "9": {
        "1": ("企业", "enterprise"),
        "2": ("个体工商户", "individual business"),
        "3": ("农民专业合作社", "farmers' cooperative"),
    },
    "A": {"1": ("军队事业单位", "military public institution"), "9": ("其他", "other")},
    "N": {
        "1": ("组级集体经济组织", "group-level collective economic organisation"),
        "2": ("村级集体经济组织", "village-level collective economic organisation"),
        "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
        "9": ("其他", "other"),
    },
    "Y": {"1": ("其他", "other (not subdivided)")},
}

#: Positions 3-8 of codes issued by a national authority (国家级登记管理机关).
NATIONAL_DIVISION = "100000"


def compact(number: object) -> str:
    """Strip spaces and hyphens, convert full-width characters, upper-case."""
    return clean(number, _WHAT, _WHAT_ZH)


def calc_check_digit(number: str) -> str:
    """The check character of the first 17 characters (python-stdnum's GB/T 17710 mod 31).

    stdnum's function also accepts the authority characters A, N and Y, which its ``validate``
    refuses; the weights are the same for every position 1 character.
    """
    return str(_stdnum_uscc.calc_check_digit(compact(number)[:17]))


def _division_known(code: str, registry: Registry | None) -> bool:
    if code == NATIONAL_DIVISION:
        return True
    if registry is None:
        from foodsafety.registry import registry as default

        registry = default()
    return registry.is_known(code)


def validate(
    number: object, *, check_division: bool = True, registry: Registry | None = None
) -> str:
    """The canonical USCC, or raise :class:`~foodsafety.errors.IdentifierError`.

    Args:
        number: the code; spaces, hyphens and full-width characters are tolerated.
        check_division: check positions 3-8 against current and historical division codes.
        registry: the registry for that check (default: the bundled one).

    Raises:
        IdentifierError: ``check`` names the failed check; ``message_zh`` is the Chinese text.
    """
    code = compact(number)
    if len(code) != 18:
        raise fail(
            _WHAT,
            "length",
            f"a USCC has 18 characters (got {len(code)}: {number!r})",
            f"统一社会信用代码应为 18 位（收到 {len(code)} 位：{number!r}）",
            number,
        )
    bad = [(i + 1, c) for i, c in enumerate(code) if c not in ALPHABET]
    if bad:
        pos, char = bad[0]
        raise fail(
            _WHAT,
            "format",
            f"USCC character {pos} is {char!r}; only digits and capitals without I, O, S, V, Z "
            f"are used (got {number!r})",
            f"统一社会信用代码第 {pos} 位为 {char!r}；只能使用数字和除 I、O、S、V、Z 外的大写字母",
            number,
        )
    if code[0] not in AUTHORITIES:
        raise fail(
            _WHAT,
            "authority",
            f"USCC character 1 must be a registering authority code "
            f"({', '.join(AUTHORITIES)}) (got {code[0]!r} in {code})",
            f"统一社会信用代码第 1 位应为登记管理部门代码（{'、'.join(AUTHORITIES)}），收到 {code[0]!r}",
            number,
        )
    types = ENTITY_TYPES[code[0]]
    if code[1] not in types:
        raise fail(
            _WHAT,
            "entity_type",
            f"USCC character 2 must be an entity type of authority {code[0]} "
            f"{AUTHORITIES[code[0]][1]} ({', '.join(types)}) (got {code[1]!r} in {code})",
            f"统一社会信用代码第 2 位应为“{AUTHORITIES[code[0]][0]}”的机构类别代码"
            f"（{'、'.join(types)}），收到 {code[1]!r}",
            number,
        )
    if not code[2:8].isdigit():
        raise fail(
            _WHAT,
            "format",
            f"USCC characters 3-8 must be a 6-digit division code (got {code[2:8]!r} in {code})",
            f"统一社会信用代码第 3-8 位应为 6 位行政区划代码（收到 {code[2:8]!r}）",
            number,
        )
    expected = calc_check_digit(code)
    if code[17] != expected:
        raise fail(
            _WHAT,
            "checksum",
            f"USCC check character is {code[17]!r} but characters 1-17 give {expected!r} "
            f"(got {code}): a character was mistyped",
            f"统一社会信用代码校验码为 {code[17]!r}，按前 17 位计算应为 {expected!r}：有字符录入错误",
            number,
        )
    if check_division:
        division = code[2:8]
        ok = True
        try:
            DivisionCode(division)
        except IdentifierError:
            ok = False
        if not ok or not _division_known(division, registry):
            raise fail(
                _WHAT,
                "division",
                f"USCC characters 3-8 ({division}) are not a current or historical division "
                f"code (got {code})",
                f"统一社会信用代码第 3-8 位（{division}）不是现行或历史上的行政区划代码",
                number,
            )
    return code


def is_valid(number: object, *, check_division: bool = True) -> bool:
    """True when :func:`validate` accepts the code."""
    try:
        validate(number, check_division=check_division)
    except IdentifierError:
        return False
    return True


def format(number: object) -> str:
    """The canonical presentation: 18 characters, no separators."""
    return validate(number, check_division=False)


class USCC(IdentifierStr):
    """A valid unified social credit code (统一社会信用代码), usable as a pydantic field type.

    >>> code = USCC("91110000600037341L")
    >>> code.registration_authority.zh, code.entity_type.zh, code.division
    ('工商', '企业', DivisionCode('110000'))
    """

    __slots__ = ()

    json_pattern = r"^[0-9ANY][0-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
    json_examples = ("91110000600037341L", "91410500MA3X00000W")
    json_description = (
        "Unified social credit code (统一社会信用代码, GB 32100): 18 characters, check "
        "character verified, positions 3-8 a current or historical division code."
    )

    @classmethod
    def _canonical(cls, value: object) -> str:
        return validate(value)

    @property
    def registration_authority(self) -> Label:
        """Position 1, 登记管理部门 (``9`` 工商)."""
        zh, en = AUTHORITIES[self[0]]
        return Label(self[0], zh, en)

    @property
    def entity_type(self) -> Label:
        """Position 2, 机构类别 (``1`` 企业 under authority 9)."""
        zh, en = ENTITY_TYPES[self[0]][self[1]]
        return Label(self[1], zh, en)

    @property
    def division(self) -> DivisionCode | None:
        """Positions 3-8, the registering authority's division; ``None`` for 100000 (national)."""
        part = self[2:8]
        return None if part == NATIONAL_DIVISION else DivisionCode(part)

    @property
    def organisation_code(self) -> str:
        """Positions 9-17, 主体标识码 (the former organisation code, GB 11714)."""
        return str(self[8:17])

    @property
    def check_character(self) -> str:
        """Position 18."""
        return str(self[17])
