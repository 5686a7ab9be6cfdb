"""Figures of the inspection chapter (``notebooks/03_inspection_outcomes.ipynb``).

Each function takes :class:`probation_evidence.inspection_outcomes.InspectionData` and returns a
:class:`probation_evidence.charts.Figure` (or, for the funnel plots, one per framework) whose
title, alt text and caption are computed from the data; the two inspection frameworks are never
drawn on one scale. Inspections are named as everywhere in the book
(:func:`probation_evidence.inspections.inspection_label`).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from .. import charts, inspection_outcomes as C, inspections as I
from ..present import fmt_int, fmt_month, fmt_pct

OI = charts.OKABE_ITO
RATING_SHORT = {"Outstanding": "O", "Good": "G", "Requires improvement": "RI", "Inadequate": "I"}
STANDARD_SHORT = {
    "Leadership": "Leader-\nship",
    "Staff(ing)": "Staff-\ning",
    "Services": "Services",
    "Information and facilities": "Informa-\ntion and\nfacilities",
    "Court work": "Court\nwork",
    "Assessment": "Assess-\nment",
    "Planning": "Planning",
    "Implementation and delivery": "Implemen-\ntation\nand delivery",
    "Reviewing": "Review-\ning",
}
#: At most this many inspections per framework are drawn in the heatmap (all are in its CSV).
MAX_HEATMAP_ROWS = 40


def _count(n: int) -> str:
    return C._count_word(n)


# ----------------------------------------------------------------------------------------------
def ratings_by_year(d: C.InspectionData) -> charts.Figure:
    """Overall ratings by year of publication, one panel per framework."""
    counts = I.ratings_by(d.inspections, ["framework", "year"]).drop(columns="Total")
    frameworks = d.frameworks
    widths = [max(2, counts.loc[fw].shape[0]) for fw in frameworks]
    fig, axes = charts.new_figure(
        9, 4.4, ncols=len(frameworks), sharey=True, gridspec_kw={"width_ratios": widths}, squeeze=False
    )
    axes = axes[0]
    for ax, fw in zip(axes, frameworks, strict=True):
        sub = counts.loc[fw]
        bottom = np.zeros(len(sub))
        for rating in charts.RATING_ORDER[::-1]:
            if rating in sub.columns and sub[rating].sum():
                ax.bar(
                    sub.index.astype(str),
                    sub[rating],
                    bottom=bottom,
                    color=charts.RATING_COLOURS[rating],
                    label=rating,
                    edgecolor="white",
                    width=0.7,
                )
                bottom += sub[rating].to_numpy()
        ax.set_title(f"{fw} framework", fontsize=10.5, loc="left", fontweight="normal")
        ax.set_xlabel("Year of publication")
        ax.grid(axis="x", visible=False)
    axes[0].set_ylabel("PDU inspections (count)")
    axes[0].set_ylim(0, counts.sum(axis=1).max() * 1.1)
    seen: dict[str, Any] = {}  # legend label -> handle
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, h)
    order = [r for r in charts.RATING_ORDER if r in seen]
    fig.legend(
        [seen[r] for r in order],
        order,
        loc="upper left",
        bbox_to_anchor=(1.0, 0.88),
        fontsize=9,
        title="Overall rating",
        title_fontsize=9,
    )
    fc = C.framework_counts(d)
    parts = []
    for fw in frameworks[::-1]:
        r = cast(pd.Series, fc.loc[fw])  # one row per framework
        parts.append(
            f"under the {fw} framework {fmt_int(r['inadequate'])} of {fmt_int(r['n'])} inspections were rated "
            f"Inadequate and {_count(r['good_or_better'])} Good or better"
        )
    title = C._cap("; ".join(parts))
    fig.suptitle(charts.wrap(title, 90), fontsize=11.5, fontweight="bold", x=0.01, ha="left")
    fig.text(
        0.01,
        -0.02,
        charts.wrap(
            f"Source: {C.SOURCE}. Frameworks are shown separately because they rate different "
            "standards. Year of publication; where that is not yet collected, the year of "
            "fieldwork or of the report's listing.",
            120,
        ),
        fontsize=8,
        ha="left",
        va="top",
    )
    fig.tight_layout()
    plotted = counts.reset_index()
    per_fw = "; ".join(
        f"{fw} framework: "
        + ", ".join(
            f"{y}: " + ", ".join(f"{int(row[r])} {r}" for r in charts.RATING_ORDER if r in row.index and row[r])
            for y, row in counts.loc[fw].iterrows()
        )
        for fw in frameworks
    )
    alt = (
        f"Stacked bar charts, one per inspection framework, of the overall ratings of PDU inspections in each year. "
        f"{per_fw}."
    )
    caption = (
        "Overall ratings of PDU inspections by year of publication, the 2021 and 2024 frameworks shown separately."
        if len(frameworks) > 1
        else "Overall ratings of PDU inspections by year of publication."
    )
    return charts.Figure(
        "fig-ratings-by-year",
        fig,
        plotted,
        title=title,
        source=C.SOURCE,
        units="inspections (count)",
        alt=alt,
        caption=caption,
    )


# ----------------------------------------------------------------------------------------------
def _overlap(a, b, pad: float = 1.0) -> bool:
    return a.x0 < b.x1 + pad and b.x0 < a.x1 + pad and a.y0 < b.y1 + pad and b.y0 < a.y1 + pad


def place_labels(ax, items: list[tuple[float, float, str]], fontsize: float = 8) -> list:
    """Annotate points so that no label overlaps another label, a marker or the axes edge:
    each label tries positions around its point in turn and keeps the first free one."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = []
    for x, y, _ in items:  # the markers themselves
        px, py = ax.transData.transform((x, y))
        from matplotlib.transforms import Bbox

        taken.append(Bbox.from_extents(px - 5, py - 5, px + 5, py + 5))
    candidates = [
        (7, 0, "left", "center"),
        (-7, 0, "right", "center"),
        (6, 8, "left", "bottom"),
        (6, -8, "left", "top"),
        (-6, 8, "right", "bottom"),
        (-6, -8, "right", "top"),
        (0, 10, "center", "bottom"),
        (0, -10, "center", "top"),
        (8, 20, "left", "bottom"),
        (8, -20, "left", "top"),
        (-8, 20, "right", "bottom"),
        (-8, -20, "right", "top"),
    ]
    texts = []
    for x, y, text in items:
        chosen = None
        for dx, dy, ha, va in candidates:
            t = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                color="#222222",
                zorder=4,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85),
            )
            box = t.get_window_extent(renderer)
            fits = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if fits and not any(_overlap(box, b) for b in taken):
                chosen = t
                taken.append(box)
                break
            t.remove()
        if chosen is None:  # no free place: keep the first position; the legibility check will say so
            chosen = ax.annotate(
                text, (x, y), xytext=(7, 0), textcoords="offset points", ha="left", va="center", fontsize=fontsize
            )
        texts.append(chosen)
    return texts


