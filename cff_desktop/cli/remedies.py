"""How the command line words a service error's remedy: the command or flag that does it.

The services say what to do in neutral words (see :mod:`cff_desktop.common.errors`); the CLI adds
its own way of doing it, the window adds its page and button (:mod:`cff_desktop.ui.remedies`).
"""

from __future__ import annotations

from cff_desktop.common.errors import CffError

CLI_REMEDIES: dict[str, str] = {
    "trust_device": "Nếu dấu vân tay khớp (so qua điện thoại), chạy lại lệnh với --trust-fingerprint DẤU_VÂN_TAY "
                    "(gói dữ liệu ngành: --device-of HỌ_TÊN).",
    "close_council": "Kết thúc họp bằng `cff council close`.",
    "enrol_device": "Đăng ký máy bằng `cff sync enrol --server URL --code MÃ`.",
    "pass_to_council": "Trình hội đồng bằng `cff district council MÃ_GÓI`.",
    "import_ruleset": "Nhập bộ tiêu chí bằng `cff rulesets import TỆP`.",
    "return_comment": "Thêm --comment \"7: lý do\".",
}


def cli_hint(remedy: str | None) -> str:
    """The CLI's words for ``remedy``, with a leading space, or "" when there is none."""
    text = CLI_REMEDIES.get(remedy or "")
    return f" {text}" if text else ""


def cli_error_line(e: CffError) -> str:
    """The one line the CLI prints for a refusal: where, what, and the command that fixes it."""
    return f"{e}{cli_hint(e.remedy)}"
