#!/bin/sh
# Load + index only, repeated: vigie's ingest against SQLite's and
# PostgreSQL's load and index, back to back in each round, on the same file,
# REPS rounds; prints each round, then the median, min and max of each system
# and of the ratios (a ratio is taken within a round, so that the machine's
# load at that moment weighs on both sides). The settings of the peers are
# bench/peers.sh's (docs/bench.md, "Method"); lookups are peers.sh's job.
#
# Usage: bench/load.sh [PEOPLE] [REPS]     (default 2000000 people, 5 rounds)
# Environment: VIGIE_BENCH_BUILD  build directory (default build-bench,
#                                 set up as a release build if missing)
#              VIGIE_LOAD_VIGIE   more vigie binaries to time in each round,
#                                 space-separated (A/B comparisons); each is
#                                 reported under its path
#              VIGIE_LOAD_ARGS    extra arguments to every `vigie ingest`
#              VIGIE_PEERS_DIR    work directory (default a new /tmp/vigie-load.*,
#                                 removed at the end unless VIGIE_PEERS_KEEP=1);
#                                 a leak.csv already there is reused
#              VIGIE_PEERS_PGPORT the throwaway PostgreSQL's port (default 55439)
#              VIGIE_LOAD_PEERS   "sqlite pg" (default), or a subset ("pg", "")
#              VIGIE_LOAD_PG_FREEZE=1  PostgreSQL creates the table and COPYs
#                                 into it in one transaction with FREEZE (rows
#                                 written frozen: the index builds then set no
#                                 hint bits); the table's creation is timed
#                                 with the load (a few milliseconds)
# Needs the peers: bench/setup-peers.sh.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEOPLE=${1:-2000000}
REPS=${2:-5}
B=${VIGIE_BENCH_BUILD:-build-bench}
PGPORT=${VIGIE_PEERS_PGPORT:-55439}
PEERS=${VIGIE_LOAD_PEERS-sqlite pg}
unset VIGIE_REGISTRY VIGIE_REGISTRY_KEY VIGIE_LANG

for t in sqlite3 psql python3; do
	if ! command -v $t >/dev/null; then
		echo "load: $t not found: run bench/setup-peers.sh (as root) first" >&2
		exit 2
	fi
done
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -x /usr/bin/time ]; then
	echo "load: PostgreSQL or /usr/bin/time missing: run bench/setup-peers.sh (as root) first" >&2
	exit 2
fi
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$B" vigie >/dev/null
VIGIES="$ROOT/$B/vigie ${VIGIE_LOAD_VIGIE:-}"

if [ -n "${VIGIE_PEERS_DIR:-}" ]; then
	W=$VIGIE_PEERS_DIR
	mkdir -p "$W"
else
	W=$(mktemp -d /tmp/vigie-load.XXXXXX)
fi
chmod 755 "$W" # the PostgreSQL server reads the CSV itself
R=$W/load.txt
: >"$R"
PGH=$W/pg
PGD=$PGH/data
PGSOCK=$PGH/sock
PGSTARTED=0

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
	rm -rf "$PGH" "$W/reg" "$W/leak.db"
	if [ "${VIGIE_PEERS_KEEP:-0}" != 1 ] && [ -z "${VIGIE_PEERS_DIR:-}" ]; then
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU seconds (user + system) of the PostgreSQL server: the postmaster and the
# backends and parallel workers it has reaped (as bench/peers.sh).
pg_cpu() {
	python3 - "$(head -1 "$PGD/postmaster.pid")" <<'PY'
import os, sys
f = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print(sum(int(x) for x in f[11:15]) / os.sysconf("SC_CLK_TCK"))
PY
}

# Wall and CPU seconds of a command (GNU time; for pg_*, the server's CPU),
# appended to the results as NAME ROUND WALL CPU.
timed() { # NAME ROUND COMMAND...
	name=$1 round=$2
	shift 2
	case $name in pg_*) c0=$(pg_cpu) ;; esac
	/usr/bin/time -f "%e %U %S" -o "$W/time.out" "$@" >/dev/null
	read -r wall usr sys <"$W/time.out"
	case $name in
	pg_*)
		sleep 0.5 # the postmaster reaps the backend
		cpu=$(python3 -c "print(round($(pg_cpu) - $c0, 2))")
		;;
	*) cpu=$(python3 -c "print(round($usr + $sys, 2))") ;;
	esac
	echo "$name $round $wall $cpu" >>"$R"
}

X=$W/leak.csv
if [ ! -s "$X" ]; then
	"$ROOT/$B/vigie" gen --people "$PEOPLE" --seed 5 --format csv -o "$X" --quiet
fi
chmod 644 "$X"
ROWS=$(($(wc -l <"$X") - 1))
echo "== $X: $ROWS rows; $(nproc) cores; $REPS rounds; peers: ${PEERS:-none}"
echo "   vigie: $VIGIES"

