"""Real export shapes, built cell by cell (tests/import_fixtures.py), with known faults: exact
counts, and locations as the user sees them (file, sheet, spreadsheet row, header)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests import import_fixtures as fx

from foodsafety.engines.audit import audit
from foodsafety.ledger import load_ledger
from foodsafety.ledger.importing import import_ledger
from foodsafety.rules import PairingPolicy

AS_OF = dt.date(2023, 3, 1)

#: a policy that says only who pairs which tier: nothing else may give a finding
TIERS_ONLY = PairingPolicy(
    name="tiers_only",
    description="层级对应 only",
    effective=dt.date(2022, 1, 1),
    tier_levels={"A": "city", "B": "county", "C": "township", "D": "village"},
)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    path = fx.county_workbook(tmp_path_factory.mktemp("county") / "安阳县包保台账.xlsx")
    return path, import_ledger(path, "county_workbook", as_of=AS_OF)


def test_county_workbook_keeps_every_usable_row(county: tuple[Path, object]) -> None:
    _, result = county
    ledger, report = result  # type: ignore[misc]
    # 11 businesses, less the unknown township and the unknown tier
    assert ledger.counts() == {
        "businesses": 9,
        "cadres": 7,  # every cadre, 县委常委 and village cadres at township codes included
        "assignments": 8,  # the 9 paired businesses kept, less the unpaired one
        "pledges": 5,
        "visits": 7,  # 视频督导, 电话督导 and 联合督导 visits included
        "routines": 0,
    }
    assert len(report.errors()) == 3


def test_county_workbook_faults_are_located_as_the_user_sees_them(
    county: tuple[Path, object],
) -> None:
    path, result = county
    _, report = result  # type: ignore[misc]
    by_code = {p.code: p for p in report.errors()}
    township = by_code["township.unknown"]
    assert (township.source, township.row, township.column, township.value) == (
        f"{path}[包保主体台账]",
        fx.ROW_BAD_TOWNSHIP,
        "所在乡镇",
        "水冶镇",
    )
    tier = by_code["vocab.unknown"]
    assert (tier.source, tier.row, tier.column, tier.value) == (
        f"{path}[包保主体台账]",
        fx.ROW_BAD_TIER,
        "包保主体分级",
        "E级",
    )
    # the pairing in the bad-tier row is lost with its business: a cascade, not a root
    cascade = by_code["ref.business_missing"]
    assert cascade.caused_by == tier.id
    assert [c.code for c in report.causes() if c.severity == "error"] == [
        "vocab.unknown",
        "township.unknown",
    ]


def test_open_world_labels_are_kept_verbatim_with_warnings(county: tuple[Path, object]) -> None:
    _, result = county
    ledger, report = result  # type: ignore[misc]
    posts = dict(ledger.cadres.select("cadre_id", "post").iter_rows())
    assert posts["AY-001"] == "县委常委"
    assert posts["AY-202"] == "村委会主任"
    modes = sorted(ledger.visits.get_column("mode").to_list())
    assert modes == ["on_site", "on_site", "on_site", "on_site", "phone", "video", "联合督导"]
    unlisted = {p.value for p in report.warnings() if p.code == "vocab.unlisted"}
    assert unlisted == {"县委常委", "镇党委书记", "副镇长", "村支部书记", "村委会主任", "联合督导"}


def test_dates_written_every_way_are_read(county: tuple[Path, object]) -> None:
    _, result = county
    ledger, _ = result  # type: ignore[misc]
    signed = dict(ledger.pledges.select("cadre_id", "signed").iter_rows())
    # an Excel date, 2023/2/24, 2023年2月24日, serial 44981, 2023.2.25, 2023-02-25
    assert signed == {
        "AY-001": dt.date(2023, 2, 24),
        "AY-101": dt.date(2023, 2, 24),
        "AY-201": dt.date(2023, 2, 24),
        "AY-102": dt.date(2023, 2, 25),
        "AY-202": dt.date(2023, 2, 25),
    }
    days = sorted(ledger.visits.get_column("date").to_list())
    assert days[0] == dt.date(2022, 3, 10)
    assert dt.date(2022, 12, 5) in days  # serial 44900


def test_village_cadres_hold_their_township_code(county: tuple[Path, object]) -> None:
    _, result = county
    ledger, _ = result  # type: ignore[misc]
    rows = {r["cadre_id"]: r for r in ledger.cadres.iter_rows(named=True)}
    assert (rows["AY-201"]["jurisdiction"], rows["AY-201"]["village"]) == (fx.TONGYE, "东街村")
    assert rows["AY-001"]["jurisdiction"] == fx.COUNTY  # a county cadre listed without a code
    assert rows["AY-001"]["phone"] == "13800000001"


def test_visits_without_ids_find_their_cadre_by_name(county: tuple[Path, object]) -> None:
    _, result = county
    ledger, _ = result  # type: ignore[misc]
    pairs = sorted(ledger.visits.select("cadre_id", "uscc").iter_rows())
    assert pairs[0] == ("AY-001", fx.uscc(1))
    ids = ledger.visits.get_column("visit_id").to_list()
    assert len(set(ids)) == len(ids)
    assert f"{fx.uscc(1)}/2022-03-10/AY-001" in ids


def test_the_audit_holds_only_the_faults_really_in_the_export(
    county: tuple[Path, object],
) -> None:
    _, result = county
    ledger, _ = result  # type: ignore[misc]
    found = audit(ledger, TIERS_ONLY, AS_OF)
    # no staffing, routine or document finding from a rule the policy does not state, and
    # no cadre_outside_jurisdiction from village cadres coded at their township
    assert {k: n for k, n in found.counts().items() if n} == {"unpaired": 1}
    assert found.keys("unpaired") == frozenset({fx.uscc(9)})


def test_ids_are_the_same_on_every_run(tmp_path: Path, county: tuple[Path, object]) -> None:
    path, result = county
    again = import_ledger(path, "county_workbook", as_of=AS_OF).ledger
    first = result.ledger  # type: ignore[attr-defined]
    for table in ("cadres", "assignments", "visits"):
        assert again.tables[table].equals(first.tables[table]), table


def test_load_ledger_takes_the_export_with_a_profile_or_without(
    county: tuple[Path, object],
) -> None:
    path, result = county
    with_profile = load_ledger(path, profile="county_workbook", as_of=AS_OF)
    without = load_ledger(path, as_of=AS_OF)
    for got in (with_profile, without):
        assert got.ledger.counts() == result.ledger.counts()  # type: ignore[attr-defined]


def test_township_csv_in_gbk_with_cadres_known_by_name(tmp_path: Path) -> None:
    directory = fx.township_csv(tmp_path / "铜冶镇")
    ledger, report = import_ledger(directory, "township_csv", as_of=AS_OF)
    assert report.ok, report.summary()
    assert ledger.counts()["businesses"] == 4
    # two cadres known by (name, unit) only: 李合成 and 王合成, each given one derived id
    names = dict(ledger.cadres.select("name", "cadre_id").iter_rows())
    assert set(names) == {"李合成", "王合成"}
    assert all(cid.startswith("C-") for cid in names.values())
    # the township given by name is resolved to its code; the village stays a name
    assert set(ledger.businesses.get_column("jurisdiction")) == {fx.TONGYE}
    villages = set(ledger.businesses.get_column("village").to_list())
    assert villages == {"东街村", "西街村", None}
    # the visits name their cadre by name and unit: they pair with the same ids
    assert set(ledger.visits.get_column("cadre_id")) == set(names.values())
    assert sorted(ledger.visits.get_column("mode")) == ["on_site", "on_site", "video"]
    warned = {p.code for p in report.warnings()}
    assert warned == {"import.valid_from_assumed", "import.county_inferred"}


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_township_csv_reads_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    directory = fx.township_csv(tmp_path / encoding, encoding=encoding)
    ledger, report = import_ledger(directory, "township_csv", as_of=AS_OF)
    assert report.ok
    assert "合成样本铜冶面馆" in ledger.businesses.get_column("name").to_list()


def test_city_export_with_one_column_group_per_level(tmp_path: Path) -> None:
    path = fx.city_levels_workbook(tmp_path / "city.xlsx")
    ledger, report = import_ledger(path, as_of=AS_OF)
    assert report.ok, report.summary()
    levels = sorted(
        ledger.assignments.join(ledger.cadres, on="cadre_id")
        .filter(ledger.assignments.get_column("uscc") == fx.uscc(201))
        .get_column("level")
        .to_list()
    )
    assert levels == ["county", "township", "village"]
    cadre_codes = dict(ledger.cadres.select("name", "jurisdiction").iter_rows())
    assert cadre_codes["张合成"] == fx.COUNTY
    assert cadre_codes["李合成"] == fx.TONGYE
    # a village cadre of a business coded at its township holds the township code
    assert cadre_codes["王合成"] == fx.TONGYE
    assert cadre_codes["吴合成"] == fx.LVCUN + "201"
    found = audit(ledger, TIERS_ONLY, AS_OF)
    assert found.counts()["cadre_outside_jurisdiction"] == 0


def test_checking_in_slices_gives_the_same_ledger_and_report(
    county: tuple[Path, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import foodsafety.ledger.importing as importing

    path, whole = county
    monkeypatch.setattr(importing, "_SLICE_ROWS", 2)
    sliced = import_ledger(path, "county_workbook", as_of=AS_OF)
    for table, frame in whole.ledger.tables.items():  # type: ignore[attr-defined]
        assert sliced.ledger.tables[table].equals(frame), table
    assert [p.id for p in sliced.report] == [p.id for p in whole.report]  # type: ignore[attr-defined]
