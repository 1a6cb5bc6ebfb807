/*
 * Qinglian quiz: draws a paper from the data the build put on
 * <form class="qinglian-quiz" data-quiz="…">, lets the person answer with
 * real form controls, keeps the unfinished attempt in storage so a reload
 * loses nothing, grades it and writes the result into the form's
 * role="status" region. Needs the shared module (window.qinglian), and
 * sha256.js for exams, whose answers are salted digests.
 */
(function run() {
  "use strict";
  var q = window.qinglian;
  // Instant navigation inserts page scripts anew, and they may run in any
  // order: without the shared module yet, wait for it to call us
  if (!q) return (window.qinglianWaiting = window.qinglianWaiting || []).push(run);
  // Instant navigation runs this file again on each page with a quiz
  if (window.qinglianQuiz) return window.qinglianQuiz.scan();
  var t = q.t;
  var el = q.element;
  window.qinglianQuiz = { scan: q.mount("form.qinglian-quiz", start) };

  function shuffle(items) {
    for (var i = items.length; i > 1;) {
      var j = Math.floor(Math.random() * i--);
      var swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }

  function minutes(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(seconds / 60) + ":" + ("0" + seconds % 60).slice(-2);
  }

  function verdict(passed) {
    return t(passed ? "quiz.passed" : "quiz.failed");
  }

  // Put `children` (nulls skipped) in place of what `node` holds
  function fill(node, children) {
    node.textContent = "";
    children.forEach(function (child) { if (child) node.appendChild(child); });
  }

  function button(name, text, click, type) {
    var node = el("button", { type: type || "button", "class": name, text: text });
    if (click) node.addEventListener("click", click);
    return node;
  }

  function start(form) {
    var quiz = JSON.parse(form.getAttribute("data-quiz"));
    var questions = quiz.questions;
    var body = form.querySelector(".qinglian-quiz__body");
    var status = form.querySelector("[role=status]");
    var notice = el("p", { "class": "qinglian-quiz__notice", hidden: true });
    var timer = null;
    form.insertBefore(notice, body);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = q.person();
      if (data && data.open && data.open[quiz.id]) finish(data);
    });

    // Storage trouble is said, never hidden: results are then kept only until the page closes
    function save(data) {
      q.savePerson(data);
      warn();
    }

    function warn() {
      var problem = q.store.problem;
      notice.hidden = !problem;
      notice.textContent = problem ? t({ unavailable: "storage.unavailable", full: "storage.full",
        corrupt: "storage.corrupt" }[problem]) : "";
    }

    function show(state, children) {
      form.setAttribute("data-state", state);
      fill(body, children);
    }

    function render() {
      var data = q.person();
      warn();
      if (!data) return show("profile", [q.profileForm(render)]);
      var open = data.open && data.open[quiz.id];
      if (open) return paper(data, open);
      // Before an attempt: the rules, the last result, and start (if attempts are left)
      var done = (data.attempts || []).filter(function (a) { return a.attempt.quiz_id === quiz.id; });
      var left = quiz.max_attempts - done.length;
      var last = done[done.length - 1];
      var allowed = !quiz.max_attempts || left > 0;
      show(allowed ? "intro" : "locked", [who(data),
        el("p", { "class": "qinglian-quiz__facts", text: [t("quiz.count", { n: quiz.size }),
          t("quiz.pass_mark", { n: quiz.pass_mark }),
          quiz.time_limit && t("quiz.time_limit", { n: quiz.time_limit }),
          quiz.max_attempts && t("quiz.attempts_left", { n: Math.max(left, 0), max: quiz.max_attempts })]
          .filter(Boolean).join(" · ") }),
        last && el("p", { text: t("quiz.last", { score: last.attempt.score, verdict: verdict(last.attempt.passed) }) }),
        allowed ? button("md-button md-button--primary qinglian-quiz__start",
          t(done.length ? "quiz.again" : "quiz.start"), function () { begin(data); })
          : el("p", { "class": "qinglian-quiz__locked", text: t("quiz.no_attempts_left") })]);
    }

    function who(data) {
      return el("p", { "class": "qinglian-quiz__who", text: t("profile.current", data.profile) + " " }, [
        button("qinglian-quiz__not-you", t("profile.not_you"), function () {
          q.signOut();
          render();
        })]);
    }

    // Each attempt draws afresh, questions this person has not seen first
    function draw(data) {
      var seen = {};
      var taken = {};
      var items = [];
      (data.seen || []).forEach(function (id) { seen[id] = 1; });
      quiz.draw.forEach(function (rule) {
        var pool = rule.pool.filter(function (id) { return !taken[id]; });
        if (!rule.fixed) {
          // sort() keeps the shuffled order among the unseen and among the seen
          pool = shuffle(pool).sort(function (a, b) { return !!seen[a] - !!seen[b]; });
        }
        pool.slice(0, rule.count).forEach(function (id) {
          taken[id] = 1;
          var order = questions[id].options.map(function (option, index) { return index; });
          items.push({ id: id, order: quiz.shuffle_options ? shuffle(order) : order });
        });
      });
      return items;
    }

    function begin(data) {
      var now = Date.now();
      var attempt = { id: q.uuid(), started: now, answers: {}, checked: {},
        deadline: quiz.time_limit ? now + quiz.time_limit * 60000 : null, items: draw(data) };
      (data.open = data.open || {})[quiz.id] = attempt;
      data.seen = (data.seen || []).concat(attempt.items.map(function (item) { return item.id; }))
        .filter(function (id, i, all) { return all.indexOf(id) === i; });
      save(data);
      status.textContent = "";
      paper(data, attempt);
      var first = body.querySelector("input");
      if (first) first.focus();
    }

    function paper(data, attempt) {
      var clock = attempt.deadline && el("p", { "class": "qinglian-quiz__timer", role: "timer" });
      show("running", [who(data), clock].concat(attempt.items.map(function (item, index) {
        return question(data, attempt, item, index);
      }), [button("md-button md-button--primary qinglian-quiz__submit", t("quiz.submit"), null, "submit")]));
      if (clock) countdown(attempt, clock);
    }

    function countdown(attempt, clock) {
      var warned = false;
      function tick() {
        var left = attempt.deadline - Date.now();
        if (!form.isConnected || form.getAttribute("data-state") != "running") return clearInterval(timer);
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
      var spec = questions[item.id];
      var type = spec.type;
      var name = "q-" + quiz.id + "-" + item.id;
      var given = attempt.answers[item.id];
      var box = el("div", { "class": "qinglian-question__controls" });
      function remember(value) {
        attempt.answers[item.id] = value;
        save(data);
      }
      if (type == "fill_blank") {
        var text = el("input", { type: "text", name: name, autocomplete: "off", id: name, value: given || "" });
        text.addEventListener("input", function () { remember(text.value); });
        fill(box, [el("label", { "for": name, text: t("quiz.answer") }), text]);
      } else {
        var kind = type == "multiple" ? "checkbox" : "radio";
        fill(box, (type == "true_false" ? [["true", t("quiz.true")], ["false", t("quiz.false")]]
          : item.order.map(function (option, shown) {
            return [String(option), String.fromCharCode(65 + shown) + ". " + spec.options[option]];
          })).map(function (choice) {
          var input = el("input", { type: kind, name: name, value: choice[0],
            checked: given != null && [].concat(given).indexOf(choice[0]) >= 0 });
          input.addEventListener("change", function () {
            var picked = [].map.call(box.querySelectorAll(":checked"), function (node) { return node.value; });
            remember(kind == "checkbox" ? picked : picked[0]);
          });
          return el("label", { "class": "qinglian-question__option" }, [input, el("span", { text: choice[1] })]);
        }));
      }
      var feedback = el("div", { "class": "qinglian-question__feedback", hidden: true });
      var fieldset = el("fieldset", { "class": "qinglian-question", "data-question-id": item.id }, [
        el("legend", { text: (index + 1) + ". " + spec.stem + " " + t({ single: "quiz.type.single",
          multiple: "quiz.type.multiple", true_false: "quiz.type.true_false",
          fill_blank: "quiz.type.fill_blank" }[type]) }), box,
        // Practice: check each answer on the spot, then on to the next question
        quiz.mode == "practice" && button("md-button qinglian-question__check", t("quiz.check"), function () {
          attempt.checked[item.id] = true;
          save(data);
          review(fieldset, item, attempt.answers[item.id]);
          var next = fieldset.nextElementSibling.querySelector("input");
          (next || feedback).focus();
        }), feedback]);
      if (attempt.checked[item.id]) review(fieldset, item, given);
      return fieldset;
    }

    // An answer as the build writes it before hashing: folded text, "true" or
    // "false", or the options' numbers in order ("0,2"); null when none is given
    function canonical(spec, given) {
      return given == null || !String(given) ? null : spec.type == "fill_blank" ? q.normalize(given)
        : spec.type == "true_false" ? String(given)
          : [].concat(given).map(Number).sort(function (a, b) { return a - b; }).join(",");
    }

    // Show right or wrong under a question; with the answer in the page
    // (practice), the answer and why
    function review(fieldset, item, given) {
      var spec = questions[item.id];
      var answer = canonical(spec, given);
      var right = answer !== null && (spec.digests
        ? spec.digests.indexOf(q.sha256(spec.salt + ":" + answer)) >= 0
        : (spec.type == "fill_blank" ? spec.answer.map(q.normalize) : [canonical(spec, spec.answer)])
          .indexOf(answer) >= 0);
      var lines = [t(right ? "quiz.right" : "quiz.wrong") + " · "
        + spec.standards.map(function (n) { return t("quiz.standard", { n: n }); }).join("、")];
      if (spec.answer != null) {
        if (!right) {
          lines.push(t("quiz.correct_answer", { answer: spec.type == "fill_blank" ? spec.answer.join(" / ")
            : spec.type == "true_false" ? t(spec.answer ? "quiz.true" : "quiz.false")
              : spec.answer.map(function (option) {
                return String.fromCharCode(65 + item.order.indexOf(option));
              }).sort().join("、") }));
        }
        lines.push(spec.explanation);
      }
      var feedback = fieldset.querySelector(".qinglian-question__feedback");
      fill(feedback, lines.map(function (line) { return el("p", { text: line }); }));
      feedback.hidden = false;
      feedback.tabIndex = -1;
      fieldset.classList.add(right ? "qinglian-question--right" : "qinglian-question--wrong");
      fieldset.disabled = true;
      return right;
    }

    function finish(data, timedOut) {
      var attempt = data.open[quiz.id];
      var fieldsets = body.querySelectorAll("fieldset.qinglian-question");
      var byStandard = {};
      var right = 0;
      var answers = attempt.items.map(function (item, index) {
        var spec = questions[item.id];
        var given = attempt.answers[item.id];
        var correct = review(fieldsets[index], item, given);
        var answer = canonical(spec, given);
        right += correct;
        spec.standards.forEach(function (n) {
          var entry = byStandard[n] = byStandard[n] || { correct: 0, total: 0 };
          entry.total++;
          entry.correct += correct;
        });
        return { question: item.id, answer: answer && answer.slice(0, 200), correct: correct };
      });
      var score = Math.round(100 * right / Math.max(answers.length, 1));
      var passed = score >= quiz.pass_mark;
      // A paper submitted by the timer ends at its deadline, not at the next tick
      var now = timedOut ? Math.min(Date.now(), attempt.deadline) : Date.now();
      var result = q.record("attempt", data.profile, { quiz_id: quiz.id, quiz_hash: quiz.hash,
        started: new Date(attempt.started).toISOString(), finished: new Date(now).toISOString(),
        score: score, passed: passed, timed_out: !!timedOut, answers: answers,
        by_standard: byStandard }, attempt.id);
      delete data.open[quiz.id];
      data.attempts = (data.attempts || []).concat([result]);
      save(data);
      q.send(result);
      clearInterval(timer);
      [].forEach.call(body.querySelectorAll(".qinglian-quiz__submit,.qinglian-quiz__timer"), function (node) {
        node.remove();
      });
      form.setAttribute("data-state", "done");
      // The result, read out by the role="status" region
      fill(status, [el("p", { "class": "qinglian-quiz__score", text: (timedOut ? t("quiz.timed_out") + " " : "")
        + t("quiz.result", { score: score + "%", verdict: verdict(passed),
          time: minutes(Math.round((now - attempt.started) / 1000) * 1000) }) }),
      el("table", { "class": "qinglian-quiz__breakdown" }, [
        el("caption", { text: t("quiz.by_standard") }),
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: t("quiz.standard_column") }),
          el("th", { scope: "col", text: t("quiz.correct_column") }), el("td")])]),
        el("tbody", {}, Object.keys(byStandard).map(function (n) {
          var entry = byStandard[n];
          return el("tr", {}, [el("th", { scope: "row", text: t("quiz.standard", { n: n }) }),
            el("td", { text: entry.correct + " / " + entry.total }),
            el("td", {}, [el("meter", { min: 0, max: entry.total, value: entry.correct, "aria-hidden": "true" })])]);
        }))])]);
      body.appendChild(el("p", {}, [button("md-button qinglian-quiz__again", t("quiz.back"), function () {
        status.textContent = "";
        render();
        (body.querySelector("button") || form).focus();
      })]));
    }

    render();
  }
})();
