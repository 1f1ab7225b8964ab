"""Shared helpers of the strategies: argument checks that fail at once, cached registry lists."""

from __future__ import annotations

import functools
from typing import Any

from foodsafety.errors import FoodSafetyError, RuleError
from foodsafety.vocab import Level

__all__ = [
    "InvalidArgument",
    "check_level",
    "check_size",
    "check_type",
    "codes_at",
    "resolve_within",
]


class InvalidArgument(RuleError):
    """A strategy was called with a bad argument (raised at once, when the strategy is built).

    The hypothesis convention (``guides/api-style.rst``): a wrong argument is reported when the
    strategy is created, not when it is first drawn from. It is a
    :class:`~foodsafety.errors.RuleError`, so ``except FoodSafetyError`` catches it.
    """

    default_code = "testing.invalid_argument"


def _fail(function: str, name: str, message: str, value: Any) -> InvalidArgument:
    return InvalidArgument(
        f"{function}({name}=...): {message} (got {value!r})",
        record=function,
        field=name,
        value=value,
    )


def check_type(function: str, name: str, value: Any, types: type | tuple[type, ...]) -> None:
    """Raise :class:`InvalidArgument` unless ``value`` is of ``types``."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
        names = " or ".join(t.__name__ for t in _tuple(types))
        raise _fail(function, name, f"must be {names}", value)


def _tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def check_size(
    function: str,
    min_size: Any,
    max_size: Any,
    *,
    low: int = 0,
    names: tuple[str, str] = ("min_size", "max_size"),
) -> tuple[int, int | None]:
    """Check a ``min_size``/``max_size`` pair (ints, ``low <= min <= max``)."""
    check_type(function, names[0], min_size, int)
    if min_size < low:
        raise _fail(function, names[0], f"must be at least {low}", min_size)
    if max_size is not None:
        check_type(function, names[1], max_size, int)
        if max_size < min_size:
            raise _fail(function, names[1], f"must be at least {names[0]}={min_size}", max_size)
    return min_size, max_size


def check_level(function: str, name: str, level: Any, allowed: tuple[Level, ...]) -> Level:
    """Parse a level (code, label or member) and require it to be one of ``allowed``."""
    try:
        parsed = Level.parse(level)
    except (FoodSafetyError, ValueError, TypeError):
        raise _fail(
            function, name, f"must be one of {', '.join(x.value for x in allowed)}", level
        ) from None
    if parsed not in allowed:
        raise _fail(function, name, f"must be one of {', '.join(x.value for x in allowed)}", level)
    return parsed


def resolve_within(function: str, within: Any) -> str | None:
    """The canonical code of ``within`` (a division of the bundled registry), or ``None``."""
    if within is None:
        return None
    from foodsafety.registry import registry

    try:
        return registry().get(within).code
    except FoodSafetyError:
        raise _fail(
            function, "within", "must be a division code of the bundled registry", within
        ) from None


@functools.cache
def codes_at(level: Level, within: str | None) -> tuple[str, ...]:
    """Every registry code at ``level`` at or below ``within`` (all of China when ``None``), sorted."""
    from foodsafety.registry import registry

    reg = registry()
    if within is None:
        found = [d.code for d in reg if d.level is level and not d.added]
    else:
        top = reg.get(within)
        found = [d.code for d in reg.descendants(top.code, level=level)]
        if top.level is level:
            found.append(top.code)
    return tuple(sorted(found))


def fail(function: str, name: str, message: str, value: Any) -> InvalidArgument:
    """An :class:`InvalidArgument` naming the strategy, the argument and the value."""
    return _fail(function, name, message, value)
