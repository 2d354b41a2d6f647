`vigie normalize id`: France Travail identifiers (docs/ident/id.md).

Uppercase, separators (spaces, dots, dashes, slashes) removed.

  $ vigie normalize id 1234567A 1234567a ' 123 4567 a ' 123.456.7-A 1234567/a 12345678
  1234567A
  1234567A
  1234567A
  1234567A
  1234567A
  12345678

Longer export forms: 7 to 10 digits then an optional letter, 8 to 11 characters.

  $ vigie normalize id 12345678A 123456789 1234567890 1234567890Z
  12345678A
  123456789
  1234567890
  1234567890Z

Every reason.

  $ vigie normalize id 1234567_A 'FT#1234567' 12345É78
  vigie normalize: id: caractère interdit (seuls chiffres, lettres et séparateurs . - / espace)
  vigie normalize: id: caractère interdit (seuls chiffres, lettres et séparateurs . - / espace)
  vigie normalize: id: caractère interdit (seuls chiffres, lettres et séparateurs . - / espace)
  [1]
  $ vigie normalize id 1234567 123456A 123456789012 1234567890AB
  vigie normalize: id: longueur incorrecte (8 à 11 caractères attendus)
  vigie normalize: id: longueur incorrecte (8 à 11 caractères attendus)
  vigie normalize: id: longueur incorrecte (8 à 11 caractères attendus)
  vigie normalize: id: longueur incorrecte (8 à 11 caractères attendus)
  [1]
  $ vigie normalize id A1234567 1234567AB 123A4567 12345678901
  vigie normalize: id: forme incorrecte (7 à 10 chiffres puis une lettre facultative)
  vigie normalize: id: forme incorrecte (7 à 10 chiffres puis une lettre facultative)
  vigie normalize: id: forme incorrecte (7 à 10 chiffres puis une lettre facultative)
  vigie normalize: id: forme incorrecte (7 à 10 chiffres puis une lettre facultative)
  [1]
  $ vigie normalize id '' ' - . ' "$(printf '1234567A\377')"
  vigie normalize: id: valeur vide
  vigie normalize: id: valeur vide
  vigie normalize: id: texte UTF-8 invalide
  [1]

In English with --lang en.

  $ vigie normalize --lang en id 1234567+A 1234567 A1234567 1234567b
  vigie normalize: id: forbidden character (only digits, letters and separators . - / space)
  vigie normalize: id: wrong length (8 to 11 characters expected)
  vigie normalize: id: wrong shape (7 to 10 digits then an optional letter)
  1234567B
  [1]

Standard input.

  $ printf '1234567a\n123\n\n 765 4321 z \r\n' | vigie normalize id
  1234567A
  invalid: longueur incorrecte (8 à 11 caractères attendus)
  invalid: valeur vide
  7654321Z
  $ printf 'AB1234567\n' | vigie normalize --lang en id
  invalid: wrong shape (7 to 10 digits then an optional letter)

JSON: parts (digits, letter) and flags.

  $ vigie normalize --json id '123 4567 a'
  {"kind":"id","input":"123 4567 a","valid":true,"canonical":"1234567A","reason":null,"parts":{"digits":"1234567","letter":"A"},"flags":["letter","separators"]}
  $ vigie normalize --json id 1234567890
  {"kind":"id","input":"1234567890","valid":true,"canonical":"1234567890","reason":null,"parts":{"digits":"1234567890","letter":null},"flags":["extended"]}
  $ vigie normalize --json --lang en id 123
  {"kind":"id","input":"123","valid":false,"canonical":null,"reason":{"code":"bad_length","message":"wrong length (8 to 11 characters expected)"}}
  [1]

Normalizing a canonical form gives it back.

  $ vigie normalize id '12-34-567/k' | vigie normalize id
  1234567K
