/**
 * The real page (dist/renderer) in Debian's Chromium, its preload API bridged to a real main process on the fake
 * electron (bridge.ts): served on 127.0.0.1, calls forwarded as IPC from the given window, pushes relayed back.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, type MainProcess } from '../app/main-process.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);

const RENDERER_DIR = path.join(REPO_ROOT, 'dist/renderer');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };

/** Serves dist/renderer on 127.0.0.1 (module-free pages could use file://, but a server is what the notes checked). */
export function serveRenderer(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const name = path.normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    // Chromium asks a web server for a favicon on its own (Electron's file:// page does not): nothing to serve.
    if (name === 'favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const file = path.join(RENDERER_DIR, name === '' ? 'index.html' : name);
    if (!file.startsWith(RENDERER_DIR + path.sep) || !fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function bridgeScript(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, 'tests/renderer/bridge.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

export interface BridgedPage {
  readonly page: Page;
  readonly problems: string[];
  close(): Promise<void>;
}

/** Opens the page as the given window of the main process would show it. */
export async function openBridgedPage(app: MainProcess, windowId: number, viewport = { width: 820, height: 760 }): Promise<BridgedPage> {
  const server = await serveRenderer();
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  await page.exposeFunction('__folderSyncInvoke', (channel: string, args: unknown[]) => app.request({ cmd: 'invoke', channel, args, windowId }));
  app.on('push', (message: { channel: string; args: unknown[] }) => {
    void page.evaluate(([channel, payload]) => (globalThis as unknown as { __folderSyncPush?: (c: unknown, p: unknown) => void }).__folderSyncPush?.(channel, payload), [message.channel, message.args[0]] as const).catch(() => undefined);
  });
  await page.addInitScript({ content: await bridgeScript() });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
  return {
    page,
    problems,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
