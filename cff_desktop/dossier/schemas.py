"""What every JSON member of a package must look like before any code uses it.

A package that passed the signature check is still only what its sender wrote: a hostile or
broken sender can sign ``snapshot.json = []`` or ``total: "lots"`` just as easily as a true
dossier. Each member is therefore parsed strictly (a duplicate key is refused — two parsers
could otherwise read two different documents from the same signed bytes — and so are
``NaN``/``Infinity``, which are not JSON) and checked against a JSON Schema here, before a
service reads a field of it. The schemas pin types and shapes, not the rule set's content
(which indicator ids exist is the rule set's business, checked by the services).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema

from cff_desktop.dossier.format import PackageRejected

_STR = {"type": "string"}
_HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_NUM = {"type": "number"}
_NUM_OR_NULL = {"type": ["number", "null"]}
# An ISO 8601 time as the app writes it (2026-11-30T21:16:03.123+00:00); parsed for real by the
# services, which also refuse a time in the future.
_TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
         r"(Z|[+-]\d{2}:?\d{2})?)?$"}
_TIME_OR_EMPTY = {"anyOf": [_TIME, {"const": ""}]}
_ID = {"type": "string", "minLength": 1, "maxLength": 32}
# A value as rules/values.py writes it: yes/no, a ratio, a count (for a rate indicator with the
# child population it is counted among) or manual points.
_VALUE = {"oneOf": [
    {"type": "boolean"},
    {"type": "object", "required": ["numerator", "denominator"], "additionalProperties": False,
     "properties": {"numerator": {"type": "integer", "minimum": 0},
                    "denominator": {"type": "integer", "minimum": 0}}},
    {"type": "object", "required": ["count"], "additionalProperties": False,
     "properties": {"count": {"type": "integer", "minimum": 0},
                    "population": {"type": "integer", "minimum": 0}}},
    {"type": "object", "required": ["points"], "additionalProperties": False,
     "properties": {"points": _NUM}},
]}

SNAPSHOT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "commune", "round", "ruleset", "values", "score"],
    "properties": {
        "format": {"type": "integer"},
        "closed_at": _TIME_OR_EMPTY,
        "commune": {"type": "object", "required": ["code", "name", "province", "category"],
                    "properties": {"code": {"type": ["string", "null"]}, "name": _STR, "province": _STR,
                                   "category": {"enum": ["urban_ward", "mountain_island_disadvantaged",
                                                         "other"]},
                                   "unit_type": {"type": ["string", "null"]},
                                   "villages": {"type": "array", "items": _STR}}},
        "round": {"type": "object", "required": ["year"], "properties": {"year": {"type": "integer"}}},
        "ruleset": {"type": "object", "required": ["id", "version", "sha256"],
                    "properties": {"id": _STR, "version": _STR, "sha256": _HEX64}},
        "values": {"type": "object", "propertyNames": {"maxLength": 16},
                   "additionalProperties": {
                       "type": "object", "required": ["value"],
                       "properties": {"value": {"anyOf": [_VALUE, {"type": "null"}]}, "note": _STR,
                                      "officer": {"type": ["string", "null"]},
                                      "entered_at": _TIME_OR_EMPTY}}},
        "assignments": {"type": "object", "additionalProperties": _STR},
        "score": {
            "type": "object",
            "required": ["total", "max_total", "threshold", "recognized", "criteria"],
            "properties": {
                "total": _NUM, "max_total": _NUM, "threshold": _NUM, "recognized": {"type": "boolean"},
                "category": _STR, "reasons": {"type": "array", "items": _STR},
                "criteria": {"type": "array", "items": {
                    "type": "object", "required": ["id", "points", "max"],
                    "properties": {
                        "id": _ID, "points": _NUM, "computed_points": _NUM, "max": _NUM,
                        "assessed": {"type": "boolean"},
                        "override": {"oneOf": [{"type": "null"}, {
                            "type": "object", "required": ["points", "reason"],
                            "properties": {"points": _NUM, "reason": {"type": "string", "minLength": 1}}}]},
                        "indicators": {"type": "array", "items": {
                            "type": "object", "required": ["id", "points"],
                            "properties": {"id": _ID, "points": _NUM, "max": _NUM,
                                           "percent": _NUM_OR_NULL}}},
                    }}},
            }},
        "council": {"type": "object"},
    },
}

AUDIT_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "object", "required": ["seq", "at", "actor", "action", "entity", "prev_hash", "hash"],
              "properties": {"seq": {"type": "integer", "minimum": 1}, "at": _TIME, "actor": _STR,
                             "action": _STR, "entity": _STR, "old": {"type": ["string", "null"]},
                             "new": {"type": ["string", "null"]}, "prev_hash": _HEX64, "hash": _HEX64}},
}

EVIDENCE_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "object", "required": ["criterion_id", "sha256", "filename", "size", "path"],
              "properties": {"criterion_id": _ID, "sha256": _HEX64, "filename": {"type": "string", "minLength": 1},
                             "size": {"type": "integer", "minimum": 0}, "mime": _STR, "added_at": _TIME_OR_EMPTY,
                             "officer": {"type": ["string", "null"]},
                             "path": {"type": "string", "pattern": "^evidence/[0-9a-f]{64}$"}}},
}

VALUES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["criteria", "values"],
    "properties": {
        "criteria": {"type": "array", "items": _ID},
        "values": {"type": "object", "propertyNames": {"maxLength": 16},
                   "additionalProperties": {
                       "type": "object", "required": ["value", "officer", "entered_at"],
                       "properties": {"value": _VALUE, "note": {"type": "string", "maxLength": 4000},
                                      "officer": {"type": "string", "minLength": 1}, "entered_at": _TIME}}},
        "officers": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"sector": _STR, "position": _STR}}},
    },
}

COMMENT = {"type": "object", "required": ["text"],
           "properties": {"criterion": _STR, "text": {"type": "string", "maxLength": 4000}}}
DECISION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "package_uuid", "decision", "comments", "decided_at"],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$"},
        "package_uuid": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
        "decision": {"enum": ["accepted", "returned"]},
        "action": _STR,
        "comments": {"type": "array", "maxItems": 500, "items": COMMENT},
        "decided_at": _TIME,
    },
}

#: payload member → schema; :meth:`Opened.read_json` checks these on every read.
MEMBER_SCHEMAS: dict[str, dict[str, Any]] = {
    "snapshot.json": SNAPSHOT_SCHEMA,
    "audit.json": AUDIT_SCHEMA,
    "evidence.json": EVIDENCE_SCHEMA,
    "values.json": VALUES_SCHEMA,
    "decision.json": DECISION_SCHEMA,
}


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKey(k)
        out[k] = v
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} không phải giá trị JSON")


def loads_strict(raw: bytes | str, member: str, where: str | None = None) -> Any:
    """Parse one JSON member: UTF-8, no duplicate key, no NaN/Infinity; refuses with the member's name."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except DuplicateKey as e:
        raise PackageRejected("bad_manifest", f"{member} có khóa JSON \"{e}\" lặp hai lần: hai chương trình có "
                              "thể đọc ra hai nội dung khác nhau. Không dùng gói này; đề nghị nơi gửi xuất lại.",
                              where, {"member": member}) from None
    except (UnicodeDecodeError, ValueError) as e:
        raise PackageRejected("bad_manifest", f"{member} không phải JSON hợp lệ ({e}).", where,
                              {"member": member}) from None


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(MEMBER_SCHEMAS[name])


