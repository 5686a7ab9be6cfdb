"""The caseload chapter's story, computed: every number and qualitative word in
``notebooks/01_caseloads_and_quality.ipynb`` and in the landing page's three caseload findings.

The notebook narrates; this module computes. :func:`load_data` reads the tables the chapter
declares; :func:`texts` returns every glued value (numbers formatted for prose, and words decided
by :mod:`probation_evidence.rules`); :func:`claims` places each of the chapter's conclusions under
"established", "not established" or "found by others" by its rule; :func:`conclusions` lists each
word with the rule's reason; :func:`key_findings` gives the landing page's findings. The tables
here and the figures in :mod:`probation_evidence.figures.caseloads` are built from the same
computations, so the text, the charts and the landing page cannot disagree.

Two comparisons are reused from the inspection chapter rather than recomputed: the inspected PDUs'
officer vacancy rates against the national rate, and whether higher rates come with worse ratings
(:func:`probation_evidence.inspection_outcomes.vacancy_comparison`). Inspections are named one way
everywhere (:func:`probation_evidence.inspections.inspection_label`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from . import inspection_outcomes as IO, inspections as I, load, models, rules, workforce as wf
from .present import Table, fmt_ci, fmt_int, fmt_month, fmt_num, fmt_pct

#: The tables the chapter reads besides the inspection chapter's (whose comparisons it reuses).
OWN_TABLES = ("caseload_facts", "caseload_distribution", "evidence_sources", "local_facts")
#: Files an analyst may place in data/ to test the 50-case finding directly (optional tables).
OPTIONAL_TABLES = ("caseload_quality_cases", "caseload_quality_bands")
#: Every table the chapter reads (the notebook declares the same list in its metadata).
TABLES = tuple(sorted(set(OWN_TABLES) | set(IO.TABLES) | set(OPTIONAL_TABLES)))
#: The pre-unification inspection round compared in the chapter.
ROUND = "2018-19"
#: The inspection chapter's page and its section on staffing (for cross-references).
STAFFING_SECTION = "inspection-staffing"
#: Landing-page findings: which section of this chapter each links to.
SECTIONS = {"threshold": "caseload-threshold", "contrast": "caseload-contrast", "workload": "caseload-not-workload"}
CHAPTER = "notebooks/01_caseloads_and_quality"
#: Word sets for this chapter's sentences.
OVERLOADED = {"above": "on average, yes", "below": "on average, no", "at": "on average, exactly at full capacity"}
MOVED = {"up": "rose", "down": "fell", "flat": "barely moved", "not_comparable": "cannot be compared"}
#: Provider types in the singular, for sentences.
GROUP_NAMES = {"NPS": "NPS division", "CRC": "CRC"}
#: Shares that sources state in words ("two-thirds") rather than as a number.
FRACTION_WORDS = {67: "two-thirds", 33: "a third", 50: "half", 75: "three-quarters", 25: "a quarter"}


@dataclass
class CaseloadData:
    """The tables the chapter reads, validated on load, and the inspection chapter's data."""

    facts: pd.DataFrame
    distribution: pd.DataFrame
    sources: pd.DataFrame
    local: pd.DataFrame
    inspection: IO.InspectionData
    folder: Path | None = None
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: str, compute):
        """A computation made once per loaded data set (the fits are used by several texts)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def providers(self) -> pd.DataFrame:
        return self.inspection.providers

    @property
    def national(self) -> pd.DataFrame:
        return self.inspection.facts

    @property
    def pdu(self) -> pd.DataFrame:
        """pdu_inspections with the inspection's name and label (as in the inspection chapter)."""
        return self.inspection.inspections

    def fact(self, measure: str, period: str | None = None) -> pd.Series:
        rows = self.facts[self.facts["measure"] == measure]
        if period is not None:
            rows = rows[rows["period"] == period]
        if len(rows) != 1:
            raise ValueError(f"caseload_facts: expected one row for {measure} {period or ''}, found {len(rows)}")
        return rows.iloc[0]

    def value(self, measure: str, period: str | None = None) -> float:
        return float(self.fact(measure, period)["value"])

    def share(self, provider: str, band: str, measure_type: str = "caseload") -> pd.Series:
        d = self.distribution
        rows = d[(d["provider"] == provider) & (d["band"] == band) & (d["measure_type"] == measure_type)]
        if len(rows) != 1 or pd.isna(rows.iloc[0]["pct"]):
            raise ValueError(f"caseload_distribution: no share for {provider} {band} ({measure_type})")
        return rows.iloc[0]

    def local_value(self, pdu_id: str, measure: str) -> float:
        rows = self.local[(self.local["pdu_id"] == pdu_id) & (self.local["measure"] == measure)]
        if len(rows) != 1:
            raise ValueError(f"local_facts: expected one row for {pdu_id} {measure}, found {len(rows)}")
        return float(rows.iloc[0]["value"])

    @cached_property
    def threshold_analysis(self):
        """The threshold analysis of a case-level or band-level file placed in data/, or None."""
        from . import threshold as T, threshold_report as TR

        step = self.value("quality_decline_threshold_caseload")
        if load.is_present("caseload_quality_cases", self.folder):
            return T.analyse(TR.prepare_table(load.load_table("caseload_quality_cases", self.folder)), step_at=step)
        if load.is_present("caseload_quality_bands", self.folder):
            return T.analyse(load.load_table("caseload_quality_bands", self.folder), step_at=step)
        return None


