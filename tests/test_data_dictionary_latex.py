"""The generated data dictionary carries a PDF layout that fits: every table has fixed column
widths (Sphinx's \\Y, which subtracts the column padding) adding up to at most the line, one
width per column, in a smaller font group that is closed again."""

from __future__ import annotations

import re

from probation_evidence import pages


def tables_with_specs(text: str) -> list[tuple[str, str]]:
    """(tabularcolumns spec, header row) for each pipe table of the page."""
    return re.findall(r"```\{tabularcolumns\} (.+)\n```\n\n(\|.+\|)\n\|[-|]+\|\n", text)


def test_every_dictionary_table_has_widths_that_fit():
    text = pages.data_dictionary_md()
    found = tables_with_specs(text)
    n_tables = len(re.findall(r"^\| Column \| Type \|", text, flags=re.M))
    assert n_tables >= 10 and len(found) == n_tables
    for spec, header in found:
        shares = [float(x) for x in re.findall(r"\\Y\{([0-9.]+)\}", spec)]
        assert len(shares) == header.count("|") - 1 == 5
        assert sum(shares) <= 1 + 1e-9 and min(shares) >= 0.09
        assert spec.count(r">{\raggedright\arraybackslash}") == 5


def test_font_groups_are_balanced_and_raw_latex_only():
    text = pages.data_dictionary_md()
    opens = text.count("```{raw} latex\n\\begingroup\\small\n```")
    closes = text.count("```{raw} latex\n\\endgroup\n```")
    assert opens == closes == len(tables_with_specs(text))
    # each group closes after its own table, before the next section starts
    for section in text.split("\n## ")[1:]:
        assert section.count("\\begingroup") == section.count("\\endgroup") <= 1


def test_widths_constant_matches_columns():
    assert len(pages.DICTIONARY_WIDTHS) == 5 and abs(sum(pages.DICTIONARY_WIDTHS) - 1) < 1e-9
