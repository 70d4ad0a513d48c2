"""The one table of a received dossier's state changes says exactly what the four steps allowed before."""

from __future__ import annotations

import pytest

from cff_desktop.common.errors import Refused
from cff_desktop.services.district import STATES, require_transition

# The rules as appraise / return_package / pass_to_council / decide wrote them, one condition each.
CLOSED = ("council", "recognised", "not_recognised", "returned")
BEFORE = {
    "appraise": lambda s: s not in CLOSED,
    "return": lambda s: s not in CLOSED,
    "council": lambda s: s in ("verified", "under_appraisal"),
    "recognise": lambda s: s == "council",
    "not_recognise": lambda s: s == "council",
}
AFTER = {"appraise": "under_appraisal", "return": "returned", "council": "council", "recognise": "recognised",
         "not_recognise": "not_recognised"}


@pytest.mark.parametrize("action", sorted(BEFORE))
@pytest.mark.parametrize("state", sorted(STATES))
def test_table_allows_exactly_what_the_steps_allowed(state: str, action: str) -> None:
    if BEFORE[action](state):
        assert require_transition(state, action, "pkg") == AFTER[action]
    else:
        with pytest.raises(Refused) as e:
            require_transition(state, action, "pkg")
        assert e.value.message.startswith(f"hồ sơ đang ở trạng thái \"{STATES[state]}\"; ")
        assert e.value.where == "pkg"


def test_refusals_keep_their_words() -> None:
    with pytest.raises(Refused) as e:
        require_transition("received", "recognise")
    assert e.value.message == "hồ sơ đang ở trạng thái \"Đã nhận\"; trình hội đồng xét duyệt trước."
    assert e.value.remedy == "pass_to_council"
    with pytest.raises(Refused) as e:
        require_transition("received", "council")
    assert e.value.message == ("hồ sơ đang ở trạng thái \"Đã nhận\"; chỉ hồ sơ đã kiểm tra hoặc đang thẩm định "
                               "mới trình hội đồng.")
    with pytest.raises(Refused) as e:
        require_transition("council", "appraise")
    assert e.value.message == "hồ sơ đang ở trạng thái \"Đã trình hội đồng\"; không thẩm định thêm."
    with pytest.raises(Refused) as e:
        require_transition("returned", "return")
    assert e.value.message == "hồ sơ đang ở trạng thái \"Đã trả lại\"; không trả lại được."
