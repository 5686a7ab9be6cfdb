"""Figures of the staffing chapter (``notebooks/02_staffing_trends.ipynb``).

Each function takes :class:`probation_evidence.staffing.StaffingData` and returns a
:class:`probation_evidence.charts.Figure` whose title, alt text and caption are computed from
the data (see the package docstring for the contract).
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from .. import charts, rules, staffing as S, workforce as wf
from ..present import fmt_int, fmt_month, fmt_num, fmt_pct, fmt_signed

C = charts.OKABE_ITO
PO_LABEL = "Band 4 probation officers (PO)"
PSO_LABEL = "Band 3 probation services officers (PSO)"


def _moved(v: rules.Verdict, pct: float, digits: int = 1) -> str:
    """'rose 7.0%' / 'fell 11.8%' / 'was little changed (+1.0%)' for a title."""
    if v.code in ("up", "down"):
        return f"{v.word} {fmt_pct(abs(pct), digits)}"
    if v.code == "flat":
        return f"{v.word} ({fmt_signed(pct, digits)}%)"
    return v.word


def _dates(index) -> str:
    return f"{fmt_month(min(index))} to {fmt_month(max(index))}"


# ----------------------------------------------------------------------------------------------
def po_pso_fte(d: S.StaffingData) -> charts.Figure:
    """Band 4 officers and band 3 PSOs, quarterly: NPS only before unification, unified after."""
    nps, uni = d.nps[["po_fte", "pso_fte"]].dropna(how="all"), d.unified[["po_fte", "pso_fte"]].dropna(how="all")
    first, last = nps.index.min(), uni.index.max()
    po_ch, po_v = S.stated_year_on_year(d, "po_fte", words=rules.ROSE)
    pso_ch, pso_v = S.stated_year_on_year(d, "pso_fte", words=rules.ROSE)
    u = S.since_unification(d)
    pso_peak_date = uni["pso_fte"].idxmax()

    fig, ax = charts.new_figure(8.5, 4.8)
    for part in (nps, uni):
        labelled = part is uni
        charts.plot_segments(
            ax, part["po_fte"], label=PO_LABEL if labelled else None, color=C["blue"], marker="o", ms=3.5
        )
        charts.plot_segments(
            ax, part["pso_fte"], label=PSO_LABEL if labelled else None, color=C["orange"], marker="s", ms=3.5
        )
    charts.decoration(ax.axvspan(first - pd.Timedelta(days=45), S.UNIFICATION, color="#eeeeee", zorder=0))
    ax.text(first, 250, " NPS only", fontsize=8, color="#555555")
    ymax = max(nps.max().max(), uni.max().max()) * 1.12
    ev = d.events[d.events["date"].between(first - pd.Timedelta(days=200), last + pd.Timedelta(days=200))]
    ev = ev.sort_values("date").reset_index(drop=True)
    previous: pd.Timestamp | None = None
    level = 0
    for i, e in enumerate(ev.itertuples(), start=1):
        date = cast(pd.Timestamp, e.date)  # the events table's date column
        level = (level + 1) % 2 if previous is not None and (date - previous).days < 150 else 0
        previous = date
        charts.decoration(ax.axvline(e.date, color="#777777", lw=0.8, ls=":"))
        ax.annotate(
            str(i),
            (e.date, ymax * (1 - 0.07 * level)),
            ha="center",
            va="center",
            fontsize=8,
            color="white",
            fontweight="bold",
            bbox=dict(boxstyle="circle,pad=0.25", fc="#555555", ec="none"),
        )
    ax.set_ylim(0, ymax * 1.05)
    charts.quarter_axis(ax, first, last)
    ax.legend(loc="lower right")
    event_note = "; ".join(f"{i} {e.event} ({e.date:%b %Y})" for i, e in enumerate(ev.itertuples(), start=1))
    title = (
        f"Officer numbers {_moved(po_v, po_ch.percent)} in the year to {fmt_month(po_ch.date)}; "
        f"PSO numbers {_moved(pso_v, pso_ch.percent)}"
    )
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="Quarter end",
        ylabel="Full-time equivalent staff (FTE)",
        source=S.SOURCE,
        note=(
            "Latest published value for each quarter. Lines break at unification (26 June 2021), before "
            "which figures cover NPS staff only (shaded), and where a quarter is missing. Numbered events "
            f"(data/events.csv): {event_note}."
        ),
        legend=False,
    )
    plotted = pd.concat([nps.assign(definition="nps_pre_unification"), uni.assign(definition="unified")])
    plotted = plotted.rename(columns={"po_fte": "po_fte_band4", "pso_fte": "pso_fte_band3"})
    plotted.index.name = "date"
    like = ""
    if u["pair"]:
        a, b = u["pair"]
        lv = rules.series_direction(u["series"], b, a, unit="FTE", words=rules.ROSE)
        like = (
            f" Comparing the same quarter of the year, officer numbers {lv.word}: {fmt_int(u['series'].loc[a])} in "
            f"{fmt_month(a)}, {fmt_int(u['series'].loc[b])} in {fmt_month(b)}."
        )
    alt = (
        "Line chart of full-time-equivalent band 4 probation officers and band 3 probation services officers, "
        f"quarterly from {_dates(list(nps.index) + list(uni.index))}. Before unification in June 2021 (shaded) the "
        f"figures cover the National Probation Service only: {fmt_int(nps['po_fte'].iloc[0])} officers and "
        f"{fmt_int(nps['pso_fte'].iloc[0])} PSOs in {fmt_month(nps.index[0])}. In the unified service there were "
        f"{fmt_int(uni['po_fte'].iloc[0])} officers in {fmt_month(uni.index[0])} and {fmt_int(uni['po_fte'].iloc[-1])} "
        f"in {fmt_month(uni.index[-1])}.{like} PSOs peaked at {fmt_int(uni['pso_fte'].max())} in "
        f"{fmt_month(pso_peak_date)} and were {fmt_int(uni['pso_fte'].iloc[-1])} in {fmt_month(uni.index[-1])}. "
        f"Numbered markers show {len(ev)} events: {event_note}."
    )
    caption = (
        f"Band 4 probation officers and band 3 probation services officers (FTE), quarterly, "
        f"{_dates(list(nps.index) + list(uni.index))}, latest published value for each quarter. Before unification "
        f"(shaded) the figures cover the NPS only; lines break there and where a quarter is missing."
    )
    return charts.Figure(
        "fig-po-pso-fte", fig, plotted, title=title, source=S.SOURCE, units="FTE", alt=alt, caption=caption
    )


# ----------------------------------------------------------------------------------------------
QUARTER_COLOURS = {3: C["blue"], 6: C["orange"], 9: C["bluish_green"], 12: C["reddish_purple"]}


def quarterly_changes(d: S.StaffingData) -> charts.Figure:
    """Quarter-on-quarter changes in unified officer numbers, coloured by quarter of the year."""
    values = d.unified["po_fte"].dropna()
    changes = rules.quarter_changes(values)
    v = rules.seasonality(values)
    fig, ax = charts.new_figure(9, 4.4)
    if v.code != "insufficient":
        charts.decoration(
            ax.axvspan(
                v.details["start"] + pd.Timedelta(days=15),
                v.details["end"] + pd.Timedelta(days=45),
                color="#f2f2f2",
                zorder=0,
            )
        )
    for month, colour in QUARTER_COLOURS.items():
        part = changes[[pd.Timestamp(x).month == month for x in changes.index]]
        if len(part):
            ax.bar(
                part.index, part.values, width=60, color=colour, label=f"Quarter to {pd.Timestamp(2000, month, 1):%B}"
            )
    charts.decoration(ax.axhline(0, color="#333333", lw=0.8))
    charts.quarter_axis(ax, values.index.min(), values.index.max())
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if v.code == "seasonal":
        ups = [f"{pd.Timestamp(2000, m, 1):%B}" for m, s in sorted(v.details["pattern"].items()) if s > 0]
        downs = [f"{pd.Timestamp(2000, m, 1):%B}" for m, s in sorted(v.details["pattern"].items()) if s < 0]
        title = (
            f"In the {rules._count(rules.SEASONAL_YEARS)} years to {fmt_month(v.details['end'])}, officer numbers "
            f"rose in the quarters to {' and '.join(ups)} and fell in the quarters to {' and '.join(downs)}"
        )
    else:
        title = "Quarter-on-quarter changes in officer numbers show no regular pattern within the year"
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="Quarter end",
        ylabel="Change on the previous quarter (FTE)",
        source=S.SOURCE,
        legend=False,
        note=(
            "Unified Probation Service only (from September 2021); a bar is shown only where both quarters "
            "are published. Shaded: the years the seasonal rule examines (see Methods)."
        ),
    )
    plotted = pd.DataFrame(
        {"po_fte_change": changes, "quarter_of_year": [pd.Timestamp(x).month for x in changes.index]}
    )
    plotted.index.name = "date"
    big_up, big_down = changes.idxmax(), changes.idxmin()
    alt = (
        f"Bar chart of quarter-on-quarter changes in full-time-equivalent band 4 probation officers, {len(changes)} "
        f"quarters from {_dates(changes.index)}, coloured by quarter of the year. Verdict of the seasonal rule: "
        f"{v.word}; {v.reason}. The largest rise was {fmt_signed(changes.max())} in the quarter to "
        f"{fmt_month(big_up)} and the largest fall {fmt_signed(changes.min())} in the quarter to {fmt_month(big_down)}."
    )
    caption = (
        f"Change in band 4 probation officer FTE on the previous quarter, unified service, {_dates(changes.index)}, "
        f"by quarter of the year."
    )
    return charts.Figure(
        "fig-po-quarterly-changes", fig, plotted, title=title, source=S.SOURCE, units="FTE", alt=alt, caption=caption
    )


# ----------------------------------------------------------------------------------------------
def po_revisions(d: S.StaffingData) -> charts.Figure:
    """First-published against latest officer numbers, unified service."""
    rows = d.workforce[(d.workforce["measure"] == "po_fte") & (d.workforce["definition"] == "unified")]
    fp = wf.wide(wf.first_published(rows))["po_fte"]
    lt = wf.wide(wf.latest(rows))["po_fte"]
    both = pd.DataFrame({"first_published": fp, "latest": lt}).dropna()
    both.index.name = "date"
    diff = both["latest"] - both["first_published"]
    fig, ax = charts.new_figure(8, 4)
    charts.plot_segments(ax, both["latest"], label="Latest published", color=C["blue"], marker="o", ms=4)
    charts.plot_segments(
        ax, both["first_published"], label="First published", color=C["vermillion"], marker="x", ms=6, ls="--"
    )
    charts.quarter_axis(ax, both.index.min(), both.index.max())
    ax.set_ylim(0, both.max().max() * 1.15)
    ax.legend(loc="lower right")
    revised = diff[diff != 0]
    rev = wf.revisions(rows)
    if len(revised):
        big = rev.iloc[rev["revision"].abs().argmax()]
        months = round((pd.Timestamp(big.vintage_latest) - pd.Timestamp(big.vintage_first)).days / 30.44)
        lag = "a year" if months == 12 else f"{months} months"
        title = (
            f"{fmt_month(big.date)} officer numbers were revised {'up' if big.revision > 0 else 'down'} by "
            f"{fmt_int(abs(big.revision))} FTE {lag} after first publication"
        )
        detail = (
            f"The two lines differ in {len(revised)} of {len(both)} quarters; the largest revision is "
            f"{fmt_month(big.date)}, first published as {fmt_int(big.value_first)} and restated as "
            f"{fmt_int(big.value_latest)} ({fmt_signed(big.revision)})."
        )
    else:
        title = "Officer numbers have not been revised since first publication"
        detail = "The two lines coincide in every quarter."
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="Quarter end",
        ylabel="Band 4 probation officers (FTE)",
        source=S.SOURCE,
        legend=False,
        note="Unified Probation Service; lines break where a quarter is missing.",
    )
    alt = (
        f"Two lines of full-time-equivalent band 4 probation officers, quarterly from {_dates(both.index)}: the value "
        f"first published for each quarter and the latest published value. {detail}"
    )
    caption = f"Band 4 probation officer FTE: first-published and latest values for each quarter, {_dates(both.index)}."
    return charts.Figure(
        "fig-po-revisions", fig, both, title=title, source=S.SOURCE, units="FTE", alt=alt, caption=caption
    )


# ----------------------------------------------------------------------------------------------
def leaving_rates(d: S.StaffingData) -> charts.Figure:
    """Leaving rates by group, broken at every change of basis and every gap."""
    lr = S.leaving(d)
    po = S.leaving_summary(d, "po_leaving_rate_pct")
    fig, ax = charts.new_figure(8.5, 4.6)
    annual = lr[(lr["measure"] == "po_leaving_rate_pct") & (lr["basis"] == "annual_permanent_headcount")]
    if len(annual):
        end = annual["date"].max() + pd.Timedelta(days=120)
        charts.decoration(ax.axvspan(annual["date"].min() - pd.Timedelta(days=120), end, color="#eeeeee", zorder=0))
        ax.plot(
            annual["date"],
            annual["value"],
            ls="none",
            marker="D",
            ms=5,
            mfc="white",
            color=C["blue"],
            label="Officers: financial years, permanent staff (headcount)",
        )
    styles = [
        ("po_leaving_rate_pct", "Probation officers (PO)", C["blue"], "o"),
        ("pso_leaving_rate_pct", "Probation services officers (PSO)", C["orange"], "s"),
        ("hmpps_leaving_rate_pct", "All HMPPS staff", C["grey"], "^"),
    ]
    for measure, label, colour, marker in styles:
        rows = lr[(lr["measure"] == measure) & (lr["basis"] != "annual_permanent_headcount")].set_index("date")
        charts.plot_segments(ax, rows["value"], rows["basis"], label=label, color=colour, marker=marker, ms=4)
    charts.decoration(ax.axvline(S.UNIFICATION, color="#777777", lw=0.8, ls=":"))
    ax.set_ylim(0, lr["value"].max() * 1.45)
    ax.set_xlim(lr["date"].min() - pd.Timedelta(days=180), lr["date"].max() + pd.Timedelta(days=180))
    ax.legend(loc="upper left", fontsize=8.5)
    title = (
        f"Officer leaving rates peaked at {fmt_pct(po['peak'])} in the year to {fmt_month(po['peak_date'])} "
        f"after unification and were {fmt_pct(po['latest'])} in the year to {fmt_month(po['latest_date'])}"
    )
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="End of the 12-month period",
        ylabel="Leavers as % of staff in post (%)",
        source=S.SOURCE + "; parliamentary written answers",
        legend=False,
        note=(
            "Shaded: probation officer rates for financial years, permanent staff only, headcount basis; "
            "they are not comparable with the later rates and are not joined to them. Dotted line: "
            "unification (26 June 2021). Lines join only consecutive quarters on one basis."
        ),
    )
    plotted = lr.pivot_table(index="date", columns="measure", values="value")
    plotted["po_rate_basis"] = lr[lr["measure"] == "po_leaving_rate_pct"].set_index("date")["basis"]
    hm = S.leaving_summary(d, "hmpps_leaving_rate_pct")
    annual_text = (
        f" Before 2021 the officer rates are for financial years and count permanent staff by headcount: "
        f"{len(annual)} yearly points between {fmt_pct(annual['value'].min())} and "
        f"{fmt_pct(annual['value'].max())}, drawn as hollow diamonds in a shaded band and not joined to "
        f"the later series."
        if len(annual)
        else ""
    )
    alt = (
        f"Chart of annual leaving rates (leavers in 12 months as a percentage of staff in post) from "
        f"{_dates(lr['date'])} for probation officers, probation services officers and all HMPPS staff.{annual_text} "
        f"Since unification the officer rate peaked at {fmt_pct(po['peak'])} (year to {fmt_month(po['peak_date'])}) "
        f"and was {fmt_pct(po['latest'])} in the year to {fmt_month(po['latest_date'])}; the all-HMPPS rate peaked "
        f"at {fmt_pct(hm['peak'])} ({fmt_month(hm['peak_date'])}) and was {fmt_pct(hm['latest'])} in the year to "
        f"{fmt_month(hm['latest_date'])}. Points stand alone where quarters between them are not published."
    )
    caption = (
        f"Leaving rates (12 months to date) for probation officers, PSOs and all HMPPS staff, {_dates(lr['date'])}; "
        f"the officer rates before 2021 are on a different basis (shaded)."
    )
    return charts.Figure(
        "fig-leaving-rates",
        fig,
        plotted,
        title=title,
        source=S.SOURCE + "; parliamentary written answers",
        units="percent",
        alt=alt,
        caption=caption,
    )


# ----------------------------------------------------------------------------------------------
#: Series in the long history that are annual by nature: a year between points is no gap.
ANNUAL_DEFINITIONS = ("nps_pre_unification_restated", "probation_trusts")
HISTORY_STYLES = [
    ("pre2008_grade_groups", "Local probation areas 2003-2007", C["grey"], "o"),
    ("probation_trusts", "Probation trusts", C["reddish_purple"], "D"),
    ("nps_pre_unification_restated", "NPS only (restated)", C["bluish_green"], "s"),
    ("nps_pre_unification", "NPS only (as first published)", C["sky_blue"], "v"),
    ("unified", "Unified Probation Service", C["vermillion"], "^"),
]


def long_history(d: S.StaffingData) -> charts.Figure:
    """Older series on their own definitions, each drawn as a separate series."""
    import matplotlib.pyplot as plt

    lat = wf.latest(d.workforce)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
    pre = lat[lat["definition"] == "pre2008_grade_groups"]
    for measure, label, colour in [
        ("po_fte", "PO grade group", C["blue"]),
        ("pso_fte", "PSO grade group", C["orange"]),
    ]:
        s = pre[pre["measure"] == measure].set_index("date")["value"]
        charts.plot_segments(axes[0], s, label=label, color=colour, marker="o", ms=3)
    axes[0].set_title("2003-2007: local probation areas (old grade groups)", fontsize=10)
    ps = lat[lat["measure"] == "probation_service_fte"]
    shown = []
    for definition, label, colour, marker in HISTORY_STYLES:
        s = ps[ps["definition"] == definition].set_index("date")["value"]
        if len(s):
            gap = 4 if definition in ANNUAL_DEFINITIONS else 1
            charts.plot_segments(axes[1], s, label=label, color=colour, marker=marker, ms=3.5, max_gap_quarters=gap)
            shown.append((label, s))
    axes[1].set_title("Probation Service total by definition", fontsize=10)
    import matplotlib.dates as mdates

    for a in axes:
        a.set_ylim(bottom=0)
        a.xaxis.set_major_locator(mdates.YearLocator(1 if a is axes[0] else 4))
        a.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes[0].legend(loc="lower right", fontsize=7.5)
    axes[1].legend(loc="lower right", fontsize=7.5)
    uni = ps[ps["definition"] == "unified"].sort_values("date")
    title = (
        f"Older series use other definitions: the unified service ({fmt_int(uni['value'].iloc[-1])} FTE in "
        f"{fmt_month(uni['date'].iloc[-1])}) is not comparable with the NPS alone"
    )
    source = (
        "Hansard written answers (2003-2007); Home Office workforce reports; data.justice.gov.uk; HMPPS workforce "
        "quarterly statistics"
    )
    fig.suptitle(charts.wrap(title, 95), fontsize=11.5, fontweight="bold", x=0.01, ha="left")
    axes[0].set_ylabel("Full-time equivalent staff (FTE)")
    for a in axes:
        a.set_xlabel("Reference date")
    fig.text(
        0.01,
        -0.03,
        charts.wrap(
            f"Source: {source}. Each definition is a separate series (data/workforce_quarterly.csv, "
            "column definition); lines join only consecutive periods of one series.",
            130,
        ),
        fontsize=8,
        ha="left",
        va="top",
    )
    fig.tight_layout()
    plotted = lat[lat["measure"].isin(["po_fte", "pso_fte", "probation_service_fte"])][
        ["date", "measure", "value", "definition", "vintage"]
    ].reset_index(drop=True)
    po_pre = pre[pre["measure"] == "po_fte"].sort_values("date")
    totals = "; ".join(
        f"{label} {fmt_int(s.iloc[0])} ({fmt_month(s.index[0])})"
        + (f" to {fmt_int(s.iloc[-1])} ({fmt_month(s.index[-1])})" if len(s) > 1 else "")
        for label, s in shown
    )
    alt = (
        f"Two panels. Left: probation officer and PSO grade groups of the local probation areas, "
        f"{_dates(po_pre['date'])}; the officer group went from {fmt_int(po_pre['value'].iloc[0])} to "
        f"{fmt_int(po_pre['value'].iloc[-1])} FTE. Right: Probation Service total staff under {len(shown)} "
        f"definitions, each a separate series: {totals}."
    )
    caption = "Longer history of probation staffing, each definition plotted as a separate series."
    return charts.Figure(
        "fig-long-history", fig, plotted, title=title, source=source, units="FTE", alt=alt, caption=caption
    )


# ----------------------------------------------------------------------------------------------
def people_per_po(d: S.StaffingData) -> charts.Figure:
    """The ministers' direct average caseload per officer beside the people-per-officer proxy."""
    dm = S.demand(d)
    proxy, direct = dm["proxy"], dm["direct"]
    fig, ax = charts.new_figure(8.5, 4.4)
    charts.plot_segments(
        ax,
        proxy["people_per_po_fte"],
        label="People supervised per PO FTE (proxy)",
        color=C["bluish_green"],
        marker="o",
    )
    charts.plot_segments(
        ax,
        direct,
        label="Average caseload per PO, 12 months to date (ministers' figure)",
        color=C["vermillion"],
        marker="s",
        max_gap_quarters=4,
    )
    for series, dy in ((proxy["people_per_po_fte"], 7), (direct, -13)):
        for x, y in series.items():
            ax.annotate(
                f"{y:.0f}" if series is not direct else f"{y:.1f}",
                (x, y),
                textcoords="offset points",
                xytext=(0, dy),
                ha="center",
                fontsize=8,
            )
    ax.set_ylim(0, max(proxy["people_per_po_fte"].max(), direct.max()) * 1.25)
    start = min(proxy.index.min(), direct.index.min())
    end = max(proxy.index.max(), direct.index.max())
    charts.quarter_axis(ax, start, end)
    ax.legend(loc="lower left")
    pv, dv = dm["proxy_verdict"], dm["direct_verdict"]
    if dm["proxy_pair"]:
        a, b = dm["proxy_pair"]
        change = 100 * (proxy.loc[b, "people_per_po_fte"] / proxy.loc[a, "people_per_po_fte"] - 1)
        proxy_text = f"people supervised per officer FTE {_moved(pv, change, 0)} ({fmt_month(a)} to {fmt_month(b)})"
    else:
        proxy_text = "people supervised per officer FTE cannot be compared like for like"
    title = (
        f"Average caseload per officer {dv.word} ({fmt_num(direct.iloc[0], 1)} to {fmt_num(direct.iloc[-1], 1)}); "
        f"{proxy_text}"
    )
    source = (
        "Offender Management Statistics; HMPPS workforce quarterly statistics; parliamentary written answer "
        "on average caseloads (UIN 3550)"
    )
    charts.finish(
        fig,
        ax,
        title=title,
        xlabel="Quarter end (end of the 12-month period for the ministers' figure)",
        ylabel="People or cases per officer (ratio)",
        source=source,
        legend=False,
        note=(
            "The proxy divides everyone under supervision by officer FTE: PSOs and others also hold cases, so "
            "it is not a caseload. The ministers' figure is the average caseload per probation officer from "
            "the workload tool, a 12-month average."
        ),
    )
    plotted = proxy.join(direct.rename("avg_caseload_per_po_12m"), how="outer")
    plotted.index.name = "date"
    alt = (
        "Line chart with two series. People under probation supervision per full-time-equivalent "
        f"probation officer (a proxy), {len(proxy)} quarters from {_dates(proxy.index)}: "
        f"{fmt_num(proxy['people_per_po_fte'].iloc[0], 1)} at the start and "
        f"{fmt_num(proxy['people_per_po_fte'].iloc[-1], 1)} at the end. The ministers' average "
        f"caseload per probation officer, 12-month averages ending {_dates(direct.index)}: "
        f"{', '.join(fmt_num(v, 1) for v in direct)}; it {dv.word} ({dv.reason})."
    )
    caption = (
        "People under probation supervision per FTE band 4 probation officer (quarters with both figures), "
        "beside the ministers' average caseload per probation officer (12-month averages)."
    )
    return charts.Figure(
        "fig-people-per-po", fig, plotted, title=title, source=source, units="ratio", alt=alt, caption=caption
    )


#: Every figure of the chapter, in the order the chapter shows them (the tests run each one).
ALL = (po_pso_fte, quarterly_changes, po_revisions, leaving_rates, long_history, people_per_po)
