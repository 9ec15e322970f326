'use strict';
// The console's page: everything it shows arrives on one Server-Sent Event stream (state four
// times a second, models on change, timeline entries with ids); the page never polls.

const STALE_AFTER_MS = 5000; // no prediction for this long: say so
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

const $ = (id) => document.getElementById(id);
const pct = (x) => (x == null ? '–' : (100 * x).toFixed(2) + ' %');
const ms = (x) => (x == null ? '–' : x < 10 ? x.toFixed(1) + ' ms' : Math.round(x) + ' ms');
const clock = (t) => new Date(t).toLocaleTimeString([], { hour12: false });
const when = (t) => (t == null ? '–' : new Date(t).toLocaleString([], { hour12: false }));
const ago = (t, now) => {
  const s = Math.max(0, Math.round((now - t) / 1000));
  return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
};
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k === 'title') node.title = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return node;
};

// ---- tabs
for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t === tab));
    document.querySelectorAll('.page').forEach((p) => p.classList.toggle('active', p.id === tab.dataset.tab));
    resizeCharts();
  });
}

// ---- charts (uPlot)
function lineChart(target, series, yLabel) {
  const width = Math.max(300, target.clientWidth || target.parentElement.clientWidth || 400);
  const opts = {
    width, height: 180, legend: { show: true },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [{}, { label: yLabel, size: 60 }],
    series: [{}, ...series.map((s, i) => ({ label: s, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, points: { size: 4 } }))],
  };
  return new uPlot(opts, [[], ...series.map(() => [])], target);
}
const charts = {};
charts.rate = lineChart($('chart-rate'), ['images/s'], 'images/s');
charts.latency = lineChart($('chart-latency'), ['p50', 'p99'], 'ms');
let dlqCodes = '';
charts.dlq = lineChart($('chart-dlq'), ['none yet'], 'per s');
charts.probabilities = null;

function resizeCharts() {
  for (const [name, chart] of Object.entries(charts)) {
    if (!chart) continue;
    const w = chart.root.parentElement.clientWidth;
    if (w > 0 && name !== 'probabilities') chart.setSize({ width: w, height: 180 });
  }
}
window.addEventListener('resize', resizeCharts);

function probabilityChart(probabilities) {
  const target = $('chart-probabilities');
  const data = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], probabilities];
  if (!charts.probabilities) {
    charts.probabilities = new uPlot({
      width: 360, height: 180, legend: { show: false },
      scales: { x: { time: false, range: [-0.6, 9.6] }, y: { range: [0, 1] } },
      axes: [{ label: 'digit', splits: () => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], values: (u, splits) => splits.map(String) }, { label: 'probability', size: 60 }],
      series: [{}, { label: 'probability', fill: '#2563eb99', stroke: '#2563eb', paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }],
    }, data, target);
  } else {
    charts.probabilities.setData(data);
  }
}

// ---- live state
let lastState = null;
let lastStateAt = 0;

function renderState(state) {
  lastState = state;
  lastStateAt = Date.now();
  const live = state.live;
  const now = state.now;
  $('model-name').textContent = state.modelName;

  const cluster = state.cluster;
  const pill = $('cluster-pill');
  pill.className = 'pill ' + (cluster.reachable ? 'good' : 'bad');
  pill.textContent = cluster.reachable ? `cluster up (${cluster.brokers} broker${cluster.brokers === 1 ? '' : 's'})` : 'cluster unreachable';
  const clusterBanner = $('banner-cluster');
  clusterBanner.hidden = cluster.reachable;
  if (!cluster.reachable) {
    clusterBanner.textContent = `The Kafka cluster does not answer (since ${clock(cluster.since)}): ${cluster.problem || ''}. ` +
      'The page recovers by itself when it is back.';
  }

  $('served-version').textContent = live.servedVersion == null ? '–' : 'v' + live.servedVersion;
  const fresh = live.lastPredictionAt != null && now - live.lastPredictionAt < STALE_AFTER_MS;
  $('fresh-pill').className = 'pill ' + (fresh ? 'good' : 'warn');
  $('last-prediction').textContent = live.lastPredictionAt == null ? 'none yet' : ago(live.lastPredictionAt, now);
  const stale = $('banner-stale');
  stale.hidden = fresh || live.lastPredictionAt == null;
  if (!stale.hidden) {
    stale.textContent = `No fresh predictions: the last one was emitted at ${clock(live.lastPredictionAt)} ` +
      `(${ago(live.lastPredictionAt, now)}). Is a classifier running, and is anything sending images?`;
  }
  $('console-lag').textContent = ms(live.consoleLagMs);

  $('rate').textContent = live.imagesPerSecond.toFixed(live.imagesPerSecond < 10 ? 1 : 0);
  $('p50').textContent = ms(live.latencyP50Ms);
  $('p99').textContent = ms(live.latencyP99Ms);
  const dlqRate = Object.values(live.deadLettersPerSecond).reduce((a, b) => a + b, 0);
  $('dlq-rate').textContent = dlqRate.toFixed(1);
  $('total').textContent = live.predictions.toLocaleString();

  const s = live.series;
  charts.rate.setData([s.seconds, s.images]);
  charts.latency.setData([s.seconds, s.latencyP50Ms, s.latencyP99Ms]);
  const codes = Object.keys(s.deadLetters);
  if (codes.join() !== dlqCodes) {
    dlqCodes = codes.join();
    charts.dlq.destroy();
    charts.dlq = lineChart($('chart-dlq'), codes.length ? codes : ['none yet'], 'per s');
  }
  charts.dlq.setData([s.seconds, ...(codes.length ? codes.map((c) => s.deadLetters[c]) : [s.seconds.map(() => 0)])]);
  $('dlq-codes').textContent = Object.entries(live.deadLettersByCode).map(([c, n]) => `${c}: ${n}`).join(' · ');

  liveCounts = live.versions;
  renderAccuracy();
}

