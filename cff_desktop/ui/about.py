"""“Giới thiệu”: the version, the rule sets this copy ships and has imported, and where data lives.

Support on the phone starts with these three facts, so they are one click away on every screen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from cff_desktop import APP_TITLE, __version__
from cff_desktop.services.workspace import Workspace
from cff_desktop.ui.i18n import tr


def about_html(ws: Workspace) -> str:
    rows = []
    for rs in ws.library.all():
        src = tr("có sẵn") if ws.library.is_bundled(rs) else tr("đã nhập")
        prov = tr(" — có thang điểm tạm") if any(c.provisional for c in rs.criteria) else ""
        rows.append(f"<li><b>{rs.id}</b> {tr('phiên bản')} {rs.version} ({src}){prov}<br>"
                    f"<span style='color:#5c6b7a'>{rs.title}<br>SHA-256 {rs.sha256[:16]}…</span></li>")
    return (f"<h2>cff_desktop {__version__}</h2><p>{APP_TITLE}</p>"
            f"<p><b>{tr('Bộ tiêu chí')}</b></p><ul>{''.join(rows)}</ul>"
            f"<p><b>{tr('Thư mục dữ liệu')}</b><br>{ws.paths.home}<br>{ws.paths.db}</p>")


class AboutDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Giới thiệu"))
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        self.text = QLabel(about_html(ws))
        self.text.setWordWrap(True)
        lay.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
