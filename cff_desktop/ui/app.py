"""``cff-desktop``: the window. For now it opens on the current round with its score summary."""

from __future__ import annotations

import argparse
import sys

from cff_desktop import APP_TITLE, __version__


def build_window(db: str | None = None):
    from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

    from cff_desktop.common.errors import CffError
    from cff_desktop.common.text import format_points
    from cff_desktop.rules.report import reason_text

    win = QMainWindow()
    win.setWindowTitle(f"cff_desktop — {APP_TITLE}")
    body = QWidget()
    lay = QVBoxLayout(body)
    title = QLabel(f"<h2>{APP_TITLE}</h2>")
    lay.addWidget(title)
    try:
        from cff_desktop.services.scoring import score_round
        from cff_desktop.services.workspace import open_workspace

        with open_workspace(db) as ws:
            res, rnd = score_round(ws)
        verdict = "ĐẠT" if res.recognized else "CHƯA ĐẠT"
        lines = [
            f"<b>{rnd.commune['name']}</b>, tỉnh {rnd.commune['province']} — vòng đánh giá năm {rnd.year}",
            f"Tổng điểm: <b>{format_points(res.total)}</b>/{format_points(res.max_total)} "
            f"(ngưỡng {format_points(res.threshold)}) — <b>{verdict}</b>",
        ] + [reason_text(r) for r in res.reasons]
        lay.addWidget(QLabel("<br>".join(lines)))
    except CffError as e:
        lay.addWidget(QLabel(f"Chưa mở được dữ liệu: {e.message}"))
    lay.addStretch(1)
    win.setCentralWidget(body)
    win.resize(900, 600)
    return win


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cff-desktop")
    parser.add_argument("--db")
    parser.add_argument("--screenshot", help="lưu ảnh cửa sổ vào tệp PNG rồi thoát")
    parser.add_argument("--version", action="version", version=f"cff-desktop {__version__}")
    args = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    win = build_window(args.db)
    win.show()
    if args.screenshot:
        app.processEvents()
        win.grab().save(args.screenshot)
        return 0
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
