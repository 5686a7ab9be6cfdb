"""Inspection outcomes: counts by framework, year and region; standards; repeat
inspections; coverage of the dataset; the link to staffing measures.

The 2021 and 2024 frameworks differ (nine standards scored out of 27 against seven PDU
standards with no score), so nothing here ranks PDUs across frameworks on one scale.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from . import validate as _validate

RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
RATING_POINTS = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
STANDARD_LABELS = {
    "r_leadership": "Leadership",
    "r_staff": "Staff(ing)",
    "r_services": "Services",
    "r_information_facilities": "Information and facilities",
    "r_court_work": "Court work",
    "r_assessment": "Assessment",
    "r_planning": "Planning",
    "r_implementation_delivery": "Implementation and delivery",
    "r_reviewing": "Reviewing",
}
#: Rating columns of each framework's standards, as the validator checks them (one definition).
FRAMEWORK_STANDARDS = {framework: list(cols) for framework, cols in _validate.FRAMEWORK_STANDARDS.items()}
KQ_LABELS = {
    "kq_assess_engaging": ("Assessment", "Engagement"),
    "kq_assess_desistance": ("Assessment", "Desistance"),
    "kq_assess_safety": ("Assessment", "Keeping people safe"),
    "kq_plan_engaging": ("Planning", "Engagement"),
    "kq_plan_desistance": ("Planning", "Desistance"),
    "kq_plan_safety": ("Planning", "Keeping people safe"),
    "kq_impl_engaging": ("Implementation and delivery", "Engagement"),
    "kq_impl_desistance": ("Implementation and delivery", "Desistance"),
    "kq_impl_safety": ("Implementation and delivery", "Keeping people safe"),
    "kq_review_engaging": ("Reviewing", "Engagement"),
    "kq_review_desistance": ("Reviewing", "Desistance"),
    "kq_review_safety": ("Reviewing", "Keeping people safe"),
}


def publication_year(df: pd.DataFrame) -> pd.Series:
    """Year of publication, or of fieldwork (or the id's year) where publication is unknown."""
    pub = df["published"].fillna("").str[:4]
    fw = df["fieldwork_start"].fillna("").str[:4]
    idy = df["inspection_id"].str[-4:]
    year = pub.where(pub != "", fw.where(fw != "", idy))
    return year.astype(int)


def ratings_by(df: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Counts of overall ratings by the given column(s), ratings in order, with totals."""
    table = pd.crosstab([df[b] for b in ([by] if isinstance(by, str) else by)], df["overall_rating"])
    table = table.reindex(columns=[r for r in RATINGS if r in table.columns], fill_value=0)
    table["Total"] = table.sum(axis=1)
    return table


def share_inadequate(df: pd.DataFrame) -> float:
    return 100 * (df["overall_rating"] == "Inadequate").mean()


def standards_long(df: pd.DataFrame) -> pd.DataFrame:
    """One row per inspection and standard that the framework rates (rating may be missing)."""
    rows = []
    for rec in df.itertuples(index=False):
        for col in FRAMEWORK_STANDARDS[cast(str, rec.framework)]:
            rows.append(
                {
                    "inspection_id": rec.inspection_id,
                    "pdu": rec.pdu,
                    "framework": rec.framework,
                    "standard": STANDARD_LABELS[col],
                    "column": col,
                    "rating": getattr(rec, col),
                }
            )
    return pd.DataFrame(rows)


def standard_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per framework and standard: inspections with a known rating and the share Inadequate."""
    long = standards_long(df)
    known = long.dropna(subset=["rating"])
    out = known.groupby(["framework", "standard"], sort=False).agg(
        rated=("rating", "size"), inadequate=("rating", lambda s: (s == "Inadequate").sum())
    )
    totals = long.groupby(["framework", "standard"], sort=False).size().rename("inspections")
    out = out.join(totals, how="right").fillna(0).astype(int)
    out["pct_inadequate_of_rated"] = (100 * out["inadequate"] / out["rated"]).where(out["rated"] > 0)
    return out.reset_index()


def heatmap_matrix(df: pd.DataFrame, framework: str) -> pd.DataFrame:
    """Inspections (rows) x standards (columns) of rating points (NaN unknown) for one framework,
    restricted to inspections with at least one known standard rating."""
    sub = df[df["framework"] == framework]
    cols = FRAMEWORK_STANDARDS[framework]
    mat = sub.set_index("inspection_id")[cols].apply(lambda s: s.map(RATING_POINTS))
    mat = mat.dropna(how="all")
    mat.columns = [STANDARD_LABELS[c] for c in cols]
    return mat


def repeat_inspections(df: pd.DataFrame) -> pd.DataFrame:
    """PDUs inspected more than once, side by side in date order."""
    counts = df.groupby("pdu_id")["inspection_id"].transform("size")
    rep = df[counts > 1].copy()
    rep["year"] = publication_year(rep)
    return rep.sort_values(["pdu_id", "year"])


def repeat_pairs(df: pd.DataFrame) -> pd.DataFrame:
    """First and latest inspection of each repeatedly inspected PDU, with the change in rating."""
    rep = repeat_inspections(df)
    rows = []
    for pdu_id, grp in rep.groupby("pdu_id", sort=True):
        first, last = grp.iloc[0], grp.iloc[-1]
        move = RATING_POINTS[last["overall_rating"]] - RATING_POINTS[first["overall_rating"]]
        rows.append(
            {
                "pdu_id": pdu_id,
                "pdu": last["pdu"],
                "region": last["region"],
                "first_year": int(first["year"]),
                "first_framework": first["framework"],
                "first_rating": first["overall_rating"],
                "latest_year": int(last["year"]),
                "latest_framework": last["framework"],
                "latest_rating": last["overall_rating"],
                "direction": "better" if move > 0 else "worse" if move < 0 else "same",
            }
        )
    return pd.DataFrame(rows)


def coverage(df: pd.DataFrame, regions: pd.DataFrame) -> dict:
    """What the dataset covers and what it lacks (for the coverage statement)."""
    fields = ["score", "cases_inspected", "po_vacancy_pct", "po_workload_pct", *KQ_LABELS]
    std_cols = list(STANDARD_LABELS)
    with_all_standards = 0
    for rec in df.itertuples(index=False):
        if all(pd.notna(getattr(rec, c)) for c in FRAMEWORK_STANDARDS[cast(str, rec.framework)]):
            with_all_standards += 1
    known_regions = regions.dropna(subset=["pdus_stated"])
    return {
        "inspections": len(df),
        "pdus_inspected": df["pdu_id"].nunique(),
        "by_framework": df["framework"].value_counts().sort_index().to_dict(),
        "with_all_standard_ratings": with_all_standards,
        "with_any_standard_rating": int(df[std_cols].notna().any(axis=1).sum()),
        "with_score": int(df.loc[df["framework"] == "2021", "score"].notna().sum()),
        "framework_2021": int((df["framework"] == "2021").sum()),
        "with_all_kq": int(df[list(KQ_LABELS)].notna().all(axis=1).sum()),
        "with_any_kq": int(df[list(KQ_LABELS)].notna().any(axis=1).sum()),
        "field_counts": {f: int(df[f].notna().sum()) for f in fields},
        "regions_total": len(regions),
        "regions_with_stated_count": len(known_regions),
        "pdus_in_regions_with_stated_count": int(known_regions["pdus_stated"].sum()),
        "pdus_inspected_in_those_regions": int(df[df["region"].isin(known_regions["region"])]["pdu_id"].nunique()),
        "missing_published": int(df["published"].isna().sum()),
    }


def staffing_link_data(df: pd.DataFrame) -> pd.DataFrame:
    """Inspections with a published PO vacancy rate or PO workload, with the overall rating
    as an ordered code (0 Inadequate ... 3 Outstanding) and a Good-or-better flag."""
    cols = [
        "inspection_id",
        "pdu",
        "region",
        "framework",
        "overall_rating",
        "po_vacancy_pct",
        "po_workload_pct",
        "overall_vacancy_pct",
        "cases_inspected",
        "kq_assess_safety",
        "kq_impl_safety",
    ]
    sub = df[df["po_vacancy_pct"].notna() | df["po_workload_pct"].notna()][cols].copy()
    sub["rating_points"] = sub["overall_rating"].map(RATING_POINTS)
    sub["good_or_better"] = (sub["rating_points"] >= 2).astype(int)
    return sub.reset_index(drop=True)


def provider_round_table(providers: pd.DataFrame, round_: str) -> pd.DataFrame:
    """Per provider type (CRC, NPS) in one pre-unification round: rated, Good or better,
    Requires improvement, Inadequate (rows without a published overall rating are dropped)."""
    sub = providers[(providers["inspection_round"] == round_) & providers["overall_rating"].notna()]
    out = (
        pd.DataFrame(
            {
                "rated": sub.groupby("org_type").size(),
                "good_or_better": sub[sub["overall_rating"].isin(["Good", "Outstanding"])].groupby("org_type").size(),
                "requires_improvement": sub[sub["overall_rating"] == "Requires improvement"].groupby("org_type").size(),
                "inadequate": sub[sub["overall_rating"] == "Inadequate"].groupby("org_type").size(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    return out


def round_count(table: pd.DataFrame, provider: str, column: str) -> int:
    """One count from :func:`provider_round_table` (pandas-stubs types a cell as any scalar; these are ints)."""
    return cast(int, table.loc[provider, column])


# ---------------------------------------------------------------------------------------------
# One way to name an inspection everywhere: text, tables, charts and alt text.
# ---------------------------------------------------------------------------------------------
def partial_date_text(value) -> str | None:
    """'2022-11-28' or '2022-11' -> 'Nov 2022'; '2025' -> '2025'; blank -> None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 4:
        return text
    return pd.Timestamp(text[:7] + "-01").strftime("%b %Y")


def inspection_label(row) -> str:
    """How the book names the dates of an inspection, in text, tables, charts and alt text.

    ``row`` is a pdu_inspections record (a Series, a dict or a namedtuple) with
    ``fieldwork_start``, ``published`` and ``inspection_id``. Examples::

        fieldwork Nov 2022, published Feb 2023
        published May 2022                                  (fieldwork date not held)
        fieldwork Mar 2025, publication date not yet collected
        2025 (dates not yet collected)                      (neither; the year of the identifier)
    """
    get = row.get if hasattr(row, "get") else (lambda k, default=None: getattr(row, k, default))
    fieldwork = partial_date_text(get("fieldwork_start", None))
    published = partial_date_text(get("published", None))
    if fieldwork and published:
        return f"fieldwork {fieldwork}, published {published}"
    if published:
        return f"published {published}"
    if fieldwork:
        return f"fieldwork {fieldwork}, publication date not yet collected"
    ident = get("inspection_id", None)
    year = str(ident)[-4:] if isinstance(ident, str) and str(ident)[-4:].isdigit() else None
    return f"{year} (dates not yet collected)" if year else "dates not yet collected"


def short_pdu(name: str) -> str:
    """'Derby City PDU' -> 'Derby City' (for tables and chart labels)."""
    return str(name).removesuffix(" PDU")


def inspection_name(row) -> str:
    """'Derby City (fieldwork Nov 2022, published Feb 2023)': the PDU and its inspection's dates."""
    get = row.get if hasattr(row, "get") else (lambda k, default=None: getattr(row, k, default))
    return f"{short_pdu(get('pdu'))} ({inspection_label(row)})"


# ---------------------------------------------------------------------------------------------
# Funnel plots: exact binomial limits around a framework's overall share.
# ---------------------------------------------------------------------------------------------
#: Two-sided coverage of the inner and outer funnel limits (about 2 and 3 standard errors).
FUNNEL_LEVELS = (0.95, 0.998)


def funnel_limits(n: int, p0: float, level: float) -> tuple[int, int]:
    """The range of counts k (out of n) that lie inside the exact binomial limits around ``p0``.

    A count is outside (above) when P(X >= k) < (1 - level) / 2 under Binomial(n, p0), and
    outside (below) when P(X <= k) < (1 - level) / 2. Returns (lowest, highest) count inside.
    """
    from scipy.stats import binom

    if n < 1 or not 0 <= p0 <= 1:
        raise ValueError(f"funnel_limits: need n >= 1 and 0 <= p0 <= 1 (got n={n}, p0={p0})")
    tail = (1 - level) / 2
    ks = range(n + 1)
    inside = [k for k in ks if binom.sf(k - 1, n, p0) >= tail and binom.cdf(k, n, p0) >= tail]
    return min(inside), max(inside)


def funnel_position(k: int, n: int, p0: float, levels=FUNNEL_LEVELS) -> str:
    """'above 99.8%', 'above 95%', 'inside', 'below 95%' or 'below 99.8%' (the widest limit crossed)."""
    out = "inside"
    for level in sorted(levels):
        low, high = funnel_limits(n, p0, level)
        if k > high:
            out = f"above {100 * level:g}%"
        elif k < low:
            out = f"below {100 * level:g}%"
    return out


def funnel_curve(max_n: int, p0: float, levels=FUNNEL_LEVELS) -> pd.DataFrame:
    """Limits as shares (%) for n = 1 .. max_n: columns n, low_<level>, high_<level>."""
    rows = []
    for n in range(1, max_n + 1):
        row: dict[str, float] = {"n": n}
        for level in levels:
            low, high = funnel_limits(n, p0, level)
            row[f"low_{level:g}"], row[f"high_{level:g}"] = 100 * low / n, 100 * high / n
        rows.append(row)
    return pd.DataFrame(rows)
