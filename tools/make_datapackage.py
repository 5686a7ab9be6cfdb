"""Write data/datapackage.json: the machine-readable schema and data dictionary.

The descriptor is the single statement of every table's fields, types, units, allowed
values, keys, sources and licence, and it names the rules across columns or tables that
Table Schema cannot express (implemented in probation_evidence.validate.RULES). The package
validates against it and the book's data dictionary page is generated from it.

Optional tables (files a user may supply) are written to schemas/<name>.json instead of the
package, because a Data Package may not declare files that do not exist; the loader reads them
from there. Edit this script, run it, and commit data/datapackage.json and schemas/.
"""

from __future__ import annotations

import json
from pathlib import Path

OGL = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
OPL = {
    "name": "OPL-3.0",
    "title": "Open Parliament Licence v3.0",
    "path": "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/",
}
FACTS = (
    "Figures taken from third-party pages (news, blogs, copies of official documents) are "
    "facts reported with their source; no text from them is reproduced."
)

RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
PARTIAL_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
ISO_DATE_TEXT = "ISO 8601 date; reduced precision allowed (YYYY, YYYY-MM or YYYY-MM-DD) where the source gives no day"


def f(
    name,
    type_,
    description,
    *,
    unit=None,
    required=False,
    enum=None,
    minimum=None,
    maximum=None,
    pattern=None,
    partial_date=False,
    unique=False,
):
    field = {"name": name, "type": type_, "description": description}
    if unit:
        field["unit"] = unit
    constraints = {}
    if required:
        constraints["required"] = True
    if unique:
        constraints["unique"] = True
    if enum:
        constraints["enum"] = enum
    if minimum is not None:
        constraints["minimum"] = minimum
    if maximum is not None:
        constraints["maximum"] = maximum
    if partial_date:
        pattern = PARTIAL_DATE
        field["partialDate"] = True
        field["description"] += f" ({ISO_DATE_TEXT})."
    if pattern:
        constraints["pattern"] = pattern
    if constraints:
        field["constraints"] = constraints
    return field


def pct(name, description, **kw):
    return f(name, "number", description, unit="percent", minimum=0, maximum=100, **kw)


def url_field(required=True):
    return f(
        "source_url",
        "string",
        "Address(es) of the source(s) for this row, separated by ' ; '.",
        required=required,
        pattern=r"^https?://\S+( ; https?://\S+)*$",
    )


def notes_field():
    return f(
        "notes", "string", "What the source says, how a value was derived, caveats and disagreements between sources."
    )


SOURCE_TYPES = ["primary", "mirror", "secondary"]
SOURCE_TYPE_TEXT = (
    "primary = at least one address is the publisher's own page (gov.uk and other government sites, "
    "parliament.uk, the inspectorate, the National Audit Office, a council); mirror = only third-party copies "
    "of an official document (for example Parallel Parliament, Scribd, vLex); secondary = only news, blogs or other "
    "third-party reports. Checked against the addresses in source_url (see probation_evidence.provenance)."
)


def source_type_field():
    return f("source_type", "string", SOURCE_TYPE_TEXT, required=True, enum=SOURCE_TYPES)


def rule(rule_id, text):
    """A cross-field or cross-table rule, implemented in probation_evidence.validate (RULES)."""
    return {"id": rule_id, "description": text}


SOURCE_TYPE_RULE = rule(
    "source-type-matches-addresses",
    "source_type must agree with the addresses in source_url (primary if any is the publisher's own page, "
    "else mirror if any is a copy of an official document, else secondary).",
)


WORKFORCE_MEASURES = [
    "probation_service_fte",
    "po_fte",
    "pso_fte",
    "hmpps_total_fte",
    "po_leaving_rate_pct",
    "pso_leaving_rate_pct",
    "probation_service_leaving_rate_pct",
    "spo_leaving_rate_pct",
    "hmpps_leaving_rate_pct",
]
DEFINITIONS = [
    "pre2008_grade_groups",
    "probation_trusts",
    "nps_pre_unification",
    "nps_pre_unification_restated",
    "unified_pre_reclassification",
    "unified",
]

KQ = [
    ("kq_assess_engaging", "Assessment: does it focus sufficiently on engaging the person on probation?"),
    (
        "kq_assess_desistance",
        "Assessment: does it focus sufficiently on the factors linked to offending and desistance?",
    ),
    ("kq_assess_safety", "Assessment: does it focus sufficiently on keeping other people safe?"),
    ("kq_plan_engaging", "Planning: does it focus sufficiently on engaging the person on probation?"),
    ("kq_plan_desistance", "Planning: does it focus sufficiently on reducing reoffending and supporting desistance?"),
    ("kq_plan_safety", "Planning: does it focus sufficiently on keeping other people safe?"),
    (
        "kq_impl_engaging",
        "Implementation and delivery: is the sentence implemented effectively with a focus on engaging the person?",
    ),
    ("kq_impl_desistance", "Implementation and delivery: do services effectively support desistance?"),
    ("kq_impl_safety", "Implementation and delivery: do services effectively support the safety of other people?"),
    ("kq_review_engaging", "Reviewing: does it focus sufficiently on supporting compliance and engagement?"),
    ("kq_review_desistance", "Reviewing: does it focus sufficiently on supporting desistance?"),
    ("kq_review_safety", "Reviewing: does it focus sufficiently on keeping other people safe?"),
    ("kq_court_work", "Court work (2021 framework): is pre-sentence advice sufficiently analytical and personalised?"),
    ("kq_outcomes", "Outcomes (not rated): do early outcomes show reasonable progress?"),
]
STANDARDS = [
    ("r_leadership", "Leadership (standard 1.1)"),
    ("r_staff", "Staff (2021 framework, 1.2) / Staffing (2024 framework)"),
    ("r_services", "Services (1.3)"),
    ("r_information_facilities", "Information and facilities (1.4; 2021 framework only)"),
    ("r_court_work", "Court work (2.1; rated at PDU level in the 2021 framework only)"),
    ("r_assessment", "Assessment (2.2)"),
    ("r_planning", "Planning (2.3)"),
    ("r_implementation_delivery", "Implementation and delivery (2.4)"),
    ("r_reviewing", "Reviewing (2.5)"),
]


