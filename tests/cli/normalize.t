`vigie normalize`: arguments, modes and errors common to every kind.

  $ vigie normalize
  vigie normalize: KIND manquant (email, phone, nir, name, dob, address, id)
  Aide : vigie help normalize
  [2]
  $ vigie normalize frob x
  vigie normalize: type d'identifiant inconnu : 'frob' (email, phone, nir, name, dob, address, id)
  Aide : vigie help normalize
  [2]
  $ vigie normalize --lang en --nope email x
  vigie normalize: unknown option or missing value: --nope
  See: vigie help normalize
  [2]
  $ vigie normalize --lang xx email x
  vigie normalize: --lang attend fr ou en
  Aide : vigie help normalize
  [2]

Options may follow the kind; `--` ends options.

  $ vigie normalize email --json ' A@B.FR ' | grep -o '"canonical":"a@b.fr"'
  "canonical":"a@b.fr"
  $ vigie normalize email -- a@b.fr
  a@b.fr

Several values: every valid one is printed; exit 1 when any is invalid, the
reason on standard error, in order.

  $ vigie normalize email a@b.fr nope c@d.fr
  a@b.fr
  vigie normalize: email: .* (re)
  c@d.fr
  [1]

Standard input: one line out per line in, never stops on a bad line; the
last line may lack its newline; CRLF is accepted.

  $ printf 'a@b.fr\r\nnope\n\nC@D.FR' | vigie normalize email
  a@b.fr
  invalid: .* (re)
  invalid: .* (re)
  c@d.fr

An overlong line (over 4096 bytes) is invalid, and memory stays bounded.

  $ head -c 100000 /dev/zero | tr '\0' 'a' | vigie normalize --lang en email
  invalid: value too long
  $ (echo a@b.fr; head -c 5000000 /dev/zero | tr '\0' 'x'; echo; echo c@d.fr) | vigie normalize email | cut -c1-40
  a@b.fr
  invalid: valeur trop longue
  c@d.fr

JSON lines on standard input.

  $ printf 'a@b.fr\nnope\n' | vigie normalize --json email | grep -c '"kind":"email"'
  2
  $ printf 'x@y.fr\n' | vigie normalize --json email | python3 -c 'import json,sys; o=json.loads(sys.stdin.read()); print(o["valid"], o["canonical"], o["reason"])'
  True x@y.fr None

Invalid UTF-8 in the input is shown back as U+FFFD in JSON, never raw.

  $ printf '\xff@b.fr\n' | vigie normalize --json email | python3 -c 'import json,sys; o=json.loads(sys.stdin.read()); print(o["input"] == "\ufffd@b.fr")'
  True
