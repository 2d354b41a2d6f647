#!/usr/bin/env python3
"""Black-box test of `vigie password` on a terminal (a pseudo-terminal from
Python's pty module): the password is not echoed, and the terminal gets its
echo back on every exit path: normal end, Ctrl-C (SIGINT), SIGTERM, Ctrl-D.

Usage: password_tty.py VIGIE_BINARY
"""
import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time

VIGIE = os.path.abspath(sys.argv[1])
SECRET = "q8%Lw!3nRt7#-not-echoed"

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def echo_on(fd):
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


class Session:
    """vigie on a fresh pseudo-terminal that is its controlling terminal."""

    def __init__(self, *args):
        self.master, self.slave = pty.openpty()
        slave = self.slave

        def setup():
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        self.p = subprocess.Popen([VIGIE, "--lang", "en", "password"] + list(args),
                                  stdin=slave, stdout=slave, stderr=slave,
                                  preexec_fn=setup, env=env, close_fds=True)
        self.out = b""

    def read_until(self, text, timeout=20):
        end = time.time() + timeout
        while text.encode() not in self.out and time.time() < end:
            r, _, _ = select.select([self.master], [], [], 0.1)
            if r:
                try:
                    self.out += os.read(self.master, 4096)
                except OSError:
                    break
        return text.encode() in self.out

    def finish(self, timeout=20):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        while True:
            r, _, _ = select.select([self.master], [], [], 0.2)
            if not r:
                break
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.out += chunk
        return rc

    def close(self):
        os.close(self.master)
        os.close(self.slave)


def main():
    # the normal path: no echo while typing, echo back afterwards
    s = Session()
    check(echo_on(s.slave), "echo on before")
    check(s.read_until("Password: "), "prompt shown")
    check(not echo_on(s.slave), "echo off at the prompt")
    os.write(s.master, (SECRET + "\n").encode())
    rc = s.finish()
    text = s.out.decode(errors="replace")
    check(SECRET not in text and "q8%Lw" not in text, "the password is not echoed")
    check("Strength: 4/4" in text, "the answer is printed")
    check(rc == 0, "exit 0 (got %r)" % rc)
    check(echo_on(s.slave), "echo back on after a normal end")
    s.close()

    # Ctrl-C at the prompt: killed by SIGINT, echo restored
    s = Session()
    check(s.read_until("Password: ") and not echo_on(s.slave), "Ctrl-C case: prompt, echo off")
    os.write(s.master, b"half-typed")
    time.sleep(0.2)
    os.write(s.master, b"\x03")
    rc = s.finish()
    check(rc == -signal.SIGINT, "Ctrl-C ends it by SIGINT (got %r)" % rc)
    check(echo_on(s.slave), "echo back on after Ctrl-C")
    check(b"half-typed" not in s.out, "the half-typed password is not echoed")
    s.close()

    # SIGTERM from elsewhere
    s = Session("--json")
    check(s.read_until("Password: ") and not echo_on(s.slave), "SIGTERM case: prompt, echo off")
    s.p.send_signal(signal.SIGTERM)
    rc = s.finish()
    check(rc == -signal.SIGTERM, "SIGTERM ends it (got %r)" % rc)
    check(echo_on(s.slave), "echo back on after SIGTERM")
    s.close()

    # Ctrl-D with nothing typed: a usage error, echo restored
    s = Session()
    check(s.read_until("Password: "), "Ctrl-D case: prompt")
    os.write(s.master, b"\x04")
    rc = s.finish()
    check(rc == 2 and b"no password typed" in s.out, "Ctrl-D: exit 2, no password typed (got %r)" % rc)
    check(echo_on(s.slave), "echo back on after Ctrl-D")
    s.close()

    # --batch refuses a terminal (it would echo)
    s = Session("--batch")
    rc = s.finish()
    check(rc == 2 and b"terminal" in s.out, "--batch on a terminal: exit 2 (got %r)" % rc)
    s.close()

    print("%d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
