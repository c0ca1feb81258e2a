// The harness itself: the daemon starts on its private Redis with the test configuration, the
// sample is replayed, and a status posted on the fake Mastodon arrives in the fake's queue
// (through the real mastodon connector) with its author and permalink as posted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { BROKEN_UTF8, FAKE_QUEUE, startEnv } from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'harness', fake: true });
});
after(async () => {
  await env?.stop();
});

test('the sample is replayed into the queues', async () => {
  await env.daemon.waitForSample();
  const queues = await env.daemon.queues();
  const care = queues.find((q) => q.queue === 'care');
  assert.ok(care && care.waiting > 0, `queue care is empty: ${JSON.stringify(queues)}`);
});

test('a status posted on the fake platform is queued with its author and url', async () => {
  const before = (await env.daemon.queue(FAKE_QUEUE)).waiting;
  const status = env.fake.post({ text: 'My flight <b>AA12</b> was cancelled ' + BROKEN_UTF8, displayName: 'Zoë <i>Test</i>',
    url: 'javascript:alert(1)' });
  await env.daemon.waitForWaiting(FAKE_QUEUE, before + 1);
  const r = await env.daemon.api('GET', `/v1/mentions/mastodon:${status.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.mention.author.name ?? r.body.mention.author.display_name, 'Zoë <i>Test</i>');
  assert.equal(r.body.mention.url, 'javascript:alert(1)');
  assert.match(r.body.mention.text, /My flight <b>AA12<\/b> was cancelled/);
  assert.equal(r.body.state.queue, FAKE_QUEUE);
});

test('a reply to a fake mention is posted on the fake platform', async () => {
  const waiting = (await env.daemon.queue(FAKE_QUEUE)).waiting;
  const status = env.fake.post({ text: 'Where is my bag? #acmeair' });
  await env.daemon.waitForWaiting(FAKE_QUEUE, waiting + 1);
  let claimed;
  for (;;) {  // claim until the new status comes up (earlier tests' mentions may be first)
    const c = await env.daemon.api('POST', `/v1/queues/${FAKE_QUEUE}/claim`, { agent: 'ana' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    if (c.body.uid === `mastodon:${status.id}`) {
      claimed = c.body;
      break;
    }
  }
  const reply = await env.daemon.api('POST', `/v1/mentions/${claimed.uid}/reply`, { agent: 'ana', body: { text: 'Sorry! DM us' } });
  assert.equal(reply.status, 202, JSON.stringify(reply.body));
  const start = Date.now();
  while (!env.fake.replies.some((x) => x.in_reply_to_id === status.id)) {
    assert.ok(Date.now() - start < 15000, 'the reply never reached the fake platform');
    await new Promise((r) => setTimeout(r, 200));
  }
});
