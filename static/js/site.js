// Midad reader enhancements. Every page works without this file; it only adds:
// 1. the back-to-top button appearing after scrolling, 2. the ticker's pace and refresh,
// 3. the article view beacon that feeds "most read", 4. the reader's CSRF token in the forms
// of pages every reader shares.

// 1. Back to top: hidden at the top of the page, shown once the reader has scrolled.
const backToTop = document.querySelector("[data-back-to-top]");
const topMarker = document.getElementById("top");
if (backToTop && topMarker && "IntersectionObserver" in window) {
  const watcher = document.createElement("div");
  watcher.className = "back-to-top__watcher";
  topMarker.after(watcher);
  new IntersectionObserver(([entry]) => {
    backToTop.classList.toggle("is-visible", !entry.isIntersecting);
  }).observe(watcher);
  backToTop.addEventListener("click", (event) => {
    event.preventDefault();
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollTo({ top: 0, behavior: reduce ? "auto" : "smooth" });
    document.getElementById("content")?.focus({ preventScroll: true });
    history.replaceState(null, "", "#top");
  });
}

// 2. Ticker: an even pace whatever the headlines' length; each headline the keyboard reaches
// shown whole, and the row back at its start when the keyboard leaves; fresh headlines every
// minute without reloading the page.
const ticker = document.querySelector("[data-ticker-url]");
if (ticker) {
  const TICKER_PIXELS_PER_SECOND = 60;
  const track = ticker.querySelector(".ticker__track");
  const pace = () => {
    const list = track?.querySelector(".ticker__items");
    if (list) track.style.setProperty("--ticker-seconds", `${Math.max(20, list.offsetWidth / TICKER_PIXELS_PER_SECOND)}s`);
  };
  pace();
  // Chromium leaves a headline that shows a sliver unscrolled: show the focused one whole.
  ticker.addEventListener("focusin", (event) => event.target.scrollIntoView({ block: "nearest", inline: "nearest" }));
  ticker.addEventListener("focusout", (event) => {
    if (!ticker.contains(event.relatedTarget)) ticker.querySelector(".ticker__viewport").scrollLeft = 0;
  });
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(ticker.dataset.tickerUrl, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("ul");
      const [current, copy] = ticker.querySelectorAll("ul");
      if (!fresh || !current || fresh.innerHTML.trim() === current.innerHTML.trim()) return;
      current.replaceWith(fresh);
      copy?.replaceChildren(...fresh.cloneNode(true).childNodes); // the copy stays inert and hidden
      pace();
    } catch {
      // Offline or server busy: keep the headlines we have and try again next time.
    }
  };
  setInterval(refresh, 60_000);
}

// 3. Count a reader view once per page load (server-side, unaffected by page caching).
const article = document.querySelector("[data-view-url]");
if (article && article.dataset.viewUrl) {
  const send = () => fetch(article.dataset.viewUrl, { method: "POST", keepalive: true, credentials: "omit" });
  if (document.visibilityState === "visible") send();
  else document.addEventListener("visibilitychange", send, { once: true });
}

// 4. Forms on pages from the shared cache carry an empty CSRF field ([data-csrf-field]) and
// form stamp ([data-stamp-field]): the reader's own are fetched once, when they start writing,
// and put in every empty field. A submit waits for them. If they cannot be had, the form is
// sent anyway: the server sends it back with everything typed and fresh ones, as it does for
// readers without this script.
const emptyReaderFields = (root) =>
  [...root.querySelectorAll("[data-csrf-field], [data-stamp-field]")].filter((field) => !field.value);
let csrfRequest = null;
let csrfFailed = false; // then only a submit asks again, not every keystroke
const loadCsrfToken = (form) => {
  csrfRequest ??= fetch(form.dataset.csrfUrl, {
    credentials: "same-origin",
    cache: "no-store",
    headers: { Accept: "application/json" },
    signal: AbortSignal.timeout?.(10_000), // a hung request must not hold a submit forever
  })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
    .then(({ token, stamp }) => {
      for (const field of emptyReaderFields(document)) field.value = "stampField" in field.dataset ? stamp : token;
    })
    .catch(() => {
      csrfRequest = null;
      csrfFailed = true;
    });
  return csrfRequest;
};
const startWriting = (event) => {
  const form = event.target.form ?? event.target.closest?.("form");
  if (form && !csrfFailed && emptyReaderFields(form).length) loadCsrfToken(form);
};
document.addEventListener("focusin", startWriting);
document.addEventListener("input", startWriting);
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!emptyReaderFields(form).length) return;
  event.preventDefault();
  if (form.dataset.csrfWaiting) return; // a second click while the token is on its way
  form.dataset.csrfWaiting = "true";
  await loadCsrfToken(form);
  delete form.dataset.csrfWaiting;
  form.submit(); // does not fire this listener again; the browser has already checked the fields
});
