vigie check: was this identifier exposed? A three-person leak (seed 1):
Virginie Blandin and Teddy Vogel in France Travail's files, Hugo Locatelli in
Cap Emploi's (a special-category source: it reveals a disability).

  $ vigie gen --people 3 --seed 1 --quiet -o leak.csv
  $ vigie ingest --registry reg --quiet leak.csv > /dev/null
  $ cat > show.py <<'EOF'
  > import json, sys
  > for line in sys.stdin:
  >     d = json.loads(line)
  >     if not d["valid"]:
  >         print(d.get("line", "-"), d["kind"], "invalid", d["error"]["field"], d["error"]["code"], d["exposed"])
  >         continue
  >     print(d.get("line", "-"), d["kind"], "exposed" if d["exposed"] else "not-found",
  >           ",".join(d["categories"]) or "-", "|".join(d["sources"]) or "-",
  >           "special" if d["special_category"] else "ordinary",
  >           ",".join(a["code"] for a in d["advice"][:3]) or "-")
  > EOF

Each kind of identifier, typed as people type them:

  $ vigie check --registry reg --email ' Virginie-Blandin13@GMAIL.com' | head -2
  Vérifié (adresse électronique) : virginie-blandin13@gmail.com
  Résultat : EXPOSÉ. Cet identifiant figure dans les données qui ont fuité.
  $ vigie check --registry reg --phone '07 96 93 03 99' | head -2
  Vérifié (téléphone) : +33796930399
  Résultat : EXPOSÉ. Cet identifiant figure dans les données qui ont fuité.
  $ vigie check --registry reg --nir '2 97 08 33 063 068 89' > /dev/null
  $ vigie check --registry reg --id 9820590a > /dev/null
  $ vigie check --registry reg --name 'BLANDIN Virginie' --dob 18/08/1997 | head -1
  Vérifié (nom et date de naissance) : blandin virginie 1997-08-18
  $ vigie check --registry reg --name 'Virginie Blandin' --dob '18 août 1997' > /dev/null

