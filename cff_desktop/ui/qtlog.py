"""Qt's own warnings (a bad style sheet, a missing font, a platform plugin problem) into the log.

Without a handler Qt prints them to a console a Windows user never sees.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_log = logging.getLogger("cff.qt")


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.file}:{context.line})" if context.file else ""
    _log.log(_LEVELS.get(kind, logging.WARNING), "%s%s", message, where)


def install_qt_log() -> None:
    """Route every Qt message to the ``cff.qt`` logger (and so to the log file)."""
    qInstallMessageHandler(_handler)