def region_funnel(d: C.InspectionData, fw: str) -> charts.Figure:
    """Funnel plot for one framework: each region's share rated Inadequate against its number of
    inspections, with exact binomial 95% and 99.8% limits around the framework's share."""
    f = C.funnel(d, fw)
    g, p0, curve = f["points"], f["p0"], f["curve"]
    verdicts = C.region_verdicts(d, fw)
    v = verdicts["differ"]
    n_total, k_total = int(g["n"].sum()), int(g["k"].sum())
    fig, ax = charts.new_figure(9, 4.8)
    x = curve["n"].to_numpy()
    for level, style, label in ((0.95, "--", "95% limits"), (0.998, ":", "99.8% limits")):
        ax.plot(x, curve[f"high_{level:g}"], ls=style, color="#555555", lw=1.1, drawstyle="steps-mid", label=label)
        ax.plot(x, curve[f"low_{level:g}"], ls=style, color="#555555", lw=1.1, drawstyle="steps-mid")
    charts.decoration(
        ax.axhline(
            100 * p0,
            color=OI["blue"],
            lw=1.2,
            label=f"Framework share, {fmt_pct(100 * p0, 0)} ({k_total} of {n_total})",
        )
    )
    colours = {"inside": OI["bluish_green"]}
    groups = g.reset_index().groupby(["n", "k"], sort=True)["region"].apply(list)
    for (n, k), regions in groups.items():
        pos = g.loc[regions[0], "position"]
        ax.scatter([n], [100 * k / n], s=55, color=colours.get(pos, OI["vermillion"]), edgecolor="black", zorder=3)
    ax.set_xlim(0.5, x.max() + 0.5)
    ax.set_ylim(-5, 112)
    ax.set_xticks(range(1, int(x.max()) + 1))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5)
    items = [(n, 100 * k / n, "\n".join(regions)) for (n, k), regions in groups.items()]
    place_labels(ax, items, fontsize=7.5)
    p = v.details.get("p_value")
    if v.code == "differ":
        title = (
            f"Under the {fw} framework the regions' shares rated Inadequate differ (exact test p = {p:.3f}; "
            f"n = {n_total} inspections in {_count(len(g))} regions)"
        )
    elif v.code == "not_shown":
        title = (
            f"Under the {fw} framework no difference between the regions' shares rated Inadequate is shown (exact "
            f"test p = {p:.2f}; n = {n_total} inspections in {_count(len(g))} regions)"
        )
    else:
        title = (
            f"Under the {fw} framework there are too few inspections to tell whether regions differ "
            f"(n = {n_total} inspections in {_count(len(g))} regions)"
        )
    outside = g[g["position"] != "inside"]
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="PDU inspections in the region (count)",
        ylabel="Rated Inadequate (% of the region's inspections)",
        source=C.SOURCE,
        legend=False,
        note=(
            "Limits: exact binomial limits around the framework's share; a region outside the 95% limits "
            "would be expected by chance about once in 20 regions, outside the 99.8% limits about once in "
            "500. Red points lie outside the 95% limits."
        ),
    )
    plotted = g.reset_index()[["region", "n", "k", "share", "position"]].assign(framework=fw, framework_share=100 * p0)
    listing = "; ".join(f"{r} {int(row.k)} of {int(row.n)} ({row.share:.0f}%)" for r, row in g.iterrows())
    alt = (
        f"Funnel plot for the {fw} framework: for each of {_count(len(g))} regions, the percentage of its PDU "
        f"inspections rated Inadequate against the number of inspections, with exact 95% and 99.8% limits narrowing "
        f"around the framework's share of {fmt_pct(100 * p0, 0)} ({k_total} of {n_total}). {listing}. "
        + (
            "Every region lies inside the 95% limits. "
            if outside.empty
            else "Outside the 95% limits: " + ", ".join(f"{r} ({row.position})" for r, row in outside.iterrows()) + ". "
        )
        + f"Exact test of whether the regions differ: {v.word} ({v.reason})."
    )
    caption = (
        f"Funnel plot, {fw} framework: share of each region's PDU inspections rated Inadequate against its number "
        f"of inspections, with exact binomial 95% and 99.8% limits around the framework's share "
        f"({fmt_pct(100 * p0, 0)}, {k_total} of {n_total})."
    )
    return charts.Figure(
        f"fig-region-funnel-{fw}",
        fig,
        plotted,
        title=title,
        source=C.SOURCE,
        units="percent of inspections",
        alt=alt,
        caption=caption,
    )


