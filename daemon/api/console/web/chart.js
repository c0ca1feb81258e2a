// Time-series charts on uPlot (window.uPlot, loaded by index.html as a classic script).
// <Chart series=[{label, points: [[t_ms, value], ...], color?, dash?}] spikes=[{at, key, kind}]
//        height=180 fill0=true /> draws one line per series on a shared time axis; spikes are
// drawn as vertical marks. Series labels are untrusted text: uPlot writes them with textContent.

import { html, useEffect, useRef } from './vendor/preact-htm.js';
import { ms, axisTime } from './format.js';

export const PALETTE = ['#2f6fb3', '#d0782a', '#3a9a5b', '#a24fb0', '#c2413b', '#2a9aa0',
  '#8a7b2b', '#6b6f7a', '#d45b8d', '#4c5fd5'];

// Aligns the series on the union of their timestamps (seconds, as uPlot wants them). A missing
// point is 0 when fill0 (counts), else null (a gap).
export function align(series, fill0) {
  const xs = new Set();
  for (const s of series) for (const p of s.points || []) xs.add(p[0]);
  const x = Array.from(xs).sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const ys = series.map((s) => {
    const y = new Array(x.length).fill(fill0 ? 0 : null);
    for (const p of s.points || []) y[index.get(p[0])] = p[1];
    return y;
  });
  return [x.map((t) => t / 1000), ...ys];
}

function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

// Draws the spikes: a dashed vertical line and a small triangle at the top.
function spikePlugin(getSpikes) {
  return {
    hooks: {
      draw: [(u) => {
        const spikes = getSpikes();
        if (!spikes || !spikes.length) return;
        const ctx = u.ctx;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.strokeStyle = cssVar('--bad', '#c2413b');
        ctx.fillStyle = ctx.strokeStyle;
        ctx.lineWidth = Math.max(1, devicePixelRatio);
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        for (const s of spikes) {
          const t = ms(s.at);
          if (t == null) continue;
          const x = Math.round(u.valToPos(t / 1000, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          const r = 5 * devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x - r, top);
          ctx.lineTo(x + r, top);
          ctx.lineTo(x, top + r * 1.4);
          ctx.closePath();
          ctx.fill();
        }
        ctx.restore();
      }],
    },
  };
}

export function Chart({ testid, series, spikes, height = 180, fill0 = true, label }) {
  const box = useRef(null);
  const plot = useRef(null);
  const spikesRef = useRef(spikes);
  spikesRef.current = spikes;
  const empty = !series || !series.length || series.every((s) => !(s.points || []).length);

  useEffect(() => {
    const el = box.current;
    if (!el || !window.uPlot || empty) return undefined;
    const axisColor = cssVar('--muted', '#6b6f7a');
    const gridColor = cssVar('--grid', '#e6e8ec');
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } };
    const opts = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true } },
      axes: [Object.assign({ values: (u, splits, ax, space, incr) => splits.map((s) => axisTime(s, incr)) }, axis),
        Object.assign({ size: 44 }, axis)],
      series: [{}].concat(series.map((s, i) => ({
        label: String(s.label),
        stroke: s.color || PALETTE[i % PALETTE.length],
        width: 1.5,
        dash: s.dash,
        spanGaps: !fill0,
        points: { show: false },
      }))),
      plugins: [spikePlugin(() => spikesRef.current)],
    };
    const u = new window.uPlot(opts, align(series, fill0), el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => { ro.disconnect(); u.destroy(); plot.current = null; };
  }, [series, height, fill0]);

  useEffect(() => { if (plot.current) plot.current.redraw(false, false); }, [spikes]);

  return html`<div class="chart" data-testid=${testid} aria-label=${label || ''}>
    ${!window.uPlot ? html`<div class="na">charts not available</div>` : null}
    ${empty ? html`<div class="na">no data in this range</div>` : null}
    <div class=${empty ? 'chart-box hidden' : 'chart-box'} ref=${box}></div>
  </div>`;
}
