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
            swap: container.dataset.sortableSwap || "innerHTML",
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

  // --- The editor keeps your place (issue 20) ---------------------------------------------
  // A move, an add, an edit or a delete swaps only the row or the section it changed; the server
  // names the row acted on (the «roadmap-place» event) and the focus goes back to it.

  let scrollBeforeSwap = null;

  function inTable(element) {
    return element instanceof Element && element.closest("#roadmap-table") !== null;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (inTable(event.detail.target)) {
      scrollBeforeSwap = window.scrollY;
    }
  });

  // Rows above the swapped ones keep their height, so the view may stay exactly where it was:
  // this undoes any scroll the browser made while the old rows were replaced.
  document.addEventListener("htmx:afterSwap", () => {
    if (scrollBeforeSwap !== null) {
      window.scrollTo({ left: window.scrollX, top: scrollBeforeSwap, behavior: "instant" });
      scrollBeforeSwap = null;
    }
  });

  function focusPlace(row, control) {
    let target = control ? row.querySelector(`[data-control="${control}"]`) : null;
    if (!target) {
      // the row itself, for a new measure or the neighbour of a deleted one
      if (!row.hasAttribute("tabindex")) {
        row.setAttribute("tabindex", "-1");
      }
      target = row;
    }
    target.focus({ preventScroll: true });
    // instant: the page's smooth scrolling would slide the view away and back
    row.scrollIntoView({ block: "nearest", behavior: "instant" });
  }

  document.addEventListener("roadmap-place", (event) => {
    const detail = event.detail || {};
    const row = detail.row ? document.getElementById(detail.row) : null;
    if (row) {
      focusPlace(row, detail.control);
    }
  });

  // A measure's form, opened or shown again with its errors: its first field with an error, or
  // its first field, takes the focus. A new measure's form stands in for its «+ Мероприятие».
  function openForm(row) {
    if (row.dataset.addRow) {
      const addRow = document.getElementById(row.dataset.addRow);
      if (addRow) {
        addRow.hidden = true;
      }
    }
    const field = row.querySelector(".is-invalid") || row.querySelector("input:not([type=hidden]), textarea, select");
    if (field) {
      // the form is taller than the screen: scroll only as far as the field needs, so that the
      // form stays where its button (or its row) was
      field.focus({ preventScroll: true });
      field.scrollIntoView({ block: "nearest", behavior: "instant" });
    }
  }

  document.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-dismiss-row]");
    if (!cancel) {
      return;
    }
    const row = document.getElementById(cancel.dataset.dismissRow);
    if (!row) {
      return;
    }
    const addRow = row.dataset.addRow ? document.getElementById(row.dataset.addRow) : null;
    row.remove();
    if (addRow) {
      addRow.hidden = false;
      focusPlace(addRow, "add");
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
    // On a phone the plan's cards come first: the long list of sections folds until asked for.
    if (window.matchMedia("(max-width: 576px)").matches) {
      document.querySelectorAll("details[data-fold-on-phone]").forEach((details) => {
        details.open = false;
      });
    }
    if (window.htmx) {
      window.htmx.onLoad((element) => {
        initSortables(element.parentElement || element);
        if (element.matches && element.matches("tr.measure-form-row")) {
          openForm(element);
        }
      });
    }
  });
})();
