"""Agency credit lines on picture captions: "... / AFP / Omar HAJ KADOUR", "(Reuters)"; and
bylines ("By Jane Smith").

Credits are never translated. The agencies are data: add one here and every reader and the
protection rules know it. A byline's "By" is written as the target writes it (``BY``): eng-cat
dropped it ("By Jane Smith" -> "Jane Smith").
"""

from __future__ import annotations

import re

AGENCIES: tuple[str, ...] = (
    "AFP", "AFP PHOTO", "Reuters", "REUTERS", "AP", "AP Photo", "Associated Press", "Getty Images",
    "Getty", "EPA", "EPA-EFE", "EFE", "ANSA", "dpa", "DPA", "Anadolu", "Anadolu Agency", "ANP",
    "Xinhua", "Bloomberg", "Sipa", "SIPA", "Shutterstock", "PA", "PA Images", "PA Wire", "AAP",
    "Kyodo", "Yonhap", "Tass", "TASS", "WAM", "SPA", "Europa Press", "NurPhoto", "Alamy",
    "The National", "Pool", "POOL", "Handout", "HANDOUT", "Agence France-Presse", "AA", "SANA",
    "Sputnik", "UPI", "IRNA", "WANA", "ZUMA", "HO", "Reuters TV", "AFPTV",
)  # fmt: skip

_AGENCY = "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True))

# " / AFP / Omar HAJ KADOUR" or " / Reuters" at the very end of a caption; the name part is
# anything up to the end without another sentence in it.
TRAILING_CREDIT = re.compile(rf"\s+/\s*(?P<credit>(?:{_AGENCY})\b(?:\s*/\s*[^/\n]{{1,80}}?)*)\s*$")
# "(Reuters)", "(AP Photo/Jane Doe)", "AFP PHOTO / Name SURNAME", "EPA-EFE/NAME" anywhere.
INLINE_CREDIT = re.compile(
    rf"\((?:{_AGENCY})(?:\s*/\s*[^()\n]{{1,60}})?\)"
    rf"|\b(?:{_AGENCY})\s*/\s*(?:[A-Z][\w'’.-]*\s+)*[A-Z]{{2,}}(?:[\s-][A-Z]{{2,}})*\b"
)


def split_credit(caption: str) -> tuple[str, str]:
    """("Caption text.", "AFP / Omar HAJ KADOUR") for a caption that ends with a credit line."""
    m = TRAILING_CREDIT.search(caption)
    if not m:
        return caption, ""
    return caption[: m.start()].rstrip(), m.group("credit").strip()


BY: dict[str, str] = {"es": "Por", "ca": "Per", "gl": "Por", "fr": "Par", "pt": "Por", "it": "Di"}
"""A byline's "By" in each target language."""

# A line that is a byline: "By" and names, no sentence ("By Monday, prices rose." is not one).
BYLINE = re.compile(r"By (?=[A-Z])[^.!?:;]{1,80}")
