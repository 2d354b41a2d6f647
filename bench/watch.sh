#!/bin/sh
# vigie watch benchmark, one command: builds a release vigie, then for each
# seed generates a synthetic access log with its ground truth, replays it on
# one core and prints, per attack scenario, the detection delay against its
# target, the false alerts per 10,000 benign account-days, the replay speed
# and the generator speed, each with the command that reproduces it.
#
# Usage: bench/watch.sh [SEEDS] [ADVISORS] [DAYS]
#        (default seeds "7 11 23", 5000 advisors, 35 days)
#
# Targets (issue 7): takeover within 1 h, slow insider within 1 day,
# credential stuffing within 5 min of the first malicious event; at most 1
# false alert per 10,000 benign account-days; replay >= 1,000,000 events/s.
# The detector was tuned on seeds 1 to 6 and 12 to 19; the default seeds were
# not used (docs/watch.md, "Measured").
#
# Builds in build-bench-watch (its own directory). Logs go to bench/out and
# are removed after use (about 4 GB per seed); KEEP=1 keeps them.
# Exit status: 0 when every target is met on every seed, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
SEEDS=${1:-7 11 23}
ADV=${2:-5000}
DAYS=${3:-35}
B=build-bench-watch
OUT=bench/out
mkdir -p $OUT
BLOG=$OUT/watch-build.log

echo "== build: meson setup $B --buildtype=release -Dtests=false && ninja -C $B vigie"
if [ ! -f $B/build.ninja ]; then
	if ! meson setup $B --buildtype=release -Dtests=false >$BLOG 2>&1; then
		cat $BLOG >&2
		echo "bench/watch.sh: meson setup failed (log above, also in $BLOG)" >&2
		exit 2
	fi
fi
if ! ninja -C $B vigie >$BLOG 2>&1; then
	cat $BLOG >&2
	echo "bench/watch.sh: the build failed (log above, also in $BLOG)" >&2
	exit 2
fi
V=$B/vigie
PIN="taskset -c 0"
if ! command -v taskset >/dev/null; then
	PIN=""
	echo "(taskset not found: speeds are not pinned to one core)"
fi

# seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

SUMMARY=$OUT/watch-summary.txt
: >$SUMMARY
ok=1
first=""
for S in $SEEDS; do
	LOG=$OUT/watch-$S.jsonl
	TRUTH=$OUT/watch-$S.truth.jsonl
	EVAL=$OUT/watch-$S.eval.json
	GEN="$V gen --access-log --advisors $ADV --days $DAYS --seed $S -o $LOG --truth $TRUTH"
	RUN="$V --lang en watch --replay --quiet --json $LOG --truth $TRUTH"
	echo
	echo "== seed $S: $ADV advisors, $DAYS days"
	echo "generate: $PIN $GEN"
	t0=$(now)
	$PIN $GEN
	t1=$(now)
	echo "replay:   $PIN $RUN"
	# exit 1 means a target was missed: reported below, not fatal
	rc=0
	$PIN $RUN >$EVAL || rc=$?
	if [ $rc -gt 1 ]; then
		echo "bench/watch.sh: the replay failed (exit $rc)" >&2
		exit 2
	fi
	[ $rc -eq 0 ] || ok=0
	python3 - "$EVAL" "$TRUTH" "$t0" "$t1" "$S" "$SUMMARY" <<'PY'
import json, sys
ev, truth, t0, t1, seed, summary = sys.argv[1:7]
r = json.load(open(ev))
e = r["evaluation"]
gen_events = [json.loads(l) for l in open(truth) if '"summary"' in l][0]["events"]
gen_s = float(t1) - float(t0)

def hms(s):
    if s is None:
        return "never"
    s = int(s)
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{h} h {m:02d} min {sec:02d} s" if h else f"{m} min {sec:02d} s"

print(f"  {'scenario':9} {'incident':>8}  {'account':10} {'delay':>16}  {'target':>16}")
by = {}
for i in e["incidents"]:
    d, t = i["delay_s"], i["target_s"]
    print(f"  {i['scenario']:9} {i['id']:>8}  {i['account'] or '*':10} {hms(d):>16}  "
          f"{hms(t):>16}  {'OK' if i['met'] else 'MISSED' if d is None else 'LATE'}")
    by.setdefault(i["scenario"], []).append(i)
