"""The house chart style: colour-blind-safe palette, a title that states the finding,
labelled axes with units, a source line, PNG output that reads well in print, and the
plotted data saved as CSV beside the chart so a reader can download it.

Usage in a notebook::

    fig, ax = charts.new_figure()
    ...plot...
    charts.finish(fig, ax, title="Officer numbers rose by 7% in a year", xlabel="Quarter end",
                  ylabel="Full-time equivalent (FTE)", source="HMPPS workforce quarterly statistics")
    charts.save_data(frame, "fig-po-pso-fte")

Figure functions (``probation_evidence.figures``) return a :class:`Figure`, whose title,
alt text and caption are computed from the data and which renders as a numbered MyST
figure in both the website and the PDF; see the class for the mechanism. The checks in
the second half of this module (overlapping labels, broken series, percentages without
their n) run on every such figure.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

from .standards import MIN_TEXT_CONTRAST  # WCAG 2.2 AA text contrast, 4.5:1

#: Okabe & Ito (2008) palette: distinguishable with the common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
PALETTE = [
    OKABE_ITO[k]
    for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "yellow", "black")
]
#: Ordered colours for the four inspection ratings (dark = worse), in rating order.
RATING_ORDER = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
RATING_COLOURS = {
    "Outstanding": OKABE_ITO["bluish_green"],
    "Good": OKABE_ITO["sky_blue"],
    "Requires improvement": OKABE_ITO["orange"],
    "Inadequate": OKABE_ITO["vermillion"],
}
#: Chart images: 150 dots per inch gives 1,200-1,700 px across (sharp on screens up to 2x at the page's
#: width) and over 200 dpi at the PDF's text width.
DPI = 150
CHART_DATA_DIR = "chart-data"
#: Grey for secondary chart text (notes, annotations): 7.0:1 on white. The palette's grey
#: (#999999, 2.8:1) is for marks only, never for text.
MUTED_TEXT = "#595959"


def use_house_style() -> None:
    """Set matplotlib/seaborn defaults: PNG only, readable fonts, palette, light grid."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    mpl.rcParams.update(
        {
            "figure.figsize": (8, 4.6),
            "figure.dpi": 110,
            "savefig.dpi": DPI,
            "savefig.bbox": "tight",
            "axes.titlesize": 12.5,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10.5,
            "legend.fontsize": 9.5,
            "legend.frameon": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.fonttype": "none",
        }
    )
    try:  # inline backend in notebooks: PNG only (no SVG: the LaTeX builder cannot use it)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            shell.run_line_magic("config", f"InlineBackend.rc = {{'figure.dpi': {DPI}}}")
            # figures shown with plt.show() are opaque too: RGB, like Figure.png_bytes (see opaque_png)
            from IPython.core.pylabtools import print_figure
            from matplotlib.figure import Figure as MplFigure

            shell.display_formatter.formatters["image/png"].for_type(
                MplFigure, lambda fig: opaque_png(print_figure(fig, "png", bbox_inches="tight"))
            )
    except Exception:  # noqa: BLE001 - outside IPython nothing to configure
        pass


def new_figure(width: float = 8, height: float = 4.6, **kwargs):
    """A figure and axes in the house style."""
    return plt.subplots(figsize=(width, height), **kwargs)


def wrap(text: str, width: int = 80) -> str:
    """Wrap each line of ``text`` to ``width`` characters (existing line breaks are kept)."""
    import textwrap

    return "\n".join("\n".join(textwrap.wrap(line, width)) for line in text.split("\n"))


def finish(
    fig, ax, *, title: str, xlabel: str, ylabel: str, source: str, note: str | None = None, legend: bool = True
) -> None:
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
    source_line(fig, footer)
    # Legibility and text contrast are checked when the finished chart is saved for the book
    # (Figure.save), after anything a figure function adds below the title and axes.


