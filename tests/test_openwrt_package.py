"""The OpenWrt feed Makefiles: dependencies that match the imports, and what they install.

No OpenWrt SDK here: the Makefiles are evaluated by GNU make against small stand-ins for
rules.mk, package.mk, pypi.mk and python3-package.mk, which is enough to catch syntax
errors, wrong install paths and modes, and a DEPENDS list that lags behind the code.
"""

from __future__ import annotations

import ast
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DMR_EDGE_MAKEFILE = ROOT / "openwrt" / "dmr-edge" / "Makefile"
IJSON_MAKEFILE = ROOT / "openwrt" / "python-ijson" / "Makefile"

# Standard-library modules that OpenWrt's python3 splits out of python3-light, and the
# feed package that holds each (lang/python/python3/files/python3-package-*.mk).
SPLIT_STDLIB = {
    "asyncio": "python3-asyncio",
    "ctypes": "python3-ctypes",
    "dbm": "python3-dbm",
    "decimal": "python3-decimal",
    "email": "python3-email",
    "logging": "python3-logging",
    "lzma": "python3-lzma",
    "multiprocessing": "python3-multiprocessing",
    "curses": "python3-ncurses",
    "readline": "python3-readline",
    "sqlite3": "python3-sqlite3",
    "ssl": "python3-openssl",
    "unicodedata": "python3-codecs",
    "unittest": "python3-unittest",
    "urllib": "python3-urllib",
    "uuid": "python3-uuid",
    "venv": "python3-venv",
    "xml": "python3-xml",
    # Third-party runtime dependencies, by their feed package names.
    "requests": "python3-requests",
    "ijson": "python3-ijson",
}
# Fetching over HTTPS needs ssl and urllib even though requests imports them for us.
ALWAYS_NEEDED = {"python3-light", "python3-openssl", "python3-urllib"}

# Minimal stand-ins for the OpenWrt build system: BuildPackage reports DEPENDS and makes
# an install-<package> target that runs Package/<package>/install into $(DESTDIR).
STUB_RULES_MK = """\
INCLUDE_DIR:=$(TOPDIR)/include
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
"""
STUB_PACKAGE_MK = """\
define BuildPackage
$$(eval $$(Package/$(1)))
$$(info PACKAGE $(1) DEPENDS $$(strip $$(DEPENDS)))
.PHONY: install-$(1)
install-$(1):
\t$$(call Package/$(1)/install,$$(DESTDIR)/$(1))
endef
"""
STUB_PYTHON3_PACKAGE_MK = """\
define Py3Package
Package/$(1)/install = $$(call Py3Package/$(1)/install,$$(1))
endef
"""


def _guarded_imports(tree: ast.AST) -> set[int]:
    """The imports inside a ``try`` that catches ImportError: optional, the code does
    without them (glibc's mallopt through ctypes, which musl has no use for)."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            "ImportError" in ast.dump(handler.type) for handler in node.handlers if handler.type
        ):
            for statement in node.body:
                guarded.update(id(inner) for inner in ast.walk(statement))
    return guarded


def imported_top_level_modules(package: Path) -> set[str]:
    """Given a package directory, return the top-level names of every absolute import that
    is not optional (see ``_guarded_imports``)."""
    names = set()
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        guarded = _guarded_imports(tree)
        for node in ast.walk(tree):
            if id(node) in guarded:
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def make_variable(makefile: Path, name: str) -> str:
    match = re.search(rf"(?m)^{name}:=(.*)$", makefile.read_text(encoding="utf-8"))
    assert match, f"{makefile} sets no {name}"
    return match.group(1).strip()


@pytest.fixture
def openwrt_stubs(tmp_path: Path) -> Path:
    """A stand-in TOPDIR, with the feed's Python helpers where a second feed finds them."""
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed (Debian package: make)")
    topdir = tmp_path / "openwrt"
    (topdir / "include").mkdir(parents=True)
    python = topdir / "feeds" / "packages" / "lang" / "python"
    python.mkdir(parents=True)
    (topdir / "rules.mk").write_text(STUB_RULES_MK)
    (topdir / "include" / "package.mk").write_text(STUB_PACKAGE_MK)
    (python / "pypi.mk").write_text("")
    (python / "python3-package.mk").write_text(STUB_PYTHON3_PACKAGE_MK)
    return topdir


