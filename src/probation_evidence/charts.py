"""The house chart style: colour-blind-safe palette, a title that states the finding,
labelled axes with units, a source line, PNG output that reads well in print, and the
plotted data saved as CSV beside the chart so a reader can download it.

Usage in a notebook::

    fig, ax = charts.new_figure()
    ...plot...
    charts.finish(fig, ax, title="Officer numbers rose by 7% in a year", xlabel="Quarter end",
                  ylabel="Full-time equivalent (FTE)", source="HMPPS workforce quarterly statistics")
    charts.save_data(frame, "fig-po-pso-fte")

Alt text and captions are set in the cell's metadata (``mystnb.image.alt`` and
``mystnb.figure.caption``) so that both the website and the PDF carry them.
"""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

#: Okabe & Ito (2008) palette: distinguishable with the common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple",
                                  "sky_blue", "yellow", "black")]
#: Ordered colours for the four inspection ratings (dark = worse), in rating order.
RATING_ORDER = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
RATING_COLOURS = {"Outstanding": OKABE_ITO["bluish_green"], "Good": OKABE_ITO["sky_blue"],
                  "Requires improvement": OKABE_ITO["orange"], "Inadequate": OKABE_ITO["vermillion"]}
DPI = 200
CHART_DATA_DIR = "chart-data"


def use_house_style() -> None:
    """Set matplotlib/seaborn defaults: PNG only, readable fonts, palette, light grid."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    mpl.rcParams.update({
        "figure.figsize": (8, 4.6), "figure.dpi": 110, "savefig.dpi": DPI, "savefig.bbox": "tight",
        "axes.titlesize": 12.5, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.labelsize": 10.5, "legend.fontsize": 9.5, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none",
    })
    try:  # inline backend in notebooks: PNG only (no SVG: the LaTeX builder cannot use it)
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("png")
        from IPython import get_ipython
        shell = get_ipython()
        if shell is not None:
            shell.run_line_magic("config", f"InlineBackend.rc = {{'figure.dpi': {DPI}}}")
    except Exception:  # noqa: BLE001 - outside IPython nothing to configure
        pass


def new_figure(width: float = 8, height: float = 4.6, **kwargs):
    """A figure and axes in the house style."""
    return plt.subplots(figsize=(width, height), **kwargs)


def wrap(text: str, width: int = 80) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width))


def finish(fig, ax, *, title: str, xlabel: str, ylabel: str, source: str, note: str | None = None,
           legend: bool = True) -> None:
    """Apply the title (the finding), axis labels with units, and the source line."""
    if not title or not source:
        raise ValueError("every chart needs a title stating the finding and a source line")
    if not xlabel and not ylabel:
        raise ValueError("label at least one axis with its unit")
    ax.set_title(wrap(title, 75), loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best")
    footer = f"Source: {source}"
    if note:
        footer += f"\nNote: {note}"
    fig.text(0.01, -0.02, wrap(footer, 115), ha="left", va="top", fontsize=8.5, color="#333333",
             transform=fig.transFigure)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")


def save_data(frame: pd.DataFrame, name: str, folder: str | Path | None = None) -> Path:
    """Write the plotted data as CSV next to the notebook (``chart-data/<name>.csv``).

    The notebook links it with ``{download}`` so the website offers it beside the chart.
    """
    folder = Path(folder) if folder is not None else Path(CHART_DATA_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug(name)}.csv"
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    if isinstance(out.index, pd.DatetimeIndex):
        out.index = out.index.strftime("%Y-%m-%d")
    out.to_csv(path, index=not isinstance(out.index, pd.RangeIndex), lineterminator="\n", float_format="%.6g")
    return path


def quarter_label(ts) -> str:
    """'June 2025' for a quarter-end date."""
    return pd.Timestamp(ts).strftime("%B %Y")