def source_line(fig, text: str, *, width: int = 115, fontsize: float = 8.5) -> None:
    """The source line (and any note) under a chart, left-aligned below the figure's bottom edge."""
    fig.text(0.01, -0.02, wrap(text, width), ha="left", va="top", fontsize=fontsize, color="#333333")


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


def _draw_nothing(*args, **kwargs) -> None:
    return None


def _render_without_text(fig):
    """RGB pixels of the figure as drawn with every text's glyphs hidden (layout and text boxes
    kept), and the renderer whose coordinates match them."""
    import io

    import numpy as np
    from matplotlib.text import Text

    texts = list(fig.findobj(Text))
    alphas = [t.get_alpha() for t in texts]
    try:
        for t in texts:
            t.set_alpha(0)
        try:
            renderer = fig.canvas.get_renderer()  # the one the draw below uses (same size and dpi)
            # Invisible glyphs need not be rasterised: texts are still laid out (their boxes and
            # bbox patches drawn), only the renderer's glyph drawing is skipped for this draw.
            renderer.draw_text = _draw_nothing
            try:
                fig.canvas.draw()
            finally:
                del renderer.draw_text
            pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255
        except AttributeError:  # a canvas without an Agg buffer
            buf = io.BytesIO()
            fig.savefig(buf, format="rgba", dpi=fig.dpi, bbox_inches=fig.bbox_inches)
            width, height = (round(v) for v in fig.bbox.size)
            pixels = np.frombuffer(buf.getvalue(), np.uint8).reshape(height, width, 4)[..., :3] / 255
    finally:
        for t, alpha in zip(texts, alphas, strict=True):
            t.set_alpha(alpha)
    return pixels, fig.canvas.get_renderer()


def text_contrast_problems(fig, minimum: float = MIN_TEXT_CONTRAST, drawn=None) -> list[str]:
    """Every visible text in ``fig`` whose contrast with what is drawn behind it is below ``minimum``.

    The background is measured, not assumed: the figure is drawn once without text, and each
    text's colour (with its alpha) is compared with the pixels under its box (axes or figure
    face, a bar, a shaded span, the text's own bbox). A text passes when at least 75% of those
    pixels give ``minimum`` or more (so a grid line or a data line crossing a label does not fail
    it, but a label half over a dark bar does). Parts outside the canvas (a source line below the
    axes) count as the figure's face colour. ``drawn``: the result of ``_render_without_text(fig)``
    for the figure as it is now (drawn here when omitted).
    """
    import numpy as np
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    if not texts:
        return []
    pixels, renderer = drawn if drawn is not None else _render_without_text(fig)
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
            problems.append(
                f"text {label!r} in {mpl.colors.to_hex(t.get_color())} has contrast "
                f"{achieved:.2f}:1 with its background (needs {minimum}:1)"
            )
    return problems


def check_text_contrast(fig, minimum: float = MIN_TEXT_CONTRAST) -> None:
    """Raise ValueError naming every chart text below the WCAG contrast minimum."""
    problems = text_contrast_problems(fig, minimum)
    if problems:
        raise ValueError("chart text fails WCAG contrast: " + "; ".join(problems) + CONTRAST_ADVICE)


CONTRAST_ADVICE = " (use charts.MUTED_TEXT or charts.TEXT_COLOURS for text, or give it a bbox)"


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
    text = out.to_csv(index=not isinstance(out.index, pd.RangeIndex), lineterminator="\n", float_format="%.6g")
    _replace_file(path, text.encode("utf-8"))
    return path


def _replace_file(path: Path, content: bytes) -> None:
    """Write ``path`` through a temporary file and a rename, so that a build reading the chart files
    while a notebook runs (nbval beside the build) sees the old file or the new, never half of one."""
    import os

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def quarter_label(ts) -> str:
    """'June 2025' for a quarter-end date."""
    return pd.Timestamp(ts).strftime("%B %Y")


