// The agent's desk, once by keyboard and once by mouse: select the fake platform's queue, claim
// next, reply (the reply reaches the fake Mastodon), resolve, claim again and hand off to another
// queue with an internal note. Every step is checked on the server through the bearer API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  FAKE_QUEUE, byTestId, drainQueue, login, newPage, numberIn, openTab, postAndQueue, selectQueue, shootOnFailure, startEnv,
  waitFor, withResponse,
} from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'agent', sample: true, fake: true });
  await env.daemon.waitForSample();  // the sample's queues (care, urgent, ...) are hand-off targets
});
after(async () => {
  await env?.stop();
});

const HANDOFF_TARGET = 'care';
const claimPath = new RegExp(`^/v1/queues/${FAKE_QUEUE}/claim$`);
// A uid is "mastodon:<digits>"; the console may send the colon as it is or percent-encoded.
const uidPath = (uid, action) => new RegExp(`^/v1/mentions/${uid.replace(':', '(?::|%3A)')}/${action}$`, 'i');

async function serverState(uid) {
  const r = await env.daemon.api('GET', `/v1/mentions/${uid}`);
  assert.equal(r.status, 200, `GET /v1/mentions/${uid}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// The open mention shows the status claimed (`text`: what its author wrote).
async function checkOpenMention(page, { status, text }) {
  await page.locator(`[data-testid="mention"][data-uid="mastodon:${status.id}"]`).waitFor({ state: 'visible' });
  await byTestId(page, 'mention-text').filter({ hasText: text }).waitFor();
  assert.match(await byTestId(page, 'mention-author').textContent(), new RegExp(status.account.display_name));
  assert.match(await byTestId(page, 'mention-handle').textContent(), new RegExp(status.account.acct));
  assert.match(await byTestId(page, 'mention-platform').textContent(), /mastodon/i);
  assert.equal(await byTestId(page, 'mention-link').getAttribute('href'), status.url);
}

async function waitForReplyOnPlatform({ status }, text) {
  return waitFor(`the reply to ${status.id} on the fake platform`, 15000,
    () => env.fake.replies.find((r) => r.in_reply_to_id === status.id && r.text.includes(text)), 200);
}

async function waitForResolved(uid) {
  return waitFor(`${uid} to be resolved`, 15000, async () => (await serverState(uid)).state.state === 'resolved', 250);
}

async function checkHandedOff(uid, note, agent) {
  const s = await serverState(uid);
  assert.equal(s.state.queue, HANDOFF_TARGET, `${uid} is in ${s.state.queue}, not ${HANDOFF_TARGET}`);
  assert.equal(s.state.state, 'queued');
  assert.ok(!s.state.owner, `${uid} still has an owner: ${s.state.owner}`);
  assert.equal(s.handoffs, 1);
  const notes = await env.daemon.api('GET', `/v1/mentions/${uid}/notes`);
  assert.equal(notes.status, 200, JSON.stringify(notes.body));
  assert.ok(notes.body.notes.some((n) => n.text === note && n.agent === agent),
    `the hand-off note is not among ${JSON.stringify(notes.body.notes)}`);
}

// Posts n statuses and waits until they are queued: [{status, text}], oldest first.
async function postStatuses(prefix, n) {
  await drainQueue(env);
  const make = (i) => ({
    text: `${prefix} ${i + 1}: my flight to Lisbon was cancelled and nobody answers #acmeair`,
    displayName: `${prefix} Customer ${i + 1}`,
    username: `${prefix.toLowerCase()}${i + 1}`,
  });
  const posted = await postAndQueue(env, n, make);
  return posted.map((status, i) => ({ status, text: make(i).text }));
}

