// The HTML report's behaviour: filters, sorting, and charts that filter when clicked.
// Inlined into every report; it reads only the page and requests nothing.
(function () {
  "use strict";
  var table = document.getElementById("findings");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var fields = { kind: "f-kind", env: "f-env", region: "f-region", status: "f-status" };
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  var search = document.getElementById("f-text");

  function value(id) {
    var el = document.getElementById(id);
    return el ? el.value : "";
  }

  function apply() {
    var want = {};
    Object.keys(fields).forEach(function (k) { want[k] = value(fields[k]); });
    var needle = search.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row, i) {
      var ok = Object.keys(want).every(function (k) { return !want[k] || row.dataset[k] === want[k]; });
      ok = ok && (!needle || text[i].indexOf(needle) !== -1);
      row.hidden = !ok;
      if (ok) count += 1;
    });
    shown.textContent = count + " of " + rows.length + (rows.length === 1 ? " finding" : " findings");
    empty.hidden = count > 0;
    document.querySelectorAll(".bar").forEach(function (bar) {
      bar.classList.toggle("on", want[bar.dataset.filter] === bar.dataset.value);
    });
  }

  Object.keys(fields).forEach(function (k) {
    var el = document.getElementById(fields[k]);
    if (el) el.addEventListener("change", apply);
  });
  search.addEventListener("input", apply);
  document.getElementById("f-clear").addEventListener("click", function () {
    Object.keys(fields).forEach(function (k) {
      var el = document.getElementById(fields[k]);
      if (el) el.value = "";
    });
    search.value = "";
    apply();
  });

  function pick(bar) {
    var el = document.getElementById(fields[bar.dataset.filter]);
    el.value = el.value === bar.dataset.value ? "" : bar.dataset.value;
    apply();
    table.scrollIntoView({ behavior: "smooth", block: "start" });
  }
  document.querySelectorAll(".bar").forEach(function (bar) {
    bar.addEventListener("click", function () { pick(bar); });
    bar.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(bar); }
    });
  });

  function key(row, col, numeric) {
    var cell = row.cells[col];
    var v = cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent.trim();
    return numeric ? parseFloat(v) : v.toLowerCase();
  }
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th) {
    th.addEventListener("click", function () {
      var col = Number(th.dataset.col);
      var numeric = th.dataset.num === "1";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var order = rows.slice().sort(function (a, b) {
        var x = key(a, col, numeric), y = key(b, col, numeric);
        if (x < y) return -dir;
        if (x > y) return dir;
        return Number(a.dataset.i) - Number(b.dataset.i);
      });
      order.forEach(function (row) { body.appendChild(row); });
    });
  });

  apply();
})();
