"""Where a received dossier may go next: one table of the allowed state changes and one check.

The states a package passes through at the upper level::

    received / verified ──appraise──▶ under_appraisal ──council──▶ council ──recognise──▶ recognised
            │                               │                          └──not_recognise──▶ not_recognised
            └──────────────return───────────┴──▶ returned

    recognised ◀──correct──▶ not_recognised;  either ──revoke──▶ council
    a newer package replaces the current one (``replace``) only while no decision stands

Every step (appraise, return, council, decide) asks :func:`require_transition` and gets the new
state or a refusal that names the current state; a package a later one superseded is refused by
:func:`require_current` whatever its state.
"""

from __future__ import annotations

from typing import Any

from cff_desktop.common.errors import Refused
from cff_desktop.services.workspace import Workspace

STATES = {
    "received": "Đã nhận",
    "verified": "Đã kiểm tra",
    "under_appraisal": "Đang thẩm định",
    "returned": "Đã trả lại",
    "council": "Đã trình hội đồng",
    "recognised": "Đã công nhận",
    "not_recognised": "Không công nhận",
}

# action -> ({state now: state after}, what the refusal says after the current state)
TRANSITIONS: dict[str, tuple[dict[str, str], str]] = {
    "appraise": ({"received": "under_appraisal", "verified": "under_appraisal",
                  "under_appraisal": "under_appraisal"}, "không thẩm định thêm."),
    "return": ({"received": "returned", "verified": "returned", "under_appraisal": "returned"},
               "không trả lại được."),
    "council": ({"verified": "council", "under_appraisal": "council"},
                "chỉ hồ sơ đã kiểm tra hoặc đang thẩm định mới trình hội đồng."),
    "recognise": ({"council": "recognised"}, "trình hội đồng xét duyệt trước."),
    "not_recognise": ({"council": "not_recognised"},
                      "trình hội đồng xét duyệt trước."),
    # A decision is undone only by a decision of its own (number, date, written reason): revoked, the
    # dossier is back before the council; corrected, the conclusion turns over.
    "revoke": ({"recognised": "council", "not_recognised": "council"},
               "chỉ thu hồi được hồ sơ đã có quyết định."),
    "correct": ({"recognised": "not_recognised", "not_recognised": "recognised"},
                "chỉ sửa được quyết định đã có; chưa có quyết định thì kết luận bằng quyết định công nhận hoặc "
                "không công nhận."),
    # A newer package from the commune replaces the current one only while no decision stands on it;
    # after the decision it is held ("đến sau quyết định") until a reviewer acts.
    "replace": ({"received": "verified", "verified": "verified", "under_appraisal": "verified",
                 "returned": "verified", "council": "verified"},
                "gói mới đến sau quyết định; thu hồi quyết định trước rồi mới nhận gói mới."),
}
# action -> the remedy a refusal names (common.errors.REMEDIES), worded by the CLI or the window
TRANSITION_REMEDIES: dict[str, str] = {"recognise": "pass_to_council", "not_recognise": "pass_to_council"}


def require_transition(state: str, action: str, ref: str = "") -> str:
    """The state after ``action`` from ``state``; :class:`Refused` (naming the state) when not allowed."""
    allowed, refusal = TRANSITIONS[action]
    if state not in allowed:
        raise Refused(f"hồ sơ đang ở trạng thái \"{STATES[state]}\"; {refusal}", ref,
                      remedy=TRANSITION_REMEDIES.get(action))
    return allowed[state]


def require_current(ws: Workspace, pk: dict[str, Any], doing: str) -> None:
    """Refuse any step on a package the commune has since replaced with a newer one."""
    if pk["superseded_by"]:
        new = ws.store.one("SELECT uuid FROM received_package WHERE sha256 = ?", (pk["superseded_by"],))
        raise Refused(f"gói {pk['uuid']} đã được thay bằng gói xã gửi sau ({new['uuid'] if new else '?'}); "
                      f"không {doing} trên gói cũ. Mở gói mới để làm tiếp.", pk["uuid"])