test('by keyboard: j/k select the queue, c claims, r replies, e resolves, h hands off with a note', { timeout: 90000 }, async () => {
  const [first, second] = await postStatuses('Keyboard', 2);
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('agent-keyboard', [page], async () => {
    await login(page, env, 'ana');
    await openTab(page, 'agent');
    await byTestId(page, 'queue-list').waitFor();
    const desk = page.locator(`[data-testid="queue-row"][data-queue="${FAKE_QUEUE}"]`);
    await desk.waitFor();
    await page.evaluate(() => document.activeElement?.blur());

    // j moves the selection down (k up) until the fake platform's queue is selected.
    const rows = page.locator('[data-testid="queue-row"]');
    const count = await rows.count();
    assert.ok(count >= 2, `expected several queues, got ${count}`);
    const selected = async () => page.locator('[data-testid="queue-row"][aria-selected="true"]').getAttribute('data-queue');
    for (let i = 0; i < count; ++i) await page.keyboard.press('k');
    const top = await selected();
    assert.equal(top, await rows.first().getAttribute('data-queue'), 'k does not reach the first queue');
    await page.keyboard.press('j');
    assert.equal(await selected(), await rows.nth(1).getAttribute('data-queue'), 'j does not move down one queue');
    await page.keyboard.press('k');
    assert.equal(await selected(), top, 'k does not move back up');
    for (let i = 0; i < count && (await selected()) !== FAKE_QUEUE; ++i) await page.keyboard.press('j');
    assert.equal(await selected(), FAKE_QUEUE, `j never selected ${FAKE_QUEUE}`);

    // c: claim next (the older of the two statuses).
    const claim = await withResponse(page, 'POST', claimPath, () => page.keyboard.press('c'));
    assert.equal(claim.status(), 200);
    const uid = (await claim.json()).uid;
    assert.equal(uid, `mastodon:${first.status.id}`);
    await checkOpenMention(page, first);
    assert.equal((await serverState(uid)).state.owner, 'ana');

    // r: focus the reply box (the key itself is not typed into it), write, send.
    await page.keyboard.press('r');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'reply-box');
    assert.equal(await byTestId(page, 'reply-box').inputValue(), '', 'the r key was typed into the reply box');
    assert.match(await byTestId(page, 'reply-to').textContent(), /Keyboard Customer 1|keyboard1/);
    const left = await numberIn(byTestId(page, 'reply-counter'));
    const text = 'So sorry, we are rebooking you on the next flight.';
    await page.keyboard.type(text);
    const leftAfter = await numberIn(byTestId(page, 'reply-counter'));
    assert.ok(leftAfter <= left - text.length, `reply-counter went from ${left} to ${leftAfter} for ${text.length} characters`);
    // Ctrl+Enter sends from the reply box.
    const reply = await withResponse(page, 'POST', uidPath(uid, 'reply'), () => page.keyboard.press('Control+Enter'));
    assert.equal(reply.status(), 202, await reply.text());
    await waitForReplyOnPlatform(first, text);

    // Escape leaves the field; e resolves.
    await byTestId(page, 'reply-box').waitFor();
    if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid')) !== 'reply-box')
      await byTestId(page, 'reply-box').focus();
    await page.keyboard.press('Escape');
    assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'reply-box',
      'Escape did not leave the reply box');
    const resolve = await withResponse(page, 'POST', uidPath(uid, 'resolve'), () => page.keyboard.press('e'));
    assert.ok([200, 202].includes(resolve.status()), `resolve answered ${resolve.status()}`);
    await waitForResolved(uid);

    // c again, then h: hand off to another queue with an internal note.
    const claim2 = await withResponse(page, 'POST', claimPath, () => page.keyboard.press('c'));
    assert.equal(claim2.status(), 200);
    const uid2 = (await claim2.json()).uid;
    assert.equal(uid2, `mastodon:${second.status.id}`);
    await checkOpenMention(page, second);
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('h');
    await byTestId(page, 'handoff-dialog').waitFor({ state: 'visible' });
    await byTestId(page, 'handoff-queue').selectOption(HANDOFF_TARGET);
    await byTestId(page, 'handoff-note').focus();
    const note = 'Keyboard: needs the refunds team, booking ABC123';
    await page.keyboard.type(note);
    await byTestId(page, 'handoff-submit').focus();
    const handoff = await withResponse(page, 'POST', uidPath(uid2, 'handoff'), () => page.keyboard.press('Enter'));
    assert.equal(handoff.status(), 200, await handoff.text());
    await byTestId(page, 'handoff-dialog').waitFor({ state: 'hidden' });
    await checkHandedOff(uid2, note, 'ana');
  });
  await context.close();
});

