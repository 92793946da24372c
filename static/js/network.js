/* Network analysis pages: the what-if mentor list gets a filter box (the list works without it). */
(function () {
  "use strict";
  document.querySelectorAll("[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    if (!list) { return; }
    var box = input.closest(".picker-search");
    if (box) { box.hidden = false; }
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      list.querySelectorAll("li").forEach(function (item) {
        item.hidden = query !== "" && item.textContent.toLowerCase().indexOf(query) === -1;
      });
    });
  });
}());
