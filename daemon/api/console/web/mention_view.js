// The open mention: what was said and by whom, its conversation, why it was routed, the SLA
// clock, the reply box, the actions (resolve, release, hand off), internal notes, and the
// customer's history. Every string from the mention is rendered as text.

import { html, useState, useEffect, useRef, useCallback } from './vendor/preact-htm.js';
import { get, post, seg } from './api.js';
import { useKeys, SCREEN_KEYS_OFF } from './keys.js';
import { duration, clock, when, fullTime, count, score, safeUrl, textLength, ms, priorityLabel } from './format.js';
import { CustomerPanel } from './customer.js';
import { Guarded } from './guard.js';

export function useNow(period = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), period);
    return () => clearInterval(t);
  }, [period]);
  return now;
}

// A panel's data: {data, error, missing, loading}; reload() fetches again.
export function useResource(path, deps) {
  const [st, setSt] = useState({ loading: true });
  const seq = useRef(0);
  const load = useCallback(async () => {
    if (!path) { setSt({ loading: false }); return; }
    const n = ++seq.current;
    try {
      const { data } = await get(path);
      if (n === seq.current) setSt({ data });
    } catch (e) {
      if (n === seq.current) setSt((old) => ({ data: old.data, error: e.message, missing: e.missing, status: e.status }));
    }
  }, [path]);
  useEffect(() => { setSt({ loading: true }); load(); }, deps || [path]);
  return [st, load];
}

export function Link({ href, testid, children, cls }) {
  const url = safeUrl(href);
  if (!url) return null;
  return html`<a class=${cls || ''} data-testid=${testid} href=${url} target="_blank" rel="noopener noreferrer">${children}</a>`;
}

function Panel({ st, children }) {
  if (st.loading) return html`<div class="na">loading…</div>`;
  if (st.missing && !st.data) return html`<div class="na">not available</div>`;
  if (st.error && !st.data) return html`<div class="na err">${st.error}</div>`;
  return html`<${Guarded} what="This panel" render=${children} />`;
}

function SlaClock({ sla, now }) {
  if (!sla || sla.status === 'none' || !sla.status) {
    return html`<div class="sla-clock sla-ok none" data-testid="sla-clock" title="no SLA target">no SLA</div>`;
  }
  if (sla.status === 'met' || sla.running === false) {
    return html`<div class="sla-clock sla-ok met" data-testid="sla-clock" title=${sla.target || ''}>SLA met</div>`;
  }
  const deadline = ms(sla.deadline);
  const remaining = deadline != null ? (deadline - now) / 1000 : sla.remaining_s;
  let cls = 'sla-ok';
  if (remaining <= 0 || sla.status === 'breached') cls = 'sla-breached';
  else if (sla.status === 'warning' || (sla.target_s && remaining < sla.target_s * 0.2)) cls = 'sla-warning';
  const what = (sla.target || 'response').replace('_', ' ');
  return html`<div class=${'sla-clock ' + cls} data-testid="sla-clock"
      title=${what + ' target ' + duration(sla.target_s) + (sla.deadline ? ', due ' + fullTime(sla.deadline) : '')}>
    <span class="sla-label">${remaining <= 0 ? 'overdue' : what}</span>
    <span class="sla-time">${clock(remaining)}</span>
  </div>`;
}

function Scores({ m }) {
  const d = m.decision || {};
  const ex = d.explain || {};
  const sc = ex.scores || {};
  const p = sc.priority;
  const rows = [];
  if (d.sentiment) rows.push(['sentiment', score(d.sentiment.compound)]);
  if (typeof d.complaint_score === 'number') rows.push(['complaint', score(d.complaint_score)]);
  for (const [k, v] of Object.entries(sc)) {
    if (k === 'priority' || k === 'sentiment.compound' || k === 'complaint_score') continue;
    if (typeof v === 'number') rows.push([k, score(v)]);
  }
  if (p && typeof p === 'object') {
    rows.push(['priority score', score(p.score)]);
    for (const k of ['complaint', 'negative', 'reach', 'verified', 'urgent']) {
      if (typeof p[k] === 'number' && p[k] !== 0) rows.push(['  ' + k, score(p[k])]);
    }
  }
  if (d.language) rows.push(['language', d.language]);
  return html`<dl class="kv" data-testid="mention-scores">
    ${rows.map(([k, v]) => html`<dt key=${'k' + k}>${k}</dt><dd key=${'v' + k}>${v}</dd>`)}
  </dl>`;
}

