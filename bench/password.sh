#!/bin/sh
# vigie password benchmark: agreement of libzxcvbn-derived scores and log10
# guesses with the reference JavaScript zxcvbn (npm zxcvbn 4.4.2), and
# passwords per second for both, in the same run, on the same list.
#
# Usage: bench/password.sh [SEED]   (default seed 1)
#
# - Builds a release build in build-bench (vigie, bench_password).
# - Installs npm zxcvbn into bench/out/password (bench only; not a test or
#   runtime dependency).
# - Builds the list offline with bench/password/genlist.js (>= 15,000
#   passwords: the zxcvbn package's own frequency lists, generated
#   variations, keyboard walks on its adjacency graphs, dates, sequences,
#   repeats, random strings, passphrases; see that file).
# - Scores it with JS zxcvbn (node) and with vigie: the library in process
#   (bench_password) and the command line (vigie password --batch --json).
# - Prints agreement figures (bench/password/compare.py) and passwords/s.
set -eu
cd "$(dirname "$0")/.."
SEED=${1:-1}
B=build-bench
OUT=bench/out/password
if [ -f $B/build.ninja ]; then
	meson setup --reconfigure $B >/dev/null
else
	meson setup $B --buildtype=release -Dtests=false >/dev/null
fi
ninja -C $B vigie bench/bench_password >/dev/null
mkdir -p $OUT
if [ ! -f $OUT/node_modules/zxcvbn/package.json ]; then
	npm install --prefix $OUT --no-audit --no-fund --silent zxcvbn@4.4.2 >/dev/null
fi
Z=$OUT/node_modules/zxcvbn
echo "== JS zxcvbn $(node -p "require('./$Z/package.json').version"), node $(node --version), $(nproc) cores"
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""

LIST=$OUT/list-$SEED.txt
node bench/password/genlist.js $Z $SEED $OUT/categories-$SEED.txt > $LIST
N=$(wc -l < $LIST)

echo "== JS zxcvbn: node bench/password/js_zxcvbn.js $Z $LIST"
$PIN node bench/password/js_zxcvbn.js $Z $LIST > $OUT/js.jsonl 2> $OUT/js.time
cat $OUT/js.time

echo "== vigie library: $B/bench/bench_password $LIST"
$PIN $B/bench/bench_password $LIST 2>/dev/null | tee $OUT/lib.time

CLI="$B/vigie --lang en password --batch --json"
echo "== vigie command: $CLI < $LIST"
t0=$(date +%s.%N)
$PIN $CLI < $LIST > $OUT/vigie.jsonl || [ $? -eq 1 ]
t1=$(date +%s.%N)
python3 -c "t=$t1-$t0; print(f'vigie-cli: $N passwords in {t:.3f} s wall (process, reading, JSON output included)')" | tee $OUT/cli.time

echo "== agreement: bench/password/compare.py"
python3 bench/password/compare.py $OUT/js.jsonl $OUT/vigie.jsonl $OUT/categories-$SEED.txt

echo "== passwords/s (one core)"
python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
def rate(path, tag):
    for line in open(f"{out}/{path}"):
        m = re.match(rf"{re.escape(tag)}: (\d+) passwords in ([\d.]+) s wall(?:, ([\d.]+) s cpu)?", line)
        if m:
            n, w, c = int(m.group(1)), float(m.group(2)), m.group(3)
            cpu = f", {n / float(c):,.0f}/s cpu" if c else ""
            print(f"  {tag:15s} {n / w:12,.0f}/s wall{cpu}")
            return n / w
js = rate("js.time", "js")
lib = rate("lib.time", "vigie-lib")
rate("lib.time", "vigie-lib+sha1")
cli = rate("cli.time", "vigie-cli")
print(f"  vigie library / JS zxcvbn: {lib / js:.1f}x; vigie command / JS zxcvbn: {cli / js:.1f}x")
PY
