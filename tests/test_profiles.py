"""PDU and region profile pages: content from data/, comparisons within one framework, the
update path (a new PDU gets its page), the PDF's table of contents, and the built website
(structure, links and the search index).

Exact values are tested on small frozen fixtures written here; tests of the live pages derive
their expectations from data/."""

from __future__ import annotations

import fnmatch
import html.parser
import json
import re
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
import yaml

from probation_evidence import inspections as insp, load, pages, profiles
from probation_evidence.present import Table, fmt_int
from probation_evidence.update import append_inspection

ROOT = Path(__file__).resolve().parents[1]
JARGON = ("seed", "not reachable", "stored excerpt", "stored text", "this session", "reachable source")


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return profiles.render_pages()


@pytest.fixture(scope="module")
def live() -> dict[str, pd.DataFrame]:
    return {name: load.load_table(name) for name in ("pdu_inspections", "pdus", "regions")}


def section(page: str, heading: str) -> str:
    """The text under one '## ' heading, up to the next."""
    start = page.index(heading + "\n")
    nxt = page.find("\n## ", start + len(heading))
    return page[start : nxt if nxt != -1 else len(page)]


# ----------------------------------------------------------------------------- live pages
def test_every_inspected_pdu_has_a_page_with_each_of_its_ratings(rendered, live):
    ins = live["pdu_inspections"]
    assert {k for k in rendered if k.startswith("pdu/")} == {f"pdu/{i}.md" for i in set(ins["pdu_id"])}
    for rec in ins.to_dict("records"):
        page = rendered[f"pdu/{rec['pdu_id']}.md"]
        name = live["pdus"].set_index("pdu_id").loc[rec["pdu_id"], "pdu_name"]
        assert page.startswith(pages.HEADER) and f"\n# {name}\n" in page.replace("\\", "")
        label = profiles.inspection_label(rec["fieldwork_start"], rec["published"], rec["inspection_id"][-4:])
        part = section(page, f"## Inspection: {label}")
        assert f"**Overall rating:** {rec['overall_rating']}\n" in part, rec["inspection_id"]
        assert f"**Framework:** {rec['framework']} framework" in part
        if pd.notna(rec["score"]):
            assert f"**Score:** {rec['score']} out of 27" in part
        if pd.notna(rec["cases_inspected"]):
            assert f"**Cases inspected:** {fmt_int(rec['cases_inspected'])}" in part
        for col in insp.FRAMEWORK_STANDARDS[rec["framework"]]:
            if pd.notna(rec[col]):
                name_ = (
                    "Staff"
                    if col == "r_staff" and rec["framework"] == "2021"
                    else "Staffing"
                    if col == "r_staff"
                    else insp.STANDARD_LABELS[col]
                )
                assert f"<td>{name_}</td><td>{rec[col]}</td>" in part, (rec["inspection_id"], col)
        for col in insp.KQ_LABELS:
            if pd.notna(rec[col]):
                assert f"<td>{rec[col]:.0f}%</td>" in part, (rec["inspection_id"], col)
        for col in ("kq_court_work", "kq_outcomes"):
            if pd.notna(rec[col]):
                assert f":** {rec[col]:.0f}% of inspected cases" in part, (rec["inspection_id"], col)
        for url in profiles.split_sources(rec["source_url"]):
            assert f"]({url})" in part


def test_pdu_pages_compare_within_framework_with_counts(rendered, live):
    ins, pdus = live["pdu_inspections"], live["pdus"].set_index("pdu_id")
    for pdu_id, grp in ins.groupby("pdu_id"):
        page = rendered[f"pdu/{pdu_id}.md"]
        region = pdus.loc[pdu_id, "region"]
        for fw, sub in grp.groupby("framework"):
            # the latest inspection under the framework: publication, else fieldwork, else the id's year
            when = sub["published"].fillna(sub["fieldwork_start"]).fillna(sub["inspection_id"].str[-4:])
            rating = sub.loc[when.sort_values().index[-1], "overall_rating"]
            same = ins[ins["framework"] == fw]
            k, n = int((same["overall_rating"] == rating).sum()), len(same)
            reg = same[same["region"] == region]
            kr, nr = int((reg["overall_rating"] == rating).sum()), len(reg)
            assert (
                f"Under the {fw} framework, {fmt_int(k)} of {fmt_int(n)} PDU inspections in England and Wales "
                f"and {fmt_int(kr)} of {fmt_int(nr)} in {region} were rated {rating}."
            ) in page.replace("\\", "")


