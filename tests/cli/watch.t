vigie watch: bulk extraction in access logs. A small generated history: 30
advisors over 3 days with the takeover attack (two Cap Emploi accounts).

  $ vigie watch gen --advisors 30 --days 3 --seed 3 --attacks takeover -o s.jsonl --truth s.truth
  $ wc -l < s.jsonl
  15215
  $ head -2 s.truth | cut -c1-95
  {"type":"incident","id":1,"scenario":"takeover","account":"ce000008","role":"conseiller_cap_emp
  {"type":"incident","id":2,"scenario":"takeover","account":"ce000007","role":"conseiller_cap_emp

Same seed, same bytes; `vigie gen --access-log` is the same generator
(`vigie watch gen` is its alias), the option anywhere on the line:

  $ vigie watch gen --advisors 30 --days 3 --seed 3 --attacks takeover | cmp - s.jsonl && echo same
  same
  $ vigie gen --access-log --advisors 30 --days 3 --seed 3 --attacks takeover | cmp - s.jsonl && echo same
  same
  $ vigie gen --seed 3 --days 3 --access-log --advisors 30 --attacks takeover --lang en -o g.jsonl --truth g.truth && cmp g.jsonl s.jsonl && cmp g.truth s.truth && echo same
  same
  $ vigie --lang en gen --access-log --help | head -2
  Usage: vigie gen --access-log [OPTIONS]
         (or: vigie watch gen [OPTIONS])
  $ vigie gen --access-log --advisors 0
  vigie gen: --advisors : un entier de 1 à 200000
  Aide : vigie help gen
  [2]
  $ vigie gen --access-log --attacks all,bogus
  vigie gen: --attacks : takeover, insider, stuffing, all ou none
  Aide : vigie help gen
  [2]
  $ vigie --lang en gen --access-log --insider-extra 0
  vigie gen: --insider-extra: a percentage from 1 to 1000
  See: vigie help gen
  [2]
  $ vigie gen --access-log -o nodir/x.jsonl
  vigie gen: nodir/x.jsonl: No such file or directory
  [3]

The replay finds both accounts within the hour, with no false alert (exit 0):

  $ vigie --lang en watch --replay --quiet s.jsonl --truth s.truth
  alerts:
    2024-02-06T19:44:43+01:00  ce000008    takeover (incident 1), delay 31 min 18 s
    2024-02-07T20:51:02+01:00  ce000007    takeover (incident 2), delay 0 min 00 s
  incidents:
    1  takeover  ce000008   from 2024-02-06T19:13:25+01:00  detected after 31 min 18 s (target 1 h 00 min 00 s) OK
    2  takeover  ce000007   from 2024-02-07T20:51:02+01:00  detected after 0 min 00 s (target 1 h 00 min 00 s) OK
  false alerts: 0 for 67 benign account-days = 0.00 per 10,000 (target <= 1) OK
  vigie watch: 15215 events, 0 malformed lines, 28 accounts, 2 alerts \(\+9 updates, 0 stuffing\), .* (re)

Live mode: alerts as JSON lines; exit 1 when there are alerts. The first says
which account, since when, how many people, and why:

  $ vigie watch s.jsonl 2>/dev/null | head -1 | cut -c1-150
  {"type":"alert","at":"2024-02-06T19:44:43+01:00","account":"ce000008","role":"conseiller_cap_emploi","agency":"CE-000","since":"2024-02-06T19:13:25+01
  $ vigie watch -q s.jsonl 2>/dev/null
  [1]

No person identifier ever appears in an alert:

  $ vigie watch s.jsonl 2>/dev/null | grep -c '[0-9]\{7\}[A-Z]'
  0
  [1]

Malformed lines are counted and reported with their numbers, never fatal:

  $ (head -3 s.jsonl; echo '{"ts":"x","account":"a","action":"read"}'; echo 'not json'; sed -n 4,10p s.jsonl) > bad.jsonl
  $ vigie --lang en watch bad.jsonl
  vigie watch: bad.jsonl:4: malformed line: unreadable timestamp
  vigie watch: bad.jsonl:5: malformed line: the line is not a JSON object
  vigie watch: 10 events, 2 malformed lines, .* (re)
  $ vigie watch --json -q bad.jsonl 2>/dev/null | cut -d, -f1-3
  {"events":10,"malformed_lines":2,"first_malformed_lines":[4
  $ vigie watch --max-errors 0 bad.jsonl 2>&1 | tail -1
  vigie watch : premières lignes mal formées : 4 5

Live: `--follow` reads a file as it grows, alerts come as they are found,
and a stop request (SIGTERM, Ctrl-C) ends with the summary:

  $ head -n 7000 s.jsonl > live.jsonl
  $ vigie --lang en watch -F live.jsonl > live.out 2> live.err & pid=$!
  > tail -n +7001 s.jsonl >> live.jsonl
  > for i in $(seq 600); do [ "$(cat live.out 2>/dev/null | grep -c '"type":"alert"')" -ge 2 ] && break; sleep 0.1; done
  > kill -TERM $pid; wait $pid; echo "exit $?"
  > grep -c '"type":"alert"' live.out; grep -o '"account":"[a-z0-9]*"' live.out | sort -u
  > cat live.err
  exit 1
  2
  "account":"ce000007"
  "account":"ce000008"
  vigie watch: \d+ events, 0 malformed lines, 2\d accounts, 2 alerts .* (re)

Standard input, live:

  $ cat s.jsonl | vigie watch - 2>/dev/null | grep -c '"type":"alert"'
  2

Field names are configurable (here the log calls them when, who, what and
whom):

  $ sed -e 's/"ts":/"when":/' -e 's/"account":/"who":/' -e 's/"action":/"what":/' -e 's/"person":/"whom":/' s.jsonl > renamed.jsonl
  $ vigie --lang en watch -q --replay --fields ts=when,account=who,action=what,person=whom renamed.jsonl --truth s.truth 2>/dev/null | tail -1
  false alerts: 0 for 67 benign account-days = 0.00 per 10,000 (target <= 1) OK
  $ vigie --lang en watch -q renamed.jsonl 2>&1 | head -1
  vigie watch: renamed.jsonl:1: malformed line: .* (re)

CSV, with the generator's own format:

  $ vigie watch gen --advisors 30 --days 3 --seed 3 --attacks takeover --format csv | vigie --lang en watch -q --replay - --truth s.truth 2>/dev/null | grep incidents -A2 | cut -c1-40
  incidents:
    1  takeover  ce000008   from 2024-02-0
    2  takeover  ce000007   from 2024-02-0

A CSV header without the required columns cannot be read:

  $ printf 'time,user\n1,2\n' | vigie --lang en watch
  vigie watch: -:1: the CSV header lacks the ts, account and action columns
  vigie watch: 0 events, .* (re)
  [3]

Usage errors:

  $ vigie watch --ceiling x s.jsonl
  vigie watch: --ceiling : un entier de 2 à 10000000
  Aide : vigie help watch
  [2]
  $ vigie watch --truth s.truth s.jsonl
  vigie watch: --truth va avec --replay
  Aide : vigie help watch
  [2]
  $ vigie watch --fields when=t s.jsonl
  vigie watch: --fields : champ inconnu 'when' (ts, account, role, agency, src, ua, action, person, query, results)
  Aide : vigie help watch
  [2]
  $ vigie watch gen --advisors 0
  vigie watch gen: --advisors : un entier de 1 à 200000
  Aide : vigie help watch gen
  [2]
  $ vigie watch nothere.jsonl
  vigie watch: nothere.jsonl: No such file or directory
  vigie watch : 0 événements, .* (re)
  [3]

A webhook receives each alert and update as a JSON POST (here a small
server on a port the system picks):

  $ cat > hook.py <<'EOF'
  > import http.server
  > class H(http.server.BaseHTTPRequestHandler):
  >     def do_POST(self):
  >         body = self.rfile.read(int(self.headers["Content-Length"]))
  >         with open("hook.out", "ab") as f:
  >             f.write(self.headers["Content-Type"].encode() + b" " + body + b"\n")
  >         self.send_response(200)
  >         self.end_headers()
  >     def log_message(self, *a):
  >         pass
  > s = http.server.HTTPServer(("127.0.0.1", 0), H)
  > with open("port.tmp", "w") as f:
  >     f.write(str(s.server_port))
  > __import__("os").rename("port.tmp", "port")
  > s.serve_forever()
  > EOF
  $ python3 hook.py & pid=$!
  > for i in $(seq 100); do [ -s port ] && break; sleep 0.1; done
  > vigie watch -q --webhook http://127.0.0.1:$(cat port)/alerts s.jsonl 2>/dev/null; echo "exit $?"
  > kill $pid
  > wc -l < hook.out; grep -c '^application/json {"type":"alert"' hook.out; grep -c '"type":"update"' hook.out
  exit 1
  11
  2
  9

A webhook that does not answer is counted, not fatal (alerts still printed):

  $ vigie --lang en watch -q --webhook http://127.0.0.1:9/x s.jsonl 2>&1 | tail -1
  vigie watch: 11 webhook calls failed

