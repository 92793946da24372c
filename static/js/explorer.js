/* The network explorer: Cytoscape.js over /network/explorer.json. Progressive enhancement:
   without JavaScript the server-drawn picture below stays. No inline script or style. */
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  if (!root || typeof window.cytoscape !== "function") { return; }
  var app = root.querySelector(".explorer-app");
  var canvas = root.querySelector(".explorer-canvas");
  var statusBox = root.querySelector(".explorer-status");
  var notes = root.querySelector(".explorer-notes");
  var legend = root.querySelector(".explorer-legend");
  var fallback = root.querySelector(".explorer-fallback");
  var searchForm = root.querySelector(".explorer-controls");
  var searchInput = root.querySelector("#explorer-search");
  var names = root.querySelector("#explorer-names");
  var colourBy = root.querySelector("#explorer-colour");
  var removeButton = root.querySelector('[data-action="remove"]');
  var resetButton = root.querySelector('[data-action="reset"]');
  var d = root.dataset;
  var roleNames = {};
  try { roleNames = JSON.parse(d.roles || "{}"); } catch (e) { roleNames = {}; }
  // Sentences with a count, translated by the server with a form for one and for more.
  var texts = {};
  try { texts = JSON.parse(d.texts || "{}"); } catch (e) { texts = {}; }
  var lang = document.documentElement.lang || "en";
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#A6761D"];
  var OTHER = "#C8CED4";
  var ROLE_COLOURS = { ambassador: "#009E73", executive: "#D55E00", mentor: "#0072B2",
    change_manager: "#CC79A7", admin: "#7F7F7F", staff: "#A9B4BF" };
  var cy = null;

  function fmt(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }
  function say(text) { statusBox.textContent = text; }
  function count(n) { return Number(n).toLocaleString(lang); }
  // English and German (the catalogue's languages) use the first form for exactly one.
  function plural(name, n, values) {
    var forms = texts[name] || {};
    var v = Object.assign({ num: count(n) }, values || {});
    return fmt(n === 1 ? forms.one : forms.other, v);
  }

  app.hidden = false;
  say(d.msgLoading);
  fetch(d.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(start)
    .catch(function () { say(d.msgError); });

  function start(data) {
    notes.textContent = (data.notes || []).join(" ");
    var elements = [];
    data.nodes.forEach(function (n) {
      elements.push({ data: { id: n.id, label: n.label, role: n.role || "", department: n.department || "",
        community: n.community === null || n.community === undefined ? "" : String(n.community), ties: n.ties },
        position: { x: n.x || 0, y: n.y || 0 } });
      var option = document.createElement("option");
      option.value = n.label;
      names.appendChild(option);
    });
    data.edges.forEach(function (e, i) {
      elements.push({ data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight } });
    });
    cy = window.cytoscape({
      container: canvas,
      elements: elements,
      minZoom: 0.05,
      maxZoom: 5,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", width: "mapData(ties, 0, 20, 8, 26)",
          height: "mapData(ties, 0, 20, 8, 26)", "border-width": 1, "border-color": "#ffffff" } },
        { selector: "node.labelled, node.named, node:selected", style: { label: "data(label)", "font-size": 11, "text-valign": "bottom",
          "text-margin-y": 3, "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 2 } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#212529" } },
        { selector: "edge", style: { width: "mapData(weight, 0, 10, 0.6, 4)", "line-color": "#9aa5b1", opacity: 0.55,
          "curve-style": "haystack" } },
        { selector: ".faded", style: { opacity: 0.12 } },
        { selector: "edge.highlight", style: { "line-color": "#212529", opacity: 0.9 } },
        { selector: "node.removed", style: { shape: "diamond", "background-color": "#212529", label: "data(label)" } },
        { selector: "edge.removed", style: { "line-style": "dashed", opacity: 0.25 } },
        { selector: "node.cut", style: { "border-width": 4, "border-color": "#dc3545", label: "data(label)" } },
        { selector: "node.separated", style: { "border-width": 4, "border-color": "#fd7e14", "border-style": "dashed" } }
      ],
      // The server sends the drawings' layout: shown at once, whatever the size.
      layout: { name: "preset", fit: true, padding: 24 }
    });
    fallback.hidden = true;
    if (data.nodes.length <= 80) { cy.nodes().addClass("named"); }  // small networks: every name shown
    recolour(colourBy.value);
    say("");
    cy.on("tap", "node", function (evt) { focus(evt.target); });
    cy.on("tap", function (evt) { if (evt.target === cy) { clearMarks(); } });
    cy.on("select unselect", "node", function () { removeButton.disabled = cy.$("node:selected").length === 0; });
    if (d.remove) {
      d.remove.split(",").forEach(function (key) { var node = cy.getElementById(key); if (node.length) { node.select(); } });
      runWhatIf(d.remove.split(","));
    }
    if (searchWaiting) { searchWaiting = false; find(); }  // asked for while the network loaded
  }

  function recolour(by) {
    var counts = {};
    cy.nodes().forEach(function (n) { var v = n.data(by) || ""; counts[v] = (counts[v] || 0) + 1; });
    var colours = {};
    var order = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
    order.forEach(function (value, i) {
      if (by === "role") { colours[value] = ROLE_COLOURS[value] || OTHER; }
      else { colours[value] = value && i < PALETTE.length ? PALETTE[i] : OTHER; }
    });
    cy.nodes().forEach(function (n) { n.data("colour", colours[n.data(by) || ""]); });
    legend.textContent = "";
    var shownOther = false;
    order.forEach(function (value, i) {
      var colour = colours[value];
      if (colour === OTHER && by !== "role") {
        if (shownOther) { return; }
        shownOther = true;
      }
      var item = document.createElement("li");
      item.className = "list-inline-item";
      var swatch = document.createElement("span");
      swatch.className = "explorer-swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = colour;
      item.appendChild(swatch);
      var text = value;
      if (by === "role") { text = value ? (roleNames[value] || value) : d.labelNoGroup; }
      else if (colour === OTHER) { text = value ? d.labelOther : d.labelNoGroup; }
      else if (by === "community") { text = fmt(d.labelCommunity, { number: Number(value) + 1 }); }  // groups are numbered from 1 on pages
      item.appendChild(document.createTextNode(" " + text + " (" + counts[value] + ")"));
      legend.appendChild(item);
    });
  }

  function clearMarks() {
    cy.elements().removeClass("faded highlight labelled removed cut separated");
    say("");
  }

  function focus(node) {
    clearMarks();
    var around = node.closedNeighborhood();
    cy.elements().not(around).addClass("faded");
    node.connectedEdges().addClass("highlight");
    around.nodes().addClass("labelled");
    statusBox.textContent = "";
    statusBox.appendChild(document.createTextNode(plural("ties", node.degree(), { name: node.data("label") }) + " "));
    var link = document.createElement("a");
    link.href = d.personUrl.replace("__KEY__", encodeURIComponent(node.id()));
    link.textContent = node.data("label") + " →";
    statusBox.appendChild(link);
  }

  function runWhatIf(keys) {
    var params = new URLSearchParams();
    keys.forEach(function (k) { if (k) { params.append("remove", k); } });
    fetch(d.whatIf + "?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) { say((answer.body.error && answer.body.error.message) || d.msgError); return; }
        showCut(answer.body);
      })
      .catch(function () { say(d.msgError); });
  }

  function showCut(result) {
    clearMarks();
    var removed = cy.collection();
    result.removed.forEach(function (key) { removed = removed.union(cy.getElementById(key)); });
    var before = {};
    cy.elements().components().forEach(function (component, i) {
      component.nodes().forEach(function (n) { before[n.id()] = i; });
    });
    var rest = cy.elements().not(removed).not(removed.connectedEdges());
    var touched = {};
    removed.forEach(function (n) { touched[before[n.id()]] = true; });
    var pieces = {};
    rest.components().forEach(function (component) {
      var first = component.nodes()[0];
      if (!first || !touched[before[first.id()]]) { return; }
      var key = before[first.id()];
      (pieces[key] = pieces[key] || []).push(component);
    });
    var separated = cy.collection();
    Object.keys(pieces).forEach(function (key) {
      var list = pieces[key].sort(function (a, b) { return b.nodes().length - a.nodes().length; });
      list.slice(1).forEach(function (component) { separated = separated.union(component.nodes()); });
    });
    removed.addClass("removed");
    removed.connectedEdges().addClass("removed");
    separated.addClass("separated");
    var cut = cy.collection();
    result.executives.forEach(function (key) { cut = cut.union(cy.getElementById(key)); });
    cut.addClass("cut");
    var executives = result.executives.length + (result.executives_opted_out || 0);
    say(fmt(d.msgCut, {
      left: plural("left", result.removed_names.length, { names: result.removed_names.join(", ") }),
      executives: plural("executives", executives),
      separated: plural("separated", separated.length),
      departments: result.departments.length ? result.departments.join(", ") : d.msgNone,
      topics: result.topics.length ? result.topics.join(", ") : d.msgNone
    }));
  }

  var searchWaiting = false;
  searchForm.addEventListener("submit", function (evt) {
    evt.preventDefault();
    if (!cy) { searchWaiting = true; return; }  // found once the network is drawn (it was lost)
    find();
  });
  function find() {
    var query = searchInput.value.trim().toLowerCase();
    if (!query) { return; }
    var exact = cy.nodes().filter(function (n) { return n.data("label").toLowerCase() === query; });
    var found = exact.length ? exact : cy.nodes().filter(function (n) { return n.data("label").toLowerCase().indexOf(query) !== -1; });
    if (!found.length) { say(d.msgNotFound); return; }
    var node = found[0];
    cy.$("node:selected").unselect();
    node.select();
    focus(node);
    cy.animate({ fit: { eles: node.closedNeighborhood(), padding: 60 } }, { duration: 300 });
  }
  colourBy.addEventListener("change", function () { if (cy) { recolour(colourBy.value); } });
  removeButton.addEventListener("click", function () {
    if (!cy) { return; }
    runWhatIf(cy.$("node:selected").map(function (n) { return n.id(); }));
  });
  resetButton.addEventListener("click", function () {
    if (!cy) { return; }
    cy.$("node:selected").unselect();
    clearMarks();
    cy.fit(undefined, 20);
  });
}());
