// js_zxcvbn.js: the reference JavaScript zxcvbn over a password list.
// Usage: node js_zxcvbn.js ZXCVBN_DIR LIST > results.jsonl
// One JSON line per password: score, guesses_log10, feedback warning.
// The last line on stderr: "js: N passwords in S s wall, C s cpu" (the scoring loop only,
// after warming up on the first 200 passwords, which are scored again).
'use strict';
const path = require('path');
const fs = require('fs');
const zxcvbn = require(path.resolve(process.argv[2]));
const list = fs.readFileSync(process.argv[3], 'utf8').split('\n');
if (list[list.length - 1] === '') list.pop();
for (let i = 0; i < Math.min(200, list.length); i++) zxcvbn(list[i]);
const res = new Array(list.length);
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let i = 0; i < list.length; i++) res[i] = zxcvbn(list[i]);
const t1 = process.hrtime.bigint();
const c1 = process.cpuUsage(c0);
const out = [];
for (const r of res)
  out.push(JSON.stringify({ score: r.score, guesses_log10: r.guesses_log10, warning: r.feedback.warning }));
fs.writeSync(1, out.join('\n') + '\n');
process.stderr.write('js: ' + list.length + ' passwords in ' + (Number(t1 - t0) / 1e9).toFixed(3) +
  ' s wall, ' + ((c1.user + c1.system) / 1e6).toFixed(3) + ' s cpu\n');
