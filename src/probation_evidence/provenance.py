"""Where each row's figures come from: primary pages, mirrors of official documents, or news and blogs.

Every table carries the address(es) of its sources in ``source_url`` (``url`` in the bibliography).
This module classifies each address by its host and each row by its best address:

* **primary**: at least one address is the publisher's own page: a ``gov.uk`` site (government
  departments, the inspectorate, councils), ``parliament.uk`` (Hansard, committee reports, written
  questions), the National Audit Office, or another publisher's own site listed in
  :data:`PRIMARY_HOSTS`;
* **mirror**: no primary address, but at least one third-party copy of an official document
  (:data:`MIRROR_HOSTS`: Parallel Parliament, TheyWorkForYou, Scribd, vLex, document-sharing sites);
* **secondary**: only news, blogs and other third-party reports (every other host).

The rule is deliberately mechanical, so that it can be checked (tables with a ``source_type``
column must agree with it; see ``validate``) and counted (:func:`coverage`, rendered on the
*About the data* page by :func:`coverage_md`).
"""

from __future__ import annotations

from urllib.parse import urlparse

__all__ = ["PRIMARY_HOSTS", "MIRROR_HOSTS", "CLASSES", "classify_address", "classify_row", "coverage", "coverage_md"]

#: Hosts (and their subdomains) that publish their own documents.
PRIMARY_HOSTS: tuple[str, ...] = (
    "gov.uk",  # departments, HMPPS statistics, the inspectorate, councils, the National Archives
    "parliament.uk",  # Hansard, committee reports, written questions
    "nao.org.uk",  # National Audit Office
    "hmppsintranet.org.uk",  # HMPPS's own staff pages
    "ojp.gov",  # US Department of Justice (CrimeSolutions)
)

#: Hosts (and their subdomains) that republish copies of official documents.
MIRROR_HOSTS: tuple[str, ...] = (
    "parallelparliament.co.uk",
    "theyworkforyou.com",
    "ukpol.co.uk",
    "opengovernment.network",
    "scribd.com",
    "vlex.co.uk",
    "fdocuments.net",
    "readkong.com",
    "docslib.org",
    "pdfslide.us",
    "vdocuments.net",
    "cupdf.com",
    "inspectorates-staging.bang-on.net",
    "library.vu.edu.pk",
    "now.sustainableactionnow.org",
)

#: Classes from best to worst.
CLASSES: tuple[str, ...] = ("primary", "mirror", "secondary")


def _host(address: str) -> str:
    host = urlparse(address.strip()).netloc.lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def _matches(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def classify_address(address: str) -> str:
    """``primary``, ``mirror`` or ``secondary`` for one address (see the module docstring)."""
    host = _host(address)
    if _matches(host, PRIMARY_HOSTS):
        return "primary"
    if _matches(host, MIRROR_HOSTS):
        return "mirror"
    return "secondary"


def classify_row(addresses: str | None) -> str | None:
    """The best class among the ``' ; '``-separated addresses of one row (None if there are none)."""
    if not addresses:
        return None
    found = {classify_address(a) for a in str(addresses).split(" ; ") if a.strip()}
    return next((c for c in CLASSES if c in found), None)


def _address_column(fields: list[str]) -> str | None:
    return next((c for c in ("source_url", "url") if c in fields), None)


def coverage(folder=None) -> list[dict]:
    """Rows per class for every table in the package that has source addresses, in package order.

    Each item: ``table``, ``rows``, ``primary``, ``mirror``, ``secondary`` (counts) and
    ``primary_share`` (percent of rows, None for an empty table).
    """
    from . import load  # imported here: load imports validate, which imports this module

    out = []
    for name in load.table_names(folder, include_optional=False):
        frame = load.load_table(name, folder)
        column = _address_column(list(frame.columns))
        if column is None:
            continue
        counts = dict.fromkeys(CLASSES, 0)
        for value in frame[column]:
            cls = classify_row(value)
            if cls is not None:
                counts[cls] += 1
        rows = len(frame)
        out.append(
            {"table": name, "rows": rows, **counts, "primary_share": (100 * counts["primary"] / rows) if rows else None}
        )
    return out


def coverage_md(folder=None) -> str:
    """Markdown table of :func:`coverage`, for the *About the data* page."""
    from .present import fmt_int, fmt_pct

    items = coverage(folder)
    total = {c: sum(i[c] for i in items) for c in ("rows", *CLASSES)}
    lines = ["| Table | Rows | Primary | Mirror | Secondary | Primary share |", "|---|---:|---:|---:|---:|---:|"]
    for item in items:
        share = "" if item["primary_share"] is None else fmt_pct(item["primary_share"], 0)
        lines.append(
            f"| `{item['table']}` | {fmt_int(item['rows'])} | {fmt_int(item['primary'])} | "
            f"{fmt_int(item['mirror'])} | {fmt_int(item['secondary'])} | {share} |"
        )
    share = fmt_pct(100 * total["primary"] / total["rows"], 0) if total["rows"] else ""
    lines.append(
        f"| All tables | {fmt_int(total['rows'])} | {fmt_int(total['primary'])} | {fmt_int(total['mirror'])} | "
        f"{fmt_int(total['secondary'])} | {share} |"
    )
    return "\n".join(lines) + "\n"
