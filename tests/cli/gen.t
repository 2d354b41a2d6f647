vigie gen: synthetic leaks. The exact rows below are those of seed 1 and 7;
a change to the model or to data/ shows here first.

Three people, the whole CSV output (';'-separated, header first):

  $ vigie gen --people 3 --seed 1 --format csv
  nom_usage;nom_naissance;prenom;sexe;date_naissance;nir;adresse;code_postal;commune;telephone;email;region;identifiant_ft;statut_inscription;date_debut_inscription;date_fin_inscription;source
  BLANDIN;BLANDIN;Virginie;F;18/08/1997;297083306306889;28 allée des Bleuets;33133;GALGON;0796930399;virginie-blandin13@gmail.com;Nouvelle-Aquitaine;9820590A;cessation;30/05/2014;19/09/2014;France Travail
  VOGEL;VOGEL;Teddy;M;25/12/1972;172125750900177;22 impasse Alphonse Daudet;33660;CAMPS SUR L ISLE;0778626763;teddy.vogel4@gmail.com;Nouvelle-Aquitaine;2668944S;radié;29/09/2008;01/04/2009;France Travail
  LOCATELLI;LOCATELLI;Hugo;M;29/06/2007;107069149400278;12 rue Aristide Briand;91710;VERT LE PETIT;0765910957;hugo.locatelli@gmail.com;Île-de-France;6352362U;cessation;08/09/2023;07/11/2023;Cap Emploi

The values the generator writes are ones the identifier library accepts:

  $ vigie gen --people 3 --seed 1 | tail -n +2 | cut -d';' -f6 | vigie normalize nir
  297083306306889
  172125750900177
  107069149400278
  $ vigie gen --people 3 --seed 1 | tail -n +2 | cut -d';' -f10 | vigie normalize phone
  +33796930399
  +33778626763
  +33765910957

1000 people and a header; 19 of them are in both sources (two rows each):

  $ vigie gen --people 1000 --seed 1 | wc -l
  1020
  $ vigie gen --people 1000 --seed 1 | grep -c ';Cap Emploi$'
  52

Same options, same bytes; another seed, other people:

  $ vigie gen -n 2000 -s 3 --mess 3 | md5sum > a; vigie gen -n 2000 -s 3 --mess 3 | md5sum > b; cmp a b && echo same
  same
  $ vigie gen -n 2000 -s 4 --mess 3 | md5sum > c; cmp -s a c || echo different
  different

JSONL and TSV:

  $ vigie gen -n 2 -s 1 --format jsonl
  {"nom_usage":"NAIM","nom_naissance":"MESTRIC","prenom":"Lydie","sexe":"F","date_naissance":"18/06/1982","nir":"282069005800152","adresse":"28 allée des Bleuets","code_postal":"90350","commune":"EVETTE SALBERT","telephone":"0365930399","email":"lydiemestric12@icloud.com","region":"Bourgogne-Franche-Comté","identifiant_ft":"9820590A","statut_inscription":"cessation","date_debut_inscription":"30/06/2005","date_fin_inscription":"20/10/2005","source":"France Travail"}
  {"nom_usage":"BEAUMET","nom_naissance":"BEAUMET","prenom":"Julien","sexe":"M","date_naissance":"25/07/1988","nir":"188079915506106","adresse":"4 rue Saint-Exupéry","code_postal":"38120","commune":"FONTANIL CORNILLON","telephone":"0469862676","email":"julien.beaumet@gmail.com","region":"Auvergne-Rhône-Alpes","identifiant_ft":"2668944S","statut_inscription":"cessation","date_debut_inscription":"04/07/2020","date_fin_inscription":"29/08/2020","source":"France Travail"}
  $ vigie gen -n 5 --format tsv | head -1 | tr '\t' '|'
  nom_usage|nom_naissance|prenom|sexe|date_naissance|nir|adresse|code_postal|commune|telephone|email|region|identifiant_ft|statut_inscription|date_debut_inscription|date_fin_inscription|source
  $ vigie gen -n 5 --delimiter , | head -1
  nom_usage,nom_naissance,prenom,sexe,date_naissance,nir,adresse,code_postal,commune,telephone,email,region,identifiant_ft,statut_inscription,date_debut_inscription,date_fin_inscription,source

Every clean row has 17 fields:

  $ vigie gen -n 5000 -s 2 | awk -F';' 'NF != 17' | wc -l
  0