def test_region_pages_list_their_pdus_and_only_theirs(rendered, live):
    ins, pdus = live["pdu_inspections"], live["pdus"]
    assert len(live["regions"]) == len([k for k in rendered if k.startswith("region/")])
    for region in live["regions"]["region"]:
        page = rendered[f"region/{profiles.region_slug(region)}.md"]
        expected = set(pdus[(pdus["region"] == region) & pdus["pdu_id"].isin(ins["pdu_id"])]["pdu_id"])
        linked = set(re.findall(r'href="\.\./pdu/([a-z0-9-]+)\.html"', page))
        assert linked == expected, region
        assert f"\n# {region} probation region\n" in page.replace("\\", "")
        regional = load.load_table("regional_inspections")
        for url in regional[regional["region"] == region]["source_url"]:
            for u in profiles.split_sources(url):
                assert f"]({u})" in page


def test_index_lists_every_pdu_and_region_with_its_address(rendered, live):
    text = rendered[profiles.INDEX_INCLUDE]
    ins = live["pdu_inspections"]
    base = profiles.site_url()
    for pdu_id in set(ins["pdu_id"]):
        assert f'href="_generated/pdu/{pdu_id}.html"' in text
        assert profiles.profile_url(pdu_id, base).replace("https://", "") in text  # the PDF annex
    for region in live["regions"]["region"]:
        assert f'href="_generated/region/{profiles.region_slug(region)}.html"' in text
    for name in live["pdus"][live["pdus"]["pdu_id"].isin(ins["pdu_id"])]["pdu_name"]:
        assert profiles._index_entry(name) in text  # the PDF index lists every inspected PDU


def test_pages_speak_to_readers(rendered):
    for name, text in rendered.items():
        low = text.lower()
        for phrase in JARGON:
            assert phrase not in low, (name, phrase)
        assert "nan" not in re.findall(r"\b\w+\b", low), name
        assert not re.search(r"\brank(ed)? (first|second|third|\d)", low), name


# ----------------------------------------------------------------------------- frozen fixtures
def fixture_data(extra_pdu=None, extra_region=None) -> profiles.ProfileData:
    """Six PDUs in two regions, inspected under both frameworks: counted within a framework,
    PDU c's Inadequate (2024) is 1 of 4 nationally and 1 of 2 in North; pooled, it would be
    4 of 8 and 3 of 4."""
    cols = [f["name"] for f in load.resource("pdu_inspections")["schema"]["fields"]]
    rows = [
        ("a", "North", "2021", "Inadequate", "2022-03", "2022-06"),
        ("a", "North", "2024", "Requires improvement", None, "2024-09"),
        ("b", "North", "2021", "Inadequate", None, "2022-07"),
        ("c", "North", "2024", "Inadequate", "2024-05", None),
        ("d", "South", "2021", "Inadequate", None, "2023"),
        ("e", "South", "2021", "Good", "2022-11-28", "2023-02-09"),
        ("e", "South", "2024", "Requires improvement", None, None),
        ("f", "South", "2024", "Requires improvement", None, "2025-01"),
    ]
    records = []
    for pid, region, fw, rating, fieldwork, published in rows:
        year = (published or fieldwork or "2025")[:4]
        rec = dict.fromkeys(cols)
        rec.update(
            inspection_id=f"{pid}-{year}",
            pdu_id=pid,
            pdu=f"{pid.upper()} PDU",
            region=region,
            framework=fw,
            overall_rating=rating,
            fieldwork_start=fieldwork,
            published=published,
            source_url=f"https://hmiprobation.justiceinspectorates.gov.uk/{pid}-{year}",
        )
        records.append(rec)
    frame = profiles.prepare_inspections(pd.DataFrame(records, columns=cols))
    pdus = pd.DataFrame(
        {
            "pdu_id": list("abcdef"),
            "pdu_name": [f"{p.upper()} PDU" for p in "abcdef"],
            "region": ["North"] * 3 + ["South"] * 3,
            "other_names": [None] * 6,
        }
    )
    regions = pd.DataFrame(
        {
            "region": ["North", "South"],
            "pdus_stated": [3, pd.NA],
            "source_url": ["https://example.org/north", None],
            "notes": [None, None],
        }
    )
    regional = pd.DataFrame(columns=[f["name"] for f in load.resource("regional_inspections")["schema"]["fields"]])
    local = pd.DataFrame(columns=[f["name"] for f in load.resource("local_facts")["schema"]["fields"]])
    return profiles.ProfileData(
        inspections=frame,
        pdus=pdus,
        regions=regions,
        regional=regional,
        local=local,
        extra_pdu=extra_pdu or [],
        extra_region=extra_region or [],
    )


