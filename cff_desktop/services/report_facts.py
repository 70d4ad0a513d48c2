"""Facts the report compares this round with: last year's result as its council froze it.

Seed 003's outline asks for the criteria met and not met "so với kế hoạch đầu năm" and against the
year before. The previous round's snapshot is the record of what the commune reported then; a round
never closed (no snapshot) has nothing to compare with.
"""

from __future__ import annotations

import json
from typing import Any

from cff_desktop.services.rounds import RoundInfo
from cff_desktop.services.workspace import Workspace


def previous_result(ws: Workspace, rnd: RoundInfo) -> dict[str, Any]:
    """The latest earlier closed round of the same commune: year, total and each criterion's points/max."""
    row = ws.store.one(
        "SELECT r.year, s.body FROM round r JOIN snapshot s ON s.round_id = r.id"
        " WHERE r.commune_id = ? AND r.year < ? AND r.status = 'closed' ORDER BY r.year DESC LIMIT 1",
        (rnd.row["commune_id"], rnd.year))
    if row is None:
        return {}
    score = (json.loads(row["body"]).get("score") or {})
    return {"year": int(row["year"]), "total": score.get("total"),
            "criteria": {str(c["id"]): [c.get("points"), c.get("max")] for c in score.get("criteria") or []}}
