"""Provenance: each address and row is classed primary, mirror or secondary by a stated rule, and the
About the data page's coverage table is counted from the data (exact counts on a small frozen package;
the live table checked against the live rows)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probation_evidence import load, pages, provenance
from probation_evidence.provenance import classify_address, classify_row

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "address, expected",
    [
        (
            "https://www.gov.uk/government/statistics/hm-prison-and-probation-service-workforce-quarterly-june-2025",
            "primary",
        ),
        ("https://hmiprobation.justiceinspectorates.gov.uk/news/x", "primary"),
        ("https://democracy.leics.gov.uk/ieListMeetings.aspx?CId=1032&Year=0", "primary"),
        ("https://questions-statements.parliament.uk/written-questions/detail/2024-01-22/10822", "primary"),
        ("https://hansard.parliament.uk/Lords/2020-09-21/debates/x", "primary"),
        ("https://www.nao.org.uk/press-releases/x", "primary"),
        ("https://www.parallelparliament.co.uk/question/10822/probation-staff", "mirror"),
        ("https://zh.scribd.com/document/1431315/x", "mirror"),
        ("https://www.theyworkforyou.com/wrans/?id=2021-09-20.51887.h", "mirror"),
        ("https://www.russellwebster.com/hmipnps20/", "secondary"),
        ("https://feeds.bbci.co.uk/news/articles/x", "secondary"),
        ("https://gov.uk.example.com/fake", "secondary"),  # a look-alike host is not a government site
        ("https://notparliament.uk/x", "secondary"),
    ],
)
def test_addresses_are_classed_by_host(address, expected):
    assert classify_address(address) == expected


def test_a_row_takes_its_best_address():
    blog, copy, own = (
        "https://www.russellwebster.com/x",
        "https://parallelparliament.co.uk/question/1/x",
        "https://www.gov.uk/x",
    )
    assert classify_row(f"{blog} ; {copy}") == "mirror"
    assert classify_row(f"{blog} ; {copy} ; {own}") == "primary"
    assert classify_row(blog) == "secondary"
    assert classify_row("") is None and classify_row(None) is None


def small_package(folder: Path) -> Path:
    """A frozen two-table package: 4 rows with addresses (2 primary, 1 mirror, 1 secondary) and a table without."""
    folder.mkdir()
    (folder / "facts.csv").write_text(
        "id,source_url\n"
        "a,https://www.gov.uk/a\n"
        "b,https://www.russellwebster.com/b ; https://hansard.parliament.uk/b\n"
        "c,https://www.scribd.com/c\n"
        "d,https://www.bbc.co.uk/news/d\n",
        encoding="utf-8",
    )
    (folder / "names.csv").write_text("id,name\nx,X\n", encoding="utf-8")
    field = {"name": "source_url", "type": "string"}
    package = {
        "name": "t",
        "resources": [
            {"name": "facts", "path": "facts.csv", "schema": {"fields": [{"name": "id", "type": "string"}, field]}},
            {
                "name": "names",
                "path": "names.csv",
                "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "name", "type": "string"}]},
            },
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return folder


def test_coverage_counts_a_frozen_package(tmp_path):
    folder = small_package(tmp_path / "data")
    assert provenance.coverage(folder) == [
        {"table": "facts", "rows": 4, "primary": 2, "mirror": 1, "secondary": 1, "primary_share": 50.0}
    ]
    text = provenance.coverage_md(folder)
    assert "| `facts` | 4 | 2 | 1 | 1 | 50% |" in text
    assert "| All tables | 4 | 2 | 1 | 1 | 50% |" in text
    assert "names" not in text  # a table without source addresses is not counted


def test_live_coverage_covers_every_row_of_every_sourced_table():
    items = {i["table"]: i for i in provenance.coverage()}
    for name in load.table_names(include_optional=False):
        frame = load.load_table(name)
        column = "source_url" if "source_url" in frame.columns else ("url" if "url" in frame.columns else None)
        if column is None:
            assert name not in items
            continue
        item = items[name]
        assert item["rows"] == len(frame)
        assert item["primary"] + item["mirror"] + item["secondary"] == frame[column].notna().sum()
    # the tables that declare a source_type agree with the classification (the validation rule, seen from here)
    for name in ("national_facts", "inspection_headline_figures", "regional_staffing"):
        frame = load.load_table(name)
        assert list(frame["source_type"]) == [classify_row(u) for u in frame["source_url"]]


def test_coverage_page_is_generated_and_included():
    rendered = pages.render_all()
    assert rendered["source_coverage.md"].startswith(pages.HEADER)
    assert "| All tables |" in rendered["source_coverage.md"]
    about = (ROOT / "book" / "about-the-data.md").read_text(encoding="utf-8")
    assert "_generated/source_coverage.md" in about
    for phrase in ("not reachable", "seed document", "stored excerpt", "stored cop", "this session"):
        assert phrase not in about.lower(), phrase


def test_data_dictionary_documents_optional_schemas_and_rules():
    text = pages.data_dictionary_md()
    for name in (
        "caseload_quality_cases.csv",
        "caseload_quality_bands.csv",
        "inspection_headline_figures.csv",
        "regional_staffing.csv",
    ):
        assert f"## `{name}`" in text, name
    assert "schemas/caseload_quality_cases.json" in text
    assert "`headline-not-a-kq-duplicate`" in text and "`kq-needs-report-source`" in text
    for phrase in ("not reachable", "seed document", "stored"):
        assert phrase not in text.lower(), phrase
