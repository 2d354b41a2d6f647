#!/usr/bin/env python3
"""Checks that two `vigie notify` runs made the same plan and the same spool.

Usage: same_plan.py STATE_A STATE_B [SPOOL_A SPOOL_B]

The plans (STATE/plan, docs/notify.md) must hold the same records byte for
byte, the same message count, record bytes and checksum, and the same counts;
only the random plan id, the creation time and the hash of the inputs' names
and times may differ. The spools must
hold the same files with the same bytes once each run's plan id (in the
Message-ID lines) is masked. Prints "same plan" (and "same spool, N files")
or what differs, and exits 1 then.
"""
import os
import re
import sys

HEADER = 4096
PLAN_ID = re.compile(rb"vigie\.[0-9a-f]{32}\.")


def plan(state):
    with open(os.path.join(state, "plan"), "rb") as f:
        return f.read()


def files(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = PLAN_ID.sub(b"vigie.PLANID.", f.read())
    return out


def main():
    a, b = plan(sys.argv[1]), plan(sys.argv[2])
    bad = []
    if a[:8] != b"VGNPLAN1" or b[:8] != b"VGNPLAN1":
        bad.append("not a plan")
    # header: magic 8, version 4, header_bytes 4, plan_id 16, count 8,
    # data_bytes 8, checksum 8, created 8, inputs_hash 8, lang 4, pad 4, counts
    if a[32:56] != b[32:56]:
        bad.append("message count, record bytes or checksum")
    if a[72:HEADER] != b[72:HEADER]:  # not the inputs' hash: names may differ
        bad.append("language or counts")
    if a[HEADER:] != b[HEADER:]:
        bad.append("records")
    if len(sys.argv) > 4:
        fa, fb = files(sys.argv[3]), files(sys.argv[4])
        if sorted(fa) != sorted(fb):
            bad.append("spool file names")
        else:
            bad += ["spool " + n for n in sorted(fa) if fa[n] != fb[n]]
    if bad:
        print("different: " + ", ".join(bad))
        sys.exit(1)
    print("same plan")
    if len(sys.argv) > 4:
        print("same spool, %d files" % len(fa))


main()
