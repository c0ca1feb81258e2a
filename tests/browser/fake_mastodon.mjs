// A fake Mastodon instance on loopback, speaking the parts of Mastodon's API the mastodon
// connector uses: a hashtag timeline (GET /api/v1/timelines/tag/:tag with limit and min_id,
// newest first), posting a status (POST /api/v1/statuses, form-encoded, Idempotency-Key), the
// account behind the token (GET /api/v1/accounts/verify_credentials) and a status's context
// (GET /api/v1/statuses/:id/context). A test calls post() to make a mention arrive on demand.
import http from 'node:http';

// Written into a string field, this token is sent as raw invalid UTF-8 bytes in the JSON body
// (a lone continuation byte, a truncated two-byte sequence, an overlong '<', 0xFF), the way a
// broken instance or proxy would.
export const BROKEN_UTF8 = '__BROKEN_UTF8__';
const BROKEN_BYTES = Buffer.from([0x80, 0xc3, 0x28, 0xc0, 0xbc, 0xff, 0xfe]);

// HTML as Mastodon writes a status's content: the user's text escaped inside <p>.
export function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function encodeBody(value) {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  const token = Buffer.from(BROKEN_UTF8, 'utf8');
  const parts = [];
  let from = 0;
  for (let at = bytes.indexOf(token); at !== -1; at = bytes.indexOf(token, from)) {
    parts.push(bytes.subarray(from, at), BROKEN_BYTES);
    from = at + token.length;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

// Mastodon ids are numeric strings ordered by length then value (snowflakes).
function idLess(a, b) {
  return a.length !== b.length ? a.length < b.length : a < b;
}

export class FakeMastodon {
  constructor({ tag = 'acmeair' } = {}) {
    this.tag = tag;
    this.statuses = [];  // oldest first
    this.replies = [];   // statuses posted through POST /api/v1/statuses
    this.requests = [];  // "METHOD path" of every request, for diagnostics
    this.nextId = 113600000000000000n;
    this.brandAccount = { id: '109300000000000001', username: 'acmeair', acct: 'acmeair', display_name: 'Acme Air' };
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    return this;
  }

  async stop() {
    if (!this.server) return;
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(() => resolve()));
    this.server = null;
  }

  newId() {
    this.nextId += 1000n;
    return this.nextId.toString();
  }

  // Adds a status to the hashtag timeline; returns it (its uid in carewatch is
  // "mastodon:<id>"). `text` is the user's plain text (escaped into content as Mastodon does);
  // `content` overrides the HTML as it is. `displayName`, `acct`, `url`, `followers` set the
  // author and the permalink.
  post({ text = 'Hello #acmeair', content, displayName = 'Test Customer', acct, username, url, followers = 120,
    accountId, language = 'en', inReplyTo = null } = {}) {
    const id = this.newId();
    const user = username ?? `customer${id.slice(-6)}`;
    const status = {
      id,
      created_at: new Date().toISOString(),
      in_reply_to_id: inReplyTo,
      in_reply_to_account_id: null,
      sensitive: false,
      spoiler_text: '',
      visibility: 'public',
      language,
      uri: `${this.url}/users/${user}/statuses/${id}`,
      url: url ?? `${this.url}/@${user}/${id}`,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      edited_at: null,
      content: content ?? `<p>${escapeHtml(text)}</p>`,
      reblog: null,
      application: { name: 'Web', website: null },
      account: {
        id: accountId ?? `1094${id.slice(-12)}`,
        username: user,
        acct: acct ?? user,
        display_name: displayName,
        locked: false,
        bot: false,
        discoverable: true,
        group: false,
        created_at: '2024-01-10T00:00:00.000Z',
        note: '',
        url: `${this.url}/@${user}`,
        followers_count: followers,
        following_count: 10,
        statuses_count: 42,
        emojis: [],
        fields: [],
      },
      media_attachments: [],
      mentions: [],
      tags: [{ name: this.tag, url: `${this.url}/tags/${this.tag}` }],
      emojis: [],
      card: null,
      poll: null,
    };
    this.statuses.push(status);
    return status;
  }

  send(res, status, body, headers = {}) {
    const bytes = encodeBody(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length, ...headers });
    res.end(bytes);
  }

  handle(req, res) {
    const u = new URL(req.url, this.url);
    this.requests.push(`${req.method} ${u.pathname}${u.search}`);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        this.route(req, res, u, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        this.send(res, 500, { error: String(e) });
      }
    });
  }

  route(req, res, u, body) {
    const authorized = req.headers.authorization === 'Bearer fake-token';
    if (req.method === 'GET' && u.pathname === `/api/v1/timelines/tag/${this.tag}`) {
      const limit = Math.min(40, Number(u.searchParams.get('limit') ?? 20));
      const minId = u.searchParams.get('min_id');
      // min_id: the statuses just after it (oldest of the newer ones first, answered newest first).
      let page = this.statuses.filter((s) => !minId || idLess(minId, s.id));
      page = minId ? page.slice(0, limit) : page.slice(-limit);
      page.reverse();
      const headers = {};
      if (page.length > 0) {
        const base = `${this.url}${u.pathname}?limit=${limit}`;
        headers.Link = `<${base}&max_id=${page[page.length - 1].id}>; rel="next", <${base}&min_id=${page[0].id}>; rel="prev"`;
      }
      return this.send(res, 200, page, headers);
    }
    if (!authorized) return this.send(res, 401, { error: 'The access token is invalid' });
    if (req.method === 'GET' && u.pathname === '/api/v1/accounts/verify_credentials') {
      return this.send(res, 200, this.brandAccount);
    }
    if (req.method === 'POST' && u.pathname === '/api/v1/statuses') {
      const form = new URLSearchParams(body);
      const key = req.headers['idempotency-key'];
      const earlier = key && this.replies.find((r) => r.idempotency_key === key);
      if (earlier) return this.send(res, 200, earlier.status);
      const id = this.newId();
      const status = {
        id,
        created_at: new Date().toISOString(),
        in_reply_to_id: form.get('in_reply_to_id'),
        visibility: form.get('visibility') ?? 'public',
        uri: `${this.url}/users/acmeair/statuses/${id}`,
        url: `${this.url}/@acmeair/${id}`,
        content: `<p>${escapeHtml(form.get('status') ?? '')}</p>`,
        account: this.brandAccount,
      };
      this.replies.push({ idempotency_key: key, text: form.get('status'), in_reply_to_id: form.get('in_reply_to_id'), status });
      return this.send(res, 200, status);
    }
    const context = u.pathname.match(/^\/api\/v1\/statuses\/([0-9]+)\/context$/);
    if (req.method === 'GET' && context) {
      const known = this.statuses.some((s) => s.id === context[1]);
      if (!known) return this.send(res, 404, { error: 'Record not found' });
      const descendants = this.replies.filter((r) => r.in_reply_to_id === context[1]).map((r) => r.status);
      return this.send(res, 200, { ancestors: [], descendants });
    }
    return this.send(res, 404, { error: 'Record not found' });
  }
}
