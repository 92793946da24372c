// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The stylesheet shows the phone menu button only when this script runs (see app.css).
  document.documentElement.classList.add("js");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx: every request carries the CSRF token in the header Flask-WTF reads (X-CSRFToken).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });
  // A failed htmx request (validation error, rate limit, lost connection) falls back to the
  // ordinary form submission, so the person always sees the server's full answer.
  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    var form = elt && (elt.tagName === "FORM" ? elt : elt.closest("form"));
    if (form && event.detail.xhr && event.detail.xhr.status === 422) { return; } // fragment with errors swapped in
    if (form && !form.hasAttribute("data-no-fallback")) {
      form.removeAttribute("hx-post");
      form.setAttribute("data-no-fallback", "");
      HTMLFormElement.prototype.submit.call(form);
    }
  });
  // Selects marked data-autosubmit send their form on change (through htmx where the form has
  // hx-post), also in content htmx swapped in; the stylesheet hides their data-hide-with-js
  // submit button while this script runs.
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-autosubmit]");
    if (!select || !select.form) { return; }
    if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) { return; }
    var summary = target.querySelector("[data-error-summary]");
    var focus = summary || target.querySelector("[data-focus-after-swap]");
    if (focus) { focus.focus(); }
  });

  // A tab strip that scrolls sideways (on a phone) shows its current tab, in its middle; again
  // once the icon font has come (it makes the tabs wider).
  function showCurrentTabs() {
    document.querySelectorAll(".tab-strip").forEach(function (strip) {
      var current = strip.querySelector(".nav-link.active");
      if (!current || strip.scrollWidth <= strip.clientWidth + 1) { return; }
      var box = strip.getBoundingClientRect(), tab = current.getBoundingClientRect();
      if (tab.left < box.left - 1 || tab.right > box.right + 1) {
        strip.scrollLeft += tab.left - box.left - (box.width - tab.width) / 2;
      }
    });
  }
  window.addEventListener("load", showCurrentTabs);
  if (document.fonts) { document.fonts.ready.then(showCurrentTabs); }
  // A tab reached with the keyboard comes wholly into sight (the browser leaves a tab that is
  // half in sight as it is).
  document.addEventListener("focusin", function (event) {
    var tab = event.target.closest && event.target.closest(".tab-strip .nav-link");
    if (tab) { tab.scrollIntoView({ block: "nearest", inline: "nearest" }); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    showCurrentTabs();
    // Buttons marked data-confirm ask before sending their form.
    document.addEventListener("click", function (event) {
      var el = event.target.closest && event.target.closest("[data-confirm]");
      if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
    // Copy buttons for one-time secrets (API tokens, feed URLs).
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); }
      });
    });
    // A table wider than the screen scrolls sideways: keyboard users can reach it too.
    document.querySelectorAll(".table-wrap, .table-responsive, .chart").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth + 1 && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
      }
    });
    // The account menu (<details>) closes on Escape and on a click elsewhere.
    var menus = document.querySelectorAll("details.account-menu");
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) { menu.open = false; } });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      menus.forEach(function (menu) {
        if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
      });
    });
    // A profile topic's Remove button drops its row at once instead of sending the form (the
    // server does the same without JavaScript); "Save profile" then stores the change.
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[name=remove_topic]");
      var row = button && button.closest(".topic-row");
      var editor = row && row.closest("[data-removed-note]");
      if (!editor) { return; }
      event.preventDefault();
      var name = row.querySelector(".topic-name").textContent;
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      // "Add a topic" offers the removed topic again (it lists only topics not in the rows).
      var add = editor.querySelector("#new_tag");
      if (add && button.value && !add.querySelector('option[value="' + CSS.escape(button.value) + '"]')) {
        add.appendChild(new Option(name, button.value));
      }
      var note = editor.querySelector(".topic-note");
      note.textContent = editor.getAttribute("data-removed-note").replace("__TOPIC__", name);
      var full = editor.querySelector(".topic-add-full");
      if (full && editor.querySelectorAll(".topic-row").length < Number(editor.getAttribute("data-topics-max"))) {
        full.remove();  // room for a topic again: the Add row comes back
        editor.querySelector(".topic-add-fields").hidden = false;
      }
      var focusTo = next ? next.querySelector("button[name=remove_topic]") : editor.querySelector("#new_tag");
      if (focusTo) { focusTo.focus(); }
    });
    // After a failed submission the error summary takes the focus (GOV.UK pattern), so the
    // page returns to the form; without JavaScript its autofocus attribute does the same.
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) { summary.focus(); }
  });
})();
