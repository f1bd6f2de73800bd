"""The site's uploads (wp-content/uploads): which addresses are theirs, and their files, read
from a copy of the folder (--uploads) or downloaded from the site itself."""

import html
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from articles import images as image_rules
from wordpress import wxr
from wordpress.importing.report import ItemProblem

DOWNLOAD_TIMEOUT = 10  # seconds
UPLOADS_MARKER = "/wp-content/uploads/"
SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
PHOTON_HOST = re.compile(r"^i\d\.wp\.com$")


def original_path(path: str) -> str:
    """The full-size file of a resized copy WordPress made ("port-300x200.jpg" → "port.jpg")."""
    return SIZE_SUFFIX.sub("", path)


def _too_large() -> ItemProblem:
    return ItemProblem(f"larger than {image_rules.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")


def _bare_host(host: str) -> str:
    return host.lower().removeprefix("www.")


class _SameSiteRedirects(HTTPRedirectHandler):
    """Follow a download's redirects only within the WordPress site's own hosts."""

    def __init__(self, allowed: Callable[[str], bool]):
        super().__init__()
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not self.allowed(newurl):
            raise URLError(f"redirected to another site ({urlsplit(newurl).hostname})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Uploads:
    def __init__(self, export: wxr.Export, *, folder: Path | str | None, download: bool):
        self.folder = Path(folder).resolve() if folder else None
        self.download = download and self.folder is None
        urls = [export.link, export.base_site_url, export.base_blog_url]
        urls += [item.attachment_url for item in export.items if item.post_type == "attachment"]
        self.site_hosts = {_bare_host(host) for url in urls if (host := urlsplit(url).hostname)}
        site = urlsplit(export.base_blog_url or export.link or export.base_site_url)
        self.site_root = (site.scheme or "https", site.netloc)

    def path(self, url: str) -> str | None:
        """The file's path inside wp-content/uploads/ if `url` is one of the site's uploads."""
        parts = urlsplit(html.unescape(url or "").strip())
        if parts.scheme not in ("", "http", "https"):
            return None
        if parts.netloc and parts.hostname:
            host = _bare_host(parts.hostname)
            if host not in self.site_hosts and not PHOTON_HOST.match(host):
                return None
        path = unquote(parts.path)
        if UPLOADS_MARKER not in path:
            return None
        relative = posixpath.normpath(path.split(UPLOADS_MARKER, 1)[1])
        if relative.startswith(("..", "/")) or relative == ".":
            return None
        return relative

    def read(self, url: str, path: str, attachment: wxr.Item | None) -> tuple[str, bytes]:
        """The original file's name and bytes: from the folder, else downloaded (the full size first)."""
        candidates = []
        if attachment is not None and (attachment_path := self.path(attachment.attachment_url)):
            candidates.append((attachment_path, attachment.attachment_url))
        original = original_path(path)
        candidates += [(original, self._with_path(url, original)), (path, url)]
        if self.folder is not None:
            for relative, _url in candidates:
                file = (self.folder / relative).resolve()
                if file.is_relative_to(self.folder) and file.is_file():
                    if file.stat().st_size > image_rules.MAX_UPLOAD_BYTES:
                        raise _too_large()
                    return file.name, file.read_bytes()
            raise ItemProblem(f"not found in the uploads folder ({path})")
        if not self.download:
            raise ItemProblem("not downloaded (no --uploads folder, and downloads are off)")
        errors = []
        for relative, candidate in dict.fromkeys(candidates):
            try:
                return posixpath.basename(relative), self._fetch(candidate)
            except ItemProblem as problem:
                errors.append(str(problem))
        raise ItemProblem(errors[-1] if errors else "could not be downloaded")

    def _with_path(self, url: str, relative: str) -> str:
        parts = urlsplit(html.unescape(url).strip())
        scheme, netloc = (parts.scheme or self.site_root[0], parts.netloc or self.site_root[1])
        prefix = unquote(parts.path).split(UPLOADS_MARKER, 1)[0]
        return urlunsplit((scheme, netloc, quote(f"{prefix}{UPLOADS_MARKER}{relative}"), "", ""))

    def _is_site_url(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and (_bare_host(parts.hostname) in self.site_hosts or bool(PHOTON_HOST.match(parts.hostname)))
        )

    def _fetch(self, url: str) -> bytes:
        """Download one file (timeout, size limit, redirects only within the site)."""
        if not url.startswith(("http://", "https://")):
            url = self._with_path(url, self.path(url) or "")
        if not self._is_site_url(url):
            raise ItemProblem("not on the WordPress site's own address")
        limit = image_rules.MAX_UPLOAD_BYTES
        opener = build_opener(_SameSiteRedirects(self._is_site_url))
        request = Request(url, headers={"User-Agent": "Midad WordPress import"})
        try:
            with opener.open(request, timeout=DOWNLOAD_TIMEOUT) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limit:
                    raise _too_large()
                data = response.read(limit + 1)
        except ItemProblem:
            raise
        except HTTPError as error:
            raise ItemProblem(f"could not be downloaded (HTTP {error.code})") from None
        except (OSError, ValueError) as error:  # URLError, timeouts, refused connections, bad URLs
            reason = getattr(error, "reason", None) or error
            raise ItemProblem(f"could not be downloaded ({reason})") from None
        if len(data) > limit:
            raise _too_large()
        return data
