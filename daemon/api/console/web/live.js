// The live feed: one EventSource on /v1/live (same origin, the session cookie). `queues` events
// carry the body of GET /v1/queues; `mention` events {uid, type, actor, at, queue}. When the
// stream cannot be opened (a daemon without it, or a proxy in the way) the queues are polled
// instead and the stream is tried again now and then.

import { get } from './api.js';

const POLL_MS = 2000;  // only while the live feed is unavailable
const RETRY_STREAM_MS = 30000;

// connectLive({onQueues, onMention, onStatus}) → a function that stops everything.
// onStatus gets 'live' | 'connecting' | 'polling'.
export function connectLive({ onQueues, onMention, onStatus }) {
  let es = null;
  let pollTimer = 0;
  let retryTimer = 0;
  let stopped = false;

  const poll = async () => {
    try {
      const { data } = await get('/v1/queues');
      if (!stopped && data) onQueues(data);
    } catch (_) { /* a 401 is handled by api.js; anything else: try again next time */ }
  };

  const startPolling = () => {
    if (pollTimer || stopped) return;
    onStatus('polling');
    poll();
    pollTimer = setInterval(poll, POLL_MS);
    retryTimer = setTimeout(() => { retryTimer = 0; open(); }, RETRY_STREAM_MS);
  };

  const stopPolling = () => {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = 0;
  };

  const parse = (ev) => {
    try { return JSON.parse(ev.data); } catch (_) { return null; }
  };

  function open() {
    if (stopped) return;
    if (typeof EventSource === 'undefined') { startPolling(); return; }
    onStatus(pollTimer ? 'polling' : 'connecting');
    es = new EventSource('/v1/live');
    es.addEventListener('open', () => {
      stopPolling();
      onStatus('live');
    });
    es.addEventListener('queues', (ev) => {
      const d = parse(ev);
      if (d) onQueues(d);
    });
    es.addEventListener('mention', (ev) => {
      const d = parse(ev);
      if (d && onMention) onMention(d);
    });
    es.addEventListener('error', () => {
      if (stopped) return;
      if (es.readyState === EventSource.CLOSED) {
        // Refused (404, 401, 503, ...): the browser gives up on it; fall back to polling (a 401
        // shows the login form through the poll).
        es = null;
        startPolling();
      } else {
        onStatus('connecting');
      }
    });
  }

  open();
  return () => {
    stopped = true;
    stopPolling();
    if (retryTimer) clearTimeout(retryTimer);
    if (es) es.close();
  };
}
