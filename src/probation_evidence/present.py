"""Presenting results: numbers formatted for prose, glue that refuses empty values, and
tables that render as real tables in both the website (HTML) and the PDF (LaTeX longtable).
"""
from __future__ import annotations

import html
import math
from typing import Any, Iterable

import pandas as pd

LATEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


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

    def __init__(self, frame: pd.DataFrame, caption: str, *, label: str | None = None,
                 col_widths: Iterable[float] | None = None, searchable: bool = False,
                 links: dict[str, Iterable[str | None]] | None = None):
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
            cells = "".join(f"<td>{self._cell_html(col, i, v)}</td>" for col, v in zip(self.frame.columns, row))
            body.append(f"<tr>{cells}</tr>")
        idattr = f" id='{html.escape(self.label)}'" if self.label else ""
        return (f"<table class='{cls}'{idattr}><caption>{html.escape(self.caption)}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def _cell_html(self, column: Any, row: int, value: Any) -> str:
        text = html.escape(str(value))
        hrefs = self.links.get(column)
        href = hrefs[row] if hrefs else None
        return f"<a href=\"{html.escape(href, quote=True)}\">{text}</a>" if href else text

    def _repr_markdown_(self) -> str:
        """A MyST raw-LaTeX block: the PDF builder is set to prefer text/markdown, the website text/html.

        (A ``text/latex`` output would be typeset by myst-nb as display maths, not as a table.)
        """
        return "```{raw} latex\n" + self.latex() + "\n```\n"

    def latex(self) -> str:
        ncol = len(self.frame.columns)
        if self.col_widths:
            spec = "".join(f"p{{{w}\\linewidth}}" for w in self.col_widths)
        else:
            width = max(0.08, round(0.95 / ncol, 3))
            spec = "".join(f"p{{{width}\\linewidth}}" for _ in range(ncol))
        header = " & ".join(r"\textbf{" + latex_escape(c) + "}" for c in self.frame.columns) + r" \\"
        lines = [r"\begingroup\footnotesize", r"\begin{longtable}{" + spec + "}",
                 r"\caption{" + latex_escape(self.caption) + r"}\\", r"\toprule", header, r"\midrule", r"\endfirsthead",
                 r"\toprule", header, r"\midrule", r"\endhead", r"\bottomrule", r"\endfoot"]
        for row in self.frame.itertuples(index=False):
            lines.append(" & ".join(latex_escape(v) for v in row) + r" \\")
        lines += [r"\end{longtable}", r"\endgroup"]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}"


def _check_links(frame: pd.DataFrame, links: dict[str, Iterable[str | None]] | None,
                 caption: str) -> dict[Any, list[str | None]]:
    """Link columns: each maps a column to one address (or None) per row, in row order."""
    out: dict[Any, list[str | None]] = {}
    for column, hrefs in (links or {}).items():
        if column not in frame.columns:
            raise ValueError(f"table {caption!r}: link column {column!r} is not a column of the table")
        values = [None if h is None or (not isinstance(h, str) and pd.isna(h)) or not str(h).strip() else str(h)
                  for h in hrefs]
        if len(values) != len(frame):
            raise ValueError(f"table {caption!r}: {len(values)} links for column {column!r}, "
                             f"but the table has {len(frame)} rows")
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
