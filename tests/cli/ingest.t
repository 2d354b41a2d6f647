vigie ingest: leaked files into the exposure registry. A small leak in two
sources (2000 people, seed 3, one file per source), with its ground truth:

  $ vigie gen --people 2000 --seed 3 --split-sources -o leak.csv --truth truth.jsonl --quiet
  $ wc -l < leak-france-travail.csv; wc -l < leak-cap-emploi.csv
  1942
  87

The France Travail file first. Every row is accepted; the key is created
(0600) with the registry:

  $ vigie ingest --registry reg leak-france-travail.csv
  Fichiers : 1 ingéré(s), 0 déjà ingéré(s) et ignoré(s), 0 en échec
    leak-france-travail.csv : 1941 lignes lues, 1941 acceptées, 0 rejetées (csv, source France Travail)
  Lignes : 1941 lues = 1941 acceptées + 0 rejetées
  Champs invalides : aucun
  Identifiants (ajoutés par ce passage ; nouveaux ; total du registre) :
    email             1941         1941         1941
    phone             1941         1941         1941
    nir               1941         1941         1941
    ft_id             1941         1941         1941
    name_dob          2352         2352         2352
  Sources :
    France Travail (nouvelle) : 1941 lignes acceptées
  Registre : version 1 publiée, reg/registry-000001.vgr
  Clé : créée dans reg/registry.key (0600) ; gardez-la en lieu sûr, sans elle le registre est illisible
  Rejets : aucun
  Durée : [0-9]+,[0-9] s \([0-9]+ lignes/s\) (re)
  $ stat -c %a reg/registry.key; ls reg
  600
  CURRENT
  registry-000001.vgr
  registry.key
  registry.lock

The second source merges into it: 27 people are in both, so 59 of the 86
Cap Emploi identifiers are new; Cap Emploi is flagged special-category:

  $ vigie --lang en ingest --registry reg leak-cap-emploi.csv
  Files: 1 ingested, 0 already ingested and skipped, 0 failed
    leak-cap-emploi.csv: 86 rows read, 86 accepted, 0 rejected (csv, source Cap Emploi)
  Rows: 86 read = 86 accepted + 0 rejected
  Invalid fields: none
  Identifiers (given by this run; new; registry total):
    email               86           59         2000
    phone               86           59         2000
    nir                 86           59         2000
    ft_id               86           59         2000
    name_dob            97           67         2419
  Sources:
    France Travail
    Cap Emploi (new) (special category, art. 9): 86 rows accepted
  Registry: version 2 published, reg/registry-000002.vgr
  Rejects: none
  Time: [0-9]+\.[0-9] s \([0-9]+ rows/s\) (re)
  $ vigie registry verify --registry reg
  reg/registry-000002.vgr : intact

A progress bar (rows/s, percentage, time left) on a terminal only: here
under script(1); never with --quiet, nor on a pipe (as in every command
above):

  $ script -qec 'vigie ingest --registry r5 leak-cap-emploi.csv' /dev/null | tr '\r' '\n' | grep -c -E '^  fichier 1/1 +[0-9.]+ %.*lignes/s  reste'
  [1-9] (re)
  $ script -qec 'vigie ingest --registry r6 --quiet leak-cap-emploi.csv' /dev/null | tr '\r' '\n' | grep -c 'lignes/s  reste'
  0
  [1]

Lookups see both sources. Person 0 is in France Travail only; someone in
both sources has both:

  $ vigie check --registry reg --email jack.rosette1@neuf.fr --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["exposed"], d["sources"], len(d["categories"]))'
  True ['France Travail'] 10
  $ grep '"type":"person"' truth.jsonl | grep '"cap_emploi":\[' | grep -m1 '"france_travail":\[' | python3 -c 'import json,sys; print(json.load(sys.stdin)["nir"])' > both.nir
  $ vigie check --registry reg --nir "$(cat both.nir)" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["exposed"], d["sources"], d["special_category"])'
  True ['France Travail', 'Cap Emploi'] True
  $ vigie check --registry reg --email nobody.here@example.org > /dev/null
  [1]

The same files again change nothing: both are recognised by their
fingerprint, nothing is published, the registry file is byte for byte the
same:

  $ md5sum reg/registry-000002.vgr > sum
  $ vigie ingest --registry reg leak-cap-emploi.csv leak-france-travail.csv | head -3
  Fichiers : 0 ingéré(s), 2 déjà ingéré(s) et ignoré(s), 0 en échec
    leak-cap-emploi.csv : déjà ingéré, ignoré
    leak-france-travail.csv : déjà ingéré, ignoré
  $ md5sum -c sum; cat reg/CURRENT
  reg/registry-000002.vgr: OK
  registry-000002.vgr

