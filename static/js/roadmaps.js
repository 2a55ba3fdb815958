// Roadmap page: drag-and-drop ordering (SortableJS), the section form, inline measure forms.
// No inline scripts: the Content-Security-Policy forbids them.
"use strict";

(function () {
  function initSortables(root) {
    if (typeof window.Sortable === "undefined") {
      return;
    }
    root.querySelectorAll("[data-sortable-url]").forEach((container) => {
      if (container.dataset.sortableReady) {
        return;
      }
      container.dataset.sortableReady = "1";
      const isTable = container.tagName === "TBODY";
      window.Sortable.create(container, {
        handle: ".drag-handle",
        draggable: isTable ? "tr.measure-row" : "li[data-id]",
        animation: 150,
        onEnd: () => {
          const selector = isTable ? "tr.measure-row" : "li[data-id]";
          const ids = Array.from(container.querySelectorAll(selector)).map((el) => el.dataset.id);
          window.htmx.ajax("POST", container.dataset.sortableUrl, {
            target: container.dataset.sortableTarget,
            swap: "innerHTML",
            values: { order: ids.join(",") },
          });
        },
      });
    });
  }

  function toggleSectionKind(form) {
    const kind = form.querySelector("[name=kind]");
    if (!kind) {
      return;
    }
    const heading = kind.value === "heading";
    form.querySelectorAll(".section-direction-field").forEach((el) => el.classList.toggle("d-none", heading));
    form.querySelectorAll(".section-heading-field").forEach((el) => el.classList.toggle("d-none", !heading));
  }

  function filterTracks(form) {
    const direction = form.querySelector("[name=direction]");
    const tracks = form.querySelector("[name=tracks]");
    if (!direction || !tracks) {
      return;
    }
    Array.from(tracks.options).forEach((option) => {
      const visible = !direction.value || option.dataset.direction === direction.value;
      option.hidden = !visible;
      if (!visible) {
        option.selected = false;
      }
    });
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest("#section-add-form");
    if (!form) {
      return;
    }
    if (event.target.name === "kind") {
      toggleSectionKind(form);
    }
    if (event.target.name === "direction") {
      filterTracks(form);
    }
  });

  document.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-dismiss-row]");
    if (!cancel) {
      return;
    }
    const row = document.getElementById(cancel.dataset.dismissRow);
    if (row) {
      const placeholder = document.createElement("tr");
      placeholder.id = row.id;
      placeholder.className = "d-none";
      row.replaceWith(placeholder);
    }
  });

  function init(root) {
    initSortables(root);
    const form = root.querySelector ? root.querySelector("#section-add-form") : null;
    if (form) {
      toggleSectionKind(form);
      filterTracks(form);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    init(document);
    if (window.htmx) {
      window.htmx.onLoad((element) => initSortables(element.parentElement || element));
    }
  });
})();
