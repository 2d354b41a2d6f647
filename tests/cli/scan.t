`vigie scan`: is this SMS or email phishing, and why. Scores that depend on
the trained model are matched loosely (re); the verdicts and the reasons of
the rules are exact.

A fake Ameli refund SMS with a lookalike domain: phishing, with the reasons in
French (default) or English, exit code 1.

  $ vigie scan "Ameli : un remboursement de 124,50 € vous attend. Remplissez le formulaire sur https://ameli-remboursement.com sous 24h."
  hameçonnage \(score (0\.9\d|1\.00)\) (re)
  - Le lien mène à un domaine qui reprend le nom d'un organisme sans lui appartenir : ameli-remboursement.com → ameli.fr (Assurance Maladie)
  - Le texte ressemble aux messages frauduleux ou indésirables connus \(modèle statistique\) : \d+ % (re)
  - Le message demande des données personnelles ou de « mettre à jour » vos informations : “Remplissez le formulaire”
  - Le message promet un remboursement, un gain ou un cadeau : “remboursement”
  - Pression ou demande sensible accompagnée d'un lien : schéma typique de l'hameçonnage
  - Le message impose un délai très court : “sous 24h”
  - Le message mentionne une somme d'argent : “124,50 €”
  Conseil : ne cliquez pas, ne répondez pas, ne donnez aucun code ni coordonnée bancaire. Signalez le SMS au 33700 ou l'email sur signal-spam.fr ; en cas de doute, contactez l'organisme par son site officiel.
  [1]
  $ vigie scan --lang en --no-model "Ameli: your refund of 124.50 EUR is waiting at https://ameli-remboursement.com"
  phishing (score 0.99)
  - The link goes to a domain that borrows an organisation's name without belonging to it: ameli-remboursement.com → ameli.fr (Assurance Maladie)
  - The message promises a refund, a prize or a gift: “refund”
  - The message mentions a sum of money: “124.50 EUR”
  Advice: do not click, do not reply, give no code or bank details. Report the SMS to 33700 or the email to signal-spam.fr; if in doubt, contact the organisation through its official site.
  [1]

Lookalikes of francetravail.fr, ameli.fr and impots.gouv.fr: a capital I for
an l, a Cyrillic а, the official name as a subdomain.

  $ vigie scan --tsv "Actualisez-vous sur https://francetravaiI.fr" "Compte bloqué : https://аmeli.fr" "Remboursement : https://impots.gouv.fr.remboursement.eu/x"
  1\tphishing\t0\.9\d+\tlookalike_homograph,.* (re)
  2\tphishing\t0\.9\d+\tlookalike_homograph,.* (re)
  3\tphishing\t0\.9\d+\tlookalike_subdomain,.* (re)
  3 messages : 3 hameçonnage, 0 suspects, 0 légitimes
  [1]

A genuine France Travail reminder that points at francetravail.fr:
legitimate, exit code 0.

  $ vigie scan "France Travail : votre actualisation mensuelle est ouverte jusqu'au 15/04. Actualisez-vous sur francetravail.fr."
  légitime \(score 0\.[0-2]\d\) (re)
  + Les liens mènent uniquement à des sites officiels : francetravail.fr
  $ vigie scan "Salut, tu rentres à quelle heure ce soir ?"
  légitime \(score 0\.[0-2]\d\) (re)
  Aucun signal d'alerte trouvé.

A message quoting the person's social security number or France Travail
identifier proves nothing: that data leaked.

  $ vigie scan --no-model --lang en "Mr Martin, NIR 1 85 05 78 006 084 91, France Travail id 1234567A: claim your refund"
  suspicious (score 0.40)
  - The message promises a refund, a prize or a gift: “claim”
  - The message quotes a France Travail identifier: that proves nothing, this data has leaked: 123…
  - The message quotes a social security number: that proves nothing, this data has leaked: 1 85 0…
  Advice: do not click, do not reply, give no code or bank details. Report the SMS to 33700 or the email to signal-spam.fr; if in doubt, contact the organisation through its official site.
  [5]

Suspicious (exit code 5): a shortened link and a prompt to click, rules only.

  $ vigie scan --no-model "Cliquez sur https://bit.ly/x"
  suspect (score 0.43)
  - Lien raccourci : la vraie destination est cachée : bit.ly
  - Le message pousse à cliquer sur un lien
  Conseil : ne cliquez pas, ne répondez pas, ne donnez aucun code ni coordonnée bancaire. Signalez le SMS au 33700 ou l'email sur signal-spam.fr ; en cas de doute, contactez l'organisme par son site officiel.
  [5]

JSON: one object per message, with verdict, score, reasons (code, message,
detail, weight) and links.

  $ vigie scan --json --no-model "Payez 1,99 € sur http://185.22.67.4/colis" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["verdict"], o["score"], [(r["code"], r["detail"]) for r in o["reasons"]], [(l["host"], l["kind"], l["http"]) for l in o["links"]])'
  phishing 0.957 [('ip_host', '185.22.67.4'), ('payment_request', '“Payez”'), ('pressure_with_link', None), ('amount', '“1,99 €”'), ('plain_http', '185.22.67.4')] [('185.22.67.4', 'ip', True)]

