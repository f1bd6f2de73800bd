// The rich-text editor (django-prose-editor) and the autocomplete pickers (the admin's select2)
// are built in the browser in place of a labelled <textarea> or <select>, and do not take the
// label along: screen readers would announce a nameless text box or combo box. Each gets
// aria-labelledby pointing at its field's label, those built later too.
function labelOf(field) {
  const label = field?.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
  if (!label) return null;
  label.id ||= `${field.id}-label`;
  return label.id;
}

function name(root) {
  for (const editor of root.querySelectorAll(".prose-editor [contenteditable]")) {
    const label = labelOf(editor.closest(".prose-editor").querySelector("textarea"));
    if (label) editor.setAttribute("aria-labelledby", label);
  }
  for (const picker of root.querySelectorAll(".select2-selection")) {
    const select = picker.closest(".select2")?.previousElementSibling;
    const label = labelOf(select?.tagName === "SELECT" ? select : null);
    if (!label) continue;
    const shown = picker.querySelector(".select2-selection__rendered");
    // The combo box: its label, then the choice it shows; the choice's own box: the label.
    picker.setAttribute("aria-labelledby", shown?.id ? `${label} ${shown.id}` : label);
    shown?.setAttribute("aria-labelledby", label);
  }
}

name(document);

const built = (node) =>
  node.nodeType === Node.ELEMENT_NODE && node.matches(".select2, .select2 *, [contenteditable], :has(.select2, [contenteditable])");

new MutationObserver((changes) => {
  if (changes.some((change) => [...change.addedNodes].some(built))) name(document);
}).observe(document.body, { subtree: true, childList: true });
