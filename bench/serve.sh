#!/usr/bin/env bash
# bench/serve.sh: vigie serve against nginx, side by side, with wrk on
# loopback. One command:  bench/serve.sh
#
#  1. builds the release binary (build-rel/), generates a small leak and
#     ingests it, creates a helpdesk token;
#  2. starts vigie serve (with its access log and the durable audit log on)
#     and nginx (non-daemon, config in a temp dir, 127.0.0.1) serving static
#     files of exactly the size of vigie's answers;
#  3. runs wrk on each route, vigie then nginx, and prints req/s, p50, p99,
#     the ratio to nginx and the errors; then 1000 concurrent connections.
#
# Environment: PEOPLE (10000), DURATION (10s), CONNS (64), THREADS (2),
# VIGIE_PORT (18150), NGINX_PORT (18151), BUILD (build-rel).
# Needs: wrk, nginx (nginx-light), both in bench/setup-peers.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
PEOPLE=${PEOPLE:-10000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
VIGIE_PORT=${VIGIE_PORT:-18150}
NGINX_PORT=${NGINX_PORT:-18151}
BUILD=${BUILD:-build-rel}

for t in wrk nginx python3; do
	command -v "$t" >/dev/null || { echo "bench/serve.sh: $t is missing (bench/setup-peers.sh)" >&2; exit 2; }
done
[ -d "$BUILD" ] || meson setup "$BUILD" --buildtype=release >/dev/null
nice ninja -C "$BUILD" -j2 vigie >/dev/null
VIGIE=$PWD/$BUILD/vigie

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
TMP=$(mktemp -d /tmp/vigie-bench-serve-XXXXXX)
chmod 755 "$TMP"
VPID= VPID2= NPID=
cleanup() {
	[ -n "$VPID" ] && kill -TERM "$VPID" 2>/dev/null && wait "$VPID" 2>/dev/null || true
	[ -n "$VPID2" ] && kill -TERM "$VPID2" 2>/dev/null && wait "$VPID2" 2>/dev/null || true
	[ -n "$NPID" ] && kill -QUIT "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP"

echo "== setup: $PEOPLE people, wrk -t$THREADS -c$CONNS -d$DURATION, $(nproc) CPUs"
"$VIGIE" gen --people "$PEOPLE" --seed 7 --quiet -o leak.csv
"$VIGIE" ingest --registry reg --quiet leak.csv >/dev/null
# Breached passwords for /range/: 2 million made-up ones (about 2 per bucket
# of each mode).
seq -f 'motdepasse%.0f' 1 2000000 > pw.txt
"$VIGIE" ingest --passwords --registry reg -q pw.txt >/dev/null
TOKEN=$("$VIGIE" token add bench --tokens tokens 2>/dev/null)
EMAIL=$(python3 -c 'import csv;r=next(csv.DictReader(open("leak.csv",encoding="utf-8"),delimiter=";"));print(r["email"])')

cat > serve.conf <<EOF
[server]
threads = $(nproc)
access_log = $TMP/access.log
[registry]
dir = $TMP/reg
[limits]
max_connections = 4096
per_ip_connections = 0
[operator]
tokens = $TMP/tokens
audit_log = $TMP/audit.jsonl
rate = 1000000000
burst = 1000000000
EOF
"$VIGIE" serve --config serve.conf --listen "127.0.0.1:$VIGIE_PORT" > serve.out 2> serve.err &
VPID=$!
for _ in $(seq 100); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
grep -q listening serve.out || { cat serve.err; exit 3; }
V=http://127.0.0.1:$VIGIE_PORT
# The same with [operator] audit_sync = no: an answer waits for its audit
# line to be written, not fdatasync'ed (docs/examples/serve.conf).
sed -e "s#/audit\\.jsonl#/audit-nosync.jsonl#; s#/access\\.log#/access-nosync.log#" serve.conf > serve-nosync.conf
echo "audit_sync = no" >> serve-nosync.conf
"$VIGIE" serve --config serve-nosync.conf --listen "127.0.0.1:$((VIGIE_PORT + 2))" > serve2.out 2> serve2.err &
VPID2=$!
for _ in $(seq 100); do grep -q listening serve2.out 2>/dev/null && break; sleep 0.1; done
grep -q listening serve2.out || { cat serve2.err; exit 3; }
V2=http://127.0.0.1:$((VIGIE_PORT + 2))

# The helpdesk check: a wrk script POSTing JSON with the bearer token.
cat > check.lua <<EOF
wrk.method = "POST"
wrk.body = '{"kind":"email","value":"$EMAIL"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
EOF

# nginx serves static files of exactly the sizes vigie answers with.
mkdir -p www logs
curl -s -o www/check.json -X POST -H "Authorization: Bearer $TOKEN" \
	-d "{\"kind\":\"email\",\"value\":\"$EMAIL\"}" "$V/v1/operator/check"
curl -s -o www/health.json "$V/v1/health"
grep -q '"exposed":true' www/check.json || { echo "bench: the check did not answer exposed" >&2; exit 3; }
# Password ranges: a plain range, and one with Add-Padding: true (800 to
# 1,000 lines, the size of a real Have I Been Pwned answer).
curl -s -o www/range.json "$V/range/5BAA6"
curl -s -o www/range_padded.json -H 'Add-Padding: true' "$V/range/5BAA6"
echo 'wrk.headers["Add-Padding"] = "true"' > padded.lua
cat > nginx.conf <<EOF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes $(nproc);
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
events { worker_connections 4096; multi_accept on; }
http {
	access_log $TMP/logs/access.log combined buffer=64k flush=1s;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	default_type application/json;
	server {
		listen 127.0.0.1:$NGINX_PORT reuseport backlog=4096;
		root $TMP/www;
	}
}
EOF
nginx -p "$TMP" -c "$TMP/nginx.conf" -g 'daemon off;' 2> nginx.err &
NPID=$!
N=http://127.0.0.1:$NGINX_PORT
for _ in $(seq 100); do curl -sf -o /dev/null "$N/health.json" && break; sleep 0.1; done

# One wrk run: prints "req/s p50_ms p99_ms errors".
bench() { # URL [LUA] [CONNS]
	local url=$1 lua=${2:-} c=${3:-$CONNS} out
	out=$(wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency ${lua:+-s "$lua"} "$url")
	python3 - "$out" <<'PY'
import re, sys
o = sys.argv[1]
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    x = float(m.group(1))
    return x / 1000 if m.group(2) == "us" else x * 1000 if m.group(2) == "s" else x
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", o).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", o, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", o, re.M).group(1))
err = 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", o)
if m:
    err += sum(int(x) for x in m.groups())
m = re.search(r"Non-2xx or 3xx responses: (\d+)", o)
if m:
    err += int(m.group(1))
print("%.0f %.3f %.3f %d" % (rps, p50, p99, err))
PY
}

# route: vigie URL, wrk script, nginx URL
ROUTE_check=("$V/v1/operator/check" "$TMP/check.lua" "$N/check.json")
ROUTE_health=("$V/v1/health" "" "$N/health.json")
ROUTE_check_nosync=("$V2/v1/operator/check" "$TMP/check.lua" "$N/check.json")
cp www/check.json www/check_nosync.json
ROUTE_range=("$V/range/5BAA6" "" "$N/range.json")
ROUTE_range_padded=("$V/range/5BAA6" "$TMP/padded.lua" "$N/range_padded.json")
ROUTES=(check check_nosync health range range_padded)

report() { # NAME VIGIE_RESULT NGINX_RESULT
	read -r vr vp50 vp99 verr <<<"$2"
	read -r nr np50 np99 nerr <<<"$3"
	printf "%-26s %10s %8s %8s %7s | %10s %8s %8s %7s | %6.2fx\n" "$1" "$vr" "$vp50" "$vp99" \
		"$verr" "$nr" "$np50" "$np99" "$nerr" "$(python3 -c "print($vr/$nr)")"
}

python3 - <<'PY'
import os, time
fd = os.open("fsync.test", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
ts = []
for i in range(200):
    os.write(fd, b"x" * 200 + b"\n"); t = time.time(); os.fdatasync(fd); ts.append(time.time() - t)
ts.sort()
print("== fdatasync on this disk: p50 %.2f ms, p99 %.2f ms (an audited answer waits for one)"
      % (ts[100] * 1e3, ts[198] * 1e3))
os.close(fd); os.unlink("fsync.test")
PY
echo "== warm-up"
wrk -t"$THREADS" -c"$CONNS" -d2s -s check.lua "$V/v1/operator/check" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d2s "$N/check.json" >/dev/null
printf "%-26s %10s %8s %8s %7s | %10s %8s %8s %7s | %7s\n" route "vigie r/s" "p50 ms" "p99 ms" \
	errors "nginx r/s" "p50 ms" "p99 ms" errors ratio
for r in "${ROUTES[@]}"; do
	declare -n R="ROUTE_$r"
	report "$r ($(wc -c < "www/$r.json") B, -c$CONNS)" \
		"$(bench "${R[0]}" "${R[1]}")" "$(bench "${R[2]}")"
	unset -n R
done
echo "== 1000 concurrent connections (wrk -c1000)"
report "check -c1000" "$(bench "$V/v1/operator/check" "$TMP/check.lua" 1000)" \
	"$(bench "$N/check.json" "" 1000)"
report "check_nosync -c1000" "$(bench "$V2/v1/operator/check" "$TMP/check.lua" 1000)" \
	"$(bench "$N/check.json" "" 1000)"
report "health -c1000" "$(bench "$V/v1/health" "" 1000)" "$(bench "$N/health.json" "" 1000)"
report "range_padded -c1000" "$(bench "$V/range/5BAA6" "$TMP/padded.lua" 1000)" \
	"$(bench "$N/range_padded.json" "" 1000)"

for p in "$VPID" "$VPID2"; do
	kill -TERM "$p"
	wait "$p" && echo "== vigie serve: SIGTERM, exit 0" || echo "== vigie serve: exit $?"
done
VPID= VPID2=
"$VIGIE" audit verify audit.jsonl | sed 's/; tête.*//; s/; head.*//'
"$VIGIE" audit verify audit-nosync.jsonl | sed 's/; tête.*//; s/; head.*//'
echo "access log lines: $(cat access.log access-nosync.log | wc -l)"
