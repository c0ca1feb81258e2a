// The XSS suite: mentions whose texts, display names, handles and URLs are made of script tags,
// event-handler attributes, javascript: and data: links, markup that mutates when parsed, and
// broken UTF-8, delivered through the fake Mastodon in Mastodon's own shape (text escaped into
// the HTML content, display names and URLs as the API gives them). They are opened on the agent
// screen (text, author, handle, link, conversation, history) and shown on the lead and marketing
// screens. The test fails if any script runs: a dialog, the global the payloads set, a
// Content-Security-Policy violation (a payload inserted as HTML and blocked), a console error;
// and if any element carries an event-handler attribute or a link that is not http(s).
//
// Twice: once with the console's CSP in force, and once with CSP bypassed, so the console's own
// rendering (text, never HTML) is what is tested, not only the policy that would block a mistake.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  BROKEN_UTF8, FAKE_QUEUE, byTestId, drainQueue, login, newPage, openTab, selectQueue, shootOnFailure, sleep, startEnv,
  withResponse,
} from './harness.mjs';

let env;
before(async () => {
  env = await startEnv({ name: 'xss', sample: false, fake: true });
});
after(async () => {
  await env?.stop();
});

const FLAG = '__cwXss';
const claimPath = new RegExp(`^/v1/queues/${FAKE_QUEUE}/claim$`);

// The payloads of one pass, all by one author (so each one's history shows the others); `shows`
// is text that must appear literally in mention-text when the payload is rendered as text,
// `author` the same for mention-author, `link` whether mention-link may exist (an http(s) URL).
function payloads(pass) {
  const set = (name) => `window.${FLAG}='${pass}-${name}';alert('${pass}-${name}')`;
  return [
    { text: `<script>${set('script')}</script> my bag is lost`, shows: '<script>', displayName: `Script Kid ${pass}`,
      link: true },
    { text: `<img src=x onerror="${set('img')}"> still waiting for my refund`, shows: '<img src=x onerror=',
      displayName: `<img src=x onerror="${set('name-img')}">`, author: '<img src=x onerror=', link: true },
    { text: `Refund form: javascript:${set('js-text')}`, shows: 'javascript:', displayName: `JS Link ${pass}`,
      url: `javascript:${set('js-url')}//https://mastodon.example/@x/1`, link: false, replyToFirst: true },
    { text: `<a href="javascript:${set('a-href')}" onclick="${set('a-onclick')}">click me</a>`, shows: '<a href="javascript:',
      displayName: `"><svg onload="${set('svg')}">`, author: '<svg onload=',
      acct: `'><b onmouseover="${set('acct')}">hover</b>`, link: true },
    { text: `Broken ${BROKEN_UTF8} bytes <iframe src="javascript:parent.${set('iframe')}"></iframe>`, shows: '<iframe src=',
      displayName: `Zoë ${BROKEN_UTF8} <style>body{display:none}</style>`, author: '<style>',
      url: `  JaVaScRiPt:${set('js-url-case')}`, link: false },
    { text: `<math><mtext><table><mglyph><style><img src=x onerror="${set('mxss')}"> {{constructor.constructor('${set('tpl')}')()}}`,
      shows: '<math>', displayName: `Data URL ${pass}`, url: `data:text/html,<script>${set('data-url')}</script>`, link: false },
  ];
}

function postPayloads(pass) {
  const list = payloads(pass);
  const accountId = pass === 'csp' ? '109999000000000601' : '109999000000000602';
  const posted = [];
  for (const p of list) {
    const status = env.fake.post({
      text: p.text, displayName: p.displayName, acct: p.acct, username: `xss${pass}`, accountId, url: p.url,
      inReplyTo: p.replyToFirst ? posted[0].status.id : null,
    });
    posted.push({ ...p, status, uid: `mastodon:${status.id}` });
  }
  return posted;
}

// Everything on the page that would mean a payload became markup or script.
async function domProblems(page) {
  return page.evaluate((flag) => {
    const found = [];
    if (window[flag] !== undefined) found.push(`the payload global was set: ${window[flag]}`);
    for (const v of window.__cwCspViolations ?? []) found.push(`CSP violation: ${v}`);
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        const name = a.name.toLowerCase();
        const value = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        if (name.startsWith('on')) found.push(`<${el.localName}> has an event-handler attribute ${a.name}="${a.value}"`);
        if (['href', 'src', 'action', 'formaction', 'srcdoc', 'data', 'xlink:href'].includes(name) &&
            (value.startsWith('javascript:') || value.startsWith('data:text') || value.includes(flag.toLowerCase())))
          found.push(`<${el.localName}> ${a.name}="${a.value}"`);
      }
    }
    for (const a of document.querySelectorAll('a[href]')) {
      const protocol = new URL(a.href, location.href).protocol;
      if (protocol !== 'http:' && protocol !== 'https:') found.push(`a link to ${a.getAttribute('href')}`);
      else if (new URL(a.href, location.href).origin !== location.origin) {
        const rel = (a.getAttribute('rel') ?? '').split(/\s+/);
        if (!rel.includes('noopener') || !rel.includes('noreferrer'))
          found.push(`an outside link without rel="noopener noreferrer": ${a.outerHTML.slice(0, 200)}`);
      }
    }
    for (const s of document.scripts) {
      if (!s.src || new URL(s.src).origin !== location.origin || !new URL(s.src).pathname.startsWith('/console/'))
        found.push(`a script that is not the console's: ${s.outerHTML.slice(0, 200)}`);
    }
    for (const tag of ['iframe', 'object', 'embed', 'math', 'mglyph', 'svg[onload]', 'frame', 'base', 'meta[http-equiv]']) {
      for (const el of document.querySelectorAll(tag)) found.push(`an injected <${el.localName}>: ${el.outerHTML.slice(0, 200)}`);
    }
    return found;
  }, FLAG);
}

