"""The inspection chapter's story, computed: every number and qualitative word in
``notebooks/03_inspection_outcomes.ipynb`` and in the landing page's inspection finding.

The notebook narrates; this module computes. :func:`load_data` reads the tables the chapter
declares; :func:`texts` returns every glued value (numbers formatted for prose, and words
decided by :mod:`probation_evidence.rules`); :func:`conclusions` lists each word with the
rule's reason; the tables here and the figures in :mod:`probation_evidence.figures.inspections`
are built from the same computations, so text, charts and landing page cannot disagree.

Two inspection frameworks are in the data and are never pooled: every count, test and ranking
is made within one framework. Inspections are named one way everywhere
(:func:`probation_evidence.inspections.inspection_label`: "fieldwork Nov 2022, published Feb 2023").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import numpy as np
import pandas as pd

from . import inspections as I, load, profiles, rules
from .present import Table, fmt_int, fmt_month, fmt_pct, format_frame

#: The chapter's page, from which the tables link to the PDU and region profiles.
CHAPTER_DOC = "notebooks/03_inspection_outcomes"

#: Tables the chapter reads (the notebook declares the same list in its metadata).
TABLES = (
    "pdu_inspections",
    "regions",
    "regional_inspections",
    "provider_inspections",
    "national_quality",
    "inspection_headline_figures",
    "national_facts",
    "regional_staffing",
)
SOURCE = "HM Inspectorate of Probation reports and press releases; probation-evidence data/pdu_inspections.csv"
CASEWORK = ["r_assessment", "r_planning", "r_implementation_delivery", "r_reviewing"]
AIMS = ["Engagement", "Desistance", "Keeping people safe"]
SAFE = "Keeping people safe"
#: Publishers named in the tables' Source columns, by web address.
PUBLISHERS = {
    "justiceinspectorates.gov.uk": "HM Inspectorate of Probation",
    "bbc.co.uk": "BBC News",
    "bbci.co.uk": "BBC News",
    "parliament.uk": "UK Parliament",
    "gov.uk": "GOV.UK",
    "huntspost.co.uk": "The Hunts Post",
    "dissmercury.co.uk": "Diss Mercury",
    "lynnnews.co.uk": "Lynn News",
    "sussexexpress.co.uk": "Sussex Express",
    "theargus.co.uk": "The Argus",
    "aol.com": "AOL News",
    "standard.co.uk": "Evening Standard",
    "russellwebster.com": "Russell Webster (blog)",
    "probationmatters.blogspot.com": "On Probation (blog)",
    "channel4.com": "Channel 4 News",
}
#: Regional staffing measures and grades in words.
MEASURE_WORDS = {
    "vacancies": "vacancies",
    "staffing_pct_of_target": "staffing against target",
    "staff_in_post": "staff in post",
    "leaving_rate_pct": "leaving rate",
    "leavers": "leavers",
    "average_caseload": "average caseload",
    "wmt_average_pct": "workload-tool average",
}
GRADE_WORDS = {
    "all_grades": "all grades",
    "probation_officer": "officers",
    "probation_services_officer": "PSOs",
    "trainee_probation_officer": "trainee officers",
    "senior_probation_officer": "senior officers",
}
#: Short source tags that may appear inside a data value, and how a reader should see them.
SOURCE_TAGS = {"(BBC)": "(reported by BBC News)"}


@dataclass
class InspectionData:
    """The tables the chapter reads, validated on load."""

    pdu: pd.DataFrame
    regions: pd.DataFrame
    regional: pd.DataFrame
    providers: pd.DataFrame
    quality: pd.DataFrame
    headline: pd.DataFrame
    facts: pd.DataFrame
    regional_staffing: pd.DataFrame

    @cached_property
    def inspections(self) -> pd.DataFrame:
        """pdu_inspections with the year, the inspection's name and rating flags."""
        df = self.pdu.copy()
        df["year"] = I.publication_year(df)
        df["label"] = [I.inspection_label(r) for _, r in df.iterrows()]
        df["name"] = [I.inspection_name(r) for _, r in df.iterrows()]
        df["inadequate"] = df["overall_rating"].eq("Inadequate")
        df["good_or_better"] = df["overall_rating"].isin(["Good", "Outstanding"])
        return df

    @cached_property
    def frameworks(self) -> list[str]:
        return sorted(self.pdu["framework"].unique())

    def framework(self, fw: str) -> pd.DataFrame:
        return self.inspections[self.inspections["framework"] == fw]


def load_data(folder=None) -> InspectionData:
    """Load the chapter's tables from ``folder`` (default: the book's data folder)."""
    t = {name: load.load_table(name, folder) for name in TABLES}
    return InspectionData(
        t["pdu_inspections"],
        t["regions"],
        t["regional_inspections"],
        t["provider_inspections"],
        t["national_quality"],
        t["inspection_headline_figures"],
        t["national_facts"],
        t["regional_staffing"],
    )


# ====================================================================== helpers
def _and(items: list[str]) -> str:
    items = [str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pct(k: int, n: int) -> str:
    return fmt_pct(100 * k / n, 0)


def _kn(k: int, n: int) -> str:
    """'22 of 42 (52%)'."""
    return f"{fmt_int(k)} of {fmt_int(n)} ({_pct(k, n)})"


def _exact_ci(k: int, n: int) -> tuple[float, float]:
    from scipy.stats import binomtest

    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=1 - rules.ALPHA, method="exact")
    return 100 * ci.low, 100 * ci.high


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# ====================================================================== overall ratings
def framework_counts(d: InspectionData) -> pd.DataFrame:
    """Per framework: inspections, Inadequate, Requires improvement, Good or better, years."""
    rows = []
    for fw in d.frameworks:
        sub = d.framework(fw)
        rows.append(
            {
                "framework": fw,
                "n": len(sub),
                "inadequate": int(sub["inadequate"].sum()),
                "requires_improvement": int(sub["overall_rating"].eq("Requires improvement").sum()),
                "good_or_better": int(sub["good_or_better"].sum()),
                "first_year": int(sub["year"].min()),
                "last_year": int(sub["year"].max()),
            }
        )
    return pd.DataFrame(rows).set_index("framework")


def framework_verdicts(d: InspectionData, fw: str) -> dict[str, rules.Verdict]:
    """The share words for one framework: Inadequate (generalising, so with its interval) and
    Good or better (the inspections counted)."""
    c = framework_counts(d).loc[fw]
    return {
        "inadequate": rules.share(c["inadequate"], c["n"], generalise=True),
        "good": rules.share(c["good_or_better"], c["n"]),
    }


