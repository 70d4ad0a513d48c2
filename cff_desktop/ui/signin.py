"""Sign-in screen: pick your name, type your PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.rules.model import SECTOR_LABELS
from cff_desktop.services.officers import list_officers
from cff_desktop.services.rounds import get_round
from cff_desktop.services.signin import Session, sign_in
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op


class SignInPage(QWidget):
    signed_in = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("page")
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(460)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(28, 24, 28, 24)
        lay.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("h1")
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        lay.addWidget(self.subtitle)
        lay.addWidget(QLabel(tr("Chọn tên của bạn:")))
        self.officers = QListWidget()
        self.officers.setObjectName("officers")
        self.officers.setMinimumHeight(220)
        lay.addWidget(self.officers)
        lay.addWidget(QLabel(tr("Mã PIN:")))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setValidator(QRegularExpressionValidator(r"\d{0,8}"))
        self.pin.setPlaceholderText(tr("4 đến 8 chữ số"))
        lay.addWidget(self.pin)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        self.button = QPushButton(tr("Đăng nhập"))
        self.button.setObjectName("primary")
        self.button.setDefault(True)
        lay.addWidget(self.button)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addStretch(1)
        self.button.clicked.connect(self.try_sign_in)
        self.pin.returnPressed.connect(self.try_sign_in)
        # Once a name is chosen, typing goes to the PIN: a click, Enter, or simply typing digits
        # while the list has the focus (the first digit is not lost).
        self.officers.itemActivated.connect(lambda _i: self.pin.setFocus())
        self.officers.itemClicked.connect(lambda _i: self.pin.setFocus())
        self.officers.installEventFilter(self)
        self.reload()

    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.officers and event.type() == QEvent.Type.KeyPress and event.text().isdigit():
            self.pin.setFocus()
            self.pin.insert(event.text())
            return True
        return super().eventFilter(obj, event)

    def reload(self) -> None:
        rnd = get_round(self.ctx.ws)
        self.title.setText(rnd.commune["name"])
        self.subtitle.setText(
            tr("Đánh giá xã, phường, thị trấn phù hợp với trẻ em — năm {year}").format(year=rnd.year))
        self.officers.clear()
        for o in list_officers(self.ctx.ws):
            sector = SECTOR_LABELS.get(o["sector"], o["sector"])
            item = QListWidgetItem(f"{o['name']}\n{o['position'] or sector}")
            item.setData(Qt.ItemDataRole.UserRole, o["id"])
            self.officers.addItem(item)
        if self.officers.count():
            self.officers.setCurrentRow(0)
        self.pin.clear()
        self.officers.setFocus()
        self.error.clear()

    def select_officer(self, officer_id: int) -> None:
        for row in range(self.officers.count()):
            if self.officers.item(row).data(Qt.ItemDataRole.UserRole) == officer_id:
                self.officers.setCurrentRow(row)

    def try_sign_in(self) -> None:
        item = self.officers.currentItem()
        if item is None:
            self.error.setText(tr("Chọn tên của bạn trong danh sách."))
            return
        from PySide6.QtGui import QGuiApplication

        # Checking the PIN is slow on purpose (scrypt) and the first screen follows: show it is busy.
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._sign_in(item)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _sign_in(self, item: QListWidgetItem) -> None:
        def refused(_message: str) -> None:
            self.pin.clear()
            self.pin.setFocus()

        session: Session | None = Op(
            self, lambda: sign_in(self.ctx.ws, str(item.data(Qt.ItemDataRole.UserRole)), self.pin.text()),
            say=lambda text, error=False: self.error.setText(text), ctx=self.ctx).failure(refused).run()
        if session is None:
            return
        self.pin.clear()
        self.error.clear()
        self.signed_in.emit(session)
