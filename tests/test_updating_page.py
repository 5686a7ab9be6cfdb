"""The worked example of a hand edit on the Updating the data page is a row that validates, and the
example commands are labelled as illustrative."""

from __future__ import annotations

import re
from pathlib import Path

from probation_evidence import load

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "book" / "updating-the-data.md").read_text(encoding="utf-8")


def example_row() -> str:
    m = re.search(r"```text\n\s*(\S.*?)\n\s*```", PAGE, re.S)
    assert m, "no worked example row on the page"
    return m.group(1).strip()


def append(folder: Path, row: str) -> None:
    path = folder / "probation_caseload.csv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + row + "\n", encoding="utf-8")


def test_worked_example_row_validates(data_copy):
    append(data_copy, example_row())
    assert load.validate_package(data_copy) == []
    assert len(load.load_table("probation_caseload", data_copy)) == len(load.load_table("probation_caseload")) + 1


def test_worked_example_mistakes_are_caught(data_copy):
    append(data_copy, example_row().replace(",false,", ",yes,"))
    problems = [str(p) for p in load.validate_package(data_copy)]
    assert any("approximate" in p and "yes" in p for p in problems), problems


def test_every_table_has_an_update_route():
    routes = PAGE.split("## How each table is updated", 1)[1].split("\n## ", 1)[0]
    for res in load.read_package()["resources"]:
        if load.is_present(res["name"]):
            assert f"`{res['name']}`" in routes, res["name"]


def test_example_commands_are_labelled_illustrative():
    blocks = re.findall(r"```bash\n(.*?)```", PAGE, re.S)
    with_values = [b for b in blocks if re.search(r"--(po-fte|date|published|vintage)\b", b)]
    assert with_values
    for block in with_values:
        lines = block.splitlines()
        first_value = next(i for i, line in enumerate(lines) if re.search(r"--(po-fte|date|published|vintage)\b", line))
        command = max(i for i in range(first_value + 1) if lines[i].startswith(".venv/"))
        assert command > 0 and lines[command - 1].lower().startswith("# illustrative"), block
    assert "values in the commands on this page are illustrative" in PAGE
