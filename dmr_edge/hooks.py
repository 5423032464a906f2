"""What follows a sync: exports and metrics configured to be rewritten after one.

Each step is optional and fails soft: a failed export or metrics write is a warning,
never a failed sync (the data is already safely stored).
"""

from __future__ import annotations

from typing import Any


def after_sync(settings: Any, report: Any) -> list[str]:
    """Given the settings and a ``SyncReport``, run the post-sync steps; return warnings."""
    return []
