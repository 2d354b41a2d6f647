#!/usr/bin/env node
/*
 * page.test.mjs: the page of `vigie serve`, end to end in headless Chromium
 * (Debian's /usr/bin/chromium driven by playwright-core; no browser is ever
 * downloaded).
 *
 * Usage: node page.test.mjs --base URL --spool DIR [--screenshots DIR]
 *          [--exposed-email E] [--absent-email E] [--pwned-password P]
 *
 * The server under test is anything that speaks docs/api.md: the mock
 * (mock_server.mjs, see run.sh) or the real `vigie serve` whose outbox is the
 * spool directory DIR (one RFC 5322 .eml file per email). --exposed-email must
 * be in the server's registry, --absent-email must not, --pwned-password must
 * be in its password ranges; the defaults match fixtures.json (the mock's).
 * Every option also reads an environment variable: VIGIE_WEB_BASE,
 * VIGIE_WEB_SPOOL, VIGIE_WEB_SCREENSHOTS, VIGIE_WEB_EXPOSED_EMAIL,
 * VIGIE_WEB_ABSENT_EMAIL, VIGIE_WEB_PWNED_PASSWORD.
 *
 * Each step saves a full-page screenshot NN-step.png in the screenshots
 * directory (default $MESON_BUILD_ROOT/web-screenshots, else
 * ./web-screenshots), kept after the run, with the downloaded attestation.
 * Exit: 0 all steps passed, 1 a step failed (and NN-step-FAILED.png),
 * 77 skipped (no chromium or no playwright-core).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM = process.env.VIGIE_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking', '--disable-component-update',
	'--disable-sync'];

/* ---- options -------------------------------------------------------- */

function options() {
	const env = process.env;
	const o = {
		base: env.VIGIE_WEB_BASE,
		spool: env.VIGIE_WEB_SPOOL,
		screenshots: env.VIGIE_WEB_SCREENSHOTS ||
			path.join(env.MESON_BUILD_ROOT || '.', 'web-screenshots'),
		exposedEmail: env.VIGIE_WEB_EXPOSED_EMAIL || 'camille.martin@example.org',
		absentEmail: env.VIGIE_WEB_ABSENT_EMAIL || 'personne.absente@example.org',
		pwnedPassword: env.VIGIE_WEB_PWNED_PASSWORD || 'azerty123',
	};
	const a = process.argv.slice(2);
	const names = { '--base': 'base', '--spool': 'spool', '--screenshots': 'screenshots',
		'--exposed-email': 'exposedEmail', '--absent-email': 'absentEmail',
		'--pwned-password': 'pwnedPassword' };
	for (let i = 0; i < a.length; i++) {
		if (!names[a[i]] || i + 1 >= a.length) {
			console.error('usage: node page.test.mjs --base URL --spool DIR [--screenshots DIR] ' +
				'[--exposed-email E] [--absent-email E] [--pwned-password P]');
			process.exit(2);
		}
		o[names[a[i]]] = a[++i];
	}
	if (!o.base || !o.spool) {
		console.error('page.test: --base and --spool are required');
		process.exit(2);
	}
	o.base = o.base.replace(/\/?$/, '/');
	return o;
}

const opt = options();

if (!fs.existsSync(CHROMIUM)) {
	console.log('page.test: SKIP: ' + CHROMIUM + ' not found');
	process.exit(77);
}
let chromium;
try {
	({ chromium } = await import('playwright-core'));
} catch (e) {
	console.log('page.test: SKIP: playwright-core is not installed (npm ci --prefix tests/web)');
	process.exit(77);
}

/* ---- helpers -------------------------------------------------------- */

class Fail extends Error {}

function check(cond, what) {
	if (!cond)
		throw new Fail(what);
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/* Files under dir, recursively. */
function walk(dir) {
	let out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory())
			out = out.concat(walk(p));
		else if (e.isFile())
			out.push(p);
	}
	return out;
}

function decodeBody(headers, body) {
	const cte = (headers['content-transfer-encoding'] || '').trim().toLowerCase();
	if (cte === 'base64')
		return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	if (cte === 'quoted-printable') {
		const s = body.replace(/=\r?\n/g, '');
		const bytes = [];
		for (let i = 0; i < s.length; i++) {
			if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
				bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
				i += 2;
			} else {
				bytes.push(...Buffer.from(s[i], 'utf8'));
			}
		}
		return Buffer.from(bytes).toString('utf8');
	}
	return body;
}