def ratings_table(d: InspectionData) -> Table:
    t = I.ratings_by(d.inspections, ["framework", "year"]).reset_index()
    t.columns.name = None
    t = t.rename(columns={"framework": "Framework", "year": "Year"})
    return Table(
        t.astype(str),
        "Overall ratings of PDU inspections by framework and year (counts; year of "
        "publication, or of fieldwork or listing where the publication date is not yet collected)",
    )


def _year_regions(sub: pd.DataFrame, year: int) -> list[str]:
    return sorted(sub.loc[sub["year"] == year, "region"].unique())


def year_changes(d: InspectionData) -> list[dict]:
    """Within each framework, the share rated Inadequate in each year against the year before
    (consecutive years held in the data), with the rule's verdict and the regions each year covers."""
    out = []
    for fw in d.frameworks:
        sub = d.framework(fw)
        years = sorted(sub["year"].unique())
        for a, b in itertools.pairwise(years):
            ka, na = int(sub.loc[sub["year"] == a, "inadequate"].sum()), int((sub["year"] == a).sum())
            kb, nb = int(sub.loc[sub["year"] == b, "inadequate"].sum()), int((sub["year"] == b).sum())
            v = rules.change((ka, na), (kb, nb), labels=(str(a), str(b)))
            out.append(
                {
                    "framework": fw,
                    "before": int(a),
                    "after": int(b),
                    "verdict": v,
                    "regions_before": _year_regions(sub, a),
                    "regions_after": _year_regions(sub, b),
                }
            )
    return out


def _change_sentence(c: dict) -> str:
    v, a, b = c["verdict"], c["before"], c["after"]
    head = {
        "up": f"the share rated Inadequate {v.word} from {a} to {b}",
        "down": f"the share rated Inadequate {v.word} from {a} to {b}",
        "no_change": f"there was {v.word} in the share rated Inadequate from {a} to {b}",
        "untestable": f"from {a} to {b} there are {v.word} whether the share rated Inadequate changed",
    }[v.code]
    same = c["regions_before"] == c["regions_after"]
    where = (
        "both years cover the same regions"
        if same
        else f"the {a} inspections were in {_and(c['regions_before'])}, the {b} ones in {_and(c['regions_after'])}, "
        f"so a difference between the years would mix time and place"
    )
    return f"Under the {c['framework']} framework, {head} ({v.reason}); {where}."


def year_change_sentence(d: InspectionData) -> str:
    """Every year-on-year comparison within a framework, with the rule's word and the regions each year covers."""
    changes = year_changes(d)
    if not changes:
        return "No framework has inspections in two different years yet, so no change over time can be measured."
    return " ".join(_change_sentence(c) for c in changes)


def year_changes_table(d: InspectionData) -> Table | None:
    if not year_changes(d):
        return None
    rows = []
    for c in year_changes(d):
        v = c["verdict"]
        (k1, n1), (k2, n2) = v.details["before"], v.details["after"]
        lo, hi = v.details["interval"]
        rows.append(
            {
                "Framework": c["framework"],
                "Years": f"{c['before']} to {c['after']}",
                "Inadequate, earlier": _kn(k1, n1),
                "Inadequate, later": _kn(k2, n2),
                "Fisher p": f"{v.details['p_value']:.2f}",
                "Change, 95% interval": f"{100 * lo:+.0f} to {100 * hi:+.0f} points",
                "Verdict": v.word,
            }
        )
    return Table(
        pd.DataFrame(rows),
        "Share of inspections rated Inadequate, year on year within each framework "
        "(exact test; the words follow the rule in Methods)",
        col_widths=[0.1, 0.12, 0.16, 0.16, 0.08, 0.18, 0.16],
    )


# ====================================================================== regions
def region_counts(d: InspectionData, fw: str) -> pd.DataFrame:
    """Per region within one framework: k Inadequate of n inspections, share, funnel position."""
    sub = d.framework(fw)
    # named aggregation gives a frame (columns k and n); pandas-stubs types it as a Series
    g = cast(pd.DataFrame, sub.groupby("region")["inadequate"].agg(k="sum", n="size")).astype(int)
    p0 = g["k"].sum() / g["n"].sum()
    g["share"] = 100 * g["k"] / g["n"]
    g["position"] = [I.funnel_position(k, n, p0) for k, n in zip(g["k"], g["n"], strict=True)]
    return g.sort_values(["share", "n"], ascending=[False, False])


def region_verdicts(d: InspectionData, fw: str) -> dict[str, rules.Verdict]:
    """Whether the regions differ (exact test), and whether one stands out as highest or lowest."""
    g = region_counts(d, fw)
    strata = dict.fromkeys(g.index, fw)
    groups = g[["k", "n"]]
    if len(g) < 2:
        none = rules.Verdict("leader", "none", "no region stands out", f"only {g.index[0]} was inspected")
        untestable = rules.Verdict(
            "differ", "untestable", rules.DIFFER["untestable"], f"only {g.index[0]} was inspected"
        )
        return {"differ": untestable, "highest": none, "lowest": none}
    return {
        "differ": rules.differ(groups, noun="region", strata=strata),
        "highest": rules.leader(groups, noun="region", word="highest", strata=strata),
        "lowest": rules.leader(groups, highest=False, noun="region", word="lowest", strata=strata),
    }


def funnel(d: InspectionData, fw: str) -> dict:
    """The funnel plot's data for one framework: points, limits and the framework's overall share."""
    g = region_counts(d, fw)
    p0 = g["k"].sum() / g["n"].sum()
    return {"points": g, "p0": p0, "curve": I.funnel_curve(max(int(g["n"].max()), 2) + 2, p0)}


def _leader_sentence(v: rules.Verdict, direction: str) -> str:
    if v.code == "leader":
        return f"{v.subject} has the {direction} share and stands out ({v.reason})"
    return f"{v.word} with the {direction} share ({v.reason})"


