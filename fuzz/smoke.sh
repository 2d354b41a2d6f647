#!/bin/sh
# A short, deterministic fuzzing run of one libFuzzer target (fixed seed and
# number of runs), starting from its seed corpus; new inputs go to a
# temporary directory, never into the source tree; at most 30 s. Fails when the target
# crashes, leaks or times out.
# Usage: smoke.sh TARGET CORPUS RUNS
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus"
"$1" -seed=1 -error_exitcode=1 -runs="$3" -max_total_time=30 -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
	-artifact_prefix="$tmp/" "$tmp/corpus" "$2" >"$tmp/log" 2>&1
status=$?
# libFuzzer exits 77 on a crash by default, which meson reads as "skipped"
[ $status -eq 77 ] && status=1
if [ $status -ne 0 ]; then
	cat "$tmp/log"
	for f in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-*; do
		[ -e "$f" ] && { echo "reproducer ($f), base64:"; base64 "$f"; }
	done
else
	tail -n 2 "$tmp/log"
fi
exit $status