# =====================================================================================
# Legibility checks: tick labels must not overlap, the legend must not cover data, and
# text placed on the axes must not collide. Run by Figure.save() on every figure, and by
# the tests on every figure function.
# =====================================================================================
#: Artists given this gid (with :func:`decoration`) are background marks - shading,
#: reference lines spanning the axes - that a legend may sit on.
DECORATION_GID = "pe-decoration"


class ChartLegibilityError(ValueError):
    """A chart has overlapping labels or a legend over its data."""


def decoration(*artists):
    """Mark background artists (shaded periods, full-height reference lines) so the legend check ignores them."""
    for artist in artists:
        artist.set_gid(DECORATION_GID)
    return artists[0] if len(artists) == 1 else artists


def _visible_texts(texts) -> list:
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


#: Boxes may touch by this much (a third of a point, half a pixel at 110 dpi) without counting as overlapping.
OVERLAP_TOLERANCE_PT = 0.33


def _overlaps(a, b, pad: float = 0.0) -> bool:
    return a.x0 < b.x1 - pad and b.x0 < a.x1 - pad and a.y0 < b.y1 - pad and b.y0 < a.y1 - pad


def _pairwise(texts, renderer, what: str) -> list[str]:
    problems = []
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            (ta, a), (tb, b) = boxes[i], boxes[j]
            if _overlaps(a, b, pad=renderer.points_to_pixels(OVERLAP_TOLERANCE_PT)):
                problems.append(f"{what}: {ta.get_text()!r} overlaps {tb.get_text()!r}")
    return problems


def _data_artists(ax):
    for line in ax.lines:
        if line.get_visible() and line.get_gid() != DECORATION_GID:
            yield line
    for patch in ax.patches:
        if patch.get_visible() and patch.get_gid() != DECORATION_GID:
            yield patch
    for coll in ax.collections:
        if coll.get_visible() and coll.get_gid() != DECORATION_GID:
            yield coll


def _covers(box, artist, ax) -> bool:
    """Whether the display-space box covers part of a data artist (line, marker, bar, point)."""
    import numpy as np
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(artist.get_xydata())
        xy = xy[np.isfinite(xy).all(axis=1)] if len(xy) else xy
        if len(xy) == 0:
            return False
        inside = (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)
        if inside.any():
            return True
        if artist.get_linestyle() in ("None", "", " ", "none") or len(xy) < 2:
            return False
        from matplotlib.path import Path as MPath

        return MPath(xy).intersects_bbox(box, filled=False)
    if isinstance(artist, Patch):
        ext = artist.get_window_extent()
        return ext.width > 0 and ext.height > 0 and _overlaps(ext, box)
    if isinstance(artist, Collection):
        offsets = artist.get_offsets()
        if len(offsets):
            xy = artist.get_offset_transform().transform(offsets)
            return bool(
                ((xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)).any()
            )
    return False


def legibility_problems(fig, renderer=None) -> list[str]:
    """What makes a drawn figure hard to read, as a list of messages (empty when legible).

    Checks, per axes: tick labels overlapping each other (x and y separately); the legend
    covering any plotted line, marker, bar or point (artists marked with :func:`decoration`
    are ignored); texts placed on the axes (annotations, labels) overlapping each other.
    ``renderer``: that of a draw of the figure as it is now (the figure is drawn when omitted).
    """
    if renderer is None:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
    problems: list[str] = []
    for n, ax in enumerate(fig.axes, start=1):
        if not ax.get_visible():
            continue
        where = f"axes {n}" + (f" ({ax.get_title()[:40]!r})" if ax.get_title() else "")
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            labels = _visible_texts(axis.get_ticklabels(which="both"))
            problems += _pairwise(labels, renderer, f"{where}: {name}-axis tick labels")
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            box = legend.get_window_extent(renderer)
            for artist in _data_artists(ax):
                if _covers(box, artist, ax):
                    label = artist.get_label()
                    shown = label if not label.startswith("_") else type(artist).__name__
                    problems.append(f"{where}: the legend covers plotted data ({shown})")
                    break
        problems += _pairwise(_visible_texts(ax.texts), renderer, f"{where}: text on the chart")
    return problems


