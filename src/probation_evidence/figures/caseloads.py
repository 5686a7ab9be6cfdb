"""Figures of the caseload chapter (``notebooks/01_caseloads_and_quality.ipynb``).

Each function takes :class:`probation_evidence.caseloads.CaseloadData` and returns a
:class:`probation_evidence.charts.Figure` whose title, alt text and caption are computed from the
data (see the package docstring for the contract). Each chart says which measure it shows: a
caseload counts cases; the workload tool weights them by type and risk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import caseloads as C, charts
from ..present import fmt_int, fmt_month, fmt_num, fmt_pct

OI = charts.OKABE_ITO
COLOURS = {"CRC": OI["vermillion"], "NPS": OI["blue"]}
NAMES = {"CRC": "CRCs", "NPS": "NPS divisions"}


def _round() -> str:
    return C.ROUND.replace("-", "/")


# ----------------------------------------------------------------------------------------------
def crc_nps_contrast(d: C.CaseloadData) -> charts.Figure:
    """CRCs against NPS divisions: the share of staff above 40 cases (the inspectorate's 2020 figures)
    and the share of providers rated Good or better in the 2018/19 round, with Wilson intervals."""
    c = C.contrast(d)
    f = c["fisher"]
    rows = {"CRC": d.share("CRC", ">40"), "NPS": d.share("NPS", ">40")}
    over40 = {k: float(r["pct"]) for k, r in rows.items()}
    staff_source = C.attribution(rows["CRC"], d.sources)
    index = {"NPS": 0, "CRC": 1}  # position of each provider type in the Fisher result
    good = {k: f.good[i] for k, i in index.items()}
    rated = {k: f.totals[i] for k, i in index.items()}
    pct = {k: 100 * f.proportions[i] for k, i in index.items()}
    ci = {k: (100 * f.group_ci[i].ci_low, 100 * f.group_ci[i].ci_high) for k, i in index.items()}
    order = ["CRC", "NPS"]

    fig, axes = charts.new_figure(9, 4.2, ncols=2)
    ax = axes[0]
    ax.bar(order, [over40[k] for k in order], color=[COLOURS[k] for k in order], width=0.6)
    for i, k in enumerate(order):
        ax.text(i, over40[k] + 2, fmt_pct(over40[k], 0), ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Staff with more than 40 cases (%)")
    ax.set_title("Caseloads (the inspectorate's 2020 figures)", loc="left", fontsize=10.5, fontweight="normal")
    ax.grid(axis="x", visible=False)
    ax = axes[1]
    ax.bar(
        order,
        [pct[k] for k in order],
        color=[COLOURS[k] for k in order],
        width=0.6,
        yerr=[[pct[k] - ci[k][0] for k in order], [ci[k][1] - pct[k] for k in order]],
        capsize=4,
        ecolor="#333333",
    )
    for i, k in enumerate(order):
        ax.text(i + 0.33, pct[k] + 2, f"{good[k]} of {rated[k]}", ha="left", va="bottom", fontsize=9)
    ax.set_xlim(-0.6, 1.9)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Rated Good or better (%)")
    ax.set_title(f"Inspection ratings, {_round()} round", loc="left", fontsize=10.5, fontweight="normal")
    ax.grid(axis="x", visible=False)
    title = (
        f"{good['CRC']} of {rated['CRC']} CRCs were rated Good or better, against {good['NPS']} of {rated['NPS']} "
        f"NPS divisions (Fisher exact p = {f.p_value:.3f}); {fmt_pct(over40['CRC'], 0)} of CRC staff and "
        f"{fmt_pct(over40['NPS'], 0)} of NPS staff held more than 40 cases"
    )
    fig.suptitle(charts.wrap(title, 95), fontsize=11.5, fontweight="bold", x=0.01, ha="left")
    source = (
        f"HM Inspectorate of Probation: {_round()} inspection reports (ratings); 2020 spending-review submission, "
        f"{staff_source.word} (caseloads)"
    )
    note = (
        "Error bars: Wilson 95% intervals. A comparison of organisations, not of practitioners: CRCs and NPS "
        "divisions differed in much more than caseload."
    )
    fig.tight_layout()
    charts.source_line(fig, f"Source: {source}.\nNote: {note}", width=120, fontsize=8)
    plotted = pd.DataFrame(
        {
            "provider": order,
            "pct_staff_over_40_cases": [over40[k] for k in order],
            "rated_good_or_better": [good[k] for k in order],
            "rated": [rated[k] for k in order],
            "pct_rated_good_or_better": [pct[k] for k in order],
            "wilson_low": [ci[k][0] for k in order],
            "wilson_high": [ci[k][1] for k in order],
        }
    )
    alt = (
        f"Two bar charts comparing Community Rehabilitation Companies (CRCs) with National Probation Service (NPS) "
        f"divisions. Left, caseloads: {fmt_pct(over40['CRC'], 0)} of CRC staff against {fmt_pct(over40['NPS'], 0)} of "
        f"NPS staff held more than 40 cases (the inspectorate's 2020 spending-review submission, {staff_source.word}). "
        f"Right, inspection ratings in the {_round()} round: {good['CRC']} of {rated['CRC']} CRCs "
        f"({fmt_pct(pct['CRC'], 0)}, 95% interval {ci['CRC'][0]:.0f}% to {ci['CRC'][1]:.0f}%) against {good['NPS']} of "
        f"{rated['NPS']} NPS divisions ({fmt_pct(pct['NPS'], 0)}, {ci['NPS'][0]:.0f}% to {ci['NPS'][1]:.0f}%) were "
        f"rated Good or better; Fisher exact test p = {f.p_value:.3f}, {c['verdict'].word} by the book's rule. "
        f"{note}"
    )
    caption = (
        f"CRCs against NPS divisions: the share of staff holding more than 40 cases (the inspectorate's 2020 "
        f"figures, {staff_source.word}) and the share of providers rated Good or better in the {_round()} "
        f"inspection round, with Wilson 95% intervals."
    )
    return charts.Figure(
        "fig-crc-nps-contrast",
        fig,
        plotted,
        title=title,
        source=source,
        units="percent of staff; percent of providers",
        alt=alt,
        caption=caption,
    )


# ----------------------------------------------------------------------------------------------
def caseload_and_workload(d: C.CaseloadData) -> charts.Figure:
    """The ministers' average caseload per officer (cases) beside the national average on the
    workload tool (percent of capacity): two measures, two panels, never one scale."""
    avg = C.average_caseload(d)
    series, word = avg["series"], avg["verdict"]
    wl = C.workload(d)
    rows = wl["rows"]
    at = float(d.value("quality_decline_threshold_caseload"))
    caseload_source = C.attribution(
        d.fact("po_average_caseload", d.facts.loc[d.facts["measure"] == "po_average_caseload", "period"].iloc[-1]),
        d.sources,
    )

    fig, axes = charts.new_figure(9, 4.6, ncols=2)
    ax = axes[0]
    xs = np.arange(len(series))
    ax.bar(xs, series.to_numpy(), color=OI["blue"], width=0.6)
    for x, v in zip(xs, series, strict=True):
        ax.text(x, v + 1, fmt_num(v, 1), ha="center", va="bottom", fontsize=9)
    charts.decoration(
        ax.axhline(
            at,
            color="#333333",
            ls="--",
            lw=1.2,
            label=f"Inspectorate's finding: quality falls at {fmt_int(at)} or more cases",
        )
    )
    ax.set_xticks(xs)
    ax.set_xticklabels([f"Year to\n{t:%b %Y}" for t in series.index])
    ax.set_ylim(0, max(at, float(series.max())) * 1.25)
    ax.set_ylabel("Cases per probation officer")
    ax.set_title("Caseload: cases per officer", loc="left", fontsize=10.5, fontweight="normal")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8)
    ax = axes[1]
    xs = np.arange(len(rows))
    ax.bar(xs, rows["value"].to_numpy(float), color=OI["orange"], width=0.6)
    for x, v in zip(xs, rows["value"], strict=True):
        ax.text(x, v + 2, fmt_pct(v, 0), ha="center", va="bottom", fontsize=9)
    charts.decoration(ax.axhline(100, color="#333333", ls=":", lw=1.2, label="Full capacity (100%)"))
    charts.decoration(
        ax.axhline(
            wl["excessive"],
            color="#333333",
            ls="--",
            lw=1.2,
            label=f"Excessive if sustained for {fmt_int(wl['weeks'])} weeks ({fmt_pct(wl['excessive'], 0)})",
        )
    )
    ax.set_xticks(xs)
    ax.set_xticklabels([f"Snapshots to\n{t:%b %Y}" for t in rows["when"]])
    ax.set_xlim(-0.7, max(len(rows), 2) - 0.3)
    ax.set_ylim(0, max(float(rows["value"].max()), wl["excessive"]) * 1.2)
    ax.set_ylabel("Average workload (% of capacity)")
    ax.set_title("Workload: the workload tool", loc="left", fontsize=10.5, fontweight="normal")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8)
    latest = wl["latest"]
    title = (
        f"The ministers' average caseload per officer {word.word} ({fmt_num(series.iloc[0], 1)} to "
        f"{fmt_num(series.iloc[-1], 1)} cases), while the national average workload was "
        f"{fmt_pct(latest['value'], 0)} of capacity in the snapshots to {fmt_month(latest['when'])}"
    )
    fig.suptitle(charts.wrap(title, 95), fontsize=11.5, fontweight="bold", x=0.01, ha="left")
    source = (
        f"Average caseload: Ministry of Justice answer to a written parliamentary question, "
        f"{caseload_source.word}. National average workload: Ministry workload-tool data, {wl['source'].word}. "
        f"Excessive level: Ministry of Justice written answer"
    )
    note = (
        "Two different measures on two scales: a caseload counts cases; the workload tool weights each case by its "
        "type, stage and risk of serious harm, as a share of the practitioner's contracted hours."
    )
    fig.tight_layout()
    charts.source_line(fig, f"Source: {source}.\nNote: {note}", width=120, fontsize=8)
    plotted = pd.concat(
        [
            pd.DataFrame(
                {
                    "measure": "average caseload per probation officer",
                    "unit": "cases",
                    "period_end": series.index.strftime("%Y-%m-%d"),
                    "value": series.to_numpy(),
                }
            ),
            pd.DataFrame(
                {
                    "measure": "national average workload (monthly snapshots)",
                    "unit": "percent of capacity",
                    "period_end": rows["when"].dt.strftime("%Y-%m-%d").to_numpy(),
                    "value": rows["value"].to_numpy(float),
                }
            ),
        ],
        ignore_index=True,
    )
    listing_caseload = ", ".join(f"{fmt_num(v, 1)} in the year to {t:%B %Y}" for t, v in series.items())
    listing_workload = ", ".join(
        f"{fmt_pct(r.value, 0)} in the snapshots to {fmt_month(r.when)}" for r in rows.itertuples()
    )
    alt = (
        "Two bar charts on different scales. Left, the average caseload per probation officer given by ministers: "
        f"{listing_caseload}, against a dashed line at the inspectorate's {fmt_int(at)} cases; from the first year to "
        f"the last it {word.word} ({word.details['change_pct']:+.1f}%). Right, the national average workload on the "
        f"Ministry's workload tool ({wl['source'].word}): {listing_workload}, against dotted and dashed lines at full "
        f"capacity (100%) and at the {fmt_pct(wl['excessive'], 0)} the Ministry treats as excessive when sustained "
        f"for {fmt_int(wl['weeks'])} weeks; the latest figure is {wl['against_excessive'].word} that level. {note}"
    )
    caption = (
        f"Caseload and workload: the ministers' average caseload per probation officer (cases) and the national "
        f"average workload on the Ministry's workload tool (percent of capacity, {wl['source'].word})."
    )
    return charts.Figure(
        "fig-caseload-and-workload",
        fig,
        plotted,
        title=title,
        source=source,
        units="cases; percent of capacity",
        alt=alt,
        caption=caption,
    )


#: Every figure of the chapter, in the order the chapter shows them (the tests run each one).
ALL = (crc_nps_contrast, caseload_and_workload)