The whole text answer: categories, sources, advice (specific, then general):

  $ vigie check --registry reg --nir 297083306306889
  Vérifié (NIR) : 297083306306889
  Résultat : EXPOSÉ. Cet identifiant figure dans les données qui ont fuité.
  
  Données exposées avec lui :
    - Nom et prénom
    - Numéro de sécurité sociale (NIR)
    - Date de naissance
    - Identifiant France Travail
    - Adresse électronique
    - Adresse postale
    - Numéro de téléphone
    - Sexe
    - Lieu de naissance
    - Situation d'inscription
  
  Sources :
    - France Travail
  
  Conseils :
   1. Votre numéro de sécurité sociale ne peut pas être changé
      Restez vigilant dans la durée : ce numéro vous suit toute votre vie. Un
      message qui cite votre numéro de sécurité sociale ne prouve rien sur son
      expéditeur : les escrocs le connaissent désormais. Ne le donnez jamais en
      réponse à un message ou à un appel.
   2. Un message qui cite votre identifiant France Travail peut être faux
      Des escrocs peuvent vous écrire en se faisant passer pour France Travail
      et citer votre identifiant pour paraître sérieux. Pour tout ce qui
      concerne votre dossier, passez par votre espace personnel sur
      francetravail.fr ou l'application officielle, jamais par un lien reçu.
   3. Méfiez-vous des messages sur vos allocations
      Les escrocs savent que vous êtes ou avez été inscrit à France Travail.
      « Votre allocation va être suspendue », « mettez à jour votre RIB » : ce
      sont des arnaques classiques. France Travail ne demande jamais vos
      coordonnées bancaires par SMS, courriel ou téléphone.
   4. Vos nom et date de naissance ne prouvent plus votre identité
      Ce sont les questions que posent souvent les banques et les
      administrations pour vérifier qui vous êtes. Quelqu'un qui les connaît au
      téléphone n'est pas forcément légitime. Si un organisme vous parle d'une
      démarche que vous n'avez pas faite (crédit, ouverture de compte,
      changement d'adresse), contactez-le vite par ses coordonnées officielles.
   5. Méfiez-vous des courriers qui semblent officiels
      Avec votre adresse, des escrocs peuvent vous envoyer de faux courriers au
      nom de France Travail, de l'Assurance maladie (Ameli), des impôts ou d'un
      huissier, qui demandent un paiement, des papiers ou de rappeler un numéro.
      Vérifiez auprès de l'organisme par ses coordonnées officielles. Signalez à
      La Poste toute réexpédition de courrier que vous n'avez pas demandée.
   6. Attendez-vous à des SMS et des appels frauduleux
      Faux SMS (colis, carte Vitale, compte personnel de formation, France
      Travail) et faux conseillers au téléphone sont à prévoir. Ne rappelez pas
      le numéro donné : raccrochez et appelez l'organisme à son numéro habituel.
      Transférez les SMS suspects au 33700.
   7. Attendez-vous à des courriels d'hameçonnage
      Des courriels imitant France Travail, l'Assurance maladie ou votre banque
      vont sans doute arriver à cette adresse. L'adresse de l'expéditeur peut
      être falsifiée. Si cette adresse vous sert d'identifiant quelque part,
      vérifiez que le mot de passe de ce compte est solide et n'est utilisé
      nulle part ailleurs.
   8. Méfiez-vous des messages urgents
      Un message qui vous presse (compte bloqué, allocation suspendue, amende,
      remboursement à réclamer) est un signe d'arnaque. Prenez le temps de
      vérifier auprès de l'organisme, par un moyen que vous connaissez déjà.
   9. Ne donnez jamais vos mots de passe ni vos coordonnées bancaires par
      message
      Aucun organisme sérieux ne vous demande par courriel, SMS ou téléphone
      votre mot de passe, votre numéro de carte bancaire ou un code reçu par
      SMS.
  10. N'ouvrez pas les pièces jointes et ne cliquez pas sur les liens
      Dans un message inattendu, n'ouvrez pas les pièces jointes et ne suivez
      pas les liens. Pour aller sur un site, tapez vous-même son adresse ou
      utilisez l'application officielle.
  11. Surveillez l'activité de vos comptes
      Regardez régulièrement vos comptes bancaires et vos espaces en ligne
      (France Travail, Ameli, impots.gouv.fr). Signalez tout de suite à
      l'organisme une opération que vous ne reconnaissez pas.
  12. Signalez les tentatives d'arnaque
      Le site cybermalveillance.gouv.fr vous aide et vous dit quoi faire si vous
      êtes victime. Vous pouvez aussi transférer les SMS frauduleux au 33700.
  13. Utilisez des mots de passe solides et différents
      Un mot de passe long et différent pour chaque compte, surtout pour votre
      messagerie. Un gestionnaire de mots de passe aide à les retenir. Activez
      la double authentification quand elle est proposée.

A special-category source is named and marked, with its meaning, and the
advice starts with what it changes; in English with --lang en:

  $ vigie check --registry reg --email hugo.locatelli@gmail.com --lang en | sed -n '1,2p;/^Sources/,/^ 1\./p'
  Checked (email): hugo.locatelli@gmail.com
  Result: EXPOSED. This identifier is in the leaked data.
  Sources:
    - Cap Emploi (*)
      (*) Sensitive source: being in this file may reveal information protected
      by article 9 of the GDPR (for example a disability). This concerns the
      person alone: share it with them only.
  
  Advice:
   1. The exposed data may reveal a disability
  $ vigie --lang en check --registry reg --email hugo.locatelli@gmail.com | sed -n 4,5p
  Data exposed with it:
    - Name

Not found: exit 1, one sentence, no advice:

  $ vigie check --registry reg --email nobody@example.org
  Vérifié (adresse électronique) : nobody@example.org
  Résultat : non trouvé. Cet identifiant ne figure pas dans les fichiers de la
  fuite enregistrés dans le registre.
  [1]
  $ vigie check --registry reg --name 'Virginie Blandin' --dob 19/08/1997 > /dev/null
  [1]
  $ vigie check --registry reg --name 'Virginie Blandine' --dob 18/08/1997 > /dev/null
  [1]

