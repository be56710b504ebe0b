"""The URL fetcher WeasyPrint gets: the package's own assets and nothing else.

A PDF is built from text the administrators typed. Even though that text is escaped, the
renderer must never reach out: no http(s) (the build runs offline, and a request would leak),
no ``file://`` outside the package's template/asset folders (no reading /etc/passwd into a PDF).
Refusing means raising; WeasyPrint then logs the URL and leaves the resource out.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from generator.render.pdf import ALLOWED_ROOTS

_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}


class RefusedURL(ValueError):
    """A URL outside the project's own assets."""


class AssetFetcher(URLFetcher):
    """Serves ``file:`` URLs under :data:`ALLOWED_ROOTS` and ``data:`` URIs; refuses the rest.

    ``fetch("file:///…/generator/templates/pdf/print.css")`` gives the stylesheet;
    ``fetch("https://fonts.googleapis.com/css")`` and ``fetch("file:///etc/passwd")`` raise
    :class:`RefusedURL`.
    """

    def __init__(self, roots: tuple[Path, ...] = ALLOWED_ROOTS) -> None:
        super().__init__(timeout=1, allow_redirects=False, fail_on_errors=False)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(f"拒绝访问外部地址：{url}")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"拒绝访问外部地址：{url}")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise RefusedURL(f"拒绝访问项目资源以外的文件：{url}")
        return URLFetcherResponse(
            path.as_uri(),
            path.read_bytes(),
            headers={"Content-Type": _TYPES.get(path.suffix, "application/octet-stream")},
        )
