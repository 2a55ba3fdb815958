// Monitoring: choose organisations by zone for addressed measures. No inline scripts (CSP).
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-select-zone]");
  if (!button) return;
  event.preventDefault();
  const zone = button.dataset.selectZone;
  document.querySelectorAll("input[name='organizations'][data-zone]").forEach((box) => {
    box.checked = zone === "none" ? false : box.dataset.zone === zone;
  });
  const colour = document.querySelector("input[name='zone_colour']");
  if (colour) colour.value = zone === "none" ? "" : zone;
});

// «Печать»: the deficit–resource map's print button (its print stylesheet hides the forms).
document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-print]")) return;
  event.preventDefault();
  window.print();
});
