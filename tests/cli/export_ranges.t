vigie export-ranges: the 1,048,576 range files for a static host. Without
hashes the files exist and are empty (every prefix answers 200):

  $ echo "$PWD/out" > outdir
  $ vigie export-ranges --registry reg --json -q "$(cat outdir)" | jq -c '[.dir == "'"$(cat outdir)"'/range", .files, .nonempty, .bytes]'
  vigie export-ranges: aucune empreinte sha1 dans reg : les fichiers seront vides
  [true,1048576,0,0]
  $ ls "$(cat outdir)/range" | wc -l; ls "$(cat outdir)/range" | sed -n '1p;2p;$p'
  1048576
  00000
  00001
  FFFFF
  $ wc -c < "$(cat outdir)/range/ABCDE"
  0

After an ingest, a second export replaces the first in one swap, with no
temporary directory left; lines are SUFFIX:COUNT, CRLF between them:

  $ printf 'password:3\nletmein\n' > l.txt
  $ vigie ingest --passwords --registry reg -q l.txt > /dev/null
  $ printf 'B7A875FC1EA228B9061041B7CEC4BD3C52AB3CE3:5\n5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:2\n' > h.txt
  $ vigie ingest --passwords --registry reg -q h.txt > /dev/null
  $ vigie --lang en export-ranges --registry reg -q "$(cat outdir)"
  1048576 files \(2 non-empty, [0-9]+ bytes\) written to .*/range in [0-9.]+ s (re)
  $ ls -a "$(cat outdir)"
  .
  ..
  range
  $ cat "$(cat outdir)/range/5BAA6"; echo
  1E4C9B93F3F0682250B6CF8331B7EE68FD8:5
  $ cat -A "$(cat outdir)/range/B7A87"; echo
  5FC1EA228B9061041B7CEC4BD3C52AB3CE3:6
  $ printf 'B7A87AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:9\n' > h2.txt
  $ vigie ingest --passwords --registry reg -q h2.txt > /dev/null
  $ vigie export-ranges --registry reg -q "$(cat outdir)" > /dev/null
  $ cat -A "$(cat outdir)/range/B7A87"; echo
  5FC1EA228B9061041B7CEC4BD3C52AB3CE3:6^M$
  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:9

Errors: usage (exit 2), a damaged store or an unwritable place (exit 3):

  $ vigie export-ranges --registry reg
  vigie export-ranges: un répertoire de sortie, et un seul, est attendu
  Aide : vigie help export-ranges
  [2]
  $ vigie export-ranges --mode md5 out
  vigie export-ranges: --mode attend sha1 ou ntlm
  Aide : vigie help export-ranges
  [2]
  $ touch afile
  $ vigie --lang en export-ranges --registry reg -q afile
  vigie export-ranges: cannot create a directory in afile: Not a directory
  [3]
  $ printf 'garbage' > reg/passwords.ntlm
  $ vigie --lang en export-ranges --registry reg --mode ntlm -q out
  vigie export-ranges: reg/passwords.ntlm: not a vigie password store (bad magic)
  [3]
  $ ls
  afile
  h.txt
  h2.txt
  l.txt
  out
  outdir
  reg
