"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium) against
a real `kg serve` process (the live_server fixture). One browser per session; a screenshot of
the page is saved into tests/artifacts/ when a test fails. axe-core is fetched at test time with
`npm pack` (never committed)."""
from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE_VERSION = "4"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def context(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="pl-PL")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture()
def page(context, request):
    """A fresh page per test (pages share the module's context); CSP violations and script
    errors fail the test; a screenshot is saved on failure."""
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") and r.request.resource_type != "document" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__").replace("[", "_").replace("]", "")
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception:  # the page may be gone; the failure itself is what matters
            pass
    page.close()


@pytest.fixture(scope="session")
def axe_source(tmp_path_factory) -> str | None:
    """axe.min.js from the npm package axe-core, fetched with `npm pack` into a temp dir."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder = tmp_path_factory.mktemp("axe")
    try:
        result = subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent"], cwd=folder,
                                capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    tarballs = list(folder.glob("axe-core-*.tgz"))
    if result.returncode != 0 or not tarballs:
        return None
    with tarfile.open(tarballs[0]) as tar:
        member = tar.extractfile("package/axe.min.js")
        return member.read().decode("utf-8") if member else None


@pytest.fixture()
def check_a11y(axe_source):
    """Run axe-core (WCAG 2 A/AA rules) on the page; fail on any violation."""
    def check(page, *, exclude: list[str] | None = None):
        if axe_source is None:
            pytest.skip("npm is not available (or the registry is not reachable) to fetch axe-core")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)  # DevTools evaluation: not subject to the page's CSP
        results = page.evaluate("""async (exclude) => {
            const r = await axe.run({exclude: exclude.map(s => [s])},
                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""", exclude or [])
        assert results == [], f"accessibility violations on {page.url}: {results}"
    return check
