// Midad reader enhancements. Every page works without this file; it only adds:
// 1. the back-to-top button appearing after scrolling, 2. the ticker refreshing itself,
// 3. the article view beacon that feeds "most read".
"use strict";

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

// 2. Ticker: fetch fresh headlines every minute without reloading the page.
const ticker = document.querySelector("[data-ticker-url]");
if (ticker) {
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(ticker.dataset.tickerUrl, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("ul");
      const current = ticker.querySelector("ul");
      if (fresh && current && fresh.innerHTML.trim() !== current.innerHTML.trim()) current.replaceWith(fresh);
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
