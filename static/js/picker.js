// The organisation picker of a measure's assignment: type to filter by name or code, choose all
// organisations of a kind at once (only those the filter shows), see how many are chosen.
"use strict";

(function () {
  function init(picker) {
    const search = picker.querySelector("[data-picker-search]");
    const count = picker.querySelector("[data-picker-count]");
    const rows = Array.from(picker.querySelectorAll(".form-check[data-kind]"));
    const boxes = () => rows.map((row) => row.querySelector("input[type=checkbox]"));

    function update() {
      const chosen = boxes().filter((box) => box.checked).length;
      count.textContent = chosen ? `выбрано: ${chosen}` : "";
    }

    search.addEventListener("input", () => {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach((row) => {
        const text = row.dataset.search;
        row.classList.toggle("d-none", !words.every((word) => text.includes(word)));
      });
    });
    picker.querySelectorAll("[data-picker-kind]").forEach((button) => {
      button.addEventListener("click", () => {
        const kind = button.dataset.pickerKind;
        rows.forEach((row) => {
          const box = row.querySelector("input[type=checkbox]");
          if (!kind) {
            box.checked = false;
          } else if (row.dataset.kind === kind && !row.classList.contains("d-none")) {
            box.checked = true;
          }
        });
        update();
      });
    });
    picker.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-picker]").forEach(init);
  });
})();
