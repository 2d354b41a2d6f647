`vigie normalize nir`: the French social security number (NIR). Expected keys
were computed independently (97 - N mod 97, with 2A -> 19 and 2B -> 18).

A 13-character body gets its key; a 15-character number keeps it. Spaces,
dots, dashes, underscores, slashes are skipped; 2a/2b are uppercased.

  $ vigie normalize nir 1840675116001 '1 84 06 75 116 001 27' 1.84.06.75.116.001.27 1-84-06-75-116-001-27
  184067511600127
  184067511600127
  184067511600127
  184067511600127
  $ vigie normalize nir '2 55 08 2a 004 123' 255082A00412369 '1 78 05 2B 033 051 16' '3 01 12 2b 050 010'
  255082A00412369
  255082A00412369
  178052B03305116
  301122B05001034

Corsica before 1976 is department 20. Department 96 (Tunisia before 1956)
is outside the accepted 01-95 and refused.

  $ vigie normalize nir '1 50 05 20 004 012'
  150052000401212
  $ vigie normalize --lang en nir 2960396001999
  vigie normalize: nir: .* (re)
  [1]

Overseas: a 3-digit department and a 2-digit commune. Abroad: 99 and the
INSEE country code.

  $ vigie normalize nir '2 92 03 971 23 456' '8 92 03 988 12 345' '1 85 05 987 12 003'
  292039712345624
  892039881234590
  185059871200383
  $ vigie normalize nir '2 85 11 99 352 042' '1 92 10 99 126 007' '4 70 06 35 238 001'
  285119935204296
  192109912600706
  470063523800120

Unknown months (20, 30-42, 50-99) are kept, and flagged.

  $ vigie normalize nir '1 85 54 13 055 001' '2 78 05 21 044 016' '1 42 35 99 101 017'
  185541305500179
  278052104401675
  142359910101707

Non-breaking and narrow spaces (as spreadsheets write them) are separators too.

  $ vigie normalize nir "$(printf '1\302\24084\302\24006\342\200\25775 116 001 27')"
  184067511600127

Invalid values: the reason on standard error, exit code 1, in French by
default and in English with --lang en.

  $ vigie normalize nir 184067511600128
  vigie normalize: nir: clé de contrôle fausse
  [1]
  $ vigie normalize --lang en nir 184067511600128
  vigie normalize: nir: wrong check key
  [1]
  $ vigie normalize --lang en nir 184067511600 18406751160012 1840675116001270
  vigie normalize: nir: a NIR has 13 characters, or 15 with its key
  vigie normalize: nir: a NIR has 13 characters, or 15 with its key
  vigie normalize: nir: a NIR has 13 characters, or 15 with its key
  [1]
  $ vigie normalize --lang en nir 5840675116001 0840675116001 9840675116001
  vigie normalize: nir: invalid first digit (sex): expected 1, 2, 3, 4, 7 or 8
  vigie normalize: nir: invalid first digit (sex): expected 1, 2, 3, 4, 7 or 8
  vigie normalize: nir: invalid first digit (sex): expected 1, 2, 3, 4, 7 or 8
  [1]
  $ vigie normalize --lang en nir 1840075116001 1841375116001 1842175116001 1844375116001
  vigie normalize: nir: invalid birth month
  vigie normalize: nir: invalid birth month
  vigie normalize: nir: invalid birth month
  vigie normalize: nir: invalid birth month
  [1]
  $ vigie normalize --lang en nir 1840600116001 1840697001001 1840698201001
  vigie normalize: nir: invalid birth department
  vigie normalize: nir: invalid birth department
  vigie normalize: nir: invalid birth department
  [1]
  $ vigie normalize --lang en nir 1840675000001 1840697100001 1840675116000
  vigie normalize: nir: invalid birth commune code (000)
  vigie normalize: nir: invalid birth commune code (000)
  vigie normalize: nir: invalid order number (000)
  [1]
  $ vigie normalize --lang en nir 1840699999001 1840699100001
  vigie normalize: nir: birth country code unknown to INSEE (99xxx)
  vigie normalize: nir: 99100 (France) cannot be a country of birth abroad
  [1]
  $ vigie normalize --lang en nir 1840675A16001 184062C116001 '' '  '
  vigie normalize: nir: misplaced letter: only 2A and 2B (Corsica) are allowed, at positions 6 and 7
  vigie normalize: nir: character not allowed in a NIR (digits, 2A or 2B, spaces, dots, dashes)
  vigie normalize: nir: empty value
  vigie normalize: nir: empty value
  [1]

