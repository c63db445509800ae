#!/usr/bin/env bash
# Installs the external programs the integration tests use: redis-server (distributed cache tests) and
# xmlsec1 (independent verification of our SAML signatures). Idempotent; needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
