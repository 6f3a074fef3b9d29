// Runs in the browser: draws three charts per scenario from `DATA` with the inlined chart.js.
// Plain ES2020 in a string, since it is never executed by Node.
export const pageScript = `
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b',
  '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79'];
const colour = (i) => palette[i % palette.length];
const draw = (id, type, labels, datasets, options) =>
  new Chart(document.getElementById(id), { type, data: { labels, datasets }, options });
const titled = (text, extra) => ({ plugins: { title: { display: true, text }, ...extra } });

function latencyChart(s) {
  const labels = (s.rows[0] ? s.rows[0].curve : []).map((p) => 'p' + p[0]);
  const datasets = s.rows.map((r, i) => ({
    label: r.target, data: r.curve.map((p) => p[1]), borderColor: colour(i), fill: false,
  }));
  const options = titled('latency by percentile (ms, log scale)');
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
