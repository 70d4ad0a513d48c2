"""Load and check rule set files.

A rule set is the law the commune is scored under, so a broken file must never half-load: the file
is parsed, checked against the JSON Schema, then checked for the arithmetic the schema cannot
express (maxima adding up, bands ordered), and every problem names the file and the field.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.resources import resource_dir
from cff_desktop.common.text import nfc_deep
from cff_desktop.rules.kinds import raw_kind
from cff_desktop.rules.model import Band, Criterion, Indicator, RuleSet, Threshold


class RuleSetError(BadInput):
    """A rule set file that is not JSON, breaks the schema, or does not add up."""


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(resource_dir("rulesets", "ruleset.schema.json").read_text("utf-8"))


def _path_of(error: Any) -> str:
    parts: list[str] = []
    for p in error.absolute_path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "(gốc)"


def _dec(x: Any) -> Decimal:
    return Decimal(str(x))


def parse_bytes(data: bytes, source: str) -> RuleSet:
    """Parse and check a rule set from its file bytes; ``source`` names it in errors.

    Checked results are cached by content hash (a rule set is immutable once written), so a
    round's pinned rule set is validated once per process, not on every value entered.
    """
    return _parse_cached(hashlib.sha256(data).hexdigest(), data, source)


@lru_cache(maxsize=32)
def _parse_cached(sha: str, data: bytes, source: str) -> RuleSet:
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise RuleSetError(f"tệp không phải văn bản UTF-8 ({e.reason})", source) from None
    except json.JSONDecodeError as e:
        raise RuleSetError(
            f"tệp không phải JSON hợp lệ: {e.msg} (dòng {e.lineno}, cột {e.colno})", source
        ) from None
    raw = nfc_deep(raw)
    if sha not in bundled_hashes():
        _check_schema(raw, source)
    return _build(raw, sha, source)


@lru_cache(maxsize=1)
def bundled_hashes() -> frozenset[str]:
    """SHA-256 of the rule sets shipped with the program.

    Their bytes are checked against the schema by the test suite before release
    (tests/test_rulesets.py), so at run time they skip the JSON Schema check: importing jsonschema
    costs more than everything else ``cff score`` does. Any other bytes — imported files, rule sets
    pinned in a package from elsewhere, published by the upper level — are always checked.
    """
    return frozenset(hashlib.sha256(p.read_bytes()).hexdigest() for p in bundled_files())


def _check_schema(raw: Any, source: str) -> None:
    import jsonschema  # only for rule sets that did not ship with the program (see bundled_hashes)

    validator = _validator()
    err = jsonschema.exceptions.best_match(validator.iter_errors(raw))
    if err is not None:
        raise RuleSetError(f"trường {_path_of(err)}: {err.message}", source)


@lru_cache(maxsize=1)
def _validator() -> Any:
    """The schema, checked and compiled once per process."""
    import jsonschema

    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load_file(path: Path) -> RuleSet:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise RuleSetError(f"không đọc được tệp bộ tiêu chí: {e.strerror}", str(path)) from None
    return parse_bytes(data, str(path))


def _bands(ind: dict[str, Any], where: str) -> tuple[Band, ...]:
    direction = ind.get("direction", "higher_better")
    key = "at_least" if direction == "higher_better" else "at_most"
    out: list[Band] = []
    for n, b in enumerate(ind.get("bands", [])):
        if key not in b:
            raise RuleSetError(
                f"mức điểm {n} phải dùng '{key}' vì chỉ số có direction={direction}",
                f"{where}.bands[{n}]",
            )
        bound = Fraction(str(b[key]))
        if raw_kind(ind).percent_bounds and bound > 100:
            raise RuleSetError("ngưỡng tỷ lệ phải trong khoảng 0..100 (%)", f"{where}.bands[{n}]")
        if raw_kind(ind).whole_bounds and bound.denominator != 1:
            raise RuleSetError("ngưỡng số ca phải là số nguyên", f"{where}.bands[{n}]")
        points = _dec(b["points"])
        if points > _dec(ind["max"]):
            raise RuleSetError(
                f"điểm {points} vượt điểm tối đa {ind['max']} của chỉ số", f"{where}.bands[{n}]"
            )
        if out:
            prev = out[-1]
            ordered = bound < prev.bound if direction == "higher_better" else bound > prev.bound
            if not ordered or points > prev.points:
                raise RuleSetError(
                    "các mức điểm phải xếp từ mức tốt nhất xuống, ngưỡng và điểm giảm dần",
                    f"{where}.bands[{n}]",
                )
        # A band without its own status is as sure as its indicator.
        status = b.get("status", ind["status"])
        out.append(Band(bound, points, status != "confirmed", status, bool(b.get("strict", False)),
                        b.get("source")))
    return tuple(out)


def _build(raw: dict[str, Any], sha: str, source: str) -> RuleSet:
    criteria: list[Criterion] = []
    seen_c: set[str] = set()
    seen_i: set[str] = set()
    for ci, c in enumerate(raw["criteria"]):
        cwhere = f"criteria[{ci}]"
        if c["id"] in seen_c:
            raise RuleSetError(f"mã tiêu chí '{c['id']}' bị trùng", f"{source}: {cwhere}.id")
        seen_c.add(c["id"])
        inds: list[Indicator] = []
        for ii, i in enumerate(c["indicators"]):
            where = f"{cwhere}.indicators[{ii}]"
            if i["id"] in seen_i:
                raise RuleSetError(f"mã chỉ số '{i['id']}' bị trùng", f"{source}: {where}.id")
            if i["id"].split(".")[0] != c["id"]:
                raise RuleSetError(
                    f"chỉ số '{i['id']}' phải bắt đầu bằng mã tiêu chí '{c['id']}.'",
                    f"{source}: {where}.id",
                )
            seen_i.add(i["id"])
            try:
                bands = _bands(i, where)
            except RuleSetError as e:
                raise RuleSetError(e.message, f"{source}: {e.where}") from None
            if i["kind"] == "yes_no" and _dec(i.get("yes_points", i["max"])) > _dec(i["max"]):
                raise RuleSetError("yes_points vượt điểm tối đa", f"{source}: {where}.yes_points")
            inds.append(
                Indicator(
                    id=i["id"],
                    criterion_id=c["id"],
                    label=i["label"],
                    kind=i["kind"],
                    max=_dec(i["max"]),
                    status=i["status"],
                    direction=i.get("direction", "higher_better"),
                    bands=bands,
                    on_zero_denominator=i.get("on_zero_denominator", "not_applicable"),
                    zero_denominator_note=i.get("zero_denominator_note", ""),
                    numerator_label=i.get("numerator_label", ""),
                    denominator_label=i.get("denominator_label", ""),
                    count_label=i.get("count_label", ""),
                    yes_points=_dec(i["yes_points"]) if "yes_points" in i else None,
                    help=i.get("help", ""),
                    source=i.get("source"),
                    rate_per=i.get("rate_per"),
                    population_label=i.get("population_label", ""),
                )
            )
        isum = sum((x.max for x in inds), Decimal(0))
        if isum != _dec(c["max"]):
            raise RuleSetError(
                f"tổng điểm tối đa các chỉ số ({isum}) khác điểm tối đa của tiêu chí ({c['max']})",
                f"{source}: {cwhere}.max",
            )
        criteria.append(
            Criterion(
                id=c["id"],
                name=c["name"],
                sector=c["sector"],
                max=_dec(c["max"]),
                status=c.get("status", "confirmed"),
                indicators=tuple(inds),
                description=c.get("description", ""),
                source=c.get("source"),
            )
        )
    csum = sum((c.max for c in criteria), Decimal(0))
    if csum != _dec(raw["max_total"]):
        raise RuleSetError(
            f"tổng điểm tối đa các tiêu chí ({csum}) khác max_total ({raw['max_total']})",
            f"{source}: max_total",
        )
    thresholds = {}
    for cat, t in raw["thresholds"].items():
        if _dec(t["min_total"]) > csum:
            raise RuleSetError(
                "ngưỡng đạt chuẩn vượt tổng điểm tối đa", f"{source}: thresholds.{cat}.min_total"
            )
        thresholds[cat] = Threshold(_dec(t["min_total"]), t["status"], t.get("source"))
    return RuleSet(
        id=raw["id"],
        version=raw["version"],
        title=raw["title"],
        legal_basis=raw["legal_basis"],
        max_total=csum,
        thresholds=thresholds,
        criteria=tuple(criteria),
        sha256=sha,
        raw=raw,
        source=source,
    )


def bundled_files() -> list[Path]:
    """The rule set files shipped with the application, current ones first.

    ``superseded/`` keeps the exact bytes of every version shipped before, so a dossier scored
    under an older version still opens (and is rescored) on an installation updated since.
    """
    root = resource_dir("rulesets")
    current = sorted(p for p in root.glob("*.json") if p.name != "ruleset.schema.json")
    return current + sorted((root / "superseded").glob("*.json"))
