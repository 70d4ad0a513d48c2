"""``cff profile``: the set-up screens' fields (commune, round timeline, settings) as commands.

``cff profile set KEY=VALUE …`` judges each value with the same checks as the window's fields
(services/profile.py) and writes all of them or none.
"""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _ws, add_command, arg, print_result


def cmd_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.profile import profile_view

    with _ws(args) as ws:
        view = profile_view(ws)
    return print_result(args, view, _print_profile)


def _print_profile(view: dict) -> None:
    from cff_desktop.services.profile import PROFILE_KEYS

    print(f"Vòng đánh giá năm {view['round']} · bộ tiêu chí {view['ruleset']}")
    for key, label in PROFILE_KEYS.items():
        val = view[key]
        shown = "; ".join(val) if isinstance(val, list) else str(val)
        print(f"{key:<18} {shown or '-':<40} {label}")


def _pairs(items: list[str]) -> dict[str, str]:
    from cff_desktop.common.errors import BadInput

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise BadInput(f"cần dạng KHÓA=GIÁ_TRỊ, ví dụ chair_name=\"Hoàng Văn Bình\"; nhận '{item[:40]}'",
                           "profile set")
        if key in out:
            raise BadInput(f"trường '{key}' được ghi hai lần", key)
        out[key] = value
    return out


def cmd_set(args: argparse.Namespace) -> int:
    from cff_desktop.services.profile import apply_profile

    changes = _pairs(args.pairs)
    with _ws(args) as ws:
        view = apply_profile(ws, changes)
    for key in changes:
        val = view[key]
        print(f"{key} = {'; '.join(val) if isinstance(val, list) else val}")
    print(f"Đã lưu {len(changes)} trường.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff profile`` to ``cff``."""
    pr = sub.add_parser("profile", help="thông tin xã, mốc thời gian của vòng, thiết lập").add_subparsers(
        dest="sub", required=True)
    add_command(pr, "show", "mọi trường thiết lập và giá trị hiện tại", cmd_show, json=True)
    add_command(pr, "set", "đặt một hoặc nhiều trường: KHÓA=GIÁ_TRỊ (ghi tất cả hoặc không ghi gì)", cmd_set,
                arg("pairs", nargs="+", metavar="KEY=VALUE"),
                description="Các trường và giá trị hiện tại: `cff profile show`. Ngày dạng YYYY-MM-DD; "
                            "villages cách nhau bằng ';'.")
