#!/bin/sh
# vigie benchmarks for the identifier library and the generator.
#
# Usage: bench/run.sh [PEOPLE]   (default 1,000,000 people for the inputs)
#
# Builds a release build in build-bench, generates a clean leak, extracts one
# column per identifier kind, and prints for each kind the values normalized
# per second on one core (taskset -c 0), then `vigie gen` people per second.
# Each figure is printed with the command that reproduces it.
set -eu
cd "$(dirname "$0")/.."
PEOPLE=${1:-1000000}
B=build-bench
OUT=bench/out
if [ -f $B/build.ninja ]; then
	meson setup --reconfigure $B >/dev/null
else
	meson setup $B --buildtype=release -Dtests=false >/dev/null
fi
ninja -C $B vigie bench/bench_ident >/dev/null
mkdir -p $OUT
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""

echo "== inputs: vigie gen --people $PEOPLE --seed 1 --format csv (clean) and --mess 2"
$B/vigie gen --people "$PEOPLE" --seed 1 --format csv -o $OUT/clean.csv
$B/vigie gen --people "$PEOPLE" --seed 2 --format csv --mess 2 -o $OUT/messy.csv
# one file per kind, from the header names; values as the leak writes them
extract() { # FILE SUFFIX
	python3 - "$1" "$OUT" "$2" <<'PY'
import csv, sys
src, out, suffix = sys.argv[1], sys.argv[2], sys.argv[3]
cols = {"email": ["email"], "phone": ["telephone"], "nir": ["nir"], "dob": ["date_naissance"],
        "id": ["identifiant_ft"], "name": ["prenom", "nom_naissance"],
        "address": ["adresse", "code_postal", "commune"]}
with open(src, encoding="utf-8", errors="replace", newline="") as f:
    r = csv.reader(f, delimiter=";")
    head = [h.strip().lstrip("\ufeff") for h in next(r)]
    idx = {k: [head.index(c) for c in v] for k, v in cols.items()}
    files = {k: open(f"{out}/{k}{suffix}.txt", "w", encoding="utf-8") for k in cols}
    for row in r:
        for k, ix in idx.items():
            if max(ix) < len(row):
                v = " ".join(row[i] for i in ix).replace("\n", " ").strip()
                if v:
                    files[k].write(v + "\n")
PY
}
extract $OUT/clean.csv ""
extract $OUT/messy.csv "-messy"

echo
echo "== identifiers: values normalized per second, one core"
for k in email phone nir name dob address id; do
	$PIN $B/bench/bench_ident $k $OUT/$k.txt
	$PIN $B/bench/bench_ident $k $OUT/$k-messy.txt | sed 's/^\([a-z]*\) */\1-messy /'
done
echo "-- peer: libphonenumber alone, same clean phone values"
$PIN $B/bench/bench_ident phone-lib $OUT/phone.txt
echo "reproduce: $PIN $B/bench/bench_ident KIND $OUT/KIND.txt  (after this script made the inputs)"

echo
echo "== generator: vigie gen people per second, one thread"
N=$((PEOPLE * 4))
# wall time and CPU time (user + sys) of the child: on a loaded machine the
# CPU figure is the fairer one
timed() { # LABEL COMMAND...
	python3 - "$N" "$@" <<'PY'
import resource, subprocess, sys, time
n, label, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
subprocess.run(cmd, check=True)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
print(f"{label:<11}{n:>10} people  {wall:7.2f} s wall  {n / wall:10.0f} people/s  "
      f"{cpu:7.2f} s CPU  {n / cpu:10.0f} people/CPU-s")
PY
}
timed "gen csv" $PIN $B/vigie gen --people $N --seed 7 --format csv -o /dev/null
timed "gen mess=2" $PIN $B/vigie gen --people $N --seed 7 --format csv --mess 2 -o /dev/null
echo "reproduce: time $PIN $B/vigie gen --people $N --seed 7 --format csv -o /dev/null"
echo
echo "targets: email >= 5 M/s, French phone >= 2 M/s, NIR >= 10 M/s, gen >= 250,000 people/s"
