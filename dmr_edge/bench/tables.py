"""Tables and targets as Markdown and JSON, and the formatting of their figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dmr_edge.bench.stats import Measured, Stat

MB = 1_000_000


def fmt_seconds(s: Stat | None) -> str:
    if s is None:
        return "n/a"
    if s.low == s.high:
        return f"{s.median:.3f}"
    return f"{s.median:.3f} ({s.low:.3f}–{s.high:.3f})"


def fmt_rate(s: Stat | None) -> str:
    if s is None:
        return "–"
    if s.low == s.high:
        return f"{s.median:,.0f}"
    return f"{s.median:,.0f} ({s.low:,.0f}–{s.high:,.0f})"


def fmt_mb(s: Stat | None, signed: bool = False) -> str:
    if s is None:
        return "n/a"
    sign = "+" if signed else ""
    if abs(s.high - s.low) < 0.05 * MB:
        return f"{s.median / MB:{sign}.1f}"
    return f"{s.median / MB:{sign}.1f} ({s.low / MB:{sign}.1f}–{s.high / MB:{sign}.1f})"


def fmt_written(s: Stat | None) -> str:
    if s is None:
        return "n/a"
    if s.high < 1_000_000:
        text = f"{s.median / 1000:.0f} kB" if s.median else "0"
        if s.low != s.high:
            text += f" ({s.low / 1000:.0f}–{s.high / 1000:.0f} kB)"
        return text
    return fmt_mb(s) + " MB"


@dataclass
class Table:
    number: int
    title: str
    columns: list[str]
    rows: list[list[str]]
    measured: list[Measured] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def markdown(self) -> str:
        lines = [f"### {self.number}. {self.title}", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(row) + " |")
        if self.notes:
            lines.append("")
            lines.extend(f"- {note}" for note in self.notes)
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "measurements": [m.as_dict() for m in self.measured],
            "notes": self.notes,
            **self.data,
        }


@dataclass
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "goal": self.goal, "measured": self.measured, "met": self.met}


def ratio(numerator: Stat | None, denominator: Stat | None) -> float:
    """The ratio of two medians (0 when either is missing or the denominator is 0)."""
    if numerator is None or denominator is None or not denominator.median:
        return 0.0
    return numerator.median / denominator.median


def fmt_bytes(value: float | None) -> str:
    """A byte count for a table: kB below 1 MB, else MB with one decimal."""
    if value is None:
        return "n/a"
    if abs(value) < 1_000_000:
        return f"{value / 1000:.0f} kB" if value else "0"
    return f"{value / MB:.1f} MB"


def _targets_markdown(title: str, targets: list[Target]) -> list[str]:
    lines = ["", f"### {title}", "", "| target | goal | measured | met |", "|---|---|---|---|"]
    for t in targets:
        met = "n/a" if t.met is None else ("yes" if t.met else "**no**")
        lines.append(f"| {t.name} | {t.goal} | {t.measured} | {met} |")
    return lines


@dataclass
class BenchResult:
    machine: dict[str, Any]
    command: str
    baseline: dict[str, Any]
    tables: list[Table]
    targets: list[Target]
    goals: list[Target] = field(default_factory=list)
    seconds: float = 0.0

    def markdown(self) -> str:
        m = self.machine
        parts = [
            "## dmr-edge bench",
            "",
            f"`{self.command}` on {m['cpu']} ({m['cores']} cores), {m['system']}, "
            f"Python {m['python']}, SQLite {m['sqlite']}, ijson {m['ijson']} "
            f"(backend {m['ijson_backend']}); scale {m['scale']:g}, {m['repeat']} run(s) per "
            "row: median (min–max). CPU s: user + system seconds of the child (median), "
            "which other work on the machine disturbs less than wall time. Every child runs "
            "`dmr-edge` as the console script does, against a loopback mirror that serves "
            "gzip and ETag/304 like the upstreams.",
            "",
            "Peak RSS is each child's own high-water mark (VmHWM) of the whole process; "
            "*above baseline* subtracts that of a child that only imports the same modules: "
            + "; ".join(
                f"{b['imports']} → {b['peak_rss_bytes'] / MB:.1f} MB in {b['wall_seconds']:.3f} s"
                for b in self.baseline["children"]
            )
            + ".",
        ]
        load = m.get("load_average")
        if load:
            parts += [
                "",
                f"Load average (1 min) {load[0]:.2f} at the start and {load[1]:.2f} at the end "
                f"on {m['cores']} cores: above 0.5 other work shared the CPU.",
            ]
        if m.get("notes"):
            parts += [""] + [f"Note: {n}" for n in m["notes"]]
        for table in self.tables:
            parts += ["", table.markdown()]
        parts += _targets_markdown("Targets: what an edge device pays", self.targets)
        if self.goals:
            parts += _targets_markdown("Other goals", self.goals)
        parts += ["", f"Bench wall time: {self.seconds:.0f} s."]
        return "\n".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "command": self.command,
            "baseline": self.baseline,
            "tables": [t.as_dict() for t in self.tables],
            "targets": [t.as_dict() for t in self.targets],
            "goals": [t.as_dict() for t in self.goals],
            "seconds": round(self.seconds, 1),
        }
