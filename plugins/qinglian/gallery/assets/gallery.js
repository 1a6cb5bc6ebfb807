/*
 * Qinglian gallery: filter the exhibit cards by medium and year, and show
 * pictures in a lightbox (a modal <dialog>: keyboard, focus kept inside,
 * Escape closes, focus goes back to the picture that opened it).
 * Without this script every picture is a plain link to its large JPEG. The
 * build puts common/assets/filters.js before it.
 */
(function () {
  "use strict";
  var strings = __QINGLIAN_STRINGS__;
  var dialog, items = [], current = 0, opener = null;

  function text(key, values) {
    return strings["gallery." + key].replace(/\{(\w+)\}/g, function (_, name) {
      return values[name];
    });
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function button(className, label, symbol, action) {
    var node = element("button", "ql-lightbox__button " + className, symbol);
    node.type = "button";
    node.setAttribute("aria-label", label);
    node.title = label;
    node.addEventListener("click", action);
    return node;
  }

  // One dialog per document: instant navigation keeps <body>, so reuse it
  function lightbox() {
    if (dialog && document.body.contains(dialog)) return dialog;
    dialog = element("dialog", "ql-lightbox");
    // Said as the focus moves in: the title, then where the picture is and what it shows
    dialog.setAttribute("aria-labelledby", "ql-lightbox-title");
    dialog.setAttribute("aria-describedby", "ql-lightbox-position ql-lightbox-image");
    var figure = element("figure", "ql-lightbox__figure");
    var picture = element("picture");
    var source = element("source");
    source.type = "image/webp";
    picture.appendChild(source);
    picture.appendChild(element("img")).id = "ql-lightbox-image";
    var caption = element("figcaption");
    caption.appendChild(element("strong", "ql-lightbox__title")).id = "ql-lightbox-title";
    caption.appendChild(element("span", "ql-lightbox__meta"));
    caption.appendChild(element("span", "ql-lightbox__position")).id = "ql-lightbox-position";
    figure.appendChild(picture);
    figure.appendChild(caption);
    dialog.appendChild(figure);
    dialog.appendChild(button("ql-lightbox__prev", text("prev", {}), "‹", function () { step(-1); }));
    dialog.appendChild(button("ql-lightbox__next", text("next", {}), "›", function () { step(1); }));
    dialog.appendChild(button("ql-lightbox__close", text("close", {}), "×", function () { dialog.close(); }));
    var live = dialog.appendChild(element("p", "ql-lightbox__live"));
    live.setAttribute("aria-live", "polite");
    dialog.addEventListener("keydown", keydown);
    dialog.addEventListener("close", function () {
      if (opener && document.body.contains(opener)) opener.focus();
    });
    // A click on the backdrop (outside the figure and buttons) closes
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  function visibleItems() {
    return [].filter.call(document.querySelectorAll("a[data-ql-lightbox]"), function (link) {
      var card = link.closest(".ql-gallery-card");
      return !card || !card.hidden;
    });
  }

  // `opening`: the dialog's name and description say it as the focus moves in; a
  // step to another picture is said by the live region
  function show(index, opening) {
    current = (index + items.length) % items.length;
    var link = items[current];
    var card = link.closest(".ql-gallery-card");
    var title = card && card.querySelector(".ql-gallery-title");
    var meta = card && card.querySelector(".ql-gallery-meta");
    var img = dialog.querySelector("img");
    dialog.querySelector("source").srcset = link.getAttribute("data-webp");
    img.src = link.getAttribute("href");
    img.alt = link.getAttribute("data-alt");
    img.width = +link.getAttribute("data-width");
    img.height = +link.getAttribute("data-height");
    dialog.querySelector(".ql-lightbox__title").textContent = title ? title.textContent : "";
    dialog.querySelector(".ql-lightbox__meta").textContent = meta ? meta.textContent : "";
    var position = text("position", { n: current + 1, total: items.length });
    dialog.querySelector(".ql-lightbox__position").textContent = position;
    dialog.querySelector(".ql-lightbox__live").textContent = opening ? ""
      : position + " " + (title ? title.textContent : "") + " " + img.alt;
    var single = items.length < 2;
    dialog.querySelector(".ql-lightbox__prev").hidden = single;
    dialog.querySelector(".ql-lightbox__next").hidden = single;
  }

  function step(delta) {
    show(current + delta);
  }

  function keydown(event) {
    if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
    else if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
    else if (event.key === "Tab") {
      // Keep focus on the dialog's buttons, wrapping at both ends
      var buttons = [].filter.call(dialog.querySelectorAll("button"), function (node) {
        return !node.hidden;
      });
      var at = buttons.indexOf(document.activeElement);
      var next = at < 0 ? 0 : (at + (event.shiftKey ? -1 : 1) + buttons.length) % buttons.length;
      buttons[next].focus();
      event.preventDefault();
    }
  }

  function open(link) {
    items = visibleItems();
    opener = link;
    lightbox();
    show(items.indexOf(link), true);
    if (!dialog.open) dialog.showModal();
    dialog.querySelector(".ql-lightbox__close").focus();
  }

  function filter(form) {
    var cards = form.closest(".ql-gallery").querySelectorAll(".ql-gallery-card");
    var count = form.querySelector(".ql-gallery-count");
    form.hidden = false;
    // The choice is kept in the page's address (?medium=书法): filters.js
    window.qinglianFilters(form, function () {
      var medium = form.elements.medium.value;
      var year = form.elements.year.value;
      var shown = 0;
      [].forEach.call(cards, function (card) {
        var match = (!medium || card.getAttribute("data-medium") === medium)
          && (!year || card.getAttribute("data-year") === year);
        card.hidden = !match;
        if (match) shown++;
      });
      count.textContent = form.getAttribute("data-count")
        .replace("{shown}", shown).replace("{total}", cards.length);
    });
  }

  function start() {
    [].forEach.call(document.querySelectorAll(".ql-gallery-filters"), function (form) {
      if (form.qinglianStarted) return;
      form.qinglianStarted = true;
      filter(form);
    });
  }

  // One listener for every page, also those instant navigation brings in
  if (!window.qinglianGallery) {
    window.qinglianGallery = true;
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-ql-lightbox]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || !window.HTMLDialogElement) return;
      event.preventDefault();
      open(link);
    });
    if (window.document$) {
      window.document$.subscribe(function () {
        // Instant navigation keeps <body>: the back button (a swipe back on a
        // phone) would leave the lightbox open over the next page
        if (dialog && dialog.open) dialog.close();
        start();
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