def load_data(folder=None) -> CaseloadData:
    """Load the chapter's tables from ``folder`` (default: the book's data folder)."""
    t = {name: load.load_table(name, folder) for name in OWN_TABLES}
    return CaseloadData(
        t["caseload_facts"],
        t["caseload_distribution"],
        t["evidence_sources"],
        t["local_facts"],
        IO.load_data(folder),
        Path(folder) if folder is not None else None,
    )


# ====================================================================== helpers
def _and(items: list[str]) -> str:
    return IO._and(items)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(n: int) -> str:
    return IO._count_word(n)


def odds_ratio_text(value: float, digits: int = 1) -> str:
    """An odds ratio for prose: 'infinite' when a cell of the table is empty."""
    return "infinite" if not np.isfinite(value) else fmt_num(value, digits)


def interval_text(low: float, high: float, digits: int = 1) -> str:
    return f"{odds_ratio_text(low, digits)} to {odds_ratio_text(high, digits)}"


def bounded(value: float, bound: str, digits: int = 0, unit: str = "") -> str:
    """A figure as its source states it: 'almost 2,000' (upper bound), 'over 3,000' (lower bound)."""
    text = (fmt_int(value) if digits == 0 else fmt_num(value, digits)) + unit
    return {"upper": f"almost {text}", "lower": f"over {text}", "approximate": f"about {text}"}.get(str(bound), text)


def share_words(pct: float, bound: str) -> str:
    """'two-thirds' for a share the source gave in words (an approximate 66.7), otherwise '42%'."""
    if str(bound) == "approximate" and round(pct) in FRACTION_WORDS and abs(pct - round(pct)) > 0.05:
        return FRACTION_WORDS[round(pct)]
    return fmt_pct(pct, 0)


def publisher(addresses: str, sources: pd.DataFrame, source_id: str | None = None) -> str:
    """The name of a figure's publisher: the book's short name for the address's site, else the
    publisher recorded in evidence_sources (by source id or address), else the site's address."""
    first = str(addresses).split(" ; ")[0].strip()
    named = IO.publishers(first)
    if named in IO.PUBLISHERS.values():
        return named
    rows = sources[sources["source_id"] == source_id] if source_id else sources.iloc[0:0]
    if rows.empty:
        wanted = {a.strip().rstrip("/") for a in str(addresses).split(" ; ")}
        rows = sources[sources["url"].astype(str).str.strip().str.rstrip("/").isin(wanted)]
    return str(rows.iloc[0]["publisher"]) if len(rows) else named


def attribution(row: pd.Series, sources: pd.DataFrame) -> rules.Verdict:
    """'reported by ...' or 'published by ...' for one row of a table (see :func:`rules.reported_by`)."""
    source_type = row.get("source_type") if "source_type" in row.index else None
    name = publisher(row["source_url"], sources, row.get("source_id") if "source_id" in row.index else None)
    return rules.reported_by(
        name, source_type=None if pd.isna(source_type) else source_type, addresses=row["source_url"]
    )


# ====================================================================== the evidence as published
def average_caseload(d: CaseloadData) -> dict:
    """The ministers' average caseload per officer, each 12-month period, and the rule's word for
    the change from the first period to the last."""
    series = wf.direct_caseload(d.facts)
    verdict = rules.direction(series.iloc[-1], series.iloc[0], unit="cases", words=MOVED)
    verdict = rules.Verdict(
        verdict.rule,
        verdict.code,
        verdict.word,
        f"{verdict.reason} (the year to {series.index[0]:%B %Y} and the year to {series.index[-1]:%B %Y})",
        details=verdict.details,
    )
    return {"series": series, "verdict": verdict}


def workload(d: CaseloadData) -> dict:
    """The national average on the workload tool (latest figures first reported where), against the
    Ministry's level for an excessive workload and against full capacity."""
    rows = d.national[d.national["measure"] == "wmt_national_average_capacity_pct"].copy()
    if rows.empty:
        raise ValueError("national_facts holds no national workload-tool average (wmt_national_average_capacity_pct)")
    rows["when"] = pd.to_datetime(rows["date"])
    rows = rows.sort_values("when")
    latest = rows.iloc[-1]
    excessive = d.value("wmt_excessive_workload_threshold")
    weeks = d.value("wmt_excessive_workload_duration")
    what = f"the national average in the monthly snapshots to {fmt_month(latest['when'])}"
    return {
        "rows": rows,
        "latest": latest,
        "excessive": excessive,
        "weeks": weeks,
        "against_excessive": rules.above_level(
            latest["value"], excessive, unit="%", what=what, level_name="the Ministry's level for an excessive workload"
        ),
        "against_capacity": rules.above_level(
            latest["value"], 100, unit="%", what=what, level_name="full capacity", words=OVERLOADED
        ),
        "source": attribution(latest, d.sources),
    }


def _snapshots(rows: pd.DataFrame) -> str:
    """'120% of capacity over the monthly snapshots to December 2023 and 117% over those to June 2024'."""
    parts = [
        f"{fmt_pct(cast(float, r.value), 0)} of capacity over the monthly snapshots to {fmt_month(r.when)}"
        if i == 0
        else f"{fmt_pct(cast(float, r.value), 0)} over those to {fmt_month(r.when)}"
        for i, r in enumerate(rows.itertuples())
    ]
    return _and(parts)


