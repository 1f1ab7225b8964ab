"""Find keys among millions by their 64-bit hashes, in numpy tables indexed by the hash's bits.

A polars hash join of 4 million values against 1 million keys spends most of its time
building, partitioning and materialising; the lookup itself is one random read per value.
:class:`HashIndex` keeps only that read: a table of ``2**(k+3)`` slots for up to ``2**k``
keys (``2**(k+2)`` above four million keys), indexed by as many bits of the hash, holds the
row of the one key in a slot. Keys that share a slot (about one in nine at that load) go on
to a smaller table indexed by the next bits of their hashes, and so on, so a lookup is one
numpy gather per level over the values still unresolved. The index gives *candidates*: a value whose key is among the keys gets that key's
row, any other value gets ``-1`` or the row of some key, so callers compare the candidate's
key with the value (exactness does not rest on the hash).

Keys with equal hashes (a repeated key, or a true 64-bit collision) share a slot at every
level; the index then reports :attr:`HashIndex.unique` false and callers fall back to a join
on the values themselves.
"""

from __future__ import annotations

from typing import Any

from foodsafety.errors import require

#: Table slots per key, as a power of two: 8 slots a key sends about 1 key in 9 to the next level.
_SPARE_BITS = 3
#: Above this many keys a first level of 4 slots a key (16 bytes a key instead of 32; about
#: 1 key in 5 goes on to the next level).
_LARGE = 1 << 22
#: Table levels at most (at four bits or more a level, they look at every bit of the hash);
#: keys still sharing slots after them are searched in sorted order.
_MAX_LEVELS = 16


def _slots(np: Any, hashes: Any, shift: int, bits: int) -> Any:
    """Bits ``shift .. shift+bits`` (from the top, wrapping around) of each hash, as indices."""
    h = hashes
    if shift:
        h = (hashes << np.uint64(shift)) | (hashes >> np.uint64(64 - shift))
    return (h >> np.uint64(64 - bits)).astype(np.intp)


class HashIndex:
    """The row of each of ``hashes`` (a numpy ``uint64`` array), by direct-address tables.

    Build once per set of keys; :meth:`candidates` looks up any number of values. Memory is
    about 32 bytes a key (int32 slots, eight per key, on the first level; 16 bytes a key above
    four million keys). Keys that still share slots after the levels have looked at every bit
    (hashes alike in most of their bits, which a good hash does not make) are found by a
    binary search among their sorted hashes.
    """

    __slots__ = ("levels", "rest", "size", "unique")

    def __init__(self, hashes: Any) -> None:
        np = require("numpy", extra="data", feature="hashed key lookups")
        hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
        self.size = len(hashes)
        self.levels: list[tuple[int, int, Any]] = []
        rows = np.arange(self.size, dtype=np.int32)
        shift = 0
        while len(rows) and len(self.levels) < _MAX_LEVELS:
            spare = _SPARE_BITS - (len(rows) > _LARGE)
            bits = min(max(int(len(rows) - 1).bit_length(), 1) + spare, 32)
            s = _slots(np, hashes[rows] if len(self.levels) else hashes, shift, bits)
            table = np.full(1 << bits, -1, dtype=np.int32)
            table[s] = rows
            # a slot holds the last of its rows: a row not found in its slot shares it
            shared = s[table[s] != rows]
            table[shared] = -2
            self.levels.append((shift, bits, table))
            rows = rows[table[s] == -2]
            shift = (shift + bits) % 64
        # the keys left share slots at every level: their hashes in order, for binary search
        order = np.argsort(hashes[rows], kind="stable")
        self.rest = (hashes[rows][order], rows[order])
        self.unique = bool(np.all(self.rest[0][1:] != self.rest[0][:-1]))

    def candidates(self, hashes: Any) -> Any:
        """For each of ``hashes``, the row of the one key that may have it, or ``-1``.

        A value whose hash is a key's gets that key's row; other values get ``-1`` or an
        arbitrary row: compare before use. Only for a :attr:`unique` index.
        """
        np = require("numpy", extra="data", feature="hashed key lookups")
        if not self.unique:
            raise ValueError("keys share hashes: look them up by a join on the keys")
        hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
        if not self.levels:
            return np.full(len(hashes), -1, dtype=np.int32)
        shift, bits, table = self.levels[0]
        out = table[_slots(np, hashes, shift, bits)]
        deeper = np.flatnonzero(out == -2)
        for shift, bits, table in self.levels[1:]:
            if not len(deeper):
                break
            found = table[_slots(np, hashes[deeper], shift, bits)]
            out[deeper] = found
            deeper = deeper[found == -2]
        if len(deeper):
            rest_hashes, rest_rows = self.rest
            at = np.searchsorted(rest_hashes, hashes[deeper])
            hit = at < len(rest_hashes)
            out[deeper] = np.where(hit, rest_rows[np.minimum(at, len(rest_rows) - 1)], -1)
        return out
