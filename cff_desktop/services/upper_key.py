"""The upper level's public key on the commune's side, and what an export without it means.

The dossier's payload is encrypted to the upper level's key (age) so a lost USB stick leaks
nothing. A clerk who only uses the window must therefore be able to set the key (set-up page, or
automatically at sync enrolment), and must never write an unencrypted dossier without being told:
the evidence files it may carry can name children (Nghị định 13/2023/NĐ-CP).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cff_desktop.common.errors import Refused
from cff_desktop.services import keys
from cff_desktop.services.rounds import get_round
from cff_desktop.services.workspace import Workspace


@dataclass(frozen=True)
class ExportPlan:
    """Whether the next dossier will be encrypted, and how much evidence it would carry."""

    encrypted: bool
    fingerprint: str
    evidence_files: int

    def question(self) -> str:
        """What to ask the clerk before writing an unencrypted dossier."""
        base = ("Máy này chưa có khóa công khai của cấp trên, nên hồ sơ sẽ được ghi KHÔNG MÃ HÓA: "
                "ai cầm được USB cũng đọc được nội dung.")
        if self.evidence_files:
            base += (f" Hồ sơ có {self.evidence_files} tệp minh chứng, có thể chứa tên, thông tin của trẻ em "
                     "(dữ liệu cá nhân nhạy cảm).")
        return base + (" Nên nhập khóa của cấp trên trước (Thiết lập → Khóa cấp trên). "
                       "Vẫn ghi hồ sơ không mã hóa?")


def export_plan(ws: Workspace, year: int | None = None) -> ExportPlan:
    up = keys.upper_recipient(ws)
    rnd = get_round(ws, year)
    n = ws.store.one("SELECT count(*) AS n FROM evidence WHERE round_id = ? AND removed_at IS NULL",
                     (rnd.id,))
    return ExportPlan(up is not None, (up or {}).get("fingerprint", ""), int(n["n"]) if n else 0)


def check_unencrypted_export(ws: Workspace, *, confirmed: bool, year: int | None = None) -> ExportPlan:
    """Refuse an unencrypted dossier unless the clerk confirmed it after being told why."""
    plan = export_plan(ws, year)
    if not plan.encrypted and not confirmed:
        what = (f"hồ sơ có {plan.evidence_files} tệp minh chứng và " if plan.evidence_files else "")
        raise Refused(f"{what}chưa có khóa công khai của cấp trên nên sẽ không được mã hóa. Nhập khóa trong "
                      "Thiết lập → Khóa cấp trên (hoặc cff keys import-upper), hoặc xác nhận ghi không mã hóa "
                      "(trong cửa sổ, hoặc --unencrypted).",
                      "khóa cấp trên")
    return plan


def key_from_enrolment(ws: Workspace, server: dict[str, Any]) -> dict[str, str] | None:
    """Store the upper level's age key if the enrolment answer carries one and none is set.

    An inbox that sends ``server.recipient`` (``age1…``) spares the clerk the set-up step. A key
    already configured is kept: replacing it silently would let a wrong server redirect the
    encryption; the clerk changes it on the set-up page, seeing both fingerprints.
    """
    rec = server.get("recipient") if isinstance(server, dict) else None
    if not isinstance(rec, str) or not rec.strip().lower().startswith("age1"):
        return None
    if keys.upper_recipient(ws) is not None:
        return None
    return keys.import_upper(ws, rec.strip())
