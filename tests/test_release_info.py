"""Release box, citation, repository address and downloads. Live expectations come from data/."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from probation_evidence import __version__, editions, load, release_info as ri, workforce as wf

ROOT = Path(__file__).resolve().parents[1]


# --- the workforce timetable (exact values on fixed dates) ----------------------------------------


def test_quarters_after_crosses_years():
    gen = ri.quarters_after(dt.date(2025, 11, 15))
    assert [next(gen) for _ in range(3)] == [dt.date(2025, 12, 31), dt.date(2026, 3, 31), dt.date(2026, 6, 30)]
    gen = ri.quarters_after(dt.date(2025, 6, 30))
    assert next(gen) == dt.date(2025, 9, 30)


def test_schedule_before_and_after_the_usual_publication():
    latest = dt.date(2025, 3, 31)
    due = dt.date(2025, 6, 30) + ri.WORKFORCE_LAG  # 25 August 2025
    assert due == dt.date(2025, 8, 25)
    before = ri.workforce_schedule(latest, due - dt.timedelta(days=1))
    assert before["not_included"] == [] and before["next_quarter"] == dt.date(2025, 6, 30)
    assert before["next_expected"] == due
    on = ri.workforce_schedule(latest, due)
    assert on["not_included"] == [dt.date(2025, 6, 30)] and on["next_quarter"] == dt.date(2025, 9, 30)
    year_later = ri.workforce_schedule(dt.date(2025, 12, 31), dt.date(2027, 1, 10))
    assert year_later["not_included"] == [dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30)]
    assert year_later["next_quarter"] == dt.date(2026, 12, 31)
    assert f"{year_later['next_expected']:%B %Y}" == "February 2027"


def test_the_lag_covers_the_published_dates_it_cites():
    """Bulletins came out 48 to 52 days after the quarter: the rule counts each as due no later than 8 days after."""
    published = {
        dt.date(2022, 9, 30): dt.date(2022, 11, 17),
        dt.date(2023, 6, 30): dt.date(2023, 8, 17),
        dt.date(2024, 12, 31): dt.date(2025, 2, 20),
        dt.date(2025, 6, 30): dt.date(2025, 8, 21),
    }
    for quarter, day in published.items():
        assert day < quarter + ri.WORKFORCE_LAG <= day + dt.timedelta(days=8)


def test_build_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert ri.build_date() == dt.date(2026, 1, 1)


# --- the release box on the live data ---------------------------------------------------------------


def live_latest_quarter() -> dt.date:
    return pd.Timestamp(wf.latest_date(load.load_table("workforce_quarterly"), "po_fte")).date()


def test_release_box_on_the_day_after_the_latest_quarter():
    latest = live_latest_quarter()
    box = ri.release_box_md(today=latest + dt.timedelta(days=1))
    nxt = next(ri.quarters_after(latest))
    assert f"Workforce statistics to {editions.fmt_day(latest)}" in box
    assert (
        f"The release for the quarter to {editions.fmt_day(nxt)} is expected in {(nxt + ri.WORKFORCE_LAG):%B %Y}"
    ) in box
    assert "not an announced date" in box
    assert "every workforce release that the usual timetable had made due was included" in box
    caseload = pd.Timestamp(load.load_table("probation_caseload")["date"].max()).date()
    assert f"people under probation supervision to {editions.fmt_day(caseload)}" in box
    assert f"- **Edition:** {__version__}," in box
    assert f"({ri.issues_url()})" in box and "{doc}`downloads`" in box and "{doc}`editions`" in box
    assert box.count(":::") == 2


def test_release_box_a_year_later_lists_the_missing_quarters():
    latest = live_latest_quarter()
    today = latest + dt.timedelta(days=366)
    missing = ri.workforce_schedule(latest, today)["not_included"]
    assert len(missing) >= 3
    box = ri.release_box_md(today=today)
    assert "would usually have been published, but they are not in this edition" in box
    for quarter in missing:
        assert editions.fmt_day(quarter) in box


def test_release_box_follows_a_new_quarter(data_copy):
    """Add the quarter after the latest one: the box moves on with the data."""
    wq = pd.read_csv(data_copy / "workforce_quarterly.csv", dtype=str, keep_default_na=False)
    latest = live_latest_quarter()
    new_quarter = next(ri.quarters_after(latest))
    row = wq[(wq["measure"] == "po_fte") & (wq["date"] == latest.isoformat())].iloc[[-1]].copy()
    row["date"] = new_quarter.isoformat()
    row["vintage"] = new_quarter.isoformat()
    row["publication"] = "Test release"
    pd.concat([wq, row]).to_csv(data_copy / "workforce_quarterly.csv", index=False)
    box = ri.release_box_md(folder=data_copy, today=new_quarter + dt.timedelta(days=1))
    assert f"Workforce statistics to {editions.fmt_day(new_quarter)} (Test release)" in box
    assert editions.fmt_day(next(ri.quarters_after(new_quarter))) in box


# --- repository address and site -----------------------------------------------------------------------


def write_config(tmp_path: Path, text: str) -> Path:
    (tmp_path / "_config.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_repository_address_and_site(tmp_path):
    root = write_config(tmp_path, "repository:\n  url: https://github.com/Some-Org/some-book/\n")
    assert ri.repository_url(root) == "https://github.com/Some-Org/some-book"
    assert ri.issues_url(root) == "https://github.com/Some-Org/some-book/issues"
    assert ri.site_address(root) == "https://some-org.github.io/some-book/"
    root = write_config(
        tmp_path, "repository:\n  url: https://gitlab.com/a/b\nhtml:\n  baseurl: https://books.example.org/pe\n"
    )
    assert ri.site_address(root) == "https://books.example.org/pe/"
    root = write_config(tmp_path, "repository:\n  url: https://gitlab.com/a/b\n")
    assert ri.site_address(root) is None
    root = write_config(tmp_path, "repository:\n  url: ''\n")
    with pytest.raises(ValueError, match=r"repository\.url"):
        ri.repository_url(root)


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / line for line in out.stdout.splitlines()]


def test_repository_address_is_configured_in_one_place():
    """Only _config.yml names the repository; the README's badge and address pattern follow it."""
    url = ri.repository_url()
    owner_repo = url.split("github.com/", 1)[-1]
    holders = []
    for path in tracked_files():
        if path.suffix in {".png", ".pdf", ".zip"} or not path.is_file() or path.parts[-2:] == ("data", path.name):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if owner_repo in text:
            holders.append(path.relative_to(ROOT).as_posix())
    assert set(holders) <= {"_config.yml", "README.md"}, holders
    assert "_config.yml" in holders
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for found in re.findall(r"github\.com/([\w.-]+/[\w.-]+)/actions", readme):
        assert found == owner_repo, "README badge does not match repository.url in _config.yml"


