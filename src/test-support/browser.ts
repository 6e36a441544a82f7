/**
 * Debian's Chromium driven by playwright-core, as the UI tests use it: headless, no sandbox (CI
 * runs as root), no background networking (this machine's closed network refuses it), a fresh
 * profile per launch. Every page records console errors and failed requests so a test can
 * assert there were none.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PADDOCK_CHROMIUM ?? '/usr/bin/chromium';
/** Where the UI tests save their screenshots (the README shows some). */
export const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

export interface UiBrowser {
  readonly browser: Browser;
  /** A new page at 1280×800 whose console errors and page errors are collected. */
  page(): Promise<UiPage>;
  close(): Promise<void>;
}

export interface UiPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and failed requests seen so far. */
  readonly problems: string[];
  /** Saves a full-width screenshot as docs/screenshots/<name>.png. */
  screenshot(name: string): Promise<string>;
}

export async function launchBrowser(): Promise<UiBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'paddock-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const browser = context.browser();
  return {
    browser: browser!,
    async page() {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        // Chromium's "Failed to load resource" text does not say which: the location does.
        if (message.type() === 'error') problems.push(`console: ${message.text()}${message.location().url ? ` (${message.location().url})` : ''}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => {
        // A request the page itself cancelled (navigation away, an aborted poll) is not a failure.
        if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
      });
      return {
        page,
        problems,
        async screenshot(name) {
          mkdirSync(SCREENSHOTS, { recursive: true });
          const file = path.join(SCREENSHOTS, `${name}.png`);
          await page.screenshot({ path: file });
          return file;
        },
      };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
