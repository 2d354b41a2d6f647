`vigie normalize phone`: telephone numbers to E.164. Expected answers come
from the French numbering plan (ARCEP) and libphonenumber's documented
ranges, not from the program.

French national numbers, in the ways people and old databases write them:
spaces, dots, dashes, slashes, parentheses, a tel: prefix in any case.

  $ vigie normalize phone 0612345678 '06 12 34 56 78' 06.12.34.56.78 06-12-34-56-78 06/12/34/56/78 '(06) 12 34 56 78'
  +33612345678
  +33612345678
  +33612345678
  +33612345678
  +33612345678
  +33612345678
  $ vigie normalize phone '+33 6 12 34 56 78' '+33 (0)6 12 34 56 78' 0033612345678 '00 33 6 12 34 56 78' tel:+33-6-12-34-56-78 TEL:0612345678 '(+33) 6 12 34 56 78'
  +33612345678
  +33612345678
  +33612345678
  +33612345678
  +33612345678
  +33612345678
  +33612345678

Non-breaking and narrow no-break spaces (spreadsheets) are separators too. A
number that lost its 0 (nine digits, a numeric spreadsheet column) is read
as national.

  $ vigie normalize phone "$(printf '01\302\24042\302\24068\342\200\25753\302\24000')" 612345678
  +33142685300
  +33612345678

The overseas departments take their own country code: 0262 0263 0692 0693
Réunion, 0269 0639 Mayotte (+262); 0590 0690 0691 Guadeloupe, Saint-Martin,
Saint-Barthélemy (+590); 0594 0694 Guyane (+594); 0596 0696 0697 Martinique
(+596).

  $ vigie normalize phone '0692 12 34 56' '0262 21 12 34' '0269 61 23 45' '0639 21 23 45'
  +262692123456
  +262262211234
  +262269612345
  +262639212345
  $ vigie normalize phone '0590 82 12 34' '0690 12 34 56' '0594 30 12 34' '0694 20 12 34' '0596 30 12 34' '0696 12 34 56'
  +590590821234
  +590690123456
  +594594301234
  +594694201234
  +596596301234
  +596696123456
  $ vigie normalize phone '+262 692 12 34 56' '+262 (0)692 12 34 56' '00 590 690 12 34 56'
  +262692123456
  +262692123456
  +590690123456

International numbers, for every country; the trunk (0) is dropped where it
is a trunk prefix, kept in Italy where it belongs to the number.

  $ vigie normalize phone '+44 20 7946 0958' '0044 20 7946 0958' '+44 (0)20 7946 0958' '+1 (202) 456-1111' '+49 30 901820' '+39 02 1234 5678' '+32 470 12 34 56'
  +442079460958
  +442079460958
  +442079460958
  +12024561111
  +4930901820
  +390212345678
  +32470123456

Standard input: one number per line, one answer per line, invalid lines
included; exit 0 once the input is read. CRLF line ends are fine.

  $ printf '06 12 34 56 78\r\n0692123456\n\nabc\n+44 20 7946 0958\n0697 12 34 56\n' | vigie normalize phone
  +33612345678
  +262692123456
  invalid: valeur vide
  invalid: lettres dans le numéro (seul un préfixe « tel: » est admis)
  +442079460958
  invalid: numéro invalide : hors des plages attribuées dans ce pays
  $ printf '0612\n+999 612345678\n' | vigie normalize --lang en phone
  invalid: number too short
  invalid: unknown country code

