"""The demo's pages in a real browser: headless Chromium lays out the demo's translated pages
(written by the reader pages' renderer), left to right and right to left, with the language
switcher.

The pages are the demo's own, served by ``tarjama demo`` on a free local port; a probe page on
the same server loads each one in a frame and reports what Chromium computed (direction, where
the label's text and the switcher's languages stand), printed with ``--dump-dom``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .test_cli import TARJAMA, _free_port, _get, _said

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (scripts/test installs it)"
)

PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
<iframe id="f" width="1000" height="800"></iframe><script>
const f = document.getElementById("f");
f.onload = () => {
  const d = f.contentDocument, w = f.contentWindow;
  const range = d.createRange();
  range.selectNodeContents(d.querySelector(".tarjama-label .label-text"));
  const label = range.getBoundingClientRect();
  const story = d.querySelector(".story").getBoundingClientRect();
  document.getElementById("out").textContent = JSON.stringify({
    direction: w.getComputedStyle(d.documentElement).direction,
    width: d.documentElement.clientWidth,
    label: [label.left, label.right],
    story: [story.left, story.right],
    languages: [...d.querySelectorAll(".tarjama-languages li > *")]
      .map(e => [e.textContent, e.tagName, e.getBoundingClientRect().left]),
  });
};
f.src = new URLSearchParams(location.search).get("page");
</script></body></html>"""


def _layout(url: str) -> dict[str, Any]:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         "--virtual-time-budget=10000", url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    found = re.search(r'<pre id="out">([^<]+)</pre>', done.stdout)
    assert found, (done.stdout[-2000:], done.stderr[-2000:])
    layout: dict[str, Any] = json.loads(found.group(1).replace("&quot;", '"'))
    return layout


def test_arabic_reads_right_to_left_and_spanish_left_to_right(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    out.mkdir()
    (out / "probe.html").write_text(PROBE, encoding="utf-8")
    port = _free_port()
    # the pseudo engine writes Arabic pages: Apertium has no English-Arabic pair
    server = subprocess.Popen(
        [TARJAMA, "demo", "--engine", "pseudo", "--to", "ar,es", "--out", str(out),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _said(server, b"serving on ")  # its socket is bound
        assert "tarjama-label" in _get(f"{base}/port-strike.ar.html")
        ar = _layout(f"{base}/probe.html?page=port-strike.ar.html")
        es = _layout(f"{base}/probe.html?page=port-strike.es.html")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert (ar["direction"], es["direction"]) == ("rtl", "ltr")
    # the label stands against the article's right edge in Arabic, against its left in Spanish
    (ar_start, ar_end), (es_start, es_end) = ar["story"], es["story"]
    assert ar_end - ar["label"][1] < 40 and ar["label"][0] > (ar_start + ar_end) / 2
    assert es["label"][0] - es_start < 40 and es["label"][1] < (es_start + es_end) / 2
    # the switcher: the original first, then the translations, in reading order
    names = [name for name, _, _ in ar["languages"]]
    assert names == ["English", "العربية", "Español"] == [n for n, _, _ in es["languages"]]
    ar_left = [left for _, _, left in ar["languages"]]
    es_left = [left for _, _, left in es["languages"]]
    assert ar_left == sorted(ar_left, reverse=True) and es_left == sorted(es_left)
    # the page's own language is shown, not linked
    assert [tag for _, tag, _ in ar["languages"]] == ["A", "STRONG", "A"]
    assert [tag for _, tag, _ in es["languages"]] == ["A", "A", "STRONG"]
