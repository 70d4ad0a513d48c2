"""How the window words a service error's remedy: the page and the button that do it.

The services say what to do in neutral words (see :mod:`cff_desktop.common.errors`); the window adds
where to click, the CLI its command (:mod:`cff_desktop.cli.remedies`). A window user never reads a
command-line flag.
"""

from __future__ import annotations

from cff_desktop.common.errors import CffError
from cff_desktop.ui.i18n import tr


def _ui_remedies() -> dict[str, str]:
    # built on each call so the words follow the language chosen at run time
    return {
        "trust_device": tr("Nhập lại: cửa sổ sẽ hỏi từng máy chưa đăng ký; chỉ bấm «Tin máy này» khi dấu vân tay "
                           "khớp từng ký tự với máy của xã (so qua điện thoại)."),
        "close_council": tr("Mở trang «Hội đồng» và bấm «Kết thúc họp»."),
        "enrol_device": tr("Mở trang «Gửi lên cấp trên», điền địa chỉ máy chủ và mã đăng ký rồi bấm «Đăng ký»."),
        "pass_to_council": tr("Mở hồ sơ của đơn vị và bấm «Trình Hội đồng xét duyệt»."),
        "import_ruleset": tr("Mở «Thiết lập», thẻ «Vòng đánh giá», bấm «Nhập bộ tiêu chí chính thức…»."),
        "return_comment": tr("Ghi nhận xét vào ô bên cạnh rồi bấm lại «Trả lại xã»."),
    }


def ui_hint(remedy: str | None) -> str:
    """The window's words for ``remedy``, with a leading space, or "" when there is none."""
    text = _ui_remedies().get(remedy or "")
    return f" {text}" if text else ""


def error_text(e: CffError) -> str:
    """What the window shows for a refusal: the service's message and where to click to fix it."""
    return e.message + ui_hint(e.remedy)
