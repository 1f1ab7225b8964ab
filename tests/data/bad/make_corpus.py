"""Regenerate the malformed-ledger corpus (run from the repository root:
``python tests/data/bad/make_corpus.py``). The files are committed; the tests read them.

``ledger/`` is one small Anyang ledger in CSV where each table mixes valid rows with rows that
break one rule each (see README.md); ``empty/`` holds a zero-byte file; ``gbk/`` a valid table
saved in GBK; ``traditional/`` valid rows written with traditional-character labels.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from stdnum.cn import uscc as stdnum_uscc

HERE = Path(__file__).parent


def uscc(body: str) -> str:
    head = "91410500" + body
    return head + stdnum_uscc.calc_check_digit(head)


U1 = uscc("MA3X00001")
U2 = uscc("MA3X00002")
U9 = uscc("MA3X00009")
U4 = uscc("MA3X00004")  # valid code, but its business row has an unknown division
GOOD = uscc("MA3X00003")
BAD_CHECK = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")

BUSINESS_HEADER = [
    "uscc", "name", "kind", "licences", "jurisdiction", "tier", "risk_grade", "principal",
    "director", "officers", "opened", "closed", "status_changed",
]  # fmt: skip

BUSINESSES = [
    [U1, "安阳某食品有限公司", "食品生产", '["SC10641052210001"]', "410522102", "A级", "B", "张三", "赵六", '["李四"]', "2018-03-01", "", ""],
    [U2, "文峰区某餐馆", "餐饮服务", "JY24105020000002", "410502001201", "D", "", "孙八", "", "", "2020-06-01", "", ""],
    [BAD_CHECK, "校验码错误的主体", "catering", "", "410522102", "C", "", "某", "", "", "", "", ""],
    [U4, "区划不存在的主体", "operation", "", "410599001", "C", "", "某", "", "", "", "", ""],
    [uscc("MA3X00005"), "等级未知的主体", "operation", "", "410522102", "E级", "", "某", "", "", "", "", ""],
    [uscc("MA3X00006"), "未来开业的主体", "operation", "", "410522102", "C", "", "某", "", "", "2031-01-01", "", ""],
    [uscc("MA3X00007"), "注销早于开业的主体", "operation", "", "410522102", "C", "", "某", "", "", "2020-01-01", "2019-01-01", ""],
    [U1, "重复的主体", "production", "", "410522102", "A", "", "某", "", "", "", "", ""],
    [U9, "繁體標籤的主體", "餐飲服務", "", "410581001", "B級", "C級風險", "周九", "吳十", "", "", "", ""],
    [uscc("MA3X00010"), "许可证类型不符的生产主体", "production", "JY24105220000010", "410522102", "A", "", "某", "", "", "", "", ""],
]  # fmt: skip

CADRES = [
    ["cadre_id", "name", "level", "jurisdiction", "unit", "post", "active_from", "active_to"],
    ["C001", "高永", "市", "410500", "安阳市人民政府", "市长", "", ""],
    ["C002", "某县干部", "縣", "410522", "", "", "", ""],
    ["C003", "某镇干部", "鄉鎮", "410581001", "", "", "", ""],
    ["C004", "某村干部", "村", "410502001201", "", "", "", ""],
    ["C005", "层级不符的干部", "县", "410522102", "", "", "", ""],
    ["C001", "重复的干部", "市", "410500", "", "", "", ""],
]

ASSIGNMENTS = [
    ["assignment_id", "cadre_id", "uscc", "valid_from", "valid_to"],
    ["A1", "C001", U1, "2022-11-11", ""],
    ["A2", "C004", U2, "2022-11-11", ""],
    ["A3", "C999", U1, "2022-11-11", ""],
    ["A4", "C002", BAD_CHECK, "2022-11-11", ""],
    ["A5", "C002", U9, "2022-12-01", "2022-11-01"],
    ["A6", "C003", U9, "2022-11-11", ""],
    ["A7", "C002", U4, "2022-11-11", ""],
]

PLEDGES = [
    ["cadre_id", "document", "signed", "counterpart", "scan_ref"],
    ["C001", "承諾書", "2022-12-01", "袁家健", "scan/C001.pdf"],
    ["C002", "責任清單", "2022-12-02", "", ""],
    ["C003", "清单X", "", "", ""],
    ["C999", "pledge", "", "", ""],
]

VISITS = [
    ["visit_id", "date", "cadre_id", "uscc", "mode", "task_list_status", "results", "problems",
     "evidence", "feedback_to", "follow_up_of", "problems_resolved"],
    ["V1", "2022-12-10", "C001", U1, "現場", "基本落实", "良好", "台账不全;记录缺失", "", "安阳县市场监管局", "", ""],
    ["V2", "2022-12-20", "C001", U1, "視頻", "", "", "", "", "", "V1", "是"],
    ["V3", "2022-13-01", "C001", U1, "现场", "", "", "", "", "", "", ""],
    ["V4", "2022-12-21", "C001", U1, "现场", "", "", "", "", "", "V9", ""],
    ["V5", "2022-12-22", "C001", U1, "飞行检查", "", "", "", "", "", "", ""],
]  # fmt: skip

ROUTINES = [
    ["uscc", "routine", "period_start", "signed_by", "signer_post"],
    [U1, "日管控", "2022-12-01", "李四", "食品安全員"],
    [U1, "週排查", "2022-12-06", "赵六", "食品安全总监"],
    [U1, "月調度", "2022-12-01", "张三", "主要負責人"],
    [U1, "周排查", "2022-12-05", "王五", "食品安全员"],
]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def main() -> None:
    ledger = HERE / "ledger"
    ledger.mkdir(exist_ok=True)
    tables = {
        "businesses": [BUSINESS_HEADER, *BUSINESSES],
        "cadres": CADRES,
        "assignments": ASSIGNMENTS,
        "pledges": PLEDGES,
        "visits": VISITS,
        "routines": ROUTINES,
    }
    for name, rows in tables.items():
        (ledger / f"{name}.csv").write_text(_csv(rows), encoding="utf-8")
    (HERE / "empty").mkdir(exist_ok=True)
    (HERE / "empty" / "businesses.csv").write_bytes(b"")
    (HERE / "gbk").mkdir(exist_ok=True)
    (HERE / "gbk" / "cadres.csv").write_bytes(_csv(CADRES[:5]).encode("gbk"))
    (HERE / "traditional").mkdir(exist_ok=True)
    (HERE / "traditional" / "businesses.csv").write_text(
        _csv(
            [
                BUSINESS_HEADER,
                [U9, "繁體標籤的主體", "餐飲服務", "", "410581001", "B級", "C級風險", "周九", "吳十", "", "", "", ""],
                [U1, "生產企業", "食品生產", "SC10641052210001", "410522102", "A級", "", "張三", "", "", "", "", ""],
            ]
        ),
        encoding="utf-8-sig",
    )  # fmt: skip


if __name__ == "__main__":
    main()
