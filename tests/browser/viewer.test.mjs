// A viewer (marketing) reads but cannot act: no claim, reply or action controls on any screen,
// and writes sent with the viewer's own session (cookie and CSRF token) are refused 403.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  FAKE_QUEUE, byTestId, login, newPage, openTab, postAndQueue, shootOnFailure, startEnv, waitFor,
} from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'viewer', sample: true, fake: true });
});
after(async () => {
  await env?.stop();
});

// Controls that act; a viewer's console has none of them.
const ACTING = ['claim-next', 'reply-box', 'reply-send', 'resolve', 'release', 'handoff', 'handoff-dialog',
  'handoff-submit', 'note-box', 'note-add', 'link-identity', 'link-submit', 'release-claim'];

async function actingControls(page) {
  const found = [];
  for (const id of ACTING) {
    const n = await byTestId(page, id).count();
    if (n > 0) found.push(`${id} (${n})`);
  }
  return found;
}

test('a viewer lands on the marketing screen and sees no control that acts', { timeout: 60000 }, async () => {
  await postAndQueue(env, 2);
  // Someone holds a claim, so the lead screen has a claimed row (where a lead sees release-claim).
  const held = await env.daemon.api('POST', `/v1/queues/${FAKE_QUEUE}/claim`, { agent: 'ana' });
  assert.equal(held.status, 200);
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('viewer', [page], async () => {
    await login(page, env, 'vic');
    assert.match(await byTestId(page, 'whoami').textContent(), /viewer/);
    await byTestId(page, 'volume-chart').waitFor({ state: 'visible' });
    assert.deepEqual(await actingControls(page), [], 'acting controls on the marketing screen');

    await openTab(page, 'lead');
    await byTestId(page, 'at-risk').waitFor({ state: 'visible' });
    await byTestId(page, 'at-risk-row').first().waitFor();
    assert.deepEqual(await actingControls(page), [], 'acting controls on the lead screen');

    // The agent screen, if a viewer has one, shows the queues read-only.
    if (await byTestId(page, 'tab-agent').count()) {
      await openTab(page, 'agent');
      await page.locator(`[data-testid="queue-row"][data-queue="${FAKE_QUEUE}"]`).waitFor();
      await page.locator(`[data-testid="queue-row"][data-queue="${FAKE_QUEUE}"]`).click();
      await page.keyboard.press('c');  // the claim key does nothing either
      await page.keyboard.press('h');
      assert.deepEqual(await actingControls(page), [], 'acting controls on the agent screen');
    }
    const desk = await env.daemon.queue(FAKE_QUEUE);
    assert.equal(desk.claimed, 1, 'the viewer claimed something');
  });
  await context.close();
});

test('writes with the viewer\'s session are refused 403 forbidden', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('viewer-api', [page], async () => {
    await login(page, env, 'vic');
    const waiting = (await env.daemon.queue(FAKE_QUEUE)).waiting;
    assert.ok(waiting >= 1, 'nothing waiting to try to claim');
    const uid = `mastodon:${env.fake.statuses[0].id}`;
    // From inside the page: the viewer's cookie goes along, and the CSRF token is the session's,
    // so only the role can refuse these.
    const answers = await page.evaluate(async ({ queue, uid }) => {
      const session = await (await fetch('/v1/session')).json();
      const post = async (path, body) => {
        const r = await fetch(path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf },
          body: JSON.stringify(body ?? {}),
        });
        return { path, status: r.status, body: await r.text() };
      };
      return {
        session,
        answers: [
          await post(`/v1/queues/${queue}/claim`),
          await post(`/v1/mentions/${uid}/reply`, { text: 'hello from a viewer' }),
          await post(`/v1/mentions/${uid}/resolve`),
          await post(`/v1/mentions/${uid}/release`),
          await post(`/v1/mentions/${uid}/notes`, { text: 'a viewer note' }),
          await post(`/v1/mentions/${uid}/handoff`, { queue: 'care' }),
        ],
      };
    }, { queue: FAKE_QUEUE, uid });
    assert.equal(answers.session.agent, 'vic');
    assert.equal(answers.session.role, 'viewer');
    assert.ok(answers.session.csrf, 'the viewer\'s session has no CSRF token');
    for (const a of answers.answers) {
      assert.equal(a.status, 403, `POST ${a.path} by a viewer answered ${a.status}: ${a.body}`);
      assert.equal(JSON.parse(a.body).code, 'forbidden', `POST ${a.path}: ${a.body}`);
    }
    // Nothing changed on the server.
    const now = await env.daemon.queue(FAKE_QUEUE);
    assert.equal(now.waiting, waiting);
    const notes = await env.daemon.api('GET', `/v1/mentions/${uid}/notes`);
    assert.ok(!notes.body.notes?.some((n) => n.agent === 'vic'), 'a viewer note was stored');
    await waitFor('the console to still show the viewer', 2000, async () => (await byTestId(page, 'whoami').count()) === 1);
  });
  await context.close();
});
