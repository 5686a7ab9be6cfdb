"""The staffing chapter's story, computed: every number and qualitative word in
``notebooks/02_staffing_trends.ipynb`` and in the landing page's staffing finding.

The notebook narrates; this module computes. :func:`load_data` reads the tables the chapter
declares; :func:`texts` returns every glued value (numbers formatted for prose, and the
words decided by :mod:`probation_evidence.rules`); :func:`conclusions` lists each word with
the rule's reason; the tables and figures are built from the same computations, so the
text, the charts and the landing page cannot disagree. A test edits a copy of the data so
that each rule flips and checks that these texts change with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import pandas as pd

from . import load, rules, workforce as wf
from .present import Table, fmt_date, fmt_int, fmt_month, fmt_num, fmt_pct, fmt_signed, format_frame

#: Tables the chapter reads (the notebook declares the same list in its metadata).
TABLES = (
    "workforce_quarterly",
    "workforce_stated_changes",
    "probation_caseload",
    "caseload_facts",
    "national_facts",
    "events",
    "local_facts",
)
UNIFICATION = pd.Timestamp("2021-06-26")
#: Assumed shares of due trainees who qualify (no published completion rate was found).
COMPLETION = (0.6, 0.8, 1.0)
#: Word sets for this chapter's sentences (codes from :func:`rules.direction`).
ARE = {
    "up": "rising",
    "down": "falling",
    "flat": "little changed",
    "not_comparable": "not comparable with a year earlier",
}
PIPELINE = {"up": "widening", "down": "narrowing", "flat": "steady", "not_comparable": "not comparable"}
FLOW_LABELS = {
    "pso_appointed_12m": "PSOs appointed (some are trainee officers)",
    "pso_leavers_12m": "PSOs who left",
    "probation_leavers_12m": "Probation staff of all grades who left",
    "band4_po_resignations_4yrs_plus_service_12m": "Band 4 officers with four or more years' service who resigned",
}
SOURCE = "HMPPS workforce quarterly statistics (Ministry of Justice); probation-evidence data/workforce_quarterly.csv"


@dataclass
class StaffingData:
    """The tables the chapter reads, validated on load."""

    workforce: pd.DataFrame
    stated: pd.DataFrame
    caseload: pd.DataFrame
    caseload_facts: pd.DataFrame
    facts: pd.DataFrame
    events: pd.DataFrame
    local: pd.DataFrame

    # ------------------------------------------------------------------ series
    @cached_property
    def unified(self) -> pd.DataFrame:
        return wf.band_series(self.workforce, "unified")

    @cached_property
    def nps(self) -> pd.DataFrame:
        return wf.band_series(self.workforce, "nps_pre_unification")

    @cached_property
    def latest_rows(self) -> pd.DataFrame:
        """Latest-vintage rows of every measure and definition."""
        return wf.latest(self.workforce)

    @cached_property
    def latest(self) -> pd.Timestamp:
        return wf.latest_date(self.workforce, "po_fte")

    def fact(self, measure: str, date: str | None = None) -> pd.Series:
        rows = self.facts[self.facts["measure"] == measure]
        if date is not None:
            rows = rows[rows["date"] == date]
        if len(rows) != 1:
            raise ValueError(f"expected one national_facts row for {measure} {date or ''}, found {len(rows)}")
        return rows.iloc[0]

    def facts_matching(self, pattern: str) -> pd.DataFrame:
        rows = self.facts[self.facts["measure"].str.match(pattern)]
        return rows.sort_values("date")


def load_data(folder=None) -> StaffingData:
    """Load the chapter's tables from ``folder`` (default: the book's data folder)."""
    t = {name: load.load_table(name, folder) for name in TABLES}
    return StaffingData(
        t["workforce_quarterly"],
        t["workforce_stated_changes"],
        t["probation_caseload"],
        t["caseload_facts"],
        t["national_facts"],
        t["events"],
        t["local_facts"],
    )


# ====================================================================== computations
def _series(d: StaffingData, measure: str) -> tuple[pd.Series, pd.Series]:
    """Latest-vintage values of a measure on every definition, with each value's definition."""
    rows = d.latest_rows
    rows = rows[rows["measure"] == measure].set_index("date").sort_index()
    return rows["value"], rows["definition"]


