"""Frequencies: band plans in integer Hz and the ways people type offsets and coordinates."""

from __future__ import annotations

from collections.abc import Sequence

from dmr_edge.bench.generate.draw import _Draw, _weighted

# Frequencies. Band plans in integer Hz: (first channel, channels, step, offsets, weight).

_Band = tuple[int, int, int, tuple[int, ...]]


def _bands(
    spec: Sequence[tuple[int, int, int, Sequence[tuple[int, int]], int]],
) -> tuple[_Band, ...]:
    return _weighted([((lo, n, step, _weighted(offs)), w) for lo, n, step, offs, w in spec])


_UHF_NA = (440_000_000, 800, 12_500, ((5_000_000, 6), (-5_000_000, 4)), 80)
_PLANS: dict[str, tuple[_Band, ...]] = {
    "na": _bands([
        _UHF_NA,
        (145_110_000, 152, 15_000, ((-600_000, 1), (600_000, 1)), 15),
        (927_000_000, 80, 12_500, ((-25_000_000, 1),), 3),
        (223_850_000, 56, 20_000, ((-1_600_000, 1),), 2),
    ]),
    "la": _bands([
        _UHF_NA,
        (146_000_000, 200, 10_000, ((-600_000, 1), (600_000, 1)), 20),
    ]),
    "eu": _bands([
        (438_000_000, 160, 12_500,
         ((-7_600_000, 75), (-9_400_000, 8), (-2_000_000, 6), (-5_000_000, 5), (1_600_000, 6)), 82),
        (145_575_000, 18, 12_500, ((-600_000, 1),), 18),
    ]),
    "uk": _bands([
        (439_000_000, 80, 12_500, ((-9_000_000, 1),), 80),
        (145_575_000, 18, 12_500, ((-600_000, 1),), 15),
        (430_000_000, 80, 12_500, ((9_000_000, 1),), 5),
    ]),
    "ap": _bands([
        (438_000_000, 160, 12_500, ((-5_000_000, 5), (-7_000_000, 3), (5_000_000, 2)), 80),
        (146_000_000, 160, 12_500, ((-600_000, 1), (600_000, 1)), 20),
    ]),
    "jp": _bands([(439_000_000, 80, 12_500, ((-5_000_000, 1),), 1)]),
    "cn": _bands([
        (439_000_000, 80, 12_500, ((-5_000_000, 3), (-8_000_000, 1)), 85),
        (145_000_000, 72, 12_500, ((-600_000, 1),), 15),
    ]),
}  # fmt: skip


def _channel(plan: str, d: _Draw) -> tuple[int, int]:
    lo, n, step, offsets = d.pick(_PLANS[plan])
    return lo + d.below(n) * step, d.pick(offsets)


def _mhz(hz: int, decimals: int) -> str:
    """Integer Hz -> MHz string with ``decimals`` places, e.g. 440587500, 5 -> "440.58750"."""
    return f"{hz // 1_000_000}.{hz % 1_000_000:06d}"[: decimals - 6 or None]


_OFFSET_STYLE = _weighted([(0, 900), (1, 25), (2, 20), (3, 12), (4, 8), (5, 15), (6, 10)])


def _offset_text(hz: int, d: _Draw) -> str:
    """radioid writes offsets as typed by people: "+5.000", "-7.6", "5.000", "+5.00", ""."""
    sign = "-" if hz < 0 else "+"
    mhz = _mhz(abs(hz), 3)
    style = d.pick(_OFFSET_STYLE)
    if style == 0:
        return sign + mhz
    if style == 1:
        return sign + mhz[:-1]
    if style == 2:
        return (sign if hz < 0 else "") + mhz
    if style == 3:
        return sign + mhz.rstrip("0").rstrip(".")
    if style == 4:
        return sign + mhz + "0"
    if style == 5:
        return ""
    return "0.000"


def _coord(lo: float, hi: float, d: _Draw) -> float:
    return lo + (hi - lo) * d.below(1_000_000) / 1_000_000