// ---- models
let models = [];
let liveCounts = [];
let selectedVersion = null;

function renderAccuracy() {
  const body = $('accuracy-table').tBodies[0];
  const counts = new Map(liveCounts.map((c) => [c.version, c]));
  const versions = new Map(models.map((m) => [m.version, m]));
  for (const c of liveCounts) if (!versions.has(c.version)) versions.set(c.version, { version: c.version, check: {}, decisions: [], servedBy: [] });
  const served = lastState && lastState.live.servedVersion;
  body.replaceChildren(...[...versions.values()].sort((a, b) => b.version - a.version).map((m) => {
    const c = counts.get(m.version);
    let liveText = '–';
    let windowText = '–';
    if (m.live) {
      liveText = `${pct(m.live.accuracy)} of ${m.live.seen.toLocaleString()}`;
      windowText = `${pct(m.live.windowAccuracy)} of last ${m.live.windowSeen}`;
    } else if (c && c.labelled > 0) {
      liveText = `${pct(c.correct / c.labelled)} of ${c.labelled.toLocaleString()} (seen by this page)`;
    }
    const holdout = m.check && m.check.holdoutAccuracy != null
      ? `${pct(m.check.holdoutAccuracy)} of ${m.check.holdoutExamples}` : holdoutFromDecisions(m);
    return el('tr', { class: m.version === served ? 'served' : '' },
      el('td', {}, 'v' + m.version), el('td', {}, liveText), el('td', {}, windowText), el('td', {}, holdout),
      el('td', {}, statusOf(m)));
  }));
}

function holdoutFromDecisions(m) {
  const d = (m.decisions || []).find((x) => x.holdoutAccuracy != null);
  return d ? `${pct(d.holdoutAccuracy)} (classifier)` : '–';
}

function statusOf(m) {
  if (m.servedBy && m.servedBy.length) return `serving on ${m.servedBy.length} instance${m.servedBy.length === 1 ? '' : 's'}`;
  const rejected = (m.decisions || []).filter((d) => d.outcome === 'REJECTED');
  if (rejected.length) return `rejected: ${rejected[0].code}`;
  if ((m.decisions || []).some((d) => d.outcome === 'SERVING')) return 'replaced';
  return m.check && m.check.status === 'PENDING' ? 'being checked' : '–';
}

function renderModels(list) {
  models = list;
  renderAccuracy();
  const body = $('models-table').tBodies[0];
  if (selectedVersion == null && list.length) {
    const serving = list.find((m) => m.servedBy.length) || list[0];
    selectedVersion = serving.version;
  }
  body.replaceChildren(...list.map((m) => {
    const t = m.training;
    const decisions = m.decisions.map((d) => el('div', { class: d.outcome === 'SERVING' ? 'ok' : 'no', title: d.reason || '' },
      `${d.instance}: ${d.outcome === 'SERVING' ? 'accepted' : 'rejected, ' + d.code}`));
    const row = el('tr', { class: 'selectable' + (m.servedBy.length ? ' served' : '') + (m.version === selectedVersion ? ' selected' : ''), 'data-version': m.version },
      el('td', {}, 'v' + m.version + (m.rollbackOf ? ` (rollback to v${m.rollbackOf})` : '')),
      el('td', {}, when(m.publishedAt)),
      el('td', {}, t ? `${t.recipe}, ${t.epochs.toFixed(2)} epochs, ${t.examplesSeen.toLocaleString()} examples` : '–'),
      el('td', {}, t && t.testAccuracy != null ? `${pct(t.testAccuracy)} of ${t.testExamples}` : '–'),
      el('td', {}, m.check.holdoutAccuracy != null ? `${pct(m.check.holdoutAccuracy)} of ${m.check.holdoutExamples}` : m.check.status.toLowerCase().replace('_', ' ')),
      el('td', {}, ...(decisions.length ? decisions : ['no decision yet'])),
      el('td', {}, m.signer || (m.trust === 'UNSIGNED' ? 'unsigned' : '–')),
      el('td', {}, m.servedBy.length ? 'served' : ''));
    row.addEventListener('click', () => { selectedVersion = m.version; renderModels(models); });
    return row;
  }));
  renderDetail(list.find((m) => m.version === selectedVersion));
}

