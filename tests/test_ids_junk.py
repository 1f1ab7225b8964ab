"""Junk input over every validator (the stdnum habit): a typed error or a canonical string."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsafety.errors import IdentifierError, RegistryError
from foodsafety.ids import (
    USCC,
    DivisionCode,
    FoodBusinessLicence,
    FoodProductionLicence,
    business_licence,
    division,
    production_licence,
    uscc,
)

VALIDATORS: dict[str, Callable[[Any], object]] = {
    "division.validate": division.validate,
    "division.validate(known)": lambda v: division.validate(v, known=True),
    "division.format": division.format,
    "uscc.validate": uscc.validate,
    "uscc.format": uscc.format,
    "production_licence.validate": production_licence.validate,
    "business_licence.validate": business_licence.validate,
    "DivisionCode": DivisionCode,
    "USCC": USCC,
    "FoodProductionLicence": FoodProductionLicence,
    "FoodBusinessLicence": FoodBusinessLicence,
}
CHECKERS: dict[str, Callable[[Any], bool]] = {
    "division": division.is_valid,
    "uscc": uscc.is_valid,
    "production_licence": production_licence.is_valid,
    "business_licence": business_licence.is_valid,
}

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=20),
    st.text(max_size=30),
    st.text(alphabet="0123456789SCJYANIOZ ０１２-", max_size=20),
    st.lists(st.integers(), max_size=3),
)


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@given(value=junk)
def test_junk_gives_a_typed_error_or_a_string(name: str, value: object) -> None:
    error: IdentifierError | RegistryError | None = None
    try:
        result = VALIDATORS[name](value)
    except (IdentifierError, RegistryError) as exc:
        error = exc
    if error is not None:
        assert error.message
        assert error.message_zh, f"{name}: no Chinese message for {value!r}"
        return
    assert isinstance(result, str)
    assert VALIDATORS[name](result) == result  # canonical forms are fixed points


@pytest.mark.parametrize("name", sorted(CHECKERS))
@given(value=junk)
def test_is_valid_never_raises(name: str, value: object) -> None:
    assert CHECKERS[name](value) in (True, False)


@pytest.mark.parametrize(
    "value",
    ["", " ", "\x00", "410500\n410500", "𠀀" * 6, "91110000600037341L" * 2, "SC" + "１" * 14],
)
@pytest.mark.parametrize("name", sorted(VALIDATORS))
def test_known_junk(name: str, value: str) -> None:
    with contextlib.suppress(IdentifierError, RegistryError):
        VALIDATORS[name](value)
