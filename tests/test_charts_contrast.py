"""Chart text meets WCAG 2.2 AA contrast (4.5:1): the arithmetic, the text colours the house
style offers, and the check that ``Figure.save`` runs on every book chart before it is written."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from probation_evidence import charts


@pytest.fixture(autouse=True)
def house_style():
    charts.use_house_style()
    yield
    plt.close("all")


def finish_args(**overrides):
    args = dict(title="Officer numbers rose", xlabel="Quarter end", ylabel="FTE", source="HMPPS workforce statistics")
    args.update(overrides)
    return args


def test_contrast_ratio_matches_wcag_reference_values():
    assert charts.contrast_ratio("black", "white") == pytest.approx(21.0)
    assert charts.contrast_ratio("white", "white") == pytest.approx(1.0)
    assert charts.contrast_ratio("white", "black") == charts.contrast_ratio("black", "white")
    # the usual boundary pair: #767676 is the lightest grey that passes 4.5:1 on white, #777777 fails
    assert charts.contrast_ratio("#767676", "white") == pytest.approx(4.54, abs=0.01)
    assert charts.contrast_ratio("#777777", "white") == pytest.approx(4.48, abs=0.01)
    assert charts.contrast_ratio("#999999", "white") < charts.MIN_TEXT_CONTRAST


def test_text_colours_meet_the_minimum_and_keep_colours_that_already_do():
    for name, colour in charts.TEXT_COLOURS.items():
        assert charts.contrast_ratio(colour, "white") >= charts.MIN_TEXT_CONTRAST, name
    assert charts.TEXT_COLOURS["blue"] == charts.OKABE_ITO["blue"].lower()  # 5.2:1 already
    assert charts.TEXT_COLOURS["orange"] != charts.OKABE_ITO["orange"].lower()  # 2.2:1 as it is
    assert charts.contrast_ratio(charts.MUTED_TEXT, "white") >= 7
    # on a dark background the colour is lightened instead
    light = charts.text_colour(charts.OKABE_ITO["blue"], background="#222222")
    assert charts.contrast_ratio(light, "#222222") >= charts.MIN_TEXT_CONTRAST
    assert charts.relative_luminance(light) > charts.relative_luminance(charts.OKABE_ITO["blue"])


def test_house_style_chart_passes():
    fig, ax = charts.new_figure()
    ax.plot([1, 2, 3], [4, 5, 6], color=charts.OKABE_ITO["orange"], label="Probation officers")
    ax.annotate("peak", (3, 6), color=charts.MUTED_TEXT)
    ax.text(1, 5, "orange label", color=charts.TEXT_COLOURS["orange"])
    charts.finish(fig, ax, **finish_args())
    assert charts.text_contrast_problems(fig) == []


def test_palette_grey_text_fails_and_names_the_text():
    fig, ax = charts.new_figure()
    ax.plot([1, 2, 3], [4, 5, 6])
    ax.text(1.5, 5, "NPS only", color=charts.OKABE_ITO["grey"])
    problems = charts.text_contrast_problems(fig)
    assert len(problems) == 1
    assert "'NPS only'" in problems[0] and "#999999" in problems[0] and "2.8" in problems[0]
    charts.finish(fig, ax, **finish_args())  # finishing does not draw: the check runs when the chart is saved
    with pytest.raises(ValueError, match="NPS only"):
        charts.check_text_contrast(fig)


def test_faint_text_fails_through_its_alpha():
    fig, ax = charts.new_figure()
    ax.text(0.5, 0.5, "faint", color="black", alpha=0.3)
    assert any("'faint'" in p for p in charts.text_contrast_problems(fig))
    ax.texts[0].set_alpha(1)
    assert charts.text_contrast_problems(fig) == []


def test_background_is_measured_under_the_text():
    fig, ax = charts.new_figure()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axvspan(0, 5, color=charts.OKABE_ITO["blue"])
    ax.text(1, 5, "white on blue", color="white")  # 5.2:1 on the span: passes
    ax.text(6, 5, "white on white", color="white")  # no span behind it: fails
    ax.text(1, 2, "dark on blue", color="#262626")  # 3.2:1 on the span: fails
    problems = charts.text_contrast_problems(fig)
    assert len(problems) == 2
    assert any("'white on white'" in p for p in problems) and any("'dark on blue'" in p for p in problems)


def test_text_box_counts_as_background():
    fig, ax = charts.new_figure()
    ax.annotate("1", (0.5, 0.5), color="white", bbox=dict(boxstyle="circle", fc="#555555", ec="none"))
    assert charts.text_contrast_problems(fig) == []
    ax.texts[0].get_bbox_patch().set_facecolor("#bbbbbb")
    assert len(charts.text_contrast_problems(fig)) == 1


def test_dark_axes_face_fails_default_tick_labels_and_check_leaves_figure_unchanged():
    fig, ax = charts.new_figure()
    ax.plot([0, 1], [0, 1])
    ax.set_title("Title on the figure face")
    alphas = [t.get_alpha() for t in fig.findobj(matplotlib.text.Text)]
    assert charts.text_contrast_problems(fig) == []
    fig.set_facecolor("#333333")  # tick labels, axis labels and title now sit on dark grey
    problems = charts.text_contrast_problems(fig)
    assert any("'Title on the figure face'" in p for p in problems)
    assert [t.get_alpha() for t in fig.findobj(matplotlib.text.Text)] == alphas


def test_source_line_below_the_canvas_is_checked_against_the_figure_face():
    fig, ax = charts.new_figure()
    ax.plot([0, 1], [0, 1])
    fig.text(0.01, -0.05, "Source: pale", color="#aaaaaa", va="top")
    assert any("'Source: pale'" in p for p in charts.text_contrast_problems(fig))
