"""``cff district keys``: which device may sign for which unit (see services/unit_keys.py).

    cff district keys add CODE FINGERPRINT [--label "Máy văn thư"]
    cff district keys list [CODE] [--json]
    cff district keys revoke CODE FINGERPRINT --reason "máy bị mất"
"""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _ws, add_command, arg, print_result


def cmd_add(args: argparse.Namespace) -> int:
    from cff_desktop.services.unit_keys import add_key

    with _ws(args) as ws:
        row = add_key(ws, args.code, args.fingerprint, label=args.label or "")
    print(f"Đã đăng ký máy {row['fingerprint']} ký hồ sơ cho đơn vị {row['unit_code']}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.unit_keys import list_keys

    with _ws(args) as ws:
        rows = list_keys(ws, args.code)
    return print_result(args, rows, lambda rows: _print_keys(rows, args.code))


def _print_keys(rows: list[dict], code: str | None) -> None:
    from cff_desktop.services.unit_keys import SOURCE_LABELS

    if not rows:
        print("Chưa đăng ký máy nào." if code is None else f"Đơn vị {code} chưa đăng ký máy nào.")
    for r in rows:
        state = f"đã thu hồi {r['revoked_at'][:10]}: {r['revoke_reason']}" if r["revoked_at"] else "đang dùng"
        label = f" {r['label']}" if r["label"] else ""
        print(f"{r['unit_code']:<8} {r['fingerprint']}{label}  ({SOURCE_LABELS.get(r['source'], r['source'])}; "
              f"{state})")


def cmd_revoke(args: argparse.Namespace) -> int:
    from cff_desktop.services.unit_keys import revoke_key

    with _ws(args) as ws:
        row = revoke_key(ws, args.code, args.fingerprint, args.reason)
    print(f"Đã thu hồi máy {row['fingerprint']} của đơn vị {row['unit_code']}; gói mới do máy này ký sẽ bị từ chối.")
    return 0


def register(d: argparse._SubParsersAction) -> None:
    """Add ``keys`` under ``cff district``."""
    k = d.add_parser("keys", help="máy nào được ký hồ sơ cho đơn vị nào").add_subparsers(dest="sub2", required=True)
    add_command(k, "add", "đăng ký dấu vân tay (đã so qua điện thoại) cho một đơn vị", cmd_add,
                arg("code"),
                arg("fingerprint"),
                arg("--label"))
    add_command(k, "list", "các máy đã đăng ký (cả máy đã thu hồi)", cmd_list, arg("code", nargs="?"), json=True)
    add_command(k, "revoke", "thu hồi: không nhận gói mới do máy này ký", cmd_revoke,
                arg("code"),
                arg("fingerprint"),
                arg("--reason", required=True))