test('by mouse: click the queue, claim next, reply, resolve, release, hand off with a note; an empty queue says so', { timeout: 90000 }, async () => {
  const [first, second, third] = await postStatuses('Mouse', 3);
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('agent-mouse', [page], async () => {
    await login(page, env, 'ben');
    await openTab(page, 'agent');
    await selectQueue(page, FAKE_QUEUE);

    const claim = await withResponse(page, 'POST', claimPath, () => byTestId(page, 'claim-next').click());
    assert.equal(claim.status(), 200);
    const uid = (await claim.json()).uid;
    assert.equal(uid, `mastodon:${first.status.id}`);
    await checkOpenMention(page, first);

    await byTestId(page, 'reply-box').click();
    const text = 'Sorry Mouse! A colleague will call you within the hour.';
    await byTestId(page, 'reply-box').fill(text);
    const reply = await withResponse(page, 'POST', uidPath(uid, 'reply'), () => byTestId(page, 'reply-send').click());
    assert.equal(reply.status(), 202, await reply.text());
    await waitForReplyOnPlatform(first, text);
    const resolve = await withResponse(page, 'POST', uidPath(uid, 'resolve'), () => byTestId(page, 'resolve').click());
    assert.ok([200, 202].includes(resolve.status()), `resolve answered ${resolve.status()}`);
    await waitForResolved(uid);

    // Release gives the mention back to the queue, first in line.
    const claim2 = await withResponse(page, 'POST', claimPath, () => byTestId(page, 'claim-next').click());
    const uid2 = (await claim2.json()).uid;
    assert.equal(uid2, `mastodon:${second.status.id}`);
    await checkOpenMention(page, second);
    const release = await withResponse(page, 'POST', uidPath(uid2, 'release'), () => byTestId(page, 'release').click());
    assert.equal(release.status(), 200, await release.text());
    const released = await serverState(uid2);
    assert.equal(released.state.state, 'queued');
    assert.ok(!released.state.owner);

    // Claim it again and hand it off.
    const claim3 = await withResponse(page, 'POST', claimPath, () => byTestId(page, 'claim-next').click());
    assert.equal((await claim3.json()).uid, uid2, 'a released mention is not first in line');
    await checkOpenMention(page, second);
    await byTestId(page, 'handoff').click();
    await byTestId(page, 'handoff-dialog').waitFor({ state: 'visible' });
    await byTestId(page, 'handoff-queue').selectOption(HANDOFF_TARGET);
    const note = 'Mouse: customer wants a refund, not a rebooking';
    await byTestId(page, 'handoff-note').fill(note);
    const handoff = await withResponse(page, 'POST', uidPath(uid2, 'handoff'), () => byTestId(page, 'handoff-submit').click());
    assert.equal(handoff.status(), 200, await handoff.text());
    await byTestId(page, 'handoff-dialog').waitFor({ state: 'hidden' });
    await checkHandedOff(uid2, note, 'ben');

    // The third status, then nothing: claim-next on an empty queue shows empty-queue.
    const claim4 = await withResponse(page, 'POST', claimPath, () => byTestId(page, 'claim-next').click());
    const uid4 = (await claim4.json()).uid;
    assert.equal(uid4, `mastodon:${third.status.id}`);
    // What the agent holds survives a reload and leaving the mention: "Held by you" lists it and
    // opens it again.
    await page.reload();
    await page.evaluate(() => { location.hash = '#/agent'; });
    const held = page.locator(`[data-testid="my-claim"][data-uid="${uid4}"]`);
    await held.waitFor({ timeout: 10000 });
    await held.click();
    await checkOpenMention(page, third);
    const resolve4 = await withResponse(page, 'POST', uidPath(uid4, 'resolve'), () => byTestId(page, 'resolve').click());
    assert.ok([200, 202].includes(resolve4.status()));
    await held.waitFor({ state: 'detached', timeout: 10000 });
    const empty = await withResponse(page, 'POST', claimPath, () => byTestId(page, 'claim-next').click());
    assert.equal(empty.status(), 204);
    await byTestId(page, 'empty-queue').waitFor({ state: 'visible' });
  });
  await context.close();
});
