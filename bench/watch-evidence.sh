#!/bin/sh
# How much evidence the slow insider's first day holds against benign days
# (docs/watch.md, "The limit of the count"): builds a developer vigie that
# traces the novelty test's account-days (meson -Dwatch_trace=true, in
# build-watch-trace), then per seed generates the bench's access log,
# replays it with the trace on and prints, with bench/watch-evidence.py, the
# insider's detection delay, its first day's evidence and how many benign
# account-days hold as much.
#
# Usage: bench/watch-evidence.sh [SEEDS] [INSIDER_EXTRA_PCT]
#        (default: the 27 seeds of bench/watch.sh's two commands, 50 %)
# Logs (about 4 GB each) are removed after use; traces stay in
# bench/out/evidence-PCT. Exit status: 0, or 2 when a step fails.
set -eu
cd "$(dirname "$0")/.."
SEEDS=${1:-1 2 3 4 5 6 12 13 14 15 16 17 18 19 7 8 10 11 23 42 47 51 52 53 54 55 56}
PCT=${2:-50}
B=build-watch-trace
OUT=bench/out/evidence-$PCT
mkdir -p "$OUT"
echo "== build: meson setup $B --buildtype=release -Dtests=false -Dwatch_trace=true && ninja -C $B vigie"
if [ ! -f $B/build.ninja ]; then
	meson setup $B --buildtype=release -Dtests=false -Dwatch_trace=true >"$OUT/build.log" 2>&1 ||
		{ cat "$OUT/build.log" >&2; exit 2; }
fi
ninja -C $B vigie >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 2; }
for S in $SEEDS; do
	LOG=$OUT/log-$S.jsonl
	echo "== seed $S: $B/vigie gen --access-log --advisors 5000 --days 35 --seed $S --insider-extra $PCT"
	$B/vigie gen --access-log --advisors 5000 --days 35 --seed "$S" --insider-extra "$PCT" \
		-o "$LOG" --truth "$OUT/truth-$S.jsonl" || exit 2
	rc=0
	VIGIE_WATCH_TRACE=$OUT/trace-$S.txt $B/vigie --lang en watch --replay --quiet --json \
		"$LOG" --truth "$OUT/truth-$S.jsonl" >"$OUT/eval-$S.json" || rc=$?
	rm -f "$LOG"
	[ $rc -le 1 ] || { echo "bench/watch-evidence.sh: the replay failed (exit $rc)" >&2; exit 2; }
done
echo
# shellcheck disable=SC2086
python3 bench/watch-evidence.py "$OUT" $SEEDS