--json: one object, stable names, no identifier in it:

  $ vigie check --registry reg --email hugo.locatelli@gmail.com --json | python3 show.py
  - email exposed name,nir,dob,ft_id,email,address,phone,sex,birthplace,registration Cap Emploi special special_category,nir_permanent,ft_id_quoted
  $ vigie check --registry reg --phone 0796930399 --json | python3 show.py
  - phone exposed name,nir,dob,ft_id,email,address,phone,sex,birthplace,registration France Travail ordinary nir_permanent,ft_id_quoted,registration_scams
  $ vigie check --registry reg --phone 0796930399 --json | grep -c -e 0796930399 -e 33796930399
  0
  [1]
  $ vigie check --registry reg --email nobody@example.org --json
  {"kind":"email","valid":true,"exposed":false,"categories":[],"category_labels":[],"sources":[],"special_category":false,"special_sources":[],"advice":[]}
  [1]
  $ vigie check --registry reg --id 2668944S --json --lang en | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["category_labels"][:2], d["advice"][0]["title"])'
  ['Name', 'Social security number (NIR)'] Your social security number cannot be changed

Invalid identifiers: exit 2 with the reason, the value never echoed on
standard error; even without a registry:

  $ vigie check --registry reg --email not-an-email
  vigie check: email invalide : pas de @ dans l'adresse
  [2]
  $ vigie check --registry nowhere --nir 123 --lang en
  vigie check: invalid nir: a NIR has 13 characters, or 15 with its key
  [2]
  $ vigie check --registry reg --name 'R2D2' --dob 1990-01-01 2>&1 | grep -c R2D2
  0
  [1]
  $ vigie check --registry reg --name 'Jean Dupont' --dob 31/02/1990 > /dev/null 2>&1
  [2]
  $ vigie check --registry reg --email x --json 2> /dev/null
  {"kind":"email","valid":false,"exposed":null,"categories":[],"sources":[],"error":{"code":"no_at","field":"email","message":"pas de @ dans l'adresse"}}
  [2]

Usage errors: exit 2:

  $ vigie check --registry reg
  vigie check: identifiant manquant : --email, --phone, --nir, --id, --name avec --dob, ou --batch
  Aide : vigie help check
  [2]
  $ vigie check --registry reg --email a@b.fr --phone 0612345678 2>&1 | head -1
  vigie check: un seul identifiant à la fois (--email et --phone)
  $ vigie check --registry reg --name 'Jean Dupont'
  vigie check: --name demande --dob (date de naissance)
  Aide : vigie help check
  [2]
  $ vigie check --registry reg --email a@b.fr --dob 1990-01-01 > /dev/null 2>&1
  [2]
  $ vigie check --registry reg --fax 0123 > /dev/null 2>&1
  [2]
  $ vigie check --registry reg --email a@b.fr extra > /dev/null 2>&1
  [2]
  $ vigie check --registry reg --batch - --email a@b.fr > /dev/null 2>&1
  [2]
  $ vigie check --help | head -1
  Usage : vigie check [--registry DIR] [--key-file F] IDENTIFIANT [--json] [--verify]

--batch: one JSON object per line, in order; a malformed line gets an error
object and the batch goes on (BOM and CRLF are fine):

  $ printf '\357\273\277email\tteddy.vogel4@gmail.com\r\nphone\t07 65 91 09 57\nnir\t123\n\nname\tTeddy VOGEL\t25/12/1972\nname\tTeddy Vogel\nfax\t0123\nid\t6352362U\nemail\tnobody@example.org\njust text\n' > batch.tsv
  $ vigie check --registry reg --batch batch.tsv | python3 show.py
  1 email exposed name,nir,dob,ft_id,email,address,phone,sex,birthplace,registration France Travail ordinary nir_permanent,ft_id_quoted,registration_scams
  2 phone exposed name,nir,dob,ft_id,email,address,phone,sex,birthplace,registration Cap Emploi special special_category,nir_permanent,ft_id_quoted
  3 nir invalid nir bad_length None
  4 None invalid line batch_empty_line None
  5 name exposed name,nir,dob,ft_id,email,address,phone,sex,birthplace,registration France Travail ordinary nir_permanent,ft_id_quoted,registration_scams
  6 name invalid line batch_no_dob None
  7 None invalid kind batch_unknown_kind None
  8 id exposed name,nir,dob,ft_id,email,address,phone,sex,birthplace,registration Cap Emploi special special_category,nir_permanent,ft_id_quoted
  9 email not-found - - ordinary -
  10 None invalid line batch_no_tab None
  $ vigie check --registry reg --batch - < batch.tsv | wc -l
  10
  $ vigie check --registry reg --batch batch.tsv --lang en | sed -n 7p
  {"line":7,"kind":null,"valid":false,"exposed":null,"categories":[],"sources":[],"error":{"code":"batch_unknown_kind","field":"kind","message":"unknown kind (expected email, phone, nir, id or name)"}}

