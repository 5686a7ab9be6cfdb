"""Turn the text of an HM Inspectorate of Probation PDU inspection report into one row.

The input is the plain text of a Probation Delivery Unit (PDU) inspection report,
extracted from the published PDF or web page by any tool. Extractors disagree
about line breaks, hyphenation, quotes, spaces and page furniture, so the text is
first *flattened*: every run of whitespace becomes one space, quotes and dashes
are made plain, "per cent" becomes "%", a compound split at its hyphen by a line
wrap is rejoined, and running page headers and table borders are dropped.
Every pattern below is then matched against that single long line, so nothing
depends on where the extractor happened to wrap.

Two inspection frameworks are recognised, from the structure of the report (not
from its date):

* ``"2021"``: nine rated standards (1.1 Leadership, 1.2 Staff, 1.3 Services,
  1.4 Information and facilities, 2.1 Court work, 2.2 Assessment, 2.3 Planning,
  2.4 Implementation and delivery, 2.5 Reviewing) and a "Score N/27".
* ``"2024"``: seven PDU standards (1.1 Leadership, 1.2 Staffing, 1.3 Services,
  2.1 Assessment, 2.2 Planning, 2.3 Implementation and delivery, 2.4 Reviewing);
  court work is rated at regional level and there is no 27-point score.

The parser never invents a value: a column is either read from the text or named
in :attr:`IngestResult.missing`. Doubts (two different values for one column,
a score that does not match the ratings, ...) become :attr:`IngestResult.warnings`.

Key-question percentages are read only from a report's key-question table (a
question followed by its percentage), so a row with any of them also gets
``kq_source = "report_table"``, which the data validation requires of every row
with ``kq_`` values. Other percentages in a report (sub-question findings,
foreword figures) are not key-question scores and are not read into ``kq_``
columns; they belong in the ``inspection_headline_figures`` table. The column
``standards_inadequate_stated`` is never filled here: a report prints every
standard's rating, so the rating columns say it all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path

__all__ = [
    "COLUMNS",
    "RATINGS",
    "IngestError",
    "IngestResult",
    "expected_columns",
    "normalise_text",
    "parse_report",
    "parse_report_file",
]

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")

#: Columns of the PDU inspections table that an inspection report can fill, in table order.
COLUMNS: tuple[str, ...] = (
    "pdu",
    "fieldwork_start",
    "framework",
    "overall_rating",
    "score",
    "r_leadership",
    "r_staff",
    "r_services",
    "r_information_facilities",
    "r_court_work",
    "r_assessment",
    "r_planning",
    "r_implementation_delivery",
    "r_reviewing",
    "kq_assess_engaging",
    "kq_assess_desistance",
    "kq_assess_safety",
    "kq_plan_engaging",
    "kq_plan_desistance",
    "kq_plan_safety",
    "kq_impl_engaging",
    "kq_impl_desistance",
    "kq_impl_safety",
    "kq_review_engaging",
    "kq_review_desistance",
    "kq_review_safety",
    "kq_court_work",
    "kq_outcomes",
    "kq_source",
    "cases_inspected",
    "po_vacancy_pct",
    "pso_vacancy_pct",
    "overall_vacancy_pct",
    "court_vacancy_pct",
    "po_workload_pct",
    "pso_workload_pct",
    "caseload_avg_po",
    "caseload_avg_pso",
    "prioritisation_status",
    "practitioner_interviews",
    "pdu_caseload",
)

#: Columns a 2024-framework PDU report does not have: court work is rated regionally,
#: information and facilities is no longer a standard, there is no 27-point score.
#: Outcomes are not a PDU standard in the 2024 framework either (an outcomes
#: percentage is still recorded if a report happens to give one).
_NOT_IN_2024 = frozenset({"score", "r_information_facilities", "r_court_work", "kq_court_work", "kq_outcomes"})

#: Columns set from other columns rather than read from the text, so never "missing".
_DERIVED = frozenset({"kq_source"})

#: Points per rating in the 2021 framework's 27-point score.
_POINTS = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}

#: Standards scored in the 2021 framework (nine, so the maximum is 27).
_SCORED_2021 = tuple(c for c in COLUMNS if c.startswith("r_"))


class IngestError(Exception):
    """A report file could not be read (missing, unreadable, not UTF-8, or empty)."""


@dataclass
class IngestResult:
    """One inspection row parsed from a report.

    Attributes:
        row: column name -> value, only for the columns found (int, float or str).
        missing: expected columns of the detected framework not found, in column order.
        warnings: human-readable notes, e.g. inconsistent figures.
    """

    row: dict = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def expected_columns(framework: str | None) -> tuple[str, ...]:
    """Columns a report of ``framework`` should provide (all columns if unknown)."""
    if framework == "2024":
        return tuple(c for c in COLUMNS if c not in _NOT_IN_2024 and c not in _DERIVED)
    return tuple(c for c in COLUMNS if c not in _DERIVED)


# --------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------

# Characters that some extractors emit in place of plain ASCII punctuation.
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2022": " \u2022 ",  # keep bullets, but as separate tokens
        "|": " ",  # table-cell borders of Markdown/HTML conversions
        "\u00a6": " ",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)

# "57 per cent", "57 percent", "57 %" -> "57%".
_PER_CENT = re.compile(r"(?<=\d)\s*(?:per\s*cent|percent|%)(?![A-Za-z])", re.IGNORECASE)

# A compound split at its hyphen by a line wrap ("post-\ncustody" -> "post- custody"):
# rejoin it. A hyphen with space on both sides is a dash and is left alone.
_SPLIT_COMPOUND = re.compile(r"(?<=[A-Za-z])-\s+(?=[A-Za-z])")

# Running page header of the PDF reports, e.g.
# "Inspection of probation services: Leicester, Leicestershire, and Rutland PDU 14".
# The page number (1-3 digits, not followed by more of a number) is required, so the
# report's title is not removed.
_PAGE_HEADER = re.compile(r"\bInspection of probation services:\s+[^.?!:]{1,120}?\bPDU\s+\d{1,3}(?![\d,.%/])\s*")

# Heading furniture of the web (HTML) version of the reports.
_BACK_TO_TOP = re.compile(r"\(\s*Back to top\s*\)", re.IGNORECASE)


def normalise_text(text: str) -> str:
    """Flatten report text to one line of single-spaced, plain-punctuation text."""
    text = unicodedata.normalize("NFKC", text)  # no-break spaces, ligatures, full-width digits
    text = text.translate(_CHAR_MAP)
    text = " ".join(text.split())
    text = _SPLIT_COMPOUND.sub("-", text)
    text = _PER_CENT.sub("%", text)
    text = _BACK_TO_TOP.sub(" ", text)
    text = _PAGE_HEADER.sub(" ", text)
    return " ".join(text.split())


# --------------------------------------------------------------------------------------
# Collecting values
# --------------------------------------------------------------------------------------


class _Row:
    """Values found so far; the first value of a column wins, later different ones warn."""

    def __init__(self) -> None:
        self.values: dict[str, int | float | str] = {}
        self.warnings: list[str] = []

    def put(self, column: str, value: int | float | str, where: str = "") -> None:
        if column not in self.values:
            self.values[column] = value
        elif self.values[column] != value:
            place = f" ({where})" if where else ""
            self.warnings.append(
                f"{column}: the text also gives {value!r}{place}; kept the first value found, {self.values[column]!r}"
            )

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def _rating(word: str) -> str:
    """Canonical spelling of a rating matched case-insensitively."""
    lowered = " ".join(word.lower().split())
    for rating in RATINGS:
        if rating.lower() == lowered:
            return rating
    raise ValueError(word)  # unreachable: callers only pass matches of _RATING


def _number(digits: str) -> float:
    return float(digits.replace(",", ""))


# --------------------------------------------------------------------------------------
# Building blocks of the patterns
# --------------------------------------------------------------------------------------

_RATING = r"(?i:Outstanding|Good|Requires\s+improvement|Inadequate)"
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH = r"(?i:" + "|".join(_MONTHS) + r")"
# "28 November 2022", "2nd December 2022", "28 November" (year given later).
_DATE = rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})(?:,?\s+(\d{{4}}))?"
# A whole number with optional thousands separators; a footnote marker glued to the
# end ("15,3723" = 15,372 + note 3) is left behind by the grouping.
_INT = r"\d{1,3}(?:,\d{3})+(?!,\d)|\d+"
# A place name made of capitalised words and a few joining words, ending in "PDU".
_PDU_NAME = r"(?:[A-Z][\w'&-]*)(?:,?\s+(?:and|upon|on|in|the|of|&|[A-Z][\w'&-]*)){0,12}?\s+PDU\b"


# --------------------------------------------------------------------------------------
# PDU name and fieldwork date
# --------------------------------------------------------------------------------------

# Where the PDU name appears, best source first.
_PDU_PATTERNS = (
    # Ratings panel: "Ratings Leicester, Leicestershire and Rutland PDU Fieldwork started ..."
    re.compile(r"\bRatings\s+(?P<name>[A-Z][^.;:?!]{0,100}?\bPDU)\s+Fieldwork started"),
    # Title: "An inspection of probation services in Gwent PDU" / "...services: X PDU".
    re.compile(rf"\b[Aa]n inspection of probation services(?:\s+in|:)\s+(?P<name>{_PDU_NAME})"),
    # Recommendations: "X PDU should:".
    re.compile(rf"(?P<name>{_PDU_NAME})\s+should:"),
    # Background: "X PDU is one of six PDUs ...".
    re.compile(rf"(?P<name>{_PDU_NAME})\s+is one of\s+\w+\s+PDUs"),
)


def _find_pdu(flat: str, row: _Row) -> None:
    for pattern in _PDU_PATTERNS:
        match = pattern.search(flat)
        if match:
            row.put("pdu", match.group("name"))
            return


# "Fieldwork started November 2022" in the ratings panel.
_FIELDWORK_MONTH = re.compile(rf"\bFieldwork started:?\s+({_MONTH})\s+(\d{{4}})")

# "We conducted fieldwork in X between 28 November 2022 and 02 December 2022",
# "The fieldwork for this inspection started on 06 January 2020". The gap may not
# cross a full stop, so the dates of the inspected *sentences* are not taken.
_FIELDWORK_DATES = re.compile(
    r"\bfieldwork\b[^.]{0,200}?\b(?:between|from|beginning|commencing|"
    r"start(?:ed|ing)?(?:\s+on)?|began(?:\s+on)?)\s+" + _DATE + r"(?:\s+(?:and|to|until|-)\s+" + _DATE + r")?",
    re.IGNORECASE,
)


def _month_number(name: str) -> int:
    return _MONTHS.index(name.capitalize()) + 1


def _find_fieldwork(flat: str, row: _Row) -> None:
    """Prefer the exact first day of fieldwork; fall back to the month in the ratings panel."""
    month_match = _FIELDWORK_MONTH.search(flat)
    month_iso = None
    if month_match:
        month_iso = f"{int(month_match.group(2)):04d}-{_month_number(month_match.group(1)):02d}"

    dates = _FIELDWORK_DATES.search(flat)
    day_iso = _first_fieldwork_day(dates) if dates else None

    if day_iso:
        row.put("fieldwork_start", day_iso)
        if month_iso and not day_iso.startswith(month_iso):
            row.warn(
                f"fieldwork_start: the ratings panel says fieldwork started {month_iso}, "
                f"the background says {day_iso}; kept {day_iso}"
            )
    elif month_iso:
        row.put("fieldwork_start", month_iso)


def _first_fieldwork_day(match: re.Match[str]) -> str | None:
    """ISO date of the first day in a fieldwork-dates match, or None if it is not a date."""
    day, month, year, _end_day, end_month, end_year = match.groups()
    start_month = _month_number(month)
    if year is None:
        if end_year is None:
            return None
        # "28 December and 5 January 2023": the start is in the previous year.
        year = int(end_year) - (1 if end_month and start_month > _month_number(end_month) else 0)
    try:
        return date(int(year), start_month, int(day)).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------------------
# Ratings panel and score
# --------------------------------------------------------------------------------------

# Standard names as printed, mapped to their column. "Staffing" (2024) must be tried
# before "Staff" (2021).
_STANDARDS = {
    "Leadership": "r_leadership",
    "Staffing": "r_staff",
    "Staff": "r_staff",
    "Services": "r_services",
    "Information and facilities": "r_information_facilities",
    "Court work": "r_court_work",
    "Assessment": "r_assessment",
    "Planning": "r_planning",
    "Implementation and delivery": "r_implementation_delivery",
    "Reviewing": "r_reviewing",
}

# One line of the ratings panel: optional number ("1.2" or "1.2."), the standard's
# name with its capital letter, then straight away its rating ("1.2 Staff Inadequate";
# a colon or a "Rating:" label may sit between; table borders "|" are gone already).
# A section heading followed by its description ("1.2. Staff Staff are enabled ...")
# does not match, because the rating must follow the name directly.
_STANDARD_RATING = re.compile(
    r"(?:\b(?P<num>[12]\.[1-5])\.?\s+)?"
    r"(?<![\w-])(?P<name>" + "|".join(re.escape(n) for n in _STANDARDS) + r")"
    r"\d{0,2}:?\s*(?:[Rr]ating:?\s*)?'?(?P<rating>" + _RATING + r")\b"
)

# Overall rating: the ratings panel first, then the foreword's wording.
_OVERALL_PATTERNS = (
    re.compile(r"\bOverall rating\d{0,2}:?\s*'?(" + _RATING + r")\b"),
    re.compile(r"\boverall(?:\s+PDU)?\s+rating\s+of\s+'?(" + _RATING + r")\b", re.IGNORECASE),
    re.compile(r"\bOverall, we have rated (?:this|the) PDU as\s+'?(" + _RATING + r")\b"),
    re.compile(r"\bPDU (?:was|is|has been) rated (?:as\s+)?'(" + _RATING + r")' overall"),
)

# "Score 2/27", "scored 0 of 27 points".
_SCORE = re.compile(r"\bScored?\d{0,2}:?\s*(\d{1,2})\s*(?:/|out of|of)\s*27\b", re.IGNORECASE)


@dataclass
class _Panel:
    """How the ratings panel was printed: the number before each standard, and the
    label of the staffing standard ("Staff" in 2021, "Staffing" in 2024)."""

    numbers: dict[str, str] = field(default_factory=dict)
    staff_label: str | None = None


def _find_ratings(flat: str, row: _Row) -> _Panel:
    """Record the standards' ratings and describe the panel for framework detection."""
    panel = _Panel()
    for match in _STANDARD_RATING.finditer(flat):
        column = _STANDARDS[match.group("name")]
        row.put(column, _rating(match.group("rating")), "ratings")
        if match.group("num"):
            panel.numbers.setdefault(column, match.group("num"))
        if column == "r_staff" and panel.staff_label is None:
            panel.staff_label = match.group("name")
    return panel