function Explanation({ m }) {
  const d = m.decision || {};
  const ex = d.explain || {};
  const rules = ex.rules || d.rules || [];
  const words = ex.complaint_words || [];
  return html`<div class="explanation" data-testid="mention-explanation">
    <div><span class="lbl">rules</span> ${rules.length
      ? rules.map((r) => html`<span key=${r} class="chip">${r}</span>`)
      : html`<span class="dim">none fired</span>`}</div>
    ${ex.base_category ? html`<div><span class="lbl">model said</span> ${ex.base_category}</div>` : null}
    ${words.length ? html`<div><span class="lbl">complaint words</span> ${words.slice(0, 12).map((w, i) => html`
      <span key=${i} class=${'chip ' + (w.weight > 0 ? 'neg' : 'pos')} title=${'weight ' + score(w.weight)}>${w.feature}</span>`)}</div>` : null}
    ${(d.tags || []).length ? html`<div><span class="lbl">tags</span> ${d.tags.map((t) => html`<span key=${t} class="chip">${t}</span>`)}</div>` : null}
    ${m.cluster && m.cluster.size > 1 ? html`<div><span class="lbl">recurring issue</span> ${m.cluster.size} mentions, ${m.cluster.authors} authors</div>` : null}
  </div>`;
}

function Conversation({ st, uid }) {
  return html`<section class="block" data-testid="conversation">
    <h4>Conversation</h4>
    <${Panel} st=${st}>${() => {
      const items = (st.data && st.data.items) || [];
      if (!items.length) return html`<div class="na">No other posts seen in this conversation.</div>`;
      return html`<ol class="thread">${items.map((it, i) => html`
        <li key=${i} class=${'conversation-item rel-' + (it.relation || 'other') + (it.uid === uid ? ' self' : '')} data-testid="conversation-item">
          <div class="meta"><b>${(it.author && (it.author.name || it.author.handle)) || it.agent || ''}</b>
            ${it.author && it.author.handle ? html` <span class="dim">@${it.author.handle}</span>` : null}
            <span class="tag">${it.relation === 'brand_reply' ? 'our reply' : it.relation}</span>
            <span class="dim" title=${fullTime(it.posted_at)}>${when(it.posted_at)}</span>
            ${it.agent ? html` <span class="dim">by ${it.agent}</span>` : null}</div>
          <div class="text">${it.text}</div>
        </li>`)}</ol>`;
    }}<//>
  </section>`;
}

function Replies({ replies }) {
  if (!replies || !replies.length) return null;
  return html`<ul class="replies">${replies.map((r) => html`
    <li key=${r.reply_id} class=${'reply st-' + r.state}>
      <div class="meta"><span class=${'badge st-' + r.state}>${r.external ? 'external' : r.state}</span>
        <span class="dim">${r.agent} · ${when(r.submitted_at)}</span>
        ${r.post_url ? html` <${Link} href=${r.post_url} testid="reply-link">view post<//>` : null}</div>
      <div class="text">${r.text}</div>
      ${r.error ? html`<div class="err">${r.error}${r.will_retry ? ' (will retry)' : ''}</div>` : null}
    </li>`)}</ul>`;
}

