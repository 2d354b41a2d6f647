#!/bin/sh
# Installs the browser tests' npm packages (tests/web/package-lock.json) into
# tests/web/node_modules. Idempotent and offline after the first install:
# `npm ci` runs only when the lock file differs from the one last installed
# (its hash is kept in node_modules/.vigie-lock.sha256), so later runs touch
# neither the network nor node_modules. playwright-core never downloads a
# browser: the tests drive Debian's /usr/bin/chromium (scripts/setup.sh).
# Exit 0 when the packages are there, 1 when they cannot be installed.
set -eu
cd "$(dirname "$0")/.."
dir=tests/web
lock=$dir/package-lock.json
stamp=$dir/node_modules/.vigie-lock.sha256
want=$(sha256sum "$lock" | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "web-deps: npm not found (install Node.js 18 or later)" >&2
	exit 1
fi
# Two test runs starting at once must not both run npm ci in the same directory.
exec 9>"${TMPDIR:-/tmp}/vigie-web-deps-$(id -u).lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi
echo "web-deps: npm ci --prefix $dir"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$dir" --no-audit --no-fund --prefer-offline \
	--loglevel=error
echo "$want" >"$stamp"
