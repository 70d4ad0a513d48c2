"""The clerk's dashboard: 13 tiles, the total against the threshold, what blocks, the timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
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
        self.state.setWordWrap(True)
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
        self.state.setText(f"<span style='color:{colour}; font-weight:600'>● {tr(t.state_label)}</span>"
                           + (f" <span style='color:#5c6b7a'>· {' · '.join(extra)}</span>" if extra else ""))
        # A dynamic property picks the border colour from the application's style sheet: a style
        # sheet per tile made Qt restyle each tile and its labels on every refresh (slow sign-in).
        state = "zero" if t.zero else t.state
        if self.property("state") != state:
            self.setProperty("state", state)
            self.style().unpolish(self)
            self.style().polish(self)

    def mouseReleaseEvent(self, event) -> None:
        self.clicked.emit(self.tile_id)
        super().mouseReleaseEvent(event)


STEP_MARKS = {"done": ("✔", "#2d8a4e"), "current": ("▶", "#1f5fa8"), "late": ("⚠", "#b42318"),
              "next": ("○", "#5c6b7a"), "todo": ("○", "#9aa5b1")}
TILE_MIN_WIDTH = 250  # below this a tile's two-line name and points no longer fit side by side


class DashboardPage(QWidget):
    open_criterion = Signal(str)
    go_to = Signal(str)  # a page key of the shell: setup | entry | council | documents | sync

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

        # The next thing to do, with a button that goes there (DOMAIN §3, step by step).
        self.next_box = QFrame()
        self.next_box.setObjectName("total")
        nl = QHBoxLayout(self.next_box)
        self.next_text = QLabel()
        self.next_text.setWordWrap(True)
        self.next_text.setTextFormat(Qt.TextFormat.RichText)
        self.next_button = QPushButton()
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(lambda: self.go_to.emit(self.next_page))
        self.next_page: str = ""
        nl.addWidget(self.next_text, 1)
        nl.addWidget(self.next_button)
        lay.addWidget(self.next_box)

        # Side by side on a wide screen, stacked on a narrow one (see resizeEvent).
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.top_row = row
        self.total_box = QFrame()
        self.total_box.setObjectName("total")
        tl = QVBoxLayout(self.total_box)
        self.total = QLabel()
        self.total.setTextFormat(Qt.TextFormat.RichText)
        self.total.setWordWrap(True)
        self.blockers = QLabel()
        self.blockers.setWordWrap(True)
        tl.addWidget(self.total)
        tl.addWidget(self.blockers)
        row.addWidget(self.total_box, 3)
        self.timeline_box = QFrame()
        self.timeline_box.setObjectName("total")
        tlay = QVBoxLayout(self.timeline_box)
        head = QLabel(tr("Trình tự đánh giá"))
        head.setObjectName("h2")
        tlay.addWidget(head)
        self.timeline = QLabel()
        self.timeline.setTextFormat(Qt.TextFormat.RichText)
        self.timeline.setWordWrap(True)
        tlay.addWidget(self.timeline)
        row.addWidget(self.timeline_box, 2)
        lay.addLayout(row)

        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        self.tiles: list[TileWidget] = []
        for _n in range(15):
            t = TileWidget()
            t.clicked.connect(self.open_criterion)
            t.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.tiles.append(t)
        self.columns = 0
        self._reflow(4)
        lay.addLayout(self.grid)
        lay.addStretch(1)
        ctx.changed.connect(lambda _what: self.refresh())
        self.refresh()

    def _reflow(self, columns: int) -> None:
        """Lay the tiles out in ``columns`` columns (4 on a wide screen, down to 2 on a narrow one)."""
        if columns == self.columns:
            return
        for t in self.tiles:
            self.grid.removeWidget(t)
        for col in range(max(columns, self.columns)):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)
        for n, t in enumerate(self.tiles):
            self.grid.addWidget(t, n // columns, n % columns)
        self.columns = columns

    def resizeEvent(self, event) -> None:
        width = event.size().width() - 40  # the page's side margins
        # A tile needs room for "Tiêu chí 13" beside "125 / 125" in the heading font: scale the
        # minimum with the text size chosen in Set-up (100/125/150 %).
        tile = max(TILE_MIN_WIDTH, self.fontMetrics().height() * 15)
        self._reflow(max(1, min(4, width // tile)))
        self.top_row.setDirection(QBoxLayout.Direction.LeftToRight if width >= 900
                                  else QBoxLayout.Direction.TopToBottom)
        super().resizeEvent(event)

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
        for st in d.steps:
            mark, colour = STEP_MARKS[st.state]
            when = f" · {vn_date(st.date)}" if st.date else ""
            lines.append(f"<span style='color:{colour}; font-weight:600'>{mark} {tr(st.label)}</span>"
                         f"<span style='color:#5c6b7a'>{when} · {tr(st.state_label)} — {tr(st.detail)}</span>")
        self.timeline.setText("<br>".join(lines))
        nxt = d.next_step
        if nxt is None:
            self.next_text.setText(tr("<b>Đã xong mọi bước của vòng đánh giá.</b>"))
            self.next_button.setVisible(False)
            self.next_page = ""
        else:
            late = tr(" — <span style='color:#b42318'>đã trễ hạn {d}</span>").format(
                d=vn_date(nxt.date)) if nxt.state == "late" else ""
            self.next_text.setText(tr("<b>Việc cần làm tiếp:</b> {label} ({detail}){late}").format(
                label=tr(nxt.label), detail=tr(nxt.detail), late=late))
            self.next_button.setText(tr(nxt.action))
            if self.next_button.isHidden():
                self.next_button.setVisible(True)
            self.next_page = nxt.page
        for i, w in enumerate(self.tiles):
            if i < len(d.tiles):
                w.show_tile(d.tiles[i])
                if w.isHidden():  # show() on a shown tile still restyles it: costly at sign-in
                    w.show()
            elif not w.isHidden():
                w.hide()
        self.last = d
        return d
