"""The chart helpers: the legibility check fails on overlapping charts, series break where they
should, time axes tick at quarter ends, titles give shares with their n, and a Figure renders
as a numbered MyST figure with its alt text, caption and data."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from probation_evidence import charts


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ------------------------------------------------------------------ legibility
def test_overlapping_tick_labels_fail():
    fig, ax = plt.subplots(figsize=(4, 3))
    labels = [f"A rather long category name {i}" for i in range(12)]
    ax.bar(labels, range(12))
    problems = charts.legibility_problems(fig)
    assert any("x-axis tick labels" in p for p in problems)
    with pytest.raises(charts.ChartLegibilityError):
        charts.check_legible(fig)
    ax.tick_params(axis="x", labelrotation=90)  # the same chart, made legible
    fig.set_size_inches(6, 8)
    assert not [p for p in charts.legibility_problems(fig) if "tick labels" in p]


def test_legend_over_data_fails_and_clear_legend_passes():
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(range(10), [5] * 10, label="flat line through the middle")
    ax.set_ylim(0, 10)
    ax.legend(loc="center")
    assert any("legend covers plotted data" in p for p in charts.legibility_problems(fig))
    ax.legend(loc="lower right")
    assert charts.legibility_problems(fig) == []


def test_legend_over_bars_fails():
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(["a", "b", "c"], [9, 9, 9], label="tall bars")
    ax.legend(loc="upper center")
    assert any("legend covers" in p for p in charts.legibility_problems(fig))


def test_decorations_may_sit_under_the_legend():
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(range(10), range(10), label="rising line")
    shade = ax.axvspan(0, 3, color="#eeeeee", zorder=0)
    ax.legend(loc="upper left")
    assert any("legend covers" in p for p in charts.legibility_problems(fig))  # an unmarked patch counts as data
    charts.decoration(shade)
    assert charts.legibility_problems(fig) == []


def test_colliding_annotations_fail():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.annotate("first label", (0.5, 0.5))
    ax.annotate("second label", (0.52, 0.5))
    assert any("text on the chart" in p for p in charts.legibility_problems(fig))


# ------------------------------------------------------------------ segments
def test_segments_break_at_definitions_and_gaps():
    dates = pd.to_datetime(["2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31", "2022-06-30", "2022-09-30"])
    values = pd.Series([1.0, 2, 3, 4, 5, 6], index=dates)
    defs = pd.Series(["nps", "nps", "unified", "unified", "unified", "unified"], index=dates)
    runs = charts.segments(values, defs)
    assert [len(r) for r in runs] == [2, 2, 2]
    assert runs[1].index[0] == pd.Timestamp("2021-09-30")
    assert [len(r) for r in charts.segments(values)] == [4, 2]  # only the gap
    annual = pd.Series([1.0, 2, 3], index=pd.to_datetime(["2015-03-31", "2016-03-31", "2018-03-31"]))
    assert [len(r) for r in charts.segments(annual)] == [1, 1, 1]
    assert [len(r) for r in charts.segments(annual, max_gap_quarters=4)] == [2, 1]


def test_plot_segments_draws_one_line_per_run_with_one_label():
    _fig, ax = plt.subplots()
    values = pd.Series([1.0, 2, 3], index=pd.to_datetime(["2021-03-31", "2021-06-30", "2022-03-31"]))
    lines = charts.plot_segments(ax, values, label="series")
    assert len(lines) == 2
    assert lines[0].get_label() == "series" and lines[1].get_label().startswith("_")


# ------------------------------------------------------------------ quarter axis
def test_quarter_axis_ticks_fall_on_quarter_ends():
    fig, ax = plt.subplots(figsize=(8, 4))
    start, end = pd.Timestamp("2021-09-30"), pd.Timestamp("2025-06-30")
    ax.plot([start, end], [1, 2])
    labelled = charts.quarter_axis(ax, start, end, max_labels=7)
    assert len(labelled) <= 7 and labelled[-1] == end
    for d in labelled:
        assert d == d + pd.offsets.QuarterEnd(0)
    ticks = [mdates.num2date(t).date() for t in ax.xaxis.get_majorticklocs()]
    assert all(pd.Timestamp(t).month in (3, 6, 9, 12) for t in ticks)
    assert charts.legibility_problems(fig) == []


# ------------------------------------------------------------------ titles
@pytest.mark.parametrize(
    "title, ok",
    [
        ("100% of case-work ratings are Inadequate", False),
        ("71% of regions are rated Inadequate", False),
        ("5 of 7 (71%) inspections in the region were rated Inadequate", True),
        ("Ratings (n = 42): 100% Inadequate", True),
        ("Officer numbers rose 7.0% in a year", True),
        ("PSO numbers changed by -11.8% (+2.0% on the quarter)", True),
        ("Leaving rates were 6.3% in the year to June 2025", True),
    ],
)
def test_title_percentages_need_their_n(title, ok):
    assert (charts.title_problems(title) == []) is ok


def test_wrap_keeps_line_breaks():
    assert charts.wrap("first line\nsecond line", 80) == "first line\nsecond line"


# ------------------------------------------------------------------ Figure
def _figure(**over):
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([1, 2, 3], [1, 2, 3], label="x")
    ax.legend(loc="lower right")
    kw = dict(
        title="A title stating a finding",
        source="A source",
        units="FTE",
        alt='Alt text: with a colon, "quotes" and # hash',
        caption="Caption {braces} and *stars*",
    )
    kw.update(over)
    return charts.Figure(
        over.pop("name", "fig-test"),
        fig,
        pd.DataFrame({"x": [1, 2, 3]}),
        **{k: v for k, v in kw.items() if k != "name"},
    )


def test_figure_requires_its_parts():
    for missing in ("title", "source", "units", "alt", "caption"):
        with pytest.raises(ValueError, match=f"no {missing}"):
            _figure(**{missing: " "})
    with pytest.raises(ValueError, match="must be a lower-case label"):
        _figure(name="Figure 1")
    with pytest.raises(ValueError, match="without its n"):
        _figure(title="90% of PDUs fall short")


def test_figure_markdown_is_a_numbered_myst_figure(tmp_path):
    f = _figure()
    md = f.markdown()
    assert md.startswith(":::{figure} chart-data/fig-test.png\n---\nname: fig-test\n")
    alt_line = next(line for line in md.splitlines() if line.startswith("alt: "))
    assert json.loads(alt_line[len("alt: ") :]) == f.alt  # quoted: colons and '#' survive
    assert r"Caption \{braces\} and \*stars\*" in md
    assert "{download}`fig-test.csv <chart-data/fig-test.csv>`" in md
    assert repr(f) == "Figure fig-test: A title stating a finding"
    png, csv = f.save(tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and csv.read_text().startswith("x\n")


def test_figure_save_refuses_an_illegible_chart(tmp_path):
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(range(10), [5] * 10, label="line")
    ax.set_ylim(0, 10)
    ax.legend(loc="center")
    f = charts.Figure("fig-bad", fig, pd.DataFrame({"x": [1]}), title="t", source="s", units="u", alt="a", caption="c")
    with pytest.raises(charts.ChartLegibilityError):
        f.save(tmp_path)
    assert not (tmp_path / "fig-bad.png").exists()


def test_figure_save_refuses_low_contrast_text_and_agrees_with_the_separate_checks(tmp_path):
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(range(10), range(10))
    ax.text(2, 6, "pale note", color="#bbbbbb")
    f = charts.Figure("fig-pale", fig, pd.DataFrame({"x": [1]}), title="t", source="s", units="u", alt="a", caption="c")
    assert charts.legibility_problems(fig) == []
    assert any("'pale note'" in p for p in charts.text_contrast_problems(fig))
    with pytest.raises(ValueError, match="pale note"):
        f.save(tmp_path)
    assert not (tmp_path / "fig-pale.png").exists()
    ax.texts[0].set_color("#222222")
    png, _ = f.save(tmp_path)
    assert png.exists()


# ------------------------------------------------------------------ PNG output
def _png_mode_and_pixels(png: bytes):
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.mode, image.convert("RGBA").tobytes()


def test_opaque_png_drops_alpha_and_keeps_every_pixel():
    import io

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1, 2], [1, 0, 2], color="#D55E00")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    mode_before, pixels_before = _png_mode_and_pixels(buf.getvalue())
    mode_after, pixels_after = _png_mode_and_pixels(charts.opaque_png(buf.getvalue()))
    assert (mode_before, mode_after) == ("RGBA", "RGB")
    assert pixels_after == pixels_before


def test_png_with_transparency_is_left_as_it_is():
    import io

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50, transparent=True)
    assert charts.opaque_png(buf.getvalue()) == buf.getvalue()


def _finished_chart():
    fig, ax = charts.new_figure(6, 3.5)
    ax.plot([0, 1, 2, 3], [3, 1, 4, 2], color=charts.OKABE_ITO["blue"], label="Officers")
    ax.bar([0.5, 2.5], [1, 2], color=charts.OKABE_ITO["orange"], label="Leavers")
    charts.finish(fig, ax, title="A title that states the finding", xlabel="Quarter", ylabel="FTE", source="Test data")
    return fig


def test_saved_png_is_matplotlibs_tight_png_as_rgb_and_the_figure_keeps_its_dpi(tmp_path):
    """Save draws twice and cuts the image to the bounds of its first draw; the result must be
    exactly what matplotlib's own ``bbox_inches="tight"`` writes (the source line sits below the
    axes, outside the canvas), without the alpha channel, and the figure's own dpi is left alone."""
    import io

    fig = _finished_chart()
    dpi_before = fig.dpi
    f = charts.Figure("fig-x", fig, pd.DataFrame({"x": [1]}), title="t", source="s", units="u", alt="a", caption="c")
    png, _ = f.save(tmp_path)
    assert fig.dpi == dpi_before
    reference = io.BytesIO()
    fig.savefig(reference, format="png", dpi=charts.DPI, bbox_inches="tight")
    ref_mode, ref_pixels = _png_mode_and_pixels(reference.getvalue())
    mode, pixels = _png_mode_and_pixels(png.read_bytes())
    assert (ref_mode, mode) == ("RGBA", "RGB")
    assert pixels == ref_pixels
    assert f.png_bytes() == png.read_bytes()