def _find_overall(flat: str, row: _Row) -> None:
    for pattern in _OVERALL_PATTERNS:
        match = pattern.search(flat)
        if match:
            row.put("overall_rating", _rating(match.group(1)), "overall rating")


def _find_score(flat: str, row: _Row) -> None:
    for match in _SCORE.finditer(flat):
        score = int(match.group(1))
        if score > 27:
            row.warn(f"score: ignored an impossible score, {match.group(0)!r}")
            continue
        row.put("score", score, match.group(0))


# --------------------------------------------------------------------------------------
# Framework detection
# --------------------------------------------------------------------------------------


def _detect_framework(row: _Row, panel: _Panel) -> str | None:
    """Decide "2021" or "2024" from the report's structure; None if it shows neither."""
    numbers = panel.numbers
    evidence_2021 = [
        "score" in row.values,
        "r_information_facilities" in row.values,
        "r_court_work" in row.values,
        panel.staff_label == "Staff",
        numbers.get("r_assessment") == "2.2",
        numbers.get("r_reviewing") == "2.5",
    ]
    evidence_2024 = [
        panel.staff_label == "Staffing",
        numbers.get("r_assessment") == "2.1",
        numbers.get("r_reviewing") == "2.4",
    ]
    votes_2021, votes_2024 = sum(evidence_2021), sum(evidence_2024)
    if not votes_2021 and not votes_2024:
        return None
    if votes_2021 and votes_2024:
        chosen = "2021" if "score" in row.values or votes_2021 > votes_2024 else "2024"
        row.warn(
            f"framework: the report shows features of both frameworks "
            f"({votes_2021} of 2021, {votes_2024} of 2024); treated as {chosen}"
        )
        return chosen
    return "2021" if votes_2021 else "2024"


