#!/usr/bin/env python3
"""How much evidence the insider's first day holds, against benign days.

Reads, per seed, the account-days written by a `-Dwatch_trace=true` build of
vigie watch (VIGIE_WATCH_TRACE) and the generator's ground truth. For the
insider's first day and every benign account-day (accounts in no incident,
at least 10 reads, at least one learned day) it computes the evidence of
the whole day's counts as the novelty test's whole-day check does
(src/watch/watch.c, novelty_close): -ln P(orphans >= O), the orphans
before max(K, 10) + 1 known reads being a beta negative binomial around
the day's expected share y (a beta of 150 reads x min(1, learned days /
10)), 0 below the expected + 2 sd; here at any number of learned days
(vigie judges from the 3rd). It prints the insider's evidence and how many
benign account-days have at least as much: a test on these counts that
alerts on that day alerts on those days too.

Usage: watch-evidence.py DIR SEED...  (DIR holds trace-S.txt, truth-S.jsonl,
eval-S.json as written by bench/watch-evidence.sh)
"""
import datetime
import json
import math
import sys

NEFF, NEFF_DAYS = 150.0, 10.0


def local_day(ts):
    d = datetime.datetime.fromisoformat(ts)
    return int((d.timestamp() + d.utcoffset().total_seconds()) // 86400)


def log_tail(o, r, y, n):
    """ln P(X >= o), X the orphans before r known reads (watch.c's novelty_logtail)."""
    if o == 0:
        return 0.0
    al, be, k = n * y, n * (1 - y), float(o)
    lg = math.lgamma
    lp = (lg(k + r) - lg(r) - lg(k + 1) + lg(al + k) + lg(be + r) - lg(al + be + k + r) -
          lg(al) - lg(be) + lg(al + be))
    s = term = 1.0
    for _ in range(5000):
        term *= (k + r) / (k + 1) * (al + k) / (al + be + r + k)
        s += term
        k += 1
        if term < 1e-9 * s:
            break
    return lp + math.log(s)


def evidence(k, o, y, days):
    """The whole-day test's score (watch.c's novelty_close), at any days learned."""
    n = NEFF * min(1.0, days / NEFF_DAYS)
    if days < 1 or n * (1 - y) <= 2.5:
        return 0.0
    r = max(k, 10) + 1
    al, be = n * y, n * (1 - y)
    mean = r * al / (be - 1)
    var = r * al * (r + be - 1) * (al + be - 1) / ((be - 2) * (be - 1) ** 2)
    if o <= mean + 2 * math.sqrt(var):
        return 0.0
    return -log_tail(o, r, y, n)


def main():
    d, seeds = sys.argv[1], sys.argv[2:]
    print("seed | insider delay | first day: known, orphans, expected share, learned days | "
          "evidence (nats) | benign account-days with as much | per 10,000 | "
          "benign account-days per 10,000 at 7.8, 8.5, 10 nats or more")
    for s in seeds:
        incident_accounts, insider = set(), None
        for line in open(f"{d}/truth-{s}.jsonl"):
            e = json.loads(line)
            if e.get("type") == "incident" and e.get("account"):
                incident_accounts.add(e["account"])
                if e["scenario"] == "insider":
                    insider = (e["account"], local_day(e["start"]))
        delay = "-"
        try:
            ev = json.load(open(f"{d}/eval-{s}.json"))["evaluation"]
            for i in ev["incidents"]:
                if i["scenario"] == "insider" and i.get("delay_s") is not None:
                    delay = "%.1f h" % (i["delay_s"] / 3600)
        except (OSError, ValueError, KeyError):
            pass
        first, benign = None, []
        for line in open(f"{d}/trace-{s}.txt"):
            f = line.split()
            acct, day, reads, k, o = f[0], int(f[1]), int(f[2]), int(f[3]), int(f[4])
            y, days = float(f[5]), int(f[7])
            if insider and (acct, day) == insider:
                first = (k, o, y, days, evidence(k, o, y, days))
            elif acct not in incident_accounts:
                benign.append(evidence(k, o, y, days) if reads >= 10 else 0.0)
        if not first:
            print(f"{s} | {delay} | insider's first day not in the trace |")
            continue
        ge = sum(e >= first[4] for e in benign)
        at = ", ".join("%.2f" % (sum(e >= t for e in benign) / len(benign) * 1e4)
                       for t in (7.8, 8.5, 10.0))
        print(f"{s} | {delay} | {first[0]}, {first[1]}, {first[2]:.3f}, {first[3]} | "
              f"{first[4]:.1f} | {ge} of {len(benign)} | {ge / len(benign) * 1e4:.2f} | {at}")


if __name__ == "__main__":
    main()
