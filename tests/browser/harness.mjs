// The browser suite's harness: a carewatch daemon on a private redis-server with a test
// configuration (the bundled sample replayed fast, a fake Mastodon instance as a second source,
// four agents with known keys), the system's Chromium driven by playwright-core, and helpers
// the tests share. Everything a test starts is stopped after it, also when it fails.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { FakeMastodon } from './fake_mastodon.mjs';

export { FakeMastodon, BROKEN_UTF8 } from './fake_mastodon.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');

// The agents of every test daemon: id, role and API key (the configuration holds the key's SHA-256).
export const AGENTS = {
  ana: { id: 'ana', role: 'agent', key: 'cw_browser_ana_key_0001' },
  ben: { id: 'ben', role: 'agent', key: 'cw_browser_ben_key_0002' },
  lea: { id: 'lea', role: 'lead', key: 'cw_browser_lea_key_0003' },
  vic: { id: 'vic', role: 'viewer', key: 'cw_browser_vic_key_0004' },
};

// The queue the fake platform's mentions are routed to (a rule of the test configuration), so
// a test knows what it will claim there.
export const FAKE_QUEUE = 'desk';

function fail(message) {
  throw new Error(message);
}

// The carewatch binary: CAREWATCH_BIN (set by CTest), else the default build directory's.
export function carewatchBinary() {
  const candidates = process.env.CAREWATCH_BIN
    ? [process.env.CAREWATCH_BIN]
    : [path.join(repoRoot, 'build', 'daemon', 'carewatch')];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  return fail(`carewatch binary not found (${candidates.join(', ')}): build it (cmake --build build --target carewatch) ` +
    'or set CAREWATCH_BIN');
}

// The system's Chromium (Debian's `chromium` package): CAREWATCH_CHROMIUM, else /usr/bin/chromium.
export function chromiumPath() {
  const p = process.env.CAREWATCH_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(p)) fail(`chromium not found at ${p}: install Debian's chromium package (scripts/setup does)`);
  return p;
}

