"""A local news site for the add-by-URL tests (#13): the saved pages of tests/pages/ on
127.0.0.1, a redirect to another host and a page that never finishes. Nothing leaves the machine."""

from __future__ import annotations

import io
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"
ROUTES = {"/article": ("text/html; charset=utf-8", "article.html"),
          "/paywall": ("text/html; charset=utf-8", "paywall.html"),
          "/reprint": ("text/html; charset=utf-8", "article.html"),
          "/listing": ("text/html; charset=utf-8", "listing.html"),
          "/report.pdf": ("application/pdf", "report.pdf")}
ARTICLE_TITLE = "Aid convoy reaches Kidal after a week on the road"
ARTICLE_FILE = "aid-convoy-reaches-kidal-after-a-week-on-the-road.txt"


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.slow_release = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: Site

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/slow":  # headers, then nothing for longer than the tests' timeout
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.server.slow_release.wait(10)
            return
        if self.path == "/elsewhere":  # the same server under another host name
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}"
                                         "/article")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        kind, page = ROUTES.get(self.path, ("text/plain", ""))
        body = (PAGES / page).read_bytes() if page else b"not found"
        if self.path == "/reprint":  # another site's copy: the same title, another lead
            body = body.replace(b"BAMAKO \xe2\x80\x94 A convoy of forty lorries",
                                b"GAO \xe2\x80\x94 Forty lorries of a relief convoy")
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def news_site() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.slow_release.set()
        site.shutdown()
        site.server_close()
        thread.join(5)


def tar_gz(members: dict[str, bytes], *, symlink: str = "") -> bytes:
    """A .tar.gz of these members; with `symlink`, also a member of that name linking to
    /etc/passwd (a hostile archive)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if symlink:
            link = tarfile.TarInfo(symlink)
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(link)
    return buffer.getvalue()
