vigie ingest --passwords: password lists and HIBP files into the breached-
password stores (docs/passwords.md). A plaintext list: counts after ":" or a
tab, CRLF, a blank line, a bad count, a password with a colon in it:

  $ printf 'password:10\r\n123456\t3\r\n\r\nbad\tcount\r\nP@ss:word\r\nP@ss:word:2\r\n' > list.txt
  $ vigie ingest --passwords --registry reg list.txt
  Fichiers : 1 ingéré(s), 0 déjà ingéré(s) et ignoré(s), 0 en échec
    list.txt : mots de passe en clair, 6 lignes : 4 acceptées, 1 mauvaises, 1 vides
      bad_count                 1  nombre d'occurrences invalide (1 à 4294967295)
      ligne 4 : bad_count
  SHA-1 : version 1 publiée, 3 empreintes (3 nouvelles), 16 occurrences, reg/passwords.sha1
  NTLM : version 1 publiée, 3 empreintes (3 nouvelles), 16 occurrences, reg/passwords.ntlm
  Durée : [0-9]+,[0-9] s \([0-9]+ empreintes/s\) (re)
  $ ls reg
  passwords.lock
  passwords.ntlm
  passwords.sha1

The same bytes again (under another name) add nothing:

  $ cp list.txt copy.txt
  $ vigie --lang en ingest --passwords --registry reg copy.txt
  Files: 0 ingested, 1 already ingested and skipped, 0 failed
    copy.txt: already ingested, skipped
  SHA-1: unchanged, version 1, 3 hashes, reg/passwords.sha1
  NTLM: unchanged, version 1, 3 hashes, reg/passwords.ntlm
  Time: [0-9]+\.[0-9] s \([0-9]+ hashes/s\) (re)

gzip and zstd lists, and standard input; counts add up. The HIBP SHA-1 file
(detected) goes to the SHA-1 store only, the NTLM file to the NTLM store:

  $ printf 'password\nqwerty:5\n' | gzip > more.txt.gz
  $ printf 'azerty\n' | zstd -q > more.txt.zst
  $ printf '5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:100\nnot a hash\n7c4a8d09ca3762af61e59520943dc26494f8941b:0\n' > hibp-sha1.txt
  $ printf '8846F7EAEE8FB117AD06BDD830B7586C:1000\n' > hibp-ntlm.txt
  $ printf 'stdin-password:4\n' | vigie ingest --passwords --registry reg --json more.txt.gz more.txt.zst hibp-sha1.txt hibp-ntlm.txt - > out.json
  $ jq -c '.files[] | [.path, .status, .kind, .compression, .lines, .accepted, .bad, .stores]' out.json
  ["more.txt.gz","ingested","plain","gzip",2,2,0,["sha1","ntlm"]]
  ["more.txt.zst","ingested","plain","zstd",1,1,0,["sha1","ntlm"]]
  ["hibp-sha1.txt","ingested","hibp-sha1","none",3,1,2,["sha1"]]
  ["hibp-ntlm.txt","ingested","hibp-ntlm","none",1,1,0,["ntlm"]]
  ["-","ingested","plain","none",1,1,0,["sha1","ntlm"]]
  $ jq -c '.files[2].first_bad_lines, .files[2].bad_by_reason' out.json
  [{"line":2,"reason":"bad_hash"},{"line":3,"reason":"zero_count"}]
  {"bad_hash":1,"zero_count":1}
  $ jq -c '[.stores.sha1.version, .stores.sha1.entries, .stores.sha1.occurrences, .stores.ntlm.version, .stores.ntlm.entries, .stores.ntlm.occurrences, .hashes_added]' out.json
  [2,6,127,2,6,1027,10]

The NTLM range of "password" (8846F...) now says 10 + 1 + 1000 (the export
writes what the API answers; SHA-1 exports: export_ranges.t):

  $ vigie export-ranges --registry reg --mode ntlm --json -q out | jq -c '[.mode, .files, .nonempty]'
  ["ntlm",1048576,6]
  $ cat out/range-ntlm/8846F; echo
  7EAEE8FB117AD06BDD830B7586C:1011
  $ rm -rf out

A file that cannot be read fails with exit 3; the others are ingested:

  $ printf 'new-one\n' > new.txt
  $ vigie --lang en ingest --passwords --registry reg missing.txt new.txt
  vigie ingest: missing.txt: No such file or directory
  Files: 1 ingested, 0 already ingested and skipped, 1 failed
    missing.txt: failed: missing.txt: No such file or directory
    new.txt: plaintext passwords, 1 lines: 1 accepted, 0 bad, 0 blank
  SHA-1: version 3 published, 7 hashes (1 new), 128 occurrences, reg/passwords.sha1
  NTLM: version 3 published, 7 hashes (1 new), 1028 occurrences, reg/passwords.ntlm
  Time: [0-9]+\.[0-9] s \([0-9]+ hashes/s\) (re)
  [3]

--password-format plain-raw takes each line whole (no count); a broken gzip
stream stops the run and publishes nothing:

  $ printf 'ratio:10\n' > raw.txt
  $ vigie ingest --passwords --registry reg --password-format plain-raw --json raw.txt | jq -c '[.files[0].kind, .stores.sha1.occurrences]'
  ["plain-raw",129]
  $ seq 1 100000 | gzip > broken.gz; truncate -s 20000 broken.gz
  $ vigie --lang en ingest --passwords --registry reg broken.gz
  vigie ingest: broken.gz: .* nothing is published; fix or remove the file and run again\) (re)
  [3]
  $ vigie --lang en ingest --passwords --registry reg --json new.txt | jq -c '[.stores.sha1.version, .stores.sha1.occurrences]'
  [4,129]

Usage errors:

  $ vigie ingest --passwords --registry reg
  vigie ingest: aucune liste de mots de passe à ingérer
  Aide : vigie help ingest
  [2]
  $ vigie ingest --passwords --password-format csv list.txt
  vigie ingest: --password-format attend auto, plain, plain-raw, hibp-sha1 ou hibp-ntlm
  Aide : vigie help ingest
  [2]
  $ vigie ingest --passwords --memory 1K list.txt
  vigie ingest: --memory : taille invalide « 1K » (exemples : 512M, 4G ; au moins 1M)
  Aide : vigie help ingest
  [2]
  $ vigie --lang en ingest --help | grep -- '--passwords'
    vigie ingest --passwords [--registry DIR] [--password-format FORMAT]
