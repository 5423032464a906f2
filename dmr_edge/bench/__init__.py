"""The bench and the demo: generated upstream data, a loopback mirror, measured children.

Nothing here is loaded by a sync, so the runtime core an edge device runs stays small.
``dmr-edge bench`` and ``dmr-edge demo`` share the generator and the mirror.

- ``generate/``: deterministic, realistic documents of the six sources (standard library
  only), one module per source family.
- ``mirror``: the loopback HTTP mirror: ETag/304, gzip, and a slow link on demand.
- ``documents``: real users files decompressed, changed by a share, written as CSV.
- ``probes``: code that runs inside a measured child (its peak RSS, what SQLite wrote).
- ``runner``: one child process: wall time, CPU, peak RSS, bytes written by place.
- ``stats``: several runs of one measurement, as median and range.
- ``tables``: tables and targets as Markdown and JSON.
- ``machine``: this machine's CPU, filesystems and ijson.
- ``session``: one bench run: work directory, mirror, configurations, planned runs.
- ``loads`` (tables 1, 2, 4, 5), ``incremental`` (3), ``limits`` (6), ``device`` (7-9):
  the measurements; ``targets``: the goals, judged on the same run; ``run``: all in order.
- ``demo``: what ``dmr-edge demo`` sets up (the CLI prints).
"""

from __future__ import annotations

from dmr_edge.errors import DmrEdgeError


class BenchError(DmrEdgeError):
    """A measurement could not be taken (a child failed, a file is missing)."""
