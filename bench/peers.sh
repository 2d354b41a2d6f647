#!/bin/sh
# vigie's exposure registry side by side with SQLite and PostgreSQL: the same
# job, "from a leaked file to an index that answers: was this identifier
# exposed, and from which source?", on the same file, with the same lookups,
# in the same run.
#
# Usage: bench/peers.sh [PEOPLE] [LOOKUPS] [CLI_CALLS]
#        (default 2,000,000 people, 100,000 lookups, 200 cold CLI calls)
# Environment: VIGIE_BENCH_BUILD  build directory (default build-bench,
#                                 set up as a release build if missing)
#              VIGIE_PEERS_DIR    work directory, never removed (its database,
#                                 registry and server files are) (default a new /tmp/vigie-peers.*,
#                                 removed at the end unless VIGIE_PEERS_KEEP=1)
#              VIGIE_PEERS_PGPORT the throwaway PostgreSQL's port (default 55439)
# Needs the peers: bench/setup-peers.sh (sqlite3, PostgreSQL, client libraries).
#
# Steps (method and figures: docs/bench.md, "registry vs SQLite vs PostgreSQL"):
#  1. vigie gen --people PEOPLE --seed 5 --format csv (clean; ';' and a header),
#     and LOOKUPS identifiers in the `vigie check --batch` format: half taken
#     from the file, half from another seed's people and absent from the file,
#     kinds email, phone, nir, id in turn, values as the file writes them.
#  2. vigie: `vigie ingest` (wall, peak RSS), bench_check in process, cold
#     `vigie check` calls, `vigie check --batch`.
#  3. SQLite: `.import` then CREATE INDEX on email, telephone, nir,
#     identifiant_ft (each timed, with journal_mode=OFF, synchronous=OFF,
#     a 1 GiB cache, 2 sorter threads); the same three kinds of lookups.
#  4. PostgreSQL: a throwaway cluster (initdb into the work directory,
#     listening on 127.0.0.1 only, on a non-default port and a private
#     socket directory; run as the postgres user when started as root),
#     an UNLOGGED table, COPY, the same indexes (maintenance_work_mem 1 GB,
#     2 parallel workers), the same lookups; stopped and removed at the end.
#  5. A table with the ratios, and the command that reproduces it.
# Every answer is checked against what the lookup file says (member or not):
# the "wrong" row must be 0 everywhere.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEOPLE=${1:-2000000}
LOOKUPS=${2:-100000}
CALLS=${3:-200}
B=${VIGIE_BENCH_BUILD:-build-bench}
PGPORT=${VIGIE_PEERS_PGPORT:-55439}
unset VIGIE_REGISTRY VIGIE_REGISTRY_KEY VIGIE_LANG

for t in sqlite3 psql python3; do
	if ! command -v $t >/dev/null; then
		echo "peers: $t not found: run bench/setup-peers.sh (as root) first" >&2
		exit 2
	fi
done
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "peers: PostgreSQL server not found: run bench/setup-peers.sh (as root) first" >&2
	exit 2
fi
if [ ! -x /usr/bin/time ]; then
	echo "peers: /usr/bin/time not found: run bench/setup-peers.sh (as root) first" >&2
	exit 2
fi

if [ -f "$B/build.ninja" ]; then
	meson setup --reconfigure "$B" >/dev/null
else
	meson setup "$B" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$B" vigie bench/bench_check >/dev/null
VIGIE=$ROOT/$B/vigie
CHECK=$ROOT/$B/bench/bench_check
printf 'email\tx\n' >"/tmp/vigie-peers-probe.$$"
for be in sqlite pg; do
	if $CHECK --passes 1 $be /nonexistent "/tmp/vigie-peers-probe.$$" 2>&1 |
		grep -q "not compiled in"; then
		rm -f "/tmp/vigie-peers-probe.$$"
		echo "peers: bench_check was built without $be: run bench/setup-peers.sh (as root)," \
			"then meson setup --reconfigure $B" >&2
		exit 2
	fi