# --------------------------------------------------------------------------------------
# Key-question percentages
# --------------------------------------------------------------------------------------

# A key question and the first percentage after it. The question starts with its
# auxiliary verb and runs to the question mark without crossing a sentence end; up
# to 160 characters of anything but another question or percentage (table headings,
# footnote markers, page numbers) may sit between the question and its figure.
_KEY_QUESTION = re.compile(
    r"\b(?P<question>(?:Does|Do|Is|Are)\s[^?.!]{10,300}\?)"
    r"[^?%]{0,160}?(?<![\d.])(?P<pct>\d{1,3}(?:\.\d+)?)%"
)

# Which standard a key question belongs to, judged from its opening words.
_QUESTION_STANDARD = (
    (re.compile(r"^\w+\s+early outcomes|progress has been made", re.I), "outcomes"),
    (re.compile(r"pre-sentence|advice provided to (?:the )?court", re.I), "court"),
    (re.compile(r"^\w+\s+(?:the\s+)?(?:implementation|sentence or post-custody)|implemented", re.I), "impl"),
    (re.compile(r"^\w+\s+assessment\b", re.I), "assess"),
    (re.compile(r"^\w+\s+planning\b", re.I), "plan"),
    (re.compile(r"^\w+\s+reviewing\b", re.I), "review"),
)

