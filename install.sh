#!/usr/bin/env bash
# Huis Clos installer.
#
#   sudo ./install.sh                      install, or upgrade when already installed
#   sudo ./install.sh --uninstall          remove the service and the binary, keep data and config
#   sudo ./install.sh --uninstall --purge  also remove data, config and the huisclos user
#   ./install.sh --root DIR                install into DIR (no systemd, no user): for tests and trials
#
# Run ./install.sh --help for every option. See docs/INSTALL.md for the admin guide.
set -euo pipefail

readonly NAME=huisclos
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

# ---------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
# die MESSAGE...: print an error (each argument on its own line) and stop.
die() {
    printf 'error: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '       %s\n' "$line" >&2; done
    exit 1
}

usage() {
    cat <<'EOF'
Usage: install.sh [OPTIONS]

Installs Huis Clos as a systemd service (Debian/Ubuntu, as root). Running it again upgrades
the binary and restarts the service; data, config and keys are kept.

Options:
  --binary PATH        the huisclos binary to install (default: ./huisclos beside this script,
                       else target/x86_64-unknown-linux-gnu/release/huisclos)
  --listen ADDR:PORT   listen address written to a new config
                       (default: 0.0.0.0:8443; with --root: 127.0.0.1:8080)
  --root DIR           install into DIR without systemd and without creating users
  --uninstall          stop and remove the service and the binary; keep data and config
  --purge              with --uninstall: also delete data, config and the huisclos user
  --yes                do not ask for confirmation (for --purge)
  -h, --help           show this help
EOF
}

# ---------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------

ROOT=""
BINARY=""
LISTEN=""
UNINSTALL=0
PURGE=0
YES=0

# need_value OPTION ARGC: an option that takes a value must have one.
need_value() { [[ $2 -ge 2 ]] || die "$1 needs a value" "Run ./install.sh --help for usage."; }

ARGS="$*" # as given, to repeat them in messages
while [[ $# -gt 0 ]]; do
    case $1 in
        --root) need_value "$1" $#; ROOT=$2; shift 2 ;;
        --root=*) ROOT=${1#*=}; shift ;;
        --binary) need_value "$1" $#; BINARY=$2; shift 2 ;;
        --binary=*) BINARY=${1#*=}; shift ;;
        --listen) need_value "$1" $#; LISTEN=$2; shift 2 ;;
        --listen=*) LISTEN=${1#*=}; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        --purge) PURGE=1; UNINSTALL=1; shift ;;
        --yes | -y) YES=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option: $1" "Run ./install.sh --help for usage." ;;
    esac
done

# ---------------------------------------------------------------------------------
# Layout. Normal mode installs into the system; --root DIR prefixes every path with DIR.
# ---------------------------------------------------------------------------------