def evidence_texts(d: CaseloadData) -> dict[str, str]:
    """The bulletin, the caseloads behind it, the wider research and the government's figures since."""
    f = d.fact
    crc50, crc60, nps40 = d.share("CRC", ">50"), d.share("CRC", ">60"), d.share("NPS", "<=40")
    crc40, npso40 = d.share("CRC", ">40"), d.share("NPS", ">40")
    avg = average_caseload(d)
    series = avg["series"]
    wl = workload(d)
    interviewed = f("practitioners_interviewed_in_inspections")
    papers = f("rea_papers_sifted")
    return {
        "threshold": fmt_int(d.value("quality_decline_threshold_caseload")),
        "consensus_low": fmt_int(d.value("consensus_max_manageable_caseload_low")),
        "consensus_high": fmt_int(d.value("consensus_max_manageable_caseload_high")),
        "n_interviewed": bounded(interviewed["value"], interviewed["value_bound"]),
        "pct_manageable": fmt_pct(d.value("pct_practitioners_workload_manageable"), 0),
        "rea_papers": bounded(papers["value"], papers["value_bound"]),
        "rea_studies": fmt_int(d.value("rea_robust_studies_analysed")),
        "committee_max": fmt_int(d.value("justice_committee_recommended_max_caseload")),
        "crc_over50": share_words(crc50["pct"], crc50["pct_bound"]),
        "crc_over60": share_words(crc60["pct"], crc60["pct_bound"]),
        "nps_under40": share_words(nps40["pct"], nps40["pct_bound"]),
        "speech_source": attribution(crc50, d.sources).word,
        "crc_over40": fmt_pct(crc40["pct"], 0),
        "nps_over40": fmt_pct(npso40["pct"], 0),
        "submission_source": attribution(crc40, d.sources).word,
        "nps_wmt100": fmt_pct(d.share("NPS", ">100%", "wmt_pct_capacity")["pct"], 0),
        "avg_sentence": _and(
            [
                f"{fmt_num(v, 1)} cases per probation officer in the year to {t:%B %Y}"
                if i == 0
                else f"{fmt_num(v, 1)} in the year to {t:%B %Y}"
                for i, (t, v) in enumerate(series.items())
            ]
        ),
        "avg_word": avg["verdict"].word,
        "avg_first": fmt_num(series.iloc[0], 1),
        "avg_last": fmt_num(series.iloc[-1], 1),
        "avg_last_period": f"the year to {series.index[-1]:%B %Y}",
        "lords_under50": fmt_pct(d.value("pct_po_pso_caseload_under_50"), 0),
        "lords_mean": fmt_int(d.value("mean_caseload_po_pso")),
        "lords_over50": fmt_pct(d.value("pct_po_pso_caseload_over_50"), 0),
        "lords_over50_mean": fmt_int(d.value("mean_caseload_of_those_over_50")),
        "wmt_sentence": f"{_snapshots(wl['rows'])} ({wl['source'].word})",
        "wmt_last": fmt_pct(wl["latest"]["value"], 0),
        "wmt_excess": fmt_pct(wl["excessive"], 0),
        "wmt_weeks": fmt_int(wl["weeks"]),
        "wmt_excess_word": wl["against_excessive"].word,
        "overloaded_word": wl["against_capacity"].word,
        "nao_low": fmt_int(d.value("nao_suggested_caseload_low")),
        "nao_high": fmt_int(d.value("nao_suggested_caseload_high")),
        "nao_many_over": fmt_int(d.value("nao_many_staff_caseload_above")),
        "us_reduced": fmt_int(d.value("us_trial_reduced_caseload_avg")),
        "us_comparison": fmt_int(d.value("us_trial_comparison_caseload_avg")),
        "lab_po_cl": bounded(d.local_value("lewisham-and-bromley", "caseload_avg_po_lower_bound"), "lower"),
        "lab_pso_cl": bounded(d.local_value("lewisham-and-bromley", "caseload_avg_pso_lower_bound"), "lower"),
    }


# ====================================================================== CRCs and NPS divisions
def round_ratings(d: CaseloadData) -> pd.DataFrame:
    """Rated, Good or better, Requires improvement and Inadequate per provider type in the round."""
    return I.provider_round_table(d.providers, ROUND)


def contrast(d: CaseloadData) -> dict:
    """The 2018/19 contrast: Fisher's exact test of Good or better, NPS divisions against CRCs, the
    rule's verdict, and the other models of the same table (reported for analysts only)."""
    return d.memo("contrast", lambda: _contrast(d))


def _contrast(d: CaseloadData) -> dict:
    r1 = round_ratings(d)
    for kind in ("NPS", "CRC"):
        if kind not in r1.index:
            raise ValueError(f"provider_inspections: no rated {kind} in the {ROUND} round")
    table = {
        k: (int(I.round_count(r1, k, "good_or_better")), int(I.round_count(r1, k, "rated"))) for k in ("NPS", "CRC")
    }
    fish = models.fisher_good_vs_not(table)
    min_p = rules.min_attainable_fisher_p(table["NPS"][1], table["CRC"][1], table["NPS"][0] + table["CRC"][0])
    verdict = rules.established(
        p_value=fish.p_value, interval=(fish.or_ci_low, fish.or_ci_high), null=1.0, min_attainable_p=min_p
    )
    rated = d.providers[(d.providers["inspection_round"] == ROUND) & d.providers["overall_rating"].notna()].copy()
    rated["good_or_better"] = rated["overall_rating"].isin(["Good", "Outstanding"]).astype(int)
    glm = models.binomial_rating_model(rated, "good_or_better", "org_type", reference="CRC")
    ordinal = models.ordinal_rating_model(rated, "overall_rating", ["org_type"])
    nps_better = fish.proportions[0] > fish.proportions[1]
    return {
        "ratings": r1,
        "fisher": fish,
        "verdict": verdict,
        "glm": glm,
        "ordinal": ordinal,
        "rated": rated,
        "nps_better": nps_better,
        "min_p": min_p,
    }