# Which of the three areas a casework question is about; safety is tested first
# because "keeping other people safe" questions never mention desistance.
_QUESTION_AREA = (
    (re.compile(r"\bsafe\b|\bsafety\b|risk of harm", re.I), "safety"),
    (re.compile(r"desistance|reoffending|linked to offending", re.I), "desistance"),
    (re.compile(r"engag|compliance", re.I), "engaging"),
)


def _key_question_column(question: str) -> str | None:
    standard = next((s for p, s in _QUESTION_STANDARD if p.search(question)), None)
    if standard is None:
        return None
    if standard == "court":
        return "kq_court_work"
    if standard == "outcomes":
        return "kq_outcomes"
    area = next((a for p, a in _QUESTION_AREA if p.search(question)), None)
    return f"kq_{standard}_{area}" if area else None


def _find_key_questions(flat: str, row: _Row) -> None:
    for match in _KEY_QUESTION.finditer(flat):
        column = _key_question_column(match.group("question"))
        if column is None:
            continue
        value = float(match.group("pct"))
        if value > 100:
            row.warn(f"{column}: ignored an impossible percentage, {value}")
            continue
        row.put(column, value, "key question")
        row.put("kq_source", "report_table")


# --------------------------------------------------------------------------------------
# Counts: cases, interviews, caseload
# --------------------------------------------------------------------------------------

