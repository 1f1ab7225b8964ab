"""The malformed-ledger corpus (tests/data/bad/): every bad row is located and typed, every
valid row is kept. See tests/data/bad/make_corpus.py for what each row breaks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from foodsafety.errors import BulkValidationError, LoadError, UnlistedLabelWarning
from foodsafety.ledger import Ledger, load_ledger, write_parquet
from foodsafety.vocab import BusinessKind, PairingList, PairingTier, RiskGrade

BAD = Path(__file__).parent / "data" / "bad"
AS_OF = dt.date(2026, 1, 1)

#: (file, data row, column, reason code) of every problem in tests/data/bad/ledger.
EXPECTED = [
    ("businesses.csv", 3, "uscc", "uscc.checksum"),
    ("businesses.csv", 4, "jurisdiction", "registry.unknown"),
    ("businesses.csv", 5, "tier", "vocab.unknown"),
    ("businesses.csv", 6, "opened", "date.future"),
    ("businesses.csv", 7, "closed", "date.reversed"),
    ("businesses.csv", 8, "uscc", "key.duplicate"),
    ("businesses.csv", 10, "licences", "business.licence_kind"),
    ("cadres.csv", 5, "jurisdiction", "cadre.level_mismatch"),
    ("cadres.csv", 6, "cadre_id", "key.duplicate"),
    ("assignments.csv", 3, "cadre_id", "ref.cadre_missing"),
    ("assignments.csv", 4, "uscc", "uscc.checksum"),
    ("assignments.csv", 5, "valid_to", "date.reversed"),
    ("assignments.csv", 7, "uscc", "ref.business_missing"),
    ("pledges.csv", 3, "document", "vocab.unknown"),
    ("pledges.csv", 4, "cadre_id", "ref.cadre_missing"),
    ("visits.csv", 3, "date", "date.invalid"),
    ("visits.csv", 4, "follow_up_of", "ref.visit_missing"),
    ("visits.csv", 5, "mode", "vocab.unlisted"),  # a warning: the row is kept
    ("routines.csv", 2, "period_start", "routine.period_start"),
    ("routines.csv", 4, "signer_post", "routine.signer_post"),
]

KEPT = {"businesses": 3, "cadres": 4, "assignments": 3, "pledges": 2, "visits": 3, "routines": 2}


def test_every_bad_row_is_reported_and_every_valid_row_kept() -> None:
    ledger, report = load_ledger(BAD / "ledger", as_of=AS_OF)
    got = [(Path(p.source or "").name, p.row, p.column, p.code) for p in report]
    assert got == EXPECTED
    assert ledger.counts() == KEPT
    # every problem names the record type and carries the offending value and messages
    for p in report:
        assert p.record and p.field == p.column and p.value is not None
        assert p.message and p.message_zh


def test_kept_rows_are_exactly_the_valid_ones() -> None:
    ledger, _ = load_ledger(BAD / "ledger", as_of=AS_OF)
    assert ledger.businesses["name"].to_list() == [
        "安阳某食品有限公司",
        "文峰区某餐馆",
        "繁體標籤的主體",
    ]
    assert ledger.cadres["cadre_id"].to_list() == ["C001", "C002", "C003", "C004"]
    assert ledger.assignments["assignment_id"].to_list() == ["A1", "A2", "A6"]
    assert ledger.visits["visit_id"].to_list() == ["V1", "V2", "V5"]  # V5: mode kept as written
    assert ledger.visits["mode"].to_list()[-1] == "飞行检查"
    # the first of two rows with the same key is the one kept
    assert ledger.cadre("C001").name == "高永"  # type: ignore[attr-defined]


def test_kept_rows_are_valid_records_with_labels_normalised() -> None:
    ledger, _ = load_ledger(BAD / "ledger", as_of=AS_OF)
    with pytest.warns(UnlistedLabelWarning, match="飞行检查"):  # an open-world mode, as written
        records = list(ledger.records())
    assert len(records) == sum(KEPT.values())
    trad = ledger.businesses.row(2, named=True)
    assert (trad["kind"], trad["tier"], trad["risk_grade"]) == (
        BusinessKind.CATERING.value,
        PairingTier.B.value,
        RiskGrade.C.value,
    )
    assert ledger.pledges["document"].to_list() == [
        PairingList.PLEDGE.value,
        PairingList.RESPONSIBILITY.value,
    ]
    v1 = ledger.visits.row(0, named=True)
    assert v1["problems"] == ["台账不全", "记录缺失"]
    assert ledger.visits.row(1, named=True)["problems_resolved"] is True


def test_as_of_moves_the_future() -> None:
    _, report = load_ledger(BAD / "ledger", as_of=dt.date(2031, 6, 1))
    assert "date.future" not in report.counts()


def test_keep_dangling_rows_keeps_them_but_still_reports_them() -> None:
    ledger, report = load_ledger(BAD / "ledger", as_of=AS_OF, dangling="keep")
    refs = [p for p in report if p.code.startswith("ref.")]
    assert len(refs) == 4
    assert ledger.counts()["assignments"] == KEPT["assignments"] + 2
    assert ledger.counts()["pledges"] == KEPT["pledges"] + 1
    assert ledger.counts()["visits"] == KEPT["visits"] + 1


def test_strict_raises_bulk_validation_error_with_the_report() -> None:
    with pytest.raises(BulkValidationError) as info:
        load_ledger(BAD / "ledger", as_of=AS_OF, strict=True)
    assert len(info.value.report) == len(EXPECTED)
    assert "uscc.checksum: 2" in str(info.value)


def test_report_as_dataframe() -> None:
    _, report = load_ledger(BAD / "ledger", as_of=AS_OF)
    frame = report.to_polars()
    assert frame.height == len(EXPECTED)
    assert frame.filter(frame["code"] == "key.duplicate")["row"].to_list() == [8, 6]


def test_empty_file_is_a_load_error() -> None:
    with pytest.raises(LoadError) as info:
        load_ledger(BAD / "empty", as_of=AS_OF)
    assert info.value.code == "load.empty"
    assert info.value.source is not None and info.value.source.endswith("businesses.csv")


def test_header_only_csv_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "cadres.csv").write_text(
        "cadre_id,name,level,jurisdiction,unit,post,active_from,active_to\n", encoding="utf-8"
    )
    result = load_ledger(tmp_path, as_of=AS_OF)
    assert result.ok and result.ledger.counts()["cadres"] == 0


def test_gbk_file_is_detected_and_located() -> None:
    with pytest.raises(LoadError) as info:
        load_ledger(BAD / "gbk", as_of=AS_OF)
    err = info.value
    assert err.code == "load.encoding_gbk"
    assert err.row == 2  # the first line with Chinese characters (line 1 is the header)
    assert "encoding='gbk'" in str(err)


def test_gbk_file_loads_with_the_encoding() -> None:
    ledger, report = load_ledger(BAD / "gbk", as_of=AS_OF, encoding="gbk")
    assert not report
    assert ledger.cadres["name"].to_list() == ["高永", "某县干部", "某镇干部", "某村干部"]
    assert ledger.cadres["level"].to_list() == ["city", "county", "township", "village"]


def test_wrong_named_encoding_is_located(tmp_path: Path) -> None:
    shutil.copy(BAD / "ledger" / "cadres.csv", tmp_path / "cadres.csv")
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path, as_of=AS_OF, encoding="ascii")
    assert info.value.code == "load.encoding"
    with pytest.raises(LoadError):
        load_ledger(tmp_path, as_of=AS_OF, encoding="no-such-codec")


def test_traditional_labels_with_bom_are_valid() -> None:
    ledger, report = load_ledger(BAD / "traditional", as_of=AS_OF)
    assert not report, report.summary()
    assert ledger.businesses["kind"].to_list() == ["catering", "production"]
    assert ledger.businesses["tier"].to_list() == ["B", "A"]
    assert ledger.businesses["licences"].to_list() == [[], ["SC10641052210001"]]


def test_missing_required_column_is_a_load_error(tmp_path: Path) -> None:
    (tmp_path / "visits.csv").write_text("visit_id,date\nV1,2022-12-01\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path, as_of=AS_OF)
    assert info.value.code == "load.missing_column"
    assert info.value.column == "cadre_id"


def test_unknown_column_is_reported_but_drops_nothing(tmp_path: Path) -> None:
    (tmp_path / "pledges.csv").write_text(
        "cadre_id,document,备注\nC1,pledge,无\n", encoding="utf-8"
    )
    ledger, report = load_ledger(tmp_path, as_of=AS_OF)
    assert [(p.code, p.row, p.column) for p in report] == [("column.unknown", None, "备注")]
    assert ledger.counts()["pledges"] == 1


def test_blank_required_cells_and_bad_booleans(tmp_path: Path) -> None:
    (tmp_path / "visits.csv").write_text(
        "visit_id,date,cadre_id,uscc,mode,follow_up_of,problems_resolved,evidence\n"
        "V1,2022-12-01,  ,91410500MA3X000010,现场,,,\n"
        "V2,2022-12-01,C1,91410500MA3X000010,现场,V1,也许,\n"
        'V3,2022-12-01,C1,91410500MA3X000010,现场,,,"[""a"", """"]"\n'
        'V4,2022-12-01,C1,91410500MA3X000010,现场,,,"[""a"", 1"\n',
        encoding="utf-8",
    )
    ledger, report = load_ledger(tmp_path, as_of=AS_OF)
    assert [(p.row, p.column, p.code) for p in report] == [
        (1, "cadre_id", "value.missing"),
        (2, "problems_resolved", "bool.invalid"),
        (3, "evidence", "list.blank_item"),
        (4, "evidence", "list.invalid"),
    ]
    assert ledger.counts()["visits"] == 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("businesses.parquet", b"", "load.empty"),
        ("businesses.parquet", b"not parquet at all", "load.format"),
        ("businesses.jsonl", b'{"uscc": "x"}\n{oops\n', "load.json"),
        ("businesses.xlsx", b"", "load.empty"),
        ("businesses.xlsx", b"PK-not-a-workbook", "load.format"),
        ("businesses.csv", b"\xef\xbb\xbf\n", "load.empty"),
    ],
)
def test_unreadable_files_are_load_errors(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path / name, as_of=AS_OF)
    assert info.value.code == code
    assert info.value.source == str(tmp_path / name)