def _p(p: float) -> str:
    return rules._p(p)


def contrast_claim(d: CaseloadData) -> str:
    """The contrast in one sentence, worded by the established rule."""
    c = contrast(d)
    f, v = c["fisher"], c["verdict"]
    counts = (
        f"{fmt_int(f.good[1])} of {fmt_int(f.totals[1])} CRCs against {fmt_int(f.good[0])} of "
        f"{fmt_int(f.totals[0])} NPS divisions; Fisher exact {_p(f.p_value)}"
    )
    if v.code == "established":
        who, than = ("CRCs", "NPS divisions") if c["nps_better"] else ("NPS divisions", "CRCs")
        return (
            f"In the {ROUND.replace('-', '/')} round {who} were rated Good or better less often than {than} ({counts})"
        )
    return (
        f"That CRCs and NPS divisions differed in how often they were rated Good or better in the "
        f"{ROUND.replace('-', '/')} round ({counts}; {v.reason})"
    )


def model_rows(d: CaseloadData) -> list[dict]:
    """The exact analysis and the two other models of the same table, each with what it adds, in plain words."""
    c = contrast(d)
    f, glm, om = c["fisher"], c["glm"], c["ordinal"]
    rows = [
        {
            "Model": "Fisher's exact test of Good or better (the result)",
            "Odds ratio, NPS against CRC (95% interval)": f"{odds_ratio_text(f.odds_ratio)} (exact "
            f"{interval_text(f.or_ci_low, f.or_ci_high)})",
            "What it adds": (
                f"The result the text reports: exact, so it needs no large-sample approximation, which "
                f"matters with {fmt_int(f.n)} providers."
            ),
        }
    ]
    cells = {
        ("NPS", "rated Good or better"): f.good[0],
        ("NPS", "rated lower"): f.totals[0] - f.good[0],
        ("CRC", "rated Good or better"): f.good[1],
        ("CRC", "rated lower"): f.totals[1] - f.good[1],
    }
    (group, outcome), smallest = min(cells.items(), key=lambda kv: kv[1])
    group = GROUP_NAMES.get(group, group) + ("s" if smallest != 1 else "")
    if glm.separation or not np.isfinite(glm.odds_ratio):
        estimate, adds = (
            "not estimable",
            (
                f"Nothing: no {group} was {outcome}, so the model's odds ratio is infinite; "
                f"the exact test still gives a finite interval."
            ),
        )
    else:
        estimate = f"{fmt_num(glm.odds_ratio, 1)} (Wald {fmt_ci(glm.or_ci_low, glm.or_ci_high, 1)})"
        adds = (
            f"Nothing new: with provider type as its only predictor it reproduces the table's own odds ratio, and "
            f"its approximate (Wald) interval leans on the table's smallest count, {_count(smallest)} {group} "
            f"{outcome}."
        )
    rows.append(
        {
            "Model": "Logistic regression of Good or better on provider type",
            "Odds ratio, NPS against CRC (95% interval)": estimate,
            "What it adds": adds,
        }
    )
    counts = pd.crosstab(c["rated"]["org_type"], c["rated"]["overall_rating"]).reindex(
        columns=list(om.levels), fill_value=0
    )
    empty = [
        f"no {GROUP_NAMES.get(g, g)} was rated {lvl}"
        for g in counts.index
        for lvl in counts.columns
        if counts.loc[g, lvl] == 0
    ]
    rare = [
        f"only {_count(int(n))} provider{'s' if n != 1 else ''} in all {'was' if n == 1 else 'were'} rated {lvl}"
        for lvl, n in counts.sum().items()
        if 0 < n < 3
    ]
    term = [t for t in om.coefficients["term"] if "NPS" in t]
    if (
        term
        and np.isfinite(om.coef(term[0]))
        and abs(om.coef(term[0])) <= 15
        and np.isfinite(om.coef(term[0], "std_err"))
    ):
        est = (
            f"{fmt_num(om.coef(term[0], 'odds_ratio'), 1)} (Wald "
            f"{fmt_ci(om.coef(term[0], 'or_ci_low'), om.coef(term[0], 'or_ci_high'), 1)})"
        )
    else:
        est = "not estimable"
    issues = _and(rare + empty)
    adds = (
        f"Little: it also uses the order of the {_count(len(om.levels))} ratings given, but {issues}, so its "
        "estimate rests on the same split as the Good-or-better comparison and gives it no independent support."
        if rare or empty
        else f"The order of the {_count(len(om.levels))} ratings given, "
        "assuming one odds ratio at every cut between them."
    )
    rows.append(
        {
            "Model": "Ordered logistic regression of the rating on provider type",
            "Odds ratio, NPS against CRC (95% interval)": est,
            "What it adds": adds,
        }
    )
    return rows


