"""Selenium driving Debian's chromium through chromium-driver, for the tests that click, type and measure."""
import shutil

import pytest

try:
    from axe_selenium_python import Axe  # noqa: F401  (axe-core, for test_accessibility)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By  # noqa: F401
    from selenium.webdriver.common.keys import Keys  # noqa: F401
except ImportError as missing:
    pytest.fail(f"{missing}: python3 -m pip install selenium axe-selenium-python (scripts/deps.sh test does it)", pytrace=False)


def chromium():
    """Debian's Chromium, or another of its names; a failure naming the package when none is there."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("headless Chromium is missing: install Debian's `chromium` package (scripts/deps.sh test does it as root)")


@pytest.fixture
def browser(tmp_path):
    """A headless Chromium at 1280 x 900 that waits up to 5 s for an element it is asked for; quit after the test."""
    driver_path = shutil.which("chromedriver")
    if not driver_path:
        pytest.fail("chromedriver is missing: install Debian's `chromium-driver` package (scripts/deps.sh test does it as root)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, for get_log("browser")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(5)  # an element looked for right after a click may come with the next page
    yield driver
    driver.quit()


def refresh_now(browser):
    """Runs app.js's refresh at once (it also runs when the tab becomes visible) and waits for it to swap <main>."""
    browser.execute_script("document.getElementById('main').firstElementChild.dataset.old = 'yes';"
                           "document.dispatchEvent(new Event('visibilitychange'));")
    for _ in range(100):
        if not browser.execute_script("return document.querySelector('#main [data-old]') !== null"):
            return True
        browser.execute_script("return new Promise(done => setTimeout(done, 50))")
    return False
