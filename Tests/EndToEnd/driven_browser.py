"""Selenium driving Debian's chromium through chromium-driver, for the tests that click, type and measure."""
import shutil

import pytest

from test_browser import chromium

try:
    from axe_selenium_python import Axe  # noqa: F401  (axe-core, for test_accessibility)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By  # noqa: F401
    from selenium.webdriver.common.keys import Keys  # noqa: F401
except ImportError as missing:
    pytest.fail(f"{missing}: python3 -m pip install selenium axe-selenium-python (scripts/deps.sh test does it)", pytrace=False)


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
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(5)  # an element looked for right after a click may come with the next page
    yield driver
    driver.quit()
