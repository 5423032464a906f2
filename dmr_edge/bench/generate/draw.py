"""Reproducible choices: splitmix64 hashes of (seed, id) and picks from weighted tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

_T = TypeVar("_T")

# --------------------------------------------------------------------------------------------
# Hashing: splitmix64 gives every (seed, id) its own reproducible stream of choices.

_M64 = 0xFFFFFFFFFFFFFFFF


def _mix(x: int) -> int:
    """splitmix64 finaliser: a well-spread 64-bit hash of a 64-bit integer."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def _key(seed: int, salt: int) -> int:
    return _mix(_mix(seed & _M64) ^ salt)


class _Draw:
    """Small random choices cut from a 64-bit hash, refilled by re-hashing (no random.Random)."""

    __slots__ = ("_h", "_s")

    def __init__(self, h: int) -> None:
        self._h = h
        self._s = h

    def below(self, n: int) -> int:
        h = self._h
        if h < 0x100000000:
            self._s = h = _mix(self._s)
        self._h = h // n
        return h % n

    def pick(self, seq: Sequence[_T]) -> _T:
        return seq[self.below(len(seq))]

    def per10k(self, n: int) -> bool:
        """True with probability n / 10000."""
        return self.below(10000) < n


def _weighted(pairs: Sequence[tuple[_T, int]]) -> tuple[_T, ...]:
    """Expand (value, weight) pairs into a tuple where one uniform pick is a weighted pick."""
    out: list[_T] = []
    for value, weight in pairs:
        out.extend([value] * weight)
    return tuple(out)


def _spec(text: str) -> tuple[str, ...]:
    """``"a:3|b|:2"`` -> weighted tuple of strings (weight defaults to 1; ``""`` allowed)."""
    pairs: list[tuple[str, int]] = []
    for part in text.split("|"):
        name, sep, weight = part.rpartition(":")
        if sep and weight.isdigit():
            pairs.append((name, int(weight)))
        else:
            pairs.append((part, 1))
    return _weighted(pairs)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))
