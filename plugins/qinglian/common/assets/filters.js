/*
 * Filter menus that keep their choice in the page's address (?medium=书法):
 * back shows the page as it was left. Instant navigation draws the page
 * afresh, and a browser restores the menus only after the page's script has
 * run. window.qinglianFilters(form, apply): sets the form's menus from the
 * address, then calls `apply` now and on each change, and writes the choice
 * back. The form's count (its live region, aria-live="off" as built) is said
 * only on a change the person makes, not on arrival, when it would talk over
 * the page: written silent first, it is turned live once they come to the
 * menus. The build puts it before the gallery's and the register's scripts.
 */
(function () {
  "use strict";
  window.qinglianFilters = function (form, apply) {
    var address = new URL(location.href);
    var selects = form.querySelectorAll("select");
    [].forEach.call(selects, function (select) {
      select.value = address.searchParams.get(select.name) || "";
      if (select.selectedIndex < 0) select.value = ""; // an option since taken out
    });
    function changed() {
      apply();
      [].forEach.call(selects, function (select) {
        if (select.value) address.searchParams.set(select.name, select.value);
        else address.searchParams.delete(select.name);
      });
      history.replaceState(history.state, "", address.href);
    }
    form.addEventListener("focusin", function () {
      form.querySelector("[aria-live]").setAttribute("aria-live", "polite");
    });
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    changed();
  };
})();
