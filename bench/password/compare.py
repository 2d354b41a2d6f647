#!/usr/bin/env python3
"""compare.py: vigie's password strength against the reference JS zxcvbn.

Usage: compare.py JS.jsonl VIGIE.jsonl CATEGORIES.txt
Both result files hold one JSON object per password of the same list, in
order (js_zxcvbn.js; vigie password --batch --json --lang en). Prints score
agreement (exact, within one), |difference| of log10 guesses, the score
confusion matrix, agreement per category of the list, and agreement of the
feedback warning where both give feedback (score <= 2).
"""
import json
import statistics
import sys

JS_WARN = {
    "": "none",
    "This is a top-10 common password": "top10",
    "This is a top-100 common password": "top100",
    "This is a very common password": "common",
    "A word by itself is easy to guess": "common",
    "Names and surnames by themselves are easy to guess": "common",
    "This is similar to a commonly used password": "similar",
    "Common names and surnames are easy to guess": "names",
    "Straight rows of keys are easy to guess": "straight_row",
    "Short keyboard patterns are easy to guess": "keyboard_pattern",
    'Repeats like "aaa" are easy to guess': "repeated_character",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc"': "repeated_pattern",
    "Sequences like abc or 6543 are easy to guess": "sequence",
    "Recent years are easy to guess": "recent_year",
    "Dates are often easy to guess": "date",
}
KIND = {"none": "none", "top10": "dictionary", "top100": "dictionary", "common": "dictionary",
        "similar": "dictionary", "names": "dictionary", "straight_row": "spatial",
        "keyboard_pattern": "spatial", "repeated_character": "repeat",
        "repeated_pattern": "repeat", "sequence": "sequence", "recent_year": "year",
        "date": "date"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def main():
    js, vg = load(sys.argv[1]), load(sys.argv[2])
    with open(sys.argv[3], encoding="utf-8") as f:
        cats = [l.rstrip("\n") for l in f]
    if not (len(js) == len(vg) == len(cats)):
        sys.exit("length mismatch: js %d, vigie %d, categories %d" % (len(js), len(vg), len(cats)))
    n = len(js)
    exact = within = 0
    deltas = []
    conf = [[0] * 5 for _ in range(5)]
    per = {}
    wn = wexact = wkind = 0
    for j, v, c in zip(js, vg, cats):
        if "error" in v:
            sys.exit("vigie refused a password of the list: %r" % v["error"])
        sj, sv = j["score"], v["score"]
        exact += sj == sv
        within += abs(sj - sv) <= 1
        d = abs(j["guesses_log10"] - v["guesses_log10"])
        deltas.append(d)
        conf[sj][sv] += 1
        k = c
        p = per.setdefault(k, [0, 0, 0, []])
        p[0] += 1
        p[1] += sj == sv
        p[2] += abs(sj - sv) <= 1
        p[3].append(d)
        if sj <= 2 and sv <= 2:
            wj = JS_WARN.get(j["warning"], "other")
            wv = (v["feedback"]["warning"] or {}).get("code", "none")
            wn += 1
            wexact += wj == wv
            wkind += KIND.get(wj, wj) == KIND.get(wv, wv)
    deltas.sort()
    print("passwords: %d" % n)
    print("score agreement, exact: %.1f %%" % pct(exact, n))
    print("score agreement, within 1: %.1f %%" % pct(within, n))
    print("|delta log10 guesses|: median %.2f, mean %.2f, 90th percentile %.2f" % (
        statistics.median(deltas), statistics.fmean(deltas), deltas[int(0.9 * (n - 1))]))
    print("score confusion (rows: JS zxcvbn 0-4, columns: vigie 0-4):")
    for s in range(5):
        print("  %d: %s" % (s, " ".join("%6d" % x for x in conf[s])))
    print("per category (n, exact %, within-1 %, median |delta log10|):")
    for k in sorted(per):
        p = per[k]
        print("  %-18s %5d %6.1f %6.1f %6.2f" % (k, p[0], pct(p[1], p[0]), pct(p[2], p[0]),
                                               statistics.median(p[3])))
    print("feedback warning where both scores <= 2 (%d passwords): same warning %.1f %%, "
          "same kind (dictionary/spatial/repeat/sequence/year/date/none) %.1f %%" % (
              wn, pct(wexact, wn), pct(wkind, wn)))


if __name__ == "__main__":
    main()
