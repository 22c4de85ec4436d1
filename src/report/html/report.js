(function () {
'use strict';
var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
// Controls that do nothing without this script are hidden until it runs.
$$('.filters,.table-filters,.search,.view-switch,.decisions').forEach(function (el) { el.hidden = false; });

// Variants by kind, and cosmetic variants.
$$('.filters input[data-kind]').forEach(function (box) {
  box.addEventListener('change', function () {
    $$('.filters input[data-kind="' + box.dataset.kind + '"]').forEach(function (b) { b.checked = box.checked; });
    $$('.var[data-kind="' + box.dataset.kind + '"]').forEach(function (v) { v.classList.toggle('off', !box.checked); });
  });
});
$$('.filters #cosmetic').forEach(function (c) {
  c.addEventListener('change', function () { document.body.classList.toggle('hide-cosmetic', !c.checked); });
});

// Side by side or inline, per pair.
function view(pair, name) {
  $$('.view-switch button', pair).forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.view === name)); });
  pair.querySelector('.synopsis').hidden = name !== 'synoptic';
  pair.querySelector('.inline').hidden = name !== 'inline';
}
$$('.pair').forEach(function (pair) {
  $$('.view-switch button', pair).forEach(function (b) {
    b.addEventListener('click', function () { view(pair, b.dataset.view); });
  });
});

// Going to a place: open what hides it, scroll it into view, mark it current.
function visible(el) { return el.getClientRects().length > 0; }
function reveal(el) {
  var hidden = el.closest('.synopsis[hidden],.inline[hidden]');
  if (hidden) { view(hidden.closest('.pair'), hidden.classList.contains('inline') ? 'inline' : 'synoptic'); }
  for (var d = el.closest('details'); d; d = d.parentElement.closest('details')) { d.open = true; }
}
function current(el) {
  $$('.current').forEach(function (c) { c.classList.remove('current'); });
  if (!el) { return; }
  el.classList.add('current');
  reveal(el);
  el.scrollIntoView({ block: 'center' });
}
function go(id, push) {
  var el = document.getElementById(id);
  if (!el) { return false; }
  current(el);
  if (push) { history.pushState(null, '', '#' + id); }
  return true;
}
document.addEventListener('click', function (ev) {
  var a = ev.target.closest('a[href^="#"]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) { return; }
  if (go(decodeURIComponent(a.getAttribute('href').slice(1)), true)) { ev.preventDefault(); }
});
window.addEventListener('hashchange', function () { go(decodeURIComponent(location.hash.slice(1)), false); });
if (location.hash.length > 1) { go(decodeURIComponent(location.hash.slice(1)), false); }

// The keyboard: j/n next, k/p previous, among the errata and the substantive variants shown.
function stops() {
  return $$('tr.erratum, .synopsis .side.a .var.substantive:not(.off), .inline .var.substantive:not(.off)').filter(visible);
}
document.addEventListener('keydown', function (ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest('input,select,textarea,button')) { return; }
  var step = { j: 1, n: 1, k: -1, p: -1 }[ev.key];
  if (!step) { return; }
  var all = stops();
  if (!all.length) { return; }
  var at = all.indexOf(document.querySelector('.current'));
  var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
  ev.preventDefault();
  current(all[next]);
  if (all[next].id) { history.replaceState(null, '', '#' + all[next].id); }
});

