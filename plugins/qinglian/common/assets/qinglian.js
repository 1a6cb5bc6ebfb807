/*
 * Qinglian shared browser module: storage, the person, records and their
 * delivery to the collector, UUIDs, SHA-256 and start-up. The quiz and
 * pledge plugins build on it (and on forms.js for what people type).
 *
 * Runs on plain-http intranet hosts, which are not secure contexts: no
 * crypto.randomUUID, no crypto.subtle, hence getRandomValues and our own
 * SHA-256. The build fills in __QINGLIAN_CONFIG__ (site id, collector
 * address, UI strings).
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

  // A record (common/record.schema.json): what a person did, with a
  // client-made UUID that makes delivery idempotent
  function record(kind, person, body, id) {
    var entry = { id: id || uuid(), site: config.siteId, kind: kind,
      created: new Date().toISOString(), person: person, page: location.href };
    entry[kind] = body;
    return entry;
  }

  // Delivery ------------------------------------------------------------------------
  // Every record waits in the outbox until the collector has it. Down, 5xx or
  // too slow: try again (on load, when the network returns, with backoff).
  // Refused (400, 409, 413, 415): kept as rejected with the reason, never
  // retried and never dropped. Without a collector, records stay "kept".
  var sending = false;
  var again = false; // asked to try now while sending: do so when done
  var retry = null;
  var listeners = [];

  // An outbox of another shape (edited by hand, an old version) is set aside whole
  function outbox() {
    return store.get("outbox", function (items) {
      return Array.isArray(items) && items.every(function (item) {
        return item && item.record && typeof item.record.id === "string"
          && typeof item.state === "string";
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
    flush();
  }

  function settle(id, change) {
    var items = outbox();
    items.forEach(function (item) {
      if (item.record.id === id) for (var key in change) item[key] = change[key];
    });
    saveOutbox(items);
  }

  function post(item) {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 15000);
    return fetch(config.collector, { method: "POST", body: JSON.stringify(item.record),
      headers: { "Content-Type": "application/json" }, signal: abort.signal })
      .then(function (response) {
        if (response.ok) return settle(item.record.id, { state: "sent" });
        if ([400, 409, 413, 415, 422].indexOf(response.status) < 0) throw new Error(response.status);
        return response.json().catch(function () { return {}; }).then(function (body) {
          settle(item.record.id, { state: "rejected", reason: [body.error || response.status]
            .concat(body.problems || []).join("; ") });
        });
      })
      .catch(function () {
        var wait = Math.min(600000, 5000 * Math.pow(2, item.tries));
        settle(item.record.id, { tries: item.tries + 1, next: Date.now() + wait });
      })
      .then(function () { clearTimeout(timer); });
  }

  // `now`: the page just loaded or the network came back, so try at once
  function flush(now) {
    if (!config.collector) return;
    if (sending) {
      again = again || now === true;
      return;
    }
    var due = outbox().filter(function (item) { return item.state === "waiting"; });
    var ready = due.filter(function (item) { return now === true || item.next <= Date.now(); });
    clearTimeout(retry);
    if (!ready.length) {
      if (due.length) {
        retry = setTimeout(flush, Math.min.apply(null, due.map(function (i) { return i.next; })) - Date.now());
      }
      return;
    }
    sending = true;
    ready.reduce(function (chain, item) {
      return chain.then(function () { return post(item); });
    }, Promise.resolve()).then(function () {
      sending = false;
      var now = again;
      again = false;
      flush(now);
    });
  }

  window.addEventListener("online", function () { flush(true); });

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

  // DOM: one helper for every script, text always through textContent
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

  window.qinglian = { config: config, store: store, t: t, uuid: uuid, sha256: sha256,
    normalize: normalize, person: person, savePerson: savePerson, signIn: signIn,
    signOut: signOut, record: record, send: send, outbox: outbox, flush: flush,
    onOutbox: function (listener) { listeners.push(listener); }, element: element, onPage: onPage };
  flush(true);
  // Start the plugin scripts that ran before this module (see quiz.js)
  (window.qinglianWaiting || []).splice(0).forEach(function (start) { start(); });
})(__QINGLIAN_CONFIG__);
