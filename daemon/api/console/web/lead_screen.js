// The lead's screen: SLA at risk and recent breaches, queue depth over time, and the figures of
// every agent. Filters by queue, platform and priority narrow every panel (the agent figures
// through /v1/stats?by=agent&queue=&platform=&priority=).

import { html, useState, useEffect, useMemo } from './vendor/preact-htm.js';
import { get, post, seg, qs } from './api.js';
import { Chart } from './chart.js';
import { Guard, Guarded } from './guard.js';
import { clock, duration, when, fullTime, excerpt, priorityLabel, count } from './format.js';
import { useNow } from './mention_view.js';

const RANGES = { '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };

function useFetch(path, tick) {
  const [st, setSt] = useState({ loading: true });
  useEffect(() => {
    let live = true;
    get(path).then(({ data }) => { if (live) setSt({ data }); },
      (e) => { if (live) setSt((o) => ({ data: o.data, error: e.message, missing: e.missing })); });
    return () => { live = false; };
  }, [path, tick]);
  return st;
}

function Body({ st, children }) {
  if (st.loading) return html`<div class="na">loading…</div>`;
  if (st.missing && !st.data) return html`<div class="na">not available</div>`;
  if (st.error && !st.data) return html`<div class="na err">${st.error}</div>`;
  return html`<${Guarded} what="This panel" render=${children} />`;
}

function Select({ testid, value, onChange, options, all }) {
  return html`<select data-testid=${testid} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
    <option value="">${all}</option>
    ${options.map((o) => html`<option key=${o} value=${o}>${o}</option>`)}
  </select>`;
}

const p50 = (f) => (f && f.count ? duration(f.p50_s) : '–');
const p90 = (f) => (f && f.count ? duration(f.p90_s) : '–');

export function LeadScreen({ session, queues, toast, subscribe, navigate }) {
  const isLead = session.role === 'lead';
  const [queue, setQueue] = useState('');
  const [platform, setPlatform] = useState('');
  const [priority, setPriority] = useState('');
  const [range, setRange] = useState('24h');
  const [tick, setTick] = useState(0);
  const now = useNow(1000);

  // Refresh on changes (debounced) and every 30 s.
  useEffect(() => {
    let timer = 0;
    const bump = () => { clearTimeout(timer); timer = setTimeout(() => setTick((t) => t + 1), 1500); };
    const off = subscribe(bump);
    const every = setInterval(() => setTick((t) => t + 1), 30000);
    return () => { off(); clearTimeout(timer); clearInterval(every); };
  }, [subscribe]);

  const until = useMemo(() => new Date(Math.floor(Date.now() / 60000) * 60000), [range, tick]);
  const since = new Date(until.getTime() - RANGES[range] * 1000);
  // Steps the depth route offers (1m, 5m, 15m, 1h, 1d), at most 2000 per window.
  const step = range === '24h' ? '5m' : '1h';

  const atRisk = useFetch('/v1/sla/at-risk' + qs({ queue, limit: 200 }), tick);
  const breaches = useFetch('/v1/sla/breaches' + qs({ since: since.toISOString(), limit: 50, queue }), tick);
  // Up to the end of the current minute: its sample (taken as it starts) is the latest.
  const depthUntil = new Date(until.getTime() + 60000);
  const depth = useFetch('/v1/stats/depth' + qs({ since: since.toISOString(), until: depthUntil.toISOString(), step, queue }), tick);
  const agents = useFetch('/v1/stats' + qs({ window: range, by: 'agent', queue, platform, priority }), tick);
  const byPlatform = useFetch('/v1/stats' + qs({ window: range, by: 'platform' }), 0);

  const platforms = useMemo(() => {
    const s = new Set();
    for (const g of (byPlatform.data && byPlatform.data.groups) || []) if (g.group) s.add(g.group);
    for (const i of (atRisk.data && atRisk.data.items) || []) if (i.platform) s.add(i.platform);
    for (const i of (breaches.data && breaches.data.items) || []) if (i.platform) s.add(i.platform);
    return Array.from(s).sort();
  }, [byPlatform.data, atRisk.data, breaches.data]);

  const keep = (i) => (!platform || i.platform === platform) && (priority === '' || String(i.priority) === priority);

  const depthSeries = useMemo(() => {
    const series = (depth.data && depth.data.series) || [];
    if (queue && series.length <= 1) {
      const s = series[0];
      if (!s) return [];
      return [{ label: s.queue + ' waiting', points: s.points.map((p) => [p[0], p[1]]) },
        { label: s.queue + ' claimed', points: s.points.map((p) => [p[0], p[2]]), dash: [4, 3] }];
    }
    return series.map((s) => ({ label: s.queue, points: s.points.map((p) => [p[0], p[1]]) }));
  }, [depth.data, queue]);

  const release = async (uid) => {
    try {
      await post('/v1/mentions/' + seg(uid) + '/release');
      toast('Released ' + uid + ' to its queue');
      setTick((t) => t + 1);
    } catch (e) { toast(e.message, 'error'); }
  };

  const open = (uid) => navigate('#/m/' + encodeURIComponent(uid));
  const queueNames = (queues || []).map((q) => q.queue);

  return html`<div class="lead-screen page">
    <div class="filters">
      <label>Queue <${Select} testid="filter-queue" value=${queue} onChange=${setQueue} options=${queueNames} all="all queues" /></label>
      <label>Platform <${Select} testid="filter-platform" value=${platform} onChange=${setPlatform} options=${platforms} all="all platforms" /></label>
      <label>Priority <select data-testid="filter-priority" value=${priority} onChange=${(e) => setPriority(e.currentTarget.value)}>
        <option value="">all priorities</option>${[0, 1, 2, 3].map((p) => html`<option key=${p} value=${String(p)}>P${p}</option>`)}</select></label>
      <label>Range <select data-testid="filter-range" value=${range} onChange=${(e) => setRange(e.currentTarget.value)}>
        ${Object.keys(RANGES).map((r) => html`<option key=${r} value=${r}>last ${r}</option>`)}</select></label>
      <span class="spacer"></span>
      <span class="dim">updated ${when(until.toISOString())}</span>
    </div>
    <section class="card">
      <h3>Queues now <span class="dim">(live)</span></h3>
      <div class="table-wrap" data-testid="queues-now">
        ${!queues ? html`<div class="na">loading…</div>` : html`<table class="dense compact"><thead><tr><th>queue</th><th class="num">waiting</th>
            <th class="num">claimed</th><th class="num">oldest</th>${[0, 1, 2, 3].map((p) => html`<th key=${p} class="num">P${p} waiting</th>`)}</tr></thead>
          <tbody>${queues.filter((q) => !queue || q.queue === queue).map((q) => {
            const byP = new Map((q.priorities || []).map((p) => [p.priority, p]));
            return html`<tr key=${q.queue}><td><b>${q.queue}</b></td><td class="num">${q.waiting}</td><td class="num">${q.claimed}</td>
              <td class="num">${q.waiting > 0 ? duration(q.oldest_age_s) : '–'}</td>
              ${[0, 1, 2, 3].map((p) => {
                const x = byP.get(p);
                return html`<td key=${p} class="num" title=${x && x.waiting ? 'oldest ' + duration(x.oldest_age_s) : ''}>${x ? x.waiting : 0}</td>`;
              })}</tr>`;
          })}</tbody></table>`}
      </div>
    </section>
    <div class="grid2">
      <section class="card">
        <h3>SLA at risk</h3>
        <div data-testid="at-risk" class="table-wrap">
          <${Body} st=${atRisk}>${() => {
            const rows = ((atRisk.data && atRisk.data.items) || []).filter(keep);
            if (!rows.length) return html`<div class="na">Nothing at risk.</div>`;
            return html`<table class="dense"><thead><tr><th>left</th><th>prio</th><th>queue</th><th>state</th><th>platform</th><th>author</th><th>text</th><th></th></tr></thead>
              <tbody>${rows.map((i) => {
                const deadline = Date.parse(i.deadline);
                const left = isNaN(deadline) ? i.remaining_ms / 1000 : (deadline - now) / 1000;
                return html`<tr key=${i.uid} data-testid="at-risk-row" data-uid=${i.uid} class=${left <= 0 ? 'row-breached' : left < 600 ? 'row-warning' : ''}>
                  <td class="num mono" title=${(i.target || '') + ' due ' + fullTime(i.deadline)}>${clock(left)}</td>
                  <td><span class=${'badge prio p' + i.priority}>${priorityLabel(i.priority)}</span></td>
                  <td>${i.queue}</td><td>${i.state}</td><td>${i.platform}</td><td>${i.author}</td>
                  <td class="clip"><button class="link" onClick=${() => open(i.uid)} title=${excerpt(i.text, 500)}>${excerpt(i.text, 90)}</button></td>
                  <td>${isLead && i.state && i.state !== 'queued' && i.state !== 'resolved' ? html`<button class="small" data-testid="release-claim" onClick=${() => release(i.uid)}>Release</button>` : null}</td>
                </tr>`;
              })}</tbody></table>`;
          }}<//>
        </div>
      </section>
      <section class="card">
        <h3>Breaches <span class="dim">(last ${range})</span></h3>
        <div data-testid="breaches" class="table-wrap">
          <${Body} st=${breaches}>${() => {
            const rows = ((breaches.data && breaches.data.items) || []).filter(keep);
            if (!rows.length) return html`<div class="na">No breaches.</div>`;
            return html`<table class="dense"><thead><tr><th>when</th><th>prio</th><th>queue</th><th>target</th><th>over by</th><th>platform</th><th>author</th><th>text</th></tr></thead>
              <tbody>${rows.map((i, n) => html`<tr key=${i.uid + n} data-testid="breach-row" data-uid=${i.uid}>
                <td title=${fullTime(i.at)}>${when(i.at)}</td>
                <td><span class=${'badge prio p' + i.priority}>${priorityLabel(i.priority)}</span></td>
                <td>${i.queue}</td><td>${(i.target || '').replace('_', ' ')}</td>
                <td class="num">${duration((i.elapsed_ms - i.target_ms) / 1000)}</td>
                <td>${i.platform}</td><td>${i.author}</td>
                <td class="clip"><button class="link" onClick=${() => open(i.uid)} title=${excerpt(i.text, 500)}>${excerpt(i.text, 90)}</button></td>
              </tr>`)}</tbody></table>`;
          }}<//>
        </div>
      </section>
    </div>
    <section class="card">
      <h3>Queue depth <span class="dim">(waiting${queue ? ' and claimed' : ' per queue'})</span></h3>
      <div data-testid="depth-chart">
        <${Body} st=${depth}>${() => html`<${Guard} what="The chart"><${Chart} series=${depthSeries} fill0=${false} height=${200} /><//>`}<//>
      </div>
    </section>
    <section class="card">
      <h3>Agents <span class="dim" data-testid="agent-figures-scope">(last ${range}${[queue || 'all queues', platform, priority === '' ? '' : 'P' + priority].filter(Boolean).map((x) => ', ' + x).join('')})</span></h3>
      <div data-testid="agent-figures" class="table-wrap">
        <${Body} st=${agents}>${() => {
          const groups = ((agents.data && agents.data.groups) || []).filter((g) => !g.kind || g.kind === 'agent');
          if (!groups.length) return html`<div class="na">No agent activity in this range.</div>`;
          return html`<table class="dense figures-table"><thead><tr><th>agent</th><th class="num">claims</th><th class="num">replies</th>
              <th class="num">resolved</th><th class="num">hand-offs</th><th class="num">first response p50</th><th class="num">p90</th>
              <th class="num">resolution p50</th><th class="num">p90</th></tr></thead>
            <tbody>${groups.map((g) => {
              const c = g.counts || {};
              return html`<tr key=${g.group} data-testid="agent-row" data-agent=${g.group}>
                <td><b>${g.group}</b></td><td class="num">${count(c.claims)}</td><td class="num">${count(c.replies)}</td>
                <td class="num">${count(c.resolutions)}</td><td class="num">${count(c.handoffs)}</td>
                <td class="num">${p50(g.first_response)}</td><td class="num">${p90(g.first_response)}</td>
                <td class="num">${p50(g.resolution)}</td><td class="num">${p90(g.resolution)}</td></tr>`;
            })}</tbody></table>`;
        }}<//>
      </div>
    </section>
  </div>`;
}
