/*
 * Qinglian quiz: draws a paper from the data the build put on
 * <form class="qinglian-quiz" data-quiz="…">, lets the person answer with
 * real form controls, keeps the unfinished attempt in storage so a reload
 * loses nothing, grades it and writes the result into the form's
 * role="status" region. Needs the shared module (window.qinglian).
 */
(function run() {
  "use strict";
  var q = window.qinglian;
  // Instant navigation inserts page scripts anew, and they may run in any
  // order: without the shared module yet, wait for it to call us
  if (!q || !q.profileForm) return (window.qinglianWaiting = window.qinglianWaiting || []).push(run);
  var t = q.t;
  var el = q.element;

  // Instant navigation runs this file again on each page with a quiz
  if (window.qinglianQuiz) return window.qinglianQuiz.scan();
  Object.assign(q.config.strings, __QINGLIAN_STRINGS__);
  window.qinglianQuiz = { scan: q.mount("form.qinglian-quiz", start) };

  function shuffle(items) {
    for (var i = items.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }

  function range(n) {
    for (var list = [], i = 0; i < n; i++) list.push(i);
    return list;
  }

  function minutes(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
  }

  function start(form) {
    var quiz = JSON.parse(form.getAttribute("data-quiz"));
    var body = form.querySelector(".qinglian-quiz__body");
    var status = form.querySelector("[role=status]");
    var notice = el("p", { "class": "qinglian-quiz__notice", hidden: true });
    var timer = null;
    form.insertBefore(notice, body);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = q.person();
      if (data && data.open && data.open[quiz.id]) finish(data, false);
    });

    // Storage trouble is said, never hidden: results are then kept only until the page closes
    function save(data) {
      q.savePerson(data);
      warn();
    }

    function warn() {
      notice.hidden = !q.store.problem;
      notice.textContent = q.store.problem ? t("storage." + q.store.problem) : "";
    }

    function show(state, children) {
      form.setAttribute("data-state", state);
      body.textContent = "";
      children.forEach(function (child) { if (child) body.appendChild(child); });
    }

    function attemptsOf(data) {
      return (data.attempts || []).filter(function (a) { return a.attempt.quiz_id === quiz.id; });
    }

    function render() {
      var data = q.person();
      warn();
      if (!data) {
        return show("profile", [q.profileForm(function () { render(); })]);
      }
      var open = data.open && data.open[quiz.id];
      if (open) return paper(data, open);
      intro(data);
    }

    function who(data) {
      var notYou = el("button", { type: "button", "class": "qinglian-quiz__not-you",
        text: t("profile.not_you") });
      notYou.addEventListener("click", function () {
        q.signOut();
        render();
      });
      return el("p", { "class": "qinglian-quiz__who" }, [
        document.createTextNode(t("profile.current", data.profile) + " "), notYou]);
    }

    function intro(data) {
      var done = attemptsOf(data);
      var left = quiz.max_attempts ? quiz.max_attempts - done.length : null;
      var facts = [t("quiz.count", { n: quiz.size }), t("quiz.pass_mark", { n: quiz.pass_mark })];
      if (quiz.time_limit) facts.push(t("quiz.time_limit", { n: quiz.time_limit }));
      if (left !== null) facts.push(t("quiz.attempts_left", { n: Math.max(left, 0), max: quiz.max_attempts }));
      var last = done[done.length - 1];
      var begin = null;
      if (left === null || left > 0) {
        begin = el("button", { type: "button", "class": "md-button md-button--primary qinglian-quiz__start",
          text: t(done.length ? "quiz.again" : "quiz.start") });
        begin.addEventListener("click", function () { beginAttempt(data); });
      }
      show(begin ? "intro" : "locked", [who(data),
        el("p", { "class": "qinglian-quiz__facts", text: facts.join(" · ") }),
        last && el("p", { text: t("quiz.last", { score: last.attempt.score,
          verdict: t(last.attempt.passed ? "quiz.passed" : "quiz.failed") }) }),
        begin || el("p", { "class": "qinglian-quiz__locked", text: t("quiz.no_attempts_left") })]);
    }

    // Each attempt draws afresh, questions this person has not seen first
    function draw(data) {
      var seen = {};
      (data.seen || []).forEach(function (id) { seen[id] = true; });
      var taken = {};
      var items = [];
      quiz.draw.forEach(function (rule) {
        var pool = rule.pool.filter(function (id) { return !taken[id]; });
        if (!rule.fixed) {
          pool = shuffle(pool);
          pool = pool.filter(function (id) { return !seen[id]; })
            .concat(pool.filter(function (id) { return seen[id]; }));
        }
        pool.slice(0, rule.count).forEach(function (id) {
          taken[id] = true;
          var question = quiz.questions[id];
          var order = range(question.options.length);
          items.push({ id: id, order: quiz.shuffle_options ? shuffle(order) : order });
        });
      });
      return items;
    }

    function beginAttempt(data) {
      var now = Date.now();
      var attempt = { id: q.uuid(), started: now, answers: {}, checked: {},
        deadline: quiz.time_limit ? now + quiz.time_limit * 60000 : null, items: draw(data) };
      data.open = data.open || {};
      data.open[quiz.id] = attempt;
      data.seen = (data.seen || []).concat(attempt.items.map(function (item) { return item.id; }))
        .filter(function (id, i, all) { return all.indexOf(id) === i; });
      save(data);
      status.textContent = "";
      paper(data, attempt);
      var first = body.querySelector("input");
      if (first) first.focus();
    }

    function paper(data, attempt) {
      var fieldsets = attempt.items.map(function (item, index) {
        return question(data, attempt, item, index);
      });
      var clock = attempt.deadline && el("p", { "class": "qinglian-quiz__timer", role: "timer" });
      var submit = el("button", { type: "submit", "class": "md-button md-button--primary qinglian-quiz__submit",
        text: t("quiz.submit") });
      show("running", [who(data), clock].concat(fieldsets, [submit]));
      if (clock) countdown(data, attempt, clock);
    }

    function countdown(data, attempt, clock) {
      var warned = false;
      function tick() {
        var left = attempt.deadline - Date.now();
        if (!form.isConnected || form.getAttribute("data-state") !== "running") {
          return clearInterval(timer);
        }
        clock.textContent = t("quiz.time_left", { time: minutes(left) });
        if (left <= 60000 && !warned) {
          warned = true;
          clock.classList.add("qinglian-quiz__timer--warning");
          status.textContent = t("quiz.one_minute");
        }
        if (left <= 0) finish(q.person(), true);
      }
      clearInterval(timer);
      timer = setInterval(tick, 1000);
      tick();
    }

    function question(data, attempt, item, index) {
      var spec = quiz.questions[item.id];
      var name = "q-" + quiz.id + "-" + item.id;
      var given = attempt.answers[item.id];
      var controls;
      function remember(value) {
        attempt.answers[item.id] = value;
        save(data);
      }
      if (spec.type === "fill_blank") {
        var text = el("input", { type: "text", name: name, autocomplete: "off",
          id: name, value: given || "" });
        text.addEventListener("input", function () { remember(text.value); });
        controls = [el("label", { "for": name, text: t("quiz.answer") }), text];
      } else {
        var choices = spec.type === "true_false"
          ? [["true", t("quiz.true")], ["false", t("quiz.false")]]
          : item.order.map(function (option, shown) {
            return [String(option), String.fromCharCode(65 + shown) + ". " + spec.options[option]];
          });
        var type = spec.type === "multiple" ? "checkbox" : "radio";
        controls = choices.map(function (choice) {
          var input = el("input", { type: type, name: name, value: choice[0],
            checked: given != null && [].concat(given).indexOf(choice[0]) >= 0 });
          input.addEventListener("change", function () {
            var picked = [].map.call(form.querySelectorAll("input[name='" + name + "']:checked"),
              function (box) { return box.value; });
            remember(type === "checkbox" ? picked : picked[0]);
          });
          return el("label", { "class": "qinglian-question__option" }, [input, el("span", { text: choice[1] })]);
        });
      }
      var feedback = el("div", { "class": "qinglian-question__feedback", hidden: true });
      var check = quiz.mode === "practice" && el("button", { type: "button",
        "class": "md-button qinglian-question__check", text: t("quiz.check") });
      var fieldset = el("fieldset", { "class": "qinglian-question", "data-question-id": item.id }, [
        el("legend", { text: (index + 1) + ". " + spec.stem + " " + t("quiz.type." + spec.type) }),
        el("div", { "class": "qinglian-question__controls" }, controls), check, feedback]);
      if (check) {
        check.addEventListener("click", function () {
          attempt.checked[item.id] = true;
          save(data);
          review(fieldset, item, attempt.answers[item.id], true);
          var next = fieldset.nextElementSibling && fieldset.nextElementSibling.querySelector("input");
          (next || feedback).focus();
        });
        if (attempt.checked[item.id]) review(fieldset, item, given, true);
      }
      return fieldset;
    }

    function canonical(spec, given) {
      if (given == null || given === "" || (given.length === 0 && typeof given !== "string")) return null;
      if (spec.type === "fill_blank") return q.normalize(given);
      if (spec.type === "true_false") return String(given);
      return [].concat(given).map(Number).sort(function (a, b) { return a - b; }).join(",");
    }

    function correct(spec, given) {
      var answer = canonical(spec, given);
      if (answer === null) return false;
      if (spec.digests) return spec.digests.indexOf(q.sha256(spec.salt + ":" + answer)) >= 0;
      var accepted = spec.type === "fill_blank" ? spec.answer.map(q.normalize)
        : [canonical(spec, spec.type === "true_false" ? spec.answer : spec.answer.map(String))];
      return accepted.indexOf(answer) >= 0;
    }

    // Show right or wrong under a question; practice adds the answer and why
    function review(fieldset, item, given, practice) {
      var spec = quiz.questions[item.id];
      var right = correct(spec, given);
      var feedback = fieldset.querySelector(".qinglian-question__feedback");
      var lines = [t(right ? "quiz.right" : "quiz.wrong") + " · "
        + spec.standards.map(function (n) { return t("quiz.standard", { n: n }); }).join("、")];
      if (practice && spec.answer !== undefined) {
        if (!right) lines.push(t("quiz.correct_answer", { answer: shownAnswer(spec, item) }));
        lines.push(spec.explanation);
      }
      feedback.textContent = "";
      lines.forEach(function (line) { feedback.appendChild(el("p", { text: line })); });
      feedback.hidden = false;
      feedback.setAttribute("tabindex", "-1");
      fieldset.classList.add(right ? "qinglian-question--right" : "qinglian-question--wrong");
      fieldset.disabled = true;
      return right;
    }

    function shownAnswer(spec, item) {
      if (spec.type === "fill_blank") return spec.answer.join(" / ");
      if (spec.type === "true_false") return t(spec.answer ? "quiz.true" : "quiz.false");
      return spec.answer.map(function (option) {
        return String.fromCharCode(65 + item.order.indexOf(option));
      }).sort().join("、");
    }

    function finish(data, timedOut) {
      var attempt = data.open[quiz.id];
      var fieldsets = body.querySelectorAll("fieldset.qinglian-question");
      var byStandard = {};
      var answers = attempt.items.map(function (item, index) {
        var spec = quiz.questions[item.id];
        var given = attempt.answers[item.id];
        var right = review(fieldsets[index], item, given, quiz.mode === "practice");
        spec.standards.forEach(function (n) {
          var entry = byStandard[n] = byStandard[n] || { correct: 0, total: 0 };
          entry.total++;
          if (right) entry.correct++;
        });
        var answer = canonical(spec, given);
        return { question: item.id, answer: answer && answer.slice(0, 200), correct: right };
      });
      var score = Math.round(100 * answers.filter(function (a) { return a.correct; }).length
        / Math.max(answers.length, 1));
      // A paper submitted by the timer ends at its deadline, not at the next tick
      var now = timedOut ? Math.min(Date.now(), attempt.deadline) : Date.now();
      var result = q.record("attempt", data.profile, { quiz_id: quiz.id, quiz_hash: quiz.hash,
        started: new Date(attempt.started).toISOString(), finished: new Date(now).toISOString(),
        score: score, passed: score >= quiz.pass_mark, timed_out: timedOut, answers: answers,
        by_standard: byStandard }, attempt.id);
      delete data.open[quiz.id];
      data.attempts = (data.attempts || []).concat([result]);
      save(data);
      q.send(result);
      clearInterval(timer);
      var submit = body.querySelector(".qinglian-quiz__submit");
      var clock = body.querySelector(".qinglian-quiz__timer");
      [submit, clock].forEach(function (node) { if (node) node.remove(); });
      form.setAttribute("data-state", "done");
      announce(result, timedOut);
      body.appendChild(after(data));
    }

    function announce(result, timedOut) {
      var outcome = result.attempt;
      var seconds = Math.round((Date.parse(outcome.finished) - Date.parse(outcome.started)) / 1000);
      var rows = Object.keys(outcome.by_standard).map(function (n) {
        var entry = outcome.by_standard[n];
        return el("tr", {}, [el("th", { scope: "row", text: t("quiz.standard", { n: n }) }),
          el("td", { text: entry.correct + " / " + entry.total }),
          el("td", {}, [el("meter", { min: 0, max: entry.total, value: entry.correct,
            "aria-hidden": "true" })])]);
      });
      status.textContent = "";
      status.appendChild(el("p", { "class": "qinglian-quiz__score", text: (timedOut ? t("quiz.timed_out") + " " : "")
        + t("quiz.result", { score: outcome.score + "%",
          verdict: t(outcome.passed ? "quiz.passed" : "quiz.failed"),
          time: minutes(seconds * 1000) }) }));
      status.appendChild(el("table", { "class": "qinglian-quiz__breakdown" }, [
        el("caption", { text: t("quiz.by_standard") }),
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: t("quiz.standard_column") }),
          el("th", { scope: "col", text: t("quiz.correct_column") }), el("td")])]),
        el("tbody", {}, rows)]));
    }

    function after(data) {
      var again = el("button", { type: "button", "class": "md-button qinglian-quiz__again",
        text: t("quiz.back") });
      again.addEventListener("click", function () {
        status.textContent = "";
        render();
        (body.querySelector("button") || form).focus();
      });
      return el("p", {}, [again]);
    }

    render();
  }
})();
