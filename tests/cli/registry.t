vigie registry info | verify: what a registry holds, and whether it is intact.
Neither needs the key.

  $ vigie gen --people 3 --seed 1 --quiet -o leak.csv
  $ vigie ingest --registry reg --quiet leak.csv > /dev/null
  $ mv reg/registry.key .

info, as text: header, counts per table, sources with their special flag,
files, sections with checksums:

  $ vigie registry info --registry reg > info.txt
  $ grep -E '^(Registre|Format|Identifiants|Sources|Fichiers)' info.txt
  Registre          reg/registry-000001.vgr
  Format            version 1, génération 1
  Identifiants      15
  Sources           2
  Fichiers ingérés  1
  $ grep -E '^  (email|phone|nir|ft_id|name_dob) ' info.txt
    email      3
    phone      3
    nir        3
    ft_id      3
    name_dob   3
  $ grep -E '^ +[0-9]+ (France Travail|Cap Emploi)' info.txt
     0 France Travail
     1 Cap Emploi  [catégorie particulière, art. 9 RGPD]
  $ grep -c -E '^  (keys|payloads)\.[a-z_]+ +[0-9]+ +[0-9]+ +[0-9]+  [0-9a-f]{16}$' info.txt
  10
  $ grep -E '^Identifiant de clé [0-9a-f]{16}$' info.txt | wc -l
  1
  $ grep -c -e virginie -e 297083306306889 -e 0796930399 info.txt
  0
  [1]
  $ vigie --lang en registry info --registry reg | grep -E '^(Registry|Rows) '
  Registry          reg/registry-000001.vgr
  Rows              3 read, 3 accepted, 0 rejected

info --json: the same, for programs:

  $ vigie registry info --registry reg --json > info.json
  $ python3 -c 'import json; d = json.load(open("info.json")); print(d["generation"], d["entries"], d["tables"], [(s["name"], s["special_category"]) for s in d["sources"]], len(d["sections"]), d["rows"], len(d["files"]), d["files"][0]["name"], len(d["key_id"]))'
  1 15 {'email': 3, 'phone': 3, 'nir': 3, 'ft_id': 3, 'name_dob': 3} [('France Travail', False), ('Cap Emploi', True)] 13 {'read': 3, 'accepted': 3, 'rejected': 0} 1 leak.csv 16

verify: 0 when intact:

  $ vigie registry verify --registry reg
  reg/registry-000001.vgr : intact
  $ vigie registry verify --registry reg --json --lang en
  {
    "registry": "reg",
    "path": "reg/registry-000001.vgr",
    "ok": true
  }

A damaged byte anywhere: verify says what and where, exit 3:

  $ cp -r reg bad
  $ off=$(python3 -c 'import json; print([s for s in json.load(open("info.json"))["sections"] if s["name"] == "payloads.nir"][0]["offset"])') && python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[o] ^= 0x01; open(p, "wb").write(b)' bad/registry-000001.vgr $off
  $ vigie registry verify --registry bad
  vigie registry: registre corrompu : bad/registry-000001.vgr: section payloads.nir: checksum mismatch .* (re)
  [3]
  $ vigie registry verify --registry bad --json 2> /dev/null | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["ok"], "payloads.nir" in d["error"])'
  False True

Truncated, emptied, or random bytes: refused at open, never a crash:

  $ truncate -s 2000 bad/registry-000001.vgr
  $ vigie registry verify --registry bad
  vigie registry: registre inutilisable : bad/registry-000001.vgr: truncated: .* (re)
  [3]
  $ vigie registry info --registry bad > /dev/null 2>&1
  [3]
  $ : > bad/registry-000001.vgr
  $ vigie registry info --registry bad > /dev/null 2>&1
  [3]
  $ head -c 4096 /dev/urandom > bad/registry-000001.vgr
  $ vigie registry verify --registry bad > /dev/null 2>&1
  [3]

No registry, usage errors:

  $ vigie registry info --registry nowhere
  vigie registry: registre inutilisable : no registry in nowhere yet (no CURRENT file): run vigie ingest first
  [3]
  $ vigie registry
  vigie registry: sous-commande manquante : info ou verify
  Aide : vigie help registry
  [2]
  $ vigie registry list
  vigie registry: sous-commande inconnue : 'list' (info ou verify)
  Aide : vigie help registry
  [2]
  $ vigie registry info --registry reg --bogus > /dev/null 2>&1
  [2]
  $ vigie registry info --registry reg extra > /dev/null 2>&1
  [2]
  $ vigie registry --help | head -2
  Usage : vigie registry info [--registry DIR] [--json]
          vigie registry verify [--registry DIR] [--json]
