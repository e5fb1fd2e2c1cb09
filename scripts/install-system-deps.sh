#!/usr/bin/env bash
# Installs the Debian 12 packages that Hearth's tests and demos use:
#   chromium     screenshots (browser tool, testkit fixtures, screenshot evals)
#   espeak-ng    spoken audio fixtures;  sox  audio conversion to 16 kHz mono
#   redis-server + postgresql  distributed runs (BullMQ, shared checkpoints)
#   bubblewrap   the shell tool's sandbox (`bwrap`: every shell command runs in it)
#   cmake g++ ninja-build git  `hearth engine build` (llama.cpp built for this machine: the native engine)
# Safe to run again: packages already present are skipped.
set -euo pipefail

packages=(chromium espeak-ng sox redis-server postgresql bubblewrap cmake g++ ninja-build git)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo='sudo'
fi
echo "system packages: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian packages start their own services; Hearth's tests start private servers on free ports instead.
$sudo service redis-server stop >/dev/null 2>&1 || true
$sudo service postgresql stop >/dev/null 2>&1 || true
echo "system packages: done"
