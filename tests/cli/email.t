`vigie normalize email`: canonical email addresses (docs/ident/email.md).

Trimmed, lowercased, wrappers stripped; +tags and dots kept.

  $ vigie normalize email ' Jean.Dupont@Example.FR ' 'MAILTO:Jean@X.fr' '<jean@x.fr>'
  jean.dupont@example.fr
  jean@x.fr
  jean@x.fr
  $ vigie normalize email 'Jean+Promo@Gmail.com' 'j.e.a.n@gmail.com' '<mailto:A@B.FR>'
  jean+promo@gmail.com
  j.e.a.n@gmail.com
  a@b.fr

Display-name forms keep the address between the angle brackets.

  $ vigie normalize email 'Jean Dupont <Jean.Dupont@X.FR>' '"Dupont, Jean" <jean@x.fr>'
  jean.dupont@x.fr
  jean@x.fr

A quoted local part may hold an @; UTF-8 is kept, only ASCII is lowercased.

  $ vigie normalize email '"a@b"@X.fr' 'Jéan@Exämple.FR'
  "a@b"@x.fr
  jéan@exämple.fr

Every reason, in French by default.

  $ vigie normalize email 'jean.dupont'
  vigie normalize: email: pas de @ dans l'adresse
  [1]
  $ vigie normalize email 'a@b@x.fr'
  vigie normalize: email: plus d'un @ dans l'adresse
  [1]
  $ vigie normalize email '"a@x.fr'
  vigie normalize: email: guillemet ouvrant sans guillemet fermant dans la partie locale
  [1]
  $ vigie normalize email 'jean dupont@x.fr'
  vigie normalize: email: espace à l'intérieur de l'adresse
  [1]
  $ vigie normalize email "$(printf 'a\001@x.fr')"
  vigie normalize: email: caractère de contrôle dans l'adresse
  [1]
  $ vigie normalize email '@x.fr'
  vigie normalize: email: partie locale vide (avant le @)
  [1]
  $ vigie normalize email 'a,b@x.fr'
  vigie normalize: email: caractère interdit dans la partie locale
  [1]
  $ vigie normalize email 'a@'
  vigie normalize: email: domaine vide (après le @)
  [1]
  $ vigie normalize email 'a@[10.0.0.1]'
  vigie normalize: email: caractère interdit dans le domaine
  [1]
  $ vigie normalize email 'a@b..fr' 'a@b.fr.' 'a@.b.fr'
  vigie normalize: email: domaine avec une partie vide (point en trop)
  vigie normalize: email: domaine avec une partie vide (point en trop)
  vigie normalize: email: domaine avec une partie vide (point en trop)
  [1]
  $ vigie normalize email 'a@localhost'
  vigie normalize: email: domaine sans point
  [1]
  $ vigie normalize email 'a@-x.fr' 'a@x_.fr'
  vigie normalize: email: partie du domaine commençant ou finissant par - ou _
  vigie normalize: email: partie du domaine commençant ou finissant par - ou _
  [1]
  $ vigie normalize email 'a@1.2.3.4'
  vigie normalize: email: extension de domaine numérique (.123)
  [1]
  $ vigie normalize email "$(printf 'a%.0s' $(seq 65))@x.fr"
  vigie normalize: email: partie locale de plus de 64 caractères
  [1]
  $ vigie normalize email "a@$(printf 'b%.0s' $(seq 64)).fr"
  vigie normalize: email: partie du domaine de plus de 63 caractères
  [1]
  $ L=$(printf 'c%.0s' $(seq 63)); vigie normalize email "ab@$L.$L.$L.$(printf 'c%.0s' $(seq 57)).fr"
  vigie normalize: email: valeur trop longue
  [1]
  $ L=$(printf 'c%.0s' $(seq 63)); vigie normalize email "a@$L.$L.$L.$(printf 'c%.0s' $(seq 57)).fr" | wc -c
  255
  $ vigie normalize email '' '   '
  vigie normalize: email: valeur vide
  vigie normalize: email: valeur vide
  [1]
  $ vigie normalize email "$(printf 'a@x.fr\377')"
  vigie normalize: email: texte UTF-8 invalide
  [1]

In English with --lang en.

  $ vigie normalize --lang en email 'a@b' 'a b@c.fr' 'x@y.fr'
  vigie normalize: email: domain without a dot
  vigie normalize: email: whitespace inside the address
  x@y.fr
  [1]

Standard input: one line out per line in.

  $ printf ' A@B.FR \nnope\n<c@d.fr>\n"x@y"@z.fr\na@b..fr\n' | vigie normalize email
  a@b.fr
  invalid: pas de @ dans l'adresse
  c@d.fr
  "x@y"@z.fr
  invalid: domaine avec une partie vide (point en trop)
  $ printf 'a@b\nJEAN@X.FR\n' | vigie normalize --lang en email
  invalid: domain without a dot
  jean@x.fr

JSON: parts and flags for a valid value, the reason for an invalid one.

  $ vigie normalize --json email 'Jean+Promo@Gmail.com'
  {"kind":"email","input":"Jean+Promo@Gmail.com","valid":true,"canonical":"jean+promo@gmail.com","reason":null,"parts":{"local":"jean+promo","domain":"gmail.com","tag":"promo"},"flags":["tagged"]}
  $ vigie normalize --json email '"A@B"@Exämple.fr'
  {"kind":"email","input":"\"A@B\"@Exämple.fr","valid":true,"canonical":"\"a@b\"@exämple.fr","reason":null,"parts":{"local":"\"a@b\"","domain":"exämple.fr"},"flags":["quoted","idn"]}
  $ vigie normalize --json --lang en email 'a@b..fr'
  {"kind":"email","input":"a@b..fr","valid":false,"canonical":null,"reason":{"code":"empty_label","message":"domain with an empty label (extra dot)"}}
  [1]

Normalizing a canonical form gives it back.

  $ vigie normalize email 'Jean Dupont <MAILTO:Jean+X@Exämple.FR>' | vigie normalize email
  jean+x@exämple.fr
