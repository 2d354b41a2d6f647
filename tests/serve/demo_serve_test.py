#!/usr/bin/env python3
"""Black-box test of `vigie demo` when it ends by serving: the demo starts
`vigie serve` on a free loopback port; the page, the health route, a
breached-password range and the helpdesk check (with the token and the
address the demo printed) answer; SIGTERM stops it with exit 0.

Usage: demo_serve_test.py VIGIE_BINARY
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

VIGIE = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def get(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read().decode("utf-8")


def main():
    work = tempfile.mkdtemp(prefix="vigie-demo-serve-")
    proc = None
    try:
        proc = subprocess.Popen([VIGIE, "--lang", "en", "demo", "--people", "300", "--dir",
                                 os.path.join(work, "d"), "--listen", "127.0.0.1:0"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out = []
        for line in proc.stdout:
            out.append(line)
            if "listening on http://" in line:
                break
        text = "".join(out)
        m = re.search(r"listening on (http://[0-9.:]+)", text)
        check(m is not None, "the demo ends by starting the service")
        if not m:
            print(text, proc.stderr.read())
            return 1
        base = m.group(1)
        check("Step 7/7: the check service" in text, "step 7 is the service")
        st, body = get(base + "/v1/health")
        check(st == 200 and json.loads(body)["status"] == "ok", "health")
        st, body = get(base + "/")
        check(st == 200 and "<html" in body.lower(), "the page")
        st, body = get(base + "/range/5BAA6")
        check("1E4C9B93F3F0682250B6CF8331B7EE68FD8:" in body, "'password' is in the sample ranges")
        tok = re.search(r"Bearer (vgt_[A-Za-z0-9_-]+)", text)
        email = re.search(r'"value":"([^"]+)"', text)
        check(tok is not None and email is not None, "the demo prints a token and an address")
        if tok and email:
            st, body = get(base + "/v1/operator/check",
                           json.dumps({"kind": "email", "value": email.group(1)}).encode(),
                           {"Authorization": "Bearer " + tok.group(1)})
            check(st == 200 and json.loads(body)["exposed"] is True,
                  "the helpdesk check finds the demo's address")
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
        proc = None
        check(rc == 0, "SIGTERM stops the demo's service with exit 0")
        audit = os.path.join(work, "d", "audit.jsonl")
        r = subprocess.run([VIGIE, "audit", "verify", audit], capture_output=True, text=True)
        check(r.returncode == 0, "the demo's audit log verifies")
        with open(audit, encoding="utf-8") as f:
            check(email is None or email.group(1) not in f.read(), "no address in the audit log")
    finally:
        if proc:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
