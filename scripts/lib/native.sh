# Builds the native helpers (server/pkcs11/native/*.c) into .native/ when a source is newer than
# its binary. Sourced by start.sh and test.sh; also runnable alone: bash scripts/lib/native.sh
# Needs a C compiler and the PKCS#11 header of libp11-kit-dev (NATIVE_DEBS).
NATIVE_DEBS=(gcc libc6-dev libp11-kit-dev)

ensure_native() {
  local src out
  mkdir -p .native
  for src in server/pkcs11/native/*.c; do
    out=.native/hsm-$(basename "$src" .c)
    [ -x "$out" ] && [ "$out" -nt "$src" ] && continue
    echo "[native] cc $src"
    # Built beside its final name, then renamed: a concurrent start never runs half a binary.
    cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -O2 -I/usr/include/p11-kit-1 -o "$out.tmp.$$" "$src" -ldl ||
      { rm -f "$out.tmp.$$"; return 1; }
    mv -f "$out.tmp.$$" "$out"
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  cd "$(dirname "$0")/../.." && ensure_native
fi
