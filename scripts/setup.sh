#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build lifecircle: cmake,
# libclang and a C++ compiler for the HiGHS solver, which highs-sys
# compiles from C++ (bindgen needs libclang).
#
# libclang is looked for where bindgen's clang-sys looks (build/common.rs and
# build/dynamic.rs of clang-sys 1.9): LIBCLANG_PATH, `llvm-config --prefix`,
# LD_LIBRARY_PATH, LIBRARY_PATH and /usr/local/lib*, /usr/lib* and one or two
# levels below, for libclang.so, libclang-*.so, libclang.so.* or
# libclang-*.so.*, skipping libclang-cpp (the C++ API, which bindgen cannot
# use; Debian 12 images often carry libclang-cpp.so.14 without libclang).
#
# With --tests it also installs what the browser tests (tests/browser.rs)
# need: Debian's chromium and chromium-driver, unless `chromium --version`
# and `chromedriver --version` already answer with the same major version
# (chromedriver drives only its own Chromium release). The demo does not
# need them; `scripts/test.sh` does.
#
# SETUP_ROOT (default: empty) prefixes the system directories searched, so
# tests can run this script against a fake file system and stub commands.
set -euo pipefail
root="${SETUP_ROOT:-}"
usage="usage: scripts/setup.sh [--tests]"
tests=0
for arg in "$@"; do
  case "$arg" in
  --tests) tests=1 ;;
  -h | --help)
    echo "$usage" >&2
    exit 0
    ;;
  *)
    echo "setup: unknown option $arg ($usage)" >&2
    exit 2
    ;;
  esac
done

is_libclang() { # a file name bindgen would load
  local name
  name="$(basename "$1")"
  case "$name" in
  *-cpp.*) return 1 ;;
  libclang.so | libclang-*.so | libclang.so.* | libclang-*.so.*) [ -e "$1" ] ;;
  *) return 1 ;;
  esac
}

dir_has_libclang() {
  local f
  [ -d "$1" ] || return 1
  for f in "$1"/libclang*; do
    is_libclang "$f" && return 0
  done
  return 1
}

have_libclang() {
  local d prefix
  if [ -n "${LIBCLANG_PATH:-}" ]; then
    # clang-sys takes LIBCLANG_PATH alone when it is set.
    if [ -f "$LIBCLANG_PATH" ]; then is_libclang "$LIBCLANG_PATH"; else dir_has_libclang "$LIBCLANG_PATH"; fi
    return
  fi
  if prefix="$("${LLVM_CONFIG_PATH:-llvm-config}" --prefix 2>/dev/null)" && [ -n "$prefix" ]; then
    for d in "$prefix/bin" "$prefix/lib" "$prefix/lib64"; do
      dir_has_libclang "$d" && return 0
    done
  fi
  local IFS=:
  for d in ${LD_LIBRARY_PATH:-} ${LIBRARY_PATH:-}; do
    dir_has_libclang "$d" && return 0
  done
  unset IFS
  # Unquoted on purpose: the patterns are globbed.
  for d in "$root"/usr/local/llvm*/lib* "$root"/usr/local/lib*/*/* "$root"/usr/local/lib*/* \
    "$root"/usr/local/lib* "$root"/usr/lib*/*/* "$root"/usr/lib*/* "$root"/usr/lib*; do
    dir_has_libclang "$d" && return 0
  done
  return 1
}

major() { # the major version a program reports, e.g. 156 for "Chromium 156.0.8078.114"
  "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9.]+' | head -n 1 | cut -d. -f1
}

have_browser() { # a Chromium and a chromedriver of the same release, both answering
  local browser driver
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || return 1
  browser="$(major chromium)"
  driver="$(major chromedriver)"
  [ -n "$browser" ] && [ "$browser" = "$driver" ]
}

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
have_libclang || need+=(libclang-dev)
command -v c++ >/dev/null 2>&1 || need+=(g++)
if [ "$tests" = 1 ] && ! have_browser; then need+=(chromium chromium-driver); fi

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get (about 1 minute; Chromium adds ~100 MB)" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"; } >/dev/null 2>"$log"; then
    cat "$log" >&2
    echo "setup: apt-get failed; install ${need[*]} by hand" >&2
    exit 1
  fi
  # debconf's "delaying package configuration" on a machine without apt-utils is noise.
  grep -v '^debconf: ' "$log" >&2 || true
  if [[ " ${need[*]} " == *" libclang-dev "* ]] && ! have_libclang; then
    echo "setup: libclang-dev is installed but no libclang is where bindgen looks${LIBCLANG_PATH:+ (LIBCLANG_PATH=$LIBCLANG_PATH)}; set LIBCLANG_PATH to the folder holding libclang.so" >&2
    exit 1
  fi
  if [[ " ${need[*]} " == *" chromium-driver "* ]] && ! have_browser; then
    echo "setup: chromium and chromium-driver are installed but \`chromium --version\` ($(major chromium || true)) and \`chromedriver --version\` ($(major chromedriver || true)) do not answer with one release; the browser tests need both on PATH" >&2
    exit 1
  fi
else
  extra=""
  [ "$tests" = 1 ] && extra=", chromium and its chromedriver"
  echo "setup: cmake, libclang, a C++ compiler$extra are present; nothing to install" >&2
fi
echo "setup: the first release build compiles HiGHS from C++ (about 20 CPU-minutes: 11 minutes on a 2-core machine), once" >&2
