/*
 * Qinglian forms: fields built from the spec the build derives from the
 * record schema (common/records.py), checked with clear messages, and the
 * profile form (姓名, 工号, 科室) that quizzes and pledges share. The build
 * fills in __QINGLIAN_FORMS__ (UI strings, the staff fields).
 */
(function (config) {
  (function run() {
    "use strict";
    var q = window.qinglian;
    // Instant navigation may run this before the shared module: wait for it
    if (!q) return (window.qinglianWaiting = window.qinglianWaiting || []).push(run);
    if (q.fields) return;
    Object.assign(q.config.strings, config.strings);
    var t = q.t;
    var el = q.element;

    // Fields for `spec` ([{name, min, max, pattern, options}]); read() returns
    // the trimmed values, or null after marking every field that is wrong
    function fields(spec, values) {
      var prefix = "qinglian-" + q.uuid().slice(0, 8) + "-";
      var controls = {};
      var nodes = spec.map(function (field) {
        var id = prefix + field.name;
        var control = field.options
          ? el("select", {}, [el("option", { value: "", text: t("form.choose") })]
            .concat(field.options.map(function (option) { return el("option", { value: option, text: option }); })))
          : el("input", { type: "text", maxlength: field.max, autocomplete: "off" });
        control.id = id;
        control.name = field.name;
        control.required = true;
        control.value = (values && values[field.name]) || "";
        control.setAttribute("aria-describedby", id + "-error");
        controls[field.name] = control;
        return el("p", { "class": "qinglian-field" }, [el("label", { "for": id, text: t("field." + field.name) }),
          control, el("span", { "class": "qinglian-field__error", id: id + "-error" })]);
      });
      function read() {
        var result = {};
        var wrong = null;
        spec.forEach(function (field) {
          var control = controls[field.name];
          var value = control.value.trim();
          var label = t("field." + field.name);
          var message = !value ? t("form.required", { field: label })
            : value.length > field.max || value.length < field.min ? t("form.length", { field: label, min: field.min, max: field.max })
              : field.pattern && !new RegExp(field.pattern).test(value)
                ? t(q.config.strings["field." + field.name + ".hint"] ? "field." + field.name + ".hint"
                  : "form.invalid", { field: label }) : "";
          document.getElementById(control.id + "-error").textContent = message;
          control.setAttribute("aria-invalid", message ? "true" : "false");
          if (message && !wrong) wrong = control;
          result[field.name] = value;
        });
        if (wrong) wrong.focus();
        return wrong ? null : result;
      }
      return { nodes: nodes, controls: controls, read: read };
    }

    // The profile, asked once and kept per site (see the shared module)
    function profileForm(done) {
      var form = fields(config.staff);
      var save = el("button", { type: "button", "class": "md-button", text: t("profile.save") });
      var box = el("fieldset", { "class": "qinglian-profile" }, [el("legend", { text: t("profile.title") }),
        el("p", { text: t("profile.hint") })].concat(form.nodes, [save]));
      function submit() {
        var profile = form.read();
        if (profile) {
          q.signIn(profile);
          done(profile);
        }
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
      q.onPage(scan);
      return scan;
    }

    q.fields = fields;
    q.profileForm = profileForm;
    q.mount = mount;
    (window.qinglianWaiting || []).splice(0).forEach(function (start) { start(); });
  })();
})(__QINGLIAN_FORMS__);
