"""Write data/datapackage.json: the machine-readable schema and data dictionary.

The descriptor is the single statement of every table's fields, types, units, allowed
values, keys, sources and licence. The package validates against it and the book's data
dictionary page is generated from it. Edit this script, run it, and commit both files.
"""
from __future__ import annotations

import json
from pathlib import Path

OGL = {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
       "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}
OPL = {"name": "OPL-3.0", "title": "Open Parliament Licence v3.0",
       "path": "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/"}
FACTS = ("Figures taken from third-party pages (news, blogs, copies of official documents) are "
         "facts reported with their source; no text from them is reproduced.")

RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
PARTIAL_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
ISO_DATE_TEXT = "ISO 8601 date; reduced precision allowed (YYYY, YYYY-MM or YYYY-MM-DD) where the source gives no day"


def f(name, type_, description, *, unit=None, required=False, enum=None, minimum=None,
      maximum=None, pattern=None, partial_date=False, unique=False):
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
    return f("source_url", "string", "Address(es) of the source(s) for this row, separated by ' ; '.",
             required=required, pattern=r"^https?://\S+( ; https?://\S+)*$")


def notes_field():
    return f("notes", "string", "What the source says, how a value was derived, caveats and disagreements between sources.")


WORKFORCE_MEASURES = ["probation_service_fte", "po_fte", "pso_fte", "hmpps_total_fte", "po_leaving_rate_pct",
                      "pso_leaving_rate_pct", "probation_service_leaving_rate_pct", "spo_leaving_rate_pct",
                      "hmpps_leaving_rate_pct"]
DEFINITIONS = ["pre2008_grade_groups", "probation_trusts", "nps_pre_unification", "nps_pre_unification_restated",
               "unified_pre_reclassification", "unified"]

KQ = [("kq_assess_engaging", "Assessment: does it focus sufficiently on engaging the person on probation?"),
      ("kq_assess_desistance", "Assessment: does it focus sufficiently on the factors linked to offending and desistance?"),
      ("kq_assess_safety", "Assessment: does it focus sufficiently on keeping other people safe?"),
      ("kq_plan_engaging", "Planning: does it focus sufficiently on engaging the person on probation?"),
      ("kq_plan_desistance", "Planning: does it focus sufficiently on reducing reoffending and supporting desistance?"),
      ("kq_plan_safety", "Planning: does it focus sufficiently on keeping other people safe?"),
      ("kq_impl_engaging", "Implementation and delivery: is the sentence implemented effectively with a focus on engaging the person?"),
      ("kq_impl_desistance", "Implementation and delivery: do services effectively support desistance?"),
      ("kq_impl_safety", "Implementation and delivery: do services effectively support the safety of other people?"),
      ("kq_review_engaging", "Reviewing: does it focus sufficiently on supporting compliance and engagement?"),
      ("kq_review_desistance", "Reviewing: does it focus sufficiently on supporting desistance?"),
      ("kq_review_safety", "Reviewing: does it focus sufficiently on keeping other people safe?"),
      ("kq_court_work", "Court work (2021 framework): is pre-sentence advice sufficiently analytical and personalised?"),
      ("kq_outcomes", "Outcomes (not rated): do early outcomes show reasonable progress?")]
STANDARDS = [("r_leadership", "Leadership (standard 1.1)"),
             ("r_staff", "Staff (2021 framework, 1.2) / Staffing (2024 framework)"),
             ("r_services", "Services (1.3)"),
             ("r_information_facilities", "Information and facilities (1.4; 2021 framework only)"),
             ("r_court_work", "Court work (2.1; rated at PDU level in the 2021 framework only)"),
             ("r_assessment", "Assessment (2.2)"),
             ("r_planning", "Planning (2.3)"),
             ("r_implementation_delivery", "Implementation and delivery (2.4)"),
             ("r_reviewing", "Reviewing (2.5)")]


def resources():
    yield {
        "name": "workforce_quarterly", "path": "workforce_quarterly.csv",
        "title": "HMPPS probation workforce, national, quarterly, by vintage",
        "description": ("One row per reference date, measure and vintage (the statistics release a figure was published in). "
                        "Revised figures sit beside first-published ones; the 'latest' series takes the newest vintage for "
                        "each date and measure. Band 4 = probation officers (PO), band 3 = probation services officers (PSO). "
                        "Leaving rates are for the 12 months to the reference date."),
        "licenses": [OGL, OPL],
        "sources": [{"title": "HMPPS workforce quarterly statistics (Ministry of Justice)",
                     "path": "https://www.gov.uk/government/collections/national-offender-management-service-workforce-statistics"},
                    {"title": "Hansard and parliamentary written answers", "path": "https://hansard.parliament.uk/"}],
        "schema": {
            "fields": [
                f("date", "date", "Reference date of the figure (quarter end, or financial year end for annual series).", required=True),
                f("measure", "string", "What is measured: *_fte = full-time equivalent staff in post; *_leaving_rate_pct = leavers in the 12 months to the date as a percentage of average staff in post.", required=True, enum=WORKFORCE_MEASURES),
                f("value", "number", "The figure (FTE, or percent for leaving rates).", required=True, minimum=0),
                f("vintage", "string", "The statistics release the figure comes from: its reference date for HMPPS quarterly bulletins (sources quoting a bulletin take that bulletin's date), otherwise the source's publication date", required=True, partial_date=True),
                f("publication", "string", "Name of the publication the figure was read from.", required=True),
                f("derivation", "string", "direct = printed in the source; derived = computed from a stated change in the source (see notes).", required=True, enum=["direct", "derived"]),
                f("definition", "string", "Coverage and definition: pre2008_grade_groups (local probation areas, old grade groupings, not comparable with bands); probation_trusts (2011-2012 trusts); nps_pre_unification (National Probation Service only, as published at the time); nps_pre_unification_restated (NPS only, restated later on the post-2022 basis); unified_pre_reclassification (unified service, Probation Service total before the 2022 reclassification); unified (Probation Service after unification on 26 June 2021).", required=True, enum=DEFINITIONS),
                url_field(), notes_field()],
            "primaryKey": ["date", "measure", "vintage"],
            "missingValues": [""]},
    }
    yield {
        "name": "workforce_stated_changes", "path": "workforce_stated_changes.csv",
        "title": "Changes stated in the text of workforce bulletins",
        "description": ("Each change a bulletin states in words (for example '+359 FTE (7.0%) since 30 June 2024'). "
                        "Used by the tests and the staffing chapter to prove that the series reproduces what each bulletin says."),
        "licenses": [OGL, OPL],
        "sources": [{"title": "HMPPS workforce quarterly statistics (Ministry of Justice)",
                     "path": "https://www.gov.uk/government/collections/national-offender-management-service-workforce-statistics"}],
        "schema": {
            "fields": [
                f("statement_id", "string", "Identifier: bulletin date, measure and comparison date.", required=True),
                f("bulletin_date", "date", "Reference date of the bulletin making the statement.", required=True),
                f("measure", "string", "Measure the change refers to (names as in workforce_quarterly where the same).", required=True,
                  enum=WORKFORCE_MEASURES + ["pso_joiners_12m", "pso_leavers_12m", "probation_caseload"]),
                f("unit", "string", "Unit of stated_change.", required=True, enum=["FTE", "percentage points", "headcount", "people"]),
                f("stated_change", "number", "Change stated in the bulletin (FTE, headcount or percentage points; negative = fall)."),
                f("stated_change_pct", "number", "Percentage change stated in the bulletin (negative = fall).", unit="percent", minimum=-100, maximum=1000),
                f("comparison_date", "date", "The earlier date the change is measured from; blank where the stored copy was cut off."),
                f("direction_stated", "boolean", "false where the bulletin gives the size of a change but not its direction.", required=True),
                url_field(), notes_field()],
            "primaryKey": ["statement_id"], "missingValues": [""]},
    }
    yield {
        "name": "probation_caseload", "path": "probation_caseload.csv",
        "title": "People under Probation Service supervision (totals)",
        "description": ("Total people supervised by probation (court orders and pre- and post-release supervision combined). "
                        "The split by type was not reachable in the sources available to this project."),
        "licenses": [OGL, OPL],
        "sources": [{"title": "Offender Management Statistics quarterly (Ministry of Justice)",
                     "path": "https://www.gov.uk/government/collections/offender-management-statistics-quarterly"}],
        "schema": {
            "fields": [
                f("date", "date", "Reference date (see date_basis).", required=True, unique=True),
                f("people_supervised", "integer", "People under probation supervision.", unit="people", required=True, minimum=0),
                f("date_basis", "string", "How the date was fixed: quarter_end, year_end, year_end_assumed, publication_date (reference date not stated), reference_date_not_stated.", required=True,
                  enum=["quarter_end", "year_end", "year_end_assumed", "publication_date", "reference_date_not_stated"]),
                f("approximate", "boolean", "true where the source rounds ('approximately 224,000').", required=True),
                url_field(), notes_field()],
            "primaryKey": ["date"], "missingValues": [""]},
    }
    pdu_fields = [
        f("inspection_id", "string", "Stable identifier: pdu_id and the year of publication (or of fieldwork where publication is not known).", required=True, pattern=r"^[a-z0-9-]+-\d{4}$"),
        f("pdu_id", "string", "Stable PDU identifier (see pdus.csv for names used over time).", required=True, pattern=r"^[a-z0-9-]+$"),
        f("pdu", "string", "PDU name as given in the report.", required=True),
        f("region", "string", "Probation region.", required=True),
        f("fieldwork_start", "string", "Start of inspection fieldwork", partial_date=True),
        f("published", "string", "Publication date of the report", partial_date=True),
        f("framework", "string", "Inspection framework: 2021 = nine rated standards scored out of 27; 2024 = seven PDU standards (court work rated at regional level), no 27-point score.", required=True, enum=["2021", "2024"]),
        f("overall_rating", "string", "Overall rating.", required=True, enum=RATINGS),
        f("score", "integer", "Score out of 27 (2021 framework only): Outstanding 3, Good 2, Requires improvement 1, Inadequate 0 points per standard.", unit="points out of 27", minimum=0, maximum=27),
    ]
    pdu_fields += [f(n, "string", f"Rating for {d}.", enum=RATINGS) for n, d in STANDARDS]
    pdu_fields += [pct(n, f"Percentage of inspected cases judged sufficient. {d}") for n, d in KQ]
    pdu_fields += [
        f("cases_inspected", "integer", "Number of cases inspected.", unit="cases", minimum=1),
        f("practitioner_interviews", "integer", "Number of probation practitioners interviewed.", unit="people", minimum=0),
        f("pdu_caseload", "integer", "PDU caseload at the time of the inspection.", unit="people", minimum=0),
        pct("po_vacancy_pct", "Probation officer (band 4) vacancy rate."),
        pct("pso_vacancy_pct", "Probation services officer (band 3) vacancy rate."),
        pct("overall_vacancy_pct", "Vacancy rate across all staff (or practitioners where the source says so; see notes)."),
        pct("court_vacancy_pct", "Vacancy rate in the court team."),
        f("po_workload_pct", "number", "Average workload of probation officers on the Workload Measurement Tool (100 = capacity).", unit="percent of capacity", minimum=0, maximum=400),
        f("pso_workload_pct", "number", "Average workload of PSOs on the Workload Measurement Tool.", unit="percent of capacity", minimum=0, maximum=400),
        f("caseload_avg_po", "number", "Average cases per probation officer.", unit="cases", minimum=0, maximum=500),
        f("caseload_avg_pso", "number", "Average cases per PSO.", unit="cases", minimum=0, maximum=500),
        f("prioritisation_status", "string", "Prioritisation Framework status stated in the report.", enum=["red", "amber", "green"]),
        url_field(), notes_field()]
    yield {
        "name": "pdu_inspections", "path": "pdu_inspections.csv",
        "title": "HM Inspectorate of Probation inspections of Probation Delivery Units",
        "description": ("One row per published PDU inspection since unification (June 2021). Blank = not found in a reachable source, "
                        "not zero. Key-question percentages are shares of inspected cases judged sufficient."),
        "licenses": [OGL],
        "sources": [{"title": "HM Inspectorate of Probation inspection reports and press releases",
                     "path": "https://hmiprobation.justiceinspectorates.gov.uk/"}],
        "schema": {"fields": pdu_fields, "primaryKey": ["inspection_id"], "missingValues": [""],
                   "foreignKeys": [{"fields": ["pdu_id"], "reference": {"resource": "pdus", "fields": ["pdu_id"]}}]},
    }
    yield {
        "name": "pdus", "path": "pdus.csv", "title": "Probation Delivery Units: identifiers and names",
        "description": "Crosswalk from the stable pdu_id to the PDU's current name and other names used in reports.",
        "licenses": [OGL], "sources": [{"title": "HM Inspectorate of Probation reports", "path": "https://hmiprobation.justiceinspectorates.gov.uk/"}],
        "schema": {"fields": [
            f("pdu_id", "string", "Stable PDU identifier.", required=True, unique=True, pattern=r"^[a-z0-9-]+$"),
            f("pdu_name", "string", "Current name.", required=True),
            f("region", "string", "Probation region.", required=True),
            f("other_names", "string", "Other names used in reports, separated by ' ; '.")],
            "primaryKey": ["pdu_id"], "missingValues": [""]},
    }
    yield {
        "name": "regional_inspections", "path": "regional_inspections.csv",
        "title": "HM Inspectorate of Probation regional inspections (2024 framework)",
        "description": "Ratings of probation regions; from 2024 court work and some services are inspected at regional level.",
        "licenses": [OGL], "sources": [{"title": "HM Inspectorate of Probation", "path": "https://hmiprobation.justiceinspectorates.gov.uk/"}],
        "schema": {"fields": [
            f("region", "string", "Probation region.", required=True),
            f("fieldwork_start", "string", "Start of fieldwork", partial_date=True),
            f("published", "string", "Publication date", partial_date=True),
            f("framework", "string", "2024 = regional inspection under the 2024 framework; dipp = Dynamic Inspection of Public Protection (from October 2025; no overall rating).", required=True, enum=["2021", "2024", "dipp"]),
            f("overall_rating", "string", "Overall rating.", enum=RATINGS),
            f("ratings_by_standard", "string", "Standard ratings as stated (standard=rating; ...)."),
            url_field(), notes_field()],
            "primaryKey": ["region", "framework"], "missingValues": [""]},
    }
    yield {
        "name": "provider_inspections", "path": "provider_inspections.csv",
        "title": "Inspections of CRCs and NPS divisions, 2018-2021",
        "description": ("HM Inspectorate of Probation's inspections of the 21 Community Rehabilitation Companies (CRCs) and 7 National "
                        "Probation Service (NPS) divisions before unification. Overall rating blank where the report did not give one "
                        "or the source did not state it."),
        "licenses": [OGL], "sources": [{"title": "HM Inspectorate of Probation inspection reports and press releases", "path": "https://www.justiceinspectorates.gov.uk/hmiprobation/"}],
        "schema": {"fields": [
            f("inspection_id", "string", "Identifier: organisation and round.", required=True, pattern=r"^[a-z0-9-]+$"),
            f("org_name", "string", "Organisation inspected.", required=True),
            f("org_type", "string", "CRC (privately owned Community Rehabilitation Company) or NPS (public-sector division).", required=True, enum=["CRC", "NPS"]),
            f("owner", "string", "Owner or operator at the time."),
            f("inspection_round", "string", "Round: 2018-19 (first), 2019-20 (second, cut short by Covid-19), 2021 (pre-unification).", required=True, enum=["2018-19", "2019-20", "2021"]),
            f("fieldwork_start", "string", "Start of fieldwork", partial_date=True),
            f("published", "string", "Publication date", partial_date=True),
            f("overall_rating", "string", "Overall rating.", enum=RATINGS),
            f("standard_ratings", "string", "Standard ratings as stated in the sources (standard=rating; ...)."),
            f("caseload_facts", "string", "What the source says about caseloads, workloads and staffing."),
            f("people_supervised", "integer", "People supervised by the organisation at inspection (see people_supervised_bound).", unit="people", minimum=0),
            f("people_supervised_bound", "string", "Whether people_supervised is exact or a bound stated in words ('more than', 'nearly').", enum=["exact", "lower", "upper", "approximate"]),
            url_field(), notes_field()],
            "primaryKey": ["inspection_id"], "missingValues": [""]},
    }
    yield {
        "name": "regions", "path": "regions.csv", "title": "Probation regions and the number of PDUs in each",
        "description": ("The twelve probation regions (eleven in England, one in Wales) and the number of PDUs a source states for each. "
                        "No source reached states the national total, so the coverage statement counts what is known."),
        "licenses": [OGL], "sources": [{"title": "HM Inspectorate of Probation and local authority papers", "path": "https://hmiprobation.justiceinspectorates.gov.uk/"}],
        "schema": {"fields": [
            f("region", "string", "Probation region.", required=True, unique=True),
            f("pdus_stated", "integer", "Number of PDUs in the region as stated by the source (blank: not found).", unit="PDUs", minimum=1, maximum=30),
            url_field(), notes_field()],
            "primaryKey": ["region"], "missingValues": [""]},
    }
    yield {
        "name": "local_facts", "path": "local_facts.csv",
        "title": "Local figures for two PDUs from the seed documents",
        "description": ("Staffing and workload figures for Leicester, Leicestershire and Rutland PDU and Lewisham and Bromley PDU from "
                        "local authority papers and the 2022 inspection report. Local, often unvalidated figures: they illustrate, they "
                        "do not measure the national picture."),
        "licenses": [OGL], "sources": [{"title": "Local authority committee papers; HM Inspectorate of Probation", "path": "https://hmiprobation.justiceinspectorates.gov.uk/"}],
        "schema": {"fields": [
            f("pdu_id", "string", "PDU identifier.", required=True),
            f("date", "string", "Reference date", required=True, partial_date=True),
            f("measure", "string", "What the figure is.", required=True, pattern=r"^[a-z0-9_]+$"),
            f("value", "number", "The figure.", required=True),
            f("unit", "string", "Unit.", required=True),
            f("value_bound", "string", "exact, approximate, lower ('over 35') or upper.", required=True, enum=["exact", "approximate", "lower", "upper"]),
            url_field(), notes_field()],
            "primaryKey": ["pdu_id", "date", "measure"], "missingValues": [""],
            "foreignKeys": [{"fields": ["pdu_id"], "reference": {"resource": "pdus", "fields": ["pdu_id"]}}]},
    }
    yield {
        "name": "events", "path": "events.csv", "title": "Events, targets and policies used to annotate the charts",
        "description": "Dated events (unification, early-release schemes) and government targets, each with its source.",
        "licenses": [OGL, OPL], "sources": [{"title": "Mixed; see source_url per row", "path": "https://www.gov.uk/"}],
        "schema": {"fields": [
            f("date", "date", "Date of the event (or end of the period a target refers to).", required=True),
            f("event", "string", "Short description.", required=True),
            f("kind", "string", "structure, policy, target or recommendation.", required=True, enum=["structure", "policy", "target", "recommendation"]),
            url_field(), notes_field()],
            "primaryKey": ["date", "event"], "missingValues": [""]},
    }
    yield {
        "name": "caseload_quality_cases", "path": "caseload_quality_cases.csv", "optional": True,
        "title": "Optional: case-level inspection data (practitioner caseload and whether the case was judged sufficient)",
        "description": ("Not published: place a file here (for example from an inspection data annexe or a data request) and the caseloads "
                        "chapter fits the segmented threshold model to it automatically. One row per inspected case."),
        "licenses": [OGL], "sources": [{"title": "User supplied", "path": "caseload_quality_cases.csv"}],
        "schema": {"fields": [
            f("case_id", "string", "Case identifier.", required=True, unique=True),
            f("practitioner_id", "string", "Practitioner identifier (for the cluster bootstrap)."),
            f("caseload", "integer", "The practitioner's caseload when the case was inspected.", unit="cases", required=True, minimum=0, maximum=500),
            f("sufficient", "integer", "1 if inspectors judged the case sufficient on the chosen key question, else 0.", required=True, minimum=0, maximum=1),
            f("source", "string", "Where the row comes from.", required=True)],
            "primaryKey": ["case_id"], "missingValues": [""]},
    }
    yield {
        "name": "caseload_quality_bands", "path": "caseload_quality_bands.csv", "optional": True,
        "title": "Optional: counts of cases judged sufficient by practitioner caseload band",
        "description": ("Band-level figures such as those behind Research & Analysis Bulletin 2021/02 (not reachable in the sources available "
                        "to this project). If present, the caseloads chapter fits the grouped segmented model to it."),
        "licenses": [OGL], "sources": [{"title": "User supplied", "path": "caseload_quality_bands.csv"}],
        "schema": {"fields": [
            f("band_low", "integer", "Lowest caseload in the band.", unit="cases", required=True, minimum=0),
            f("band_high", "integer", "Highest caseload in the band.", unit="cases", required=True, minimum=0),
            f("n_cases", "integer", "Cases inspected in the band.", required=True, minimum=1),
            f("n_sufficient", "integer", "Cases judged sufficient.", required=True, minimum=0),
            f("quality_measure", "string", "Which judgement is counted.", required=True),
            url_field()],
            "primaryKey": ["band_low", "band_high", "quality_measure"], "missingValues": [""]},
    }
    bound_enum = ["exact", "approximate", "lower", "upper", "not_stated", "direction_only"]
    yield {
        "name": "caseload_distribution", "path": "caseload_distribution.csv",
        "title": "Distribution of practitioner caseloads and workloads (CRC and NPS, 2018-2020)",
        "description": "Share of practitioners above or below a caseload (cases) or workload (WMT percent of capacity) threshold.",
        "licenses": [OGL], "sources": [{"title": "See evidence_sources.csv (source_id)", "path": "evidence_sources.csv"}],
        "schema": {"fields": [
            f("source_id", "string", "Source identifier (evidence_sources.csv).", required=True, pattern=r"^S\d{2}$"),
            f("provider", "string", "CRC or NPS.", required=True, enum=["CRC", "NPS"]),
            f("measure_type", "string", "caseload = number of cases; wmt_pct_capacity = Workload Measurement Tool percentage of capacity.", required=True, enum=["caseload", "wmt_pct_capacity"]),
            f("band", "string", "Band as published.", required=True),
            f("band_low", "number", "Lowest value in the band (inclusive)."),
            f("band_high", "number", "Highest value in the band (inclusive)."),
            pct("pct", "Share of the population in the band."),
            f("pct_bound", "string", "exact, approximate ('two thirds'), upper ('nearly'), lower, not_stated.", required=True, enum=bound_enum),
            f("population", "string", "Who the percentage is of.", required=True),
            f("period", "string", "Period the figure refers to.", required=True),
            url_field(), f("locator", "string", "Where in the source."), notes_field()],
            "primaryKey": ["source_id", "provider", "measure_type", "band"], "missingValues": [""],
            "foreignKeys": [{"fields": ["source_id"], "reference": {"resource": "evidence_sources", "fields": ["source_id"]}}]},
    }
    yield {
        "name": "caseload_facts", "path": "caseload_facts.csv",
        "title": "Evidence on caseloads and quality: published figures",
        "description": "Single figures from the inspectorate's caseload research, the rapid evidence assessment, parliamentary answers and related sources.",
        "licenses": [OGL, OPL], "sources": [{"title": "See evidence_sources.csv (source_id)", "path": "evidence_sources.csv"}],
        "schema": {"fields": [
            f("source_id", "string", "Source identifier (evidence_sources.csv).", required=True, pattern=r"^S\d{2}$"),
            f("measure", "string", "What the figure is.", required=True, pattern=r"^[a-z0-9_]+$"),
            f("value", "number", "The figure (blank for a direction-only finding)."),
            f("unit", "string", "Unit."),
            f("value_bound", "string", "exact; approximate; lower ('over 3,000'); upper ('almost 2,000'); direction_only (a finding with no figure).", required=True, enum=bound_enum),
            f("period", "string", "Period the figure refers to.", required=True),
            url_field(), f("locator", "string", "Where in the source."), notes_field()],
            "primaryKey": ["source_id", "measure", "period"], "missingValues": [""],
            "foreignKeys": [{"fields": ["source_id"], "reference": {"resource": "evidence_sources", "fields": ["source_id"]}}]},
    }
    yield {
        "name": "evidence_sources", "path": "evidence_sources.csv", "title": "Bibliography of the caseload evidence",
        "description": "Sources behind caseload_facts and caseload_distribution, with licence and reading notes.",
        "licenses": [OGL], "sources": [{"title": "Compiled by the project", "path": "evidence_sources.csv"}],
        "schema": {"fields": [
            f("source_id", "string", "Identifier.", required=True, unique=True, pattern=r"^S\d{2}$"),
            f("title", "string", "Title.", required=True), f("publisher", "string", "Publisher.", required=True),
            f("year", "integer", "Year.", minimum=1990, maximum=2030), f("month", "integer", "Month.", minimum=1, maximum=12),
            f("url", "string", "Address.", required=True, pattern=r"^https?://\S+$"),
            f("licence", "string", "Licence of the source.", required=True), notes_field()],
            "primaryKey": ["source_id"], "missingValues": [""]},
    }
    yield {
        "name": "national_facts", "path": "national_facts.csv", "title": "National staffing facts: vacancies, targets, workloads, recruitment",
        "description": "Single national figures from bulletins, parliamentary answers, the NAO and the inspectorate; source_type marks secondary copies.",
        "licenses": [OGL, OPL], "sources": [{"title": "Mixed; see source_url per row", "path": "https://www.gov.uk/"}],
        "schema": {"fields": [
            f("date", "string", "Reference date of the figure (blank where the source gives none)", partial_date=True),
            f("measure", "string", "What the figure is.", required=True, pattern=r"^[a-z0-9_]+$"),
            f("value", "number", "The figure.", required=True),
            f("unit", "string", "Unit.", required=True),
            f("source_type", "string", "primary = the publisher's own page or Hansard; secondary = a copy or report by a third party.", required=True, enum=["primary", "secondary"]),
            url_field(), notes_field()],
            "primaryKey": ["measure", "date"], "missingValues": [""]},
    }
    yield {
        "name": "national_quality", "path": "national_quality.csv", "title": "National inspection results from annual reports and statements",
        "description": "Counts of ratings and national quality figures from the inspectorate's annual reports, summaries and blogs.",
        "licenses": [OGL], "sources": [{"title": "HM Inspectorate of Probation annual reports", "path": "https://www.justiceinspectorates.gov.uk/hmiprobation/"}],
        "schema": {"fields": [
            f("period", "string", "Period or report.", required=True),
            f("measure", "string", "What the figure is.", required=True),
            f("value", "number", "The figure (blank when the result is a rating, see value_text)."),
            f("value_text", "string", "Result stated in words (e.g. a rating)."),
            f("unit", "string", "Unit.", required=True),
            f("value_bound", "string", "exact, approximate, lower or upper.", required=True, enum=bound_enum),
            f("provider", "string", "Who the figure covers.", required=True, enum=["all", "CRC", "NPS", "PDU", "region"]),
            url_field(), notes_field()],
            "primaryKey": ["period", "measure", "provider", "unit"], "missingValues": [""]},
    }


def main():
    out = Path(__file__).resolve().parents[1] / "data" / "datapackage.json"
    package = {
        "name": "probation-evidence",
        "title": "Probation evidence: workforce, caseloads and inspections in England and Wales",
        "description": "Tidy, validated tables behind the probation-evidence book. See the book's 'About the data' page.",
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


if __name__ == "__main__":
    main()
