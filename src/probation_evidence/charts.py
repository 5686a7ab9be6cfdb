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
#: WCAG 2.2 contrast for normal text (1.4.3, level AA). Charts are scaled to the reader's screen,
#: so all chart text is held to it, whatever its point size.
MIN_TEXT_CONTRAST = 4.5
#: Grey for secondary chart text (notes, annotations): 7.0:1 on white. The palette's grey
#: (#999999, 2.8:1) is for marks only, never for text.
MUTED_TEXT = "#595959"


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
    check_text_contrast(fig)


# --- Text contrast (WCAG 2.2 AA) ---------------------------------------------------------------

def relative_luminance(colour) -> float:
    """WCAG relative luminance of a matplotlib colour (alpha ignored)."""
    import numpy as np

    return float(_luminance(np.asarray(mpl.colors.to_rgb(colour))))


def _luminance(rgb):
    """Relative luminance of sRGB values in [0, 1] (last axis: R, G, B)."""
    import numpy as np

    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(foreground, background) -> float:
    """WCAG contrast ratio between two opaque colours, from 1 (none) to 21 (black on white)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def text_colour(colour, background="white", minimum: float = MIN_TEXT_CONTRAST) -> str:
    """The colour itself if text in it meets ``minimum`` contrast on ``background``, otherwise the
    same hue darkened (on a light background) or lightened (on a dark one) just enough."""
    import colorsys

    r, g, b = mpl.colors.to_rgb(colour)
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    darken = relative_luminance(background) > 0.18
    for step in range(101):
        lightness = light * (1 - step / 100) if darken else light + (1 - light) * step / 100
        candidate = colorsys.hls_to_rgb(hue, lightness, sat)
        if contrast_ratio(candidate, background) >= minimum:
            return mpl.colors.to_hex(candidate)
    return "#000000" if darken else "#ffffff"


#: The Okabe-Ito hues as text colours on white (for direct labels in a series' colour): each
#: meets MIN_TEXT_CONTRAST; several palette colours (orange, sky blue, yellow) are far below it.
TEXT_COLOURS = {name: text_colour(hexcode) for name, hexcode in OKABE_ITO.items()}


def _render_without_text(fig):
    """RGB pixels of the figure as drawn with every text's glyphs hidden (layout and text boxes
    kept), and the renderer whose coordinates match them."""
    import io

    import numpy as np
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text)]
    alphas = [t.get_alpha() for t in texts]
    try:
        for t in texts:
            t.set_alpha(0)
        try:
            fig.canvas.draw()
            pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255
        except AttributeError:  # a canvas without an Agg buffer
            buf = io.BytesIO()
            fig.savefig(buf, format="rgba", dpi=fig.dpi, bbox_inches=fig.bbox_inches)
            width, height = (int(round(v)) for v in fig.bbox.size)
            pixels = np.frombuffer(buf.getvalue(), np.uint8).reshape(height, width, 4)[..., :3] / 255
    finally:
        for t, alpha in zip(texts, alphas):
            t.set_alpha(alpha)
    return pixels, fig.canvas.get_renderer()


def text_contrast_problems(fig, minimum: float = MIN_TEXT_CONTRAST) -> list[str]:
    """Every visible text in ``fig`` whose contrast with what is drawn behind it is below ``minimum``.

    The background is measured, not assumed: the figure is drawn once without text, and each
    text's colour (with its alpha) is compared with the pixels under its box (axes or figure
    face, a bar, a shaded span, the text's own bbox). A text passes when at least 75% of those
    pixels give ``minimum`` or more (so a grid line or a data line crossing a label does not fail
    it, but a label half over a dark bar does). Parts outside the canvas (a source line below the
    axes) count as the figure's face colour.
    """
    import numpy as np
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    if not texts:
        return []
    pixels, renderer = _render_without_text(fig)
    height, width = pixels.shape[:2]
    face = np.asarray(mpl.colors.to_rgb(fig.get_facecolor()))
    problems = []
    for t in texts:
        box = t.get_window_extent(renderer)
        x0, x1 = int(np.floor(max(box.x0, 0))), int(np.ceil(min(box.x1, width)))
        y0, y1 = int(np.floor(max(height - box.y1, 0))), int(np.ceil(min(height - box.y0, height)))
        behind = pixels[y0:y1, x0:x1].reshape(-1, 3) if x1 > x0 and y1 > y0 else np.empty((0, 3))
        inside = behind.shape[0] / max(box.width * box.height, 1)
        if behind.shape[0] == 0 or inside < 0.95:
            behind = np.vstack([behind, face[None, :]])
        *rgb, alpha = mpl.colors.to_rgba(t.get_color(), t.get_alpha())
        shown = alpha * np.asarray(rgb) + (1 - alpha) * behind  # text blended over its background
        lf, lb = _luminance(shown), _luminance(behind)
        ratios = (np.maximum(lf, lb) + 0.05) / (np.minimum(lf, lb) + 0.05)
        achieved = float(np.quantile(ratios, 0.25))
        if achieved < minimum:
            label = t.get_text().strip().replace("\n", " ")
            label = label if len(label) <= 50 else label[:47] + "..."
            problems.append(f"text {label!r} in {mpl.colors.to_hex(t.get_color())} has contrast "
                            f"{achieved:.2f}:1 with its background (needs {minimum}:1)")
    return problems


def check_text_contrast(fig, minimum: float = MIN_TEXT_CONTRAST) -> None:
    """Raise ValueError naming every chart text below the WCAG contrast minimum."""
    problems = text_contrast_problems(fig, minimum)
    if problems:
        raise ValueError("chart text fails WCAG contrast: " + "; ".join(problems)
                         + " (use charts.MUTED_TEXT or charts.TEXT_COLOURS for text, or give it a bbox)")


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
