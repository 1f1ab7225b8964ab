"""A corpus of broken exports: each gives a typed, located error or warning, and every usable
row is kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from tests.import_fixtures import uscc

from foodsafety.errors import FoodSafetyError, LoadError, RuleError
from foodsafety.ledger.importing import import_ledger, infer_profile
from foodsafety.presets import import_profile, import_profiles
from foodsafety.rules.import_profile import ImportProfile, load_import_profile

AS_OF = dt.date(2023, 3, 1)
HEADER = ["序号", "主体名称", "统一社会信用代码", "业态", "乡镇区划代码", "包保分级", "主要负责人"]


def _row(n: int, code: str = "410522102") -> list[object]:
    return [n, f"合成样本{n}", uscc(n), "餐饮服务", code, "C级", f"合成负责人{n}"]


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_no_header_found(tmp_path: Path) -> None:
    path = _book(tmp_path / "a.xlsx", {"包保主体台账": [["某县台账"], ["甲", "乙"], [1, 2]]})
    with pytest.raises(LoadError) as err:
        import_ledger(path, as_of=AS_OF)
    assert err.value.code == "import.no_header"
    assert err.value.source == f"{path}[包保主体台账]"
    assert "header_row" in str(err.value)


def test_two_candidate_header_rows(tmp_path: Path) -> None:
    other = ["序号", "企业名称", "社会信用代码", "主体业态", "行政区划代码", "分级", "负责人"]
    path = _book(tmp_path / "a.xlsx", {"包保主体台账": [HEADER, other, _row(1)]})
    with pytest.raises(LoadError) as err:
        import_ledger(path, as_of=AS_OF)
    assert err.value.code == "import.ambiguous_header"
    assert err.value.row == 2
    assert err.value.value == [1, 2]


def test_a_given_header_row_settles_two_candidates(tmp_path: Path) -> None:
    other = ["序号", "企业名称", "社会信用代码", "主体业态", "行政区划代码", "分级", "负责人"]
    path = _book(tmp_path / "a.xlsx", {"包保主体台账": [HEADER, other, _row(1)]})
    profile = ImportProfile(name="p", tables={"businesses": {"header_row": 2}})
    ledger, report = import_ledger(path, profile, as_of=AS_OF)
    assert ledger.counts()["businesses"] == 1, report.summary()


def test_a_header_repeated_on_every_page_is_one_header(tmp_path: Path) -> None:
    rows = [HEADER, _row(1), _row(2), HEADER, _row(3)]
    ledger, report = import_ledger(_book(tmp_path / "a.xlsx", {"包保主体台账": rows}), as_of=AS_OF)
    assert report.ok, report.summary()
    assert ledger.counts()["businesses"] == 3


def test_an_unmappable_column_is_a_warning_and_keeps_its_rows(tmp_path: Path) -> None:
    rows = [[*HEADER, "经营面积（平方米）"], [*_row(1), "120"], [*_row(2), "80"]]
    path = _book(tmp_path / "a.xlsx", {"包保主体台账": rows})
    ledger, report = import_ledger(path, as_of=AS_OF)
    assert ledger.counts()["businesses"] == 2
    (warning,) = report.warnings()
    assert (warning.code, warning.column, warning.row) == (
        "column.unknown",
        "经营面积（平方米）",
        1,
    )
    assert report.ok


def test_a_township_name_not_in_the_county(tmp_path: Path) -> None:
    header = ["序号", "主体名称", "统一社会信用代码", "业态", "所在乡镇", "包保分级", "主要负责人"]
    rows = [header, [1, "甲", uscc(1), "餐饮服务", "铜冶镇", "C", "某"]]
    rows.append([2, "乙", uscc(2), "餐饮服务", "不存在镇", "C", "某"])
    profile = ImportProfile(name="p", county="410522")
    ledger, report = import_ledger(_book(tmp_path / "a.xlsx", {"主体": rows}), profile, as_of=AS_OF)
    assert ledger.businesses.get_column("uscc").to_list() == [uscc(1)]
    (error,) = report.errors()
    assert (error.code, error.row, error.column, error.value) == (
        "township.unknown",
        3,
        "所在乡镇",
        "不存在镇",
    )
    assert "410522" in error.message


def test_an_ambiguous_township_name_names_its_candidates(tmp_path: Path) -> None:
    # 殷都区 (410505) has both 水冶街道 and 水冶镇
    header = ["主体名称", "统一社会信用代码", "业态", "所在乡镇", "包保分级", "主要负责人"]
    rows = [header, ["甲", uscc(1, "410505"), "餐饮服务", "水冶", "C", "某"]]
    rows.append(["乙", uscc(2, "410505"), "餐饮服务", "水冶镇", "C", "某"])
    profile = ImportProfile(name="p", county="410505")
    ledger, report = import_ledger(_book(tmp_path / "a.xlsx", {"主体": rows}), profile, as_of=AS_OF)
    assert ledger.businesses.get_column("jurisdiction").to_list() == ["410505101"]
    (error,) = report.errors()
    assert error.code == "township.ambiguous"
    assert "410505003" in error.message and "410505101" in error.message


def test_a_table_split_across_two_sheets_is_read_whole(tmp_path: Path) -> None:
    sheets = {
        "包保主体台账（一）": [["某县台账（一）"], HEADER, _row(1), _row(2)],
        "包保主体台账（二）": [HEADER, _row(3), ["合计：1户"]],
    }
    path = _book(tmp_path / "a.xlsx", sheets)
    ledger, report = import_ledger(path, "county_workbook", as_of=AS_OF)
    assert report.ok, report.summary()
    assert ledger.businesses.get_column("uscc").to_list() == [uscc(1), uscc(2), uscc(3)]


def test_a_bad_row_in_the_second_sheet_is_located_in_it(tmp_path: Path) -> None:
    bad = _row(4)
    bad[2] = uscc(4)[:-1] + ("0" if uscc(4)[-1] != "0" else "1")
    sheets = {"包保主体台账（一）": [HEADER, _row(1)], "包保主体台账（二）": [HEADER, _row(3), bad]}
    ledger, report = import_ledger(_book(tmp_path / "a.xlsx", sheets), as_of=AS_OF)
    assert ledger.counts()["businesses"] == 2
    (error,) = report.errors()
    assert error.source is not None and error.source.endswith("[包保主体台账（二）]")
    assert (error.row, error.column) == (3, "统一社会信用代码")


def test_a_sheet_with_no_table_is_a_warning(tmp_path: Path) -> None:
    sheets = {"包保主体台账": [HEADER, _row(1)], "填表说明": [["请按要求填写"]]}
    ledger, report = import_ledger(_book(tmp_path / "a.xlsx", sheets), as_of=AS_OF)
    assert ledger.counts()["businesses"] == 1
    assert [(p.code, p.source) for p in report.warnings()] == [
        ("import.sheet_ignored", f"{tmp_path / 'a.xlsx'}[填表说明]")
    ]


def test_a_required_column_nowhere_is_a_located_load_error(tmp_path: Path) -> None:
    rows = [["序号", "主体名称", "统一社会信用代码", "业态"], [1, "甲", uscc(1), "餐饮服务"]]
    with pytest.raises(LoadError) as err:
        import_ledger(_book(tmp_path / "a.xlsx", {"包保主体台账": rows}), as_of=AS_OF)
    assert err.value.code == "load.missing_column"
    assert "jurisdiction" in str(err.value) and "主体名称" in str(err.value)


def test_a_csv_that_is_neither_utf8_nor_gb18030(tmp_path: Path) -> None:
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "主体.csv").write_bytes(b"\xff\xfe\x00\xd8 broken")
    with pytest.raises(LoadError) as err:
        import_ledger(directory, as_of=AS_OF)
    assert err.value.code == "load.encoding"


def test_a_gbk_csv_with_a_title_line(tmp_path: Path) -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["某县包保台账"])
    w.writerow(HEADER)
    w.writerow(_row(1))
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "包保主体台账.csv").write_bytes(out.getvalue().encode("gbk"))
    ledger, report = import_ledger(directory, as_of=AS_OF)
    assert report.ok
    assert ledger.businesses.row(0, named=True)["name"] == "合成样本1"


def test_errors_are_of_the_one_hierarchy(tmp_path: Path) -> None:
    with pytest.raises(FoodSafetyError):
        import_ledger(tmp_path / "missing.xlsx")


# -- profiles -----------------------------------------------------------------------------


def test_shipped_profiles_load() -> None:
    assert set(import_profiles()) >= {"county_workbook", "township_csv"}
    for name in import_profiles():
        assert import_profile(name).name == name


def test_an_unknown_profile_name_lists_the_shipped_ones() -> None:
    with pytest.raises(RuleError) as err:
        import_profile("nope")
    assert "county_workbook" in str(err.value)


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("name: p\ntables:\n  businesses:\n    header_row: 0\n", 4, "tables.businesses.header_row"),
        (
            "name: p\ntables:\n  businesses:\n    cadres:\n      - columns: {age: [年龄]}\n",
            5,
            "tables.businesses.cadres.0.columns",
        ),
        ("name: p\ncounty: '410522102'\n", 2, "county"),
        ("name: p\ndefaults: {valid_from: 2023-01-01}\n", 2, "defaults"),
        ("name: p\ntables:\n  cadrez: {}\n", 3, "tables.cadrez"),
    ],
)
def test_a_malformed_profile_names_file_line_and_key(text: str, line: int, field: str) -> None:
    with pytest.raises(RuleError) as err:
        load_import_profile("my.yaml", text=text)
    assert err.value.source == "my.yaml"
    assert err.value.row == line
    assert (err.value.field or "").startswith(field.split(".")[0])
    assert "A valid import profile looks like" in str(err.value)


def test_a_profile_round_trips_through_yaml() -> None:
    profile = import_profile("county_workbook")
    assert load_import_profile("p.yaml", text=profile.to_yaml()) == profile


def test_infer_profile_says_what_it_could_not_map(tmp_path: Path) -> None:
    rows = [["某县台账"], [*HEADER, "经营面积"], [*_row(1), "120"]]
    path = _book(tmp_path / "a.xlsx", {"包保主体台账": rows, "说明": [["填表说明"]]})
    found = infer_profile(path)
    spec = found.profile.tables["businesses"]
    assert spec.header_row == 2
    assert spec.columns["tier"] == ("包保分级",)
    assert found.unmapped[f"{path}[包保主体台账]"] == ("经营面积",)
    assert found.ignored == (f"{path}[说明]",)
    text = found.to_yaml()
    assert "经营面积" in text
    written = found.write(tmp_path / "p.yaml")
    assert load_import_profile(written) == found.profile


def test_a_header_given_below_the_first_thirty_rows(tmp_path: Path) -> None:
    notes = [[f"说明第{i}行"] for i in range(40)]
    path = _book(tmp_path / "a.xlsx", {"包保主体台账": [*notes, HEADER, _row(1), _row(2)]})
    profile = ImportProfile(name="p", tables={"businesses": {"header_row": 41}})
    ledger, report = import_ledger(path, profile, as_of=AS_OF)
    assert report.ok, report.summary()
    assert ledger.counts()["businesses"] == 2
    bad = ImportProfile(name="p", tables={"businesses": {"header_row": 99}})
    with pytest.raises(LoadError) as err:
        import_ledger(path, bad, as_of=AS_OF)
    assert err.value.code == "import.no_header"


def test_gbk_bytes_after_a_utf8_start_are_a_located_error(tmp_path: Path) -> None:
    directory = tmp_path / "d"
    directory.mkdir()
    lines = [",".join(HEADER)] + [",".join(map(str, _row(n))) for n in range(1, 40000)]
    body = "\n".join(lines).encode("utf-8") + "\n1,甲乙,x,餐饮服务,410522102,C级,某\n".encode("gbk")
    (directory / "包保主体台账.csv").write_bytes(body)
    with pytest.raises(LoadError) as err:
        import_ledger(directory, as_of=AS_OF)
    assert err.value.code == "load.encoding"
    assert err.value.row == 40001


def test_two_visits_of_one_day_get_two_ids(tmp_path: Path) -> None:
    cadres = [["干部编号", "姓名", "层级", "区划代码"], ["AY-1", "甲", "乡镇级", "410522102"]]
    visits = [["督导日期", "干部编号", "统一社会信用代码", "督导方式"]]
    visits += [["2022/5/1", "AY-1", uscc(1), "现场"], ["2022-05-01", "AY-1", uscc(1), "视频"]]
    visits += [["2022-05-02", "AY-1", uscc(1), "现场"]]
    sheets = {"包保主体台账": [HEADER, _row(1)], "包保干部名单": cadres, "督导记录": visits}
    ledger, report = import_ledger(_book(tmp_path / "a.xlsx", sheets), as_of=AS_OF)
    assert report.ok, report.summary()
    assert ledger.visits.get_column("visit_id").to_list() == [
        f"{uscc(1)}/2022-05-01/AY-1",
        f"{uscc(1)}/2022-05-01/AY-1#2",
        f"{uscc(1)}/2022-05-02/AY-1",
    ]


def test_a_profile_says_which_columns_make_a_visit_id(tmp_path: Path) -> None:
    cadres = [["干部编号", "姓名", "层级", "区划代码"], ["AY-1", "甲", "乡镇级", "410522102"]]
    visits = [["督导日期", "干部编号", "统一社会信用代码", "督导方式"]]
    visits += [["2022/5/1", "AY-1", uscc(1), "现场"], ["2022-05-02", "AY-1", uscc(1), "视频"]]
    sheets = {"包保主体台账": [HEADER, _row(1)], "包保干部名单": cadres, "督导记录": visits}
    profile = ImportProfile(name="p", tables={"visits": {"ids": ["cadre_id", "uscc"]}})
    ledger, report = import_ledger(_book(tmp_path / "a.xlsx", sheets), profile, as_of=AS_OF)
    assert report.ok, report.summary()
    assert ledger.visits.get_column("visit_id").to_list() == [
        f"AY-1/{uscc(1)}",
        f"AY-1/{uscc(1)}#2",
    ]