/* A minimal RFC 5322 + MIME reader: headers (unfolded, lowercase names) and
 * the decoded text of every text/* part. */
function parseMessage(raw) {
	const sep = raw.search(/\r?\n\r?\n/);
	const head = sep < 0 ? raw : raw.slice(0, sep);
	const body = sep < 0 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
	const headers = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i > 0)
			headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	const ct = headers['content-type'] || 'text/plain';
	const b = ct.match(/boundary="?([^";]+)"?/i);
	let texts = [];
	if (/^multipart\//i.test(ct) && b) {
		const parts = body.split('--' + b[1]).slice(1);
		for (const part of parts) {
			if (part.startsWith('--'))
				break;
			texts = texts.concat(parseMessage(part.replace(/^\r?\n/, '')).texts);
		}
	} else if (/^text\//i.test(ct)) {
		texts.push(decodeBody(headers, body));
	}
	return { headers, texts };
}

/* The 6-digit code of the newest .eml to `to` written since `since` (ms),
 * polling the spool for up to 30 s; null if none. */
async function codeFromSpool(to, since) {
	const deadline = Date.now() + 30000;
	for (;;) {
		const found = [];
		for (const f of walk(opt.spool)) {
			if (!f.endsWith('.eml'))
				continue;
			const st = fs.statSync(f);
			if (st.mtimeMs < since - 2000)
				continue;
			const m = parseMessage(fs.readFileSync(f, 'utf8'));
			if ((m.headers.to || '').toLowerCase().includes(to.toLowerCase()))
				found.push({ f, mtime: st.mtimeMs, m });
		}
		found.sort((a, b) => b.mtime - a.mtime);
		for (const { f, m } of found) {
			const text = m.texts.join('\n');
			const near = text.match(/code[^0-9]{0,40}(?<![0-9])([0-9]{6})(?![0-9])/i);
			const any = text.match(/(?<![0-9])([0-9]{6})(?![0-9])/);
			const code = near ? near[1] : any ? any[1] : null;
			if (code)
				return { code, file: f };
		}
		if (Date.now() > deadline)
			return null;
		await sleep(200);
	}
}

function emlTo(addr) {
	return walk(opt.spool).filter((f) => f.endsWith('.eml') &&
		(parseMessage(fs.readFileSync(f, 'utf8')).headers.to || '').toLowerCase()
			.includes(addr.toLowerCase()));
}

/* ---- accessibility checks run in the page ---------------------------- */

/* Returns a list of problems: inputs without a label, images without alt,
 * no lang, buttons without a name, fieldsets without a legend, no live
 * region, and visible text under 4.5:1 contrast (3:1 for large text). */
function a11yProblems() {
	const problems = [];
	if (!document.documentElement.lang)
		problems.push('html has no lang');
	const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
	for (const e of document.querySelectorAll('input, textarea, select')) {
		if (e.type === 'hidden')
			continue;
		const named = (e.labels && e.labels.length) || e.getAttribute('aria-label') ||
			e.getAttribute('aria-labelledby');
		if (!named)
			problems.push('no label: ' + (e.id || e.name || e.outerHTML.slice(0, 60)));
	}
	for (const e of document.querySelectorAll('img'))
		if (!e.hasAttribute('alt'))
			problems.push('img without alt: ' + e.src);
	for (const e of document.querySelectorAll('button, a[href]'))
		if (visible(e) && !(e.textContent.trim() || e.getAttribute('aria-label')))
			problems.push('no accessible name: ' + e.outerHTML.slice(0, 60));
	for (const e of document.querySelectorAll('fieldset'))
		if (!e.querySelector(':scope > legend'))
			problems.push('fieldset without legend');
	if (!document.querySelector('[aria-live], [role="status"], [role="alert"]'))
		problems.push('no live region');
	const ids = new Set();
	for (const e of document.querySelectorAll('[id]')) {
		if (ids.has(e.id))
			problems.push('duplicate id ' + e.id);
		ids.add(e.id);
	}

	const rgb = (s) => {
		const m = s.match(/rgba?\(([^)]+)\)/);
		if (!m)
			return null;
		const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
		return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
	};
	const lum = (c) => {
		const f = (v) => {
			v /= 255;
			return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
		};
		return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
	};
	const blend = (top, under) => ({
		r: top.r * top.a + under.r * (1 - top.a),
		g: top.g * top.a + under.g * (1 - top.a),
		b: top.b * top.a + under.b * (1 - top.a),
		a: 1,
	});
	const background = (e) => {
		const layers = [];
		for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
			const c = rgb(getComputedStyle(n).backgroundColor);
			if (c && c.a > 0)
				layers.push(c);
			if (c && c.a === 1)
				break;
		}
		let bg = { r: 255, g: 255, b: 255, a: 1 };
		for (let i = layers.length - 1; i >= 0; i--)
			bg = blend(layers[i], bg);
		return bg;
	};
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	const seen = new Set();
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		const e = n.parentElement;
		if (!n.textContent.trim() || seen.has(e) || !visible(e))
			continue;
		seen.add(e);
		const cs = getComputedStyle(e);
		if (cs.visibility === 'hidden' || e.closest('.visually-hidden, [hidden], [aria-hidden="true"]'))
			continue;
		const fg = rgb(cs.color);
		const bg = background(e);
		const f = blend(fg, bg);
		const l1 = lum(f), l2 = lum(bg);
		const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
		const size = parseFloat(cs.fontSize);
		const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
		if (ratio < (large ? 3 : 4.5))
			problems.push('contrast ' + ratio.toFixed(2) + ' for "' + n.textContent.trim().slice(0, 40) + '"');
	}
	return problems;
}

