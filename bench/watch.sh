#!/bin/sh
# vigie watch benchmark: detection delays per attack scenario, false alerts
# per 10,000 benign account-days, and replay speed on one core.
#
# Usage: bench/watch.sh [ADVISORS] [DAYS] [SEED]   (default 5000 advisors, 35 days, seed 7)
#
# Builds a release build in build-bench, generates a synthetic access log
# with ground truth (vigie watch gen), replays it (vigie watch --replay
# --truth) pinned to one core, and prints the figures and the commands that
# reproduce them. Targets (issue 7): takeover within 1 h, insider within
# 1 day, credential stuffing within 5 min, at most 1 false alert per 10,000
# benign account-days, replay at >= 1,000,000 events/s.
set -eu
cd "$(dirname "$0")/.."
ADV=${1:-5000}
DAYS=${2:-35}
SEED=${3:-7}
B=build-bench
OUT=bench/out
if [ -f $B/build.ninja ]; then
	meson setup --reconfigure $B >/dev/null
else
	meson setup $B --buildtype=release -Dtests=false >/dev/null
fi
ninja -C $B vigie >/dev/null
mkdir -p $OUT
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""
LOG=$OUT/access-$ADV-$DAYS-$SEED.jsonl
TRUTH=$OUT/access-$ADV-$DAYS-$SEED.truth.jsonl

GEN="$B/vigie watch gen --advisors $ADV --days $DAYS --seed $SEED -o $LOG --truth $TRUTH"
echo "== generate: $GEN"
t0=$(date +%s.%N)
$PIN $GEN
t1=$(date +%s.%N)
EV=$(tail -1 $TRUTH | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
python3 -c "n=$EV; t=$t1-$t0; print(f'generator: {n} events in {t:.2f} s = {n/t/1e6:.2f} M events/s')"

RUN="$PIN $B/vigie --lang en watch --replay --quiet $LOG --truth $TRUTH"
echo
echo "== replay: $RUN"
set +e
$RUN > $OUT/watch-eval.txt 2> $OUT/watch-summary.txt
rc=$?
set -e
sed -n '/^incidents:/,$p' $OUT/watch-eval.txt
cat $OUT/watch-summary.txt
echo
echo "== speed: best of 3 replays (events/s as measured by vigie, parse + detect, one core)"
best=0
for i in 1 2 3; do
	r=$($PIN $B/vigie watch --replay --quiet --json $LOG | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["events_per_second"]))')
	[ "$r" -gt "$best" ] && best=$r
done
echo "replay: $best events/s (target >= 1000000)"
echo "reproduce: $PIN $B/vigie watch --replay --quiet --json $LOG"
echo
if [ $rc -eq 0 ]; then echo "detection targets: all met"; else echo "detection targets: NOT all met (exit $rc)"; fi