On standard input, the fingerprint comes at the end: read, recognised, not
published either:

  $ cat leak-cap-emploi.csv | vigie ingest --registry reg - | sed -n '1,2p;/Registre/p'
  Fichiers : 0 ingéré(s), 1 déjà ingéré(s) et ignoré(s), 0 en échec
    (entrée standard) : déjà ingéré, ignoré
  Registre : inchangé, version 2, reg/registry-000002.vgr
  $ md5sum -c sum; ls reg
  reg/registry-000002.vgr: OK
  CURRENT
  registry-000001.vgr
  registry-000002.vgr
  registry.key
  registry.lock

--json gives the same numbers as one object:

  $ vigie gen --people 300 --seed 9 -o other.csv.gz --quiet
  $ vigie ingest --registry reg --json other.csv.gz | python3 -c '
  > import json, sys
  > d = json.load(sys.stdin)
  > f = d["files"][0]
  > print(f["status"], f["format"], f["compression"], f["source"], f["rows_read"], f["rows_accepted"], f["rows_rejected"])
  > print(d["files_ingested"], d["files_skipped"], d["rows_read"] == d["rows_accepted"] + d["rows_rejected"])
  > print(sorted(d["identifiers"]), d["identifiers"]["nir"]["added"], d["identifiers"]["nir"]["total"])
  > print(d["registry"]["version"], d["registry"]["published"], d["rejects"], [s["name"] for s in d["sources"]])
  > print(d["rows_with"]["nir"], d["rows_with"]["sex"], sorted(d["invalid_fields"]))'
  ingested csv gzip France Travail 307 307 0
  1 0 True
  ['email', 'ft_id', 'name_dob', 'nir', 'phone'] 307 2300
  3 True None ['France Travail', 'Cap Emploi']
  307 307 ['dob', 'email', 'ft_id', 'name', 'nir', 'phone']

Ground truth, through `vigie check --batch`: every person of the leak is
found by each identifier (email, phone, NIR, France Travail id, name + date of
birth, in both name orders) with exactly the categories and sources of the
truth; people of another seed are not found (unless they share an
identifier with a member):

  $ vigie gen --people 400 --seed 77 -o nonmembers.csv --truth nonmembers.jsonl --quiet
  $ python3 - > expected.txt <<'EOF'
  > import json
  > names = {"france_travail": "France Travail", "cap_emploi": "Cap Emploi"}
  > members = {}
  > def ids(p):
  >     n = p["name"]
  >     yield "email", p["email"]
  >     yield "phone", p["phone"]
  >     yield "nir", p["nir"]
  >     yield "id", p["ft_id"]
  >     yield "name", n["first"] + " " + n["birth"] + "\t" + p["dob"]
  >     yield "name", n["usage"] + " " + n["first"] + "\t" + p["dob"]
  > lines = open("batch.tsv", "w")
  > for l in open("truth.jsonl"):
  >     p = json.loads(l)
  >     if p["type"] != "person": continue
  >     cats = sorted({c for cs in p["sources"].values() for c in cs})
  >     srcs = sorted(names[s] for s in p["sources"])
  >     for kind, v in ids(p):
  >         prev = members.get((kind, v), (set(), set()))
  >         members[(kind, v)] = (prev[0] | set(cats), prev[1] | set(srcs))
  > for (kind, v), (cats, srcs) in members.items():
  >     lines.write(kind + "\t" + v + "\n")
  >     print(True, sorted(cats), sorted(srcs))
  > n = 0
  > for l in open("nonmembers.jsonl"):
  >     p = json.loads(l)
  >     if p["type"] != "person": continue
  >     for kind, v in ids(p):
  >         if (kind, v) not in members:
  >             lines.write(kind + "\t" + v + "\n")
  >             print(False, [], [])
  >             n += 1
  > EOF
  $ vigie check --registry reg --batch batch.tsv | python3 -c '
  > import json, sys
  > for l in sys.stdin:
  >     d = json.loads(l)
  >     print(d["exposed"], sorted(d["categories"]), sorted(d["sources"]))' > got.txt
  $ wc -l < expected.txt; grep -c False expected.txt; cmp expected.txt got.txt && echo same
  14400
  2400
  same

