#!/bin/sh
# bench/notify.sh: `vigie notify` into a spool, at scale.
#
#   bench/notify.sh [PEOPLE] [WORKDIR]
#
# Builds a release vigie (BUILD, default build-bench-notify), generates PEOPLE
# people (default 1000000; --split-sources, --mess 1 so that some people have
# no email and get an SMS), ingests them (not timed), then runs
# `vigie notify --spool` and prints: messages, the plan phase (read,
# registry lookups, sort, dedup; split into reading and merging when the
# binary reports it), the send phase (messages written to the spool,
# durable by batch), messages/s of each and of the whole, wall and CPU
# seconds, peak RSS (and the anonymous part), spool bytes per message, and
# the time extrapolated to 43 million people. Then the same plan into a
# Maildir (first MAILDIR_PEOPLE messages, default 100000, via a smaller
# input) for comparison. Files are deleted at the end unless KEEP=1.
#
# Environment: BUILD, VIGIE (a binary to use instead of building one, e.g.
# main's, for before/after), THREADS (--threads), SEED (default 1), KEEP=1,
# REUSE=1 (keep WORKDIR's inputs and registry from a KEEP=1 run: the same
# data for a before/after pair), MAILDIR_PEOPLE.
set -eu

PEOPLE=${1:-1000000}
WORK=${2:-${TMPDIR:-/tmp}/vigie-bench-notify}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench-notify}
SEED=${SEED:-1}
MAILDIR_PEOPLE=${MAILDIR_PEOPLE:-100000}

if [ -z "${VIGIE:-}" ]; then
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" "$ROOT" --buildtype=release >/dev/null
	fi
	ninja -C "$BUILD" vigie >/dev/null
	VIGIE="$BUILD/vigie"
fi

if [ "${REUSE:-0}" = 1 ] && [ -d "$WORK/reg" ]; then
	# the inputs and registry of a previous KEEP=1 run (before/after pairs)
	cd "$WORK"
	rm -rf spool spool.notify-state md md.notify-state sp2 sp2.notify-state reg2
else
	rm -rf "$WORK"
	mkdir -p "$WORK"
	cd "$WORK"
fi
cat > n.conf <<'EOF'
[organisation]
name = France Travail
address = 1 avenue du Docteur Gley
    75020 Paris
[dpo]
name = Délégué à la protection des données
email = dpo@example.org
[breach]
nature = Des comptes de conseillers ont été détournés pour extraire des dossiers.
intrusion_start = 2024-02-06
intrusion_end = 2024-03-05
awareness = 2024-03-05 18:00
notification = 2024-03-08 10:00
measures_taken = Comptes compromis désactivés
[notify]
from = notification@francetravail.example
site = francetravail.fr
EOF

if [ ! -d reg ]; then
	echo "generating $PEOPLE people, ingesting (not timed)..."
	"$VIGIE" gen --people "$PEOPLE" --seed "$SEED" --mess 1 --split-sources --quiet -o leak.csv
	"$VIGIE" ingest --registry reg --quiet leak-france-travail.csv leak-cap-emploi.csv >/dev/null
fi

echo "vigie notify --spool ${THREADS:+--threads $THREADS }..."
# run.py: runs the command, samples its anonymous memory (RssAnon: the
# process's own, without the mapped inputs and registry) every 20 ms, and
# writes wall and CPU seconds and the peaks to run.json
cat > run.py <<'EOF'
import json, os, resource, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[2:], stdout=open(sys.argv[1], "w"))
anon = 0
while p.poll() is None:
    try:
        for l in open("/proc/%d/status" % p.pid):
            if l.startswith("RssAnon:"):
                anon = max(anon, int(l.split()[1]))
    except OSError:
        pass
    time.sleep(0.02)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"rc": p.returncode, "wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime,
           "maxrss_kb": ru.ru_maxrss, "anon_kb": anon}, open("run.json", "w"))
EOF
python3 run.py out.json "$VIGIE" notify --registry reg --config n.conf --spool spool \
	${THREADS:+--threads "$THREADS"} --json --quiet leak-france-travail.csv leak-cap-emploi.csv
SPOOL=$(du -sb spool | cut -f1)
python3 - "$SPOOL" <<'EOF'
import json, os, sys
r = json.load(open("out.json"))
t = json.load(open("run.json"))
spool = int(sys.argv[1])
m, p, s = r["messages"], r["seconds"]["plan"], r["seconds"]["send"]
rd, mg = r["seconds"].get("read", 0), r["seconds"].get("merge", 0)
print(f"messages            {m:,} ({r['channels']['email']:,} email, {r['channels']['sms']:,} SMS; {r['bodies']} distinct bodies)")
print(f"plan (read+sort)    {p:.2f} s  ({r['rows'] / p:,.0f} rows/s)" + (f"; read and look up {rd:.2f} s, merge and write {mg:.2f} s" if rd else ""))
print(f"send to the spool   {s:.2f} s  ({m / s:,.0f} messages/s, durable by batch of 65,536)")
print(f"whole run           {t['wall']:.2f} s wall  ({m / t['wall']:,.0f} messages/s end to end); CPU {t['user']:.2f} s user + {t['sys']:.2f} s system")
print(f"peak RSS            {t['maxrss_kb'] / 1024:.0f} MiB ({t['anon_kb'] / 1024:.0f} MiB anonymous; the rest is the mapped inputs and registry)")
print(f"spool               {spool / m:.0f} bytes/message")
k = 43e6 / m
print(f"extrapolated to 43 M: whole run {t['wall'] * k / 60:.1f} min (send {s * k / 60:.1f}, plan {p * k / 60:.1f}), spool {spool * k / 1e9:.1f} GB")
print(f"load average        {os.getloadavg()[0]:.1f} (2 cores; other jobs share them)")
EOF

echo "vigie notify --maildir on $MAILDIR_PEOPLE people, for comparison ..."
"$VIGIE" gen --people "$MAILDIR_PEOPLE" --seed "$SEED" --quiet -o small.csv
"$VIGIE" ingest --registry reg2 --quiet small.csv >/dev/null
"$VIGIE" notify --registry reg2 --config n.conf --maildir md --json --quiet small.csv > md.json
"$VIGIE" notify --registry reg2 --config n.conf --spool sp2 --json --quiet small.csv > sp2.json
python3 - <<'EOF'
import json
for name, f in (("Maildir", "md.json"), ("spool", "sp2.json")):
    r = json.load(open(f))
    print(f"{name:8s} {r['written']:,} messages in {r['seconds']['send']:.2f} s: {r['written'] / r['seconds']['send']:,.0f} messages/s")
EOF
cd /
[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
