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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from dmr_edge.errors import ConfigError
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


def parse_duration(value: Any) -> float:
    """Given ``90s``, ``15m``, ``1h``, ``2d`` or a number of seconds, return seconds.

    Raise ``ValueError`` for anything else, including negative values.
    """
    if isinstance(value, bool):
        raise ValueError("a duration such as 90s, 15m, 1h or 2d")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a duration that is not negative")
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNITS[match.group(2)]
    raise ValueError("a duration such as 90s, 15m, 1h or 2d")


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

    def __repr__(self) -> str:  # never show the secret
        key = "<set>" if self.api_key else "''"
        return (
            f"SourceSettings(name={self.name!r}, url={self.url!r}, enabled={self.enabled}, "
            f"max_age={self.max_age}, api_key={key})"
        )


@dataclass(frozen=True)
class SyncSettings:
    mode: str = "auto"
    chunk: int | None = None  # None: 1000, or chosen by memory when mode is auto
    max_age: float = 3600.0
    reject_threshold: float = 0.05
    min_ratio: float = 0.5
    compress_cache: bool = False
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


@dataclass(frozen=True)
class ExportSettings:
    dmrids: str = ""
    usercsv: str = ""


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
        """Return the enabled sources in their canonical order, restricted to ``only``."""
        names = only if only else [n for n in SOURCES if self.sources[n].enabled]
        return [self.sources[n] for n in names]

    def max_age_for(self, name: str) -> float:
        own = self.sources[name].max_age
        return self.sync.max_age if own is None else own

    @property
    def lock_path(self) -> Path:
        return self.db.with_name(self.db.name + ".lock")

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


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("a string")


def _path(value: Any) -> str:
    if isinstance(value, str) and "\0" not in value:
        return os.path.expanduser(value) if value else value
    raise ValueError("a path string")


def _url(value: Any) -> str:
    if isinstance(value, str) and re.match(r"^https?://[^\s/]+", value):
        return value
    raise ValueError("an http:// or https:// URL")


def _positive_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError("a positive integer")


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("an integer that is 0 or more")


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
    "chunk": _positive_int,
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
    "retries": _count,
    "backoff": parse_duration,
    "backoff_max": parse_duration,
    "max_retry_after": parse_duration,
    "max_redirects": _count,
    "max_bytes": _positive_int,
    "ca_bundle": _path,
}
_DAEMON: Schema = {
    "interval": _positive_duration,
    "jitter": parse_duration,
    "watchdog": _positive_duration,
    "heartbeat": _path,
    "procd_watchdog": _bool,
    "log_file": _path,
}
_EXPORT: Schema = {"dmrids": _path, "usercsv": _path}
_METRICS: Schema = {"textfile": _path}
_SOURCE: Schema = {"url": _url, "enabled": _bool, "max_age": parse_duration, "api_key": _str}
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
            raise ConfigError(f"{origin}: {prefix}.{key}: expected {exc}, got {raw!r}") from None
    return values


def default_paths(environ: Mapping[str, str]) -> tuple[Path, Path]:
    """Return the default (database, cache directory) for this user and service manager."""
    state = environ.get("STATE_DIRECTORY", "").split(":")[0]
    cache = environ.get("CACHE_DIRECTORY", "").split(":")[0]
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
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
    settings = settings_from_document(document, str(path) if path else "defaults", env)
    if path is not None:
        settings = replace(settings, config_path=path)
        if any(s.api_key for s in settings.sources.values()):
            try:
                mode = path.stat().st_mode
            except OSError:
                mode = 0
            if mode & stat.S_IROTH:
                warnings.append(
                    f"{path} holds an API key and is readable by every user; chmod 600 or 640 it"
                )
    if db:
        settings = replace(settings, db=Path(db).expanduser())
    if cache_dir:
        settings = replace(settings, cache_dir=Path(cache_dir).expanduser())
    return replace(settings, warnings=tuple(warnings))


def settings_from_document(
    document: Mapping[str, Any], origin: str, environ: Mapping[str, str]
) -> Settings:
    """Given a parsed TOML document, return ``Settings``; raise ``ConfigError`` on any mistake."""
    default_db, default_cache = default_paths(environ)
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
        values = _check_table(origin, f"sources.{name}", raw_sources.get(name, {}), _SOURCE)
        values.setdefault("url", spec.default_url)
        sources[name] = SourceSettings(name=name, **values)
    return Settings(
        db=Path(db),
        cache_dir=Path(cache),
        sync=SyncSettings(**sections["sync"]),
        http=HttpSettings(**sections["http"]),
        daemon=DaemonSettings(**sections["daemon"]),
        export=ExportSettings(**sections["export"]),
        metrics=MetricsSettings(**sections["metrics"]),
        sources=sources,
    )
