"""Realistic office exports, built cell by cell with openpyxl and csv (not by the library's own
renderer), with known injected faults: what county and township offices actually send.

Every business, cadre and person is synthetic (合成); the division codes and township names are
the real ones of 安阳县 (410522) in the bundled registry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

from foodsafety.ids.uscc import calc_check_digit

COUNTY = "410522"  # 安阳县
TONGYE, BAIBI, LVCUN = "410522102", "410522106", "410522108"  # 铜冶镇, 白璧镇, 吕村镇


def uscc(n: int, county: str = COUNTY) -> str:
    """A valid USCC of a business registered in ``county`` (serial ``n``)."""
    body = f"91{county}MA{n:07d}"
    return body + calc_check_digit(body)


#: (name, township name, tier as written, cadre id, cadre name, cadre level as written,
#: pledge date cell) for the county workbook's businesses; the faults are marked.
BUSINESSES = [
    ("合成样本铜冶饭店", "铜冶镇", "B级", "AY-001", "张合成", "县级", dt.datetime(2023, 2, 24)),
    ("合成样本铜冶超市", "铜冶镇", "C级", "AY-101", "李合成", "乡镇级", "2023/2/24"),
    ("合成样本铜冶小卖部", "铜冶镇", "D级", "AY-201", "王合成", "村级", "2023年2月24日"),
    ("合成样本白璧面馆", "白璧镇", "B", "AY-001", "张合成", "县级", 44981),
    ("合成样本白璧粮油店", "白璧镇", "C级", "AY-102", "赵合成", "乡级", "2023.2.25"),
    ("合成样本白璧豆腐坊", "白璧镇", "D级", "AY-202", "钱合成", "村（社区）级", "2023-02-25"),
    ("合成样本吕村食堂", "吕村镇", "B级", "AY-002", "孙合成", "县", None),
    ("合成样本吕村烧饼铺", "吕村镇", "C", "AY-103", "周合成", "乡镇级", None),
    # fault: no pairing cadre at all (unpaired: the one true audit finding of its kind)
    ("合成样本吕村冷饮店", "吕村镇", "C级", None, None, None, None),
    # fault: a township that is not in 安阳县 (水冶镇 is in 殷都区)
    ("合成样本水冶烩面馆", "水冶镇", "C级", "AY-101", "李合成", "乡镇级", None),
    # fault: a tier that does not exist
    ("合成样本铜冶茶馆", "铜冶镇", "E级", "AY-101", "李合成", "乡镇级", None),
]
#: spreadsheet rows (as Excel shows them) of the faulty businesses in 包保主体台账
ROW_UNPAIRED = 13  # title row 1, 填报 row 2, header row 3, data from 4; a blank row after the 8th
ROW_BAD_TOWNSHIP = ROW_UNPAIRED + 1
ROW_BAD_TIER = ROW_UNPAIRED + 2

#: (id, name, level, township, village, unit, post, phone)
CADRES = [
    ("AY-001", "张合成", "县级", None, None, "安阳县人民政府", "县委常委", "13800000001"),
    ("AY-002", "孙合成", "县级", None, None, "安阳县人民政府", "副县长", "13800000002"),
    ("AY-101", "李合成", "乡镇级", "铜冶镇", None, "铜冶镇人民政府", "镇党委书记", "13800000101"),
    ("AY-102", "赵合成", "乡镇级", "白璧镇", None, "白璧镇人民政府", "镇长", "13800000102"),
    ("AY-103", "周合成", "乡镇级", "吕村镇", None, "吕村镇人民政府", "副镇长", "13800000103"),
    # village cadres registered under their township's code, the village only a name
    ("AY-201", "王合成", "村级", "铜冶镇", "东街村", "东街村委会", "村支部书记", "13800000201"),
    (
        "AY-202",
        "钱合成",
        "村（社区）级",
        "白璧镇",
        "西街村",
        "西街村委会",
        "村委会主任",
        "13800000202",
    ),
]

#: (date cell, visiting cadre's name, business index, mode as written, problems)
VISITS = [
    (dt.datetime(2022, 3, 10), "张合成", 0, "现场督导", ""),
    ("2022/6/12", "张合成", 0, "视频督导", "进货查验记录不全"),
    ("2022年9月1日", "张合成", 3, "现场督导", ""),
    (44900, "孙合成", 6, "电话督导", ""),
    ("2022.10.8", "李合成", 1, "现场督导", "从业人员健康证过期；索证索票不全"),
    ("2022-11-20", "王合成", 2, "联合督导", ""),
    ("2022-12-01", "钱合成", 5, "现场督导", ""),
]


def _merged_title(ws: openpyxl.worksheet.worksheet.Worksheet, text: str, width: int) -> None:
    ws.cell(row=1, column=1, value=text)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")


def county_workbook(path: Path) -> Path:
    """安阳县's pairing ledger as one workbook: 包保主体台账 (wide, a title row and a 填报 row
    above the header, a 序号 column, a blank row, footer rows), 包保干部名单 and 督导记录 (no
    visit ids, cadres by name)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "包保主体台账"
    header = [
        "序号",
        "主体名称",
        "统一社会信用代码",
        "主体业态",
        "所在乡镇",
        "包保主体分级",
        "主要负责人",
        "包保干部编号",
        "包保干部",
        "包保干部层级",
        "承诺书签订日期",
        "备注",
    ]
    _merged_title(ws, "安阳县2023年度食品生产经营主体包保责任台账（合成样本）", len(header))
    ws.cell(row=2, column=1, value="填报单位（盖章）：安阳县食安办")
    ws.cell(row=2, column=9, value="填报日期：2023年3月1日")
    ws.append(header)
    row = 4
    for n, (name, town, tier, cid, cname, level, signed) in enumerate(BUSINESSES, start=1):
        if n == 9:
            row += 1  # a blank row in the middle of the data
        values = [
            n,
            name,
            uscc(n),
            "餐饮服务" if "饭" in name or "面" in name else "食品销售",
            town,
            tier,
            f"合成负责人{n:02d}",
            cid,
            cname,
            level,
            signed,
            None,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
        row += 1
    ws.cell(row=row, column=1, value="合计")
    ws.cell(row=row, column=2, value=f"{len(BUSINESSES)}户")
    ws.cell(row=row + 1, column=1, value="填报人：合成甲")
    ws.cell(row=row + 1, column=5, value="审核人：合成乙")
    ws.cell(row=row + 1, column=9, value="填报日期：2023年3月1日")

    people = wb.create_sheet("包保干部名单")
    heads = [
        "序号",
        "干部编号",
        "姓名",
        "层级",
        "所在乡镇",
        "所在村",
        "工作单位",
        "职务",
        "联系电话",
    ]
    _merged_title(people, "安阳县包保干部名单（合成样本）", len(heads))
    people.append(heads)
    for n, c in enumerate(CADRES, start=1):
        people.append([n, *c])

    visits = wb.create_sheet("督导记录")
    heads = ["序号", "督导日期", "督导人", "统一社会信用代码", "主体名称", "督导方式", "存在的问题"]
    _merged_title(visits, "包保干部督导记录（合成样本）", len(heads))
    visits.append(heads)
    for n, (day, who, b, mode, problems) in enumerate(VISITS, start=1):
        visits.append([n, day, who, uscc(b + 1), BUSINESSES[b][0], mode, problems or None])
    wb.save(path)
    return path


def township_csv(directory: Path, *, encoding: str = "gbk") -> Path:
    """铜冶镇's ledger as CSV files saved by WPS: a title line above the header, the township
    as a *name*, the pairing cadre embedded and known by name and unit only, GBK text."""
    directory.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["铜冶镇食品生产经营主体包保台账（合成样本）"])
    w.writerow(
        [
            "序号",
            "企业名称",
            "统一社会信用代码",
            "业态",
            "所在乡镇",
            "所在村",
            "分级",
            "负责人",
            "包保干部",
            "包保干部单位",
            "包保干部层级",
        ]
    )
    rows = [
        ("合成样本铜冶面馆", "东街村", "C级", "李合成", "铜冶镇人民政府", "乡镇级"),
        ("合成样本铜冶菜店", "东街村", "D级", "王合成", "东街村委会", "村级"),
        ("合成样本铜冶肉铺", "西街村", "D级", "王合成", "东街村委会", "村级"),
        ("合成样本铜冶茶社", None, "C级", "李合成", "铜冶镇人民政府", "乡镇级"),
    ]
    for n, (name, village, tier, cadre, unit, level) in enumerate(rows, start=1):
        w.writerow(
            [
                n,
                name,
                uscc(100 + n),
                "餐饮服务",
                "铜冶镇",
                village or "",
                tier,
                f"合成负责人{n}",
                cadre,
                unit,
                level,
            ]
        )
    w.writerow(["合计：4户"])
    (directory / "包保主体台账.csv").write_bytes(out.getvalue().encode(encoding))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["督导日期", "督导人", "督导人单位", "统一社会信用代码", "督导方式"])
    w.writerow(["2022/10/9", "李合成", "铜冶镇人民政府", uscc(101), "现场督导"])
    w.writerow(["2022年10月9日", "王合成", "东街村委会", uscc(102), "视频督导"])
    w.writerow(["2022.10.10", "王合成", "东街村委会", uscc(103), "现场"])
    (directory / "督导记录.csv").write_bytes(out.getvalue().encode(encoding))
    return directory


