"""One function per chart in the book, grouped by chapter (``figures.staffing``, ...).

The contract every figure function follows (tests check it for each one):

- it takes the chapter's loaded data (for example :class:`probation_evidence.staffing.StaffingData`)
  and returns a :class:`probation_evidence.charts.Figure`;
- the Figure carries the plotted data (saved as CSV for readers), a title that states the
  finding, a source line, the axis units, the alt text and the caption, all computed from
  the data: nothing in them is typed by hand, so new data cannot leave them stale;
- qualitative words in titles, alt text and captions come from :mod:`probation_evidence.rules`;
- lines break where a definition changes or a quarter is missing
  (:func:`probation_evidence.charts.plot_segments`), time axes tick at quarter ends
  (:func:`probation_evidence.charts.quarter_axis`), and the chart passes
  :func:`probation_evidence.charts.check_legible` (no overlapping labels, no legend over data).

A notebook shows a figure in one line, ``figures.staffing.po_pso_fte(data).show()``: that
writes ``chart-data/<name>.png`` and ``.csv`` beside the notebook and outputs a MyST
``{figure}`` directive, so the website and the PDF both number it and carry its caption,
the website its alt text, and ``{numref}`<name>``` works from any page.

To add a chapter's figures, create ``figures/<chapter>.py`` with functions like those in
:mod:`.staffing` and add its name to ``__all__`` below.
"""

import importlib
from types import ModuleType

__all__ = ["caseloads", "inspections", "staffing"]


def __getattr__(name: str) -> ModuleType:
    """Import a chapter's figure module when it is first used (``figures.staffing``), so a chapter
    does not pay for the statistics libraries that only another chapter's figures need."""
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