PRAGMAS="PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;
PRAGMA locking_mode=EXCLUSIVE; PRAGMA temp_store=MEMORY; PRAGMA threads=2;"
printf '.output /dev/null\n%s\n.mode csv\n.separator ";"\n.import %s leak\n' "$PRAGMAS" "$X" \
	>"$W/sqlite.load"
printf '.output /dev/null\n%s\n%s\n' "$PRAGMAS" "CREATE INDEX leak_email ON leak(email);
CREATE INDEX leak_telephone ON leak(telephone);
CREATE INDEX leak_nir ON leak(nir);
CREATE INDEX leak_identifiant_ft ON leak(identifiant_ft);" >"$W/sqlite.index"

case " $PEERS " in *" pg "*)
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
	;;
esac
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGSOCK -p $PGPORT -U postgres -d postgres"
COLS=$(head -1 "$X" | tr -d '\r' | sed 's/^\xEF\xBB\xBF//; s/;/ text, /g; s/$/ text/')

for i in $(seq 1 "$REPS"); do
	echo "-- round $i (load average $(cut -d' ' -f1 /proc/loadavg))"
	for v in $VIGIES; do
		rm -rf "$W/reg"
		# shellcheck disable=SC2086
		timed "$v" "$i" "$v" ingest --registry "$W/reg" --quiet ${VIGIE_LOAD_ARGS:-} "$X"
	done
	case " $PEERS " in *" sqlite "*)
		rm -f "$W/leak.db"
		timed sqlite_load "$i" sqlite3 "$W/leak.db" ".read $W/sqlite.load"
		timed sqlite_index "$i" sqlite3 "$W/leak.db" ".read $W/sqlite.index"
		;;
	esac
	case " $PEERS " in *" pg "*)
		if [ "${VIGIE_LOAD_PG_FREEZE:-0}" = 1 ]; then
			$PSQL -c "DROP TABLE IF EXISTS leak" -c "CHECKPOINT"
			timed pg_load "$i" $PSQL -1 -c "CREATE UNLOGGED TABLE leak ($COLS)" \
				-c "COPY leak FROM '$X' WITH (FORMAT csv, DELIMITER ';', HEADER true, FREEZE true)"
		else
			$PSQL -c "DROP TABLE IF EXISTS leak" -c "CHECKPOINT" -c "CREATE UNLOGGED TABLE leak ($COLS)"
			timed pg_load "$i" $PSQL -c "COPY leak FROM '$X' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
		fi
		timed pg_index "$i" $PSQL -c "CREATE INDEX leak_email ON leak(email)" \
			-c "CREATE INDEX leak_telephone ON leak(telephone)" \
			-c "CREATE INDEX leak_nir ON leak(nir)" \
			-c "CREATE INDEX leak_identifiant_ft ON leak(identifiant_ft)"
		n=$($PSQL -At -c 'SELECT count(*) FROM leak')
		[ "$n" = "$ROWS" ] || { echo "load: PostgreSQL loaded $n rows of $ROWS" >&2; exit 1; }
		;;
	esac
	grep " $i " "$R" | sed 's/^/   /'
done

python3 - "$R" "$ROWS" <<'PY'
import statistics, sys
rows = int(sys.argv[2])
t = {}
for line in open(sys.argv[1]):
    name, rnd, wall, cpu = line.split()
    t.setdefault(name, {})[int(rnd)] = (float(wall), float(cpu))
systems = {}
for name, by in t.items():
    for peer in ("sqlite", "pg"):
        if name == peer + "_load":
            ix = t[peer + "_index"]
            systems[peer] = {r: (w + ix[r][0], c + ix[r][1]) for r, (w, c) in by.items()}
    if not name.startswith(("sqlite_", "pg_")):
        systems[name] = by
def stats(v):
    v = sorted(v)
    return statistics.median(v), v[0], v[-1]
def short(name, n):
    return name if len(name) <= n else "..." + name[-(n - 3):]
vig = [n for n in systems if n not in ("sqlite", "pg")]
for k, what in ((0, "wall"), (1, "CPU (pg: the server's)")):
    print()
    print(f"{'load + index, ' + what + ' (s)':<44}{'median':>8}{'min':>8}{'max':>8}"
          + (f"{'rows/s (median)':>18}" if k == 0 else ""))
    for name, by in systems.items():
        m, lo, hi = stats([x[k] for x in by.values()])
        print(f"{short(name, 42):<44}{m:>8.2f}{lo:>8.2f}{hi:>8.2f}"
              + (f"{rows / m:>18,.0f}" if k == 0 else ""))
    for v in vig:
        for peer in ("sqlite", "pg"):
            if peer not in systems:
                continue
            ratios = [systems[peer][r][k] / systems[v][r][k] for r in systems[v]
                      if r in systems[peer]]
            m, lo, hi = stats(ratios)
            print(f"{'ratio ' + short(v, 30) + ' vs ' + peer:<44}{m:>7.1f}x{lo:>7.1f}x{hi:>7.1f}x")
PY
echo "reproduce: bench/load.sh $PEOPLE $REPS   (VIGIE_BENCH_BUILD=$B)"
