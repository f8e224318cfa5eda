"""Serves the demo sites, one ThreadingHTTPServer per site on its own loopback address.

    with DemoSites() as demo:            # ephemeral ports on 127.0.0.11-14
        demo.sites, demo.expected, demo.requests
        demo.hold_back(2) ... demo.release()

The articles are dated on the demo's clock (crawler/demo/clock.py): the newest an hour or two
before `now` (the time the server is made, or the one a test hands in), so a report of the
last week shows them. `crawler.demo.render.render_article` renders the dates as written.

`python -m crawler.demo.server [--port 18080]` serves them in the foreground.
"""

from __future__ import annotations

import argparse
import hashlib
import threading
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

from crawler.demo.clock import on_clock
from crawler.demo.content import KST, SITES, Site, newest_first
from crawler.demo.expected import expected_record
from crawler.demo.families import family_of
from crawler.demo.families.base import Response, View

# A 1x1 transparent GIF: what every article photo looks like to a crawler.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    demo: DemoSites
    site: Site
    base: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle on, a kept-alive connection
    # waits for the client's delayed ACK (~40 ms) before every body.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self.answer(send_body=True)

    def do_HEAD(self) -> None:
        self.answer(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests read demo.requests; stderr noise helps nobody

    def answer(self, send_body: bool) -> None:
        demo, site = self.server.demo, self.server.site
        demo._record(site.name, self.command, self.path, dict(self.headers.items()))
        response = demo._response(site, self.server.base, self.path)
        headers = dict(response.headers)
        headers["Content-Type"] = response.content_type
        status, body = response.status, response.body
        if status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            headers["ETag"] = etag
            if response.last_modified:
                headers["Last-Modified"] = format_datetime(
                    response.last_modified.astimezone(UTC), usegmt=True
                )
            if _not_modified(self.headers, etag, response):
                status, body = 304, b""
                del headers["Content-Type"]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


def _not_modified(request_headers: Any, etag: str, response: Response) -> bool:
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        return (
            etag in [tag.strip() for tag in if_none_match.split(",")]
            or if_none_match.strip() == "*"
        )
    since = request_headers.get("If-Modified-Since")
    if since and response.last_modified:
        try:
            return response.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class DemoSites:
    """The bundled demo news sites, served while the context is open."""

    def __init__(
        self,
        port: int = 0,
        hosts: list[str] | None = None,
        faults: bool = False,
        sites: tuple[Site, ...] | list[Site] | None = None,
        now: datetime | None = None,
    ) -> None:
        self.port = port
        # The demo's clock, fixed for the server's life: by default the time it is made.
        self.now: datetime = now or datetime.now(KST)
        # The bundled sites by default; tests may serve other content with the same families.
        self._site_list: tuple[Site, ...] = on_clock(sites or SITES, self.now)
        self.hosts = hosts or [site.host for site in self._site_list]
        self.faults = faults  # the first GET of each site's newest article answers 503 once
        self._lock = threading.Lock()
        self._requests: list[tuple[str, str, str, dict[str, str]]] = []
        self._hidden: dict[str, frozenset[int]] = {
            site.name: frozenset() for site in self._site_list
        }
        self._faulted: set[str] = set()
        self._rendered: dict[tuple[str, str], tuple[frozenset[int], Response]] = {}
        self._servers: list[_Server] = []
        self._bases: dict[str, str] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        for i, site in enumerate(self._site_list):
            host = self.hosts[i % len(self.hosts)]
            # Sites sharing a host on a fixed port need a port each.
            shared = len(
                {self.hosts[j % len(self.hosts)] for j in range(len(self._site_list))}
            ) < len(self._site_list)
            port = self.port + i if self.port and shared else self.port
            try:
                server = _Server((host, port), _Handler)
            except OSError:
                self.close()  # the sites already bound must not stay behind
                raise
            server.demo, server.site = self, site
            server.base = f"http://{host}:{server.server_address[1]}"
            self._bases[site.name] = server.base
            self._servers.append(server)
            threading.Thread(
                target=server.serve_forever, name=f"demo-{site.name}", daemon=True
            ).start()

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    # -- what tests and the CLI read ------------------------------------------------------------

    @property
    def sites(self) -> list[dict[str, str]]:
        return [
            {"name": site.name, "home": self._bases[site.name] + "/"} for site in self._site_list
        ]

    @property
    def expected(self) -> list[dict]:
        """Expected records of the visible articles, with absolute `url`s for this run's hosts."""
        records = []
        for site in self._site_list:
            base = self._bases[site.name]
            for article in site.articles:
                if article.id in self._hidden[site.name]:
                    continue
                record = expected_record(site, article)
                record["url"] = base + record["path"]
                record["images"] = [dict(img, url=base + img["path"]) for img in record["images"]]
                records.append(record)
        return records

    @property
    def requests(self) -> list[tuple[str, str, str, dict[str, str]]]:
        with self._lock:
            return list(self._requests)

    def write_sites_toml(self, path: str | Path) -> Path:
        lines = []
        for site, entry in zip(self._site_list, self.sites, strict=True):
            lines += ["[[site]]", f'name = "{site.name}"', f'home = "{entry["home"]}"']
            if family_of(site).charset != family_of(site).declared_charset:
                lines.append(f'charset = "{family_of(site).charset}"')
            lines.append("")
        target = Path(path)
        target.write_text("\n".join(lines), encoding="utf-8")
        return target

    # -- incremental crawls ---------------------------------------------------------------------

    def hold_back(self, n: int) -> None:
        """Hide the n newest articles of every site (404, and absent from every list) until release()."""
        with self._lock:
            self._hidden = {
                site.name: frozenset(a.id for a in newest_first(site.articles)[:n])
                for site in self._site_list
            }

    def release(self) -> None:
        with self._lock:
            self._hidden = {site.name: frozenset() for site in self._site_list}

    # -- serving --------------------------------------------------------------------------------

    def _record(self, site: str, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self._requests.append((site, method, path, headers))

    def _response(self, site: Site, base: str, path_qs: str) -> Response:
        with self._lock:
            hidden = self._hidden[site.name]
            cached = self._rendered.get((base, path_qs))
        view = View(site, base, hidden)
        fault = self._fault(view, path_qs)
        if fault is not None:
            return fault
        # A page is the same until hold_back/release changes what is visible (a new set): the
        # benchmarks' servers share the machine with the crawl, so a page is rendered once.
        if cached is not None and cached[0] is hidden:
            return cached[1]
        response = self._image(view, path_qs) or family_of(site).respond(view, path_qs)
        with self._lock:
            self._rendered[(base, path_qs)] = (hidden, response)
        return response

    def _fault(self, view: View, path_qs: str) -> Response | None:
        """With faults on, the newest article of each site answers 503 once, as a busy server does."""
        if not self.faults or not view.articles:
            return None
        if path_qs != family_of(view.site).article_path(view.site, view.articles[0]):
            return None
        with self._lock:
            if view.site.name in self._faulted:
                return None
            self._faulted.add(view.site.name)
        return Response(
            503, b"Service Unavailable\n", "text/plain; charset=utf-8", headers={"Retry-After": "1"}
        )

    def _image(self, view: View, path_qs: str) -> Response | None:
        family = family_of(view.site)
        for article in view.articles:
            if path_qs in family.image_paths(view.site, article):
                return Response(200, PIXEL, "image/gif", article.published_at)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bundled demo news sites.")
    parser.add_argument(
        "--port", type=int, default=18080, help="port for every site (0: ephemeral)"
    )
    args = parser.parse_args()
    with DemoSites(port=args.port) as demo:
        for entry in demo.sites:
            print(f"{entry['name']:14} {entry['home']}", flush=True)
        print("Ctrl-C stops.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
