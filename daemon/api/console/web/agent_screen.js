// The agent's screen: the queues (live), "claim next", and the open mention with its customer.

import { html, useState, useEffect, useCallback } from './vendor/preact-htm.js';
import { get, post, seg } from './api.js';
import { useKeys } from './keys.js';
import { duration, priorityLabel, excerpt } from './format.js';
import { MentionView } from './mention_view.js';
import { Guard } from './guard.js';

const QUEUE_KEY = 'carewatch.queue';

function storedQueue() {
  try { return localStorage.getItem(QUEUE_KEY) || ''; } catch (_) { return ''; }
}

export function QueueList({ queues, error, selected, onSelect }) {
  if (error && !queues) return html`<div class="queue-list" data-testid="queue-list"><div class="na">${error}</div></div>`;
  if (!queues) return html`<div class="queue-list" data-testid="queue-list"><div class="na">loading…</div></div>`;
  return html`<div class="queue-list" data-testid="queue-list" role="listbox" aria-label="Queues">
    ${queues.length ? html`<div class="queue-head queue-cols" aria-hidden="true"><span></span><span class="num">wait</span><span class="num">held</span><span class="num">oldest</span></div>` : null}
    ${queues.length === 0 ? html`<div class="na">No queues yet: a queue appears once a mention is routed to it.</div>` : null}
    ${queues.map((q) => html`<div key=${q.queue} class=${'queue-row' + (q.queue === selected ? ' selected' : '')}
        data-testid="queue-row" data-queue=${q.queue} role="option"
        aria-selected=${q.queue === selected ? 'true' : 'false'}
        onClick=${() => onSelect(q.queue)}>
      <div class="queue-head">
        <span class="queue-name">${q.queue}</span>
        <span class="num" data-testid="queue-waiting" title="waiting">${q.waiting}</span>
        <span class="num dim" data-testid="queue-claimed" title="claimed">${q.claimed}</span>
        <span class="num age" data-testid="queue-oldest" title="oldest waiting">${q.waiting > 0 ? duration(q.oldest_age_s) : '–'}</span>
      </div>
      <div class="queue-prios">
        ${(q.priorities || []).filter((p) => p.waiting > 0 || p.claimed > 0).map((p) => html`
          <span key=${p.priority} class=${'prio-chip p' + p.priority} data-testid="queue-priority" data-priority=${p.priority}
              title=${priorityLabel(p.priority) + ': ' + p.waiting + ' waiting, ' + p.claimed + ' claimed, oldest ' + duration(p.oldest_age_s)}>
            <b>${priorityLabel(p.priority)}</b> ${p.waiting}<span class="dim">/${p.claimed}</span>${p.waiting > 0 ? ' ' + duration(p.oldest_age_s) : ''}
          </span>`)}
      </div>
    </div>`)}
  </div>`;
}

// The mentions the agent holds (GET /v1/claims), to come back to one after a reload or a look
// at another queue: refreshed on every live change and whenever the open mention changes.
export function MyClaims({ openUid, subscribe, navigate }) {
  const [st, setSt] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let timer = 0;
    const off = subscribe(() => { clearTimeout(timer); timer = setTimeout(() => setTick((t) => t + 1), 400); });
    return () => { off(); clearTimeout(timer); };
  }, [subscribe]);
  useEffect(() => {
    let live = true;
    get('/v1/claims').then(({ data }) => { if (live) setSt({ data }); },
      (e) => { if (live) setSt((o) => ({ data: o.data, error: e.message })); });
    return () => { live = false; };
  }, [tick, openUid]);
  const items = (st.data && st.data.items) || [];
  return html`<div class="my-claims" data-testid="my-claims">
    <h3>Held by you <span class="dim">${st.data ? items.length : ''}</span></h3>
    ${st.error && !st.data ? html`<div class="na err">${st.error}</div>` : null}
    ${st.data && !items.length ? html`<div class="na">Nothing held.</div>` : null}
    ${items.map((i) => html`<a key=${i.uid} href=${'#/m/' + encodeURIComponent(i.uid)} data-testid="my-claim" data-uid=${i.uid}
        class=${'my-claim' + (i.uid === openUid ? ' selected' : '')}
        onClick=${(e) => { e.preventDefault(); navigate('#/m/' + encodeURIComponent(i.uid)); }}>
      <span class=${'prio-chip p' + i.priority}><b>${priorityLabel(i.priority)}</b></span>
      <span class="my-claim-queue">${i.queue}</span>
      <span class="my-claim-who">${i.author ? '@' + i.author.handle : i.platform}</span>
      <span class="my-claim-text">${excerpt(i.text, 80)}</span>
    </a>`)}
  </div>`;
}

