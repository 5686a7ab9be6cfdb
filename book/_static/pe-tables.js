// probation-evidence: make tables with class "pe-searchable" filterable and sortable (no external libraries).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.pe-searchable").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "pe-filter";
    box.placeholder = "Filter rows (PDU, region, rating...)";
    box.setAttribute("aria-label", "Filter the table rows");
    var count = document.createElement("span");
    count.className = "pe-count";
    count.textContent = rows.length + " rows";
    table.parentNode.insertBefore(box, table);
    table.parentNode.insertBefore(count, table);
    box.addEventListener("input", function () {
      var q = box.value.toLowerCase();
      var shown = 0;
      rows.forEach(function (r) {
        var hit = r.textContent.toLowerCase().indexOf(q) !== -1;
        r.style.display = hit ? "" : "none";
        if (hit) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " rows";
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.setAttribute("tabindex", "0");
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
          var nx = parseFloat(x.replace(/[,%]/g, "")), ny = parseFloat(y.replace(/[,%]/g, ""));
          var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return asc ? cmp : -cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
});
