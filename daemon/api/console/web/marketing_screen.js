// The marketing screen: mention volume over time by platform, category and sentiment (spikes
// marked), the share of complaints, top words, hashtags and the most-reached authors, with
// filters and a CSV export of the range.

import { html, useState, useEffect, useMemo } from './vendor/preact-htm.js';
import { get, qs } from './api.js';
import { Chart } from './chart.js';
import { Guard, Guarded } from './guard.js';
import { count, percent, when, fullTime } from './format.js';

const RANGES = { '24h': [86400, '1h'], '7d': [7 * 86400, '1h'], '30d': [30 * 86400, '1d'] };
const SENTIMENT_COLORS = { negative: '#c2413b', neutral: '#8b8f98', positive: '#3a9a5b' };

function useFetch(path) {
  const [st, setSt] = useState({ loading: true });
  useEffect(() => {
    if (!path) return undefined;
    let live = true;
    setSt((o) => ({ loading: !o.data, data: o.data }));
    get(path).then(({ data }) => { if (live) setSt({ data }); },
      (e) => { if (live) setSt({ error: e.message, missing: e.missing }); });
    return () => { live = false; };
  }, [path]);
  return st;
}

function Body({ st, children }) {
  if (st.loading && !st.data) return html`<div class="na">loading…</div>`;
  if (st.missing) return html`<div class="na">not available</div>`;
  if (st.error) return html`<div class="na err">${st.error}</div>`;
  return html`<${Guarded} what="This panel" render=${children} />`;
}

function keysOf(st) {
  return ((st.data && st.data.series) || []).map((s) => s.key).filter((k) => k !== '' && k != null);
}

function Filter({ testid, label, value, onChange, options, all }) {
  const opts = value && !options.includes(value) ? [value, ...options] : options;
  return html`<label>${label} <select data-testid=${testid} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
    <option value="">${all}</option>
    ${opts.map((o) => html`<option key=${o} value=${o}>${o}</option>`)}
  </select></label>`;
}

// What a spike counted, in words: "mastodon complaint", "#outage".
function spikeName(x) {
  if (x.tag) return '#' + x.tag;
  return [x.platform, x.category].filter(Boolean).join(' ') || x.key;
}

