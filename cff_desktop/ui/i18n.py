"""Translation: every UI string goes through :func:`tr`, i.e. Qt's ``QCoreApplication.translate``.

Vietnamese is the source language. Another language is a file in resources/translations: either
a compiled Qt ``cff_<lang>.qm`` (from Qt Linguist) or a plain ``cff_<lang>.json`` mapping each
Vietnamese string to its translation, which a province can edit in any text editor. Both are
installed as QTranslators, so untranslated strings fall back to Vietnamese.
``scripts/translations.py`` lists what a language still lacks and writes a Linguist ``.ts`` file.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from cff_desktop.common.resources import resource_dir

CONTEXT = "cff"
_installed: list[QTranslator] = []


def tr(text: str, context: str = CONTEXT) -> str:
    return QCoreApplication.translate(context, text)


class JsonTranslator(QTranslator):
    """A QTranslator fed from a JSON mapping {Vietnamese source: translation}."""

    def __init__(self, mapping: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.mapping = mapping

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None (a null string) lets Qt fall back to the source text and to its own translations;
        # an empty string would be taken as the translation and blank the label or button.
        return self.mapping.get(source) or None

    def isEmpty(self) -> bool:
        return not self.mapping


def available_languages() -> list[str]:
    folder = resource_dir("translations")
    langs = {"vi"}
    if folder.is_dir():
        for f in folder.glob("cff_*.*"):
            if f.suffix in (".qm", ".json"):
                langs.add(f.stem.removeprefix("cff_"))
    return sorted(langs)


def install_language(app: QCoreApplication, lang: str) -> bool:
    """Install the translation for ``lang``; Vietnamese needs none. False when none is found."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    if lang in ("", "vi"):
        return True
    qm = resource_dir("translations", f"cff_{lang}.qm")
    js = resource_dir("translations", f"cff_{lang}.json")
    t: QTranslator | None = None
    if qm.is_file():
        t = QTranslator(app)
        if not t.load(str(qm)):
            t = None
    if t is None and js.is_file():
        t = JsonTranslator(json.loads(js.read_text("utf-8")), app)
    if t is None:
        return False
    app.installTranslator(t)
    _installed.append(t)
    return True