export function AgentScreen({ active, session, queues, queuesError, toast, subscribe, openUid, navigate }) {
  const canAct = session.role !== 'viewer';
  const [selected, setSelected] = useState(storedQueue);
  const [emptyQueue, setEmptyQueue] = useState('');
  const [claiming, setClaiming] = useState(false);
  const [claim, setClaim] = useState(null); // the claim answer of the open mention, if we made it

  // Keep the selection on an existing queue.
  useEffect(() => {
    if (!queues || !queues.length) return;
    if (!queues.some((q) => q.queue === selected)) setSelected(queues[0].queue);
  }, [queues, selected]);

  useEffect(() => {
    try { if (selected) localStorage.setItem(QUEUE_KEY, selected); } catch (_) { /* private mode */ }
  }, [selected]);

  const move = (d) => {
    if (!queues || !queues.length) return;
    const i = queues.findIndex((q) => q.queue === selected);
    const n = i < 0 ? 0 : Math.min(queues.length - 1, Math.max(0, i + d));
    setSelected(queues[n].queue);
    setEmptyQueue('');
    const row = document.querySelector('[data-testid="queue-row"][data-queue="' + CSS.escape(queues[n].queue) + '"]');
    if (row) row.scrollIntoView({ block: 'nearest' });
  };

  const claimNext = useCallback(async () => {
    if (!canAct || claiming) return;
    const q = selected || (queues && queues[0] && queues[0].queue);
    if (!q) { toast('No queue to claim from', 'error'); return; }
    setClaiming(true);
    setEmptyQueue('');
    try {
      const { status, data } = await post('/v1/queues/' + seg(q) + '/claim');
      if (status === 204 || !data) {
        setEmptyQueue(q);
      } else {
        setClaim(data);
        navigate('#/m/' + encodeURIComponent(data.uid));
      }
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      setClaiming(false);
    }
  }, [canAct, claiming, selected, queues, toast, navigate]);

  useKeys({
    j: () => move(1),
    k: () => move(-1),
    c: () => { if (!canAct) return false; claimNext(); return true; },
  }, active);

  const closed = () => {
    setClaim(null);
    navigate('#/agent');
  };

  return html`<div class="agent-screen">
    <aside class="col col-queues">
      <div class="col-head">
        <h2>Queues</h2>
        ${canAct ? html`<button class="primary" data-testid="claim-next" disabled=${claiming || !queues || !queues.length}
            onClick=${claimNext} title="Claim the most urgent mention of the selected queue (c)">
          ${claiming ? 'Claiming…' : 'Claim next'} <kbd>c</kbd></button>` : null}
      </div>
      <${QueueList} queues=${queues} error=${queuesError} selected=${selected}
          onSelect=${(q) => { setSelected(q); setEmptyQueue(''); }} />
      <p class="hint">${canAct ? html`<kbd>j</kbd>/<kbd>k</kbd> select · <kbd>c</kbd> claim · <kbd>?</kbd> keys` : 'Read-only: viewers do not claim or reply.'}</p>
      ${canAct ? html`<${MyClaims} openUid=${openUid} subscribe=${subscribe} navigate=${navigate} />` : null}
    </aside>
    ${openUid
      ? html`<${Guard} key=${openUid} what="This mention"><${MentionView} active=${active} uid=${openUid} claim=${claim && claim.uid === openUid ? claim : null}
          session=${session} queues=${queues} toast=${toast} subscribe=${subscribe} onClosed=${closed} /><//>`
      : html`<section class="col col-main idle">
          ${emptyQueue
            ? html`<div class="empty" data-testid="empty-queue"><h3>Queue ${emptyQueue} is empty</h3><p>Nothing waiting. Pick another queue with <kbd>j</kbd>/<kbd>k</kbd>.</p></div>`
            : html`<div class="empty"><h3>No mention open</h3><p>${canAct
                ? html`Select a queue and press <kbd>c</kbd> to claim its most urgent mention.`
                : 'Queues update live. Open the lead or marketing screen for figures.'}</p></div>`}
        </section>`}
  </div>`;
}
