// The jazu demo page: live conversion of the text area, with repairs marked in the output.
// URL parameters: ?from=auto&to=latn-2021 pick the schemes; ?sample=0 starts empty.
import init, { convertWithChanges, detect, schemes } from './jazu/jazu.js';

const $ = (id) => document.getElementById(id);
const src = $('src');
const out = $('out');
const fromSel = $('from');
const toSel = $('to');
const status = $('status');
const detected = $('detected');
const changesList = $('changes');

const state = { output: '', error: false, fileBase: 'jazu', names: new Map(), timer: 0, statusTimer: 0 };
const timing = (window.jazuTiming = { wasmReady: null, firstConversion: null });

/** Large inputs are converted after a short pause in typing instead of on every key. */
const LIVE_LIMIT = 200_000;

function options() {
  return {
    repair: $('opt-repair').checked,
    protect: $('opt-protect').checked,
    html: $('opt-html').checked,
  };
}

function codePoints(s) {
  return [...s].map((c) => `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** Which characters a repair changed, with their code points: the part of `before` and
 *  `after` between their common beginning and end. */
function difference(before, after) {
  const a = [...before];
  const b = [...after];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const was = a.slice(start, a.length - end).join('');
  const now = b.slice(start, b.length - end).join('');
  return `${was} (${codePoints(was)}) → ${now} (${codePoints(now)})`;
}

function reason(change) {
  return `${change.description}\n${difference(change.before, change.after)}`;
}

function render(text, changes) {
  const frag = document.createDocumentFragment();
  let at = 0;
  changes.forEach((change, i) => {
    if (change.outputOffset === null || change.outputOffset < at) return;
    frag.append(text.slice(at, change.outputOffset));
    const mark = document.createElement('mark');
    const word = text.slice(change.outputOffset, change.outputOffset + change.outputLength);
    mark.textContent = word;
    mark.id = `change-${i}`;
    mark.tabIndex = 0;
    mark.dataset.reason = reason(change);
    mark.dataset.repair = change.repair;
    mark.setAttribute('aria-label', `${word}: ${change.description}, ${difference(change.before, change.after)}`);
    frag.append(mark);
    at = change.outputOffset + change.outputLength;
  });
  frag.append(text.slice(at));
  out.replaceChildren(frag);

  const items = changes.map((change, i) => {
    const li = document.createElement('li');
    li.append(`“${change.before}” → “${change.after}”: ${change.description}; ${difference(change.before, change.after)} `);
    if (change.outputOffset !== null) {
      const show = document.createElement('button');
      show.type = 'button';
      show.textContent = 'Show';
      show.setAttribute('aria-label', `Show “${change.after}” in the output`);
      show.addEventListener('click', () => {
        const mark = $(`change-${i}`);
        mark?.scrollIntoView({ block: 'nearest' });
        mark?.focus();
      });
      li.append(show);
    }
    return li;
  });
  changesList.replaceChildren(...items);
  $('changes-title').textContent = changes.length ? `Repairs (${changes.length})` : 'Repairs (none)';
}

function say(message, isError = false) {
  clearTimeout(state.statusTimer);
  status.classList.toggle('error', isError);
  if (isError) {
    status.textContent = message;
  } else {
    // Announce the summary once typing pauses, not on every key.
    state.statusTimer = setTimeout(() => (status.textContent = message), 400);
  }
}

function run() {
  clearTimeout(state.timer);
  const text = src.value;
  let result;
  try {
    result = convertWithChanges(text, fromSel.value, toSel.value, options());
  } catch (e) {
    state.output = '';
    state.error = true;
    out.replaceChildren();
    changesList.replaceChildren();
    say(e.message, true);
    return;
  }
  state.output = result.text;
  state.error = false;
  render(result.text, result.changes);
  if (fromSel.value === 'auto') {
    const id = text ? detect(text) : null;
    detected.textContent = id ? `detected: ${state.names.get(id) ?? id}` : '';
  } else {
    detected.textContent = '';
  }
  const n = result.changes.length;
  say(`${text.length.toLocaleString('en')} characters converted to ${state.names.get(toSel.value)}; ` +
    `${n === 0 ? 'no repairs' : n === 1 ? '1 repair' : `${n} repairs`}.`);
  if (timing.firstConversion === null) {
    timing.firstConversion = performance.now();
    document.documentElement.dataset.ready = 'true';
  }
}

function schedule() {
  clearTimeout(state.timer);
  if (src.value.length > LIVE_LIMIT) state.timer = setTimeout(run, 250);
  else run();
}

function setText(text, fileName) {
  src.value = text;
  if (fileName) state.fileBase = fileName.replace(/\.txt$/i, '') || 'jazu';
  run();
}

async function loadFile(file) {
  if (!file) return;
  if (!(file.type === 'text/plain' || /\.txt$/i.test(file.name))) {
    say(`${file.name} is not a .txt file.`, true);
    return;
  }
  setText(await file.text(), file.name);
}

async function copy() {
  try {
    await navigator.clipboard.writeText(state.output);
  } catch {
    // Clipboard API refused (an insecure origin, say): copy through a selection.
    const area = document.createElement('textarea');
    area.value = state.output;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  say('Output copied to the clipboard.');
}

function download() {
  const blob = new Blob([state.output], { type: 'text/plain;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${state.fileBase}.${toSel.value}.txt`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function swap() {
  const from = fromSel.value === 'auto' ? detect(src.value) ?? 'cyrl' : fromSel.value;
  const to = toSel.value;
  fromSel.value = to;
  toSel.value = from;
  // After an error there is no output to move: keep the input.
  setText(state.error ? src.value : state.output);
}

async function main() {
  await init();
  timing.wasmReady = performance.now();
  const list = schemes();
  for (const s of list) state.names.set(s.id, s.name);
  const option = (id, label, title) => {
    const o = document.createElement('option');
    o.value = id;
    o.textContent = label;
    if (title) o.title = title;
    return o;
  };
  fromSel.append(option('auto', 'auto (detect)', 'Convert Kazakh Cyrillic words, keep everything else'));
  for (const s of list) {
    const example = s.exampleLatin ? `${s.example} → ${s.exampleLatin}` : s.example;
    fromSel.append(option(s.id, s.name, s.description));
    toSel.append(option(s.id, `${s.name} (${example})`, s.description));
  }
  const params = new URLSearchParams(location.search);
  fromSel.value = list.some((s) => s.id === params.get('from')) ? params.get('from') : 'auto';
  toSel.value = list.some((s) => s.id === params.get('to')) ? params.get('to') : 'latn-2021';
  $('scheme-list').textContent = list.map((s) => `${s.id} (${s.name})`).join(', ');

  src.addEventListener('input', schedule);
  for (const el of [fromSel, toSel, $('opt-repair'), $('opt-protect'), $('opt-html')]) {
    el.addEventListener('change', run);
  }
  $('swap').addEventListener('click', swap);
  $('copy').addEventListener('click', copy);
  $('download').addEventListener('click', download);
  $('file').addEventListener('change', (e) => loadFile(e.target.files[0]));
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    src.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.target === src || !e.relatedTarget) src.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    src.classList.remove('dragging');
    loadFile(e.dataTransfer?.files[0]);
  });

  if (params.get('sample') !== '0' && !src.value) {
    try {
      const response = await fetch('sample.txt');
      if (response.ok) setText(await response.text(), 'news-2025-11-07');
    } catch {
      // Opened without a server: start empty.
    }
  }
  if (timing.firstConversion === null) run();
}

main().catch((e) => say(`Could not start: ${e.message}`, true));