def test_comparison_counts_stay_within_framework():
    data = fixture_data()
    assert profiles.compare_rating(data.records, "2024", "Inadequate", "North") == {
        "national": (1, 4),
        "region": (1, 2),
    }
    assert profiles.compare_rating(data.records, "2021", "Inadequate", "North") == {
        "national": (3, 4),
        "region": (2, 2),
    }
    assert profiles.rating_counts(data.inspections, "2021", "South") == {
        "Outstanding": 0,
        "Good": 1,
        "Requires improvement": 0,
        "Inadequate": 1,
    }
    page = profiles.pdu_page(data, "c")
    assert (
        "Under the 2024 framework, 1 of 4 PDU inspections in England and Wales and 1 of 2 in North "
        "were rated Inadequate."
    ) in page
    assert "4 of 8" not in page and "3 of 4" not in page  # what pooling the frameworks would say
    with pytest.raises(ValueError, match="unknown rating"):
        profiles.compare_rating(data.records, "2024", "Terrible", "North")


def test_latest_rating_per_framework_and_region_chart_data():
    data = fixture_data()
    latest = profiles.latest_by_framework(data.records, "a")
    assert {fw: r["overall_rating"] for fw, r in latest.items()} == {
        "2021": "Inadequate",
        "2024": "Requires improvement",
    }
    chart = profiles.region_chart_frame(data.records, "North")
    got = chart.set_index(["framework", "area", "rating"])["inspections"]
    assert got["2024", "North", "Inadequate"] == 1 and got["2024", "England and Wales", "Requires improvement"] == 3
    assert got["2021", "North", "Inadequate"] == 2 and got["2021", "England and Wales", "Good"] == 1
    assert chart.groupby(["framework", "area"])["share_pct"].sum().round().eq(100).all()
    text = profiles.region_chart_text(chart, "North")
    assert "2 of 2 under the 2021 framework (England and Wales 3 of 4)" in text["title"]
    assert "1 of 2 under the 2024 framework (England and Wales 1 of 4)" in text["title"]
    assert "2024 framework: North, 2 inspections: 1 Requires improvement and 1 Inadequate" in text["alt"]


def test_region_page_on_fixture_lists_pdus_latest_ratings_and_gaps():
    data = fixture_data()
    north = profiles.region_page(data, "North")
    assert (
        'href="../pdu/a.html">A PDU</a></td><td>Inadequate (fieldwork Mar 2022, published Jun 2022)</td>'
        "<td>Requires improvement (published Sep 2024)</td>"
    ) in north
    assert "A source states that the region has 3 PDUs" in north
    south = profiles.region_page(data, "South")
    assert "No source collected so far states how many PDUs the region has" in south
    assert "No inspection of the region as a whole has been collected yet" in south
    assert "Regional staffing figures have not yet been collected." in south


def test_pdu_page_says_what_is_not_known():
    page = profiles.pdu_page(fixture_data(), "e")
    gaps = section(page, "## What is not known")
    assert (
        "2025 (dates not yet collected): the sources collected do not give the fieldwork date, "
        "the publication date, the ratings of the standards"
    ) in gaps
    assert "Fieldwork Nov 2022, published Feb 2023: the sources collected do not give the score out of 27" in gaps
    assert "No local figures" in gaps


