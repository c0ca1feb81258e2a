// Screenshots of every screen, written to the artifacts directory (build/browser-artifacts/ under
// CTest): the login form, the agent's desk with a mention open (and the key list), the lead's
// screen and the marketing screen, with the sample replayed so they show real figures.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import {
  FAKE_QUEUE, byTestId, login, newPage, openTab, postAndQueue, screenshotPath, selectQueue, shootOnFailure, sleep,
  startEnv, waitFor, withResponse,
} from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'screens', sample: true, fake: true });
  await env.daemon.waitForSample();
});
after(async () => {
  await env?.stop();
});

async function shoot(page, name) {
  const file = screenshotPath(name);
  fs.rmSync(file, { force: true });
  await sleep(500);  // charts draw after their data arrives
  await page.screenshot({ path: file, fullPage: true });
  const size = fs.statSync(file).size;
  assert.ok(size > 5000, `${file} is only ${size} bytes`);
}

test('screenshots of the login, agent, lead and marketing screens', { timeout: 90000 }, async () => {
  await postAndQueue(env, 3, (i) => ({
    text: ['Stuck at the gate in Porto for three hours, no announcements at all #acmeair',
      'Where can I find the baggage allowance for my ticket? #acmeair',
      'Cabin crew on AA412 were wonderful today, thank you! #acmeair'][i],
    displayName: ['Rui Almeida', 'Hana Novak', 'Sam Ortiz'][i],
    username: ['rui_travels', 'hananovak', 'samortiz'][i],
    followers: [1840, 230, 51200][i],
  }));
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('screens', [page], async () => {
    await page.goto(env.consoleUrl);
    await byTestId(page, 'login-key').waitFor({ state: 'visible' });
    await shoot(page, 'login');

    await login(page, env, 'lea');
    await openTab(page, 'agent');
    await selectQueue(page, FAKE_QUEUE);
    const claim = await withResponse(page, 'POST', new RegExp(`^/v1/queues/${FAKE_QUEUE}/claim$`),
      () => byTestId(page, 'claim-next').click());
    assert.equal(claim.status(), 200);
    await byTestId(page, 'mention-text').waitFor({ state: 'visible' });
    await byTestId(page, 'sla-clock').waitFor({ state: 'visible' });
    await shoot(page, 'agent');
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('?');
    await byTestId(page, 'help').waitFor({ state: 'visible' });
    await shoot(page, 'agent-help');
    await page.keyboard.press('?');
    await byTestId(page, 'help').waitFor({ state: 'hidden' });

    // The daemon samples the queues' depth as each minute starts (and within seconds of its
    // queues appearing): wait for the first sample, then the lead's chart draws it.
    await waitFor('a queue depth sample', 20000, async () => {
      const r = await env.daemon.api('GET', '/v1/stats/depth?window=1h&step=1m');
      assert.equal(r.status, 200, `GET /v1/stats/depth: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.series.some((s) => s.points.length > 0);
    }, 250);
    const breaches = await withResponse(page, 'GET', /^\/v1\/sla\/breaches$/, () => openTab(page, 'lead'));
    assert.equal(breaches.status(), 200, 'GET /v1/sla/breaches');
    assert.ok(Array.isArray((await breaches.json()).items), 'breaches answer {"items": [...]}');
    await byTestId(page, 'breaches').waitFor({ state: 'visible' });
    await page.waitForFunction(
      () => !/loading/i.test(document.querySelector('[data-testid="breaches"]')?.textContent ?? 'loading'));
    const breachesText = await byTestId(page, 'breaches').textContent();
    assert.doesNotMatch(breachesText ?? '', /not available/, `breaches panel: ${breachesText}`);
    const depthChart = byTestId(page, 'depth-chart');
    await depthChart.waitFor({ state: 'visible' });
    await depthChart.locator('canvas').first().waitFor({ state: 'visible', timeout: 10000 });
    const depthText = await depthChart.innerText();
    assert.ok(!/not available|no data in this range/.test(depthText), `the depth chart says: ${depthText}`);
    await byTestId(page, 'agent-figures').waitFor({ state: 'visible' });
    await byTestId(page, 'at-risk-row').first().waitFor();
    await shoot(page, 'lead');
    // The queue filter narrows the agent figures too: the page asks for that queue's figures, and
    // the claim made above shows under it.
    const [narrowed] = await Promise.all([
      page.waitForResponse((r) => {
        const u = new URL(r.url());
        return u.pathname === '/v1/stats' && u.searchParams.get('by') === 'agent' && u.searchParams.get('queue') === FAKE_QUEUE;
      }, { timeout: 10000 }),
      byTestId(page, 'filter-queue').selectOption(FAKE_QUEUE),
    ]);
    assert.equal(narrowed.status(), 200, 'GET /v1/stats?by=agent&queue=');
    const lea = (await narrowed.json()).groups.find((g) => g.group === 'lea' && g.kind === 'agent');
    assert.ok(lea && lea.counts.claims >= 1, `lea's claims in ${FAKE_QUEUE}: ${JSON.stringify(lea)}`);
    await page.locator('[data-testid="agent-row"][data-agent="lea"]').waitFor({ timeout: 10000 });
    assert.match(await byTestId(page, 'agent-figures-scope').innerText(), new RegExp(FAKE_QUEUE));
    await byTestId(page, 'filter-queue').selectOption('');

    // A spike the detector logged two hours ago (a real one needs weeks of baseline): the
    // volume charts mark it and list it, its text as text.
    const at = Math.floor((Date.now() - 2 * 3600e3) / 300e3) * 300e3;
    const added = await env.daemon.redis('ZADD', '{cw}:spk:log', String(at), JSON.stringify({
      series: 'mastodon|complaint', platform: 'mastodon', category: 'complaint', tag: '',
      at, bucket: at, until: at + 300e3, count: 42, expected: 3.5 }));
    assert.equal(added, '1', 'ZADD {cw}:spk:log');
    await openTab(page, 'marketing');
    await byTestId(page, 'volume-chart').waitFor({ state: 'visible' });
    const spikeList = byTestId(page, 'volume-chart-spikes');
    await spikeList.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await spikeList.innerText(), /mastodon complaint: 42 mentions against 3.5 expected, under way/);
    assert.match(await page.locator('.spike-note').first().innerText(), /1 spike marked/);
    await byTestId(page, 'top-words').waitFor({ state: 'visible' });
    // The figures behind it are served: the charts draw and the top lists have the sample's rows.
    for (const id of ['volume-chart', 'category-chart', 'sentiment-chart']) {
      await byTestId(page, id).locator('canvas').first().waitFor({ state: 'attached', timeout: 15000 });
      const text = await byTestId(page, id).innerText();
      assert.doesNotMatch(text, /not available/, `${id} says: ${text}`);
    }
    await byTestId(page, 'top-words').locator('ol.bars li').first().waitFor({ timeout: 15000 });
    await byTestId(page, 'top-hashtags').locator('ol.bars li').first().waitFor({ timeout: 15000 });
    await byTestId(page, 'top-authors').locator('tbody tr').first().waitFor({ timeout: 15000 });
    const share = await byTestId(page, 'complaint-share').innerText();
    assert.match(share, /^\d+(\.\d)?%$/, `complaint share shows ${share}`);
    // The figures follow the filters: praise alone holds no complaint; the top lists say they
    // are not narrowed by category.
    await byTestId(page, 'filter-category').selectOption('praise');
    await page.waitForFunction(() => document.querySelector('[data-testid="complaint-share"]')?.textContent === '0.0%',
      null, { timeout: 10000 });
    assert.notEqual(await byTestId(page, 'kpi-mentions').innerText(), '0');
    await byTestId(page, 'top-scope').first().waitFor();
    await byTestId(page, 'filter-category').selectOption('');
    await byTestId(page, 'top-scope').first().waitFor({ state: 'detached' });
    await shoot(page, 'marketing');
    const href = await byTestId(page, 'export-csv').getAttribute('href');
    assert.match(href ?? '', /\/v1\/export\.csv/, `export-csv links to ${href}`);
    // The link as the page would follow it: same origin, the session cookie.
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url, { credentials: 'same-origin' });
      return { status: res.status, type: res.headers.get('content-type'),
        disposition: res.headers.get('content-disposition'), body: await res.text() };
    }, href);
    assert.equal(csv.status, 200, `GET ${href}: ${csv.body.slice(0, 200)}`);
    assert.match(csv.type ?? '', /^text\/csv/);
    assert.match(csv.disposition ?? '', /^attachment; filename="carewatch-mentions-.*\.csv"$/);
    const lines = csv.body.split('\r\n');
    assert.equal(lines[0], 'uid,platform,source,posted_at,author_handle,author_name,followers,language,category,' +
      'sentiment,complaint,priority,queue,state,first_reply_at,resolved_at,resolved_by,url,text');
    assert.ok(csv.body.includes('Stuck at the gate in Porto'), 'the export holds a mention posted a moment ago');
  });
  await context.close();
});
