vigie report: the GDPR art. 33 notification draft, from the registry's
numbers and a config file. 1000 people (seed 1), one file per source: 967
rows in France Travail's, 52 in Cap Emploi's, 19 people in both.

  $ vigie gen --people 1000 --seed 1 --quiet --split-sources -o leak.csv
  $ vigie ingest --registry reg --quiet leak-france-travail.csv > /dev/null
  $ vigie ingest --registry reg --quiet leak-cap-emploi.csv > /dev/null
  $ cat > report.conf <<'EOF'
  > [organisation]
  > name = France Travail
  > [dpo]
  > name = Délégué à la protection des données
  > email = dpo@example.org
  > [breach]
  > nature = Extraction de dossiers par des comptes de conseillers détournés.
  > intrusion_start = 2024-02-06
  > awareness = 2024-03-05 18:00
  > notification = 2024-03-08 10:00
  > EOF

Markdown by default, French; the numbers come from the registry, Cap Emploi
is flagged special-category because the registry says so:

  $ vigie report --registry reg --config report.conf > report.md
  $ head -1 report.md
  # Notification à la CNIL d'une violation de données personnelles (article 33 du RGPD) — projet
  $ grep -F '| Cap Emploi |' report.md
  | Cap Emploi | **oui** (handicap) | 1 | 52 | 52 | 0 | 52 |
  $ grep -F '| France Travail |' report.md
  | France Travail | non | 1 | 967 | 967 | 0 | 967 |
  $ grep -c 'ATTENTION : des données sensibles' report.md
  1
  $ grep -F 'Dans le délai de 72 heures' report.md | wc -l
  1
  $ grep -c -e '@gmail' -e 'Blandin' report.md
  0
  [1]

The rows reconcile with the files, read = accepted + rejected; 1000 people
(the report writes thousands with a narrow no-break space):

  $ cat leak-*.csv | grep -c -v '^nom_usage'
  1019
  $ grep -F '| **Total** |' report.md
  \| \*\*Total\*\* \| oui \| \*\*2\*\* \| \*\*1.019\*\* \| \*\*1.019\*\* \| \*\*0\*\* \| \*\*1.000\*\* \| (re)

JSON parses, and says the same:

  $ vigie report --registry reg --config report.conf --format json > report.json
  $ python3 -c 'import json; d = json.load(open("report.json")); print(d["schema"], d["lang"], d["totals"]["rows_read"], [(s["name"], s["special_category"]) for s in d["sources"]])'
  vigie.report.art33/1 fr 1019 [('France Travail', False), ('Cap Emploi', True)]

HTML, chosen from the -o extension: a standalone page with an inline SVG
chart and no script; English with --lang en:

  $ vigie report --registry reg --config report.conf -o report.html --lang en
  $ grep -c '<svg' report.html
  1
  $ grep -c '<script' report.html
  0
  [1]
  $ grep -c 'Personal data breach notification' report.html
  [1-9]\d* (re)
  $ vigie --lang en report --registry reg --config report.conf -o out.json && python3 -c 'import json; print(json.load(open("out.json"))["lang"])'
  en

The notification time defaults to the time of the run (so late here, and
the draft asks for the reason):

  $ grep -v '^notification' report.conf > now.conf
  $ vigie report --registry reg --config now.conf | grep -c 'Hors délai'
  [1-9]\d* (re)

Errors: a bad config names file and line (exit 3), no registry is exit 3,
usage is exit 2, and a failed report leaves no file:

  $ sed -i 's/^\[breach\]$/[breach]\nawarness = 2024-03-05 18:00/' report.conf
  $ vigie report --registry reg --config report.conf -o bad.md
  vigie report: configuration invalide : report.conf:7: .*awarness.* (re)
  [3]
  $ test -e bad.md || echo none
  none
  $ vigie report --registry nowhere --config now.conf
  vigie report: registre inutilisable : no registry in nowhere yet (no CURRENT file): run vigie ingest first
  [3]
  $ cp -r reg bad && off=$(vigie registry info --registry bad --json | python3 -c 'import json,sys; print([s for s in json.load(sys.stdin)["sections"] if s["name"] == "stats"][0]["offset"])') && python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[o + 200] ^= 0x01; open(p, "wb").write(b)' bad/registry-000002.vgr $off
  $ vigie report --registry bad --config now.conf -o bad.md
  vigie report: registre corrompu : bad/registry-000002.vgr: section stats: checksum mismatch .* (re)
  [3]
  $ test -e bad.md || echo none
  none
  $ vigie report --registry reg --config missing.conf > /dev/null 2>&1
  [3]
  $ vigie report --registry reg --config now.conf -o no/such/dir/r.md > /dev/null 2>&1
  [3]
  $ vigie report --registry reg
  vigie report: --config FICHIER manquant (voir docs/report.md)
  Aide : vigie help report
  [2]
  $ vigie report --registry reg --config now.conf --format pdf > /dev/null 2>&1
  [2]