def test_optional_tables_are_used_when_present():
    headline = (
        {
            "name": "headline_figures",
            "title": "Headline figures from press releases",
            "schema": {
                "fields": [
                    {"name": "inspection_id", "type": "string"},
                    {"name": "measure", "type": "string", "title": "What was measured"},
                    {"name": "value", "type": "number", "unit": "percent"},
                    {"name": "source_url", "type": "string"},
                ]
            },
        },
        pd.DataFrame(
            {
                "inspection_id": ["c-2024"],
                "measure": ["Cases with sufficient risk analysis"],
                "value": [39.0],
                "source_url": ["https://www.bbc.co.uk/news/x"],
            }
        ),
    )
    staffing = (
        {
            "name": "regional_staffing",
            "title": "Regional staffing",
            "schema": {
                "fields": [
                    {"name": "region", "type": "string"},
                    {"name": "date", "type": "string", "partialDate": True},
                    {"name": "po_vacancy_pct", "type": "number", "unit": "percent"},
                    {"name": "source_url", "type": "string"},
                ]
            },
        },
        pd.DataFrame(
            {
                "region": ["North"],
                "date": ["2024-03-31"],
                "po_vacancy_pct": [12.5],
                "source_url": ["https://www.gov.uk/x"],
            }
        ),
    )
    data = fixture_data([headline], [staffing])
    page = profiles.pdu_page(data, "c")
    assert "<caption>Headline figures from press releases</caption>" in page and "<td>39</td>" in page
    assert '<a href="https://www.bbc.co.uk/news/x">BBC News</a>' in page
    assert "Headline figures" not in profiles.pdu_page(data, "a")
    north = profiles.region_page(data, "North")
    assert "<caption>Regional staffing</caption>" in north and "<td>Mar 2024</td><td>12.5</td>" in north
    assert "<th scope='col'>Probation officer vacancy (%)</th>" in north
    assert "have not yet been collected for this book" in profiles.region_page(data, "South")


# ----------------------------------------------------------------------------- helpers
@pytest.mark.parametrize(
    "fieldwork, published, year, expected",
    [
        ("2022-11-28", "2023-03", "2023", "fieldwork Nov 2022, published Mar 2023"),
        ("2025-03", None, "2025", "fieldwork Mar 2025, publication date not yet collected"),
        (None, "2025", "2025", "published 2025"),
        (None, None, "2025", "2025 (dates not yet collected)"),
        ("", float("nan"), None, "dates not yet collected"),
    ],
)
def test_inspection_label(fieldwork, published, year, expected):
    assert profiles.inspection_label(fieldwork, published, year) == expected


def test_inspection_label_refuses_impossible_dates():
    with pytest.raises(ValueError):
        profiles.inspection_label("2022-13", None)


def test_addresses():
    assert (
        profiles.profile_href("sheffield", "notebooks/03_inspection_outcomes")
        == "../book/_generated/pdu/sheffield.html"
    )
    assert (
        profiles.region_href("Kent, Surrey and Sussex", "book/_generated/pdu/surrey")
        == "../region/kent-surrey-and-sussex.html"
    )
    assert profiles.profile_href("york", "book/your-pdu-and-region") == "_generated/pdu/york.html"
    with pytest.raises(ValueError, match="not a PDU identifier"):
        profiles.profile_href("Sheffield PDU", "index")


def test_site_url_from_config(tmp_path):
    assert profiles.site_url(tmp_path / "missing.yml") == profiles.DEFAULT_SITE_URL
    cfg = tmp_path / "_config.yml"
    cfg.write_text("html:\n  baseurl: https://example.org/book\n", encoding="utf-8")
    assert profiles.site_url(cfg) == "https://example.org/book/"
    assert (
        profiles.profile_url("york", "https://example.org/book/")
        == "https://example.org/book/book/_generated/pdu/york.html"
    )
    cfg.write_text("title: x\n", encoding="utf-8")
    assert profiles.site_url(cfg) == profiles.DEFAULT_SITE_URL


def test_regional_standard_ratings_takes_only_stated_ratings():
    assert profiles.regional_standard_ratings(
        "Statutory victim work: Outstanding (stated). Other ratings not stated."
    ) == [("Statutory victim work", "Outstanding")]
    assert profiles.regional_standard_ratings(
        "Desistance ('supporting change'): Inadequate; victim contact work: Outstanding (both)"
    ) == [("Desistance", "Inadequate"), ("Victim contact work", "Outstanding")]
    assert profiles.regional_standard_ratings("Overall Requires improvement (stated). No ratings given.") == []
    assert profiles.regional_standard_ratings(None) == []