// Where screenshots and logs go: CAREWATCH_BROWSER_ARTIFACTS (set by CTest), else build/browser-artifacts.
export function artifactsDir() {
  const dir = process.env.CAREWATCH_BROWSER_ARTIFACTS || path.join(repoRoot, 'build', 'browser-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function sha256(text) {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Children still running when this process exits (a crash, an uncaught failure) are killed.
const living = new Set();
process.on('exit', () => {
  for (const pid of living) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, timeoutMs, check, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) fail(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(intervalMs);
  }
}
export { waitFor, sleep };

// Sends one command to the redis-server on a unix socket; resolves with its reply (a simple or
// integer reply's text, a bulk string's contents), or null when it does not answer in 2 s or
// answers nil.
function redisCommand(socketPath, args) {
  return new Promise((resolve) => {
    const s = net.createConnection(socketPath);
    let data = Buffer.alloc(0);
    const done = (v) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(2000, () => done(null));
    s.on('error', () => done(null));
    s.on('connect', () => s.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')));
    s.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const eol = data.indexOf('\r\n');
      if (eol < 0) return;
      const head = data.subarray(0, eol).toString('utf8');
      if (head[0] !== '$') return done(head.slice(1));
      const n = Number(head.slice(1));
      if (n < 0) return done(null);
      if (data.length >= eol + 2 + n + 2) done(data.subarray(eol + 2, eol + 2 + n).toString('utf8'));
    });
  });
}

// The pid of the redis-server answering on a unix socket (INFO server, process_id).
async function redisPid(socketPath) {
  const info = await redisCommand(socketPath, ['INFO', 'server']);
  const m = info && info.match(/process_id:(\d+)/);
  return m ? Number(m[1]) : null;
}

// The default rules with one rule in front: the fake platform's mentions go to FAKE_QUEUE as
// questions, so the tests know which queue they land in. The rest of the sample is decided by
// the default rules, as in the demo.
function rulesText() {
  const defaults = fs.readFileSync(path.join(repoRoot, 'config', 'rules', 'default.json'), 'utf8');
  const at = defaults.search(/"rules"\s*:\s*\[/);
  if (at < 0) fail('config/rules/default.json: no "rules" list found to put the test rule in front of');
  const open = defaults.indexOf('[', at) + 1;
  const rule = `\n    {"name": "browser-fake-platform", "description": "The browser tests' fake Mastodon",
     "when": {"source": ["fake"]},
     "then": {"category": "question", "priority": 2, "queue": "${FAKE_QUEUE}", "stop": true}},`;
  return defaults.slice(0, open) + rule + defaults.slice(open);
}

// A carewatch daemon with its private redis-server, on a free port.
//   sample: replay config/samples/mentions.jsonl (fast: three hours in about three seconds)
//   fake:   a started FakeMastodon, polled every half second as source "fake"
//   lease:  queues.lease
export class Daemon {
  constructor({ sample = true, fake = null, lease = '5m', name = 'daemon' } = {}) {
    this.options = { sample, fake, lease, name };
    this.output = '';
  }

  configFor(dir) {
    const agents = Object.values(AGENTS).map((a) => ({ id: a.id, key_sha256: sha256(a.key), role: a.role }));
    const sources = [];
    if (this.options.sample) {
      sources.push({
        name: 'sample',
        type: 'replay',
        interval: '500ms',
        options: { path: path.join(repoRoot, 'config', 'samples', 'mentions.jsonl'), pace: 'timestamps', speed: 3600 },
      });
    }
    if (this.options.fake) {
      sources.push({
        name: 'fake',
        type: 'mastodon',
        interval: '500ms',
        options: { instance: this.options.fake.url, access_token: 'fake-token', hashtags: [this.options.fake.tag], timeout: '5s' },
      });
    }
    return {
      state_dir: path.join(dir, 'state'),
      log: { level: 'info' },
      api: { listen: '127.0.0.1:0', rate_limit_per_minute: 100000 },
      agents,
      queues: { lease: this.options.lease },
      brand: { handles: ['acmeair'] },
      rules: path.join(dir, 'rules.json'),
      sources,
    };
  }

  async start() {
    const bin = carewatchBinary();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carewatch-browser-'));
    fs.writeFileSync(path.join(this.dir, 'rules.json'), rulesText());
    this.configPath = path.join(this.dir, 'carewatch.json');
    fs.writeFileSync(this.configPath, JSON.stringify(this.configFor(this.dir), null, 2));
    this.child = spawn(bin, ['run', '--config', this.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    living.add(this.child.pid);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => {
      living.delete(this.child.pid);
      this.exitStatus = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    }));
    const collect = (d) => {
      this.output += d.toString('utf8');
    };
    this.child.stdout.on('data', collect);
    this.child.stderr.on('data', collect);
    try {
      const port = await waitFor('the daemon to print its API port', 30000, () => {
        if (this.exitStatus) fail(`carewatch exited (${this.exitStatus}) before listening:\n${this.output}`);
        const m = this.output.match(/API listening on http:\/\/127\.0\.0\.1:(\d+)/);
        return m && Number(m[1]);
      });
      this.url = `http://127.0.0.1:${port}`;
      this.redisPid = await redisPid(path.join(this.dir, 'state', 'redis', 'redis.sock'));
      if (this.redisPid) living.add(this.redisPid);
      await waitFor('GET /readyz to answer 200', 30000, async () => {
        if (this.exitStatus) fail(`carewatch exited (${this.exitStatus}):\n${this.output}`);
        const r = await fetch(`${this.url}/readyz`);
        return r.status === 200;
      });
    } catch (e) {
      await this.stop();
      throw e;
    }
    return this;
  }

  // One command to the daemon's private redis-server (for a test that sets up what only time
  // would make, like a spike in the detector's log); its reply, as redisCommand gives it.
  redis(...args) {
    return redisCommand(path.join(this.dir, 'state', 'redis', 'redis.sock'), args);
  }

  // Stops the daemon (SIGTERM, then SIGKILL after 10 s) and its redis-server if it outlived it;
  // keeps the daemon's output as <name>.log in the artifacts directory.
  async stop() {
    if (this.child && !this.exitStatus) {
      this.child.kill('SIGTERM');
      let timer;
      const stopped = await Promise.race([this.exited.then(() => true),
        new Promise((resolve) => { timer = setTimeout(() => resolve(false), 10000); })]);
      clearTimeout(timer);
      if (!stopped) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    if (this.redisPid && alive(this.redisPid)) {
      process.kill(this.redisPid, 'SIGTERM');
      await waitFor('the private redis-server to stop', 5000, () => !alive(this.redisPid)).catch(() => {
        if (alive(this.redisPid)) process.kill(this.redisPid, 'SIGKILL');
      });
    }
    if (this.redisPid) living.delete(this.redisPid);
    if (this.output) fs.writeFileSync(path.join(artifactsDir(), `${this.options.name}.log`), this.output);
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  // A /v1 request with an agent's bearer key; returns {status, body (parsed JSON or text), headers}.
  async api(method, route, { agent = 'lea', body, headers = {} } = {}) {
    const h = { ...headers };
    if (agent) h.Authorization = `Bearer ${AGENTS[agent].key}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const r = await fetch(`${this.url}${route}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: r.status, body: parsed, headers: r.headers };
  }

  async queues() {
    const r = await this.api('GET', '/v1/queues');
    if (r.status !== 200) fail(`GET /v1/queues: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.queues;
  }

  async queue(name) {
    return (await this.queues()).find((q) => q.queue === name) ?? { queue: name, waiting: 0, claimed: 0 };
  }

  // Waits until the queue holds at least `waiting` mentions waiting.
  async waitForWaiting(name, waiting, timeoutMs = 20000) {
    return waitFor(`queue ${name} to hold ${waiting} waiting`, timeoutMs, async () => {
      const q = await this.queue(name);
      return q.waiting >= waiting && q;
    }, 200);
  }

  // Waits until every line of the sample is queued or stored (the replay has reached its end).
  async waitForSample(timeoutMs = 30000) {
    const lines = fs.readFileSync(path.join(repoRoot, 'config', 'samples', 'mentions.jsonl'), 'utf8').split('\n')
      .filter((l) => l.trim()).length;
    return waitFor('the sample to be replayed', timeoutMs, async () => {
      const r = await fetch(`${this.url}/metrics`, { headers: { Authorization: `Bearer ${AGENTS.lea.key}` } });
      const text = await r.text();
      let n = 0;
      for (const m of text.matchAll(/^carewatch_mentions_total\{[^}]*source="sample"[^}]*\} (\d+)/gm)) n += Number(m[1]);
      return n >= lines;
    }, 250);
  }
}

// The system's Chromium, headless, with a fresh profile (playwright-core makes a new temporary
// user-data directory for every launch and deletes it on close).
export async function launchBrowser() {
  const executablePath = chromiumPath();
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    fail(`playwright-core is not installed in tests/browser (run scripts/setup, or npm ci there): ${e.message}`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-crash-reporter', '--disable-breakpad'],
  });
}

// Everything a test file needs, started in `before` and stopped in `after` (node:test hooks):
//   const env = await startEnv({fake: true});  ...  await env.stop();
export async function startEnv({ sample = true, fake = true, lease = '5m', name } = {}) {
  const env = { fake: null, daemon: null, browser: null };
  env.stop = async () => {
    const errors = [];
    for (const step of [() => env.browser?.close(), () => env.daemon?.stop(), () => env.fake?.stop()]) {
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
  };
  try {
    if (fake) env.fake = await new FakeMastodon().start();
    env.daemon = await new Daemon({ sample, fake: env.fake, lease, name }).start();
    env.browser = await launchBrowser();
  } catch (e) {
    await env.stop().catch(() => {});
    throw e;
  }
  env.url = env.daemon.url;
  env.consoleUrl = `${env.daemon.url}/console/`;
  return env;
}

// A new browser context and page; records console errors and page errors in page.problems.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  return { context, page };
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

// Logs in through the login form and waits for the header to name the agent.
export async function login(page, env, agent) {
  await page.goto(env.consoleUrl);
  await byTestId(page, 'login-key').fill(AGENTS[agent].key);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'whoami').filter({ hasText: AGENTS[agent].id }).waitFor({ timeout: 10000 });
}

// Selects a queue's row in the agent screen (a click on it) and waits for it to be selected.
export async function selectQueue(page, queue) {
  const row = page.locator(`[data-testid="queue-row"][data-queue="${queue}"]`);
  await row.waitFor({ timeout: 10000 });
  await row.click();
  await waitFor(`queue row ${queue} to be selected`, 5000, async () => (await row.getAttribute('aria-selected')) === 'true');
  return row;
}

// The screenshot file for `name` in the artifacts directory.
export function screenshotPath(name) {
  return path.join(artifactsDir(), `${name}.png`);
}

// Node and this file's own checks, for a clear failure before anything starts.
export function checkTools() {
  const v = spawnSync(process.execPath, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const major = Number(v.replace(/^v/, '').split('.')[0]);
  if (major < 20) fail(`node ${v}: the browser suite needs node 20 or newer`);
  chromiumPath();
  carewatchBinary();
}

// Runs `action` and waits for the page's response to `method` on a path matching `pattern`.
export async function withResponse(page, method, pattern, action, timeout = 10000) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && pattern.test(new URL(r.url()).pathname), { timeout }),
    action(),
  ]);
  return response;
}

// Runs `body`; when it throws, a screenshot of each page goes to <name>-failure-<n>.png in the
// artifacts directory before the error is passed on.
export async function shootOnFailure(name, pages, body) {
  try {
    return await body();
  } catch (e) {
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: screenshotPath(`${name}-failure-${i + 1}`), fullPage: true }).catch(() => {});
    }
    throw e;
  }
}

// The first whole number in a locator's text ("3", "3 waiting"), or NaN.
export async function numberIn(locator) {
  const m = (await locator.textContent())?.match(/\d+/);
  return m ? Number(m[0]) : NaN;
}

// Posts `count` statuses on the fake platform and waits until the daemon has queued them all in
// FAKE_QUEUE; returns them (oldest first).
export async function postAndQueue(env, count, make = (i) => ({ text: `Status ${i + 1} of a browser test #acmeair` })) {
  const before = (await env.daemon.queue(FAKE_QUEUE)).waiting;
  const posted = [];
  for (let i = 0; i < count; ++i) posted.push(env.fake.post(make(i)));
  await env.daemon.waitForWaiting(FAKE_QUEUE, before + count);
  return posted;
}

// Opens a screen by its tab ("agent", "lead", "marketing").
export async function openTab(page, screen) {
  await byTestId(page, `tab-${screen}`).click();
}

// Claims and resolves (as the lead, by bearer key) whatever waits in `queue`, so a test starts
// from an empty queue even when an earlier test of its file failed halfway.
export async function drainQueue(env, queue = FAKE_QUEUE) {
  for (let i = 0; i < 1000; ++i) {
    const c = await env.daemon.api('POST', `/v1/queues/${queue}/claim`, { agent: 'lea' });
    if (c.status === 204 || c.status === 404) return;  // empty, or no mention routed there yet
    if (c.status !== 200) fail(`draining ${queue}: claim answered ${c.status} ${JSON.stringify(c.body)}`);
    const r = await env.daemon.api('POST', `/v1/mentions/${c.body.uid}/resolve`, { agent: 'lea' });
    if (r.status !== 200 && r.status !== 202) fail(`draining ${queue}: resolve of ${c.body.uid} answered ${r.status}`);
  }
  fail(`draining ${queue}: still not empty after 1000 claims`);
}