if [[ -n $ROOT ]]; then
    mkdir -p -- "$ROOT" || die "cannot create the folder $ROOT" "Choose a folder you can write to."
    ROOT=$(cd -- "$ROOT" && pwd -P)
    [[ $ROOT != / ]] || die "--root / is the system itself" "Run the installer without --root, as root."
    # The path goes into a TOML string: keep it simple.
    [[ $ROOT != *[\"\\]* ]] || die "the --root path must not contain quotes or backslashes: $ROOT"
fi

BIN_DIR=$ROOT/usr/local/bin
BIN=$BIN_DIR/$NAME
CONF_DIR=$ROOT/etc/$NAME
CONF=$CONF_DIR/$NAME.toml
DATA_DIR=$ROOT/var/lib/$NAME
UNIT_DIR=/etc/systemd/system
UNIT=$UNIT_DIR/$NAME.service

# Files removed on exit whatever happens (temporary copies).
TEMP_FILES=()
cleanup() { if [[ ${#TEMP_FILES[@]} -gt 0 ]]; then rm -f -- "${TEMP_FILES[@]}"; fi; }
trap cleanup EXIT

# ---------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------

# as_service CMD...: run a command as the huisclos user (normal mode) or as ourselves (--root),
# from / and with a private umask, so files it creates are not readable by others.
as_service() {
    if [[ -z $ROOT ]]; then
        (cd / && umask 077 && runuser -u "$NAME" -- "$@")
    else
        (umask 077 && "$@")
    fi
}

# toml_get SECTION KEY FILE: print the value of KEY in [SECTION] ("" = top level), without
# quotes; nothing when the key is absent or commented out. Enough for our own config file.
toml_get() {
    awk -v want="$1" -v key="$2" '
        /^[[:space:]]*\[/ {
            section = $0
            gsub(/^[[:space:]]*\[|\][[:space:]]*(#.*)?$/, "", section)
            next
        }
        section == want && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
            value = $0
            sub(/^[^=]*=[[:space:]]*/, "", value)
            if (value ~ /^"/) { sub(/^"/, "", value); sub(/".*$/, "", value) }
            else { sub(/[[:space:]]*(#.*)?$/, "", value) }
            print value
            exit
        }' "$3"
}

# toml_set SECTION KEY VALUE: filter stdin to stdout, setting KEY = "VALUE" in [SECTION]
# ("" = top level). Replaces the first line of KEY there, commented out or not; adds it
# (and the section) when missing.
toml_set() {
    awk -v want="$1" -v key="$2" -v value="$3" '
        function emit() { print key " = \"" value "\""; done = 1 }
        /^[[:space:]]*\[/ {
            if (!done && section == want) emit()
            section = $0
            gsub(/^[[:space:]]*\[|\][[:space:]]*(#.*)?$/, "", section)
            print
            next
        }
        !done && section == want && $0 ~ "^[[:space:]]*(#[[:space:]]*)?" key "[[:space:]]*=" {
            emit()
            next
        }
        { print }
        END {
            if (!done) {
                if (section != want) print "\n[" want "]"
                emit()
            }
        }'
}

# split_listen ADDR:PORT: set LISTEN_HOST and LISTEN_PORT ("[::1]:8443" gives "[::1]" and 8443).
split_listen() {
    LISTEN_HOST=${1%:*}
    LISTEN_PORT=${1##*:}
    if ! [[ $1 == *:* && -n $LISTEN_HOST && $LISTEN_PORT =~ ^[0-9]+$ ]] ||
        ((LISTEN_PORT < 1 || LISTEN_PORT > 65535)); then
        die "invalid listen address: $1" 'Expected ADDR:PORT, e.g. 0.0.0.0:8443, 127.0.0.1:8080 or [::]:8443.'
    fi
}

is_loopback() { [[ $1 == 127.* || $1 == "[::1]" || $1 == localhost ]]; }
is_unspecified() { [[ $1 == 0.0.0.0 || $1 == "[::]" ]]; }

# local_host HOST: the address to reach HOST from this machine (loopback for 0.0.0.0 / [::]).
local_host() {
    case $1 in
        0.0.0.0) echo 127.0.0.1 ;;
        "[::]") echo "[::1]" ;;
        *) echo "$1" ;;
    esac
}

# lan_address: first address of `hostname -I`, bracketed when IPv6; empty if none.
lan_address() {
    local addr
    addr=$(hostname -I 2>/dev/null | awk '{ print $1 }') || true
    if [[ $addr == *:* ]]; then addr="[$addr]"; fi
    echo "$addr"
}

# port_in_use HOST PORT: true when something already accepts connections there.
port_in_use() {
    local host
    host=$(local_host "$1")
    host=${host#[}
    host=${host%]}
    # bash's /dev/tcp: connecting succeeds only when something listens ($0 and $1 are the
    # arguments of the inner shell, hence the single quotes).
    # shellcheck disable=SC2016
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$2" 2>/dev/null
}

# find_health_url HOST PORT: print the /healthz URL that answers (https first, then http).
find_health_url() {
    local host url
    host=$(local_host "$1")
    for url in "https://$host:$2/healthz" "http://$host:$2/healthz"; do
        if curl -fsk --max-time 2 -o /dev/null "$url" 2>/dev/null; then
            echo "$url"
            return 0
        fi
    done
    return 1
}

# fix_link_host URL: a link on an unspecified address (0.0.0.0, [::]), or on loopback while
# the server listens beyond loopback, gets the LAN address of the box instead.
fix_link_host() {
    local url=$1 lan host
    lan=$(lan_address)
    [[ -n $lan ]] || { echo "$url"; return; }
    if [[ $url =~ ^(https?://)([^/:]+|\[[^]]*\])(.*)$ ]]; then
        host=${BASH_REMATCH[2]}
        if is_unspecified "$host" || { is_loopback "$host" && ! is_loopback "$LISTEN_HOST"; }; then
            url=${BASH_REMATCH[1]}$lan${BASH_REMATCH[3]}
        fi
    fi
    echo "$url"
}

# tls_fingerprint INIT_OUTPUT: the fingerprint printed by `huisclos init`, else computed
# from the generated certificate in DATA/keys/tls/ (upgrades: init prints it only once).
tls_fingerprint() {
    local line cert
    line=$(grep -m1 'TLS certificate SHA-256 fingerprint:' <<<"$1" || true)
    if [[ -n $line ]]; then
        echo "${line##*fingerprint: }"
        return
    fi
    command -v openssl >/dev/null || return 0
    for cert in "$DATA_PATH"/keys/tls/*; do
        if ! grep -qs 'BEGIN CERTIFICATE' "$cert"; then continue; fi
        openssl x509 -in "$cert" -noout -fingerprint -sha256 2>/dev/null | sed 's/^[^=]*=//'
        return
    done
}

confirm() {
    if [[ $YES -eq 1 ]]; then return 0; fi
    [[ -t 0 ]] || die "refusing to delete without confirmation (no terminal to ask on)" \
        "Add --yes to confirm: ./install.sh --uninstall --purge --yes"
    local answer
    read -r -p "$1 Type 'yes' to continue: " answer
    [[ $answer == yes ]]
}

# ---------------------------------------------------------------------------------
# Checks of the machine (normal mode)
# ---------------------------------------------------------------------------------

check_system() {
    [[ $EUID -eq 0 ]] || die "the installer must run as root to create the service and its user" \
        "Run: sudo $0${ARGS:+ $ARGS}" \
        "Or try it in a folder without root: $0 --root ~/huisclos-trial"

    local id="" id_like=""
    if [[ -r /etc/os-release ]]; then
        # Read, not sourced: os-release sets NAME, which is ours.
        id=$(sed -n 's/^ID=//p' /etc/os-release | tr -d '"')
        id_like=$(sed -n 's/^ID_LIKE=//p' /etc/os-release | tr -d '"')
    fi
    [[ $id == debian || $id == ubuntu || " $id_like " == *" debian "* || -f /etc/debian_version ]] ||
        die "this installer supports Debian and Ubuntu (this system: ${id:-unknown})" \
            "On another distribution, follow the manual steps in docs/INSTALL.md," \
            "or try it in a folder with: $0 --root DIR"

    if [[ ! -d /run/systemd/system ]] || ! command -v systemctl >/dev/null; then
        die "systemd is not running on this machine (a container?), so no service can be installed" \
            "Install into a folder and start the server by hand: $0 --root DIR"
    fi

    local tool
    for tool in curl runuser useradd install; do
        command -v "$tool" >/dev/null || die "the command '$tool' is missing" \
            "Install it (e.g. apt-get install curl), then run the installer again."
    done
}

# ---------------------------------------------------------------------------------
# Uninstall
# ---------------------------------------------------------------------------------

uninstall() {
    if [[ -z $ROOT ]]; then
        [[ $EUID -eq 0 ]] || die "uninstalling needs root" "Run: sudo $0 --uninstall"
    fi
    # Ask before touching anything.
    if [[ $PURGE -eq 1 ]]; then
        local what="$DATA_DIR (all records, files and the master key) and $CONF_DIR"
        if [[ -z $ROOT ]]; then what="$what, and the user '$NAME'"; fi
        confirm "This deletes $what for good." || die "nothing deleted (answer was not 'yes')"
    fi

    if [[ -z $ROOT ]]; then
        if [[ -f $UNIT ]]; then
            step "Stopping and disabling the service"
            systemctl disable --now "$NAME.service" || warn "could not stop the service; continuing"
            rm -f -- "$UNIT"
            systemctl daemon-reload || true
            systemctl reset-failed "$NAME.service" 2>/dev/null || true
        fi
    fi
    step "Removing $BIN"
    rm -f -- "$BIN"

    if [[ $PURGE -eq 0 ]]; then
        say ""
        say "Huis Clos is uninstalled. Kept (remove with --uninstall --purge):"
        say "  data, keys: $DATA_DIR"
        say "  config:     $CONF_DIR"
        if [[ -n $ROOT ]]; then say "If a server started from $ROOT still runs, stop it (Ctrl-C or kill)."; fi
        return 0
    fi

    step "Deleting $DATA_DIR and $CONF_DIR"
    rm -rf -- "$DATA_DIR" "$CONF_DIR"
    if [[ -z $ROOT ]]; then
        if getent passwd "$NAME" >/dev/null; then
            step "Deleting the user $NAME"
            userdel "$NAME" || warn "could not delete the user $NAME (see above); run: userdel $NAME"
        fi
        if getent group "$NAME" >/dev/null; then groupdel "$NAME" || true; fi
    else
        # Remove the folders we created in DIR, when nothing else lives in them.
        (cd -- "$ROOT" && rmdir -p --ignore-fail-on-non-empty usr/local/bin etc var/lib 2>/dev/null) || true
    fi
    say "Huis Clos and its data are deleted."
}

# ---------------------------------------------------------------------------------
# Install / upgrade
# ---------------------------------------------------------------------------------

# The binary to install: --binary, else ./huisclos beside the script, else cargo's output.
find_binary() {
    local candidates=("$SCRIPT_DIR/$NAME" "$SCRIPT_DIR/target/x86_64-unknown-linux-gnu/release/$NAME")
    if [[ -n $BINARY ]]; then
        [[ -f $BINARY ]] || die "no binary at $BINARY (given with --binary)" "Check the path."
    else
        local c
        for c in "${candidates[@]}"; do
            if [[ -f $c ]]; then BINARY=$c; break; fi
        done
        [[ -n $BINARY ]] || die "no huisclos binary found; looked at:" "${candidates[@]}" \
            "Build it (cargo build --release --target x86_64-unknown-linux-gnu)," \
            "or give its path: $0 --binary PATH"
    fi
    NEW_VERSION=$("$BINARY" --version 2>/dev/null) || true
    [[ $NEW_VERSION == "$NAME "* ]] || die "$BINARY does not run as the huisclos binary (--version failed)" \
        "Is it built for x86_64 Linux, and executable (chmod +x)?"
    NEW_VERSION=${NEW_VERSION#"$NAME "}
}

# install_file SRC DEST MODE: copy to a temporary name beside DEST, then rename over it, so
# that DEST is always either the old or the new file (the running server keeps the old one).
install_file() {
    local tmp
    tmp=$(dirname -- "$2")/.$(basename -- "$2").new.$$
    TEMP_FILES+=("$tmp")
    if [[ -z $ROOT ]]; then
        install -m "$3" -o root -g root -- "$1" "$tmp"
    else
        install -m "$3" -- "$1" "$tmp"
    fi
    mv -f -- "$tmp" "$2"
}

create_user() {
    getent passwd "$NAME" >/dev/null && return
    step "Creating the system user $NAME"
    local group_opt=(--user-group)
    getent group "$NAME" >/dev/null && group_opt=(--gid "$NAME")
    useradd --system "${group_opt[@]}" --home-dir "$DATA_DIR" --no-create-home \
        --shell /usr/sbin/nologin --comment "Huis Clos" "$NAME"
}

# Write a new config from the shipped example, with data_dir and listen set. Never overwrite.
write_config() {
    if [[ -e $CONF ]]; then
        say "    keeping the existing config $CONF"
        if [[ -n $LISTEN ]]; then warn "--listen ignored: $CONF exists (edit its [server] listen instead)"; fi
        return 0
    fi
    local example
    for example in "$SCRIPT_DIR/docs/$NAME.example.toml" "$SCRIPT_DIR/$NAME.example.toml"; do
        [[ -f $example ]] && break
    done
    [[ -f $example ]] || die "the example config docs/$NAME.example.toml is missing beside the installer" \
        "Run the installer from the unpacked release (or the source tree)."
    step "Writing $CONF (listen $LISTEN)"
    local tmp=$CONF_DIR/.$NAME.toml.new.$$
    TEMP_FILES+=("$tmp")
    toml_set "" data_dir "$DATA_DIR" <"$example" | toml_set server listen "$LISTEN" >"$tmp"
    chmod 0640 "$tmp"
    if [[ -z $ROOT ]]; then chown "root:$NAME" "$tmp"; fi
    mv -f -- "$tmp" "$CONF"
}

install_or_upgrade() {
    if [[ -z $ROOT ]]; then check_system; fi
    find_binary

    UPGRADE=0
    OLD_VERSION=""
    if [[ -e $BIN || -e $CONF ]]; then
        UPGRADE=1
        if [[ -x $BIN ]]; then OLD_VERSION=$("$BIN" --version 2>/dev/null || true); fi
        OLD_VERSION=${OLD_VERSION#"$NAME "}
    fi

    # The listen address that counts: the existing config's, else --listen, else the default.
    if [[ -e $CONF ]]; then
        LISTEN_NOW=$(toml_get server listen "$CONF")
        LISTEN_NOW=${LISTEN_NOW:-127.0.0.1:8080}
    else
        if [[ -z $LISTEN ]]; then
            if [[ -n $ROOT ]]; then LISTEN=127.0.0.1:8080; else LISTEN=0.0.0.0:8443; fi
        fi
        LISTEN_NOW=$LISTEN
    fi
    split_listen "$LISTEN_NOW"

    # On a first install the port must be free (on upgrade, our own server holds it).
    if [[ $UPGRADE -eq 0 ]] && port_in_use "$LISTEN_HOST" "$LISTEN_PORT"; then
        local fix="choose another one with --listen ADDR:PORT"
        if [[ -z $ROOT ]]; then fix="stop what uses it, or choose another with --listen ADDR:PORT"; fi
        die "port $LISTEN_PORT is already in use on $LISTEN_HOST" \
            "See what holds it: ss -tlnp 'sport = :$LISTEN_PORT'" "Then $fix."
    fi

    if [[ $UPGRADE -eq 1 ]]; then
        step "Upgrading Huis Clos: ${OLD_VERSION:-unknown version} -> $NEW_VERSION (data, config and keys are kept)"
    else
        step "Installing Huis Clos $NEW_VERSION${ROOT:+ into $ROOT}"
    fi

    # User and folders.
    if [[ -z $ROOT ]]; then
        create_user
        install -d -m 0755 -- "$BIN_DIR"
        install -d -m 0750 -o root -g "$NAME" -- "$CONF_DIR"
        install -d -m 0700 -o "$NAME" -g "$NAME" -- "$DATA_DIR"
    else
        mkdir -p -- "$BIN_DIR" "$CONF_DIR" "$DATA_DIR"
        chmod 0750 "$CONF_DIR"
        chmod 0700 "$DATA_DIR"
    fi

    step "Installing the binary as $BIN"
    install_file "$BINARY" "$BIN" 0755
    write_config

    # The data folder the config actually uses (an admin may have moved it).
    DATA_PATH=$(toml_get "" data_dir "$CONF")
    DATA_PATH=${DATA_PATH:-$DATA_DIR}

    # The service must be stopped while init opens the data folder.
    if [[ -z $ROOT ]] && systemctl is-active --quiet "$NAME.service"; then
        step "Stopping the running service for the upgrade"
        systemctl stop "$NAME.service"
    fi

    step "Checking the config"
    local out
    out=$(as_service "$BIN" check --config "$CONF" 2>&1) ||
        die "the config $CONF is not valid:" "$out" "Fix it, then run the installer again."

    step "Initialising the data folder (existing keys are never replaced)"
    INIT_OUT=$(as_service "$BIN" init --config "$CONF" 2>&1) || {
        local hint="Fix the cause above, then run the installer again."
        [[ -n $ROOT ]] && hint="If a server from this folder is running, stop it first, then run the installer again."
        die "huisclos init failed:" "$INIT_OUT" "$hint"
    }
    if [[ -n $INIT_OUT ]]; then printf '    %s\n' "${INIT_OUT//$'\n'/$'\n    '}"; fi

    if [[ -z $ROOT ]]; then
        start_service
    fi
    report
}

start_service() {
    local unit_src
    for unit_src in "$SCRIPT_DIR/systemd/$NAME.service" "$SCRIPT_DIR/$NAME.service"; do
        [[ -f $unit_src ]] && break
    done
    [[ -f $unit_src ]] || die "the unit file systemd/$NAME.service is missing beside the installer" \
        "Run the installer from the unpacked release (or the source tree)."
    step "Installing the service $UNIT"
    install_file "$unit_src" "$UNIT" 0644
    systemctl daemon-reload
    systemctl enable --quiet "$NAME.service"
    step "Starting the service"
    systemctl restart "$NAME.service" || die "the service did not start" \
        "See why: journalctl -u $NAME -n 50 --no-pager" "Check the config: $BIN check --config $CONF"

    step "Waiting for the server to answer (up to 20 s)"
    local i
    for ((i = 0; i < 40; i++)); do
        if HEALTH_URL=$(find_health_url "$LISTEN_HOST" "$LISTEN_PORT"); then return 0; fi
        systemctl is-active --quiet "$NAME.service" || break
        sleep 0.5
    done
    die "the server does not answer on $LISTEN_HOST:$LISTEN_PORT/healthz" \
        "See why: systemctl status $NAME; journalctl -u $NAME -n 50 --no-pager"
}

report() {
    local scheme=http url fingerprint link link_out key host
    # Scheme: what the running server answered; otherwise TLS unless on loopback.
    if [[ ${HEALTH_URL:-} == https:* ]] || { [[ -z ${HEALTH_URL:-} ]] && ! is_loopback "$LISTEN_HOST"; }; then
        scheme=https
    fi
    host=$LISTEN_HOST
    if is_unspecified "$host" || { is_loopback "$host" && [[ -z $ROOT ]]; }; then
        host=$(lan_address)
        [[ -n $host ]] || host=$(local_host "$LISTEN_HOST")
    fi
    url="$scheme://$host:$LISTEN_PORT/"
    fingerprint=$(tls_fingerprint "$INIT_OUT")

    if link_out=$(as_service "$BIN" setup-link --config "$CONF" 2>&1); then
        link=$(fix_link_host "$(tail -n 1 <<<"$link_out")")
    fi

    say ""
    if [[ $UPGRADE -eq 1 ]]; then say "Huis Clos $NEW_VERSION is installed (upgrade)."; else say "Huis Clos $NEW_VERSION is installed."; fi
    say ""
    if [[ -n $ROOT ]]; then
        say "Start it with:"
        say "  $BIN serve --config $CONF"
        say "Then open: $url"
    else
        say "Address:         $url"
        say "Service:         systemctl status $NAME    (logs: journalctl -u $NAME)"
    fi
    if [[ -n $fingerprint ]]; then
        say "TLS fingerprint: $fingerprint (SHA-256; check it when the browser warns about the certificate)"
    fi
    say "Config:          $CONF"
    if [[ -n ${link:-} ]]; then
        say ""
        say "Set up the firm (one-time link; a new one: $BIN setup-link --config $CONF):"
        say "  $link"
        if [[ -n $ROOT ]]; then
            # Only the latest link is valid, and a server started from a terminal prints a new one.
            say "  (valid until another link is issued: when you start the server by hand, use the"
            say "  link it prints)"
        fi
    else
        say ""
        say "Setup link: none (${link_out:-no output})"
    fi

    say ""
    key=$DATA_PATH/keys/master.key
    if [[ -f $key ]]; then
        say "MASTER KEY: $key"
        say "  Back it up now, and keep that copy apart from the data backups (e.g. on a USB key in"
        say "  the safe): a backup cannot be restored without this key, and a backup stored with"
        say "  its key is no longer protected."
    else
        say "No master key on disk ($key): sealed mode, the passphrase typed at each start is the key."
        say "  Keep it safe: a backup cannot be restored without it."
    fi
}

if [[ $UNINSTALL -eq 1 ]]; then
    uninstall
else
    install_or_upgrade
fi