def test_table_link_columns_render_as_links_on_the_website_only():
    frame = pd.DataFrame({"PDU": ["York PDU", "Leeds & Bradford"], "Rating": ["Inadequate", "Good"]})
    table = Table(frame, "Caption", links={"PDU": ["../pdu/york.html", None]})
    page = table._repr_html_()
    assert '<td><a href="../pdu/york.html">York PDU</a></td>' in page
    assert "<td>Leeds &amp; Bradford</td>" in page
    assert "href" not in table.latex() and "York PDU" in table.latex()
    assert "href" not in repr(table)
    with pytest.raises(ValueError, match="2 rows"):
        Table(frame, "Caption", links={"PDU": ["a.html"]})
    with pytest.raises(ValueError, match="not a column"):
        Table(frame, "Caption", links={"Region": ["a.html", "b.html"]})


def test_pdf_toc_leaves_out_only_the_profiles():
    toc_text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    pdf = yaml.safe_load(profiles.pdf_toc(toc_text))

    def entries(node):
        for key in ("parts", "chapters", "sections"):
            for entry in node.get(key, []):
                yield entry
                yield from entries(entry)

    web = list(entries(yaml.safe_load(toc_text)))
    kept = list(entries(pdf))
    assert any(profiles.is_web_only(e) for e in web)  # the website has the profiles ...
    assert not any(profiles.is_web_only(e) for e in kept)  # ... the PDF does not
    assert [e.get("file") for e in web if "file" in e] == [e.get("file") for e in kept if "file" in e]
    assert profiles.INDEX_DOC in [e.get("file") for e in kept]  # the annex stays
    assert pdf["root"] == yaml.safe_load(toc_text)["root"]


# ----------------------------------------------------------------------------- the update path
def test_a_new_pdu_gets_its_page_and_a_removed_one_loses_it(data_copy, tmp_path, monkeypatch):
    # Drawing twelve charts is the build's job (the built site's images are checked in the browser);
    # here each drawing is recorded and a small PNG carrying the chart's key is written instead.
    drawn = []

    def record(chart, region, path):
        drawn.append(region)
        Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + f"pe-key:{profiles.chart_key(chart, region)}".encode())

    monkeypatch.setattr(profiles, "render_region_chart", record)
    ins = load.load_table("pdu_inspections", data_copy)
    latest = max(pd.Timestamp(d[:7] + "-01") for d in ins["published"].dropna() if len(d) >= 7)
    published = (latest + pd.offsets.MonthBegin(1)).strftime("%Y-%m-%d")
    fieldwork = (latest - pd.offsets.MonthBegin(2)).strftime("%Y-%m")
    region = load.load_table("regions", data_copy)["region"].iloc[-1]
    before = profiles.rating_counts(ins, "2024", region)["Inadequate"]
    row = append_inspection(
        {
            "pdu": "Exampleton and Testshire PDU",
            "region": region,
            "framework": "2024",
            "overall_rating": "Inadequate",
            "r_leadership": "Requires improvement",
            "fieldwork_start": fieldwork,
            "published": published,
            "source_url": "https://hmiprobation.justiceinspectorates.gov.uk/example",
        },
        folder=data_copy,
    )
    target = tmp_path / "_generated"
    changed = pages.write_all(target, folder=data_copy)
    pdu_id = row["pdu_id"]
    page = (target / "pdu" / f"{pdu_id}.md").read_text(encoding="utf-8")
    assert f"pdu/{pdu_id}.md" in changed
    label = profiles.inspection_label(fieldwork, published)
    assert "# Exampleton and Testshire PDU" in page and f"## Inspection: {label}" in page
    assert "<td>Leadership</td><td>Requires improvement</td>" in page
    region_page = (target / "region" / f"{profiles.region_slug(region)}.md").read_text(encoding="utf-8")
    assert f'href="../pdu/{pdu_id}.html"' in region_page
    assert f'href="_generated/pdu/{pdu_id}.html"' in (target / profiles.INDEX_INCLUDE).read_text(encoding="utf-8")
    chart = pd.read_csv(target / "region" / f"{profiles.region_slug(region)}-ratings.csv")
    mine = chart[(chart["framework"] == 2024) & (chart["area"] == region) & (chart["rating"] == "Inadequate")]
    assert int(mine["inspections"].iloc[0]) == before + 1
    assert region in drawn and len(drawn) == len(load.load_table("regions", data_copy))
    # the table of contents picks the new page up with no other step
    globs = [
        e["glob"]
        for p in yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
        for c in p["chapters"]
        for e in c.get("sections", [])
        if "glob" in e
    ]
    assert any(fnmatch.fnmatch(profiles.pdu_doc(pdu_id), g) for g in globs)
    assert target.name == Path(profiles.DOC_ROOT).name  # pages are written where the globs look
    # a page whose PDU has left the data is removed; unchanged charts are not redrawn
    stale = target / "pdu" / "gone-pdu.md"
    stale.write_text("old", encoding="utf-8")
    again = pages.write_all(target, folder=data_copy)
    assert not stale.exists() and again == ["pdu/gone-pdu.md (removed)"]
    assert len(drawn) == len(load.load_table("regions", data_copy))  # nothing redrawn


