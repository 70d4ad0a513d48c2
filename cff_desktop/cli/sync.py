"""``cff submit`` and ``cff sync ...``: send the dossier to the upper level when a link exists.

The same service calls the sync panel's "Gửi hồ sơ" and "Gửi ngay" buttons make.
"""

from __future__ import annotations

import argparse
import sys

from cff_desktop.cli.core import _ws, add_command, arg, print_result


def _size(n: int) -> str:
    from cff_desktop.cli.package import _size as size

    return size(n)


def cmd_enrol(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync import enrol

    with _ws(args) as ws:
        cfg = enrol(ws, args.server, args.code)
    print(f"Đã đăng ký với máy chủ {cfg.server} cho xã {cfg.commune_name or cfg.commune} (mã {cfg.commune}).")
    print(f"Dấu vân tay khóa của máy chủ: {cfg.fingerprint} — đối chiếu với cấp trên qua điện thoại. "
          "Mã truy cập được giữ trong kho khóa của máy.")
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync import submit

    with _ws(args) as ws:
        q = submit(ws, year=args.round)
    if q.new:
        print(f"Đã đưa hồ sơ vào hộp thư đi: gói {q.uuid} ({_size(q.size)}). Chạy `cff sync` để gửi.")
    else:
        print(f"Hồ sơ này đã có trong hộp thư đi (gói {q.uuid}); không tạo gói mới.")
    return 0


def _print_pass(report) -> None:
    from cff_desktop.services.sync import local_time

    if not report.online:
        for f in report.failed:
            print(f"  {f['uuid'][:8]}: chưa có kết nối; sẽ thử lại lúc {local_time(f['retry_at'])}", file=sys.stderr)
    for d in report.delivered:
        print(f"Đã nhận lúc {local_time(d['received_at'])}, mã tiếp nhận {d['receipt_id']} (gói {d['uuid'][:8]}).")
    for f in report.failed if report.online else []:
        tail = "" if f.get("final") or "retry_at" not in f else f"; sẽ thử lại lúc {local_time(f['retry_at'])}"
        print(f"  {f['uuid'][:8]}: {f['error']}{tail}", file=sys.stderr)
    for d in report.decisions:
        from cff_desktop.services.sync import decision_text

        print(decision_text(d))
    for r in report.rulesets:
        print(f"Cấp trên đã phát hành bộ tiêu chí {r['id']} phiên bản {r['version']} (chữ ký đã kiểm tra). "
              f"Cài bằng: cff sync install-ruleset {r['sha256'][:12]}")
    if report.pull_error:
        print(f"  Chưa lấy được quyết định / bộ tiêu chí: {report.pull_error}", file=sys.stderr)
    for n in report.not_due:
        when = local_time(n["retry_at"]) if n["retry_at"] else "ngay khi có kết nối"
        print(f"  {n['uuid'][:8]}: chưa đến lượt thử lại (lúc {when}); `cff sync --now` để gửi ngay.",
              file=sys.stderr)


class _Live:
    """What ``cff sync`` prints while sending: on a terminal one line rewritten in place (bytes the
    server has, speed over the last minute, time remaining); otherwise (a log, a pipe) one line per
    change of state, so a log of a 2-hour upload stays readable."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started: set[str] = set()
        self.width = 0

    def _line(self, text: str) -> None:
        self.end()
        print(text, file=self.stream, flush=True)

    def end(self) -> None:
        if self.width:
            print(file=self.stream, flush=True)
            self.width = 0

    def progress(self, uuid: str, sent: int, total: int, speed: float) -> None:
        from cff_desktop.services.sync import duration_text, size_text

        head = f"Gói {uuid[:8]}: "
        if uuid not in self.started:
            self.started.add(uuid)
            had = f"; máy chủ đã có {size_text(sent)}" if sent else ""
            self._line(f"{head}bắt đầu gửi {size_text(total)}{had}.")
        if not self.tty:
            return
        eta = f" · còn khoảng {duration_text((total - sent) / speed)}" if speed > 0 and sent < total else ""
        rate = f" · {size_text(speed)}/s" if speed > 0 else ""
        text = f"{head}{size_text(sent)} / {size_text(total)} ({sent * 100 // max(total, 1)}%){rate}{eta}"
        pad = max(self.width - len(text), 0)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self.width = len(text)

    def state(self, uuid: str, text: str) -> None:
        self._line(f"Gói {uuid[:8]}: {text}")


def cmd_sync(args: argparse.Namespace) -> int:
    from cff_desktop.common.errors import Refused
    from cff_desktop.services.sync import retry_now, run

    live = _Live()

    def on_pass(report) -> None:
        live.end()
        _print_pass(report)

    def on_wait(holder) -> None:
        who = holder.text() if holder else "một chương trình khác"
        told = " Đã báo cho nó gửi ngay." if args.now else ""
        print(f"Hộp thư đi đang được gửi bởi {who}; chờ nó xong rồi mới gửi (không gửi hai lần).{told}",
              file=sys.stderr, flush=True)

    with _ws(args) as ws:
        if args.now:
            retry_now(ws)  # a sender already running sees it within seconds
        report = run(ws, once=args.once, now=args.now, on_pass=on_pass, on_wait=on_wait,
                     progress=live.progress, on_state=live.state)
    live.end()
    if report.auth_error:
        raise Refused(report.auth_error, "sync")
    if report.paused:
        print("Đang tạm dừng gửi (cff sync resume để gửi tiếp); hồ sơ vẫn trong hộp thư đi.", file=sys.stderr)
    if not report.online:
        print("Chưa có kết nối tới máy chủ; hồ sơ vẫn trong hộp thư đi.", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync import status

    with _ws(args) as ws:
        st = status(ws)
    return print_result(args, st, _print_status)


def _print_status(st: dict) -> None:
    from cff_desktop.services.sync import decision_text

    if not st["enrolled"]:
        print("Chưa đăng ký với máy chủ cấp trên (cff sync enrol --server URL --code MÃ).")
    else:
        print(f"Máy chủ: {st['server']} (khóa {st['server_fingerprint']}), xã {st['commune']}")
    if st["sender"]:
        print(f"Đang gửi: {st['sender']}")
    if st["device_key_message"]:
        print(st["device_key_message"])
    for o in st["outbox"]:
        print(f"{o['uuid'][:8]} {o['kind']:<12} {o['state']:<10} {o['text']}")
    for d in st["decisions"]:
        print(decision_text(d))
    for r in st["rulesets"]:
        mark = "đã cài" if r["installed"] else f"chưa cài (cff sync install-ruleset {r['sha256'][:12]})"
        print(f"Bộ tiêu chí {r['id']} {r['version']} từ cấp trên: {mark}")


def cmd_pause(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync import set_paused

    with _ws(args) as ws:
        set_paused(ws, args.sync_cmd == "pause")
    print("Đã tạm dừng gửi; hồ sơ vẫn chờ trong hộp thư đi (cff sync resume để gửi tiếp)."
          if args.sync_cmd == "pause" else "Đã cho gửi tiếp.")
    return 0


def cmd_install_ruleset(args: argparse.Namespace) -> int:
    from cff_desktop.services.sync import install_ruleset

    with _ws(args) as ws:
        r = install_ruleset(ws, args.sha256)
    state = "Đã cài" if r["new"] else "Đã có sẵn"
    print(f"{state} bộ tiêu chí {r['id']} phiên bản {r['version']}. Các vòng đánh giá đã có vẫn giữ bộ tiêu chí cũ.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff submit`` and ``cff sync`` to ``cff``."""
    add_command(sub, "submit", "đưa hồ sơ của hội đồng vào hộp thư đi để gửi lên cấp trên", cmd_submit)
    sy = sub.add_parser("sync", help="gửi hộp thư đi lên cấp trên, lấy quyết định và bộ tiêu chí mới")
    sy.add_argument("--once", action="store_true", help="chỉ một lượt rồi dừng (mặc định: gửi đến khi hết)")
    sy.add_argument("--now", action="store_true", help="gửi ngay mọi gói đang chờ, không đợi đến giờ thử lại")
    sy.set_defaults(func=cmd_sync)
    ss = sy.add_subparsers(dest="sync_cmd")
    add_command(ss, "enrol", "đăng ký máy này với máy chủ cấp trên bằng mã một lần", cmd_enrol,
                arg("--server", required=True, help="địa chỉ máy chủ, ví dụ https://huyen.example.vn:8765"),
                arg("--code", required=True, help="mã đăng ký cấp trên đọc cho (dạng ABCD-EFGH-JKLM)"))
    add_command(ss, "status", "hộp thư đi, giấy báo nhận, quyết định của cấp trên", cmd_status, json=True)
    for name, hlp in (("pause", "tạm dừng gửi (mạng trả tiền theo dung lượng hoặc quá chậm)"),
                      ("resume", "cho gửi tiếp")):
        add_command(ss, name, hlp, cmd_pause)
    add_command(ss, "install-ruleset", "cài bộ tiêu chí cấp trên đã phát hành (đã kiểm tra chữ ký)",
                cmd_install_ruleset,
                arg("sha256", help="mã băm (hoặc 12 ký tự đầu) in ra bởi `cff sync`"))