_COUNT_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    # "We inspected 102 cases"; not "... in the 96 cases inspected" (a subset).
    "cases_inspected": (re.compile(rf"\b[Ww]e (?:also )?inspected\s+(?:a total of\s+)?({_INT})\s+cases\b"),),
    # "79 interviews with probation practitioners", "interviewed 57 practitioners".
    "practitioner_interviews": (
        re.compile(rf"\b({_INT})\s+interviews with (?:probation )?practitioners\b", re.I),
        re.compile(rf"\binterviewed\s+({_INT})\s+(?:probation )?practitioners\b", re.I),
    ),
    # "this PDU's caseload accounting for 2,380 (15%)".
    "pdu_caseload": (
        re.compile(
            rf"\bPDU'?s (?:total )?caseload (?:accounting for|of|was|is|stood at|totalled)\s+"
            rf"(?:approximately\s+|around\s+|about\s+)?({_INT})(?!\s*%)"
        ),
    ),
}


def _find_counts(flat: str, row: _Row) -> None:
    for column, patterns in _COUNT_PATTERNS.items():
        for pattern in patterns:
            for match in pattern.finditer(flat):
                row.put(column, int(_number(match.group(1))), match.group(0))


# --------------------------------------------------------------------------------------
# Staffing figures: vacancies, workloads, average caseloads
# --------------------------------------------------------------------------------------