# --- citation ---------------------------------------------------------------------------------


def test_citation_file_is_valid_cff():
    assert ri.citation_problems(ri.read_citation()) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.pop("authors"), "required key 'authors'"),
        (lambda d: d.update({"cff-version": "1.1.0"}), "cff-version"),
        (lambda d: d.update({"colour": "blue"}), "unknown key 'colour'"),
        (lambda d: d.update({"license": ["MIT licence"]}), "SPDX"),
        (lambda d: d.update({"authors": [{"affiliation": "x"}]}), "family-names"),
        (lambda d: d.update({"authors": [{"name": "X", "given-names": "Y"}]}), "entity"),
        (lambda d: d.update({"date-released": "30/11/2026"}), "YYYY-MM-DD"),
        (lambda d: d.update({"url": "example.org"}), "'url' must be a URL"),
        (lambda d: d.update({"type": "book"}), "'type'"),
        (lambda d: d.update({"title": ""}), "'title'"),
    ],
)
def test_citation_checks_catch_mistakes(change, expected):
    data = copy.deepcopy(ri.read_citation())
    change(data)
    assert any(expected in p for p in ri.citation_problems(data)), ri.citation_problems(data)


def test_citation_text(tmp_path):
    cff = ri.read_citation()
    published = ri.citation_text(version="1.2.3", published=dt.date(2027, 2, 1), site="https://o.github.io/r/")
    assert published == (
        f"{cff['authors'][0]['name']} (2027). *{cff['title']}*, edition 1.2.3. <https://o.github.io/r/editions/1.2.3/>"
    )
    draft = ri.citation_text(version="1.2.3", published=None, site=None)
    assert "(in preparation)" in draft and draft.endswith(f"<{ri.repository_url()}>")


# --- downloads --------------------------------------------------------------------------------


def test_data_zip_is_reproducible_and_complete():
    first, second = ri.data_zip_bytes(), ri.data_zip_bytes()
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    names = archive.namelist()
    assert names == sorted(names)
    expected = {f"{ri.ZIP_FOLDER}/datapackage.json"} | {
        f"{ri.ZIP_FOLDER}/{r['path']}" for r in load.read_package()["resources"] if load.is_present(r["name"])
    }
    assert set(names) == expected
    for info in archive.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert archive.read(info) == (ROOT / "data" / info.filename.split("/", 1)[1]).read_bytes()


