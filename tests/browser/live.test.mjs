// The live queue: with the agent screen open, a mention that arrives through the fake platform
// (and a claim made elsewhere) updates the queue's counts within a few seconds, without a reload,
// over the console's Server-Sent Events subscription (/v1/live).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  FAKE_QUEUE, byTestId, login, newPage, numberIn, openTab, postAndQueue, shootOnFailure, startEnv, waitFor,
} from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'live', sample: false, fake: true });
});
after(async () => {
  await env?.stop();
});

// The poll interval of the fake source is 500 ms and the live feed sends queues within a second
// of an event: a few seconds is generous.
const LIVE_WITHIN_MS = 5000;

test('a mention arriving through the fake platform updates queue-waiting without a reload', { timeout: 60000 }, async () => {
  await postAndQueue(env, 1);  // the queue exists, with one waiting
  const { context, page } = await newPage(env.browser);
  const liveRequests = [];
  const queuePolls = [];  // GET /v1/queues: the fallback when the live feed cannot be had
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/v1/live') liveRequests.push(r);
    if (path === '/v1/queues') queuePolls.push(r);
  });
  await shootOnFailure('live', [page], async () => {
    await login(page, env, 'ana');
    await openTab(page, 'agent');
    const row = page.locator(`[data-testid="queue-row"][data-queue="${FAKE_QUEUE}"]`);
    const waiting = row.locator('[data-testid="queue-waiting"]');
    const claimed = row.locator('[data-testid="queue-claimed"]');
    await waitFor('queue-waiting to show 1', 10000, async () => (await numberIn(waiting)) === 1);
    // A marker on the window: a reload or a navigation would drop it.
    await page.evaluate(() => {
      window.__carewatchNoReload = true;
    });
    await waitFor('the console to subscribe to /v1/live', 10000, () => liveRequests.length > 0);
    // The stream is open (the header says so), so every update below comes through it: the
    // console polls /v1/queues only while the stream is unavailable.
    const status = byTestId(page, 'live-status');
    await waitFor('the live status to say live', 10000, async () => (await status.textContent()) === 'live');
    const pollsBefore = queuePolls.length;

    // One new mention on the platform: 1 -> 2.
    const posted = Date.now();
    env.fake.post({ text: 'Live one: is the Lisbon flight boarding yet? #acmeair' });
    await waitFor(`queue-waiting to show 2 within ${LIVE_WITHIN_MS} ms`, LIVE_WITHIN_MS, async () => (await numberIn(waiting)) === 2, 100);
    const took = Date.now() - posted;

    // Two more at once: 2 -> 4.
    env.fake.post({ text: 'Live two: my seat was given away #acmeair' });
    env.fake.post({ text: 'Live three: no food on board #acmeair' });
    await waitFor(`queue-waiting to show 4 within ${LIVE_WITHIN_MS} ms`, LIVE_WITHIN_MS, async () => (await numberIn(waiting)) === 4, 100);

    // A claim made by another agent through the API: claimed 0 -> 1, waiting 4 -> 3.
    const before = await numberIn(claimed);
    assert.equal(before, 0);
    const c = await env.daemon.api('POST', `/v1/queues/${FAKE_QUEUE}/claim`, { agent: 'ben' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    await waitFor(`queue-claimed to show 1 within ${LIVE_WITHIN_MS} ms`, LIVE_WITHIN_MS,
      async () => (await numberIn(claimed)) === 1 && (await numberIn(waiting)) === 3, 100);

    assert.equal(await page.evaluate(() => window.__carewatchNoReload), true, 'the page was reloaded');
    assert.equal(queuePolls.length, pollsBefore, 'the queues were polled: the updates did not come over /v1/live');
    assert.equal(await status.textContent(), 'live');
    console.log(`# live: the first mention reached the page ${took} ms after it was posted on the platform`);
    const live = liveRequests[0];
    assert.equal(live.method(), 'GET');
    const headers = await live.allHeaders();
    assert.match(headers.accept ?? '', /text\/event-stream/, 'the /v1/live request is not an EventSource');
    assert.ok(took <= LIVE_WITHIN_MS, `the first update took ${took} ms`);
  });
  await context.close();
});
