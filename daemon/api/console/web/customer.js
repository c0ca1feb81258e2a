// The customer beside the open mention: their other contacts (every linked identity), the
// repeat-contact count, the hand-offs, and linking another identity of the same customer.

import { html, useState } from './vendor/preact-htm.js';
import { post } from './api.js';
import { when, fullTime, excerpt } from './format.js';

function LinkIdentity({ m, toast, reload }) {
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const self = m.platform && m.author && m.author.id ? m.platform + ':' + m.author.id : '';
  const submit = async (e) => {
    e.preventDefault();
    const b = other.trim();
    if (!b || busy) return;
    if (!/^[^:\s]+:\S+$/.test(b)) { setError('Write it as platform:author_id, like bluesky:did:plc:abc'); return; }
    setBusy(true);
    setError('');
    try {
      await post('/v1/customers/link', { a: self, b });
      toast('Linked ' + b + ' to this customer');
      setOther('');
      reload();
    } catch (err) {
      setError(err.missing ? 'Linking is not available on this server' : err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="link-form" onSubmit=${submit}>
    <label for="link-identity">Same customer elsewhere</label>
    <div class="row">
      <input id="link-identity" data-testid="link-identity" value=${other} placeholder="platform:author_id"
        autocomplete="off" spellcheck="false" onInput=${(e) => { setOther(e.currentTarget.value); setError(''); }} />
      <button type="submit" data-testid="link-submit" disabled=${busy || !self || !other.trim()}>Link</button>
    </div>
    ${error ? html`<div class="err" role="alert">${error}</div>` : null}
  </form>`;
}

export function CustomerPanel({ st, m, handoffs, canAct, toast, reload }) {
  const data = st.data || {};
  const items = data.items || [];
  const ids = (data.customer && data.customer.identities) || [];
  const repeat = data.repeat_contacts;
  return html`<aside class="col col-side">
    <div class="col-head"><h2>Customer</h2></div>
    <div class="figures">
      <div class=${'figure' + (repeat >= 2 ? ' alarm' : '')} title="other contacts from this customer in the 7 days before this one">
        <span class="fig" data-testid="repeat-contacts">${repeat != null ? repeat : '–'}</span><span class="lbl">repeat contacts (7 days)</span></div>
      <div class=${'figure' + (handoffs >= 2 ? ' alarm' : '')} title="times this mention was handed off">
        <span class="fig" data-testid="handoff-count">${handoffs != null ? handoffs : '–'}</span><span class="lbl">hand-offs</span></div>
    </div>
    ${ids.length > 1 ? html`<div class="identities"><span class="lbl">linked identities</span>
      ${ids.map((i) => html`<span key=${i.platform + i.author_id} class="chip" title=${i.platform + ':' + i.author_id}>${i.platform} @${i.handle || i.author_id}</span>`)}</div>` : null}
    <h4>History</h4>
    <div class="history" data-testid="history">
      ${st.loading ? html`<div class="na">loading…</div>`
        : st.missing && !st.data ? html`<div class="na">not available</div>`
        : st.error && !st.data ? html`<div class="na err">${st.error}</div>`
        : !items.length ? html`<div class="na">No earlier contacts.</div>`
        : items.map((it) => html`<div key=${it.uid} class="history-item" data-testid="history-item">
            <div class="meta"><span class=${'badge st-' + it.state}>${it.state}</span>
              <span class=${'badge cat-' + (it.category || 'unknown')}>${it.category}</span>
              <span class="dim">${it.platform}</span>
              <span class="dim" title=${fullTime(it.posted_at)}>${when(it.posted_at)}</span></div>
            <div class="text">${excerpt(it.text, 280)}</div>
            ${(it.replies || []).map((r, i) => html`<div key=${i} class="hist-reply"><b>${r.agent}</b> <span class="dim">${when(r.at)}</span>: ${excerpt(r.text, 200)}</div>`)}
            ${it.resolved_by ? html`<div class="dim">resolved by ${it.resolved_by} ${when(it.resolved_at)}</div>` : null}
          </div>`)}
    </div>
    ${canAct ? html`<${LinkIdentity} m=${m} toast=${toast} reload=${reload} />` : null}
  </aside>`;
}