def check_legible(fig) -> None:
    """Raise :class:`ChartLegibilityError` listing every legibility problem of ``fig``."""
    problems = legibility_problems(fig)
    if problems:
        raise ChartLegibilityError("chart is not legible:\n  " + "\n  ".join(problems))


# =====================================================================================
# Broken series: a line never joins two definitions, or two points more than a quarter apart.
# =====================================================================================
def segments(values: pd.Series, definitions: pd.Series | None = None, max_gap_quarters: int = 1) -> list[pd.Series]:
    """Split a date-indexed series into the runs a line may join.

    A new run starts where ``definitions`` (same index) changes or where two consecutive
    points are more than ``max_gap_quarters`` quarters apart. Missing values are dropped
    first. A run of one point is drawn as a marker alone.
    """
    s = values.dropna().sort_index()
    runs: list[list] = []
    prev = None
    for d in s.index:
        new = prev is None
        if prev is not None:
            gap = (pd.Timestamp(d).to_period("Q") - pd.Timestamp(prev).to_period("Q")).n
            changed = definitions is not None and definitions.loc[d] != definitions.loc[prev]
            new = gap > max_gap_quarters or changed
        if new:
            runs.append([])
        runs[-1].append(d)
        prev = d
    return [s.loc[r] for r in runs]


def plot_segments(
    ax,
    values: pd.Series,
    definitions: pd.Series | None = None,
    *,
    label: str | None = None,
    max_gap_quarters: int = 1,
    **style,
) -> list:
    """Plot a series as separate line runs (see :func:`segments`); the label goes on the first run only."""
    style.setdefault("marker", "o")
    drawn = []
    for i, run in enumerate(segments(values, definitions, max_gap_quarters)):
        drawn += ax.plot(run.index, run.values, label=label if i == 0 else None, **style)
    return drawn