def test_jsonl_rows_are_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "pledges.jsonl").write_text(
        '{"cadre_id": "C1", "document": "pledge"}\n\n{"cadre_id": "C2", "document": "清单X"}\n',
        encoding="utf-8",
    )
    _, report = load_ledger(tmp_path, as_of=AS_OF)
    assert [(p.row, p.code) for p in report] == [(3, "vocab.unknown")]


def test_parquet_with_bad_values_is_checked_too(tmp_path: Path) -> None:
    ledger, _ = load_ledger(BAD / "ledger", as_of=AS_OF)
    frame = ledger.businesses.with_columns(ledger.businesses["tier"].replace({"D": "Z"}))
    write_parquet(Ledger.from_frames(businesses=frame), tmp_path)
    _, report = load_ledger(tmp_path, as_of=AS_OF)
    assert [(p.row, p.column, p.code) for p in report] == [(2, "tier", "vocab.unknown")]


def test_directory_without_tables_and_ambiguous_tables(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path, as_of=AS_OF)
    assert info.value.code == "load.empty"
    shutil.copy(BAD / "ledger" / "cadres.csv", tmp_path / "cadres.csv")
    (tmp_path / "cadres.jsonl").write_text('{"cadre_id": "C1"}\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path, as_of=AS_OF)
    assert info.value.code == "load.ambiguous"


def test_unknown_file_name_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "stuff.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path / "stuff.csv")
    assert info.value.code == "load.unknown_table"
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path / "nope.csv")
    assert info.value.code == "load.missing"
    with pytest.raises(LoadError) as info:
        load_ledger({"nonsense": tmp_path / "stuff.csv"})
    assert info.value.code == "load.unknown_table"


