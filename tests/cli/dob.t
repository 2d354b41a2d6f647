`vigie normalize dob`: dates of birth to YYYY-MM-DD (docs/ident/dob.md).

Day first, then month; a four-digit first number is the year.

  $ vigie normalize dob 05/03/1984 5/3/1984 05-03-1984 05.03.1984 '05 03 1984'
  1984-03-05
  1984-03-05
  1984-03-05
  1984-03-05
  1984-03-05
  $ vigie normalize dob 1984-03-05 1984/3/5 1984.03.05 ' 1984-03-05 '
  1984-03-05
  1984-03-05
  1984-03-05
  1984-03-05

Eight digits: DDMMYYYY when that is a valid date, else YYYYMMDD.

  $ vigie normalize dob 05031984 19840305 31121999 19991231
  1984-03-05
  1984-03-05
  1999-12-31
  1999-12-31

Two-digit years: 20YY up to the reference year's YY (2026: 26), else 19YY.

  $ vigie normalize dob 05-03-84 05/03/26 05/03/27 01.01.00
  1984-03-05
  2026-03-05
  1927-03-05
  2000-01-01

ISO date-times and exports with a time: the time is checked and dropped.

  $ vigie normalize dob 2024-03-05T12:00:00Z 2024-03-05T12:00:00+01:00 '2024-03-05 12:00:00.123' 2024-03-05T23:30:00.5-05:00 '05/03/1984 00:00:00'
  2024-03-05
  2024-03-05
  2024-03-05
  2024-03-05
  1984-03-05

Month names, French or English.

  $ vigie normalize dob '5 mars 1984' '1er janvier 1990' '12 février 1970' 05-MAR-84 05AUG1984
  1984-03-05
  1990-01-01
  1970-02-12
  1984-03-05
  1984-08-05

Impossible dates and every reason.

  $ vigie normalize dob 31/02/1984 29/02/2001 29/02/1900 00/01/1984 31/04/1984
  vigie normalize: dob: jour impossible pour ce mois
  vigie normalize: dob: jour impossible pour ce mois
  vigie normalize: dob: jour impossible pour ce mois
  vigie normalize: dob: jour impossible pour ce mois
  vigie normalize: dob: jour impossible pour ce mois
  [1]
  $ vigie normalize dob 29/02/2000 29/02/1904
  2000-02-29
  1904-02-29
  $ vigie normalize dob 01/13/1984 '5 foo 1984'
  vigie normalize: dob: mois impossible (1 à 12) ou inconnu
  vigie normalize: dob: mois impossible (1 à 12) ou inconnu
  [1]
  $ vigie normalize dob 31/12/1899 01/01/1900
  vigie normalize: dob: année antérieure à 1900
  1900-01-01
  [1]
  $ vigie normalize dob 31/12/2026 01/01/2027
  2026-12-31
  vigie normalize: dob: date postérieure au 31/12/2026
  [1]
  $ vigie normalize dob 050384 1984 05/03-1984 hier
  vigie normalize: dob: format de date non reconnu
  vigie normalize: dob: format de date non reconnu
  vigie normalize: dob: format de date non reconnu
  vigie normalize: dob: format de date non reconnu
  [1]
  $ vigie normalize dob 2024-03-05T25:00 2024-03-05T '05/03/1984 12h30'
  vigie normalize: dob: heure invalide après la date
  vigie normalize: dob: heure invalide après la date
  vigie normalize: dob: heure invalide après la date
  [1]
  $ vigie normalize dob '' "$(printf '05/03/19\377')"
  vigie normalize: dob: valeur vide
  vigie normalize: dob: texte UTF-8 invalide
  [1]

In English with --lang en.

  $ vigie normalize --lang en dob 31/02/1984 01/13/1984 1850-01-01 2099-01-01 1984 2024-03-05T99:00
  vigie normalize: dob: impossible day for this month
  vigie normalize: dob: impossible or unknown month (1 to 12)
  vigie normalize: dob: year before 1900
  vigie normalize: dob: date after 2026-12-31
  vigie normalize: dob: unrecognized date format
  vigie normalize: dob: invalid time after the date
  [1]

Standard input.

  $ printf '05/03/1984\n31/02/1984\n\n19840305\r\n2024-03-05T12:00:00Z' | vigie normalize dob
  1984-03-05
  invalid: jour impossible pour ce mois
  invalid: valeur vide
  1984-03-05
  2024-03-05
  $ printf '1984-13-01\n' | vigie normalize --lang en dob
  invalid: impossible or unknown month (1 to 12)

JSON: parts (year, month, day, format) and flags.

  $ vigie normalize --json dob '05-03-84 12:00'
  {"kind":"dob","input":"05-03-84 12:00","valid":true,"canonical":"1984-03-05","reason":null,"parts":{"year":1984,"month":3,"day":5,"format":"DD-MM-YY"},"flags":["century_guessed","had_time"]}
  $ vigie normalize --json dob 05031984
  {"kind":"dob","input":"05031984","valid":true,"canonical":"1984-03-05","reason":null,"parts":{"year":1984,"month":3,"day":5,"format":"DDMMYYYY"},"flags":[]}
  $ vigie normalize --json --lang en dob 29/02/2001
  {"kind":"dob","input":"29/02/2001","valid":false,"canonical":null,"reason":{"code":"bad_day","message":"impossible day for this month"}}
  [1]

Normalizing a canonical form gives it back.

  $ vigie normalize dob '5 mars 84' | vigie normalize dob
  1984-03-05
