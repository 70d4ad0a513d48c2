"""Translation hook: every UI string goes through :func:`tr` so Qt's translation files apply.

Vietnamese is the source language; a ``.qm`` file in resources/translations (built with
``pyside6-lrelease``) adds another language without touching the code.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from cff_desktop.common.resources import resource_dir

_translator: QTranslator | None = None


def tr(text: str, context: str = "cff") -> str:
    return QCoreApplication.translate(context, text)


def install_language(app: QCoreApplication, lang: str) -> bool:
    """Load ``resources/translations/cff_<lang>.qm`` when it exists; Vietnamese needs none."""
    global _translator
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    if lang in ("", "vi"):
        return True
    qm = resource_dir("translations", f"cff_{lang}.qm")
    t = QTranslator(app)
    if qm.is_file() and t.load(str(qm)):
        app.installTranslator(t)
        _translator = t
        return True
    return False
