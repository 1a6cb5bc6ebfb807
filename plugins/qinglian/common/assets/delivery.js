/*
 * Qinglian delivery: sends the records in the outbox (qinglian.js) to the
 * collector, each exactly once. Down, 5xx or too slow: try again (on load,
 * when the network returns, with backoff), one record until one gets through.
 * Refused (400, 409, 413, 415, 422): kept as rejected with the reason, never
 * retried and never dropped. Storage full: room is made by dropping records
 * the collector already has, oldest first. The build puts it after the shared
 * module when a collector is configured.
 */
(function () {
  "use strict";
  var q = window.qinglian;
  // Instant navigation runs page scripts again: keep the first instance
  if (window.qinglianDelivery) return;
  window.qinglianDelivery = true;

  var sending = false;
  var again = false; // asked to try now while sending: do so when done
  var retry = null;
  // Until when the collector counts as down: a failed try holds back the other records
  // till its retry. Else each page load, with the collector down for days, tried
  // every waiting record, rewriting the whole outbox after each: minutes of a busy
  // page on a ward PC with a full storage
  var down = 0;

  // A try count or retry time saved by another version, or edited by hand, that is
  // not a number counts as 0: else a failed try is retried at once, again and again
  function number(value) {
    return typeof value == "number" && isFinite(value) ? value : 0;
  }

  // What happened to each record sent, noted here and written to the outbox BATCH
  // records at a time: each write of an outbox that grew for days without the
  // collector (2,000 records, 3 MB) kept a ward PC busy for 0.1-0.5 s, and one per
  // record kept the page busy for minutes. An outcome the page closes on is lost:
  // that record is sent again, and the collector answers "already there"
  var BATCH = 50;
  var settled = {}; // record id -> the change to its waiting copy
  var unwritten = 0;

  function settle(id, change) {
    settled[id] = change;
    unwritten++;
  }

  // Only a copy still waiting is changed, so a 409 for a copy that differs never
  // marks the one delivered before as refused
  function write() {
    if (!unwritten) return;
    var changes = settled;
    settled = {};
    unwritten = 0;
    var items = q.outbox();
    items.forEach(function (item) {
      var id = item.record.id;
      if ({}.hasOwnProperty.call(changes, id) && item.state == "waiting") Object.assign(item, changes[id]);
    });
    q.saveOutbox(items);
  }

  function post(item) {
    var id = item.record.id;
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 15000);
    return fetch(q.config.collector, { method: "POST", body: JSON.stringify(item.record),
      headers: { "Content-Type": "application/json" }, signal: abort.signal })
      .then(function (response) {
        if (response.ok) return settle(id, { state: "sent" });
        if ([400, 409, 413, 415, 422].indexOf(response.status) < 0) throw 0;
        return response.json().catch(function () { return {}; }).then(function (body) {
          // The reason is the collector's (English, for the administrator); the page says
          // what happened in its own language by the status
          settle(id, { state: "rejected", status: response.status, reason: [body.error || response.status]
            .concat(body.problems || []).join("; ") });
        });
      })
      .catch(function () {
        var tries = number(item.tries);
        down = Date.now() + Math.min(600000, 5000 * Math.pow(2, tries));
        settle(id, { tries: tries + 1, next: down });
      })
      .then(function () { clearTimeout(timer); });
  }

  // `now`: the page just loaded or the network came back, so try at once
  function flush(now) {
    if (sending) {
      again = again || now === true;
      return;
    }
    if (now === true) down = 0;
    var due = q.outbox().filter(function (item) { return item.state == "waiting"; });
    var ready = down > Date.now() ? [] : due.filter(function (item) {
      return now === true || number(item.next) <= Date.now();
    });
    clearTimeout(retry);
    if (!ready.length) {
      if (due.length) {
        retry = setTimeout(flush, Math.max(down, Math.min.apply(null, due.map(function (i) {
          return number(i.next);
        }))) - Date.now());
      }
      return;
    }
    sending = true;
    // Fewest tries first: a record the collector keeps failing on does not hold up the others
    ready.sort(function (a, b) { return number(a.tries) - number(b.tries); }).reduce(function (chain, item) {
      return chain.then(function () {
        if (unwritten >= BATCH) write();
        if (down <= Date.now()) return post(item);
      });
    }, Promise.resolve()).then(function () {
      write();
      sending = false;
      now = again;
      again = false;
      flush(now);
    });
  }

  // Full storage (a year of records on a shared ward PC) --------------------------------
  // A write that does not fit makes room by dropping records the collector already
  // has, oldest first (the outbox keeps the order they were made in), and is tried
  // again; a record not yet delivered is never dropped. About 2 % of the 5 MB quota
  // more than needed, so that this happens once in some hundred records, not on each
  var ROOM = 100000;
  var set = q.store.set;

  // `value` of `key` without the records `dropped`: the outbox loses them, and a
  // person's copy of an attempt keeps what the quiz shows and its attempt limit
  // counts (quiz, score, passed), not the answers
  function without(key, value, dropped) {
    function gone(record) {
      return dropped.indexOf(record.id) >= 0;
    }
    if (key == "outbox") return value.filter(function (item) { return !gone(item.record); });
    if (!/^person:/.test(key) || !value || !Array.isArray(value.attempts)) return value;
    return Object.assign({}, value, { attempts: value.attempts.map(function (entry) {
      var attempt = entry && entry.attempt;
      return entry && gone(entry) && attempt ? { id: entry.id, attempt: { quiz_id: attempt.quiz_id, score: attempt.score,
        passed: attempt.passed } } : entry;
    }) });
  }

  // Drops the oldest delivered records until `need` characters are free; returns their ids
  function makeRoom(need) {
    var items = q.outbox();
    var dropped = [];
    var people = {};
    items.forEach(function (item) {
      if (item.state != "sent" || need <= 0) return;
      dropped.push(item.record.id);
      need -= JSON.stringify(item).length;
      if (item.record.kind == "attempt") people["person:" + item.record.person.staff_id] = 1;
    });
    if (!dropped.length) return dropped;
    // Storage that takes nothing at all frees nothing: the page keeps showing them
    if (!set("outbox", without("outbox", items, dropped))) {
      set("outbox", items);
      return [];
    }
    Object.keys(people).forEach(function (key) {
      var data = q.store.get(key);
      if (data) set(key, without(key, data, dropped));
    });
    return dropped;
  }

  // The shared module's own says when storage is full, and when no longer (nothing
  // held in memory alone): this one only makes room and tries again
  q.store.set = function (key, value) {
    var dropped = [];
    for (;;) {
      if (set(key, dropped.length && value !== null ? without(key, value, dropped) : value)) return true;
      var more = q.store.problem == "full" ? makeRoom(ROOM) : [];
      if (!more.length) return false;
      dropped = dropped.concat(more);
    }
  };

  // Records kept while the site had no collector (an earlier build) go to the one it
  // has now, as the privacy notes say; else they would wait for nothing
  var items = q.outbox();
  if (items.some(function (item) { return item.state == "kept"; })) {
    items.forEach(function (item) {
      if (item.state == "kept") item.state = "waiting";
    });
    q.saveOutbox(items);
  }

  q.flush = flush;
  addEventListener("online", function () { flush(true); });
  flush(true);
})();
