// Formatting helpers: durations, ages, counts, times and the one check every link goes through.
// Nothing here builds HTML: every value is returned as plain text for htm to render as text.

// "45s", "12m", "3h 05m", "2d 4h" for a number of seconds (negative: the same, with a minus).
export function duration(seconds) {
  if (seconds == null || !isFinite(seconds)) return '–';
  const neg = seconds < 0;
  let s = Math.round(Math.abs(seconds));
  let out;
  if (s < 60) out = s + 's';
  else if (s < 3600) out = Math.floor(s / 60) + 'm' + (s < 600 ? ' ' + pad(s % 60) + 's' : '');
  else if (s < 86400) out = Math.floor(s / 3600) + 'h ' + pad(Math.floor(s / 60) % 60) + 'm';
  else out = Math.floor(s / 86400) + 'd ' + (Math.floor(s / 3600) % 24) + 'h';
  return neg ? '−' + out : out;
}

// A countdown like "12:05" or "1:02:09" (h:mm:ss), with a minus once overdue.
export function clock(seconds) {
  if (seconds == null || !isFinite(seconds)) return '–';
  const neg = seconds < 0;
  const s = Math.floor(Math.abs(seconds));
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
  const body = h > 0 ? h + ':' + pad(m) + ':' + pad(r) : m + ':' + pad(r);
  return neg ? '−' + body : body;
}

function pad(n) { return n < 10 ? '0' + n : String(n); }

// Milliseconds since the epoch of an ISO time (or a number of ms); null when unreadable.
export function ms(t) {
  if (t == null || t === '') return null;
  if (typeof t === 'number') return t;
  const v = Date.parse(t);
  return isNaN(v) ? null : v;
}

// "3m ago" style age of an ISO time.
export function age(t, now = Date.now()) {
  const v = ms(t);
  return v == null ? '–' : duration((now - v) / 1000);
}

// Local time: "14:05" today, "4 Dec 14:05" otherwise.
export function when(t) {
  const v = ms(t);
  if (v == null) return '–';
  const d = new Date(v);
  const hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return hm;
  return d.getDate() + ' ' + MONTHS[d.getMonth()] + ' ' + hm;
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// A time axis label (t in seconds): "14:00", the date at midnight or when ticks are days apart.
export function axisTime(t, incr) {
  const d = new Date(t * 1000);
  const day = d.getDate() + ' ' + MONTHS[d.getMonth()];
  if (incr >= 86400 || (d.getHours() === 0 && d.getMinutes() === 0)) return day;
  return pad(d.getHours()) + ':' + pad(d.getMinutes());
}

// Full timestamp for a title attribute.
export function fullTime(t) {
  const v = ms(t);
  return v == null ? '' : new Date(v).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// 950, 12.3k, 4.1M.
export function count(n) {
  if (n == null || !isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  if (a < 1e6) return (n / 1e3).toFixed(a < 1e4 ? 1 : 0) + 'k';
  return (n / 1e6).toFixed(a < 1e7 ? 1 : 0) + 'M';
}

export function percent(x, digits = 1) {
  return x == null || !isFinite(x) ? '–' : (x * 100).toFixed(digits) + '%';
}

export function score(x) {
  return typeof x === 'number' && isFinite(x) ? x.toFixed(2) : '–';
}

// The URL to link to (as the platform gave it), or null: only absolute http: and https: URLs
// become links; javascript:, data:, relative and malformed ones never do.
export function safeUrl(u) {
  if (typeof u !== 'string' || u.trim() === '') return null;
  try {
    const p = new URL(u);
    return p.protocol === 'http:' || p.protocol === 'https:' ? u.trim() : null;
  } catch (_) {
    return null;
  }
}

// Characters as the reply rules count them: code points, grapheme clusters (Bluesky), or X's
// weighted characters (most scripts 1, CJK and emoji 2, a link 23). A guide while typing: the
// server checks the text the platform's own way when it is sent.
export function textLength(text, unit) {
  if (unit === 'weighted characters') {
    let n = 0;
    const rest = text.replace(/https?:\/\/\S+/gi, () => { n += 23; return ''; });
    for (const ch of rest) {
      const c = ch.codePointAt(0);
      n += c <= 4351 || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223) || (c >= 8242 && c <= 8247) ? 1 : 2;
    }
    return n;
  }
  if (unit === 'graphemes' && typeof Intl !== 'undefined' && Intl.Segmenter) {
    let n = 0;
    for (const _ of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) n++;
    return n;
  }
  return Array.from(text).length;
}

// A one-line excerpt of an untrusted text (still rendered as text, never as HTML).
export function excerpt(text, max = 140) {
  const t = String(text == null ? '' : text).replace(/\s+/g, ' ').trim();
  const chars = Array.from(t);
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : t;
}

export function priorityLabel(p) {
  return p == null || p === '' ? '–' : 'P' + String(p).replace(/^p/i, '');
}
