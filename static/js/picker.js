// The organisation picker of a measure's assignment: type to filter by name or code, choose all
// organisations of a group at once — a kind, a zone, city or village, a settlement — (only those
// the filter shows), see how many are chosen.
"use strict";

(function () {
  function init(picker) {
    const search = picker.querySelector("[data-picker-search]");
    const count = picker.querySelector("[data-picker-count]");
    const rows = Array.from(picker.querySelectorAll(".form-check[data-groups]"));
    const boxOf = (row) => row.querySelector("input[type=checkbox]");

    function update() {
      const chosen = rows.filter((row) => boxOf(row).checked).length;
      count.textContent = chosen ? `выбрано: ${chosen}` : "";
    }

    // An empty key clears the choice; any other checks every shown organisation of the group.
    function choose(key) {
      rows.forEach((row) => {
        if (!key) {
          boxOf(row).checked = false;
        } else if (row.dataset.groups.split(" ").includes(key) && !row.classList.contains("d-none")) {
          boxOf(row).checked = true;
        }
      });
      update();
    }

    search.addEventListener("input", () => {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach((row) => {
        const text = row.dataset.search;
        row.classList.toggle("d-none", !words.every((word) => text.includes(word)));
      });
    });
    picker.querySelectorAll("[data-picker-group]").forEach((button) => {
      button.addEventListener("click", () => choose(button.dataset.pickerGroup));
    });
    picker.querySelectorAll("[data-picker-select]").forEach((select) => {
      select.addEventListener("change", (event) => {
        event.stopPropagation();
        if (select.value) {
          choose(select.value);
        }
        select.value = "";
      });
    });
    picker.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-picker]").forEach(init);
  });
})();
