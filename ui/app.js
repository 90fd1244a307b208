/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kconnect web console: plain JavaScript over the worker's own REST
 * API (same origin), no framework and no build step. The connector list
 * comes from GET /connectors?expand=status&expand=info every few
 * seconds; per-task record rates come from GET /metrics when the worker
 * serves it (the console works without it) and are computed here from the
 * counters' deltas, so they work under any metrics naming scheme.
 */
'use strict';

const REFRESH_MS = 2000;
const SPARK_POINTS = 150; /* five minutes at REFRESH_MS */
const METRICS_RETRY_MS = 30000;
const HIDDEN = '[hidden]';

const state = {
    connectors: {},   /* name -> {status, info} */
    selected: null,
    metricsOk: null,  /* null: not tried yet */
    metricsTriedAt: 0,
    rates: {},        /* "name/task" -> {prev: {t, in, out}, series: []} */
    secrets: {},      /* name -> {key: true} for PASSWORD keys */
    secretsFor: {},   /* name -> {sig: the config read for, done: promise} */
    offsetsShownFor: null,
    editing: null,    /* null: create; else the connector's name */
    editOriginal: {}, /* the edited connector's real values of hidden keys */
    restart: { includeTasks: false, onlyFailed: false }
};

/* ---- helpers ---------------------------------------------------------- */

function $(sel, root) { return (root || document).querySelector(sel); }

function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === null || v === undefined || v === false) {
            continue;
        }
        if (k === 'onclick') {
            e.addEventListener('click', v);
        } else if (k === 'text') {
            e.textContent = v;
        } else {
            e.setAttribute(k, v === true ? '' : v);
        }
    }
    for (const c of children) {
        if (c !== null && c !== undefined) {
            e.append(c instanceof Node ? c : String(c));
        }
    }
    return e;
}

function enc(s) { return encodeURIComponent(s); }

/* A REST call: the parsed JSON answer, or an Error carrying the API's
 * message (its {"error_code","message"} body). */
async function api(method, path, body) {
    const opts = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
        opts.headers['Content-Type'] = 'application/json';
        opts.body = JSON.stringify(body);
    }
    const r = await fetch(path, opts);
    const text = await r.text();
    let json = null;
    if (text) {
        try { json = JSON.parse(text); } catch (e) { json = null; }
    }
    if (!r.ok) {
        const msg = json && json.message ? json.message : r.status + ' ' + r.statusText;
        const err = new Error(msg);
        err.status = r.status;
        throw err;
    }
    return json;
}

function banner(msg, ok) {
    const b = $('#banner');
    b.textContent = msg || '';
    b.classList.toggle('hidden', !msg);
    b.classList.toggle('ok', !!ok);
}

function stateBadge(s) {
    return el('span', { class: 'state state-' + s, 'data-state': s, text: s });
}