def models_table(d: CaseloadData) -> Table:
    return Table(
        pd.DataFrame(model_rows(d)),
        f"The {ROUND.replace('-', '/')} contrast in three models: the exact "
        f"analysis is the result; the others are shown for analysts",
        col_widths=[0.27, 0.25, 0.48],
    )


def ratings_table(d: CaseloadData) -> Table:
    r1 = round_ratings(d)
    frame = pd.DataFrame(
        {
            "Provider": ["Community Rehabilitation Companies (CRCs)", "National Probation Service divisions"],
            "Rated": [fmt_int(I.round_count(r1, k, "rated")) for k in ("CRC", "NPS")],
            "Good or better": [fmt_int(I.round_count(r1, k, "good_or_better")) for k in ("CRC", "NPS")],
            "Requires improvement": [fmt_int(I.round_count(r1, k, "requires_improvement")) for k in ("CRC", "NPS")],
            "Inadequate": [fmt_int(I.round_count(r1, k, "inadequate")) for k in ("CRC", "NPS")],
        }
    )
    return Table(
        frame,
        f"Overall ratings of CRCs and NPS divisions in the {ROUND.replace('-', '/')} inspection round (counts)",
        col_widths=[0.4, 0.1, 0.15, 0.2, 0.15],
    )


def contrast_texts(d: CaseloadData) -> dict[str, str]:
    c = contrast(d)
    f, v = c["fisher"], c["verdict"]
    gc = f.group_ci
    if v.code == "established":
        direction = (
            "CRCs were rated Good or better less often than NPS divisions"
            if c["nps_better"]
            else "NPS divisions were rated Good or better less often than CRCs"
        )
        verdict = f"By the book's rule the difference is established ({v.reason}): {direction}."
    else:
        verdict = f"By the book's rule the difference is not established ({v.reason})."
    rows = model_rows(d)
    return {
        "c_nps_good": fmt_int(f.good[0]),
        "c_nps_n": fmt_int(f.totals[0]),
        "c_crc_good": fmt_int(f.good[1]),
        "c_crc_n": fmt_int(f.totals[1]),
        "c_nps_pct": fmt_pct(100 * f.proportions[0], 0),
        "c_crc_pct": fmt_pct(100 * f.proportions[1], 0),
        "c_nps_ci": fmt_ci(100 * gc[0].ci_low, 100 * gc[0].ci_high, 0),
        "c_crc_ci": fmt_ci(100 * gc[1].ci_low, 100 * gc[1].ci_high, 0),
        "c_diff": fmt_num(100 * f.diff, 0),
        "c_diff_ci": fmt_ci(100 * f.diff_ci_low, 100 * f.diff_ci_high, 0),
        "c_or": odds_ratio_text(f.odds_ratio),
        "c_or_ci": interval_text(f.or_ci_low, f.or_ci_high),
        "c_p": _p(f.p_value),
        "c_n": fmt_int(f.n),
        "c_verdict": verdict,
        "c_models": (
            f"A logistic regression and an ordered model of the same ratings give odds ratios of "
            f"{rows[1]['Odds ratio, NPS against CRC (95% interval)'].split(' (')[0]} and "
            f"{rows[2]['Odds ratio, NPS against CRC (95% interval)'].split(' (')[0]}; they rest on the same "
            f"{fmt_int(f.n)} providers and add no independent support, so the text relies on the exact "
            f"analysis. The table below says why, model by model."
        ),
    }


# ====================================================================== the PDU era
def vacancy(d: CaseloadData) -> dict:
    """The inspection chapter's comparison of inspected PDUs' officer vacancy rates with the national
    rate and with their ratings (reused, not recomputed)."""
    return d.memo("vacancy", lambda: IO.vacancy_comparison(d.inspection))


def vacancy_model_sentence(d: CaseloadData) -> str:
    """Why no regression model of the rating is reported for the PDUs (or what it gives, when it can be fitted)."""
    df = vacancy(d)["rates"].copy()
    df["inadequate_flag"] = df["inadequate"].astype(int)
    n, k = len(df), int(df["inadequate_flag"].sum())
    if k in (0, n):
        return (
            f"All {_count(n)} of these inspections have the same outcome, so no model of the rating can be fitted; "
            f"there is nothing to compare."
        )
    bm = models.binomial_rating_model(df, "inadequate_flag", "po_vacancy_pct", per=10)
    if bm.reliable:
        return (
            f"A logistic regression of an Inadequate rating on the vacancy rate gives an odds ratio of "
            f"{fmt_num(bm.odds_ratio, 2)} per 10 percentage points (approximate 95% interval "
            f"{fmt_ci(bm.or_ci_low, bm.or_ci_high, 2)}); with {_count(n)} inspections it is a rough guide only."
        )
    reasons = []
    if bm.small_n:
        reasons.append(f"{_count(n)} inspections are fewer than the ten the book requires before it fits one")
    if bm.separation:
        reasons.append(
            "the vacancy rate separates the Inadequate ratings from the others completely, so a model's "
            "estimate would be infinite"
        )
    if not bm.converged and not bm.separation:
        reasons.append("the model's fit does not settle")
    reasons.append(
        f"{_count(k)} of the {_count(n)} were rated Inadequate, leaving {_count(n - k)} to compare them with"
    )
    return (
        f"No regression model of the rating is reported: {_and(reasons)}. The exact tests above make no such demands."
    )


