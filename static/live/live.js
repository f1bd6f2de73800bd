// A live coverage's page keeps itself current. Without this file a reload shows everything.
// While the coverage is live it asks the poll endpoint every ~20 s for entries newer than the
// ones shown (a shared cache answers; 304 when nothing changed), shows «N تحديثات جديدة» in a
// button that floats over the page, so nothing the reader is reading moves, and inserts the
// new entries when the button is pressed. Screen readers hear the button (aria-live), not each
// entry. It stops in a hidden tab (and asks again when the tab is shown) and once the coverage
// has ended.

const live = document.querySelector("[data-updates-url]");
if (live) {
  const stream = live.querySelector("[data-live-stream]");
  const button = live.querySelector("[data-live-new]");
  const every = Number(live.dataset.pollSeconds || 20) * 1000;
  let cursor = live.dataset.cursor || "0";
  let waiting = null; // the latest answer with entries not inserted yet
  let timer = null;
  let ended = false;

  const schedule = () => {
    clearTimeout(timer);
    // A little spread, so that readers who opened the page together do not ask together.
    if (!ended && !document.hidden) timer = setTimeout(poll, every + Math.random() * 2000);
  };

  const end = (answer) => {
    ended = true;
    clearTimeout(timer);
    live.dataset.live = answer.state;
    live.querySelector("[data-live-badge]")?.remove();
    const status = live.querySelector("[data-live-status]");
    if (status && answer.status) status.firstChild.textContent = answer.status + " ";
  };

  async function poll() {
    try {
      const url = new URL(live.dataset.updatesUrl, location.href);
      url.searchParams.set("after", cursor);
      // no-cache: revalidate (a 304 when nothing changed) rather than take a stale copy the
      // browser may keep for a while (stale-while-revalidate), which would delay new entries.
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "omit", cache: "no-cache" });
      if (response.ok) {
        const answer = await response.json();
        if (answer.count > 0) {
          waiting = answer;
          button.textContent = answer.label;
          button.hidden = false;
        }
        if (answer.state !== "live") end(answer);
      }
    } catch {
      // Offline or server busy: keep what is shown and ask again next time.
    }
    schedule();
  }

  button.addEventListener("click", () => {
    if (!waiting) return;
    const fresh = document.createElement("template");
    fresh.innerHTML = waiting.html;
    const first = fresh.content.querySelector("article");
    stream.prepend(fresh.content);
    cursor = String(waiting.cursor);
    waiting = null;
    button.hidden = true;
    button.textContent = "";
    first?.focus(); // the reader asked for them: the newest is where reading goes on
  });

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) clearTimeout(timer);
    else if (!ended) poll();
  });
  schedule();
}
