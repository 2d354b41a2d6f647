#!/bin/sh
# Installs every Debian package vigie needs to build, test and run.
# Idempotent: when everything is already installed it does nothing; otherwise
# it runs `apt-get update` once, then `apt-get install -y` for the missing ones.
# Run as root on Debian 12 (bookworm).
set -eu

PACKAGES="
build-essential
meson
ninja-build
pkg-config
python3
clang
libclang-rt-14-dev
libcmocka-dev
libphonenumber-dev
libicu-dev
zlib1g-dev
libzstd-dev
libsodium-dev
libjansson-dev
libcurl4-openssl-dev
libisal-dev
libxxhash-dev
libgmime-3.0-dev
libpsl-dev
libidn2-dev
libmicrohttpd-dev
libzxcvbn-dev
nettle-dev
chromium
openssl
jq
zstd
"
# The browser tests (tests/web) need Node.js 18+ and npm; a machine that has
# them already (e.g. from NodeSource, whose nodejs bundles npm) keeps its own.
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "setup: all $(echo $PACKAGES | wc -w) packages already installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages:$missing" >&2
	echo "setup: run this script as root (or with sudo) to install them" >&2
	exit 1
fi

echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing
