`vigie normalize address`: a French postal address to one canonical line,
  [number [suffix]] [street type] [street] [po box] postcode commune [cedex [n]]
in lowercase ASCII words.

The issue's input forms: abbreviations expanded, suffix spelled out, order
and commas do not matter.

  $ vigie normalize address '12 bis, av. de la République 75011 Paris' '12B AVENUE DE LA REPUBLIQUE, 75011 PARIS' '75011 Paris, 12 bis avenue de la République'
  12 bis avenue de la republique 75011 paris
  12 bis avenue de la republique 75011 paris
  12 bis avenue de la republique 75011 paris

Street types (La Poste / AFNOR abbreviations) and house-number suffixes
(b, t, q are bis, ter, quater).

  $ vigie normalize address '3 bd Voltaire 75011 Paris' '3T R. de la Paix 75002 Paris' '7 Q imp. des Lilas 44000 Nantes' '1 fbg St-Antoine 75012 Paris' '5 rte de Lyon 38000 Grenoble' '2 chem. du Moulin 31000 Toulouse' 'Lieu-dit Les Granges, 12340 Bozouls' 'RD 12, 47360 Cours'
  3 boulevard voltaire 75011 paris
  3 ter rue de la paix 75002 paris
  7 quater impasse des lilas 44000 nantes
  1 faubourg saint antoine 75012 paris
  5 route de lyon 38000 grenoble
  2 chemin du moulin 31000 toulouse
  lieu dit les granges 12340 bozouls
  route departementale 12 47360 cours

Complements (appartement, bâtiment, étage, résidence before a street, "chez")
are left out of the line; --json keeps them in parts.complement.

  $ vigie normalize address 'Appt 4, 3 rue X, 69001 LYON' 'Appt 4 3 rue X 69001 LYON' '3 rue X appt 4, 69001 Lyon' 'Résidence Les Pins, Bât. B, 3 rue X, 69001 Lyon' 'chez M. Martin, 3 rue X, 69001 Lyon' '2e étage, 3 rue X, 69001 Lyon'
  3 rue x 69001 lyon
  3 rue x 69001 lyon
  3 rue x 69001 lyon
  3 rue x 69001 lyon
  3 rue x 69001 lyon
  3 rue x 69001 lyon
  $ vigie normalize --json address 'Résidence Les Pins, Bât. B, 3 rue X, 69001 Lyon'
  {"kind":"address","input":"Résidence Les Pins, Bât. B, 3 rue X, 69001 Lyon","valid":true,"canonical":"3 rue x 69001 lyon","reason":null,"parts":{"number":"3","suffix":null,"street_type":"rue","street":"x","postcode":"69001","department":"69","commune":"lyon","complement":"residence les pins, bat b"},"flags":["complement"]}

Postal boxes (BP, CS, TSA) and CEDEX stay in the line; a BP may stand for
the street. A BP without postcode and commune is not an address.

  $ vigie normalize address 'BP 12, 69001 Lyon' 'CS 70001, 75700 PARIS CEDEX 07' 'B.P. 5 69001 Lyon Cedex'
  bp 12 69001 lyon
  cs 70001 75700 paris cedex 7
  bp 5 69001 lyon cedex
  $ vigie normalize address 'BP 12'
  vigie normalize: address: code postal manquant (5 chiffres)
  [1]

Commune: after or before the postcode, or on the next line; "France" and
Paris/Lyon/Marseille arrondissements are dropped; St/Ste are spelled out.

  $ vigie normalize address '3 rue X, Paris 75002' '3 rue X, 75002, Paris' '3 rue X 75002 PARIS 2E, FRANCE' '3 rue X 42000 ST ETIENNE' "$(printf '3 rue X\n69001 Lyon')"
  3 rue x 75002 paris
  3 rue x 75002 paris
  3 rue x 75002 paris
  3 rue x 42000 saint etienne
  3 rue x 69001 lyon

Departments: 01-95 (20 is Corsica: 2A, 2B), overseas 971-976, 984, 986-988,
980 Monaco. 00, 96, 97x/98x outside those, 99 are refused.

  $ vigie normalize --json address '3 cours Napoléon 20000 Ajaccio' | grep -o '"department":"[^"]*"'
  "department":"2A"
  $ vigie normalize --json address '3 bd Paoli 20200 Bastia' | grep -o '"department":"[^"]*"'
  "department":"2B"
  $ vigie normalize address '5 rue Schoelcher 97200 Fort-de-France' '3 rue X 98800 Nouméa'
  5 rue schoelcher 97200 fort de france
  3 rue x 98800 noumea
  $ vigie normalize address '3 rue X 00100 Ville' '3 rue X 96000 Ville' '3 rue X 99000 Ville' '3 rue X 97800 Ville'
  vigie normalize: address: code postal invalide : ne commence pas par un numéro de département
  vigie normalize: address: code postal invalide : ne commence pas par un numéro de département
  vigie normalize: address: code postal invalide : ne commence pas par un numéro de département
  vigie normalize: address: code postal invalide : ne commence pas par un numéro de département
  [1]

Other reasons: no postcode, no commune, no street, empty, bad UTF-8, too
long; English with --lang en.

  $ vigie normalize --lang en address '3 rue de la Paix Paris' '3 rue de la Paix 75002' '75002 Paris' '  ' "$(printf '3 rue \377 75002 Paris')" "$(head -c 5000 /dev/zero | tr '\0' x)"
  vigie normalize: address: missing postcode (5 digits)
  vigie normalize: address: missing commune (town) after the postcode
  vigie normalize: address: missing street: no street, place name or postal box
  vigie normalize: address: empty value
  vigie normalize: address: invalid UTF-8 text
  vigie normalize: address: value too long
  [1]

Standard input: one line per address (use ',' or ';' between address
lines); invalid lines say why; exit 0.

  $ printf '12 bis av. de la R\303\251publique; 75011; Paris\r\n\nBP 12\n3 rue X 69001 Lyon Cedex 3\n3 rue \300\257 75002 Paris\n' | vigie normalize address
  12 bis avenue de la republique 75011 paris
  invalid: valeur vide
  invalid: code postal manquant (5 chiffres)
  3 rue x 69001 lyon cedex 3
  invalid: texte UTF-8 invalide
  $ printf '3 rue X 96000 Ville\n' | vigie normalize --lang en address
  invalid: invalid postcode: does not start with a department number

--json: the parts and flags, or the reason.

  $ vigie normalize --json address '12B AVENUE DE LA REPUBLIQUE, 75011 PARIS CEDEX 11'
  {"kind":"address","input":"12B AVENUE DE LA REPUBLIQUE, 75011 PARIS CEDEX 11","valid":true,"canonical":"12 bis avenue de la republique 75011 paris cedex 11","reason":null,"parts":{"number":"12","suffix":"bis","street_type":"avenue","street":"de la republique","postcode":"75011","department":"75","commune":"paris","cedex":"11"},"flags":["cedex"]}
  $ vigie normalize --json address 'BP 12, 98000 Monaco'
  {"kind":"address","input":"BP 12, 98000 Monaco","valid":true,"canonical":"bp 12 98000 monaco","reason":null,"parts":{"number":null,"suffix":null,"street_type":null,"street":null,"postcode":"98000","department":"980","commune":"monaco","po_box":"bp 12"},"flags":["po_box","no_number","monaco"]}
  $ vigie normalize --json --lang en address '3 rue X 75002'
  {"kind":"address","input":"3 rue X 75002","valid":false,"canonical":null,"reason":{"code":"no_commune","message":"missing commune (town) after the postcode"}}
  [1]

A canonical line normalizes to itself.

  $ vigie normalize address "$(vigie normalize address 'Appt 4, 12B, AV. DE LA RÉPUBLIQUE, 75011 PARIS 11E, FRANCE')"
  12 bis avenue de la republique 75011 paris