done
rm -f "/tmp/vigie-peers-probe.$$"

PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""

if [ -n "${VIGIE_PEERS_DIR:-}" ]; then
	W=$VIGIE_PEERS_DIR
	mkdir -p "$W"
else
	W=$(mktemp -d /tmp/vigie-peers.XXXXXX)
fi
# the PostgreSQL server reads the CSV itself (COPY FROM a file): it must see it
chmod 755 "$W"
R=$W/results.txt
: >"$R"
PGH=$W/pg
PGD=$PGH/data
PGSOCK=$PGH/sock
PGSTARTED=0

# Runs a PostgreSQL server program as the postgres user when we are root.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	if [ "$PGSTARTED" = 1 ]; then
		pg_as "$PGBIN/pg_ctl" -D "$PGD" -m fast -w stop >/dev/null 2>&1 || true
	fi
	if [ "${VIGIE_PEERS_KEEP:-0}" = 1 ]; then
		echo "peers: work directory kept: $W"
	elif [ -n "${VIGIE_PEERS_DIR:-}" ]; then
		# the caller's directory: only what this run made that is large
		# (leak.csv stays, for the next run)
		rm -rf "$PGH" "$W/registry" "$W/leak.db"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Appends key=value to the results.
put() { echo "$1=$2" >>"$R"; }

# CPU seconds (user + system) of the PostgreSQL server: the postmaster and the
# backends and parallel workers it has reaped (each psql call's backend exits
# with the call).
pg_cpu() {
	python3 - "$(head -1 "$PGD/postmaster.pid")" <<'PY'
import os, sys
f = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print(sum(int(x) for x in f[11:15]) / os.sysconf("SC_CLK_TCK"))
PY
}

# Runs a command under /usr/bin/time; stores NAME_s (wall), NAME_cpu_s (user +
# system: of the command, or for pg_* of the PostgreSQL server) and
# NAME_rss_kb (peak RSS of the command), and the load average before.
timed() { # NAME COMMAND...
	name=$1
	shift
	put "${name}_loadavg" "$(cut -d' ' -f1 /proc/loadavg)"
	case $name in pg_*) c0=$(pg_cpu) ;; esac
	/usr/bin/time -f "%e %M %U %S" -o "$W/time.$name" "$@"
	read -r wall rss usr sys <"$W/time.$name"
	case $name in
	pg_*)
		sleep 0.5 # the postmaster reaps the backend
		cpu=$(python3 -c "print(round($(pg_cpu) - $c0, 2))")
		;;
	*) cpu=$(python3 -c "print(round($usr + $sys, 2))") ;;
	esac
	put "${name}_s" "$wall"
	put "${name}_cpu_s" "$cpu"
	put "${name}_rss_kb" "$rss"
	case $name in
	pg_*) echo "   $name: $wall s, server CPU $cpu s (memory: the server's settings)" ;;
	*) echo "   $name: $wall s, CPU $cpu s, peak RSS $((rss / 1024)) MiB" ;;
	esac
}

# Keeps bench_check's last pass (caches warm) as NAME_* results.
keep_result() { # NAME FILE
	grep '^result ' "$2" | tail -1 | tr ' ' '\n' | grep '=' |
		sed "s/^/$1_/" >>"$R"
}

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(sqlite3 --version | cut -d' ' -f1) SQLite, $("$PGBIN/postgres" --version)"
put people "$PEOPLE"

echo "== 1. inputs in $W"
X=$W/leak.csv
Y=$W/others.csv
$VIGIE gen --people "$PEOPLE" --seed 5 --format csv -o "$X"
$VIGIE gen --people "$LOOKUPS" --seed 6 --format csv -o "$Y"
chmod 644 "$X"
ROWS=$(($(wc -l <"$X") - 1))
put rows "$ROWS"
echo "   $X: $ROWS rows, $(du -m "$X" | cut -f1) MB"
python3 - "$X" "$Y" "$W" "$LOOKUPS" <<'PY'
import csv, random, sys
x, y, w, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
kinds = [("email", "email"), ("phone", "telephone"), ("nir", "nir"), ("id", "identifiant_ft")]
# one row per lookup: the sources of the rows found, NULL when none
SQLITE_AGG = "group_concat(DISTINCT source)"
PG_AGG = "string_agg(DISTINCT source, ',')"
def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f, delimiter=";")
        head = next(r)
        ix = [head.index(c) for _, c in kinds]
        for row in r:
            yield [row[i] for i in ix]