function VolumeCard({ title, testid, st, colors }) {
  const series = useMemo(() => ((st.data && st.data.series) || []).slice(0, 10).map((s) => ({
    label: s.key + ' (' + count(s.total) + ')',
    points: s.points,
    color: colors && colors[s.key],
  })), [st.data]);
  const spikes = (st.data && st.data.spikes) || [];
  return html`<section class="card">
    <h3>${title}${spikes.length ? html` <span class="spike-note">${spikes.length} spike${spikes.length > 1 ? 's' : ''} marked</span>` : null}</h3>
    <div data-testid=${testid}>
      <${Body} st=${st}>${() => html`<${Guard} what="The chart"><${Chart} series=${series} spikes=${spikes} height=${190} /><//>`}<//>
    </div>
    ${spikes.length ? html`<ul class="spike-list" data-testid=${testid + '-spikes'}>
      ${spikes.slice(-8).reverse().map((x) => html`<li key=${x.at + x.key} title=${fullTime(x.at)}>
        <b>${when(x.at)}</b> ${spikeName(x)}: ${count(x.count)} mentions against ${x.expected} expected${x.ended ? ', over at ' + when(x.ended) : ', under way'}</li>`)}
    </ul>` : null}
  </section>`;
}

function Bars({ items, label, value }) {
  if (!items.length) return html`<div class="na">nothing in this range</div>`;
  const max = Math.max(1, ...items.map(value));
  return html`<ol class="bars">
    ${items.map((it, i) => html`<li key=${i}>
      <span class="bar-label" title=${label(it)}>${label(it)}</span>
      <span class="bar"><span class="bar-fill" style=${{ width: (100 * value(it) / max).toFixed(1) + '%' }}></span></span>
      <span class="num">${count(value(it))}</span></li>`)}
  </ol>`;
}

export function MarketingScreen() {
  const [range, setRange] = useState('7d');
  const [platform, setPlatform] = useState('');
  const [category, setCategory] = useState('');
  const [language, setLanguage] = useState('');
  const [tag, setTag] = useState('');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 60000);
    return () => clearInterval(t);
  }, []);

  const [span, step] = RANGES[range];
  const until = useMemo(() => new Date(Math.ceil(Date.now() / 60000) * 60000), [range, tick]);
  const since = new Date(until.getTime() - span * 1000);
  const win = { since: since.toISOString(), until: until.toISOString() };
  const filters = { platform, category, language, tag };
  const vol = (by) => '/v1/stats/volume' + qs({ ...win, step, by, ...filters });

  const byPlatform = useFetch(vol('platform'));
  const byCategory = useFetch(vol('category'));
  const bySentiment = useFetch(vol('sentiment'));
  const byLanguage = useFetch('/v1/stats/volume' + qs({ ...win, step: RANGES[range][1], by: 'language' }));
  const byTag = useFetch('/v1/stats/volume' + qs({ ...win, step: RANGES[range][1], by: 'tag' }));
  // /v1/stats/top answers per platform only (its lists are kept per day and platform)
  const top = useFetch('/v1/stats/top' + qs({ ...win, limit: 20, platform: filters.platform }));

  const exportHref = '/v1/export.csv' + qs({ ...win, ...filters });
  const t = top.data || {};
  // The figures follow every filter: counted from the category series (the volume cube answers
  // any filter); the top lists are kept per day and platform, so only platform narrows them.
  const kpi = useMemo(() => {
    if (!byCategory.data) return null;
    let total = 0, complaints = 0;
    for (const s of byCategory.data.series || []) {
      total += s.total;
      if (s.key === 'complaint') complaints += s.total;
    }
    return { total, complaints, share: total ? complaints / total : null };
  }, [byCategory.data]);
  const topScope = [category, language, tag].some(Boolean)
    ? html` <span class="dim" data-testid="top-scope" title="The top lists are kept per day and platform">(every category, language and tag)</span>` : null;

  return html`<div class="marketing-screen page">
    <div class="filters">
      <label>Range <select data-testid="filter-range" value=${range} onChange=${(e) => setRange(e.currentTarget.value)}>
        ${Object.keys(RANGES).map((r) => html`<option key=${r} value=${r}>last ${r}</option>`)}</select></label>
      <${Filter} testid="filter-platform" label="Platform" value=${platform} onChange=${setPlatform} options=${keysOf(byPlatform)} all="all platforms" />
      <${Filter} testid="filter-category" label="Category" value=${category} onChange=${setCategory} options=${keysOf(byCategory)} all="all categories" />
      <${Filter} testid="filter-language" label="Language" value=${language} onChange=${setLanguage} options=${keysOf(byLanguage)} all="all languages" />
      <${Filter} testid="filter-tag" label="Tag" value=${tag} onChange=${setTag} options=${keysOf(byTag)} all="all tags" />
      <span class="spacer"></span>
      <span class="dim">since ${when(win.since)}</span>
      <a class="button" data-testid="export-csv" href=${exportHref} download="carewatch-mentions.csv">Export CSV</a>
    </div>
    <div class="kpis">
      <div class="card kpi"><span class="lbl">mentions</span><span class="fig" data-testid="kpi-mentions">${kpi ? count(kpi.total) : '–'}</span></div>
      <div class="card kpi"><span class="lbl">complaints</span><span class="fig" data-testid="kpi-complaints">${kpi ? count(kpi.complaints) : '–'}</span></div>
      <div class="card kpi"><span class="lbl">share of complaints</span>
        <span class="fig" data-testid="complaint-share">${byCategory.missing ? 'not available' : kpi ? percent(kpi.share) : '–'}</span></div>
    </div>
    <${VolumeCard} title="Volume by platform" testid="volume-chart" st=${byPlatform} />
    <div class="grid2">
      <${VolumeCard} title="By category" testid="category-chart" st=${byCategory} />
      <${VolumeCard} title="By sentiment" testid="sentiment-chart" st=${bySentiment} colors=${SENTIMENT_COLORS} />
    </div>
    <div class="grid3">
      <section class="card"><h3>Top words${topScope}</h3>
        <div data-testid="top-words"><${Body} st=${top}>${() => html`<${Bars} items=${t.words || []} label=${(w) => w.word} value=${(w) => w.count} />`}<//></div>
      </section>
      <section class="card"><h3>Top hashtags${topScope}</h3>
        <div data-testid="top-hashtags"><${Body} st=${top}>${() => html`<${Bars} items=${t.hashtags || []} label=${(h) => '#' + String(h.tag).replace(/^#/, '')} value=${(h) => h.count} />`}<//></div>
      </section>
      <section class="card"><h3>Most-reached authors${topScope}</h3>
        <div data-testid="top-authors" class="table-wrap">
          <${Body} st=${top}>${() => html`<table class="dense"><thead><tr><th>author</th><th>platform</th><th class="num">followers</th><th class="num">mentions</th></tr></thead>
            <tbody>${(t.authors || []).map((a, i) => html`<tr key=${i}>
              <td class="clip" title=${(a.display_name || '') + ' @' + a.handle}><b>${a.display_name || a.handle}</b> <span class="dim">@${a.handle}</span></td><td>${a.platform}</td>
              <td class="num">${count(a.followers)}</td><td class="num">${count(a.mentions)}</td></tr>`)}</tbody></table>`}<//>
        </div>
      </section>
    </div>
  </div>`;
}
