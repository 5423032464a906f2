"""``dmr-edge check``: can each source be reached, and how fast."""

from __future__ import annotations

import argparse
import time
from typing import Any

from dmr_edge.cli.sync import add_source_arguments


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    add_source_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def probe(source: Any, settings: Any) -> dict[str, Any]:
    """Send one HEAD request (no body is downloaded); return status and latency."""
    import requests

    from dmr_edge.fetch import USER_AGENT

    url = source.url
    headers = {"User-Agent": USER_AGENT}
    if source.api_key_error:
        return {"ok": False, "status": None, "seconds": 0.0, "error": source.api_key_error}
    if source.api_key:
        headers["Authorization"] = f"Bearer {source.api_key}"
    started = time.monotonic()
    session = requests.Session()
    session.max_redirects = settings.http.max_redirects  # as a download would
    try:
        response = session.head(
            url,
            headers=headers,
            timeout=(settings.http.connect_timeout, settings.http.read_timeout),
            allow_redirects=True,
            verify=settings.http.ca_bundle or True,
        )
    except requests.exceptions.RequestException as exc:
        text = source.redact(str(exc))
        reason = text.splitlines()[0][:160] if text else type(exc).__name__
        return {"ok": False, "status": None, "seconds": time.monotonic() - started, "error": reason}
    finally:
        session.close()
    seconds = time.monotonic() - started
    # 405: the server does not do HEAD, but it answered, so it is reachable.
    ok = response.status_code < 500 and response.status_code not in (401, 403, 404, 429)
    return {
        "ok": ok,
        "status": response.status_code,
        "seconds": seconds,
        "error": None if ok else f"HTTP {response.status_code}",
    }


def run(args: argparse.Namespace, ctx: Any) -> int:
    settings = ctx.settings
    results: list[dict[str, Any]] = []
    for source in settings.enabled_sources(args.source):
        result = probe(source, settings)
        result["source"] = source.name
        result["url"] = source.url
        results.append(result)
    if args.json:
        ctx.json(results)
    else:
        for r in results:
            state = "ok" if r["ok"] else f"FAILED ({r['error']})"
            ctx.out(f"{r['source']:<24} {r['seconds'] * 1000:7.0f} ms  {state}  {r['url']}")
    return 0 if all(r["ok"] for r in results) else 75
