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
__version__ = "0.1.0"
