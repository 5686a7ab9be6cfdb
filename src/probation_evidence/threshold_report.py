"""Presenting the threshold method: text, tables and figures for chapter 1 and the appendix.

Nothing here computes a statistic: the analysis is :func:`threshold.analyse` and the
validation study is :mod:`threshold_validation` (whose committed results these functions
format).  Keeping presentation apart means a wording or chart change does not alter the
method code whose hash the committed validation results record.
"""

from __future__ import annotations

import inspect
from typing import cast

import numpy as np
import pandas as pd
from scipy import special

from . import charts, threshold as T, threshold_validation as V

INTERVAL_LABELS = {
    "primary": "Primary: practitioner bootstrap, percentile interval",
    "profile": "Profile likelihood, chi-square cut-off (assumes independent cases)",
    "quasi": "Profile likelihood, cut-off scaled by the practitioner dispersion",
    "calibrated": "Profile likelihood, cut-off from resampling practitioners",
    "pooled_quasi": "No practitioner ids: cut-off scaled by the spread between caseloads",
    "grouped": "Caseload bands: grouped fit, chi-square cut-off",
    "grouped_quasi": "Caseload bands: grouped fit, cut-off scaled by the spread between bands",
}
TEST_LABELS = {
    "bend_test": "Primary: simulated from a fitted random-intercept straight line",
    "naive_chi_square": "Chi-square p-value (ignores the search and the clustering)",
    "independent_bootstrap": "Simulated from a straight line with independent cases (previous method)",
    "pooled_bend_test": "No practitioner ids: dispersion-scaled, simulated",
    "grouped_bend_test": "Caseload bands: dispersion-scaled, simulated",
}
SCENARIO_LABELS = {
    "hinge": "Bend at 50 (flat, then falling)",
    "line": "Straight line (no bend)",
    "smooth": "Smooth accelerating decline (no threshold)",
}
ALTERNATIVE_LABELS = {
    "naive": "Logistic regression, model-based standard errors",
    "cluster_robust": "Logistic regression, cluster-robust standard errors (the book's)",
    "gee_exchangeable": "GEE, exchangeable correlation (statsmodels)",
    "bayes_mixed_glm_vb": "Bayesian mixed GLM, variational fit (statsmodels BinomialBayesMixedGLM)",
}


def pct(p: float, digits: int = 1) -> str:
    return f"{100 * p:.{digits}f}%"


def rate_text(p: float, se: float) -> str:
    """'94.3% (MC SE 1.2)' for tables and prose."""
    return f"{100 * p:.1f}% (MC SE {100 * se:.1f})"


def sd_text(sd: float) -> str:
    return "none" if sd == 0 else f"SD {sd:g}"


def _rows(summary: pd.DataFrame, measure: str, scenario: str | None = None) -> pd.DataFrame:
    d = summary[summary.measure == measure]
    return d if scenario is None else d[d.scenario == scenario]


# ---------------------------------------------------------------------------
# Tables for the appendix
# ---------------------------------------------------------------------------


def coverage_table(results: dict, methods=tuple(INTERVAL_LABELS)) -> pd.DataFrame:
    """Coverage (with MC SE) and mean width of each interval, by practitioner SD."""
    d = _rows(results["summary"], "coverage", "hinge")
    rows = []
    for method in methods:
        r = d[d.method == method].sort_values("practitioner_sd")
        if r.empty:
            continue
        row = {"Interval for the bend": INTERVAL_LABELS[method]}
        for _, x in r.iterrows():
            row[f"Coverage, {sd_text(x.practitioner_sd)}"] = rate_text(x.estimate, x.mc_se)
            row[f"Width, {sd_text(x.practitioner_sd)}"] = f"{x.mean_width:.0f}"
        rows.append(row)
    return pd.DataFrame(rows)