def _is_int(x: Any) -> bool:
    return (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer())


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda x: isinstance(x, dict), "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str), "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None, "integer": _is_int,
    "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
}

Check = Callable[[Any], bool]


def _compile(schema: dict[str, Any]) -> Check:
    """The keywords these schemas use, turned once into plain Python checks.

    jsonschema walks a 12 kB snapshot in tens of milliseconds, too slow for a province importing
    hundreds of dossiers; it stays the reference: it words the refusal whenever this says no, and
    a test holds both to the same answers on real and forged members.
    """
    checks: list[Check] = []
    t = schema.get("type")
    if t is not None:
        kinds = [_TYPES[k] for k in ((t,) if isinstance(t, str) else t)]
        checks.append(kinds[0] if len(kinds) == 1 else (lambda x: any(k(x) for k in kinds)))
    if "const" in schema:
        c = schema["const"]
        checks.append(lambda x: x == c and type(x) is type(c))
    if "enum" in schema:
        e = schema["enum"]
        checks.append(lambda x: x in e)
    if "anyOf" in schema:
        subs = [_compile(s) for s in schema["anyOf"]]
        checks.append(lambda x: any(f(x) for f in subs))
    if "oneOf" in schema:
        subs1 = [_compile(s) for s in schema["oneOf"]]
        checks.append(lambda x: sum(1 for f in subs1 if f(x)) == 1)
    lo, hi = schema.get("minLength"), schema.get("maxLength")
    pat = re.compile(schema["pattern"]).search if "pattern" in schema else None
    if lo is not None or hi is not None or pat is not None:
        def strings(x: Any, lo: int = lo or 0, hi: int | None = hi) -> bool:
            if not isinstance(x, str):
                return True
            return lo <= len(x) and (hi is None or len(x) <= hi) and (pat is None or pat(x) is not None)
        checks.append(strings)
    if "minimum" in schema:
        m = schema["minimum"]
        checks.append(lambda x: not isinstance(x, (int, float)) or isinstance(x, bool) or x >= m)
    if "maxItems" in schema or "items" in schema:
        mx = schema.get("maxItems")
        item = _compile(schema["items"]) if "items" in schema else None

        def arrays(x: Any) -> bool:
            if not isinstance(x, list):
                return True
            return (mx is None or len(x) <= mx) and (item is None or all(item(i) for i in x))
        checks.append(arrays)
    if any(k in schema for k in ("required", "properties", "additionalProperties", "propertyNames")):
        req = tuple(schema.get("required", ()))
        props = {k: _compile(v) for k, v in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        extra_f = _compile(extra) if isinstance(extra, dict) else None
        names = _compile(schema["propertyNames"]) if "propertyNames" in schema else None

        def objects(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for k in req:
                if k not in x:
                    return False
            for k, v in x.items():
                if names is not None and not names(k):
                    return False
                f = props.get(k)
                if f is not None:
                    if not f(v):
                        return False
                elif extra is False or (extra_f is not None and not extra_f(v)):
                    return False
            return True
        checks.append(objects)
    if len(checks) == 1:
        return checks[0]
    return lambda x: all(c(x) for c in checks)


_compiled: dict[int, tuple[dict[str, Any], Check]] = {}


def fast_valid(schema: dict[str, Any], x: Any) -> bool:
    """True when ``x`` matches ``schema`` (the subset of JSON Schema used here), checked quickly."""
    hit = _compiled.get(id(schema))
    if hit is None or hit[0] is not schema:
        hit = _compiled[id(schema)] = (schema, _compile(schema))
    return hit[1](x)


def check_member(name: str, doc: Any, where: str | None = None,
                 schema: dict[str, Any] | None = None) -> None:
    """Refuse ``doc`` unless it matches the schema of member ``name``; the message names the field."""
    if fast_valid(schema if schema is not None else MEMBER_SCHEMAS[name], doc):
        return
    validator = jsonschema.Draft202012Validator(schema) if schema is not None else _validator(name)
    err = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if err is not None:
        path = ".".join(str(p) for p in err.absolute_path) or "(gốc)"
        msg = err.message if len(err.message) <= 160 else err.message[:157] + "…"
        raise PackageRejected("bad_manifest", f"{name} sai ở trường {path}: {msg}. Không dùng gói này; đề nghị "
                              "nơi gửi xuất lại.", where, {"member": name, "field": path})
