#!/usr/bin/env python3
"""Black-box test of `vigie serve`: starts the real binary on a free
loopback port and talks HTTP to it with urllib only.

Covers: health; the helpdesk check with, without, with a bad and with a
revoked token; 401/413/404/405/400 (bad JSON) as JSON errors; the security
headers on every response; the per-token rate limit (429, on a second
server with a tiny burst); `vigie audit verify` on the audit log produced
and on tampered copies; SIGHUP after a re-ingest serves the new registry
while requests keep flowing; SIGTERM exits 0; no identifier in clear in the
access log or the audit log.

Usage: serve_test.py VIGIE_BINARY
Ports: 0 (the kernel picks; the server prints the address), or the first
free port of $VIGIE_TEST_PORTS ("18100-18199") when set.
"""
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

VIGIE = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        failures.append(what)


def run(*args, **kw):
    return subprocess.run([VIGIE] + list(args), capture_output=True, text=True, **kw)


def pick_port():
    spec = os.environ.get("VIGIE_TEST_PORTS")
    if not spec:
        return 0
    lo, hi = (int(x) for x in spec.split("-"))
    for p in range(lo, hi + 1):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
            return p
        except OSError:
            continue
        finally:
            s.close()
    raise SystemExit("no free port in " + spec)


class Server:
    def __init__(self, workdir, name, conf_lines):
        self.conf = os.path.join(workdir, name + ".conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf_lines) + "\n")
        self.proc = subprocess.Popen(
            [VIGIE, "serve", "--config", self.conf, "--listen", "127.0.0.1:%d" % pick_port()],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on http://" not in line:
            raise SystemExit("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.base = line.strip().split("listening on ")[1]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def request(base, method, path, body=None, token=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def jbody(b):
    try:
        return json.loads(b)
    except ValueError:
        return None


SEC = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def secure(h):
    return all(h.get(k) == v for k, v in SEC.items()) and \
        "frame-ancestors 'none'" in h.get("Content-Security-Policy", "") and \
        "default-src 'none'" in h.get("Content-Security-Policy", "")


def main():
    work = tempfile.mkdtemp(prefix="vigie-serve-test-")
    try:
        os.chdir(work)
        r = run("gen", "--people", "30", "--seed", "1", "--quiet", "-o", "leak.csv")
        assert r.returncode == 0, r.stderr
        r = run("gen", "--people", "30", "--seed", "2", "--quiet", "-o", "leak2.csv")
        assert r.returncode == 0, r.stderr
        r = run("ingest", "--registry", "reg", "--quiet", "leak.csv")
        assert r.returncode == 0, r.stderr
        with open("leak.csv", encoding="utf-8") as f:
            row = next(csv.DictReader(f, delimiter=";"))
        email, phone = row["email"], row["telephone"]
        with open("leak2.csv", encoding="utf-8") as f:
            row2 = next(csv.DictReader(f, delimiter=";"))
        email2 = row2["email"]
        assert email and phone and email2

        alice = run("token", "add", "alice", "--tokens", "tokens").stdout.strip()
        bob = run("token", "add", "bob", "--tokens", "tokens").stdout.strip()
        check(alice.startswith("vgt_") and bob.startswith("vgt_") and alice != bob,
              "token add prints a new token once")
        check(oct(os.stat("tokens").st_mode & 0o777) == "0o600", "token file is 0600")
        with open("tokens") as f:
            tf = f.read()
        check(alice[4:] not in tf and bob[4:] not in tf, "token file holds no token")
        lst = run("token", "list", "--tokens", "tokens", "--json").stdout.splitlines()
        check([json.loads(l)["name"] for l in lst] == ["alice", "bob"], "token list")

        conf = [
            "[server]",
            "access_log = %s/access.log" % work,
            "threads = 2",
            "[registry]",
            "dir = %s/reg" % work,
            "[limits]",
            "max_body = 4096",
            "connection_timeout = 10",
            "[operator]",
            "tokens = %s/tokens" % work,
            "audit_log = %s/audit.jsonl" % work,
            "rate = 1000",
            "burst = 1000",
        ]
        srv = Server(work, "serve", conf)
        base = srv.base

        # health
        st, h, b = request(base, "GET", "/v1/health")
        hj = jbody(b)
        check(st == 200 and hj["status"] == "ok" and hj["registry"]["generation"] == 1,
              "GET /v1/health")
        check(secure(h) and h.get("Cache-Control") == "no-store", "security headers on 200")

        # the helpdesk check
        st, h, b = request(base, "POST", "/v1/operator/check",
                           {"kind": "email", "value": email.upper()}, token=alice)
        j = jbody(b)
        check(st == 200 and j["exposed"] is True and j["sources"] == ["France Travail"],
              "operator check: exposed email")
        check(secure(h), "security headers on the operator answer")
        st, h, b = request(base, "POST", "/v1/operator/check?lang=en",
                           {"kind": "phone", "value": phone}, token=bob)
        j = jbody(b)
        check(st == 200 and j["exposed"] is True and j["category_labels"][0] == "Name",
              "operator check: exposed phone, bob, ?lang=en")
        st, h, b = request(base, "POST", "/v1/operator/check",
                           {"kind": "email", "value": "nobody.here@example.org"}, token=alice)
        check(st == 200 and jbody(b)["exposed"] is False, "operator check: not exposed")
        st, h, b = request(base, "POST", "/v1/operator/check",
                           {"kind": "email", "value": "not-an-address"}, token=alice)
        check(st == 400 and jbody(b)["error"]["code"] == "invalid-identifier",
              "operator check: invalid identifier 400")

        # errors
        st, h, b = request(base, "POST", "/v1/operator/check", {"kind": "email", "value": email})
        check(st == 401 and jbody(b)["error"]["code"] == "unauthorized" and secure(h),
              "no token: 401 JSON with security headers")
        st, h, b = request(base, "POST", "/v1/operator/check", {"kind": "email", "value": email},
                           token="vgt_" + "A" * 43)
        check(st == 401, "unknown token: 401")
        st, h, b = request(base, "POST", "/v1/operator/check", raw=b"{not json", token=alice)
        check(st == 400 and jbody(b)["error"]["code"] == "bad-json", "bad JSON: 400 bad-json")
        st, h, b = request(base, "POST", "/v1/operator/check", raw=b"x" * 5000, token=alice)
        check(st == 413 and jbody(b)["error"]["code"] == "too-large" and secure(h),
              "body over max_body: 413 too-large")
        st, h, b = request(base, "GET", "/v1/nothing/" + email)
        check(st == 404 and jbody(b)["error"]["code"] == "not-found" and secure(h), "404 JSON")
        st, h, b = request(base, "GET", "/v1/operator/check")
        check(st == 405 and jbody(b)["error"]["code"] == "method-not-allowed"
              and h.get("Allow") == "POST", "405 JSON with Allow")
        st, h, b = request(base, "POST", "/v1/scan",
                           {"kind": "sms", "text": "Votre colis est bloque: http://colis-laposte-suivi.com"})
        check(st == 200 and jbody(b)["verdict"] == "phishing", "POST /v1/scan")

        # revocation: effective at the next reload (SIGHUP here; the server
        # also notices a changed token file within a second)
        run("token", "revoke", "bob", "--tokens", "tokens")
        reloads = jbody(request(base, "GET", "/v1/health")[2])["reloads"]
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while time.time() < deadline and \
                jbody(request(base, "GET", "/v1/health")[2])["reloads"] == reloads:
            time.sleep(0.05)
        st, h, b = request(base, "POST", "/v1/operator/check",
                           {"kind": "phone", "value": phone}, token=bob)
        check(st == 401, "revoked token: 401")

        # SIGHUP after a re-ingest, while requests keep flowing
        st, h, b = request(base, "POST", "/v1/operator/check",
                           {"kind": "email", "value": email2}, token=alice)
        check(st == 200 and jbody(b)["exposed"] is False, "before re-ingest: new person unknown")
        statuses = []
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                statuses.append(request(base, "POST", "/v1/operator/check",
                                        {"kind": "email", "value": email}, token=alice)[0])
                statuses.append(request(base, "GET", "/v1/health")[0])

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        r = run("ingest", "--registry", "reg", "--quiet", "leak2.csv")
        check(r.returncode == 0, "re-ingest while serving")
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        gen = 1
        while time.time() < deadline and gen != 2:
            gen = jbody(request(base, "GET", "/v1/health")[2])["registry"]["generation"]
            time.sleep(0.05)
        time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join()
        check(gen == 2, "SIGHUP: generation 2 is live")
        check(len(statuses) > 10 and all(s == 200 for s in statuses),
              "requests during the reload all answered 200 (%d)" % len(statuses))
        st, h, b = request(base, "POST", "/v1/operator/check",
                           {"kind": "email", "value": email2}, token=alice)
        check(st == 200 and jbody(b)["exposed"] is True, "after SIGHUP: new person exposed")

        # SIGTERM: drains and exits 0
        rc = srv.stop()
        check(rc == 0, "SIGTERM: exit 0")

        # a second server with a tiny per-token burst: 429
        conf2 = [l for l in conf if not l.startswith(("rate", "burst", "access_log"))]
        conf2 += ["rate = 0.001", "burst = 2"]
        srv2 = Server(work, "serve2", conf2)
        codes = [request(srv2.base, "POST", "/v1/operator/check",
                         {"kind": "email", "value": email}, token=alice) for _ in range(3)]
        check([c[0] for c in codes] == [200, 200, 429], "rate limit per token: 429")
        check(jbody(codes[2][2])["error"]["code"] == "rate-limited"
              and int(codes[2][1].get("Retry-After", "0")) >= 1, "429 rate-limited with Retry-After")
        check(srv2.stop() == 0, "second server: SIGTERM exit 0")

        # the audit log
        r = run("audit", "verify", "audit.jsonl")
        check(r.returncode == 0 and "intact" in r.stdout, "audit verify: intact")
        with open("audit.jsonl") as f:
            lines = f.readlines()
        check(len(lines) >= 8, "audit log has one line per lookup (%d)" % len(lines))
        tampered = [
            ("edit", lines[:2] + [lines[2].replace('"exposed"', '"not-exposed"', 1)
                                  if '"exposed"' in lines[2]
                                  else lines[2].replace('"not-exposed"', '"exposed"', 1)]
             + lines[3:], 3),
            ("delete", lines[:3] + lines[4:], 4),
            ("swap", lines[:1] + [lines[2], lines[1]] + lines[3:], 2),
            ("insert", lines[:3] + [lines[1]] + lines[3:], 4),
        ]
        for name, content, bad_line in tampered:
            with open("tampered.jsonl", "w") as f:
                f.writelines(content)
            r = run("audit", "verify", "tampered.jsonl", "--lang", "en")
            check(r.returncode == 1 and ("line %d " % bad_line) in r.stdout,
                  "audit verify detects %s at line %d" % (name, bad_line))

        # no identifier in clear in the logs
        with open("access.log") as f:
            access = f.read()
        with open("audit.jsonl") as f:
            audit = f.read()
        digits = phone[-8:]
        for log_name, text in (("access log", access), ("audit log", audit)):
            low = text.lower()
            check(email.lower() not in low and email.split("@")[0].lower() not in low
                  and email2.lower() not in low and digits not in text,
                  "no identifier in clear in the " + log_name)
        check("/v1/operator/check 200" in access and " exposed" in access,
              "access log has route, status and note")
    finally:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("all ok")


if __name__ == "__main__":
    main()