def test_data_zip_changes_with_the_data(data_copy):
    before = ri.data_zip_bytes(data_copy)
    with open(data_copy / "events.csv", "a", encoding="utf-8") as handle:
        handle.write("")
    assert ri.data_zip_bytes(data_copy) == before
    (data_copy / "regions.csv").write_text(
        (data_copy / "regions.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert ri.data_zip_bytes(data_copy) != before


def test_write_data_zip_rewrites_only_on_change(tmp_path):
    assert ri.write_data_zip(tmp_path) is True
    assert ri.write_data_zip(tmp_path) is False
    assert (tmp_path / ri.ZIP_PATH).read_bytes() == ri.data_zip_bytes()


def test_downloads_page_links_every_table_and_chart_and_the_files_exist():
    page = ri.downloads_md()
    links = re.findall(r"\{download\}`([^<`]+) <([^>]+)>`", page)
    targets = dict(links)
    for res in load.read_package()["resources"]:
        if load.is_present(res["name"]):
            assert targets.get(res["path"]) == f"/data/{res['path']}"
        else:
            assert res["path"] in page.split("Optional tables not shipped")[1]
    assert targets["datapackage.json"] == "/data/datapackage.json"
    assert targets[ri.ZIP_NAME] == "/" + ri.ZIP_PATH.as_posix()
    for chart in (ROOT / "notebooks" / "chart-data").glob("*.csv"):
        assert targets[chart.name] == f"/notebooks/chart-data/{chart.name}"
    for name, target in links:
        if name != ri.ZIP_NAME:  # the zip is written when the book is built
            assert (ROOT / target.lstrip("/")).is_file(), target


def test_built_website_serves_every_download():
    """On the built website (tests/test_book.py builds it earlier in `make test`), every file on the
    Downloads page can be downloaded and is the same as its source."""
    html_dir = ROOT / "_build" / "html"
    stamp = ROOT / "_build" / ".published"
    sources = list((ROOT / "data").iterdir())  # (chart CSVs are rewritten, unchanged, by the notebook tests)
    if not stamp.exists() or not (html_dir / "book" / "downloads.html").exists():
        pytest.skip("the book has not been built (make book)")
    if max(p.stat().st_mtime for p in sources) > stamp.stat().st_mtime:
        pytest.skip("the built book is older than the data: run make book")
    assert ri.download_problems(html_dir) == []


def test_download_check_notices_a_missing_file(tmp_path):
    page = tmp_path / "book" / "downloads.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "_downloads" / "abc").mkdir(parents=True)
    (tmp_path / "_downloads" / "abc" / "regions.csv").write_bytes(b"not the same\n")
    page.write_text(
        '<a class="reference download internal" href="../_downloads/abc/regions.csv">regions.csv</a>'
        '<a href="../_downloads/def/events.csv">events.csv</a>',
        encoding="utf-8",
    )
    problems = ri.download_problems(tmp_path)
    assert "the website's copy of regions.csv differs from its source" in problems
    assert "downloads page links events.csv but the website has no such file" in problems
    assert "downloads page has no link to datapackage.json" in problems


def _write_zips(root: str, barrier, times: int, errors) -> None:
    for i in range(times):
        barrier.wait()  # both start writing into the same new folder together, as two cold builds do
        try:
            ri.write_data_zip(Path(root) / str(i))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.put(repr(exc))


def test_the_website_and_pdf_builds_can_write_the_data_zip_at_the_same_time(tmp_path):
    """Both Sphinx builds write the zip as they start, side by side. With one shared temporary
    file name, one process could move the other's file away (FileNotFoundError, a failed build)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    barrier, errors, times = ctx.Barrier(2), ctx.Queue(), 30
    writers = [ctx.Process(target=_write_zips, args=(str(tmp_path), barrier, times, errors)) for _ in range(2)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == [] and [w.exitcode for w in writers] == [0, 0]
    content = ri.data_zip_bytes()
    for i in range(times):
        folder = tmp_path / str(i) / ri.ZIP_PATH.parent
        assert [p.name for p in folder.iterdir()] == [ri.ZIP_PATH.name]  # no temporary file left
        assert (folder / ri.ZIP_PATH.name).read_bytes() == content
