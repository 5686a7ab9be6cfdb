"""The national workforce series: latest and first-published values, changes and revisions.

``workforce_quarterly`` holds one row per (date, measure, vintage). A *vintage* is the
statistics release a figure was published in, so a revised figure sits beside the one
first published. These functions turn that long table into the views the book needs and
reproduce the arithmetic that the bulletins state in words.
"""
from __future__ import annotations

from dataclasses import dataclass

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


def band_series(df: pd.DataFrame) -> pd.DataFrame:
    """Latest-vintage quarterly PO, PSO, Probation Service and HMPPS FTE from September 2019.

    Only the definitions comparable with band 4 / band 3 are used; the Probation Service
    total is on the restated basis where one exists.
    """
    rows = latest(df)
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

    @property
    def absolute(self) -> float:
        return self.value - self.comparison_value

    @property
    def percent(self) -> float:
        return 100 * self.absolute / self.comparison_value


def value_as_of(df: pd.DataFrame, measure: str, date: pd.Timestamp, vintage: str | None = None) -> float | None:
    """The value of ``measure`` at ``date`` as known in ``vintage``.

    With a vintage, the newest row whose vintage is not later than it is used (the
    bulletin's own figures, including the earlier quarters it restates); if the date has no
    row that old, the oldest later row. Without a vintage, the latest value.
    """
    rows = _sorted(df[(df["measure"] == measure) & (df["date"] == pd.Timestamp(date))])
    return _pick(rows, vintage)


def _pick(rows: pd.DataFrame | None, vintage: str | None) -> float | None:
    """From one date's rows sorted by vintage: the newest not later than ``vintage``
    (the oldest if all are later; the newest when no vintage is given)."""
    if rows is None or rows.empty:
        return None
    if vintage is None:
        return float(rows["value"].iloc[-1])
    known = rows[rows["vintage"] <= vintage]
    return float(known["value"].iloc[-1]) if not known.empty else float(rows["value"].iloc[0])


def change(df: pd.DataFrame, measure: str, date, comparison_date, vintage: str | None = None) -> Change | None:
    """Change of ``measure`` from ``comparison_date`` to ``date`` (None if either is missing)."""
    now = value_as_of(df, measure, date, vintage)
    before = value_as_of(df, measure, comparison_date, vintage)
    if now is None or before is None:
        return None
    return Change(measure, pd.Timestamp(date), pd.Timestamp(comparison_date), now, before)


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
    ``not_checkable`` (a date or value is missing from the series, the comparison date was
    cut off, or the measure is not in the quarterly table). Where a bulletin gives the size
    of a change but not its direction, sizes are compared.
    """
    groups = {key: grp for key, grp in _sorted(df).groupby(["measure", "date"], sort=False)}

    def as_of(measure, date, vintage):
        return _pick(groups.get((measure, pd.Timestamp(date))), vintage)

    records = []
    measures = set(df["measure"])
    for row in stated.itertuples(index=False):
        rec = {"statement_id": row.statement_id, "bulletin_date": row.bulletin_date, "measure": row.measure,
               "comparison_date": row.comparison_date, "stated_change": row.stated_change,
               "stated_change_pct": row.stated_change_pct, "computed_change": np.nan,
               "computed_change_pct": np.nan, "status": "not_checkable", "reason": ""}
        if row.measure not in measures:
            rec["reason"] = "measure not in the quarterly series"
        elif pd.isna(row.comparison_date):
            rec["reason"] = "comparison date not stated in the stored copy"
        else:
            vintage = row.bulletin_date.strftime("%Y-%m-%d")
            now = as_of(row.measure, row.bulletin_date, vintage)
            before = as_of(row.measure, row.comparison_date, vintage)
            if now is None or before is None:
                rec["reason"] = "a date is missing from the series"
            else:
                ch = Change(row.measure, row.bulletin_date, row.comparison_date, now, before)
                rec.update(_compare(ch, row))
        records.append(rec)
    return pd.DataFrame.from_records(records)


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
    if (pd.notna(row.stated_change_pct) and row.unit != "percentage points"
            and differs(row.stated_change_pct, computed_pct, PCT_TOLERANCE)):
        reasons.append(f"percent {computed_pct:+.2f} vs stated {row.stated_change_pct:+g}")
    return {"computed_change": computed, "computed_change_pct": computed_pct,
            "status": "mismatch" if reasons else "match", "reason": "; ".join(reasons)}


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

    Assumptions (all arguments, stated in the chapter): a trainee ``intake`` qualifies within
    the year at each of the ``completion_rates`` (shares between 0 and 1); qualified officers
    leave at ``po_leaving_rate_pct`` a year; there is no other recruitment and no change in
    hours. It shows what the pipeline alone supports, not a forecast.
    """
    rows = []
    for rate in completion_rates:
        if not 0 <= rate <= 1:
            raise ValueError(f"completion rate {rate!r} must be between 0 and 1")
        qualifiers = intake * rate
        leavers = po_now * po_leaving_rate_pct / 100
        rows.append({"completion": rate, "qualifiers": qualifiers, "leavers": leavers,
                     "po_next_year": po_now + qualifiers - leavers})
    return pd.DataFrame(rows)
