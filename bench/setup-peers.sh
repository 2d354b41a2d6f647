#!/bin/sh
# Installs the peers that bench/peers.sh compares vigie's exposure registry
# with: the sqlite3 shell and PostgreSQL (server, client, pgbench), plus the
# client libraries bench_check links when they are present (libsqlite3-dev,
# libpq-dev) for its in-process SQLite and PostgreSQL drivers; and nginx
# (nginx-light) with wrk for bench/serve.sh.
#
# Only the benchmark needs these, so they are not in scripts/setup.sh.
# Idempotent: when everything is installed it does nothing; otherwise it runs
# `apt-get update` once, then `apt-get install -y` for the missing ones.
# Debian's postgresql package creates a cluster "main" that it may start; the
# benchmark never uses it (it runs a throwaway cluster of its own), and this
# script leaves it as the package set it up.
# Run as root on Debian 12 (bookworm).
set -eu

PACKAGES="
sqlite3
libsqlite3-dev
postgresql
postgresql-client
libpq-dev
time
nginx-light
wrk
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
