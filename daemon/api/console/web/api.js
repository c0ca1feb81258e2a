// The one way the console talks to the API: JSON in and out, the session cookie (same origin),
// the CSRF token on every write, and a 401 sending the user back to the login form.

let csrfToken = '';
let unauthenticated = () => {};

export function setCsrf(token) { csrfToken = token || ''; }
export function onUnauthenticated(fn) { unauthenticated = fn; }

export class ApiError extends Error {
  constructor(status, message, code, body) {
    super(message);
    this.status = status;
    this.code = code || '';
    this.body = body;
  }
  // The route is not served by this daemon (yet): the panel shows "not available".
  get missing() { return this.status === 404 || this.status === 405 || this.status === 501; }
}

// request('GET', '/v1/queues') → {status, data}. Throws ApiError for every answer >= 400 and for
// network failures (status 0). `quiet401` leaves a 401 to the caller (the login form).
export async function request(method, path, body, opts = {}) {
  const { quiet401 = false, signal, retried = false } = opts;
  const headers = { 'Accept': 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'the server cannot be reached', 'network');
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (res.status !== 204) {
    if (type.includes('json')) {
      try { data = await res.json(); } catch (_) { data = null; }
    } else {
      try { data = await res.text(); } catch (_) { data = null; }
    }
  }
  if (res.status >= 400) {
    const msg = data && typeof data === 'object' && typeof data.error === 'string'
      ? data.error
      : res.status === 404 ? 'not available' : 'HTTP ' + res.status;
    const code = data && typeof data === 'object' && typeof data.code === 'string' ? data.code : '';
    const err = new ApiError(res.status, msg, code, data);
    if (res.status === 429) {
      const after = res.headers.get('Retry-After');
      if (after) err.message += ' (try again in ' + after + ' s)';
    }
    if (res.status === 401 && !quiet401) unauthenticated(err);
    // A stale token (the session was renewed in another tab): read the current one, try once more.
    if (res.status === 403 && code === 'csrf' && !retried && path !== '/v1/session') {
      try {
        const { data: s } = await request('GET', '/v1/session', undefined, { quiet401 });
        if (s && s.csrf && s.csrf !== csrfToken) {
          setCsrf(s.csrf);
          return request(method, path, body, { ...opts, retried: true });
        }
      } catch (_) { /* fall through to the original error */ }
    }
    throw err;
  }
  return { status: res.status, data };
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body, opts) => request('POST', path, body === undefined ? {} : body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);

// Path segment: uids hold ':' and anything a platform puts in an id.
export const seg = (s) => encodeURIComponent(String(s));

// "?a=1&b=x" from an object, leaving out empty values.
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}
