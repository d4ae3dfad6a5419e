#!/usr/bin/env bash
# Installs what xcheck's tests need, idempotently: the Debian packages in
# scripts/apt-packages.txt (cross sysroots, cross compilers, binutils) and
# the SARIF validator. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=()
if [ -f scripts/apt-packages.txt ]; then
  while read -r line; do
    line=${line%%#*}
    line=$(echo "$line" | xargs)
    [ -n "$line" ] && pkgs+=("$line")
  done < scripts/apt-packages.txt
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      echo "setup: missing Debian packages: ${missing[*]}" >&2
      echo "setup: run as root: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  else
    SUDO=
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ -x scripts/install-sarif-validator.sh ] || [ -f scripts/install-sarif-validator.sh ]; then
  bash scripts/install-sarif-validator.sh
fi
