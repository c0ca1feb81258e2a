// The console: login, the header (who, tabs, live status), the three screens, toasts and the
// key list. Routes live in the URL's fragment: #/agent, #/m/<uid> (a mention), #/lead,
// #/marketing, so a link from an alert opens the mention.

import { html, render, useState, useEffect, useRef, useCallback } from './vendor/preact-htm.js';
import { request, get, del, setCsrf, onUnauthenticated } from './api.js';
import { connectLive } from './live.js';
import { useKeys, KEYS, SCREEN_KEYS_OFF } from './keys.js';
import { AgentScreen } from './agent_screen.js';
import { LeadScreen } from './lead_screen.js';
import { MarketingScreen } from './marketing_screen.js';
import { Guard } from './guard.js';

function parseRoute(hash) {
  const h = hash.replace(/^#\/?/, '');
  if (h.startsWith('m/')) {
    let uid = h.slice(2);
    try { uid = decodeURIComponent(uid); } catch (_) { /* keep it as it came */ }
    return { tab: 'agent', uid };
  }
  if (h === 'lead' || h === 'marketing' || h === 'agent') return { tab: h, uid: '' };
  return { tab: '', uid: '' };
}

function Login({ notice, onLoggedIn }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef(null);
  useEffect(() => { if (input.current) input.current.focus(); }, []);
  const submit = async (e) => {
    e.preventDefault();
    if (busy) return;
    if (!key) { setError('Enter your API key.'); return; }
    setBusy(true);
    setError('');
    try {
      const { data } = await request('POST', '/v1/session', { key }, { quiet401: true });
      setKey('');
      onLoggedIn(data);
    } catch (err) {
      setError(err.status === 401 ? 'That key was not accepted.' : err.message);
      if (input.current) input.current.select();
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="login">
    <form class="login-card" onSubmit=${submit}>
      <h1><span class="logo">carewatch</span> console</h1>
      ${notice ? html`<p class="notice">${notice}</p>` : null}
      <label for="login-key">API key</label>
      <input id="login-key" type="password" data-testid="login-key" ref=${input} value=${key}
        autocomplete="current-password" spellcheck="false" onInput=${(e) => setKey(e.currentTarget.value)} />
      <div class="err" data-testid="login-error" role="alert" hidden=${!error}>${error}</div>
      <button type="submit" class="primary" data-testid="login-submit" disabled=${busy}>${busy ? 'Logging in…' : 'Log in'}</button>
      <p class="dim small">Your key stays in this browser only long enough to start a session.</p>
    </form>
  </main>`;
}

function Help({ onClose }) {
  useKeys({ ...SCREEN_KEYS_OFF, Escape: () => { onClose(); return true; } });
  return html`<div class="overlay" onClick=${(e) => { if (e.target === e.currentTarget) onClose(); }}>
    <div class="dialog help" data-testid="help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
      <h3>Keyboard</h3>
      <table class="keys"><tbody>${KEYS.map(([k, what]) => html`<tr key=${k}><td>${k.split(' ').map((x) => html`<kbd key=${x}>${x}</kbd> `)}</td><td>${what}</td></tr>`)}</tbody></table>
      <p class="dim small">Single keys work when no field has the focus. Every action also has a button.</p>
      <div class="dialog-actions"><button onClick=${onClose}>Close <kbd>Esc</kbd></button></div>
    </div>
  </div>`;
}

function Toast({ toast }) {
  if (!toast) return null;
  return html`<div class=${'toast ' + (toast.kind || 'info')} data-testid="toast" role=${toast.kind === 'error' ? 'alert' : 'status'}>${toast.text}</div>`;
}

const LIVE_LABEL = { live: 'live', connecting: 'connecting…', polling: 'polling' };

function Console({ session, onLogout }) {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const [queues, setQueues] = useState(null);
  const [queuesError, setQueuesError] = useState('');
  const [liveStatus, setLiveStatus] = useState('connecting');
  const [toast, setToast] = useState(null);
  const [help, setHelp] = useState(false);
  const listeners = useRef(new Set());
  const toastTimer = useRef(0);

  const showToast = useCallback((text, kind = 'info') => {
    clearTimeout(toastTimer.current);
    setToast({ text: String(text), kind });
    toastTimer.current = setTimeout(() => setToast(null), kind === 'error' ? 7000 : 3500);
  }, []);

  const subscribe = useCallback((fn) => {
    listeners.current.add(fn);
    return () => listeners.current.delete(fn);
  }, []);

  const navigate = useCallback((hash) => {
    if (location.hash !== hash) location.hash = hash;
    else setRoute(parseRoute(hash));
  }, []);

  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);

  // The queues: once now, then from the live feed.
  useEffect(() => {
    get('/v1/queues').then(({ data }) => setQueues(data.queues || []),
      (e) => setQueuesError(e.missing ? 'not available' : e.message));
    return connectLive({
      onQueues: (d) => { if (d && Array.isArray(d.queues)) { setQueues(d.queues); setQueuesError(''); } },
      onMention: (ev) => { for (const fn of listeners.current) fn(ev); },
      onStatus: setLiveStatus,
    });
  }, []);

  // The tab's title shows how much is waiting, for a console kept in a background tab.
  useEffect(() => {
    const waiting = (queues || []).reduce((n, q) => n + (q.waiting || 0), 0);
    document.title = (queues && waiting ? '(' + waiting + ') ' : '') + 'carewatch console';
  }, [queues]);

  const tab = route.tab || (session.role === 'viewer' ? 'marketing' : 'agent');
  // The agent screen stays mounted behind the other two, so the open mention, its reply draft
  // and its lease renewal survive a look at the lead or marketing screen.
  const [agentUid, setAgentUid] = useState(route.uid);
  useEffect(() => { if (tab === 'agent') setAgentUid(route.uid); }, [tab, route.uid]);
  const go = (t) => navigate(t === 'agent' && agentUid ? '#/m/' + encodeURIComponent(agentUid) : '#/' + t);

  useKeys({
    '?': () => { setHelp((h) => !h); return true; },
    Escape: () => { if (!help) return false; setHelp(false); return true; },
    1: () => go('agent'),
    2: () => go('lead'),
    3: () => go('marketing'),
  });

  const tabs = [['agent', 'Agent'], ['lead', 'Lead'], ['marketing', 'Marketing']];
  return html`<div class="app">
    <header class="top">
      <span class="logo">carewatch</span>
      <nav class="tabs" role="tablist">
        ${tabs.map(([t, label], i) => html`<button key=${t} role="tab" data-testid=${'tab-' + t} aria-selected=${tab === t ? 'true' : 'false'}
            class=${tab === t ? 'tab active' : 'tab'} onClick=${() => go(t)} title=${label + ' screen (' + (i + 1) + ')'}>${label}</button>`)}
      </nav>
      <span class="spacer"></span>
      <span class=${'live ' + liveStatus} data-testid="live-status" title="queue updates">${LIVE_LABEL[liveStatus] || liveStatus}</span>
      <button class="link" onClick=${() => setHelp(true)} title="keyboard shortcuts (?)"><kbd>?</kbd></button>
      <span class="whoami" data-testid="whoami"><b>${session.agent}</b> <span class=${'role role-' + session.role}>${session.role}</span></span>
      <button data-testid="logout" onClick=${onLogout}>Log out</button>
    </header>
    <main class="screen">
      <div class=${tab === 'agent' ? 'pane' : 'pane hidden'}>
        <${Guard} what="The agent screen"><${AgentScreen} active=${tab === 'agent'} session=${session} queues=${queues} queuesError=${queuesError} toast=${showToast}
          subscribe=${subscribe} openUid=${tab === 'agent' ? route.uid : agentUid} navigate=${navigate} /><//>
      </div>
      ${tab === 'lead' ? html`<${Guard} what="The lead screen"><${LeadScreen} session=${session} queues=${queues} toast=${showToast} subscribe=${subscribe} navigate=${navigate} /><//>` : null}
      ${tab === 'marketing' ? html`<${Guard} what="The marketing screen"><${MarketingScreen} session=${session} /><//>` : null}
    </main>
    <${Toast} toast=${toast} />
    ${help ? html`<${Help} onClose=${() => setHelp(false)} />` : null}
  </div>`;
}

function App() {
  const [session, setSession] = useState(undefined); // undefined: asking; null: logged out
  const [notice, setNotice] = useState('');

  useEffect(() => {
    onUnauthenticated(() => {
      setCsrf('');
      setSession((s) => {
        if (s) setNotice('Your session ended. Log in again.');
        return null;
      });
    });
    request('GET', '/v1/session', undefined, { quiet401: true }).then(({ data }) => {
      setCsrf(data.csrf);
      setSession(data);
    }, (e) => {
      if (e.status !== 401) setNotice(e.missing ? 'This server has no console sessions.' : e.message);
      setSession(null);
    });
  }, []);

  const loggedIn = (data) => {
    setCsrf(data.csrf);
    setNotice('');
    setSession(data);
  };
  const logout = async () => {
    try { await del('/v1/session'); } catch (_) { /* logged out either way */ }
    setCsrf('');
    setNotice('Logged out.');
    // The next person to log in here lands on their own screen.
    history.replaceState(null, '', location.pathname + location.search);
    setSession(null);
  };

  if (session === undefined) return html`<div class="boot">loading…</div>`;
  if (!session) return html`<${Login} notice=${notice} onLoggedIn=${loggedIn} />`;
  return html`<${Console} key=${session.agent} session=${session} onLogout=${logout} />`;
}

render(html`<${App} />`, document.getElementById('app'));