function fmtRate(v) {
    if (v === null || v === undefined) {
        return '–';
    }
    return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function sparkline(points, key) {
    const w = 90, h = 20;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    const vals = points.map(p => p[key]).filter(v => v !== null);
    if (vals.length < 2) {
        return svg;
    }
    const max = Math.max(...vals, 1e-9);
    /* A fresh page fills the width after a minute, then it scrolls. */
    const step = w / (Math.min(Math.max(vals.length, 30), SPARK_POINTS) - 1);
    const x0 = w - (vals.length - 1) * step;
    const pts = vals.map((v, i) =>
        (x0 + i * step).toFixed(1) + ',' + (h - 1 - (v / max) * (h - 2)).toFixed(1));
    const pl = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    pl.setAttribute('points', pts.join(' '));
    svg.append(pl);
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = 'records/s over the last ' +
        Math.round(vals.length * REFRESH_MS / 1000) + ' s, peak ' + fmtRate(max);
    svg.append(title);
    return svg;
}

/* ---- metrics ---------------------------------------------------------- */

/* Counter names of every scheme docs/metrics.md lists (Strimzi JMX
 * exporter, jmx_exporter default, Strimzi reporter). */
const IN_RE = /(source_record_poll|sink_record_read)(_total)?$/;
const OUT_RE = /(source_record_write|sink_record_send)(_total)?$/;

function parseLabels(s) {
    const out = {};
    const re = /([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"/g;
    let m;
    while ((m = re.exec(s)) !== null) {
        out[m[1]] = m[2].replace(/\\(.)/g, (x, c) => (c === 'n' ? '\n' : c));
    }
    return out;
}

/* {"name/task": {in, out}} from the Prometheus text exposition. */
function parseMetrics(text) {
    const out = {};
    const line = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
    for (const l of text.split('\n')) {
        if (l === '' || l[0] === '#') {
            continue;
        }
        const m = line.exec(l);
        if (!m) {
            continue;
        }
        const dir = IN_RE.test(m[1]) ? 'in' : OUT_RE.test(m[1]) ? 'out' : null;
        if (dir === null) {
            continue;
        }
        const lab = parseLabels(m[2] || '');
        if (lab.connector === undefined || lab.task === undefined) {
            continue;
        }
        const key = lab.connector + '/' + lab.task;
        out[key] = out[key] || { in: null, out: null };
        out[key][dir] = Number(m[3]);
    }
    return out;
}

async function refreshMetrics(now) {
    if (state.metricsOk === false && now - state.metricsTriedAt < METRICS_RETRY_MS) {
        return;
    }
    state.metricsTriedAt = now;
    let counters;
    try {
        const r = await fetch('/metrics', { headers: { Accept: 'text/plain' } });
        if (!r.ok) {
            throw new Error(String(r.status));
        }
        counters = parseMetrics(await r.text());
        state.metricsOk = true;
    } catch (e) {
        state.metricsOk = false;
        return;
    }
    for (const [key, c] of Object.entries(counters)) {
        const r = state.rates[key] || (state.rates[key] = { prev: null, series: [] });
        let rin = null, rout = null;
        if (r.prev !== null) {
            const dt = (now - r.prev.t) / 1000;
            /* A restarted task starts its counters again: no rate then. */
            if (dt > 0 && c.in !== null && r.prev.in !== null && c.in >= r.prev.in) {
                rin = (c.in - r.prev.in) / dt;
            }
            if (dt > 0 && c.out !== null && r.prev.out !== null && c.out >= r.prev.out) {
                rout = (c.out - r.prev.out) / dt;
            }
            r.series.push({ in: rin, out: rout });
            if (r.series.length > SPARK_POINTS) {
                r.series.shift();
            }
        }
        r.prev = { t: now, in: c.in, out: c.out };
    }
}

function lastRate(name, task, dir) {
    const r = state.rates[name + '/' + task];
    if (!r || r.series.length === 0) {
        return null;
    }
    return r.series[r.series.length - 1][dir];
}

function connectorRate(name, dir) {
    const c = state.connectors[name];
    if (!c || !c.status || !state.metricsOk) {
        return null;
    }
    let sum = null;
    for (const t of c.status.tasks || []) {
        const v = lastRate(name, t.id, dir);
        if (v !== null) {
            sum = (sum || 0) + v;
        }
    }
    return sum;
}

/* ---- the connector list ----------------------------------------------- */

async function refresh() {
    const now = Date.now();
    try {
        state.connectors = await api('GET', '/connectors?expand=status&expand=info');
    } catch (e) {
        banner('Could not list the connectors: ' + e.message);
        return;
    }
    await refreshMetrics(now);
    $('#metrics-state').textContent = state.metricsOk ? '' :
        'rates need GET /metrics (not served by this worker)';
    renderList();
    if (state.selected !== null) {
        if (state.connectors[state.selected] === undefined) {
            closeDetail();
        } else {
            renderDetail();
        }
    }
}

function taskSummary(status) {
    const tasks = (status && status.tasks) || [];
    const span = el('span', { class: 'tasks' });
    if (tasks.length === 0) {
        span.append(el('span', { class: 'muted', text: 'none' }));
    }
    for (const t of tasks) {
        const b = stateBadge(t.state);
        b.textContent = t.id;
        b.title = 'task ' + t.id + ': ' + t.state + ' on ' + t.worker_id;
        span.append(b, ' ');
    }
    return span;
}

/* Redraw only what changed, so a selection in the page (a trace being
 * copied) survives the refreshes. */
const drawn = {};
function changed(part, inputs) {
    const sig = JSON.stringify(inputs);
    if (drawn[part] === sig) {
        return false;
    }
    drawn[part] = sig;
    return true;
}

function renderList() {
    const body = $('#connectors tbody');
    const names = Object.keys(state.connectors).sort();
    if (!changed('list', [state.connectors, state.selected, state.metricsOk,
                          names.map(n => [connectorRate(n, 'in'), connectorRate(n, 'out')])])) {
        return;
    }
    body.replaceChildren(...names.map(name => {
        const c = state.connectors[name];
        const st = c.status || {};
        const info = c.info || {};
        const cfg = info.config || {};
        const tr = el('tr', { class: 'row' + (name === state.selected ? ' selected' : ''),
                              'data-connector': name,
                              onclick: () => select(name) },
            el('td', {}, el('a', { href: '#' + enc(name), text: name })),
            el('td', { text: st.type || info.type || '' }),
            el('td', { class: 'muted', text: cfg['connector.class'] || '' }),
            el('td', {}, stateBadge((st.connector || {}).state || 'UNKNOWN')),
            el('td', {}, taskSummary(st)),
            el('td', { class: 'rate', text: fmtRate(connectorRate(name, 'in')) }),
            el('td', { class: 'rate', text: fmtRate(connectorRate(name, 'out')) }));
        return tr;
    }));
    $('#empty').classList.toggle('hidden', names.length > 0);
}

/* ---- one connector ---------------------------------------------------- */

function select(name) {
    state.selected = name;
    state.offsetsShownFor = null;
    if (location.hash !== '#' + enc(name)) {
        history.replaceState(null, '', '#' + enc(name));
    }
    $('#detail').replaceChildren();
    renderList();
    renderDetail();
}

function closeDetail() {
    state.selected = null;
    state.offsetsShownFor = null;
    $('#detail').classList.add('hidden');
    $('#detail').replaceChildren();
    history.replaceState(null, '', location.pathname);
}

async function act(label, method, path) {
    try {
        await api(method, path);
        banner(label + ': done', true);
    } catch (e) {
        banner(label + ' failed: ' + e.message);
    }
    await refresh();
}

/* The keys the connector's plugin declares PASSWORD, from the validate
 * endpoint (which answers "[hidden]" for them, as Apache does). */
function loadSecrets(name, cfg) {
    const sig = JSON.stringify(cfg);
    const seen = state.secretsFor[name];
    if (seen !== undefined && seen.sig === sig) {
        return seen.done; /* the same answer, maybe still on its way */
    }
    const done = readSecrets(name, cfg);
    state.secretsFor[name] = { sig, done };
    return done;
}

async function readSecrets(name, cfg) {
    const secrets = {};
    try {
        const v = await api('PUT', '/connector-plugins/' +
                            enc(cfg['connector.class'] || '') + '/config/validate', cfg);
        for (const c of v.configs || []) {
            if (c.definition && c.definition.type === 'PASSWORD') {
                secrets[c.definition.name] = true;
            }
        }
    } catch (e) {
        /* No plugin answer: hide what looks like a secret. */
        for (const k of Object.keys(cfg)) {
            if (/password|secret/i.test(k)) {
                secrets[k] = true;
            }
        }
    }
    state.secrets[name] = secrets;
    if (state.selected === name) {
        renderDetail();
    }
}

/* Until the plugin has said which keys are secrets, no value is shown. */
function shownValue(name, key, value) {
    const s = state.secrets[name];
    if (s === undefined) {
        return HIDDEN;
    }
    return s[key] ? HIDDEN : value;
}

function section(id, ...children) {
    return el('div', { id }, ...children);
}

function renderDetail() {
    const name = state.selected;
    const c = state.connectors[name];
    const pane = $('#detail');
    if (!c) {
        return;
    }
    pane.classList.remove('hidden');
    const st = c.status || { connector: {}, tasks: [] };
    const info = c.info || { config: {} };
    const cstate = (st.connector || {}).state || 'UNKNOWN';
    const cfg = info.config || {};
    loadSecrets(name, cfg);
    if (!changed('detail', [name, c, state.secrets[name], state.metricsOk,
                            (st.tasks || []).map(t => state.rates[name + '/' + t.id] || null)]) &&
        pane.firstChild !== null) {
        return;
    }

    /* The page is redrawn every REFRESH_MS: the boxes live in state. */
    const incl = el('input', { type: 'checkbox', id: 'restart-include-tasks',
                               checked: state.restart.includeTasks });
    const only = el('input', { type: 'checkbox', id: 'restart-only-failed',
                               checked: state.restart.onlyFailed });
    incl.addEventListener('change', () => { state.restart.includeTasks = incl.checked; });
    only.addEventListener('change', () => { state.restart.onlyFailed = only.checked; });
    const head = section('d-head',
        el('h2', {}, name, ' ', stateBadge(cstate)),
        el('table', { class: 'kv' }, el('tbody', {},
            el('tr', {}, el('td', { text: 'type' }), el('td', { text: st.type || info.type || '' })),
            el('tr', {}, el('td', { text: 'class' }), el('td', { text: cfg['connector.class'] || '' })),
            el('tr', {}, el('td', { text: 'worker' }), el('td', { text: (st.connector || {}).worker_id || '' })))),
        el('div', { class: 'actions' },
            el('button', { id: 'btn-pause', type: 'button', text: 'Pause',
                           onclick: () => act('Pause', 'PUT', '/connectors/' + enc(name) + '/pause') }),
            el('button', { id: 'btn-resume', type: 'button', text: 'Resume',
                           onclick: () => act('Resume', 'PUT', '/connectors/' + enc(name) + '/resume') }),
            el('button', { id: 'btn-stop', type: 'button', text: 'Stop',
                           onclick: () => act('Stop', 'PUT', '/connectors/' + enc(name) + '/stop') }),
            el('button', { id: 'btn-restart', type: 'button', text: 'Restart',
                           onclick: () => act('Restart', 'POST', '/connectors/' + enc(name) +
                               '/restart?includeTasks=' + incl.checked + '&onlyFailed=' + only.checked) }),
            el('label', {}, incl, ' include tasks'),
            el('label', {}, only, ' only failed'),
            el('button', { id: 'btn-edit', type: 'button', text: 'Edit config',
                           onclick: () => openEditor(name) }),
            el('button', { id: 'btn-delete', type: 'button', class: 'danger', text: 'Delete',
                           onclick: () => {
                               if (confirm('Delete connector ' + name + '?')) {
                                   act('Delete', 'DELETE', '/connectors/' + enc(name)).then(closeDetail);
                               }
                           } })));
    if ((st.connector || {}).trace) {
        head.append(el('h3', { text: 'Connector error' }),
                    el('pre', { class: 'trace', text: st.connector.trace }));
    }

    const tasks = section('d-tasks', el('h3', { text: 'Tasks' }));
    const tbody = el('tbody');
    for (const t of st.tasks || []) {
        const series = (state.rates[name + '/' + t.id] || { series: [] }).series;
        tbody.append(el('tr', { 'data-task': t.id },
            el('td', { text: t.id }),
            el('td', {}, stateBadge(t.state)),
            el('td', { text: t.worker_id || '' }),
            el('td', { class: 'rate' }, fmtRate(lastRate(name, t.id, 'in')), ' ',
               state.metricsOk ? sparkline(series, 'in') : null),
            el('td', { class: 'rate' }, fmtRate(lastRate(name, t.id, 'out')), ' ',
               state.metricsOk ? sparkline(series, 'out') : null),
            el('td', {}, el('button', { type: 'button', text: 'Restart task',
                onclick: () => act('Restart task ' + t.id, 'POST',
                                   '/connectors/' + enc(name) + '/tasks/' + t.id + '/restart') }))));
        if (t.trace) {
            tbody.append(el('tr', { class: 'trace-row' },
                el('td', { colspan: 6 }, el('pre', { class: 'trace', text: t.trace }))));
        }
    }
    tasks.append(el('table', {},
        el('thead', {}, el('tr', {}, ...['Task', 'State', 'Worker', 'In/s', 'Out/s', '']
            .map(h => el('th', { text: h })))), tbody));

    const config = section('d-config', el('h3', { text: 'Config' }),
        el('table', { class: 'kv' }, el('tbody', {}, ...Object.keys(cfg).sort().map(k =>
            el('tr', { 'data-key': k }, el('td', { text: k }),
               el('td', {}, el('code', { text: shownValue(name, k, cfg[k]) })))))));

    /* Rebuilt in place, except the offsets editor, which keeps what the
     * user typed until the connector leaves STOPPED. */
    let offsets = $('#d-offsets', pane);
    if (cstate !== 'STOPPED') {
        offsets = section('d-offsets', el('h3', { text: 'Offsets' }),
            el('p', { class: 'muted', text: 'Stop the connector to see and edit its offsets.' }));
        state.offsetsShownFor = null;
    } else if (state.offsetsShownFor !== name || offsets === null) {
        offsets = offsetsSection(name);
        state.offsetsShownFor = name;
    }
    pane.replaceChildren(head, tasks, config, offsets);
}

function offsetsSection(name) {
    const ta = el('textarea', { id: 'offsets-json', rows: 10, spellcheck: 'false' });
    const status = el('span', { class: 'muted' });
    const load = async () => {
        try {
            const o = await api('GET', '/connectors/' + enc(name) + '/offsets');
            ta.value = JSON.stringify(o, null, 2);
            status.textContent = '';
        } catch (e) {
            status.textContent = 'could not read the offsets: ' + e.message;
        }
    };
    const alter = async () => {
        let body;
        try {
            body = JSON.parse(ta.value);
        } catch (e) {
            status.textContent = 'not JSON: ' + e.message;
            return;
        }
        try {
            const r = await api('PATCH', '/connectors/' + enc(name) + '/offsets', body);
            banner((r && r.message) || 'offsets altered', true);
            await load();
        } catch (e) {
            banner('Altering the offsets failed: ' + e.message);
        }
    };
    const reset = async () => {
        if (!confirm('Reset every offset of ' + name + '?')) {
            return;
        }
        try {
            const r = await api('DELETE', '/connectors/' + enc(name) + '/offsets');
            banner((r && r.message) || 'offsets reset', true);
            await load();
        } catch (e) {
            banner('Resetting the offsets failed: ' + e.message);
        }
    };
    load();
    return section('d-offsets', el('h3', { text: 'Offsets' }),
        el('p', { class: 'muted' }, 'Edit and apply (PATCH), or reset all (DELETE); see KIP-875.'),
        ta,
        el('div', { class: 'actions' },
            el('button', { id: 'btn-offsets-alter', type: 'button', class: 'primary',
                           text: 'Apply offsets', onclick: alter }),
            el('button', { id: 'btn-offsets-reload', type: 'button', text: 'Reload', onclick: load }),
            el('button', { id: 'btn-offsets-reset', type: 'button', class: 'danger',
                           text: 'Reset offsets', onclick: reset }),
            status));
}

/* ---- create / edit ---------------------------------------------------- */

async function openEditor(name) {
    state.editing = name;
    state.editOriginal = {};
    $('#editor-title').textContent = name === null ? 'New connector' : 'Edit ' + name;
    $('#editor-fields').classList.add('hidden');
    $('#editor-status').textContent = '';
    let text;
    if (name === null) {
        text = JSON.stringify({
            name: 'my-connector',
            config: {
                'connector.class': 'FileStreamSource',
                'tasks.max': '1',
                file: '/tmp/input.txt',
                topic: 'my-topic'
            }
        }, null, 2);
    } else {
        try {
            const cfg = await api('GET', '/connectors/' + enc(name) + '/config');
            await loadSecrets(name, cfg);
            const shown = {};
            for (const [k, v] of Object.entries(cfg)) {
                if (shownValue(name, k, v) === HIDDEN) {
                    state.editOriginal[k] = v;
                    shown[k] = HIDDEN;
                } else {
                    shown[k] = v;
                }
            }
            text = JSON.stringify(shown, null, 2);
        } catch (e) {
            banner('Could not read the config: ' + e.message);
            return;
        }
    }
    $('#editor-json').value = text;
    $('#editor').classList.remove('hidden');
    $('#editor-json').focus();
}

/* {name, config} from the editor, hidden secrets put back, or throws. */
function editorInput() {
    const obj = JSON.parse($('#editor-json').value);
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
        throw new Error('the JSON must be an object');
    }
    let name = state.editing;
    let config = obj;
    if (obj.config !== undefined && typeof obj.config === 'object') {
        config = obj.config;
        name = obj.name !== undefined ? String(obj.name) : name;
    } else if (name === null) {
        name = config.name;
    }
    config = Object.assign({}, config);
    for (const [k, v] of Object.entries(config)) {
        if (v === HIDDEN && state.editOriginal[k] !== undefined) {
            config[k] = state.editOriginal[k];
        }
    }
    for (const [k, v] of Object.entries(config)) {
        if (v !== null && typeof v !== 'string') {
            config[k] = String(v);
        }
    }
    if (name !== null && name !== undefined && config.name === undefined) {
        config.name = name;
    }
    return { name, config };
}

/* Runs the validate endpoint and shows each field's errors next to it;
 * returns the error count (or -1 when validation could not run). */
async function validate() {
    const status = $('#editor-status');
    const tbody = $('#editor-fields tbody');
    let input;
    try {
        input = editorInput();
    } catch (e) {
        status.textContent = 'not valid JSON: ' + e.message;
        return -1;
    }
    const cfg = input.config;
    const errors = {};
    let count = 0;
    if (!cfg['connector.class']) {
        errors['connector.class'] = ['Missing required configuration "connector.class" which has no default value.'];
        count = 1;
    } else {
        try {
            const v = await api('PUT', '/connector-plugins/' + enc(cfg['connector.class']) +
                                '/config/validate', cfg);
            count = v.error_count;
            for (const c of v.configs || []) {
                if (c.value && c.value.errors && c.value.errors.length > 0) {
                    errors[c.value.name] = c.value.errors;
                }
            }
        } catch (e) {
            errors['connector.class'] = [e.message];
            count = 1;
        }
    }
    const keys = Object.keys(cfg);
    for (const k of Object.keys(errors)) {
        if (!keys.includes(k)) {
            keys.push(k);
        }
    }
    tbody.replaceChildren(...keys.map(k => {
        const errs = errors[k] || [];
        const value = cfg[k] === undefined ? '' :
            (state.editOriginal[k] !== undefined && cfg[k] === state.editOriginal[k]) ? HIDDEN : cfg[k];
        return el('tr', { 'data-field': k, class: errs.length ? 'invalid' : null },
            el('td', {}, el('code', { text: k })),
            el('td', {}, el('code', { text: value })),
            el('td', { class: 'err' }, ...errs.map(m => el('span', { class: 'field-error', text: m }))));
    }));
    $('#editor-fields').classList.remove('hidden');
    status.textContent = count === 0 ? 'valid' : count + ' error' + (count === 1 ? '' : 's');
    return count;
}

async function save() {
    const n = await validate();
    if (n !== 0) {
        return;
    }
    const input = editorInput();
    try {
        if (state.editing === null) {
            await api('POST', '/connectors', { name: input.name, config: input.config });
        } else {
            await api('PUT', '/connectors/' + enc(state.editing) + '/config', input.config);
        }
    } catch (e) {
        $('#editor-status').textContent = 'not saved: ' + e.message;
        return;
    }
    $('#editor').classList.add('hidden');
    banner('Saved ' + input.name, true);
    await refresh();
    select(input.name);
}

/* ---- start ------------------------------------------------------------ */

$('#new-connector').addEventListener('click', () => openEditor(null));
$('#editor-validate').addEventListener('click', validate);
$('#editor-save').addEventListener('click', save);
$('#editor-cancel').addEventListener('click', () => $('#editor').classList.add('hidden'));

(async function start() {
    try {
        const root = await api('GET', '/');
        $('#worker').textContent = 'version ' + root.version +
            (root.kafka_cluster_id ? ' · cluster ' + root.kafka_cluster_id : '');
    } catch (e) {
        /* refresh() reports it */
    }
    await refresh();
    if (location.hash.length > 1) {
        const name = decodeURIComponent(location.hash.slice(1));
        if (state.connectors[name] !== undefined) {
            select(name);
        }
    }
    setInterval(refresh, REFRESH_MS);
})();
