/*
 * Qinglian quiz: draws a paper from the data the build put on
 * <form class="qinglian-quiz" data-quiz="…">, lets the person answer with
 * real form controls, keeps the unfinished attempt in storage so a reload
 * loses nothing, grades it and writes the result into the form's
 * role="status" region. Needs the shared module (window.qinglian), and
 * sha256.js for exams, whose answers are salted digests. UI strings are
 * written as keys ("quiz.submit"), which the build turns into their text.
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
  var fill = q.fill;
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

  // Ids are keys of plain objects, and "constructor" (a valid id) would find
  // the one every object inherits: look up only an object's own keys
  function own(object, key) {
    if ({}.hasOwnProperty.call(object, key)) return object[key];
  }

  function button(name, text, click, type) {
    return el("button", { type: type || "button", class: name, text: text, click: click });
  }

  function start(form) {
    var quiz = JSON.parse(form.dataset.quiz);
    var questions = quiz.questions;
    var body = form.querySelector(".qinglian-quiz__body");
    var status = form.querySelector("[role=status]");
    var notice = el("p", { class: "qinglian-quiz__notice", hidden: true });
    var timer;
    var shown = {}; // the staff id and paper on screen: another tab may have changed either
    form.insertBefore(notice, body);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = fresh(shown.paper);
      if (!data) return;
      // A slip on 交卷 would spend an attempt on a paper half done: the first press
      // says, by the button, how many questions are blank; the second hands it in
      var attempt = open(data);
      var blank = attempt.items.filter(function (item) {
        return canonical(questions[item.id], own(attempt.answers, item.id)) === null;
      }).length;
      if (!blank || body.querySelector(".qinglian-quiz__notice")) return finish(data);
      body.insertBefore(el("p", { class: "qinglian-quiz__notice", role: "alert",
        text: t("quiz.blank", { n: blank }) }), body.lastChild);
    });
    // Enter in an answer box or on an option would hand in the whole paper; and the
    // second click of a double click, or Enter held down, would pass the warning
    // about blank questions as soon as it is shown
    form.addEventListener("keydown", function (event) {
      if (event.key == "Enter" && !event.isComposing && (event.repeat || event.target.tagName == "INPUT")) event.preventDefault();
    });
    form.addEventListener("click", function (event) {
      if (event.detail > 1 && event.target.type == "submit") event.preventDefault();
    });

    // The person's data as stored now, if they are still the one on screen and
    // (given an open paper) it is still open; else the screen is drawn afresh.
    // Every change starts here: a copy read earlier would write back what another
    // tab of the site has changed since (an attempt handed in, a paper begun).
    // Past its deadline, a paper takes nothing more: it is handed in as it stood
    // (the timer may not have run yet after a sleep or in a background tab)
    function fresh(paper) {
      var data = q.person();
      var current = data && open(data);
      if (data && data.profile.staff_id === shown.staffId && (!paper || current && current.id === paper.id)) {
        if (!paper || !paper.deadline || paper.deadline > Date.now()) return data;
        return finish(data, true);
      }
      render();
      status.textContent = "quiz.changed_elsewhere";
      return null;
    }

    // The person's unfinished paper of this quiz, if any
    function open(data) {
      return own(data.open || {}, quiz.id);
    }

    // Storage trouble is said, never hidden: results are then kept only until the page closes
    function save(data) {
      q.savePerson(data);
      warn();
    }

    function warn() {
      var problem = q.store.problem;
      notice.hidden = !problem;
      notice.textContent = { unavailable: "storage.unavailable", full: "storage.full",
        corrupt: "storage.corrupt" }[problem] || "";
    }

    function show(state, children) {
      form.dataset.state = state;
      fill(body, children);
    }

    // Drawn afresh, the quiz says nothing of before: a result left on screen would
    // read as the next person's (不是你？ on a shared PC)
    function render() {
      var data = q.person();
      shown = { staffId: data && data.profile.staff_id };
      status.textContent = "";
      warn();
      if (!data) return show("profile", [q.profileForm(home)]);
      if (open(data)) withdraw(data, open(data));
      if (open(data)) return paper(data, open(data));
      // Before an attempt: the rules, the last result, and start (if attempts are left)
      var done = (data.attempts || []).filter(function (a) { return a.attempt.quiz_id === quiz.id; });
      var max = quiz.max_attempts;
      var left = Math.max(max - done.length, 0);
      var last = done[done.length - 1];
      show(!max || left ? "intro" : "locked", [who(data),
        el("p", { class: "qinglian-quiz__facts", text: [t("quiz.count", quiz), t("quiz.pass_mark", quiz),
          quiz.time_limit && t("quiz.time_limit", quiz), max && t("quiz.attempts_left", { n: left, max: max })]
          .filter(Boolean).join(" · ") }),
        last && el("p", { text: t("quiz.last", { score: last.attempt.score,
          verdict: last.attempt.passed ? "quiz.passed" : "quiz.failed" }) }),
        !max || left ? button("md-button md-button--primary qinglian-quiz__start",
          done.length ? "quiz.again" : "quiz.start", function () { begin(fresh()); })
          : el("p", { class: "qinglian-quiz__locked", text: "quiz.no_attempts_left" })]);
    }

    // The bank changed since this paper was drawn: questions taken out of the quiz,
    // or whose options changed in number, leave the paper; the other answers stay
    function withdraw(data, attempt) {
      var kept = attempt.items.filter(function (item) {
        var spec = own(questions, item.id);
        return spec && item.order.length == spec.options.length;
      });
      var gone = attempt.items.length - kept.length;
      if (!gone) return;
      attempt.items = kept;
      if (!kept.length) delete data.open[quiz.id];
      save(data);
      status.textContent = t("quiz.withdrawn", { n: gone });
    }

    // Drawn afresh after the focused control went (profile saved, 不是你？, 返回):
    // the focus goes to what there is to do next, not to the top of the page
    function home() {
      render();
      (body.querySelector(".qinglian-quiz__start") || body.querySelector("input,button")).focus();
    }

    function who(data) {
      return el("p", { class: "qinglian-quiz__who" }, [t("profile.current", data.profile) + " ",
        button("qinglian-quiz__not-you", "profile.not_you", function () {
          q.signOut();
          home();
        })]);
    }

    // Each attempt draws afresh, questions this person has not seen first;
    // then they count as seen
    function draw(data) {
      var seen = data.seen = data.seen || [];
      var taken = [];
      quiz.draw.forEach(function (rule) {
        var pool = rule.pool.filter(function (id) { return taken.indexOf(id) < 0; });
        if (!rule.fixed) {
          // sort() keeps the shuffled order among the unseen and among the seen
          pool = shuffle(pool).sort(function (a, b) { return (seen.indexOf(a) >= 0) - (seen.indexOf(b) >= 0); });
        }
        taken = taken.concat(pool.slice(0, rule.count));
      });
      return taken.map(function (id) {
        if (seen.indexOf(id) < 0) seen.push(id);
        var order = questions[id].options.map(function (option, index) { return index; });
        return { id: id, order: quiz.shuffle_options ? shuffle(order) : order };
      });
    }

    function begin(data) {
      if (!data) return;
      // Drawn anew first: a paper begun meanwhile in another tab is resumed, not
      // replaced, and attempts used up there leave none to begin here
      render();
      if (form.dataset.state != "intro") return;
      var now = Date.now();
      var attempt = (data.open = data.open || {})[quiz.id] = { id: q.uuid(), started: now, answers: {},
        checked: {}, deadline: quiz.time_limit ? now + quiz.time_limit * 60000 : null, items: draw(data) };
      save(data);
      // The focus goes to the first question: the notice above would go unheard
      status.textContent = notice.textContent;
      paper(data, attempt);
      var first = body.querySelector("input");
      if (first) first.focus();
    }

    function paper(data, attempt) {
      shown.paper = attempt;
      var clock = attempt.deadline && el("p", { class: "qinglian-quiz__timer", role: "timer" });
      show("running", [who(data), clock].concat(attempt.items.map(function (item, index) {
        return question(attempt, item, index);
      }), [button("md-button md-button--primary qinglian-quiz__submit", "quiz.submit", null, "submit")]));
      if (clock) countdown(attempt, clock);
    }

    function countdown(attempt, clock) {
      var warned;
      function tick() {
        var left = attempt.deadline - Date.now();
        if (!form.isConnected || form.dataset.state != "running") return clearInterval(timer);
        clock.textContent = t("quiz.time_left", { time: minutes(left) });
        if (left <= 60000 && !warned) {
          warned = 1;
          clock.classList.add("qinglian-quiz__timer--warning");
          status.textContent = "quiz.one_minute";
        }
        // fresh() hands the paper in; handed in elsewhere, it draws the quiz
        // afresh: that stops this timer, or (a paper begun elsewhere) replaces it
        if (left <= 0) fresh(attempt);
      }
      clearInterval(timer);
      timer = setInterval(tick, 1000);
      tick();
    }

    function question(attempt, item, index) {
      var id = item.id;
      var spec = questions[id];
      var type = spec.type;
      var name = "q-" + quiz.id + "-" + id;
      var given = own(attempt.answers, id);
      var kind = type == "multiple" ? "checkbox" : "radio";
      function remember(value) {
        var data = fresh(attempt);
        if (!data) return;
        open(data).answers[id] = value;
        save(data);
      }
      var box = el("div", { class: "qinglian-question__controls" }, type == "fill_blank"
        ? [el("label", { for: name, text: "quiz.answer" }), el("input", { type: "text", name: name, id: name,
          autocomplete: "off", value: given || "", input: function () { remember(this.value); } })]
        : (type == "true_false" ? [["true", "quiz.true"], ["false", "quiz.false"]]
          : item.order.map(function (option, shown) {
            return [String(option), String.fromCharCode(65 + shown) + ". " + spec.options[option]];
          })).map(function (choice) {
          return el("label", { class: "qinglian-question__option" }, [el("input", { type: kind, name: name,
            value: choice[0], checked: [].concat(given).indexOf(choice[0]) >= 0, change: function () {
              var picked = [].map.call(box.querySelectorAll(":checked"), function (node) { return node.value; });
              remember(kind == "checkbox" ? picked : picked[0]);
            } }), el("span", { text: choice[1] })]);
        }));
      // Last in the fieldset, where review() finds it
      var feedback = el("div", { class: "qinglian-question__feedback", hidden: true, tabindex: -1 });
      var fieldset = el("fieldset", { class: "qinglian-question", "data-question-id": id }, [
        el("legend", { text: (index + 1) + ". " + spec.stem + " " + { single: "quiz.type.single",
          multiple: "quiz.type.multiple", true_false: "quiz.type.true_false",
          fill_blank: "quiz.type.fill_blank" }[type] }), box,
        // Practice: check each answer on the spot, then on to the next question
        quiz.mode == "practice" && button("md-button qinglian-question__check", "quiz.check", function () {
          var data = fresh(attempt);
          if (!data) return;
          open(data).checked[id] = true;
          save(data);
          review(fieldset, item, own(open(data).answers, id));
          // The verdict, read out where the focus lands; Tab goes on to the next question
          feedback.focus();
        }), feedback]);
      if (own(attempt.checked, id)) review(fieldset, item, given);
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
      var answer = spec.answer;
      var type = spec.type;
      var mine = canonical(spec, given);
      var right = mine !== null && (spec.digests
        ? spec.digests.indexOf(q.sha256(spec.salt + ":" + mine)) >= 0
        : (type == "fill_blank" ? answer.map(q.normalize) : [canonical(spec, answer)]).indexOf(mine) >= 0);
      var lines = [(right ? "quiz.right" : "quiz.wrong") + " · "
        + spec.standards.map(function (n) { return t("quiz.standard", { n: n }); }).join("list.separator")];
      if (answer != null) {
        if (!right) {
          lines.push(t("quiz.correct_answer", { answer: type == "fill_blank" ? answer.join(" / ")
            : type == "true_false" ? (answer ? "quiz.true" : "quiz.false")
              : answer.map(function (option) {
                return String.fromCharCode(65 + item.order.indexOf(option));
              }).sort().join("list.separator") }));
        }
        lines.push(spec.explanation);
      }
      var feedback = fieldset.lastChild;
      fill(feedback, lines.map(function (line) { return el("p", { text: line }); }));
      feedback.hidden = false;
      fieldset.classList.add(right ? "qinglian-question--right" : "qinglian-question--wrong");
      fieldset.disabled = true;
      return right;
    }

    function finish(data, timedOut) {
      var attempt = open(data);
      var fieldsets = body.querySelectorAll(".qinglian-question");
      var byStandard = {};
      var right = 0;
      var answers = attempt.items.map(function (item, index) {
        var spec = questions[item.id];
        var given = own(attempt.answers, item.id);
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
      // Passed on the exact share, shown rounded down: 66.7 % never passes a 67 % mark
      var score = 100 * right / Math.max(answers.length, 1);
      var passed = score >= quiz.pass_mark;
      score = Math.floor(score);
      // A paper handed in for its time ends at its deadline, not when that was noticed
      var now = timedOut ? attempt.deadline : Date.now();
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
      form.dataset.state = "done";
      // The result, read out by the role="status" region
      fill(status, [el("p", { class: "qinglian-quiz__score", tabindex: -1, text: (timedOut ? t("quiz.timed_out") + " " : "")
        + t("quiz.result", { score: score + "%", verdict: passed ? "quiz.passed" : "quiz.failed",
          time: minutes(Math.round((now - attempt.started) / 1000) * 1000) }) }),
      el("table", { class: "qinglian-quiz__breakdown" }, [
        el("caption", { text: "quiz.by_standard" }),
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "quiz.standard_column" }),
          el("th", { scope: "col", text: "quiz.correct_column" }), el("td")])]),
        el("tbody", {}, Object.keys(byStandard).map(function (n) {
          var entry = byStandard[n];
          return el("tr", {}, [el("th", { scope: "row", text: t("quiz.standard", { n: n }) }),
            el("td", { text: entry.correct + " / " + entry.total }),
            el("td", {}, [el("meter", { min: 0, max: entry.total, value: entry.correct, "aria-hidden": "true" })])]);
        }))])]);
      body.append(el("p", {}, [button("md-button qinglian-quiz__again", "quiz.back", home)]));
      // The button that had the focus is gone: keep the person at the result
      status.querySelector(".qinglian-quiz__score").focus();
    }

    render();
  }
})();
