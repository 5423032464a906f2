"""Files hotspots, dashboards and radios read, written from the database.

- ``atomic``: replacing a file another program reads, never leaving half of one;
- ``userformats``: DMRIds.dat, user.csv, Nextion's stripped.csv, AnyTone's contacts CSV;
- ``tgformats``: Pi-Star's TGList_BM.txt / TGList_TGIF.txt, WPSD's BM_TGs.json;
- ``filters``: which users (countries as users spell them, id prefixes, a limit);
- ``translit``: ASCII for radio fonts;
- ``extra``: local ids merged into every user export;
- ``run``: one export from start to end, and when a configured one is due.
"""

from __future__ import annotations

from dmr_edge.export.atomic import (
    FILE_MODE,
    atomic_writer,
    count_data_lines,
    locked_directory,
    remove_stale_temps,
    resolve_target,
    temp_pattern,
)
from dmr_edge.export.filters import UserSelection, country_key
from dmr_edge.export.run import (
    DEFAULT_MIN_RATIO,
    FILE_NAMES,
    FORMATS,
    SOURCE_OF,
    TALKGROUP_KINDS,
    USER_KINDS,
    ExportProgress,
    ExportResult,
    export_file,
    export_talkgroups,
    export_users,
    needs_rewrite,
)
from dmr_edge.export.userformats import (
    _CSV_UNSAFE,
    _DMRIDS_UNSAFE,
    ANYTONE_HEADER,
    ANYTONE_WIDTHS,
    MAX_LINE_BYTES,
    USERCSV_HEADER,
    anytone_line,
    clean,
    dmrids_line,
    stripped_line,
    usercsv_line,
)

__all__ = [
    "ANYTONE_HEADER",
    "ANYTONE_WIDTHS",
    "DEFAULT_MIN_RATIO",
    "FILE_MODE",
    "FILE_NAMES",
    "FORMATS",
    "MAX_LINE_BYTES",
    "SOURCE_OF",
    "TALKGROUP_KINDS",
    "USERCSV_HEADER",
    "USER_KINDS",
    "_CSV_UNSAFE",
    "_DMRIDS_UNSAFE",
    "ExportProgress",
    "ExportResult",
    "UserSelection",
    "anytone_line",
    "atomic_writer",
    "clean",
    "count_data_lines",
    "country_key",
    "dmrids_line",
    "export_file",
    "export_talkgroups",
    "export_users",
    "locked_directory",
    "needs_rewrite",
    "remove_stale_temps",
    "resolve_target",
    "stripped_line",
    "temp_pattern",
    "usercsv_line",
]