def test_table(results: dict) -> pd.DataFrame:
    """False-positive rate of each bend test on straight lines, by practitioner SD."""
    d = _rows(results["summary"], "false_positive_rate", "line")
    rows = []
    for method, label in TEST_LABELS.items():
        r = d[d.method == method].sort_values("practitioner_sd")
        if r.empty:
            continue
        row = {"Bend test": label}
        for _, x in r.iterrows():
            row[f"Clustering: {sd_text(x.practitioner_sd)}"] = rate_text(x.estimate, x.mc_se)
        rows.append(row)
    return pd.DataFrame(rows)


def verdict_table(results: dict) -> pd.DataFrame:
    """How often the bend test rejects and how often the rule says each verdict, by scenario."""
    s = results["summary"]
    rows = []
    for scen in ("hinge", "smooth", "line"):
        for sd in sorted(s[(s.scenario == scen)].practitioner_sd.dropna().unique()):
            d = s[(s.scenario == scen) & (s.practitioner_sd == sd)]
            test = d[d.method == "bend_test"].iloc[0]
            row = {
                "True curve": SCENARIO_LABELS[scen],
                "Clustering": sd_text(sd),
                "Bend test rejects": rate_text(test.estimate, test.mc_se),
            }
            for verdict in ("threshold", "curved", "linear", "flat"):
                v = d[(d.measure == "verdict_rate") & (d.method == verdict)].iloc[0]
                row[f"Verdict: {verdict}"] = rate_text(v.estimate, v.mc_se)
            rows.append(row)
    return pd.DataFrame(rows)


def sample_size_display(results: dict, cases=(5, 10, 20)) -> pd.DataFrame:
    """Practitioners (and cases) needed for 80% power, by fall and cases per practitioner."""
    t = results["sample_size"]
    rows = []
    for (sd, f), d in t.groupby(["practitioner_sd", "fall_pp"]):
        row = {"Clustering": sd_text(sd), "Fall from 50 to 70 cases": f"{f:.0f} points"}
        for m in cases:
            r = d[d.cases_per_practitioner == m].iloc[0]
            row[f"{m} cases each"] = f"{r.practitioners:,.0f} ({r.cases:,.0f} cases)"
        rows.append(row)
    return pd.DataFrame(rows)


def power_check_table(results: dict) -> pd.DataFrame:
    """Simulated against analytic power of the test at 50 (the validation of the approximation)."""
    p = results["power_simulated"].sort_values(["practitioner_sd", "fall_pp", "practitioners"])
    return pd.DataFrame(
        {
            "Clustering": p.practitioner_sd.map(sd_text),
            "Fall (points)": p.fall_pp.map(lambda v: f"{v:.0f}"),
            "Practitioners": p.practitioners.map(lambda v: f"{v:,.0f}"),
            "Simulated power": [rate_text(a, b) for a, b in zip(p.power, p.mc_se, strict=True)],
            "Analytic power": p.analytic_power.map(lambda v: pct(v)),
        }
    )


def bend_power_table(results: dict) -> pd.DataFrame:
    b = results["bend_power"]
    rows = []
    for (f, j, sd), d in b.groupby(["fall_pp", "practitioners", "practitioner_sd"]):
        get = d.set_index("measure")
        rows.append(
            {
                "Fall (points)": f"{f:.0f}",
                "Practitioners": f"{j:,.0f}",
                "Clustering": sd_text(sd),
                "Test at 50 rejects": rate_text(get.loc["test_at_50", "estimate"], get.loc["test_at_50", "mc_se"]),
                "Bend test rejects": rate_text(get.loc["bend_test", "estimate"], get.loc["bend_test", "mc_se"]),
                "Verdict 'threshold'": rate_text(
                    get.loc["threshold_verdict", "estimate"], get.loc["threshold_verdict", "mc_se"]
                ),
            }
        )
    return pd.DataFrame(rows)


