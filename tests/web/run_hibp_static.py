#!/usr/bin/env python3
"""Runs tests/web/hibp_range.mjs (the npm hibp client) against the output of
`vigie export-ranges`, served statically by Python's http.server, or, with
--serve, against `vigie serve` itself (its /range/ route).

Usage: run_hibp_static.py VIGIE_BINARY [--serve]

Ingests data/passwords-sample.txt and a small list into a fresh registry,
exports the SHA-1 and NTLM ranges, serves OUTDIR (so /range/ABCDE is
OUTDIR/range/ABCDE) and a second root whose range/ is OUTDIR/range-ntlm,
on 127.0.0.1 ports in 18200-18299 (VIGIE_TEST_PORTS=LO-HI to change), and
runs the client. Exit 77 (skipped) only when node is absent; the npm
packages come from scripts/web-deps.sh.
"""
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def serve(directory):
    handler = functools.partial(Quiet, directory=directory)
    for port in ports():
        try:
            srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        return srv, port
    sys.exit(f"no free port in {lo}-{hi}")


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def ports():
    lo, hi = 18200, 18299
    if os.environ.get("VIGIE_TEST_PORTS"):
        lo, hi = (int(x) for x in os.environ["VIGIE_TEST_PORTS"].split("-"))
    return range(lo, hi + 1)


def start_server(vigie, reg):
    """`vigie serve` on a free loopback port: (process, port)."""
    p = subprocess.Popen([vigie, "serve", "--registry", reg, "--listen", "127.0.0.1:0",
                          "--access-log", os.path.join(reg, "..", "access.log")],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "listening on http://" not in line:
        p.wait()
        sys.exit("vigie serve did not start: %r" % line)
    return p, int(line.strip().rsplit(":", 1)[1])


def main():
    vigie = os.path.abspath(sys.argv[1])
    server = len(sys.argv) > 2 and sys.argv[2] == "--serve"
    node = shutil.which("node")
    if not node:
        print("node is not installed: skipped")
        return 77
    run([os.path.join(ROOT, "scripts", "web-deps.sh")])
    # not /dev/shm, though a million small files are faster there: its inode
    # limit is shared with everything else on the machine
    tmp = tempfile.mkdtemp(prefix="vigie-hibp-")
    try:
        reg, out = os.path.join(tmp, "reg"), os.path.join(tmp, "out")
        extra = os.path.join(tmp, "extra.txt")
        # a plaintext list with a count, a HIBP line, and the sample again
        with open(extra, "w") as f:
            f.write("vigie-test-password:7\r\n")
        with open(os.path.join(tmp, "hibp.txt"), "w") as f:
            # SHA-1 of "azerty", 9 more occurrences
            f.write("9CF95DACD226DCF43DA376CDB6CBBA7035218921:9\n")
        sample = os.path.join(ROOT, "data", "passwords-sample.txt")
        run([vigie, "ingest", "--passwords", "--registry", reg, "-q", sample, extra,
             os.path.join(tmp, "hibp.txt")], stdout=subprocess.DEVNULL)
        expect = os.path.join(tmp, "expect.tsv")
        with open(expect, "w") as f:
            f.write("123456\t1000000\npassword\t500000\nazerty\t3506\nmotdepasse\t135\n"
                    "vigie-test-password\t7\nloulou\t100\n"
                    "vigie: not a leaked password 7d1f\t0\n")
        if server:
            # a registry of identifiers too, so that serve starts; with the
            # registry key next to it
            run([vigie, "gen", "--people", "20", "--seed", "3", "--quiet", "-o",
                 os.path.join(tmp, "leak.csv")])
            run([vigie, "ingest", "--registry", reg, "-q", os.path.join(tmp, "leak.csv")],
                stdout=subprocess.DEVNULL)
            proc, port = start_server(vigie, reg)
            try:
                return subprocess.run([node, os.path.join(HERE, "hibp_range.mjs"),
                                       f"http://127.0.0.1:{port}", "--dynamic", "--expect",
                                       expect]).returncode
            finally:
                proc.terminate()
                if proc.wait() != 0:
                    sys.exit("vigie serve did not exit 0 on SIGTERM")
        run([vigie, "export-ranges", "--registry", reg, "-q", out])
        run([vigie, "export-ranges", "--registry", reg, "--mode", "ntlm", "-q", out])
        ntlm_root = os.path.join(tmp, "ntlm-root")
        os.mkdir(ntlm_root)
        os.symlink(os.path.join(out, "range-ntlm"), os.path.join(ntlm_root, "range"))
        s1, p1 = serve(out)
        s2, p2 = serve(ntlm_root)
        try:
            rc = subprocess.run([node, os.path.join(HERE, "hibp_range.mjs"),
                                 f"http://127.0.0.1:{p1}", "--ntlm-base",
                                 f"http://127.0.0.1:{p2}", "--expect", expect]).returncode
        finally:
            s1.shutdown()
            s2.shutdown()
        return rc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
