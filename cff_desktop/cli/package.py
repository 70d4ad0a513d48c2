"""``cff package ...`` and ``cff keys ...``: packages for USB and sync, and the keys behind them.

The same service calls the "Xuất hồ sơ ra USB" button and the import screen make.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cff_desktop.cli.core import _print_json, _ws, add_command, arg, print_result
from cff_desktop.cli.remedies import cli_hint
from cff_desktop.common import localtime
from cff_desktop.common.errors import BadInput


@contextlib.contextmanager
def _where(args: argparse.Namespace) -> Iterator[Any]:
    """The workspace when a database exists (its pinned rule sets count), else just the paths.

    The upper level may verify a package on a machine that holds no commune database.
    """
    from cff_desktop.services.workspace import data_paths

    paths = data_paths(args.db)
    if paths.db.is_file():
        with _ws(args) as ws:
            yield ws
    else:
        yield paths


def _passphrase(args: argparse.Namespace, confirm: bool = False) -> str | None:
    var = getattr(args, "passphrase_env", None)
    if var:
        value = os.environ.get(var)
        if not value:
            raise BadInput(f"biến môi trường {var} chưa có mật khẩu.", "--passphrase-env")
        return value
    if not sys.stdin.isatty():
        raise BadInput("cần mật khẩu cho tệp khóa bí mật: chạy trong cửa sổ dòng lệnh để gõ mật khẩu, "
                       "hoặc dùng --passphrase-env TÊN_BIẾN.", "--passphrase")
    first = getpass.getpass("Mật khẩu bảo vệ khóa bí mật: ")
    if confirm and getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise BadInput("hai lần nhập mật khẩu không khớp.", "--passphrase")
    return first


def _identity_args(args: argparse.Namespace) -> dict[str, Any]:
    if not getattr(args, "identity", None):
        return {}
    return {"identity_file": Path(args.identity), "passphrase": _passphrase_if_needed(args)}


def _passphrase_if_needed(args: argparse.Namespace) -> str | None:
    with contextlib.suppress(OSError):
        head = Path(args.identity).read_bytes()[:64]
        if head.lstrip().startswith(b"AGE-SECRET-KEY-1") or head.startswith(b"#"):
            return None
    return _passphrase(args)


def _size(n: int) -> str:
    from cff_desktop.common.text import format_number

    return f"{format_number(n / 1e6, 2)} MB" if n >= 100_000 else f"{format_number(n)} byte"


# --- package -------------------------------------------------------------------------------------

def cmd_export(args: argparse.Namespace) -> int:
    from cff_desktop.services.packages import export_package
    from cff_desktop.services.rounds import ADMIN

    with _ws(args) as ws:
        actor = ADMIN
        if args.as_officer:
            from cff_desktop.cli.core import _as_officer
            from cff_desktop.services.officers import label

            actor = label(_as_officer(ws, args.as_officer))
        if args.kind == "dossier" and not args.criteria:
            from cff_desktop.services.rounds import get_round
            from cff_desktop.services.upper_key import check_unencrypted_export

            # never an unencrypted dossier without being told (evidence may name children); an open
            # round is refused by the export itself, with what to do first
            if get_round(ws, args.round).closed:
                check_unencrypted_export(ws, confirmed=args.unencrypted, year=args.round)
        res = export_package(ws, Path(args.to), kind=args.kind, criteria=args.criteria, year=args.round,
                             actor=actor)
    print(res.path)
    enc = f"mã hóa cho cấp trên (khóa {res.recipient_fingerprint})" if res.encrypted else "không mã hóa"
    print(f"Đã ghi và kiểm tra xong: {_size(res.size)}, {enc}.", file=sys.stderr)
    return 0


def _print_verdict(v: Any) -> None:
    from cff_desktop.common.text import format_points

    print(f"Gói nguyên vẹn: {v.kind_label} ({v.kind}), mã {v.uuid}")
    print(f"  Xã: {v.commune.get('name')}, {v.commune.get('province')} — vòng đánh giá năm {v.year}")
    print(f"  Ký bởi máy có dấu vân tay khóa {v.signer} (mã máy {v.device_id}), lúc {v.created_at}")
    print(f"  Bộ tiêu chí: {v.ruleset.get('id')} {v.ruleset.get('version')}")
    if v.supersedes:
        print(f"  Thay thế gói {v.supersedes}")
    if v.encrypted:
        state = "máy này đọc được nội dung" if v.readable else "máy này không có khóa để đọc nội dung"
        print(f"  Nội dung mã hóa cho khóa cấp trên {v.recipient_fingerprint} ({state})")
    if v.criteria:
        print(f"  Tiêu chí: {', '.join(v.criteria)} ({v.summary.get('values', 0)} chỉ số)")
    if v.summary.get("total") is not None:
        verdict = "ĐẠT" if v.summary.get("recognized") else "KHÔNG ĐẠT"
        print(f"  Kết quả: {format_points(v.summary['total'])} điểm, ngưỡng "
              f"{format_points(v.summary.get('threshold') or 0)}, {verdict}")
    print(f"  Nội dung ({len(v.contents)} tệp, gói {_size(v.size)}):")
    for c in v.contents:
        print(f"    {c['path']}  {_size(c['size'])}")


def cmd_verify(args: argparse.Namespace) -> int:
    from cff_desktop.services.packages import inspect_package, verify_package

    with _where(args) as where:
        kw = dict(trust=args.trust, **_identity_args(args))
        if args.json:
            v = inspect_package(where, Path(args.file), **kw)
            _print_json(v.to_json())
            if not v.ok:
                print(f"cff: lỗi: {args.file}: {v.reason}{cli_hint(v.remedy)}", file=sys.stderr)
                return 2
            return 0
        v = verify_package(where, Path(args.file), **kw)
    _print_verdict(v)
    return 0


def _ids(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def cmd_import(args: argparse.Namespace) -> int:
    from cff_desktop.services.packages import import_package
    from cff_desktop.services.rounds import ADMIN

    resolutions: dict[str, Any] = {}
    for iid in _ids(args.keep_mine):
        resolutions[iid] = "mine"
    for iid in _ids(args.take_theirs):
        if resolutions.get(iid) == "mine":
            raise BadInput(f"chỉ số {iid} vừa chọn giữ của máy này vừa chọn lấy theo gói.", "--take-theirs")
        resolutions[iid] = "theirs"
    with _ws(args) as ws:
        actor = ADMIN
        if args.as_officer:
            from cff_desktop.cli.core import _as_officer
            from cff_desktop.services.officers import label

            actor = label(_as_officer(ws, args.as_officer))
        res = import_package(ws, Path(args.file), resolutions=resolutions, trust=args.trust, actor=actor,
                             device_of=args.device_of,
                             **_identity_args(args))
    if args.json:
        _print_json({"uuid": res.uuid, "kind": res.kind, "applied": res.applied, "kept_mine": res.kept_mine,
                     "unchanged": res.unchanged, "already": res.already, "superseded_by": res.superseded_by,
                     "stored_path": res.stored_path})
    else:
        print(res.message())
    return 0


def cmd_drives(args: argparse.Namespace) -> int:
    from cff_desktop.services.packages import removable_drives

    drives = removable_drives()
    if args.json:
        _print_json([{"path": str(d.path), "label": d.label, "free": d.free, "total": d.total} for d in drives])
    elif not drives:
        print("Không thấy USB nào. Cắm USB rồi thử lại, hoặc dùng --to THƯ_MỤC.")
    else:
        for d in drives:
            print(d.describe())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.packages import list_packages

    with _ws(args) as ws:
        rows = list_packages(ws)
    return print_result(args, rows, _print_packages)


def _print_packages(rows: list[dict]) -> None:
    for r in rows:
        arrow = "gửi" if r["direction"] == "out" else "nhận"
        print(f"{r['created_at'][:16]} {arrow:<4} {r['kind']:<12} {r['uuid'][:8]} {_size(r['size']):>12} "
              f"{r['path']}")


# --- keys ----------------------------------------------------------------------------------------

def _paths(args: argparse.Namespace):
    from cff_desktop.services.workspace import data_paths

    return data_paths(args.db)


def cmd_keys_generate(args: argparse.Namespace) -> int:
    from cff_desktop.services.keys import generate_upper

    private = Path(args.private_file) if args.private_file else None
    pw = _passphrase(args, confirm=True) if private else None
    info = generate_upper(_paths(args), Path(args.out), private_file=private, passphrase=pw)
    where = f"tệp {info['file']} (có mật khẩu)" if info["store"] == "file" else "kho khóa của máy này"
    print(f"Đã tạo cặp khóa cấp trên. Khóa công khai: {info['public_file']}")
    print(f"  {info['recipient']}")
    print(f"  Dấu vân tay: {info['fingerprint']}")
    print(f"  Khóa bí mật giữ trong {where}; không gửi khóa bí mật cho ai.")
    return 0


def cmd_keys_import_upper(args: argparse.Namespace) -> int:
    from cff_desktop.services.keys import import_upper

    info = import_upper(_paths(args), args.source)
    print(f"Đã nhập khóa công khai của cấp trên: {info['recipient']}")
    print(f"Dấu vân tay: {info['fingerprint']} — đọc lại cho cấp trên để đối chiếu. "
          "Từ nay hồ sơ xuất ra được mã hóa cho khóa này.")
    if info.get("signing_fingerprint"):
        print(f"Khóa ký giấy báo của cấp trên: {info['signing_fingerprint']} — chỉ giấy báo ký bằng khóa này "
              "(hoặc khóa máy chủ đã đăng ký) mới được nhận.")
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.keys import device_info, trusted_devices, upper_recipient

    paths = _paths(args)
    info: dict[str, Any] = {"device": device_info(paths), "upper": upper_recipient(paths),
                            "trusted": trusted_devices(paths)}
    return print_result(args, info, _print_keys)


def _print_keys(info: dict[str, Any]) -> None:
    print(f"Máy này: mã {info['device']['device_id']}, dấu vân tay khóa ký {info['device']['fingerprint']}")
    up = info["upper"]
    print(f"Khóa cấp trên: {up['fingerprint'] if up else 'chưa nhập (hồ sơ xuất ra sẽ không được mã hóa)'}")
    for fp, t in info["trusted"].items():
        print(f"Tin máy {fp} ({t.get('commune', '')}) từ {localtime.date_text(t.get('trusted_at', ''))}")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff package`` and ``cff keys`` to ``cff``."""
    pk = sub.add_parser("package", help="gói hồ sơ / dữ liệu (.cffpkg) cho USB và đồng bộ").add_subparsers(
        dest="sub", required=True)
    add_command(pk, "export", "xuất gói ra thư mục hoặc USB (in ra đường dẫn tệp)", cmd_export,
                arg("--to", required=True, help="thư mục đích, ví dụ ổ USB"),
                arg("--kind", default="dossier", choices=["dossier", "sector-data"]),
                arg("--criteria", help="tiêu chí cho sector-data, ví dụ 5,7,8,9"),
                arg("--as", dest="as_officer", help="người xuất (ghi vào nhật ký)"),
                arg("--unencrypted", action="store_true",
                    help="ghi hồ sơ không mã hóa khi máy chưa có khóa của cấp trên "
                         "(đã hiểu: ai cầm USB cũng đọc được)"))
    for name, func, hlp in (("verify", cmd_verify, "kiểm tra gói: nguyên vẹn, ai ký, chứa gì"),
                            ("import", cmd_import, "nhập gói (kiểm tra hết rồi mới ghi, hoặc không ghi gì)")):
        x = add_command(pk, name, hlp, func,
                        arg("file"),
                        arg("--json", action="store_true"),
                        arg("--trust", action="store_true",
                            help="tin máy ký gói này (sau khi đã gọi điện so dấu vân tay)"),
                        arg("--identity", help="tệp khóa bí mật của cấp trên (nếu không để trong kho khóa)"),
                        arg("--passphrase-env", dest="passphrase_env", help="tên biến môi trường chứa mật khẩu"))
        if name == "import":
            x.add_argument("--keep-mine", dest="keep_mine", help="chỉ số xung đột giữ của máy này, ví dụ 7.1,8.2")
            x.add_argument("--take-theirs", dest="take_theirs", help="chỉ số xung đột lấy theo gói")
            x.add_argument("--as", dest="as_officer", help="người nhập (ghi vào nhật ký)")
            x.add_argument("--device-of", dest="device_of", metavar="HỌ_TÊN",
                           help="(số liệu ngành, lần đầu) máy ký gói là máy của cán bộ này — sau khi đã so dấu vân tay")
    add_command(pk, "drives", "các USB đang cắm", cmd_drives, json=True)
    add_command(pk, "list", "các gói đã gửi và đã nhận", cmd_list, json=True)

    ky = sub.add_parser("keys", help="khóa ký của máy và khóa của cấp trên").add_subparsers(dest="sub", required=True)
    add_command(ky, "generate", "(cấp trên) tạo cặp khóa; khóa công khai ghi ra --out", cmd_keys_generate,
                arg("--out", required=True, help="tệp khóa công khai để gửi cho các xã"),
                arg("--private-file", dest="private_file",
                    help="giữ khóa bí mật trong tệp có mật khẩu thay vì kho khóa của máy"),
                arg("--passphrase-env", dest="passphrase_env", help="tên biến môi trường chứa mật khẩu"))
    add_command(ky, "import-upper", "(xã) nhập khóa công khai của cấp trên từ tệp hoặc chuỗi age1…",
                cmd_keys_import_upper,
                arg("source", metavar="FILE"))
    add_command(ky, "show", "dấu vân tay của máy này, khóa cấp trên, các máy đã tin", cmd_keys_show, json=True)

