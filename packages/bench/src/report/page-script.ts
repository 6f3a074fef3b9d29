// Runs in the browser: draws three charts per scenario from `DATA` with the inlined chart.js.
// Plain ES2020 in a string, since it is never executed by Node.
export const pageScript = `
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b',
  '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79'];
const colour = (i) => palette[i % palette.length];
const pointStyles = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star'];
const draw = (id, type, labels, datasets, options) =>
  new Chart(document.getElementById(id), { type, data: { labels, datasets }, options });
// No animation: a report is read, printed or screenshotted, and a capture taken while bars
// and lines are still growing shows them short (headless Chrome caught them at about 40 %).
// The boxes set each chart's height (see .chart in the page style), so no aspect ratio.
const titled = (text, extra) => ({
  animation: false,
  maintainAspectRatio: false,
  plugins: { title: { display: true, text }, ...extra },
});

function latencyChart(s) {
  const labels = (s.rows[0] ? s.rows[0].curve : []).map((p) => 'p' + p[0]);
  // Targets that balance alike draw the same curve; dashes and point shapes keep the one
  // underneath visible.
  const datasets = s.rows.map((r, i) => ({
    label: r.target, data: r.curve.map((p) => p[1]), borderColor: colour(i),
    backgroundColor: colour(i), fill: false, borderDash: i % 2 ? [6, 4] : [],
    pointStyle: pointStyles[i % pointStyles.length], pointRadius: 4,
  }));
  const options = titled('latency by percentile (ms, log scale)', {
    legend: { position: 'right', labels: { usePointStyle: true } },
  });
  options.scales = { y: { type: 'logarithmic' } };
  draw('latency-' + s.id, 'line', labels, datasets, options);
}

function tpsChart(s) {
  const labels = s.rows.map((r) => r.target);
  const backgroundColor = labels.map((_, i) => colour(i));
  const datasets = [{ label: 'TPS', data: s.rows.map((r) => r.tps), backgroundColor }];
  const options = titled('throughput (requests per second)', { legend: { display: false } });
  draw('tps-' + s.id, 'bar', labels, datasets, options);
}

function shareChart(s) {
  const labels = s.rows.map((r) => r.target);
  const ids = [...new Set(s.rows.flatMap((r) => Object.keys(r.share)))].sort();
  const datasets = ids.map((id, i) => ({
    label: id, backgroundColor: colour(i),
    data: s.rows.map((r) => Math.round((r.share[id] || 0) * 1000) / 10),
  }));
  const options = titled('share per backend (%)');
  options.scales = { x: { stacked: true }, y: { stacked: true, max: 100 } };
  draw('share-' + s.id, 'bar', labels, datasets, options);
}

for (const s of DATA) {
  latencyChart(s);
  tpsChart(s);
  shareChart(s);
}`;
