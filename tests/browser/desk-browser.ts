import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { onPostgres } from '../support/test-server';

/** Debian's Chromium; the tests never download a browser. */
export const chromiumPath = '/usr/bin/chromium';

/** A browser test, run where Chromium is installed and skipped elsewhere, named so that a skip says why. */
export const inChromium = (name: string, run: () => Promise<void>, timeout?: number) =>
  (existsSync(chromiumPath) ? test : test.skip)(`in Chromium only: ${name}`, run, timeout);

/** A browser test whose server reaches PostgreSQL through a relay the test cuts; skipped on PGlite, which runs inside the server. */
export const inChromiumOnPostgres = (name: string, run: () => Promise<void>, timeout?: number) =>
  (existsSync(chromiumPath) && onPostgres ? test : test.skip)(`in Chromium only: on PostgreSQL only: ${name}`, run, timeout);

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A Chromium of its own (a fresh profile: storage, IndexedDB and service workers start empty), in English. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'desk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    chromiumSandbox: false,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'en-US',
    viewport: { width: 1200, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the desk's form, as a reviewer would. */
export async function signIn(page: Page, origin: string, email: string, password = 'correct horse battery'): Promise<void> {
  await page.goto(`${origin}/desk/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Events' }).waitFor();
}

/** The connection indicator's text, once it matches. */
export async function waitForStatus(page: Page, text: RegExp): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).waitFor();
}

/**
 * Holds the page's subscriptions to the event's activity on their way to the server until
 * release(): a change made meanwhile commits after the page read what it shows and before its
 * subscription starts. `subscribing` gives the held subscription's variables.
 */
export async function holdActivitySubscriptions(page: Page, eventId: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: (variables: { eventId: string; after: string | null }) => void;
  const subscribing = new Promise<{ eventId: string; after: string | null }>((resolve) => (held = resolve));
  await page.routeWebSocket(/\/graphql$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      const { type, payload } = JSON.parse(String(message));
      if (type === 'subscribe' && payload.operationName === 'OnActivity' && payload.variables.eventId === eventId) {
        held(payload.variables);
        void released.then(() => server.send(message));
      } else {
        server.send(message);
      }
    });
  });
  return { subscribing, release };
}
