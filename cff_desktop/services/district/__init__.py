"""The upper level (district, or province since 2025): its area, the dossiers received, appraisal.

One app, two roles: an installation becomes the upper level when its area is set
(:func:`init_area`); the same database then holds the area's units, every package received from
them (by USB or from the inbox server's data folder), the appraisal per indicator and the
decisions. The commune's package is never edited: it is kept byte for byte under its SHA-256 and
the appraisal is a separate record linked to that hash, so a resubmitted package supersedes the
old one while the old one and its appraisal history stay.

Every check runs before anything is written; a refused package leaves the database and the data
folder as they were. Reports and the Excel export live in :mod:`cff_desktop.services.district_report`.

Where things live: :mod:`.area` (the area, its units, the CSV of units), :mod:`.receive` (filing
packages from a file, a stick or the inbox server), :mod:`.queries` (finding and reading what was
received), :mod:`.workflow` (the one table of allowed state changes), :mod:`.actions` (appraise,
return, council, decide). This module re-exports their names.
"""

from __future__ import annotations

from cff_desktop.services.district.actions import (
    _action,
    _inbox_decide,
    _show,
    appraise,
    decide,
    pass_to_council,
    return_package,
    set_decision,
)
from cff_desktop.services.district.area import (
    _CATEGORY_ALIASES,
    DEFAULT_DEADLINES,
    LEVELS,
    UnitsImport,
    _category,
    _fold,
    _unit,
    area_ruleset,
    get_area,
    import_units,
    init_area,
    is_upper,
    package_ruleset,
    parse_units_csv,
    units,
)
from cff_desktop.services.district.queries import appraisal, find_package, get_decision, inbox, latest_year, unit_detail
from cff_desktop.services.district.receive import (
    Progress,
    Received,
    _check_claims,
    _match_unit,
    _peek_manifest,
    _store_dir,
    import_inbox,
    import_path,
    receive_package,
)
from cff_desktop.services.district.workflow import STATES, TRANSITIONS, require_current, require_transition

__all__ = [
    "DEFAULT_DEADLINES",
    "LEVELS",
    "STATES",
    "TRANSITIONS",
    "_CATEGORY_ALIASES",
    "Progress",
    "Received",
    "UnitsImport",
    "_action",
    "_category",
    "_check_claims",
    "_fold",
    "_inbox_decide",
    "_match_unit",
    "_peek_manifest",
    "_show",
    "_store_dir",
    "_unit",
    "appraisal",
    "appraise",
    "area_ruleset",
    "decide",
    "find_package",
    "get_area",
    "get_decision",
    "import_inbox",
    "import_path",
    "import_units",
    "inbox",
    "init_area",
    "is_upper",
    "latest_year",
    "package_ruleset",
    "parse_units_csv",
    "pass_to_council",
    "receive_package",
    "require_current",
    "require_transition",
    "return_package",
    "set_decision",
    "unit_detail",
    "units",
]
