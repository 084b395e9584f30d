# shellcheck shell=bash
# Installs what yms needs on a Debian machine with Python 3.11+, idempotently.
# Sourced by scripts/demo, scripts/test and scripts/bench; not run on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.13.9"
TOOLS="$ROOT/.tools"
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT="$ROOT/.venv"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    # Installs Debian packages that are not yet present.
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

find_python() {
    for candidate in python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return
        fi
    done
    echo "yms needs Python 3.11 or newer (none found on PATH)" >&2
    exit 1
}

bootstrap_python() {
    PYTHON="$(find_python)"
    export UV_PYTHON="$PYTHON"
    if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
        apt_install python3-venv
    fi
    if [ ! -x "$TOOLS/bin/uv" ] || [ "$("$TOOLS/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
        say "installing uv $UV_VERSION into .tools"
        "$PYTHON" -m venv --clear "$TOOLS"
        "$TOOLS/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
    fi
    UV="$TOOLS/bin/uv"
    say "installing Python packages from uv.lock"
    "$UV" sync --frozen --quiet
    export PATH="$ROOT/.venv/bin:$PATH"
}

bootstrap_assets() {
    # GOV.UK Frontend from its npm package, built into our stylesheet and served
    # from our own origin (no CDN): src/yms/web/static/ is generated, not committed.
    if ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        say "installing front-end packages from package-lock.json"
        npm ci --no-audit --no-fund --loglevel=error
    fi
    local static="src/yms/web/static"
    local css="$static/yms.css"
    if [ ! -f "$css" ] || [ -n "$(find src/yms/web/styles package-lock.json -newer "$css" -print -quit)" ]; then
        say "building the stylesheet (GOV.UK Frontend, Sass)"
        mkdir -p "$static/govuk"
        npx --no-install sass --no-source-map --style=compressed --load-path=node_modules \
            src/yms/web/styles/yms.scss "$css"
        rm -rf "$static/govuk/assets"
        cp -r node_modules/govuk-frontend/dist/govuk/assets "$static/govuk/assets"
        rm -rf "$static/govuk/assets/fonts"   # GDS Transport is for GOV.UK only; we use Arial
        cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$static/govuk/"
    fi
}
