#!/bin/sh
# meson test web-page: the page's browser test (page.test.mjs) against the
# mock server (mock_server.mjs), whose scanner is the real `vigie scan`.
# Usage: run.sh VIGIE_EXE SCREENSHOT_DIR
# Exit 77 (skipped) only when node or chromium is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
	echo "web-page: SKIP: node not found"
	exit 77
fi
if [ ! -x "${VIGIE_CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "web-page: SKIP: chromium not found (scripts/setup.sh installs it)"
	exit 77
fi
"$here/../../scripts/web-deps.sh"
exec node "$here/run_mock.mjs" --vigie "$1" --screenshots "$2"
