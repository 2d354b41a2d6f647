#!/bin/sh
# Installs the peers `bench/scan/run.sh` compares vigie scan with:
# SpamAssassin, bogofilter and rspamd (Debian packages), and npm, which
# fetches the SpamAssassin public corpus. Not needed to build or use vigie.
# Idempotent: when everything is installed it does nothing. Run as root on
# Debian 12 (bookworm).
set -eu

PACKAGES="
spamassassin
bogofilter
rspamd
npm
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "setup-peers: all $(echo $PACKAGES | wc -w) packages already installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-peers: missing packages:$missing" >&2
	echo "setup-peers: run this script as root (or with sudo) to install them" >&2
	exit 1
fi

echo "setup-peers: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing
# rspamd is started by run.sh itself, on loopback, with its own configuration
if command -v systemctl >/dev/null 2>&1; then
	systemctl disable --now rspamd >/dev/null 2>&1 || true
fi
