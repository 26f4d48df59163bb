"""The documentation site: it builds with `mkdocs build --strict`, its guides' examples run, and
in a real headless Chromium the API pages show their examples and the search finds pages.

The browser is Debian's `chromium` driven through Debian's matching `chromedriver` (selenium);
`make test` installs both when missing. Without them the browser tests skip, except under
`CI=true`, where a missing browser is a failure.
"""

from __future__ import annotations

import doctest
import functools
import http.server
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import typing

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUIDES = sorted((ROOT / "docs").glob("*.md"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.mark.parametrize("guide", GUIDES, ids=[g.name for g in GUIDES])
def test_guide_examples_run(guide: pathlib.Path) -> None:
    """Every `>>>` example of a guide gives the output written under it."""
    result = doctest.testfile(
        str(guide), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {guide.name} failed"


@pytest.fixture(scope="module")
def site() -> typing.Iterator[pathlib.Path]:
    """The site, built from the working tree with --strict into a fresh folder."""
    out = pathlib.Path(tempfile.mkdtemp(prefix="river-docs-"))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            timeout=300,
        )
        assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-4000:]}"
        yield out
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.mark.slow
def test_site_has_a_page_for_every_public_name(site: pathlib.Path) -> None:
    from river import stats, utils

    expected = [("river/stats", n) for n in stats.__all__ if n not in ("base", "Link")]
    expected += [("river/stats/base", n) for n in stats.base.__all__]
    expected += [("river/utils", n) for n in utils.__all__]
    missing = [f"{d}/{n}" for d, n in expected if not (site / "api" / d / n / "index.html").is_file()]
    assert not missing
    assert (site / "performance" / "rolling_quantile.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def base_url(site: pathlib.Path) -> typing.Iterator[str]:
    """The site over HTTP on the loopback (the search runs in a web worker, which file:// refuses)."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: typing.Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> typing.Iterator[typing.Any]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        reason = f"no {' or '.join(missing)}: `make test` installs Debian's chromium and chromium-driver"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    from selenium import webdriver  # pinned in requirements-dev.txt: missing is an error

    profile = tempfile.mkdtemp(prefix="river-docs-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.slow
def test_rolling_quantile_page_renders_its_example(browser: typing.Any, base_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/api/river/stats/RollingQuantile/")
    article = browser.find_element(By.CSS_SELECTOR, "article").text
    assert "RollingQuantile" in browser.title
    assert ">>> rolling_quantile = stats.RollingQuantile(q=.5, window_size=101)" in article
    assert "950.0" in article
    # The example sits in a highlighted code block, not in running text.
    blocks = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "article .highlight pre")]
    assert any(">>> for i in range(1001):" in b for b in blocks), blocks


@pytest.mark.slow
def test_search_finds_quantile_pages(browser: typing.Any, base_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{base_url}/")
    box = WebDriverWait(browser, 10).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input"))
    )
    box.click()
    box.send_keys("quantile")
    links = WebDriverWait(browser, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".md-search-result__item a.md-search-result__link")
    )
    hrefs = [link.get_attribute("href") for link in links]
    assert any("/api/river/stats/RollingQuantile/" in h for h in hrefs), hrefs
    assert all(h.startswith(base_url) for h in hrefs), hrefs
    # Following a result opens the page it names.
    target = next(link for link in links if "/api/river/stats/RollingQuantile/" in link.get_attribute("href"))
    target.click()
    WebDriverWait(browser, 10).until(lambda b: "/api/river/stats/RollingQuantile/" in b.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text.startswith("RollingQuantile")
