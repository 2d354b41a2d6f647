`vigie normalize name`: given and family names to lowercase ASCII words.
Accents, case, hyphens, apostrophes (' ’ ‘ ʼ) and runs of spaces are folded,
so that every spelling of one name gives one form.

  $ vigie normalize name "Jean-François D'ARC" 'jean francois d arc' 'JEAN-FRANÇOIS D’ARC' '  Jean   François  d ʼ Arc '
  jean francois d arc
  jean francois d arc
  jean francois d arc
  jean francois d arc

Ligatures and special letters are spelled out; accented capitals fold too.

  $ vigie normalize name 'Œdipe' 'Lætitia' 'Straße' 'ÉLODIE ÀNAÏS ÇA' 'Zoë-Chloé' 'Łukasz Øyvind'
  oedipe
  laetitia
  strasse
  elodie anais ca
  zoe chloe
  lukasz oyvind

Other scripts are transliterated to Latin (ICU); decomposed accents
(combining marks) and right-to-left marks vanish.

  $ vigie normalize name 'Дмитрий Шостакович' '王伟' 'Αλέξανδρος' 'Nguyễn Thị'
  dmitrij sostakovic
  wang wei
  alexandros
  nguyen thi
  $ vigie normalize name "$(printf 'Jose\314\201 Zoe\314\210')" "$(printf '\342\200\217\327\233\327\224\327\237')"
  jose zoe
  khn

Titles are kept as words (and flagged in --json).

  $ vigie normalize name 'M. Jean DUPONT' 'Mme Durand'
  m jean dupont
  mme durand

Invalid: digits, nothing but punctuation, blank, bad UTF-8, too long. The
reason goes to standard error, French by default, English with --lang en;
exit 1.

  $ vigie normalize name Jean2
  vigie normalize: name: le nom contient des chiffres
  [1]
  $ vigie normalize --lang en name Jean2 -- --- '   ' "$(printf 'Ren\303')"
  vigie normalize: name: the name contains digits
  vigie normalize: name: the name has no letters
  vigie normalize: name: empty value
  vigie normalize: name: invalid UTF-8 text
  [1]
  $ vigie normalize name "$(printf 'Jean\300\257')" "$(printf '\355\240\200')" "$(head -c 600 /dev/zero | tr '\0' a)"
  vigie normalize: name: texte UTF-8 invalide
  vigie normalize: name: texte UTF-8 invalide
  vigie normalize: name: valeur trop longue
  [1]

Valid and invalid values together: the valid ones are printed, exit 1.

  $ vigie normalize name Zoé 'R2D2' Hélène
  zoe
  vigie normalize: name: le nom contient des chiffres
  helene
  [1]

Standard input: one line out per line in, invalid lines say why, exit 0.

  $ printf 'Jean-Pierre\r\n\nLouis 14\nO\342\200\231Brien\n\377\n---' | vigie normalize name
  jean pierre
  invalid: valeur vide
  invalid: le nom contient des chiffres
  o brien
  invalid: texte UTF-8 invalide
  invalid: aucune lettre dans le nom
  $ printf 'Jean2\nZo\303\253\n' | vigie normalize --lang en name
  invalid: the name contains digits
  zoe

--json: words and flags, or the reason.

  $ vigie normalize --json name 'M. Jean-François DÜPONT'
  {"kind":"name","input":"M. Jean-François DÜPONT","valid":true,"canonical":"m jean francois dupont","reason":null,"parts":{"words":["m","jean","francois","dupont"]},"flags":["non_ascii","title"]}
  $ vigie normalize --json name '王伟'
  {"kind":"name","input":"王伟","valid":true,"canonical":"wang wei","reason":null,"parts":{"words":["wang","wei"]},"flags":["non_ascii","transliterated"]}
  $ vigie normalize --json --lang en name Jean2
  {"kind":"name","input":"Jean2","valid":false,"canonical":null,"reason":{"code":"contains_digits","message":"the name contains digits"}}
  [1]
  $ printf 'Zo\303\253\n\377x\n' | vigie normalize --json name
  {"kind":"name","input":"Zoë","valid":true,"canonical":"zoe","reason":null,"parts":{"words":["zoe"]},"flags":["non_ascii"]}
  {"kind":"name","input":"�x","valid":false,"canonical":null,"reason":{"code":"bad_utf8","message":"texte UTF-8 invalide"}}

A canonical form normalizes to itself.

  $ vigie normalize name "$(vigie normalize name "Jean-François D'ARC")"
  jean francois d arc
