"""The column-wise checks agree with the identifier types value by value.

The loaders judge a million USCCs and licence numbers with vectorised fast paths; these tests
hold them to the verdicts (and reason codes) of ``foodsafety.ids`` on mixed good and bad input.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from foodsafety.errors import FoodSafetyError
from foodsafety.ids import USCC
from foodsafety.ledger import validate_tables
from foodsafety.ledger._validate import uscc_checksum_mask
from foodsafety.models._fields import parse_licence
from pairing_data import USCC_ALPHABET, uscc

AS_OF = dt.date(2026, 1, 1)

# A valid code, then mutated: a character replaced, case changed, spaces added, truncated,
# or a different authority/division prefix.
mutations = st.one_of(
    st.integers(0, 10**6).map(uscc),
    st.tuples(
        st.integers(0, 10**6), st.integers(0, 17), st.sampled_from(USCC_ALPHABET + "IOZ")
    ).map(lambda t: (lambda u: u[: t[1]] + t[2] + u[t[1] + 1 :])(uscc(t[0]))),
    st.integers(0, 10**6).map(lambda n: uscc(n).lower()),
    st.integers(0, 10**6).map(lambda n: " " + uscc(n)[:6] + " " + uscc(n)[6:]),
    st.integers(0, 10**6).map(lambda n: uscc(n)[:17]),
    st.sampled_from(["410599", "371200", "100000", "410522", "000000"]).flatmap(
        lambda d: st.integers(0, 10**6).map(lambda n: uscc(n, d))
    ),
    st.text(alphabet=USCC_ALPHABET, min_size=18, max_size=18),
)


def _verdict(value: str) -> str:
    try:
        return "ok:" + str(USCC(value))
    except FoodSafetyError as exc:
        return exc.code


@settings(max_examples=30)
@given(st.lists(mutations, min_size=1, max_size=40))
def test_uscc_column_verdicts_match_the_identifier_type(values: list[str]) -> None:
    frame = pl.DataFrame(
        {
            "uscc": values,
            "routine": ["daily"] * len(values),
            "period_start": [dt.date(2022, 12, 1)] * len(values),
            "signed_by": ["某"] * len(values),
            "signer_post": ["food_safety_officer"] * len(values),
        }
    ).with_columns(
        pl.Series(
            "period_start", [dt.date(2022, 1, 1) + dt.timedelta(i) for i in range(len(values))]
        )
    )
    tables, report = validate_tables({"routines": frame}, as_of=AS_OF)
    by_row = {p.row: p.code for p in report}
    kept = iter(tables["routines"]["uscc"].to_list())
    for row, value in enumerate(values, start=1):
        expected = _verdict(value)
        if expected.startswith("ok:"):
            assert row not in by_row
            assert next(kept) == expected[3:]  # stored in canonical form
        else:
            assert by_row[row] == expected


@settings(max_examples=50)
@given(st.lists(mutations, min_size=1, max_size=30))
def test_checksum_mask_agrees_with_stdnum(values: list[str]) -> None:
    mask = uscc_checksum_mask(pl.Series(values)).to_list()
    for value, fast in zip(values, mask, strict=True):
        canonical_shape = len(value) == 18 and all(c in USCC_ALPHABET for c in value)
        expected = canonical_shape and stdnum_uscc.calc_check_digit(value[:17]) == value[17]
        assert fast is expected


licences = st.one_of(
    st.builds(lambda c, d, n: f"SC1{c:02d}{d}{n:05d}", st.integers(0, 35), st.sampled_from(["410522", "410599", "999999", "371200"]), st.integers(0, 99999)),
    st.builds(lambda k, d, n: f"JY{k}{d}{n:07d}", st.integers(0, 4), st.sampled_from(["410522", "990000", "110101"]), st.integers(0, 9999999)),
    st.builds(lambda n: f"sc 106410522{n:05d}", st.integers(0, 99999)),
    st.text(alphabet="SCJY0123456789", min_size=15, max_size=17),
)  # fmt: skip


def _licence_verdict(value: str) -> str:
    try:
        return "ok:" + str(parse_licence(value))
    except FoodSafetyError as exc:
        return exc.code


@settings(max_examples=30)
@given(st.lists(licences, min_size=1, max_size=30))
def test_licence_verdicts_match_the_identifier_types(values: list[str]) -> None:
    n = len(values)
    frame = pl.DataFrame(
        {
            "uscc": [uscc(i) for i in range(n)],
            "name": ["某"] * n,
            "kind": ["small_workshop"] * n,  # any licence kind is allowed for workshops
            "licences": [[v] for v in values],
            "jurisdiction": ["410522102"] * n,
            "principal": ["某"] * n,
        }
    )
    tables, report = validate_tables({"businesses": frame}, as_of=AS_OF)
    by_row = {p.row: p.code for p in report}
    kept = iter(tables["businesses"]["licences"].to_list())
    for row, value in enumerate(values, start=1):
        expected = _licence_verdict(value)
        if expected.startswith("ok:"):
            assert row not in by_row
            assert next(kept) == [expected[3:]]
        else:
            assert by_row[row] == expected


def test_registry_check_accepts_villages_under_known_townships() -> None:
    frame = pl.DataFrame(
        {
            "cadre_id": ["C1", "C2", "C3", "C4"],
            "name": ["某"] * 4,
            "level": ["村", "村", "乡", "县"],
            "jurisdiction": ["410522102201", "410522999201", "410522102000", "371202"],
        }
    )
    tables, report = validate_tables({"cadres": frame}, as_of=AS_OF)
    assert [(p.row, p.code) for p in report] == [(2, "registry.unknown"), (4, "registry.unknown")]
    assert tables["cadres"]["jurisdiction"].to_list() == ["410522102201", "410522102"]
    _, relaxed = validate_tables({"cadres": frame}, as_of=AS_OF, check_registry=False)
    assert not relaxed
