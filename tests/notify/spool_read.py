#!/usr/bin/env python3
"""Reads a vigie notify spool back (docs/notify.md) with the standard library.

Usage: spool_read.py DIR [--show N | --show-to ADDR] [--check] [--count-text TEXT]

--check parses every message with Python's email package: each must have
Date, From, To, Subject, Message-ID; an email a text/plain and a text/html
part (UTF-8, quoted-printable) with no <a> element and no URL scheme in the
HTML; an SMS a non-empty text. --count-text prints how many messages' text
(whitespace runs as one space) contains TEXT. Prints one line per message:
"SEQ CHANNEL TO" then a summary. --show N prints message N's decoded text.
"""
import email
import email.policy
import glob
import os
import re
import signal
import struct
import sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def records(d):
    for seg in sorted(glob.glob(os.path.join(d, "seg-*.vgs"))):
        idx = seg[:-4] + ".idx"
        data = open(seg, "rb").read()
        ib = open(idx, "rb").read()
        if len(ib) % 16:
            raise SystemExit(f"{idx}: length {len(ib)} not a multiple of 16")
        for k in range(len(ib) // 16):
            off, ln, ch = struct.unpack_from("<QII", ib, 16 * k)
            rec = data[off:off + ln]
            nl = rec.index(b"\n")
            env = rec[:nl].decode()
            m = re.fullmatch(r"#vigie seq=(\d+) channel=(email|sms) body=([0-9a-f]{16}) to=(\S+) length=(\d+)", env)
            if not m:
                raise SystemExit(f"{seg}: bad envelope {env!r}")
            hdr = rec[nl + 1:]
            if len(hdr) != int(m.group(5)):
                raise SystemExit(f"{seg}: record {k}: length mismatch")
            body = open(os.path.join(d, "bodies", m.group(3) + ".eml"), "rb").read()
            yield int(m.group(1)), m.group(2), m.group(4), hdr, body


def main():
    d = sys.argv[1]
    show = None
    check = "--check" in sys.argv
    show_to = None
    if "--show" in sys.argv:
        show = int(sys.argv[sys.argv.index("--show") + 1])
    if "--show-to" in sys.argv:
        show_to = sys.argv[sys.argv.index("--show-to") + 1]
    count_text = None
    if "--count-text" in sys.argv:
        count_text = sys.argv[sys.argv.index("--count-text") + 1]
    matches = 0
    n = {"email": 0, "sms": 0}
    seqs = []
    for i, (seq, ch, to, hdr, body) in enumerate(records(d)):
        seqs.append(seq)
        if show_to is not None:
            show = i if to == show_to else -1
        n[ch] += 1
        if ch == "email":
            msg = email.message_from_bytes(hdr + body, policy=email.policy.default)
            if check:
                for h in ("Date", "From", "To", "Subject", "Message-ID", "Reply-To"):
                    if msg[h] is None:
                        raise SystemExit(f"message {seq}: no {h}")
                if msg["To"] != to:
                    raise SystemExit(f"message {seq}: To {msg['To']!r} != envelope {to!r}")
                text = msg.get_body(("plain",)).get_content()
                html = msg.get_body(("html",)).get_content()
                if re.search(r"<a[\s>]", html, re.I) or re.search(r"\bhttps?:", html + text, re.I):
                    raise SystemExit(f"message {seq}: a link in the message")
                for part in msg.walk():
                    if part.get_content_maintype() == "text":
                        if part["Content-Transfer-Encoding"] != "quoted-printable":
                            raise SystemExit(f"message {seq}: part not quoted-printable")
                for line in (hdr + body).split(b"\r\n"):
                    if len(line) > 998:
                        raise SystemExit(f"message {seq}: line over 998 bytes")
            if count_text is not None:
                t = " ".join(msg.get_body(("plain",)).get_content().split())
                matches += count_text in t
            if show == i:
                print(msg["Subject"])
                print(msg.get_body(("plain",)).get_content().replace("\r\n", "\n"))
        else:
            text = body.decode("utf-8")
            if check and not text:
                raise SystemExit(f"message {seq}: empty SMS")
            if show == i:
                print(text)
        if check and show is None and show_to is None:
            print(seq, ch, to)
    if check and seqs != sorted(set(seqs)):
        raise SystemExit("sequence numbers repeat or are out of order")
    if count_text is not None:
        print(matches)
    elif show is None and show_to is None:
        print(f"messages {len(seqs)} email {n['email']} sms {n['sms']}")


main()
