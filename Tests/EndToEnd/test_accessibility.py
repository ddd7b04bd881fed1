"""The pages in a real headless Chromium driven by Selenium through Debian's chromium-driver: axe-core (shipped in
`axe-selenium-python`) finds no violation, light or dark; at a phone's width nothing scrolls
sideways and the problems and the workers come before the tree; the tree is one tab stop per node."""
import pytest

from driven_browser import Axe, By, Keys, browser, refresh_now  # noqa: F401  (browser is a fixture)
from conftest import KEY
from test_sign_in import sign_in

PAGES = ["/", "/?status=lost,failed&q=box", "/?sort=host&dir=desc&size=25", "/ui/workers/Ledger01", "/ui/webhooks", "/sign-in"]
# Signed in as an admin: the pages with their action forms, and the confirmation of a deregistration.
SIGNED_IN_PAGES = ["/?group=billing", "/ui/workers/Ledger01", "/ui/workers/Ledger01/deregister"]


def colour_scheme(browser, scheme):
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


def violations(browser):
    """What axe-core finds on the page, of any impact (the issue asks for no serious or critical one; there is none at all)."""
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:5]) for v in results["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(fleet_server, browser, scheme):
    colour_scheme(browser, scheme)
    found = {}
    for index, path in enumerate(PAGES + SIGNED_IN_PAGES):
        if index == len(PAGES):
            sign_in(browser, fleet_server)
        browser.get(fleet_server.url(path))
        assert browser.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        found_here = violations(browser)
        if found_here:
            found[path] = found_here
    assert found == {}


def test_a_phone_width_does_not_scroll_sideways_and_puts_trouble_before_the_tree(fleet_server, browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    for path in PAGES:
        browser.get(fleet_server.url(path))
        widths = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == 390, (path, widths)
    browser.get(fleet_server.url("/"))
    top = browser.execute_script(
        "return ['section.problems', 'section.workers', 'nav.tree'].map(s => document.querySelector(s).getBoundingClientRect().top)")
    assert top[0] < top[1] < top[2], top
    assert browser.execute_script("return document.querySelector('nav.tree details.tree-panel').open") is False, "the tree folds"


def test_one_h1_a_skip_link_and_one_tab_stop_per_tree_node(fleet_server, browser):
    browser.get(fleet_server.url("/"))
    assert browser.execute_script("return document.querySelectorAll('h1').length") == 1
    first = browser.execute_script("const a = document.querySelector('a'); return [a.className, a.getAttribute('href')]")
    assert first == ["skip-link", "#main"]
    stops = browser.execute_script("""
        return [...document.querySelectorAll('nav.tree li.node')].map(node => {
            const own = [...node.querySelector(':scope > details > summary').querySelectorAll('a, summary, [tabindex]')]
                .concat([node.querySelector(':scope > details > summary')]);
            return own.filter(element => element.tabIndex >= 0).length;
        });""")
    assert stops and set(stops) == {1}, stops



def test_the_arrow_keys_walk_and_fold_the_tree_and_a_refresh_keeps_focus_and_unsent_filters(fleet_server, browser):
    browser.get(fleet_server.url("/"))
    product = browser.find_element(By.CSS_SELECTOR, 'nav.tree details[data-path="product"] > summary > a')
    product.send_keys(Keys.ARROW_LEFT)
    assert browser.execute_script("return document.querySelector('nav.tree details[data-path=\"product\"]').open") is False
    product.send_keys(Keys.ARROW_RIGHT)
    assert browser.execute_script("return document.querySelector('nav.tree details[data-path=\"product\"]').open") is True
    product.send_keys(Keys.ARROW_DOWN)
    focused = browser.execute_script("return document.activeElement.closest('details').dataset.path")
    assert focused.startswith("product."), focused
    assert refresh_now(browser)
    assert browser.execute_script("return document.activeElement.closest('details').dataset.path") == focused, "focus kept"

    browser.find_element(By.CSS_SELECTOR, 'input[name="status"][value="lost"]').click()
    browser.find_element(By.CSS_SELECTOR, "h1").click()
    assert not refresh_now(browser), "no refresh while a filter is changed and not sent"
    assert browser.find_element(By.CSS_SELECTOR, 'input[name="status"][value="lost"]').is_selected()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_page_at_its_group_limit_has_no_axe_violations_nor_sideways_scroll(server_factory, browser, scheme):
    """The capacity banner and a tree with "N more" lines, read by axe-core and at a phone's width."""
    server = server_factory(args=("--max-groups", "60")).start()
    lines = "\n".join(f'{{"id":"w{n}","group":"jobs.run{n:03d}","event":"started"}}' for n in range(60)).encode()
    assert server.request("POST", "/events", lines, headers={"Content-Type": "application/x-ndjson"}, key=KEY)[1]["accepted"] == 60
    colour_scheme(browser, scheme)
    browser.get(server.url("/"))
    assert "60 of at most 60 groups are kept" in browser.find_element(By.CSS_SELECTOR, ".capacity-warning").text
    assert browser.find_element(By.CSS_SELECTOR, "nav.tree li.more a").text == "10 more in jobs"
    assert violations(browser) == []
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    browser.get(server.url("/"))
    widths = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == 390, widths