def resources():
    yield {
        "name": "workforce_quarterly",
        "path": "workforce_quarterly.csv",
        "title": "HMPPS probation workforce, national, quarterly, by vintage",
        "description": (
            "One row per reference date, measure and vintage (the statistics release a figure was published in). "
            "Revised figures sit beside first-published ones; the 'latest' series takes the newest vintage for "
            "each date and measure. Band 4 = probation officers (PO), band 3 = probation services officers (PSO). "
            "Leaving rates are for the 12 months to the reference date."
        ),
        "licenses": [OGL, OPL],
        "sources": [
            {
                "title": "HMPPS workforce quarterly statistics (Ministry of Justice)",
                "path": "https://www.gov.uk/government/collections/national-offender-management-service-workforce-statistics",
            },
            {"title": "Hansard and parliamentary written answers", "path": "https://hansard.parliament.uk/"},
        ],
        "schema": {
            "fields": [
                f(
                    "date",
                    "date",
                    "Reference date of the figure (quarter end, or financial year end for annual series).",
                    required=True,
                ),
                f(
                    "measure",
                    "string",
                    "What is measured: *_fte = full-time equivalent staff in post; *_leaving_rate_pct = leavers in "
                    "the 12 months to the date as a percentage of average staff in post.",
                    required=True,
                    enum=WORKFORCE_MEASURES,
                ),
                f("value", "number", "The figure (FTE, or percent for leaving rates).", required=True, minimum=0),
                f(
                    "vintage",
                    "string",
                    "The statistics release the figure comes from: its reference date for HMPPS quarterly bulletins "
                    "(sources quoting a bulletin take that bulletin's date), otherwise the source's publication date",
                    required=True,
                    partial_date=True,
                ),
                f("publication", "string", "Name of the publication the figure was read from.", required=True),
                f(
                    "derivation",
                    "string",
                    "direct = printed in the source; derived = computed "
                    "from a stated change in the source (see notes).",
                    required=True,
                    enum=["direct", "derived"],
                ),
                f(
                    "definition",
                    "string",
                    "Coverage and definition: pre2008_grade_groups (local probation areas, old grade "
                    "groupings, not comparable with bands); probation_trusts (2011-2012 trusts); "
                    "nps_pre_unification (National Probation Service only, as published at the time); "
                    "nps_pre_unification_restated (NPS only, restated later on the post-2022 basis); "
                    "unified_pre_reclassification (unified service, Probation Service total before the "
                    "2022 reclassification); unified (Probation Service after unification on 26 June 2021).",
                    required=True,
                    enum=DEFINITIONS,
                ),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["date", "measure", "vintage"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "workforce_stated_changes",
        "path": "workforce_stated_changes.csv",
        "title": "Changes stated in the text of workforce bulletins",
        "description": (
            "Each change a bulletin states in words (for example '+359 FTE (7.0%) since 30 June 2024'). "
            "Used by the tests and the staffing chapter to prove that the series reproduces what each bulletin says."
        ),
        "licenses": [OGL, OPL],
        "sources": [
            {
                "title": "HMPPS workforce quarterly statistics (Ministry of Justice)",
                "path": "https://www.gov.uk/government/collections/national-offender-management-service-workforce-statistics",
            }
        ],
        "schema": {
            "fields": [
                f("statement_id", "string", "Identifier: bulletin date, measure and comparison date.", required=True),
                f("bulletin_date", "date", "Reference date of the bulletin making the statement.", required=True),
                f(
                    "measure",
                    "string",
                    "Measure the change refers to (names as in workforce_quarterly where the same).",
                    required=True,
                    enum=[*WORKFORCE_MEASURES, "pso_joiners_12m", "pso_leavers_12m", "probation_caseload"],
                ),
                f(
                    "unit",
                    "string",
                    "Unit of stated_change.",
                    required=True,
                    enum=["FTE", "percentage points", "headcount", "people"],
                ),
                f(
                    "stated_change",
                    "number",
                    "Change stated in the bulletin (FTE, headcount or percentage points; negative = fall).",
                ),
                f(
                    "stated_change_pct",
                    "number",
                    "Percentage change stated in the bulletin (negative = fall).",
                    unit="percent",
                    minimum=-100,
                    maximum=1000,
                ),
                f(
                    "comparison_date",
                    "date",
                    "The earlier date the change is measured from; blank "
                    "where the copy of the bulletin held does not give it.",
                ),
                f(
                    "direction_stated",
                    "boolean",
                    "false where the bulletin gives the size of a change but not its direction.",
                    required=True,
                ),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["statement_id"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "probation_caseload",
        "path": "probation_caseload.csv",
        "title": "People under Probation Service supervision (totals)",
        "description": (
            "Total people supervised by probation (court orders and pre- and post-release supervision combined). "
            "The split into court orders and pre- and post-release supervision is not yet collected."
        ),
        "licenses": [OGL, OPL],
        "sources": [
            {
                "title": "Offender Management Statistics quarterly (Ministry of Justice)",
                "path": "https://www.gov.uk/government/collections/offender-management-statistics-quarterly",
            }
        ],
        "schema": {
            "fields": [
                f("date", "date", "Reference date (see date_basis).", required=True, unique=True),
                f(
                    "people_supervised",
                    "integer",
                    "People under probation supervision.",
                    unit="people",
                    required=True,
                    minimum=0,
                ),
                f(
                    "date_basis",
                    "string",
                    "How the date was fixed: quarter_end, year_end, year_end_assumed, publication_date (reference "
                    "date not stated), reference_date_not_stated.",
                    required=True,
                    enum=[
                        "quarter_end",
                        "year_end",
                        "year_end_assumed",
                        "publication_date",
                        "reference_date_not_stated",
                    ],
                ),
                f("approximate", "boolean", "true where the source rounds ('approximately 224,000').", required=True),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["date"],
            "missingValues": [""],
        },
    }
    pdu_fields = [
        f(
            "inspection_id",
            "string",
            "Stable identifier: pdu_id and the year of publication (or of fieldwork where publication is not known).",
            required=True,
            pattern=r"^[a-z0-9-]+-\d{4}$",
        ),
        f(
            "pdu_id",
            "string",
            "Stable PDU identifier (see pdus.csv for names used over time).",
            required=True,
            pattern=r"^[a-z0-9-]+$",
        ),
        f("pdu", "string", "PDU name as given in the report.", required=True),
        f("region", "string", "Probation region.", required=True),
        f("fieldwork_start", "string", "Start of inspection fieldwork", partial_date=True),
        f("published", "string", "Publication date of the report", partial_date=True),
        f(
            "framework",
            "string",
            "Inspection framework: 2021 = nine rated standards scored out of 27; 2024 = seven PDU standards (court "
            "work rated at regional level), no 27-point score.",
            required=True,
            enum=["2021", "2024"],
        ),
        f("overall_rating", "string", "Overall rating.", required=True, enum=RATINGS),
        f(
            "score",
            "integer",
            "Score out of 27 (2021 framework only): Outstanding 3, Good "
            "2, Requires improvement 1, Inadequate 0 points per standard.",
            unit="points out of 27",
            minimum=0,
            maximum=27,
        ),
    ]
    pdu_fields += [f(n, "string", f"Rating for {d}.", enum=RATINGS) for n, d in STANDARDS]
    pdu_fields += [
        f(
            "standards_inadequate_stated",
            "integer",
            "Number of standards a source says were rated Inadequate where it does not say which (for example "
            "'Inadequate in six of seven standards'); blank where every rating is known or no count is stated. "
            "The rating columns hold only the ratings that are named.",
            unit="standards",
            minimum=0,
            maximum=9,
        )
    ]
    pdu_fields += [
        pct(
            n,
            f"Percentage of inspected cases judged sufficient on this key question, from the report's key-question "
            f"table only. {d}",
        )
        for n, d in KQ
    ]
    pdu_fields += [
        f(
            "kq_source",
            "string",
            "Where the kq_ percentages were read: report_table = the key-question table of the inspection report; "
            "data_annexe = the report's data annexe. Required when any kq_ column has a value; percentages from a "
            "foreword, press release or news story belong in inspection_headline_figures, not here.",
            enum=["report_table", "data_annexe"],
        )
    ]
    pdu_fields += [
        f("cases_inspected", "integer", "Number of cases inspected.", unit="cases", minimum=1),
        f(
            "practitioner_interviews",
            "integer",
            "Number of probation practitioners interviewed.",
            unit="people",
            minimum=0,
        ),
        f("pdu_caseload", "integer", "PDU caseload at the time of the inspection.", unit="people", minimum=0),
        pct("po_vacancy_pct", "Probation officer (band 4) vacancy rate."),
        pct("pso_vacancy_pct", "Probation services officer (band 3) vacancy rate."),
        pct(
            "overall_vacancy_pct",
            "Vacancy rate across all staff (or practitioners where the source says so; see notes).",
        ),
        pct("court_vacancy_pct", "Vacancy rate in the court team."),
        f(
            "po_workload_pct",
            "number",
            "Average workload of probation officers on the Workload Measurement Tool (100 = capacity).",
            unit="percent of capacity",
            minimum=0,
            maximum=400,
        ),
        f(
            "pso_workload_pct",
            "number",
            "Average workload of PSOs on the Workload Measurement Tool.",
            unit="percent of capacity",
            minimum=0,
            maximum=400,
        ),
        f("caseload_avg_po", "number", "Average cases per probation officer.", unit="cases", minimum=0, maximum=500),
        f("caseload_avg_pso", "number", "Average cases per PSO.", unit="cases", minimum=0, maximum=500),
        f(
            "prioritisation_status",
            "string",
            "Prioritisation Framework status stated in the report.",
            enum=["red", "amber", "green"],
        ),
        url_field(),
        notes_field(),
    ]
    yield {
        "name": "pdu_inspections",
        "path": "pdu_inspections.csv",
        "title": "HM Inspectorate of Probation inspections of Probation Delivery Units",
        "description": (
            "One row per published PDU inspection since unification (June 2021). Blank = not published or not yet "
            "collected, never zero. Key-question (kq_) columns hold only the percentages of a report's key-question "
            "table (kq_source says which): shares of inspected cases judged sufficient. Other percentages from "
            "forewords, press releases and news are in inspection_headline_figures."
        ),
        "licenses": [OGL],
        "sources": [
            {
                "title": "HM Inspectorate of Probation inspection reports and press releases",
                "path": "https://hmiprobation.justiceinspectorates.gov.uk/",
            }
        ],
        "schema": {
            "fields": pdu_fields,
            "primaryKey": ["inspection_id"],
            "missingValues": [""],
            "foreignKeys": [{"fields": ["pdu_id"], "reference": {"resource": "pdus", "fields": ["pdu_id"]}}],
        },
        "rules": [
            rule(
                "kq-needs-report-source",
                "A row with any kq_ value names its kq_source, and its "
                "source_url includes an address on the inspectorate's site.",
            ),
            rule("kq-source-needs-kq", "kq_source is blank when no kq_ column has a value."),
            rule(
                "inadequate-count-consistent",
                "standards_inadequate_stated is at least the number of rating columns rated Inadequate, at most the "
                "framework's number of standards (nine in 2021, seven in 2024) less those rated otherwise, and blank "
                "when every standard of the framework is rated.",
            ),
        ],
    }
    yield {
        "name": "inspection_headline_figures",
        "path": "inspection_headline_figures.csv",
        "title": "Other figures published about PDU inspections (forewords, press releases, news)",
        "description": (
            "Percentages and counts about an inspection's casework or staffing that are not key-question scores: "
            "sub-question findings, figures from a report's foreword or press release, or news reports of them. "
            "Each is kept with the measure's wording and its denominator where stated, so that no analysis mixes "
            "them with the key-question columns of pdu_inspections."
        ),
        "licenses": [OGL],
        "sources": [
            {
                "title": "HM Inspectorate of Probation inspection reports "
                "and press releases; news reports (marked secondary)",
                "path": "https://hmiprobation.justiceinspectorates.gov.uk/",
            }
        ],
        "schema": {
            "fields": [
                f(
                    "inspection_id",
                    "string",
                    "Inspection (pdu_inspections.inspection_id).",
                    required=True,
                    pattern=r"^[a-z0-9-]+-\d{4}$",
                ),
                f(
                    "measure",
                    "string",
                    "What the figure measures, in the source's words where wording is 'quoted'.",
                    required=True,
                ),
                f(
                    "wording",
                    "string",
                    "quoted = measure reproduces the source's words; paraphrased = the source's exact words are not "
                    "held and measure summarises them.",
                    required=True,
                    enum=["quoted", "paraphrased"],
                ),
                f(
                    "stage",
                    "string",
                    "Stage of casework the figure is about (case_management = across all stages; organisation = "
                    "staffing, leadership or services).",
                    required=True,
                    enum=[
                        "assessment",
                        "planning",
                        "implementation_delivery",
                        "reviewing",
                        "court_work",
                        "outcomes",
                        "case_management",
                        "organisation",
                    ],
                ),
                f(
                    "aim",
                    "string",
                    "Aim the figure is about: engaging the person, desistance, keeping other people safe, or other.",
                    required=True,
                    enum=["engaging", "desistance", "safety", "other"],
                ),
                f(
                    "value",
                    "number",
                    "The figure: a percentage, or a count of cases out of denominator.",
                    required=True,
                    minimum=0,
                ),
                f(
                    "unit",
                    "string",
                    "percent, or cases (a count out of denominator).",
                    required=True,
                    enum=["percent", "cases"],
                ),
                f(
                    "denominator",
                    "integer",
                    "Number of cases the figure is out of, where stated (required when unit is cases).",
                    unit="cases",
                    minimum=1,
                ),
                source_type_field(),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["inspection_id", "measure"],
            "missingValues": [""],
            "foreignKeys": [
                {"fields": ["inspection_id"], "reference": {"resource": "pdu_inspections", "fields": ["inspection_id"]}}
            ],
        },
        "rules": [
            SOURCE_TYPE_RULE,
            rule(
                "headline-value-in-range",
                "A percent is at most 100; a count of cases has a denominator, "
                "is a whole number and is at most the denominator.",
            ),
            rule(
                "headline-not-a-kq-duplicate",
                "A percentage whose stage and aim correspond to a key question never equals that inspection's kq_ "
                "value for the same key question: a figure is either a key-question score (pdu_inspections) or a "
                "headline figure (here), never both.",
            ),
        ],
    }
    yield {
        "name": "pdus",
        "path": "pdus.csv",
        "title": "Probation Delivery Units: identifiers and names",
        "description": "Crosswalk from the stable pdu_id to the PDU's current name and other names used in reports.",
        "licenses": [OGL],
        "sources": [
            {
                "title": "HM Inspectorate of Probation reports",
                "path": "https://hmiprobation.justiceinspectorates.gov.uk/",
            }
        ],
        "schema": {
            "fields": [
                f("pdu_id", "string", "Stable PDU identifier.", required=True, unique=True, pattern=r"^[a-z0-9-]+$"),
                f("pdu_name", "string", "Current name.", required=True),
                f("region", "string", "Probation region.", required=True),
                f("other_names", "string", "Other names used in reports, separated by ' ; '."),
            ],
            "primaryKey": ["pdu_id"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "regional_inspections",
        "path": "regional_inspections.csv",
        "title": "HM Inspectorate of Probation regional inspections (2024 framework)",
        "description": "Ratings of probation regions; from 2024 court work "
        "and some services are inspected at regional level.",
        "licenses": [OGL],
        "sources": [
            {"title": "HM Inspectorate of Probation", "path": "https://hmiprobation.justiceinspectorates.gov.uk/"}
        ],
        "schema": {
            "fields": [
                f("region", "string", "Probation region.", required=True),
                f("fieldwork_start", "string", "Start of fieldwork", partial_date=True),
                f("published", "string", "Publication date", partial_date=True),
                f(
                    "framework",
                    "string",
                    "2024 = regional inspection under the 2024 framework; dipp = Dynamic Inspection of Public "
                    "Protection (from October 2025; no overall rating).",
                    required=True,
                    enum=["2021", "2024", "dipp"],
                ),
                f("overall_rating", "string", "Overall rating.", enum=RATINGS),
                f("ratings_by_standard", "string", "Standard ratings as stated (standard=rating; ...)."),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["region", "framework"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "provider_inspections",
        "path": "provider_inspections.csv",
        "title": "Inspections of CRCs and NPS divisions, 2018-2021",
        "description": (
            "HM Inspectorate of Probation's inspections of the 21 Community Rehabilitation Companies (CRCs) and 7 "
            "National Probation Service (NPS) divisions before unification. Overall rating blank where the report did "
            "not give one or the source did not state it."
        ),
        "licenses": [OGL],
        "sources": [
            {
                "title": "HM Inspectorate of Probation inspection reports and press releases",
                "path": "https://www.justiceinspectorates.gov.uk/hmiprobation/",
            }
        ],
        "schema": {
            "fields": [
                f(
                    "inspection_id",
                    "string",
                    "Identifier: organisation and round.",
                    required=True,
                    pattern=r"^[a-z0-9-]+$",
                ),
                f("org_name", "string", "Organisation inspected.", required=True),
                f(
                    "org_type",
                    "string",
                    "CRC (privately owned Community Rehabilitation Company) or NPS (public-sector division).",
                    required=True,
                    enum=["CRC", "NPS"],
                ),
                f("owner", "string", "Owner or operator at the time."),
                f(
                    "inspection_round",
                    "string",
                    "Round: 2018-19 (first), 2019-20 (second, cut short by Covid-19), 2021 (pre-unification).",
                    required=True,
                    enum=["2018-19", "2019-20", "2021"],
                ),
                f("fieldwork_start", "string", "Start of fieldwork", partial_date=True),
                f("published", "string", "Publication date", partial_date=True),
                f("overall_rating", "string", "Overall rating.", enum=RATINGS),
                f("standard_ratings", "string", "Standard ratings as stated in the sources (standard=rating; ...)."),
                f("caseload_facts", "string", "What the source says about caseloads, workloads and staffing."),
                f(
                    "people_supervised",
                    "integer",
                    "People supervised by the organisation at inspection (see people_supervised_bound).",
                    unit="people",
                    minimum=0,
                ),
                f(
                    "people_supervised_bound",
                    "string",
                    "Whether people_supervised is exact or a bound stated in words ('more than', 'nearly').",
                    enum=["exact", "lower", "upper", "approximate"],
                ),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["inspection_id"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "regions",
        "path": "regions.csv",
        "title": "Probation regions and the number of PDUs in each",
        "description": (
            "The twelve probation regions (eleven in England, one in Wales) and the "
            "number of PDUs a source states for each. No source collected so far "
            "states the national total, so the coverage statement counts what is known."
        ),
        "licenses": [OGL],
        "sources": [
            {
                "title": "HM Inspectorate of Probation and local authority papers",
                "path": "https://hmiprobation.justiceinspectorates.gov.uk/",
            }
        ],
        "schema": {
            "fields": [
                f("region", "string", "Probation region.", required=True, unique=True),
                f(
                    "pdus_stated",
                    "integer",
                    "Number of PDUs in the region as stated by the source (blank: not found).",
                    unit="PDUs",
                    minimum=1,
                    maximum=30,
                ),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["region"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "regional_staffing",
        "path": "regional_staffing.csv",
        "title": "Staffing, vacancies and workloads by probation region",
        "description": (
            "Regional figures wherever they are published: vacancies and staff in post from parliamentary written "
            "answers, staffing against target and average caseloads from the inspectorate's regional reports. One row "
            "per region, measure, grade, reference date and vintage (the date the source was published). Figures on "
            "different bases (FTE, headcount, basis not stated) are kept apart by unit and never added together."
        ),
        "licenses": [OGL, OPL],
        "sources": [
            {"title": "Parliamentary written answers", "path": "https://questions-statements.parliament.uk/"},
            {
                "title": "HM Inspectorate of Probation regional inspection reports",
                "path": "https://hmiprobation.justiceinspectorates.gov.uk/",
            },
        ],
        "schema": {
            "fields": [
                f("region", "string", "Probation region (regions.region).", required=True),
                f(
                    "measure",
                    "string",
                    "vacancies = posts vacant; staffing_pct_of_target = staff in post as a percentage of the target "
                    "staffing level; staff_in_post; leaving_rate_pct = leavers in the 12 months to the date as a "
                    "percentage of average staff in post; leavers = people who left in the period; "
                    "average_caseload = cases per practitioner; wmt_average_pct = average Workload Measurement Tool "
                    "percentage of capacity.",
                    required=True,
                    enum=[
                        "vacancies",
                        "staffing_pct_of_target",
                        "staff_in_post",
                        "leaving_rate_pct",
                        "leavers",
                        "average_caseload",
                        "wmt_average_pct",
                    ],
                ),
                f(
                    "grade",
                    "string",
                    "Staff group the figure covers.",
                    required=True,
                    enum=[
                        "all_grades",
                        "probation_officer",
                        "probation_services_officer",
                        "trainee_probation_officer",
                        "senior_probation_officer",
                    ],
                ),
                f(
                    "date",
                    "string",
                    "Reference date of the figure, or end of the period it covers",
                    required=True,
                    partial_date=True,
                ),
                f("value", "number", "The figure.", required=True, minimum=0),
                f(
                    "unit",
                    "string",
                    "Unit: FTE (full-time equivalent), headcount, people (the source does not say whether FTE or "
                    "headcount), percent, or cases.",
                    required=True,
                    enum=["FTE", "headcount", "people", "percent", "cases"],
                ),
                f(
                    "value_bound",
                    "string",
                    "exact, approximate ('about 500'), lower ('over') or upper ('just under').",
                    required=True,
                    enum=["exact", "approximate", "lower", "upper"],
                ),
                f(
                    "vintage",
                    "string",
                    "Publication date of the source (the answer, report or article)",
                    required=True,
                    partial_date=True,
                ),
                source_type_field(),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["region", "measure", "grade", "date", "vintage"],
            "missingValues": [""],
            "foreignKeys": [{"fields": ["region"], "reference": {"resource": "regions", "fields": ["region"]}}],
        },
        "rules": [
            SOURCE_TYPE_RULE,
            rule(
                "regional-unit-fits-measure",
                "Percent measures (staffing_pct_of_target, leaving_rate_pct, wmt_average_pct) are in percent and at "
                "most 100 (400 for the workload tool); counts (vacancies, staff_in_post, leavers) are in FTE, "
                "headcount or people; average_caseload is in cases.",
            ),
        ],
    }
    yield {
        "name": "local_facts",
        "path": "local_facts.csv",
        "title": "Local figures for two PDUs from local authority papers and an inspection report",
        "description": (
            "Staffing and workload figures for Leicester, Leicestershire and Rutland PDU and Lewisham and Bromley PDU "
            "from local authority papers and the 2022 inspection report. Local, often unvalidated figures: they "
            "illustrate, they do not measure the national picture."
        ),
        "licenses": [OGL],
        "sources": [
            {
                "title": "Local authority committee papers; HM Inspectorate of Probation",
                "path": "https://hmiprobation.justiceinspectorates.gov.uk/",
            }
        ],
        "schema": {
            "fields": [
                f("pdu_id", "string", "PDU identifier.", required=True),
                f("date", "string", "Reference date", required=True, partial_date=True),
                f("measure", "string", "What the figure is.", required=True, pattern=r"^[a-z0-9_]+$"),
                f("value", "number", "The figure.", required=True),
                f("unit", "string", "Unit.", required=True),
                f(
                    "value_bound",
                    "string",
                    "exact, approximate, lower ('over 35') or upper.",
                    required=True,
                    enum=["exact", "approximate", "lower", "upper"],
                ),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["pdu_id", "date", "measure"],
            "missingValues": [""],
            "foreignKeys": [{"fields": ["pdu_id"], "reference": {"resource": "pdus", "fields": ["pdu_id"]}}],
        },
    }
    yield {
        "name": "events",
        "path": "events.csv",
        "title": "Events, targets and policies used to annotate the charts",
        "description": "Dated events (unification, early-release schemes) "
        "and government targets, each with its source.",
        "licenses": [OGL, OPL],
        "sources": [{"title": "Mixed; see source_url per row", "path": "https://www.gov.uk/"}],
        "schema": {
            "fields": [
                f("date", "date", "Date of the event (or end of the period a target refers to).", required=True),
                f("event", "string", "Short description.", required=True),
                f(
                    "kind",
                    "string",
                    "structure, policy, target or recommendation.",
                    required=True,
                    enum=["structure", "policy", "target", "recommendation"],
                ),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["date", "event"],
            "missingValues": [""],
        },
    }
    bound_enum = ["exact", "approximate", "lower", "upper", "not_stated", "direction_only"]
    yield {
        "name": "caseload_distribution",
        "path": "caseload_distribution.csv",
        "title": "Distribution of practitioner caseloads and workloads (CRC and NPS, 2018-2020)",
        "description": "Share of practitioners above or below a caseload "
        "(cases) or workload (WMT percent of capacity) threshold.",
        "licenses": [OGL],
        "sources": [{"title": "See evidence_sources.csv (source_id)", "path": "evidence_sources.csv"}],
        "schema": {
            "fields": [
                f(
                    "source_id",
                    "string",
                    "Source identifier (evidence_sources.csv).",
                    required=True,
                    pattern=r"^S\d{2}$",
                ),
                f("provider", "string", "CRC or NPS.", required=True, enum=["CRC", "NPS"]),
                f(
                    "measure_type",
                    "string",
                    "caseload = number of cases; wmt_pct_capacity = Workload Measurement Tool percentage of capacity.",
                    required=True,
                    enum=["caseload", "wmt_pct_capacity"],
                ),
                f("band", "string", "Band as published.", required=True),
                f("band_low", "number", "Lowest value in the band (inclusive)."),
                f("band_high", "number", "Highest value in the band (inclusive)."),
                pct("pct", "Share of the population in the band."),
                f(
                    "pct_bound",
                    "string",
                    "exact, approximate ('two thirds'), upper ('nearly'), lower, not_stated.",
                    required=True,
                    enum=bound_enum,
                ),
                f("population", "string", "Who the percentage is of.", required=True),
                f("period", "string", "Period the figure refers to.", required=True),
                url_field(),
                f("locator", "string", "Where in the source."),
                notes_field(),
            ],
            "primaryKey": ["source_id", "provider", "measure_type", "band"],
            "missingValues": [""],
            "foreignKeys": [
                {"fields": ["source_id"], "reference": {"resource": "evidence_sources", "fields": ["source_id"]}}
            ],
        },
    }
    yield {
        "name": "caseload_facts",
        "path": "caseload_facts.csv",
        "title": "Evidence on caseloads and quality: published figures",
        "description": "Single figures from the inspectorate's caseload research, the rapid evidence assessment, "
        "parliamentary answers and related sources.",
        "licenses": [OGL, OPL],
        "sources": [{"title": "See evidence_sources.csv (source_id)", "path": "evidence_sources.csv"}],
        "schema": {
            "fields": [
                f(
                    "source_id",
                    "string",
                    "Source identifier (evidence_sources.csv).",
                    required=True,
                    pattern=r"^S\d{2}$",
                ),
                f("measure", "string", "What the figure is.", required=True, pattern=r"^[a-z0-9_]+$"),
                f("value", "number", "The figure (blank for a direction-only finding)."),
                f("unit", "string", "Unit."),
                f(
                    "value_bound",
                    "string",
                    "exact; approximate; lower ('over 3,000'); upper ('almost "
                    "2,000'); direction_only (a finding with no figure).",
                    required=True,
                    enum=bound_enum,
                ),
                f("period", "string", "Period the figure refers to.", required=True),
                url_field(),
                f("locator", "string", "Where in the source."),
                notes_field(),
            ],
            "primaryKey": ["source_id", "measure", "period"],
            "missingValues": [""],
            "foreignKeys": [
                {"fields": ["source_id"], "reference": {"resource": "evidence_sources", "fields": ["source_id"]}}
            ],
        },
    }
    yield {
        "name": "evidence_sources",
        "path": "evidence_sources.csv",
        "title": "Bibliography of the caseload evidence",
        "description": "Sources behind caseload_facts and caseload_distribution, with licence and reading notes.",
        "licenses": [OGL],
        "sources": [{"title": "Compiled by the project", "path": "evidence_sources.csv"}],
        "schema": {
            "fields": [
                f("source_id", "string", "Identifier.", required=True, unique=True, pattern=r"^S\d{2}$"),
                f("title", "string", "Title.", required=True),
                f("publisher", "string", "Publisher.", required=True),
                f("year", "integer", "Year.", minimum=1990, maximum=2030),
                f("month", "integer", "Month.", minimum=1, maximum=12),
                f("url", "string", "Address.", required=True, pattern=r"^https?://\S+$"),
                f("licence", "string", "Licence of the source.", required=True),
                notes_field(),
            ],
            "primaryKey": ["source_id"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "national_facts",
        "path": "national_facts.csv",
        "title": "National staffing facts: vacancies, targets, workloads, recruitment",
        "description": "Single national figures from bulletins, parliamentary answers, the NAO and the inspectorate; "
        "source_type marks mirrors and secondary sources.",
        "licenses": [OGL, OPL],
        "sources": [{"title": "Mixed; see source_url per row", "path": "https://www.gov.uk/"}],
        "schema": {
            "fields": [
                f(
                    "date",
                    "string",
                    "Reference date of the figure (blank where the source gives none)",
                    partial_date=True,
                ),
                f("measure", "string", "What the figure is.", required=True, pattern=r"^[a-z0-9_]+$"),
                f("value", "number", "The figure.", required=True),
                f("unit", "string", "Unit.", required=True),
                source_type_field(),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["measure", "date"],
            "missingValues": [""],
        },
        "rules": [SOURCE_TYPE_RULE],
    }
    yield {
        "name": "national_quality",
        "path": "national_quality.csv",
        "title": "National inspection results from annual reports and statements",
        "description": "Counts of ratings and national quality figures from "
        "the inspectorate's annual reports, summaries and blogs.",
        "licenses": [OGL],
        "sources": [
            {
                "title": "HM Inspectorate of Probation annual reports",
                "path": "https://www.justiceinspectorates.gov.uk/hmiprobation/",
            }
        ],
        "schema": {
            "fields": [
                f("period", "string", "Period or report.", required=True),
                f("measure", "string", "What the figure is.", required=True),
                f("value", "number", "The figure (blank when the result is a rating, see value_text)."),
                f("value_text", "string", "Result stated in words (e.g. a rating)."),
                f("unit", "string", "Unit.", required=True),
                f("value_bound", "string", "exact, approximate, lower or upper.", required=True, enum=bound_enum),
                f(
                    "provider",
                    "string",
                    "Who the figure covers.",
                    required=True,
                    enum=["all", "CRC", "NPS", "PDU", "region"],
                ),
                url_field(),
                notes_field(),
            ],
            "primaryKey": ["period", "measure", "provider", "unit"],
            "missingValues": [""],
        },
    }


def optional_resources():
    """Tables the book uses when a user supplies them. They are not in the package (a Data Package may not
    declare files that do not exist); their schemas live in schemas/, where the loader finds them."""
    yield {
        "name": "caseload_quality_cases",
        "path": "caseload_quality_cases.csv",
        "title": "Optional: case-level inspection data (practitioner "
        "caseload and whether the case was judged sufficient)",
        "description": (
            "Not published: place a file here (for example from an inspection data annexe or a data request) and the "
            "caseloads chapter fits the segmented threshold model to it automatically. One row per inspected case."
        ),
        "licenses": [OGL],
        "sources": [{"title": "User supplied", "path": "caseload_quality_cases.csv"}],
        "schema": {
            "fields": [
                f("case_id", "string", "Case identifier.", required=True, unique=True),
                f("practitioner_id", "string", "Practitioner identifier (for the cluster bootstrap)."),
                f(
                    "caseload",
                    "integer",
                    "The practitioner's caseload when the case was inspected.",
                    unit="cases",
                    required=True,
                    minimum=0,
                    maximum=500,
                ),
                f(
                    "sufficient",
                    "integer",
                    "1 if inspectors judged the case sufficient on the chosen key question, else 0.",
                    required=True,
                    minimum=0,
                    maximum=1,
                ),
                f("source", "string", "Where the row comes from.", required=True),
            ],
            "primaryKey": ["case_id"],
            "missingValues": [""],
        },
    }
    yield {
        "name": "caseload_quality_bands",
        "path": "caseload_quality_bands.csv",
        "title": "Optional: counts of cases judged sufficient by practitioner caseload band",
        "description": (
            "Band-level figures such as those behind Research & Analysis Bulletin 2021/02 (the bulletin publishes its "
            "findings, not these counts). If present, the caseloads chapter fits the grouped segmented model to it."
        ),
        "licenses": [OGL],
        "sources": [{"title": "User supplied", "path": "caseload_quality_bands.csv"}],
        "schema": {
            "fields": [
                f("band_low", "integer", "Lowest caseload in the band.", unit="cases", required=True, minimum=0),
                f("band_high", "integer", "Highest caseload in the band.", unit="cases", required=True, minimum=0),
                f("n_cases", "integer", "Cases inspected in the band.", required=True, minimum=1),
                f("n_sufficient", "integer", "Cases judged sufficient.", required=True, minimum=0),
                f("quality_measure", "string", "Which judgement is counted.", required=True),
                url_field(),
            ],
            "primaryKey": ["band_low", "band_high", "quality_measure"],
            "missingValues": [""],
        },
    }


def main():
    root = Path(__file__).resolve().parents[1]
    out = root / "data" / "datapackage.json"
    package = {
        "name": "probation-evidence",
        "title": "Probation evidence: workforce, caseloads and inspections in England and Wales",
        "description": "Tidy, validated tables behind the probation-evidence "
        "book. See the book's 'About the data' page.",
        "profile": "tabular-data-package",
        "licenses": [OGL, OPL],
        "contributors": [{"title": "probation-evidence contributors", "role": "author"}],
        "notes": FACTS,
        "resources": [],
    }
    for res in resources():
        res.update({"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"})
        package["resources"].append(res)
    out.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(package['resources'])} resources)")
    schemas = root / "schemas"
    schemas.mkdir(exist_ok=True)
    written = set()
    for res in optional_resources():
        res.update(
            {
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "optional": True,
            }
        )
        path = schemas / f"{res['name']}.json"
        path.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.add(path.name)
        print(f"wrote {path}")
    for stale in schemas.glob("*.json"):
        if stale.name not in written:
            stale.unlink()
            print(f"removed {stale} (no longer an optional table)")


if __name__ == "__main__":
    main()