def region_sentence(d: InspectionData, fw: str) -> str:
    g = region_counts(d, fw)
    v = region_verdicts(d, fw)
    p0 = g["k"].sum() / g["n"].sum()
    differ = v["differ"]
    test = {
        "differ": f"the regions' shares {differ.word} ({differ.reason})",
        "not_shown": f"there is {differ.word} between the regions ({differ.reason})",
        "untestable": f"there are {differ.word} whether the regions differ ({differ.reason})",
    }[differ.code]
    outside = g[g["position"] != "inside"]
    funnel_text = (
        "every region lies inside the 95% limits"
        if outside.empty
        else _and(
            [
                f"{r} ({row.k} of {row.n}) lies "
                f"{row.position.replace('above', 'above the').replace('below', 'below the')} limit"
                for r, row in outside.iterrows()
            ]
        )
    )
    return (
        f"Under the {fw} framework, {_count_word(len(g))} regions had {fmt_int(g['n'].sum())} inspections between "
        f"them, {_pct(int(g['k'].sum()), int(g['n'].sum()))} rated Inadequate overall. Tested together, {test}. In "
        f"the funnel plot around the framework's share of {fmt_pct(100 * p0, 0)}, {funnel_text}. "
        f"{_cap(_leader_sentence(v['highest'], 'highest'))}; {_leader_sentence(v['lowest'], 'lowest')}."
    )


def _count_word(n: int) -> str:
    """'none', 'one' ... 'nine', then digits."""
    return "none" if int(n) == 0 else rules._count(n)


def region_table(d: InspectionData) -> Table:
    rows = []
    for fw in d.frameworks:
        for region, r in region_counts(d, fw).iterrows():
            rows.append(
                {
                    "Framework": fw,
                    "Region": region,
                    "Inspections": fmt_int(r["n"]),
                    "Rated Inadequate": _kn(int(r["k"]), int(r["n"])),
                    "Exact 95% interval": "{:.0f}% to {:.0f}%".format(*_exact_ci(int(r["k"]), int(r["n"]))),
                    "Funnel position": "inside the limits" if r["position"] == "inside" else r["position"] + " limit",
                }
            )
    frame = pd.DataFrame(rows)
    return Table(
        frame,
        "Share of inspections rated Inadequate by region, within each framework",
        col_widths=[0.1, 0.26, 0.1, 0.16, 0.16, 0.18],
        links={"Region": [profiles.region_href(r, CHAPTER_DOC) for r in frame["Region"]]},
    )


# ====================================================================== standards
def standards_selection(d: InspectionData, fw: str) -> dict:
    """How many inspections of a framework have standard ratings, and how they were rated overall."""
    sub = d.framework(fw)
    cols = I.FRAMEWORK_STANDARDS[fw]
    known = sub[sub[cols].notna().any(axis=1)]
    others = sub.drop(known.index)
    casework = [c for c in CASEWORK if c in cols]
    with_cw = sub[sub[casework].notna().any(axis=1)]
    all_inad = with_cw[casework].apply(lambda r: all(v == "Inadequate" for v in r.dropna()), axis=1)
    stated = sub[sub["standards_inadequate_stated"].notna() & ~sub.index.isin(known.index)]
    out = {
        "framework": fw,
        "n": len(sub),
        "known": len(known),
        "known_inadequate": int(known["inadequate"].sum()),
        "others": len(others),
        "others_inadequate": int(others["inadequate"].sum()),
        "casework_known": len(with_cw),
        "casework_all_inadequate": int(all_inad.sum()),
        "stated_only": stated,
        "cells": int(sub[cols].notna().sum().sum()),
    }
    if len(known) and len(others):
        out["verdict"] = rules.leader(
            {
                "with standard ratings": (out["known_inadequate"], len(known)),
                "without": (out["others_inadequate"], len(others)),
            },
            noun="group",
            word="more often Inadequate",
        )
    else:
        out["verdict"] = None
    return out


def standards_sentence(d: InspectionData) -> str:
    parts = []
    for fw in d.frameworks:
        s = standards_selection(d, fw)
        if not s["known"]:
            parts.append(f"No standard rating is held for the {fmt_int(s['n'])} inspections under the {fw} framework.")
            continue
        text = (
            f"Under the {fw} framework, at least one standard rating is known for {fmt_int(s['known'])} of the "
            f"{fmt_int(s['n'])} inspections, and {_kn(s['known_inadequate'], s['known'])} of these were rated "
            f"Inadequate overall, against {_kn(s['others_inadequate'], s['others'])} of the inspections whose "
            f"standard ratings are not held"
        )
        v = s["verdict"]
        if v is not None:
            if v.code == "leader":
                more = "more" if v.subject == "with standard ratings" else "less"
                text += f"; those with known ratings were {more} often Inadequate overall ({v.reason})"
            else:
                text += f"; an exact test does not separate the two groups ({v.reason})"
        text += "."
        if s["casework_known"]:
            share = rules.share(s["casework_all_inadequate"], s["casework_known"])
            k, n = s["casework_all_inadequate"], s["casework_known"]
            text += (
                f" A case-work standard (assessment, planning, implementation and delivery, reviewing) is known for "
                f"{fmt_int(n)} of them; in {share.word} of these ({fmt_int(k)} of {fmt_int(n)}, {_pct(k, n)}) "
                f"every known case-work rating is Inadequate."
            )
        if len(s["stated_only"]):
            ex = s["stated_only"].iloc[0]
            text += (
                f" For {_count_word(len(s['stated_only']))} more "
                f"{'inspection' if len(s['stated_only']) == 1 else 'inspections'} a source gives only the number of "
                f"standards rated Inadequate (for example {I.short_pdu(ex['pdu'])}, "
                f"{fmt_int(ex['standards_inadequate_stated'])} of {len(I.FRAMEWORK_STANDARDS[fw])})."
            )
        parts.append(text)
    return " ".join(parts)


def standards_table(d: InspectionData) -> Table:
    ss = I.standard_summary(d.inspections)
    t = ss.assign(pct=ss["pct_inadequate_of_rated"].map(lambda v: "–" if pd.isna(v) else fmt_pct(v, 0)))
    t = t[["framework", "standard", "inspections", "rated", "inadequate", "pct"]]
    t.columns = ["Framework", "Standard", "Inspections", "Rating known", "Inadequate", "Inadequate (% of known)"]
    return Table(
        t.astype(str),
        "Standard ratings: how many are known and how many were Inadequate (each inspection counts once per standard)",
        col_widths=[0.12, 0.3, 0.13, 0.13, 0.13, 0.15],
    )


# ====================================================================== key questions
def complete_kq(d: InspectionData) -> pd.DataFrame:
    """Inspections with all twelve key-question percentages from the report's own table."""
    df = d.inspections
    return df[df[list(I.KQ_LABELS)].notna().all(axis=1)].sort_values("year")


