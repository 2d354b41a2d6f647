vigie password: strength (libzxcvbn) and leaks (Have I Been Pwned ranges),
the password read from standard input here (the terminal case is in
password_tty.py, the API case in password_api.py).

A password is never taken from the command line, and never quoted back:

  $ vigie password 'hunter2'
  vigie password: le mot de passe ne se donne jamais en argument (il resterait dans l'historique et la liste des processus) : tapez-le à l'invite, ou passez-le sur l'entrée standard
  Aide : vigie help password
  [2]
  $ vigie password --lang en -- --hunter2 2>&1 | grep -c hunter2
  0
  [1]
  $ vigie password --hunter2
  vigie password: option inconnue (non recopiée)
  Aide : vigie help password
  [2]
  $ vigie password --min-score 5 < /dev/null
  vigie password: --min-score attend 0, 1, 2, 3 ou 4
  Aide : vigie help password
  [2]
  $ vigie password --ranges a --api http://127.0.0.1:9 < /dev/null
  vigie password: une seule source : --registry, --ranges ou --api
  Aide : vigie help password
  [2]
  $ vigie password --lang en --api ftp://example.org < /dev/null
  vigie password: --api: API URL: http:// or https:// expected
  See: vigie help password
  [2]
  $ vigie password --lang en < /dev/null
  vigie password: no password on standard input
  See: vigie help password
  [2]
  $ printf 'one\ntwo\n' | vigie password --lang en
  vigie password: several lines on standard input: one only, or --batch
  See: vigie help password
  [2]
  $ head -c 2000 /dev/zero | tr '\0' x | vigie password --lang en
  vigie password: password too long (> 1024)
  See: vigie help password
  [2]

The text answer, in French by default. A top-10 password is weak (exit 1):

  $ echo password | vigie password
  Robustesse : 0/4 (très faible)
  Essais nécessaires (estimation) : 1 (10^0.0)
  Temps pour le casser :
    en ligne, avec limitation (100 essais par heure) : 36 secondes
    en ligne, sans limitation (10 essais par seconde) : moins d'une seconde
    hors ligne, hachage lent (10 000 essais par seconde) : moins d'une seconde
    hors ligne, hachage rapide (10 milliards d'essais par seconde) : moins d'une seconde
  Attention : C'est l'un des 10 mots de passe les plus courants.
  Conseils :
    - Ajoutez un ou deux mots. Les mots peu courants sont meilleurs.
  Fuites : non vérifié (--registry DIR, --ranges DIR ou --api URL pour vérifier).
  Verdict : trop faible
  [1]
  $ echo 'x7#kP!2mQz9@' | vigie --lang en password | sed -n '1p;$p'
  Strength: 4/4 (strong)
  Verdict: acceptable
  $ printf 'x7#kP!2mQz9@\r\n' | vigie password > /dev/null

--min-score moves the bar:

  $ echo 'zxcvbnm,./' | vigie password --min-score 1 | head -1
  Robustesse : 1/4 (faible)
  $ echo 'zxcvbnm,./' | vigie password --min-score 2 > /dev/null
  [1]

JSON, with the JS zxcvbn keys:

  $ cat > show.py <<'EOF'
  > import json, sys
  > for line in sys.stdin:
  >     d = json.loads(line)
  >     if "error" in d:
  >         print(d.get("line", "-"), "error", d["error"]["code"], d["ok"])
  >         continue
  >     b = d["breach"]
  >     leak = ("found %d" % b["count"] if b["found"] else "absent") if b["checked"] else ("error" if "error" in b else "unchecked")
  >     print(d.get("line", "-"), d["score"], d["ok"], (d["feedback"]["warning"] or {}).get("code", "-"),
  >           ",".join(s["code"] for s in d["feedback"]["suggestions"]) or "-", leak,
  >           round(d["guesses_log10"], 1), sorted(d["crack_times_seconds"]) == sorted(d["crack_times_display"]))
  > EOF
  $ echo 'P@ssw0rd' | vigie password --json | python3 show.py
  - 0 False similar add_word,capitalization,l33t unchecked 0.6 True
  $ echo 'P@ssw0rd' | vigie password --json --lang en | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["feedback"]["warning"]["text"]); print(d["crack_times_display"]["online_throttling_100_per_hour"])'
  This is similar to a commonly used password.
  2 minutes

A directory of range files, as `vigie export-ranges` writes them: DIR/<5 hex>,
lines SUFFIX:COUNT with CRLF. Built here with Python's hashlib: "password"
leaked 3861493 times, the strong one is not in its range file.

  $ cat > mkranges.py <<'EOF'
  > import hashlib, os, sys
  > os.makedirs("ranges", exist_ok=True)
  > def add(pw, count, others):
  >     h = hashlib.sha1(pw.encode()).hexdigest().upper()
  >     lines = ["%s:%d" % (o, 1) for o in others]
  >     if count:
  >         lines.append("%s:%d" % (h[5:], count))
  >     lines.append("F" * 35 + ":0")  # padding
  >     with open(os.path.join("ranges", h[:5]), "w", newline="") as f:
  >         f.write("".join(l + "\r\n" for l in sorted(lines)))
  > add("password", 3861493, ["0018A45C4D1DEF81644B54AB7F969B88D65"])
  > add("x7#kP!2mQz9@", 0, ["00000000000000000000000000000000001"])
  > add("Correct-Horse-Battery-Staple-2024", 12, [])
  > EOF
  $ python3 mkranges.py && ls ranges | wc -l
  3
  $ echo password | vigie password --ranges ranges | tail -2
  Fuites : TROUVÉ, 3861493 fois dans les fuites connues (plages locales). Ne l'utilisez plus.
  Verdict : à changer : il a fuité
  $ echo 'x7#kP!2mQz9@' | vigie password --ranges ranges --lang en | tail -2
  Leaks: not in known leaks (local ranges).
  Verdict: acceptable

A strong password that leaked is refused (exit 1):

  $ echo 'Correct-Horse-Battery-Staple-2024' | vigie password --ranges ranges --json | python3 show.py
  - 4 False - - found 12 28.2 True
  $ echo 'Correct-Horse-Battery-Staple-2024' | vigie password --ranges ranges > /dev/null
  [1]

A range file missing (an export has all 1,048,576) or corrupt is an error
(exit 3), and the message holds neither the password nor its hash prefix:

  $ echo 'not-in-any-file' | vigie password --ranges ranges --lang en 2>&1 >/dev/null
  vigie password: cannot check leaks: ranges directory ranges: a range file is missing (an export holds all 1,048,576)
  [3]
  $ echo 'x' | vigie password --ranges nowhere --lang en 2>&1 >/dev/null
  vigie password: cannot check leaks: ranges directory nowhere: No such file or directory
  [3]
  $ cp ranges/5BAA6 saved && echo 'not hex at all' > ranges/5BAA6
  $ echo password | vigie password --ranges ranges --lang en 2>&1 >/dev/null
  vigie password: cannot check leaks: ranges directory ranges: range line 1: not "35-hex-suffix:count"
  [3]
  $ mv saved ranges/5BAA6

Batch: one password per line on standard input, one JSON object per line
with its number; exit 1 when any line is weak or leaked, 3 when a check
failed (the other lines are still answered):

  $ printf 'password\nx7#kP!2mQz9@\n\nCorrect-Horse-Battery-Staple-2024\r\n' | vigie password --batch --ranges ranges 2>/dev/null | python3 show.py
  1 0 False top10 add_word found 3861493 0.0 True
  2 4 True - - absent 22.2 True
  3 0 False - few_words,no_symbols_needed error 0.0 True
  4 4 False - - found 12 28.2 True
  $ printf 'password\nx7#kP!2mQz9@\n\nCorrect-Horse-Battery-Staple-2024\r\n' | vigie password --batch --ranges ranges --lang en > out.jsonl
  vigie password: some leak checks failed (see "breach.error")
  [3]
  $ printf 'x7#kP!2mQz9@\n' | vigie password --batch --ranges ranges | python3 show.py
  1 4 True - - absent 22.2 True
  $ { echo 'x7#kP!2mQz9@'; head -c 1500 /dev/zero | tr '\0' y; printf '\npassword\n'; } | vigie password --batch | python3 show.py
  1 4 True - - unchecked 22.2 True
  2 error too_long False
  3 0 False top10 add_word unchecked 0.0 True
  $ { echo 'x7#kP!2mQz9@'; head -c 1500 /dev/zero | tr '\0' y; echo; } | vigie password --batch > /dev/null
  [1]

No output ever holds a password:

  $ printf 'password\nx7#kP!2mQz9@\n\nCorrect-Horse-Battery-Staple-2024\n' | vigie password --batch --ranges ranges > all.out 2>&1; grep -c -e 'x7#kP' -e 'Horse' -e '"password' all.out
  0
  [1]

The local store that `vigie ingest --passwords` builds in a registry
directory (SHA-1 looked up in the store itself, nothing leaves):

  $ printf 'azerty:9\nsoleil2024\n' > list.txt
  $ vigie ingest --passwords --registry preg -q list.txt > /dev/null
  $ echo azerty | vigie password --registry preg | grep Fuites
  Fuites : TROUVÉ, 9 fois dans les fuites connues (registre local). Ne l'utilisez plus.
  $ echo azerty | vigie password --registry preg --json | jq -c .breach
  {"checked":true,"source":"registry","found":true,"count":9}
  $ echo 'Xk9#vLq2!mZp7wR' | vigie --lang en password --registry preg | grep Leaks
  Leaks: not in known leaks (local registry).
  $ printf 'soleil2024\nazerty\n' | vigie password --batch --registry preg | jq -c '[.line, .breach.count]'
  [1,1]
  [2,9]
  $ echo x | vigie --lang en password --registry nowhere
  vigie password: nowhere: no breached passwords ingested (vigie ingest --passwords --registry nowhere FILE)
  [3]
  $ echo x | vigie password --registry preg --ranges r
  vigie password: une seule source : --registry, --ranges ou --api
  Aide : vigie help password
  [2]
