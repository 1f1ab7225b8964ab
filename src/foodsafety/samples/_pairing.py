"""Synthetic pairing ledgers (合成包保台账) at Anyang's published size, or a province's.

No real enterprise-level ledger is public (DATA.md), so this module *generates* one. Seed 004
gives Anyang's totals: 16316 licensed businesses (6234 catering, 9714 operating, 368
production) paired by 4806 cadres at city, county, township and village level. The generator
places them on Anyang's **real** county and township codes (from the bundled division
registry, :func:`foodsafety.registry.registry`); everything else is **synthetic** and labelled
so: names such as ``合成样本企业000001``, ids beginning with ``SYN-``, village codes made of a
real township's 9 digits plus a suffix from 501 to 999 (no real village code is used), USCCs
with valid check characters but invented organisation codes, and ``Sample.synthetic = True``.

Faults are injected at known rates (:class:`FaultRates`); ``Sample.faults`` records, per
finding kind, exactly which finding keys the audit must report (see
:mod:`foodsafety.engines.audit` for the key of each kind), so that the audit can be checked
exactly. Each business and each cadre carries at most one injected fault, and a fault is
injected so that it triggers its own finding and no other.

Generation is vectorised (numpy + polars, no per-row pydantic) and deterministic in ``seed``.
Routine records (日管控、周排查、月调度: 365 + 52 + 12 rows per business per year) are generated
only for a share of businesses (``routine_share``); the audit checks routine gaps only for the
businesses a ledger holds routine records for.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from foodsafety._memory import release_freed_heap
from foodsafety.errors import require
from foodsafety.rules.pairing_policy import Cadence, PairingPolicy, default_since
from foodsafety.vocab import Level, PairingList, Routine

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FaultRates", "Sample", "anyang", "province"]

#: Anyang's published mix (seed 004).
ANYANG_KINDS: Mapping[str, int] = {"catering": 6234, "operation": 9714, "production": 368}
ANYANG_CADRES = 4806
ANYANG_CITY = "410500"

#: Share of cadres per level (an assumption: seed 004 gives only the total).
_LEVEL_SHARE: Mapping[str, float] = {"city": 0.015, "county": 0.12, "township": 0.30}
#: Pairing tier distribution per business kind (an assumption).
_TIER_P: Mapping[str, tuple[float, float, float, float]] = {
    "production": (0.30, 0.50, 0.20, 0.0),
    "operation": (0.01, 0.12, 0.40, 0.47),
    "catering": (0.01, 0.14, 0.40, 0.45),
}
_TIERS = ("A", "B", "C", "D")
_LEVELS = ("city", "county", "township", "village")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

BUSINESS_FAULTS = (
    "unpaired",
    "tier_level_mismatch",
    "cadre_outside_jurisdiction",
    "assignment_overlap",
    "assignment_gap",
    "visit_overdue",
    "director_missing",
    "officer_missing",
    "repair_overdue",
    "routine_gap",
)
CADRE_FAULTS = ("cadre_overloaded", "pledge_missing", "list_missing")
VISIT_FAULTS = ("problem_without_follow_up",)


@attrs.frozen(slots=True)
class FaultRates:
    """The share of eligible subjects that get each injected fault (0 turns a fault off).

    Business faults are shares of businesses (``routine_gap``: of the businesses with routine
    records), cadre faults shares of cadres (``cadre_overloaded``: of the cadres whose pool can
    hold more than the cap), ``problem_without_follow_up`` a share of visits.
    """

    unpaired: float = 0.01
    tier_level_mismatch: float = 0.02
    cadre_outside_jurisdiction: float = 0.005
    assignment_overlap: float = 0.005
    assignment_gap: float = 0.005
    visit_overdue: float = 0.03
    director_missing: float = 0.005
    officer_missing: float = 0.005
    repair_overdue: float = 0.003
    routine_gap: float = 0.05
    cadre_overloaded: float = 0.005
    pledge_missing: float = 0.02
    list_missing: float = 0.01
    problem_without_follow_up: float = 0.002

    @classmethod
    def none(cls) -> FaultRates:
        """No faults: a clean ledger that audits to zero findings."""
        return cls(**{f.name: 0.0 for f in attrs.fields(cls)})

    def to_dict(self) -> dict[str, float]:
        """The rates as a plain dict."""
        return attrs.asdict(self)


@attrs.frozen(slots=True)
class Sample:
    """A generated, synthetic pairing ledger with the faults injected into it.

    Attributes:
        tables: the six ledger tables (``foodsafety.ledger.schema``) as polars DataFrames.
        faults: finding kind → the finding keys the audit must report, exactly.
        as_of: the audit date the sample is built for; ``since`` the start of its audit window.
        policy: the pairing policy the sample follows.
        name, seed, synthetic: what it is (always synthetic).
    """

    name: str
    seed: int
    tables: dict[str, Any]
    faults: dict[str, frozenset[str]]
    as_of: dt.date
    since: dt.date
    policy: PairingPolicy
    synthetic: bool = True
    description: str = ""

    @property
    def businesses(self) -> pl.DataFrame:
        """The businesses table."""
        return self.tables["businesses"]  # type: ignore[no-any-return]

    @property
    def cadres(self) -> pl.DataFrame:
        """The cadres table."""
        return self.tables["cadres"]  # type: ignore[no-any-return]

    @property
    def assignments(self) -> pl.DataFrame:
        """The assignments table."""
        return self.tables["assignments"]  # type: ignore[no-any-return]

    @property
    def pledges(self) -> pl.DataFrame:
        """The pledges and lists table."""
        return self.tables["pledges"]  # type: ignore[no-any-return]

    @property
    def visits(self) -> pl.DataFrame:
        """The visits table."""
        return self.tables["visits"]  # type: ignore[no-any-return]

    @property
    def routines(self) -> pl.DataFrame:
        """The routine records table."""
        return self.tables["routines"]  # type: ignore[no-any-return]

    def ledger(self) -> Any:
        """The sample as a :class:`foodsafety.ledger.Ledger` (built from the frames)."""
        from foodsafety.ledger import Ledger

        return Ledger.from_frames(**self.tables)

    def fault_counts(self) -> dict[str, int]:
        """Finding kind → number of injected faults."""
        return {k: len(v) for k, v in self.faults.items()}


# -- territory ---------------------------------------------------------------------------


@attrs.frozen
class _Territory:
    city: list[str]  # per township: city-level code
    county: list[str]  # per township: county-level code
    township: list[str]  # township 9-digit codes


def _territory(code: str) -> _Territory:
    from foodsafety.registry import registry

    reg = registry()
    root = reg.get(code)
    city: list[str] = []
    county: list[str] = []
    township: list[str] = []

    def add_county(city_code: str, county_code: str) -> None:
        for t in reg.children(county_code):
            if t.level == Level.TOWNSHIP:
                city.append(city_code)
                county.append(county_code)
                township.append(t.code)

    if root.level == Level.CITY:
        for c in reg.children(root.code):
            add_county(root.code, c.code)
    elif root.level == Level.PROVINCE:
        for c in reg.children(root.code):
            if c.level == Level.CITY:
                for k in reg.children(c.code):
                    add_county(c.code, k.code)
            elif c.level == Level.COUNTY:  # 省直管县: acts as its own city
                add_county(c.code, c.code)
    else:
        raise ValueError(f"sample territory must be a province or a city code (got {code!r})")
    if not township:
        raise ValueError(f"the registry holds no townships under {code!r}")
    return _Territory(city, county, township)


# -- vectorised helpers ------------------------------------------------------------------


def _uscc(np: Any, counties: Any, county_id: Any, serial: Any) -> Any:
    """Valid USCCs ``91`` + county + organisation code (GB 11714 check) + GB 32100 check.

    ``counties`` are 6-digit county codes, ``county_id`` indexes them per business. The check
    characters are computed with numpy by the same weighted sums as
    ``stdnum.cn.uscc.calc_check_digit``; the tests compare both on every generated code. The
    sums run one digit position at a time over 1-D arrays and the codes are written as bytes:
    an ``(n, 17)`` integer matrix would cost several times the codes' own size at 10^6 rows.
    """
    n = len(serial)
    alphabet = np.frombuffer(_USCC_ALPHABET.encode("ascii"), dtype=np.uint8)
    head = np.array([list(("91" + c).encode("ascii")) for c in counties], dtype=np.uint8)
    head = head.reshape(-1, 8)
    head_total = ((head.astype(np.int64) - ord("0")) * np.array(_USCC_WEIGHTS[:8])).sum(axis=1)
    chars = np.empty((n, 18), dtype=np.uint8)
    chars[:, :8] = head[county_id]
    total = head_total[county_id]
    org = np.zeros(n, dtype=np.int64)
    body = serial % 10**8
    for i in range(8):
        digit = (body // 10 ** (7 - i)) % 10
        chars[:, 8 + i] = digit + ord("0")
        org += digit * _ORG_WEIGHTS[i]
        total += digit * _USCC_WEIGHTS[8 + i]
    del body, digit
    org_check = (11 - org % 11) % 11  # 10 -> 'X' (value 30 in the USCC alphabet)
    org_value = np.where(org_check == 10, _USCC_ALPHABET.index("X"), org_check)
    total += org_value * _USCC_WEIGHTS[16]
    chars[:, 16] = alphabet[org_value]
    chars[:, 17] = alphabet[(31 - total % 31) % 31]
    return chars.view("S18").ravel()


def _ids(pl: Any, prefix: str, start: int, n: int, width: int) -> Any:
    return pl.select(
        (pl.lit(prefix) + pl.int_range(start, start + n).cast(pl.Utf8).str.zfill(width)).alias("x")
    ).to_series()


class _Strings:
    """A polars string series indexed by numpy integer arrays (a fast gather)."""

    def __init__(self, series: Any) -> None:
        self.s = series

    def __getitem__(self, idx: Any) -> Any:
        import numpy as np

        if isinstance(idx, (int, np.integer)):
            return self.s[int(idx)]
        idx = np.asarray(idx)
        # any integer array gathers as it is (no widening copy of 10^6-row index arrays)
        return self.s.gather(idx if idx.dtype.kind in "iu" else idx.astype(np.int64))

    def keys(self, idx: Any) -> list[str]:
        return self[idx].to_list()  # type: ignore[no-any-return]


def _lists(pl: Any, values: Any, mask: Any = None) -> Any:
    """A ``List[Utf8]`` series: ``[v]`` (``v`` the row's value, or one string for every row)
    where ``mask`` is true or absent, else ``[]``.

    Polars expressions: a one-column ``concat_list`` reuses the strings' buffers, where a
    detour through Arrow would copy them (and keep them in Arrow's own memory pool).
    """
    if isinstance(values, str):
        item = pl.lit([values], dtype=pl.List(pl.Utf8))
    else:
        item = pl.concat_list(pl.lit(values.cast(pl.Utf8)))
    if mask is not None:
        item = pl.when(pl.Series(mask)).then(item).otherwise(pl.lit([], dtype=pl.List(pl.Utf8)))
    return pl.select(item.alias("x")).to_series()


def _dates(np: Any, base: dt.date, offsets: Any) -> Any:
    return (np.datetime64(base, "D") + offsets.astype("timedelta64[D]")).astype("datetime64[D]")


_EPOCH = dt.date(1970, 1, 1)


def _day(day: dt.date) -> int:
    """Days since 1970-01-01: the physical value of a polars ``Date``."""
    return (day - _EPOCH).days


def _date_series(pl: Any, np: Any, days: Any) -> Any:
    """A polars ``Date`` series from day numbers (4 bytes a row, not numpy's 8)."""
    return pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)


def _code(names: Sequence[str], name: str) -> int:
    """The index of ``name`` in ``names``, or -1 (which matches no code) when absent."""
    return names.index(name) if name in names else -1


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """Split ``total`` by ``shares`` with the largest remainder method (exact sum)."""
    raw = [total * s for s in shares]
    out = [math.floor(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


# -- the generator -----------------------------------------------------------------------


def _checked_faults(faults: FaultRates, policy: PairingPolicy) -> FaultRates:
    """The rates with the faults of rules the policy does not state turned off.

    The audit checks only what the policy says, so a fault of an unstated rule would not be
    found; the sample injects none (``sample.faults`` stays exactly what the audit reports).
    """
    staffing = policy.staffing
    off = {
        "director_missing": staffing is None or not staffing.director,
        "officer_missing": staffing is None or staffing.min_officers < 1,
        "repair_overdue": policy.repair is None,
        "problem_without_follow_up": policy.follow_up_days is None,
        "routine_gap": policy.routines is None,
    }
    return attrs.evolve(faults, **{k: 0.0 for k, unstated in off.items() if unstated})


def _generate(
    *,
    name: str,
    territory: _Territory,
    kinds: Mapping[str, int],
    n_cadres: int,
    seed: int,
    faults: FaultRates,
    policy: PairingPolicy,
    as_of: dt.date,
    since: dt.date,
    routine_share: float,
    description: str,
    document_fault_levels: tuple[str, ...] = _LEVELS,
    tag: str = "",
) -> Sample:
    np = require("numpy", extra="data", feature="sample generation")
    pl = require("polars", extra="data", feature="sample generation")
    from foodsafety.ledger.schema import polars_schema

    faults = _checked_faults(faults, policy)
    rng = np.random.default_rng(seed)
    n_town = len(territory.township)
    town_codes = np.array(territory.township)
    town_county = np.array(territory.county)
    town_city = np.array(territory.city)

    # -- cadres -------------------------------------------------------------------------
    n_city, n_county, n_township = _split(
        n_cadres, [_LEVEL_SHARE["city"], _LEVEL_SHARE["county"], _LEVEL_SHARE["township"], 0.0]
    )[:3]
    n_village = n_cadres - n_city - n_county - n_township
    if max(n_city, n_county, n_township, n_village) < 1 or n_village < n_town // 10:
        raise ValueError(f"too few cadres ({n_cadres}) for {n_town} townships")
    per_town = -(-n_village // n_town)
    if per_town > 499:
        raise ValueError("too many villages per township for synthetic village codes 501-999")
    # round robin over a shuffled township order spreads every level over the territory
    order = rng.permutation(n_town)
    c_city_t = order[np.arange(n_city) % n_town]
    c_county_t = order[np.arange(n_county) % n_town]
    c_town_t = order[np.arange(n_township) % n_town]
    c_vill_t = order[np.arange(n_village) % n_town]
    vill_suffix = 501 + np.arange(n_village) // n_town
    village_u12 = np.char.add(town_codes[c_vill_t].astype("U9"), vill_suffix.astype("U3"))
    cadre_juris = pl.concat(
        [
            pl.Series(town_city[c_city_t], dtype=pl.Utf8),
            pl.Series(town_county[c_county_t], dtype=pl.Utf8),
            pl.Series(town_codes[c_town_t], dtype=pl.Utf8),
            pl.Series(village_u12, dtype=pl.Utf8),
        ]
    )
    cadre_town = np.concatenate([c_city_t, c_county_t, c_town_t, c_vill_t])
    cadre_ids = _Strings(_ids(pl, f"SYN{tag}-C", 1, n_cadres, 7))
    level_start = {"city": 0, "county": n_city, "township": n_city + n_county}
    level_start["village"] = level_start["township"] + n_township
    level_count = {"city": n_city, "county": n_county, "township": n_township}
    level_count["village"] = n_village

    # -- businesses ----------------------------------------------------------------------
    # kinds, tiers, levels and jurisdictions are small integer codes into short lists of
    # names while generating (Python strings in numpy object arrays cost ~70 bytes a row)
    kind_names = list(kinds)
    kind_arr = np.repeat(np.arange(len(kinds), dtype=np.int8), list(kinds.values()))
    n_bus = len(kind_arr)
    kind_arr = kind_arr[rng.permutation(n_bus)]
    tier_arr = np.full(n_bus, -1, dtype=np.int8)
    u = rng.random(n_bus)
    for kind_name, probs in _TIER_P.items():
        mask = kind_arr == _code(kind_names, kind_name)
        cum = np.cumsum(probs)
        idx = np.searchsorted(cum, u[mask] * cum[-1], side="right")
        tier_arr[mask] = np.minimum(idx, 3)
    del u, mask, idx
    # pair each tier round robin over the cadres of its level (tier code i, A to D, pairs at
    # level i, city to village): loads differ by at most one
    bus_cadre = np.empty(n_bus, dtype=np.int64)
    for tier, level in enumerate(_LEVELS):
        members = np.flatnonzero(tier_arr == tier)
        members = members[rng.permutation(len(members))]
        bus_cadre[members] = level_start[level] + np.arange(len(members)) % level_count[level]

    # towns by county / city, villages by town, for placing businesses under their cadre
    def pick(keys_of_items: Any, wanted: Any, ran: Any) -> Any:
        """For each wanted key (a small int), a uniformly random item index with that key."""
        sorter = np.argsort(keys_of_items, kind="stable")
        counts = np.bincount(keys_of_items, minlength=int(keys_of_items.max(initial=0)) + 1)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        if len(wanted) == 0:
            return np.zeros(0, dtype=np.int64)
        return sorter[starts[wanted] + (ran * counts[wanted]).astype(np.int64)]

    # integer ids of the city and county of each township
    _, town_city_id = np.unique(town_city, return_inverse=True)
    counties, town_county_id = np.unique(town_county, return_inverse=True)
    cadre_lv = np.concatenate(
        [np.full(level_count[lv], i, dtype=np.int8) for i, lv in enumerate(_LEVELS)]
    )

    bus_lv = cadre_lv[bus_cadre]
    bus_town = cadre_town[bus_cadre]
    # city/county cadres: the business sits in some township of the cadre's area
    for lv, area in ((0, town_city_id), (1, town_county_id)):
        m = np.flatnonzero(bus_lv == lv)
        bus_town[m] = pick(area, area[cadre_town[bus_cadre[m]]], rng.random(len(m)))
    # jurisdiction: an index into the township codes followed by the village codes
    juris_names = np.concatenate([town_codes.astype("U12"), village_u12])
    bus_juris = bus_town.astype(np.int32)
    # a business below township level pairs sits in a village when its town has one
    village_town = c_vill_t
    vill = np.flatnonzero(bus_lv == 3)
    bus_juris[vill] = n_town + bus_cadre[vill] - level_start["village"]
    others = np.flatnonzero((bus_lv != 3) & (rng.random(n_bus) < 0.6))
    has_v = np.isin(bus_town[others], village_town)
    others = others[has_v]
    vi = pick(village_town, bus_town[others], rng.random(len(others)))
    bus_juris[others] = n_town + vi
    del vill, others, has_v, vi

    # distinct 8-digit serials without materialising the 9*10^7 population: an affine map
    # with a multiplier coprime to 9*10^7 = 2^7 3^2 5^7 is a permutation of the range
    step = int(rng.choice([7919, 104729, 1299709, 15485863]))
    serial = (step * (np.arange(n_bus, dtype=np.int64) + int(rng.integers(0, 9 * 10**7)))) % (
        9 * 10**7
    ) + 10**7
    bus_county = town_county_id[bus_town]
    uscc_s = pl.Series("uscc", _uscc(np, counties, bus_county, serial)).cast(pl.Utf8)
    uscc = _Strings(uscc_s)
    has_director = np.ones(n_bus, dtype=bool)
    has_officer = np.ones(n_bus, dtype=bool)
    opened = _dates(np, dt.date(2005, 1, 1), rng.integers(0, 6200, n_bus))
    status_changed = np.full(n_bus, np.datetime64("NaT"), dtype="datetime64[D]")

    # -- assignments: the current one, plus history -----------------------------------
    a_from = _dates(np, since - dt.timedelta(days=365), rng.integers(0, 335, n_bus))
    a_to = np.full(n_bus, np.datetime64("NaT"), dtype="datetime64[D]")
    fault_keys: dict[str, set[str]] = {k: set() for k in (*BUSINESS_FAULTS, *CADRE_FAULTS)}
    fault_keys.update({k: set() for k in VISIT_FAULTS})

    caps = {lv.code: cap for lv, cap in policy.load_cap.items()}
    # overloaded cadres: take businesses of the same pool (level + jurisdiction) up to cap+1
    # pool id: level and jurisdiction (city, county, township, or the cadre's own village)
    area_of = np.select(
        [cadre_lv == 0, cadre_lv == 1, cadre_lv == 2],
        [town_city_id[cadre_town], town_county_id[cadre_town], cadre_town],
        np.arange(n_cadres),
    )
    _, pool_key = np.unique(
        cadre_lv.astype(np.int64) * (n_cadres + n_town) + area_of, return_inverse=True
    )
    load = np.bincount(bus_cadre, minlength=n_cadres)
    for level in _LEVELS:
        if (
            caps.get(level) is not None
            and load[level_start[level] :][: level_count[level]].max(initial=0) > caps[level]
        ):
            raise ValueError(f"{n_bus} businesses overload {level} cadres under this policy's cap")
    protected = np.zeros(n_bus, dtype=bool)  # businesses whose assignment must stay as it is
    over_cadres: list[int] = []
    if faults.cadre_overloaded > 0:
        cap_of = np.array([caps.get(lv, -1) for lv in _LEVELS], dtype=np.int64)[cadre_lv]
        pool_load = np.bincount(pool_key, weights=load)
        pool_size = np.bincount(pool_key)
        elig_mask = (cap_of > 0) & (pool_load[pool_key] > cap_of + pool_size[pool_key])
        eligible = np.flatnonzero(elig_mask)
        n_over = round(faults.cadre_overloaded * len(eligible))
        taken_pools: set[int] = set()
        pool_order = np.argsort(pool_key, kind="stable")
        pool_cut = np.searchsorted(pool_key[pool_order], np.arange(len(pool_size) + 1))
        by_cadre = np.argsort(bus_cadre, kind="stable")
        cut = np.searchsorted(bus_cadre[by_cadre], np.arange(n_cadres + 1))
        for c in rng.permutation(np.array(eligible, dtype=np.int64)).tolist():
            if len(over_cadres) == n_over:
                break
            key = int(pool_key[c])
            if key in taken_pools:  # one per pool keeps the donors' loads simple
                continue
            taken_pools.add(key)
            cap = caps[_LEVELS[cadre_lv[c]]]
            members = pool_order[pool_cut[key] : pool_cut[key + 1]]
            donors = np.concatenate([by_cadre[cut[d] : cut[d + 1]] for d in members if d != c])
            need = cap + 1 - int(load[c])
            moved = rng.permutation(donors)[:need]
            bus_cadre[moved] = c
            over_cadres.append(c)
            protected[moved] = True
            protected[by_cadre[cut[c] : cut[c + 1]]] = True
            fault_keys["cadre_overloaded"].add(str(cadre_ids[c]))
        load = np.bincount(bus_cadre, minlength=n_cadres)

    assign_ids = _Strings(_ids(pl, f"SYN{tag}-A", 1, n_bus, 8))
    free = np.ones(n_bus, dtype=bool)

    def choose(kind: str, rate: float, eligible_mask: Any) -> Any:
        cand = np.flatnonzero(free & eligible_mask)
        k = round(rate * n_bus)
        k = min(k, len(cand))
        chosen = rng.choice(cand, size=k, replace=False) if k else np.zeros(0, dtype=np.int64)
        free[chosen] = False
        return np.sort(chosen)

    everyone = np.ones(n_bus, dtype=bool)
    # clean re-pairings: a status change re-confirmed within the deadline (same cadre)
    repaired = choose("repaired", 0.02, ~protected)
    s_off = rng.integers(31, 300, len(repaired))
    s_dates = _dates(np, since, s_off)
    status_changed[repaired] = s_dates

    unpaired = choose("unpaired", faults.unpaired, ~protected)
    fault_keys["unpaired"].update(uscc[unpaired].to_list())
    mismatch = choose("tier_level_mismatch", faults.tier_level_mismatch, everyone)
    for i in mismatch:
        tier_arr[i] = rng.choice([t for t in range(len(_TIERS)) if t != tier_arr[i]])
    fault_keys["tier_level_mismatch"].update(assign_ids[mismatch].to_list())
    # outside: move the business to a township of another county (not for city cadres)
    n_counties = len(set(territory.county))
    outside = choose(
        "cadre_outside_jurisdiction",
        faults.cadre_outside_jurisdiction if n_counties > 1 else 0.0,
        bus_lv != 0,
    )
    for i in outside:
        while True:
            t = int(rng.integers(0, n_town))
            if town_county_id[t] != town_county_id[bus_town[i]]:
                break
        bus_town[i] = t
        bus_juris[i] = t
    fault_keys["cadre_outside_jurisdiction"].update(assign_ids[outside].to_list())
    overlap = choose("assignment_overlap", faults.assignment_overlap, everyone)
    gap = choose("assignment_gap", faults.assignment_gap, everyone)
    fault_keys["assignment_overlap"].update(assign_ids[overlap].to_list())
    fault_keys["assignment_gap"].update(assign_ids[gap].to_list())
    no_dir = choose("director_missing", faults.director_missing, everyone)
    has_director[no_dir] = False
    fault_keys["director_missing"].update(uscc[no_dir].to_list())
    no_off = choose("officer_missing", faults.officer_missing, everyone)
    fault_keys["officer_missing"].update(uscc[no_off].to_list())
    repair_late = choose("repair_overdue", faults.repair_overdue, everyone)
    status_changed[repair_late] = _dates(np, as_of, -rng.integers(30, 90, len(repair_late)))
    fault_keys["repair_overdue"].update(uscc[repair_late].to_list())
    overdue = choose("visit_overdue", faults.visit_overdue, everyone)

    # -- assignment rows -------------------------------------------------------------
    paired = np.ones(n_bus, dtype=bool)
    paired[unpaired] = False
    main_idx = np.flatnonzero(paired)
    a_to_main = a_to.copy()
    rep_change = _dates(np, since, s_off + 3)
    a_to_main[repaired] = rep_change
    rows_id = [assign_ids[main_idx]]
    rows_cadre = [cadre_ids[bus_cadre[main_idx]]]
    rows_bus = [uscc[main_idx]]
    rows_from = [a_from[main_idx]]
    rows_to = [a_to_main[main_idx]]
    # the re-confirmed assignment after a clean status change
    rows_id.append(_ids(pl, f"SYN{tag}-AR", 1, len(repaired), 8))
    rows_cadre.append(cadre_ids[bus_cadre[repaired]])
    rows_bus.append(uscc[repaired])
    rows_from.append(rep_change)
    rows_to.append(np.full(len(repaired), np.datetime64("NaT"), dtype="datetime64[D]"))
    # history before the main assignment: overlapping by 10 days, or leaving a 30-day gap
    for prefix, members, end_shift in (
        (f"SYN{tag}-AO", overlap, 10),
        (f"SYN{tag}-AG", gap, -30),
    ):
        other = np.array(
            [
                level_start[lv] + int(rng.integers(0, level_count[lv]))
                for lv in (_LEVELS[i] for i in bus_lv[members])
            ],
            dtype=np.int64,
        )
        rows_id.append(_ids(pl, prefix, 1, len(members), 8))
        rows_cadre.append(cadre_ids[other])
        rows_bus.append(uscc[members])
        rows_from.append(a_from[members] - np.timedelta64(200, "D"))
        rows_to.append(a_from[members] + np.timedelta64(end_shift, "D"))
    assignments = pl.DataFrame(
        {
            "assignment_id": pl.concat(rows_id),
            "cadre_id": pl.concat(rows_cadre),
            "uscc": pl.concat(rows_bus),
            "valid_from": np.concatenate(rows_from),
            "valid_to": np.concatenate(rows_to),
        },
        schema=polars_schema("assignments"),
    )
    del rows_id, rows_cadre, rows_bus, rows_from, rows_to, a_from, a_to, a_to_main, main_idx

    has_officer[no_off] = False
    # SC 1 06 <county> <serial 4> <check>, JY <1 retail | 2 catering> <county> <serial 6>
    # <check>; the check digit's algorithm is not published, so a synthetic 0 stands in
    production = pl.Series(kind_arr == _code(kind_names, "production"))
    catering = pl.Series(kind_arr == _code(kind_names, "catering"))
    licences = pl.select(
        pl.when(production)
        .then(pl.lit("SC106"))
        .otherwise(pl.when(catering).then(pl.lit("JY2")).otherwise(pl.lit("JY1")))
        + pl.Series(counties.astype("U6")).gather(bus_county)
        + pl.when(production)
        .then(pl.Series(serial % 10**4).cast(pl.Utf8).str.zfill(4))
        .otherwise(pl.Series(serial % 10**6).cast(pl.Utf8).str.zfill(6))
        + pl.lit("0")
    ).to_series()
    directors = pl.select(
        pl.when(pl.Series(has_director)).then(_ids(pl, "合成总监", 1, n_bus, 6))
    ).to_series()
    officers = _ids(pl, "合成安全员", 1, n_bus, 6)
    businesses = pl.DataFrame(
        {
            "uscc": uscc_s,
            "name": _ids(pl, "合成样本企业", 1, n_bus, 6),
            "kind": pl.Series(kind_names, dtype=pl.Utf8).gather(kind_arr),
            "licences": _lists(pl, licences),
            "jurisdiction": pl.Series(juris_names).gather(bus_juris),
            "tier": pl.Series(_TIERS).gather(tier_arr),
            "risk_grade": pl.Series(np.array(_TIERS)[rng.integers(0, 4, n_bus)]),
            "principal": _ids(pl, "合成负责人", 1, n_bus, 6),
            "director": directors,
            "officers": _lists(pl, officers, has_officer),
            "opened": opened,
            "closed": pl.repeat(None, n_bus, dtype=pl.Date, eager=True),
            "status_changed": status_changed,
            "address": pl.repeat(None, n_bus, dtype=pl.Utf8, eager=True),
            "village": pl.repeat(None, n_bus, dtype=pl.Utf8, eager=True),
        },
        schema=polars_schema("businesses"),
    )
    del production, catering, licences, directors, officers, kind_arr, tier_arr, bus_juris
    del serial, bus_county, has_director, has_officer, opened, status_changed, bus_town

    cadres = pl.DataFrame(
        {
            "cadre_id": cadre_ids.s,
            "name": _ids(pl, "合成样本干部", 1, n_cadres, 6),
            "level": pl.Series(_LEVELS).gather(cadre_lv),
            "jurisdiction": cadre_juris,
            "unit": pl.Series([f"合成单位{lv}" for lv in _LEVELS]).gather(cadre_lv),
            "post": pl.repeat(None, n_cadres, dtype=pl.Utf8, eager=True),
            "active_from": _dates(
                np, since - dt.timedelta(days=400), rng.integers(0, 30, n_cadres)
            ),
            "active_to": pl.repeat(None, n_cadres, dtype=pl.Date, eager=True),
            "village": pl.repeat(None, n_cadres, dtype=pl.Utf8, eager=True),
            "phone": pl.repeat(None, n_cadres, dtype=pl.Utf8, eager=True),
        },
        schema=polars_schema("cadres"),
    )

    # -- pledges and lists -----------------------------------------------------------
    p_cadre: list[Any] = []
    p_doc: list[Any] = []
    p_signed: list[Any] = []
    cadre_free = np.ones(n_cadres, dtype=bool)
    cadre_free[over_cadres] = False
    # each row's document is an index into the policy's documents
    doc_codes = pl.Series([r.document.code for r in policy.documents], dtype=pl.Utf8)
    for i, rule in enumerate(policy.documents):
        levels = [_code(_LEVELS, lv.code) for lv in rule.levels]
        members = np.flatnonzero(np.isin(cadre_lv, levels))
        p_cadre.append(members)
        p_doc.append(np.full(len(members), i, dtype=np.int32))
        p_signed.append(_dates(np, rule.due, -rng.integers(0, 30, len(members))))
    pl_cadre = np.concatenate(p_cadre) if p_cadre else np.zeros(0, dtype=np.int64)
    pl_doc = np.concatenate(p_doc) if p_doc else np.zeros(0, dtype=np.int32)
    pl_signed = np.concatenate(p_signed) if p_signed else np.zeros(0, dtype="datetime64[D]")
    keep = np.ones(len(pl_cadre), dtype=bool)
    due_by_row = {(r.document.code): r.due for r in policy.documents}
    doc_is_pledge = np.array([c == PairingList.PLEDGE.code for c in doc_codes], dtype=bool)
    doc_is_due = np.array([due_by_row[c] < as_of for c in doc_codes], dtype=bool)
    for kind, is_pledge, rate in (
        ("pledge_missing", True, faults.pledge_missing),
        ("list_missing", False, faults.list_missing),
    ):
        rows = np.flatnonzero(
            (doc_is_pledge[pl_doc] == is_pledge)
            & cadre_free[pl_cadre]
            & np.isin(cadre_lv[pl_cadre], [_LEVELS.index(lv) for lv in document_fault_levels])
            & doc_is_due[pl_doc]
        )
        # one document per cadre: pick cadres, then one of their rows
        cand_cadres = np.unique(pl_cadre[rows])
        k = min(round(rate * n_cadres), len(cand_cadres))
        chosen = rng.choice(cand_cadres, size=k, replace=False) if k else []
        cadre_free[chosen] = False
        in_chosen = rows[np.isin(pl_cadre[rows], np.asarray(chosen, dtype=np.int64))]
        shuffled = rng.permutation(in_chosen)
        _, first = np.unique(pl_cadre[shuffled], return_index=True)
        picked = shuffled[first]
        keep[picked] = False
        keys = pl.select(
            cadre_ids[pl_cadre[picked]] + pl.lit("/") + doc_codes.gather(pl_doc[picked])
        ).to_series()
        fault_keys[kind].update(keys.to_list())
    pledges = pl.DataFrame(
        {
            "cadre_id": cadre_ids[pl_cadre[keep]],
            "document": doc_codes.gather(pl_doc[keep]),
            "signed": pl_signed[keep],
            "counterpart": pl.repeat(None, int(keep.sum()), dtype=pl.Utf8, eager=True),
            "scan_ref": pl.select(
                pl.lit("SYN-SCAN-") + pl.Series(pl_cadre[keep]).cast(pl.Utf8)
            ).to_series(),
        },
        schema=polars_schema("pledges"),
    )
    del p_cadre, p_doc, p_signed, pl_cadre, pl_doc, pl_signed, keep, cadre_free
    del cadre_juris, cadre_town, village_u12, juris_names

    # -- visits: min_visits per closed period of the cadre's cadence ----------------
    # working arrays at visit scale (~4 * 10^6 rows at province size) hold int32 row and
    # day numbers, and each is dropped as soon as it has been used
    vis_bus: list[Any] = []
    vis_day: list[Any] = []
    due_periods: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for level in _LEVELS:
        # a level the policy sets no cadence for is visited quarterly, and never overdue
        checked = policy.cadence_for(Level.parse(level))
        cad = checked or Cadence()
        starts = cad.period_starts(since, as_of)
        periods = [(a, b) for a, b in itertools.pairwise(starts) if b <= as_of and b > since]
        members = np.flatnonzero(paired & (bus_lv == _LEVELS.index(level))).astype(np.int32)
        due_periods[_LEVELS.index(level)] = periods if checked else []
        for a, b in periods:
            lo = max(a, since)
            for _ in range(cad.min_visits):
                vis_bus.append(members)
                offsets = rng.integers(0, (b - lo).days, len(members))
                vis_day.append((offsets + _day(lo)).astype(np.int32))
    v_bus = np.concatenate(vis_bus) if vis_bus else np.zeros(0, dtype=np.int32)
    v_day = np.concatenate(vis_day) if vis_day else np.zeros(0, dtype=np.int32)
    del vis_bus, vis_day, members, paired
    # overdue: drop every visit of one closed period that the assignment fully covers
    if len(overdue):
        # every main assignment starts before `since`, so each closed period in the window
        # is fully covered; pick one per business (no period: an empty range drops nothing)
        p_lo = np.full(n_bus, np.iinfo(np.int32).max, dtype=np.int32)
        p_hi = np.full(n_bus, np.iinfo(np.int32).min, dtype=np.int32)
        for lv in range(4):
            closed = [(a, b) for a, b in due_periods[lv] if a >= since]
            members = overdue[bus_lv[overdue] == lv]
            if not closed:
                free[members] = True
                continue
            which = rng.integers(0, len(closed), len(members))
            p_lo[members] = np.array([_day(a) for a, _ in closed], dtype=np.int32)[which]
            p_hi[members] = np.array([_day(b) for _, b in closed], dtype=np.int32)[which]
            keys = pl.select(
                assign_ids[members]
                + pl.lit("@")
                + _date_series(pl, np, p_lo[members]).dt.strftime("%Y-%m-%d")
            ).to_series()
            fault_keys["visit_overdue"].update(keys.to_list())
        keep = (v_day < p_lo[v_bus]) | (v_day >= p_hi[v_bus])
        overdue = overdue[p_lo[overdue] <= p_hi[overdue]]
        v_bus = v_bus[keep]
        v_day = v_day[keep]
        del p_lo, p_hi, keep
    del assign_ids
    n_vis = len(v_bus)
    # problems: 10% of visits early enough to be followed up get one, solved by a follow-up
    late_limit = _day(as_of - dt.timedelta(days=25))
    problem = (rng.random(n_vis) < 0.10) & (v_day <= late_limit)
    no_problem_bus = np.zeros(n_bus, dtype=bool)
    no_problem_bus[overdue] = True
    no_problem = no_problem_bus[v_bus]
    problem &= ~no_problem
    fault_limit = _day(as_of - dt.timedelta(days=(policy.follow_up_days or 30) + 1))
    cand = np.flatnonzero(~problem & ~no_problem & (v_day <= fault_limit))
    del no_problem, no_problem_bus
    k = min(round(faults.problem_without_follow_up * n_vis), len(cand))
    open_problem = np.zeros(n_vis, dtype=bool)
    if k:
        open_problem[rng.choice(cand, size=k, replace=False)] = True
    del cand
    visit_ids = _Strings(_ids(pl, f"SYN{tag}-V", 1, n_vis, 9))
    fault_keys["problem_without_follow_up"].update(visit_ids.keys(np.flatnonzero(open_problem)))
    fu = np.flatnonzero(problem).astype(np.int32)
    fu_day = v_day[fu] + rng.integers(3, 21, len(fu))
    has_problem = problem | open_problem
    del problem, open_problem
    fu_bus = v_bus[fu]
    on_site = rng.random(n_vis) < 0.85
    rng.random(len(fu))  # drawn for the follow-ups too (never on site): keeps the stream
    bus_cadre32 = bus_cadre.astype(np.int32)
    schema = polars_schema("visits")
    text, flag = pl.Utf8, pl.col("flag")
    # two parts, visits then their follow-ups, concatenated without copying: a column that
    # is constant within a part (no follow-up of, no problems) stays a constant there
    main = pl.DataFrame(
        {
            "visit_id": visit_ids.s,
            "date": _date_series(pl, np, v_day),
            "cadre_id": cadre_ids[bus_cadre32[v_bus]],
            "uscc": uscc[v_bus],
            "flag": has_problem,
            "on_site": on_site,
        }
    ).select(
        "visit_id",
        "date",
        "cadre_id",
        "uscc",
        pl.when("on_site").then(pl.lit("on_site")).otherwise(pl.lit("video")).alias("mode"),
        pl.lit("合成：任务清单已落实").alias("task_list_status"),
        pl.lit(None, dtype=text).alias("results"),
        _lists(pl, "合成问题：进货查验记录不全", has_problem).alias("problems"),
        pl.lit([], dtype=pl.List(text)).alias("evidence"),
        pl.when(flag).then(pl.lit("属地市场监管所")).alias("feedback_to"),
        pl.lit(None, dtype=text).alias("follow_up_of"),
        pl.lit(None, dtype=pl.Boolean).alias("problems_resolved"),
    )
    del v_day, v_bus, has_problem, on_site
    follow = pl.DataFrame(
        {
            "visit_id": _ids(pl, f"SYN{tag}-VF", 1, len(fu), 9),
            "date": _date_series(pl, np, fu_day),
            "cadre_id": cadre_ids[bus_cadre32[fu_bus]],
            "uscc": uscc[fu_bus],
        }
    ).with_columns(
        pl.lit("video").alias("mode"),
        pl.lit("合成：任务清单已落实").alias("task_list_status"),
        pl.lit(None, dtype=text).alias("results"),
        pl.lit([], dtype=pl.List(text)).alias("problems"),
        pl.lit([], dtype=pl.List(text)).alias("evidence"),
        pl.lit(None, dtype=text).alias("feedback_to"),
        visit_ids[fu].alias("follow_up_of"),
        pl.lit(True).alias("problems_resolved"),
    )
    del fu, fu_day, fu_bus, visit_ids
    visits = pl.concat(
        [part.select(pl.col(c).cast(d) for c, d in schema.items()) for part in (main, follow)],
        rechunk=False,
    )
    del main, follow

    # -- routines for a share of the businesses ----------------------------------
    required = [r.code for r in policy.routines.required] if policy.routines else []
    n_rt = round(routine_share * n_bus) if required else 0
    rt_bus = np.sort(rng.choice(n_bus, size=n_rt, replace=False)) if n_rt else np.zeros(0, int)
    rt_frames = []
    gap_cand = rt_bus[free[rt_bus]]
    k = min(round(faults.routine_gap * n_rt), len(gap_cand))
    gap_bus = set(rng.choice(gap_cand, size=k, replace=False).tolist()) if k else set()
    gap_routine = {b: required[int(rng.integers(0, len(required)))] for b in sorted(gap_bus)}
    free[list(gap_bus)] = False
    signer = {"daily": "food_safety_officer", "weekly": "food_safety_director"}
    rt_schema = polars_schema("routines")
    for routine in required:
        starts = _routine_starts(routine, since, as_of)
        n_p = len(starts)
        keep_r = np.ones(len(rt_bus) * n_p, dtype=bool)
        closed_idx = [i for i, d in enumerate(starts) if _routine_end(routine, d) <= as_of]
        # gap_routine runs in ascending business order, as rt_bus does
        for b, gap_of in gap_routine.items():
            if gap_of == routine:
                j = int(np.searchsorted(rt_bus, b))
                missing = rng.choice(closed_idx, size=min(len(closed_idx), int(rng.integers(1, 4))))
                keep_r[j * n_p + np.unique(missing)] = False
                fault_keys["routine_gap"].add(f"{uscc[b]}/{routine}")
        # row j * n_p + p: business rt_bus[j], period starts[p]
        which, period = np.divmod(np.flatnonzero(keep_r), max(n_p, 1))
        del keep_r
        start_days = np.array([_day(d) for d in starts], dtype=np.int32)
        rt_frames.append(
            pl.DataFrame(
                {
                    "uscc": uscc[rt_bus[which].astype(np.int32)],
                    "period_start": _date_series(pl, np, start_days[period]),
                }
            ).select(
                "uscc",
                pl.lit(routine).alias("routine"),
                "period_start",
                pl.lit("合成签字人").alias("signed_by"),
                pl.lit(signer.get(routine, "principal")).alias("signer_post"),
            )
        )
        del which, period
    routines = (
        pl.concat(
            [f.select(pl.col(c).cast(d) for c, d in rt_schema.items()) for f in rt_frames],
            rechunk=False,
        )
        if rt_frames
        else pl.DataFrame(schema=rt_schema)
    )
    del rt_frames

    tables = {
        "businesses": businesses,
        "cadres": cadres,
        "assignments": assignments,
        "pledges": pledges,
        "visits": visits,
        "routines": routines,
    }
    return Sample(
        name=name,
        seed=seed,
        tables=tables,
        faults={k: frozenset(v) for k, v in fault_keys.items()},
        as_of=as_of,
        since=since,
        policy=policy,
        description=description,
    )


def _routine_starts(routine: str, since: dt.date, as_of: dt.date) -> list[dt.date]:
    if routine == Routine.DAILY.code:
        return [since + dt.timedelta(days=i) for i in range((as_of - since).days)]
    if routine == Routine.WEEKLY.code:
        first = since + dt.timedelta(days=(7 - since.weekday()) % 7)
        return [first + dt.timedelta(days=7 * i) for i in range(((as_of - first).days + 6) // 7)]
    out = []
    y, m = (since.year, since.month) if since.day == 1 else _next_month(since.year, since.month)
    while dt.date(y, m, 1) < as_of:
        out.append(dt.date(y, m, 1))
        y, m = _next_month(y, m)
    return out


def _next_month(y: int, m: int) -> tuple[int, int]:
    return (y + 1, 1) if m == 12 else (y, m + 1)


def _routine_end(routine: str, start: dt.date) -> dt.date:
    if routine == Routine.DAILY.code:
        return start + dt.timedelta(days=1)
    if routine == Routine.WEEKLY.code:
        return start + dt.timedelta(days=7)
    y, m = _next_month(start.year, start.month)
    return dt.date(y, m, 1)


def _policy(policy: PairingPolicy | str | None, default: str) -> PairingPolicy:
    from foodsafety.presets import pairing_policy

    if policy is None:
        return pairing_policy(default)
    if isinstance(policy, str):
        return pairing_policy(policy)
    return policy


def anyang(
    seed: int = 0,
    *,
    scale: float = 1.0,
    faults: FaultRates | None = None,
    policy: PairingPolicy | str | None = None,
    as_of: dt.date = dt.date(2023, 1, 1),
    routine_share: float = 0.05,
) -> Sample:
    """A synthetic pairing ledger at Anyang's published size and mix (seed 004).

    16316 businesses (6234 catering, 9714 operating, 368 production) and 4806 cadres at city,
    county, township and village level, times ``scale``, on Anyang's real county and township
    codes, with a year of visits before ``as_of`` at the policy's cadence. **Synthetic**: no
    row describes a real business or person.

    Args:
        seed: the random seed; the same seed gives the same sample.
        scale: a factor on the numbers of businesses and cadres (``0.1`` for fast tests).
        faults: injected fault rates (default :class:`FaultRates`; ``FaultRates.none()`` for a
            clean ledger).
        policy: the policy the sample follows (default the ``anyang_2022`` preset).
        as_of: the audit date; the visits cover the year before it.
        routine_share: the share of businesses given routine records.
    """
    kinds = {k: round(v * scale) for k, v in ANYANG_KINDS.items()}
    sample = _generate(
        name=f"anyang(seed={seed}, scale={scale})",
        territory=_territory(ANYANG_CITY),
        kinds=kinds,
        n_cadres=round(ANYANG_CADRES * scale),
        seed=seed,
        faults=FaultRates() if faults is None else faults,
        policy=_policy(policy, "anyang_2022"),
        as_of=as_of,
        since=default_since(as_of),
        routine_share=routine_share,
        description="合成样本（安阳市规模）: synthetic pairing ledger at Anyang's size (seed 004)",
        # seed 004: city and county cadres had all signed; township and village ones lag
        document_fault_levels=("township", "village"),
    )
    release_freed_heap()  # after the generator's working arrays are gone
    return sample


def province(
    seed: int = 0,
    *,
    code: str = "410000",
    n_businesses: int = 1_000_000,
    n_cadres: int = 300_000,
    faults: FaultRates | None = None,
    policy: PairingPolicy | str | None = None,
    as_of: dt.date = dt.date(2023, 1, 1),
    routine_share: float = 0.01,
) -> Sample:
    """A synthetic pairing ledger for a whole province (default Henan, 410000).

    Businesses follow Anyang's mix of kinds, scaled to ``n_businesses``; cadres are spread over
    the province's real cities, counties and townships. **Synthetic**, like :func:`anyang`.
    """
    total = sum(ANYANG_KINDS.values())
    counts = _split(n_businesses, [v / total for v in ANYANG_KINDS.values()])
    kinds = dict(zip(ANYANG_KINDS, counts, strict=True))
    sample = _generate(
        name=f"province({code}, seed={seed})",
        territory=_territory(code),
        kinds=kinds,
        n_cadres=n_cadres,
        seed=seed,
        faults=FaultRates() if faults is None else faults,
        policy=_policy(policy, "anyang_2022"),
        as_of=as_of,
        since=default_since(as_of),
        routine_share=routine_share,
        description=f"合成样本（{code}全省规模）: synthetic province-wide pairing ledger",
    )
    release_freed_heap()  # after the generator's working arrays are gone
    return sample


def fault_kinds() -> tuple[str, ...]:
    """Every finding kind the generator can inject."""
    return (*BUSINESS_FAULTS, *CADRE_FAULTS, *VISIT_FAULTS)
