"""Several runs of one measurement, and the figures drawn from them (median, min, max)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable

from dmr_edge.bench.runner import PLACES, Run


@dataclass
class Planned:
    """A measurement to repeat: ``once`` takes one run in a fresh child."""

    label: str
    once: Callable[[], Run]
    runs: list[Run] = field(default_factory=list)


@dataclass
class Stat:
    median: float
    low: float
    high: float

    @staticmethod
    def of(values: Sequence[float]) -> Stat | None:
        if not values:
            return None
        return Stat(float(statistics.median(values)), float(min(values)), float(max(values)))

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high}


@dataclass
class Measured:
    """Several runs of one measurement, and the figures drawn from them."""

    label: str
    runs: list[Run]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return self.runs[0].records if self.runs else 0

    def stat(self, what: Callable[[Run], float | None]) -> Stat | None:
        values = [v for v in (what(r) for r in self.runs) if v is not None]
        return Stat.of(values)

    @property
    def wall(self) -> Stat:
        return self.stat(lambda r: r.wall)  # type: ignore[return-value]

    @property
    def rate(self) -> Stat | None:
        if not self.records:
            return None
        return self.stat(lambda r: r.records / r.wall if r.records else None)

    @property
    def rss(self) -> Stat:
        return self.stat(lambda r: r.maxrss)  # type: ignore[return-value]

    @property
    def rss_above(self) -> Stat:
        return self.stat(lambda r: r.maxrss - r.baseline)  # type: ignore[return-value]

    @property
    def cpu(self) -> Stat:
        return self.stat(lambda r: r.cpu)  # type: ignore[return-value]

    @property
    def db_written(self) -> Stat | None:
        return self.stat(lambda r: r.db_written)

    @property
    def downloaded(self) -> Stat | None:
        return self.stat(lambda r: r.downloaded)

    @property
    def written(self) -> Stat | None:
        """Every byte the whole process wrote."""
        return self.stat(lambda r: r.written)

    def place(self, name: str) -> Stat | None:
        """Bytes written to one place: cache, database, exports or other."""
        return self.stat(lambda r: (r.breakdown() or {}).get(name))

    @property
    def cache_disk(self) -> Stat | None:
        return self.stat(lambda r: r.cache_disk)

    def as_dict(self) -> dict[str, Any]:
        def d(s: Stat | None) -> Any:
            return s.as_dict() if s is not None else None

        return {
            "label": self.label,
            "runs": len(self.runs),
            "records": self.records,
            "wall_seconds": d(self.wall),
            "cpu_seconds": d(self.cpu),
            "records_per_second": d(self.rate),
            "peak_rss_bytes": d(self.rss),
            "peak_rss_above_baseline_bytes": d(self.rss_above),
            "db_written_bytes": d(self.db_written),
            "written_bytes": d(self.written),
            "written_by_place_bytes": {place: d(self.place(place)) for place in PLACES},
            "cache_disk_bytes": d(self.cache_disk),
            "downloaded_bytes": d(self.downloaded),
            "each_run": [r.as_dict() for r in self.runs],
            **self.extra,
        }