async function checkPage(page, where) {
  await sleep(300);  // an image's onerror or a deferred handler fires after the render
  const problems = [...(await domProblems(page)), ...page.dialogs.map((d) => `a ${d} dialog opened`),
    ...page.problems.filter((p) => !/Failed to load resource/.test(p))];
  assert.deepEqual(problems, [], `${where}: a payload ran or was inserted as markup`);
}

async function runPass(pass, bypassCSP) {
  await drainQueue(env);
  const posted = postPayloads(pass);
  await env.daemon.waitForWaiting(FAKE_QUEUE, posted.length, 20000);
  const { context, page } = await newPage(env.browser, { bypassCSP });
  page.dialogs = [];
  page.on('dialog', (d) => {
    page.dialogs.push(`${d.type()} "${d.message()}"`);
    d.dismiss().catch(() => {});
  });
  await page.addInitScript(() => {
    window.__cwCspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cwCspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  await shootOnFailure(`xss-${pass}`, [page], async () => {
    await login(page, env, 'ana');

    // The lead and marketing screens list the mentions waiting and the authors.
    await openTab(page, 'lead');
    await byTestId(page, 'at-risk').waitFor({ state: 'visible' });
    await checkPage(page, `${pass}: lead screen`);
    await openTab(page, 'marketing');
    await byTestId(page, 'top-authors').waitFor({ state: 'visible' });
    await checkPage(page, `${pass}: marketing screen`);

    // Each payload opened on the agent screen, then resolved.
    await openTab(page, 'agent');
    await selectQueue(page, FAKE_QUEUE);
    await checkPage(page, `${pass}: queue list`);
    for (const [i, p] of posted.entries()) {
      const claim = await withResponse(page, 'POST', claimPath, () => byTestId(page, 'claim-next').click());
      assert.equal(claim.status(), 200);
      const uid = (await claim.json()).uid;
      assert.equal(uid, p.uid, `claimed ${uid}, expected payload ${i + 1} (${p.uid})`);
      // First whether anything ran or became markup, then whether it reads as the text it was.
      await page.locator(`[data-testid="mention"][data-uid="${uid}"]`).waitFor();
      await checkPage(page, `${pass}: payload ${i + 1} (${p.uid}) rendered`);
      await byTestId(page, 'mention-text').filter({ hasText: p.shows }).waitFor();
      if (p.author) await byTestId(page, 'mention-author').filter({ hasText: p.author }).waitFor();
      if (p.link) {
        const link = byTestId(page, 'mention-link');
        assert.equal(await link.getAttribute('href'), p.status.url);
        assert.equal(await link.getAttribute('target'), '_blank');
        assert.match(await link.getAttribute('rel'), /noopener/);
        assert.match(await link.getAttribute('rel'), /noreferrer/);
      } else {
        assert.equal(await byTestId(page, 'mention-link').count(), 0, `payload ${i + 1}: its ${JSON.stringify(p.url)} is rendered as a link`);
      }
      if (p.replyToFirst) await byTestId(page, 'conversation-item').filter({ hasText: posted[0].shows }).first().waitFor();
      // From the second payload on, the author's history lists the earlier ones, as text.
      if (i > 0) await byTestId(page, 'history-item').first().waitFor();
      await checkPage(page, `${pass}: payload ${i + 1} (${p.uid}) open`);
      const resolve = await withResponse(page, 'POST', new RegExp(`^/v1/mentions/${uid.replace(':', '(?::|%3A)')}/resolve$`, 'i'),
        () => byTestId(page, 'resolve').click());
      assert.equal(resolve.status(), 200);
    }
    await checkPage(page, `${pass}: after resolving every payload`);
  });
  await context.close();
}

test('XSS payloads render as text with the console\'s CSP in force', { timeout: 90000 }, async () => {
  await runPass('csp', false);
});

test('XSS payloads render as text with CSP bypassed (the console\'s own escaping)', { timeout: 90000 }, async () => {
  await runPass('nocsp', true);
});
