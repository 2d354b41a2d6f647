#!/usr/bin/env node
/*
 * mock_server.mjs: a stand-in for `vigie serve`, for developing the page
 * (web/) and for its browser test (page.test.mjs) before and besides the real
 * server. It serves the page's files straight from web/ and implements the
 * routes the page uses, following docs/api.md:
 *
 *   GET  /, /assets/<name>        the files of web/ (ETag, If-None-Match)
 *   POST /v1/public/check         always 202 after a fixed delay; a code in the
 *                                 spool (.eml per email, .json per SMS) only
 *                                 when the identifier is in fixtures.json
 *   POST /v1/public/verify        bad-code with attempts_left, expired
 *   GET  /v1/public/attestation   a JSON attestation (NOT signed: a mock)
 *   GET  /range/<5 hex>           HIBP ranges of fixtures.json's passwords,
 *                                 Add-Padding: true pads with count 0
 *   POST /v1/scan                 the real scanner when --vigie is given
 *                                 (`vigie scan --json`), else a crude stand-in
 *   GET  /v1/health
 *
 * Every response carries the security headers of docs/api.md (the strict
 * CSP), so a page that breaks the CSP breaks here too.
 *
 * Usage: node mock_server.mjs --spool DIR [--port N] [--web DIR]
 *            [--fixtures FILE] [--vigie PATH] [--delay-ms N]
 * Prints "mock: listening on http://127.0.0.1:PORT/" once ready.
 * Listens on 127.0.0.1 only. Port 0 (the default) picks a free port.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
	const o = {
		port: 0,
		web: path.join(here, '..', '..', 'web'),
		fixtures: path.join(here, 'fixtures.json'),
		spool: null,
		vigie: null,
		delayMs: 300,
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const v = () => {
			if (i + 1 >= argv.length)
				throw new Error(a + ' needs a value');
			return argv[++i];
		};
		if (a === '--port') o.port = Number(v());
		else if (a === '--web') o.web = v();
		else if (a === '--fixtures') o.fixtures = v();
		else if (a === '--spool') o.spool = v();
		else if (a === '--vigie') o.vigie = v();
		else if (a === '--delay-ms') o.delayMs = Number(v());
		else throw new Error('unknown argument ' + a);
	}
	if (!o.spool)
		throw new Error('--spool DIR is required');
	return o;
}

const opt = parseArgs(process.argv.slice(2));
const fixtures = JSON.parse(fs.readFileSync(opt.fixtures, 'utf8'));
fs.mkdirSync(opt.spool, { recursive: true });

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const CODE_TTL_MS = 15 * 60 * 1000;
const MAX_ATTEMPTS = 5;
const MAX_BODY = 256 * 1024;

/* ---- identifiers ---------------------------------------------------- */

function normEmail(v) {
	const s = String(v).trim().toLowerCase();
	return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s) ? s : null;
}

function normPhone(v) {
	let s = String(v).replace(/[\s.\-()]/g, '');
	if (/^0[67][0-9]{8}$/.test(s))
		s = '+33' + s.slice(1);
	return /^\+[1-9][0-9]{7,14}$/.test(s) ? s : null;
}

const exposed = new Map();
for (const e of fixtures.identifiers) {
	const k = e.kind === 'email' ? normEmail(e.value) : normPhone(e.value);
	exposed.set(e.kind + ':' + k, e);
}

const CAT = {
	fr: { name: 'Nom et prénom', nir: 'Numéro de sécurité sociale (NIR)', dob: 'Date de naissance',
		ft_id: 'Identifiant France Travail', email: 'Adresse électronique', address: 'Adresse postale',
		phone: 'Numéro de téléphone', sex: 'Sexe', birthplace: 'Lieu de naissance',
		registration: "Situation d'inscription" },
	en: { name: 'Name', nir: 'Social security number (NIR)', dob: 'Date of birth',
		ft_id: 'France Travail identifier', email: 'Email address', address: 'Postal address',
		phone: 'Phone number', sex: 'Sex', birthplace: 'Place of birth',
		registration: 'Registration status' },
};

