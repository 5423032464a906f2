"""Ids laid out in sorted blocks, and the writer that streams a document with its changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, NamedTuple

from dmr_edge.bench.generate.draw import _Draw, _mix

# Share of the changed records that are modified / added / removed.
_MODIFIED, _ADDED, _REMOVED = 0.55, 0.35, 0.10

# --------------------------------------------------------------------------------------------
# Ids: every source is a sorted run of ids laid out in blocks (a country's MCC-style prefix
# times the block size). Consecutive ids are at least 2 apart so a change can slot new ids in.


class _Seg(NamedTuple):
    base: int  # first id of the block
    span: int  # ids base .. base + span - 1 may be used
    n: int  # records in the block
    group: int  # index of the country (or other group) that owns the block


def _split(count: int, weights: Sequence[int]) -> list[int]:
    """Split count into integer parts proportional to weights (cumulative rounding)."""
    total = sum(weights)
    out: list[int] = []
    acc = prev = 0
    for w in weights:
        acc += w
        cur = (2 * acc * count + total) // (2 * total)
        out.append(cur - prev)
        prev = cur
    return out


def _plan(
    count: int, weights: Sequence[int], prefixes: Sequence[Sequence[int]], block: int,
    pool: Sequence[int],
) -> list[_Seg]:  # fmt: skip
    """Lay count records out over the groups' prefix blocks; overflow takes free prefixes."""
    span = block - 10
    cap = span // 2
    used = {p for pre in prefixes for p in pre}
    free = (p for p in pool if p not in used)
    segs: list[_Seg] = []
    for g, demand in enumerate(_split(count, weights)):
        if demand <= 0:
            continue
        m = -(-demand // cap)
        blocks = list(prefixes[g][:m])
        while len(blocks) < m:
            p = next(free, None)
            if p is None:
                raise ValueError("scale too large: the id space of this source is exhausted")
            blocks.append(p)
        q, r = divmod(demand, m)
        for k, p in enumerate(blocks):
            n = q + (1 if k < r else 0)
            if n:
                segs.append(_Seg(p * block + 1, span, n, g))
    segs.sort()
    return segs


_Slot = tuple[int, int, int, int]  # id, owner id (first id of its run), group, position in run


def _slots(segs: Sequence[_Seg], salt: int, share: int, max_run: int) -> Iterator[_Slot]:
    """Ids of each block, with jitter; ``share`` per mille of them belong to the previous owner.

    Ids within a block are base + j*span//n plus a jitter below span//n - 1, so consecutive ids
    differ by 2 or more. The owner (a person, a club) lets consecutive records share a callsign.
    """
    for base, span, n, g in segs:
        jit = span // n - 1
        owner = base
        run = 0
        for j in range(n):
            h = _mix(salt ^ (base + j))
            i = base + j * span // n
            if jit > 1:
                i += h % jit
            if j and run < max_run and (h >> 32) % 1000 < share:
                run += 1
            else:
                owner = i
                run = 0
            yield i, owner, g, run


def _fixed(items: Sequence[tuple[int, int]]) -> Iterator[_Slot]:
    """Slots for a fixed, sorted list of (id, group) pairs (well-known talkgroups)."""
    for i, g in items:
        yield i, i, g, 0


_USER_POOL = tuple(range(100, 1000)) + tuple(range(1000, 1677))  # 7 digits first, then 24-bit
_SMALL_POOL = tuple(range(100, 10000))


# --------------------------------------------------------------------------------------------
# Output: records are encoded one at a time and written in bounded chunks.

_ENC = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_CHUNK = 512


class _Source(NamedTuple):
    slots: Iterator[_Slot]
    make: Callable[[int, int, int, int], Any]  # (id, owner, group, run) -> record
    alter: Callable[[Any, int, int], None]  # (record, group, hash) modifies a record in place
    encode: Callable[[Any], str]
    head: str
    sep: str
    tail: str


def _drive(src: _Source, out: IO[bytes], change: float, ckey: int) -> int:
    """Write the document: every slot's record, with removals, modifications and additions."""
    t_rem = int(change * _REMOVED * 2**32)
    t_mod = int(change * (_REMOVED + _MODIFIED) * 2**32)
    t_add = int(change * _ADDED * 2**32)
    make, alter, encode, sep = src.make, src.alter, src.encode, src.sep
    buf: list[str] = []
    written = 0
    started = False
    out.write(src.head.encode("utf-8"))

    def flush() -> None:
        nonlocal started
        if buf:
            text = sep.join(buf)
            out.write(((sep + text) if started else text).encode("utf-8"))
            started = True
            buf.clear()

    if not change:
        for slot in src.slots:
            buf.append(encode(make(*slot)))
            if len(buf) >= _CHUNK:
                written += len(buf)
                flush()
        written += len(buf)
    else:
        for i, owner, g, run, gap in _with_next(src.slots):
            hc = _mix(ckey ^ i)
            u = hc & 0xFFFFFFFF
            if u >= t_rem:
                rec = make(i, owner, g, run)
                if u < t_mod:
                    alter(rec, g, hc)
                buf.append(encode(rec))
                written += 1
            if (hc >> 32) < t_add and gap >= 2:
                new = i + 1 + (hc >> 40) % min(gap - 1, 3)
                buf.append(encode(make(new, new, g, 0)))
                written += 1
            if len(buf) >= _CHUNK:
                flush()
    flush()
    out.write(src.tail.encode("utf-8"))
    return written


def _with_next(slots: Iterator[_Slot]) -> Iterator[tuple[int, int, int, int, int]]:
    """Each slot with the gap to the next id (4 after the last one)."""
    prev: _Slot | None = None
    for slot in slots:
        if prev is not None:
            yield (*prev, slot[0] - prev[0])
        prev = slot
    if prev is not None:
        yield (*prev, 4)


def _other(old: str, choices: Sequence[str], d: _Draw) -> str:
    """A value from choices that differs from old (so a modified record really differs)."""
    for _ in range(8):
        value = d.pick(choices)
        if value != old:
            return value
    return old + " 2"
