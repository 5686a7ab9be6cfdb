"""The reader-language rule catches compilation phrases and leaves ordinary prose alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from check_language import compilation_phrases, visible_text


@pytest.mark.parametrize(
    "text",
    [
        "Two PDUs documented in the seed documents show",
        "the report was not reachable for this edition",
        "from a stored excerpt of the page",
        "the bulletins reached do not split PSOs",
        "the stored copy of the bulletin was cut off before the comparison date",
        "Seed document 003",
        "No source reached states the national number",
    ],
)
def test_compilation_phrases_are_caught(text):
    assert compilation_phrases(text)


@pytest.mark.parametrize(
    "text",
    [
        "The leaving rate reached 10% in 2022.",
        "Figures not published in the report are left blank.",
        "The table was not yet collected.",
        "Officer numbers reached a peak in March 2023.",
        "The inspectorate stored its ratings in an annex.",
    ],
)
def test_ordinary_prose_passes(text):
    assert compilation_phrases(text) == []


def test_visible_text_drops_markup_and_scripts():
    html = "<p>Seen <b>text</b></p><script>var seed_document = 1;</script><style>.x{}</style>"
    assert visible_text(html).split() == ["Seen", "text"]
