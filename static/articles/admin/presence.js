// Tells the server, every few seconds, that this editor has the article open, and shows who else
// does (articles/presence.py). The notice stays empty when nobody else is there or on any error.
const notice = document.querySelector(".midad-presence[data-url]");
if (notice) {
  const token = notice.closest("form").querySelector("[name=csrfmiddlewaretoken]").value;

  const beat = async () => {
    try {
      const response = await fetch(notice.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token },
      });
      if (!response.ok) return;
      const { notice: text } = await response.json();
      notice.textContent = text;
      notice.hidden = !text;
    } catch {
      // Offline for a moment: the next beat tries again.
    }
  };
  beat();
  setInterval(beat, Number(notice.dataset.every) * 1000);
}
