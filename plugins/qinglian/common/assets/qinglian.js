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
 * __QINGLIAN_CONFIG__ (site id, collector address, the staff fields, UI
 * strings) and writes out the UI strings in the script's language.
 */
(function (config) {
  "use strict";
  // Instant navigation runs page scripts again: keep the first instance
  if (window.qinglian) return;

  var prefix = "qinglian:v1:" + config.siteId + ":";

  // Storage ------------------------------------------------------------------
  // localStorage when it works; otherwise memory, and `problem` says why, so
  // pages can tell the person their results will not be kept. Every value is
  // also held in memory, so a failed write never loses what was just typed.
  // Values are read afresh each time: another tab of the site may have
  // changed them, and writing back a stale copy would drop its records.
  var memory = {};
  var unsaved = {}; // keys whose last write failed: memory holds the only copy
  var local = null;
  var store = { problem: null };
  try {
    local = window.localStorage;
    local.setItem(prefix + "probe", "1");
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

  store.set = function (key, value) {
    memory[key] = value === null ? null : JSON.stringify(value);
    unsaved[key] = 1;
    if (!local) return false;
    try {
      if (value === null) local.removeItem(prefix + key);
      else local.setItem(prefix + key, memory[key]);
      delete unsaved[key];
      return true;
    } catch (error) {
      store.problem = "full";
      return false;
    }
  };

  // Strings, ids ----------------------------------------------------------------------
  // The build writes each string out where the scripts name it by key, so
  // `text` is mostly the string itself; keys made at run time ("storage." +
  // problem) are looked up in config.strings
  function t(text, values) {
    return (config.strings[text] || text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? values[name] : all;
    });
  }

  function uuid() {
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64; // version 4
    bytes[8] = (bytes[8] & 63) | 128; // RFC 4122 variant
    return [].map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }

  // The person ---------------------------------------------------------------------
  // Who is answering is remembered per site; each person's data (attempts,
  // questions seen, unfinished papers) lives under their 工号, so on a shared
  // ward PC nobody inherits another's history.
  function person() {
    var staffId = store.get("current");
    var data = staffId && store.get("person:" + staffId);
    return data && data.profile ? data : null;
  }

  function savePerson(data) {
    return store.set("person:" + data.profile.staff_id, data);
  }

  function signIn(profile) {
    var data = store.get("person:" + profile.staff_id) || {};
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

  // An outbox of another shape (edited by hand, an old version) is set aside whole
  function outbox() {
    return store.get("outbox", function (items) {
      return Array.isArray(items) && items.every(function (item) {
        return item && item.record && typeof item.record.id == "string"
          && typeof item.state == "string";
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
  // navigation (Material's document$), when Material is there.
  function onPage(start) {
    function ready() {
      start();
      if (window.document$) window.document$.subscribe(function () { start(); });
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

  // DOM: one helper for every script, text always through textContent
  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    for (var name in attributes) {
      var value = attributes[name];
      if (name == "text") node.textContent = value;
      else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  // Forms ------------------------------------------------------------------------------
  // Fields for `spec` ([{name, label, min, max, pattern, hint, options}], made by
  // the build from the record schema); read() returns the trimmed values, or
  // null after marking every field that is wrong and focusing the first
  function fields(spec, values) {
    var prefix = "qinglian-" + uuid().slice(0, 8) + "-";
    var controls = {};
    var nodes = spec.map(function (field) {
      var id = prefix + field.name;
      var control = controls[field.name] = field.options
        ? element("select", {}, [""].concat(field.options).map(function (option) {
          return element("option", { value: option, text: option || t("form.choose") });
        }))
        : element("input", { type: "text", maxlength: field.max, autocomplete: "off" });
      control.id = id;
      control.name = field.name;
      control.required = true;
      control.value = (values && values[field.name]) || "";
      control.setAttribute("aria-describedby", id + "-error");
      return element("p", { "class": "qinglian-field" }, [element("label", { "for": id, text: field.label }),
        control, element("span", { "class": "qinglian-field__error", id: id + "-error" })]);
    });
    function read() {
      var result = {};
      var wrong = null;
      spec.forEach(function (field) {
        var control = controls[field.name];
        var value = result[field.name] = control.value.trim();
        var message = t(!value ? "form.required"
          : value.length > field.max || value.length < field.min ? "form.length"
            : field.pattern && !new RegExp(field.pattern).test(value) ? field.hint || "form.invalid" : "",
        { field: field.label, min: field.min, max: field.max });
        document.getElementById(control.id + "-error").textContent = message;
        control.setAttribute("aria-invalid", !!message);
        wrong = wrong || message && control;
      });
      if (wrong) wrong.focus();
      return wrong ? null : result;
    }
    return { nodes: nodes, controls: controls, read: read };
  }

  // The profile, asked once and kept per site (see "The person")
  function profileForm(done) {
    var form = fields(config.staff);
    var save = element("button", { type: "button", "class": "md-button", text: t("profile.save") });
    var box = element("fieldset", { "class": "qinglian-profile" }, [element("legend", { text: t("profile.title") }),
      element("p", { text: t("profile.hint") })].concat(form.nodes, [save]));
    function submit() {
      var profile = form.read();
      if (profile) {
        signIn(profile);
        done(profile);
      }
    }
    save.addEventListener("click", submit);
    box.addEventListener("keydown", function (event) {
      if (event.key == "Enter" && event.target.tagName == "INPUT") {
        event.preventDefault();
        submit();
      }
    });
    return box;
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
    onOutbox: function (listener) { listeners.push(listener); }, element: element, onPage: onPage,
    mount: mount, fields: fields, profileForm: profileForm };
  // Start the scripts that ran before this module (see quiz.js)
  (window.qinglianWaiting || []).splice(0).forEach(function (start) { start(); });
})(__QINGLIAN_CONFIG__);
