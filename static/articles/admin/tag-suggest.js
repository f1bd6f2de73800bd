// Suggests existing tags under the comma-separated tag input of the article form.
for (const box of document.querySelectorAll(".midad-tag-input")) {
  const input = box.querySelector("input");
  const list = box.querySelector(".midad-tag-input__suggestions");
  const url = box.dataset.suggestUrl;
  let timer;

  const parts = () => input.value.split(/[,،]/);
  const choose = (name) => {
    const kept = parts().slice(0, -1).map((part) => part.trim()).filter(Boolean);
    input.value = [...kept, name].join("، ") + "، ";
    list.hidden = true;
    input.focus();
  };
  const show = (names) => {
    list.replaceChildren(...names.map((name) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = name;
      button.addEventListener("click", () => choose(name));
      item.append(button);
      return item;
    }));
    list.hidden = names.length === 0;
  };

  input.setAttribute("autocomplete", "off");
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const term = parts().at(-1).trim();
    if (term.length < 2) { show([]); return; }
    timer = setTimeout(async () => {
      const response = await fetch(`${url}?q=${encodeURIComponent(term)}`, { credentials: "same-origin" });
      if (response.ok) show((await response.json()).results);
    }, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") list.hidden = true;
  });
}
