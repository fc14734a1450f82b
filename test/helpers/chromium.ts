// Opens ml-cost's HTML pages in the real Debian Chromium, headless, through playwright-core:
// a fresh profile in a temp dir (removed on close), and every request but the page blocked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenedPage {
  /** Requests the page tried beyond its own file: all were aborted. */
  readonly blocked: readonly string[];
  /** Console errors and uncaught page errors. */
  readonly errors: readonly string[];
  /** Dialogs (alert, confirm) the page opened: a script ran. */
  readonly dialogs: readonly string[];
  readonly page: import('playwright-core').Page;
}

export interface Browser {
  open(file: string, options?: { colorScheme?: 'light' | 'dark' }): Promise<OpenedPage>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'ml-cost-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1150, height: 900 },
      offline: true,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    async open(file, options = {}) {
      const page = await context.newPage();
      const blocked: string[] = [];
      const errors: string[] = [];
      const dialogs: string[] = [];
      const url = pathToFileURL(file).href;
      await page.route('**/*', (route) => {
        if (route.request().url() === url) return route.continue();
        blocked.push(route.request().url());
        return route.abort();
      });
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light' });
      await page.goto(url, { waitUntil: 'load' });
      return { page, blocked, errors, dialogs };
    },
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}