/* ---- the run -------------------------------------------------------- */

fs.mkdirSync(opt.screenshots, { recursive: true });
for (const f of fs.readdirSync(opt.screenshots))
	if (/^\d\d-.*\.png$/.test(f) || f === 'attestation-vigie.json')
		fs.rmSync(path.join(opt.screenshots, f));

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-web-test-'));
const context = await chromium.launchPersistentContext(profile, {
	executablePath: CHROMIUM,
	headless: true,
	args: CHROMIUM_ARGS,
	viewport: { width: 1024, height: 800 },
	locale: 'fr-FR',
	acceptDownloads: true,
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(20000);

const base = new URL(opt.base);
const consoleErrors = [];
const requests = [];
page.on('console', (m) => {
	if (m.type() === 'error')
		consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push('page error: ' + e.message));
page.on('request', (r) => requests.push({ url: r.url(), headers: r.headers(), body: r.postData() || '' }));

let stepNo = 0;
let failed = false;

/* A screenshot of the part of the page the step is about (a selector), or of
 * the whole page. */
async function shot(name, sel) {
	const file = path.join(opt.screenshots, String(stepNo).padStart(2, '0') + '-' + name + '.png');
	if (sel === 'viewport')
		await page.screenshot({ path: file });
	else if (sel)
		await page.locator(sel).screenshot({ path: file });
	else
		await page.screenshot({ path: file, fullPage: true });
	return file;
}

async function step(name, fn, sel) {
	stepNo++;
	if (failed) {
		console.log('not ok ' + stepNo + ' - ' + name + ' # SKIP after a failure');
		return;
	}
	try {
		await fn();
		await shot(name, sel);
		console.log('ok ' + stepNo + ' - ' + name);
	} catch (e) {
		failed = true;
		console.log('not ok ' + stepNo + ' - ' + name);
		console.log('  ' + (e instanceof Fail ? e.message : e.stack).split('\n').join('\n  '));
		try {
			await shot(name + '-FAILED');
		} catch (e2) { /* the page may be gone */ }
	}
}

async function load(url) {
	await page.goto(url || opt.base);
	await page.waitForSelector('html[data-ready="true"]');
}

const $text = (sel) => page.locator(sel).innerText();

let sentAbsent = null;

await step('home', async () => {
	await load();
	check(await page.getAttribute('html', 'lang') === 'fr', 'the page is not in French by default');
	check((await page.title()).includes('Vigie'), 'title');
	await page.getByRole('heading', { level: 1 }).waitFor();
	check(await page.getByRole('button', { name: 'Recevoir un code' }).isEnabled(), 'check button not enabled');
});

await step('accessibility', async () => {
	const problems = await page.evaluate(a11yProblems);
	check(problems.length === 0, 'accessibility problems:\n' + problems.join('\n'));
	/* The CSP of the server is the one the page is written for. */
	const res = await page.request.get(opt.base);
	const csp = res.headers()['content-security-policy'] || '';
	check(/default-src 'none'/.test(csp) && /script-src 'self'/.test(csp), 'no strict CSP on /: ' + csp);
	check(!/<script>|<style>| style="| on[a-z]+="/i.test(await res.text()), 'inline script or style in index.html');
});

await step('check-absent-email', async () => {
	await page.getByLabel('Mon adresse électronique').check();
	await page.getByLabel('Adresse électronique', { exact: true }).fill(opt.absentEmail);
	await page.getByRole('button', { name: 'Recevoir un code' }).click();
	await page.locator('#check-step2').waitFor({ state: 'visible' });
	sentAbsent = await $text('#check-sent');
	check(/code à 6 chiffres/.test(sentAbsent), 'no "code sent if in the files" message: ' + sentAbsent);
}, '#check');

let codeInfo = null;
await step('check-exposed-email', async () => {
	await page.getByRole('button', { name: 'Recommencer' }).click();
	await page.locator('#check-step1').waitFor({ state: 'visible' });
	const since = Date.now();
	await page.getByLabel('Adresse électronique', { exact: true }).fill(opt.exposedEmail);
	await page.getByRole('button', { name: 'Recevoir un code' }).click();
	await page.locator('#check-step2').waitFor({ state: 'visible' });
	const sent = await $text('#check-sent');
	check(sent === sentAbsent, 'the answer differs for an exposed address:\n' + sent + '\n' + sentAbsent);
	codeInfo = await codeFromSpool(opt.exposedEmail, since);
	check(codeInfo, 'no .eml with a 6-digit code to the exposed address in ' + opt.spool);
	console.log('  code read from ' + path.basename(codeInfo.file));
}, '#check');

await step('wrong-code', async () => {
	const wrong = String((Number(codeInfo.code) + 1) % 1000000).padStart(6, '0');
	await page.getByLabel('Code à 6 chiffres').fill(wrong);
	await page.getByRole('button', { name: 'Voir le résultat' }).click();
	const err = page.locator('#code-error');
	await err.waitFor({ state: 'visible' });
	check(/incorrect/.test(await err.innerText()), 'no wrong-code message');
	check(await page.getAttribute('#code-value', 'aria-invalid') === 'true', 'code field not marked invalid');
}, '#check');

await step('result', async () => {
	await page.getByLabel('Code à 6 chiffres').fill(codeInfo.code);
	await page.getByRole('button', { name: 'Voir le résultat' }).click();
	await page.locator('#check-step3').waitFor({ state: 'visible' });
	check(await page.evaluate(() => document.activeElement.id) === 'check-result-title',
		'focus not moved to the result');
	const cats = await page.locator('#categories li').allInnerTexts();
	check(cats.length > 0, 'no exposed category shown');
	const sources = await page.locator('#check-result ul.sources li').allInnerTexts();
	check(sources.length > 0, 'no source shown');
	const advice = await page.locator('#advice li').count();
	check(advice > 0, 'no advice shown');
	check(await page.getByRole('heading', { name: 'Que faire maintenant ?' }).isVisible(), 'no advice heading');
	console.log('  categories: ' + cats.join(', ') + '; sources: ' + sources.join(', ') + '; ' + advice + ' advice');
}, '#check');

await step('attestation', async () => {
	const [dl] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: "Télécharger l'attestation d'exposition" }).click(),
	]);
	check(!(await dl.failure()), 'download failed: ' + (await dl.failure()));
	const file = path.join(opt.screenshots, 'attestation-vigie.json');
	await dl.saveAs(file);
	check(dl.suggestedFilename() === 'attestation-vigie.json', 'file name ' + dl.suggestedFilename());
	const text = fs.readFileSync(file, 'utf8');
	let att = null;
	try { att = JSON.parse(text); } catch (e) { /* checked below */ }
	check(att && typeof att === 'object', 'the attestation is not a JSON object');
	console.log('  attestation saved: ' + file + ' (' + text.length + ' bytes)');
}, '#check-step3');

