// Copies the third-party assets the pages use from node_modules into static/vendor/.
// static/vendor/ is generated and never committed; pages load nothing from the internet.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "sortablejs/Sortable.min.js": "sortablejs/Sortable.min.js",
};

rmSync("static/vendor", { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const target = `static/vendor/${to}`;
  mkdirSync(target.substring(0, target.lastIndexOf("/")), { recursive: true });
  cpSync(`node_modules/${from}`, target);
}
console.log(`static/vendor: ${Object.keys(files).length} files`);
