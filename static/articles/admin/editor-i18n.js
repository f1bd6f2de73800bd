// The rich-text editor (django-prose-editor) names its toolbar buttons and block menu in English
// without asking gettext (its dialogs do ask). Give them the admin's language from the admin's
// JavaScript catalogue (locale/ar/LC_MESSAGES/djangojs.po): the block menu, tooltips and the
// names screen readers announce. Buttons the editor adds or swaps later are translated too.
const translate = window.gettext || ((text) => text);

function setTranslated(element, attribute) {
  const text = element.getAttribute(attribute);
  const translated = text && translate(text);
  if (translated && translated !== text) element.setAttribute(attribute, translated);
}

function localise(root) {
  for (const button of root.querySelectorAll(".prose-menubar button")) {
    setTranslated(button, "title");
    setTranslated(button, "aria-label");
  }
  for (const label of root.querySelectorAll(".prose-menubar__option > *")) {
    const translated = translate(label.textContent);
    if (translated !== label.textContent) label.textContent = translated;
  }
}

localise(document);

const menubarOf = (node) =>
  node.nodeType === Node.ELEMENT_NODE
    ? node.closest(".prose-menubar") ?? node.querySelector(".prose-menubar")
    : node.parentElement?.closest(".prose-menubar");

new MutationObserver((changes) => {
  for (const change of changes) {
    const menubar = [change.target, ...change.addedNodes].map(menubarOf).find(Boolean);
    if (menubar) localise(menubar);
  }
}).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["title", "aria-label"] });
