#!/usr/bin/env python3
"""Black-box tests of the vigie binary, cram-style.

A .t file holds commands and their expected output:

    Prose lines start in column 0 and are ignored.
      $ vigie normalize email ' A@B.FR '
      a@b.fr
      $ vigie normalize email nope
      vigie normalize: email: ...
      [1]

A command line starts with two spaces and "$ "; "  > " continues it. The lines
that follow (two-space indent) are its expected output, standard output and
standard error merged. A final "  [N]" gives a non-zero exit code. An expected
line ending in " (re)" is a Python regular expression matched against the
whole line. Each command runs in bash, in a fresh temporary directory shared by
the file's commands, with `vigie` on PATH and $TESTDIR naming the folder of the
.t file.

Usage: cram.py VIGIE_BINARY FILE.t...
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def parse(path):
    cases = []  # (lineno, command, expected lines, exit code)
    cur = None
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("  $ "):
                cur = [no, line[4:], [], 0]
                cases.append(cur)
            elif line.startswith("  > ") and cur is not None and not cur[2]:
                cur[1] += "\n" + line[4:]
            elif line.startswith("  ") and cur is not None:
                body = line[2:]
                m = re.fullmatch(r"\[(\d+)\]", body)
                if m:
                    cur[3] = int(m.group(1))
                else:
                    cur[2].append(body)
            else:
                cur = None
    return cases


def matches(expected, actual):
    if len(expected) != len(actual):
        return False
    for e, a in zip(expected, actual):
        if e.endswith(" (re)"):
            if not re.fullmatch(e[:-5], a):
                return False
        elif e != a:
            return False
    return True


def main():
    vigie = os.path.abspath(sys.argv[1])
    failed = 0
    total = 0
    for path in sys.argv[2:]:
        tmp = tempfile.mkdtemp(prefix="vigie-cram-")
        bindir = os.path.join(tmp, ".bin")
        os.mkdir(bindir)
        os.symlink(vigie, os.path.join(bindir, "vigie"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        env.update(PATH=bindir + ":" + env.get("PATH", "/usr/bin:/bin"),
                   TESTDIR=os.path.dirname(os.path.abspath(path)),
                   LC_ALL="C.UTF-8", TZ="UTC", HOME=tmp)
        try:
            for no, cmd, expected, code in parse(path):
                total += 1
                p = subprocess.run(["bash", "-c", cmd], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
                out = p.stdout.decode("utf-8", "replace").split("\n")
                if out and out[-1] == "":
                    out.pop()
                if p.returncode != code or not matches(expected, out):
                    failed += 1
                    print(f"FAIL {path}:{no}: $ {cmd}")
                    print("  expected (exit %d):" % code)
                    for e in expected:
                        print("    " + e)
                    print("  got (exit %d):" % p.returncode)
                    for a in out:
                        print("    " + a)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{total - failed} passed, {failed} failed (cli cases)")
    return 1 if failed or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