/* The object of docs/check.md's --json, as the verify route returns it. */
function checkJson(e, lang) {
	const have = new Set(e.categories);
	if (e.special_sources.length)
		have.add('special');
	const advice = fixtures.advice
		.filter((a) => a.needs.every((n) => have.has(n)))
		.map((a) => ({ code: a.code, title: a[lang].title, text: a[lang].text }));
	return {
		kind: e.kind, valid: true, exposed: true,
		categories: e.categories,
		category_labels: e.categories.map((c) => CAT[lang][c] || c),
		sources: e.sources,
		special_category: e.special_sources.length > 0,
		special_sources: e.special_sources,
		advice,
	};
}

/* ---- state ---------------------------------------------------------- */

const requests = new Map(); /* id -> {entry, code, expires, attempts} */
const sessions = new Map(); /* id -> {entry, expires} */

function randomId() {
	return crypto.randomBytes(18).toString('base64url');
}

function sixDigits() {
	return String(crypto.randomInt(0, 1000000)).padStart(6, '0');
}

/* ---- outbox spool --------------------------------------------------- */

function qpEncode(s) {
	const bytes = Buffer.from(s, 'utf8');
	let out = '', line = '';
	for (const b of bytes) {
		let enc;
		if (b === 0x0a) {
			out += line + '\r\n';
			line = '';
			continue;
		}
		if ((b >= 33 && b <= 126 && b !== 61) || b === 32)
			enc = String.fromCharCode(b);
		else
			enc = '=' + b.toString(16).toUpperCase().padStart(2, '0');
		if (line.length + enc.length > 75) {
			out += line + '=\r\n';
			line = '';
		}
		line += enc;
	}
	return out + line;
}

function spoolWrite(ext, content) {
	const name = Date.now() + '-' + crypto.randomBytes(6).toString('hex') + ext;
	const tmp = path.join(opt.spool, '.' + name + '.tmp');
	fs.writeFileSync(tmp, content);
	fs.renameSync(tmp, path.join(opt.spool, name)); /* readers never see half a file */
}

function sendCode(kind, to, code, lang) {
	const fr = lang === 'fr';
	const text = fr
		? 'Bonjour,\n\nVotre code de vérification Vigie est : ' + code + '\n\nIl est valable 15 minutes. ' +
		  "Si vous n'avez rien demandé, ignorez ce message.\n"
		: 'Hello,\n\nYour Vigie verification code is: ' + code + '\n\nIt is valid for 15 minutes. ' +
		  'If you did not ask for it, ignore this message.\n';
	if (kind === 'phone') {
		spoolWrite('.json', JSON.stringify({ to, text: text.replace(/\n+/g, ' ').trim() }) + '\n');
		return;
	}
	const subject = fr ? 'Votre code de vérification' : 'Your verification code';
	const eml = [
		'From: Vigie <no-reply@vigie.invalid>',
		'To: <' + to + '>',
		'Subject: =?UTF-8?B?' + Buffer.from(subject).toString('base64') + '?=',
		'Date: ' + new Date().toUTCString().replace('GMT', '+0000'),
		'Message-ID: <' + crypto.randomBytes(12).toString('hex') + '@vigie.invalid>',
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'Content-Transfer-Encoding: quoted-printable',
		'',
		qpEncode(text),
	].join('\r\n');
	spoolWrite('.eml', eml);
}

/* ---- password ranges ------------------------------------------------ */

const ranges = new Map(); /* prefix -> [[suffix, count]] */
for (const [p, count] of fixtures.passwords) {
	const h = crypto.createHash('sha1').update(p, 'utf8').digest('hex').toUpperCase();
	const list = ranges.get(h.slice(0, 5)) || [];
	list.push([h.slice(5), count]);
	ranges.set(h.slice(0, 5), list);
}
const rangesEtag = '"' + crypto.createHash('sha256').update(JSON.stringify(fixtures.passwords))
	.digest('hex').slice(0, 32) + '"';
const rangesModified = new Date().toUTCString();

/* ---- scan ----------------------------------------------------------- */

