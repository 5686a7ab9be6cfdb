"""The national workforce series: latest and first-published values, changes and revisions.

``workforce_quarterly`` holds one row per (date, measure, vintage). A *vintage* is the
statistics release a figure was published in, so a revised figure sits beside the one
first published. These functions turn that long table into the views the book needs and
reproduce the arithmetic that the bulletins state in words.

Definitions are never mixed: :func:`band_series` returns one definition at a time (the
unified service by default), every :class:`Change` carries the definitions of both its
values (``Change.comparable``), and :func:`check_stated_changes` says which of its matches
are independent checks and which hold by construction (a figure derived from the very
statement being checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

FTE_MEASURES = ("po_fte", "pso_fte", "probation_service_fte", "hmpps_total_fte")
#: Band figures (band 4 PO / band 3 PSO) exist on a consistent basis from this date.
BAND_SERIES_START = pd.Timestamp("2019-09-30")
#: Tolerances for matching a bulletin's words: FTE figures are rounded to whole numbers
#: in the text, so two rounded values can differ by up to 1 from the unrounded change;
#: percentages are given to one decimal place, and the difference of two rounded rates
#: can be 0.1 point away from the rounded difference the bulletin states.
ABS_TOLERANCE = {"FTE": 2.0, "percentage points": 0.101, "headcount": 0.5, "people": 0.5}
PCT_TOLERANCE = 0.151


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["date", "measure", "vintage"], kind="stable")


def latest(df: pd.DataFrame, definitions: tuple[str, ...] | None = None) -> pd.DataFrame:
    """For each date and measure, the row from the newest vintage."""
    data = df if definitions is None else df[df["definition"].isin(definitions)]
    return _sorted(data).groupby(["date", "measure"], as_index=False).tail(1).reset_index(drop=True)


def first_published(df: pd.DataFrame) -> pd.DataFrame:
    """For each date and measure, the row from the oldest vintage."""
    return _sorted(df).groupby(["date", "measure"], as_index=False).head(1).reset_index(drop=True)


def wide(rows: pd.DataFrame, measures: tuple[str, ...] | list[str] | None = None) -> pd.DataFrame:
    """Date-indexed table with one column per measure (from a latest/first_published view)."""
    table = rows.pivot(index="date", columns="measure", values="value").sort_index()
    table.columns.name = None
    if measures is not None:
        table = table.reindex(columns=list(measures))
    return table


def band_series(df: pd.DataFrame, definition: str = "unified") -> pd.DataFrame:
    """Latest-vintage quarterly PO, PSO, Probation Service and HMPPS FTE on ONE definition.

    ``definition`` is a value of the ``definition`` column: ``"unified"`` (the default, the
    Probation Service from September 2021, with its total on the restated basis) or
    ``"nps_pre_unification"`` (the National Probation Service alone, from September 2019).
    Figures on other definitions never enter the result, so a line drawn from it never joins
    incomparable figures; to show two definitions, call it twice and draw two series.
    """
    known = set(df["definition"])
    if definition not in known:
        raise ValueError(f"band_series: no rows with definition {definition!r} (have: {', '.join(sorted(known))})")
    rows = latest(df, (definition,))
    rows = rows[(rows["date"] >= BAND_SERIES_START) & rows["measure"].isin(FTE_MEASURES)]
    return wide(rows, FTE_MEASURES)


def latest_date(df: pd.DataFrame, measure: str = "po_fte") -> pd.Timestamp:
    """Most recent reference date with a value for ``measure``."""
    return df.loc[df["measure"] == measure, "date"].max()


@dataclass(frozen=True)
class Change:
    """A change between two dates of one measure, computed from the series."""

    measure: str
    date: pd.Timestamp
    comparison_date: pd.Timestamp
    value: float
    comparison_value: float
    definition: str | None = None
    comparison_definition: str | None = None

    @property
    def comparable(self) -> bool:
        """Both values are on the same definition (unknown definitions count as comparable)."""
        return (
            self.definition is None
            or self.comparison_definition is None
            or self.definition == self.comparison_definition
        )

    @property
    def absolute(self) -> float:
        return self.value - self.comparison_value

    @property
    def percent(self) -> float:
        return 100 * self.absolute / self.comparison_value


def row_as_of(df: pd.DataFrame, measure: str, date, vintage: str | None = None) -> pd.Series | None:
    """The row of ``measure`` at ``date`` as known in ``vintage`` (see :func:`value_as_of`), or None."""
    rows = _sorted(df[(df["measure"] == measure) & (df["date"] == pd.Timestamp(date))])
    return _pick_row(rows, vintage)


def value_as_of(df: pd.DataFrame, measure: str, date: pd.Timestamp, vintage: str | None = None) -> float | None:
    """The value of ``measure`` at ``date`` as known in ``vintage``.

    With a vintage, the newest row whose vintage is not later than it is used (the
    bulletin's own figures, including the earlier quarters it restates); if the date has no
    row that old, the oldest later row. Without a vintage, the latest value.
    """
    row = row_as_of(df, measure, date, vintage)
    return None if row is None else float(row["value"])


def _pick_row(rows: pd.DataFrame | None, vintage: str | None) -> pd.Series | None:
    """From one date's rows sorted by vintage: the newest not later than ``vintage``
    (the oldest if all are later; the newest when no vintage is given)."""
    if rows is None or rows.empty:
        return None
    if vintage is None:
        return rows.iloc[-1]
    known = rows[rows["vintage"] <= vintage]
    return known.iloc[-1] if not known.empty else rows.iloc[0]


def change(df: pd.DataFrame, measure: str, date, comparison_date, vintage: str | None = None) -> Change | None:
    """Change of ``measure`` from ``comparison_date`` to ``date`` (None if either is missing).

    The result records both values' definitions: check ``Change.comparable`` before reading
    it as a trend.
    """
    now = row_as_of(df, measure, date, vintage)
    before = row_as_of(df, measure, comparison_date, vintage)
    if now is None or before is None:
        return None
    return Change(
        measure,
        pd.Timestamp(date),
        pd.Timestamp(comparison_date),
        float(now["value"]),
        float(before["value"]),
        now.get("definition"),
        before.get("definition"),
    )


def year_on_year(df: pd.DataFrame, measure: str, date=None) -> Change | None:
    """Change on the same quarter a year earlier (latest vintage)."""
    date = pd.Timestamp(date) if date is not None else latest_date(df, measure)
    return change(df, measure, date, date - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0))


def latest_year_on_year(df: pd.DataFrame, measure: str) -> Change | None:
    """The most recent year-on-year change that the series can compute for ``measure``.

    Quarters are tried from the latest backwards, so a gap a year before the newest
    figure (a quarter not found in any release) falls back to the latest computable one.
    """
    dates = sorted(df.loc[df["measure"] == measure, "date"].unique(), reverse=True)
    for date in dates:
        ch = year_on_year(df, measure, date)
        if ch is not None:
            return ch
    return None


def quarter_on_quarter(df: pd.DataFrame, measure: str, date=None) -> Change | None:
    """Change on the previous quarter (latest vintage)."""
    date = pd.Timestamp(date) if date is not None else latest_date(df, measure)
    return change(df, measure, date, date - pd.DateOffset(months=3) + pd.offsets.MonthEnd(0))


def check_stated_changes(df: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    """Compare every change a bulletin states with the change computed from the series.

    For each statement, both values are taken as the bulletin knew them (its vintage).
    Returns one row per statement with ``status``: ``match``, ``mismatch``, or
    ``not_checkable`` (a date or value is missing from the series, the bulletin text gives
    no comparison date, or the measure is not in the quarterly table). Where a bulletin gives
    the size of a change but not its direction, sizes are compared.

    ``independent`` says whether a comparison is a real check: it is False when either value
    used was itself derived from a stated change in the same bulletin (``derivation`` is
    ``derived`` and its vintage is the bulletin's), because then the match holds by
    construction. ``basis`` spells this out: ``independent``, ``by construction`` or ``-``
    (not checkable).
    """
    groups: dict[tuple, list[dict]] = {}
    for rec in _sorted(df).to_dict("records"):  # plain dicts: this loop runs for every statement
        groups.setdefault((rec["measure"], pd.Timestamp(rec["date"])), []).append(rec)

    def as_of(measure, date, vintage):
        rows = groups.get((measure, pd.Timestamp(date)))
        if not rows:
            return None
        known = [r for r in rows if r["vintage"] <= vintage]
        return known[-1] if known else rows[0]

    records = []
    measures = set(df["measure"])
    for row in stated.itertuples(index=False):
        rec = {
            "statement_id": row.statement_id,
            "bulletin_date": row.bulletin_date,
            "measure": row.measure,
            "comparison_date": row.comparison_date,
            "stated_change": row.stated_change,
            "stated_change_pct": row.stated_change_pct,
            "computed_change": np.nan,
            "computed_change_pct": np.nan,
            "status": "not_checkable",
            "reason": "",
            "independent": False,
            "basis": "-",
        }
        # the columns' types, as validated on load (NaT where the bulletin gives no comparison date)
        measure, bulletin_date = cast(str, row.measure), cast(pd.Timestamp, row.bulletin_date)
        comparison_date = cast(pd.Timestamp, row.comparison_date)
        if measure not in measures:
            rec["reason"] = "measure not in the quarterly series"
        elif pd.isna(comparison_date):
            rec["reason"] = "the bulletin text gives no comparison date"
        else:
            vintage = bulletin_date.strftime("%Y-%m-%d")
            now = as_of(measure, bulletin_date, vintage)
            before = as_of(measure, comparison_date, vintage)
            if now is None or before is None:
                rec["reason"] = "a date is missing from the series"
            else:
                ch = Change(measure, bulletin_date, comparison_date, float(now["value"]), float(before["value"]))
                rec.update(_compare(ch, row))
                circular = any(r["derivation"] == "derived" and r["vintage"] == vintage for r in (now, before))
                rec["independent"] = not circular
                rec["basis"] = "by construction" if circular else "independent"
        records.append(rec)
    return pd.DataFrame.from_records(records)


def stated_check_summary(checks: pd.DataFrame) -> dict[str, int]:
    """Counts from :func:`check_stated_changes`: statements, checked, matches (independent and
    by construction), mismatches and not checkable."""
    checked = checks[checks["status"] != "not_checkable"]
    return {
        "statements": len(checks),
        "checked": len(checked),
        "independent": int(checked["independent"].sum()),
        "independent_match": int((checked["independent"] & (checked["status"] == "match")).sum()),
        "construction": int((~checked["independent"].astype(bool)).sum()),
        "match": int((checked["status"] == "match").sum()),
        "mismatch": int((checked["status"] == "mismatch").sum()),
        "not_checkable": int((checks["status"] == "not_checkable").sum()),
    }


def _compare(ch: Change, row) -> dict:
    """Compare one stated change with the computed one (sizes only when no direction is stated)."""
    computed, computed_pct = ch.absolute, ch.percent
    direction = bool(row.direction_stated)

    def differs(stated: float, calc: float, tolerance: float) -> bool:
        if not direction:
            stated, calc = abs(stated), abs(calc)
        return abs(stated - calc) > tolerance

    reasons = []
    if pd.notna(row.stated_change) and differs(row.stated_change, computed, ABS_TOLERANCE[row.unit]):
        reasons.append(f"change {computed:+.1f} vs stated {row.stated_change:+g}")
    if (
        pd.notna(row.stated_change_pct)
        and row.unit != "percentage points"
        and differs(row.stated_change_pct, computed_pct, PCT_TOLERANCE)
    ):
        reasons.append(f"percent {computed_pct:+.2f} vs stated {row.stated_change_pct:+g}")
    return {
        "computed_change": computed,
        "computed_change_pct": computed_pct,
        "status": "mismatch" if reasons else "match",
        "reason": "; ".join(reasons),
    }


def revisions(df: pd.DataFrame) -> pd.DataFrame:
    """Dates and measures published with different values in different vintages.

    One row per (date, measure): first-published value and vintage, latest value and
    vintage, and the revision (latest minus first).
    """
    first = first_published(df).set_index(["date", "measure"])
    last = latest(df).set_index(["date", "measure"])
    cols = ["value", "vintage", "definition"]
    joined = first[cols].merge(last[cols], left_index=True, right_index=True, suffixes=("_first", "_latest"))
    out = joined[joined["value_first"] != joined["value_latest"]].copy()
    out["revision"] = out["value_latest"] - out["value_first"]
    return out.reset_index()


def pipeline_scenarios(po_now: float, intake: float, completion_rates, po_leaving_rate_pct: float) -> pd.DataFrame:
    """A transparent one-year stock-flow sketch of probation officer numbers.

    Assumptions (all arguments, stated in the chapter): ``intake`` trainees are due to
    qualify within the year (from :func:`intakes_qualifying`), and do so at each of the
    ``completion_rates`` (shares between 0 and 1); qualified officers leave at
    ``po_leaving_rate_pct`` a year; there is no other recruitment and no change in hours.
    It shows what the pipeline alone supports, not a forecast.
    """
    rows = []
    for rate in completion_rates:
        if not 0 <= rate <= 1:
            raise ValueError(f"completion rate {rate!r} must be between 0 and 1")
        qualifiers = intake * rate
        leavers = po_now * po_leaving_rate_pct / 100
        rows.append(
            {
                "completion": rate,
                "qualifiers": qualifiers,
                "leavers": leavers,
                "po_next_year": po_now + qualifiers - leavers,
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- trainee pipeline
#: ``national_facts`` measures holding a whole financial year's trainee (PQiP) intake, dated at
#: the year's end: ``pqip_<recruited|started|onboarded>_<YYYY>_<YY>``. Targets, commitments and
#: part-year counts have other names and are not intakes.
PQIP_INTAKE_PATTERN = r"^pqip_(?:recruited|started|onboarded)_(\d{4})_(\d{2})$"
DAYS_PER_MONTH = 365.25 / 12


def pqip_intakes(national_facts: pd.DataFrame) -> pd.DataFrame:
    """Trainee intakes by financial year: ``year`` ('2024/25'), ``start``, ``end`` (dates),
    ``trainees``, ``measure`` and ``source_type``; oldest first."""
    rows = national_facts[national_facts["measure"].str.match(PQIP_INTAKE_PATTERN)].copy()
    parts = rows["measure"].str.extract(PQIP_INTAKE_PATTERN)
    rows["first_year"] = parts[0].astype(int)
    if rows["first_year"].duplicated().any():
        dup = rows.loc[rows["first_year"].duplicated(keep=False), "measure"].tolist()
        raise ValueError(f"more than one trainee intake for the same year: {dup}")
    out = pd.DataFrame(
        {
            "year": [f"{y}/{str(y + 1)[-2:]}" for y in rows["first_year"]],
            "start": [pd.Timestamp(year=y, month=4, day=1) for y in rows["first_year"]],
            "end": [pd.Timestamp(year=y + 1, month=3, day=31) for y in rows["first_year"]],
            "trainees": rows["value"].astype(float).to_numpy(),
            "measure": rows["measure"].to_numpy(),
            "source_type": rows["source_type"].to_numpy(),
        }
    )
    return out.sort_values("start").reset_index(drop=True)


def _months(a: pd.Timestamp, b: pd.Timestamp) -> float:
    return (pd.Timestamp(b) - pd.Timestamp(a)).days / DAYS_PER_MONTH


def qualifying_share(intake_start, intake_end, window_start, window_end, min_months: float, max_months: float) -> float:
    """Share of an intake expected to qualify between ``window_start`` and ``window_end``.

    Assumes trainees start evenly through the intake year and take anywhere from
    ``min_months`` to ``max_months`` to qualify, evenly spread: the qualifying date is the
    sum of two uniform variables, whose distribution function is computed exactly.
    """
    if max_months < min_months:
        raise ValueError("qualifying_share: max_months is below min_months")
    span = _months(intake_start, intake_end)
    width = max_months - min_months

    def cdf(t_months: float) -> float:
        c = t_months - min_months  # time after the earliest qualifying date of the first starter
        if width == 0:
            return float(np.clip(c / span, 0, 1))

        def ramp(y: float) -> float:  # integral of clip(u, 0, width) du from 0 to y
            if y <= 0:
                return 0.0
            return y * y / 2 if y <= width else width * width / 2 + width * (y - width)

        return float(np.clip((ramp(c) - ramp(c - span)) / (span * width), 0, 1))

    return cdf(_months(intake_start, window_end)) - cdf(_months(intake_start, window_start))


def intakes_qualifying(
    intakes: pd.DataFrame, window_start, window_end, min_months: float, max_months: float
) -> pd.DataFrame:
    """Each intake's expected share qualifying in the window, and the trainees that means
    (``share``, ``due``); only intakes with some share are returned, largest share first."""
    out = intakes.copy()
    out["share"] = [
        qualifying_share(r.start, r.end, window_start, window_end, min_months, max_months) for r in intakes.itertuples()
    ]
    out["due"] = out["share"] * out["trainees"]
    return out[out["share"] > 0.005].sort_values("share", ascending=False).reset_index(drop=True)


# ----------------------------------------------------------------------------- leaving rates
LEAVING_MEASURES = ("po_leaving_rate_pct", "pso_leaving_rate_pct", "hmpps_leaving_rate_pct")
#: Probation officer leaving rates up to this date are financial-year rates for permanent staff
#: on a headcount basis (parliamentary written answer 110530), not the later "12 months to date"
#: rates; they are drawn as a separate series and never compared with later rates.
PO_LEAVING_ANNUAL_HEADCOUNT_UNTIL = pd.Timestamp("2020-03-31")


def leaving_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Latest-vintage leaving rates in long form: ``date``, ``measure``, ``value`` and ``basis``.

    ``basis`` refines ``definition`` where the rate itself was computed differently: the
    officer rates to March 2020 are ``annual_permanent_headcount``; other rows keep their
    definition (``nps_pre_unification``, ``unified``).
    """
    rows = latest(df)
    rows = rows[rows["measure"].isin(LEAVING_MEASURES)][["date", "measure", "value", "definition"]].copy()
    annual = (rows["measure"] == "po_leaving_rate_pct") & (rows["date"] <= PO_LEAVING_ANNUAL_HEADCOUNT_UNTIL)
    rows["basis"] = rows["definition"].where(~annual, "annual_permanent_headcount")
    return rows.sort_values(["measure", "date"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- flows
#: ``national_facts`` measures that count joiners or leavers over 12 months.
FLOW_PATTERN = r"(?:_leavers_12m|_joiners_12m|_appointed_12m|_resignations_.*_12m)$"


def published_flows(national_facts: pd.DataFrame) -> pd.DataFrame:
    """Joiner and leaver counts that have been collected (scattered single figures, not a series)."""
    rows = national_facts[national_facts["measure"].str.contains(FLOW_PATTERN, regex=True)]
    return rows.sort_values(["date", "measure"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- direct caseload measure
_PERIOD = r"^([A-Z][a-z]{2}) (\d{4})-([A-Z][a-z]{2}) (\d{4})$"


def period_end(period: str) -> pd.Timestamp:
    """'Jul 2023-Jun 2024' -> 2024-06-30 (the last day of the period's final month)."""
    import re

    m = re.match(_PERIOD, str(period))
    if not m:
        raise ValueError(f"period {period!r} is not of the form 'Jul 2023-Jun 2024'")
    return pd.Timestamp(f"1 {m.group(3)} {m.group(4)}") + pd.offsets.MonthEnd(0)


def direct_caseload(caseload_facts: pd.DataFrame, measure: str = "po_average_caseload") -> pd.Series:
    """The ministers' average caseload per probation officer (12-month averages from the
    workload tool), indexed by the end of each period."""
    rows = caseload_facts[caseload_facts["measure"] == measure]
    if rows.empty:
        raise ValueError(f"caseload_facts has no rows for {measure}")
    out = pd.Series(
        rows["value"].astype(float).to_numpy(), index=[period_end(p) for p in rows["period"]], name=measure
    ).sort_index()
    if out.index.duplicated().any():
        raise ValueError(f"caseload_facts: more than one {measure} for the same period")
    return out
