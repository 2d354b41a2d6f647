#!/usr/bin/env python3
"""Resumption of `vigie notify`: kill it midway (SIGKILL), run it again, and
check that every contact got exactly one message.

Two kinds of kill, for each output (spool, Maildir, mbox):
  - deterministic: VIGIE_NOTIFY_CRASH_AFTER=N makes the process SIGKILL
    itself once N messages are written, in the middle of a batch (the
    messages of that batch are written but not journaled);
  - from outside: the runner starts the process, waits until the journal
    shows progress, and sends SIGKILL (when the run finished first, the
    check still runs; the deterministic kill covers the midway case).
Then the same command runs to the end, once more (nothing left to do), and
the output is read back: each planned contact exactly once, nothing else.

Usage: resume.py VIGIE
"""
import email
import email.policy
import mailbox
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time

VIGIE = os.path.abspath(sys.argv[1])
PEOPLE = 8000

CONF = """[organisation]
name = France Travail
[dpo]
name = DPO
email = dpo@example.org
[breach]
nature = Extraction de dossiers.
awareness = 2024-03-05 18:00
notification = 2024-03-08 10:00
[notify]
from = notification@example.org
site = francetravail.fr
date = 2024-03-13 09:00
"""


def run(args, env=None, check=True):
    p = subprocess.run([VIGIE] + args, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        sys.exit(f"vigie {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def spool_recipients(d):
    out = []
    for name in sorted(os.listdir(d)):
        if not name.endswith(".idx"):
            continue
        ib = open(os.path.join(d, name), "rb").read()
        data = open(os.path.join(d, name[:-4] + ".vgs"), "rb").read()
        assert len(ib) % 16 == 0, "index length"
        pos = 0
        for k in range(len(ib) // 16):
            off, ln, ch = struct.unpack_from("<QII", ib, 16 * k)
            assert off == pos, f"{name}: record {k} at {off}, expected {pos}"
            pos += ln
            env = data[off:data.index(b"\n", off)].decode()
            m = re.match(r"#vigie seq=(\d+) channel=(\w+) body=\w+ to=(\S+) length=(\d+)$", env)
            assert m, env
            out.append((int(m.group(1)), m.group(3)))
        assert pos == len(data), f"{name}: {len(data) - pos} stray bytes after the last record"
    return out


def maildir_recipients(d):
    out = []
    assert not os.listdir(os.path.join(d, "tmp")), "files left in tmp/"
    for name in os.listdir(os.path.join(d, "new")):
        seq = int(name.split(".")[1])
        with open(os.path.join(d, "new", name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        assert msg["Message-ID"].endswith(f".{seq}@example.org>"), msg["Message-ID"]
        out.append((seq, msg["To"]))
    return out


def mbox_recipients(path):
    out = []
    for msg in mailbox.mbox(path):
        seq = int(re.search(r"\.(\d+)@", msg["Message-ID"]).group(1))
        out.append((seq, msg["To"]))
    return out


def journal_records(state):
    try:
        return os.path.getsize(os.path.join(state, "journal")) // 128
    except OSError:
        return 0


def check(kind, got, planned):
    seqs = sorted(s for s, _ in got)
    if seqs != list(range(len(seqs))):
        dup = len(seqs) - len(set(seqs))
        sys.exit(f"{kind}: sequence numbers not 0..n-1 exactly once ({dup} duplicates)")
    tos = [t for _, t in got]
    if len(tos) != len(set(tos)):
        sys.exit(f"{kind}: {len(tos) - len(set(tos))} contacts got two messages")
    if len(tos) != planned:
        sys.exit(f"{kind}: {len(tos)} messages, the plan has {planned}")


def main():
    tmp = tempfile.mkdtemp(prefix="vigie-resume-")
    os.chdir(tmp)
    run(["gen", "--people", str(PEOPLE), "--seed", "3", "--quiet", "--split-sources",
         "--mess", "1", "-o", "leak.csv"])
    for f in ("leak-france-travail.csv", "leak-cap-emploi.csv"):
        run(["ingest", "--registry", "reg", "--quiet", f])
    open("n.conf", "w").write(CONF)
    files = ["leak-france-travail.csv", "leak-cap-emploi.csv"]
    base = ["notify", "--registry", "reg", "--config", "n.conf", "--json", "--batch", "300"]
    import json
    dry = json.loads(run(base + ["--dry-run"] + files).stdout)
    planned = dry["messages"]
    emails = dry["channels"]["email"]
    assert planned > PEOPLE * 0.9, dry
    print(f"plan: {planned} messages ({emails} emails, {dry['channels']['sms']} SMS)")

    outputs = [("spool", ["--spool", "sp"], lambda: spool_recipients("sp"), planned),
               ("maildir", ["--maildir", "md"], lambda: maildir_recipients("md")
                + spool_recipients("md.notify-state/sms"), planned),
               ("mbox", ["--mbox", "mb"], lambda: mbox_recipients("mb")
                + spool_recipients("mb.notify-state/sms"), planned)]
    for kind, out, read, want in outputs:
        # 1. deterministic kill, mid-batch
        env = dict(os.environ, VIGIE_NOTIFY_CRASH_AFTER=str(planned // 3))
        p = run(base + out + files, env=env, check=False)
        if p.returncode != -signal.SIGKILL:
            sys.exit(f"{kind}: expected a SIGKILL, got exit {p.returncode}\n{p.stderr}")
        # 2. resume, and be killed again from outside when it has made progress
        proc = subprocess.Popen([VIGIE] + base + out + files, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        state = out[1] + ".notify-state"
        start = journal_records(state)
        t0 = time.time()
        while proc.poll() is None and journal_records(state) < start + 3 and time.time() - t0 < 60:
            time.sleep(0.001)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        # 3. to the end
        r = json.loads(run(base + out + files).stdout)
        assert r["resumed"] and r["resumed_at"] > 0, r
        # 4. nothing left
        r2 = json.loads(run(base + out + files).stdout)
        assert r2["written"] == 0, r2
        got = read()
        check(kind, got, want)
        print(f"{kind}: killed at {planned // 3}, then {'killed from outside' if killed else 'finished before the outside kill'}; "
              f"resumed at {r['resumed_at']}; {len(got)} messages, each contact once")
    print("ok")


main()
