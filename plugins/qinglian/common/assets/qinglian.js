/*
 * Qinglian shared browser module: storage, the person and the profile form
 * (姓名, 工号, 科室), form fields checked with clear messages, records and
 * their outbox, UUIDs and start-up. The quiz, pledge and
 * route scripts build on it; the build puts it in one file with each of them
 * (common/assets.py).
 *
 * Runs on plain-http intranet hosts, which are not secure contexts: no
 * crypto.randomUUID, no crypto.subtle, hence getRandomValues here and our own
 * SHA-256 (sha256.js, on the pages that need it). The build fills in
 * __QINGLIAN_CONFIG__ (the code's version, site id, collector address, the
 * staff fields, UI strings) and writes out the UI strings in the script's
 * language: a key written as a string ("profile.save") becomes its text, so a
 * string that needs no {placeholders} is used as it is, without t().
 */
(function (config) {
  "use strict";
  // Instant navigation runs page scripts again: keep the first instance. One of
  // another build (the site was updated while its page was open) would run this
  // page's blocks with its own old code: load the page afresh instead
  if (window.qinglian) return window.qinglian.config.build == config.build || location.reload();

  var prefix = "qinglian:v1:" + config.siteId + ":";

  // Storage ------------------------------------------------------------------
  // localStorage when it works; otherwise memory, and `problem` says why, so
  // pages can tell the person their results will not be kept. Every value is
  // also held in memory, so a failed write never loses what was just typed.
  // Values are read afresh each time: another tab of the site may have
  // changed them, and writing back a stale copy would drop its records.
  var memory = {};
  var unsaved = {}; // keys whose last write failed: memory holds the only copy
  var local; // localStorage, or null where it does not work
  var store = {};
  try {
    local = localStorage;
    local.setItem(prefix + "probe", 1);
    local.removeItem(prefix + "probe");
  } catch (error) {
    local = null;
    store.problem = "unavailable";
  }

  // `valid`, if given, says whether a value has the right shape: JSON of
  // another shape is as unreadable as broken JSON
  store.get = function (key, valid) {
    if (local && !unsaved[key]) {
      try {
        memory[key] = local.getItem(prefix + key);
      } catch (error) {
        store.problem = "unavailable";
      }
    }
    try {
      // JSON.parse(null) is null: nothing kept
      var value = JSON.parse(key in memory ? memory[key] : null);
      if (value === null || !valid || valid(value)) return value;
      throw 0;
    } catch (error) {
      // Keep unreadable data aside, untouched, and start afresh
      try {
        local.setItem(prefix + "corrupt:" + key + ":" + Date.now(), memory[key]);
        local.removeItem(prefix + key);
      } catch (ignored) {
        unsaved[key] = 1; // it stays where it is; this page works from memory
      }
      memory[key] = null;
      store.problem = "corrupt";
      return null;
    }
  };

  // Says whether the value was written (delivery.js makes room when it was not)
  store.set = function (key, value) {
    memory[key] = value === null ? null : JSON.stringify(value);
    unsaved[key] = 1;
    if (!local) return;
    try {
      if (value === null) local.removeItem(prefix + key);
      else local.setItem(prefix + key, memory[key]);
      delete unsaved[key];
      // Room again, and nothing held in memory alone: "full" (results lost when
      // the page closes) is no longer true
      if (store.problem == "full" && !Object.keys(unsaved).length) store.problem = null;
      return true;
    } catch (error) {
      store.problem = "full";
    }
  };

  // Strings, ids ----------------------------------------------------------------------
  // `text` is mostly the string itself (see the top); keys made at run time
  // ("storage." + problem) are looked up in config.strings
  function t(text, values) {
    return (config.strings[text] || text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? values[name] : all;
    });
  }

  // A version 4 UUID: 16 random bytes in hex, "4" for the version and 8, 9, a
  // or b for the RFC 4122 variant
  function uuid() {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    var hex = "";
    bytes[6] = bytes[6] & 15 | 64;
    bytes[8] = bytes[8] & 63 | 128;
    for (var i = 0; i < 16; i++) hex += (i > 3 && i < 11 && !(i % 2) ? "-" : "") + (bytes[i] + 256).toString(16).slice(1);
    return hex;
  }

  // The person ---------------------------------------------------------------------
  // Who is answering is remembered per site; each person's data (attempts,
  // questions seen, unfinished papers) lives under their 工号, so on a shared
  // ward PC nobody inherits another's history.
  function person() {
    var staffId = store.get("current");
    return staffId && store.get("person:" + staffId, personShape) || null;
  }

  // A person's data of another shape (edited by hand, an old version) is set
  // aside like broken JSON: the quiz, pledge and route scripts rely on this shape
  function personShape(data) {
    var open = data.open || {};
    return isObject(data.profile) && typeof data.profile.staff_id == "string"
      && [data.attempts || [], data.seen || []].every(Array.isArray)
      && (data.attempts || []).every(function (entry) { return isObject(entry) && isObject(entry.attempt); })
      && isObject(open) && Object.keys(open).every(function (id) {
        var paper = open[id];
        return isObject(paper) && isObject(paper.answers) && isObject(paper.checked) && Array.isArray(paper.items)
          && paper.items.every(function (item) { return isObject(item) && Array.isArray(item.order); });
      });
  }

  function isObject(value) {
    return !!value && typeof value == "object" && !Array.isArray(value);
  }

  function savePerson(data) {
    store.set("person:" + data.profile.staff_id, data);
  }

  function signIn(profile) {
    var data = store.get("person:" + profile.staff_id, personShape) || {};
    data.profile = profile;
    store.set("current", profile.staff_id);
    savePerson(data);
  }

  // A record (common/record.schema.json): what a person did, with a
  // client-made UUID that makes delivery idempotent
  function record(kind, person, body, id) {
    var entry = { id: id || uuid(), site: config.siteId, kind: kind,
      created: new Date().toISOString(), person: person, page: location.href };
    entry[kind] = body;
    return entry;
  }

  // The outbox -----------------------------------------------------------------------
  // Every record waits in the outbox until the collector has it (delivery.js,
  // which the build adds when a collector is configured). Without one,
  // records stay "kept".
  var listeners = [];

  // An outbox of another shape (edited by hand, an old version) is set aside whole;
  // the pages read each record's id, person and body (record.pledge, record.attempt …)
  function outbox() {
    return store.get("outbox", function (items) {
      return Array.isArray(items) && items.every(function (item) {
        var entry = isObject(item) && item.record;
        return isObject(entry) && typeof entry.id == "string" && isObject(entry.person)
          && isObject(entry[entry.kind]) && typeof item.state == "string";
      });
    }) || [];
  }

  function saveOutbox(items) {
    store.set("outbox", items);
    listeners.forEach(function (listener) { listener(items); });
  }

  function send(entry) {
    var items = outbox();
    items.push({ record: entry, state: config.collector ? "waiting" : "kept", tries: 0, next: 0 });
    saveOutbox(items);
    api.flush();
  }

  // The page ------------------------------------------------------------------------
  // Run `start` once the page is ready, and again after each instant
  // navigation (Material's document$), when Material is there: once for each
  // address, as document$ announces its last page again to a new subscriber, and
  // a page this module came with may be announced before or after it runs
  function onPage(start) {
    var shown;
    function once() {
      if (shown == location.pathname) return;
      shown = location.pathname;
      start();
    }
    function ready() {
      once();
      if (window.document$) document$.subscribe(once);
    }
    if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", ready);
    else ready();
  }

  // Start `start(node)` once for each node matching `selector`, now and after
  // every instant navigation
  function mount(selector, start) {
    function scan() {
      [].forEach.call(document.querySelectorAll(selector), function (node) {
        if (!node.qinglianStarted) {
          node.qinglianStarted = true;
          start(node);
        }
      });
    }
    onPage(scan);
    return scan;
  }

  // DOM: one helper for every script. `text` and string children go in as
  // text, never as markup; a function is a listener for the event it is
  // named after (click, change, input).
  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    for (var name in attributes) {
      var value = attributes[name];
      if (typeof value == "function") node.addEventListener(name, value);
      else if (name != "text" && value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
    }
    return fill(node, [attributes && attributes.text].concat(children));
  }

  // Put `children` (empty ones skipped) in place of what `node` holds. Redrawn
  // while the focus is inside (a delivery update), the control of the same kind
  // at the same place gets it back: else it would fall to the top of the page
  function fill(node, children) {
    var focused = document.activeElement;
    var at = node.contains(focused) ? controls(node).indexOf(focused) : -1;
    node.textContent = "";
    children.forEach(function (child) {
      if (child || child === 0) node.append(child);
    });
    var again = at >= 0 && controls(node)[at];
    if (again && again.tagName == focused.tagName && again.classList[0] == focused.classList[0]) again.focus();
    return node;
  }

  function controls(node) {
    return [].slice.call(node.querySelectorAll("a[href],button,input,select,textarea,[tabindex]"));
  }

  // Forms ------------------------------------------------------------------------------
  // Fields for `spec` ([{name, label, min, max, pattern, hint, options}], made by
  // the build from the record schema); read() returns the trimmed values, or
  // null after marking every field that is wrong and focusing the first
  function fields(spec, values) {
    var prefix = "qinglian-" + uuid().slice(0, 8) + "-";
    var controls = {};
    var nodes = spec.map(function (field) {
      var name = field.name;
      var id = prefix + name;
      var options = field.options;
      var control = controls[name] = element(options ? "select" : "input", { id: id, name: name,
        type: !options && "text", required: true, maxlength: !options && field.max, autocomplete: "off",
        "aria-describedby": id + "-error" }, options && [""].concat(options).map(function (option) {
        return element("option", { value: option, text: option || "form.choose" });
      }));
      control.value = (values && values[name]) || "";
      return element("p", { class: "qinglian-field" }, [element("label", { for: id, text: field.label }),
        control, element("span", { class: "qinglian-field__error", id: id + "-error" })]);
    });
    function read() {
      var result = {};
      var wrong = null;
      spec.forEach(function (field) {
        var control = controls[field.name];
        var value = result[field.name] = control.value.trim();
        var message = t(!value ? "form.required"
          : value.length > field.max || value.length < field.min ? "form.length"
            : field.pattern && !new RegExp(field.pattern).test(value) ? field.hint || "form.invalid" : "", field);
        control.nextSibling.textContent = message;
        control.setAttribute("aria-invalid", !!message);
        wrong = wrong || message && control;
      });
      if (wrong) wrong.focus();
      return wrong ? null : result;
    }
    return { nodes: nodes, read: read };
  }

  // The profile, asked once and kept per site (see "The person")
  function profileForm(done) {
    var form = fields(config.staff);
    function submit() {
      var profile = form.read();
      if (profile) {
        signIn(profile);
        done(profile);
      }
    }
    return element("fieldset", { class: "qinglian-profile", keydown: function (event) {
      // Not the Enter that ends an input method's word (a name typed in pinyin)
      if (event.key == "Enter" && !event.isComposing && event.target.tagName == "INPUT") {
        event.preventDefault();
        submit();
      }
    } }, [element("legend", { text: "profile.title" }), element("p", { text: "profile.hint" })].concat(form.nodes,
      [element("button", { type: "button", class: "md-button", text: "profile.save", click: submit })]));
  }

  var api = window.qinglian = { config: config, store: store, t: t, uuid: uuid,
    // Fill-blank answers compare after folding width (NFKC), spaces and case;
    // the build folds accepted answers the same way
    normalize: function (text) {
      return String(text).normalize("NFKC").replace(/\s+/g, "").toLowerCase();
    },
    person: person, savePerson: savePerson, signIn: signIn,
    signOut: function () { store.set("current", null); },
    record: record, send: send, outbox: outbox, saveOutbox: saveOutbox,
    // Sends what is due; delivery.js puts in the real one
    flush: function () {},
    onOutbox: function (listener) { listeners.push(listener); }, element: element, fill: fill,
    onPage: onPage, mount: mount, fields: fields, profileForm: profileForm };
  // Start the scripts that ran before this module (see quiz.js)
  (window.qinglianWaiting || []).splice(0).forEach(function (start) { start(); });
})(__QINGLIAN_CONFIG__);
