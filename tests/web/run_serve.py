#!/usr/bin/env python3
"""meson test web-serve: the page's browser test (page.test.mjs) against the
real `vigie serve`, with a registry made by `vigie gen` + `vigie ingest`, a
password list ingested with `vigie ingest --passwords`, and the public
check's outbox spooling to a directory the test reads the code from.

Usage: run_serve.py VIGIE_BINARY SCREENSHOT_DIR
Exit 77 (skipped) only when node or chromium is missing.
"""
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile

VIGIE = os.path.abspath(sys.argv[1])
SHOTS = os.path.abspath(sys.argv[2])
HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "soleil2024"


def run(*args):
    r = subprocess.run([VIGIE] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("vigie %s: exit %d\n%s" % (" ".join(args), r.returncode, r.stderr))
    return r


def main():
    if not shutil.which("node"):
        print("web-serve: SKIP: node not found")
        return 77
    if not os.access(os.environ.get("VIGIE_CHROMIUM", "/usr/bin/chromium"), os.X_OK):
        print("web-serve: SKIP: chromium not found (scripts/setup.sh installs it)")
        return 77
    subprocess.run([os.path.join(HERE, "..", "..", "scripts", "web-deps.sh")], check=True)
    work = tempfile.mkdtemp(prefix="vigie-web-serve-")
    srv = None
    try:
        os.chdir(work)
        run("gen", "--people", "200", "--seed", "11", "--quiet", "-o", "leak.csv")
        run("ingest", "--registry", "reg", "--quiet", "leak.csv")
        with open("leak.csv", encoding="utf-8") as f:
            email = next(r["email"] for r in csv.DictReader(f, delimiter=";") if r["email"])
        with open("pw.txt", "w") as f:
            f.write("%s:42\nmotdepasse\n" % PASSWORD)
        run("ingest", "--registry", "reg", "--passwords", "--quiet", "pw.txt")
        with open("serve.conf", "w") as f:
            f.write("[server]\naccess_log = %s/access.log\n"
                    "[registry]\ndir = %s/reg\n"
                    "[public]\noutbox = %s/spool\nattest_key = %s/attest.key\n"
                    "organisation = France Travail (démonstration)\n" % (work, work, work, work))
        srv = subprocess.Popen([VIGIE, "serve", "--config", "serve.conf", "--listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = srv.stdout.readline()
        if "listening on http://" not in line:
            raise SystemExit("server did not start: %r %s" % (line, srv.stderr.read()))
        base = line.strip().split("listening on ")[1] + "/"
        r = subprocess.run(["node", os.path.join(HERE, "page.test.mjs"), "--base", base,
                            "--spool", os.path.join(work, "spool"), "--exposed-email", email,
                            "--pwned-password", PASSWORD, "--screenshots", SHOTS])
        srv.send_signal(signal.SIGTERM)
        rc = srv.wait(timeout=60)
        srv = None
        if rc != 0:
            print("web-serve: vigie serve exited %d" % rc)
            return 1
        with open("access.log", encoding="utf-8") as f:
            log = f.read()
        if email in log or PASSWORD in log:
            print("web-serve: FAIL: an identifier or the password is in the access log")
            return 1
        return r.returncode
    finally:
        if srv:
            srv.kill()
            srv.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
