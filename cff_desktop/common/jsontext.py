"""JSON typed or supplied by people (values files, values on the command line).

The standard parser trusts its input: 100,000 nested brackets exhaust the interpreter's stack,
a 5,000-digit integer trips Python's int-conversion limit, and ``24.999999999999999999`` silently
becomes the float 25.0. Everything a person hands over goes through :func:`loads` instead, which
refuses the first two with a clear message and keeps decimals exact (:class:`~decimal.Decimal`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput

MAX_DEPTH = 32
MAX_BYTES = 16 * 1024 * 1024


def json_decimal(text: str) -> Decimal:
    """``parse_float`` hook: exact decimals, and no exponent notation (``1e3``) anywhere."""
    if "e" in text or "E" in text:
        raise BadInput(f"số '{text[:40]}' viết dạng lũy thừa; hãy viết đủ chữ số (ví dụ 1000 hoặc 12.5)")
    if len(text) > 40:
        raise BadInput(f"số '{text[:40]}…' dài quá; hãy viết tối đa 2 chữ số thập phân")
    return Decimal(text)


def _depth(obj: Any) -> int:
    """Nesting depth, computed without recursion."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, d)
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, d)
            stack.extend((v, d + 1) for v in node)
    return deepest


def loads(text: str, where: str | None = None, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text``; a :class:`BadInput` naming ``where`` for anything malformed or absurd."""
    try:
        doc = json.loads(text, parse_float=json_decimal)
    except BadInput as e:
        raise BadInput(e.message, where) from None
    except json.JSONDecodeError as e:
        raise BadInput(f"không phải JSON hợp lệ: {e}", where) from None
    except RecursionError:
        raise BadInput(f"dữ liệu JSON lồng nhau quá sâu (tối đa {max_depth} cấp)", where) from None
    except ValueError as e:  # integers beyond the interpreter's digit limit
        raise BadInput(f"có số quá lớn ({str(e).split(':')[0]})", where) from None
    if _depth(doc) > max_depth:
        raise BadInput(f"dữ liệu JSON lồng nhau quá sâu (tối đa {max_depth} cấp)", where)
    return doc


def read_file(path: Path) -> Any:
    """A JSON file a person supplied (values, scoring input): size-checked, then :func:`loads`."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise BadInput(f"tệp quá lớn (tối đa {MAX_BYTES // 1024 // 1024} MB)", str(p))
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise BadInput(f"không đọc được tệp ({e.strerror})", str(p)) from None
    except UnicodeDecodeError:
        raise BadInput("tệp không phải văn bản UTF-8", str(p)) from None
    try:
        return loads(text, str(p))
    except BadInput as e:
        msg = f"tệp {e.message}" if e.message.startswith("không phải JSON") else e.message
        raise BadInput(msg, str(p)) from None