function ReplyBox({ uid, m, detail, toast, onSent, boxRef }) {
  const rules = detail.reply_rules;
  const [text, setText] = useState('');
  const [external, setExternal] = useState(rules === null);
  const [warning, setWarning] = useState(null);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const checkSeq = useRef(0);

  useEffect(() => {
    const t = text.trim();
    if (!t) { setWarning(null); return undefined; }
    const n = ++checkSeq.current;
    const timer = setTimeout(async () => {
      try {
        const { data } = await post('/v1/replies/check', { text });
        if (n === checkSeq.current) setWarning(data && data.warn ? data : null);
      } catch (_) { if (n === checkSeq.current) setWarning(null); }
    }, 350);
    return () => clearTimeout(timer);
  }, [text]);

  const to = (rules && rules.to) || (m.author && (m.author.name || m.author.handle)) || '';
  const unit = (rules && rules.unit) || 'characters';
  const max = rules && rules.max_length;
  const used = textLength(text, unit);
  const left = max ? max - used : null;

  const send = async () => {
    if (sending) return;
    if (!text.trim()) { setError('Write a reply first.'); return; }
    if (left != null && left < 0 && !external) { setError('Over the platform\'s limit by ' + (-left) + ' ' + unit + '.'); return; }
    setSending(true);
    setError('');
    try {
      const body = external ? { text, external: true } : { text };
      const { data } = await post('/v1/mentions/' + seg(uid) + '/reply', body);
      toast(external ? 'Reply recorded as answered on the platform' : 'Reply queued: ' + ((data && data.state) || 'queued'));
      setText('');
      setWarning(null);
      onSent();
    } catch (e) {
      setError(e.message);
      if (e.code === 'cannot_reply') setExternal(true);
      toast(e.message, 'error');
    } finally {
      setSending(false);
    }
  };

  return html`<section class="block reply">
    <div class="reply-head">
      <span data-testid="reply-to" class="reply-to">To <b>${to}</b>
        ${m.platform ? html` on ${m.platform}` : null}
        ${max ? html` · max ${count(max)} ${unit}` : rules === null ? html` · this source cannot post: answer on the platform and record it here` : null}</span>
      <span data-testid="reply-counter" class=${'reply-counter' + (left != null && left < 0 ? ' over' : left != null && left < 20 ? ' low' : '')}
          title=${max ? 'characters left' : 'characters'}>${left != null ? left : used}</span>
    </div>
    <textarea data-testid="reply-box" ref=${boxRef} rows="4" value=${text} placeholder="Write a reply… (Ctrl+Enter sends)"
      onInput=${(e) => { setText(e.currentTarget.value); setError(''); }}
      onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); } }}></textarea>
    ${warning ? html`<div class="warn" data-testid="reply-warning" role="status">
      The team already sent this exact text ${warning.sent_today} times today. Customers notice canned answers: make it personal.</div>` : null}
    ${error ? html`<div class="err" role="alert" data-testid="reply-error">${error}</div>` : null}
    <div class="reply-actions">
      <label class="check" title="The answer was made on the platform itself: only record it">
        <input type="checkbox" data-testid="reply-external" checked=${external} onChange=${(e) => setExternal(e.currentTarget.checked)} />
        answered on the platform</label>
      <button class="primary" data-testid="reply-send" disabled=${sending} onClick=${send}>
        ${sending ? 'Sending…' : external ? 'Record reply' : warning ? 'Send anyway' : 'Send reply'}</button>
    </div>
  </section>`;
}

