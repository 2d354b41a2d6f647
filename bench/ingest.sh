#!/bin/sh
# bench/ingest.sh: `vigie ingest` at scale, in one command.
#
#   bench/ingest.sh [PEOPLE] [WORKDIR]
#
# Builds a release vigie (BUILD, default build-bench-ingest), generates PEOPLE
# people (default 43000000) as one CSV file per source (vigie gen
# --split-sources; not timed), ingests both files into a fresh registry under
# /usr/bin/time -v, and prints: rows, elapsed time, rows/s, the read and commit
# phases, peak RSS, and registry bytes per identifier. The generated files
# (about 200 bytes a row: 8.7 GB at 43 million) and the registry are deleted
# at the end unless KEEP=1. Needs about 12 GB free in WORKDIR at 43 million.
#
# Environment: BUILD (build directory), SEED (default 1), MEMORY (--memory,
# default the ingest's 4G), KEEP=1 (keep the files).
set -eu

PEOPLE=${1:-43000000}
WORK=${2:-${TMPDIR:-/tmp}/vigie-bench-ingest}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench-ingest}
SEED=${SEED:-1}

# GNU time for the peak RSS (Debian package "time")
if [ ! -x /usr/bin/time ]; then
	echo "bench/ingest.sh: /usr/bin/time is missing; installing the 'time' package" >&2
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y -q time >/dev/null
	else
		sudo apt-get install -y -q time >/dev/null
	fi
fi

if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT" --buildtype=release >/dev/null
fi
ninja -C "$BUILD" vigie >/dev/null
VIGIE="$BUILD/vigie"

mkdir -p "$WORK"
rm -rf "$WORK/reg" "$WORK"/leak-*.csv
echo "generating $PEOPLE people (seed $SEED, not timed)..."
"$VIGIE" gen --people "$PEOPLE" --seed "$SEED" --split-sources -o "$WORK/leak.csv" --quiet --json \
	>"$WORK/gen.json"
ls -l "$WORK"/leak-*.csv

MEMOPT=""
if [ -n "${MEMORY:-}" ]; then
	MEMOPT="--memory $MEMORY"
fi
echo "ingesting..."
# shellcheck disable=SC2086
/usr/bin/time -v "$VIGIE" ingest --registry "$WORK/reg" --quiet --json $MEMOPT \
	"$WORK/leak-france-travail.csv" "$WORK/leak-cap-emploi.csv" \
	>"$WORK/ingest.json" 2>"$WORK/time.txt" || {
	cat "$WORK/time.txt" >&2
	exit 1
}

python3 - "$WORK" <<'EOF'
import json, os, re, sys
work = sys.argv[1]
d = json.load(open(os.path.join(work, "ingest.json")))
t = open(os.path.join(work, "time.txt")).read()
def field(name):
    m = re.search(re.escape(name) + r":\s*(.+)", t)
    return m.group(1).strip() if m else "?"
el = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(x) for x in el.split(":")]
wall = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
rss_kb = int(field("Maximum resident set size (kbytes)"))
user, sys_ = float(field("User time (seconds)")), float(field("System time (seconds)"))
reg = d["registry"]
ids = sum(v["total"] for v in d["identifiers"].values())
print("rows read          %d (accepted %d, rejected %d)" % (d["rows_read"], d["rows_accepted"], d["rows_rejected"]))
print("elapsed            %.1f s (read %.1f s, commit %.1f s)" % (wall, d["read_seconds"], d["commit_seconds"]))
print("throughput         %.0f rows/s end to end" % (d["rows_read"] / wall))
print("CPU                %.1f s user + %.1f s system (%s)" % (user, sys_, field("Percent of CPU this job got")))
print("peak RSS           %.2f GB" % (rss_kb * 1024 / 1e9))
print("registry           %d bytes, %d identifiers: %.2f bytes per identifier" % (reg["bytes"], ids, reg["bytes"] / ids))
print("tables             " + ", ".join("%s %d" % (k, v["total"]) for k, v in d["identifiers"].items()))
EOF

if [ "${KEEP:-0}" != 1 ]; then
	rm -rf "$WORK/reg" "$WORK"/leak-*.csv
fi
