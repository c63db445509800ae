#!/usr/bin/env bash
# Installs the external programs the tests use: redis-server (distributed cache tests), xmlsec1 (independent
# verification of our SAML signatures), and clang with zlib1g-dev (the Native AOT toolchain: the ILCompiler package
# links the native executable with clang and against libz). Idempotent; needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
# Debian's clang-14 package alone provides clang-14 but no `clang`; the clang package adds the name the linker step runs.
command -v clang >/dev/null 2>&1 || need+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
