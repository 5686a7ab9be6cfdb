"""Presenting results: numbers formatted for prose, glue that refuses empty values, and
tables that render as real tables in both the website (HTML) and the PDF (LaTeX longtable).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def fmt_int(x: float) -> str:
    """12345.6 -> '12,346'."""
    _require_number(x)
    return f"{x:,.0f}"


def fmt_num(x: float, digits: int = 1) -> str:
    _require_number(x)
    return f"{x:,.{digits}f}"


def fmt_pct(x: float, digits: int = 1) -> str:
    """7.04 -> '7.0%'."""
    _require_number(x)
    return f"{x:.{digits}f}%"


def fmt_signed(x: float, digits: int = 0) -> str:
    """+359 / -694 with thousands separators (Unicode minus is avoided for LaTeX)."""
    _require_number(x)
    return f"{x:+,.{digits}f}"


def fmt_ci(low: float, high: float, digits: int = 2) -> str:
    """'0.12 to 0.45' (interval text for prose)."""
    _require_number(low)
    _require_number(high)
    return f"{low:,.{digits}f} to {high:,.{digits}f}"


def fmt_date(ts) -> str:
    """'30 June 2025'."""
    t = pd.Timestamp(ts)
    return f"{t.day} {t:%B %Y}"


def fmt_month(ts) -> str:
    return f"{pd.Timestamp(ts):%B %Y}"


def _require_number(x: Any) -> None:
    if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x):
        raise ValueError("a number to be shown in the text is missing (NaN/None): check the data")


class _Text:
    """A glued value whose plain-text representation is the text itself (a str would show its quotes)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def glue_text(name: str, value: Any) -> str:
    """Glue a value as text for ``{glue:}`` roles; refuse empty values so no sentence loses its number."""
    from myst_nb import glue

    text = str(value)
    if not text.strip() or text.lower() in {"nan", "none", "<na>"}:
        raise ValueError(f"glue {name!r}: value is empty ({value!r})")
    glue(name, _Text(text), display=False)
    return text


def glue_many(values: dict[str, Any]) -> None:
    """Glue several values (each refused if empty)."""
    for name, value in values.items():
        glue_text(name, value)


def latex_escape(text: Any) -> str:
    return "".join(LATEX_SPECIALS.get(ch, ch) for ch in str(text))