def run_make(makefile: Path, topdir: Path, *args: str) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(makefile.parent), f"TOPDIR={topdir}", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def depends(output: str, package: str) -> set[str]:
    match = re.search(rf"(?m)^PACKAGE {re.escape(package)} DEPENDS (.*)$", output)
    assert match, output
    return set(match.group(1).split())


def test_dmr_edge_depends_on_every_split_out_module_it_imports(openwrt_stubs):
    output = run_make(DMR_EDGE_MAKEFILE, openwrt_stubs, "--just-print", "install-dmr-edge")
    declared = {name.lstrip("+") for name in depends(output, "dmr-edge")}
    imported = imported_top_level_modules(ROOT / "dmr_edge")
    needed = {SPLIT_STDLIB[name] for name in imported if name in SPLIT_STDLIB} | ALWAYS_NEEDED
    assert needed - declared == set(), "add these to DEPENDS in openwrt/dmr-edge/Makefile"
    assert declared - needed == set(), "DEPENDS lists packages nothing imports"


def test_dmr_edge_makefile_installs_program_service_and_uci_defaults(openwrt_stubs, tmp_path):
    build = tmp_path / "ipkg-install"
    (build / "usr" / "bin").mkdir(parents=True)
    (build / "usr" / "bin" / "dmr-edge").write_text("#!/usr/bin/python3\n")
    destdir = tmp_path / "root"
    run_make(
        DMR_EDGE_MAKEFILE,
        openwrt_stubs,
        f"PKG_INSTALL_DIR={build}",
        f"DESTDIR={destdir}",
        "install-dmr-edge",
    )
    root = destdir / "dmr-edge"
    modes = {
        str(path.relative_to(root)): stat.S_IMODE(path.stat().st_mode)
        for path in root.rglob("*")
        if path.is_file()
    }
    assert modes == {
        "usr/bin/dmr-edge": 0o755,
        "etc/init.d/dmr-edge": 0o755,
        "etc/config/dmr_edge": 0o600,
    }


def test_dmr_edge_keeps_the_uci_file_as_a_conffile_and_matches_the_python_version():
    text = DMR_EDGE_MAKEFILE.read_text(encoding="utf-8")
    conffiles = re.search(r"(?ms)^define Package/dmr-edge/conffiles\n(.*?)^endef", text)
    assert conffiles and conffiles.group(1).split() == ["/etc/config/dmr_edge"]
    init = (ROOT / "dmr_edge" / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r'(?m)^__version__ = "([^"]+)"', init)
    assert version and make_variable(DMR_EDGE_MAKEFILE, "PKG_VERSION") == version.group(1)
    for line in (
        "$(eval $(call Py3Package,dmr-edge))",
        "$(eval $(call BuildPackage,dmr-edge))",
        "$(eval $(call BuildPackage,dmr-edge-src))",
    ):
        assert line in text


def test_dmr_edge_source_hash_is_a_marked_placeholder_until_release():
    text = DMR_EDGE_MAKEFILE.read_text(encoding="utf-8")
    assert make_variable(DMR_EDGE_MAKEFILE, "PKG_SOURCE") == (
        "$(PYPI_SOURCE_NAME)-$(PKG_VERSION).tar.gz"
    )
    assert make_variable(DMR_EDGE_MAKEFILE, "PYPI_SOURCE_NAME") == "dmr_edge"
    hash_value = make_variable(DMR_EDGE_MAKEFILE, "PKG_HASH")
    if hash_value == "skip":
        comment = text[: text.index("PKG_HASH:=")].rsplit("\n\n", 1)[-1]
        assert "PLACEHOLDER" in comment
    else:
        assert re.fullmatch(r"[0-9a-f]{64}", hash_value)


def test_ijson_package_builds_its_c_backend_against_the_feed_yajl(openwrt_stubs):
    output = run_make(IJSON_MAKEFILE, openwrt_stubs, "--just-print", "install-python3-ijson")
    assert depends(output, "python3-ijson") == {"+python3-light", "+python3-decimal", "+yajl"}
    assert make_variable(IJSON_MAKEFILE, "PYTHON3_PKG_BUILD_VARS") == "IJSON_BUILD_YAJL2C=1"
    assert make_variable(IJSON_MAKEFILE, "PKG_BUILD_DEPENDS") == "python-setuptools/host"
    assert make_variable(IJSON_MAKEFILE, "PYPI_NAME") == "ijson"
    assert re.fullmatch(r"[0-9a-f]{64}", make_variable(IJSON_MAKEFILE, "PKG_HASH"))
