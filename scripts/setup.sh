#!/usr/bin/env bash
# Installs what a fresh machine lacks to build lifecircle: cmake and libclang
# for the HiGHS solver, which highs-sys compiles from C++ (see DESIGN notes).
set -euo pipefail
need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
ldconfig -p 2>/dev/null | grep -q 'libclang' || ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || need+=(libclang-dev)
command -v c++ >/dev/null 2>&1 || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