def city_levels_workbook(path: Path) -> Path:
    """A city's export with one column group per level under merged headers (县级包保领导 /
    乡镇包保干部 / 村级包保干部, each 姓名 / 职务 / 联系电话), 序号 and the business columns
    merged over both header rows, dates as Excel serial numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "包保台账"
    _merged_title(ws, "安阳市2023年包保台账（合成样本）", 16)
    single = [
        "序号",
        "主体名称",
        "统一社会信用代码",
        "业态",
        "乡镇区划代码",
        "包保分级",
        "主要负责人",
    ]
    for col, text in enumerate(single, start=1):
        ws.cell(row=2, column=col, value=text)
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    col = len(single) + 1
    for group in ("县级包保领导", "乡镇包保干部", "村级包保干部"):
        ws.cell(row=2, column=col, value=group)
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 2)
        for k, sub in enumerate(("姓名", "单位", "联系电话")):
            ws.cell(row=3, column=col + k, value=sub)
        col += 3
    data = [
        # a business paired at all three levels
        (
            "合成样本铜冶酒楼",
            TONGYE,
            "B级",
            ("张合成", "安阳县人民政府"),
            ("李合成", "铜冶镇人民政府"),
            ("王合成", "东街村委会"),
        ),
        ("合成样本白璧酒楼", BAIBI, "C级", None, ("赵合成", "白璧镇人民政府"), None),
        ("合成样本吕村小吃", LVCUN + "201", "D级", None, None, ("吴合成", "吕村村委会")),
    ]
    for n, (name, code, tier, county, town, village) in enumerate(data, start=1):
        values: list[object] = [n, name, uscc(200 + n), "餐饮服务", code, tier, f"合成负责人{n}"]
        for who in (county, town, village):
            values += [who[0], who[1], "138000000"] if who else [None, None, None]
        ws.append(values)
    wb.save(path)
    return path