worst = {}
for sc, l in by.items():
    ds = [i["delay_s"] for i in l]
    worst[sc] = (None if None in ds else max(ds), all(i["met"] for i in l))
fa, days = e["false_alerts"], e["benign_account_days"]
rate = e["false_per_10k_account_days"]
print(f"  false alerts: {fa} for {days} benign account-days = {rate:.2f} per 10,000 "
      f"(target <= 1) {'OK' if rate <= 1 else 'TOO MANY'}")
eps = r["events_per_second"]
print(f"  replay: {r['events']} events in {r['seconds']:.2f} s = {eps / 1e6:.2f} M events/s "
      f"(one core, parse + detect + evaluate; target >= 1)")
print(f"  generator: {gen_events} events in {gen_s:.2f} s = {gen_events / gen_s / 1e6:.2f} "
      f"M events/s (one core, written to the file)")
with open(summary, "a") as f:
    cells = []
    for sc in ("takeover", "insider", "stuffing"):
        w = worst.get(sc)
        cells.append("-" if w is None else hms(w[0]) + ("" if w[1] else " (!)"))
    f.write(f"{seed}\t{cells[0]}\t{cells[1]}\t{cells[2]}\t{rate:.2f}\t{eps / 1e6:.2f}\t"
            f"{gen_events / gen_s / 1e6:.2f}\n")
PY
	if [ -z "$first" ]; then
		first=$S
		# replay speed: best of three replays of this log, without the evaluation
		SPEED="$V watch --replay --quiet --json $LOG"
		best=0
		for i in 1 2 3; do
			r=$($PIN $SPEED | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["events_per_second"]))') || true
			[ "${r:-0}" -gt "$best" ] && best=$r
		done
		echo "  replay speed, best of 3: $best events/s (target >= 1000000)"
		echo "  reproduce: $PIN $SPEED"
		[ "$best" -ge 1000000 ] || ok=0
		# memory grows with accounts, not events: the peak resident size of a
		# replay of the first week against the whole history (same accounts)
		python3 - "$V" "$LOG" "$DAYS" <<'PY'
import json, subprocess, sys
v, log, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = sum(1 for _ in open(log, "rb"))
# each run in its own child, so ru_maxrss is that run's peak
res = []
for lines in (max(1, n * 7 // days), n):
    out = subprocess.run([sys.executable, "-c", f"""
import json, resource, subprocess, sys
p = subprocess.run(["sh", "-c", {json.dumps(f"head -n {lines} {log} | {v} watch --replay --quiet --json -")}],
                   capture_output=True, text=True)
r = json.loads(p.stdout)
print(r["events"], r["accounts"], r["memory_bytes"],
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""], capture_output=True, text=True, check=True).stdout.split()
    res.append([int(x) for x in out])
for (ev, acc, mem, rss), what in zip(res, ("first week", "whole history")):
    print(f"  memory, {what}: {ev} events, {acc} accounts, engine {mem / 1e6:.1f} MB, "
          f"peak resident {rss / 1e3:.1f} MB")
print(f"  memory grows x{res[1][3] / res[0][3]:.2f} for x{res[1][0] / res[0][0]:.1f} events "
      f"(x{res[1][1] / res[0][1]:.2f} accounts)")
PY
	fi
	[ "${KEEP:-0}" = 1 ] || rm -f "$LOG"
done

echo
echo "== summary (worst delay per scenario; (!) = a target missed)"
python3 - "$SUMMARY" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head = ["seed", "takeover <= 1 h", "insider <= 24 h", "stuffing <= 5 min", "false/10k <= 1",
        "replay M ev/s", "gen M ev/s"]
w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
print("  " + " | ".join(h.ljust(w[i]) for i, h in enumerate(head)))
for r in rows:
    print("  " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)))
PY
if [ $ok = 1 ]; then
	echo "all targets met"
else
	echo "NOT all targets met"
	exit 1
fi
