"""The clerk's dashboard: 13 tiles, the total against the threshold, what blocks, the timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.text import format_points
from cff_desktop.rules.model import CATEGORY_LABELS
from cff_desktop.services.dashboard import Dashboard, Tile, build_dashboard, vn_date
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.theme import STATE_COLOURS
from cff_desktop.ui.widgets import scroll_page


class TileWidget(QFrame):
    clicked = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(112)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(3)
        top = QHBoxLayout()
        self.number = QLabel()
        self.number.setObjectName("h2")
        self.points = QLabel()
        self.points.setObjectName("h2")
        top.addWidget(self.number)
        top.addStretch(1)
        top.addWidget(self.points)
        lay.addLayout(top)
        self.name = QLabel()
        self.name.setWordWrap(True)
        lay.addWidget(self.name, 1)
        self.owner = QLabel()
        self.owner.setObjectName("muted")
        lay.addWidget(self.owner)
        self.state = QLabel()
        lay.addWidget(self.state)
        self.tile_id = ""

    def show_tile(self, t: Tile) -> None:
        self.tile_id = t.id
        self.number.setText(tr("Tiêu chí {id}").format(id=t.id))
        pts = f"{t.points} / {t.max}" if t.assessed else f"— / {t.max}"
        self.points.setText(pts)
        name = t.name if len(t.name) <= 90 else t.name[:87] + "…"
        self.name.setText(name)
        self.name.setToolTip(t.name)
        self.owner.setText(t.owner)
        extra = []
        if t.zero:
            extra.append(tr("0 điểm"))
        if t.overridden:
            extra.append(tr("hội đồng điều chỉnh"))
        if t.provisional:
            extra.append(tr("điểm suy ra") if t.basis == "inferred" else tr("thang điểm tạm"))
        colour = "#b42318" if t.zero else STATE_COLOURS[t.state]
        self.state.setText(f"<span style='color:{colour}; font-weight:600'>● {t.state_label}</span>"
                           + (f" <span style='color:#5c6b7a'>· {' · '.join(extra)}</span>" if extra else ""))
        self.setStyleSheet(f"#tile {{ border-left: 5px solid {colour}; }}")

    def mouseReleaseEvent(self, event) -> None:
        self.clicked.emit(self.tile_id)
        super().mouseReleaseEvent(event)


class DashboardPage(QWidget):
    open_criterion = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = scroll_page(self, spacing=12)
        self.heading = QLabel()
        self.heading.setObjectName("h1")
        lay.addWidget(self.heading)
        self.sub = QLabel()
        self.sub.setObjectName("muted")
        self.sub.setWordWrap(True)
        lay.addWidget(self.sub)

        row = QHBoxLayout()
        self.total_box = QFrame()
        self.total_box.setObjectName("total")
        tl = QVBoxLayout(self.total_box)
        self.total = QLabel()
        self.total.setTextFormat(Qt.TextFormat.RichText)
        self.blockers = QLabel()
        self.blockers.setWordWrap(True)
        tl.addWidget(self.total)
        tl.addWidget(self.blockers)
        row.addWidget(self.total_box, 3)
        self.timeline_box = QFrame()
        self.timeline_box.setObjectName("total")
        tlay = QVBoxLayout(self.timeline_box)
        head = QLabel(tr("Tiến độ vòng đánh giá"))
        head.setObjectName("h2")
        tlay.addWidget(head)
        self.timeline = QLabel()
        self.timeline.setTextFormat(Qt.TextFormat.RichText)
        tlay.addWidget(self.timeline)
        row.addWidget(self.timeline_box, 2)
        lay.addLayout(row)

        grid = QGridLayout()
        grid.setSpacing(10)
        self.tiles: list[TileWidget] = []
        for n in range(15):
            t = TileWidget()
            t.clicked.connect(self.open_criterion)
            grid.addWidget(t, n // 4, n % 4)
            self.tiles.append(t)
        for col in range(4):
            grid.setColumnStretch(col, 1)
        lay.addLayout(grid)
        lay.addStretch(1)
        ctx.changed.connect(lambda _what: self.refresh())
        self.refresh()

    def refresh(self) -> Dashboard:
        d = build_dashboard(self.ctx.ws)
        rnd, res = d.round, d.result
        self.heading.setText(tr("{commune} — vòng đánh giá năm {year}").format(
            commune=rnd.commune["name"], year=rnd.year))
        prov = tr(" (thang điểm tạm ở một số tiêu chí)") if any(t.provisional for t in d.tiles) else ""
        self.sub.setText(tr("{cat} · Bộ tiêu chí {rs} {ver}{prov}").format(
            cat=CATEGORY_LABELS[rnd.commune["category"]], rs=rnd.ruleset.id, ver=rnd.ruleset.version, prov=prov))
        colour = "#2d8a4e" if res.recognized else "#b42318"
        self.total.setText(
            f"<span style='font-size:13pt'>{tr('Tổng điểm')}: </span>"
            f"<span style='font-size:22pt; font-weight:700'>{format_points(res.total)}</span>"
            f"<span style='font-size:13pt'> / {format_points(res.max_total)} · {tr('ngưỡng')} "
            f"{format_points(res.threshold)} · </span>"
            f"<span style='font-size:14pt; font-weight:700; color:{colour}'>{d.verdict}</span>")
        if d.blockers:
            text = tr("Còn vướng:") + "<br>" + "<br>".join(f"• {b}" for b in d.blockers)
        else:
            text = tr("Đủ điều kiện đề nghị công nhận.")
        if d.decisions:
            text += "<br><br><b>" + tr("Cấp trên:") + "</b><br>" + "<br>".join(f"• {x}" for x in d.decisions)
        self.blockers.setText(text)
        lines = []
        for m in d.timeline:
            when = vn_date(m.date) if m.date else tr("chưa đặt")
            mark = "✔" if m.passed else "○"
            lines.append(f"{mark} {m.label}: <b>{when}</b>")
        self.timeline.setText("<br>".join(lines))
        for i, w in enumerate(self.tiles):
            if i < len(d.tiles):
                w.show_tile(d.tiles[i])
                w.show()
            else:
                w.hide()
        self.last = d
        return d
