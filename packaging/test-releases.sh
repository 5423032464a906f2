#!/bin/bash
# Install the .deb built from this checkout on the Debian releases hotspots run, and use it.
#
#   sudo packaging/test-releases.sh [--cache DIR] [--deb FILE] [--mirror URL] [--keep]
#                                   [RELEASE:ARCH ...]
#
# Default roots: bullseye:armhf (Pi-Star 4.2/4.3, Raspberry Pi OS legacy), bookworm:armhf
# (WPSD, Raspberry Pi OS 12) and trixie:arm64 (Raspberry Pi OS 13). For each one it
# debootstraps a minimal root (or reuses it from --cache DIR), installs the freshly built
# package with apt from that release's own archive (so every dependency must be
# installable there), starts a loopback upstream on the host (tests/loopback_upstream.py:
# the chroot shares the host's network), syncs from it as the service user, exports
# DMRIds.dat, and looks a callsign up as root and as an ordinary user (uid 65534),
# printing the output of every step. Foreign architectures run under qemu-user-static
# through binfmt_misc (packaging/README.md, "Checking a release").
#
# Needs root, debootstrap, qemu-user-static and binfmt-support (for armhf/arm64 on another
# machine), dpkg-buildpackage and the build dependencies of debian/control (unless --deb
# is given), and the Debian mirror. A cached root is the pristine debootstrap result: each
# run works on an overlay (or a copy) of it and throws that away. Exit status 0 when every
# step on every root passed, 1 otherwise; a summary table comes last.

# Steps are functions run through step() and trap: shellcheck cannot see them called.
# shellcheck disable=SC2317
set -euo pipefail

CHECKOUT=$(cd "$(dirname "$0")/.." && pwd)
MIRROR=http://deb.debian.org/debian
CACHE=""
DEB=""
KEEP=0
ROOTS=()
# What debootstrap puts in each root. Only what any Debian system has; apt must pull in
# the package's own dependencies (python3-ijson, python3-requests, adduser) by itself.
INCLUDE=python3,ca-certificates
DEBIAN_PATH=/usr/sbin:/usr/bin:/sbin:/bin

usage() {
    sed -n '2,21s/^# \{0,1\}//p' "$0"
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --cache) CACHE=$2; shift 2 ;;
        --deb) DEB=$2; shift 2 ;;
        --mirror) MIRROR=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage 0 ;;
        -*) echo "test-releases: unknown option $1" >&2; usage ;;
        *:*) ROOTS+=("$1"); shift ;;
        *) echo "test-releases: expected RELEASE:ARCH, got $1" >&2; usage ;;
    esac
