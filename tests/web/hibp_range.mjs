// hibp_range.mjs: an unchanged Have I Been Pwned client (the npm `hibp`
// package) against vigie's range API, or its static export.
//
// Usage: node hibp_range.mjs BASE_URL [--ntlm-base URL] [--dynamic]
//                                     [--expect FILE]
//
//   BASE_URL      where /range/ABCDE answers (vigie serve, or a static host
//                 serving the output of `vigie export-ranges`)
//   --ntlm-base   where /range/ABCDE answers NTLM hashes (a static export of
//                 --mode ntlm; vigie serve answers ?mode=ntlm on BASE_URL)
//   --dynamic     BASE_URL is vigie serve: also check padding, 400 errors,
//                 ?mode=ntlm, ETag and 304, which a static host cannot do
//   --expect FILE lines "password<TAB>count" the server must report (0:
//                 absent); default: a few of data/passwords-sample.txt
//
// Prints one line per check and exits 1 at the first failure.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// hibp's CommonJS build: its ES module build calls require() to install
// undici on Node.js 18 (Debian 12's), which an ES module cannot do.
const { pwnedPassword, pwnedPasswordRange } = createRequire(import.meta.url)('hibp');

const args = process.argv.slice(2);
let base = null, ntlmBase = null, dynamic = false, expectFile = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--ntlm-base') ntlmBase = args[++i];
  else if (args[i] === '--dynamic') dynamic = true;
  else if (args[i] === '--expect') expectFile = args[++i];
  else if (!base) base = args[i];
  else { console.error(`unexpected argument ${args[i]}`); process.exit(2); }
}
if (!base) {
  console.error('usage: node hibp_range.mjs BASE_URL [--ntlm-base URL] [--dynamic] [--expect FILE]');
  process.exit(2);
}
base = base.replace(/\/$/, '');
if (ntlmBase) ntlmBase = ntlmBase.replace(/\/$/, '');

let expect = [['123456', 1000000], ['password', 500000], ['azerty', 3497],
              ['motdepasse', 135], ['vigie: not a leaked password 7d1f', 0]];
if (expectFile) {
  expect = readFileSync(expectFile, 'utf8').split('\n').filter(Boolean)
    .map((l) => { const t = l.lastIndexOf('\t'); return [l.slice(0, t), Number(l.slice(t + 1))]; });
}
// NTLM of well-known passwords (Node's OpenSSL 3 has no MD4).
const NTLM = { password: '8846F7EAEE8FB117AD06BDD830B7586C', '123456': '32ED87BDB5FDC5E9CBA88547376818D4' };

let checks = 0;
function ok(cond, what) {
  checks++;
  if (!cond) {
    console.error(`FAIL ${what}`);
    process.exit(1);
  }
  console.log(`ok ${checks} ${what}`);
}
const sha1 = (s) => createHash('sha1').update(s, 'utf8').digest('hex').toUpperCase();
const hexKeys = (obj, len) => Object.keys(obj).every((k) => new RegExp(`^[0-9A-F]{${len}}$`).test(k));

// 1. pwnedPassword: the client hashes, sends the prefix, finds the suffix.
for (const [pw, count] of expect) {
  const got = await pwnedPassword(pw, { baseUrl: base });
  ok(got === count, `pwnedPassword(${JSON.stringify(pw)}) = ${got}, expected ${count}`);
}

// 2. pwnedPasswordRange, upper and lower case prefixes.
const [pw0, count0] = expect.find(([, c]) => c > 0);
const h0 = sha1(pw0);
const r0 = await pwnedPasswordRange(h0.slice(0, 5), { baseUrl: base });
ok(r0[h0.slice(5)] === count0, `pwnedPasswordRange(${h0.slice(0, 5)}) holds ${h0.slice(5)}:${count0}`);
ok(hexKeys(r0, 35), 'SHA-1 suffixes are 35 uppercase hex digits');
ok(Object.values(r0).every((v) => Number.isInteger(v) && v > 0), 'counts are positive integers');
// Static hosts serve the exported names, which are uppercase; vigie serve
// takes any case.
if (dynamic) {
  const rl = await pwnedPasswordRange(h0.slice(0, 5).toLowerCase(), { baseUrl: base });
  ok(JSON.stringify(rl) === JSON.stringify(r0), 'a lowercase prefix gives the same answer');
}

// 3. NTLM.
const ntlmCases = expect.filter(([pw]) => NTLM[pw]);
const nb = ntlmBase || (dynamic ? base : null);
if (nb) {
  for (const [pw, count] of ntlmCases) {
    const h = NTLM[pw];
    const r = await pwnedPasswordRange(h.slice(0, 5), { baseUrl: nb, mode: 'ntlm' });
    ok(r[h.slice(5)] === count, `NTLM range ${h.slice(0, 5)} holds ${h.slice(5)}:${count}`);
    ok(hexKeys(r, 27), 'NTLM suffixes are 27 uppercase hex digits');
  }
}

// 4. What only the live server does.
if (dynamic) {
  const rp = await pwnedPasswordRange(h0.slice(0, 5), { baseUrl: base, addPadding: true });
  const n = Object.keys(rp).length;
  ok(n >= 800 && n <= 1000 || n === Object.keys(r0).length && n > 1000, `padded answer has ${n} lines (800 to 1000)`);
  ok(rp[h0.slice(5)] === count0, 'the padded answer still holds the real suffix');
  ok(Object.entries(rp).every(([k, v]) => v === 0 || r0[k] === v), 'padding lines have count 0');
  let err = null;
  try { await pwnedPasswordRange('XYZ12', { baseUrl: base }); } catch (e) { err = e; }
  ok(err && JSON.parse(err.message).error.code === 'bad-request', 'a malformed prefix is a 400 bad-request');
  const url = `${base}/range/${h0.slice(0, 5)}`;
  const a = await fetch(url);
  const etag = a.headers.get('etag');
  ok(a.status === 200 && etag && a.headers.get('last-modified') && /max-age/.test(a.headers.get('cache-control') || ''),
     'ETag, Last-Modified and Cache-Control are set');
  const b = await fetch(url, { headers: { 'If-None-Match': etag } });
  ok(b.status === 304, 'If-None-Match with the ETag gives 304');
}
console.log(`all ${checks} checks passed against ${base}`);
