"""The first screen of a new installation: a commune's computer, or the upper level's."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cff_desktop import APP_TITLE
from cff_desktop.common import localtime
from cff_desktop.rules.model import CATEGORY_LABELS
from cff_desktop.services import first_run
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import say


class FirstRunWindow(QMainWindow):
    """Set up a new installation; emits :attr:`finished` once it is set up (the app opens what follows)."""

    finished = Signal()

    def __init__(self, db: str | None = None) -> None:
        super().__init__()
        self.db = db
        self.next_window: QWidget | None = None  # set by whoever answers ``finished`` (ui.app)
        self.setWindowTitle(f"cff_desktop — {APP_TITLE}")
        self.resize(1280, 720)
        page = QWidget()
        page.setObjectName("page")
        outer = QHBoxLayout(page)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(620)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(28, 24, 28, 24)
        title = QLabel(tr("Bắt đầu sử dụng"))
        title.setObjectName("h1")
        lay.addWidget(title)
        intro = QLabel(tr("Máy tính này dùng cho một xã, phường, thị trấn tự đánh giá, hay cho cấp trên "
                          "(huyện, tỉnh) nhận và công nhận hồ sơ?"))
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._commune_tab(), tr("Xã, phường, thị trấn"))
        self.tabs.addTab(self._upper_tab(), tr("Cấp trên (huyện, tỉnh)"))
        lay.addWidget(self.tabs)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addStretch(1)
        self.setCentralWidget(page)

    def _commune_tab(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        self.commune = QLineEdit()
        self.commune.setPlaceholderText(tr("ví dụ: Xã Tả Van"))
        self.province = QLineEdit()
        self.province.setPlaceholderText(tr("ví dụ: Lào Cai"))
        self.category = QComboBox()
        for k, v in CATEGORY_LABELS.items():
            self.category.addItem(v, k)
        self.category.setCurrentIndex(self.category.findData("other"))
        self.year = QSpinBox()
        self.year.setRange(2014, 2100)
        self.year.setValue(localtime.today().year)
        self.clerk = QLineEdit()
        self.clerk.setPlaceholderText(tr("Công chức Văn hóa - Xã hội"))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(tr("4 đến 8 chữ số"))
        form.addRow(tr("Tên xã"), self.commune)
        form.addRow(tr("Tỉnh, thành phố"), self.province)
        form.addRow(tr("Nhóm đánh giá"), self.category)
        form.addRow(tr("Năm đánh giá"), self.year)
        form.addRow(tr("Văn thư (VHXH)"), self.clerk)
        form.addRow(tr("Mã PIN của văn thư"), self.pin)
        row = QHBoxLayout()
        self.demo_button = QPushButton(tr("Dùng xã mẫu để làm quen"))
        self.demo_button.clicked.connect(self.start_demo)
        self.start_button = QPushButton(tr("Bắt đầu"))
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start_commune)
        row.addWidget(self.demo_button)
        row.addStretch(1)
        row.addWidget(self.start_button)
        form.addRow(row)
        return w

    def _upper_tab(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        self.area = QLineEdit()
        self.area.setPlaceholderText(tr("ví dụ: Tỉnh Lạng Sơn"))
        self.level = QComboBox()
        self.level.addItem(tr("Tỉnh (từ năm 2025)"), "province")
        self.level.addItem(tr("Huyện"), "district")
        self.area_province = QLineEdit()
        self.signer = QLineEdit()
        self.signer.setPlaceholderText(tr("người ký Quyết định công nhận"))
        form.addRow(tr("Tên địa bàn"), self.area)
        form.addRow(tr("Cấp"), self.level)
        form.addRow(tr("Tỉnh"), self.area_province)
        form.addRow(tr("Người ký"), self.signer)
        self.upper_button = QPushButton(tr("Bắt đầu"))
        self.upper_button.setObjectName("primary")
        self.upper_button.clicked.connect(self.start_upper)
        form.addRow(self.upper_button)
        return w

    def _done(self, fn) -> None:
        if Op(self, lambda: (fn(), True)[1], say=lambda text, error=False: say(self.status, text, error)).run():
            self.finished.emit()

    def start_commune(self) -> None:
        self._done(lambda: first_run.start_commune(
            self.db, commune=self.commune.text(), province=self.province.text(),
            category=self.category.currentData(), year=self.year.value(), clerk_name=self.clerk.text(),
            clerk_pin=self.pin.text()))

    def start_demo(self) -> None:
        self._done(lambda: first_run.start_demo(self.db))

    def start_upper(self) -> None:
        self._done(lambda: first_run.start_upper(
            self.db, name=self.area.text(), level=self.level.currentData(), province=self.area_province.text(),
            signer_name=self.signer.text()))
