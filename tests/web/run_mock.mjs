#!/usr/bin/env node
/*
 * run_mock.mjs: starts mock_server.mjs with a fresh spool directory, runs
 * page.test.mjs against it, stops it, and exits with the test's status.
 *
 * Usage: node run_mock.mjs [--vigie PATH] [--screenshots DIR]
 * The mock listens on 127.0.0.1, port $VIGIE_WEB_PORT or a free one.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let vigie = null, screenshots = null;
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--vigie' && i + 1 < args.length) vigie = args[++i];
	else if (args[i] === '--screenshots' && i + 1 < args.length) screenshots = args[++i];
	else {
		console.error('usage: node run_mock.mjs [--vigie PATH] [--screenshots DIR]');
		process.exit(2);
	}
}

const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-web-spool-'));
const mockArgs = [path.join(here, 'mock_server.mjs'), '--spool', spool,
	'--port', process.env.VIGIE_WEB_PORT || '0'];
if (vigie)
	mockArgs.push('--vigie', path.resolve(vigie));
const mock = spawn(process.execPath, mockArgs, { stdio: ['ignore', 'pipe', 'inherit'] });

function cleanup() {
	if (mock.exitCode === null)
		mock.kill('SIGTERM');
	fs.rmSync(spool, { recursive: true, force: true });
}

const base = await new Promise((resolve, reject) => {
	const rl = readline.createInterface({ input: mock.stdout });
	rl.on('line', (line) => {
		const m = line.match(/listening on (http:\/\/\S+)/);
		if (m)
			resolve(m[1]);
		else
			console.log(line);
	});
	mock.on('exit', (code) => reject(new Error('the mock server exited with ' + code)));
}).catch((e) => {
	console.error('run_mock: ' + e.message);
	cleanup();
	process.exit(1);
});
console.log('run_mock: mock server at ' + base + ', spool ' + spool);

const testArgs = [path.join(here, 'page.test.mjs'), '--base', base, '--spool', spool];
if (screenshots)
	testArgs.push('--screenshots', screenshots);
const test = spawn(process.execPath, testArgs, { stdio: 'inherit' });
const status = await new Promise((resolve) => test.on('exit', (code, sig) => resolve(sig ? 1 : code)));
cleanup();
process.exit(status);