def alternatives_table(results: dict) -> pd.DataFrame:
    a = results["alternatives"]
    return pd.DataFrame(
        {
            "Method (change in slope at 50, straight-line truth)": a.method.map(ALTERNATIVE_LABELS),
            "False-positive rate": [rate_text(p, s) for p, s in zip(a.false_positive_rate, a.mc_se, strict=True)],
            "Seconds per fit": a.seconds_per_fit.map(lambda v: "–" if pd.isna(v) else f"{v:.2f}"),
        }
    )


# ---------------------------------------------------------------------------
# Numbers for prose (every one computed from the results)
# ---------------------------------------------------------------------------


def _get(summary, measure, method, scenario, sd):
    r = summary[
        (summary.measure == measure)
        & (summary.method == method)
        & (summary.scenario == scenario)
        & (summary.practitioner_sd == sd)
    ]
    if len(r) != 1:
        raise ValueError(f"validation summary has no single row for {measure} {method} {scenario} {sd}")
    return r.iloc[0]


def range_text(values) -> str:
    lo, hi = min(values), max(values)
    return pct(lo) if f"{100 * lo:.1f}" == f"{100 * hi:.1f}" else f"{100 * lo:.1f}–{pct(hi)}"


def targets(results: dict) -> dict:
    """Whether the primary interval and the bend test meet the issue's targets at every SD."""
    s = results["summary"]
    cov = _rows(s, "coverage", "hinge")
    cov = cov[cov.method == "primary"]
    fpr = _rows(s, "false_positive_rate", "line")
    fpr = fpr[fpr.method == "bend_test"]
    lo, hi = V.COVERAGE_TARGET
    cov_ok = bool(cov.estimate.between(lo, hi).all())
    fpr_ok = bool((fpr.estimate <= V.FPR_TARGET).all())
    return {
        "coverage_met": cov_ok,
        "fpr_met": fpr_ok,
        "coverage_missed": cov[~cov.estimate.between(lo, hi)].practitioner_sd.tolist(),
        "fpr_missed": fpr[fpr.estimate > V.FPR_TARGET].practitioner_sd.tolist(),
    }


