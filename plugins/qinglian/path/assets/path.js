/*
 * Qinglian path: a guided route (入职培训) of pages to read, a quiz to pass
 * and a pledge to sign. On the route's page: each step done / next / locked,
 * what to do next, and 换人 for shared ward PCs. At the end of each page of a
 * read step: "我已学习", once the page has been shown for its minimum time. In the
 * nav: a mark on pages studied. On the certificate page: the certificate and
 * its verification code.
 *
 * Progress is read from the person's records in the outbox by the rule the
 * collector applies (common/verification.py), so both arrive at the same
 * records and the same code. Needs the shared and forms modules; the
 * route's page also loads pledge.js, whose records download 换人 offers.
 */
(function run() {
  "use strict";
  var q = window.qinglian;
  // Instant navigation may run this before the shared and forms modules
  if (!q || !q.fields) return (window.qinglianWaiting = window.qinglianWaiting || []).push(run);
  if (window.qinglianPath) return window.qinglianPath.scan();
  Object.assign(q.config.strings, __QINGLIAN_STRINGS__);
  var t = q.t;
  var el = q.element;
  var CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var HOLDERS = ["path", "study", "certificate", "path-nav"]; // data-* attributes holding a route
  // Every route seen, with its pages' absolute addresses: the nav is marked
  // after instant navigation to pages that carry no route too
  var known = {};
  // How long the page has been visible since this module started, in ms: a page's
  // minimum time counts only while it can be read, not in a background tab, a
  // minimised window or the back/forward cache
  var seen = 0;
  var seenSince = document.visibilityState === "visible" ? Date.now() : null;

  // The code of a set of record ids: Crockford base32 of the SHA-256 of the
  // sorted ids, one per line; its first 16 characters (80 bits)
  function code(ids) {
    var hex = q.sha256(ids.slice().sort().join("\n"));
    var out = "";
    for (var i = 0, bits = 0, value = 0; out.length < 16; i += 2) {
      value = (value << 8) | parseInt(hex.substr(i, 2), 16);
      for (bits += 8; bits >= 5 && out.length < 16; bits -= 5) out += CROCKFORD[(value >>> (bits - 5)) & 31];
      value &= (1 << bits) - 1;
    }
    return out;
  }

  function shownCode(value) {
    return value.match(/.{4}/g).join("-");
  }

  // Local date of an ISO time, as 2026-11-24
  function day(iso) {
    var date = new Date(iso);
    return [date.getFullYear(), date.getMonth() + 1, date.getDate()].map(function (n) {
      return n < 10 ? "0" + n : n;
    }).join("-");
  }

  function visibleTime() {
    return seen + (seenSince === null ? 0 : Date.now() - seenSince);
  }

  function countVisible(visible) {
    seen = visibleTime();
    seenSince = visible ? Date.now() : null;
  }

  // Everything in the outbox that names this 工号 (family pledges for them too)
  function theirs(profile) {
    return q.outbox().filter(function (item) { return item.record.person.staff_id === profile.staff_id; });
  }

  // Per step, the earliest record (by created, then id) doing each thing it
  // needs (each page of a read step; else one), or null. Refused records
  // never reach the collector, and it counts no family member's, so neither
  // counts here.
  function progress(route, profile) {
    var records = theirs(profile).filter(function (item) {
      return item.state !== "rejected" && !item.record.person.relationship;
    });
    function before(a, b) {
      return a.created < b.created || (a.created === b.created && a.id < b.id);
    }
    records.sort(function (a, b) {
      return before(a.record, b.record) ? -1 : before(b.record, a.record) ? 1 : 0;
    });
    function first(test) {
      for (var i = 0; i < records.length; i++) if (test(records[i].record)) return records[i];
      return null;
    }
    return route.steps.map(function (step) {
      var found = step.kind === "read" ? step.pages.map(function (page) {
        return first(function (r) {
          return r.kind === "progress" && r.progress.path === route.id
            && r.progress.step === step.id + ":" + page.src && r.progress.done === true;
        });
      }) : [first(step.kind === "quiz" ? function (r) {
        return r.kind === "attempt" && r.attempt.quiz_id === step.quiz && r.attempt.passed === true;
      } : function (r) {
        return r.kind === "pledge" && r.pledge.id === step.pledge && r.pledge.version === step.version
          && step.hashes.indexOf(r.pledge.sha256) >= 0;
      })];
      var count = found.filter(Boolean).length;
      return { step: step, found: found, count: count, done: count === found.length };
    });
  }

  // done; next (the first step not done); locked (the steps after it)
  function states(steps) {
    var open = true;
    return steps.map(function (entry) {
      var state = entry.done ? "done" : open ? "next" : "locked";
      open = open && entry.done;
      return state;
    });
  }

  // What the route needs next, with its link: the next page to read, the
  // quiz, the pledge, or the certificate once all is done
  function action(data, steps) {
    var next = steps[states(steps).indexOf("next")];
    var step = next && next.step;
    var page = next && step.kind === "read" && step.pages[next.found.indexOf(null)];
    return el("p", { "class": "qinglian-path__next" }, [
      (next ? t("path.next", { step: step.title }) : t("path.complete")) + " ",
      el("a", { "class": "qinglian-path__go", href: data.base + (!next ? data.route.certificate : page ? page.url : step.url),
        text: !next ? t("path.view_certificate") : page ? t("path.read", { page: page.title }) : t("path.open_" + step.kind) })]);
  }

  // The keys under which the shared module set aside copies of a person's data it
  // could not read ("corrupt:person:<工号>:<time>"): their data too, for 换人 to clear
  function setAside(staffId) {
    var prefix = "qinglian:v1:" + q.config.siteId + ":"; // the shared module's
    var start = prefix + "corrupt:person:" + staffId + ":"; // a 工号 holds no ":"
    try {
      return Object.keys(localStorage).filter(function (key) { return key.indexOf(start) === 0; })
        .map(function (key) { return key.slice(prefix.length); });
    } catch (error) {
      return []; // no storage: nothing was set aside on this PC
    }
  }

  // Who is signed in, for `block`, with 不是你？: it signs the person out and calls
  // `redraw`. Their data stays for their return and their records are still
  // delivered: unlike 换人, nothing to download or clear, so whoever sits down
  // at a shared PC can start
  function whoIs(block, person, redraw) {
    return el("p", { "class": "qinglian-" + block + "__who" }, [t("path.who", person.profile) + " ",
      el("button", { type: "button", "class": "md-button qinglian-" + block + "__not-you",
        text: t("profile.not_you"), click: function () {
          q.signOut();
          markNav();
          redraw();
        } })]);
  }

  // The profile form, headed for a route block: nobody answers a quiz here
  function profileForm(done) {
    var fieldset = q.profileForm(done);
    fieldset.querySelector("legend").textContent = t("path.profile");
    return fieldset;
  }

  function show(form, body, state, children) {
    form.setAttribute("data-state", state);
    q.fill(body, children);
  }

  // What blocks drawn do when the outbox changes ("outbox") or Back brings the page
  // from the browser's cache ("restored"): one listener of each for the module, as
  // instant navigation takes blocks off the page but would leave their listeners,
  // holding the blocks: those off the page are dropped whenever the list is used
  var watched = [];

  function connected() {
    watched = watched.filter(function (entry) { return entry.form.isConnected; });
    return watched;
  }

  function watch(form, event, run) {
    connected().push({ form: form, event: event, run: run });
  }

  function notify(event) {
    connected().forEach(function (entry) { if (entry.event === event) entry.run(); });
  }

  // Call `render` again when the person's records (with `delivery()`: or
  // their delivery) change; not on every retry, which would move the focus
  function follow(form, render, delivery) {
    function key() {
      var person = q.person();
      return person ? JSON.stringify(theirs(person.profile).map(function (item) {
        return item.record.id + (delivery() ? item.state : "");
      })) : "";
    }
    var last = key();
    watch(form, "outbox", function () {
      var now = key();
      if (now !== last) render();
      last = now;
    });
  }

  // Back may bring the page from the browser's cache as it was left, its scripts
  // stopped while steps were done or someone else signed in on other pages: `render`
  // anew then, but not over a profile half typed while nobody is signed in
  function restored(form, render) {
    watch(form, "restored", function () {
      if (q.person() || form.getAttribute("data-state") !== "profile") render();
    });
  }

  function learn() {
    HOLDERS.forEach(function (name) {
      [].forEach.call(document.querySelectorAll("[data-" + name + "]"), function (node) {
        var data = JSON.parse(node.getAttribute("data-" + name));
        var urls = {};
        data.route.steps.forEach(function (step) {
          (step.pages || []).forEach(function (page) {
            urls[page.src] = new URL(data.base + page.url, location.href).href;
          });
        });
        known[data.route.id] = { route: data.route, urls: urls };
      });
    });
  }

  // Nav links to pages the current person studied: a class and hidden text
  function markNav() {
    var person = q.person();
    var studied = {};
    Object.keys(known).forEach(function (id) {
      if (person) progress(known[id].route, person.profile).forEach(function (entry) {
        if (entry.step.kind === "read") entry.found.forEach(function (found, i) {
          if (found) studied[known[id].urls[entry.step.pages[i].src]] = true;
        });
      });
    });
    [].forEach.call(document.querySelectorAll(".md-nav--primary a.md-nav__link"), function (link) {
      var label = link.querySelector(".qinglian-path-studied__label");
      if (studied[link.href] && !label) {
        link.classList.add("qinglian-path-studied");
        link.append(el("span", { "class": "qinglian-path-studied__label", text: t("path.studied") }));
      } else if (!studied[link.href] && label) {
        link.classList.remove("qinglian-path-studied");
        label.remove();
      }
    });
  }

  // The route's page ---------------------------------------------------------------
  function startRoute(form) {
    var data = JSON.parse(form.getAttribute("data-path"));
    var route = data.route;
    var body = form.querySelector(".qinglian-path__body");
    var status = form.querySelector("[role=status]");
    var switching = false;
    var exported = []; // ids of the records downloaded while switching
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    follow(form, render, function () { return switching; });
    restored(form, render);

    function render() {
      var person = q.person();
      if (!person) {
        return show(form, body, "profile", [profileForm(function () {
          status.textContent = "";
          render();
          markNav();
          body.querySelector(".qinglian-path__go").focus();
        })]);
      }
      if (switching) return guard(person);
      var steps = progress(route, person.profile);
      var state = states(steps);
      show(form, body, state.indexOf("next") < 0 ? "complete" : "route", [who(person), action(data, steps),
        el("ol", { "class": "qinglian-path__steps" }, steps.map(function (entry, i) {
          return step(entry, state[i], i);
        }))]);
    }

    function who(person) {
      var change = el("button", { type: "button", "class": "md-button qinglian-path__switch", text: t("path.switch") });
      change.addEventListener("click", function () {
        var mine = theirs(person.profile);
        if (mine.every(function (item) { return item.state === "sent"; })) return clear(person, mine);
        switching = true;
        exported = [];
        render();
        body.querySelector(".qinglian-path__guard").focus();
      });
      // 不是你？ for who sits down next; 换人 for who leaves
      var line = whoIs("path", person, function () {
        render();
        body.querySelector("input, select").focus();
      });
      line.append(" ", change);
      return line;
    }

    function step(entry, state, index) {
      var spec = entry.step;
      var facts = [t("path.state." + state)];
      var found = entry.found[0];
      if (spec.kind === "read") facts.push(t("path.pages_done", { done: entry.count, total: spec.pages.length }));
      if (spec.kind === "quiz") {
        facts.push(found ? t("path.passed", { score: found.record.attempt.score }) : t("path.pass_mark", { n: spec.pass_mark }));
      }
      if (spec.kind === "pledge" && found) facts.push(t("path.signed", { version: found.record.pledge.version }));
      var links = state === "locked" ? null : spec.kind === "read"
        ? el("ul", { "class": "qinglian-path__pages" }, spec.pages.map(function (page, i) {
          return el("li", { "data-page": page.src, "class": entry.found[i] ? "qinglian-path__page--studied" : null }, [
            el("a", { href: data.base + page.url, text: page.title }),
            entry.found[i] && el("span", { "class": "qinglian-path__studied", text: " · " + t("path.studied") })]);
        }))
        : el("p", {}, [el("a", { href: data.base + spec.url, text: t("path.open_" + spec.kind) })]);
      return el("li", { "class": "qinglian-path__step qinglian-path__step--" + state, "data-step": spec.id,
        "data-state": state }, [el("h3", { text: (index + 1) + ". " + spec.title }),
        el("p", { "class": "qinglian-path__facts", text: facts.join(" · ") }), links]);
    }

    // 换人: this person's records leave this PC only once the collector has
    // them or they were downloaded; never silently
    function unsafe(items) {
      return items.filter(function (item) {
        return item.state !== "sent" && exported.indexOf(item.record.id) < 0;
      });
    }

    function guard(person) {
      var mine = theirs(person.profile);
      var risky = unsafe(mine);
      // The warning takes the focus, or describes the button that does: read once,
      // not once more as an alert
      var warning = "qinglian-path-guard-" + route.id;
      var download = el("button", { type: "button", "class": "md-button qinglian-path__download", text: t("path.download") });
      var confirm = !risky.length && el("button", { type: "button", "aria-describedby": warning,
        "class": "md-button md-button--primary qinglian-path__clear", text: t("path.clear") });
      var cancel = el("button", { type: "button", "class": "md-button qinglian-path__cancel", text: t("path.cancel") });
      var waiting = mine.filter(function (item) { return item.state !== "sent"; }).length;
      show(form, body, "switching", [el("div", { "class": "qinglian-path__guard", id: warning, tabindex: "-1" }, [
        el("p", { text: risky.length ? t("path.undelivered", { name: person.profile.name, n: waiting })
          : t("path.safe", { name: person.profile.name }) })]),
        el("p", { "class": "qinglian-path__actions" }, [download, confirm, cancel])]);
      download.addEventListener("click", function () {
        var items = theirs(person.profile);
        window.qinglianPledge.download(items, "qinglian-" + person.profile.staff_id + ".json");
        exported = items.map(function (item) { return item.record.id; });
        render();
        (body.querySelector(".qinglian-path__clear") || body.querySelector(".qinglian-path__guard")).focus();
      });
      if (confirm) {
        confirm.addEventListener("click", function () {
          // A record made since the download (in another tab) is not in the file
          var now = theirs(person.profile);
          if (unsafe(now).length) {
            render();
            return body.querySelector(".qinglian-path__guard").focus();
          }
          clear(person, now);
        });
      }
      cancel.addEventListener("click", function () {
        switching = false;
        render();
        body.querySelector(".qinglian-path__switch").focus();
      });
    }

    function clear(person, mine) {
      var gone = mine.map(function (item) { return item.record.id; });
      q.store.set("outbox", q.outbox().filter(function (item) { return gone.indexOf(item.record.id) < 0; }));
      q.store.set("person:" + person.profile.staff_id, null);
      setAside(person.profile.staff_id).forEach(function (key) { q.store.set(key, null); });
      q.signOut();
      switching = false;
      exported = [];
      render();
      markNav();
      status.textContent = t("path.cleared", { name: person.profile.name });
      body.querySelector("input, select").focus();
    }

    render();
  }

  // "我已学习" at the end of a page of a read step ----------------------------------
  function startStudy(form) {
    var data = JSON.parse(form.getAttribute("data-study"));
    var route = data.route;
    var spec = route.steps.filter(function (s) { return s.id === form.getAttribute("data-step"); })[0];
    var index = spec.pages.map(function (page) { return page.src; }).indexOf(form.getAttribute("data-page"));
    var body = form.querySelector(".qinglian-study__body");
    var status = form.querySelector("[role=status]");
    // Storage trouble is said, never hidden: the mark is then kept only until the page closes
    var notice = el("p", { "class": "qinglian-study__notice", hidden: true });
    var opened = visibleTime();
    var timer = null;
    form.insertBefore(notice, body);
    var shown = null; // the staff id the block names: another tab may sign in someone else
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    restored(form, render);
    // A double click on 我已学习: its second press lands on what took the button's place
    // (已学习, the link to the next page), and would take the focus from 已学习 or follow
    // the link. It does nothing here.
    ["mousedown", "click"].forEach(function (type) {
      form.addEventListener(type, function (event) {
        if (event.detail > 1) {
          event.preventDefault();
          event.stopPropagation();
        }
      }, true);
    });

    function left() {
      return Math.ceil((opened + spec.min_read_seconds * 1000 - visibleTime()) / 1000);
    }

    function studied(person) {
      return person && progress(route, person.profile).filter(function (entry) {
        return entry.step.id === spec.id;
      })[0].found[index];
    }

    function where() {
      return el("p", { "class": "qinglian-study__where", text: t("path.where",
        { route: route.title, step: spec.title, n: index + 1, total: spec.pages.length }) });
    }

    // Who 我已学习 records for, and 不是你？: on a shared ward PC the last person
    // stays signed in, and would else be credited with the next one's reading
    function who(person) {
      return person && whoIs("study", person, function () {
        render();
        var button = body.querySelector(".qinglian-study__button");
        (button.disabled ? body.querySelector(".qinglian-study__wait") : button).focus();
      });
    }

    function render() {
      var person = q.person();
      var found = studied(person);
      notice.hidden = !q.store.problem;
      notice.textContent = q.store.problem ? t("storage." + q.store.problem) : "";
      shown = person && person.profile.staff_id;
      if (found) {
        return show(form, body, "done", [who(person), where(), el("p", { "class": "qinglian-study__done", tabindex: "-1",
          text: t("path.studied_on", { date: day(found.record.created) }) }),
          action(data, progress(route, person.profile)),
          el("p", {}, [el("a", { href: data.base + route.landing, text: t("path.back", { route: route.title }) })])]);
      }
      var wait = el("p", { "class": "qinglian-study__wait", role: "timer", id: "qinglian-study-wait-" + spec.id,
        tabindex: "-1" });
      // Not a submit button: a lesson's quiz above has the page's one
      var button = el("button", { type: "button", "class": "md-button md-button--primary qinglian-study__button",
        text: t("path.study"), "aria-describedby": wait.id });
      button.addEventListener("click", function () { if (left() <= 0) study(); });
      show(form, body, "reading", [who(person), where(), wait, button]);
      var waited = false;
      function tick() {
        var seconds = left();
        if (!form.isConnected) return clearInterval(timer);
        button.disabled = seconds > 0;
        wait.textContent = seconds > 0 ? t("path.wait", { n: seconds }) : t("path.ready");
        if (seconds > 0) waited = true;
        else {
          clearInterval(timer);
          if (waited) status.textContent = t("path.ready");
        }
      }
      clearInterval(timer);
      timer = setInterval(tick, 1000);
      tick();
    }

    function study() {
      var person = q.person();
      // Signed in or out in another tab since the block was drawn: name who it would
      // record for first, else the last person is credited with the next one's reading
      if ((person && person.profile.staff_id) !== shown) {
        render();
        status.textContent = t("path.changed_elsewhere");
        // Beside the new name: a second Enter there only signs them out
        return body.querySelector(".qinglian-study__not-you, .qinglian-study__button").focus();
      }
      if (!person) {
        show(form, body, "profile", [profileForm(function (profile) {
          shown = profile.staff_id;
          markNav();
          study();
        })]);
        // The button pressed is gone: the focus goes to the first field, not the top of the page
        return body.querySelector("input, select").focus();
      }
      if (!studied(person)) {
        q.send(q.record("progress", person.profile, { path: route.id, step: spec.id + ":" + spec.pages[index].src, done: true }));
      }
      render();
      // The focus goes to 已学习: the notice above it would go unheard
      status.textContent = notice.textContent;
      body.querySelector(".qinglian-study__done").focus();
    }

    render();
  }

  // The certificate ----------------------------------------------------------------------
  function startCertificate(form) {
    var data = JSON.parse(form.getAttribute("data-certificate"));
    var route = data.route;
    var body = form.querySelector(".qinglian-certificate__body");
    var status = form.querySelector("[role=status]");
    var said = null; // the delivery line drawn last: the sheet is drawn anew, so a change is said here
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    follow(form, render, function () { return true; });
    restored(form, render);

    function back() {
      return el("p", {}, [el("a", { href: data.base + route.landing, text: t("path.back", { route: route.title }) })]);
    }

    // Whose certificate this is, and 不是你？: on a shared ward PC the last person
    // stays signed in, and the next one would else see their certificate
    function who(person) {
      return whoIs("certificate", person, function () {
        render();
        body.querySelector(".qinglian-certificate__nobody").focus();
      });
    }

    function render() {
      var person = q.person();
      if (!person) {
        return show(form, body, "nobody", [el("p", { "class": "qinglian-certificate__nobody", tabindex: "-1",
          text: t("path.nobody", { route: route.title }) }), back()]);
      }
      var steps = progress(route, person.profile);
      var missing = steps.filter(function (entry) { return !entry.done; });
      if (missing.length) {
        return show(form, body, "incomplete", [who(person), el("p", { text: t("path.missing", { name: person.profile.name, route: route.title }) }),
          el("ul", { "class": "qinglian-certificate__missing" }, missing.map(function (entry) {
            return el("li", { "data-step": entry.step.id, text: entry.step.kind === "read"
              ? t("path.pages_left", { step: entry.step.title, n: entry.found.length - entry.count })
              : entry.step.title });
          })), back()]);
      }
      var items = [].concat.apply([], steps.map(function (entry) { return entry.found; }));
      var value = shownCode(code(items.map(function (item) { return item.record.id; })));
      var last = items.map(function (item) { return item.record.created; }).sort().pop();
      var profile = person.profile;
      var rows = [[t("field.name"), profile.name], [t("field.staff_id"), profile.staff_id],
        [t("field.department"), profile.department], [t("path.completed"), day(last)]];
      steps.forEach(function (entry) {
        var record = entry.found[0].record;
        if (entry.step.kind === "quiz") rows.push([entry.step.title, t("path.score", { score: record.attempt.score })]);
        if (entry.step.kind === "pledge") rows.push([entry.step.title, t("path.version", { version: record.pledge.version })]);
      });
      rows.push([t("path.code"), value]);
      var waiting = items.filter(function (item) { return item.state !== "sent"; }).length;
      // The verify page sits beside the API (…/api/v1/records), under whatever path a
      // proxy puts the collector at, not always at the host's root
      var verify = q.config.collector && new URL("../../verify/", new URL(q.config.collector, location.href)).href;
      var delivery = waiting ? t(verify ? "path.pending" : "path.kept", { n: waiting }) : t("path.delivered");
      if (said !== null && said !== delivery) status.textContent = delivery;
      said = delivery;
      var print = el("button", { type: "button", "class": "md-button", text: t("path.print"),
        click: function () { window.print(); } });
      show(form, body, "complete", [who(person), el("section", { "class": "qinglian-certificate__sheet",
        "aria-labelledby": "qinglian-certificate-" + route.id }, [
        el("h2", { id: "qinglian-certificate-" + route.id, text: t("path.certificate", { route: route.title }) }),
        el("p", { "class": "qinglian-certificate__text", text: t("path.certifies", { name: profile.name, route: route.title }) }),
        el("dl", {}, [].concat.apply([], rows.map(function (row, i) {
          return [el("dt", { text: row[0] }), el("dd", { text: row[1],
            "class": i === rows.length - 1 ? "qinglian-certificate__code" : null })];
        }))),
        el("p", { "class": "qinglian-certificate__delivery", "data-delivered": waiting ? "false" : "true",
          text: delivery }),
        verify && el("p", { "class": "qinglian-certificate__verify",
          text: t("path.verify", { address: verify + value }) })]),
        el("p", { "class": "qinglian-certificate__actions" }, [print])]);
    }

    render();
  }

  q.onPage(function () {
    learn();
    markNav();
  });
  q.onOutbox(function () {
    markNav();
    notify("outbox");
  });
  document.addEventListener("visibilitychange", function () {
    countVisible(document.visibilityState === "visible");
  });
  // Left, perhaps for the back/forward cache: nobody reads it from now on, whatever
  // visibilityState says yet
  addEventListener("pagehide", function () { countVisible(false); });
  addEventListener("pageshow", function (event) {
    countVisible(document.visibilityState === "visible");
    if (event.persisted) {
      markNav();
      notify("restored");
    }
  });
  var scans = [q.mount("form.qinglian-path", startRoute), q.mount("form.qinglian-study", startStudy),
    q.mount("form.qinglian-certificate", startCertificate)];
  // code(ids) returns the 16 characters, without dashes, at once (not a Promise)
  window.qinglianPath = { code: code, scan: function () {
    learn();
    markNav();
    scans.forEach(function (scan) { scan(); });
  } };
})();