def year_on_year(d: StaffingData, measure: str, words=ARE, date=None) -> tuple[wf.Change | None, rules.Verdict]:
    """The latest computable year-on-year change of a measure and the rule's word for it."""
    ch = wf.latest_year_on_year(d.workforce, measure) if date is None else wf.year_on_year(d.workforce, measure, date)
    values, defs = _series(d, measure)
    if ch is None:
        return None, rules.Verdict("direction", "not_comparable", words["not_comparable"], "no figure a year earlier")
    verdict = rules.series_direction(values, ch.date, ch.comparison_date, definitions=defs, unit="FTE", words=words)
    return ch, verdict


def stated_year_on_year(d: StaffingData, measure: str, words=ARE) -> tuple[wf.Change, rules.Verdict]:
    """:func:`year_on_year` for texts that state the change in numbers: refuse, naming the table and
    measure, when no quarter of the series has a figure a year earlier."""
    ch, verdict = year_on_year(d, measure, words)
    if ch is None:
        raise ValueError(
            f"workforce_quarterly: {measure} has no quarter with a figure a year earlier, "
            "so its year-on-year change cannot be stated"
        )
    return ch, verdict


def longest_whole_years(index) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The two dates furthest apart by a whole number of years (ties: the later pair)."""
    dates = sorted(pd.Timestamp(x) for x in index)
    best = None
    for i, a in enumerate(dates):
        for b in dates[i + 1 :]:
            months = (b.year - a.year) * 12 + b.month - a.month
            if months > 0 and months % 12 == 0:
                key = (months, b)
                if best is None or key > best[0]:
                    best = (key, (a, b))
    return None if best is None else best[1]


def since_unification(d: StaffingData, measure: str = "po_fte") -> dict:
    """Change since the first unified quarter, and like for like (same quarter, whole years)."""
    s = d.unified[measure].dropna()
    first, last = s.index[0], s.index[-1]
    pair = longest_whole_years(s.index)
    verdict = (
        rules.series_direction(s, pair[1], pair[0], unit="FTE", words=rules.RISEN)
        if pair
        else rules.Verdict(
            "direction", "not_comparable", rules.RISEN["not_comparable"], "no quarter a whole year apart"
        )
    )
    return {
        "first": first,
        "last": last,
        "first_value": s.loc[first],
        "last_value": s.loc[last],
        "pair": pair,
        "verdict": verdict,
        "series": s,
    }


def season(d: StaffingData, measure: str = "po_fte", end=None) -> rules.Verdict:
    values, defs = _series(d, measure)
    return rules.seasonality(values, definitions=defs, end=end)


def quarter_changes(d: StaffingData, measure: str = "po_fte") -> pd.Series:
    values, defs = _series(d, measure)
    return rules.quarter_changes(values, defs)


def stated_checks(d: StaffingData) -> pd.DataFrame:
    return wf.check_stated_changes(d.workforce, d.stated)


def leaving(d: StaffingData) -> pd.DataFrame:
    return wf.leaving_rates(d.workforce)


def leaving_summary(d: StaffingData, measure: str) -> dict:
    """Latest rate, the rate a year earlier on the same basis (with the rule's word), and the peak
    since unification."""
    lr = leaving(d)
    rows = lr[lr["measure"] == measure].set_index("date").sort_index()
    latest = rows.index[-1]
    unified = rows[rows["basis"] == "unified"]["value"]
    year_before = latest - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
    verdict = rules.series_direction(rows["value"], latest, year_before, definitions=rows["basis"], unit="%", words=ARE)
    return {
        "latest": rows["value"].iloc[-1],
        "latest_date": latest,
        "year_before": year_before,
        "year_before_value": rows["value"].get(year_before),
        "verdict": verdict,
        "peak": unified.max() if len(unified) else None,
        "peak_date": unified.idxmax() if len(unified) else None,
        "rows": rows,
    }


def pipeline(d: StaffingData) -> dict:
    """Trainee intakes, the rule's word on the latest intake, the intakes due to qualify in the year
    after the latest quarter, and the stock-flow sketch."""
    intakes = wf.pqip_intakes(d.facts)
    if len(intakes) < 1:
        raise ValueError("national_facts holds no trainee intake figures")
    lo = float(d.fact("pqip_duration_months_min")["value"])
    hi = float(d.fact("pqip_duration_months_max")["value"])
    window = (d.latest, d.latest + pd.DateOffset(years=1) + pd.offsets.MonthEnd(0))
    due = wf.intakes_qualifying(intakes, window[0], window[1], lo, hi)
    last = intakes.iloc[-1]
    prev = intakes.iloc[-2] if len(intakes) > 1 else None
    if prev is not None and prev["start"] + pd.DateOffset(years=1) == last["start"]:
        verdict = rules.direction(last["trainees"], prev["trainees"], unit="trainees", words=PIPELINE)
        verdict = rules.Verdict(
            verdict.rule,
            verdict.code,
            verdict.word,
            f"{verdict.reason} ({prev['year']} to {last['year']} intakes)",
            details=verdict.details,
        )
    else:
        verdict = rules.Verdict(
            "direction",
            "not_comparable",
            PIPELINE["not_comparable"],
            "the two latest intakes are not for consecutive years",
        )
    lr = leaving_summary(d, "po_leaving_rate_pct")
    po_now = float(cast(float, d.unified.loc[d.latest, "po_fte"]))  # a cell of the FTE series
    sketch = wf.pipeline_scenarios(po_now, float(due["due"].sum()), COMPLETION, float(lr["latest"]))
    commitments = d.facts_matching(r"^pqip_onboarding_commitment_\d{4}_\d{2}$")
    return {
        "intakes": intakes,
        "min_months": lo,
        "max_months": hi,
        "window": window,
        "due": due,
        "verdict": verdict,
        "last": last,
        "prev": prev,
        "sketch": sketch,
        "po_now": po_now,
        "leaving_rate": lr["latest"],
        "commitment": commitments.iloc[-1] if len(commitments) else None,
    }


def demand(d: StaffingData) -> dict:
    """People supervised per officer FTE (a proxy, unified service only) beside the ministers'
    direct average caseload per officer."""
    cl = d.caseload.set_index("date")["people_supervised"].astype(float)
    joined = pd.DataFrame({"people_supervised": cl, "po_fte": d.unified["po_fte"]}).dropna()
    joined = joined[joined.index > UNIFICATION]
    if joined.empty:
        raise ValueError("no quarter has both people supervised and unified officer numbers")
    joined["people_per_po_fte"] = joined["people_supervised"] / joined["po_fte"]
    pair = longest_whole_years(joined.index)
    proxy_verdict = (
        rules.series_direction(joined["people_per_po_fte"], pair[1], pair[0], words=rules.ROSE)
        if pair
        else rules.Verdict(
            "direction", "not_comparable", rules.ROSE["not_comparable"], "no two quarters a whole year apart"
        )
    )
    direct = wf.direct_caseload(d.caseload_facts)
    direct_verdict = rules.direction(direct.iloc[-1], direct.iloc[0], words=RISEN_BARELY)
    return {
        "proxy": joined,
        "proxy_pair": pair,
        "proxy_verdict": proxy_verdict,
        "direct": direct,
        "direct_verdict": direct_verdict,
    }


RISEN_BARELY = {"up": "rose", "down": "fell", "flat": "barely moved", "not_comparable": "cannot be compared"}


# ====================================================================== prose
def _rate_comparison(summary: dict) -> str:
    """'against 8.3% a year earlier (falling)', or why no direction is given."""
    v = summary["verdict"]
    if v.code == "not_comparable":
        return f"with no direction given ({v.reason})"
    return f"against {fmt_pct(summary['year_before_value'])} a year earlier ({v.word})"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def qoq_note(d: StaffingData) -> str:
    """A sentence on the latest quarter-on-quarter change, read against the seasonal rule."""
    v = season(d)
    if v.code == "seasonal":
        return (
            f"quarter-on-quarter changes in this series follow a regular pattern within the year ({v.reason}), "
            f"so only year-on-year changes are read as a trend"
        )
    return f"quarter-on-quarter changes are not read as a trend ({v.reason})"


def key_finding(d: StaffingData) -> str:
    """The landing page's staffing finding: what the data support, with its caveat."""
    po, po_v = stated_year_on_year(d, "po_fte")
    pso, pso_v = stated_year_on_year(d, "pso_fte")
    qoq = wf.quarter_on_quarter(d.workforce, "po_fte", d.latest)
    if qoq is None:
        q_text = "no figure is available for the previous quarter"
    else:
        q = qoq.absolute
        q_text = (
            f"{fmt_int(abs(q))} {'fewer' if q < 0 else 'more'} than in the previous quarter"
            if q
            else "the same as in the previous quarter"
        )
    v = season(d)
    caveat = (
        f"a movement of this kind is part of a regular pattern within the year ({v.reason}), so the "
        f"year-on-year comparison is the one to read"
        if v.code == "seasonal"
        else f"quarterly changes are not read as a trend ({v.reason})"
    )
    return (
        f"**Officer numbers are {po_v.word} year on year; PSO numbers are {pso_v.word}.** There were "
        f"{fmt_int(po.value)} FTE band 4 probation officers at {fmt_date(po.date)}, {fmt_signed(po.absolute)} "
        f"({fmt_pct(po.percent)}) on a year earlier, and {q_text}: {caveat}. Band 3 PSOs, who include trainee "
        f"officers, numbered {fmt_int(pso.value)} FTE at {fmt_date(pso.date)}, {fmt_signed(pso.absolute)} "
        f"({fmt_pct(pso.percent)}) on a year earlier."
    )


def texts(d: StaffingData) -> dict[str, str]:
    """Every value the chapter glues, as text."""
    out: dict[str, str] = {}
    # ---- latest release
    po, po_v = stated_year_on_year(d, "po_fte")
    pso, pso_v = stated_year_on_year(d, "pso_fte")
    ps, ps_v = stated_year_on_year(d, "probation_service_fte")
    qoq = wf.quarter_on_quarter(d.workforce, "po_fte", d.latest)
    out.update(
        {
            "latest_quarter": fmt_date(po.date),
            "po_latest": fmt_int(po.value),
            "po_yoy_abs": fmt_signed(po.absolute),
            "po_yoy_pct": fmt_pct(po.percent),
            "po_yoy_from": fmt_date(po.comparison_date),
            "po_yoy_word": po_v.word,
            "po_qoq_abs": fmt_signed(qoq.absolute) if qoq is not None else "not available",
            "qoq_note": qoq_note(d),
            "pso_latest": fmt_int(pso.value),
            "pso_date": fmt_date(pso.date),
            "pso_yoy_abs": fmt_signed(pso.absolute),
            "pso_yoy_pct": fmt_pct(pso.percent),
            "pso_yoy_word": pso_v.word,
            "ps_latest": fmt_int(ps.value),
            "ps_date": fmt_date(ps.date),
            "ps_yoy_abs": fmt_signed(ps.absolute),
            "ps_yoy_pct": fmt_pct(ps.percent),
            "ps_yoy_word": ps_v.word,
        }
    )
    # ---- NPS only, then the unified service
    nps = d.nps[["po_fte", "pso_fte"]].dropna()
    out.update(
        {
            "first_band_date": fmt_month(nps.index[0]),
            "nps_last_date": fmt_month(nps.index[-1]),
            "po_nps_first": fmt_int(nps["po_fte"].iloc[0]),
            "po_nps_last": fmt_int(nps["po_fte"].iloc[-1]),
            "pso_nps_first": fmt_int(nps["pso_fte"].iloc[0]),
            "pso_nps_last": fmt_int(nps["pso_fte"].iloc[-1]),
        }
    )
    u = since_unification(d)
    out.update(
        {
            "unif_first_date": fmt_month(u["first"]),
            "po_unif_first": fmt_int(u["first_value"]),
            "po_unif_abs": fmt_signed(u["last_value"] - u["first_value"]),
            "po_unif_pct": fmt_pct(100 * (u["last_value"] / u["first_value"] - 1)),
            "po_unif_word": u["verdict"].word,
        }
    )
    if u["pair"]:
        a, b = u["pair"]
        ser = u["series"]
        out["po_like_sentence"] = (
            f"Because the series moves within the year, the like-for-like comparison is between "
            f"the same quarters: {fmt_int(ser.loc[a])} in {fmt_month(a)} against "
            f"{fmt_int(ser.loc[b])} in {fmt_month(b)} ({fmt_signed(ser.loc[b] - ser.loc[a])}, "
            f"{fmt_pct(100 * (ser.loc[b] / ser.loc[a] - 1))})."
        )
    else:
        out["po_like_sentence"] = (
            "The unified series does not yet span a whole year, so no like-for-like comparison is made."
        )
    pso_u = d.unified["pso_fte"].dropna()
    out.update(
        {
            "pso_peak": fmt_int(pso_u.max()),
            "pso_peak_date": fmt_month(pso_u.idxmax()),
            "pso_since_peak": fmt_signed(pso_u.iloc[-1] - pso_u.max()),
        }
    )
    # ---- quarterly pattern
    v = season(d)
    changes = rules.quarter_changes(d.unified["po_fte"].dropna())
    out.update({"season_word": v.word, "season_reason": v.reason, "n_qoq": fmt_int(len(changes))})
    earlier_end = v.details.get("start")
    earlier = season(d, end=earlier_end) if earlier_end is not None else None
    if earlier is None or earlier.code == "insufficient":
        out["season_earlier"] = "There are too few earlier quarters to say whether the pattern held before that."
    else:
        out["season_earlier"] = (
            f"In the {rules._count(rules.SEASONAL_YEARS)} years before that the verdict is "
            f"\u201c{earlier.word}\u201d: {earlier.reason}."
        )
        if v.code == earlier.code == "seasonal" and v.details["pattern"] != earlier.details["pattern"]:
            out["season_earlier"] += (
                " The pattern itself has changed, so it cannot be used to predict the next quarter."
            )
    # ---- stated changes
    summary = wf.stated_check_summary(stated_checks(d))
    out.update(
        {
            "tol_fte": fmt_int(wf.ABS_TOLERANCE["FTE"]),
            "tol_pct": fmt_num(wf.PCT_TOLERANCE, 2),
            "tol_pp": fmt_num(wf.ABS_TOLERANCE["percentage points"], 1),
            "n_stated": fmt_int(summary["statements"]),
            "n_checked": fmt_int(summary["checked"]),
            "n_independent": fmt_int(summary["independent"]),
            "n_indep_match": fmt_int(summary["independent_match"]),
            "n_construction": fmt_int(summary["construction"]),
            "n_stated_mismatch": fmt_int(summary["mismatch"]),
            "n_stated_nc": fmt_int(summary["not_checkable"]),
        }
    )
    # ---- revisions
    rev = wf.revisions(d.workforce)
    po_rev = rev[rev["measure"] == "po_fte"]
    out["n_revised"] = fmt_int(len(rev))
    if len(po_rev):
        big = po_rev.iloc[po_rev["revision"].abs().argmax()]
        out["rev_po_sentence"] = (
            f"The largest revision of officer numbers is {fmt_month(big.date)}: first published as "
            f"{fmt_int(big.value_first)} FTE, restated as {fmt_int(big.value_latest)} "
            f"({fmt_signed(big.revision)}) in the {fmt_month(big.vintage_latest)} bulletin."
        )
    else:
        out["rev_po_sentence"] = "No officer figure has been revised."
    reclass = rev[(rev["measure"] == "probation_service_fte") & (rev["definition_first"] != rev["definition_latest"])]
    out["reclass_sentence"] = (
        _listing(
            [
                f"{fmt_month(r.date)} from {fmt_int(cast(float, r.value_first))} FTE as first published to "
                f"{fmt_int(cast(float, r.value_latest))} as restated"
                for r in reclass.itertuples()
            ]
        )
        if len(reclass)
        else "no quarter"
    )
    # ---- leaving rates
    po_lr = leaving_summary(d, "po_leaving_rate_pct")
    hm_lr = leaving_summary(d, "hmpps_leaving_rate_pct")
    annual = po_lr["rows"][po_lr["rows"]["basis"] == "annual_permanent_headcount"]["value"]
    out.update(
        {
            "po_lr_latest": fmt_pct(po_lr["latest"]),
            "po_lr_latest_date": fmt_month(po_lr["latest_date"]),
            "po_lr_word": po_lr["verdict"].word,
            "po_lr_compared": _rate_comparison(po_lr),
            "po_lr_peak": fmt_pct(po_lr["peak"]),
            "po_lr_peak_date": fmt_month(po_lr["peak_date"]),
            "hmpps_lr_latest": fmt_pct(hm_lr["latest"]),
            "hmpps_lr_latest_date": fmt_month(hm_lr["latest_date"]),
            "hmpps_lr_word": hm_lr["verdict"].word,
            "hmpps_lr_compared": _rate_comparison(hm_lr),
            "hmpps_lr_peak": fmt_pct(hm_lr["peak"]),
            "hmpps_lr_peak_date": fmt_month(hm_lr["peak_date"]),
        }
    )
    if len(annual):

        def fy(ts):  # financial year ending in March of ts.year
            return f"{ts.year - 1}/{str(ts.year)[-2:]}"

        out["po_lr_annual_sentence"] = (
            f"Officer rates published for earlier years are on a different basis: financial years, permanent staff "
            f"only, counted by headcount. They ranged from {fmt_pct(annual.min())} to {fmt_pct(annual.max())} between "
            f"{fy(annual.index[0])} and {fy(annual.index[-1])}, and the chart keeps them apart (shaded and unjoined) "
            f"because they cannot be compared with the later rates."
        )
    else:
        out["po_lr_annual_sentence"] = "All officer rates shown are on the 12-months-to-date basis."
    # ---- flows
    flows = wf.published_flows(d.facts)
    out["n_flows"] = fmt_int(len(flows))
    # ---- pipeline
    p = pipeline(d)
    intakes = p["intakes"]
    out.update(
        {
            "pqip_min": fmt_int(p["min_months"]),
            "pqip_max": fmt_int(p["max_months"]),
            "pqip_intakes": _listing([f"{fmt_int(r.trainees)} in {r.year}" for r in intakes.itertuples()]),
            "pipeline_word": p["verdict"].word,
            "pipeline_reason": p["verdict"].reason,
            "window_start": fmt_date(p["window"][0]),
            "window_end": fmt_date(p["window"][1]),
            "pipeline_due": _listing(
                [
                    f"{fmt_pct(100 * r.share, 0)} of the {r.year} intake (about {fmt_int(r.due)} trainees)"
                    for r in p["due"].itertuples()
                ]
            )
            if len(p["due"])
            else "none of the recorded intakes",
            "pipeline_main": p["due"].iloc[0]["year"] if len(p["due"]) else "no intake",
            "pipeline_due_total": fmt_int(p["due"]["due"].sum()),
            "po_leavers_year": fmt_int(p["sketch"]["leavers"].iloc[0]),
            "po_lr_used": fmt_pct(p["leaving_rate"]),
            "po_next_low": fmt_int(p["sketch"]["po_next_year"].min()),
            "po_next_high": fmt_int(p["sketch"]["po_next_year"].max()),
            "qual_low": fmt_int(p["sketch"]["qualifiers"].min()),
            "qual_high": fmt_int(p["sketch"]["qualifiers"].max()),
            "completion_low": fmt_pct(100 * min(COMPLETION), 0),
            "completion_high": fmt_pct(100 * max(COMPLETION), 0),
        }
    )
    secondary = intakes[intakes["source_type"] == "secondary"]["year"].tolist()
    primary = intakes[intakes["source_type"] != "secondary"]["year"].tolist()
    if secondary:
        out["pqip_sources"] = (
            f"the {_listing(secondary)} figure{'s come' if len(secondary) > 1 else ' comes'} from a "
            f"secondary summary of the workforce bulletin"
            + (
                f", the {_listing(primary)} figure{'s' if len(primary) > 1 else ''} from parliamentary answers"
                if primary
                else ""
            )
        )
    else:
        out["pqip_sources"] = "all from parliamentary answers"
    if p["commitment"] is not None:
        y = re.search(r"(\d{4})_(\d{2})$", p["commitment"]["measure"])
        assert y is not None  # commitments are the facts named pqip_onboarding_commitment_YYYY_YY
        out["pqip_commitment"] = (
            f"The government has committed to {fmt_int(p['commitment']['value'])} new trainees in "
            f"{y.group(1)}/{y.group(2)}."
        )
    else:
        out["pqip_commitment"] = "No commitment for later years has been recorded."
    # ---- demand and the direct measure
    dm = demand(d)
    proxy, direct = dm["proxy"], dm["direct"]
    first, last = proxy.iloc[0], proxy.iloc[-1]
    out.update(
        {
            "ppo_first_date": fmt_month(proxy.index[0]),
            "ppo_first": fmt_num(first.people_per_po_fte, 1),
            "ppo_last_date": fmt_month(proxy.index[-1]),
            "ppo_last": fmt_num(last.people_per_po_fte, 1),
            "people_sup_last": fmt_int(last.people_supervised),
            "n_ppo_points": fmt_int(len(proxy)),
            "ppo_change_pct": fmt_pct(100 * (last.people_per_po_fte / first.people_per_po_fte - 1), 0),
            "ppo_word": dm["proxy_verdict"].word,
        }
    )
    if dm["proxy_pair"]:
        a, b = dm["proxy_pair"]
        out["ppo_like_sentence"] = (
            "compared like for like, between the same quarters of the year "
            f"({fmt_month(a)} and {fmt_month(b)}), it {dm['proxy_verdict'].word} by "
            f"{fmt_pct(abs(100 * (proxy.loc[b, 'people_per_po_fte'] / proxy.loc[a, 'people_per_po_fte'] - 1)), 0)}"
            if dm["proxy_verdict"].code in ("up", "down")
            else f"compared like for like ({fmt_month(a)} and {fmt_month(b)}) it {dm['proxy_verdict'].word}"
        )
    else:
        out["ppo_like_sentence"] = (
            "no two of these quarters are a whole year apart, so no like-for-like comparison is made"
        )
    out["ppo_parts"] = (
        f"people supervised changed by {fmt_pct(100 * (last.people_supervised / first.people_supervised - 1), 0)} "
        f"and officer FTE by {fmt_pct(100 * (last.po_fte / first.po_fte - 1), 0)}"
    )
    out.update(
        {
            "caseload_first": fmt_num(direct.iloc[0], 1),
            "caseload_last": fmt_num(direct.iloc[-1], 1),
            "caseload_first_period": f"the year to {direct.index[0]:%B %Y}",
            "caseload_last_period": f"the year to {direct.index[-1]:%B %Y}",
            "caseload_values": _listing([fmt_num(v, 1) for v in direct]),
            "caseload_periods": ("the year" if len(direct) == 1 else "the years")
            + " to "
            + _listing([f"{pd.Timestamp(x):%B %Y}" for x in direct.index]),
            "caseload_change_pct": fmt_pct(100 * (direct.iloc[-1] / direct.iloc[0] - 1), 1),
            "caseload_word": dm["direct_verdict"].word,
            "caseload_target_pct": fmt_pct(float(d.fact("caseload_reduction_target_pct")["value"]), 0),
        }
    )
    wmt = d.facts_matching(r"^wmt_national_average_capacity_pct$")
    if len(wmt):
        parts = _listing(
            [
                f"{fmt_pct(cast(float, r.value), 0)} over the monthly snapshots to {fmt_month(r.date)}"
                for r in wmt.itertuples()
            ]
        )
        from .inspection_outcomes import publishers

        first = wmt.iloc[0]
        source = rules.reported_by(
            publishers(first["source_url"]),
            addresses=first["source_url"],
            source_type=first["source_type"] if "source_type" in wmt.columns else None,
        )
        secondary = " (a secondary source)" if source.code == "secondary" else ""
        out["wmt_sentence"] = (
            f"Workload-tool figures released under freedom of information and {source.word}"
            f"{secondary} put the national average workload at {parts}"
        )
    else:
        out["wmt_sentence"] = "No national workload-tool average has been collected"
    need = float(d.fact("sentence_management_staff_required")["value"])
    have = float(d.fact("sentence_management_staff_in_role")["value"])
    out.update(
        {
            "smr_need": fmt_int(need),
            "smr_have": fmt_int(have),
            "smr_gap": fmt_int(need - have),
            "nao_underestimate": fmt_int(d.fact("sentence_management_need_underestimate")["value"]),
            "nao_underestimate_pct": fmt_pct(d.fact("sentence_management_need_underestimate_pct")["value"], 0),
        }
    )
    # ---- local pictures
    out.update(local_texts(d))
    return out


def local_texts(d: StaffingData) -> dict[str, str]:
    def lf(pdu, measure):
        r = d.local[(d.local["pdu_id"] == pdu) & (d.local["measure"] == measure)]
        if len(r) != 1:
            raise ValueError(f"local_facts: expected one row for {pdu} {measure}, found {len(r)}")
        return r.iloc[0]["value"]

    L, W = "leicester-leicestershire-and-rutland", "lewisham-and-bromley"
    return {
        "llr_posts": fmt_pct(lf(L, "posts_covered_pct"), 0),
        "llr_wl_low": fmt_pct(lf(L, "po_workload_pct_low"), 0),
        "llr_wl_high": fmt_pct(lf(L, "po_workload_pct_high"), 0),
        "llr_po_vac": fmt_pct(lf(L, "po_vacancy_pct"), 0),
        "llr_court_vac": fmt_pct(lf(L, "court_vacancy_pct"), 0),
        "llr_wmt": fmt_pct(lf(L, "po_workload_pct"), 0),
        "llr_unmanageable": fmt_pct(lf(L, "practitioners_workload_unmanageable_pct"), 0),
        "lab_attrition": fmt_pct(lf(W, "attrition_pct_lower_bound"), 0),
        "lab_wl": fmt_pct(lf(W, "pdu_workload_pct_lower_bound"), 0),
        "lab_wl_max": fmt_pct(lf(W, "max_practitioner_workload_pct_lower_bound"), 0),
        "lab_wl_2022": fmt_pct(lf(W, "pdu_workload_pct"), 0),
        "lab_po_cl": fmt_int(lf(W, "caseload_avg_po_lower_bound")),
        "lab_pso_cl": fmt_int(lf(W, "caseload_avg_pso_lower_bound")),
        "lab_people": fmt_int(lf(W, "people_on_probation")),
        "lab_pso_staffed": fmt_pct(lf(W, "pso_staffing_pct_of_required"), 0),
        "lab_po_staffed": fmt_pct(lf(W, "po_staffing_pct_of_required"), 0),
    }


# ====================================================================== tables
def conclusions(d: StaffingData) -> list[tuple[str, rules.Verdict]]:
    """Each qualitative word the chapter uses, with the verdict that decided it."""
    items = [
        ("Officer numbers, year on year", year_on_year(d, "po_fte")[1]),
        ("PSO numbers, year on year", year_on_year(d, "pso_fte")[1]),
        ("Probation Service total, year on year", year_on_year(d, "probation_service_fte")[1]),
        ("Officer numbers since unification, same quarter of the year", since_unification(d)["verdict"]),
        ("Quarterly pattern in officer numbers", season(d)),
        ("Officer leaving rate, year on year", leaving_summary(d, "po_leaving_rate_pct")["verdict"]),
        ("All-HMPPS leaving rate, year on year", leaving_summary(d, "hmpps_leaving_rate_pct")["verdict"]),
        ("Trainee intake, latest year against the one before", pipeline(d)["verdict"]),
    ]
    dm = demand(d)
    items += [
        ("Ministers' average caseload per officer, first to last period", dm["direct_verdict"]),
        ("People supervised per officer FTE, same quarter of the year", dm["proxy_verdict"]),
    ]
    return items


def conclusions_table(d: StaffingData) -> Table:
    return rules.conclusions_table(conclusions(d))


def stated_changes_table(d: StaffingData) -> Table:
    check = stated_checks(d)
    shown = check[
        (check["status"] != "not_checkable") & check["measure"].isin(["po_fte", "pso_fte", "probation_service_fte"])
    ].copy()
    shown = shown.sort_values(["bulletin_date", "measure"])
    shown["bulletin"] = shown["bulletin_date"].dt.strftime("%b %Y")
    shown["since"] = shown["comparison_date"].dt.strftime("%b %Y")
    tbl = format_frame(
        shown[
            [
                "bulletin",
                "measure",
                "since",
                "stated_change",
                "computed_change",
                "stated_change_pct",
                "computed_change_pct",
                "status",
                "basis",
            ]
        ],
        {
            "stated_change": fmt_signed,
            "computed_change": fmt_signed,
            "stated_change_pct": lambda v: f"{v:+.1f}%",
            "computed_change_pct": lambda v: f"{v:+.2f}%",
        },
    )
    tbl.columns = ["Bulletin", "Measure", "Since", "Stated", "Computed", "Stated %", "Computed %", "Result", "Check"]
    return Table(
        tbl,
        "Changes stated in workforce bulletins against the same changes computed from the series "
        "(FTE measures); 'by construction' marks a figure derived from the statement itself",
        col_widths=[0.08, 0.18, 0.08, 0.08, 0.09, 0.08, 0.1, 0.07, 0.13],
    )


def revisions_table(d: StaffingData) -> Table:
    rev = wf.revisions(d.workforce)
    t = rev.assign(date=rev["date"].dt.strftime("%b %Y"))[
        ["date", "measure", "value_first", "vintage_first", "value_latest", "vintage_latest", "revision"]
    ]
    t = format_frame(t, {"value_first": fmt_int, "value_latest": fmt_int, "revision": fmt_signed})
    t.columns = ["Quarter", "Measure", "First published", "Vintage", "Latest", "Vintage ", "Revision"]
    return Table(t, "Figures revised between releases (FTE)", col_widths=[0.1, 0.24, 0.12, 0.12, 0.1, 0.12, 0.1])


def flows_table(d: StaffingData) -> Table | None:
    flows = wf.published_flows(d.facts)
    if flows.empty:
        return None
    frame = pd.DataFrame(
        {
            "12 months to": [fmt_month(x) for x in flows["date"]],
            "Who": [FLOW_LABELS.get(m, m.replace("_", " ")) for m in flows["measure"]],
            "Number": [fmt_int(v) for v in flows["value"]],
            "Source": [
                "secondary (news or blog report)" if s == "secondary" else "primary" for s in flows["source_type"]
            ],
        }
    )
    return Table(
        frame,
        "Joiner and leaver figures collected so far (single figures, not a series)",
        col_widths=[0.14, 0.52, 0.1, 0.2],
    )