def appendix_numbers(results: dict) -> dict[str, str]:
    """Every number the appendix's prose states, as text."""
    s = results["summary"]
    man = results["manifest"]
    cfg = man["config"]
    sds = cfg["sds"]
    out: dict[str, str] = {
        "v_practitioners": f"{cfg['n_practitioners']:,}",
        "v_cases": f"{cfg['cases_per_practitioner']:,}",
        "v_reps_hinge": f"{cfg['reps_hinge']:,}",
        "v_reps_line": f"{cfg['reps_line']:,}",
        "v_reps_smooth": f"{cfg['reps_smooth']:,}",
        "v_n_boot": f"{cfg['n_boot']:,}",
        "v_n_sim": f"{cfg['n_sim']:,}",
        "v_sds": ", ".join(f"{v:g}" for v in sds[:-1]) + f" and {sds[-1]:g}",
        "v_sd_max": f"{max(sds):g}",
        "v_run_minutes": f"{man['run_seconds'] / 60:.0f}",
        "v_hash": man["method_code_sha256"][:12],
        "v_commit": (man.get("git_commit") or "not recorded")[:12],
        "v_cov_lo": pct(V.COVERAGE_TARGET[0], 0),
        "v_cov_hi": pct(V.COVERAGE_TARGET[1], 0),
        "v_fpr_target": pct(V.FPR_TARGET, 0),
        "v_alpha": f"{T.ALPHA:g}",
        "v_low": f"{V.CASELOAD_LOW}",
        "v_high": f"{V.CASELOAD_HIGH}",
        "v_bend": f"{V.TRUE_BEND:.0f}",
        "v_hinge_p_low": pct(float(special.expit(V.hinge_curve(np.array(V.TRUE_BEND)))), 0),
        "v_hinge_p_high": pct(float(special.expit(V.hinge_curve(np.array(float(V.CASELOAD_HIGH))))), 0),
        "v_n_bands": f"{len(V.BANDS)}",
        "v_band_width": f"{V.BANDS[1][1] - V.BANDS[1][0] + 1}",
        "v_real_n_boot": f"{inspect.signature(T.analyse).parameters['n_boot'].default:,}",
        "v_real_n_sim": f"{inspect.signature(T.analyse).parameters['n_sim'].default:,}",
    }
    for i, sd in enumerate(sds):
        tag = f"sd{i}"
        for method in ("primary", "profile", "calibrated", "quasi", "grouped", "grouped_quasi"):
            r = _get(s, "coverage", method, "hinge", sd)
            out[f"v_cov_{method}_{tag}"] = rate_text(r.estimate, r.mc_se)
            out[f"v_width_{method}_{tag}"] = f"{r.mean_width:.0f}"
        for method in ("bend_test", "naive_chi_square", "independent_bootstrap", "grouped_bend_test"):
            r = _get(s, "false_positive_rate", method, "line", sd)
            out[f"v_fpr_{method}_{tag}"] = rate_text(r.estimate, r.mc_se)
        for scen in ("smooth", "hinge"):
            r = _get(s, "rejection_rate", "bend_test", scen, sd)
            out[f"v_rej_{scen}_{tag}"] = rate_text(r.estimate, r.mc_se)
            r = _get(s, "rejection_rate", "naive_chi_square", scen, sd)
            out[f"v_rejnaive_{scen}_{tag}"] = rate_text(r.estimate, r.mc_se)
            r = _get(s, "verdict_rate", "threshold", scen, sd)
            out[f"v_thr_{scen}_{tag}"] = rate_text(r.estimate, r.mc_se)
        r = _get(s, "verdict_rate", "threshold", "line", sd)
        out[f"v_thr_line_{tag}"] = rate_text(r.estimate, r.mc_se)
    cov = _rows(s, "coverage", "hinge")
    out["v_cov_primary_range"] = range_text(cov[cov.method == "primary"].estimate)
    widths = cov.pivot(index="practitioner_sd", columns="method", values="mean_width")
    out["v_cal_narrower"] = (
        "narrower"
        if (widths["calibrated"] < widths["primary"]).all()
        else "wider"
        if (widths["calibrated"] > widths["primary"]).all()
        else "about as wide"
    )
    dev = cov.assign(dev=(cov.estimate - 0.95).abs()).groupby("method")["dev"].max()
    out["v_best_calibrated"] = INTERVAL_LABELS[cast(str, dev.idxmin())]  # the index holds method names
    fpr = _rows(s, "false_positive_rate", "line")
    out["v_fpr_range"] = range_text(fpr[fpr.method == "bend_test"].estimate)
    smooth_thr = _rows(s, "verdict_rate", "smooth")
    out["v_thr_smooth_max"] = pct(smooth_thr[smooth_thr.method == "threshold"].estimate.max())
    t = targets(results)
    out["v_targets"] = (
        "Both targets are met at every level of clustering"
        if t["coverage_met"] and t["fpr_met"]
        else "The targets are not all met: "
        + "; ".join(
            (
                [
                    "coverage is outside the target range at practitioner SD "
                    f"{', '.join(f'{v:g}' for v in t['coverage_missed'])}"
                ]
                if t["coverage_missed"]
                else []
            )
            + (
                [
                    "the false-positive rate exceeds the target at practitioner SD "
                    f"{', '.join(f'{v:g}' for v in t['fpr_missed'])}"
                ]
                if t["fpr_missed"]
                else []
            )
        )
    )
    p = results["power_simulated"]
    z = (p.power - p.analytic_power).abs() / p.mc_se.where(p.mc_se > 0, np.nan)
    out["v_power_points"] = f"{len(p):,}"
    out["v_power_within2"] = f"{int((z <= 2).sum()):,}"
    out["v_power_maxdiff"] = f"{100 * (p.power - p.analytic_power).abs().max():.1f}"
    fpr50 = p[p.fall_pp == 0]
    out["v_fpr50_range"] = range_text(fpr50.power) if len(fpr50) else "not simulated"
    a = results["alternatives"].set_index("method")
    for method in a.index:
        out[f"v_alt_{method}"] = rate_text(a.loc[method, "false_positive_rate"], a.loc[method, "mc_se"])
        if pd.notna(a.loc[method, "seconds_per_fit"]):
            out[f"v_alt_{method}_secs"] = f"{a.loc[method, 'seconds_per_fit']:.2f}"
    out["v_alt_reps"] = f"{int(a.replicates.max()):,}" if len(a) else "0"
    return out