Standard input is one message; --sms FILE is one message per line, with a
summary of the batch on standard error.

  $ echo "Votre compte est suspendu, confirmez votre mot de passe sur https://bit.ly/secu" | vigie scan --tsv
  -\tphishing\t\d\.\d+\t.*asks_credentials.* (re)
  [1]
  $ printf 'Salut, on dîne ensemble ce soir ?\nURGENT : votre colis est bloqué, payez 2,99 € sur https://colissimo-suivi.com\nRDV chez le dentiste demain 9h\n' > sms.txt
  $ vigie scan --sms sms.txt
  1: légitime 0\.\d\d.* (re)
  2: hameçonnage \d\.\d\d: Le lien mène à un domaine qui reprend le nom d'un organisme sans lui appartenir : colissimo-suivi.com → laposte.fr \(La Poste / Colissimo\); .* (re)
  3: légitime 0\.\d\d.* (re)
  3 messages : 1 hameçonnage, 0 suspects, 2 légitimes
  [1]
  $ vigie scan --sms - --tsv < sms.txt 2>/dev/null | cut -f1,2
  1\tlegitimate (re)
  2\tphishing (re)
  3\tlegitimate (re)

Email: an .eml file, an mbox, a Maildir.

  $ printf 'From: Assurance Maladie <service@ameli-secure.com>\nSubject: Remboursement\nContent-Type: text/html\n\n<p>Cliquez sur <a href="http://198.51.100.7/a">https://www.ameli.fr</a></p>\n' > phish.eml
  $ vigie scan --email phish.eml
  phish.eml: hameçonnage .* (re)
  1 messages : 1 hameçonnage, 0 suspects, 0 légitimes
  [1]
  $ vigie scan --email phish.eml --json 2>/dev/null | python3 -c 'import json,sys; print(sorted(r["code"] for r in json.load(sys.stdin)["reasons"] if r["code"] != "model"))'
  ['display_name_brand', 'ip_host', 'link_prompt', 'link_text_mismatch', 'lure', 'plain_http']
  $ printf 'From a@b Mon Jan  1 00:00:00 2024\nFrom: Marie <marie@example.fr>\nSubject: samedi\n\nOn se voit samedi ?\nFrom b@c Mon Jan  1 00:00:00 2024\nFrom: x@example.com\nSubject: facture\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nVoir la facture.\n--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="facture.pdf.exe"\n\nMZ\n--B--\n' > box.mbox
  $ vigie scan --email box.mbox --tsv 2>&1 >/dev/null
  2 messages : 1 hameçonnage, 0 suspects, 1 légitimes
  [1]
  $ vigie scan --email box.mbox --tsv 2>/dev/null | cut -f1,2,4
  box.mbox:1\tlegitimate\t (re)
  box.mbox:2\tphishing\tattachment_double_extension.* (re)
  $ mkdir -p md/cur md/new md/tmp && cp phish.eml md/new/1 && printf 'From: a@example.fr\nSubject: hi\n\nhello\n' > md/cur/2
  $ vigie scan --email md --tsv 2>/dev/null | cut -f1,2
  md/new/1\tphishing (re)
  md/cur/2\tlegitimate (re)

Errors: usage (2), unreadable input or corrupt model (3).

  $ vigie scan --bogus
  vigie scan: option inconnue ou sans valeur : --bogus
  Aide : vigie help scan
  [2]
  $ vigie scan --sms
  vigie scan: option inconnue ou sans valeur : --sms
  Aide : vigie help scan
  [2]
  $ vigie scan --email
  vigie scan: --email attend au moins un CHEMIN (ou -)
  Aide : vigie help scan
  [2]
  $ vigie scan --sms sms.txt --email x
  vigie scan: --sms et --email s'excluent
  Aide : vigie help scan
  [2]
  $ vigie scan --sms nothere.txt
  vigie scan: nothere.txt: No such file or directory
  0 messages : 0 hameçonnage, 0 suspects, 0 légitimes (des entrées n'ont pas pu être lues)
  [3]
  $ vigie scan --email nothere.eml phish.eml --tsv > out.tsv
  vigie scan: nothere.eml: No such file or directory
  1 messages : 1 hameçonnage, 0 suspects, 0 légitimes (des entrées n'ont pas pu être lues)
  [3]
  $ cut -f1,2 out.tsv
  phish.eml\tphishing (re)
  $ printf 'VGSCANM1garbage' > bad.bin && vigie scan --model bad.bin "test"
  vigie scan: bad.bin: not a vigie scan model (bad magic or too short)
  [3]
  $ head -c 1000 "$TESTDIR/../../data/scan/model.bin" > cut.bin && vigie scan --model cut.bin "test"
  vigie scan: cut.bin: model checksum mismatch (file damaged or truncated)
  [3]
  $ vigie scan --model nothere.bin "test"
  vigie scan: nothere.bin: No such file or directory
  [3]
  $ vigie scan train --data nothere -o m.bin
  vigie scan train: nothere/corpora/sms/uci_sms_spam_collection.tsv: cannot open
  [3]
  $ vigie scan train --bits 99
  vigie scan train: --bits attend un nombre de 10 à 22
  Aide : vigie help scan train
  [2]

Help.

  $ vigie scan --help | head -2
  Usage : vigie scan [OPTIONS] [TEXTE...]
          vigie scan [OPTIONS] --sms FICHIER
  $ vigie --lang en help scan | grep -A 3 '^Exit codes'
  Exit codes: 0 every message is legitimate; 1 at least one phishing; 5 at
  least one suspicious message (and no phishing); 2 usage error; 3 unreadable
  input or corrupt model; 4 internal error.
