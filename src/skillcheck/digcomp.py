"""The shared vocabulary: DigComp 2.2 areas and competences, levels, categories.

A leaf module: it imports nothing from skillcheck, so every other module
(bank, scoring, store, reports, the Babel extractor, the kiosk) can take its
words from here without an import cycle. Codes here are what the database and
exports hold; the plain words a citizen reads are in `scoring` and the bank.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction (`make i18n`) without translating it here."""
    return message


# The five areas of DigComp 2.2, by number.
AREAS: tuple[int, ...] = (1, 2, 3, 4, 5)
DIGCOMP_AREAS: dict[int, str] = {
    1: "Information and data literacy",
    2: "Communication and collaboration",
    3: "Digital content creation",
    4: "Safety",
    5: "Problem solving",
}
# Short names for 80-column summaries and export headers.
AREA_SHORT_NAMES: dict[int, str] = {
    1: N_("Information and data"),
    2: N_("Communication"),
    3: N_("Content creation"),
    4: N_("Safety"),
    5: N_("Problem solving"),
}

# The 21 competences of DigComp 2.2, by code.
COMPETENCES: dict[str, str] = {
    "1.1": "Browsing, searching and filtering data, information and digital content",
    "1.2": "Evaluating data, information and digital content",
    "1.3": "Managing data, information and digital content",
    "2.1": "Interacting through digital technologies",
    "2.2": "Sharing through digital technologies",
    "2.3": "Engaging citizenship through digital technologies",
    "2.4": "Collaborating through digital technologies",
    "2.5": "Netiquette",
    "2.6": "Managing digital identity",
    "3.1": "Developing digital content",
    "3.2": "Integrating and re-elaborating digital content",
    "3.3": "Copyright and licences",
    "3.4": "Programming",
    "4.1": "Protecting devices",
    "4.2": "Protecting personal data and privacy",
    "4.3": "Protecting health and well-being",
    "4.4": "Protecting the environment",
    "5.1": "Solving technical problems",
    "5.2": "Identifying needs and technological responses",
    "5.3": "Creatively using digital technologies",
    "5.4": "Identifying digital competence gaps",
}

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
