/*
 * Qinglian risk register: filter the table by department, standard and
 * level, and say in a live region how many risk points are shown. The build
 * puts common/assets/filters.js before it.
 */
(function () {
  "use strict";
  function start() {
    var form = document.querySelector(".ql-risk-filters");
    if (!form || form.qinglianStarted) return;
    form.qinglianStarted = true;
    var rows = document.querySelectorAll(".ql-risk-table tbody tr");
    var count = form.querySelector(".ql-risk-count");
    // The choice is kept in the page's address (?department=药剂科): filters.js
    window.qinglianFilters(form, function () {
      var department = form.elements.department.value;
      var standard = form.elements.standard.value;
      var level = form.elements.level.value;
      var shown = 0;
      [].forEach.call(rows, function (row) {
        var match = (!department || row.getAttribute("data-department") === department)
          && (!standard || row.getAttribute("data-standards").indexOf(" " + standard + " ") >= 0)
          && (!level || row.getAttribute("data-level") === level);
        row.hidden = !match;
        if (match) shown++;
      });
      count.textContent = form.getAttribute("data-count")
        .replace("{shown}", shown).replace("{total}", rows.length);
    });
  }
  if (window.document$) window.document$.subscribe(start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
