"""The headers the importer knows, beyond the ledger's own (``schema.COLUMN_LABELS``).

Offices name the same column many ways: the tier is 包保主体分级, 包保分级 or 分级; the
jurisdiction 乡镇区划代码 or 行政区划代码, or only a township *name* (所在乡镇); a cadre's group
of columns sits under 县级包保领导, 乡镇包保干部 or 村级包保干部. These lists are what the
importer recognises with no profile; a profile adds its own (``columns:``) on top.
"""

from __future__ import annotations

from typing import Final

from foodsafety.ledger._sheets import normal_header
from foodsafety.ledger.schema import COLUMN_LABELS, TABLES
from foodsafety.rules.import_profile import CadreGroup, ImportProfile
from foodsafety.vocab import Level

__all__ = ["DEFAULT_GROUPS", "IGNORED", "TABLE_WORDS", "ColumnMatcher"]

#: Headers that carry no ledger information: the row counter.
IGNORED: Final[frozenset[str]] = frozenset({"序号", "序號", "编号序号", "No.", "NO", "No"})

#: table -> extra headers per column (and per extra column of ``EXTRA_COLUMNS``).
EXTRA_HEADERS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "businesses": {
        "uscc": ("统一社会信用代码（注册号）", "信用代码", "社会统一信用代码"),
        "name": ("经营者名称", "主体名称（企业名称）", "市场主体名称", "企业（单位）名称"),
        "kind": ("主体类型", "业态类别", "类别"),
        "licences": ("许可证", "食品经营许可证号", "食品生产许可证号", "许可证编号（SC/JY）"),
        "jurisdiction": ("乡镇区划代码", "行政区划代码", "区划代码", "所在地区划代码", "乡镇代码"),
        "township_name": (
            "所在乡镇",
            "乡镇",
            "所属乡镇",
            "乡镇（街道）",
            "所在乡镇（街道）",
            "乡镇街道",
        ),
        "tier": ("包保主体分级", "分级", "主体分级", "包保等级", "包保级别"),
        "risk_grade": ("风险等级（ABCD）", "风险分级"),
        "principal": ("法定代表人", "法定代表人（负责人）", "负责人", "法人"),
        "director": ("食品安全总监姓名",),
        "officers": ("食品安全员姓名",),
        "opened": ("发证时间", "成立日期"),
        "address": ("经营地址", "经营场所", "住所", "地址", "生产地址"),
        "village": ("所在村", "村（社区）", "所在村（社区）", "村社区", "村"),
    },
    "cadres": {
        "cadre_id": ("编号", "人员编号"),
        "name": ("包保干部", "包保干部姓名", "包保领导"),
        "level": ("包保层级", "包保干部层级", "级别"),
        "jurisdiction": ("乡镇区划代码", "行政区划代码", "所在区划代码"),
        "township_name": ("所在乡镇", "乡镇", "所属乡镇", "乡镇（街道）"),
        "village": ("所在村", "村（社区）", "包保村"),
        "unit": ("工作单位", "单位", "所在单位", "单位及职务"),
        "post": ("现任职务",),
        "phone": ("联系电话", "电话", "手机", "手机号码", "联系方式"),
    },
    "assignments": {
        "cadre_name": ("包保干部", "包保干部姓名", "姓名"),
        "cadre_unit": ("工作单位", "单位", "包保干部单位"),
        "business_name": ("主体名称", "企业名称", "包保主体"),
        "valid_from": ("包保日期", "包保时间", "开始日期"),
        "valid_to": ("结束日期",),
    },
    "pledges": {
        "cadre_name": ("包保干部", "姓名"),
        "cadre_unit": ("工作单位", "单位"),
        "document": ("文书名称", "类型"),
        "signed": ("签订时间", "签字日期"),
    },
    "visits": {
        "date": ("督导时间", "日期", "督查日期", "检查日期"),
        "cadre_name": ("督导人", "督导干部", "包保干部", "包保干部姓名", "督查人"),
        "cadre_unit": ("督导人单位", "工作单位", "单位"),
        "business_name": ("主体名称", "企业名称", "督导对象", "被督导主体"),
        "mode": ("督导形式", "方式", "督查方式"),
        "problems": ("发现问题", "存在问题", "发现的问题"),
        "results": ("督导结果", "督导成效"),
        "task_list_status": ("任务清单落实", "落实情况"),
        "evidence": ("督导照片", "图片", "佐证材料"),
        "feedback_to": ("反馈情况", "问题反馈对象"),
    },
    "routines": {
        "business_name": ("主体名称", "企业名称"),
    },
}

#: Sub-headers of an embedded cadre's columns, standing alone (包保干部电话) or under a group's
#: merged header (县级包保领导 / 姓名).
GROUP_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "cadre_id": ("编号", "干部编号", "人员编号"),
    "name": ("姓名", "干部姓名"),
    "level": ("层级", "级别"),
    "jurisdiction": ("区划代码", "辖区代码"),
    "village": ("所在村", "包保村", "村（社区）"),
    "unit": ("单位", "工作单位", "所在单位", "单位及职务", "工作单位及职务"),
    "post": ("职务",),
    "phone": ("联系电话", "电话", "手机", "手机号码", "联系方式"),
    "valid_from": ("包保起始日期", "包保日期", "起始日期"),
    "valid_to": ("包保截止日期", "截止日期"),
    "pledge_signed": ("承诺书签订日期", "签订日期", "承诺书签订时间"),
}

