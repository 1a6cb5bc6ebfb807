/*
 * Qinglian shared browser module: storage, the person's profile, records,
 * UUIDs, SHA-256 and start-up. The quiz and pledge plugins build on it.
 *
 * Runs on plain-http intranet hosts, which are not secure contexts: no
 * crypto.randomUUID, no crypto.subtle, hence getRandomValues and our own
 * SHA-256. The build fills in __QINGLIAN_CONFIG__ (site id, language,
 * departments, UI strings).
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
  var memory = {};
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

  store.get = function (key) {
    if (!(key in memory)) {
      try {
        memory[key] = local ? local.getItem(prefix + key) : null;
      } catch (error) {
        memory[key] = null;
        store.problem = "unavailable";
      }
    }
    if (memory[key] === null) return null;
    try {
      return JSON.parse(memory[key]);
    } catch (error) {
      // Keep unreadable data aside instead of overwriting it, and start afresh
      try {
        local.setItem(prefix + "corrupt:" + key + ":" + Date.now(), memory[key]);
      } catch (ignored) { /* nothing more we can do */ }
      memory[key] = null;
      store.problem = "corrupt";
      return null;
    }
  };

  store.set = function (key, value) {
    memory[key] = value === null ? null : JSON.stringify(value);
    if (!local) return false;
    try {
      if (value === null) local.removeItem(prefix + key);
      else local.setItem(prefix + key, memory[key]);
      return true;
    } catch (error) {
      store.problem = "full";
      return false;
    }
  };

  // Strings, ids, hashing --------------------------------------------------------
  function t(key, values) {
    return (config.strings[key] || key).replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? values[name] : all;
    });
  }

  function uuid() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 15) | 64; // version 4
    bytes[8] = (bytes[8] & 63) | 128; // RFC 4122 variant
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }

  // SHA-256 constants: fractional parts of square and cube roots of primes
  var initial = [];
  var rounds = [];
  for (var candidate = 2; rounds.length < 64; candidate++) {
    for (var divisor = 2; candidate % divisor && divisor * divisor <= candidate; divisor++);
    if (divisor * divisor > candidate) {
      if (initial.length < 8) initial.push((Math.pow(candidate, 1 / 2) % 1) * 4294967296 | 0);
      rounds.push((Math.pow(candidate, 1 / 3) % 1) * 4294967296 | 0);
    }
  }

  function rotate(x, n) {
    return (x >>> n) | (x << (32 - n));
  }

  function sha256(text) {
    var bytes = Array.from(new TextEncoder().encode(text));
    var bits = bytes.length * 8;
    bytes.push(128);
    while (bytes.length % 64 !== 56) bytes.push(0);
    for (var shift = 56; shift >= 0; shift -= 8) bytes.push(shift > 24 ? 0 : (bits >>> shift) & 255);
    var hash = initial.slice();
    var w = [];
    for (var chunk = 0; chunk < bytes.length; chunk += 64) {
      for (var i = 0; i < 64; i++) {
        if (i < 16) {
          var at = chunk + i * 4;
          w[i] = bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3];
        } else {
          var a = w[i - 15];
          var b = w[i - 2];
          w[i] = (w[i - 16] + (rotate(a, 7) ^ rotate(a, 18) ^ (a >>> 3)) + w[i - 7]
            + (rotate(b, 17) ^ rotate(b, 19) ^ (b >>> 10))) | 0;
        }
      }
      var s = hash.slice();
      for (i = 0; i < 64; i++) {
        var t1 = (s[7] + (rotate(s[4], 6) ^ rotate(s[4], 11) ^ rotate(s[4], 25))
          + ((s[4] & s[5]) ^ (~s[4] & s[6])) + rounds[i] + w[i]) | 0;
        var t2 = ((rotate(s[0], 2) ^ rotate(s[0], 13) ^ rotate(s[0], 22))
          + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]))) | 0;
        s = [(t1 + t2) | 0, s[0], s[1], s[2], (s[3] + t1) | 0, s[4], s[5], s[6]];
      }
      for (i = 0; i < 8; i++) hash[i] = (hash[i] + s[i]) | 0;
    }
    return hash.map(function (h) {
      return ("0000000" + (h >>> 0).toString(16)).slice(-8);
    }).join("");
  }

  // Fill-blank answers compare after folding width (NFKC), spaces and case;
  // the build folds accepted answers the same way
  function normalize(text) {
    return String(text).normalize("NFKC").replace(/\s+/g, "").toLowerCase();
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

  function signOut() {
    store.set("current", null);
  }

  // A record: what a person did, ready for the collector (client-made UUID)
  function record(type, body) {
    var data = person();
    var entry = { id: uuid(), type: type, version: 1, site: config.siteId,
      person: data.profile, created_at: new Date().toISOString(), page: location.href };
    for (var key in body) entry[key] = body[key];
    return entry;
  }

  // DOM helpers ---------------------------------------------------------------------
  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    for (var name in attributes || {}) {
      if (name === "text") node.textContent = attributes[name];
      else if (attributes[name] !== false && attributes[name] != null) {
        node.setAttribute(name, attributes[name] === true ? "" : attributes[name]);
      }
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  // The profile form, asked once: name, 工号 and 科室 from the one list
  function profileForm(done) {
    var id = "qinglian-profile-" + uuid().slice(0, 8);
    function field(name, label, control) {
      control.id = id + "-" + name;
      control.name = name;
      control.required = true;
      return element("p", {}, [element("label", { "for": control.id, text: label }), control]);
    }
    var name = element("input", { type: "text", autocomplete: "name", maxlength: 40 });
    var staffId = element("input", { type: "text", autocomplete: "off", maxlength: 32 });
    var department = config.departments.length
      ? element("select", {}, [element("option", { value: "", text: t("profile.choose") })]
        .concat(config.departments.map(function (d) {
          return element("option", { value: d, text: d });
        })))
      : element("input", { type: "text", maxlength: 40 });
    var error = element("p", { role: "alert" });
    var save = element("button", { type: "button", "class": "md-button", text: t("profile.save") });
    var box = element("fieldset", { "class": "qinglian-profile" }, [
      element("legend", { text: t("profile.title") }),
      element("p", { "class": "qinglian-profile__hint", text: t("profile.hint") }),
      field("name", t("profile.name"), name),
      field("staff_id", t("profile.staff_id"), staffId),
      field("department", t("profile.department"), department),
      error, save]);
    function submit() {
      var profile = { name: name.value.trim(), staff_id: staffId.value.trim(),
        department: department.value.trim() };
      var missing = [[name, "name"], [staffId, "staff_id"], [department, "department"]]
        .filter(function (pair) { return !pair[0].value.trim(); })[0];
      if (missing) {
        error.textContent = t("profile.missing", { field: t("profile." + missing[1]) });
        missing[0].focus();
        return;
      }
      signIn(profile);
      done(profile);
    }
    save.addEventListener("click", submit);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
        submit();
      }
    });
    return box;
  }

  // Start-up ------------------------------------------------------------------------
  // Run `start` once the page is ready, and again after each instant
  // navigation (Material's document$), when Material is there.
  function onPage(start) {
    function ready() {
      start();
      if (window.document$) window.document$.subscribe(function () { start(); });
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
    else ready();
  }

  window.qinglian = { config: config, store: store, t: t, uuid: uuid, sha256: sha256,
    normalize: normalize, person: person, savePerson: savePerson, signOut: signOut,
    record: record, element: element, profileForm: profileForm, onPage: onPage };
  // Start the plugin scripts that ran before this module (see quiz.js)
  (window.qinglianWaiting || []).splice(0).forEach(function (start) { start(); });
})(__QINGLIAN_CONFIG__);