await step('absent-email-got-no-mail', async () => {
	check(emlTo(opt.absentEmail).length === 0, 'a message was sent to the address that is not in the files');
	check(emlTo(opt.exposedEmail).length > 0, 'spool lost the exposed address\'s message');
}, '#check');

const pwnedHash = crypto.createHash('sha1').update(opt.pwnedPassword, 'utf8').digest('hex').toUpperCase();
const cleanPassword = 'Vigie-essai-' + crypto.randomBytes(12).toString('hex');

await step('password-pwned', async () => {
	await page.locator('#password').scrollIntoViewIfNeeded();
	await page.getByLabel('Mot de passe à vérifier').fill(opt.pwnedPassword);
	await page.getByRole('button', { name: 'Vérifier le mot de passe' }).click();
	const v = page.locator('#pw-verdict');
	await v.waitFor();
	check(await v.getAttribute('data-found') === 'true', 'a breached password was not found');
	check(Number(await v.getAttribute('data-count')) > 0, 'no count');
	check(/a fuité/.test(await v.innerText()), 'no "has leaked" text');
	check(/Solidité/.test(await $text('#pw-strength')), 'no strength hint');
	const ranges = requests.filter((r) => new URL(r.url).pathname.startsWith('/range/'));
	check(ranges.length === 1, ranges.length + ' range requests');
	check(new URL(ranges[0].url).pathname === '/range/' + pwnedHash.slice(0, 5),
		'range request is not the 5-character prefix: ' + ranges[0].url);
	check(ranges[0].headers['add-padding'] === 'true', 'no Add-Padding: true header');
	for (const r of requests)
		check(!r.url.includes(pwnedHash.slice(5, 15)) && !r.body.includes(pwnedHash.slice(5, 15)) &&
			!r.url.includes(encodeURIComponent(opt.pwnedPassword)) && !r.body.includes(opt.pwnedPassword),
			'the password or its full hash left the page: ' + r.url);
}, '#password');

