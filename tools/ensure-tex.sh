#!/usr/bin/env bash
# The PDF needs pdflatex, latexmk and a few LaTeX packages (Sphinx's own class, not jupyterBook.cls,
# so texlive-fonts-extra is not needed). Install them through apt only when something is missing.
set -euo pipefail
source "$(dirname "$0")/apt.sh"
need=()
command -v pdflatex >/dev/null 2>&1 || need+=(texlive-latex-recommended)
command -v latexmk  >/dev/null 2>&1 || need+=(latexmk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if command -v kpsewhich >/dev/null 2>&1; then
  for sty in fncychap.sty tgtermes.sty booktabs.sty capt-of.sty needspace.sty xurl.sty; do
    if [ -z "$(kpsewhich $sty)" ]; then need+=(texlive-latex-extra texlive-fonts-recommended tex-gyre); break; fi
  done
else
  need+=(texlive-latex-extra texlive-fonts-recommended tex-gyre)
fi
[ ${#need[@]} -eq 0 ] && exit 0
apt_install texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended tex-gyre latexmk poppler-utils
