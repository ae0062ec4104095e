"""report.html in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`) through Selenium.

Skips when Chromium, its driver or Selenium is missing; `.ci/run` installs them so CI runs it.
No browser is ever downloaded: Selenium is pointed at the system's binaries.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT_FIXTURE = Path(__file__).resolve().parent / "data" / "audit" / "script-in-text.txt"
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
DRIVER = shutil.which("chromedriver")
# Offline and quiet: no sandbox (CI runs as root), no GPU, no background traffic to the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1200,1400"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    # Leave any dialog open, so the test can see it rather than the driver dismissing it.
    options.unhandled_prompt_behavior = "ignore"
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    yield driver
    driver.quit()


def open_dialog(driver: object) -> str | None:
    """The text of the dialog open on the page, if any."""
    from selenium.common.exceptions import NoAlertPresentException

    try:
        return driver.switch_to.alert.text
    except NoAlertPresentException:
        return None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """report.html of the seeds plus a scrape holding `<script>alert(1)</script>`, written by the CLI."""
    from click.testing import CliRunner

    from cleaner.cli import main

    corpus = tmp_path_factory.mktemp("corpus")
    for path in [*sorted(seeds_dir.glob("*.txt")), SCRIPT_FIXTURE]:
        shutil.copy(path, corpus)
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("cwd"))
        result = CliRunner().invoke(main, ["clean", str(corpus), "-o", str(out), "--no-progress", "--report-html"],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "report.html"


def test_report_in_chromium(browser: object, report: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    assert open_dialog(browser) is None, "a script from the corpus ran"
    body = browser.find_element(By.TAG_NAME, "body").text
    for category in ("donation", "newsletter", "byline", "related", "navigation"):
        assert category in body
    assert "<script>alert(1)</script>" in body and 'onerror="alert(2)"' in body
    assert browser.execute_script("return document.scripts.length") == 1  # only the page's own

    donation = next(d for d in browser.find_elements(By.CSS_SELECTOR, "del[data-cat=donation]") if d.is_displayed())
    assert "line-through" in donation.value_of_css_property("text-decoration-line")
    assert donation.get_attribute("title").endswith("[donation]") and donation.size["width"] > 0

    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.read_bytes()[:4] == b"\x89PNG"

    # The check above can see a dialog: one opened on purpose is found.
    browser.execute_script("alert('probe')")
    assert open_dialog(browser) == "probe"
    browser.switch_to.alert.dismiss()


def test_filter_and_search(browser: object, report: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(report.as_uri())

    def shown() -> list[str]:
        return [d.find_element(By.TAG_NAME, "a").text for d in browser.find_elements(By.CSS_SELECTOR, ".doc") if d.is_displayed()]

    everything = shown()
    assert len(everything) == 6
    Select(browser.find_element(By.ID, "category")).select_by_value("byline")
    with_byline = shown()
    assert 0 < len(with_byline) < len(everything)
    dimmed = browser.find_elements(By.CSS_SELECTOR, ".doc:not([hidden]) del.dim")
    assert dimmed and all(d.get_attribute("data-cat") != "byline" for d in dimmed)
    Select(browser.find_element(By.ID, "category")).select_by_value("")
    browser.find_element(By.ID, "search").send_keys("alert(1)")
    assert shown() == [SCRIPT_FIXTURE.name]
    assert browser.find_element(By.ID, "shown").text == "1 of 6 documents shown"
