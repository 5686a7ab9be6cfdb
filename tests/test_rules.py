"""Each conclusion rule, with cases on both sides of its boundary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from probation_evidence import rules


# ------------------------------------------------------------------ direction
@pytest.mark.parametrize(
    "now, code", [(103.0, "flat"), (103.01, "up"), (97.0, "flat"), (96.99, "down"), (100.0, "flat")]
)
def test_direction_relative_tolerance_boundary(now, code):
    assert rules.TOLERANCE_PCT == 3.0
    v = rules.direction(now, 100.0)
    assert v.code == code
    assert v.word == rules.RISING[code]
    assert str(v) == v.word and v.reason


def test_direction_absolute_tolerance_and_word_sets():
    assert rules.direction(6.3, 6.7, tolerance=0.5, unit="%").code == "flat"
    v = rules.direction(6.3, 8.3, tolerance=0.5, unit="%", words=rules.ROSE)
    assert (v.code, v.word) == ("down", "fell")
    assert "percentage points" in v.reason
    assert rules.direction(5519, 5160, unit="FTE", words=rules.RISEN).word == "risen"
    with pytest.raises(ValueError):
        rules.direction(float("nan"), 1.0)
    with pytest.raises(ValueError):
        rules.direction(1.0, 0.0)


def test_series_direction_refuses_breaks_and_other_quarters():
    dates = pd.to_datetime(["2021-03-31", "2021-09-30", "2022-03-31", "2022-09-30"])
    values = pd.Series([3500.0, 4300.0, 4400.0, 4700.0], index=dates)
    defs = pd.Series(["nps", "unified", "unified", "unified"], index=dates)
    across = rules.series_direction(values, "2022-03-31", "2021-03-31", definitions=defs)
    assert across.code == "not_comparable" and "definition changed" in across.reason
    within = rules.series_direction(values, "2022-09-30", "2021-09-30", definitions=defs)
    assert within.code == "up"
    other_quarter = rules.series_direction(values, "2022-09-30", "2022-03-31", definitions=defs)
    assert other_quarter.code == "not_comparable" and "same quarter" not in other_quarter.reason
    assert "year-on-year" in other_quarter.reason
    assert rules.series_direction(values, "2022-09-30", "2022-03-31", seasonal=False).code == "up"
    assert rules.series_direction(values, "2023-09-30", "2022-09-30").code == "not_comparable"  # missing


# ------------------------------------------------------------------ seasonality
def _quarters(start: str, values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="QE"), dtype=float)


def test_quarter_changes_skip_gaps_and_definition_changes():
    s = pd.Series([1.0, 2.0, 4.0, 7.0], index=pd.to_datetime(["2021-03-31", "2021-06-30", "2021-12-31", "2022-03-31"]))
    defs = pd.Series(["a", "a", "b", "b"], index=s.index)
    ch = rules.quarter_changes(s, defs)
    assert ch.to_dict() == {pd.Timestamp("2021-06-30"): 1.0, pd.Timestamp("2022-03-31"): 3.0}


def test_seasonality_both_sides():
    # up in the quarters to June and December, down to March and September, for two years
    seasonal = _quarters("2023-03-31", [100, 110, 105, 115, 110, 120, 115, 125, 120])
    v = rules.seasonality(seasonal)
    assert v.code == "seasonal" and v.word == "seasonal"
    assert v.details["pattern"] == {3: -1, 6: 1, 9: -1, 12: 1}
    assert "rose every time in the quarters to June and December" in v.reason
    # the latest quarter to March rising instead breaks the pattern
    broken = seasonal.copy()
    broken.iloc[-1] = broken.iloc[-2] + 1
    assert rules.seasonality(broken).code == "none"
    # steady growth: no alternation
    assert rules.seasonality(_quarters("2023-03-31", [100 + 5 * i for i in range(9)])).code == "none"
    # too few quarters observed twice
    assert rules.seasonality(_quarters("2024-09-30", [100, 110, 105, 115])).code == "insufficient"


# ------------------------------------------------------------------ share
@pytest.mark.parametrize(
    "k, n, code", [(7, 7, "all"), (0, 7, "none"), (4, 7, "most"), (3, 7, "minority"), (4, 8, "half")]
)
def test_share_words(k, n, code):
    v = rules.share(k, n)
    assert v.code == code and f"{k} of {n}" in v.reason


def test_share_generalised_needs_the_interval_above_one_half():
    # exact lower limits for n = 20: k = 15 -> 0.509 (above), k = 14 -> 0.457 (not)
    assert rules.share(15, 20, generalise=True).code == "most"
    assert rules.share(14, 20, generalise=True).code == "about_half"
    assert rules.share(5, 20, generalise=True).code == "minority"
    assert rules.share(6, 20, generalise=True).code == "about_half"
    with pytest.raises(ValueError):
        rules.share(8, 7)


# ------------------------------------------------------------------ leader
def test_leader_needs_separation_from_the_runner_up():
    v = rules.leader({"A": (9, 10), "B": (2, 10), "C": (3, 10)}, noun="region")
    assert (v.code, v.word, v.subject) == ("leader", "worst", "A")
    close = rules.leader({"A": (6, 10), "B": (5, 10)}, noun="region")
    assert close.code == "none" and close.word == "no region stands out" and close.subject is None
    tie = rules.leader({"KSS": (5, 7), "Yorkshire": (10, 14), "East Midlands": (7, 10)}, noun="region")
    assert tie.code == "none" and "tied" in tie.reason
    best = rules.leader({"A": (1, 20), "B": (15, 20)}, highest=False, word="best")
    assert (best.code, best.subject, best.word) == ("leader", "A", "best")


def test_leader_refuses_pooled_frameworks():
    with pytest.raises(rules.PooledGroupsError):
        rules.leader({"A": (5, 7), "B": (1, 9)}, strata={"A": "2021", "B": "2024"})
    ok = rules.leader({"A": (9, 10), "B": (1, 10)}, strata={"A": "2024", "B": "2024"})
    assert ok.code == "leader"
    with pytest.raises(ValueError):
        rules.leader({"A": (1, 2)})


# ------------------------------------------------------------------ association
def test_association_needs_significance_and_power():
    rng = np.random.default_rng(7)
    x = rng.normal(size=40)
    strong = rules.association(x, x + rng.normal(scale=0.5, size=40))
    assert strong.code == "together" and strong.word == "go together"
    none = rules.association(x, rng.normal(size=40))
    assert none.code == "not_shown" and none.word == "not shown"
    # seven pairs: even a perfect ranking cannot count, because the test has too little power
    tiny = rules.association([1, 2, 3, 4, 5, 6, 7], [2, 3, 5, 7, 11, 13, 17])
    assert tiny.details["p_value"] < 0.05 and tiny.details["exact"]
    assert tiny.code == "not_shown_low_power" and tiny.word == "not shown"
    with pytest.raises(ValueError):
        rules.association([1, 2], [2, 1])


def test_association_power_crosses_the_threshold_with_sample_size():
    low, _ = rules._power_spearman(20, 0.05, 0.5, np.random.default_rng(rules.SEED))
    high, _ = rules._power_spearman(40, 0.05, 0.5, np.random.default_rng(rules.SEED))
    assert low < rules.MIN_POWER < high
    power, min_p = rules._power_spearman(4, 0.05, 0.5, np.random.default_rng(rules.SEED))
    assert power == 0 and min_p == pytest.approx(2 / 24)  # four pairs can never reach 0.05


# ------------------------------------------------------------------ established
def test_established_boundaries():
    assert rules.established(p_value=0.049).code == "established"
    assert rules.established(p_value=0.051).code == "not_established"
    assert rules.established(interval=(1.1, 9.0), null=1.0).code == "established"
    assert rules.established(interval=(0.9, 9.0), null=1.0).code == "not_established"
    untestable = rules.established(p_value=0.57, min_attainable_p=2 / 7)
    assert untestable.code == "untestable" and untestable.word == "not established"
    low = rules.established(p_value=0.2, power=0.3)
    assert low.code == "not_established_low_power" and "does not show there is no effect" in low.reason
    assert rules.established(p_value=0.2, power=0.9).code == "not_established"
    with pytest.raises(ValueError):
        rules.established()
    with pytest.raises(ValueError):
        rules.established(interval=(0.1, 2.0))


def test_rules_are_stated_for_readers():
    text = rules.rules_markdown()
    for rule in rules.RULES:
        assert f"### {rule.title}" in text
        assert f"rules.{rule.function}" in text and hasattr(rules, rule.function)
    assert f"{rules.TOLERANCE_PCT:g}%" in text and f"{100 * rules.MIN_POWER:.0f}%" in text


# ------------------------------------------------------------------ change (two shares)
def test_change_boundaries_and_directions():
    from scipy.stats import fisher_exact

    up = rules.change((0, 10), (5, 10), labels=("2024", "2025"))  # Fisher p = 0.033
    assert (up.code, up.word) == ("up", "rose")
    assert up.details["p_value"] == pytest.approx(fisher_exact([[0, 10], [5, 5]])[1])
    assert "2024" in up.reason and "2025" in up.reason
    low, high = up.details["interval"]
    assert 0 < low < 0.5 < high  # the change is +50 points
    down = rules.change((5, 10), (0, 10))
    assert (down.code, down.word) == ("down", "fell")
    flat = rules.change((2, 10), (5, 10))  # Fisher p = 0.35
    assert (flat.code, flat.word) == ("no_change", "no detectable change")
    # with four cases in all, even 0 of 10 against 4 of 10 (p = 0.087) is the most extreme table possible
    assert rules.change((0, 10), (4, 10)).code == "untestable"
    assert "interval for the change" in flat.reason
    assert rules.change((3, 10), (3, 10), words={"no_change": "steady"}).word == "steady"


def test_change_says_when_no_change_could_be_detected():
    tiny = rules.change((1, 1), (12, 21))
    assert tiny.code == "untestable" and tiny.word == "too few to tell"
    assert tiny.details["min_attainable_p"] == pytest.approx(rules.min_attainable_fisher_p(1, 21, 13))
    assert tiny.details["min_attainable_p"] >= rules.ALPHA
    # the smallest attainable p is the most extreme table with the same margins
    assert rules.min_attainable_fisher_p(10, 10, 10) == pytest.approx(2 / 184756)
    for bad in (((0, 0), (1, 2)), ((3, 2), (1, 2)), ((-1, 2), (1, 2))):
        with pytest.raises(ValueError):
            rules.change(*bad)


# ------------------------------------------------------------------ differ (several shares)
def _brute_force_homogeneity(groups):
    """p-value of the exact test by listing every way of choosing the cases with the feature."""
    import itertools

    labels = [g for g, (k, n) in groups.items() for _ in range(n)]
    sizes = {g: n for g, (k, n) in groups.items()}
    total_k = sum(k for k, n in groups.values())
    stat = lambda ks: sum(ks[g] ** 2 / sizes[g] for g in sizes)  # noqa: E731
    observed = stat({g: k for g, (k, n) in groups.items()})
    hits = count = 0
    for chosen in itertools.combinations(range(len(labels)), total_k):
        ks = dict.fromkeys(sizes, 0)
        for i in chosen:
            ks[labels[i]] += 1
        count += 1
        hits += stat(ks) >= observed - 1e-9
    return hits / count


@pytest.mark.parametrize(
    "groups",
    [
        {"a": (3, 4), "b": (0, 3), "c": (1, 3)},
        {"a": (4, 4), "b": (0, 4), "c": (2, 5), "d": (1, 2)},
        {"a": (1, 3), "b": (2, 3)},
    ],
)
def test_differ_exact_test_lists_every_arrangement(groups):
    v = rules.differ(groups)
    assert v.details["exact"]
    assert v.details["p_value"] == pytest.approx(_brute_force_homogeneity(groups), abs=1e-12)


def test_differ_boundaries():
    apart = rules.differ({"a": (6, 6), "b": (0, 6)}, noun="region")
    assert (apart.code, apart.word) == ("differ", "differ") and "six" not in apart.reason
    assert apart.details["p_value"] < rules.ALPHA
    alike = rules.differ({"a": (3, 6), "b": (3, 6), "c": (4, 7)}, noun="region")
    assert (alike.code, alike.word) == ("not_shown", "no difference shown") and alike.details[
        "p_value"
    ] == pytest.approx(1)
    few = rules.differ({"a": (1, 1), "b": (0, 1)})
    assert few.code == "untestable" and few.details["min_attainable_p"] == pytest.approx(1)
    same = rules.differ({"a": (2, 2), "b": (3, 3)})
    assert same.code == "untestable" and "same outcome" in same.reason
    with pytest.raises(rules.PooledGroupsError):
        rules.differ({"a": (1, 2), "b": (1, 3)}, strata={"a": "2021", "b": "2024"})
    with pytest.raises(ValueError):
        rules.differ({"a": (1, 2)})
    with pytest.raises(ValueError):
        rules.differ({"a": (3, 2), "b": (1, 2)})


def test_differ_falls_back_to_a_seeded_permutation_test():
    groups = {"a": (6, 7), "b": (2, 7), "c": (3, 5), "d": (2, 7), "e": (1, 6), "f": (8, 10)}
    exact = rules.differ(groups)
    drawn = rules.differ(groups, max_states=1, n_perm=20_000)
    again = rules.differ(groups, max_states=1, n_perm=20_000)
    assert exact.details["exact"] and not drawn.details["exact"]
    assert drawn.details["min_attainable_p"] is None and "seed" in drawn.reason
    assert drawn.details["p_value"] == again.details["p_value"]  # seeded: repeatable
    assert drawn.details["p_value"] == pytest.approx(exact.details["p_value"], abs=0.005)


# ------------------------------------------------------------------ against a baseline
def test_against_baseline_boundaries():
    above = rules.against_baseline([31, 32, 33, 34, 35, 36, 37, 38], 29, unit="%")  # 8 of 8: p = 2/256
    assert (above.code, above.word) == ("above", "higher than")
    assert above.details["p_value"] == pytest.approx(2 / 256)
    below = rules.against_baseline([1, 2, 3, 4, 5, 6, 7, 8], 29)
    assert (below.code, below.word) == ("below", "lower than")
    seven = rules.against_baseline([28, 31, 32, 33, 34, 35, 36, 37], 29)  # 7 of 8: p = 0.07
    assert seven.code == "not_shown_low_power" and seven.word == "not shown to differ from"
    assert "says little" in seven.reason and seven.details["min_attainable_p"] == pytest.approx(2 / 256)
    ties = rules.against_baseline([29, 29, 30], 29)
    assert ties.details["ties"] == 2 and ties.details["above"] == 1
    few = rules.against_baseline([30, 31, 32, 33], 29)  # 4 values: p >= 0.125
    assert few.code == "untestable" and "cannot reach" in few.reason
    with pytest.raises(ValueError):
        rules.against_baseline([], 29)
    with pytest.raises(ValueError):
        rules.against_baseline([1.0], float("nan"))


def test_sign_test_power_crosses_the_threshold_with_sample_size():
    low, _ = rules._sign_power(25, rules.ALPHA, rules.SIGN_TEST_EFFECT)
    high, _ = rules._sign_power(30, rules.ALPHA, rules.SIGN_TEST_EFFECT)
    assert low < rules.MIN_POWER < high
    balanced = [10 + i for i in range(15)] + [40 + i for i in range(15)]  # 15 below, 15 above
    assert rules.against_baseline(balanced, 30).code == "not_shown"  # enough power to mean something


# ------------------------------------------------------------------ above a stated level
@pytest.mark.parametrize("value, code", [(110.01, "above"), (110.0, "at"), (109.99, "below")])
def test_above_level_boundaries(value, code):
    v = rules.above_level(value, 110.0, unit="%", what="the national average", level_name="the excessive level")
    assert v.code == code and v.word == rules.LEVEL[code]
    assert (
        v.reason.startswith("the national average, ")
        and f"is {rules.LEVEL[code]} the excessive level, 110.0%" in v.reason
    )
    words = {"above": "on average, yes", "below": "on average, no", "at": "exactly"}
    assert rules.above_level(value, 110.0, words=words).word == words[code]
    with pytest.raises(ValueError):
        rules.above_level(float("nan"), 110.0)


# ------------------------------------------------------------------ reported by
@pytest.mark.parametrize(
    "address, code, word",
    [
        ("https://channel4.com/news/factcheck/example", "secondary", "reported by Channel 4 News"),
        (
            "https://www.russellwebster.com/post/ ; https://blog.example.org/copy",
            "secondary",
            "reported by Channel 4 News",
        ),
        (
            "https://parallelparliament.co.uk/question/1/x ; https://blog.example.org/copy",
            "mirror",
            "published by Channel 4 News",
        ),
        (
            "https://blog.example.org/copy ; https://questions-statements.parliament.uk/written-questions/1",
            "primary",
            "published by Channel 4 News",
        ),
    ],
)
def test_reported_by_follows_the_best_address(address, code, word):
    v = rules.reported_by("Channel 4 News", addresses=address)
    assert (v.code, v.word, v.subject) == (code, word, "Channel 4 News")
    assert "classed " + code in v.reason


def test_reported_by_prefers_the_recorded_source_type_and_refuses_bad_input():
    v = rules.reported_by("Police Oracle", source_type="secondary", addresses="https://www.gov.uk/x")
    assert (
        v.code == "secondary"
        and v.word == "reported by Police Oracle"
        and "records the source as secondary" in v.reason
    )
    assert rules.reported_by("GOV.UK", source_type="primary").word == "published by GOV.UK"
    with pytest.raises(ValueError):
        rules.reported_by("X", source_type="rumour")
    with pytest.raises(ValueError):
        rules.reported_by("", addresses="https://www.gov.uk/x")
    with pytest.raises(ValueError):
        rules.reported_by("X")


def test_conclusions_table_lists_each_word_with_its_reason():
    items = [
        ("Officer numbers", rules.direction(110, 100)),
        ("Leaving rate", rules.direction(10.1, 10.0)),
    ]
    table = rules.conclusions_table(items, word_width=0.2)
    frame = table.frame
    assert list(frame["What"]) == ["Officer numbers", "Leaving rate"]
    assert list(frame["Word used"]) == [v.word for _, v in items]
    assert frame["Word used"].iloc[0] != frame["Word used"].iloc[1]
    assert list(frame["Why (the rule's reason)"]) == [v.reason for _, v in items]
    assert table.col_widths[1] == 0.2