The registry holds no identifier in clear (the source names, which are not
personal data, are there: the grep works):

  $ grep -c -a -F 'France Travail' reg/registry-000003.vgr > /dev/null && echo found
  found
  $ tail -n +2 leak-france-travail.csv | head -200 | cut -d';' -f6,10,11,13 | tr ';' '\n' > clear.txt
  $ head -600 truth.jsonl | python3 -c '
  > import json, sys
  > for l in sys.stdin:
  >     p = json.loads(l)
  >     if p["type"] == "person": print(p["phone"]); print(p["nir"]); print(p["email"])' >> clear.txt
  $ wc -l < clear.txt
  2597
  $ grep -a -c -F -f clear.txt reg/registry-000003.vgr
  0
  [1]

Messy input (--mess 2: variant formats, missing fields, duplicates,
Windows-1252 rows, quotes, damaged rows). Rows read = accepted + rejected =
the generator's rows; the rejects file (0600) lists exactly damaged rows,
and every damaged row is there unless the reader repaired it (counted as
suspect):

  $ vigie gen --people 2000 --seed 3 --split-sources --mess 2 -o m.csv --truth m.jsonl --quiet
  $ vigie ingest --registry mreg --rejects rejects.tsv --json m-*.csv > m.json
  $ stat -c %a rejects.tsv; head -1 rejects.tsv
  600
  file	line	reason	message	raw
  $ python3 - <<'EOF'
  > import json
  > d = json.load(open("m.json"))
  > truth = [json.loads(l) for l in open("m.jsonl")]
  > summary = [t for t in truth if t["type"] == "summary"][0]
  > damaged = {(r["file"], r["line"]) for t in truth if t["type"] == "person" for r in t["rows"] if "damage" in r}
  > rejected = set()
  > for l in list(open("rejects.tsv"))[1:]:
  >     f = l.rstrip("\n").split("\t")
  >     assert len(f) == 5, f
  >     rejected.add((f[0], int(f[1])))
  > print("rows", d["rows_read"], summary["rows"], d["rows_accepted"] + d["rows_rejected"])
  > print("rejected", d["rows_rejected"], len(rejected), "damaged", len(damaged))
  > print("rejects are damaged rows:", rejected <= damaged)
  > print("damaged = rejected + suspect:", len(damaged) == len(rejected) + d["rows_suspect"])
  > print("reasons", sorted(d["rejected"].items()))
  > print("cp1252", d["rows_transcoded"], summary["cp1252_rows"])
  > EOF
  rows 2125 2125 2125
  rejected 19 19 damaged 19
  rejects are damaged rows: True
  damaged = rejected + suspect: True
  reasons [('field_count', 9), ('source_truncated', 1), ('unclosed_quote', 9)]
  cp1252 28 28

