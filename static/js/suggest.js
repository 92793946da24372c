// Pickers with autocomplete (ARIA 1.2 combobox with a listbox). Progressive enhancement only:
// without this file the fields stay plain text inputs, textareas and checkboxes.
//
//   <input data-suggest="people|topics">          fills in the chosen value ("@handle" or a slug);
//         data-suggest-role="mentor"             only people with this role;
//         data-suggest-places="1"                (with role mentor) says who takes nobody new;
//         data-suggest-exclude="12,34"           leaves these people out;
//         data-suggest-nominees="1"              says who is an ambassador or nominated already;
//         data-suggest-fill="name"               fills in the name instead of the value.
//   <textarea data-suggest="people" data-suggest-mode="mention">
//                                                 completes "@han" to "@handle " where the caret is.
//   <input data-suggest="topics" data-suggest-mode="list">
//                                                 a comma-separated list: completes the entry
//                                                 where the caret is ("teams, sha" ->
//                                                 "teams, sharepoint, ").
//   <div data-suggest-checks="topics" data-suggest-for="goals">…checkboxes…</div>
//                                                 adds a search box above the checkboxes named
//                                                 "goals" that ticks the chosen topic.
//   data-suggest-url="/suggest/people"           where to ask (default: /suggest/<kind>).
//   <select data-filter-select="Find a time zone"> adds a box that narrows the options.
(function () {
  "use strict";
  if (window.communitySuggest) { return; }
  window.communitySuggest = true;

  var counter = 0;
  var DELAY = 150;
  var MIN_CHARS = 1;
  var lang = (document.documentElement.lang || "en").slice(0, 2);
  var TEXT = {
    en: { none: "No suggestions", some: function (n) { return n === 1 ? "1 suggestion, use the arrow keys" : n + " suggestions, use the arrow keys"; },
          filter: "Find a topic", ticked: function (name) { return name + " selected"; },
          filtered: function (n, current) {
            var found = n < 0 ? "" : n === 0 ? "Nothing matches. " : n === 1 ? "1 match, choose it from the list. " : n + " matches, choose one from the list. ";
            return found + "Chosen: " + current + ".";
          },
          picked: function (current) { return "Chosen: " + current + "."; } },
    de: { none: "Keine Vorschläge", some: function (n) { return n === 1 ? "1 Vorschlag, mit den Pfeiltasten wählen" : n + " Vorschläge, mit den Pfeiltasten wählen"; },
          filter: "Thema suchen", ticked: function (name) { return name + " ausgewählt"; },
          filtered: function (n, current) {
            var found = n < 0 ? "" : n === 0 ? "Kein Treffer. " : n === 1 ? "1 Treffer, bitte in der Liste wählen. " : n + " Treffer, bitte in der Liste wählen. ";
            return found + "Gewählt: " + current + ".";
          },
          picked: function (current) { return "Gewählt: " + current + "."; } }
  };
  var t = TEXT[lang] || TEXT.en;

  function urlFor(field, kind) {
    var base = field.getAttribute("data-suggest-url") || ("/suggest/" + kind);
    return base;
  }

  // The entry of a comma-separated list where the caret is, without its spaces.
  function listTerm(field) {
    var value = field.value;
    var caret = field.selectionStart === null ? value.length : field.selectionStart;
    var start = value.lastIndexOf(",", caret - 1) + 1;
    var next = value.indexOf(",", caret);
    var end = next === -1 ? value.length : next;
    var raw = value.slice(start, end);
    var lead = raw.length - raw.replace(/^\s+/, "").length;
    return { term: raw.trim(), start: start + lead, end: end };
  }

  // The word being completed and where it starts: the whole value, the list entry at the caret,
  // or "@word" before the caret.
  function currentTerm(field, mode) {
    if (mode === "list") { return listTerm(field); }
    var mention = mode === "mention";
    if (!mention) { return { term: field.value.trim(), start: 0, end: field.value.length }; }
    var caret = field.selectionStart || 0;
    var before = field.value.slice(0, caret);
    var match = /(^|[\s(])@([\w.\-]*)$/.exec(before);
    if (!match) { return null; }
    return { term: match[2], start: caret - match[2].length - 1, end: caret };
  }

  function attach(field, options) {
    if (field.getAttribute("data-suggest-ready")) { return; }
    field.setAttribute("data-suggest-ready", "1");
    var kind = options.kind;
    var mode = options.mode || "";
    var mention = mode === "mention";
    var id = "suggest-" + (++counter);
    var wrap = document.createElement("div");
    wrap.className = "suggest-wrap";
    // Moving the field into its wrapper takes the focus away from it: someone already typing
    // (the script arrived late) keeps the focus and the caret, and no keystroke is lost.
    var typing = document.activeElement === field;
    var from = field.selectionStart, to = field.selectionEnd, way = field.selectionDirection;
    field.parentNode.insertBefore(wrap, field);
    wrap.appendChild(field);
    if (typing) {
      field.focus({ preventScroll: true });
      try { field.setSelectionRange(from, to, way || "none"); } catch (e) { /* not a text field */ }
    }
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "suggest-list list-group shadow-sm";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(status);
    // A text input becomes a combobox; a textarea (mentions) stays a textbox that owns the list.
    function expanded(open) { if (!mention) { field.setAttribute("aria-expanded", open ? "true" : "false"); } }
    if (!mention) { field.setAttribute("role", "combobox"); }
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", list.id);
    expanded(false);
    field.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var range = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      expanded(false);
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        var on = i === index;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("active", on);
      });
      active = index;
      if (index >= 0 && options[index]) {
        field.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        field.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var item = items[index];
      if (!item) { return; }
      if (options.onPick) {
        options.onPick(item);
        field.value = "";
      } else if (mention && range) {
        var text = (item.value || "@" + item.handle) + " ";
        field.value = field.value.slice(0, range.start) + text + field.value.slice(range.end);
        var caret = range.start + text.length;
        field.setSelectionRange(caret, caret);
      } else if (mode === "list" && range) {
        // The entry becomes the chosen value; at the end of the list ", " follows for the next one.
        var before = field.value.slice(0, range.start), after = field.value.slice(range.end);
        var entry = (item.value || item.name) + (after.trim() ? "" : ", ");
        field.value = before + entry + (after.trim() ? after : "");
        field.setSelectionRange(before.length + entry.length, before.length + entry.length);
      } else {
        field.value = field.getAttribute("data-suggest-fill") === "name" ? item.name : (item.value || item.name);
      }
      close();
      field.focus();
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found) {
      list.textContent = "";
      items = found;
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = id + "-opt-" + i;
        option.className = "list-group-item list-group-item-action suggest-option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "suggest-name";
        name.textContent = item.name;
        option.appendChild(name);
        if (item.detail) {
          var detail = document.createElement("small");
          detail.className = "suggest-detail text-body-secondary";
          detail.textContent = " " + item.detail;
          option.appendChild(detail);
        }
        option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
        list.appendChild(option);
      });
      list.hidden = found.length === 0;
      expanded(found.length > 0);
      status.textContent = found.length ? t.some(found.length) : t.none;
      highlight(-1);
    }

    function ask() {
      range = currentTerm(field, mode);
      if (!range || range.term.length < MIN_CHARS) { close(); return; }
      var url = urlFor(field, kind) + "?q=" + encodeURIComponent(range.term);
      var role = field.getAttribute("data-suggest-role");
      if (role) { url += "&role=" + encodeURIComponent(role); }
      if (field.getAttribute("data-suggest-places")) { url += "&places=1"; }
      if (field.getAttribute("data-suggest-nominees")) { url += "&nominees=1"; }
      var exclude = field.getAttribute("data-suggest-exclude");
      if (exclude) { url += "&exclude=" + encodeURIComponent(exclude); }
      var mine = ++asked;
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (data) { if (mine === asked) { show(data.items || []); } })
        .catch(function () { close(); });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    field.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  // A search box above a list of topic checkboxes: picking a topic ticks its checkbox.
  function attachChecks(outer) {
    if (outer.getAttribute("data-suggest-ready")) { return; }
    outer.setAttribute("data-suggest-ready", "1");
    var kind = outer.getAttribute("data-suggest-checks");
    // data-suggest-for="goals": the fieldset of the checkboxes named "goals" inside the container.
    var name = outer.getAttribute("data-suggest-for");
    var first = name ? outer.querySelector('input[type=checkbox][name="' + name + '"]') : null;
    // Grouped checkboxes: the field's own fieldset (around the groups' fieldsets).
    var box = first ? (first.closest(".grouped-choices") || first.closest("fieldset") || outer) : outer;
    var legend = box.querySelector("legend");
    var hint = legend && legend.nextElementSibling && legend.nextElementSibling.classList.contains("hint") ? legend.nextElementSibling : null;
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm suggest-filter";
    input.id = "suggest-filter-" + (++counter);
    label.setAttribute("for", input.id);
    // The field's legend is its one visible label; the search box says what it does inside.
    label.className = "visually-hidden";
    label.textContent = box.getAttribute("data-suggest-label") || t.filter;
    input.placeholder = label.textContent;
    if (outer.getAttribute("data-suggest-url")) { input.setAttribute("data-suggest-url", outer.getAttribute("data-suggest-url")); }
    var holder = document.createElement("div");
    holder.className = "suggest-filter-holder";
    holder.appendChild(label);
    holder.appendChild(input);
    var after = hint || legend;
    box.insertBefore(holder, after ? after.nextSibling : box.firstChild);
    var said = document.createElement("div");
    said.className = "visually-hidden";
    said.setAttribute("role", "status");
    holder.appendChild(said);
    attach(input, {
      kind: kind,
      onPick: function (item) {
        box.querySelectorAll("input[type=checkbox]").forEach(function (checkbox) {
          if (name && checkbox.name !== name) { return; }
          if (checkbox.value === item.slug) {
            var folded = checkbox.closest("details");
            if (folded) { folded.open = true; }  // a topic from "Other topics" shows where it was ticked
            checkbox.checked = true;
            checkbox.dispatchEvent(new Event("change", { bubbles: true }));
            said.textContent = t.ticked(item.name);
          }
        });
      }
    });
  }

  // A search box that narrows a long select (time zones): options that do not match are hidden
  // and the select opens as a list of the matches. Typing never changes the choice: the reader
  // picks a match (click, arrow keys, or Enter in the box for the first one); a line under the
  // box says how many match and what is still chosen. Escape or an empty box closes the list.
  function attachFilter(select) {
    if (select.getAttribute("data-suggest-ready")) { return; }
    select.setAttribute("data-suggest-ready", "1");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1 select-filter";
    input.id = "select-filter-" + (++counter);
    input.setAttribute("aria-controls", select.id);
    input.setAttribute("autocomplete", "off");
    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.setAttribute("for", input.id);
    label.textContent = select.getAttribute("data-filter-select") || (lang === "de" ? "Liste filtern" : "Filter the list");
    input.placeholder = label.textContent;
    var status = document.createElement("p");
    status.className = "hint form-text select-filter-status";
    status.id = input.id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(status, select.nextSibling);
    var first = null;

    function chosen() {
      var option = select.selectedOptions[0];
      return option ? option.text : "";
    }

    function close() {
      select.querySelectorAll("option, optgroup").forEach(function (node) { node.hidden = false; });
      select.removeAttribute("size");
      status.textContent = "";
      first = null;
    }

    function filter() {
      var words = input.value.trim().toLowerCase();
      if (!words) { close(); return; }
      var count = 0;
      first = null;
      select.querySelectorAll("optgroup").forEach(function (group) {
        var groupMatches = group.label.toLowerCase().indexOf(words) !== -1;
        var any = false;
        group.querySelectorAll("option").forEach(function (option) {
          var show = groupMatches || option.text.toLowerCase().indexOf(words) !== -1 ||
            option.value.toLowerCase().indexOf(words) !== -1;
          option.hidden = !show;
          if (show) { any = true; count += 1; if (!first) { first = option; } }
        });
        group.hidden = !any;
      });
      select.size = Math.min(Math.max(count + 1, 2), 8);
      status.textContent = t.filtered(count, chosen());
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // the box is no reason to send the form
        if (first) {
          first.selected = true;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          input.value = "";
          close();
          status.textContent = t.picked(chosen());
          select.focus();
        }
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        close();
      } else if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        select.focus();
      }
    });
    select.addEventListener("change", function () {
      if (input.value) { status.textContent = t.filtered(-1, chosen()); }
    });
  }

  function init(root) {
    root.querySelectorAll("select[data-filter-select]").forEach(attachFilter);
    root.querySelectorAll("[data-suggest]").forEach(function (field) {
      attach(field, { kind: field.getAttribute("data-suggest"), mode: field.getAttribute("data-suggest-mode") });
    });
    root.querySelectorAll("[data-suggest-checks]").forEach(attachChecks);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // Content swapped in by htmx gets pickers too.
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