def kq_profile(d: InspectionData, inspection_id: str | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """The inspection shown (default: the latest with a complete set) and its twelve key-question
    percentages with Wilson 95% intervals (cases treated as independent)."""
    from .models import wilson_ci

    sets = complete_kq(d)
    sets = sets[sets["cases_inspected"].notna()]
    if sets.empty:
        raise ValueError("no inspection has a complete set of key-question percentages and its number of cases")
    rec = (
        sets.iloc[-1]
        if inspection_id is None  # one row: inspection ids are unique
        else cast(pd.Series, sets.set_index("inspection_id", drop=False).loc[inspection_id])
    )
    n = int(rec["cases_inspected"])
    rows = []
    for col, (stage, aim) in I.KQ_LABELS.items():
        pct = float(rec[col])
        ci = wilson_ci(round(pct / 100 * n), n)
        rows.append({"stage": stage, "aim": aim, "pct": pct, "ci_low": 100 * ci.ci_low, "ci_high": 100 * ci.ci_high})
    return rec, pd.DataFrame(rows)


def kq_lowest(kq: pd.DataFrame) -> dict[str, list[str]]:
    """For each stage, the aim(s) with the lowest percentage (ties kept together)."""
    out: dict[str, list[str]] = {}
    for stage, grp in kq.groupby("stage", sort=False):
        out[cast(str, stage)] = grp.loc[grp["pct"] == grp["pct"].min(), "aim"].tolist()
    return out


def kq_sentence(d: InspectionData) -> str:
    sets = complete_kq(d)
    rec, kq = kq_profile(d)
    low = kq_lowest(kq)
    safe_low = [s for s, aims in low.items() if aims == [SAFE]]
    other = {s: aims for s, aims in low.items() if aims != [SAFE]}
    stages = list(low)
    names = _and([I.inspection_name(r) for _, r in sets.iterrows()])
    text = (
        f"{_cap(_count_word(len(sets)))} {'inspection has' if len(sets) == 1 else 'inspections have'} a complete set "
        f"of key-question percentages from the report's own table: {names}. Of the {fmt_int(rec['cases_inspected'])} "
        f"cases inspected in {I.short_pdu(rec['pdu'])}, keeping people safe scored lowest of the three aims at "
        f"{_count_word(len(safe_low))} of the {_count_word(len(stages))} stages"
        + (f" ({_and([s.lower() for s in safe_low])})" if safe_low else "")
    )
    for stage, aims in other.items():
        grp = kq[kq["stage"] == stage].set_index("aim")["pct"]
        lowest = grp[aims[0]]
        text += (
            f"; at {stage.lower()}, {_and([a.lower() for a in aims])} scored lowest ({fmt_pct(lowest, 0)}, against "
            f"{fmt_pct(grp[SAFE], 0)} for keeping people safe)"
            if SAFE not in aims
            else f"; at {stage.lower()}, {_and([a.lower() for a in aims])} tied lowest ({fmt_pct(lowest, 0)})"
        )
    half = float(((kq["ci_high"] - kq["ci_low"]) / 2).max())
    text += (
        f". Each percentage comes from about {fmt_int(rec['cases_inspected'])} cases, so "
        f"its 95% interval reaches up to {half:.0f} percentage points either side; the aims "
        "at one stage are judged on the same cases and are not compared here by a test."
    )
    if pd.notna(rec.get("kq_court_work")):
        text += (
            f" Court reports were judged sufficient in {fmt_pct(rec['kq_court_work'], 0)} of the cases that had one."
        )
    return text


def headline_table(d: InspectionData) -> Table:
    h = d.headline.merge(d.inspections[["inspection_id", "pdu", "label"]], on="inspection_id", how="left")
    h = h.sort_values(["pdu", "inspection_id"])
    value = [
        f"{fmt_pct(v, 0)}" if u == "percent" else f"{fmt_int(v)} of {fmt_int(den)}"
        for v, u, den in zip(h["value"], h["unit"], h["denominator"], strict=True)
    ]
    wording = [
        f"\u201c{m}\u201d" if w == "quoted" else f"{m} (summarised)"
        for m, w in zip(h["measure"], h["wording"], strict=True)
    ]
    source = {
        "primary": "inspectorate's own publication",
        "mirror": "copy of an official document",
        "secondary": "news report",
    }
    frame = pd.DataFrame(
        {
            "PDU": [I.short_pdu(p) for p in h["pdu"]],
            "Inspection": h["label"],
            "Figure, in the source's words": wording,
            "Value": value,
            "Source": [source.get(s, s) for s in h["source_type"]],
        }
    )
    return Table(
        frame,
        "Other published figures about inspections: report sections, forewords, press releases and "
        "news reports (not key-question scores)",
        col_widths=[0.15, 0.15, 0.45, 0.08, 0.14],
    )


def headline_sentence(d: InspectionData) -> str:
    h = d.headline
    n_insp = h["inspection_id"].nunique()
    quoted = int((h["wording"] == "quoted").sum())
    secondary = int((h["source_type"] == "secondary").sum())
    return (
        f"The table below holds {fmt_int(len(h))} other figures about {fmt_int(n_insp)} inspections: sub-questions "
        f"within a report, and figures from forewords, press releases and news reports. {fmt_int(quoted)} of them "
        f"are quoted in the source's own words and the rest summarised; {fmt_int(secondary)} come from news reports "
        f"(secondary sources). Each answers its own question, often with its own denominator, so none is a "
        f"key-question score: they are not compared with each other or with the scores above."
    )


# ====================================================================== national context
def national_texts(d: InspectionData) -> dict[str, str]:
    """The inspectorate's and the NAO's own counts and comparisons (the notebook cites each source)."""
    r1 = I.provider_round_table(d.providers, "2018-19")
    q = d.quality
    ar23 = q[q["period"].str.startswith("2022/23")].set_index("measure")["value"]
    ar25 = q[q["period"].str.startswith("Feb 2024-Feb 2025")].set_index("measure")["value"]
    nao = q[q["measure"].str.contains("adequately assessed risk of harm") & q["period"].str.contains("NAO")].copy()
    if len(nao) < 2:
        raise ValueError("national_quality: expected the NAO's two figures on risk-of-harm assessment")
    nao["year"] = nao["period"].str.extract(r"^(\d{4}(?:/\d{2})?)")[0]
    nao = nao.sort_values("year")
    first, last = nao.iloc[0], nao.iloc[-1]

    def count(provider: str, column: str) -> int:
        return I.round_count(r1, provider, column)

    return {
        "r1_nps": f"{fmt_int(count('NPS', 'good_or_better'))} of {fmt_int(count('NPS', 'rated'))}",
        "r1_crc": f"{fmt_int(count('CRC', 'good_or_better'))} of {fmt_int(count('CRC', 'rated'))}",
        "ar23_n": fmt_int(ar23["probation inspections covered"]),
        "ar23_good": fmt_int(ar23["inspections rated Good"]),
        "ar23_inad": fmt_int(ar23["inspections rated Inadequate"]),
        "ar25_pdus": fmt_int(ar25["PDUs inspected"]),
        "ar25_inad": fmt_int(ar25["PDUs rated Inadequate"]),
        "ar25_ri": fmt_int(ar25["PDUs rated Requires improvement"]),
        "nao_last": fmt_pct(last["value"], 0),
        "nao_last_year": last["year"],
        "nao_first": fmt_pct(first["value"], 0),
        "nao_first_year": first["year"].replace("/", "–"),
    }


# ====================================================================== repeat inspections
def repeat_table(d: InspectionData) -> Table:
    rep = I.repeat_inspections(d.inspections)
    rows = []
    for _, grp in rep.groupby("pdu_id", sort=True):
        first, last = grp.iloc[0], grp.iloc[-1]
        move = I.RATING_POINTS[last["overall_rating"]] - I.RATING_POINTS[first["overall_rating"]]
        rows.append(
            {
                "PDU": I.short_pdu(last["pdu"]),
                "First inspection": f"{first['label']}; {first['framework']} framework",
                "First rating": first["overall_rating"],
                "Latest inspection": f"{last['label']}; {last['framework']} framework",
                "Latest rating": last["overall_rating"],
                "Rating": "higher" if move > 0 else "lower" if move < 0 else "same",
            }
        )
    return Table(
        pd.DataFrame(rows),
        "PDUs inspected more than once: first and latest overall rating",
        col_widths=[0.2, 0.22, 0.13, 0.22, 0.13, 0.08],
    )


def repeat_sentence(d: InspectionData) -> str:
    pairs = I.repeat_pairs(d.inspections)
    if pairs.empty:
        return "No PDU has been inspected twice in this dataset."
    pairs["move"] = [
        I.RATING_POINTS[b] - I.RATING_POINTS[a]
        for a, b in zip(pairs["first_rating"], pairs["latest_rating"], strict=True)
    ]
    cross = int((pairs["first_framework"] != pairs["latest_framework"]).sum())
    first_inad = pairs[pairs["first_rating"] == "Inadequate"]
    first_higher = pairs[pairs["first_rating"] != "Inadequate"]
    return (
        f"{_cap(_count_word(len(pairs)))} PDUs have been inspected twice; in {_count_word(cross)} of these pairs the "
        "two inspections were under different frameworks, so the two ratings judge different sets of standards. Of "
        f"the {_count_word(len(first_inad))} PDUs first rated Inadequate, "
        f"{_count_word(int((first_inad['move'] > 0).sum()))} were rated higher the second time and "
        f"{_count_word(int((first_inad['move'] == 0).sum()))} Inadequate again; of the "
        f"{_count_word(len(first_higher))} first rated Requires improvement or better, "
        f"{_count_word(int((first_higher['move'] < 0).sum()))} were rated lower, "
        f"{_count_word(int((first_higher['move'] == 0).sum()))} the same and "
        f"{_count_word(int((first_higher['move'] > 0).sum()))} higher."
    )


# ====================================================================== staffing: PDUs
def national_vacancy(d: InspectionData) -> pd.Series:
    rows = d.facts[d.facts["measure"] == "po_vacancy_rate_pct"].sort_values("date")
    if rows.empty:
        raise ValueError("national_facts holds no national probation officer vacancy rate (po_vacancy_rate_pct)")
    return rows.iloc[-1]


def _stratified_exact(values: np.ndarray, flags: np.ndarray, strata: np.ndarray) -> tuple[float, float, float]:
    """Exact stratified permutation test of whether flagged units have higher or lower values:
    the flags are rearranged within each stratum in every possible way; the statistic is the sum,
    over strata, of the flagged units' values less its expectation. Returns (statistic, two-sided
    p, smallest attainable p); strata with only one kind of unit contribute nothing."""
    dist = {0.0: 1}
    observed = 0.0
    for s in np.unique(strata):
        v, f = values[strata == s], flags[strata == s]
        k, n = int(f.sum()), len(v)
        if k in (0, n):
            continue
        mean_sum = k * v.mean()
        observed += v[f].sum() - mean_sum
        local: dict[float, int] = {}
        for combo in itertools.combinations(range(n), k):
            key = round(float(v[list(combo)].sum() - mean_sum), 9)
            local[key] = local.get(key, 0) + 1
        merged: dict[float, int] = {}
        for a, wa in dist.items():
            for b, wb in local.items():
                key = round(a + b, 9)
                merged[key] = merged.get(key, 0) + wa * wb
        dist = merged
    total = sum(dist.values())
    p = sum(w for x, w in dist.items() if abs(x) >= abs(observed) - 1e-7) / total
    top = max(abs(x) for x in dist)
    min_p = sum(w for x, w in dist.items() if abs(x) >= top - 1e-7) / total
    return observed, p, min_p


def vacancy_comparison(d: InspectionData) -> dict:
    """PDUs' published officer vacancy rates against the national rate (sign test), and whether
    the rate differs between inspections rated Inadequate and the others (exact test within
    frameworks)."""
    df = d.inspections.dropna(subset=["po_vacancy_pct"]).sort_values("po_vacancy_pct").copy()
    nat = national_vacancy(d)
    baseline = rules.against_baseline(
        df["po_vacancy_pct"].tolist(), float(nat["value"]), unit="%", words={"untestable": "too few to compare with"}
    )
    values = df["po_vacancy_pct"].to_numpy(float)
    flags = df["inadequate"].to_numpy(bool)
    strata = df["framework"].to_numpy(str)
    testable = any(0 < flags[strata == s].sum() < (strata == s).sum() for s in np.unique(strata))
    if testable:
        stat, p, min_p = _stratified_exact(values, flags, strata)
        rating = rules.established(p_value=p, min_attainable_p=min_p)
    else:
        stat, p, min_p = 0.0, 1.0, 1.0
        rating = rules.Verdict(
            "established",
            "untestable",
            "not established",
            "no framework has inspections with both an Inadequate and another rating among those "
            "that publish a vacancy rate, so there is nothing to compare",
            details={"p_value": None},
        )
    return {
        "rates": df,
        "national": nat,
        "baseline": baseline,
        "rating": rating,
        "statistic": stat,
        "p": p,
        "min_p": min_p,
    }


def vacancy_texts(d: InspectionData) -> dict[str, str]:
    """The PDU vacancy comparison: the rates, the national rate (cited in the notebook) and the two tests."""
    c = vacancy_comparison(d)
    df, nat = c["rates"], c["national"]
    by_fw = _and(
        [
            f"{fmt_int((df['framework'] == fw).sum())} under the {fw} framework"
            for fw in sorted(df["framework"].unique())
        ]
    )
    intro = (
        f"{_cap(_count_word(len(df)))} inspections publish a probation officer vacancy rate ({by_fw}), from "
        f"{fmt_pct(df['po_vacancy_pct'].min(), 0)} to {fmt_pct(df['po_vacancy_pct'].max(), 0)} (median "
        f"{fmt_pct(df['po_vacancy_pct'].median(), 0)}); they were measured between {df['year'].min()} and "
        f"{df['year'].max()}, each as its report or local source defines it"
    )
    return {
        "vacancy_intro": intro,
        "nat_vac": fmt_pct(nat["value"], 0),
        "nat_vac_date": fmt_month(nat["date"]),
        "vacancy_sentence": vacancy_sentence(d),
    }


def vacancy_sentence(d: InspectionData) -> str:
    c = vacancy_comparison(d)
    df, b, r = c["rates"], c["baseline"], c["rating"]
    k_inad = int(df["inadequate"].sum())
    return (
        f"The inspected PDUs' rates are {b.word} the national rate ({b.reason}). {_cap(_count_word(k_inad))} of the "
        f"{_count_word(len(df))} were rated Inadequate. Whether higher vacancy rates come with worse ratings: "
        f"{r.word} ({r.reason}; exact test comparing the vacancy rates of inspections rated Inadequate and the "
        f"others, within each framework)."
    )


# ====================================================================== staffing: regions
def regional_vacancies(d: InspectionData) -> dict:
    """The latest all-grade vacancy figures published for several regions, per stated PDU, against
    the figure across those regions."""
    rs = d.regional_staffing
    vac = rs[(rs["measure"] == "vacancies") & (rs["grade"] == "all_grades") & (rs["unit"] == "FTE")]
    counts = vac.groupby("date")["region"].nunique()
    date = counts[counts >= 3].index.max() if (counts >= 3).any() else None
    per_measure = rs.groupby(["measure", "grade"])["region"].nunique()
    single = rs.set_index(["measure", "grade"]).loc[per_measure[per_measure == 1].index].reset_index()
    if date is None:
        return {"date": None, "table": pd.DataFrame(), "single": single}
    v = vac[vac["date"] == date].set_index("region")["value"]
    pdus = d.regions.set_index("region")["pdus_stated"]
    t = pd.DataFrame({"vacancies": v}).join(pdus)
    both = t.dropna()
    baseline = both["vacancies"].sum() / both["pdus_stated"].sum() if len(both) else float("nan")
    t["per_pdu"] = t["vacancies"] / t["pdus_stated"]
    t["against_baseline"] = t["per_pdu"] / baseline
    for fw in d.frameworks:
        g = region_counts(d, fw)
        t[f"k_{fw}"], t[f"n_{fw}"] = g["k"], g["n"]
    return {
        "date": date,
        "table": t,
        "baseline": baseline,
        "single": single,
        "vintage": vac.loc[vac["date"] == date, "vintage"].max(),
    }


def regional_association(d: InspectionData) -> dict[str, rules.Verdict]:
    """Per framework: do vacancies per PDU and the share rated Inadequate go together across regions?"""
    rv = regional_vacancies(d)
    out = {}
    for fw in d.frameworks:
        if rv["date"] is None:
            out[fw] = rules.Verdict("association", "too_few", "not shown", "no regional vacancy figures are held")
            continue
        t = rv["table"].dropna(subset=["per_pdu", f"n_{fw}"])
        if len(t) < 3:
            out[fw] = rules.Verdict(
                "association",
                "too_few",
                "not shown",
                f"only {len(t)} regions have both figures, too few for any test",
                details={"n": len(t)},
            )
            continue
        out[fw] = rules.association(t["per_pdu"], t[f"k_{fw}"] / t[f"n_{fw}"])
    return out


def regional_staffing_intro(d: InspectionData) -> str:
    rv = regional_vacancies(d)
    if rv["date"] is None:
        return "No regional vacancy figure has been collected for three or more regions"
    t = rv["table"]
    return (
        f"The one staffing measure published for every region in the data is the number of vacancies across all "
        f"grades at {fmt_month(rv['date'])} (FTE, {_count_word(int(t['vacancies'].notna().sum()))} regions)"
    )


def regional_staffing_sentence(d: InspectionData) -> str:
    rv = regional_vacancies(d)
    if rv["date"] is None:
        return "Staffing and ratings therefore cannot be compared by region."
    t = rv["table"]
    n_pdus = int(t["pdus_stated"].notna().sum())
    assoc = regional_association(d)
    parts = []
    for fw, v in assoc.items():
        n = v.details.get("n", 0)
        parts.append(
            f"under the {fw} framework ({_count_word(n)} regions), that vacancies per PDU and the share rated "
            f"Inadequate go together is {v.word} ({v.reason})"
            if v.code != "together"
            else f"under the {fw} framework ({_count_word(n)} regions) vacancies per PDU and the share rated "
            f"Inadequate {v.word} ({v.reason})"
        )
    by_region = []
    for region, grp in rv["single"].groupby("region", sort=True):
        items = list(
            dict.fromkeys(
                f"{MEASURE_WORDS.get(m, m.replace('_', ' '))} ({GRADE_WORDS.get(g, g.replace('_', ' '))})"
                for m, g in zip(grp["measure"], grp["grade"], strict=True)
            )
        )
        by_region.append(f"{region}: {_and(items)}")
    single = "; ".join(by_region) or "none"
    return (
        f"No staff-in-post or target figure is held for most regions, so no "
        f"regional vacancy rate can be computed, and a count of vacancies grows with a region's size. As a rough "
        f"allowance for size, vacancies are divided by the number of PDUs a source states for the region "
        f"({_count_word(n_pdus)} regions), and compared with the figure across those regions, "
        f"{rv['baseline']:.1f} vacancies per PDU; PDUs differ in size, so this is crude. Tested by rank within each "
        f"framework, {'; '.join(parts)}. The vacancies are for one month, while the inspections span several "
        f"years. Other regional figures held cover one region each ({single}), so they cannot be compared across "
        f"regions."
    )


def regional_staffing_table(d: InspectionData) -> Table | None:
    rv = regional_vacancies(d)
    if rv["date"] is None:
        return None
    t = rv["table"].reset_index().rename(columns={"index": "region"})
    frame = pd.DataFrame(
        {
            "Region": t["region"],
            f"Vacancies, {fmt_month(rv['date'])} (FTE)": t["vacancies"].map(fmt_int),
            "PDUs stated": t["pdus_stated"].map(lambda v: "–" if pd.isna(v) else fmt_int(v)),
            "Vacancies per PDU": t["per_pdu"].map(lambda v: "–" if pd.isna(v) else f"{v:.1f}"),
            f"Against {rv['baseline']:.1f} per PDU": t["against_baseline"].map(
                lambda v: "–" if pd.isna(v) else f"{v:.2f}×"
            ),
        }
    )
    for fw in d.frameworks:
        frame[f"Inadequate, {fw} framework"] = [
            ("–" if pd.isna(n) else _kn(int(k), int(n))) for k, n in zip(t[f"k_{fw}"], t[f"n_{fw}"], strict=True)
        ]
    widths = [0.22, 0.13, 0.09, 0.1, 0.12] + [0.15] * len(d.frameworks)
    return Table(
        frame,
        "Regional vacancies (all grades) beside each region's inspection ratings, within each framework",
        col_widths=widths,
    )


# ====================================================================== regional inspections
def publishers(urls: str) -> str:
    """'HM Inspectorate of Probation; BBC News' from a ' ; '-separated list of addresses."""
    from urllib.parse import urlparse

    names = []
    for url in str(urls).split(" ; "):
        host = urlparse(url.strip()).netloc.lower().removeprefix("www.")
        name = next((v for k, v in PUBLISHERS.items() if host == k or host.endswith("." + k)), None)
        if name is None:
            name = host.removeprefix("m.").removeprefix("touch.")
        if name not in names:
            names.append(name)
    return "; ".join(names)


def name_sources(text: str) -> str:
    """Replace short source tags inside a value (such as '(BBC)') with the source's name."""
    for tag, named in SOURCE_TAGS.items():
        text = text.replace(tag, named)
    return text


def regional_inspections_table(d: InspectionData) -> Table:
    r = d.regional.copy()
    kinds = {"2024": "2024 framework", "2021": "2021 framework", "dipp": "public protection"}
    frame = pd.DataFrame(
        {
            "Region": r["region"],
            "Type": r["framework"].map(kinds).fillna(r["framework"]),
            "Published": r["published"].map(lambda v: I.partial_date_text(v) or "not yet collected"),
            "Overall": r["overall_rating"].fillna("no rating given"),
            "Standards (as stated)": r["ratings_by_standard"].fillna("–").map(name_sources),
            "Sources": r["source_url"].map(publishers),
        }
    )
    return Table(
        frame,
        "Regional inspections: 2024-framework ratings and inspections of public protection",
        col_widths=[0.14, 0.1, 0.09, 0.11, 0.36, 0.2],
        links={"Region": [profiles.region_href(reg, CHAPTER_DOC) for reg in frame["Region"]]},
    )


def regional_inspections_sentence(d: InspectionData) -> str:
    r = d.regional
    rated = r[r["overall_rating"].notna()]
    dipp = r[r["framework"] == "dipp"]
    return (
        f"{_cap(_count_word(len(rated)))} regions have an overall rating from a regional inspection under the 2024 "
        f"framework, {_count_word(int((rated['overall_rating'] == 'Inadequate').sum()))} of them Inadequate. From "
        f"October 2025 the inspectorate paused PDU inspections in favour of inspections of public protection; "
        f"{_count_word(len(dipp))} are in the table, and they give no ratings."
    )


# ====================================================================== all inspections
def all_inspections_table(d: InspectionData) -> Table:
    full = d.inspections.sort_values(["region", "pdu", "year"])
    frame = format_frame(
        full[
            ["pdu", "region", "label", "framework", "overall_rating", "score", "cases_inspected", "po_vacancy_pct"]
        ].assign(pdu=full["pdu"].map(I.short_pdu)),
        {"score": lambda v: f"{int(v)}/27", "cases_inspected": fmt_int, "po_vacancy_pct": lambda v: fmt_pct(v, 0)},
    )
    frame.columns = ["PDU", "Region", "Inspection", "Framework", "Overall rating", "Score", "Cases", "PO vacancy"]
    return Table(
        frame,
        "Every PDU inspection in the dataset",
        searchable=True,
        col_widths=[0.2, 0.15, 0.22, 0.09, 0.13, 0.06, 0.06, 0.08],
        links={
            "PDU": [profiles.profile_href(i, CHAPTER_DOC) for i in full["pdu_id"]],
            "Region": [profiles.region_href(r, CHAPTER_DOC) for r in full["region"]],
        },
    )


# ====================================================================== coverage
def coverage_texts(d: InspectionData) -> dict[str, str]:
    df = d.inspections
    cov = I.coverage(d.pdu, d.regions)
    fw = cov["by_framework"]
    pub = df["published"].notna()
    fieldwork = df["published"].isna() & df["fieldwork_start"].notna()
    out = {
        "n_insp": fmt_int(cov["inspections"]),
        "n_pdus": fmt_int(cov["pdus_inspected"]),
        "framework_counts": _and([f"{fmt_int(n)} under the {f} framework" for f, n in sorted(fw.items())]),
        "n_regions": fmt_int(cov["regions_total"]),
        "n_regions_stated": fmt_int(cov["regions_with_stated_count"]),
        "pdus_stated": fmt_int(cov["pdus_in_regions_with_stated_count"]),
        "pdus_insp_stated": fmt_int(cov["pdus_inspected_in_those_regions"]),
        "n_all_standards": fmt_int(cov["with_all_standard_ratings"]),
        "n_any_standard": fmt_int(cov["with_any_standard_rating"]),
        "n_score": fmt_int(cov["with_score"]),
        "n_all_kq": fmt_int(cov["with_all_kq"]),
        "n_any_kq": fmt_int(cov["with_any_kq"]),
        "n_cases_known": fmt_int(cov["field_counts"]["cases_inspected"]),
        "n_po_vac": fmt_int(cov["field_counts"]["po_vacancy_pct"]),
        "n_wmt": fmt_int(cov["field_counts"]["po_workload_pct"]),
        "year_first": str(df["year"].min()),
        "year_last": str(df["year"].max()),
        "year_basis": (
            f"publication for {fmt_int(pub.sum())}, fieldwork for {fmt_int(fieldwork.sum())} and the "
            f"identifier's year for {fmt_int((~pub & ~fieldwork).sum())}"
        ),
        "example_label": I.inspection_label(
            {"fieldwork_start": "2022-11", "published": "2023-02", "inspection_id": "example-2023"}
        ),
    }
    stated = d.quality[d.quality["period"] == "2022 (calendar year)"].set_index("measure")["value"]
    n_s, k_s = int(stated["PDU reports published"]), int(stated["PDU reports rated Inadequate"])
    y22 = df[df["year"] == 2022]
    n_t, k_t = len(y22), int(y22["inadequate"].sum())
    out.update(
        {
            "n_2022": fmt_int(n_t),
            "n_2022_inad": fmt_int(k_t),
            "stated_2022": fmt_int(n_s),
            "stated_2022_inad": fmt_int(k_s),
            "check_2022": (
                "so the table holds every PDU report of 2022"
                if (n_t, k_t) == (n_s, k_s)
                else "so the table does not yet hold every PDU report of that year"
            ),
        }
    )
    return out


# ====================================================================== all texts
def framework_sentence(d: InspectionData) -> str:
    c = framework_counts(d)
    parts = []
    for label, r in c.iterrows():
        fw = cast(str, label)  # the frame is indexed by framework
        v = framework_verdicts(d, fw)
        lo, hi = _exact_ci(r["inadequate"], r["n"])
        good = d.framework(fw)
        names = _and([I.inspection_name(x) for _, x in good[good["good_or_better"]].iterrows()])
        years = f"{r['first_year']}" if r["first_year"] == r["last_year"] else f"{r['first_year']} to {r['last_year']}"
        parts.append(
            f"Under the {fw} framework ({fmt_int(r['n'])} inspections, {years}), {v['inadequate'].word} were rated "
            f"Inadequate ({fmt_int(r['inadequate'])} of {fmt_int(r['n'])}, {_pct(r['inadequate'], r['n'])}; exact 95% "
            f"interval {lo:.0f}% to {hi:.0f}%) and {v['good'].word}"
            + (
                f" ({fmt_int(r['good_or_better'])} of {fmt_int(r['n'])})"
                if v["good"].code not in ("none", "all")
                else ""
            )
            + " Good or better"
            + (f": {names}" if r["good_or_better"] else "")
            + "."
        )
    return " ".join(parts)


def texts(d: InspectionData) -> dict[str, str]:
    """Every value the chapter glues, as text."""
    out = coverage_texts(d)
    out["framework_sentence"] = framework_sentence(d)
    out["year_change_sentence"] = year_change_sentence(d)
    out["region_sentence"] = " ".join(region_sentence(d, fw) for fw in d.frameworks)
    out["standards_sentence"] = standards_sentence(d)
    out["kq_sentence"] = kq_sentence(d)
    out["headline_sentence"] = headline_sentence(d)
    out.update(national_texts(d))
    out["repeat_sentence"] = repeat_sentence(d)
    out.update(vacancy_texts(d))
    out["regional_staffing_intro"] = regional_staffing_intro(d)
    out["regional_staffing_sentence"] = regional_staffing_sentence(d)
    out["regional_inspections_sentence"] = regional_inspections_sentence(d)
    return out


def key_finding(d: InspectionData) -> str:
    """The landing page's inspection finding: within the latest framework, what the data support by rule."""
    latest = d.frameworks[-1]
    c = framework_counts(d)
    r = cast(pd.Series, c.loc[latest])  # one row per framework
    v = framework_verdicts(d, latest)
    lo, hi = _exact_ci(r["inadequate"], r["n"])
    head = (
        f"**Under the {latest} inspection framework, {v['good'].word} of the {fmt_int(r['n'])} PDU inspections held "
        f"{'was' if r['good_or_better'] == 1 else 'were'} rated Good or better; {v['inadequate'].word} "
        f"were rated Inadequate.**"
    )
    body = f" {_cap(_kn(r['inadequate'], r['n']))} were rated Inadequate (exact 95% interval {lo:.0f}% to {hi:.0f}%)."
    earlier = [fw for fw in d.frameworks if fw != latest]
    if earlier:
        e = cast(pd.Series, c.loc[earlier[-1]])
        body += (
            f" Under the earlier {earlier[-1]} framework, which rated other standards, "
            f"{_kn(e['inadequate'], e['n'])} were Inadequate and {_count_word(e['good_or_better'])} "
            "Good or better; the two are not compared as a trend."
        )
    body += (
        " The dataset holds the inspections found so far, and each year covers different regions, so these are "
        "counts of the inspections held rather than a national rate."
    )
    return head + body


def conclusions(d: InspectionData) -> list[tuple[str, rules.Verdict]]:
    """Each qualitative word the chapter uses, with the verdict that decided it."""
    items = []
    for fw in d.frameworks:
        v = framework_verdicts(d, fw)
        items += [
            (f"{fw} framework: share rated Inadequate", v["inadequate"]),
            (f"{fw} framework: share rated Good or better", v["good"]),
        ]
    for c in year_changes(d):
        items.append((f"{c['framework']} framework: Inadequate, {c['before']} to {c['after']}", c["verdict"]))
    for fw in d.frameworks:
        rv = region_verdicts(d, fw)
        items += [
            (f"{fw} framework: do regions differ?", rv["differ"]),
            (f"{fw} framework: region with the highest share Inadequate", rv["highest"]),
            (f"{fw} framework: region with the lowest share Inadequate", rv["lowest"]),
        ]
    for fw in d.frameworks:
        s = standards_selection(d, fw)
        if s["verdict"] is not None:
            items.append((f"{fw} framework: inspections with known standard ratings, Inadequate overall", s["verdict"]))
    vc = vacancy_comparison(d)
    items += [
        ("Inspected PDUs' officer vacancy rates against the national rate", vc["baseline"]),
        ("Higher vacancy rates with worse ratings (PDUs)", vc["rating"]),
    ]
    for fw, verdict in regional_association(d).items():
        items.append((f"{fw} framework: regional vacancies per PDU and share Inadequate", verdict))
    return items


def conclusions_table(d: InspectionData) -> Table:
    return rules.conclusions_table(conclusions(d))
