"""``cff-district``: the upper level's inbox server and its few administrative commands.

    cff-district serve --data DIR --host 0.0.0.0 --port 8765 [--cert C --key K] [--recipient age1…|FILE]
    cff-district enrol COMMUNE_CODE --data DIR [--name "Xã Tả Van"]   # prints a one-time code
    cff-district revoke COMMUNE_CODE --data DIR [--device ID]
    cff-district list --data DIR [--json]
    cff-district decide PACKAGE_UUID --accept | --return --comment "7: ..." --data DIR
    cff-district publish-ruleset FILE --data DIR

Exit codes as for ``cff``: 0 success, 2 refusal with one line on stderr, 1 a bug.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from cff_desktop import __version__
from cff_desktop.cli.core import _print_json, add_command, arg, print_result


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: lỗi cú pháp: {message}\n")


def cmd_serve(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync_district import serve, upper_recipient_of

    if args.recipient is not None:
        args.recipient = upper_recipient_of(args.recipient)  # a wrong key: one line, before the banner

    print(f"cff-district {__version__}: nhận hồ sơ tại {'https' if args.cert else 'http'}://{args.host}:{args.port}"
          f" (dữ liệu: {args.data}). Dừng bằng Ctrl+C.", file=sys.stderr)
    serve(args.data, args.host, args.port, cert=args.cert, key=args.key, max_package_mb=args.max_package_mb,
          max_open_mb=args.max_open_mb, recipient=args.recipient)
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync_district import enrol_commune

    r = enrol_commune(args.data, args.commune, args.name or "", args.days)
    if args.json:
        _print_json(r)
        return 0
    print(r["code"])
    print(f"Mã đăng ký một lần cho xã {r['commune']}, dùng trong {args.days} ngày: đọc cho văn thư xã để chạy "
          f"`cff sync enrol --server URL --code {r['code']}`. Dấu vân tay khóa máy chủ: {r['fingerprint']}.",
          file=sys.stderr)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync_district import revoke

    n = revoke(args.data, args.commune, args.device)
    print(f"Đã thu hồi {n} mã truy cập của xã {args.commune}; máy đó phải đăng ký lại bằng mã mới.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync_district import list_inbox

    info = list_inbox(args.data)
    return print_result(args, info, _print_inbox)


def _print_inbox(info: dict) -> None:
    print(f"Khóa máy chủ: {info['fingerprint']}")
    for c in info["communes"]:
        print(f"Xã {c['code']} {c['name']}: {c['devices']} máy, {c['packages']} gói")
    for p in info["packages"]:
        print(f"{p['received_at']} {p['receipt_id']} xã {p['commune']} {p['kind']} {p['uuid']} {p['path']}")


def cmd_decide(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync_district import decide

    body = decide(args.data, args.uuid, "accepted" if args.accept else "returned", args.comment or [])
    print(f"Đã ghi quyết định {body['id']} ({'chấp nhận' if args.accept else 'trả lại'}) cho gói {args.uuid}; "
          "xã nhận được ở lần đồng bộ sau.")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync_district import publish_ruleset

    body = publish_ruleset(args.data, args.file)
    rs = body["ruleset"]
    print(f"Đã ký và phát hành bộ tiêu chí {rs['id']} phiên bản {rs['version']} (SHA-256 {rs['sha256'][:12]}…).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cff-district", description="Máy chủ nhận hồ sơ của cấp trên (cff_desktop).")
    p.add_argument("--version", action="version", version=f"cff-district {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    add_command(sub, "serve", "chạy máy chủ nhận hồ sơ", cmd_serve,
                arg("--data", required=True, help="thư mục dữ liệu của máy chủ"),
                arg("--host", default="127.0.0.1", help="địa chỉ lắng nghe (0.0.0.0 cho mọi mạng)"),
                arg("--port", type=int, default=8765),
                arg("--cert", help="tệp chứng chỉ TLS (PEM) khi không có reverse proxy"),
                arg("--key", help="tệp khóa riêng của chứng chỉ TLS (PEM)"),
                arg("--recipient", help="khóa công khai của cấp trên (age1… hoặc tệp do `cff keys generate` tạo): "
                                        "gửi cho xã khi đăng ký để hồ sơ được mã hóa; máy chủ nhớ cho lần sau"),
                arg("--max-package-mb", dest="max_package_mb", type=int, help="giới hạn kích thước một gói (MB)"),
                arg("--max-open-mb", dest="max_open_mb", type=int,
                    help="tổng dung lượng các gói đang gửi dở của một xã (MB, mặc định 2048)"))
    add_command(sub, "enrol", "tạo tài khoản xã / cấp mã đăng ký một lần", cmd_enrol,
                arg("commune", metavar="COMMUNE_CODE"),
                arg("--data", required=True),
                arg("--name", help="tên xã (hiện cho văn thư xã khi đăng ký)"),
                arg("--days", type=int, default=7, help="số ngày mã còn hiệu lực"), json=True)
    add_command(sub, "revoke", "thu hồi mã truy cập của xã (hoặc của một máy)", cmd_revoke,
                arg("commune", metavar="COMMUNE_CODE"),
                arg("--data", required=True),
                arg("--device", help="chỉ thu hồi máy có mã này"))
    add_command(sub, "list", "các xã và các gói đã nhận", cmd_list, arg("--data", required=True), json=True)
    x = sub.add_parser("decide", help="ghi quyết định cho một gói: chấp nhận hoặc trả lại kèm nhận xét")
    x.add_argument("uuid", metavar="PACKAGE_UUID")
    x.add_argument("--data", required=True)
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--accept", action="store_true")
    g.add_argument("--return", dest="ret", action="store_true")
    x.add_argument("--comment", action="append", help="nhận xét, \"7: lý do\" gắn với tiêu chí 7 (lặp lại được)")
    x.set_defaults(func=cmd_decide)
    add_command(sub, "publish-ruleset", "ký và phát hành bộ tiêu chí cho các xã tải về", cmd_publish,
                arg("file"),
                arg("--data", required=True))
    return p


def main(argv: list[str] | None = None) -> int:
    from cff_desktop.cli import run

    return run("cff-district", build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