def vacancy_table(d: CaseloadData) -> Table:
    df = vacancy(d)["rates"]
    frame = pd.DataFrame(
        {
            "PDU": [I.short_pdu(p) for p in df["pdu"]],
            "Inspection": df["label"],
            "Framework": df["framework"],
            "Overall rating": df["overall_rating"],
            "Officer vacancy rate": [fmt_pct(v, 0) for v in df["po_vacancy_pct"]],
        }
    )
    return Table(
        frame,
        "PDU inspections that publish a probation officer vacancy rate, lowest rate first",
        col_widths=[0.3, 0.3, 0.11, 0.16, 0.13],
    )


def documented(d: CaseloadData) -> pd.DataFrame:
    """Inspections that publish a vacancy rate, a workload-tool average and the keeping-safe
    percentages with their number of cases, in date order."""
    cols = [
        "po_vacancy_pct",
        "po_workload_pct",
        "kq_assess_safety",
        "kq_plan_safety",
        "kq_impl_safety",
        "kq_review_safety",
        "cases_inspected",
    ]
    return d.pdu.dropna(subset=cols).sort_values("year")


def documented_sentence(d: CaseloadData) -> str:
    docs = documented(d)
    if docs.empty:
        return (
            "No inspection in the table publishes a vacancy rate, a workload-tool average and keeping-safe "
            "percentages with its number of cases, so not even one PDU can be described in full."
        )
    r = docs.iloc[-1]
    n = int(r["cases_inspected"])
    k = round(r["kq_assess_safety"] / 100 * n)
    ci = models.wilson_ci(k, n)
    head = (
        "The one inspection that publishes all of these"
        if len(docs) == 1
        else f"Of the {_count(len(docs))} inspections that publish all of these, the latest"
    )
    score = f" it scored {int(r['score'])}/27 and" if pd.notna(r.get("score")) else ""
    return (
        f"{head} (a vacancy rate, a workload-tool average, and the keeping-safe percentages with the number of "
        f"cases) shows what the link looks like in a single PDU. {I.short_pdu(r['pdu'])} ({r['label']}) had a "
        f"{fmt_pct(r['po_vacancy_pct'], 0)} officer vacancy rate and an average officer workload of "
        f"{fmt_pct(r['po_workload_pct'], 0)} on the tool;{score} was rated {r['overall_rating']}. In the "
        f"inspectorate's report, assessment sufficiently focused on keeping other people safe in {fmt_int(k)} of "
        f"{fmt_int(n)} cases ({fmt_pct(r['kq_assess_safety'], 0)}, 95% interval "
        f"{fmt_ci(100 * ci.ci_low, 100 * ci.ci_high, 0)}%), and the keeping-safe percentages for planning, "
        f"implementation and delivery, and reviewing were {fmt_pct(r['kq_plan_safety'], 0)}, "
        f"{fmt_pct(r['kq_impl_safety'], 0)} and {fmt_pct(r['kq_review_safety'], 0)}. This is one PDU at one "
        f"time: it illustrates the finding; it cannot test it."
    )


def _n_inspections(n: int, verb: tuple[str, str]) -> str:
    """'one inspection publishes' / 'two inspections publish' / 'no inspection publishes'."""
    if n == 0:
        return f"no inspection {verb[0]}"
    return f"{_count(n)} inspection {verb[0]}" if n == 1 else f"{_count(n)} inspections {verb[1]}"


def pdu_texts(d: CaseloadData) -> dict[str, str]:
    vt = IO.vacancy_texts(d.inspection)
    df = d.pdu
    n_wmt = int(df["po_workload_pct"].notna().sum())
    n_kq = int(df.dropna(subset=["kq_assess_safety", "cases_inspected"]).shape[0])
    return {
        "vacancy_intro": vt["vacancy_intro"],
        "nat_vac": vt["nat_vac"],
        "nat_vac_date": vt["nat_vac_date"],
        "vacancy_sentence": vt["vacancy_sentence"],
        "vacancy_model": vacancy_model_sentence(d),
        "pdu_coverage": (
            "Of the other figures such a test would need, "
            f"{_n_inspections(n_wmt, ('publishes', 'publish'))} a workload-tool average for its "
            f"officers, and {_n_inspections(n_kq, ('gives', 'give'))} keeping-people-safe "
            "percentages with the number of cases inspected."
        ),
        "documented_sentence": documented_sentence(d),
    }


# ====================================================================== the 50-case question
def threshold_verdict(d: CaseloadData, analysis=None) -> rules.Verdict:
    """Whether quality falls *at* the bulletin's caseload, by the threshold rule (appendix A1) applied
    to a case-level or band-level file in data/; without one, there is nothing to test."""
    res = d.threshold_analysis if analysis is None else analysis
    at = fmt_int(d.value("quality_decline_threshold_caseload"))
    if res is None:
        return rules.Verdict(
            "established",
            "untestable",
            "not established",
            "the inspection data that would test it, case by case or by caseload band, are not published",
            details={"p_value": None},
        )
    falls = res.direction.startswith("quality is lower")
    near = res.bend_low <= float(at) <= res.bend_high
    reason = (
        f"the threshold rule finds {res.verdict_text}; {res.direction}; the bend is at {res.bend:.0f} cases "
        f"(95% interval {res.bend_low:.0f} to {res.bend_high:.0f})"
    )
    if res.threshold and falls and near:
        return rules.Verdict("established", "established", "established", reason, details={"p_value": res.bend_test_p})
    return rules.Verdict(
        "established", "not_established", "not established", reason, details={"p_value": res.bend_test_p}
    )


