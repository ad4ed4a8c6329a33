// The translate page, with JavaScript: results replace themselves in place, and each can be
// copied. Without it the form posts and the page comes back with the results.
"use strict";

(() => {
  function enableCopy(root) {
    for (const button of root.querySelectorAll("button.copy")) {
      button.hidden = false;
      button.addEventListener("click", async () => {
        const area = document.getElementById(button.dataset.for);
        await navigator.clipboard.writeText(area.value);
        button.textContent = "Copied";
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("translate");
    const results = document.getElementById("results");
    enableCopy(results);
    form.addEventListener("submit", async (event) => {
      if (event.submitter && event.submitter.name === "download") return;  // a file: let it post
      event.preventDefault();
      results.setAttribute("aria-busy", "true");
      const response = await fetch(form.action, { method: "POST", body: new FormData(form) });
      // our own page, parsed inert; only its results section is taken
      const answer = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = answer.getElementById("results");
      results.replaceChildren(...[...fresh.childNodes].map((n) => document.adoptNode(n)));
      results.removeAttribute("aria-busy");
      enableCopy(results);
    });
  });
})();
