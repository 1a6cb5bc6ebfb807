/*
 * Qinglian risk register: filter the table by department, standard and
 * level, and say in a live region how many risk points are shown.
 */
(function () {
  "use strict";
  function start() {
    var form = document.querySelector(".ql-risk-filters");
    if (!form || form.qinglianStarted) return;
    form.qinglianStarted = true;
    var rows = document.querySelectorAll(".ql-risk-table tbody tr");
    var count = form.querySelector(".ql-risk-count");
    // The choice is kept in the page's address (?department=药剂科): back
    // shows the table as it was left. Instant navigation draws the page afresh,
    // and a browser restores the menus only after this script has run.
    var address = new URL(location.href);
    [].forEach.call(form.querySelectorAll("select"), function (select) {
      select.value = address.searchParams.get(select.name) || "";
      if (select.selectedIndex < 0) select.value = ""; // an option since taken out
    });
    function apply() {
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
      [].forEach.call(form.querySelectorAll("select"), function (select) {
        if (select.value) address.searchParams.set(select.name, select.value);
        else address.searchParams.delete(select.name);
      });
      history.replaceState(history.state, "", address.href);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  if (window.document$) window.document$.subscribe(start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