def threshold_texts(d: CaseloadData) -> dict[str, str]:
    from . import threshold_report as TR

    out = dict(TR.power_numbers())
    out["t_result"] = TR.headline(d.threshold_analysis)
    return out


# ====================================================================== what can and cannot be established
@dataclass(frozen=True)
class Claim:
    """One conclusion of the chapter: its short name, its sentence, where it is placed
    ('established', 'not_established' or 'others') and the verdict that placed it."""

    what: str
    text: str
    status: str
    verdict: rules.Verdict | None = None


def claims(d: CaseloadData) -> list[Claim]:
    """Every conclusion of the chapter's closing section, placed by its rule."""
    at = fmt_int(d.value("quality_decline_threshold_caseload"))
    out = []
    c = contrast(d)
    out.append(
        Claim(
            "CRCs against NPS divisions, rated Good or better",
            contrast_claim(d)
            + (
                ". The two kinds of provider differed in much more than caseload, so this is consistent with the "
                "inspectorate's finding but does not test it."
                if c["verdict"].code == "established"
                else "."
            ),
            "established" if c["verdict"].code == "established" else "not_established",
            c["verdict"],
        )
    )
    vc = vacancy(d)
    rates, b, r = vc["rates"], vc["baseline"], vc["rating"]
    n = len(rates)
    nat = fmt_pct(vc["national"]["value"], 0)
    if b.code in ("above", "below"):
        text = (
            f"The {_count(n)} inspected PDUs that publish an officer vacancy rate had rates {b.word} the national "
            f"rate of {nat} ({b.reason}); they were not chosen at random, so this describes them, not every PDU."
        )
    else:
        text = (
            f"That the {_count(n)} inspected PDUs that publish an officer vacancy rate (median "
            f"{fmt_pct(rates['po_vacancy_pct'].median(), 0)}) were short of officers beyond the national picture: "
            f"their rates are {b.word} the national rate of {nat} ({b.reason})."
        )
    out.append(
        Claim(
            "Inspected PDUs' officer vacancy rates against the national rate",
            text,
            "established" if b.code in ("above", "below") else "not_established",
            b,
        )
    )
    if r.code == "established":
        higher = "higher" if vc["statistic"] > 0 else "lower"
        text = (
            f"Among those {_count(n)} inspections, the ones rated Inadequate had {higher} vacancy rates than the "
            f"others ({r.reason}; exact test within each framework)."
        )
    else:
        text = (
            f"That, among those {_count(n)} inspections, staff shortfalls and poor "
            f"ratings go together ({r.reason}; exact test comparing the vacancy rates "
            "of inspections rated Inadequate and the others, within each framework)."
        )
    out.append(
        Claim(
            "Higher vacancy rates with worse ratings (PDUs)",
            text,
            "established" if r.code == "established" else "not_established",
            r,
        )
    )
    t = threshold_verdict(d)
    if t.code == "established":
        text = f"That quality falls at {at} cases, in the case-level data placed in the data folder ({t.reason})."
    else:
        text = (
            f"That quality falls at {at} cases, rather than gradually or at a different number for different "
            f"case mixes ({t.reason})."
        )
    out.append(
        Claim(f"Quality falls at {at} cases", text, "established" if t.code == "established" else "not_established", t)
    )
    # findings of other bodies, attributed (their words are theirs; the rules decide only the comparisons)
    ev = evidence_texts(d)
    wl = workload(d)
    avg = average_caseload(d)
    out.append(
        Claim(
            "The inspectorate's finding",
            (
                f"HM Inspectorate of Probation found that practitioners holding {at} or more cases are less likely to "
                "deliver high-quality work; staff and managers put the most that can be managed well at "
                f"{ev['consensus_low']} to {ev['consensus_high']} cases, and {ev['pct_manageable']} of the "
                f"{ev['n_interviewed']} practitioners interviewed found their workload manageable."
            ),
            "others",
        )
    )
    out.append(
        Claim(
            "The research the inspectorate commissioned",
            (
                f"A rapid evidence assessment for the inspectorate found {ev['rea_studies']} robust studies, all from "
                "the USA, all showing better outcomes with lower caseloads."
            ),
            "others",
        )
    )
    out.append(
        Claim(
            "Workloads on the Ministry's tool",
            (
                f"On the Ministry's workload tool the national average was {ev['wmt_last']} of capacity in the "
                f"monthly snapshots to {fmt_month(wl['latest']['when'])} ({wl['source'].word}), "
                f"{wl['against_excessive'].word} the {ev['wmt_excess']} the Ministry treats as excessive when it "
                f"lasts {ev['wmt_weeks']} weeks, while the ministers' average caseload per officer "
                f"{avg['verdict'].word} ({ev['avg_first']} to {ev['avg_last']} cases)."
            ),
            "others",
            wl["against_excessive"],
        )
    )
    return out


def claims_text(d: CaseloadData, status: str) -> str:
    """The claims with one status as a paragraph (or a sentence saying there are none)."""
    items = [c.text for c in claims(d) if c.status == status]
    if items:
        return " ".join(items)
    return {
        "established": "None of the tests in this chapter establishes a finding.",
        "not_established": "Every test in this chapter establishes its finding.",
        "others": "No finding of another body is reported.",
    }[status]


