#!/usr/bin/env bash
# Installs the Debian packages PipeNet's tests and demo use as real peers, only when missing.
set -euo pipefail
need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v node    >/dev/null 2>&1 || need+=(nodejs)
command -v prlimit >/dev/null 2>&1 || need+=(util-linux)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v ping    >/dev/null 2>&1 || need+=(iputils-ping)
command -v dnsmasq >/dev/null 2>&1 || need+=(dnsmasq-base)
command -v stdbuf  >/dev/null 2>&1 || need+=(coreutils)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi
