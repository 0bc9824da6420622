/** @module The small /static/cairn.js: copy buttons and confirmation of destructive forms. No inline script anywhere. */
import { sha256Hex } from "../../shared/manifest.ts";

export const JS = `
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof HTMLElement)) return;
  var button = target.closest("button[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy") || "");
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent || "").then(function () {
    var before = button.textContent;
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = before; }, 1200);
  });
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
`;

export const JS_HASH = sha256Hex(JS).slice(0, 12);
export const JS_PATH = `/static/cairn.js?v=${JS_HASH}`;