function scanFallback(text, lang) {
	const fr = lang === 'fr';
	const reasons = [];
	const m = text.match(/https?:\/\/([^/\s]+)/i) || text.match(/\b([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|com|net|info|xyz))\b/i);
	const official = /^(?:www\.)?(francetravail\.fr|ameli\.fr|impots\.gouv\.fr|service-public\.fr)$/i;
	let score = 0.1;
	if (m && official.test(m[1])) {
		reasons.push({ code: 'official_links', message: fr ? 'Les liens mènent uniquement à des sites officiels' : 'The links only go to official sites', detail: m[1], weight: -4 });
		score = 0.02;
	} else if (m && /(ameli|francetravail|impots|caf)/i.test(m[1])) {
		reasons.push({ code: 'lookalike_combo', message: fr ? "Le lien mène à un domaine qui reprend le nom d'un organisme sans lui appartenir" : 'The link goes to a domain that uses the name of an organisation without belonging to it', detail: m[1], weight: 5, decisive: true });
		score = 0.99;
	}
	if (/rembourse|refund/i.test(text)) {
		reasons.push({ code: 'lure', message: fr ? 'Le message promet un remboursement, un gain ou un cadeau' : 'The message promises a refund, a prize or a gift', detail: null, weight: 1 });
		score = Math.max(score, 0.6);
	}
	const verdict = score >= 0.8 ? 'phishing' : score >= 0.5 ? 'suspicious' : 'legitimate';
	return { channel: 'sms', verdict, score, model: null, reasons, links: [], id: '-' };
}

function scanWithVigie(kind, text, lang) {
	return new Promise((resolve, reject) => {
		const args = ['scan', '--json', '--lang', lang];
		if (kind === 'email')
			args.push('--email', '-');
		const p = spawn(opt.vigie, args, { stdio: ['pipe', 'pipe', 'inherit'] });
		let out = '';
		p.stdout.on('data', (d) => { out += d; });
		p.on('error', reject);
		p.on('close', (code) => {
			/* 0 legitimate, 1 phishing, 5 suspicious (docs/scan.md) */
			if (code !== 0 && code !== 1 && code !== 5)
				return reject(new Error('vigie scan exited ' + code));
			try {
				resolve(JSON.parse(out.split('\n')[0]));
			} catch (e) {
				reject(e);
			}
		});
		p.stdin.end(text);
	});
}

/* ---- HTTP ----------------------------------------------------------- */

function langOf(req, url) {
	const q = url.searchParams.get('lang');
	if (q === 'fr' || q === 'en')
		return q;
	const al = (req.headers['accept-language'] || '').toLowerCase();
	const fr = al.indexOf('fr'), en = al.indexOf('en');
	if (en >= 0 && (fr < 0 || en < fr))
		return 'en';
	return 'fr';
}

function send(res, status, type, body, headers = {}) {
	const h = {
		'Content-Security-Policy': CSP,
		'X-Content-Type-Options': 'nosniff',
		'X-Frame-Options': 'DENY',
		'Referrer-Policy': 'no-referrer',
		'Cache-Control': 'no-store',
		...headers,
	};
	if (type)
		h['Content-Type'] = type;
	if (body !== null && body !== undefined)
		h['Content-Length'] = Buffer.byteLength(body);
	res.writeHead(status, h);
	res.end(body === null || body === undefined || res.req.method === 'HEAD' ? undefined : body);
}

function json(res, status, obj, headers) {
	send(res, status, 'application/json', JSON.stringify(obj), headers);
}

const MSG = {
	'not-found': { fr: 'page introuvable', en: 'not found' },
	'method-not-allowed': { fr: 'méthode non autorisée', en: 'method not allowed' },
	'bad-json': { fr: 'le corps de la requête doit être un objet JSON', en: 'the request body must be a JSON object' },
	'too-large': { fr: 'requête trop grande', en: 'request too large' },
	'bad-request': { fr: 'requête incorrecte', en: 'bad request' },
	'invalid-identifier': { fr: "l'identifiant n'est pas valide", en: 'the identifier is not valid' },
	'bad-code': { fr: 'code incorrect', en: 'wrong code' },
	'expired': { fr: 'demande expirée, déjà utilisée ou inconnue', en: 'request expired, used or unknown' },
	'internal': { fr: 'erreur interne', en: 'internal error' },
};

