"""What a window action changed, as announced on ``AppContext.changed`` and heard by the views.

One closed list instead of free strings, so a view cannot wait for a word no action ever says (a
test checks both sides against this enum). It is a :class:`~enum.StrEnum`: a member equals its
text, so a view comparing with ``"values"`` and an action emitting ``Change.VALUES`` still meet.
"""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    VALUES = "values"  # a figure typed, cleared or imported
    PROGRESS = "progress"  # a criterion marked done or reopened
    EVIDENCE = "evidence"  # a proof file attached or removed
    COUNCIL = "council"  # the council's meeting, members, vote, adjustments, closing or reopening
    SETUP = "setup"  # the unit, its dates, officers, assignments or the upper level's key
    RULESET = "ruleset"  # the open round moved to another rule set
    SYNC = "sync"  # a dossier sent or a decision fetched
    BUDGET = "budget"  # a budget line of child work added, removed or imported
    REPORT_TEXTS = "report_texts"  # the report's narrative sections edited
    DISTRICT = "district"  # the upper level received, appraised or decided a dossier