members = list(rows(x))
sets = [set(m[k] for m in members) for k in range(len(kinds))]
rng = random.Random(5)
half = n // 2
out = []
for i, m in enumerate(rng.sample(members, half)):
    k = i % len(kinds)
    out.append((k, m[k], 1))
seen = set()
j = 0
for o in rows(y):
    for _ in range(len(kinds)):
        k = j % len(kinds)
        j += 1
        v = o[k]
        if v and v not in sets[k] and (k, v) not in seen:
            seen.add((k, v))
            out.append((k, v, 0))
            break
    if len(out) == n:
        break
if len(out) != n:
    sys.exit(f"peers: only {len(out) - half} non-members found for {n - half}")
rng.shuffle(out)
def sq(v):
    return "'" + v.replace("'", "''") + "'"
with open(f"{w}/lookups.tsv", "w") as tsv, open(f"{w}/lookups.expect", "w") as ex, \
     open(f"{w}/lookups.sqlite.sql", "w") as s, open(f"{w}/lookups.pg.sql", "w") as p:
    for kind, col in kinds:
        p.write(f"PREPARE q_{kind}(text) AS SELECT {PG_AGG} FROM leak WHERE {col} = $1;\n")
    for k, v, e in out:
        kind, col = kinds[k]
        tsv.write(f"{kind}\t{v}\n")
        ex.write(f"{e}\n")
        s.write(f"SELECT {SQLITE_AGG} FROM leak WHERE {col} = {sq(v)};\n")
        p.write(f"EXECUTE q_{kind}({sq(v)});\n")
print(f"   lookups: {n} ({half} in the file, {n - half} not), kinds email, phone, nir, id in turn")
PY

# Cold CLI calls: the first CALLS lookups, one process each, timed from Python
# (process start to exit); answers checked against the expectations.
cold_calls() { # NAME SYSTEM [ARGS...]
	python3 - "$W" "$CALLS" "$@" <<'PY' >>"$R"
import json, subprocess, sys, time
w, calls, name, system, args = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
cols = {"email": "email", "phone": "telephone", "nir": "nir", "id": "identifiant_ft"}
look = [l.rstrip("\n").split("\t", 1) for l in open(f"{w}/lookups.tsv")][:calls]
expect = [int(l) for l in open(f"{w}/lookups.expect")][:calls]
times, wrong = [], 0
for (kind, v), e in zip(look, expect):
    agg = "group_concat(DISTINCT source)" if system == "sqlite" else "string_agg(DISTINCT source, ',')"
    sql = "SELECT %s FROM leak WHERE %s = '%s'" % (agg, cols[kind], v.replace("'", "''"))
    if system == "vigie":
        cmd = args + ["--json", "--" + kind, v]
    else:
        cmd = args + [sql]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    times.append(time.perf_counter() - t0)
    if system == "vigie":
        if p.returncode not in (0, 1):
            sys.exit(f"peers: {' '.join(cmd[:-1])} ... exit {p.returncode}: {p.stderr.decode()}")
        found = json.loads(p.stdout)["exposed"]
    else:
        if p.returncode != 0:
            sys.exit(f"peers: {cmd[0]} exit {p.returncode}: {p.stderr.decode()}")
        found = p.stdout.strip() != b""
    wrong += found != bool(e)
times.sort()
n = len(times)
print(f"{name}_cli_p50_ms={times[n // 2] * 1e3:.2f}")
print(f"{name}_cli_p99_ms={times[n * 99 // 100] * 1e3:.2f}")
print(f"{name}_cli_wrong={wrong}")
PY
	echo "   cold CLI: $(grep "^$1_cli_p50" "$R" | cut -d= -f2) ms p50," \
		"$(grep "^$1_cli_p99" "$R" | cut -d= -f2) ms p99 over $CALLS calls"
}

