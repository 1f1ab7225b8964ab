"""Open-world vocabularies (posts, visit modes) and the wider label sets of real ledgers."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.pairing_data import small_ledger_records, uscc

from foodsafety.engines.audit import audit
from foodsafety.errors import RecordValidationError, UnlistedLabelWarning, VocabularyError
from foodsafety.ledger import Ledger, load_ledger, validate_tables, write_csv
from foodsafety.models._fields import CONTROL_CHARACTERS
from foodsafety.models.cadre import Cadre
from foodsafety.models.visit import Visit
from foodsafety.samples import FaultRates, anyang
from foodsafety.vocab import (
    ALL_TERMS,
    BusinessKind,
    Level,
    OfficialPost,
    PairingTier,
    Routine,
    VisitMode,
)

AS_OF = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("县级", Level.COUNTY),
        ("县", Level.COUNTY),
        ("乡镇级", Level.TOWNSHIP),
        ("乡镇", Level.TOWNSHIP),
        ("乡级", Level.TOWNSHIP),
        ("街道", Level.TOWNSHIP),
        ("村级", Level.VILLAGE),
        ("村（社区）级", Level.VILLAGE),
        ("村(社区)", Level.VILLAGE),
        ("社区", Level.VILLAGE),
    ],
)
def test_every_real_level_label_parses(label: str, level: Level) -> None:
    assert Level.parse(label) is level


@pytest.mark.parametrize("label", ["B级", "B", "b", "Ｂ级", "B類"])
def test_tier_b_labels_parse(label: str) -> None:
    assert PairingTier.parse(label) is PairingTier.B


@pytest.mark.parametrize(
    ("label", "mode"),
    [
        ("视频督导", VisitMode.VIDEO),
        ("远程督导", VisitMode.VIDEO),
        ("现场督导", VisitMode.ON_SITE),
        ("现场检查", VisitMode.ON_SITE),
        ("电话督导", VisitMode.PHONE),
        ("电话", VisitMode.PHONE),
    ],
)
def test_visit_mode_labels(label: str, mode: VisitMode) -> None:
    assert VisitMode.parse(label) is mode


def test_openness_is_declared_on_the_vocabulary() -> None:
    assert {t for t in ALL_TERMS if t.is_open()} == {OfficialPost, VisitMode}
    assert VisitMode.parse_open("联合督导") == "联合督导"
    assert VisitMode.parse_open(" 视频 ") is VisitMode.VIDEO
    with pytest.raises(VocabularyError):
        VisitMode.parse("联合督导")  # parse names members only
    with pytest.raises(VocabularyError):
        Level.parse_open("不存在的层级")  # closed
    with pytest.raises(VocabularyError):
        VisitMode.parse_open("  ")


# -- records ----------------------------------------------------------------------------------


def _cadre(post: object) -> Cadre:
    return Cadre(cadre_id="C", name="某", level="县", jurisdiction="410522", post=post)


def test_a_cadre_keeps_an_unlisted_post_with_a_warning() -> None:
    with pytest.warns(UnlistedLabelWarning, match="县委常委"):
        cadre = _cadre("县委常委")
    assert cadre.post == "县委常委" and not isinstance(cadre.post, OfficialPost)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _cadre("书记").post is OfficialPost.PARTY_SECRETARY  # no warning
        assert Cadre.model_validate_json(_cadre("书记").model_dump_json()) == _cadre("书记")
    with pytest.warns(UnlistedLabelWarning):
        assert Cadre.model_validate_json(cadre.model_dump_json()) == cadre
    assert json.loads(cadre.model_dump_json())["post"] == "县委常委"


def test_a_visit_keeps_an_unlisted_mode_with_a_warning() -> None:
    with pytest.warns(UnlistedLabelWarning, match="联合督导"):
        visit = Visit(
            visit_id="V", date=dt.date(2022, 12, 1), cadre_id="C", uscc=uscc(1), mode="联合督导"
        )
    assert visit.mode == "联合督导"
    with pytest.warns(UnlistedLabelWarning):
        assert Visit.model_validate_json(visit.model_dump_json()) == visit


def test_blank_or_non_text_labels_are_still_errors() -> None:
    with pytest.raises(RecordValidationError):
        _cadre("   ")
    with pytest.raises(RecordValidationError):
        _cadre(3)


def test_json_schema_admits_codes_and_labels_as_written() -> None:
    schema = Visit.model_json_schema()["properties"]["mode"]
    assert {"type": "string", "minLength": 1, "title": "as written"} in schema["anyOf"]
    codes = next(s for s in schema["anyOf"] if "enum" in s)["enum"]
    assert codes == [m.value for m in VisitMode]
    assert "post" in Cadre.model_json_schema()["properties"]


# -- the loader -------------------------------------------------------------------------------


def test_unlisted_labels_are_kept_verbatim_with_a_warning_and_the_rows_kept(
    tmp_path: Path,
) -> None:
    ledger = Ledger.from_records(small_ledger_records())
    files = write_csv(ledger, tmp_path)
    cadres = pl.read_csv(files["cadres"]).with_columns(pl.lit("县委常委").alias("post"))
    cadres.write_csv(files["cadres"])
    visits = pl.read_csv(files["visits"], infer_schema_length=0)
    modes = ["视频督导", "联合督导", "线上督导", "电话督导"]
    visits = visits.with_columns(pl.Series("mode", (modes * 10)[: visits.height]))
    visits.write_csv(files["visits"])
    loaded, report = load_ledger(tmp_path, as_of=AS_OF)
    assert loaded.counts() == ledger.counts()  # nothing dropped
    assert report.ok and all(p.severity == "warning" for p in report)
    assert {p.code for p in report} == {"vocab.unlisted"}
    assert set(loaded.cadres["post"].to_list()) == {"县委常委"}
    expected = [
        {"视频督导": "video", "电话督导": "phone"}.get(m, m) for m in visits["mode"].to_list()
    ]
    assert loaded.visits["mode"].to_list() == expected
    messages = {p.message for p in report if p.field == "mode"}
    assert "mode '联合督导' is not a known visit mode; kept as written" in messages
    assert all(p.message_zh for p in report)
    # written and loaded again: the same ledger, the same warnings
    again = tmp_path / "again"
    write_csv(loaded, again)
    reloaded, report2 = load_ledger(again, as_of=AS_OF)
    assert reloaded == loaded and len(report2) == len(report)
    with pytest.warns(UnlistedLabelWarning):
        assert Ledger.from_records(loaded.records()) == loaded


@pytest.mark.parametrize(
    ("table", "column", "frame"),
    [
        (
            "cadres",
            "level",
            {"cadre_id": ["C"], "name": ["某"], "level": ["县委"], "jurisdiction": ["410522"]},
        ),
        (
            "businesses",
            "tier",
            {
                "uscc": [uscc(1)],
                "name": ["某店"],
                "kind": ["餐饮服务"],
                "jurisdiction": ["410522102"],
                "principal": ["某"],
                "tier": ["E级"],
            },
        ),
        (
            "businesses",
            "kind",
            {
                "uscc": [uscc(1)],
                "name": ["某店"],
                "kind": ["网红店"],
                "jurisdiction": ["410522102"],
                "principal": ["某"],
            },
        ),
        (
            "routines",
            "routine",
            {
                "uscc": [uscc(1)],
                "routine": ["季度报告"],
                "period_start": ["2022-12-01"],
                "signed_by": ["某"],
                "signer_post": ["主要负责人"],
            },
        ),
    ],
)
def test_closed_vocabularies_still_reject(
    table: str, column: str, frame: dict[str, list[str]]
) -> None:
    tables, report = validate_tables({table: pl.DataFrame(frame)}, check_registry=False)
    assert tables[table].height == 0
    assert [(p.field, p.code, p.severity) for p in report] == [(column, "vocab.unknown", "error")]
    assert not BusinessKind.is_open() and not Routine.is_open()


_LABELS = st.one_of(
    st.sampled_from(OfficialPost.labels()),
    st.sampled_from(["县委常委", "人大副主任", "  县委常委 ", " ", "", "书记 "]),
    st.text(min_size=0, max_size=6),
)


@settings(max_examples=80, deadline=None)
@given(label=_LABELS)
def test_the_loader_judges_a_post_as_the_record_does(label: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            record: Cadre | None = _cadre(label)
        except RecordValidationError:
            record = None
    frame = pl.DataFrame(
        {
            "cadre_id": ["C"],
            "name": ["某"],
            "level": ["县"],
            "jurisdiction": ["410522"],
            "post": [label],
        }
    )
    tables, report = validate_tables({"cadres": frame}, check_registry=False)
    kept = tables["cadres"]["post"].to_list()
    if not kept:  # the loader refused the row (control characters): so does the record
        assert record is None and re.search(CONTROL_CHARACTERS, label)
        assert [p.code for p in report.errors()] == ["text.control"]
        return
    if kept == [None]:  # a blank cell is an empty post to the loader
        assert not label.strip() and not report
        return
    assert record is not None
    assert kept == [str(record.post)]
    warned = [w for w in caught if issubclass(w.category, UnlistedLabelWarning)]
    assert [p.code for p in report] == (["vocab.unlisted"] if warned else [])
    if warned:
        assert str(warned[0].message) == report[0].message


def test_the_audit_runs_over_a_ledger_with_unlisted_labels() -> None:
    sample = anyang(seed=3, scale=0.02, faults=FaultRates.none(), routine_share=0.1)
    tables = dict(sample.tables)
    cadres = tables["cadres"]
    tables["cadres"] = cadres.with_columns(
        pl.Series("post", (["县委常委", None, "party_secretary"] * cadres.height)[: cadres.height])
    )
    visits = tables["visits"]
    tables["visits"] = visits.with_columns(
        pl.Series("mode", (["联合督导", "video", "线上督导"] * visits.height)[: visits.height])
    )
    checked, report = validate_tables(tables, as_of=sample.as_of)
    assert report.ok, report.summary()
    assert checked["visits"].height == visits.height
    baseline = audit(sample.tables, sample.policy, sample.as_of)
    result = audit(checked, sample.policy, sample.as_of)
    # the modes and posts play no part in the pairing audit: the same findings
    assert result.frame.equals(baseline.frame)