Valid and invalid values together: every valid one is printed, exit 1.

  $ vigie normalize nir 1840675116001 184067511600199 2550819004123
  184067511600127
  vigie normalize: nir: clé de contrôle fausse
  255081900412369
  [1]

Standard input: one line out per line in, CRLF accepted, exit 0.

  $ printf '1 84 06 75 116 001\r\n184067511600199\n\n255082a004123\nNIR 123\n' | vigie normalize nir
  184067511600127
  invalid: clé de contrôle fausse
  invalid: valeur vide
  255082A00412369
  invalid: caractère non autorisé dans un NIR (chiffres, 2A ou 2B, espaces, points, tirets)
  $ printf '184067511600199\n1840675116001' | vigie normalize --lang en nir
  invalid: wrong check key
  184067511600127

--json: the parts and flags.

  $ vigie normalize --json nir '1 84 06 75 116 001'
  {"kind":"nir","input":"1 84 06 75 116 001","valid":true,"canonical":"184067511600127","reason":null,"parts":{"sex":"male","birth_year":"84","birth_month":"06","department":"75","commune":"116","commune_code":"75116","order":"001","key":"27","type":"regular"},"flags":["key_computed"]}
  $ vigie normalize --json nir 285119935204296
  {"kind":"nir","input":"285119935204296","valid":true,"canonical":"285119935204296","reason":null,"parts":{"sex":"female","birth_year":"85","birth_month":"11","department":"99","country":"99352","country_name":"Algérie","country_iso2":"DZ","order":"042","key":"96","type":"regular"},"flags":["born_abroad"]}
  $ vigie normalize --json nir '8 92 03 988 12 345'
  {"kind":"nir","input":"8 92 03 988 12 345","valid":true,"canonical":"892039881234590","reason":null,"parts":{"sex":"female","birth_year":"92","birth_month":"03","department":"988","commune":"12","commune_code":"98812","order":"345","key":"90","type":"temporary"},"flags":["key_computed","overseas"]}
  $ vigie normalize --json nir '3 01 12 2b 050 010 34'
  {"kind":"nir","input":"3 01 12 2b 050 010 34","valid":true,"canonical":"301122B05001034","reason":null,"parts":{"sex":"male","birth_year":"01","birth_month":"12","department":"2B","commune":"050","commune_code":"2B050","order":"010","key":"34","type":"foreign_born"},"flags":["corsica"]}
  $ vigie normalize --json nir '1 42 35 99 101 017'
  {"kind":"nir","input":"1 42 35 99 101 017","valid":true,"canonical":"142359910101707","reason":null,"parts":{"sex":"male","birth_year":"42","birth_month":"35","department":"99","country":"99101","country_name":"Danemark","country_iso2":"DK","order":"017","key":"07","type":"regular"},"flags":["month_unknown","key_computed","born_abroad"]}
  $ vigie normalize --json --lang en nir 184067511600199
  {"kind":"nir","input":"184067511600199","valid":false,"canonical":null,"reason":{"code":"bad_key","message":"wrong check key"}}
  [1]
  $ printf '150052000401212\n0\n' | vigie normalize --json nir
  {"kind":"nir","input":"150052000401212","valid":true,"canonical":"150052000401212","reason":null,"parts":{"sex":"male","birth_year":"50","birth_month":"05","department":"20","commune":"004","commune_code":"20004","order":"012","key":"12","type":"regular"},"flags":["corsica"]}
  {"kind":"nir","input":"0","valid":false,"canonical":null,"reason":{"code":"bad_length","message":"un NIR a 13 caractères, ou 15 avec la clé"}}