# A batch of all the lookups through the command-line client; OUTPUT_CHECK is
# a Python expression over the output lines giving the count found.
batch() { # NAME FOUND_EXPR COMMAND...
	name=$1
	expr=$2
	shift 2
	t0=$(date +%s.%N)
	"$@" >"$W/batch.$name.out"
	t1=$(date +%s.%N)
	python3 - "$W" "$name" "$t0" "$t1" "$LOOKUPS" "$expr" <<'PY' >>"$R"
import json, sys
w, name, t0, t1, n, expr = sys.argv[1:7]
lines = open(f"{w}/batch.{name}.out", encoding="utf-8").read().splitlines()
found = eval(expr, {"json": json, "lines": lines, "n": n})
members = sum(int(l) for l in open(f"{w}/lookups.expect"))
t = float(t1) - float(t0)
print(f"{name}_batch_s={t:.3f}")
print(f"{name}_batch_per_s={int(n) / t:.0f}")
print(f"{name}_batch_found={found}")
print(f"{name}_batch_members={members}")
print(f"{name}_batch_out_bytes={sum(len(l.encode()) + 1 for l in lines)}")
PY
	echo "   batch: $(grep "^${name}_batch_per_s" "$R" | cut -d= -f2) lookups/s," \
		"$(grep "^${name}_batch_found" "$R" | cut -d= -f2) found"
}

echo
echo "== 2. vigie"
REG=$W/registry
timed vigie_load "$VIGIE" ingest --registry "$REG" --quiet "$X"
put vigie_index_s 0
put vigie_index_cpu_s 0
put vigie_index_rss_kb 0
$PIN "$CHECK" --expect "$W/lookups.expect" vigie "$REG" "$W/lookups.tsv" | tee "$W/check.vigie"
sed -n 's/^info backend=vigie bytes=\([0-9]*\) entries=\([0-9]*\).*/vigie_bytes=\1\
vigie_identifiers=\2/p' "$W/check.vigie" >>"$R"
keep_result vigie "$W/check.vigie"
cold_calls vigie vigie "$VIGIE" check --registry "$REG"
batch vigie 'sum(json.loads(l)["exposed"] for l in lines)' \
	"$VIGIE" check --registry "$REG" --batch "$W/lookups.tsv"

echo
echo "== 3. SQLite"
DB=$W/leak.db
PRAGMAS="PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;
PRAGMA locking_mode=EXCLUSIVE; PRAGMA temp_store=MEMORY; PRAGMA threads=2;"
cat >"$W/sqlite.load" <<EOF
.output /dev/null
$PRAGMAS
.mode csv
.separator ";"
.import $X leak
EOF
cat >"$W/sqlite.index" <<EOF
.output /dev/null
$PRAGMAS
CREATE INDEX leak_email ON leak(email);
CREATE INDEX leak_telephone ON leak(telephone);
CREATE INDEX leak_nir ON leak(nir);
CREATE INDEX leak_identifiant_ft ON leak(identifiant_ft);
EOF
timed sqlite_load sqlite3 "$DB" ".read $W/sqlite.load"
timed sqlite_index sqlite3 "$DB" ".read $W/sqlite.index"
put sqlite_loaded_rows "$(sqlite3 "$DB" 'SELECT count(*) FROM leak')"
put sqlite_bytes "$(wc -c <"$DB")"
put sqlite_index_bytes "$(sqlite3 "$DB" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'leak\_%' ESCAPE '\'")"
$PIN "$CHECK" --expect "$W/lookups.expect" sqlite "$DB" "$W/lookups.tsv" | tee "$W/check.sqlite"
keep_result sqlite "$W/check.sqlite"
cold_calls sqlite sqlite sqlite3 -readonly "$DB"
batch sqlite 'sum(1 for l in lines if l.strip()) if len(lines) == int(n) else -1' sqlite3 -readonly "$DB" ".read $W/lookups.sqlite.sql"