def power_numbers(fall_pp: float = 10.0, cases: int = 10, sds=(0.3, 0.8)) -> dict[str, str]:
    """The sample-size headline for chapter 1 (computed by the analytic approximation)."""
    out = {
        "pw_fall": f"{fall_pp:.0f}",
        "pw_cases": f"{cases}",
        "pw_from": f"{V.TRUE_BEND:.0f}",
        "pw_to": f"{V.TRUE_BEND + V.POWER_SPAN:.0f}",
        "pw_baseline": pct(V.POWER_BASELINE, 0),
    }
    for i, sd in enumerate(sds):
        j = V.practitioners_needed(fall_pp, cases, sd)
        out[f"pw_sd{i}"] = f"{sd:g}"
        out[f"pw_need{i}"] = f"{j:,}"
        out[f"pw_cases{i}"] = f"{j * cases:,}"
    return out


# ---------------------------------------------------------------------------
# Real data (when a file is placed in data/)
# ---------------------------------------------------------------------------


def prepare_table(df: pd.DataFrame) -> pd.DataFrame:
    """A loaded case-level table without usable practitioner ids loses that column (with it, clusters)."""
    if "practitioner_id" in df.columns and df["practitioner_id"].isna().all():
        return df.drop(columns="practitioner_id")
    return df


def headline(res: T.ThresholdAnalysis | None) -> str:
    """Chapter 1's sentence on the caseload-quality data in data/, or on their absence."""
    if res is None:
        return (
            "No case-level or band-level file is in the data folder, so there is no result to "
            "report; the appendix demonstrates the method on SIMULATED data."
        )
    if res.level == "band":
        return res.summary + (
            " Bands pool the cases of many practitioners, so this fit cannot see them: only the "
            "spread between bands guards against cases clustering within practitioners."
        )
    return res.summary


def analysis_numbers(res: T.ThresholdAnalysis) -> dict[str, str]:
    """Glue values for a real-data analysis."""
    c = res.change_at_test
    return {
        "r_summary": res.summary,
        "r_n": f"{res.n_cases:,}",
        "r_groups": f"{res.n_groups:,}",
        "r_bend": f"{res.bend:.0f}",
        "r_bend_ci": f"{res.bend_low:.0f} to {res.bend_high:.0f}",
        "r_bend_p": T._fmt_p(res.bend_test_p),
        "r_smooth_p": T._fmt_p(res.smooth_test_p) if res.smooth_test_p is not None else "not needed",
        "r_verdict": res.verdict_text,
        "r_change": f"{c['estimate']:.3f}",
        "r_change_ci": f"{c['ci_low']:.3f} to {c['ci_high']:.3f}",
        "r_change_p": T._fmt_p(c["p_value"]),
    }


# ---------------------------------------------------------------------------
# Figures (each returns the figure and the plotted data)
# ---------------------------------------------------------------------------

SD_COLOURS = (charts.OKABE_ITO["sky_blue"], charts.OKABE_ITO["orange"], charts.OKABE_ITO["vermillion"])
SD_MARKERS = ("o", "s", "D")


