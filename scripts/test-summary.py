#!/usr/bin/env python3
"""Prints the closing line of the test suite from meson's testlog.json:
per suite counts, then "N passed, N failed" alone on the last line."""
import json
import sys
from collections import Counter

passed = Counter()
failed = Counter()
skipped = Counter()
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        t = json.loads(line)
        # "vigie:unit / core": the suite is between ':' and ' / '
        suite = t["name"].split(" / ")[0].split(":")[-1] if " / " in t["name"] else "?"
        if t["result"] in ("OK", "EXPECTEDFAIL"):
            passed[suite] += 1
        elif t["result"] == "SKIP":
            skipped[suite] += 1
        else:
            failed[suite] += 1
for s in sorted(set(passed) | set(failed)):
    print(f"  {s}: {passed[s]} passed, {failed[s]} failed")
line = f"{sum(passed.values())} passed, {sum(failed.values())} failed"
if skipped:
    line += f", {sum(skipped.values())} skipped"
print(line)
sys.exit(0)