# =====================================================================================
# Time axes whose ticks fall on quarter ends.
# =====================================================================================
def quarter_axis(ax, start, end, max_labels: int = 7, fmt: str = "%b %Y") -> list[pd.Timestamp]:
    """Ticks at quarter ends between ``start`` and ``end``: a minor tick every quarter and a
    labelled tick every 1, 2 or 4 quarters (or every few years on long spans), so no more than
    ``max_labels`` labels show. Returns the labelled dates."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator

    periods = pd.period_range(pd.Timestamp(start).to_period("Q"), pd.Timestamp(end).to_period("Q"), freq="Q")
    quarters = [p.to_timestamp(how="end").normalize() for p in periods]
    step = 1
    for step in (1, 2, 4, 8, 12, 16, 20, 40):
        if len(quarters[::step]) <= max_labels:
            break
    last = quarters[-1].to_period("Q")
    # anchor the labelled ticks on the latest quarter so the newest figure is always labelled
    labelled = [q for q in quarters if ((last - q.to_period("Q")).n % step) == 0]
    ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(labelled)))
    ax.xaxis.set_minor_locator(FixedLocator(mdates.date2num(quarters)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt))
    return labelled


# =====================================================================================
# Titles: a percentage that is a share carries its n.
# =====================================================================================
_PCT = re.compile(r"(?P<sign>[+\u2212-])?(?P<num>\d+(?:\.\d+)?)%")
_CHANGE_WORDS = (
    "rose",
    "fell",
    "risen",
    "fallen",
    "up",
    "down",
    "by",
    "grew",
    "grown",
    "increase",
    "increased",
    "decrease",
    "decreased",
    "rise",
    "fall",
    "change",
    "changed",
    "eased",
    "dropped",
    "higher",
    "lower",
    "peak",
    "peaked",
    "to",
    "at",
    "from",
    "was",
    "were",
    "is",
    "are",
    "stood",
)
_HAS_N = re.compile(r"\bn\s*=\s*[\d,]+|\b[\d,]+\s+of\s+(?:the\s+)?[\d,]+\b")


def title_problems(title: str) -> list[str]:
    """Percentages in a title that are shares without their n.

    A percentage is accepted when it is signed (+7.0%), follows a word of change or level
    ("rose 7%", "fell to 6.3%", "at 120%"), or when the title states a count ("n = 42" or
    "5 of 7"). Everything else reads as a share and needs its n.
    """
    problems: list[str] = []
    if _HAS_N.search(title):
        return problems
    for m in _PCT.finditer(title):
        if m.group("sign"):
            continue
        before = title[: m.start()].split()
        if before and before[-1].lower().strip(",;:(") in _CHANGE_WORDS:
            continue
        problems.append(f"title gives {m.group(0)} without its n (write 'k of n' or 'n = N'): {title!r}")
    return problems


# =====================================================================================
# Figure output: one object per chart that carries its plotted data, title, source line,
# alt text and caption - all computed from data by the figure function - and renders as a
# numbered MyST figure in both the website and the PDF.
# =====================================================================================
def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>|#$])", r"\\\1", " ".join(str(text).split()))


def opaque_png(png: bytes) -> bytes:
    """The PNG without its alpha channel when every pixel is opaque (the house style's figures are).

    Matplotlib writes RGBA. pdflatex must split an alpha channel into a soft mask on every pass,
    which roughly trebles the PDF's compile time; an RGB image is embedded as it is. A PNG with any
    transparent pixel is returned unchanged, so nothing drawn is lost."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        if image.mode != "RGBA" or image.getchannel("A").getextrema() != (255, 255):
            return png
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


@contextmanager
def _at_dpi(fig, dpi: float):
    """Draw ``fig`` at ``dpi`` inside the block (its size in inches is unchanged)."""
    before = fig.dpi
    fig.dpi = dpi
    try:
        yield fig
    finally:
        fig.dpi = before


def _png_after_draw(fig, renderer) -> bytes:
    """The chart as an opaque PNG at :data:`DPI`, cut to its contents as ``bbox_inches="tight"`` cuts
    it, from a figure just drawn at that resolution by ``renderer``.

    The drawn layout gives the bounds, so the image is drawn once more, not twice (a tight bounding
    box otherwise costs a draw of its own), and it is written as RGB directly (see :func:`opaque_png`)."""
    import io

    import numpy as np
    from PIL import Image

    bbox = fig.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI, bbox_inches=bbox)
    width, height = int(bbox.width * DPI), int(bbox.height * DPI)  # the Agg canvas truncates its size
    data = raw.getvalue()
    if len(data) != 4 * width * height:  # not the size the canvas is known to use: let matplotlib write it
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
        return opaque_png(buf.getvalue())
    pixels = np.frombuffer(data, np.uint8).reshape(height, width, 4)
    opaque = bool((pixels[..., 3] == 255).all())
    image = Image.fromarray(np.ascontiguousarray(pixels[..., :3]) if opaque else pixels, "RGB" if opaque else "RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class Figure:
    """A finished chart, ready for the book.

    Build one at the end of a figure function (see ``probation_evidence.figures``)::

        return charts.Figure("fig-po-pso-fte", fig, plotted, title=title, source=source,
                             units="FTE", alt=alt, caption=caption)

    and show it in a notebook cell with ``.show()``. Showing it

    1. checks it (non-empty title, source, units, alt text and caption; a name usable as a
       label; no share in the title without its n; no overlapping labels and no legend over
       the data: :func:`check_legible`);
    2. writes the PNG and the plotted data as CSV beside the notebook
       (``chart-data/<name>.png`` and ``.csv``);
    3. displays a ``text/markdown`` output holding a MyST ``{figure}`` directive - image,
       ``:name:`` label, ``:alt:`` text and caption - followed by the data download link.

    With ``nb_render_markdown_format: myst``, myst-nb parses that output as part of the page,
    so Sphinx numbers the figure (Fig. 2.1), ``{numref}`` and ``{ref}`` to its name work from
    any page, the website gets the alt text and the PDF the caption. The same output also
    carries ``image/png`` (for Jupyter) and a one-line ``text/plain`` summary (what nbval
    compares); the book's configuration ranks ``text/markdown`` above ``image/png``.
    """

    def __init__(
        self,
        name: str,
        figure,
        data: pd.DataFrame,
        *,
        title: str,
        source: str,
        units: str,
        alt: str,
        caption: str,
        folder: str | Path | None = None,
    ):
        self.name = name
        self.figure = figure
        self.data = data
        self.title = title
        self.source = source
        self.units = units
        self.alt = " ".join(str(alt).split())
        self.caption = " ".join(str(caption).split())
        self.folder = Path(folder) if folder is not None else Path(CHART_DATA_DIR)
        self._png: bytes | None = None
        problems = self.problems(check_drawing=False)
        if problems:
            raise ValueError(f"figure {name!r}: " + "; ".join(problems))

    def problems(self, check_drawing: bool = True) -> list[str]:
        """Everything missing or wrong with this figure (empty when ready for the book)."""
        out = []
        if slug(self.name) != self.name or not self.name.startswith("fig-"):
            out.append(f"name {self.name!r} must be a lower-case label starting 'fig-'")
        for attr in ("title", "source", "units", "alt", "caption"):
            if not str(getattr(self, attr) or "").strip():
                out.append(f"no {attr}")
        if self.data is None or len(self.data) == 0:
            out.append("no plotted data")
        out += title_problems(self.title)
        if check_drawing:
            out += legibility_problems(self.figure)
        return out

    # -- files
    def png_bytes(self) -> bytes:
        if self._png is None:
            with _at_dpi(self.figure, DPI):
                self.figure.canvas.draw()
                self._png = _png_after_draw(self.figure, self.figure.canvas.get_renderer())
        return self._png

    def save(self, folder: str | Path | None = None) -> tuple[Path, Path]:
        """Check legibility and text contrast, then write ``<name>.png`` and ``<name>.csv``; return their paths.

        Two draws at the image's resolution: one without the texts' glyphs serves both checks and
        the image's bounds, the other is the image."""
        with _at_dpi(self.figure, DPI):
            drawn = _render_without_text(self.figure)  # texts keep their layout, only their glyphs are hidden
            problems = legibility_problems(self.figure, renderer=drawn[1])
            if problems:
                raise ChartLegibilityError("chart is not legible:\n  " + "\n  ".join(problems))
            contrast = text_contrast_problems(self.figure, drawn=drawn)
            if contrast:
                raise ValueError("chart text fails WCAG contrast: " + "; ".join(contrast) + CONTRAST_ADVICE)
            self._png = _png_after_draw(self.figure, drawn[1])
        folder = Path(folder) if folder is not None else self.folder
        folder.mkdir(parents=True, exist_ok=True)
        png = folder / f"{self.name}.png"
        _replace_file(png, self.png_bytes())
        csv = save_data(self.data, self.name, folder)
        return png, csv

    def show(self, folder: str | Path | None = None) -> None:
        """Save, close the matplotlib figure (so it is not drawn twice) and display the book figure."""
        from IPython.display import display

        self.save(folder)
        plt.close(self.figure)
        display(self)

    # -- representations
    def markdown(self) -> str:
        """The MyST figure directive and the data download link."""
        import json

        rel = f"{CHART_DATA_DIR}/{self.name}"
        # Options as a YAML block with a JSON-quoted alt text: colons, quotes and '#' in the text stay intact.
        return (
            f":::{{figure}} {rel}.png\n---\nname: {self.name}\nalt: {json.dumps(self.alt, ensure_ascii=False)}\n"
            f"---\n{_md_escape(self.caption)}\n:::\n\n"
            f"Data for this chart: {{download}}`{self.name}.csv <{rel}.csv>`.\n"
        )

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_png_(self) -> bytes:
        return self.png_bytes()

    def __repr__(self) -> str:
        return f"Figure {self.name}: {self.title}"
