"""Sphinx step for the Downloads page: write the zip of the data package before the pages are read.

The zip (``book/_generated/probation-evidence-data.zip``, ignored by git) is rebuilt from ``data/``
(or from the folder in ``PROBATION_EVIDENCE_DATA``) whenever the book is built, byte-for-byte the
same when the data are; the Downloads page links it with the ``{download}`` role, which copies it
into the website.
"""

from __future__ import annotations

from pathlib import Path


def _write_data_zip(app):
    from probation_evidence import release_info

    release_info.write_data_zip(Path(app.srcdir))


def setup(app):
    app.connect("builder-inited", _write_data_zip)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
