# Installs what the console needs and is missing. Sourced by start.sh and test.sh.
# Debian packages: only when run as root (otherwise it says what to install and goes on).

RUNTIME_DEBS=(softhsm2 p11-kit opensc nginx libengine-pkcs11-openssl openssl util-linux)
TEST_DEBS=(chromium postgresql)

ensure_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "[deps] missing Debian packages: ${missing[*]} — install them as root: apt-get install ${missing[*]}" >&2
    return 0
  fi
  echo "[deps] installing Debian packages: ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# npm ci when node_modules is missing or was installed from another lock file (content, not
# mtime: a fresh checkout or a second work tree must not reinstall a good node_modules).
ensure_node_modules() {
  local stamp=node_modules/.hsm-console-installed want
  want=$(cat package.json package-lock.json | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # A node_modules shared with another checkout (symlink or mount) is never reinstalled from here.
    if [ -L node_modules ] || mountpoint -q node_modules 2>/dev/null; then
      echo "[deps] node_modules is shared with another checkout and differs from package-lock.json: not reinstalling" >&2
      return 0
    fi
    echo "[deps] npm ci"
    # Native addons (pkcs11js) build against the installed Node headers, never a download.
    npm_config_nodedir="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}" \
      npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
}