#: The standalone form of each field: the sub-header with 包保干部 in front.
_FLAT_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "cadre_id": ("包保干部编号", "包保人编号"),
    "name": ("包保干部", "包保干部姓名", "包保人", "包保责任人"),
    "level": ("包保干部层级", "包保层级", "包保干部级别"),
    "jurisdiction": ("包保干部区划代码",),
    "village": ("包保村",),
    "unit": ("包保干部单位", "包保干部工作单位", "包保干部单位及职务", "包保人单位"),
    "post": ("包保干部职务", "包保人职务"),
    "phone": ("包保干部电话", "包保干部联系电话", "包保人电话"),
    "valid_from": ("包保起始日期", "包保日期"),
    "valid_to": ("包保截止日期",),
    "pledge_signed": ("承诺书签订日期", "承诺书签订时间", "签订承诺书日期"),
}

#: The groups a business row may embed when the profile names none: the pairing cadre's
#: columns standing alone, or one group per level.
DEFAULT_GROUPS: Final[tuple[CadreGroup, ...]] = (
    CadreGroup(columns=_FLAT_FIELDS),
    CadreGroup(header=("市级包保领导", "市级包保干部", "市级"), level=Level.CITY),
    CadreGroup(
        header=("县级包保领导", "县级包保干部", "县级", "县（区）级包保干部"), level=Level.COUNTY
    ),
    CadreGroup(
        header=("乡镇包保干部", "乡镇级包保干部", "乡级包保干部", "乡镇（街道）包保干部", "乡镇级"),
        level=Level.TOWNSHIP,
    ),
    CadreGroup(
        header=("村级包保干部", "村（社区）包保干部", "村（社区）级包保干部", "村级"),
        level=Level.VILLAGE,
    ),
)

#: Words in a sheet's or file's name that say which table it holds, most specific first.
TABLE_WORDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("routines", ("日管控", "周排查", "月调度", "三项制度")),
    ("pledges", ("承诺书", "三清单", "责任清单")),
    ("visits", ("督导", "督查", "检查记录", "走访")),
    ("assignments", ("包保关系", "包保对应", "包保分工")),
    ("cadres", ("干部", "人员名单", "包保人员", "名单")),
    ("businesses", ("主体", "企业", "台账", "经营者")),
)


class ColumnMatcher:
    """Which column, extra column or cadre-group field a header names, for one table."""

    def __init__(self, table: str, profile: ImportProfile) -> None:
        spec = profile.source_for(table)
        self.table = table
        self.columns: dict[str, str] = {}
        # the profile's own headers win over the built-in ones
        for column, heads in spec.columns.items():
            for h in heads:
                self.columns.setdefault(normal_header(h), column)
        for column, heads in COLUMN_LABELS[table].items():
            for h in (column, *heads):
                self.columns.setdefault(normal_header(h), column)
        for column, heads in EXTRA_HEADERS.get(table, {}).items():
            for h in heads:
                self.columns.setdefault(normal_header(h), column)
        for column in TABLES[table]:
            self.columns.setdefault(normal_header(column), column)
        self.groups: tuple[CadreGroup, ...] = ()
        if table == "businesses":
            self.groups = spec.cadres or DEFAULT_GROUPS
        self._group_heads: dict[str, int] = {}
        self._flat: dict[str, tuple[int, str]] = {}
        self._subs: dict[int, dict[str, str]] = {}
        for n, group in enumerate(self.groups):
            subs: dict[str, str] = {}
            for field, heads in group.columns.items():
                for h in heads:
                    subs.setdefault(normal_header(h), field)
            if group.header:
                for h in group.header:
                    self._group_heads.setdefault(normal_header(h), n)
                for field, heads in GROUP_FIELDS.items():
                    for h in heads:
                        subs.setdefault(normal_header(h), field)
            else:
                for key, field in subs.items():
                    self._flat.setdefault(key, (n, field))
            self._subs[n] = subs

    def column(self, header: str) -> str | None:
        """The ledger or extra column ``header`` names."""
        return self.columns.get(normal_header(header))

    def group_field(self, header: str) -> tuple[int, str] | None:
        """The (group number, cadre field) ``header`` names: ``县级包保领导/姓名`` or
        ``包保干部电话``."""
        key = normal_header(header)
        if "/" in key:
            top, _, sub = key.partition("/")
            n = self._group_heads.get(top)
            if n is None:
                return None
            field = self._subs[n].get(sub)
            return None if field is None else (n, field)
        return self._flat.get(key)

    def is_group_header(self, header: str) -> bool:
        """True for the merged header of a cadre group (县级包保领导)."""
        return normal_header(header) in self._group_heads

    def is_sub_header(self, header: str) -> bool:
        """True for a header that may stand under a group's merged header (姓名, 联系电话)."""
        key = normal_header(header)
        return any(key in subs for subs in self._subs.values()) or key in self.columns

    def knows(self, header: str) -> bool:
        """True when ``header`` names anything of this table (for finding the header row)."""
        key = normal_header(header)
        return (
            key in self.columns
            or key in self._flat
            or key in self._group_heads
            or key in IGNORED
            or self.group_field(header) is not None
        )
