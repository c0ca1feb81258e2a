// Login and logout: a wrong key is refused on the form, the right key opens the console with
// the agent and role in the header and a session cookie the page's scripts cannot read, and
// logout returns to the form and ends the session on the server (the old cookie is refused).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { byTestId, login, newPage, shootOnFailure, startEnv } from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'login', fake: false });
});
after(async () => {
  await env?.stop();
});

test('a wrong key shows login-error and no session', async () => {
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('login-wrong-key', [page], async () => {
    await page.goto(env.consoleUrl);
    await byTestId(page, 'login-key').fill('not-a-key-of-anyone');
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'login-error').waitFor({ state: 'visible' });
    assert.ok((await byTestId(page, 'login-error').textContent()).trim().length > 0, 'login-error is empty');
    assert.equal(await byTestId(page, 'whoami').count(), 0, 'whoami shown after a wrong key');
    assert.equal(await byTestId(page, 'login-key').getAttribute('type'), 'password');
    const cookies = await context.cookies(env.url);
    assert.ok(!cookies.some((c) => c.name === 'cw_session'), `a session cookie after a wrong key: ${JSON.stringify(cookies)}`);
  });
  await context.close();
});

test('the right key shows whoami with the agent and role', async () => {
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('login-right-key', [page], async () => {
    await login(page, env, 'ana');
    const who = await byTestId(page, 'whoami').textContent();
    assert.match(who, /ana/);
    assert.match(who, /agent/);
    assert.equal(await byTestId(page, 'login-key').count(), 0, 'the login form is still shown');
    const cookie = (await context.cookies(env.url)).find((c) => c.name === 'cw_session');
    assert.ok(cookie, 'no cw_session cookie after login');
    assert.equal(cookie.httpOnly, true, 'cw_session is not HttpOnly');
    assert.equal(cookie.sameSite, 'Strict', 'cw_session is not SameSite=Strict');
    assert.equal(cookie.path, '/');
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('cw_session'), 'the page can read cw_session');
    // A reload keeps the session: the console asks GET /v1/session and shows the agent again.
    await page.reload();
    await byTestId(page, 'whoami').filter({ hasText: 'ana' }).waitFor();
  });
  await context.close();
});

test('logout returns to the login form and the old cookie no longer works', async () => {
  const { context, page } = await newPage(env.browser);
  await shootOnFailure('login-logout', [page], async () => {
    await login(page, env, 'lea');
    assert.match(await byTestId(page, 'whoami').textContent(), /lead/);
    const cookie = (await context.cookies(env.url)).find((c) => c.name === 'cw_session');
    assert.ok(cookie, 'no cw_session cookie after login');
    const asCookie = { Cookie: `cw_session=${cookie.value}` };
    const live = await fetch(`${env.url}/v1/session`, { headers: asCookie });
    assert.equal(live.status, 200, 'the session does not work before logout');
    assert.equal((await live.json()).agent, 'lea');

    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-key').waitFor({ state: 'visible' });
    assert.equal(await byTestId(page, 'whoami').count(), 0, 'whoami still shown after logout');

    const dead = await fetch(`${env.url}/v1/session`, { headers: asCookie });
    assert.equal(dead.status, 401, 'the old session cookie still works after logout');
    const queues = await fetch(`${env.url}/v1/queues`, { headers: asCookie });
    assert.equal(queues.status, 401, 'the old session cookie still reads /v1/queues after logout');
    assert.ok(!(await context.cookies(env.url)).some((c) => c.name === 'cw_session' && c.value),
      'the browser kept the session cookie after logout');
    // And a reload stays on the login form.
    await page.reload();
    await byTestId(page, 'login-key').waitFor({ state: 'visible' });
  });
  await context.close();
});
