vigie demo: a synthetic leak, generated then described, step by step. Timings
vary from run to run; everything else is fixed by the seed.

  $ mkdir d && echo mine > d/keep.txt
  $ vigie demo --no-serve --people 1000 --dir d > out.txt; sed -n '1,/^Étape 5/p' out.txt
  vigie demo : une fuite synthétique de 1 000 personnes, dans d
  
  Étape 1/7 : génération de la fuite
  \ \ 1\ 000\ personnes,\ 1\ 045\ lignes,\ en\ [0-9]+,[0-9]\ s\ \([0-9 ]+\ (personnes|lignes)/s\) (re)
    France Travail : 992 lignes ; Cap Emploi : 53 lignes ; 19 personnes dans les deux
    fichiers :
      d/leak-france-travail-1.csv  336 lignes, 67 240 octets
      d/leak-france-travail-2.csv  341 lignes, 68 147 octets
      d/leak-france-travail-3.csv  315 lignes, 63 014 octets
      d/leak-cap-emploi-1.csv  20 lignes, 4 127 octets
      d/leak-cap-emploi-2.csv  21 lignes, 4 240 octets
      d/leak-cap-emploi-3.csv  12 lignes, 2 571 octets
      d/truth.jsonl  la vérité terrain (une ligne JSON par personne)
  
  Étape 2/7 : ce que contient la fuite
    personnes exposées, par catégorie de données (lignes intactes) :
      nom                                   997
      NIR                                   973
      date de naissance                     974
      identifiant France Travail            984
      email                                 980
      adresse postale                       973
      téléphone                             983
      sexe                                  997
      lieu de naissance                     973
      inscription                           997
    désordre : 26 lignes en double, 2 en Windows-1252, 1 tronquées,
    0 guillemets non fermés, 2 séparateurs en trop
    exemples (données inventées) :
      Michel GARCIA, né le 18/05/1947 à 99333 (MG), NIR 147059933303366
        michelgarcia1@hotmail.fr, 0297693039, 86 route Thiers 50130 CHERBOURG EN COTENTIN
        France Travail, identifiant 9820590A, inscription du 26/10/2012 au 28/12/2012 (cessation)
      Sabrina FERRAULT (née NIVAGGIONI), née le 23/02/1975 à 59617, NIR 275025961700214
        sabrina.nivaggioni11@outlook.fr, 0772676317, 25 rue du Moulin 59236 FRELINGHIEN
        France Travail + Cap Emploi, identifiant 2668944S, inscription du 02/01/2017 au 19/06/2021 (radié)
      Malika CLINET (née MARTIN), née le 29/09/1986 à 01353, NIR 286090135300153
        malika.martin12@yahoo.fr, 0682109572, 14 boulevard Carnot 01710 THOIRY
        France Travail + Cap Emploi, identifiant 6352362U, inscription du 31/05/2009 au 29/10/2009 (cessation)
  
  Étape 3/7 : intégration dans le registre des expositions
  \ \ 1\ 045\ lignes\ lues\ =\ 1\ 042\ acceptées\ \+\ 3\ rejetées,\ en\ [0-9]+,[0-9]\ s\ \([0-9 ]+\ (personnes|lignes)/s\) (re)
    identifiants enregistrés (pseudonymes à clé, jamais en clair) :
      email               980
      phone               983
      nir                 973
      ft_id               984
      name_dob          1 149
    registre : d/registry (clé : d/registry/registry.key, 0600)
    lignes rejetées et leur raison : d/registry/rejects/[0-9]{8}T[0-9]{6}Z\.tsv \(données en clair : à relire puis supprimer\) (re)
  
  Étape 4/7 : notification à la CNIL (article 33 du RGPD)
    d/rapport-cnil.md
    d/rapport-cnil.html
    d/rapport-cnil.json
    984 personnes exposées (environ), 1 042 lignes ; données sensibles (art. 9) : oui (Cap Emploi)
    notification 64 h après la prise de connaissance : dans le délai de 72 h
  
  Étape 5/7 : message à chaque personne (article 34 du RGPD)
  $ grep -c 'Résultat : EXPOSÉ' out.txt
  1
  $ grep -A3 'À essayer aussi' out.txt | head -2
    À essayer aussi :
      vigie check --registry d/registry --phone +33297693039