--json gives the parts (country code, national number, ISO region, type)
and flags: fast_path when the hand-written French path answered, overseas
for French overseas regions, non_geographic for codes such as +800.

  $ vigie normalize --json phone '0692 12 34 56'
  {"kind":"phone","input":"0692 12 34 56","valid":true,"canonical":"+262692123456","reason":null,"parts":{"country_code":262,"national_number":"692123456","region":"RE","type":"mobile"},"flags":["fast_path","overseas"]}
  $ vigie normalize --json phone 0142685300 '0590 87 12 34' '0800 12 34 56' '09 72 12 34 56'
  {"kind":"phone","input":"0142685300","valid":true,"canonical":"+33142685300","reason":null,"parts":{"country_code":33,"national_number":"142685300","region":"FR","type":"fixed"},"flags":["fast_path"]}
  {"kind":"phone","input":"0590 87 12 34","valid":true,"canonical":"+590590871234","reason":null,"parts":{"country_code":590,"national_number":"590871234","region":"BL","type":"fixed"},"flags":["fast_path","overseas"]}
  {"kind":"phone","input":"0800 12 34 56","valid":true,"canonical":"+33800123456","reason":null,"parts":{"country_code":33,"national_number":"800123456","region":"FR","type":"toll_free"},"flags":["fast_path"]}
  {"kind":"phone","input":"09 72 12 34 56","valid":true,"canonical":"+33972123456","reason":null,"parts":{"country_code":33,"national_number":"972123456","region":"FR","type":"voip"},"flags":["fast_path"]}
  $ vigie normalize --json phone '+44 20 7946 0958' '+800 1234 5678'
  {"kind":"phone","input":"+44 20 7946 0958","valid":true,"canonical":"+442079460958","reason":null,"parts":{"country_code":44,"national_number":"2079460958","region":"GB","type":"fixed"},"flags":[]}
  {"kind":"phone","input":"+800 1234 5678","valid":true,"canonical":"+80012345678","reason":null,"parts":{"country_code":800,"national_number":"12345678","region":null,"type":"toll_free"},"flags":["non_geographic"]}
  $ vigie normalize --json --lang en phone 1-800-FLOWERS
  {"kind":"phone","input":"1-800-FLOWERS","valid":false,"canonical":null,"reason":{"code":"letters","message":"letters in the number (only a \"tel:\" prefix is allowed)"}}
  [1]

Invalid values: the reason on standard error, exit code 1; French by
default, English with --lang en. Vanity letters and extensions are refused.

  $ vigie normalize phone 1-800-FLOWERS
  vigie normalize: phone: lettres dans le numéro (seul un préfixe « tel: » est admis)
  [1]
  $ vigie normalize --lang en phone '' tel: '06 12 34 56 78 ext 12' '06#12345678' '0612345678+' '06 12 34 56 7' '06 12 34 56 78 9'
  vigie normalize: phone: empty value
  vigie normalize: phone: no digits
  vigie normalize: phone: letters in the number (only a "tel:" prefix is allowed)
  vigie normalize: phone: character not allowed in a phone number (digits, +, spaces, . - / ( ))
  vigie normalize: phone: misplaced "+": only one, before the country code
  vigie normalize: phone: number too short
  vigie normalize: phone: number too long
  [1]
  $ vigie normalize --lang en phone '+999 612345678' '+47 55 55 55' '07 12 34 56 78' '0697 12 34 56' '+44 20 5000 0000'
  vigie normalize: phone: unknown country code
  vigie normalize: phone: number of digits not possible for this country
  vigie normalize: phone: invalid number: not in a range allocated in this country
  vigie normalize: phone: invalid number: not in a range allocated in this country
  vigie normalize: phone: invalid number: not in a range allocated in this country
  [1]

One invalid value among valid ones: the valid ones are still printed, and
the exit code is 1.

  $ vigie normalize phone 0612345678 0712345678 0712345678 2>&1
  +33612345678
  vigie normalize: phone: numéro invalide : hors des plages attribuées dans ce pays
  vigie normalize: phone: numéro invalide : hors des plages attribuées dans ce pays
  [1]

Bytes that are not UTF-8, and overlong input.

  $ vigie normalize phone "$(printf '06\377')"
  vigie normalize: phone: texte UTF-8 invalide
  [1]
  $ vigie normalize phone "$(printf '0612345678%05000d' 0)"
  vigie normalize: phone: valeur trop longue
  [1]
