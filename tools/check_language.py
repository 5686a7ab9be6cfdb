"""Reader language: the built book speaks to readers, never about how it was compiled.

A reader needs "not published in the report", "not yet collected" or a named source; phrases about
the compilers' own materials ("seed document", "not reachable", "stored excerpt") mean nothing to
them. ``compilation_phrases(text)`` lists such phrases in a page's text; tests run it on every
built HTML page and on the PDF.
"""

from __future__ import annotations

import re

#: Phrases that describe the book's making rather than the evidence (matched case-insensitively).
COMPILATION_PHRASES = [
    r"\bseed[- ]?(?:document|doc|file|text)s?\b",
    r"\b(?:not|un)[- ]?reachable\b",
    r"\b(?:could not|couldn't|cannot) be (?:reached|fetched|opened|downloaded)\b",
    r"\bstored (?:excerpts?|cop(?:y|ies)|pages?|versions?)\b",
    r"\b(?:sources?|bulletins?|releases?|pages?|reports?) (?:we )?reached\b",
    r"\bno source reached\b",
    r"\b(?:search|reference) (?:corpus|store|tool)\b",
    r"\bthis session\b",
    r"\b(?:was|were) cut off before\b",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in COMPILATION_PHRASES), re.IGNORECASE)


def compilation_phrases(text: str) -> list[str]:
    """Every compilation phrase in ``text``, with a little context, in order of appearance."""
    found = []
    flat = " ".join(text.split())
    for m in _PATTERN.finditer(flat):
        start, end = max(0, m.start() - 40), min(len(flat), m.end() + 40)
        found.append(f"{m.group(0)!r} in '…{flat[start:end]}…'")
    return found


def visible_text(html: str) -> str:
    """The text a reader sees on a built page (scripts, styles and tags removed)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"&[a-z]+;|&#\d+;", " ", html)
