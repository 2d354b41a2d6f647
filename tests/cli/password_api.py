#!/usr/bin/env python3
"""Black-box test of `vigie password --api URL` against a tiny Have I Been
Pwned compatible range server (Python's http.server on 127.0.0.1).

Checks that only a 5-hex SHA-1 prefix is requested, that Add-Padding: true
is sent, that padding lines (count 0) are ignored, and that server failures
(HTTP errors, bad bodies, redirects, timeouts, refused connections) end in
exit 3 with a clear message holding neither the password nor the prefix.

Usage: password_api.py VIGIE_BINARY
The server listens on a free port: the first free one in $VIGIE_TEST_PORTS
("LOW-HIGH") when set, else one the system picks.
"""
import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time

VIGIE = os.path.abspath(sys.argv[1])

LEAKED = {"motdepasse1": 3861493, "Correct-Horse-Battery-Staple-2024": 12}
STRONG = "q8%Lw!3nRt7#"


def sha1(pw):
    return hashlib.sha1(pw.encode()).hexdigest().upper()


class State:
    mode = "ok"  # ok, 503, garbage, redirect, slow
    requests = []  # (path, headers)


def range_body(prefix):
    lines = ["0018A45C4D1DEF81644B54AB7F969B88D65:10"]
    for pw, n in LEAKED.items():
        h = sha1(pw)
        if h[:5] == prefix:
            lines.append("%s:%d" % (h[5:], n))
    # padding, including one with the strong password's own suffix: count 0
    # must never count as a match
    lines.append(sha1(STRONG)[5:] + ":0")
    lines += ["%035X:0" % i for i in range(1, 40)]
    return "".join(l + "\r\n" for l in sorted(lines)).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        State.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        mode = State.mode
        if mode == "503":
            return self.reply(503, b"busy\n")
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "slow":
            time.sleep(3)
            return self.reply(200, b"")
        m = re.fullmatch(r"(?:/hibp)?/range/([0-9A-F]{5})", self.path)
        if not m:
            return self.reply(404, b"not found\n")
        if mode == "garbage":
            return self.reply(200, b"<html>oops</html>\r\n")
        self.reply(200, range_body(m.group(1)))

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def start_server():
    ports = [0]
    spec = os.environ.get("VIGIE_TEST_PORTS", "")
    if re.fullmatch(r"\d+-\d+", spec):
        lo, hi = map(int, spec.split("-"))
        ports = list(range(lo, hi + 1))
    for port in ports:
        try:
            srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        except OSError:
            continue
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        return srv
    sys.exit("no free port in %s" % spec)


failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def run(args, stdin):
    p = subprocess.run([VIGIE, "--lang", "en", "password"] + args, input=stdin.encode(),
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def no_secret(texts, pws):
    """No password, hash or prefix in any of the texts."""
    for t in texts:
        for pw in pws:
            h = sha1(pw)
            if pw in t or h in t or h[:5] in t or h[5:] in t:
                return False
    return True


def main():
    srv = start_server()
    base = "http://127.0.0.1:%d" % srv.server_address[1]

    # a leaked password: found, with its count; exit 1
    State.requests = []
    rc, out, err = run(["--api", base, "--json"], "motdepasse1\n")
    d = json.loads(out)
    check(rc == 1, "leaked password: exit 1 (got %d)" % rc)
    check(d["breach"] == {"checked": True, "source": "api", "found": True, "count": 3861493},
          "leaked password: found 3861493 times")
    check(len(State.requests) == 1, "one request")
    path, headers = State.requests[0]
    check(re.fullmatch(r"/range/[0-9A-F]{5}", path) is not None,
          "only a 5-hex prefix in the path (%s)" % path)
    check(path == "/range/" + sha1("motdepasse1")[:5], "the prefix of SHA-1(motdepasse1)")
    check(headers.get("add-padding") == "true", "Add-Padding: true sent")
    check(headers.get("user-agent", "").startswith("vigie/"), "a User-Agent")
    check(no_secret([json.dumps(headers)], ["motdepasse1"]) and "motdepasse1" not in path,
          "no password or suffix in the request headers")
    check(no_secret([out, err], ["motdepasse1"]), "no password, hash or prefix in output")

    # a strong password whose suffix appears only as padding (count 0): absent, exit 0
    rc, out, err = run(["--api", base + "/", "--json"], STRONG + "\n")
    d = json.loads(out)
    check(rc == 0, "strong password, padding ignored: exit 0 (got %d: %s)" % (rc, err))
    check(d["breach"].get("found") is False and d["breach"].get("count") == 0,
          "padding line with the same suffix and count 0 is not a match")

    # a base URL with a path, and a batch over one connection
    State.requests = []
    rc, out, err = run(["--api", base + "/hibp", "--batch"],
                       "motdepasse1\n%s\nCorrect-Horse-Battery-Staple-2024\n" % STRONG)
    rows = [json.loads(l) for l in out.splitlines()]
    check(rc == 1, "batch: exit 1 (got %d)" % rc)
    check([r["breach"].get("count") for r in rows] == [3861493, 0, 12], "batch counts")
    check(all(re.fullmatch(r"/hibp/range/[0-9A-F]{5}", p) for p, _ in State.requests)
          and len(State.requests) == 3, "batch: three prefix-only requests under the base path")
    check(all(h.get("add-padding") == "true" for _, h in State.requests), "batch: padding asked")
    check(no_secret([out, err], ["motdepasse1", STRONG, "Correct-Horse-Battery-Staple-2024"]),
          "batch: no password, hash or prefix in output")

    # failures: exit 3, a clear message, no prefix
    for mode, want in [("503", "HTTP status 503"), ("garbage", "range line 1"),
                       ("redirect", "HTTP status 302")]:
        State.mode = mode
        rc, out, err = run(["--api", base], "motdepasse1\n")
        check(rc == 3, "%s: exit 3 (got %d)" % (mode, rc))
        check(want in err and base in err, "%s: message says %r (%s)" % (mode, want, err.strip()))
        check(no_secret([out, err], ["motdepasse1"]), "%s: no password or prefix in output" % mode)
    State.mode = "slow"
    rc, out, err = run(["--api", base, "--timeout", "1"], "motdepasse1\n")
    check(rc == 3 and "timed out" in err.lower(), "slow server: exit 3 on timeout (%s)" % err.strip())
    State.mode = "ok"

    srv.shutdown()
    srv.server_close()
    rc, out, err = run(["--api", base], "motdepasse1\n")
    check(rc == 3 and base in err, "server gone: exit 3 (%s)" % err.strip())
    check(no_secret([out, err], ["motdepasse1"]), "server gone: no password or prefix in output")

    print("%d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
