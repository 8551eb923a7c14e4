// review.html: grading the case's media by keyboard, offline (formats/report/review_html.cpp
// embeds this file and the data). Nothing here makes a network request: thumbnails are files
// beside the page, progress stays in the browser's localStorage, grades leave as a download.
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('review-data').textContent);
  document.getElementById('review-data').remove();  // its text is as large as the parsed rows: let it go
  const col = {};
  data.columns.forEach((name, i) => { col[name] = i; });
  const items = data.items;
  const tables = data.tables;  // the values of the indexed columns (folder, category, camera...)
  const field = (i, name) => {
    const row = items[i];
    if (name === 'path') return tables.dir[row[col.dir]] + row[col.name];
    const v = row[col[name]];
    const table = tables[name];
    return table && v !== null ? table[v] : v;
  };
  const storeKey = 'triage-review:' + data.case.key;
  const byId = (id) => document.getElementById(id);

  // Grades: a cluster's grade applies to its members that need grading; a member graded apart
  // (by SHA-1) keeps its own grade. Undo restores the previous value of what the last key set.
  const saved = (() => { try { return JSON.parse(localStorage.getItem(storeKey) || '{}'); } catch (e) { return {}; } })();
  const state = {
    clusterGrades: saved.clusterGrades || {},
    itemGrades: saved.itemGrades || {},
    grader: saved.grader || '',
    settings: Object.assign({ blur: 16, grey: true, hideMoving: false }, saved.settings || {}),
    undo: [],
  };
  const save = () => {
    localStorage.setItem(storeKey, JSON.stringify({
      clusterGrades: state.clusterGrades, itemGrades: state.itemGrades, grader: state.grader, settings: state.settings }));
  };

  const labels = {};
  data.profile.categories.forEach((c) => { labels[c.code] = c.label; });
  const keyToCode = {};  // a single-character code is its own key; the rest take free digits
  const legend = [];     // [key, code] in the profile's order
  const freeDigits = '123456789'.split('').filter((k) => !data.profile.categories.some((c) => c.code === k));
  data.profile.categories.forEach((c) => {
    let key;
    if (c.code.length === 1 && !'nszu'.includes(c.code.toLowerCase())) key = c.code.toLowerCase();
    else if (freeDigits.length) key = freeDigits.shift();
    if (key === undefined) return;
    keyToCode[key] = c.code;
    legend.push([key, c.code]);
  });

  const gradeOf = (i) => {
    const own = state.itemGrades[field(i, 'sha1')];
    if (own !== undefined) return own;
    const cluster = field(i, 'cluster');
    return cluster && field(i, 'needs') ? state.clusterGrades[cluster] : undefined;
  };

  // The view: tiles (one per cluster, or one per member of the open cluster) over the items the
  // filters keep.
  const view = { cluster: null, tiles: [], focus: 0, unblurred: -1, columns: 1 };
  const filters = { category: '', indicator: '', origin: '', camera: '', source: '', state: '' };
  let everything = false;  // the "all items" switch, read once per building of the tiles
  const keep = (i) => {
    const row = items[i];
    if (!everything && !row[col.needs]) return false;
    for (const key of ['category', 'indicator', 'origin', 'camera', 'source'])  // an index, as the option's value
      if (filters[key] && String(row[col[key]]) !== filters[key]) return false;
    if (filters.state === 'deleted' && !field(i, 'deleted')) return false;
    if (filters.state === 'carved' && !field(i, 'carved')) return false;
    if (filters.state === 'allocated' && (field(i, 'deleted') || field(i, 'carved'))) return false;
    return true;
  };
  const buildTiles = () => {
    everything = byId('all').checked;
    const tiles = [];
    if (view.cluster !== null) {
      for (let i = 0; i < items.length; ++i)  // every member, also those a hash set categorised
        if (field(i, 'cluster') === view.cluster) tiles.push({ cluster: null, members: [i] });
    } else {
      const at = new Map();
      for (let i = 0; i < items.length; ++i) {
        if (!keep(i)) continue;
        const cluster = field(i, 'cluster');
        if (!cluster) { tiles.push({ cluster: null, members: [i] }); continue; }
        let t = at.get(cluster);
        if (!t) { t = { cluster, members: [] }; at.set(cluster, t); tiles.push(t); }
        t.members.push(i);
      }
    }
    view.tiles = tiles;
    view.focus = Math.min(view.focus, Math.max(0, tiles.length - 1));
    view.unblurred = -1;
  };

  const tileGrade = (t) => {
    if (t.cluster !== null) {
      const own = t.members.map((i) => state.itemGrades[field(i, 'sha1')]).filter((g) => g !== undefined);
      const g = state.clusterGrades[t.cluster];
      if (own.length && own.some((x) => x !== g)) return g === undefined ? 'graded apart' : labels[g] + ' (some apart)';
      return g === undefined ? undefined : labels[g];
    }
    const g = gradeOf(t.members[0]);
    return g === undefined ? undefined : labels[g];
  };

  const grid = byId('grid');
  const spacer = byId('spacer');
  const tileSize = 200;
  const tileHeight = tileSize + 50;
  const render = () => {
    const width = grid.clientWidth - 12;
    view.columns = Math.max(1, Math.floor(width / tileSize));
    const rows = Math.ceil(view.tiles.length / view.columns);
    spacer.style.height = rows * tileHeight + 'px';
    const first = Math.max(0, Math.floor(grid.scrollTop / tileHeight) - 1);
    const last = Math.min(rows, Math.ceil((grid.scrollTop + grid.clientHeight) / tileHeight) + 1);
    spacer.replaceChildren();
    for (let r = first; r < last; ++r) {
      for (let c = 0; c < view.columns; ++c) {
        const k = r * view.columns + c;
        if (k >= view.tiles.length) break;
        spacer.appendChild(tileElement(k, r, c));
      }
    }
    byId('status').textContent = (view.cluster !== null ? 'Cluster ' + view.cluster.slice(0, 12) + ': ' : '') +
      view.tiles.length + ' tiles; graded ' + progress.graded + ' of ' + progress.needing + ' items needing grading';
  };
  const progress = { needing: 0, graded: 0 };
  const count = () => {  // after each grade: a pass over the items, not one per scroll event
    progress.needing = 0;
    progress.graded = 0;
    for (let i = 0; i < items.length; ++i) {
      if (!field(i, 'needs')) continue;
      ++progress.needing;
      if (gradeOf(i) !== undefined) ++progress.graded;
    }
  };
  const tileElement = (k, r, c) => {
    const t = view.tiles[k];
    const i = t.members[0];
    const el = document.createElement('div');
    el.className = 'tile' + (k === view.focus ? ' focus' : '') + (k === view.unblurred ? ' unblurred' : '') +
      (tileGrade(t) !== undefined ? ' graded' : '');
    el.style.left = c * tileSize + 'px';
    el.style.top = r * tileHeight + 'px';
    el.dataset.tile = String(k);
    const pic = document.createElement('div');
    pic.className = 'pic';
    const moving = field(i, 'kind') === 'video';
    if (moving && state.settings.hideMoving) {
      pic.appendChild(note('video (preview hidden)'));
    } else {
      const img = document.createElement('img');
      img.loading = 'lazy';
      img.alt = '';
      img.src = 'thumbs/' + field(i, 'sha256') + '.jpg';
      img.addEventListener('error', () => pic.replaceChildren(note('no thumbnail')));
      pic.appendChild(img);
    }
    el.appendChild(pic);
    const size = t.cluster !== null ? field(i, 'cluster_size') : 0;
    if (size > 1) {
      const s = document.createElement('span');
      s.className = 'size';
      s.textContent = '\u00d7' + size;
      el.appendChild(s);
    }
    const grade = tileGrade(t);
    const category = (field(i, 'category') || 'not graded') + (field(i, 'probable') ? ' (probable, PDQ)' : '');
    el.appendChild(caption(grade !== undefined ? grade : category, grade !== undefined));
    el.appendChild(caption(field(i, 'name'), false));  // the whole path in the tile's title
    el.title = field(i, 'path');
    el.addEventListener('click', (e) => {
      if (view.focus === k && e.target.tagName === 'IMG') view.unblurred = view.unblurred === k ? -1 : k;
      else { view.focus = k; view.unblurred = -1; }
      render();
    });
    el.addEventListener('dblclick', () => open(k));
    return el;
  };
  const note = (text) => { const d = document.createElement('div'); d.className = 'none'; d.textContent = text; return d; };
  const caption = (text, bold) => {
    const d = document.createElement('div');
    d.className = 'cap' + (bold ? ' grade' : '');
    d.textContent = text;
    return d;
  };

  const show = (k) => {  // scrolls tile k into view
    const top = Math.floor(k / view.columns) * tileHeight;
    if (top < grid.scrollTop) grid.scrollTop = top;
    else if (top + tileHeight > grid.scrollTop + grid.clientHeight) grid.scrollTop = top + tileHeight - grid.clientHeight;
  };
  const moveTo = (k) => {
    if (!view.tiles.length) return;
    view.focus = Math.max(0, Math.min(view.tiles.length - 1, k));
    view.unblurred = -1;  // a picture is seen unblurred only while it has the focus
    show(view.focus);
    render();
  };
  const open = (k) => {
    const t = view.tiles[k];
    if (!t || t.cluster === null || view.cluster !== null) return;
    view.cluster = t.cluster;
    view.returnTo = k;
    view.focus = 0;
    buildTiles();
    grid.scrollTop = 0;
    render();
  };
  const close = () => {
    if (view.cluster === null) return;
    view.cluster = null;
    buildTiles();
    moveTo(view.returnTo || 0);
  };

  const askGrader = (then) => {
    if (state.grader) { then(); return; }
    const dialog = byId('grader-dialog');
    dialog.returnValue = '';
    dialog.onclose = () => {
      const name = byId('grader-name').value.trim();
      if (dialog.returnValue === 'ok' && name) {
        state.grader = name;
        byId('grader').textContent = name;
        save();
        then();
      }
    };
    dialog.showModal();
    byId('grader-name').focus();
  };
  const grade = (code) => {
    const t = view.tiles[view.focus];
    if (!t) return;
    askGrader(() => {
      if (t.cluster !== null) {
        state.undo.push({ map: 'clusterGrades', key: t.cluster, before: state.clusterGrades[t.cluster], tile: view.focus });
        state.clusterGrades[t.cluster] = code;
      } else {
        const sha1 = field(t.members[0], 'sha1');
        state.undo.push({ map: 'itemGrades', key: sha1, before: state.itemGrades[sha1], tile: view.focus });
        state.itemGrades[sha1] = code;
      }
      save();
      count();
      moveTo(view.focus + 1);
    });
  };
  const undo = () => {
    const last = state.undo.pop();
    if (!last) return;
    if (last.before === undefined) delete state[last.map][last.key];
    else state[last.map][last.key] = last.before;
    save();
    count();
    moveTo(last.tile);
  };

  // grades.csv as `triage grade CASE_DIR --import` reads it: sha1, code, grader, note.
  const csvCell = (s) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
  const gradesCsv = () => {
    const lines = ['sha1,code,grader,note'];
    const written = new Set();
    for (let i = 0; i < items.length; ++i) {
      const g = gradeOf(i);
      const sha1 = field(i, 'sha1');
      if (g === undefined || !sha1 || written.has(sha1)) continue;
      written.add(sha1);
      const cluster = field(i, 'cluster');
      const how = state.itemGrades[sha1] !== undefined ? 'graded alone' : 'graded with cluster ' + cluster.slice(0, 12);
      lines.push([sha1, g, state.grader, 'review.html: ' + how].map(csvCell).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  };
  const download = () => askGrader(() => {
    const url = URL.createObjectURL(new Blob([gradesCsv()], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'grades.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });

  const applySettings = () => {
    const root = document.documentElement.style;
    root.setProperty('--blur', state.settings.blur + 'px');
    root.setProperty('--grey', state.settings.grey ? 'grayscale(1)' : 'grayscale(0)');
    byId('blur').value = state.settings.blur;
    byId('grey').checked = state.settings.grey;
    byId('hide-moving').checked = state.settings.hideMoving;
  };

  // A filter's options: the values of its table (or the sources), by their index.
  const fillFilter = (id, key, values) => {
    const select = byId(id);
    values.map((v, index) => [String(v), String(index)]).sort((a, b) => a[0].localeCompare(b[0])).forEach(([text, index]) => {
      const o = document.createElement('option');
      o.value = index;
      o.textContent = text;
      select.appendChild(o);
    });
    select.addEventListener('change', () => { filters[key] = select.value; view.focus = 0; buildTiles(); grid.scrollTop = 0; render(); });
  };

  const keys = (e) => {
    if (byId('grader-dialog').open) return;
    const tag = e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    let handled = true;
    if (k === 'ArrowRight') moveTo(view.focus + 1);
    else if (k === 'ArrowLeft') moveTo(view.focus - 1);
    else if (k === 'ArrowDown') moveTo(view.focus + view.columns);
    else if (k === 'ArrowUp') moveTo(view.focus - view.columns);
    else if (k === 'u' || k === ' ') { view.unblurred = view.unblurred === view.focus ? -1 : view.focus; render(); }
    else if (k === 's') moveTo(view.focus + 1);
    else if (k === 'z' || k === 'Backspace') undo();
    else if (k === 'Enter') open(view.focus);
    else if (k === 'Escape') close();
    else if (k === 'n' && data.profile.not_indecent) grade(data.profile.not_indecent);
    else if (keyToCode[k] !== undefined) grade(keyToCode[k]);
    else handled = false;
    if (handled) e.preventDefault();
  };

  // Start: the header says what the keys do; then the first screen.
  byId('title').textContent = data.case.title;
  byId('grader').textContent = state.grader || '(asked at the first grade)';
  byId('keys').textContent = legend.map(([k, code]) => k + ' ' + labels[code]).join(' \u00b7 ') +
    (data.profile.not_indecent ? ' \u00b7 n ' + labels[data.profile.not_indecent] : '') +
    ' \u00b7 s skip \u00b7 z undo \u00b7 u or space unblur \u00b7 Enter open cluster \u00b7 Esc back \u00b7 arrows move';
  fillFilter('f-category', 'category', tables.category);
  fillFilter('f-indicator', 'indicator', tables.indicator);
  fillFilter('f-origin', 'origin', tables.origin);
  fillFilter('f-camera', 'camera', tables.camera);
  fillFilter('f-source', 'source', data.sources);
  byId('f-state').addEventListener('change', (e) => { filters.state = e.target.value; view.focus = 0; buildTiles(); render(); });
  byId('all').addEventListener('change', () => { view.focus = 0; buildTiles(); render(); });
  byId('blur').addEventListener('input', (e) => { state.settings.blur = Number(e.target.value); applySettings(); save(); });
  byId('grey').addEventListener('change', (e) => { state.settings.grey = e.target.checked; applySettings(); save(); });
  byId('hide-moving').addEventListener('change', (e) => { state.settings.hideMoving = e.target.checked; save(); render(); });
  byId('download').addEventListener('click', download);
  document.addEventListener('keydown', keys);
  grid.addEventListener('scroll', render, { passive: true });
  window.addEventListener('resize', () => { document.documentElement.style.setProperty('--header', byId('top').offsetHeight + 'px'); render(); });
  document.documentElement.style.setProperty('--header', byId('top').offsetHeight + 'px');
  applySettings();
  count();
  buildTiles();
  render();
  document.body.dataset.ready = 'true';  // for the browser test: the first screen is drawn
})();
