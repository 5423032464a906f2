"""TOML configuration → validated settings.

Given a file (or none), return a ``Settings`` with every value checked and every default
filled in. A wrong key, a wrong type or an unknown source raises ``ConfigError`` naming the
file, the key and what was expected.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

from dmr_edge.errors import ConfigError
from dmr_edge.record import dataclass, field, replace
from dmr_edge.sources import SOURCES

# TOML reader: the standard library's (3.11+), else an installed tomli (a pip install pulls
# it in), else the copy carried in dmr_edge/_vendor (Debian bullseye has no python3-tomli).
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.9/3.10 only
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        from dmr_edge._vendor import tomli as tomllib

SYSTEM_CONFIG = Path("/etc/dmr-edge/config.toml")
MODES = ("auto", "streaming", "sequential", "parallel")
PARSERS = ("auto", "scanner", "ijson")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
# The longest duration accepted anywhere: far beyond any sensible interval or timeout, and
# short enough for every timer, socket timeout and sleep the agent hands it to.
MAX_DURATION = 366 * 86400.0
# Bounds of the integer settings: a larger chunk only costs memory, more retries or
# redirects only delay the one-line error.
MAX_CHUNK = 100_000
MAX_RETRIES = 100
MAX_REDIRECTS = 100


def parse_duration(value: Any) -> float:
    """Given ``90s``, ``15m``, ``1h``, ``2d`` or a number of seconds, return seconds.

    Raise ``ValueError`` for anything else: negative, not finite (TOML allows ``nan`` and
    ``inf``) or longer than ``MAX_DURATION`` (366 days).
    """
    seconds: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            seconds = float(value)
        except OverflowError:  # an integer of hundreds of digits
            raise ValueError("a duration of at most 366d") from None
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds is None or seconds != seconds:  # NaN is the only value unequal to itself
        raise ValueError("a duration such as 90s, 15m, 1h or 2d")
    if seconds < 0:
        raise ValueError("a duration that is not negative")
    if seconds > MAX_DURATION:
        raise ValueError("a duration of at most 366d")
    return seconds


def format_duration(seconds: float) -> str:
    """Given seconds, return the shortest exact ``1h``/``15m``/``90s`` spelling."""
    for unit in ("d", "h", "m"):
        size = _UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{seconds:g}s"


@dataclass(frozen=True)
class SourceSettings:
    name: str
    url: str
    enabled: bool = True
    max_age: float | None = None  # None: use [sync] max_age
    api_key: str = ""
    api_key_file: str = ""
    # Why ``api_key_file`` could not be read when the configuration loaded (a user who may
    # read the configuration but not the key: lookup and status need no key). A download
    # of this source then fails with this line instead of going out without the key.
    api_key_error: str = ""

    def __repr__(self) -> str:  # never show the secret
        key = "<set>" if self.api_key else "''"
        return (
            f"SourceSettings(name={self.name!r}, url={self.url!r}, enabled={self.enabled}, "
            f"max_age={self.max_age}, api_key={key}, api_key_file={self.api_key_file!r})"
        )

    def redact(self, text: str) -> str:
        """Return ``text`` with this source's key removed, in every spelling an exception
        message may use (as is, ``repr``-escaped): whatever the HTTP layer says about a
        header, the key never reaches an error line, a log, the database or a backup."""
        if not self.api_key:
            return text
        for spelling in {self.api_key, repr(self.api_key)[1:-1]}:
            if spelling:
                text = text.replace(spelling, "<api key>")
        return text


@dataclass(frozen=True)
class SyncSettings:
    mode: str = "auto"
    chunk: int | None = None  # None: the default chunk (sync.DEFAULT_CHUNK, 200 rows)
    max_age: float = 3600.0
    reject_threshold: float = 0.05
    min_ratio: float = 0.5
    compress_cache: bool = True
    parser: str = "auto"


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 600.0
    retries: int = 3
    backoff: float = 2.0
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
    max_redirects: int = 5
    # The largest document accepted, decoded (users.json is about 61 MB): an endless body
    # must not fill the disk before the deadline ends it.
    max_bytes: int = 512 * 1024 * 1024
    ca_bundle: str = ""


@dataclass(frozen=True)
class DaemonSettings:
    interval: float = 3600.0
    jitter: float = 300.0
    watchdog: float = 900.0
    heartbeat: str = ""
    procd_watchdog: bool = False
    log_file: str = ""


# Export kinds: configuration key → the kind `dmr-edge export` names.
EXPORT_KINDS = {
    "dmrids": "dmrids",
    "usercsv": "usercsv",
    "stripped": "stripped",
    "anytone": "anytone",
    "tglist_bm": "tglist-bm",
    "tglist_tgif": "tglist-tgif",
    "bm_groups": "bm-groups",
}
USER_EXPORTS = ("dmrids", "usercsv", "stripped", "anytone")


@dataclass(frozen=True)
class ExportTarget:
    """One file rewritten after a sync that changed its source, and how it is filtered."""

    kind: str  # as `dmr-edge export` names it: tglist-bm, not tglist_bm
    path: str
    countries: tuple[str, ...] = ()
    id_prefixes: tuple[str, ...] = ()
    limit: int | None = None
    ascii: bool = False
    extra: str | None = None  # None: [export] extra; "": no local ids for this file


@dataclass(frozen=True)
class ExportSettings:
    extra: str = ""  # local ids merged into every user export
    targets: tuple[ExportTarget, ...] = ()

    def configured(self, kind: str) -> list[ExportTarget]:
        """Return the files configured for ``kind`` (``dmrids``, ``tglist-bm``, ...)."""
        return [t for t in self.targets if t.kind == kind]

    @property
    def dmrids(self) -> str:
        return next((t.path for t in self.configured("dmrids")), "")

    @property
    def usercsv(self) -> str:
        return next((t.path for t in self.configured("usercsv")), "")


@dataclass(frozen=True)
class MetricsSettings:
    textfile: str = ""


@dataclass(frozen=True)
class Settings:
    db: Path
    cache_dir: Path
    config_path: Path | None = None
    sync: SyncSettings = field(default_factory=SyncSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    sources: dict[str, SourceSettings] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def enabled_sources(self, only: list[str] | None = None) -> list[SourceSettings]:
        """Return the enabled sources in their canonical order, or those of ``only`` (each
        once, in the order first named)."""
        names = (
            list(dict.fromkeys(only)) if only else [n for n in SOURCES if self.sources[n].enabled]
        )
        return [self.sources[n] for n in names]

    def max_age_for(self, name: str) -> float:
        own = self.sources[name].max_age
        return self.sync.max_age if own is None else own

    @property
    def lock_path(self) -> Path:
        """The work lock: held while the cache or the database is written."""
        return self.db.with_name(self.db.name + ".lock")

    @property
    def daemon_lock_path(self) -> Path:
        """Held by ``dmr-edge run`` for its whole life: one daemon per database."""
        return self.db.with_name(self.db.name + ".run.lock")

    @property
    def heartbeat_path(self) -> Path:
        if self.daemon.heartbeat:
            return Path(self.daemon.heartbeat)
        return self.db.with_name(self.db.name + ".heartbeat")


# --- validators: each returns the converted value or raises ValueError(expected) ---------


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("true or false")


def _path(value: Any) -> str:
    if isinstance(value, str) and "\0" not in value:
        return os.path.expanduser(value) if value else value
    raise ValueError("a path string")


def _url(value: Any) -> str:
    if isinstance(value, str) and re.match(r"^https?://[^\s/]+\S*$", value) and value.isascii():
        return value
    raise ValueError("an http:// or https:// URL")


# What an HTTP header value may hold: visible ASCII. A key outside it (a line break pasted
# into a multi-line TOML string, a typographic character) would make the HTTP library fail
# with the whole header, key included, in its message.
_KEY = re.compile(r"^[\x21-\x7e]+$")


def api_key_value(text: str) -> str:
    """Given a key as written in the configuration or a key file, return it without the
    whitespace around it; raise ``ValueError`` (never naming the key) if it cannot be sent.

    A key file may also be Pi-Star's ``/etc/bmapi.key`` (``[key]`` / ``apikey=...``), where
    ``apikey=None`` means no key.
    """
    key = text.strip()
    named = re.search(r"^\s*apikey\s*=(.*)$", key, re.MULTILINE)
    if named:
        key = named.group(1).strip()
        if key == "None":
            return ""
    if key and not _KEY.match(key):
        raise ValueError(
            "a key of visible ASCII characters only (no spaces, line breaks or characters "
            "outside ASCII); the value is not shown"
        )
    return key


def _api_key(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a string")
    return api_key_value(value)


def _bounded_int(low: int, high: int, expected: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        raise ValueError(expected)

    return check


def _positive_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError("a positive integer")


def _existing_path(value: Any) -> str:
    path = _path(value)
    if path and not os.path.exists(path):
        raise ValueError(f"an existing file or directory ({path} does not exist)")
    return path


def _fraction(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    raise ValueError("a number between 0 and 1")


def _positive_duration(value: Any) -> float:
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError("a duration above zero such as 90s, 15m, 1h or 2d")
    return seconds


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value in options:
            return value
        raise ValueError("one of " + ", ".join(options))

    return check


Schema = Mapping[str, Callable[[Any], Any]]

_SYNC: Schema = {
    "mode": _choice(MODES),
    "chunk": _bounded_int(1, MAX_CHUNK, f"an integer from 1 to {MAX_CHUNK}"),
    "max_age": parse_duration,
    "reject_threshold": _fraction,
    "min_ratio": _fraction,
    "compress_cache": _bool,
    "parser": _choice(PARSERS),
}
_HTTP: Schema = {
    "connect_timeout": _positive_duration,
    "read_timeout": _positive_duration,
    "deadline": _positive_duration,
    "retries": _bounded_int(0, MAX_RETRIES, f"an integer from 0 to {MAX_RETRIES}"),
    "backoff": parse_duration,
    "backoff_max": parse_duration,
    "max_retry_after": parse_duration,
    "max_redirects": _bounded_int(0, MAX_REDIRECTS, f"an integer from 0 to {MAX_REDIRECTS}"),
    "max_bytes": _positive_int,
    "ca_bundle": _existing_path,
}
_DAEMON: Schema = {
    "interval": _positive_duration,
    "jitter": parse_duration,
    "watchdog": _positive_duration,
    "heartbeat": _path,
    "procd_watchdog": _bool,
    "log_file": _path,
}


def _export_entry(value: Any) -> Any:
    if isinstance(value, (str, dict)) or (
        isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
    ):
        return value  # checked in depth by _export_settings
    raise ValueError("a path, a table with path = PATH, or an array of such tables")


def _text_list(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if items and all(isinstance(v, str) and v.strip() for v in items):
        return tuple(v.strip() for v in items)
    raise ValueError("a name or a list of names")


def _prefix_list(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    prefixes = []
    for item in items:
        text = str(item).strip() if isinstance(item, (str, int)) else ""
        if isinstance(item, bool) or not re.match(r"^[1-9][0-9]{0,7}$", text):
            raise ValueError("id prefixes of up to 8 digits, not starting with 0 (262)")
        prefixes.append(text)
    if not prefixes:
        raise ValueError("id prefixes of up to 8 digits, not starting with 0 (262)")
    return tuple(prefixes)


_EXPORT: Schema = {**{key: _export_entry for key in EXPORT_KINDS}, "extra": _path}
_EXPORT_TARGET: Schema = {
    "path": _path,
    "country": _text_list,
    "id_prefix": _prefix_list,
    "limit": _positive_int,
    "ascii": _bool,
    "extra": _path,
}
_TARGET_FIELDS = {
    "path": "path",
    "country": "countries",
    "id_prefix": "id_prefixes",
    "limit": "limit",
    "ascii": "ascii",
    "extra": "extra",
}


def _export_target(origin: str, name: str, kind: str, entry: Any) -> ExportTarget | None:
    if isinstance(entry, str):
        try:
            path = _path(entry)
        except ValueError as exc:
            raise ConfigError(f"{origin}: {name}: expected {exc}, got {entry!r}") from None
        return ExportTarget(kind=kind, path=path) if path else None
    if kind not in USER_EXPORTS:
        for key in entry:
            if key in _EXPORT_TARGET and key != "path":
                raise ConfigError(
                    f"{origin}: {name}.{key}: applies to user exports only "
                    f"({', '.join(USER_EXPORTS)})"
                )
    values = _check_table(origin, name, entry, _EXPORT_TARGET)
    if not values.get("path"):
        raise ConfigError(f"{origin}: {name}: expected path = PATH, the file to write")
    return ExportTarget(kind=kind, **{_TARGET_FIELDS[k]: v for k, v in values.items()})


def _export_settings(origin: str, values: dict[str, Any]) -> ExportSettings:
    """Given the checked [export] table, return ``ExportSettings``: each kind's value is a
    path (today's form), a table, or an array of tables."""
    targets: list[ExportTarget] = []
    written: dict[str, str] = {}
    for key, kind in EXPORT_KINDS.items():
        raw = values.get(key)
        if raw is None:
            continue
        entries = raw if isinstance(raw, list) else [raw]
        for index, entry in enumerate(entries):
            name = f"export.{key}[{index}]" if isinstance(raw, list) else f"export.{key}"
            target = _export_target(origin, name, kind, entry)
            if target is None:
                continue
            where = os.path.abspath(target.path)
            if where in written:
                raise ConfigError(
                    f"{origin}: {name}: {target.path} is written by {written[where]} already"
                )
            written[where] = name
            targets.append(target)
    return ExportSettings(extra=values.get("extra", ""), targets=tuple(targets))


_METRICS: Schema = {"textfile": _path}
_SOURCE: Schema = {
    "url": _url,
    "enabled": _bool,
    "max_age": parse_duration,
    "api_key": _api_key,
    "api_key_file": _path,
}
_SECTIONS: dict[str, Schema] = {
    "sync": _SYNC,
    "http": _HTTP,
    "daemon": _DAEMON,
    "export": _EXPORT,
    "metrics": _METRICS,
}


def _check_table(origin: str, prefix: str, table: Any, schema: Schema) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{origin}: [{prefix}] must be a table")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in schema:
            raise ConfigError(
                f"{origin}: unknown key '{prefix}.{key}' (expected one of: {', '.join(schema)})"
            )
        try:
            values[key] = schema[key](raw)
        except ValueError as exc:
            shown = "a secret (not shown)" if key.startswith("api_key") else repr(raw)
            raise ConfigError(f"{origin}: {prefix}.{key}: expected {exc}, got {shown}") from None
    return values


def _read_key_file(origin: str, prefix: str, path: str) -> tuple[str, str]:
    """Return (key, error) from a key file: the key, or why it could not be read (a user
    allowed to read the configuration but not the key). A key that cannot be sent is a
    configuration error, never shown."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(64 * 1024)
    except PermissionError:
        return "", f"cannot read {prefix}.api_key_file {path}: permission denied"
    except FileNotFoundError:
        raise ConfigError(f"{origin}: {prefix}.api_key_file: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise ConfigError(
            f"{origin}: {prefix}.api_key_file: cannot read {path}: {reason}"
        ) from None
    try:
        return api_key_value(text), ""
    except ValueError as exc:
        raise ConfigError(f"{origin}: {prefix}.api_key_file {path}: expected {exc}") from None


def default_paths(environ: Mapping[str, str], system: bool = False) -> tuple[Path, Path]:
    """Return the default (database, cache directory) for this user and service manager.

    ``system``: the configuration in use is the system's (/etc/dmr-edge/config.toml), so
    its defaults are the system service's paths for every user — the ``pi`` user running
    ``dmr-edge lookup`` means the service's database, not one of their own.
    """
    state = environ.get("STATE_DIRECTORY", "").split(":")[0]
    cache = environ.get("CACHE_DIRECTORY", "").split(":")[0]
    is_root = system or (hasattr(os, "geteuid") and os.geteuid() == 0)
    home = Path(environ.get("HOME") or Path.home())
    if state:
        db = Path(state) / "dmr.sqlite"
    elif is_root:
        db = Path("/var/lib/dmr-edge/dmr.sqlite")
    else:
        db = Path(environ.get("XDG_DATA_HOME") or home / ".local/share") / "dmr-edge/dmr.sqlite"
    if cache:
        cache_dir = Path(cache)
    elif is_root:
        cache_dir = Path("/var/cache/dmr-edge")
    else:
        cache_dir = Path(environ.get("XDG_CACHE_HOME") or home / ".cache") / "dmr-edge"
    return db, cache_dir


def find_config(explicit: str | None, environ: Mapping[str, str]) -> Path | None:
    """Return the configuration file to read: ``--config``, ``$DMR_EDGE_CONFIG``, system, user.

    Raise ``ConfigError`` when a file named explicitly does not exist.
    """
    for origin, named in (
        ("--config", explicit),
        ("DMR_EDGE_CONFIG", environ.get("DMR_EDGE_CONFIG")),
    ):
        if named:
            path = Path(named).expanduser()
            if not path.is_file():
                raise ConfigError(f"{path}: configuration file not found (from {origin})")
            return path
    home = Path(environ.get("HOME") or Path.home())
    user = Path(environ.get("XDG_CONFIG_HOME") or home / ".config") / "dmr-edge/config.toml"
    for candidate in (SYSTEM_CONFIG, user):
        if candidate.is_file():
            return candidate
    return None


def load_settings(
    explicit: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    db: str | None = None,
    cache_dir: str | None = None,
) -> Settings:
    """Given an optional ``--config`` path and overrides, return validated ``Settings``.

    Raise ``ConfigError`` if the file cannot be read or holds anything unexpected.
    """
    env = os.environ if environ is None else environ
    path = find_config(explicit, env)
    document: dict[str, Any] = {}
    warnings: list[str] = []
    if path is not None:
        try:
            with open(path, "rb") as handle:
                document = tomllib.load(handle)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read configuration: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        except ValueError as exc:  # an integer too long for int() (Python 3.11+), and such
            raise ConfigError(f"{path}: a value cannot be read: {exc}") from None
    system = path is not None and _same_file(path, SYSTEM_CONFIG)
    settings = settings_from_document(
        document, str(path) if path else "defaults", env, system=system
    )
    if path is not None:
        settings = replace(settings, config_path=path)
        for source in settings.sources.values():
            if not source.api_key:
                continue
            holder = Path(source.api_key_file) if source.api_key_file else path
            if _readable_by_everyone(holder):
                what = "is an API key file" if source.api_key_file else "holds an API key"
                warnings.append(
                    f"{holder} {what} and is readable by every user; chmod 600 or 640 it"
                    + ("" if source.api_key_file else " (or move the key to api_key_file)")
                )
    if db:
        settings = replace(settings, db=Path(db).expanduser())
    if cache_dir:
        settings = replace(settings, cache_dir=Path(cache_dir).expanduser())
    return replace(settings, warnings=tuple(warnings))


def _readable_by_everyone(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & stat.S_IROTH)
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def settings_from_document(
    document: Mapping[str, Any], origin: str, environ: Mapping[str, str], system: bool = False
) -> Settings:
    """Given a parsed TOML document, return ``Settings``; raise ``ConfigError`` on any mistake.

    ``system``: the document is the system configuration (see ``default_paths``).
    """
    default_db, default_cache = default_paths(environ, system)
    top_keys = {"db", "cache_dir", "sources", *_SECTIONS}
    for key in document:
        if key not in top_keys:
            raise ConfigError(
                f"{origin}: unknown key '{key}' (expected one of: {', '.join(sorted(top_keys))})"
            )
    try:
        db = _path(document.get("db", "")) or str(default_db)
        cache = _path(document.get("cache_dir", "")) or str(default_cache)
    except ValueError:
        raise ConfigError(f"{origin}: db and cache_dir must be path strings") from None
    sections = {
        name: _check_table(origin, name, document.get(name, {}), schema)
        for name, schema in _SECTIONS.items()
    }
    raw_sources = document.get("sources", {})
    if not isinstance(raw_sources, dict):
        raise ConfigError(f"{origin}: [sources] must be a table of [sources.NAME] tables")
    sources: dict[str, SourceSettings] = {}
    for name in raw_sources:
        if name not in SOURCES:
            raise ConfigError(
                f"{origin}: unknown source '{name}' (expected one of: {', '.join(SOURCES)})"
            )
    for name, spec in SOURCES.items():
        prefix = f"sources.{name}"
        values = _check_table(origin, prefix, raw_sources.get(name, {}), _SOURCE)
        values.setdefault("url", spec.default_url)
        if values.get("api_key_file"):
            if values.get("api_key"):
                raise ConfigError(f"{origin}: {prefix}: give api_key or api_key_file, not both")
            values["api_key"], values["api_key_error"] = _read_key_file(
                origin, prefix, values["api_key_file"]
            )
        sources[name] = SourceSettings(name=name, **values)
    return Settings(
        db=Path(db),
        cache_dir=Path(cache),
        sync=SyncSettings(**sections["sync"]),
        http=HttpSettings(**sections["http"]),
        daemon=DaemonSettings(**sections["daemon"]),
        export=_export_settings(origin, sections["export"]),
        metrics=MetricsSettings(**sections["metrics"]),
        sources=sources,
    )