done
[ ${#ROOTS[@]} -gt 0 ] || ROOTS=(bullseye:armhf bookworm:armhf trixie:arm64)

die() { echo "test-releases: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"
for tool in debootstrap chroot mount; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install debootstrap)"
done

WORK=$(mktemp -d /var/tmp/dmr-edge-releases.XXXXXX)
UPSTREAM_PID=""
MOUNTS=()

cleanup() {
    local i
    if [ -n "$UPSTREAM_PID" ]; then
        kill "$UPSTREAM_PID" 2>/dev/null || true
        wait "$UPSTREAM_PID" 2>/dev/null || true
    fi
    for (( i=${#MOUNTS[@]}-1; i>=0; i-- )); do
        umount -l "${MOUNTS[$i]}" 2>/dev/null || true
    done
    if [ "$KEEP" = 1 ]; then
        echo "test-releases: kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

now() { date +%s; }

# --- qemu-user for foreign architectures -------------------------------------------------

host_arch=$(dpkg --print-architecture)

qemu_for() {
    case "$1" in
        armhf|armel) echo qemu-arm ;;
        arm64) echo qemu-aarch64 ;;
        i386) echo "" ;;
        "$host_arch") echo "" ;;
        *) echo "qemu-$1" ;;
    esac
}

ensure_binfmt() {
    local emulator=$1
    [ -n "$emulator" ] || return 0
    [ -e /proc/sys/fs/binfmt_misc/status ] \
        || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
    if [ ! -e "/proc/sys/fs/binfmt_misc/$emulator" ] && command -v update-binfmts >/dev/null; then
        update-binfmts --enable "$emulator" >/dev/null 2>&1 || true
    fi
    grep -qx enabled "/proc/sys/fs/binfmt_misc/$emulator" 2>/dev/null \
        || die "binfmt_misc has no enabled $emulator (apt-get install qemu-user-static binfmt-support)"
}

# --- the package -------------------------------------------------------------------------

build_deb() {
    local src=$WORK/build/dmr-edge
    mkdir -p "$src"
    # What a checkout holds (tracked files and new ones), not local venvs or caches.
    if git -C "$CHECKOUT" rev-parse --git-dir >/dev/null 2>&1; then
        git -C "$CHECKOUT" ls-files -z --cached --others --exclude-standard \
            | (cd "$CHECKOUT" && xargs -0 cp --parents -a -t "$src")
    else
        cp -a "$CHECKOUT/." "$src"
        rm -rf "$src"/.venv* "$src"/.git
    fi
    (cd "$src" && env -i PATH=$DEBIAN_PATH LC_ALL=C.UTF-8 HOME="$WORK" \
        dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1 \
        || { tail -n 40 "$WORK/build.log" >&2; die "dpkg-buildpackage failed"; }
    DEB=$(ls "$WORK"/build/dmr-edge_*_all.deb)
}

# --- the roots ---------------------------------------------------------------------------

# Given RELEASE ARCH, set PRISTINE to a pristine root (built now, or taken from the cache)
# and ROOT_BUILD to how long building it took.
pristine_root() {
    local release=$1 arch=$2 dir stamp want start
    dir=${CACHE:-$WORK/roots}/$release-$arch
    stamp=$dir/.dmr-edge-root
    want="debootstrap --arch=$arch --variant=minbase --include=$INCLUDE $release $MIRROR"
    PRISTINE=$dir
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        echo "(reusing the cached root $dir)"
        ROOT_BUILD=cached
        return 0
    fi
    start=$(now)
    rm -rf "$dir" "$dir.partial"
    mkdir -p "$(dirname "$dir")"
    echo "\$ $want"
    if ! debootstrap --arch="$arch" --variant=minbase --include="$INCLUDE" \
        "$release" "$dir.partial" "$MIRROR" >"$WORK/debootstrap-$release-$arch.log" 2>&1; then
        tail -n 30 "$WORK/debootstrap-$release-$arch.log"
        return 1
    fi
    rm -f "$dir.partial"/var/cache/apt/archives/*.deb
    echo "$want" >"$dir.partial/.dmr-edge-root"
    mv "$dir.partial" "$dir"
    ROOT_BUILD="$(( $(now) - start ))s"
    echo "(debootstrap took $ROOT_BUILD, $(du -sh "$dir" | cut -f1))"
}

# Given a pristine root and a name, set ROOT to a throwaway writable view of it.
working_root() {
    local lower=$1 base=$WORK/run/$2
    ROOT=$base/merged
    mkdir -p "$base/upper" "$base/work" "$ROOT"
    if mount -t overlay overlay \
        -o "lowerdir=$lower,upperdir=$base/upper,workdir=$base/work" "$ROOT" 2>/dev/null; then
        MOUNTS+=("$ROOT")
    else
        cp -a "$lower/." "$ROOT"
    fi
    mount -t proc proc "$ROOT/proc" && MOUNTS+=("$ROOT/proc")
    mount --bind /dev "$ROOT/dev" && MOUNTS+=("$ROOT/dev")
    mount --bind /dev/pts "$ROOT/dev/pts" && MOUNTS+=("$ROOT/dev/pts")
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
    # No service is started inside (there is no systemd running there anyway).
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
}

unmount_root() {
    local root=$1 i keep=()
    for i in "${MOUNTS[@]}"; do
        case "$i" in
            "$root"|"$root"/*) umount -l "$i" 2>/dev/null || true ;;
            *) keep+=("$i") ;;
        esac
    done
    MOUNTS=("${keep[@]+"${keep[@]}"}")
}

# --- steps -------------------------------------------------------------------------------

RESULTS=()
FAILED=0

# step LABEL COMMAND...: print a header, run, print its output, record the outcome.
step() {
    local label=$1 rc=0
    shift
    echo
    echo "==== [$RELEASE/$ARCH] $label"
    "$@" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
        RESULTS+=("$RELEASE/$ARCH|$label|ok")
    else
        echo "---- FAILED (exit $rc): $label"
        RESULTS+=("$RELEASE/$ARCH|$label|FAILED (exit $rc)")
        FAILED=1
    fi
    return 0
}

# in_root USERSPEC COMMAND...: run in the root with a clean environment.
in_root() {
    local spec=$1
    shift
    local env=(env -i "PATH=$DEBIAN_PATH" LC_ALL=C.UTF-8 TERM=dumb
        "NO_PROXY=127.0.0.1,localhost" "no_proxy=127.0.0.1,localhost")
    if [ "$spec" = root ]; then
        chroot "$ROOT" "${env[@]}" HOME=/root "$@"
    else
        chroot --userspec="$spec" "$ROOT" "${env[@]}" HOME=/nonexistent "$@"
    fi
}

show() { echo "\$ $*"; "$@"; }

apt_install() {
    show in_root root apt-get -q update
    show in_root root apt-get -q install -y --no-install-recommends "/tmp/$(basename "$DEB")"
}

versions() {
    in_root root sh -c 'cat /etc/debian_version; uname -m; python3 --version'
    in_root root python3 -c 'import ijson, requests, sqlite3
print("ijson", ijson.__version__, ijson.backend, "| requests", requests.__version__,
      "| SQLite", sqlite3.sqlite_version)'
    in_root root dpkg-query -W dmr-edge python3-ijson python3-requests adduser
    in_root root python3 -c 'import dmr_edge.config as c; print("TOML reader:", c.tomllib.__name__)'
    in_root root dmr-edge --version
}

configure() {
    local config=$ROOT/etc/dmr-edge/config.toml
    # Rewrite the packaged file in place, keeping the owner and mode the package gave it.
    {
        echo "# test-releases.sh: the loopback upstream on the host"
        echo 'db = "/var/lib/dmr-edge/dmr.sqlite"'
        echo 'cache_dir = "/var/cache/dmr-edge"'
        echo '[http]'
        echo 'retries = 0'
        echo '[export]'
        echo 'dmrids = "/var/lib/dmr-edge/DMRIds.dat"'
        cat "$WORK/upstream/sources.toml"
    } >"$config"
    in_root root install -d -o dmr-edge -g dmr-edge /var/cache/dmr-edge
    in_root root ls -l /etc/dmr-edge/config.toml
    in_root root ls -ld /var/lib/dmr-edge /var/cache/dmr-edge
}

as_service_user() {
    local ids
    ids="$(in_root root id -u dmr-edge):$(in_root root id -g dmr-edge)"
    echo "\$ dmr-edge $* (as dmr-edge, $ids)"
    in_root "$ids" env HOME=/var/lib/dmr-edge dmr-edge "$@"
}

exported() {
    as_service_user export dmrids
    in_root root ls -l /var/lib/dmr-edge/DMRIds.dat
    in_root root head -n 3 /var/lib/dmr-edge/DMRIds.dat
    local lines
    lines=$(wc -l <"$ROOT/var/lib/dmr-edge/DMRIds.dat")
    echo "$lines lines, $USERS users served"
    [ "$lines" -ge "$USERS" ]
}

lookup_as() {
    local spec=$1 out rc
    [ "$spec" = root ] || in_root "$spec" id
    echo "\$ dmr-edge lookup $CALLSIGN"
    out=$(in_root "$spec" dmr-edge lookup "$CALLSIGN") || { rc=$?; echo "$out"; return "$rc"; }
    echo "$out"
    grep -q "$USER_ID" <<<"$out"
}

status_as() {
    local spec=$1 out rc
    echo "\$ dmr-edge status"
    out=$(in_root "$spec" dmr-edge status) || { rc=$?; echo "$out"; return "$rc"; }
    echo "$out"
    grep -Eq "^radioid_users +yes +$USERS " <<<"$out"
}

export_as_user() {
    echo "\$ dmr-edge export dmrids --out /tmp/mine/DMRIds.dat"
    in_root root install -d -o 65534 -g 65534 /tmp/mine
    in_root 65534:65534 dmr-edge export dmrids --out /tmp/mine/DMRIds.dat
    in_root root ls -l /tmp/mine/DMRIds.dat
}

# --- main --------------------------------------------------------------------------------

if [ -z "$DEB" ]; then
    echo "==== building the package from $CHECKOUT"
    start=$(now)
    build_deb
    echo "built $(basename "$DEB") in $(( $(now) - start ))s"
else
    DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
fi
echo "Depends: $(dpkg-deb --field "$DEB" Depends)"

echo "==== loopback upstream"
PYTHONPATH=$CHECKOUT /usr/bin/python3 -m tests.loopback_upstream --dir "$WORK/upstream" \
    >"$WORK/upstream.json" 2>"$WORK/upstream.log" &
UPSTREAM_PID=$!
for _ in $(seq 1 300); do
    [ -s "$WORK/upstream.json" ] && break
    kill -0 "$UPSTREAM_PID" 2>/dev/null || { cat "$WORK/upstream.log" >&2; die "upstream died"; }
    sleep 0.1
done
cat "$WORK/upstream.json"
read -r CALLSIGN USER_ID USERS < <(/usr/bin/python3 -c '
import json, sys
info = json.load(open(sys.argv[1]))
print(info["callsign"], info["id"], info["users"])' "$WORK/upstream.json")

TIMES=()
for spec in "${ROOTS[@]}"; do
    RELEASE=${spec%%:*}
    ARCH=${spec##*:}
    root_start=$(now)
    echo
    echo "######## $RELEASE $ARCH"
    ensure_binfmt "$(qemu_for "$ARCH")"
    if ! pristine_root "$RELEASE" "$ARCH"; then
        RESULTS+=("$RELEASE/$ARCH|debootstrap|FAILED")
        FAILED=1
        continue
    fi
    working_root "$PRISTINE" "$RELEASE-$ARCH"
    cp "$DEB" "$ROOT/tmp/"
    install_start=$(now)
    step "apt install ./$(basename "$DEB")" apt_install
    install_seconds=$(( $(now) - install_start ))
    if [ "${RESULTS[-1]##*|}" = ok ]; then
        step "versions" versions
        step "configure: the loopback upstream" configure
        step "sync (as the service user)" as_service_user sync
        step "export DMRIds.dat" exported
        step "lookup as root" lookup_as root
        step "status as root" status_as root
        step "lookup as an ordinary user (65534)" lookup_as 65534:65534
        step "status as an ordinary user (65534)" status_as 65534:65534
        step "export as an ordinary user (65534)" export_as_user
    fi
    unmount_root "$ROOT"
    TIMES+=("$RELEASE/$ARCH|debootstrap $ROOT_BUILD|apt install ${install_seconds}s|total $(( $(now) - root_start ))s")
done

echo
echo "######## summary"
for line in "${RESULTS[@]}"; do
    IFS='|' read -r where label outcome <<<"$line"
    printf '%-16s %-40s %s\n' "$where" "$label" "$outcome"
done
echo
for line in "${TIMES[@]}"; do
    IFS='|' read -r where a b c <<<"$line"
    printf '%-16s %-22s %-20s %s\n' "$where" "$a" "$b" "$c"
done
exit "$FAILED"
