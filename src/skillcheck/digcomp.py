"""The shared vocabulary: DigComp 3.0 areas and competences, levels, categories.

A leaf module: it imports nothing from skillcheck, so every other module
(bank, scoring, store, reports, the Babel extractor, the kiosk) can take its
words from here without an import cycle. Codes here are what the database and
exports hold; the plain words a citizen reads are in `scoring` and the bank.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction (`make i18n`) without translating it here."""
    return message


# DigComp 3.0 (JRC144121, Cosgrove & Cachia, 2025; its Data Supplement of 24 November
# 2025, sheet 1): five areas and 21 competences, numbered as in DigComp 2.2, several
# renamed (Annex 1, Table A1). The official English titles, exactly; the plain words a
# person reads are below them (AREA_SHORT_NAMES, COMPETENCE_WORDS) and in areas.toml.
AREAS: tuple[int, ...] = (1, 2, 3, 4, 5)
DIGCOMP_AREAS: dict[int, str] = {
    1: "Information search, evaluation and management",
    2: "Communication and collaboration",
    3: "Content creation",
    4: "Safety, wellbeing and responsible use",
    5: "Problem identification and solving",
}
# Short names for 80-column summaries and export headers.
AREA_SHORT_NAMES: dict[int, str] = {
    1: N_("Information"),
    2: N_("Communication"),
    3: N_("Content creation"),
    4: N_("Safety and wellbeing"),
    5: N_("Problem solving"),
}

# The 21 competences of DigComp 3.0, by code: the JRC's titles.
COMPETENCES: dict[str, str] = {
    "1.1": "Browsing, searching and filtering information",
    "1.2": "Evaluating information",
    "1.3": "Managing information",
    "2.1": "Interacting through and with digital technologies",
    "2.2": "Sharing through digital technologies",
    "2.3": "Engaging in citizenship through digital technologies",
    "2.4": "Collaborating through digital technologies",
    "2.5": "Digital behaviour",
    "2.6": "Managing digital identity",
    "3.1": "Developing digital content",
    "3.2": "Integrating and re-elaborating digital content",
    "3.3": "Copyright and licences",
    "3.4": "Computational thinking and programming",
    "4.1": "Protecting devices",
    "4.2": "Protecting personal data and privacy",
    "4.3": "Supporting wellbeing",
    "4.4": "Environmental impacts of digital technologies",
    "5.1": "Identifying and solving technical problems",
    "5.2": "Identifying needs and digital technological responses",
    "5.3": "Identifying creative solutions using digital technologies",
    "5.4": "Identifying and addressing digital competence needs",
}
# The same competences in plain words (CEFR B1), translated: what a person reads.
COMPETENCE_WORDS: dict[str, str] = {
    "1.1": N_("Searching for information"),
    "1.2": N_("Judging information"),
    "1.3": N_("Keeping and organising information"),
    "2.1": N_("Talking with people and machines online"),
    "2.2": N_("Sharing online"),
    "2.3": N_("Using public services and taking part online"),
    "2.4": N_("Working together online"),
    "2.5": N_("Behaving well online"),
    "2.6": N_("Managing what is known about you online"),
    "3.1": N_("Making digital content"),
    "3.2": N_("Changing and combining content"),
    "3.3": N_("Using other people's work: copyright"),
    "3.4": N_("Giving a computer instructions, step by step"),
    "4.1": N_("Protecting your devices"),
    "4.2": N_("Protecting your personal data"),
    "4.3": N_("Looking after your wellbeing"),
    "4.4": N_("Digital technology and the environment"),
    "5.1": N_("Solving technical problems"),
    "5.2": N_("Finding the right tool for what you need"),
    "5.3": N_("Solving everyday problems with digital tools"),
    "5.4": N_("Knowing what you still want to learn"),
}

# DigComp 3.0's four proficiency levels (section 2.4.1, Table 3), lowest first, as the
# learning-outcome table in questions/digcomp3.toml writes them.
PROFICIENCY_LEVELS: tuple[str, ...] = ("basic", "intermediate", "advanced", "highly_advanced")
# What a learning outcome is about, and its AI label (DigComp 3.0, Box 3).
OUTCOME_KINDS: tuple[str, ...] = ("knowledge", "skill", "attitude")
AI_TAGS: tuple[str, ...] = ("explicit", "implicit", "none")

# The plain-words texts of each area in questions/areas.toml (what a person can do
# and should learn next comes from their own answers, item by item: `Item.skill`).
AREA_TEXT_KEYS: tuple[str, ...] = ("name",)

# Item kinds and bands in the question bank.
KINDS: tuple[str, ...] = ("can_do", "knowledge")
BANDS: tuple[str, ...] = ("basic", "above_basic")

# Level per area, lowest first (the per-area scale of Eurostat's DSI 2.0).
LEVELS: tuple[str, ...] = ("none", "basic", "above_basic")
# Eurostat's "could not be assessed" (I_DSK2_NA): the person did not use the internet in
# the last 3 months. Stored as the category and as every area's result (scoring rule 3),
# so it stays in the denominator of every share, as Eurostat counts it.
NOT_ASSESSED = "not_assessed"
AREA_RESULTS: tuple[str, ...] = (NOT_ASSESSED, *LEVELS)
# Overall category, lowest first (Eurostat's DSI 2.0 aggregation; "not_assessed" since
# rule 3).
CATEGORIES: tuple[str, ...] = (
    NOT_ASSESSED, "none", "limited", "narrow", "low", "basic", "above_basic",
)  # fmt: skip
# Eurostat's code of each category in isoc_sk_dskl_i21 (indic_is).
EUROSTAT_CATEGORY_CODES: dict[str, str] = {
    "above_basic": "I_DSK2_AB",
    "basic": "I_DSK2_B",
    "low": "I_DSK2_LW",
    "narrow": "I_DSK2_N",
    "limited": "I_DSK2_LM",
    "none": "I_DSK2_X",
    NOT_ASSESSED: "I_DSK2_NA",
}
# The same, highest first: the column order of reports and exports.
CATEGORIES_HIGH_FIRST: tuple[str, ...] = tuple(reversed(CATEGORIES))

# How a visit ended.
STATUSES: tuple[str, ...] = ("completed", "abandoned")
# Whether the kiosk's clock was plausible when it made a record (issue 19, schema 7).
CLOCKS: tuple[str, ...] = ("ok", "implausible")

# Belgian regions a terminal or an initiative belongs to ("national" serves all three).
REGIONS: tuple[str, ...] = ("brussels", "flanders", "wallonia", "national")
# The region stored with each session (schema v5): a terminal's own region, or "unknown"
# for sessions saved before v5 whose terminal's region was not known when migrated.
SESSION_REGIONS: tuple[str, ...] = ("brussels", "flanders", "wallonia", "unknown")

# One sentence that goes with every published figure of scoring rule 3, in the language
# of the output: Eurostat's own questions and rule, but not Eurostat's sample.
DSI_RULE_CAVEAT = N_(
    "Same questions and rule as Eurostat's Digital Skills Indicator 2.0, but kiosk visitors "
    "choose to come: they are not a sample of Belgians aged 16-74, and the figures are not "
    "weighted."
)
# The sentence for figures of rules 1 and 2, in the language of the output: those
# categories borrow Eurostat's names, not its method.
DSI_CAVEAT = N_(
    "Categories named after Eurostat's Digital Skills Indicator 2.0. These figures are a "
    "self-assessment by visitors of this terminal, not a population estimate, and cannot be "
    "compared with the official figure (Belgium 2023: 59 % at least basic)."
)
