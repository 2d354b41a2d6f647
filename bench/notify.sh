#!/bin/sh
# bench/notify.sh: `vigie notify` into a spool, at scale.
#
#   bench/notify.sh [PEOPLE] [WORKDIR]
#
# Builds a release vigie (BUILD, default build-bench-notify), generates PEOPLE
# people (default 1000000; --split-sources, --mess 1 so that some people have
# no email and get an SMS), ingests them (not timed), then runs
# `vigie notify --spool` under /usr/bin/time -v and prints: messages, the plan
# phase (read, registry lookups, sort, dedup), the send phase (messages
# written to the spool, durable by batch), messages/s of each and of the
# whole, peak RSS, spool bytes per message, and the time extrapolated to 43
# million people. Then the same plan into a Maildir (first MAILDIR_PEOPLE
# messages, default 100000, via a smaller input) for comparison. Files are
# deleted at the end unless KEEP=1.
#
# Environment: BUILD, SEED (default 1), KEEP=1, MAILDIR_PEOPLE.
set -eu

PEOPLE=${1:-1000000}
WORK=${2:-${TMPDIR:-/tmp}/vigie-bench-notify}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench-notify}
SEED=${SEED:-1}
MAILDIR_PEOPLE=${MAILDIR_PEOPLE:-100000}

if [ ! -x /usr/bin/time ]; then
	echo "bench/notify.sh: /usr/bin/time is missing; installing the 'time' package" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y -q time >/dev/null; else sudo apt-get install -y -q time >/dev/null; fi
fi
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT" --buildtype=release >/dev/null
fi
ninja -C "$BUILD" vigie >/dev/null
VIGIE="$BUILD/vigie"

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
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

echo "generating $PEOPLE people, ingesting (not timed)..."
"$VIGIE" gen --people "$PEOPLE" --seed "$SEED" --mess 1 --split-sources --quiet -o leak.csv
"$VIGIE" ingest --registry reg --quiet leak-france-travail.csv leak-cap-emploi.csv >/dev/null

echo "vigie notify --spool ..."
/usr/bin/time -v -o time.txt "$VIGIE" notify --registry reg --config n.conf --spool spool \
	--json --quiet leak-france-travail.csv leak-cap-emploi.csv > out.json
RSS=$(awk -F': ' '/Maximum resident/ {print $2}' time.txt)
WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' time.txt)
SPOOL=$(du -sb spool | cut -f1)
python3 - "$RSS" "$WALL" "$SPOOL" <<'EOF'
import json, sys
r = json.load(open("out.json"))
rss, wall, spool = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
m, p, s = r["messages"], r["seconds"]["plan"], r["seconds"]["send"]
print(f"messages            {m:,} ({r['channels']['email']:,} email, {r['channels']['sms']:,} SMS; {r['bodies']} distinct bodies)")
print(f"plan (read+sort)    {p:.2f} s  ({r['rows'] / p:,.0f} rows/s)")
print(f"send to the spool   {s:.2f} s  ({m / s:,.0f} messages/s, durable by batch of 65,536)")
print(f"whole run           {wall} wall  ({m / (p + s):,.0f} messages/s end to end)")
print(f"peak RSS            {rss / 1024:.0f} MiB")
print(f"spool               {spool / m:.0f} bytes/message")
k = 43e6 / m
print(f"extrapolated to 43 M: send {s * k / 60:.1f} min, plan {p * k / 60:.1f} min, spool {spool * k / 1e9:.1f} GB")
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