function error(res, status, code, lang, extra = {}, headers) {
	json(res, status, { error: { code, message: MSG[code][lang], ...extra } }, headers);
}

function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		let n = 0, over = false;
		req.on('data', (c) => {
			n += c.length;
			if (n > MAX_BODY)
				over = true;
			else
				chunks.push(c);
		});
		req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
	});
}

async function jsonBody(req, res, lang) {
	const b = await readBody(req);
	if (b === null) {
		error(res, 413, 'too-large', lang);
		return null;
	}
	try {
		const j = JSON.parse(b);
		if (j && typeof j === 'object' && !Array.isArray(j))
			return j;
	} catch (e) { /* fall through */ }
	error(res, 400, 'bad-json', lang);
	return null;
}

const TYPES = {
	'.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml',
	'.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
	'.txt': 'text/plain; charset=utf-8',
};

function asset(req, res, name, lang) {
	if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !TYPES[path.extname(name)])
		return error(res, 404, 'not-found', lang);
	let data;
	try {
		data = fs.readFileSync(path.join(opt.web, name)); /* re-read: edits show at once */
	} catch (e) {
		return error(res, 404, 'not-found', lang);
	}
	const etag = '"' + crypto.createHash('sha256').update(data).digest('hex').slice(0, 32) + '"';
	const cache = { 'Cache-Control': 'no-cache', ETag: etag };
	const inm = req.headers['if-none-match'];
	if (inm && inm.split(',').map((s) => s.trim().replace(/^W\//, '')).some((s) => s === etag || s === '*'))
		return send(res, 304, null, null, cache);
	send(res, 200, TYPES[path.extname(name)], data, cache);
}

async function route(req, res) {
	const url = new URL(req.url, 'http://127.0.0.1');
	const lang = langOf(req, url);
	const p = url.pathname;
	const m = req.method;
	const isGet = m === 'GET' || m === 'HEAD';
	const only = (allowed) => error(res, 405, 'method-not-allowed', lang, {}, { Allow: allowed });

	if (p === '/' || p.startsWith('/assets/')) {
		if (!isGet)
			return only('GET, HEAD');
		return asset(req, res, p === '/' ? 'index.html' : p.slice('/assets/'.length), lang);
	}

	if (p === '/v1/health')
		return json(res, 200, { status: 'ok', registry: { generation: 1 }, mock: true });

	if (p.startsWith('/range/')) {
		if (!isGet)
			return only('GET, HEAD');
		const prefix = p.slice(7);
		if (!/^[0-9A-Fa-f]{5}$/.test(prefix))
			return error(res, 400, 'bad-request', lang);
		if (url.searchParams.get('mode') === 'ntlm')
			return send(res, 200, 'text/plain', '', { 'Cache-Control': 'public, max-age=86400' });
		const lines = (ranges.get(prefix.toUpperCase()) || []).map(([s, c]) => s + ':' + c);
		if ((req.headers['add-padding'] || '').toLowerCase() === 'true') {
			const want = 800 + crypto.randomInt(0, 200);
			while (lines.length < want)
				lines.push(crypto.randomBytes(18).toString('hex').slice(0, 35).toUpperCase() + ':0');
			lines.sort();
		}
		const headers = { 'Cache-Control': 'public, max-age=86400', ETag: rangesEtag, 'Last-Modified': rangesModified };
		if (req.headers['if-none-match'] === rangesEtag)
			return send(res, 304, null, null, headers);
		return send(res, 200, 'text/plain', lines.join('\r\n'), headers);
	}

	if (p === '/v1/public/check') {
		if (m !== 'POST')
			return only('POST');
		const j = await jsonBody(req, res, lang);
		if (!j)
			return;
		const started = Date.now();
		const kind = j.kind;
		if ((kind !== 'email' && kind !== 'phone') || typeof j.value !== 'string')
			return error(res, 400, 'invalid-identifier', lang);
		const v = kind === 'email' ? normEmail(j.value) : normPhone(j.value);
		if (!v)
			return error(res, 400, 'invalid-identifier', lang);
		const id = randomId();
		const e = exposed.get(kind + ':' + v);
		if (e) {
			const code = sixDigits();
			requests.set(id, { entry: e, code, expires: Date.now() + CODE_TTL_MS, attempts: MAX_ATTEMPTS });
			sendCode(kind, v, code, lang);
		}
		/* The same answer after the same delay, found or not. */
		setTimeout(() => json(res, 202, { request: id, status: 'sent-if-exposed' }),
			Math.max(0, started + opt.delayMs - Date.now()));
		return;
	}

	if (p === '/v1/public/verify') {
		if (m !== 'POST')
			return only('POST');
		const j = await jsonBody(req, res, lang);
		if (!j)
			return;
		if (typeof j.request !== 'string' || typeof j.code !== 'string')
			return error(res, 400, 'bad-request', lang);
		const r = requests.get(j.request);
		if (!r || r.expires < Date.now() || r.attempts <= 0)
			return error(res, 400, 'expired', lang);
		const a = Buffer.from(j.code.padEnd(6).slice(0, 64)), b = Buffer.from(r.code.padEnd(a.length));
		if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
			r.attempts--;
			if (r.attempts <= 0)
				requests.delete(j.request);
			return error(res, 400, 'bad-code', lang, { attempts_left: Math.max(0, r.attempts) });
		}
		requests.delete(j.request); /* single use */
		const session = randomId();
		sessions.set(session, { entry: r.entry, expires: Date.now() + CODE_TTL_MS });
		return json(res, 200, { ...checkJson(r.entry, lang), session });
	}

	if (p === '/v1/public/attestation') {
		if (!isGet)
			return only('GET, HEAD');
		const s = sessions.get(url.searchParams.get('session') || '');
		if (!s || s.expires < Date.now())
			return error(res, 400, 'expired', lang);
		const c = checkJson(s.entry, lang);
		const att = {
			type: 'vigie-attestation', version: 1, mock: true,
			issued: new Date().toISOString(),
			organisation: 'Mock organisation (tests/web/mock_server.mjs)',
			breach: 'Mock breach',
			subject: { kind: s.entry.kind },
			categories: c.categories, category_labels: c.category_labels, sources: c.sources,
			signature: null,
		};
		return send(res, 200, 'application/json', JSON.stringify(att, null, 1) + '\n', {
			'Content-Disposition': 'attachment; filename="attestation-vigie.json"',
		});
	}

	if (p === '/v1/scan') {
		if (m !== 'POST')
			return only('POST');
		const j = await jsonBody(req, res, lang);
		if (!j)
			return;
		if ((j.kind !== 'sms' && j.kind !== 'email') || typeof j.text !== 'string' || !j.text.trim())
			return error(res, 400, 'bad-request', lang);
		try {
			const out = opt.vigie ? await scanWithVigie(j.kind, j.text, lang) : scanFallback(j.text, lang);
			return json(res, 200, out);
		} catch (e) {
			console.error('mock: scan: ' + e.message);
			return error(res, 500, 'internal', lang);
		}
	}

	return error(res, 404, 'not-found', lang);
}

const server = http.createServer((req, res) => {
	route(req, res).catch((e) => {
		console.error('mock: ' + (e && e.stack));
		if (!res.headersSent)
			error(res, 500, 'internal', 'fr');
	});
});
server.headersTimeout = 10000;
server.requestTimeout = 30000;
server.listen(opt.port, '127.0.0.1', () => {
	const a = server.address();
	console.log('mock: listening on http://127.0.0.1:' + a.port + '/');
});
for (const sig of ['SIGTERM', 'SIGINT'])
	process.on(sig, () => {
		server.close(() => process.exit(0));
		server.closeIdleConnections();
		setTimeout(() => process.exit(0), 1000).unref(); /* a slow client does not hold us */
	});