function renderDetail(m) {
  const target = $('model-detail');
  if (!m) { target.replaceChildren(); return; }
  const parts = [el('h2', {}, `v${m.version}`)];
  parts.push(el('p', {}, `Snapshot: ${m.trust ? m.trust.toLowerCase() : 'not seen'}` + (m.signer ? `, signed by ${m.signer}` : '') +
    `. Console's check: ${m.check.status.toLowerCase().replace('_', ' ')}` + (m.check.code ? ` (${m.check.code})` : '') +
    (m.check.reason ? `: ${m.check.reason}` : '.')));
  for (const d of m.decisions) {
    parts.push(el('p', { class: d.outcome === 'SERVING' ? 'ok' : 'no' },
      `${d.instance} ${d.outcome === 'SERVING' ? 'accepted it' : 'rejected it'} at ${when(d.decidedAt)}` +
      (d.holdoutAccuracy != null ? `, holdout ${pct(d.holdoutAccuracy)}` : '') + (d.code ? ` (${d.code}: ${d.reason})` : '')));
  }
  if (m.check.confusion) {
    parts.push(el('h3', {}, `Confusion matrix on the holdout set (rows: true digit, columns: predicted), ${m.check.holdoutExamples} images`));
    const grid = el('div', { class: 'confusion', id: 'confusion' });
    grid.append(el('div', { class: 'head' }, ''));
    for (let c = 0; c < 10; c++) grid.append(el('div', { class: 'head' }, c));
    m.check.confusion.forEach((row, label) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      grid.append(el('div', { class: 'head' }, label));
      row.forEach((n, predicted) => {
        const share = n / total;
        const cell = el('div', { title: `label ${label}, predicted ${predicted}: ${n}` }, n || '');
        cell.style.background = label === predicted ? `rgba(22,163,74,${0.15 + 0.85 * share})` : n ? `rgba(220,38,38,${0.15 + 0.85 * Math.min(1, share * 5)})` : '#f8fafc';
        grid.append(cell);
      });
    });
    parts.push(grid);
  }
  target.replaceChildren(...parts);
}

// ---- timeline
let timelineSeen = 0;
const timelineEntries = [];

function addTimeline(entry) {
  if (entry.sequence <= timelineSeen) return; // already shown (a resumed stream may repeat one)
  timelineSeen = entry.sequence;
  timelineEntries.push(entry);
  timelineEntries.sort((a, b) => b.at - a.at);
  if (timelineEntries.length > 200) timelineEntries.length = 200;
  $('timeline').replaceChildren(...timelineEntries.map((e) =>
    el('li', { class: e.kind, 'data-version': e.version }, el('time', {}, clock(e.at)), e.text)));
}

// ---- the stream
function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('state', (e) => { $('banner-console').hidden = true; renderState(JSON.parse(e.data)); });
  events.addEventListener('models', (e) => renderModels(JSON.parse(e.data)));
  events.addEventListener('timeline', (e) => addTimeline(JSON.parse(e.data)));
  events.onerror = () => { $('banner-console').hidden = false; };
}
connect();
setInterval(() => { if (Date.now() - lastStateAt > 3000) $('banner-console').hidden = false; }, 1000);

// ---- drawing
const canvas = $('draw-canvas');
const pen = canvas.getContext('2d');
let strokes = 0;
let drawing = false;
let sendTimer = null;

function clearCanvas() {
  pen.fillStyle = '#fff';
  pen.fillRect(0, 0, canvas.width, canvas.height);
  strokes = 0;
}
clearCanvas();

