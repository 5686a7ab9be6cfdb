"""Accessibility thresholds the book holds itself to, in a module with no heavy imports, so that the
Sphinx extensions can state them on the accessibility page without loading pandas or matplotlib.
"""

from __future__ import annotations

#: WCAG 2.2 contrast for normal text (1.4.3, level AA). Charts are scaled to the reader's screen,
#: so all chart text is held to it, whatever its point size.
MIN_TEXT_CONTRAST = 4.5
