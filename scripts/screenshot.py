"""Screenshot the built intranet site's home page in headless Chromium.

Builds nothing: run ``mkdocs build`` first. Serves the site directory on
127.0.0.1 (an ephemeral port), opens it with Playwright and Debian's Chromium
at 1280x900, blocks every request to any other host, and writes a PNG.

    python scripts/screenshot.py [--site site] [--out scripts/screenshots/home.png]
                                 [--page lessons/standard-1/] [--dark] [--full-page]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site",
                        help="built intranet site directory (default: site/)")
    parser.add_argument("--out", type=Path, default=ROOT / "scripts" / "screenshots" / "home.png",
                        help="PNG to write (default: scripts/screenshots/home.png)")
    parser.add_argument("--page", default="", help="path below the site root (default: home)")
    parser.add_argument("--dark", action="store_true", help="prefer the dark (slate) scheme")
    parser.add_argument("--full-page", action="store_true", help="capture the whole page")
    args = parser.parse_args(argv)

    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} has no index.html: run 'mkdocs build' first")

    handler = functools.partial(_QuietHandler, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    blocked: list[str] = []

    def route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            context = browser.new_context(
                viewport={"width": 1280, "height": 900},
                color_scheme="dark" if args.dark else "light")
            context.route("**/*", route)
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{args.page}",
                      wait_until="networkidle")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out), full_page=args.full_page)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()

    print(f"wrote {args.out}")
    for url in blocked:
        print(f"blocked outside request: {url}", file=sys.stderr)
    return 1 if blocked else 0


if __name__ == "__main__":
    sys.exit(main())