function point(e) {
  const r = canvas.getBoundingClientRect();
  return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
}
canvas.addEventListener('pointerdown', (e) => {
  e.preventDefault();
  clearTimeout(sendTimer);
  drawing = true;
  canvas.setPointerCapture(e.pointerId);
  pen.strokeStyle = '#000';
  pen.lineWidth = Number($('pen').value);
  pen.lineCap = 'round';
  pen.lineJoin = 'round';
  const [x, y] = point(e);
  pen.beginPath();
  pen.moveTo(x, y);
  pen.lineTo(x + 0.01, y);
  pen.stroke();
});
canvas.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  const [x, y] = point(e);
  pen.lineTo(x, y);
  pen.stroke();
});
const endStroke = () => {
  if (!drawing) return;
  drawing = false;
  strokes++;
  // a 4 or a 7 with a bar takes more than one stroke: send once the pen has rested a moment
  clearTimeout(sendTimer);
  sendTimer = setTimeout(send, 600);
};
canvas.addEventListener('pointerup', endStroke);
canvas.addEventListener('pointercancel', endStroke);
$('clear').addEventListener('click', () => { clearTimeout(sendTimer); clearCanvas(); });
$('send').addEventListener('click', () => { clearTimeout(sendTimer); send(); });

let sending = 0;
function send() {
  const attempt = ++sending;
  const started = Date.now();
  const status = $('result-status');
  status.textContent = 'Sent; waiting for the pipeline…';
  const tick = setInterval(() => {
    if (attempt === sending) status.textContent = `Sent; waiting for the pipeline… ${((Date.now() - started) / 1000).toFixed(0)} s`;
  }, 1000);
  canvas.toBlob((blob) => {
    fetch('/api/draw', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: blob })
      .then((r) => (r.ok ? r.json() : r.text().then((t) => ({ status: 'NOT_SENT', code: 'HTTP_' + r.status, reason: t }))))
      .catch((e) => ({ status: 'NOT_SENT', code: 'NO_CONSOLE', reason: 'the console did not answer: ' + e }))
      .then((outcome) => { clearInterval(tick); if (attempt === sending) showOutcome(outcome); });
  }, 'image/png');
}

function showOutcome(o) {
  const status = $('result-status');
  status.dataset.id = o.id || '';
  status.dataset.status = o.status;
  $('result-prediction').hidden = o.status !== 'PREDICTED';
  $('result-deadletter').hidden = o.status === 'PREDICTED';
  if (o.status === 'PREDICTED') {
    status.textContent = `Predicted (${o.id})`;
    $('result-digit').textContent = o.digit;
    $('result-confidence').textContent = pct(o.confidence);
    // the classifier's own judgement (--uncertain-below), absent from older classifiers' answers
    const uncertain = o.uncertain === true;
    $('result-prediction').classList.toggle('uncertain', uncertain);
    $('result-uncertain').hidden = !uncertain;
    $('result-uncertain').textContent = uncertain ? "uncertain: below the classifier's threshold" : '';
    $('result-version').textContent = 'v' + o.modelVersion;
    $('result-roundtrip').textContent = o.roundTripMs + ' ms';
    probabilityChart(o.probabilities);
  } else if (o.status === 'DEAD_LETTER') {
    status.textContent = `Refused by the classifier (${o.id}), sent to the dead-letter topic after ${o.roundTripMs} ms`;
    $('deadletter-code').textContent = o.code;
    $('deadletter-reason').textContent = o.reason;
  } else {
    status.textContent = o.status === 'NO_ANSWER' ? `No answer within ${Math.round(o.waitedMs / 1000)} s` : 'Not sent';
    $('deadletter-code').textContent = o.code || o.status;
    $('deadletter-reason').textContent = o.reason;
  }
  drawInput(o.input);
  drawMaps(o.featureMaps);
}

function greyImage(target, values) {
  const g = target.getContext('2d');
  const image = g.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = values ? values[i] : 0;
    image.data.set([v, v, v, 255], i * 4);
  }
  g.putImageData(image, 0, 0);
}

function drawInput(input) { greyImage($('seen-input'), input); }

function drawMaps(maps) {
  const target = $('feature-maps');
  $('maps-version').textContent = maps ? `(v${maps.version})` : '(not available: the console has not loaded this version)';
  if (!maps) { target.replaceChildren(); return; }
  target.replaceChildren(...maps.maps.map((b64, k) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const c = el('canvas', { width: 28, height: 28, class: 'feature-map' });
    const w = maps.kernels[k].map((x) => x.toFixed(2));
    c.title = `kernel ${k}: peak ${maps.peaks[k].toFixed(2)}\n${w.slice(0, 3).join(' ')}\n${w.slice(3, 6).join(' ')}\n${w.slice(6).join(' ')}`;
    greyImage(c, bytes);
    return c;
  }));
}
