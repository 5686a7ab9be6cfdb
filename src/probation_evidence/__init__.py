"""probation-evidence: load, validate, analyse and chart the evidence on the Probation Service.

Notebooks import from here; nothing here imports a notebook. Modules:

- :mod:`.validate` and :mod:`.load` – the schema in ``data/datapackage.json`` and the only code that opens ``data/``;
- :mod:`.workforce` – latest and first-published series, changes, revisions;
- :mod:`.update` – add a workforce quarter, append an inspection row (atomic writes);
- :mod:`.ingest` – read the text of an inspection report into a row;
- :mod:`.models` and :mod:`.threshold` – statistics;
- :mod:`.charts` – the house chart style;
- :mod:`.cli` – the ``probation-evidence`` command.
"""


def _read_version() -> str:
    """The edition number, kept in one place: ``version`` in the ``[project]`` table of pyproject.toml.

    Read from the source tree when it is there (so a release changes nothing in the package's
    code), else from the installed package's metadata."""
    import re
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():
        table = ""
        for line in pyproject.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("["):
                table = stripped
            elif table == "[project]":
                found = re.match(r"""version\s*=\s*["']([^"']+)["']""", stripped)
                if found:
                    return found.group(1)
    from importlib.metadata import version

    return version("probation-evidence")


__version__ = _read_version()
