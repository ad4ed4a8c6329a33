// The desk's editor: a segment's translation edited with its inline markup as tokens that
// cannot be broken or lost, saved in place; keyboard moves between segments, saves, approves.
// No framework, nothing from elsewhere; the page works without it for reading and approving.
"use strict";

(() => {
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
  const escapeText = (text) => text.replace(/[&<>]/g, (c) => ESCAPES[c]);

  // The edited segment as tagged text: words escaped, each token its own tag.
  function serialise(node) {
    let out = "";
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        out += escapeText(child.data.replace(/\n/g, " "));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        out += child.dataset && child.dataset.tag !== undefined ? child.dataset.tag : serialise(child);
      }
    }
    return out;
  }

  const tokensOf = (editor) => [...editor.querySelectorAll("[data-tag]")].map((t) => t.dataset.tag);

  // A deletion whose range takes in a token is refused: the token stays where it is.
  function touchesToken(editor, event) {
    const ranges = event.getTargetRanges ? event.getTargetRanges() : [];
    for (const r of ranges) {
      const range = document.createRange();
      range.setStart(r.startContainer, r.startOffset);
      range.setEnd(r.endContainer, r.endOffset);
      for (const token of editor.querySelectorAll("[data-tag]")) {
        if (range.intersectsNode(token)) return true;
      }
    }
    return false;
  }

  const notice = () => document.getElementById("notice");
  function say(text, bad) {
    const n = notice();
    if (n) { n.textContent = text; n.classList.toggle("error", Boolean(bad)); }
  }

  function setEdition(value) {
    for (const input of document.querySelectorAll('input[name="edition"]')) input.value = value;
  }

  async function save(form) {
    const editor = form.querySelector(".target");
    const expected = JSON.parse(form.dataset.tokens);
    const now = tokensOf(editor);
    if (now.length !== expected.length || now.some((t, i) => t !== expected[i])) {
      say("The segment's markup tokens changed; reload the page.", true);
      return false;
    }
    form.querySelector('input[name="target"]').value = serialise(editor).trim();
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    const li = form.closest(".segment");
    if (!response.ok) {
      const message = (data.error && data.error.message) || `not saved (${response.status})`;
      say(`Not saved: ${message}`, true);
      li.classList.add("failed");
      return false;
    }
    setEdition(data.edition);
    document.getElementById("status").textContent = data.status;
    li.classList.remove("failed");
    li.classList.add("saved");
    say(`Saved: ${li.querySelector(".seg-head").textContent.trim()}`, false);
    return true;
  }

  function segments() { return [...document.querySelectorAll(".segment .target")]; }

  function move(step) {
    const all = segments();
    const at = all.indexOf(document.activeElement);
    const next = all[Math.min(Math.max(at + step, 0), all.length - 1)];
    if (next) { next.focus(); next.closest(".segment").scrollIntoView({ block: "center" }); }
  }

  // The memory's suggestions for a segment, asked for when it gets focus (one fuzzy search,
  // not one per segment of the article on every view); the server writes the part, escaped.
  async function suggestions(li) {
    const box = li.querySelector(".help-box");
    if (!box || box.dataset.loaded) return;
    box.dataset.loaded = "1";
    const response = await fetch(box.dataset.from, { credentials: "same-origin" });
    if (!response.ok) { delete box.dataset.loaded; return; }
    const part = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = part.querySelector(".help-box");
    if (fresh) {
      const details = fresh.querySelector("details");
      if (details) details.open = false;  // there when wanted, not in the editor's way
      box.replaceWith(document.importNode(fresh, true));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form.edit")) {
      const editor = form.querySelector(".target");
      editor.addEventListener("focus", () => suggestions(form.closest(".segment")));
      form.dataset.tokens = JSON.stringify(tokensOf(editor));
      editor.addEventListener("beforeinput", (event) => {
        if (event.inputType.startsWith("delete") && touchesToken(editor, event)) {
          event.preventDefault();
        } else if (event.inputType === "insertParagraph" || event.inputType === "insertLineBreak") {
          event.preventDefault();  // a segment is one sentence: Enter saves it
          save(form);
        } else if (event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop") {
          event.preventDefault();  // plain text only: no markup comes in from elsewhere
          const text = event.dataTransfer ? event.dataTransfer.getData("text/plain") : "";
          document.execCommand("insertText", false, text.replace(/\s+/g, " "));
        }
      });
      form.addEventListener("submit", (event) => { event.preventDefault(); save(form); });
    }
    const approve = document.getElementById("approve");
    document.addEventListener("keydown", (event) => {
      const inEditor = document.activeElement && document.activeElement.classList.contains("target");
      if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        move(event.key === "ArrowDown" ? 1 : -1);
      } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s" && inEditor) {
        event.preventDefault();
        save(document.activeElement.closest("form"));
      } else if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === "a" && approve) {
        event.preventDefault();
        approve.requestSubmit();
      }
    });
  });
})();