An overlong line is one error, not a buffer: the next line is answered:

  $ python3 -c 'print("email\t" + "a" * 20000 + "@x.fr"); print("email\thugo.locatelli@gmail.com")' | vigie check --registry reg --batch - | python3 show.py
  1 None invalid line batch_line_too_long None
  2 email exposed name,nir,dob,ft_id,email,address,phone,sex,birthplace,registration Cap Emploi special special_category,nir_permanent,ft_id_quoted

The batch ran: exit 0, whatever the answers; an unreadable batch file is 3:

  $ vigie check --registry reg --batch batch.tsv > /dev/null
  $ vigie check --registry reg --batch missing.tsv
  vigie check: impossible d'ouvrir missing.tsv : No such file or directory
  [3]

The key: from DIR/registry.key, --key-file or VIGIE_REGISTRY_KEY; another key
is refused (exit 3), never answered "not found":

  $ cp reg/registry.key my.key && chmod 600 my.key
  $ mv reg/registry.key saved.key
  $ vigie check --registry reg --key-file my.key --email hugo.locatelli@gmail.com > /dev/null
  $ VIGIE_REGISTRY_KEY=$(python3 -c 'print("ab" * 32)') vigie check --registry reg --email hugo.locatelli@gmail.com
  vigie check: registre inutilisable : .* (re)
  [3]
  $ vigie check --registry reg --email hugo.locatelli@gmail.com 2>&1 | grep -c 'registry.key'
  1
  $ vigie check --registry reg --email hugo.locatelli@gmail.com > /dev/null 2>&1
  [3]
  $ mv saved.key reg/registry.key
  $ VIGIE_REGISTRY=reg vigie check --email hugo.locatelli@gmail.com > /dev/null

No registry: exit 3 with a clear message:

  $ vigie check --registry nowhere --email a@b.fr
  vigie check: registre inutilisable : no registry in nowhere yet (no CURRENT file): run vigie ingest first
  [3]
  $ vigie check --registry nowhere --batch batch.tsv
  vigie check: registre inutilisable : no registry in nowhere yet (no CURRENT file): run vigie ingest first
  [3]

A corrupt registry: a truncated file or a damaged header is refused at open
(exit 3, never a crash); a damaged byte in a table is found by --verify:

  $ cp -r reg bad && truncate -s 1000 bad/registry-000001.vgr
  $ vigie check --registry bad --email hugo.locatelli@gmail.com
  vigie check: registre inutilisable : bad/registry-000001.vgr: truncated: .* (re)
  [3]
  $ vigie check --registry bad --batch batch.tsv > /dev/null 2>&1
  [3]
  $ cat > flip.py <<'EOF'
  > import json, subprocess, sys
  > path, where = sys.argv[1], sys.argv[2]
  > if where.isdigit():
  >     off = int(where)
  > else:
  >     info = json.loads(subprocess.run(["vigie", "registry", "info", "--registry", "reg", "--json"], capture_output=True, check=True).stdout)
  >     off = [s for s in info["sections"] if s["name"] == where][0]["offset"] + 3
  > b = bytearray(open(path, "rb").read())
  > b[off] ^= 0x5a
  > open(path, "wb").write(b)
  > EOF
  $ rm -r bad && cp -r reg bad && python3 flip.py bad/registry-000001.vgr 8
  $ vigie check --registry bad --email hugo.locatelli@gmail.com > /dev/null 2>&1
  [3]
  $ rm -r bad && cp -r reg bad && python3 flip.py bad/registry-000001.vgr keys.email
  $ vigie check --registry bad --verify --email hugo.locatelli@gmail.com
  vigie check: registre corrompu : bad/registry-000001.vgr: section keys.email: checksum mismatch .* (re)
  [3]
  $ vigie check --registry bad --verify --batch batch.tsv > /dev/null 2>&1
  [3]
