#!/usr/bin/env python3
"""A small SMTP sink for tests (standard library only: smtpd is gone from
Python 3.12). Listens on 127.0.0.1:PORT, accepts every message and appends
it as one JSON line {"from", "to": [...], "data"} to OUT.

Failure injection, to test the client's retries:
  --fail-every N   reply "451 4.3.0 try again later" to the first RCPT of
                   every Nth recipient (each recipient fails once only)
  --reject-every N reply "550 5.1.1 no such user" to every Nth recipient,
                   for good
  --drop-every N   close the connection after the DATA of every Nth
                   message, before replying (the client does not know
                   whether it was accepted: it must retry)
Writes "ready PORT" on standard output once listening.
Usage: smtp_sink.py PORT OUT [options]
"""
import argparse
import json
import socketserver
import sys
import threading

lock = threading.Lock()
state = {"rcpt": 0, "msgs": 0, "failed_once": set()}


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        a = self.server.args
        self.reply("220 sink ESMTP")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
                self.wfile.flush()
            elif verb == "MAIL":
                mail_from, rcpts = cmd[10:].strip(), []
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                to = cmd[8:].strip().strip("<>")
                with lock:
                    state["rcpt"] += 1
                    n = state["rcpt"]
                    first = to not in state["failed_once"]
                    if a.fail_every and n % a.fail_every == 0 and first:
                        state["failed_once"].add(to)
                        self.reply("451 4.3.0 try again later")
                        continue
                if a.reject_every and n % a.reject_every == 0:
                    self.reply("550 5.1.1 no such user")
                    continue
                rcpts.append(to)
                self.reply("250 2.1.5 ok")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("503 5.5.1 no recipients")
                    continue
                self.reply("354 go ahead")
                data = []
                while True:
                    l = self.rfile.readline()
                    if not l:
                        return
                    if l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    data.append(l)
                with lock:
                    state["msgs"] += 1
                    n = state["msgs"]
                    if a.drop_every and n % a.drop_every == 0:
                        return  # gone before the reply: not accepted
                    with open(a.out, "a") as f:
                        f.write(json.dumps({"from": mail_from, "to": rcpts,
                                            "data": b"".join(data).decode("utf-8")}) + "\n")
                self.reply("250 2.0.0 queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 ok")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--fail-every", type=int, default=0)
    ap.add_argument("--reject-every", type=int, default=0)
    ap.add_argument("--drop-every", type=int, default=0)
    args = ap.parse_args()
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.args = args
    print("ready", args.port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


main()