# Sentence ends (and bullet points) for splitting the flat text into sentences.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9'\"(\u2022])|\s\u2022\s")

# Staff groups named near a figure ("probation officer" does not match inside
# "probation services officer", so the two patterns do not overlap).
_GRADES = (
    ("pso", re.compile(r"\bPSOs?\b|probation services? officers?|\bband 3\b", re.I)),
    ("po", re.compile(r"\bPOs?\b|probation officers?|\bband 4\b", re.I)),
    ("court", re.compile(r"\bcourts?\b", re.I)),
    ("overall", re.compile(r"\boverall\b|all (?:staff|grades)|staff vacancy|for the PDU\b", re.I)),
)

_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d+)?)%")
# A plain number that is not a percentage, a year or part of a larger number.
_PLAIN_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d)?)(?![\d,%]|\.\d)(?!\s*%)")

_VACANCY_SENTENCE = re.compile(r"vacan", re.I)
_WORKLOAD_SENTENCE = re.compile(r"workload measurement|\bWMT\b|average workload", re.I)
_CASELOAD_SENTENCE = re.compile(r"\bcaseloads?\b", re.I)
_AVERAGE = re.compile(r"\baverage\b", re.I)


def _sentences(flat: str) -> Iterator[str]:
    for sentence in _SENTENCE_END.split(flat):
        sentence = sentence.strip(" \u2022")
        if sentence:
            yield sentence


def _grade_mentions(segment: str) -> list[tuple[int, int, str]]:
    """(start, end, grade) of every staff group named in ``segment``."""
    return sorted((m.start(), m.end(), grade) for grade, pattern in _GRADES for m in pattern.finditer(segment))


# "20% and 15% for PO and PSO grades respectively": pairing figures with groups by
# position would need more than proximity, so such sentences are left alone.
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)

# Words that make a figure a bound ("over 35 cases", "more than 60%"), not a value.
_BOUND_BEFORE = re.compile(r"(?:\bover|\bmore than|\babove|\bunder|\bless than|\bfewer than|\bup to|[<>])\s*$", re.I)