def coverage_figure(results: dict, methods=("primary", "calibrated", "quasi", "profile", "grouped", "grouped_quasi")):
    d = _rows(results["summary"], "coverage", "hinge")
    d = d[d.method.isin(methods)].copy()
    sds = sorted(d.practitioner_sd.unique())
    fig, ax = charts.new_figure(9.6, 5.2)
    lo, hi = V.COVERAGE_TARGET
    ax.axvspan(100 * lo, 100 * hi, color=charts.OKABE_ITO["bluish_green"], alpha=0.15, label="Target range")
    ax.axvline(95, color="#555555", lw=0.8, ls=":")
    for i, sd in enumerate(sds):
        r = d[d.practitioner_sd == sd].set_index("method").loc[list(methods)]
        y = np.arange(len(methods)) + (i - (len(sds) - 1) / 2) * 0.22
        ax.errorbar(
            100 * r.estimate,
            y,
            xerr=200 * r.mc_se,
            fmt=SD_MARKERS[i],
            color=SD_COLOURS[i],
            ms=5,
            capsize=2,
            lw=1,
            label=f"Practitioner clustering: {sd_text(sd)}",
        )
    ax.grid(axis="y", visible=False)
    ax.set_yticks(np.arange(len(methods)))
    ax.set_yticklabels([charts.wrap(INTERVAL_LABELS[m], 38) for m in methods], fontsize=8.5)
    ax.invert_yaxis()
    low = max(0.0, 100 * d.estimate.min() - 8)
    ax.set_xlim(low, 100.5)
    prim = d[d.method == "primary"].estimate
    prof = d[d.method == "profile"].estimate
    charts.finish(
        fig,
        ax,
        title=(
            f"SIMULATED: the primary interval covers the true bend in {range_text(prim)} of data sets; "
            f"the chi-square profile interval in as few as {pct(prof.min())}"
        ),
        xlabel="Coverage of the true bend (% of simulated data sets; bars: 2 Monte Carlo SE)",
        ylabel="",
        source="simulation study in this repository (make validate-methods); SIMULATED data, not evidence",
    )
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    data = d[["method", "practitioner_sd", "estimate", "mc_se", "replicates", "mean_width"]].rename(
        columns={"estimate": "coverage"}
    )
    return fig, data