def test_region_chart_is_drawn_with_its_key(tmp_path):
    data = fixture_data()
    chart = profiles.region_chart_frame(data.records, "North")
    path = tmp_path / "north.png"
    profiles.render_region_chart(chart, "North", path)
    png = path.read_bytes()
    assert png.startswith(b"\x89PNG") and f"pe-key:{profiles.chart_key(chart, 'North')}".encode() in png
    assert profiles.chart_key(chart, "North") != profiles.chart_key(
        chart.assign(inspections=chart["inspections"] + 1), "North"
    )


def test_a_pdu_without_a_crosswalk_row_is_refused(tmp_path):
    data = fixture_data()
    frame = data.inspections.copy()
    frame.loc[0, "pdu_id"] = "zz"
    with pytest.raises(KeyError):
        profiles.pdu_page(profiles.ProfileData(frame, data.pdus, data.regions, data.regional, data.local), "zz")


# ----------------------------------------------------------------------------- the built website
class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.captions, self.th, self.th_scoped = [], 0, 0, 0, 0
        self.images, self.links, self.in_article = [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":  # the page's own content (the theme's header and sidebars are outside)
            self.in_article += 1
        if not self.in_article:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th":
            self.th += 1
            self.th_scoped += a.get("scope") in ("col", "row")
        elif tag == "img":
            self.images.append(a)
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article -= 1


@pytest.fixture(scope="module")
def site(published_book) -> Path:
    """The published website, current with its sources (see conftest.published_book)."""
    return published_book


def test_built_profiles_are_semantic_and_linked(site, live):
    ins = live["pdu_inspections"]
    docs = [profiles.pdu_doc(i) for i in sorted(set(ins["pdu_id"]))]
    docs += [profiles.region_doc(r) for r in live["regions"]["region"]] + [profiles.INDEX_DOC]
    for doc in docs:
        path = site / f"{doc}.html"
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        assert parser.headings[0] == 1 and parser.headings.count(1) == 1, doc
        assert all(b <= a + 1 for a, b in pairwise(parser.headings)), (doc, parser.headings)
        assert parser.tables == parser.captions and parser.th == parser.th_scoped, doc
        for img in parser.images:
            assert (img.get("alt") or "").strip(), (doc, img.get("src"))
            assert (path.parent / img["src"]).exists()
        for href in parser.links:
            if href.startswith(("http:", "https:", "#", "mailto:")):
                continue
            assert (path.parent / href.split("#")[0]).resolve().exists(), (doc, href)
    region = live["regions"]["region"].iloc[0]
    page = (site / f"{profiles.region_doc(region)}.html").read_text(encoding="utf-8")
    assert f"{profiles.region_slug(region)}-ratings.csv" in page  # the chart's data can be downloaded


def test_search_finds_a_pdu_by_any_part_of_its_name(site, live):
    from sphinx.search.en import SearchEnglish

    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    docnames = index["docnames"]
    english = SearchEnglish({})
    pdus = live["pdus"][live["pdus"]["pdu_id"].isin(live["pdu_inspections"]["pdu_id"])]
    for rec in pdus.itertuples():
        doc = docnames.index(profiles.pdu_doc(rec.pdu_id))
        for word in re.findall(r"[A-Za-z]+", rec.pdu_name):
            if len(word) < 3 or word.lower() in english.stopwords:
                continue
            hits = index["titleterms"].get(english.stem(word.lower()), [])
            hits = hits if isinstance(hits, list) else [hits]
            assert doc in hits, (rec.pdu_name, word)
