#!/usr/bin/env node
/**
 * The Electronegativity gate (run by .ci/run after the build): scans the app's own sources — main/,
 * preload/, renderer/ — and fails on any finding not listed, with its reason, in
 * electronegativity-allow.json. Its CLI exits 0 whatever it finds, hence the programmatic API.
 *
 * Offline: the Electron version is given (its lookup needs the network), and the check that asks the
 * network for newer Electron releases is excluded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import run from '@doyensec/electronegativity';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const allowFile = path.join(root, 'tests/security/electronegativity-allow.json');
const SCANNED = ['main', 'preload', 'renderer'];
// Class names, as its exclude list takes them (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK in its reports).
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.electron;

// Only the app's sources: tests (the fake electron) and build output would only add noise.
const input = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-sync-electronegativity-'));
for (const dir of SCANNED) fs.cpSync(path.join(root, dir), path.join(input, dir), { recursive: true });
fs.copyFileSync(path.join(root, 'package.json'), path.join(input, 'package.json'));

let result;
try {
  result = await run({
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    excludeFromScan: EXCLUDED_CHECKS,
    severitySet: 'informational',
    confidenceSet: 'tentative',
    isRelative: true,
    electronVersionOverride: electronVersion,
  });
} finally {
  fs.rmSync(input, { recursive: true, force: true });
}

const allow = JSON.parse(fs.readFileSync(allowFile, 'utf8')).allow;
for (const entry of allow) {
  if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20) {
    console.error(`electronegativity-allow.json: ${entry.check} ${entry.file} needs a reason.`);
    process.exit(1);
  }
}

const key = (check, file) => `${check} ${file}`;
const allowed = new Map(allow.map((entry) => [key(entry.check, entry.file), entry]));
const used = new Set();
const unexplained = [];
for (const issue of result.issues) {
  const file = issue.file.split(path.sep).join('/');
  const k = key(issue.id, file);
  if (allowed.has(k)) used.add(k);
  else unexplained.push(`${issue.id} ${file}:${issue.location?.line ?? '?'} (${issue.severity?.name ?? '?'}, ${issue.confidence?.name ?? '?'}): ${issue.description}`);
}
const hardErrors = result.errors.filter((e) => !e.tolerable);

console.log(`electronegativity ${electronVersion}: ${result.globalChecks + result.atomicChecks} checks, ${result.issues.length} findings, ${used.size} explained in the allow-list`);
for (const e of hardErrors) console.error(`could not parse ${e.file}: ${e.message}`);
for (const line of unexplained) console.error(`not fixed and not explained: ${line}`);
const stale = [...allowed.keys()].filter((k) => !used.has(k));
for (const k of stale) console.error(`allow-list entry no longer needed (remove it): ${k}`);
process.exit(unexplained.length > 0 || hardErrors.length > 0 || stale.length > 0 ? 1 : 0);