await step('password-not-pwned', async () => {
	await page.getByLabel('Afficher le mot de passe').check();
	await page.getByLabel('Mot de passe à vérifier').fill(cleanPassword);
	await page.getByRole('button', { name: 'Vérifier le mot de passe' }).click();
	const v = page.locator('#pw-verdict[data-found="false"]');
	await v.waitFor();
	check(/n'apparaît pas/.test(await v.innerText()), 'no "not in the lists" text');
	check(await page.getAttribute('#pw-value', 'type') === 'text', 'show password did not work');
}, '#password');

const PHISHING_SMS = 'Ameli : un remboursement de 124,50 € vous attend. Remplissez le formulaire ' +
	'sur https://ameli-remboursement.com sous 24h.';
const GENUINE_SMS = "France Travail : votre actualisation mensuelle est ouverte jusqu'au 15/04. " +
	'Actualisez-vous sur francetravail.fr.';

await step('scan-phishing-sms', async () => {
	await page.getByLabel('SMS').check();
	await page.getByLabel('Texte du message').fill(PHISHING_SMS);
	await page.getByRole('button', { name: 'Analyser le message' }).click();
	const v = page.locator('#scan-verdict');
	await v.waitFor();
	check(await v.getAttribute('data-verdict') === 'phishing', 'fake Ameli SMS not phishing: ' +
		await v.getAttribute('data-verdict'));
	check(/Hameçonnage/.test(await v.innerText()), 'verdict not in words');
	check(/Score de risque/.test(await $text('#scan-score')), 'no score');
	const reasons = await page.locator('#scan-reasons li').allInnerTexts();
	check(reasons.length > 0, 'no reasons');
	check(reasons.some((r) => /ameli/i.test(r)), 'no reason names the lookalike domain');
	await v.scrollIntoViewIfNeeded();
}, '#scan');

await step('scan-genuine-sms', async () => {
	await page.getByLabel('Texte du message').fill(GENUINE_SMS);
	await page.getByRole('button', { name: 'Analyser le message' }).click();
	const v = page.locator('#scan-verdict[data-verdict="legitimate"]');
	await v.waitFor();
	check(/Aucun signe/.test(await v.innerText()), 'legitimate verdict not in words');
}, '#scan');

await step('english', async () => {
	await page.getByRole('button', { name: 'Display the page in English' }).click();
	await page.waitForFunction(() => document.documentElement.lang === 'en');
	check(await page.getByRole('heading', { level: 1 }).innerText() ===
		'After the data leak: check, understand, protect yourself', 'h1 not in English');
	check(await page.title() === 'Vigie — after the data leak', 'title not in English');
	check(await page.getByRole('button', { name: 'Check the password' }).isVisible(), 'password button');
	check(await page.getByRole('heading', { name: 'What to do now?' }).isVisible(), 'result not re-rendered');
	/* The scan result is asked again in English. */
	await page.locator('#scan-reasons[lang="en"]').waitFor();
	check(/No sign of a scam/.test(await $text('#scan-verdict')), 'verdict not in English');
	check(/lang=en/.test(page.url()), 'URL does not keep the language');
	const problems = await page.evaluate(a11yProblems);
	check(problems.length === 0, 'accessibility problems in English:\n' + problems.join('\n'));
	const missing = consoleErrors.filter((e) => /missing string/.test(e));
	check(missing.length === 0, missing.join('\n'));
	await page.locator('#scan-verdict').scrollIntoViewIfNeeded();
}, 'viewport');

await step('keyboard-only', async () => {
	await load(opt.base);
	const focusInfo = () => page.evaluate(() => {
		const e = document.activeElement;
		const cs = getComputedStyle(e);
		return {
			id: e.id, tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30),
			name: e.name || '',
			visible: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none',
		};
	});
	await page.keyboard.press('Tab');
	let f = await focusInfo();
	check(f.text === 'Aller au contenu', 'first Tab stop is not the skip link: ' + JSON.stringify(f));
	check(f.visible, 'skip link focus not visible');
	let seen = [];
	for (let i = 0; i < 20 && f.name !== 'kind'; i++) {
		await page.keyboard.press('Tab');
		f = await focusInfo();
		check(f.visible, 'focus not visible on ' + JSON.stringify(f));
		seen.push(f.id || f.text || f.tag);
	}
	check(f.name === 'kind', 'never reached the check form by Tab: ' + seen.join(' > '));
	/* Arrow keys move within the radio group: phone, then back to email. */
	await page.keyboard.press('ArrowDown');
	check(await $text('#check-value-label') === 'Numéro de téléphone mobile', 'arrow key did not choose phone');
	await page.keyboard.press('ArrowUp');
	check(await $text('#check-value-label') === 'Adresse électronique', 'arrow key did not choose email');
	await page.keyboard.press('Tab');
	check((await focusInfo()).id === 'check-value', 'Tab after the radios is not the address field');
	await page.keyboard.type(opt.absentEmail);
	await page.keyboard.press('Tab');
	f = await focusInfo();
	check(f.tag === 'BUTTON' && f.visible, 'Tab after the field is not the submit button');
	await page.keyboard.press('Enter');
	await page.locator('#check-step2').waitFor({ state: 'visible' });
	check((await focusInfo()).id === 'check-step2-title', 'focus not moved to the code step');
	await page.keyboard.press('Tab');
	check((await focusInfo()).id === 'code-value', 'Tab from the code step is not the code field');
	await page.keyboard.type('12');
	await page.keyboard.press('Enter');
	await page.locator('#code-error').waitFor({ state: 'visible' });
	check(/6 chiffres/.test(await $text('#code-error')), 'no short-code message');
}, '#check');

await step('mobile-320px', async () => {
	await page.setViewportSize({ width: 320, height: 720 });
	await load(opt.base);
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	check(w <= 320, 'the page scrolls sideways at 320 px: ' + w + ' px wide');
	const problems = await page.evaluate(a11yProblems);
	check(problems.length === 0, 'accessibility problems at 320 px:\n' + problems.join('\n'));
}, 'viewport');

await step('no-third-party-no-errors', async () => {
	const foreign = requests.filter((r) => {
		const u = new URL(r.url);
		return !(u.origin === base.origin || u.protocol === 'data:' || u.protocol === 'blob:');
	});
	check(foreign.length === 0, 'third-party requests: ' + foreign.map((r) => r.url).join(' '));
	const errs = consoleErrors.filter((e) =>
		!/status of 4\d\d/.test(e)); /* expected 400s: wrong code */
	check(errs.length === 0, 'console errors (CSP?):\n' + errs.join('\n'));
});

await context.close();
fs.rmSync(profile, { recursive: true, force: true });
console.log((failed ? 'FAIL' : 'PASS') + ': ' + stepNo + ' steps, screenshots in ' + opt.screenshots);
process.exit(failed ? 1 : 0);