echo
echo "== 4. PostgreSQL ($PGBIN, port $PGPORT on 127.0.0.1 and socket $PGSOCK)"
mkdir -p "$PGD" "$PGSOCK"
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres "$PGH"
fi
pg_as "$PGBIN/initdb" -D "$PGD" -E UTF8 --locale=C -A trust -U postgres >"$W/initdb.log"
PGSTARTED=1
PGOPTS="-c shared_buffers=2GB -c maintenance_work_mem=1GB -c max_parallel_maintenance_workers=2"
PGOPTS="$PGOPTS -c synchronous_commit=off -c max_wal_size=8GB -c checkpoint_timeout=30min"
pg_as "$PGBIN/pg_ctl" -D "$PGD" -l "$PGH/server.log" -w \
	-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGSOCK $PGOPTS" start >/dev/null
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGSOCK -p $PGPORT -U postgres -d postgres"
COLS=$(head -1 "$X" | tr -d '\r' | sed 's/^\xEF\xBB\xBF//; s/;/ text, /g; s/$/ text/')
$PSQL -c "CREATE UNLOGGED TABLE leak ($COLS)"
timed pg_load $PSQL -c "COPY leak FROM '$X' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
timed pg_index $PSQL -c "CREATE INDEX leak_email ON leak(email)" \
	-c "CREATE INDEX leak_telephone ON leak(telephone)" \
	-c "CREATE INDEX leak_nir ON leak(nir)" \
	-c "CREATE INDEX leak_identifiant_ft ON leak(identifiant_ft)"
put pg_loaded_rows "$($PSQL -At -c 'SELECT count(*) FROM leak')"
put pg_bytes "$($PSQL -At -c "SELECT pg_total_relation_size('leak')")"
put pg_index_bytes "$($PSQL -At -c "SELECT pg_indexes_size('leak')")"
$PIN "$CHECK" --expect "$W/lookups.expect" pg "host=$PGSOCK port=$PGPORT user=postgres dbname=postgres" \
	"$W/lookups.tsv" | tee "$W/check.pg"
keep_result pg "$W/check.pg"
cold_calls pg psql $PSQL -At -c
batch pg 'sum(1 for l in lines if l.strip()) if len(lines) == int(n) else -1' $PSQL -At -f "$W/lookups.pg.sql"

echo
echo "== 5. results: $PEOPLE people, $ROWS rows, $LOOKUPS lookups (half members), $CALLS cold calls"
python3 - "$R" <<'PY'
import sys
r = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().partition("=")
    r[k] = v
def f(k):
    return float(r[k])
rows, people = int(r["rows"]), int(r["people"])
systems = [("vigie", "vigie"), ("sqlite", "SQLite"), ("pg", "PostgreSQL")]
for s, _ in systems:
    r[s + "_total_s"] = str(f(s + "_load_s") + f(s + "_index_s"))
    r[s + "_total_cpu_s"] = str(f(s + "_load_cpu_s") + f(s + "_index_cpu_s"))
    r[s + "_peak_rss_mib"] = str(max(f(s + "_load_rss_kb"), f(s + "_index_rss_kb")) / 1024)
    if s != "vigie":  # the peers index 4 columns of every row
        r[s + "_identifiers"] = str(4 * rows)
    else:  # vigie's file is its index
        r[s + "_index_bytes"] = r[s + "_bytes"]
def peer(fn):
    return lambda s: None if s == "vigie" else fn(s)
def row(label, fmt, key=None, fn=None):
    cells = []
    for s, _ in systems:
        try:
            v = fn(s) if fn else f(f"{s}_{key}")
            cells.append(fmt(v) if v is not None else "-")
        except (KeyError, ValueError, ZeroDivisionError):
            cells.append("n/a")
    print(f"{label:<36}" + "".join(f"{c:>14}" for c in cells))
