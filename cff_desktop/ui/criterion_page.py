"""One criterion, walked through indicator by indicator, saved as the officer types.

Points update on every keystroke (the engine is pure and fast); the write to the database
follows a short pause in typing, so a figure typed as "1", "10", "100" leaves one audit row,
not three. "Đã lưu lúc …" appears only after the write committed; closing the window flushes any
pending write first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from cff_desktop.common.errors import BadInput, CffError
from cff_desktop.common.text import format_percent, format_points, nfc
from cff_desktop.common.units import localise, unit_word
from cff_desktop.rules import kinds
from cff_desktop.rules.basis import indicator_basis
from cff_desktop.rules.engine import IndicatorResult, score, score_indicator
from cff_desktop.rules.kinds import RATIO, kind_of
from cff_desktop.rules.model import SECTOR_LABELS, Indicator
from cff_desktop.rules.report import rate_text
from cff_desktop.rules.values import Value, parse_value
from cff_desktop.services.dashboard import vn_datetime
from cff_desktop.services.officers import can_edit
from cff_desktop.services.profile import UNIT_TYPES
from cff_desktop.services.progress import STATE_LABELS, criterion_states, mark_done
from cff_desktop.services.rounds import get_round
from cff_desktop.services.scoring import stored_overrides
from cff_desktop.services.values import clear_value, current_values, set_value, value_rows
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import scroll_page

EMPTY = object()  # the officer has not entered this indicator

# A ratio pasted or typed as one piece: "98\t100" (two spreadsheet cells), "98/100", "98 / 100".
_PAIR = re.compile(r"^\s*(\d[\d.]*)\s*(?:\t|/)\s*(\d[\d.]*)\s*$")


def _sentence(msg: str) -> str:
    return msg[:1].upper() + msg[1:] + ("" if msg.endswith(".") else ".")


class IndicatorEditor(QGroupBox):
    """The fields of one indicator; emits ``edited`` on every keystroke or click."""

    edited = Signal(str)

    def __init__(self, ind: Indicator, word: str = "xã") -> None:
        # ``word`` is the unit's own word ("phường"): labels written for a xã say what the paper says.
        # The label goes in a wrapping QLabel, not the group box title: titles never wrap, and a
        # long official wording would push the page wider than a 1366-pixel screen.
        super().__init__()
        self.ind = ind
        self.kind = kind_of(ind)  # which fields to build and how the value is keyed
        self.fields: list[QLineEdit] = []
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        basis = indicator_basis(ind)  # confirmed / inferred / provisional, per indicator
        title = QLabel(f"<b>{ind.id}.</b> {localise(ind.label, word)}" + ("" if basis.status == "confirmed" else
                       f"<br><span style='color:#8a5a00'>{basis.label}: {basis.text}</span>"))
        title.setWordWrap(True)
        grid.addWidget(title, 0, 0, 1, 2)
        row = 1
        if not self.kind.parts:  # a yes/no answer: two choices, no figures
            self.yes = QRadioButton(tr("Có"))
            self.no = QRadioButton(tr("Không"))
            self.group = QButtonGroup(self)
            self.group.addButton(self.yes)
            self.group.addButton(self.no)
            box = QHBoxLayout()
            box.addWidget(self.yes)
            box.addWidget(self.no)
            box.addStretch(1)
            grid.addLayout(box, row, 0, 1, 2)
            self.yes.toggled.connect(lambda _c: self.edited.emit(ind.id))
            self.no.toggled.connect(lambda _c: self.edited.emit(ind.id))
            row += 1
        else:
            labels = self.kind.field_labels(
                ind, tr("Số điểm hội đồng chấm (0 đến {max})").format(max=format_points(ind.max)))
            for text in labels:
                lbl = QLabel(localise(text, word))
                lbl.setWordWrap(True)
                field = QLineEdit()
                field.setMaximumWidth(140)
                field.setAlignment(Qt.AlignmentFlag.AlignRight)
                field.textEdited.connect(lambda t, f=field: self._typed(f, t))
                field.returnPressed.connect(self._next_field)
                lbl.setBuddy(field)
                grid.addWidget(lbl, row, 0)
                grid.addWidget(field, row, 1, Qt.AlignmentFlag.AlignLeft)
                self.fields.append(field)
                row += 1
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("Ghi chú, nguồn số liệu (ví dụ: sổ tiêm chủng của Trạm Y tế)"))
        self.note.textEdited.connect(lambda _t: self.edited.emit(ind.id))
        self.note.returnPressed.connect(self._next_field)
        grid.addWidget(QLabel(tr("Ghi chú")), row, 0)
        grid.addWidget(self.note, row, 1)
        row += 1
        self.result = QLabel()
        self.result.setObjectName("h2")
        self.message = QLabel()
        self.message.setWordWrap(True)
        grid.addWidget(self.result, row, 0)
        grid.addWidget(self.message, row, 1)
        if ind.provisional:
            self.setToolTip(basis.text)

    def _typed(self, field: QLineEdit, text: str) -> None:
        """A pair pasted into either field of a ratio fills both (numerator, then denominator)."""
        m = _PAIR.match(text) if self.kind is RATIO else None
        if m:
            for f, part in zip(self.fields, m.groups(), strict=True):
                f.blockSignals(True)
                f.setText(part)
                f.blockSignals(False)
            self.fields[1].setFocus()
        self.edited.emit(self.ind.id)

    def _next_field(self) -> None:
        """Enter moves on to the next field, as on a paper form (Tab works too)."""
        self.focusNextChild()

    # -- values in and out ---------------------------------------------------------------------
    def raw(self) -> Any:
        """The typed value in the form the parser takes, ``EMPTY`` when nothing is entered."""
        if not self.kind.parts:
            if self.yes.isChecked():
                return True
            if self.no.isChecked():
                return False
            return EMPTY
        texts = [nfc(f.text()) for f in self.fields]
        if not any(texts):
            return EMPTY
        if self.kind is RATIO and not all(texts):
            raise BadInput(tr("Nhập cả hai số: {a} và {b}.").format(
                a=self.ind.numerator_label.lower(), b=self.ind.denominator_label.lower()))
        return dict(zip(self.kind.parts, texts, strict=True))

    def value(self) -> Value | None:
        raw = self.raw()
        return None if raw is EMPTY else parse_value(self.ind, raw)

    def load(self, stored: Any, note: str) -> None:
        for w in (*self.fields, self.note):
            w.blockSignals(True)
        if not self.kind.parts:
            for b in (self.yes, self.no):
                b.blockSignals(True)
            self.group.setExclusive(False)
            self.yes.setChecked(stored is True)
            self.no.setChecked(stored is False)
            self.group.setExclusive(True)
            for b in (self.yes, self.no):
                b.blockSignals(False)
        else:
            for field, text in zip(self.fields, self._field_texts(stored), strict=True):
                field.setText(text)
        self.note.setText(note)
        for w in (*self.fields, self.note):
            w.blockSignals(False)

    def _field_texts(self, stored: Any) -> list[str]:
        """The kind's texts for the stored value (1.450, 12,5); a value of another kind left by a
        rule set change is put back part by part, as stored, for the officer to correct."""
        try:
            return self.kind.field_texts(self.ind, kinds.read(self.ind, stored))
        except BadInput:
            return [str(stored.get(p, "")) if isinstance(stored, dict) else "" for p in self.kind.parts]

    def set_editable(self, editable: bool) -> None:
        for f in (*self.fields, self.note):
            f.setReadOnly(not editable)
        if not self.kind.parts:
            self.yes.setEnabled(editable)
            self.no.setEnabled(editable)

    def show_result(self, res: IndicatorResult | None, error: str = "") -> None:
        for f in self.fields:
            f.setProperty("invalid", bool(error))
            f.style().unpolish(f)
            f.style().polish(f)
        if error:
            self.result.setText("—")
            self.message.setObjectName("error")
            self.message.setText(error)
        elif res is None:
            self.result.setText(f"— / {format_points(self.ind.max)}")
            self.message.setObjectName("muted")
            self.message.setText(tr("Chưa nhập."))
        else:
            self.result.setText(tr("{p} / {m} điểm").format(p=format_points(res.points), m=format_points(res.max)))
            self.message.setObjectName("muted")
            parts = []
            if res.ratio is not None:
                parts.append(tr("Tỷ lệ: {pct}").format(pct=format_percent(res.ratio)))
            if res.rate is not None:
                parts.append(tr("Tỷ suất: {rate}.").format(rate=rate_text(res.rate, self.ind.rate_per or 1)))
            if res.status in ("no_cases", "not_applicable", "zero_denominator"):
                parts.append(self.ind.zero_denominator_note or {
                    "no_cases": tr("Không có trường hợp nào: tính đủ điểm."),
                    "not_applicable": tr("Không áp dụng: tính đủ điểm."),
                    "zero_denominator": tr("Mẫu số bằng 0: không có căn cứ chấm, tính 0 điểm."),
                }[res.status])
            self.message.setText(" ".join(parts))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)


class CriterionPage(QWidget):
    """All indicators of one criterion with autosave, the running points, and "Hoàn thành"."""

    saved = Signal(str)  # criterion id
    import_ruleset_requested = Signal()

    SAVE_DELAY_MS = 600

    def __init__(self, ctx: AppContext, criterion_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.cid = criterion_id
        rnd = get_round(ctx.ws)
        crit = rnd.ruleset.criterion(criterion_id)
        assert crit is not None
        self.crit = crit
        self.pending: set[str] = set()
        self.saved_values: dict[str, tuple[Any, str]] = {}
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.flush)

        lay = scroll_page(self, spacing=10)
        head = QLabel(tr("Tiêu chí {id}. {name}").format(id=self.crit.id, name=self.crit.name))
        head.setObjectName("h1")
        head.setWordWrap(True)
        lay.addWidget(head)
        self.sub = QLabel()
        self.sub.setObjectName("muted")
        self.sub.setWordWrap(True)
        lay.addWidget(self.sub)
        if self.crit.provisional:
            warn = QLabel(tr("Thang điểm tạm, cần đối chiếu văn bản. Khi có bộ tiêu chí chính thức, "
                             "văn thư nhập tệp trong Thiết lập → Bộ tiêu chí.") if self.crit.basis == "provisional"
                          else tr("Có điểm suy ra bằng phép tính, chưa thấy trong văn bản (xem từng chỉ số). Khi có "
                                  "bộ tiêu chí chính thức, văn thư nhập tệp trong Thiết lập → Bộ tiêu chí."))
            warn.setObjectName("warn")
            warn.setWordWrap(True)
            lay.addWidget(warn)
            if ctx.session and ctx.session.is_clerk:
                self.import_button = QPushButton(tr("Nhập bộ tiêu chí chính thức…"))
                self.import_button.clicked.connect(self.import_ruleset_requested)
                row = QHBoxLayout()
                row.addWidget(self.import_button)
                row.addStretch(1)
                lay.addLayout(row)
        self.readonly_note = QLabel()
        self.readonly_note.setObjectName("warn")
        self.readonly_note.setWordWrap(True)
        lay.addWidget(self.readonly_note)
        self.editors: dict[str, IndicatorEditor] = {}
        word = unit_word(rnd.commune.get("unit_type"), rnd.commune.get("name"))
        for ind in self.crit.indicators:
            ed = IndicatorEditor(ind, word)
            ed.edited.connect(self.on_edited)
            self.editors[ind.id] = ed
            lay.addWidget(ed)
        from cff_desktop.ui.evidence import EvidencePanel

        self.evidence = EvidencePanel(ctx, criterion_id)
        lay.addWidget(self.evidence)
        # Two short rows rather than one long one, so the page fits a 1366-pixel screen.
        foot = QHBoxLayout()
        self.points = QLabel()
        self.points.setObjectName("h2")
        self.total = QLabel()
        self.total.setObjectName("muted")
        self.total.setWordWrap(True)
        foot.addWidget(self.points)
        foot.addSpacing(16)
        foot.addWidget(self.total, 1)
        lay.addLayout(foot)
        foot2 = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.done_button = QPushButton(tr("Hoàn thành"))
        self.done_button.setObjectName("primary")
        self.done_button.clicked.connect(self.mark_done)
        self.reopen_button = QPushButton(tr("Mở lại để sửa"))
        self.reopen_button.clicked.connect(self.reopen_criterion)
        foot2.addWidget(self.status, 1)
        foot2.addWidget(self.reopen_button)
        foot2.addWidget(self.done_button)
        lay.addLayout(foot2)
        self.done_error = QLabel()
        self.done_error.setObjectName("error")
        self.done_error.setWordWrap(True)
        lay.addWidget(self.done_error)
        lay.addStretch(1)
        self.reload()

    # -- loading ----------------------------------------------------------------------------------
    def reload(self) -> None:
        ws = self.ctx.ws
        rnd = get_round(ws)
        self.rnd = rnd
        rows = {r["indicator_id"]: r for r in value_rows(ws, rnd)}
        for iid, ed in self.editors.items():
            row = rows.get(iid)
            stored = json.loads(row["value"]) if row else None
            ed.load(stored, row["note"] if row else "")
            self.saved_values[iid] = (stored, row["note"] if row else "")
        session = self.ctx.session
        self.editable = session is not None and not rnd.closed and can_edit(ws, rnd, session.officer, self.cid)
        for ed in self.editors.values():
            ed.set_editable(self.editable)
        if hasattr(self, "evidence"):
            self.evidence.set_editable(self.editable)
            self.evidence.reload()
        if rnd.closed:
            self.readonly_note.setText(tr("Hội đồng đã kết thúc họp: số liệu đã khóa, chỉ xem."))
        elif not self.editable:
            self.readonly_note.setText(tr("Tiêu chí này không giao cho bạn: chỉ xem."))
        self.readonly_note.setVisible(not self.editable)
        self.done_button.setVisible(self.editable)
        owner = localise(SECTOR_LABELS.get(self.crit.sector, self.crit.sector),
                         unit_word(rnd.commune.get("unit_type"), rnd.commune.get("name")))
        self.sub.setText(tr("Tối đa {max} điểm · Ngành theo dõi: {owner}").format(
            max=format_points(self.crit.max), owner=owner))
        self.refresh_points()
        self.show_state()

    def show_state(self, saved_at: str = "") -> None:
        state = criterion_states(self.ctx.ws, get_round(self.ctx.ws))[self.cid]
        clerk = bool(self.ctx.session and self.ctx.session.is_clerk)
        # The clerk can send a finished criterion back to "đang nhập" for its officer to correct.
        self.reopen_button.setVisible(self.editable and clerk and state == "done")
        # The button itself says when the criterion is finished, so the officer needs no guess.
        self.done_button.setText(tr("✔ Đã hoàn thành") if state == "done" else tr("Hoàn thành"))
        self.done_button.setEnabled(state != "done")
        text = tr("Trạng thái: {s}").format(s=tr(STATE_LABELS[state]))
        if saved_at:
            text += " · " + tr("Đã lưu lúc {t}").format(t=saved_at)
        self.status.setText(text)

    # -- typing -----------------------------------------------------------------------------------
    def on_edited(self, iid: str) -> None:
        self.pending.add(iid)
        self.done_button.setText(tr("Hoàn thành"))
        self.done_button.setEnabled(True)
        self.refresh_points()
        self.timer.start(self.SAVE_DELAY_MS)

    def _current(self) -> tuple[dict[str, Value], dict[str, str]]:
        values: dict[str, Value] = {}
        errors: dict[str, str] = {}
        for iid, ed in self.editors.items():
            try:
                v = ed.value()
            except CffError as e:
                errors[iid] = _sentence(e.message)
                continue
            if v is not None:
                values[iid] = v
        return values, errors

    def refresh_points(self) -> None:
        """Recompute this criterion and the commune total from what is on screen now."""
        values, errors = self._current()
        for iid, ed in self.editors.items():
            ed.show_result(score_indicator(ed.ind, values[iid]) if iid in values else None, errors.get(iid, ""))
        others = {k: v for k, v in current_values(self.ctx.ws, self.rnd).items() if k not in self.editors}
        res = score(self.rnd.ruleset, self.rnd.commune["category"], {**others, **values},
                    stored_overrides(self.ctx.ws, self.rnd))
        c = res.criterion(self.cid)
        self.points.setText(tr("Tiêu chí {id}: {p} / {m} điểm").format(
            id=self.cid, p=format_points(c.points), m=format_points(c.max)))
        verdict = tr("đạt") if res.recognized else tr("chưa đạt")
        # The unit's own word ("phường", "thị trấn", "đặc khu"), as every printed paper says it.
        unit = UNIT_TYPES.get(self.rnd.commune.get("unit_type") or "xa", "Xã").lower()
        self.total.setText(tr("Tổng điểm của {unit}: {t} / {m} (ngưỡng {th}, {v})").format(
            unit=unit, t=format_points(res.total), m=format_points(res.max_total), th=format_points(res.threshold),
            v=verdict))
        self.last_result = res

    def flush(self) -> None:
        """Write every pending, valid indicator now (also called when the window closes)."""
        self.timer.stop()
        if not self.pending or not self.editable:
            self.pending.clear()
            return
        wrote = False
        for iid in sorted(self.pending):
            ed = self.editors[iid]
            try:
                v = ed.value()
            except CffError:
                continue  # stays pending-invalid; the message is already beside the field
            note = nfc(ed.note.text())
            saved = self.saved_values.get(iid, (None, ""))
            if v is None:
                # Both fields emptied: the figure is withdrawn, so the stored one must go too
                # (otherwise the screen says "Chưa nhập" while the council counts the old figure).
                if saved[0] is None:
                    continue
                op = self._field_op(ed, partial(clear_value, self.ctx.ws, iid, as_officer=self.ctx.officer_ref))
                op.run()
                if op.error:
                    continue
                self.saved_values[iid] = (None, "")
                wrote = True
                continue
            if (v.to_json(), note) == saved:
                continue
            op = self._field_op(ed, partial(set_value, self.ctx.ws, iid, v.to_json(), as_officer=self.ctx.officer_ref,
                                            note=note))
            op.run()
            if op.error:
                continue
            self.saved_values[iid] = (v.to_json(), note)
            wrote = True
        self.pending.clear()
        if wrote:
            self.show_state(vn_datetime(datetime.now(UTC).isoformat()))
            self.ctx.changed.emit(Change.VALUES)  # once for the whole batch, not per field
            self.saved.emit(self.cid)

    def _field_op(self, ed: IndicatorEditor, fn: Callable[[], object]) -> Op:
        """Writing one field: a refusal shows beside that field (the field keeps what was typed).

        The batch announces :attr:`Change.VALUES` once after every field is written (see :meth:`flush`).
        """
        return Op(self, fn, say=lambda text, error=False: ed.show_result(None, _sentence(text)) if error else None,
                  ctx=self.ctx)

    def _say_done(self, text: str, error: bool = False) -> None:
        self.done_error.setText(_sentence(text) if error else "")

    def _state_changed(self, _result: object) -> None:
        self.done_error.clear()
        self.show_state()

    def reopen_criterion(self) -> None:
        op = Op(self, lambda: mark_done(self.ctx.ws, self.cid, as_officer=self.ctx.officer_ref, done=False),
                say=self._say_done, ctx=self.ctx).success(self._state_changed).changes(Change.PROGRESS)
        op.run()

    def unsaved(self) -> list[str]:
        """Indicators whose screen differs from the database: invalid, half-typed or not written.

        "Hoàn thành" must not certify a figure the officer cannot see (the old stored one) while
        a red message stands beside the field.
        """
        out = []
        for iid, ed in self.editors.items():
            try:
                v = ed.value()
            except CffError:
                out.append(iid)
                continue
            shown = v.to_json() if v is not None else None
            if (shown, nfc(ed.note.text()) if v is not None else "") != self.saved_values.get(iid, (None, "")):
                out.append(iid)
        return out

    def mark_done(self) -> None:
        self.flush()
        bad = self.unsaved()
        if bad:
            self.done_error.setText(tr(
                "Chưa thể hoàn thành: chỉ số {ids} còn số liệu sai hoặc chưa lưu. "
                "Sửa theo thông báo đỏ bên cạnh ô nhập rồi bấm lại.").format(ids=", ".join(bad)))
            return
        Op(self, lambda: mark_done(self.ctx.ws, self.cid, as_officer=self.ctx.officer_ref),
           say=self._say_done, ctx=self.ctx).success(self._state_changed).changes(Change.PROGRESS).run()
