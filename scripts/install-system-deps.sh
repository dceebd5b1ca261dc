#!/usr/bin/env bash
# Install the Debian packages inboxbot needs, only when they are missing.
#
#   scripts/install-system-deps.sh [test|venv]
#
#   venv  what creating the virtual environment needs: python3-venv, when `python3 -m venv`
#         cannot work (Debian ships ensurepip separately); used by `make demo` and `make install`
#   test  (default) what the test suite needs as well: Dovecot, which the tests start themselves,
#         and Chromium, which the console's browser tests drive through Playwright (no browser is
#         ever downloaded: Playwright is pointed at Debian's /usr/bin/chromium)
#
# - Idempotent: packages already installed are left alone; `apt-get update` runs only when
#   something has to be installed. Works with no stdin and no terminal (CI=true).
# - Needs root for installing: as non-root it uses `sudo -n` when that works, else it stops with
#   exit code 1 and says why.
# - The tests start their own throwaway Dovecot (tests/harness/dovecot.py); the system-wide
#   Dovecot service that the package's postinst may start is stopped and disabled here, so that
#   no second Dovecot runs or comes back at boot. Set INBOXBOT_KEEP_SYSTEM_DOVECOT=1 to leave a
#   system Dovecot you use alone.
set -euo pipefail

MODE="${1:-test}"
PYTHON="${PYTHON:-python3}"

log() { printf 'install-system-deps: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# `python3 -m venv` needs the ensurepip module, which Debian packages as python3-venv.
python_can_make_venv() {
    "${PYTHON}" -c 'import venv, ensurepip' >/dev/null 2>&1
}

case "${MODE}" in
    test)
        PACKAGES=(
            dovecot-core       # /usr/sbin/dovecot, doveadm; creates the dovecot and dovenull users
            dovecot-imapd      # the IMAP service the tests talk to
            chromium           # /usr/bin/chromium, run headless by tests/e2e/browser
            fonts-dejavu-core  # Latin, Cyrillic and Kazakh glyphs in the console's screenshots
        )
        ;;
    venv)
        PACKAGES=()
        python_can_make_venv || PACKAGES=(python3-venv)
        ;;
    *) die "usage: $0 [test|venv]" ;;
esac

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

can_be_root() {
    [[ ${EUID} -eq 0 ]] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

# Run a command as root: directly, through non-interactive sudo, or not at all.
as_root() {
    if [[ ${EUID} -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "root is needed to run: $* (run this script as root, or give this user password-less sudo)"
    fi
}

install_missing() {
    local missing=()
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        is_installed "${pkg}" || missing+=("${pkg}")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        [[ ${#PACKAGES[@]} -eq 0 ]] || log "already installed: ${PACKAGES[*]}"
        return 0
    fi
    can_be_root || die "missing packages: ${missing[*]}; installing them needs root" \
        "(run this script as root, or give this user password-less sudo)"
    log "installing: ${missing[*]}"

    # Keep the package's postinst from starting a system Dovecot: a policy-rc.d that denies
    # service starts, unless the machine already has its own (left untouched).
    local policy=/usr/sbin/policy-rc.d
    local own_policy=0
    if [[ ! -e ${policy} ]]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > ${policy} && chmod 0755 ${policy}"
        own_policy=1
        # shellcheck disable=SC2064  # expand now: ${policy} is local
        trap "as_root rm -f ${policy}" EXIT
    fi

    local apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef
                    -o Dpkg::Options::=--force-confold)
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -q update </dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -q install -y \
        --no-install-recommends "${missing[@]}" </dev/null

    if [[ ${own_policy} -eq 1 ]]; then
        as_root rm -f "${policy}"
        trap - EXIT
    fi
    for pkg in "${missing[@]}"; do
        is_installed "${pkg}" || die "${pkg} is still not installed after apt-get install"
    done
}

# Stop a running system Dovecot (the one whose master.pid is in the default base_dir) and keep
# it from starting at boot. The tests' own instances use other base_dirs and are not touched.
quiet_system_dovecot() {
    if [[ "${INBOXBOT_KEEP_SYSTEM_DOVECOT:-0}" == "1" ]]; then
        log "INBOXBOT_KEEP_SYSTEM_DOVECOT=1: leaving the system Dovecot service as it is"
        return 0
    fi
    local pidfile=/run/dovecot/master.pid
    if [[ -r ${pidfile} ]]; then
        local pid
        pid="$(head -n1 "${pidfile}" 2>/dev/null || true)"
        if [[ ${pid} =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/${pid}/comm" 2>/dev/null || true)" == "dovecot" ]]; then
            log "stopping the system Dovecot (pid ${pid})"
            if [[ -d /run/systemd/system ]]; then
                as_root systemctl stop dovecot.service dovecot.socket || true
            fi
            if [[ "$(cat "/proc/${pid}/comm" 2>/dev/null || true)" == "dovecot" ]]; then
                as_root kill -TERM "${pid}" || true
            fi
            local _
            for _ in $(seq 1 50); do
                [[ "$(cat "/proc/${pid}/comm" 2>/dev/null || true)" == "dovecot" ]] || break
                sleep 0.1
            done
        fi
    fi

    # systemd units: `systemctl disable` also works when systemd is not PID 1 (it edits symlinks).
    if command -v systemctl >/dev/null 2>&1; then
        local unit state
        for unit in dovecot.service dovecot.socket; do
            state="$(systemctl is-enabled "${unit}" 2>/dev/null || true)"
            if [[ ${state} == enabled* ]]; then
                log "disabling ${unit}"
                as_root systemctl disable "${unit}" >/dev/null 2>&1 || log "could not disable ${unit}"
            fi
        done
    fi
    # SysV init links (used when the machine does not boot with systemd).
    if [[ -x /etc/init.d/dovecot ]] && compgen -G '/etc/rc[2-5].d/S*dovecot' >/dev/null; then
        log "disabling the dovecot init script"
        as_root update-rc.d dovecot disable >/dev/null 2>&1 || log "could not disable /etc/init.d/dovecot"
    fi
}

check() {
    [[ -x /usr/sbin/dovecot ]] || die "/usr/sbin/dovecot is missing"
    local user
    for user in mail dovecot dovenull; do
        getent passwd "${user}" >/dev/null || die "system user ${user} is missing"
    done
    log "ok: $(/usr/sbin/dovecot --version 2>/dev/null | head -n1 || echo 'dovecot') at /usr/sbin/dovecot"
    [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing"
    log "ok: $(/usr/bin/chromium --version 2>/dev/null | head -n1 || echo 'chromium') at /usr/bin/chromium"
}

install_missing
if [[ ${MODE} == test ]]; then
    quiet_system_dovecot
    check
elif ! python_can_make_venv; then
    die "${PYTHON} still cannot create a virtual environment (is it Python 3.11 or newer from Debian?)"
fi