def region_funnels(d: C.InspectionData) -> list[charts.Figure]:
    """One funnel plot per framework (never pooled)."""
    return [region_funnel(d, fw) for fw in d.frameworks]


# ----------------------------------------------------------------------------------------------
def standards_heatmap(d: C.InspectionData) -> charts.Figure:
    """Every known standard rating: inspections (rows) by standards (columns), one panel per framework."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    inspections = d.inspections.set_index("inspection_id")
    mats = {}
    for fw in d.frameworks:
        m = I.heatmap_matrix(d.inspections, fw)
        if len(m):
            m = m.loc[inspections.loc[m.index].sort_values(["year", "pdu"]).index]
            mats[fw] = m
    if not mats:
        raise ValueError("no standard rating is held for any inspection")
    shown = {fw: m.tail(MAX_HEATMAP_ROWS) for fw, m in mats.items()}
    heights = [len(m) + 1.5 for m in shown.values()]
    fig, axes = charts.new_figure(
        9, 0.42 * sum(heights) + 1.6, nrows=len(shown), squeeze=False, gridspec_kw={"height_ratios": heights}
    )
    order = ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    cmap = ListedColormap([charts.RATING_COLOURS[r] for r in order])
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], cmap.N)
    points_to_rating = {v: k for k, v in I.RATING_POINTS.items()}
    for ax, (fw, m) in zip(axes[:, 0], shown.items(), strict=True):
        values = np.ma.masked_invalid(m.to_numpy(float))
        ax.set_facecolor("#e6e6e6")
        ax.pcolormesh(values, cmap=cmap, norm=norm, edgecolors="white", linewidth=1.2)
        for (i, j), val in np.ndenumerate(m.to_numpy(float)):
            if not np.isnan(val):
                rating = points_to_rating[int(val)]
                ax.text(
                    j + 0.5, i + 0.5, RATING_SHORT[rating], ha="center", va="center", fontsize=7.5, color="black"
                )  # black reads at 4.5:1 or more on every rating colour
        ax.set_xlim(0, m.shape[1])
        ax.set_ylim(m.shape[0], 0)
        ax.set_xticks(np.arange(m.shape[1]) + 0.5)
        ax.set_xticklabels([STANDARD_SHORT.get(c, c) for c in m.columns], fontsize=7.5)
        ax.xaxis.tick_top()
        ax.tick_params(axis="x", length=0, pad=3)
        ax.set_yticks(np.arange(m.shape[0]) + 0.5)
        ax.set_yticklabels(
            [f"{I.short_pdu(inspections.loc[i, 'pdu'])}\n{inspections.loc[i, 'label']}" for i in m.index], fontsize=7
        )
        ax.tick_params(axis="y", length=0)
        ax.grid(False)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.set_title(
            f"{fw} framework ({len(mats[fw])} inspections"
            + (f"; the latest {MAX_HEATMAP_ROWS} shown" if len(mats[fw]) > MAX_HEATMAP_ROWS else "")
            + ")",
            loc="left",
            fontsize=10,
            fontweight="normal",
            pad=42,
        )
    sel = {fw: C.standards_selection(d, fw) for fw in d.frameworks}
    known = sum(s["known"] for s in sel.values())
    known_inad = sum(s["known_inadequate"] for s in sel.values())
    total = sum(s["n"] for s in sel.values())
    title = (
        f"Standard ratings are held for {known} of {total} inspections, {known_inad} of which were rated "
        f"Inadequate overall; the rest are not yet collected"
    )
    fig.suptitle(charts.wrap(title, 90), fontsize=11.5, fontweight="bold", x=0.01, ha="left")
    fig.legend(
        handles=[Patch(color=charts.RATING_COLOURS[r], label=f"{r} ({RATING_SHORT[r]})") for r in charts.RATING_ORDER]
        + [Patch(color="#e6e6e6", label="Not known")],
        loc="upper center",
        ncol=5,
        fontsize=8,
        bbox_to_anchor=(0.5, 0.0),
    )
    fig.tight_layout(rect=(0, 0.02, 1, 0.97))
    note = (
        "Ratings are held only where a source listed them, most often a press release or a local report, so these "
        "inspections are a selected group, not a sample. Each inspection counts once per standard."
    )
    fig.text(0.01, -0.05, charts.wrap(f"Source: {C.SOURCE}.\nNote: {note}", 120), fontsize=8, ha="left", va="top")
    plotted = pd.concat([m.assign(framework=fw) for fw, m in mats.items()]).rename_axis("inspection_id").reset_index()
    plotted.insert(1, "inspection", [inspections.loc[i, "name"] for i in plotted["inspection_id"]])
    lines = []
    for fw, m in mats.items():
        s = sel[fw]
        cells = cast(pd.Series, m.stack().dropna())  # a frame with one column level stacks to a Series
        lines.append(
            f"{fw} framework: {len(m)} inspections with at least one known rating ({s['known_inadequate']} of them "
            f"rated Inadequate overall), {len(cells)} known ratings of which {int((cells == 0).sum())} are "
            f"Inadequate; a case-work standard is known for {s['casework_known']} inspections, and in "
            f"{s['casework_all_inadequate']} of them every known case-work rating is Inadequate"
        )
    alt = (
        "Grid of standard ratings: one row per inspection with at least one known standard rating, one column per "
        "standard, cells coloured and lettered by rating, unknown ratings grey. " + ". ".join(lines) + ". " + note
    )
    caption = (
        "Standard ratings of PDU inspections where a source listed them (rows: inspections; columns: standards), "
        "by framework; a selected group of inspections."
    )
    return charts.Figure(
        "fig-standards-heatmap", fig, plotted, title=title, source=C.SOURCE, units="rating", alt=alt, caption=caption
    )


# ----------------------------------------------------------------------------------------------
def key_questions(d: C.InspectionData) -> charts.Figure:
    """The twelve key-question percentages of the latest inspection with a complete set."""
    rec, kq = C.kq_profile(d)
    low = C.kq_lowest(kq)
    stages = list(low)
    safe_low = [s for s, aims in low.items() if aims == [C.SAFE]]
    fig, ax = charts.new_figure(8.5, 4.6)
    colours = {"Engagement": OI["bluish_green"], "Desistance": OI["blue"], C.SAFE: OI["vermillion"]}
    width = 0.26
    for i, aim in enumerate(C.AIMS):
        sub = kq[kq["aim"] == aim].set_index("stage").reindex(stages)
        xs = np.arange(len(stages)) + (i - 1) * width
        ax.bar(xs, sub["pct"], width, color=colours[aim], label=aim)
        ax.errorbar(
            xs,
            sub["pct"],
            yerr=[sub["pct"] - sub["ci_low"], sub["ci_high"] - sub["pct"]],
            fmt="none",
            ecolor="#333333",
            capsize=2,
            lw=0.8,
        )
    ax.set_xticks(np.arange(len(stages)))
    ax.set_xticklabels([charts.wrap(s, 16) for s in stages])
    ax.set_ylim(0, 100)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper center", ncol=3, fontsize=8.5)
    n = int(rec["cases_inspected"])
    name = I.inspection_name(rec)
    title = (
        f"{I.short_pdu(rec['pdu'])}: keeping people safe scored lowest of the three aims at {_count(len(safe_low))} "
        f"of {_count(len(stages))} stages of case work"
    )
    source = (
        f"HM Inspectorate of Probation, key-question table of the report on {rec['pdu']} ({I.inspection_label(rec)})"
    )
    fig.subplots_adjust(bottom=0.2)
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="Stage of case work",
        ylabel="Cases judged sufficient (%)",
        source=source,
        legend=False,
        note=(
            f"Bars: share of the {n} inspected cases judged sufficient on each key question; lines: Wilson "
            f"95% intervals treating cases as independent."
        ),
    )
    plotted = kq.assign(inspection=name, cases_inspected=n)
    listing = "; ".join(
        f"{stage}: "
        + ", ".join(f"{cast(str, r.aim).lower()} {r.pct:.0f}%" for r in kq[kq["stage"] == stage].itertuples())
        for stage in stages
    )
    alt = (
        f"Grouped bar chart of the twelve key-question percentages for {name}, {n} cases inspected, by stage of case "
        f"work and aim, with 95% intervals. {listing}. Keeping people safe is the lowest at "
        f"{_count(len(safe_low))} of {_count(len(stages))} stages."
    )
    caption = (
        f"Key-question percentages for {name}, with 95% intervals: the share of inspected cases judged sufficient "
        f"on each aim at each stage."
    )
    return charts.Figure(
        "fig-key-questions",
        fig,
        plotted,
        title=title,
        source=source,
        units="percent of cases",
        alt=alt,
        caption=caption,
    )


# ----------------------------------------------------------------------------------------------
def vacancy_national(d: C.InspectionData) -> charts.Figure:
    """Each inspected PDU's published officer vacancy rate beside the national rate."""
    c = C.vacancy_comparison(d)
    df, nat, b = c["rates"], c["national"], c["baseline"]
    height = 1.8 + 0.45 * len(df)
    fig, ax = charts.new_figure(9, max(3.2, height))
    ys = np.arange(len(df))
    markers = dict(zip(d.frameworks, "osD^v", strict=False))  # one marker each, up to five frameworks
    for y, rec in zip(ys, df.itertuples(), strict=True):
        ax.scatter(
            rec.po_vacancy_pct,
            y,
            s=70,
            color=charts.RATING_COLOURS[rec.overall_rating],
            edgecolor="black",
            zorder=3,
            marker=markers[rec.framework],
        )
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{I.short_pdu(r.pdu)}\n{r.label}" for r in df.itertuples()], fontsize=7.5)
    ax.set_ylim(-0.7, len(df) - 0.3)
    ax.set_xlim(0, max(60, float(df["po_vacancy_pct"].max()) + 10))
    ax.grid(axis="y", visible=False)
    charts.decoration(ax.axvline(float(nat["value"]), color=OI["blue"], lw=1.4, ls="--"))
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], ls="none", marker="o", ms=8, mfc=charts.RATING_COLOURS[r], mec="black", label=r)
        for r in charts.RATING_ORDER
        if r in set(df["overall_rating"])
    ]
    handles += [
        Line2D([], [], ls="none", marker=m, ms=8, mfc="white", mec="black", label=f"{fw} framework")
        for fw, m in markers.items()
        if fw in set(df["framework"])
    ]
    handles += [Line2D([], [], color=OI["blue"], ls="--", label=f"National rate, {fmt_month(nat['date'])}")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5)
    title = (
        f"Officer vacancy rates at inspected PDUs (n = {len(df)}) ranged from {fmt_pct(df['po_vacancy_pct'].min(), 0)} "
        f"to {fmt_pct(df['po_vacancy_pct'].max(), 0)}, against {fmt_pct(nat['value'], 0)} nationally in "
        f"{fmt_month(nat['date'])}"
    )
    source = C.SOURCE + "; House of Lords Justice and Home Affairs Committee (national rate)"
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="Probation officer vacancy rate (%)",
        ylabel="",
        source=source,
        legend=False,
        note=(
            "Rates as each report or local source states them, at different dates; the national rate is the "
            "shortfall against the target staffing level."
        ),
    )
    plotted = df[["inspection_id", "pdu", "label", "framework", "overall_rating", "po_vacancy_pct"]].assign(
        national_rate_pct=float(nat["value"]), national_date=nat["date"]
    )
    listing = "; ".join(
        f"{I.short_pdu(r.pdu)} ({r.label}) {r.po_vacancy_pct:.0f}%, {r.overall_rating}" for r in df.itertuples()
    )
    alt = (
        f"Dot chart of the probation officer vacancy rate published for {_count(len(df))} PDU inspections, each "
        f"coloured by its overall rating, with a dashed line at the national rate of {fmt_pct(nat['value'], 0)} "
        f"({fmt_month(nat['date'])}). {listing}. Compared with the national rate the PDUs' rates are {b.word} it "
        f"({b.reason})."
    )
    caption = (
        f"Probation officer vacancy rates published for {_count(len(df))} inspected PDUs, coloured by overall "
        f"rating, against the national rate ({fmt_month(nat['date'])})."
    )
    return charts.Figure(
        "fig-vacancy-national", fig, plotted, title=title, source=source, units="percent", alt=alt, caption=caption
    )


#: Every single figure of the chapter, in the order the chapter shows them (the tests run each
#: one); the funnel plots, one per framework, come from :func:`region_funnels`.
ALL = (ratings_by_year, standards_heatmap, key_questions, vacancy_national)