def test_drawing_without_glyphs_gives_the_pixels_of_fully_transparent_text():
    """The contrast check's draw skips rasterising glyphs; the pixels must be those of a draw with
    every text at alpha 0 (the text boxes and bbox patches are still drawn)."""
    import numpy as np
    from matplotlib.text import Text

    fig = _finished_chart()
    fig.axes[0].text(1, 3, "boxed", bbox={"facecolor": "#dddddd"})
    pixels, _ = charts._render_without_text(fig)
    texts = list(fig.findobj(Text))
    for t in texts:
        t.set_alpha(0)
    fig.canvas.draw()
    reference = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255
    assert pixels.shape == reference.shape and (pixels == reference).all()
    for t in texts:
        t.set_alpha(None)
    fig.canvas.draw()
    with_text = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255
    assert (with_text != pixels).any()  # the glyphs are drawn again afterwards


def test_a_chart_with_transparent_pixels_is_saved_with_its_alpha_channel(tmp_path):
    fig = _finished_chart()
    fig.patch.set_alpha(0.5)
    f = charts.Figure("fig-t", fig, pd.DataFrame({"x": [1]}), title="t", source="s", units="u", alt="a", caption="c")
    png, _ = f.save(tmp_path)
    assert _png_mode_and_pixels(png.read_bytes())[0] == "RGBA"


def test_every_book_figure_is_shown_in_a_notebook():
    """Each figure function is shown (``.show()``: saved, which draws it and checks legibility and
    text contrast) by a chapter notebook, so nbval draws and checks every figure on the live data
    (the figure tests of the chapters check everything else without drawing)."""
    import json
    import re

    from conftest import ROOT
    from probation_evidence import figures

    code = "\n".join(
        "".join(cell["source"])
        for nb in sorted((ROOT / "notebooks").glob("*.ipynb"))
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
    )
    makers = [(m, f.__name__) for m in ("caseloads", "staffing", "inspections") for f in getattr(figures, m).ALL]
    makers.append(("inspections", "region_funnels"))  # one figure per framework
    for module, name in makers:
        call = rf"figures\.{module}\.{name}\([^()\n]*\)"
        shown = re.search(rf"{call}\.show\(\)", code) or re.search(rf"for (\w+) in {call}:\n\s+\1\.show\(\)", code)
        assert shown, f"figures.{module}.{name} is not shown in any notebook"