The format and compression follow the output name; --json prints a summary on
standard output when the rows go to a file:

  $ vigie gen -n 100 -s 1 -o x.csv.gz --json | sed 's/,"seconds".*//'
  {"people":100,"rows":102,"rows_by_source":{"france_travail":95,"cap_emploi":7},"people_both":2,"duplicate_rows":0,"files":[{"name":"x.csv.gz","rows":102}],"bytes":9518,"people_by_category":{"name":100,"nir":100,"dob":100,"ft_id":100,"email":100,"address":100,"phone":100,"sex":100,"birthplace":100,"registration":100},"damaged_rows":{"truncated":0,"bad_quote":0,"extra_field":0},"cp1252_rows":0,"nir_overflow":0
  $ vigie gen -n 100 -s 1 -o x.csv.gz --json | grep -o '"seconds":[0-9.e-]*,"people_per_second":[0-9.e+]*}$' | wc -l
  1
  $ zcat x.csv.gz | wc -l
  103
  $ vigie gen -n 10 -o y.jsonl && head -c 13 y.jsonl
  {"nom_usage":

Several files: the same person can appear in several of them (--mess), and
the truth sidecar says where each row went:

  $ vigie gen -n 1000 -s 4 --mess 2 --files 2 -o f.csv --truth t.jsonl
  $ ls f-*.csv
  f-1.csv
  f-2.csv
  $ cat f-1.csv f-2.csv | wc -l
  1069
  $ head -1 t.jsonl | cut -c1-80
  {"type":"meta","generator":"vigie gen","version":"0.1.0","seed":4,"people":1000,
  $ tail -1 t.jsonl | cut -c1-120
  {"type":"summary","people":1000,"rows":1067,"rows_by_source":{"france_travail":1012,"cap_emploi":55},"people_both":15,"d
  $ grep -c '"type":"person"' t.jsonl
  1000
  $ vigie gen -n 300 --split-sources -o s.csv && ls s-*.csv
  s-cap-emploi.csv
  s-france-travail.csv
  $ tail -n +2 s-cap-emploi.csv | cut -d';' -f17 | sort -u
  Cap Emploi

Nothing but rows on a pipe (no progress display):

  $ vigie gen -n 200000 > /dev/null

Usage errors exit with 2 and say which option and why:

  $ vigie gen --people -5
  vigie gen: --people attend un nombre entier positif ou nul (ex. 1000, 43M), pas '-5'
  Aide : vigie help gen
  [2]
  $ vigie --lang en gen --people 12x
  vigie gen: --people expects a non-negative whole number (e.g. 1000, 43M), not '12x'
  See: vigie help gen
  [2]
  $ vigie --lang en gen --people 10000000001
  vigie gen: --people: '10000000001' exceeds the maximum of 10000000000 people
  See: vigie help gen
  [2]
  $ vigie --lang en gen --format xml
  vigie gen: --format expects csv, tsv or jsonl, not 'xml'
  See: vigie help gen
  [2]
  $ vigie --lang en gen --bogus
  vigie gen: unknown option: --bogus
  See: vigie help gen
  [2]
  $ vigie --lang en gen --files 3
  vigie gen: --files and --split-sources write several files: give -o NAME
  See: vigie help gen
  [2]
  $ vigie --lang en gen --mess 9
  vigie gen: --mess expects a level from 0 to 3, not '9'
  See: vigie help gen
  [2]
  $ vigie --lang en gen extra
  vigie gen: unexpected argument: 'extra' (gen takes options only)
  See: vigie help gen
  [2]
  $ vigie gen --seed
  vigie gen: --seed attend une valeur
  Aide : vigie help gen
  [2]

A file that cannot be written is an I/O error (exit 3):

  $ vigie --lang en gen -n 10 -o /nonexistent/x.csv
  vigie gen: /nonexistent/x.csv: No such file or directory
  [3]

Help, in French by default:

  $ vigie gen --help | head -2
  Usage : vigie gen [--people N] [--seed S] [--format csv|tsv|jsonl] [-o FICHIER]
                    [--mess 0-3] [--files K] [--split-sources] [--truth FICHIER]
  $ vigie gen --lang en --help | head -1
  Usage: vigie gen [--people N] [--seed S] [--format csv|tsv|jsonl] [-o FILE]

Synthetic access logs for vigie watch come from the same command
(docs/watch.md); `vigie watch gen` is an alias:

  $ vigie gen --access-log --advisors 20 --days 2 --seed 5 | head -1 | cut -c1-60
  {"ts":"2024-02-05T\d\d:\d\d:\d\d\+01:00","account":"(ft|ce)\d{6}",.* (re)
  $ vigie gen --access-log --advisors 20 --days 2 --seed 5 | cmp - <(vigie watch gen --advisors 20 --days 2 --seed 5) && echo same
  same
  $ vigie gen --help | grep -c access-log
  1