// Decisions on errata, kept in this browser and exported as witness/decisions/1.
var key = 'witness:decisions:' + (document.body.dataset.report || '');
var decided = {};
try { decided = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch (e) { decided = {}; }
function save() { try { localStorage.setItem(key, JSON.stringify(decided)); } catch (e) { /* storage off: decisions last the visit */ } }
function decisions(table) {
  var list = $$('tr.erratum', table).filter(function (r) { return decided[r.dataset.fingerprint]; }).map(function (r) {
    return { fingerprint: r.dataset.fingerprint, decision: decided[r.dataset.fingerprint] };
  });
  return JSON.stringify({ schema: 'witness/decisions/1', decisions: list }, null, 2) + '\n';
}
function show(row) {
  var d = decided[row.dataset.fingerprint];
  if (d) { row.dataset.decided = d; } else { delete row.dataset.decided; }
  $$('.decide button', row).forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.decision === d)); });
}
function refresh(table) {
  var pre = document.getElementById('decisions-' + table.dataset.doc);
  if (pre) { pre.textContent = $$('tr.erratum[data-decided]', table).length ? decisions(table) : ''; }
}
$$('table.errata').forEach(function (table) {
  $$('tr.erratum', table).forEach(function (row) {
    show(row);
    $$('.decide button', row).forEach(function (b) {
      b.addEventListener('click', function () {
        var f = row.dataset.fingerprint;
        if (decided[f] === b.dataset.decision) { delete decided[f]; } else { decided[f] = b.dataset.decision; }
        save();
        show(row);
        refresh(table);
      });
    });
  });
  refresh(table);
});
$$('button.export').forEach(function (b) {
  b.addEventListener('click', function () {
    var table = document.querySelector('table.errata[data-doc="' + b.dataset.doc + '"]');
    var url = URL.createObjectURL(new Blob([decisions(table)], { type: 'application/json' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = b.dataset.file;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
});

// Findings: sort by a column, filter by kind and file.
var findings = document.querySelector('table.findings');
if (findings) {
  var body = findings.tBodies[0];
  var rows = $$('tr', body);
  var kind = document.getElementById('finding-kind');
  var file = document.getElementById('finding-file');
  var shown = document.getElementById('findings-shown');
  var filter = function () {
    var k = kind.value, f = file.value.toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var on = (!k || r.dataset.kind === k) && (!f || r.dataset.file.toLowerCase().indexOf(f) >= 0);
      r.hidden = !on;
      if (on) { n++; }
    });
    shown.textContent = n + ' of ' + rows.length;
  };
  kind.addEventListener('change', filter);
  file.addEventListener('input', filter);
  $$('th button[data-sort]', findings).forEach(function (b) {
    b.addEventListener('click', function () {
      var th = b.parentElement, by = b.dataset.sort;
      var order = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      $$('th', findings).forEach(function (t) { if (t.hasAttribute('aria-sort')) { t.setAttribute('aria-sort', 'none'); } });
      th.setAttribute('aria-sort', order);
      var numeric = by === 'size' || by === 'similarity';
      var sign = order === 'ascending' ? 1 : -1;
      rows.sort(function (x, y) {
        var a = x.dataset[by], c = y.dataset[by];
        var d = numeric ? parseFloat(a) - parseFloat(c) : a.localeCompare(c);
        return sign * d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
}

// Find in the text: matches marked, Enter goes to the next one.
var search = document.getElementById('search');
if (search) {
  var count = document.getElementById('search-count');
  var hits = [], at = -1, timer = null;
  var clear = function () {
    hits.forEach(function (m) {
      var parent = m.parentNode;
      if (!parent) { return; }
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
    hits = []; at = -1;
  };
  var find = function () {
    clear();
    var q = search.value;
    if (q.length < 1) { count.textContent = ''; return; }
    var needle = q.toLowerCase();
    var walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) { return n.parentNode.closest('script,style,svg,.inline[hidden]') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT; }
    });
    var nodes = [];
    while (walk.nextNode()) { nodes.push(walk.currentNode); }
    for (var i = 0; i < nodes.length && hits.length < 2000; i++) {
      var node = nodes[i], text = node.data.toLowerCase(), from = 0, found;
      while ((found = text.indexOf(needle, from)) >= 0 && hits.length < 2000) {
        var match = node.splitText(found);
        node = match.splitText(q.length);
        var mark = document.createElement('mark');
        mark.className = 'hit';
        match.parentNode.replaceChild(mark, match);
        mark.appendChild(match);
        hits.push(mark);
        text = node.data.toLowerCase();
        from = 0;
      }
    }
    count.textContent = hits.length >= 2000 ? '2000+' : String(hits.length);
  };
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(find, 200); });
  search.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter') { return; }
    ev.preventDefault();
    clearTimeout(timer);
    if (!hits.length) { find(); }
    if (!hits.length) { return; }
    at = (at + (ev.shiftKey ? hits.length - 1 : 1)) % hits.length;
    current(hits[at]);
    count.textContent = (at + 1) + ' / ' + hits.length;
    search.focus();
  });
}
}());
