"""The indicator-kind registry covers every kind a rule set may use, and each layer reads it.

A kind added to the rule-set schema without an entry in rules/kinds.py (or the registry drifting
from what the parser writes) would make an officer's figure unreadable somewhere; these checks fail
first.
"""

from __future__ import annotations

import json

from cff_desktop.common.resources import resource_dir
from cff_desktop.rules.kinds import KINDS, kind_of
from cff_desktop.rules.loader import bundled_files, load_file
from cff_desktop.rules.spreadsheet import KINDS as SHEET_KINDS
from cff_desktop.rules.values import parse_value


def test_registry_covers_the_schema_kinds() -> None:
    schema = json.loads(resource_dir("rulesets", "ruleset.schema.json").read_text("utf-8"))
    enums = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("kind"), dict) and "enum" in node["kind"]:
                enums.append(set(node["kind"]["enum"]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert enums == [{k.stored_kind for k in KINDS.values()}]
    # The spreadsheet names every kind in Vietnamese, from the same table.
    assert sorted(SHEET_KINDS.values()) == sorted(KINDS)


def test_every_bundled_indicator_round_trips_through_its_kind() -> None:
    """The fields an officer fills (the kind's parts) are exactly the keys of the stored value."""
    seen = set()
    for f in bundled_files():
        for ind in load_file(f).indicators.values():
            kind = kind_of(ind)
            seen.add(kind.key)
            raw = {"yes_no": True, "ratio": {"numerator": "3", "denominator": "4"}, "count": {"count": "2"},
                   "rate": {"count": "2", "population": "1000"}, "manual": {"points": "1"}}[kind.key]
            stored = parse_value(ind, raw).to_json()
            if kind.parts:
                assert tuple(stored) == kind.parts
                assert len(kind.field_labels(ind, "điểm")) == len(kind.parts)
            else:
                assert stored is True
            assert kind.stored_kind == ind.kind
    assert seen >= {"yes_no", "ratio", "rate"}


def test_the_package_schema_admits_every_kind_of_value() -> None:
    """A value of every kind, as the parser writes it, has a shape the dossier schema accepts (so
    a kind added to the registry but not to dossier/schemas.py is caught here, not at the upper
    level refusing a real dossier)."""
    import jsonschema

    from cff_desktop.dossier import schemas

    validator = jsonschema.Draft202012Validator(schemas._VALUE)
    raws = {"yes_no": "có", "ratio": "3/4", "count": "2", "rate": "2/1000", "manual": "1,5"}
    assert set(raws) == set(KINDS)
    for f in bundled_files():
        for ind in load_file(f).indicators.values():
            stored = parse_value(ind, raws[kind_of(ind).key]).to_json()
            assert not list(validator.iter_errors(stored)), (ind.id, stored)
