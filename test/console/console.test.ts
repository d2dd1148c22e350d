/**
 * The operator console end to end, in headless Chromium (Debian's package, driven by
 * playwright-core) against a real daemon (engine/app.ts: scheduler, action worker, API and the
 * console on port 0, SQLite) syncing both marketplace simulators. One browser, one page, the
 * scenario in order: sign in, see both accounts healthy, filter to waiting_acceptance and accept
 * orders (by keyboard alone in bulk, then from the order's page) watching the call reach the
 * simulator and the status change, be refused a ship with a wrong carrier and see the error at
 * its field, retry a failed action, see an order's documents and download its delivery slip with
 * the token (a Printemps account on a third simulator), open a channel's diagram, break a channel file in the
 * playground and see the finding at its line, and the webhook log. Every request the browser
 * makes must go to the daemon. The page screenshots of the README are taken here
 * (ORDERWIRE_SCREENSHOTS=1 writes them to docs/console/; otherwise to a temp folder).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMiraklSimulator, startSimulator, type RunningMiraklSimulator, type StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../engine/api/tokens.ts';
import { startDaemon, type Daemon } from '../../engine/app.ts';
import { loadConfigFile } from '../../engine/config/load.ts';
import { openRuntime, type Runtime } from '../../engine/daemon/runtime.ts';
import { silentLogger } from '../../engine/log.ts';
import { launchBrowser, tabTo, type Browser } from '../helpers/browser.ts';
import { adminCalls, adminCreateOrder, adminSetFaults } from '../helpers/sim-admin.ts';

const SHOTS = process.env.ORDERWIRE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/console') : undefined;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('operator console in Chromium', { timeout: 60_000 }, () => {
  let mirakl: StartedSimulator;
  let octopia: StartedSimulator;
  /** Printemps, on a Mirakl of its own: its orders have delivery slips to download. */
  let printemps: RunningMiraklSimulator;
  let slipOrder: string;
  let dir: string;
  let shots: string;
  let runtime: Runtime;
  let daemon: Daemon;
  let url: string;
  let token: string;
  let browser: Browser;
  const waiting: string[] = [];
  let dueSoon: string;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API bodies of every shape, read by the assertions
  const call = async (method: string, p: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return res.json();
  };
  const shot = async (name: string, fullPage = false): Promise<void> => {
    await browser.page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
  };

  beforeAll(async () => {
    const start = new Date(Date.now() - 600_000);
    mirakl = await startSimulator('mirakl', { orders: 20, seed: 21, speed: 0, start, historyDays: 2 });
    octopia = await startSimulator('octopia', { orders: 20, seed: 22, speed: 0, start, historyDays: 1 });
    printemps = await startMiraklSimulator({ orders: 0, seed: 23, speed: 0, start });
    slipOrder = (await adminCreateOrder(printemps.baseUrl, { state: 'SHIPPED', lines: 1 })).order_id;
    for (let i = 0; i < 3; i++) waiting.push((await adminCreateOrder(mirakl.baseUrl, { state: 'WAITING_ACCEPTANCE', lines: 1 })).order_id);
    // Waiting for shipment since almost 5 days: its shipping_deadline (1 to 5 days after creation) is within 48 hours.
    dueSoon = (await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPING', lines: 1, created_date: new Date(Date.now() - 5 * 86_400_000 + 3_600_000).toISOString() })).order_id;
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-console-'));
    shots = SHOTS ?? path.join(dir, 'screenshots');
    await mkdir(shots, { recursive: true });
    const env = { CONSOLE_PRINTEMPS_KEY: printemps.credentials.apiKey, CONSOLE_WORTEN_KEY: mirakl.credentials.apiKey, CONSOLE_CD_ID: octopia.credentials.clientId, CONSOLE_CD_SECRET: octopia.credentials.clientSecret, CONSOLE_CD_SELLER: octopia.credentials.sellerId };
    // Webhook secrets derive from ORDERWIRE_SECRET_KEY (the webhooks page registers an endpoint).
    Object.assign(process.env, env, { ORDERWIRE_SECRET_KEY: 'console-test-secret-key-0123456789abcdef' });
    await writeFile(path.join(dir, 'orderwire.yaml'), `store: orderwire.sqlite
accounts:
  - id: worten-demo
    channel: worten
    base_url: ${mirakl.baseUrl}
    credentials: { api_key: { env: CONSOLE_WORTEN_KEY } }
  - id: cdiscount-demo
    channel: cdiscount
    base_url: ${octopia.baseUrl}/seller/v2
    auth_url: ${octopia.baseUrl}
    credentials: { client_id: { env: CONSOLE_CD_ID }, client_secret: { env: CONSOLE_CD_SECRET }, seller_id: { env: CONSOLE_CD_SELLER } }
  - id: printemps-demo
    channel: printemps
    base_url: ${printemps.baseUrl}
    credentials: { api_key: { env: CONSOLE_PRINTEMPS_KEY } }
daemon:
  action_max_attempts: 1
  http: { host: 127.0.0.1, port: 0 }
# The test's webhook receiver listens on loopback: allowed explicitly, as an operator would.
webhooks:
  allowed_destinations: [127.0.0.1]
`);
    runtime = await openRuntime(await loadConfigFile(path.join(dir, 'orderwire.yaml')), silentLogger());
    daemon = startDaemon(runtime, { workerIntervalMs: 200 });
    url = await daemon.api!.ready;
    token = (await createToken(runtime.store, { name: 'console', accounts: ['worten-demo', 'cdiscount-demo', 'printemps-demo'] })).token;
    await until('both first syncs', async () => (await call('GET', '/v1/accounts')).items.every((a: { health: { state: string } }) => a.health.state === 'healthy'));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await runtime?.close();
    await Promise.all([mirakl?.close(), octopia?.close(), printemps?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('leaves the focus where the person put it while the page opens', async () => {
    // A page moves the focus to its heading when it opens (for screen readers). If that came
    // after the person, or a password manager, had already focused the token field, the rest of
    // the typing and the Enter went to the heading and nothing was sent: the sign-in stall seen
    // in loaded CI runs. Here the field is focused the moment it exists, before the page's
    // effects run, as a fast hand or an autofill would; a separate tab keeps the hook local.
    const page = await browser.context.newPage();
    try {
      await page.addInitScript(`
        const observer = new MutationObserver(() => {
          const field = document.getElementById('token');
          if (!field) return;
          observer.disconnect();
          field.focus();
        });
        observer.observe(document, { childList: true, subtree: true });`);
      await page.goto(`${url}/`);
      await page.keyboard.type('ow_');
      await page.waitForTimeout(500);
      expect(await page.evaluate('document.activeElement?.id')).toBe('token');
      expect(await page.locator('#token').inputValue()).toBe('ow_');
    } finally {
      await page.close();
    }
  });

  it('signs in with the keyboard alone, keeps the token out of URLs, and shows both accounts healthy', async () => {
    const { page } = browser;
    await page.goto(`${url}/`);
    await tabTo(page, '#token');
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    // If sign-in ever stalls again (seen once in a loaded gate), say what the page showed.
    await page
      .getByRole('heading', { name: 'Accounts', level: 1, exact: true })
      .waitFor()
      .catch(async (err: Error) => {
        const shown = await page.locator('body').innerText().catch(() => '(no body)');
        const calls = browser.requests.filter((r) => r.includes('/v1/')).map((r) => r.replace(token, '<token>'));
        throw new Error(`${err.message}\npage shows: ${shown.slice(0, 500)}\nbrowser errors: ${browser.errors.join(' | ')}\nAPI requests: ${calls.join(', ')}`);
      });
    for (const id of ['worten-demo', 'cdiscount-demo']) await page.locator(`[data-account="${id}"][data-health="healthy"]`).waitFor();
    await expect.poll(() => page.locator('.live').textContent()).toBe('Live');
    expect(await page.evaluate(() => sessionStorage.getItem('orderwire.token'))).toBe(token);
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);
    expect(browser.requests.filter((r) => r.includes(token))).toEqual([]);
    await shot('accounts');
  });

  it('filters the orders to waiting_acceptance and accepts one in bulk, by keyboard, until it reaches the simulator', async () => {
    const { page } = browser;
    await tabTo(page, 'nav a[href="#/orders"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orders', level: 1, exact: true }).waitFor();
    await tabTo(page, '#f-status');
    await page.keyboard.type('waiting a');
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('status=waiting_acceptance');
    await page.locator(`tr[data-order="${waiting[0]}"]`).waitFor();
    const statuses = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(new Set(statuses)).toEqual(new Set(['waiting_acceptance']));
    await shot('orders');

    await tabTo(page, `input[aria-label="Select ${waiting[0]}"]`);
    await page.keyboard.press('Space');
    await tabTo(page, 'button[data-bulk="accept"]', 120);
    await page.keyboard.press('Enter');
    await tabTo(page, '.bulk form[data-action="accept"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.locator('.bulk-results li', { hasText: waiting[0]! }).waitFor();
    await until('the accept call at the simulator', async () => (await adminCalls(mirakl.baseUrl)).find((c) => c.method === 'PUT' && c.path === `/api/orders/${waiting[0]}/accept`));
    // The list follows the live stream: once accepted, the order leaves the waiting_acceptance filter.
    await page.locator(`tr[data-order="${waiting[0]}"]`).waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('accepts an order from its page and shows the action\'s progress until the marketplace answers, then the new status', async () => {
    const { page } = browser;
    await page.locator(`tr[data-order="${waiting[1]}"] a`).click();
    await page.getByRole('heading', { name: `Order ${waiting[1]}`, level: 1, exact: true }).waitFor();
    expect(await page.locator('.summary .badge').first().getAttribute('data-value')).toBe('waiting_acceptance');
    // Every part of the summary is set apart, including those that start a line of the template.
    expect(await page.locator('.summary').innerText()).toMatch(/WAITING_ACCEPTANCE · \S+ · \S+ · version \d+ · created .+ · updated /);
    const form = page.locator('form[data-action="accept"]');
    await form.getByRole('button', { name: /accept/i }).click();
    await page.locator('.progress[data-state="succeeded"]').waitFor({ timeout: 20_000 });
    const calls = await adminCalls(mirakl.baseUrl);
    expect(calls.filter((c) => c.method === 'PUT' && c.path === `/api/orders/${waiting[1]}/accept`)).toHaveLength(1);
    await expect.poll(() => page.locator('.summary .badge').first().getAttribute('data-value'), { timeout: 15_000 }).not.toBe('waiting_acceptance');
    await page.getByRole('heading', { name: 'Status history' }).waitFor();
    expect(await page.locator('section[aria-labelledby="hist"] tbody tr').count()).toBeGreaterThanOrEqual(2);
  });

  it('is refused a ship with a wrong carrier and shows the error, with its code, at the carrier field', async () => {
    const { page } = browser;
    const [order] = (await call('GET', '/v1/orders?account=cdiscount-demo&status=waiting_shipment&limit=1')).items;
    expect(order).toBeDefined();
    await page.goto(`${url}/#/orders/${order.id}`);
    const form = page.locator('form[data-action="ship"]');
    await form.waitFor();
    await form.getByLabel(/tracking number/i).fill('1Z999AA10123456784');
    await form.getByLabel(/carrier/i).fill('Pigeon Post');
    await form.getByRole('button', { name: /ship/i }).click();
    const error = form.locator('.field[data-field="carrier"] .field-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('ACTION_FIELD_VALUE_NOT_ALLOWED');
    expect(await error.textContent()).toContain('Pigeon Post');
    expect(await form.locator('.field[data-field="tracking_number"] .field-error').count()).toBe(0);
    expect((await call('GET', `/v1/actions?marketplace_order_id=${order.marketplace_order_id}`)).items).toEqual([]);
    await shot('order', true);
  });

  it('retries a failed action from the Actions page', async () => {
    const { page } = browser;
    const target = waiting[2]!;
    const [order] = (await call('GET', `/v1/orders?marketplace_order_id=${target}`)).items;
    await adminSetFaults(mirakl.baseUrl, '5xx=1');
    const action = await call('POST', `/v1/orders/${order.id}/actions`, { action: 'accept' });
    const failed = await until('the action to give up', async () => {
      const a = await call('GET', `/v1/actions/${action.id}`);
      return ['failed', 'needs_attention'].includes(a.state) ? a : undefined;
    });
    await adminSetFaults(mirakl.baseUrl, '');
    await page.goto(`${url}/#/actions`);
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe(failed.state);
    expect(await row.locator('.error-text').textContent()).toContain(failed.error.code);
    await shot('actions');
    await row.getByRole('button', { name: 'Retry' }).click();
    await until('the retried action to succeed', async () => (await call('GET', `/v1/actions/${action.id}`)).state === 'succeeded');
    await row.waitFor({ state: 'detached' });
    expect((await adminCalls(mirakl.baseUrl)).filter((c) => c.method === 'PUT' && c.path === `/api/orders/${target}/accept` && c.status < 300)).toHaveLength(1);
  });

  it('shows an order\'s documents and invoice status, and downloads the delivery slip with the token', async () => {
    const { page } = browser;
    const [order] = (await call('GET', `/v1/orders?marketplace_order_id=${slipOrder}`)).items;
    const slip = printemps.documents.list(slipOrder).find((d) => d.typeCode === 'SYSTEM_DELIVERY_BILL')!;
    await until('the delivery slip downloaded', async () => (await call('GET', `/v1/orders/${order.id}`)).documents?.[0]?.url);
    await page.goto(`${url}/#/orders/${order.id}`);
    const section = page.locator('section[aria-labelledby="docs"]');
    await section.getByRole('heading', { name: 'Documents' }).waitFor();
    expect(await section.locator('[data-invoice]').getAttribute('data-invoice')).toBe('none');
    const row = section.locator('tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('SYSTEM_DELIVERY_BILL');
    expect(await row.textContent()).toContain(`delivery-slip-${slipOrder}.pdf`);
    const link = row.getByRole('link', { name: 'Download' });
    expect(await link.getAttribute('href')).toMatch(/^\/v1\/documents\/[0-9a-f-]{36}$/);
    const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(saved.suggestedFilename()).toBe(`delivery-slip-${slipOrder}.pdf`);
    const bytes = await readFile((await saved.path())!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(slip.sha256);
    // The token went in the Authorization header, never in a URL.
    expect(browser.requests.filter((r) => r.includes(token))).toEqual([]);
  });

  it('opens a channel\'s documentation with its state diagram drawn', async () => {
    const { page } = browser;
    await page.goto(`${url}/#/channels`);
    await page.getByRole('link', { name: 'Cdiscount', exact: true }).click();
    await page.getByRole('heading', { name: 'Channel cdiscount', level: 1, exact: true }).waitFor();
    const svg = page.locator('.diagram-svg svg');
    await svg.waitFor({ timeout: 20_000 });
    expect(await svg.locator('text, foreignObject').count()).toBeGreaterThan(5);
    expect(await svg.textContent()).toContain('waiting_shipment (InPreparation)');
    await page.getByRole('heading', { name: 'Statuses' }).waitFor();
    await shot('channel');
  });

  it('breaks a channel file in the playground and shows the finding at its line, then checks an action', async () => {
    const { page } = browser;
    await page.goto(`${url}/#/playground?from=worten`);
    const editor = page.getByLabel('Channel file (YAML)');
    await expect.poll(() => editor.inputValue(), { timeout: 10_000 }).toContain('id: worten');
    await page.locator('.verdict-line .badge[data-value="healthy"]').waitFor();
    const text = await editor.inputValue();
    const line = text.split('\n').findIndex((l) => /^\s+waiting_acceptance: \[WAITING_ACCEPTANCE\]/.test(l)) + 1;
    expect(line).toBeGreaterThan(1);
    // Type the mistake where it belongs, as an integrator would.
    await editor.focus();
    const lines = text.split('\n');
    const at = lines.slice(0, line - 1).join('\n').length + 1 + lines[line - 1]!.indexOf('acceptance') + 'acceptan'.length;
    await editor.evaluate((area, range) => (area as unknown as { setSelectionRange(a: number, b: number): void }).setSelectionRange(range, range + 1), at);
    await page.keyboard.type('s');
    await page.locator(`.gutter [data-line="${line}"].mark-error`).waitFor();
    const finding = page.locator(`.findings li[data-line="${line}"]`).first();
    await finding.waitFor();
    expect(await finding.textContent()).toMatch(/waiting_acceptanse|waiting_acceptance/);
    await shot('playground');

    await page.keyboard.press('Backspace');
    await page.keyboard.type('c');
    await page.locator('.verdict-line .badge[data-value="healthy"]').waitFor();
    await page.getByRole('tab', { name: 'Try an action' }).click();
    await page.getByLabel('Order status').selectOption('waiting_shipment');
    await page.getByLabel('Action', { exact: true }).selectOption('accept');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.locator('.verdict[data-allowed="false"]', { hasText: 'ACTION_NOT_ALLOWED_IN_STATUS' }).waitFor();
    await page.getByRole('tab', { name: 'Documentation' }).click();
    await page.locator('.diagram-svg svg').waitFor({ timeout: 20_000 });
  });

  it('shows webhook endpoints and their delivery log', async () => {
    const { page } = browser;
    await page.goto(`${url}/#/webhooks`);
    await page.getByLabel('URL').fill('http://127.0.0.1:9/hooks/orderwire');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('.secret code').waitFor();
    const [endpoint] = (await call('GET', '/v1/webhooks')).items;
    expect(endpoint.url).toBe('http://127.0.0.1:9/hooks/orderwire');
    // An event for the endpoint (an action that succeeds): the dispatcher tries to deliver it, and logs the failure.
    const [order] = (await call('GET', '/v1/orders?status=waiting_acceptance&limit=1')).items;
    await call('POST', `/v1/orders/${order.id}/actions`, { action: 'accept' });
    await page.getByRole('link', { name: endpoint.url }).click();
    await page.locator('tr[data-state]').first().waitFor({ timeout: 20_000 });
    await shot('webhooks');
  });

  it('filters the orders whose next step is due within 48 hours', async () => {
    const { page } = browser;
    await page.goto(`${url}/#/orders`);
    await page.getByRole('heading', { name: 'Orders', level: 1, exact: true }).waitFor();
    await page.locator('#f-due').selectOption('48');
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('due=48');
    await expect.poll(() => browser.requests.some((r) => r.includes('/v1/orders?') && r.includes('due_before=')), { timeout: 10_000 }).toBe(true);
    // Shipped or closed orders have nothing due: once the filtered list is shown, none is left.
    const actionable = ['new', 'waiting_acceptance', 'accepted', 'waiting_shipment'];
    await expect.poll(async () => (await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).every((s) => actionable.includes(s!)), { timeout: 10_000 }).toBe(true);
    await page.locator(`tr[data-order="${dueSoon}"]`).waitFor();
  });

  it('made every request to the daemon alone, never put the token in a URL, and logged no error', () => {
    const origin = new URL(url).origin;
    const elsewhere = browser.requests.filter((r) => !r.startsWith('data:') && !r.startsWith('blob:') && new URL(r).origin !== origin);
    expect(elsewhere).toEqual([]);
    expect(browser.requests.some((r) => r.includes('/vendor/mermaid/'))).toBe(true);
    expect(browser.requests.filter((r) => r.includes(token))).toEqual([]);
    // A refused request (the 422 of the wrong carrier) is logged by Chromium as a failed resource; nothing else may be.
    expect(browser.errors.filter((e) => !/Failed to load resource: the server responded with a status of 422/.test(e))).toEqual([]);
  });
});