def _figures_by_grade(sentence: str, number: re.Pattern[str], row: _Row, what: str) -> Iterator[tuple[str, float]]:
    """Yield (grade, value) for each figure in ``sentence`` tied to a named staff group.

    The staff group named first in the words after a figure ("19% for Probation
    Officer grade") is taken; if none follows before the next figure, the one named
    last before it ("a vacancy rate at PO grade of 30%"). Bounds ("over 35 cases")
    are skipped with a warning; "respectively" sentences are skipped altogether.
    """
    if _RESPECTIVELY.search(sentence):
        return
    matches = list(number.finditer(sentence))
    for i, match in enumerate(matches):
        after_end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        before_start = matches[i - 1].end() if i else 0
        after = sentence[match.end() : after_end][:60]
        before = sentence[before_start : match.start()][-80:]
        following, preceding = _grade_mentions(after), _grade_mentions(before)
        if following:
            grade = following[0][2]
        elif preceding:
            grade = max(preceding, key=lambda mention: mention[1])[2]
        else:
            continue
        if _BOUND_BEFORE.search(before):
            row.warn(
                f"{what} for {grade}: {before.split()[-1]!r} {match.group(1)} is a bound, not a figure; not recorded"
            )
            continue
        yield grade, float(match.group(1))


def _find_staffing(flat: str, row: _Row) -> None:
    for sentence in _sentences(flat):
        if _VACANCY_SENTENCE.search(sentence):
            for grade, value in _figures_by_grade(sentence, _PERCENT, row, "vacancy rate"):
                if value <= 100:
                    row.put(f"{grade}_vacancy_pct", value, "vacancy rate")
        if _WORKLOAD_SENTENCE.search(sentence):
            for grade, value in _figures_by_grade(sentence, _PERCENT, row, "workload"):
                if grade in ("po", "pso"):
                    row.put(f"{grade}_workload_pct", value, "workload")
        if _CASELOAD_SENTENCE.search(sentence) and _AVERAGE.search(sentence):
            for grade, value in _figures_by_grade(sentence, _PLAIN_NUMBER, row, "average caseload"):
                if grade in ("po", "pso") and 0 < value <= 200:
                    row.put(f"caseload_avg_{grade}", value, "average caseload")


# --------------------------------------------------------------------------------------
# Prioritisation Framework status
# --------------------------------------------------------------------------------------

# "the PDU has been operating under 'red status'", "to operate as a 'red' site",
# "the PDU had been designated as 'amber'".
_STATUS = re.compile(
    r"\b(?:operat(?:e|es|ed|ing)\s+(?:under|as|at|on|with|in)"
    r"|(?:PDU|it)\s+(?:was|is|had been|has been)\s+(?:assessed|designated|rated|categorised|placed)"
    r"\s+(?:as|at|on|in))"
    r"\s+(?:an?\s+|the\s+)?['\"]?\s*(?P<status>red|amber|green)\b",
    re.IGNORECASE,
)
_PRIORITISATION_FRAMEWORK = re.compile(r"Prioriti[sz]ation Framework|\bPF\b", re.IGNORECASE)


def _find_prioritisation(flat: str, row: _Row) -> None:
    for match in _STATUS.finditer(flat):
        nearby = flat[max(0, match.start() - 300) : match.end() + 300]
        if _PRIORITISATION_FRAMEWORK.search(nearby):
            row.put("prioritisation_status", match.group("status").lower(), "Prioritisation Framework")


# --------------------------------------------------------------------------------------
# Cross-checks
# --------------------------------------------------------------------------------------

# Rating bands for a casework standard, applied to its lowest key-question score
# (minority < 50% Inadequate; too few 50-64% Requires improvement; reasonable majority
# 65-79% Good; large majority 80%+ Outstanding). Checked for the 2021 framework only.
_BANDS = ((80.0, "Outstanding"), (65.0, "Good"), (50.0, "Requires improvement"), (0.0, "Inadequate"))
_KQ_OF_STANDARD = {
    "r_court_work": ("kq_court_work",),
    "r_assessment": ("kq_assess_engaging", "kq_assess_desistance", "kq_assess_safety"),
    "r_planning": ("kq_plan_engaging", "kq_plan_desistance", "kq_plan_safety"),
    "r_implementation_delivery": ("kq_impl_engaging", "kq_impl_desistance", "kq_impl_safety"),
    "r_reviewing": ("kq_review_engaging", "kq_review_desistance", "kq_review_safety"),
}


