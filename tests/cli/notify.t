vigie notify: one GDPR art. 34 message per contact address, with the union
of the person's categories and sources from the registry. 1000 people (seed
1), one file per source: 967 rows in France Travail's, 52 in Cap Emploi's,
19 people in both.

  $ vigie gen --people 1000 --seed 1 --quiet --split-sources -o leak.csv --truth truth.jsonl
  $ vigie ingest --registry reg --quiet leak-france-travail.csv > /dev/null
  $ vigie ingest --registry reg --quiet leak-cap-emploi.csv > /dev/null
  $ cat > n.conf <<'EOF2'
  > [organisation]
  > name = France Travail
  > address = 1 avenue du Docteur Gley
  >     75020 Paris
  > [dpo]
  > name = Délégué à la protection des données
  > email = dpo@example.org
  > [breach]
  > nature = Des comptes de conseillers ont été détournés pour extraire des dossiers.
  > intrusion_start = 2024-02-06
  > intrusion_end = 2024-03-05
  > awareness = 2024-03-05 18:00
  > notification = 2024-03-08 10:00
  > measures_taken = Comptes compromis désactivés
  > [notify]
  > from = notification@francetravail.example
  > site = francetravail.fr
  > sms_sender = FTRAVAIL
  > date = 2024-03-13 09:00
  > EOF2

The dry run counts messages per channel and category, and writes nothing.
The counts match the generator's truth: one email per person, each
category and source as the person's rows say (the 19 people in both
sources get one message naming both):

  $ vigie notify --registry reg --config n.conf --dry-run --json leak-*.csv > dry.json
  $ python3 $TESTDIR/../notify/truth_check.py truth.jsonl dry.json
  ok: 1000 people, 1000 emails, categories and sources as the truth says
  $ vigie notify --registry reg --config n.conf --dry-run leak-*.csv | head -2
  Plan : 1019 ligne(s) lue(s) dans 2 fichier(s) ; 1000 message(s) : 1000 courriel(s), 0 SMS.
  Lignes non exposées : 0 ; exposées sans courriel ni mobile : 0 ; lignes illisibles : 0 ; SMS évités (un courriel atteint la personne) : 0.
  $ ls
  dry.json
  leak-cap-emploi.csv
  leak-france-travail.csv
  n.conf
  reg
  truth.jsonl

A spool: segments with an index, one body per distinct content. Read back
with Python's email package: every message has its headers, a text and an
HTML part in quoted-printable, no link; the same count; each once:

  $ vigie notify --registry reg --config n.conf --spool spool leak-*.csv | tail -1
  Écrits cette fois : 1000 message\(s\) en [0-9.]+ s \([0-9]+ messages/s\)\. (re)
  $ ls spool
  bodies
  seg-000001.idx
  seg-000001.vgs
  $ python3 $TESTDIR/../notify/spool_read.py spool --check | tail -1
  messages 1000 email 1000 sms 0
  $ python3 $TESTDIR/../notify/spool_read.py spool --check | cut -d' ' -f3 | sort | uniq -d | wc -l
  0
  $ python3 $TESTDIR/../notify/spool_read.py spool --check | head -1000 | cut -d' ' -f3 | sort > sent.txt
  $ python3 -c 'import json; print("\n".join(sorted(json.loads(l)["email"] for l in open("truth.jsonl") if "\"person\"" in l)))' > want.txt
  $ cmp sent.txt want.txt && echo same recipients
  same recipients

Run again: nothing left to send.

  $ vigie notify --registry reg --config n.conf --spool spool leak-*.csv | tail -2
  Reprise après 1000 message(s) déjà faits.
  Écrits cette fois : 0 message(s).