Step 5 writes one art. 34 message per contact address into a spool and
shows the first one's text (the order follows the keyed pseudonyms, so which
person comes first changes with the registry key):

  $ sed -n '/^Étape 5/,/^Étape 6/p' out.txt | sed -n '2,4p'
  \ \ 99[0-9]\ messages\ :\ 9[0-9]{2}\ courriels,\ [0-9]+\ SMS\ .* (re)
  \ \ écrits\ en\ [0-9]+,[0-9]\ s\ \([0-9 ]+\ messages/s\)\ dans\ le\ spool\ d/notify-spool (re)
  \ \ le\ premier\ message\ \(pour\ [^ ]+@[^ ]+,\ texte\ seul\ ;.* (re)
  $ grep -c -e '^    Madame, Monsieur,' -e '^    Ce message est-il authentique ?' out.txt
  2
  $ ls d/notify-spool
  bodies
  seg-000001.idx
  seg-000001.vgs

The commands it suggests work, and the registry it built verifies:

  $ vigie check --registry d/registry --email michelgarcia1@hotmail.fr --json | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["exposed"], o["sources"])'
  True ['France Travail']
  $ vigie check --registry d/registry --email personne@example.org > /dev/null
  [1]
  $ vigie registry verify --registry d/registry > /dev/null
  $ grep -c '<svg' d/rapport-cnil.html
  1
  $ python3 -c 'import json; print(json.load(open("d/rapport-cnil.json"))["special_category"] is not None)'
  True

The demo writes its own files and leaves the rest alone:

  $ ls d
  keep.txt
  leak-cap-emploi-1.csv
  leak-cap-emploi-2.csv
  leak-cap-emploi-3.csv
  leak-france-travail-1.csv
  leak-france-travail-2.csv
  leak-france-travail-3.csv
  notify-spool
  notify-spool.notify-state
  passwords-sample.txt
  rapport-cnil.html
  rapport-cnil.json
  rapport-cnil.md
  registry
  serve.conf
  tokens
  tokens.lock
  truth.jsonl
  $ cat d/keep.txt
  mine
  $ wc -l < d/truth.jsonl
  1002

Running it again overwrites its files with the same bytes:

  $ md5sum d/leak-france-travail-2.csv > sum && vigie demo --no-serve --people 1000 --dir d > /dev/null && md5sum -c sum
  d/leak-france-travail-2.csv: OK

In English:

  $ vigie --lang en demo --no-serve --people 500 --dir e | head -5
  vigie demo: a synthetic leak of 500 people, in e
  
  Step 1/7: generating the leak
    500 people, 526 rows, in [0-9]+\.[0-9] s \([0-9,]+ people/s\) (re)
    France Travail: 491 rows; Cap Emploi: 35 rows; 12 people in both
  $ vigie demo --no-serve --lang en --people 500 --dir e | grep -c '^Step'
  7

By default, 100,000 people in ./vigie-demo:

  $ vigie demo --no-serve > out.txt && sed -n 4p out.txt
    100 000 personnes, 103 546 lignes, en [0-9]+,[0-9] s \([0-9 ]+ personnes/s\) (re)
  $ ls vigie-demo | grep -c leak-
  6

Errors:

  $ vigie demo --no-serve --people 0
  vigie demo: --people : de 1 à 100000000 pour la démo
  Aide : vigie help demo
  [2]
  $ vigie --lang en demo --no-serve --people abc
  vigie demo: --people expects a non-negative whole number (e.g. 1000, 43M), not 'abc'
  See: vigie help demo
  [2]
  $ vigie --lang en demo --no-serve --bogus
  vigie demo: unknown option or missing value: --bogus
  See: vigie help demo
  [2]
  $ vigie --lang en demo --no-serve --people 10 extra
  vigie demo: unexpected argument: 'extra'
  See: vigie help demo
  [2]
  $ vigie --lang en demo --no-serve --people 10 --dir d/keep.txt | tail -1
  vigie demo: cannot create directory 'd/keep.txt': Not a directory
  Step 1/7: generating the leak
  $ vigie demo --no-serve --help | head -1
  Usage : vigie demo [--dir RÉPERTOIRE] [--people N] [--seed S] [--listen HÔTE:PORT]
