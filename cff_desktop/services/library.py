"""The rule set library: shipped files plus files an admin imported into the data folder.

An import never changes a round: rounds pin the exact bytes (id, version, SHA-256) they were
created with, so a newer rule set cannot rescale a closed assessment.
"""

from __future__ import annotations

from pathlib import Path

from cff_desktop.common.errors import NotFound, Refused
from cff_desktop.common.files import write_atomic
from cff_desktop.rules.loader import bundled_files, load_file, parse_bytes
from cff_desktop.rules.model import RuleSet
from cff_desktop.storage.paths import ensure_dir


class RuleLibrary:
    def __init__(self, imported_dir: Path) -> None:
        self.imported_dir = imported_dir
        self._cache: list[RuleSet] | None = None

    def all(self) -> list[RuleSet]:
        if self._cache is None:
            found: dict[tuple[str, str], RuleSet] = {}
            for f in bundled_files():
                rs = load_file(f)
                found[(rs.id, rs.version)] = rs
            if self.imported_dir.is_dir():
                for f in sorted(self.imported_dir.glob("*.json")):
                    rs = load_file(f)
                    found[(rs.id, rs.version)] = rs
            self._cache = sorted(found.values(), key=lambda r: (r.id, r.version_key))
        return self._cache

    def refresh(self) -> None:
        """Forget the cached list (a file may have been imported by another process)."""
        self._cache = None

    def get(self, rid: str, version: str | None = None) -> RuleSet:
        matches = [r for r in self.all() if r.id == rid and (version is None or r.version == version)]
        if not matches:
            known = ", ".join(sorted({r.id for r in self.all()}))
            what = f"{rid} {version}" if version else rid
            raise NotFound(
                f"không có bộ tiêu chí '{what}'. Các bộ đang có: {known}. Hãy nhập tệp bộ tiêu chí.",
                "ruleset", remedy="import_ruleset",
            )
        return max(matches, key=lambda r: r.version_key)

    def is_bundled(self, rs: RuleSet) -> bool:
        return not rs.source.startswith(str(self.imported_dir))

    def import_file(self, path: Path) -> tuple[RuleSet, bool]:
        """Check and add a rule set file. Returns (rule set, True if it was new)."""
        load_file(Path(path))  # names the file in any error before its bytes are read for keeps
        return self.import_bytes(Path(path).read_bytes(), str(path))

    def import_bytes(self, data: bytes, name: str) -> tuple[RuleSet, bool]:
        """Check and add a rule set given as bytes (``name`` is what errors call it)."""
        new = parse_bytes(data, name)
        for old in self.all():
            if old.id == new.id and old.version == new.version:
                if old.sha256 == new.sha256:
                    return old, False
                raise Refused(
                    f"đã có bộ tiêu chí {new.id} phiên bản {new.version} với nội dung khác. "
                    "Tăng số phiên bản (version) trong tệp mới rồi nhập lại.",
                    name,
                )
        ensure_dir(self.imported_dir)
        target = self.imported_dir / f"{new.id}-{new.version}.json"
        write_atomic(target, data, pattern="{token}.part", private=True)
        self._cache = None
        return parse_bytes(data, str(target)), True