print(f"{'':<36}" + "".join(f"{n:>14}" for _, n in systems))
row("load (s)", "{:.2f}".format, "load_s")
row("index (s)", "{:.2f}".format, "index_s")
row("load + index (s)", "{:.2f}".format, "total_s")
row("rows/s, load + index", "{:,.0f}".format, fn=lambda s: rows / f(s + "_total_s"))
row("vigie faster, load + index", "{:.1f}x".format,
    fn=peer(lambda s: f(s + "_total_s") / f("vigie_total_s")))
row("CPU, load + index (s)", "{:.2f}".format, "total_cpu_s")
row("vigie less CPU, load + index", "{:.1f}x".format,
    fn=peer(lambda s: f(s + "_total_cpu_s") / f("vigie_total_cpu_s")))
row("peak RSS, load + index (MiB)", "{:,.0f}".format,
    fn=lambda s: None if s == "pg" else f(s + "_peak_rss_mib"))
row("load average before the load", "{:.1f}".format, "load_loadavg")
row("on disk (MB)", "{:,.1f}".format, fn=lambda s: f(s + "_bytes") / 1e6)
row("  of which indexes (MB)", "{:,.1f}".format, fn=lambda s: f(s + "_index_bytes") / 1e6)
row("identifiers indexed", "{:,.0f}".format, "identifiers")
row("bytes per identifier", "{:.1f}".format, fn=lambda s: f(s + "_bytes") / f(s + "_identifiers"))
row("  indexes only", "{:.1f}".format, fn=lambda s: f(s + "_index_bytes") / f(s + "_identifiers"))
row("bytes per person", "{:,.0f}".format, fn=lambda s: f(s + "_bytes") / people)
row("in-process lookup p50 (us)", "{:.2f}".format, "p50_us")
row("in-process lookup p99 (us)", "{:.2f}".format, "p99_us")
row("in-process lookups/s, 1 thread", "{:,.0f}".format, "per_s")
row("vigie faster, in process (p50)", "{:.1f}x".format,
    fn=peer(lambda s: f(s + "_p50_us") / f("vigie_p50_us")))
row("cold CLI call p50 (ms)", "{:.2f}".format, "cli_p50_ms")
row("cold CLI call p99 (ms)", "{:.2f}".format, "cli_p99_ms")
row("CLI batch lookups/s", "{:,.0f}".format, "batch_per_s")
row("CLI batch output, bytes per lookup", "{:,.0f}".format,
    fn=lambda s: f(s + "_batch_out_bytes") / f(s + "_n"))
row("wrong answers (in-proc, CLI)", "{}".format,
    fn=lambda s: f"{int(f(s + '_wrong'))}, {int(f(s + '_cli_wrong'))}")
bad = []
for s, n in systems:
    if int(r.get(s + "_wrong", 1)) or int(r.get(s + "_cli_wrong", 1)):
        bad.append(n + ": wrong answers")
    if r.get(s + "_batch_found") != r.get(s + "_batch_members"):
        bad.append(f"{n}: batch found {r.get(s + '_batch_found')} of {r.get(s + '_batch_members')} members")
    if s != "vigie" and int(r.get(s + "_loaded_rows", -1)) != rows:
        bad.append(f"{n}: loaded {r.get(s + '_loaded_rows')} rows of {rows}")
ratio = min(f("sqlite_total_s"), f("pg_total_s")) / f("vigie_total_s")
print()
print(f"target: vigie >= 10x faster than both peers' load + index: "
      f"{'met' if ratio >= 10 else 'NOT met'} ({ratio:.1f}x the faster peer, wall time)")
if bad:
    print("CHECK FAILED: " + "; ".join(bad))
    sys.exit(1)
print("answers: every system found exactly the members and none of the others")
PY
echo "reproduce: bench/peers.sh $PEOPLE $LOOKUPS $CALLS   (VIGIE_BENCH_BUILD=$B)"
