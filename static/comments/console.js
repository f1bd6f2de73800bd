/* Keyboard triage for the moderation console (Disqus-style). An ES module; no inline code, so
   it runs under the site's CSP. Without it the page works the same, by mouse.

   j / k  next / previous comment      a  approve      r  reject      s  spam
   f      feature or unfeature         x  select the comment for a bulk action

   Letters are read from the physical key too, so the shortcuts work with an Arabic layout. */
const form = document.getElementById("console-form");
if (form) {
  const FOCUS_KEY = "midad-console-focus";
  const KEYS = new Set(["j", "k", "a", "r", "s", "f", "x"]);
  const rows = () => Array.from(form.querySelectorAll("tr[data-comment]"));
  const currentRow = () => (document.activeElement instanceof Element ? document.activeElement.closest("tr[data-comment]") : null);

  const hint = document.querySelector("[data-console-hint]");
  if (hint) hint.hidden = false;

  const selectAll = form.querySelector("[data-select-all]");
  if (selectAll) {
    selectAll.hidden = false;
    selectAll.addEventListener("change", () => {
      for (const box of form.querySelectorAll('input[name="selected"]')) box.checked = selectAll.checked;
    });
  }

  function focusRow(row) {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const list = rows();
    if (!list.length) return;
    const index = list.indexOf(currentRow());
    if (index === -1) return focusRow(step > 0 ? list[0] : list[list.length - 1]);
    focusRow(list[Math.min(Math.max(index + step, 0), list.length - 1)]);
  }

  function letter(event) {
    const key = event.key.length === 1 ? event.key.toLowerCase() : "";
    if (KEYS.has(key)) return key;
    const match = /^Key([A-Z])$/.exec(event.code || "");  // a non-Latin layout: the physical key
    return match && /^[^a-z]$/i.test(key) ? match[1].toLowerCase() : "";
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (target instanceof Element && target.closest('textarea, select, [contenteditable], input:not([type="checkbox"])')) return;
    const key = letter(event);
    if (!KEYS.has(key)) return;
    event.preventDefault();
    if (key === "j") return move(1);
    if (key === "k") return move(-1);
    const row = currentRow();
    if (!row) return;
    if (key === "x") {
      const box = row.querySelector('input[name="selected"]');
      if (box) box.checked = !box.checked;
      return;
    }
    const button = row.querySelector(`button[data-key="${key}"]`);
    if (button) button.click();
  });

  // After a one-click decision the page reloads: keep the reader's place on the next comment.
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || button.name !== "one") return;
    const row = button.closest("tr[data-comment]");
    const next = row && (row.nextElementSibling || row.previousElementSibling);
    try {
      if (next) sessionStorage.setItem(FOCUS_KEY, next.id);
    } catch (error) { /* storage may be disabled: only the convenience is lost */ }
  });
  try {
    const id = sessionStorage.getItem(FOCUS_KEY);
    sessionStorage.removeItem(FOCUS_KEY);
    if (id) focusRow(document.getElementById(id));
  } catch (error) { /* as above */ }
}