class Table:
    """A table that shows as HTML on the website and as a LaTeX longtable in the PDF.

    Numbers should be formatted as text before (with :func:`format_frame`) so both outputs
    show the same thing. The plain-text representation is a readable fallback (and what
    nbval compares).

    ``links`` maps a column to one address per row (``None`` for no link): on the website
    those cells are links; in the PDF and the plain text they are the cell text alone.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        caption: str,
        *,
        label: str | None = None,
        col_widths: Iterable[float] | None = None,
        searchable: bool = False,
        links: dict[str, Iterable[str | None]] | None = None,
    ):
        if frame.empty:
            raise ValueError(f"table {caption!r} has no rows")
        self.frame = frame.reset_index(drop=True)
        self.caption = caption
        self.label = label
        self.col_widths = list(col_widths) if col_widths is not None else None
        self.searchable = searchable
        self.links = _check_links(self.frame, links, caption)

    def _repr_html_(self) -> str:
        cls = "pe-table pe-searchable" if self.searchable else "pe-table"
        head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in self.frame.columns)
        body = []
        for i, row in enumerate(self.frame.itertuples(index=False)):
            cells = "".join(
                f"<td>{self._cell_html(col, i, v)}</td>" for col, v in zip(self.frame.columns, row, strict=True)
            )
            body.append(f"<tr>{cells}</tr>")
        idattr = f" id='{html.escape(self.label)}'" if self.label else ""
        # the box scrolls sideways on a narrow screen; it is a named region that takes keyboard
        # focus, so a keyboard user can scroll it too (WCAG 2.1.1)
        return (
            "<div class='pe-table-scroll' role='region' tabindex='0' "
            f"aria-label='{html.escape(self.caption, quote=True)}'><table "
            f"class='{cls}'{idattr}><caption>{html.escape(self.caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )

    def _cell_html(self, column: Any, row: int, value: Any) -> str:
        text = html.escape(str(value))
        hrefs = self.links.get(column)
        href = hrefs[row] if hrefs else None
        return f'<a href="{html.escape(href, quote=True)}">{text}</a>' if href else text

    def _repr_markdown_(self) -> str:
        """A MyST raw-LaTeX block: the PDF builder is set to prefer text/markdown, the website text/html.

        (A ``text/latex`` output would be typeset by myst-nb as display maths, not as a table.)
        """
        return "```{raw} latex\n" + self.latex() + "\n```\n"

    def latex(self) -> str:
        """The table as a LaTeX longtable that always fits the text width.

        Column widths are fractions of the width left after the column padding (the line width
        less two ``tabcolsep`` per column), so any widths a notebook passes fit: widths summing to
        more than 1 are scaled down, and without widths every column gets an equal share. Cells
        are ragged right, may hyphenate their first word, and break after underscores and
        slashes; wide tables get narrower padding and, when a column's longest unbreakable
        value would not fit, a smaller font.
        """
        ncol = len(self.frame.columns)
        fractions = column_fractions(ncol, self.col_widths)
        sep_pt = 6 if ncol < 6 else 4
        size = table_font_size(self._cells_by_column(), fractions, sep_pt)
        return latex_longtable(
            rf"\begingroup\{size}\setlength{{\tabcolsep}}{{{sep_pt}pt}}",
            fractions,
            self.caption,
            [r"\hspace{0pt}\textbf{" + latex_cell(c) + "}" for c in self.frame.columns],
            ([r"\hspace{0pt}" + latex_cell(v) for v in row] for row in self.frame.itertuples(index=False)),
        )

    def _cells_by_column(self) -> list[list[str]]:
        return [[str(c)] + [str(v) for v in self.frame.iloc[:, i]] for i, c in enumerate(self.frame.columns)]

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}"


#: The PDF's text width (A4, 1 inch margins) and the average character widths of the book's
#: text font (TeX Gyre Termes) at \footnotesize (8 pt) and \scriptsize (7 pt): used only to
#: choose the smaller size when a column's longest unbreakable value would not fit.
TEXT_WIDTH_PT = 451.0
CHAR_WIDTH_PT = {"footnotesize": 4.2, "scriptsize": 3.7}


def latex_longtable(opening: str, fractions: list[float], caption: str, header: list[str], rows) -> str:
    """A LaTeX longtable whose ragged-right columns take ``fractions`` of the width left after the
    column padding (so it fits the text width), its header repeated on every page; ``opening``
    starts the group that sets its font size; ``header`` and each of ``rows`` are typeset cells."""
    avail = rf"\dimexpr\linewidth-{2 * len(fractions)}\tabcolsep\relax"
    spec = "".join(rf">{{\raggedright\arraybackslash}}p{{{f:.4f}{avail}}}" for f in fractions)
    head = " & ".join(header) + r" \\"
    lines = [
        opening,
        r"\begin{longtable}{" + spec + "}",
        r"\caption{" + latex_escape(caption) + r"}\\",
        r"\toprule",
        head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        head,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    lines += [" & ".join(cells) + r" \\" for cells in rows]
    lines += [r"\end{longtable}", r"\endgroup"]
    return "\n".join(lines)


def column_fractions(ncol: int, widths: Iterable[float] | None) -> list[float]:
    """Shares of the available width per column: given widths scaled to sum at most 1, else equal."""
    if ncol < 1:
        raise ValueError("a table needs at least one column")
    if widths is None:
        return [1.0 / ncol] * ncol
    widths = [float(w) for w in widths]
    if len(widths) != ncol:
        raise ValueError(f"{len(widths)} column widths given for {ncol} columns")
    if any(not math.isfinite(w) or w <= 0 for w in widths):
        raise ValueError(f"column widths must be positive numbers, got {widths}")
    total = sum(widths)
    return [w / total for w in widths] if total > 1 else widths


def latex_cell(text: Any) -> str:
    """Escape a table cell and let it break after underscores and slashes (long identifiers, paths)."""
    out = latex_escape(text)
    return out.replace(r"\_", r"\_\allowbreak{}").replace("/", r"/\allowbreak{}")


def unbreakable_tokens(text: str) -> list[str]:
    """Parts of a cell that TeX cannot break: split at spaces, underscores and slashes; words of
    five or more letters are left out because they can be hyphenated."""
    tokens = re.split(r"[\s_/]+", str(text))
    return [t for t in tokens if t and not (t.isalpha() and len(t) >= 5)]


def table_font_size(columns: list[list[str]], fractions: list[float], sep_pt: float) -> str:
    """'footnotesize', or 'scriptsize' when some column's longest unbreakable token would not fit."""
    avail = TEXT_WIDTH_PT - 2 * len(fractions) * sep_pt
    for cells, frac in zip(columns, fractions, strict=True):
        longest = max((len(t) for cell in cells for t in unbreakable_tokens(cell)), default=0)
        if longest * CHAR_WIDTH_PT["footnotesize"] > frac * avail:
            return "scriptsize"
    return "footnotesize"


def _check_links(
    frame: pd.DataFrame, links: dict[str, Iterable[str | None]] | None, caption: str
) -> dict[Any, list[str | None]]:
    """Link columns: each maps a column to one address (or None) per row, in row order."""
    out: dict[Any, list[str | None]] = {}
    for column, hrefs in (links or {}).items():
        if column not in frame.columns:
            raise ValueError(f"table {caption!r}: link column {column!r} is not a column of the table")
        values = [
            None if h is None or (not isinstance(h, str) and pd.isna(h)) or not str(h).strip() else str(h)
            for h in hrefs
        ]
        if len(values) != len(frame):
            raise ValueError(
                f"table {caption!r}: {len(values)} links for column {column!r}, but the table has {len(frame)} rows"
            )
        out[column] = values
    return out


def format_frame(frame: pd.DataFrame, formats: dict[str, Any]) -> pd.DataFrame:
    """Format columns as text: ``formats`` maps column -> callable or format string; NaN -> '–'."""
    out = frame.copy()
    for col, fmt in formats.items():

        def one(v, fmt=fmt):
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                return "–"
            return fmt(v) if callable(fmt) else format(v, fmt)

        out[col] = out[col].map(one)
    return out.fillna("–").astype(str)
