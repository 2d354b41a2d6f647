#!/usr/bin/env python3
"""`vigie notify --smtp` against tests/notify/smtp_sink.py, with injected
4xx replies (retried with backoff), a connection dropped after DATA
(retried: the relay never said yes), and 5xx refusals (counted as failed,
exit 1, not retried). Checks that every planned email reached the sink
exactly once, except the refused ones, with the right headers.

Usage: smtp.py VIGIE SINK_SCRIPT   (ports 18500-18599)
"""
import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import tempfile

VIGIE = os.path.abspath(sys.argv[1])
SINK = os.path.abspath(sys.argv[2])


def free_port():
    for port in range(18520, 18600):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            s.close()
            return port
        except OSError:
            s.close()
    sys.exit("no free port in 18520-18599")


def run(args, ok=(0,)):
    p = subprocess.run([VIGIE] + args, capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit(f"vigie {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def main():
    tmp = tempfile.mkdtemp(prefix="vigie-smtp-")
    os.chdir(tmp)
    run(["gen", "--people", "150", "--seed", "5", "--quiet", "-o", "leak.csv"])
    run(["ingest", "--registry", "reg", "--quiet", "leak.csv"])
    port = free_port()
    open("n.conf", "w").write(f"""[organisation]
name = Agence française
[dpo]
name = DPO
email = dpo@example.org
[breach]
nature = Extraction de dossiers.
awareness = 2024-03-05 18:00
notification = 2024-03-08 10:00
[notify]
from = notification@example.org
reply_to = contact@example.org
site = agence.example
smtp_url = smtp://127.0.0.1:{port}
rate = 2000
retries = 4
backoff_ms = 20
""")
    sink = subprocess.Popen([sys.executable, SINK, str(port), "got.jsonl", "--fail-every", "7",
                             "--drop-every", "23", "--reject-every", "50"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().startswith("ready")
        dry = json.loads(run(["notify", "--registry", "reg", "--config", "n.conf", "--dry-run",
                              "--json", "leak.csv"]).stdout)
        p = run(["notify", "--registry", "reg", "--config", "n.conf", "--smtp", "--state", "st",
                 "--json", "leak.csv"], ok=(0, 1))
        r = json.loads(p.stdout)
        # a second run sends nothing more
        r2 = json.loads(run(["notify", "--registry", "reg", "--config", "n.conf", "--smtp",
                             "--state", "st", "--json", "leak.csv"], ok=(0, 1)).stdout)
    finally:
        sink.terminate()
        sink.wait()
    got = [json.loads(l) for l in open("got.jsonl")]
    tos = [m["to"][0] for m in got]
    planned = dry["channels"]["email"]
    if len(tos) != len(set(tos)):
        sys.exit(f"{len(tos) - len(set(tos))} recipients got two messages")
    if len(tos) + r["failed"] != planned:
        sys.exit(f"{len(tos)} delivered + {r['failed']} refused != {planned} planned")
    if r["failed"] == 0 or p.returncode != 1:
        sys.exit(f"expected refusals and exit 1, got {r['failed']} and exit {p.returncode}")
    if r["retries"] == 0:
        sys.exit("no retry after the injected 4xx replies and dropped connections")
    if r2["written"] != 0:
        sys.exit(f"the second run wrote {r2['written']} messages")
    for m in got:
        msg = email.message_from_string(m["data"], policy=email.policy.default)
        assert m["from"].split()[0] == "<notification@example.org>", m["from"]
        assert msg["To"] == m["to"][0], (msg["To"], m["to"])
        assert msg["Reply-To"] == "contact@example.org"
        assert msg["From"].addresses[0].display_name == "Agence française", msg["From"]
        assert msg.get_body(("plain",)) and msg.get_body(("html",))
        assert "agence.example" in msg.get_body(("plain",)).get_content()
    print(f"ok: {len(tos)} delivered once each, {r['failed']} refused (5xx), "
          f"{r['retries']} retries")


main()