Without --rejects, the rejects go to DIR/rejects/<UTC time>.tsv:

  $ vigie ingest --registry mreg2 m-cap-emploi.csv | grep '^Rejets :'
  Rejets : mreg2/rejects/[0-9]{8}T[0-9]{6}Z.tsv \(données personnelles en clair : à examiner puis supprimer\) (re)
  $ stat -c %a mreg2/rejects mreg2/rejects/*.tsv; tail -n +2 mreg2/rejects/*.tsv | cut -f1-3
  700
  600
  m-cap-emploi.csv	13	field_count

Errors. A file that does not exist stops everything before anything is
done (exit 3); so does a directory; an unusable file fails alone:

  $ vigie ingest --registry reg leak-cap-emploi.csv nope.csv
  vigie ingest: nope.csv : ouverture impossible : fichier inexistant
  [3]
  $ vigie --lang en ingest --registry reg .
  vigie ingest: .: not a file (a directory?)
  [3]
  $ printf 'ville;commentaire\nParis;rien\n' > noid.csv
  $ vigie ingest --registry reg noid.csv other.csv.gz | head -3
  vigie ingest: noid.csv : aucune colonne ne contient d'identifiant (email, téléphone, NIR, identifiant, ou nom et date de naissance) ; indiquez-les avec --map COLONNE=CHAMP
  Fichiers : 0 ingéré(s), 1 déjà ingéré(s) et ignoré(s), 1 en échec
    noid.csv : échec : noid.csv : aucune colonne ne contient d'identifiant (email, téléphone, NIR, identifiant, ou nom et date de naissance) ; indiquez-les avec --map COLONNE=CHAMP
    other.csv.gz : déjà ingéré, ignoré
  $ vigie ingest --registry reg noid.csv > /dev/null 2>&1; echo $?
  3
  $ printf 'a@b.fr;Paris\n' > nohead.csv
  $ vigie ingest --registry reg3 --map 1=email,2=commune --source 'ameli' --special AMELI --quiet nohead.csv | grep -A1 Sources
  Sources :
    Ameli (nouvelle) (catégorie particulière, art. 9) : 1 lignes acceptées

Usage errors (exit 2):

  $ vigie ingest --registry reg
  vigie ingest: aucun fichier à ingérer
  Aide : vigie help ingest
  [2]
  $ vigie ingest --registry reg --memory 12Q x.csv
  vigie ingest: --memory : taille invalide « 12Q » (exemples : 512M, 4G ; au moins 1M)
  Aide : vigie help ingest
  [2]
  $ vigie ingest --registry reg --map 'x=emial' leak-cap-emploi.csv 2>&1 | head -1 | cut -c1-60
  vigie ingest: --map : paire n°1 « x=emial » : champ « em
  $ vigie ingest --registry reg --map 'x=emial' leak-cap-emploi.csv > /dev/null 2>&1; echo $?
  2
  $ vigie ingest --registry reg --frobnicate x.csv
  vigie ingest: option inconnue ou sans valeur : --frobnicate
  Aide : vigie help ingest
  [2]

Interrupted ingests leave the previous registry whole and usable. Killed
(SIGKILL) while it reads a stream that has not ended:

  $ vigie gen --people 20000 --seed 5 -o big.csv --quiet
  $ md5sum reg/registry-000003.vgr > sum3
  $ ( (cat big.csv; sleep 2) | timeout -s KILL 1 vigie ingest --registry reg --quiet -; echo $? ) 2> /dev/null
  137
  $ cat reg/CURRENT; md5sum -c sum3; vigie registry verify --registry reg
  registry-000003.vgr
  reg/registry-000003.vgr: OK
  reg/registry-000003.vgr : intact
  $ vigie check --registry reg --email jack.rosette1@neuf.fr > /dev/null && echo still found
  still found

Stopped by SIGTERM: the build is abandoned, nothing is published, and vigie
dies of the signal (timeout reports 124):

  $ (cat big.csv; sleep 2) | timeout -s TERM 1 vigie ingest --registry reg --quiet -; echo $?
  vigie ingest: interrompu : rien n'a été publié, le registre est inchangé
  124
  $ cat reg/CURRENT; md5sum -c sum3; ls reg/rejects 2>&1 | head -1
  registry-000003.vgr
  reg/registry-000003.vgr: OK
  ls: cannot access 'reg/rejects': No such file or directory

The same file, not interrupted, is then ingested:

  $ vigie ingest --registry reg --quiet big.csv | sed -n '1p;/Registre/p'
  Fichiers : 1 ingéré(s), 0 déjà ingéré(s) et ignoré(s), 0 en échec
  Registre : version 4 publiée, reg/registry-000004.vgr

Threads: the rows are normalized by --threads N threads (2 by default)
besides the reading one; whatever N, the registry is the same byte for byte
(the header's creation time and the file records' times aside), here on a
messy leak with rejected rows and invalid fields:

  $ vigie gen --people 3000 --seed 4 --mess 3 -o messy.csv --quiet
  $ printf '%064d\n' 7 > same.key; chmod 600 same.key
  $ vigie ingest --registry t1 --key-file same.key --threads 1 --quiet --json messy.csv leak-cap-emploi.csv > t1.json
  $ vigie ingest --registry t2 --key-file same.key --quiet --json messy.csv leak-cap-emploi.csv > t2.json
  $ vigie ingest --registry t5 --key-file same.key --threads 5 --quiet --json messy.csv leak-cap-emploi.csv > t5.json
  $ for r in t1 t2 t5; do vigie registry info --registry $r | grep -E '^  (keys|payloads)\.|^  (sources|stats) ' > $r.sections; done
  $ wc -l < t1.sections; cmp t1.sections t2.sections && cmp t1.sections t5.sections && echo same
  12
  same
  $ for r in t1 t2 t5; do python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["rows_read"], d["rows_accepted"], d["rows_rejected"], d["registry"]["entries"])' < $r.json; done | uniq -c | sed 's/^ *//'
  3 [0-9]+ [0-9]+ [1-9][0-9]* [0-9]+ (re)
  $ vigie ingest --registry t1 --threads 0 messy.csv
  vigie ingest: --threads attend un nombre de 1 à 16
  Aide : vigie help ingest
  [2]
