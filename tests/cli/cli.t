The vigie command line: version, help, dispatch, errors and exit codes.

  $ vigie --version
  vigie 0.1.0 (re)
  $ vigie -V
  vigie \d+\.\d+\.\d+ (re)

Help lists every command, in French by default, English on request.

  $ vigie --help | head -1
  Usage : vigie [--lang fr|en] COMMANDE [OPTIONS] [ARGUMENTS]
  $ vigie --lang en --help | head -1
  Usage: vigie [--lang fr|en] COMMAND [OPTIONS] [ARGUMENTS]
  $ VIGIE_LANG=en vigie --help | head -1
  Usage: vigie [--lang fr|en] COMMAND [OPTIONS] [ARGUMENTS]
  $ vigie --help | grep -c -E '^  (normalize|gen|demo) '
  3
  $ vigie --help | grep -E '^  [a-z][a-z-]+ ' | awk '{print $1}' | paste -sd' '
  normalize gen ingest export-ranges check report notify registry demo scan watch password attest serve token audit
  $ vigie help normalize | head -1
  Usage : vigie normalize [--json] KIND [VALEUR...]
  $ vigie normalize --help | head -1
  Usage : vigie normalize [--json] KIND [VALEUR...]
  $ vigie --lang=en help normalize | head -1
  Usage: vigie normalize [--json] KIND [VALUE...]

Unknown commands and options are usage errors (exit 2), with a pointer to help.

  $ vigie frobnicate
  vigie: commande inconnue : 'frobnicate'
  Aide : vigie --help
  [2]
  $ vigie --lang en frobnicate
  vigie: unknown command: 'frobnicate'
  See: vigie --help
  [2]
  $ vigie --frob
  vigie: option inconnue : '--frob'
  Aide : vigie --help
  [2]
  $ vigie --lang de --help
  vigie: --lang attend fr ou en
  Aide : vigie --help
  [2]
  $ vigie --lang
  vigie: --lang attend fr ou en
  Aide : vigie --help
  [2]
  $ vigie help nope
  vigie: commande inconnue : 'nope'
  Aide : vigie --help
  [2]
  $ vigie > out.txt 2> err.txt
  [2]
  $ head -1 err.txt; wc -c < out.txt
  Usage : vigie [--lang fr|en] COMMANDE [OPTIONS] [ARGUMENTS]
  0

libcurl, libmicrohttpd and GMime are loaded on first use (vigie/lazy.h):
ingesting and checking load none of them; scanning an e-mail loads GMime
and still not the other two.

  $ vigie gen --people 20 --seed 1 --format csv -o lazy.csv --quiet
  $ LD_DEBUG=libs vigie ingest --registry lazyreg --quiet lazy.csv 2>&1 >/dev/null | grep -c -E 'libcurl|libgmime|libmicrohttpd'
  0
  [1]
  $ LD_DEBUG=libs vigie check --registry lazyreg --email a@b.fr 2>&1 >/dev/null | grep -c -E 'libcurl|libgmime|libmicrohttpd'
  0
  [1]
  $ printf 'Subject: x\nFrom: a@b.fr\n\nhello\n' > lazy.eml
  $ LD_DEBUG=libs vigie scan --email lazy.eml 2>&1 >/dev/null | grep -o -E 'calling init: .*(libgmime|libcurl|libmicrohttpd)[^/ ]*' | sed 's|calling init: .*/||'
  libgmime-3.0.so.0
