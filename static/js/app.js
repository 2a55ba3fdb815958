// The product's own behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const message = status === 403 ? "Недостаточно прав для этого действия."
    : status === 404 ? "Объект не найден или недоступен."
    : "Ошибка сервера. Повторите попытку позже.";
  window.alert(message);
});

// A link to a folded part (a self-assessment cell's «Разбор»): opening the address unfolds it.
function openLinkedDetails() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (target && target.tagName === "DETAILS") {
    target.open = true;
  }
}
window.addEventListener("hashchange", openLinkedDetails);
document.addEventListener("DOMContentLoaded", openLinkedDetails);