def power_figure(results: dict, fall_for_title: float = 10.0):
    """Analytic power curves (lines) with the simulated checks (points), one panel per clustering level."""
    curve = results["power_curve"]
    sim = results["power_simulated"]
    sds = sorted(curve.practitioner_sd.unique())
    cases = int(curve.cases_per_practitioner.iloc[0])
    fig, axes = charts.new_figure(9.6, 4.8, ncols=len(sds), sharey=True)
    axes = np.atleast_1d(axes)
    falls = sorted(curve.fall_pp.unique())
    colours = [charts.PALETTE[i] for i in range(len(falls))]
    for ax, sd in zip(axes, sds, strict=True):
        for f, col in zip(falls, colours, strict=True):
            c = curve[(curve.practitioner_sd == sd) & (curve.fall_pp == f)]
            ax.plot(c.practitioners, 100 * c.power, color=col, lw=1.8, label=f"Fall of {f:.0f} points")
            s = sim[(sim.practitioner_sd == sd) & (sim.fall_pp == f)]
            if len(s):
                ax.errorbar(
                    s.practitioners, 100 * s.power, yerr=200 * s.mc_se, fmt="o", color=col, ms=4, capsize=2, lw=1
                )
        ax.axhline(80, color="#555555", lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_xticks([50, 100, 200, 500, 1000, 2000])
        ax.set_xticklabels(["50", "100", "200", "500", "1,000", "2,000"])
        ax.minorticks_off()
        ax.set_xlabel(f"Practitioners ({cases} cases each), clustering {sd_text(sd)}", fontsize=9.5)
    axes[0].set_ylim(0, 100)
    need = V.practitioners_needed(fall_for_title, cases, max(sds))
    charts.finish(
        fig,
        axes[0],
        title=(
            f"To detect a {fall_for_title:.0f}-point fall at {V.TRUE_BEND:.0f} cases with 80% power takes about "
            f"{need:,} practitioners when they differ strongly"
        ),
        xlabel=f"Practitioners ({cases} cases each), clustering {sd_text(sds[0])}",
        ylabel="Power of the test at 50 cases (%)",
        source="analytic approximation (lines) checked by simulation (dots, bars: 2 Monte Carlo SE); "
        "make validate-methods",
        legend=False,
    )
    axes[0].xaxis.label.set_size(9.5)
    handles, labels = axes[-1].get_legend_handles_labels()
    axes[-1].legend(
        handles,
        labels,
        loc="center left",
        bbox_to_anchor=(1.02, 0.5),
        fontsize=8.5,
        title="Analytic power",
        title_fontsize=8.5,
    )
    data = curve.merge(
        sim[["practitioner_sd", "fall_pp", "practitioners", "power", "mc_se"]].rename(
            columns={"power": "simulated_power", "mc_se": "simulated_mc_se"}
        ),
        on=["practitioner_sd", "fall_pp", "practitioners"],
        how="outer",
    )
    return fig, data


def fit_figure(data: pd.DataFrame, res: T.ThresholdAnalysis, *, simulated: bool, source: str):
    """Share sufficient by caseload with the fitted bend and its primary 95% interval."""
    fig, ax = charts.new_figure(8, 4.4)
    xs_obs: pd.Index | pd.Series  # band mid-points: the index of 5-case bands, or a column of the band table
    sizes: pd.Series | int
    if "caseload" in data.columns:
        banded = data.assign(band=(data["caseload"] // 5) * 5).groupby("band")["sufficient"].agg(["mean", "size"])
        xs_obs, ys_obs, sizes = banded.index + 2.5, 100 * banded["mean"], 12 + banded["size"] / 3
        xs = np.linspace(data["caseload"].min(), data["caseload"].max(), 200)
        plotted = pd.DataFrame(
            {"caseload_band_mid": xs_obs, "share_sufficient_pct": ys_obs, "cases": banded["size"].to_numpy()}
        )
    else:
        mid = (data["band_low"] + data["band_high"]) / 2
        xs_obs, ys_obs, sizes = mid, 100 * data["n_sufficient"] / data["n_cases"], 30
        xs = np.linspace(data["band_low"].min(), data["band_high"].max(), 200)
        plotted = pd.DataFrame({"band_mid": mid, "share_sufficient_pct": ys_obs, "cases": data["n_cases"]})
    ax.scatter(
        xs_obs,
        ys_obs,
        s=sizes,
        color=charts.OKABE_ITO["grey"],
        label="Share sufficient (5-case bands)" if "caseload" in data.columns else "Share sufficient (bands)",
    )
    ax.plot(xs, 100 * res.predict(xs), color=charts.OKABE_ITO["blue"], lw=2, label="Bend model fit")
    ax.axvspan(
        res.bend_low,
        res.bend_high,
        color=charts.OKABE_ITO["sky_blue"],
        alpha=0.25,
        label="95% interval for the bend (allows for clustering)",
    )
    ax.axvline(res.bend, color=charts.OKABE_ITO["blue"], ls="--", lw=1)
    ax.set_ylim(0, 100)
    label = "SIMULATED DATA, a demonstration: " if simulated else ""
    charts.finish(
        fig,
        ax,
        title=(
            f"{label}the bend is estimated at {res.bend:.0f} cases (95% interval {res.bend_low:.0f} to "
            f"{res.bend_high:.0f}); by the book's rule this is {res.verdict_text}"
        ),
        xlabel="Practitioner's caseload (cases)",
        ylabel="Cases judged sufficient (%)",
        source=source,
    )
    return fig, plotted