def _check_score(values: dict, warnings: list[str]) -> None:
    """The 2021 score should be the sum of points of the nine ratings."""
    if "score" not in values:
        return
    absent = [c for c in _SCORED_2021 if c not in values]
    if absent:
        warnings.append(
            f"score: cannot check {values['score']}/27 against the ratings; "
            f"{len(absent)} of the nine ratings were not found"
        )
        return
    implied = sum(_POINTS[values[c]] for c in _SCORED_2021)
    if implied != values["score"]:
        warnings.append(
            f"score: the report says {values['score']}/27 but its nine ratings add up "
            f"to {implied} points (Outstanding 3, Good 2, Requires improvement 1, Inadequate 0)"
        )


def _check_bands(values: dict, warnings: list[str]) -> None:
    """A 2021 casework rating follows the lowest key-question percentage's band."""
    for standard, questions in _KQ_OF_STANDARD.items():
        if standard not in values or not all(q in values for q in questions):
            continue
        lowest = min(values[q] for q in questions)
        band = next(r for floor, r in _BANDS if lowest >= floor)
        if band != values[standard]:
            warnings.append(
                f"{standard}: rated {values[standard]!r} but its lowest key-question "
                f"score, {lowest:g}%, falls in the {band!r} band"
            )


def _drop_not_applicable(values: dict, warnings: list[str]) -> None:
    """In a 2024 report, figures for regional or retired standards are not the PDU's."""
    for column in ("score", "r_information_facilities", "r_court_work", "kq_court_work"):
        if column in values:
            warnings.append(
                f"{column}: found {values.pop(column)!r}, but the 2024 framework has no "
                f"such PDU figure (court work is rated regionally); not recorded"
            )


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------

_FINDERS: tuple[Callable[[str, _Row], None], ...] = (
    _find_pdu,
    _find_fieldwork,
    _find_overall,
    _find_score,
    _find_key_questions,
    _find_counts,
    _find_staffing,
    _find_prioritisation,
)

# Signs of an inspection report; without any of them the text is something else.
_REPORT_MARKERS = ("overall_rating", "score", *_SCORED_2021)


def parse_report(text: str) -> IngestResult:
    """Parse the text of a PDU inspection report into one inspection row.

    Never raises on odd input: whatever cannot be found is listed in ``missing``.
    """
    flat = normalise_text(text)
    row = _Row()
    panel = _find_ratings(flat, row)
    for finder in _FINDERS:
        finder(flat, row)

    framework = _detect_framework(row, panel)
    if framework:
        row.values["framework"] = framework
    if framework == "2024":
        _drop_not_applicable(row.values, row.warnings)
        if not any(c.startswith("kq_") and c != "kq_source" for c in row.values):
            row.values.pop("kq_source", None)  # only the dropped court-work figure came from the table
    else:
        _check_score(row.values, row.warnings)
        _check_bands(row.values, row.warnings)

    if not any(marker in row.values for marker in _REPORT_MARKERS):
        row.warn(
            "the text does not look like an HM Inspectorate of Probation PDU inspection report: no ratings were found"
        )

    ordered = {c: row.values[c] for c in COLUMNS if c in row.values}
    missing = [c for c in expected_columns(framework) if c not in ordered]
    return IngestResult(row=ordered, missing=missing, warnings=row.warnings)


def parse_report_file(path: str | PathLike[str]) -> IngestResult:
    """Read a UTF-8 report text file (a byte-order mark is accepted) and parse it.

    Raises:
        IngestError: the file cannot be read, is not UTF-8, or holds no text.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise IngestError(f"{path}: cannot read the report file ({reason})") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"{path}: not UTF-8 text (invalid byte at position {error.start}); convert the report text to UTF-8 first"
        ) from error
    if not text.strip():
        raise IngestError(f"{path}: the report file is empty")
    return parse_report(text)
