/*
 * Qinglian pledge: the signing form, the record it makes, a printable
 * receipt, and what happened to the record (kept, waiting, sent, refused).
 * Staff are asked again when the text has a new version or their last
 * signature is older than renew_every.
 */
(function run() {
  "use strict";
  var q = window.qinglian;
  // Instant navigation may run this before the shared and forms modules
  if (!q || !q.fields) return (window.qinglianWaiting = window.qinglianWaiting || []).push(run);
  if (window.qinglianPledge) return window.qinglianPledge.scan();
  Object.assign(q.config.strings, __QINGLIAN_STRINGS__);
  var t = q.t;
  var el = q.element;
  window.qinglianPledge = { scan: q.mount("form.qinglian-pledge", start), download: download };

  function start(form) {
    var pledge = JSON.parse(form.getAttribute("data-pledge"));
    var body = form.querySelector(".qinglian-pledge__body");
    var status = form.querySelector("[role=status]");
    // Storage trouble is said, never hidden: a signature is then kept only until the page closes
    var notice = el("p", { "class": "qinglian-pledge__notice", hidden: true });
    var staff = pledge.audience === "staff";
    var signerField = pledge.audience === "supplier" ? "representative" : "name";
    var submit = null;
    var shown = null; // the id of the record on the receipt
    var signer = null; // the staff id the block was drawn for
    form.insertBefore(notice, body);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (submit) submit();
    });
    q.onOutbox(redraw);
    // Back may bring the page from the browser's cache as it was left, while a
    // signature was made or someone else signed in on another page. The form is
    // drawn anew only then: else what the person typed in it stays
    addEventListener("pageshow", function (event) {
      if (event.persisted && (form.getAttribute("data-state") !== "form" || signer !== staffId()
        || standing(mine().pop()))) redraw(q.outbox(), true);
    });

    // Staff see their latest signature; families and suppliers the one they just
    // made, which is not among "mine" (so it would vanish once delivered). A form
    // is drawn anew only when `always`
    function redraw(items, always) {
      if (!form.isConnected || !always && form.getAttribute("data-state") !== "signed") return;
      render(staff ? null : items.filter(function (item) { return item.record.id === shown; })[0]);
    }

    function staffId() {
      var person = staff && q.person();
      return person ? person.profile.staff_id : null;
    }

    // Staff see their own signatures; families and suppliers sign afresh each time
    function mine() {
      var profile = q.person() && q.person().profile;
      return q.outbox().filter(function (item) {
        var record = item.record;
        return record.kind === "pledge" && record.pledge.id === pledge.id && staff && profile
          && record.person.staff_id === profile.staff_id;
      });
    }

    function stale(record) {
      // A version this copy of the site never published was signed on a newer
      // copy (two versions on one USB stick): never ask for an older text again
      if (record.pledge.version !== pledge.version
        && pledge.versions.indexOf(record.pledge.version) >= 0) return "pledge.renew_version";
      var age = Date.now() - Date.parse(record.created);
      if (pledge.renew_days && age > pledge.renew_days * 86400000) return "pledge.renew_period";
      return null;
    }

    // Whether a signature stands: neither refused nor due to be made again
    function standing(item) {
      return item && item.state !== "rejected" && !stale(item.record);
    }

    function render(justSigned) {
      var items = mine();
      var last = justSigned || items[items.length - 1];
      var refused = last && last.state === "rejected" ? last : null;
      if (justSigned && !refused || standing(last)) return receipt(last);
      sign(last && !refused && stale(last.record), refused);
    }

    function show(state, children) {
      notice.hidden = !q.store.problem;
      notice.textContent = q.store.problem ? t("storage." + q.store.problem) : "";
      form.setAttribute("data-state", state);
      signer = staffId();
      // The signed copy prints on one sheet (pledge.css): the page is marked, as
      // cores before Chromium 105 (360, QQ browsers) have no :has()
      var page = form.closest(".md-typeset");
      if (page) page.classList.toggle("qinglian-signed-copy", state === "signed");
      q.fill(body, [who()].concat(children));
    }

    // Staff: who this PC has signed in, and 不是你？. On a shared ward PC the page
    // would else show the last person's receipt (and their records' download), or
    // their details in the form, to whoever sits down next
    function who() {
      var person = staff && q.person();
      return person && el("p", { "class": "qinglian-pledge__who" }, [t("pledge.current", person.profile) + " ",
        el("button", { type: "button", "class": "md-button qinglian-pledge__not-you", text: t("profile.not_you"),
          click: function () {
            q.signOut();
            render();
            body.querySelector("input, select").focus();
          } })]);
    }

    // `reason`: why to sign again; `refused`: the last signature the collector refused
    function sign(reason, refused) {
      var profile = staff && q.person() ? q.person().profile : {};
      var fields = q.fields(pledge.fields, profile);
      // Both say what is wrong with them: the message is their description
      var errorId = "qinglian-pledge-error-" + pledge.id;
      var agree = el("input", { type: "checkbox", name: "agree", required: true, "aria-describedby": errorId });
      var signature = el("input", { type: "text", name: "signature", autocomplete: "off", maxlength: 40,
        required: true, "aria-describedby": errorId });
      var error = el("p", { "class": "qinglian-pledge__error", role: "alert", id: errorId });
      var agreeLabel = el("label", { "class": "qinglian-pledge__agree" }, [agree, " " + t("pledge.agree")]);
      var signatureLabel = el("label", {}, [t("pledge.signature", { field: t("field." + signerField) }), signature]);
      show("form", [
        reason && el("p", { "class": "qinglian-pledge__renew", text: t(reason, { version: pledge.version }) }),
        refused && el("p", { "class": "qinglian-pledge__delivery qinglian-pledge__delivery--rejected",
          text: refusal(refused) + " " + t("pledge.refused") }),
        refused && downloadButton(refused),
        el("fieldset", { "class": "qinglian-pledge__signer" },
          [el("legend", { text: t("pledge.who." + pledge.audience) })].concat(fields.nodes)),
        el("p", { "class": "qinglian-pledge__privacy", text: t("pledge.privacy." + pledge.audience) }),
        el("p", {}, [agreeLabel]), el("p", {}, [signatureLabel]), error,
        el("button", { type: "submit", "class": "md-button md-button--primary", text: t("pledge.sign") })]);
      submit = function () {
        error.textContent = "";
        agree.removeAttribute("aria-invalid");
        signature.removeAttribute("aria-invalid");
        var person = fields.read();
        if (!person) return;
        var problem = !agree.checked ? [agree, "pledge.must_agree"]
          : signature.value.trim() !== person[signerField] ? [signature, "pledge.signature_mismatch"] : null;
        if (problem) {
          error.textContent = t(problem[1], { field: t("field." + signerField) });
          problem[0].setAttribute("aria-invalid", true);
          return problem[0].focus();
        }
        if (staff) q.signIn(person);
        // Signed meanwhile in another tab of the site, whose form this one still
        // shows: the person is shown that signature, not given a second of one text
        var last = mine().pop();
        if (!standing(last)) {
          var record = q.record("pledge", person, { id: pledge.id, version: pledge.version, sha256: pledge.sha256 });
          q.send(record);
          last = q.outbox().filter(function (item) { return item.record.id === record.id; })[0];
        }
        submit = null;
        render(last);
        body.querySelector(".qinglian-pledge__receipt").focus();
      };
    }

    function receipt(item) {
      var record = item.record;
      var person = record.person;
      var code = record.id.slice(0, 8).toUpperCase();
      shown = record.id;
      var rows = [
        ["pledge.receipt_pledge", pledge.title + " · " + t("pledge.version", { version: record.pledge.version })],
        ["pledge.signer", [person.name || person.representative, person.company].filter(Boolean).join(" · ")],
        ["field." + (person.credit_code ? "credit_code" : "staff_id"), person.credit_code || person.staff_id],
        ["pledge.time", new Date(record.created).toLocaleString(document.documentElement.lang || undefined)],
        ["pledge.code", code.slice(0, 4) + "-" + code.slice(4)],
        ["pledge.fingerprint", record.pledge.sha256.slice(0, 16)]];
      var list = el("dl", {}, [].concat.apply([], rows.map(function (row) {
        return [el("dt", { text: t(row[0]) }), el("dd", { text: row[1] })];
      })));
      var print = el("button", { type: "button", "class": "md-button", text: t("pledge.print"),
        click: function () { window.print(); } });
      var download = downloadButton(item);
      // The button goes with the receipt: the focus goes to the new form's first field
      var again = !staff && el("button", { type: "button", "class": "md-button", text: t("pledge.another"),
        click: function () {
          sign(null, null);
          body.querySelector("input, select").focus();
        } });
      var state = t("records." + item.state, { reason: item.reason || "" });
      show("signed", [el("section", { "class": "qinglian-pledge__receipt", tabindex: "-1",
        "aria-labelledby": "qinglian-receipt-" + pledge.id }, [
        el("h3", { id: "qinglian-receipt-" + pledge.id, text: t("pledge.receipt") }), list,
        el("p", { "class": "qinglian-pledge__delivery qinglian-pledge__delivery--" + item.state, text: state })]),
        el("p", { "class": "qinglian-pledge__actions" }, [print, download, again])]);
      var counts = { kept: 0, waiting: 0, sent: 0, rejected: 0 };
      q.outbox().forEach(function (entry) { counts[entry.state]++; });
      // The focus goes to the receipt, below the storage notice: the live region says that
      // too. Drawn anew after each try to deliver: it speaks only when its words change
      var said = [q.store.problem && t("storage." + q.store.problem),
        q.config.collector && t("records.summary", counts)].filter(Boolean).join(" ");
      if (status.textContent !== said) status.textContent = said;
    }

    // What the collector refused, in the page's language: its own words (English, for the
    // administrator) stay in the record the person downloads
    function refusal(item) {
      var status = item.status == 409 || item.status == 413 ? item.status : 400;
      return t("records.rejected", { reason: t("records.refused_" + status) });
    }

    function downloadButton(item) {
      return el("button", { type: "button", "class": "md-button", text: t("pledge.download"),
        click: function () { save(item); } });
    }

    // The person's own records as a file, to carry to a networked PC: for staff,
    // every record under their 工号 (quiz attempts too), as the route's 换人 gives
    function save(item) {
      download(staff ? q.outbox().filter(function (entry) {
        return entry.record.person.staff_id === item.record.person.staff_id;
      }) : [item], "qinglian-" + pledge.id + "-" + item.record.id.slice(0, 8) + ".json");
    }

    render();
  }

  // Outbox entries as a file that `qinglian records import` reads; the
  // route's 换人 (path.js) offers it too
  function download(items, name) {
    var link = el("a", { download: name, href: URL.createObjectURL(new Blob(
      [JSON.stringify({ records: items }, null, 2)], { type: "application/json" })) });
    document.body.append(link);
    link.click();
    link.remove();
  }
})();