A message of a person in both sources names both, Cap Emploi's special
category, and only their categories; the first message's text:

  $ python3 $TESTDIR/../notify/spool_read.py spool --show 0 | head -12
  Information importante : vos données personnelles ont été exposées
  Madame, Monsieur,
  
  France Travail vous informe d'une violation de données personnelles qui
  vous concerne. La loi (article 34 du RGPD) nous impose de vous le dire,
  et nous vous devons une information claire : ce message dit exactement
  quelles données vous concernant ont été exposées, ce que cela peut
  entraîner et comment vous protéger.
  
  Ce qui s'est passé
  ------------------
  
  $ grep -l 'Cap Emploi' spool/bodies/*.eml | wc -l
  2
  $ python3 $TESTDIR/../notify/spool_read.py spool --count-text '(sources : France Travail, Cap Emploi)'
  19
  $ python3 $TESTDIR/../notify/spool_read.py spool --count-text 'peut, à elle seule, laisser deviner un handicap'
  52
  $ python3 $TESTDIR/../notify/spool_read.py spool --count-text '(source : France Travail)'
  948
  $ grep -ci -e '<a ' -e 'href' -e 'http' spool/bodies/*.eml
  spool/bodies/0000000003ff0001.eml:0
  spool/bodies/0000000003ff0002.eml:0
  spool/bodies/0000000003ff0003.eml:0
  [1]
  $ grep -h '^Subject' spool/seg-000001.vgs | tr -d '\r' | sort -u
  Subject: =?UTF-8?Q?Information_importante_=3A_vos_donn=C3=A9es_personnelles_?=
  $ grep -h '^Date' spool/seg-000001.vgs | tr -d '\r' | sort -u
  Date: Wed, 13 Mar 2024 09:00:00 +0100

English with --lang en:

  $ vigie notify --registry reg --config n.conf --spool spool-en --lang en leak-*.csv | head -1
  Plan: 1019 row(s) read in 2 file(s); 1000 message(s): 1000 email(s), 0 SMS.
  $ python3 $TESTDIR/../notify/spool_read.py spool-en --show 0 | head -2
  Important: your personal data was exposed
  Dear Sir or Madam,

A Maildir (one file per message in new/) and an mbox, parsed back:

  $ vigie notify --registry reg --config n.conf --maildir md leak-france-travail.csv > /dev/null
  $ ls md/new | wc -l
  967
  $ python3 -c 'import mailbox; m = mailbox.Maildir("md", create=False); print(len(m), len({x["To"] for x in m}), sum(1 for x in m if x.get_content_type() == "multipart/alternative"))'
  967 967 967
  $ vigie notify --registry reg --config n.conf --mbox mb leak-cap-emploi.csv > /dev/null
  $ python3 -c 'import mailbox; m = mailbox.mbox("mb"); print(len(m), len({x["To"] for x in m}))'
  52 52

SMS for people with a mobile and no email, never on top of an email that
reaches the same person; a landline alone is no contact; a contact export
row that the registry does not hold is not exposed:

  $ cat > sms.csv <<'EOF2'
  > nom;prenom;date_naissance;email;telephone;source
  > MARTIN;Marie;15/03/1985;marie.martin@example.org;0612345678;France Travail
  > DURAND;Paul;01/02/1970;;0611111111;France Travail
  > LEROY;Anne;03/04/1990;;0622222222;Cap Emploi
  > LEROY;Anne;03/04/1990;anne.leroy@example.org;0622222222;France Travail
  > PETIT;Luc;05/06/1960;;0145454545;France Travail
  > EOF2
  $ vigie ingest --registry reg2 --quiet sms.csv > /dev/null
  $ cat > contacts.csv <<'EOF2'
  > nom;prenom;date_naissance;email;telephone
  > DURAND;Paul;01/02/1970;;06 11 11 11 11
  > MOREAU;Jean;07/08/1975;jean.moreau@example.org;
  > EOF2
  $ vigie notify --registry reg2 --config n.conf --spool sms-spool sms.csv | head -2
  Plan : 5 ligne(s) lue(s) dans 1 fichier(s) ; 3 message(s) : 2 courriel(s), 1 SMS.
  Lignes non exposées : 0 ; exposées sans courriel ni mobile : 1 ; lignes illisibles : 0 ; SMS évités (un courriel atteint la personne) : 1.
  $ python3 $TESTDIR/../notify/spool_read.py sms-spool --check | cut -d' ' -f2- | sort
  3 email 2 sms 1
  email anne.leroy@example.org
  email marie.martin@example.org
  sms +33611111111
  $ python3 $TESTDIR/../notify/spool_read.py sms-spool --show-to +33611111111
  France Travail : des données vous concernant (nom, date de naissance, téléphone) ont été exposées lors d'une fuite de données. Détails et conseils : tapez l'adresse francetravail.fr dans votre navigateur. Nous ne vous demanderons jamais vos codes par message.
  $ vigie notify --registry reg2 --config n.conf --dry-run contacts.csv | head -2
  Plan : 2 ligne(s) lue(s) dans 1 fichier(s) ; 1 message(s) : 0 courriel(s), 1 SMS.
  Lignes non exposées : 1 ; exposées sans courriel ni mobile : 0 ; lignes illisibles : 0 ; SMS évités (un courriel atteint la personne) : 0.

The plan, and so every message, is the same whatever the number of
threads, the memory (20,000 people: with 1M and 3 workers, each spills a
sorted run of 7,281 records), and whether the input is mapped or read
through gzip; the dry-run counts too:

  $ vigie gen --people 20000 --seed 2 --quiet --mess 1 --split-sources -o big.csv
  $ vigie ingest --registry reg40 --quiet big-france-travail.csv big-cap-emploi.csv > /dev/null
  $ vigie notify --registry reg40 --config n.conf --spool t1 --threads 1 big-*.csv > /dev/null
  $ vigie notify --registry reg40 --config n.conf --spool t3 --threads 3 --memory 1M big-*.csv > /dev/null
  $ python3 $TESTDIR/../notify/same_plan.py t1.notify-state t3.notify-state t1 t3
  same plan
  same spool, \d+ files (re)
  $ gzip -c big-cap-emploi.csv > cap.csv.gz
  $ gzip -c big-france-travail.csv > ft.csv.gz
  $ vigie notify --registry reg40 --config n.conf --spool tz cap.csv.gz ft.csv.gz > /dev/null
  $ python3 $TESTDIR/../notify/same_plan.py t1.notify-state tz.notify-state t1 tz
  same plan
  same spool, \d+ files (re)
  $ vigie notify --registry reg40 --config n.conf --dry-run --json --threads 1 big-*.csv > d1.json
  $ vigie notify --registry reg40 --config n.conf --dry-run --json --threads 5 --memory 1M big-*.csv > d5.json
  $ python3 -c 'import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); [d.pop(k) for d in (a, b) for k in ("plan_id", "seconds")]; print("same counts" if a == b else "different", a["messages"] > 19000, a["channels"]["sms"] > 0)' d1.json d5.json
  same counts True True
  $ vigie notify --registry reg40 --config n.conf --dry-run --threads 0 big-*.csv
  vigie notify: --threads attend un nombre de 1 à 16
  Aide : vigie help notify
  [2]

Errors: a missing config, two outputs, a site written as a link, a state
directory holding another run's plan:

  $ vigie notify --registry reg --dry-run leak-cap-emploi.csv
  vigie notify: --config FICHIER manquant (voir docs/notify.md)
  Aide : vigie help notify
  [2]
  $ vigie notify --registry reg --config n.conf --dry-run --spool x leak-cap-emploi.csv
  vigie notify: une sortie et une seule : --spool, --maildir, --mbox, --smtp ou --dry-run
  Aide : vigie help notify
  [2]
  $ sed 's/^site = .*/site = https:\/\/francetravail.fr/' n.conf > bad.conf
  $ vigie notify --registry reg --config bad.conf --dry-run leak-cap-emploi.csv --lang en
  vigie notify: invalid configuration: bad.conf:17: [notify] site: invalid official site: a domain name written out, without "https://" (messages carry no link)
  [3]
  $ vigie notify --registry reg --config n.conf --spool spool leak-cap-emploi.csv --lang en
  vigie notify: spool.notify-state holds the plan of another run (other files or another registry); resume it with the same files, or start over with --restart
  [2]
