// Screenshots of every screen, written to the artifacts directory (build/browser-artifacts/ under
// CTest): the login form, the agent's desk with a mention open (and the key list), the lead's
// screen and the marketing screen, with the sample replayed so they show real figures.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import {
  FAKE_QUEUE, byTestId, login, newPage, openTab, postAndQueue, screenshotPath, selectQueue, shootOnFailure, sleep,
  startEnv, withResponse,
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

    await openTab(page, 'lead');
    await byTestId(page, 'depth-chart').waitFor({ state: 'visible' });
    await byTestId(page, 'agent-figures').waitFor({ state: 'visible' });
    await byTestId(page, 'at-risk-row').first().waitFor();
    await shoot(page, 'lead');

    await openTab(page, 'marketing');
    await byTestId(page, 'volume-chart').waitFor({ state: 'visible' });
    await byTestId(page, 'top-words').waitFor({ state: 'visible' });
    await shoot(page, 'marketing');
    const href = await byTestId(page, 'export-csv').getAttribute('href');
    assert.match(href ?? '', /\/v1\/export\.csv/, `export-csv links to ${href}`);
  });
  await context.close();
});