def conclusions(d: CaseloadData) -> list[tuple[str, rules.Verdict]]:
    """Each qualitative word the chapter uses, with the verdict that decided it."""
    wl = workload(d)
    crc40 = d.share("CRC", ">40")
    items = [(c.what, c.verdict) for c in claims(d) if c.verdict is not None and c.status != "others"]
    items += [
        ("National average workload against the Ministry's level for an excessive workload", wl["against_excessive"]),
        ("Are practitioners overloaded? (national average workload against full capacity)", wl["against_capacity"]),
        ("Ministers' average caseload per officer, first to last period", average_caseload(d)["verdict"]),
        ("Source of the national workload average", wl["source"]),
        ("Source of the CRC and NPS shares above 40 cases", attribution(crc40, d.sources)),
    ]
    return items


def conclusions_table(d: CaseloadData) -> Table:
    return rules.conclusions_table(conclusions(d), word_width=0.18)


# ====================================================================== all texts
def texts(d: CaseloadData) -> dict[str, str]:
    """Every value the chapter glues, as text."""
    out = evidence_texts(d)
    out.update(contrast_texts(d))
    out.update(pdu_texts(d))
    out.update(threshold_texts(d))
    out.update(
        {
            "established_text": claims_text(d, "established"),
            "not_established_text": claims_text(d, "not_established"),
            "others_text": claims_text(d, "others"),
        }
    )
    return out


# ====================================================================== the landing page
def key_findings(d: CaseloadData) -> list[dict[str, str]]:
    """The landing page's three caseload findings, each worded by the chapter's rules and linked to its section."""
    ev = evidence_texts(d)
    at = ev["threshold"]
    t = threshold_verdict(d)
    if t.code == "established":
        head = (
            f"**Quality falls at {at} cases: the inspectorate's finding, now supported by the case-level data in "
            f"this edition.**"
        )
        tail = f" In those data {t.reason}."
    else:
        data = "the published data" if t.code == "untestable" else "the data in this edition"
        head = f"**Quality falling at {at} cases is the inspectorate's judgement, {t.word} by {data}.**"
        tail = (
            f" That quality falls *at* {at} cases is {t.word}: {t.reason}, and the figure is a judgement from "
            f"inspection evidence and interviews, not an estimate with an interval."
        )
    threshold = (
        f"{head} HM Inspectorate of Probation found that practitioners holding {at} or more cases are less "
        f"likely to deliver high-quality work, and {ev['pct_manageable']} of the {ev['n_interviewed']} "
        f"practitioners it interviewed found their workload manageable.{tail}"
    )

    c = contrast(d)
    f, v = c["fisher"], c["verdict"]
    counts = (
        f"In the {ROUND.replace('-', '/')} round {fmt_int(f.good[1])} of {fmt_int(f.totals[1])} CRCs but "
        f"{fmt_int(f.good[0])} of {fmt_int(f.totals[0])} NPS divisions were rated Good or better (Fisher exact "
        f"{_p(f.p_value)})"
    )
    staff = (
        f"the inspectorate's 2020 spending-review submission, {ev['submission_source']}, put {ev['crc_over40']} "
        f"of CRC staff and {ev['nps_over40']} of NPS staff above 40 cases"
    )
    if v.code == "established":
        who = "CRCs" if c["nps_better"] else "NPS divisions"
        than = "NPS divisions" if c["nps_better"] else "CRCs"
        head = (
            f"**{who} were rated Good or better less often than {than}: "
            "an ecological contrast, not a test of caseloads.**"
        )
    else:
        head = "**No difference in ratings between CRCs and NPS divisions is established.**"
    caveat = (
        f"so the contrast is consistent with the {at}-case finding but cannot test it"
        if v.code == "established"
        else f"so even a clear contrast could not have tested the {at}-case finding"
    )
    contrast_text = (
        f"{head} {counts}; {staff}. The two kinds of provider also differed in the risk of the people "
        f"they supervised, in ownership and in contracts, {caveat}."
    )

    wl = workload(d)
    avg = average_caseload(d)
    s = avg["series"]
    workload_text = (
        f"**Caseload is not workload.** The ministers' average caseload per probation officer "
        f"{avg['verdict'].word} ({fmt_num(s.iloc[0], 1)} cases in the year to {s.index[0]:%B %Y}, "
        f"{fmt_num(s.iloc[-1], 1)} in the year to {s.index[-1]:%B %Y}), while the national average on the "
        f"Ministry's workload tool, which weights each case by its type and risk, was {ev['wmt_last']} of "
        f"capacity in the monthly snapshots to {fmt_month(wl['latest']['when'])} ({wl['source'].word}): "
        f"{wl['against_excessive'].word} the {ev['wmt_excess']} the Ministry treats as excessive when it "
        f"lasts {ev['wmt_weeks']} weeks. Counting cases and weighting them measure different things."
    )
    return [
        {"text": threshold, "chapter": CHAPTER, "section": SECTIONS["threshold"]},
        {"text": contrast_text, "chapter": CHAPTER, "section": SECTIONS["contrast"]},
        {"text": workload_text, "chapter": CHAPTER, "section": SECTIONS["workload"]},
    ]
