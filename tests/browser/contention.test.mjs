// Two agents, two browser contexts (two sessions), pressing claim-next at the same moment, many
// times: they never hold the same mention. Each claim is checked three ways: the uid the console
// got back from its claim, the mention the console shows (each status has a text of its own),
// and the owner the server records (GET /v1/mentions/{uid}).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  FAKE_QUEUE, byTestId, login, newPage, openTab, postAndQueue, selectQueue, shootOnFailure, startEnv, withResponse,
} from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'contention', sample: false, fake: true });
});
after(async () => {
  await env?.stop();
});

const ROUNDS = 10;
const claimPath = new RegExp(`^/v1/queues/${FAKE_QUEUE}/claim$`);

test('two agents pressing claim-next together never hold the same mention', { timeout: 150000 }, async () => {
  // Two statuses a round, and one more for the last round, where only one of them can win.
  const posted = await postAndQueue(env, 2 * ROUNDS + 1, (i) => ({ text: `Contention status number ${i + 1} #acmeair` }));
  const textOf = new Map(posted.map((s, i) => [`mastodon:${s.id}`, `Contention status number ${i + 1} #acmeair`]));
  const agents = [];
  for (const id of ['ana', 'ben']) {
    const { context, page } = await newPage(env.browser);
    agents.push({ id, context, page, held: [] });
  }
  const pages = agents.map((a) => a.page);
  await shootOnFailure('contention', pages, async () => {
    for (const a of agents) {
      await login(a.page, env, a.id);
      await openTab(a.page, 'agent');
      await selectQueue(a.page, FAKE_QUEUE);
    }

    const claimBoth = () => Promise.all(agents.map((a) =>
      withResponse(a.page, 'POST', claimPath, () => byTestId(a.page, 'claim-next').click())));

    for (let round = 1; round <= ROUNDS; ++round) {
      const answers = await claimBoth();
      const uids = [];
      for (const [i, answer] of answers.entries()) {
        const a = agents[i];
        assert.equal(answer.status(), 200, `round ${round}: ${a.id}'s claim answered ${answer.status()}`);
        const uid = (await answer.json()).uid;
        assert.ok(textOf.has(uid), `round ${round}: ${a.id} claimed ${uid}, not one of the posted statuses`);
        uids.push(uid);
        a.held.push(uid);
      }
      assert.notEqual(uids[0], uids[1], `round ${round}: both agents got ${uids[0]}`);
      for (const [i, a] of agents.entries()) {
        // The console shows the mention it claimed, and the server says this agent holds it.
        await a.page.locator(`[data-testid="mention"][data-uid="${uids[i]}"]`).waitFor();
        await byTestId(a.page, 'mention-text').filter({ hasText: textOf.get(uids[i]) }).waitFor();
        const s = await env.daemon.api('GET', `/v1/mentions/${uids[i]}`);
        assert.equal(s.status, 200);
        assert.equal(s.body.state.owner, a.id, `round ${round}: ${uids[i]} is held by ${s.body.state.owner}, not ${a.id}`);
        assert.equal(s.body.state.state, 'claimed');
      }
      // Both resolve (together too), so the next round starts with nothing open.
      await Promise.all(agents.map(async (a, i) => {
        const r = await withResponse(a.page, 'POST', new RegExp(`^/v1/mentions/${uids[i].replace(':', '(?::|%3A)')}/resolve$`, 'i'),
          () => byTestId(a.page, 'resolve').click());
        assert.equal(r.status(), 200, `round ${round}: ${a.id}'s resolve answered ${r.status()}`);
      }));
    }

    // One mention left, both press: exactly one wins, the other is told the queue is empty.
    const last = await claimBoth();
    const statuses = last.map((r) => r.status()).sort();
    assert.deepEqual(statuses, [200, 204], `the last claims answered ${statuses}`);
    const loser = agents[last.findIndex((r) => r.status() === 204)];
    await byTestId(loser.page, 'empty-queue').waitFor({ state: 'visible' });
    const winner = agents[last.findIndex((r) => r.status() === 200)];
    const lastUid = (await last.find((r) => r.status() === 200).json()).uid;
    winner.held.push(lastUid);
    assert.equal((await env.daemon.api('GET', `/v1/mentions/${lastUid}`)).body.state.owner, winner.id);

    const [a, b] = agents.map((x) => new Set(x.held));
    const both = [...a].filter((u) => b.has(u));
    assert.deepEqual(both, [], `held by both agents: ${both.join(', ')}`);
    assert.equal(a.size + b.size, 2 * ROUNDS + 1, 'a mention was claimed twice by the same agent or lost');
  });
  for (const x of agents) await x.context.close();
});