def test_gbk_json_lines_are_detected(tmp_path: Path) -> None:
    (tmp_path / "pledges.jsonl").write_bytes(
        '{"cadre_id": "C1", "document": "承诺书"}\n'.encode("gbk")
    )
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path, as_of=AS_OF)
    assert (info.value.code, info.value.row) == ("load.encoding_gbk", 1)


def test_empty_json_lines_file_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "visits.jsonl").write_bytes(b"\n")
    ledger, report = load_ledger(tmp_path, as_of=AS_OF)
    assert not report and ledger == Ledger.empty()


def test_excel_numbers_and_traditional_labels_load(tmp_path: Path) -> None:
    import xlsxwriter

    with xlsxwriter.Workbook(str(tmp_path / "book.xlsx")) as wb:
        ws = wb.add_worksheet("cadres")
        ws.write_row(0, 0, ["cadre_id", "name", "level", "jurisdiction", "active_from"])
        ws.write_row(1, 0, [1001, "某县干部", "縣", 410522, "2022-11-11"])  # typed as numbers
        ws.write_row(2, 0, [1002, "某市干部", "市", 410500, "2031-01-01"])
    ledger, report = load_ledger(tmp_path / "book.xlsx", as_of=AS_OF)
    assert ledger.cadres["cadre_id"].to_list() == ["1001"]
    assert ledger.cadres["jurisdiction"].to_list() == ["410522"]
    assert [(p.source, p.row, p.column, p.code) for p in report] == [
        (f"{tmp_path / 'book.xlsx'}[cadres]", 2, "active_from", "date.future")
    ]