function Notes({ st, uid, canAct, toast, reload, noteRef }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const add = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    try {
      await post('/v1/mentions/' + seg(uid) + '/notes', { text });
      setText('');
      reload();
    } catch (e) {
      toast(e.missing ? 'Notes are not available on this server' : e.message, 'error');
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="block notes-block">
    <h4>Internal notes <span class="dim">(team only, never posted)</span></h4>
    <div data-testid="notes" class="notes">
      <${Panel} st=${st}>${() => {
        const notes = (st.data && st.data.notes) || [];
        if (!notes.length) return html`<div class="na">No notes.</div>`;
        return notes.map((n) => html`<div key=${n.id} class="note-item" data-testid="note-item">
          <div class="meta"><b>${n.agent}</b> <span class="dim" title=${fullTime(n.at)}>${when(n.at)}</span></div>
          <div class="text">${n.text}</div></div>`);
      }}<//>
    </div>
    ${canAct ? html`<div class="note-form">
      <textarea data-testid="note-box" ref=${noteRef} rows="2" value=${text} placeholder="Add a note for the team… (Ctrl+Enter adds)"
        onInput=${(e) => setText(e.currentTarget.value)}
        onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); add(); } }}></textarea>
      <button data-testid="note-add" disabled=${busy || !text.trim()} onClick=${add}>Add note</button>
    </div>` : null}
  </section>`;
}

function HandoffDialog({ uid, current, queues, toast, onClose, onDone }) {
  const options = (queues || []).map((q) => q.queue).filter((q) => q !== current);
  const [queue, setQueue] = useState(options[0] || '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const first = useRef(null);
  useEffect(() => { if (first.current) first.current.focus(); }, []);
  useKeys({ ...SCREEN_KEYS_OFF, Escape: () => { onClose(); return true; } });

  const submit = async (e) => {
    if (e) e.preventDefault();
    if (!queue || busy) return;
    setBusy(true);
    setError('');
    try {
      const body = note.trim() ? { queue, note } : { queue };
      await post('/v1/mentions/' + seg(uid) + '/handoff', body);
      toast('Handed off to ' + queue);
      onDone();
    } catch (err) {
      setError(err.missing ? 'Hand-off is not available on this server' : err.message);
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="overlay" onClick=${(e) => { if (e.target === e.currentTarget) onClose(); }}>
    <form class="dialog" data-testid="handoff-dialog" role="dialog" aria-modal="true" aria-label="Hand off" onSubmit=${submit}
        onKeyDown=${(e) => { if (e.key === 'Enter' && e.target.tagName === 'SELECT') submit(e); }}>
      <h3>Hand off to another queue</h3>
      ${options.length ? null : html`<p class="na">There is no other queue.</p>`}
      <label>Queue
        <select data-testid="handoff-queue" ref=${first} value=${queue} onChange=${(e) => setQueue(e.currentTarget.value)}>
          ${options.map((q) => html`<option key=${q} value=${q}>${q}</option>`)}
        </select></label>
      <label><span>Internal note <span class="dim">(optional, never posted)</span></span>
        <textarea data-testid="handoff-note" rows="3" value=${note} onInput=${(e) => setNote(e.currentTarget.value)}
          onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e); }}></textarea></label>
      ${error ? html`<div class="err" role="alert">${error}</div>` : null}
      <div class="dialog-actions">
        <button type="button" onClick=${onClose}>Cancel <kbd>Esc</kbd></button>
        <button type="submit" class="primary" data-testid="handoff-submit" disabled=${busy || !queue}>Hand off</button>
      </div>
    </form>
  </div>`;
}

export function MentionView({ active, uid, claim, session, queues, toast, subscribe, onClosed }) {
  const me = session.agent;
  const canAct = session.role !== 'viewer';
  const base = '/v1/mentions/' + seg(uid);
  const [detailSt, reloadDetail] = useResource(base);
  const [convSt, reloadConv] = useResource(base + '/conversation');
  const [notesSt, reloadNotes] = useResource(base + '/notes');
  const [histSt, reloadHist] = useResource(base + '/history?limit=50');
  const [handoff, setHandoff] = useState(false);
  const [busy, setBusy] = useState('');
  const [lost, setLost] = useState(false);
  const now = useNow(1000);
  const replyRef = useRef(null);
  const noteRef = useRef(null);

  const detail = detailSt.data || (claim ? { uid, mention: claim.mention, state: { owner: me, state: 'claimed', queue: claim.queue, priority: claim.priority, lease_until: claim.lease_until } } : null);
  const m = (detail && detail.mention) || {};
  const state = (detail && detail.state) || {};
  const held = canAct && !lost && state.owner === me && state.state !== 'resolved' && state.state !== 'queued';
  const leadCanRelease = session.role === 'lead' && !held && state.owner && state.state !== 'resolved' && state.state !== 'queued';

  const reloadAll = useCallback(() => { reloadDetail(); reloadConv(); reloadNotes(); reloadHist(); }, [reloadDetail, reloadConv, reloadNotes, reloadHist]);

  // A change to this mention (another agent, the reaper, the outbox): read it again.
  useEffect(() => {
    let timer = 0;
    const off = subscribe((ev) => {
      if (ev.uid !== uid) return;
      clearTimeout(timer);
      timer = setTimeout(() => { reloadDetail(); if (ev.type === 'noted') reloadNotes(); else reloadConv(); }, 250);
    });
    return () => { off(); clearTimeout(timer); };
  }, [uid, subscribe]);

  // Claimed again (the same mention can come back first in line): it is ours again.
  const firstClaim = useRef(claim);
  useEffect(() => {
    if (!claim || claim === firstClaim.current) return;
    setLost(false);
    reloadAll();
  }, [claim]);

  // Also read it again every 20 s: reply delivery and the SLA state stay current without the feed.
  useEffect(() => {
    const t = setInterval(() => reloadDetail(), 20000);
    return () => clearInterval(t);
  }, [reloadDetail]);

  // The lease renews itself at half its length while the mention is open and held.
  const leaseUntil = ms(state.lease_until);
  const claimedAt = ms(state.claimed_at);
  useEffect(() => {
    if (!held) return undefined;
    let lease = leaseUntil && claimedAt ? leaseUntil - claimedAt : leaseUntil ? leaseUntil - Date.now() : 0;
    if (!(lease > 0)) lease = 5 * 60 * 1000;
    const period = Math.max(2000, lease / 2);
    const t = setInterval(async () => {
      try {
        await post(base + '/renew');
      } catch (e) {
        if (e.status === 409 || e.status === 404) {
          setLost(true);
          toast('Your claim on this mention ended: ' + e.message, 'error');
          reloadDetail();
        }
      }
    }, period);
    return () => clearInterval(t);
  }, [held, base, leaseUntil && claimedAt ? leaseUntil - claimedAt : 0]);

  const act = async (what, path, okText) => {
    if (busy) return;
    setBusy(what);
    try {
      const { status } = await post(base + path);
      toast(status === 202 && what === 'resolve' ? 'Resolves when the reply is sent' : okText);
      onClosed();
    } catch (e) {
      toast(e.message, 'error');
      if (e.status === 409) reloadDetail();
    } finally {
      setBusy('');
    }
  };
  const resolve = () => act('resolve', '/resolve', 'Resolved');
  const release = () => act('release', '/release', 'Released to the queue');

  useKeys({
    r: () => { if (!held || !replyRef.current) return false; replyRef.current.focus(); return true; },
    n: () => { if (!canAct || !noteRef.current) return false; noteRef.current.focus(); return true; },
    e: () => { if (!held) return false; resolve(); return true; },
    h: () => { if (!held && !leadCanRelease) return false; setHandoff(true); return true; },
  }, active);

  if (!detail) {
    return html`<section class="col col-main idle"><div class="empty">
      ${detailSt.loading ? 'loading…' : detailSt.status === 404 ? 'Mention ' + uid + ' was not found (resolved mentions expire).' : detailSt.error}
      <p><button onClick=${onClosed}>Back to the queues</button></p></div></section>`;
  }

  const author = m.author || {};
  const d = m.decision || {};
  const sla = detail.sla;
  const handoffs = detail.handoffs != null ? detail.handoffs : histSt.data && histSt.data.handoffs;
  const postUrl = safeUrl(m.url);

  return html`<section class="col col-main">
    <article class="mention" data-testid="mention" data-uid=${uid}>
      <header class="mention-head">
        <div class="who">
          <span class="platform" data-testid="mention-platform">${m.platform}</span>
          <b class="name" data-testid="mention-author">${author.name || author.handle || 'unknown author'}</b>
          <span class="handle" data-testid="mention-handle">@${author.handle || ''}</span>
          <span class=${'verified' + (author.verified ? ' yes' : '')} data-testid="mention-verified"
              title=${author.verified ? 'verified account' : 'not verified'}>${author.verified ? '✓ verified' : 'not verified'}</span>
          <span class="followers" data-testid="mention-followers" title=${(author.followers || 0) + ' followers'}>${count(author.followers || 0)} followers</span>
        </div>
        <${SlaClock} sla=${sla} now=${now} />
      </header>
      <div class="mention-sub">
        <span class=${'badge cat-' + (d.category || 'unknown')} data-testid="mention-category">${d.category || 'unknown'}</span>
        <span class=${'badge prio p' + (d.priority != null ? d.priority : state.priority)} data-testid="mention-priority">${priorityLabel(d.priority != null ? d.priority : state.priority)}</span>
        <span class="dim">queue <b>${state.queue || d.queue || ''}</b></span>
        <span class="dim" title=${fullTime(m.posted_at)}>posted ${when(m.posted_at)} (${duration((now - ms(m.posted_at)) / 1000)} ago)</span>
        ${postUrl ? html`<${Link} href=${postUrl} testid="mention-link" cls="ext">open on ${m.platform} ↗<//>` : null}
        <span class="owner dim">${state.state}${state.owner ? ' · ' + (state.owner === me ? 'you' : state.owner) : ''}</span>
      </div>
      <p class="mention-text" data-testid="mention-text">${m.text}</p>
      <details class="why" open>
        <summary>Why it is here</summary>
        <div class="why-grid"><${Explanation} m=${m} /><${Scores} m=${m} /></div>
      </details>
      <${Conversation} st=${convSt} uid=${uid} />
      <${Replies} replies=${detail.replies} />
      ${held ? html`<${ReplyBox} key=${'rb' + (detail.reply_rules === null ? 'n' : 'y')} uid=${uid} m=${m} detail=${detail} toast=${toast}
          onSent=${reloadAll} boxRef=${replyRef} />` : null}
      ${held || leadCanRelease ? html`<div class="actions">
        ${held ? html`<button data-testid="resolve" class="primary" disabled=${!!busy} onClick=${resolve}>Resolve <kbd>e</kbd></button>` : null}
        <button data-testid="release" disabled=${!!busy} onClick=${release}>Release</button>
        <button data-testid="handoff" disabled=${!!busy} onClick=${() => setHandoff(true)}>Hand off <kbd>h</kbd></button>
        <span class="spacer"></span>
        <button class="link" onClick=${onClosed}>Close</button>
      </div>` : html`<div class="actions readonly">
        <span class="dim">${!canAct ? 'Read-only.' : lost ? 'You no longer hold this mention.' : state.owner ? 'Claimed by ' + state.owner + '.' : 'Not claimed by you.'}</span>
        <span class="spacer"></span><button class="link" onClick=${onClosed}>Close</button></div>`}
      <${Notes} st=${notesSt} uid=${uid} canAct=${canAct} toast=${toast} reload=${reloadNotes} noteRef=${noteRef} />
    </article>
    ${handoff ? html`<${HandoffDialog} uid=${uid} current=${state.queue || d.queue} queues=${queues} toast=${toast}
        onClose=${() => setHandoff(false)} onDone=${() => { setHandoff(false); onClosed(); }} />` : null}
  </section>
  <${CustomerPanel} st=${histSt} m=${m} handoffs=${handoffs} canAct=${canAct} toast=${toast} reload=${reloadHist} />`;
}
