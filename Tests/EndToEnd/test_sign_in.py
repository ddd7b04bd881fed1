"""Signing in and acting from the page in a real headless Chromium: the key is typed into a form, never put in a
URL; an Acknowledge click carries the session's CSRF token; a forged POST without the token is refused and
changes nothing."""
import urllib.parse

from conftest import KEY
from driven_browser import By, browser  # noqa: F401  (browser is a fixture)


def sign_in(browser, server, next_path="/"):
    """Signs `browser` in with the fleet's admin key through the form."""
    browser.get(server.url("/sign-in?next=" + urllib.parse.quote(next_path, safe="")))
    browser.find_element(By.ID, "api-key").send_keys(KEY)
    browser.find_element(By.CSS_SELECTOR, "form.sign-in button[type=submit]").click()
    browser.find_element(By.CSS_SELECTOR, "header form.viewer")  # waits for the next page, signed in


def problem(server, worker):
    """The open problem of `worker` (acknowledged or not)."""
    status, answer = server.request("GET", "/problems?limit=1000", key=KEY)
    assert status == 200, answer
    [found] = [problem for problem in answer["problems"] if problem.get("worker") == worker]
    return found


def test_sign_in_acknowledge_with_a_click_and_a_forged_post_is_refused(locked_fleet_server, browser):
    server = locked_fleet_server
    browser.get(server.url("/?group=billing"))
    assert urllib.parse.urlsplit(browser.current_url).path == "/sign-in", "reads need a key: the page asks to sign in"
    sign_in(browser, server, "/?group=billing")
    assert browser.current_url == server.url("/?group=billing")
    assert KEY not in browser.current_url
    assert "Signed in as" in browser.find_element(By.CSS_SELECTOR, "header .viewer").text
    cookie = browser.get_cookie("wokmanager_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie").find("wokmanager_session") == -1, "scripts cannot read it"

    forged = browser.execute_script("""
        const form = document.querySelector('form[action$="/acknowledge"]');
        return fetch(form.action, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                                   body: 'next=%2F&note=forged', redirect: 'manual'}).then(r => r.status);""")
    assert forged == 403
    assert problem(server, "Ledger01")["acknowledgement"] is None

    row = browser.find_element(By.XPATH, "//section[@id='problems']//tr[.//a[@href='/ui/workers/Ledger01']]")
    row.find_element(By.NAME, "note").send_keys("restarting the ledger")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert browser.find_element(By.CSS_SELECTOR, "p.notice").text.endswith("acknowledged.")
    acknowledgement = problem(server, "Ledger01")["acknowledgement"]
    assert acknowledgement["by"] == "admin-option-1" and acknowledgement["note"] == "restarting the ledger"

    browser.find_element(By.CSS_SELECTOR, "header .viewer button").click()
    browser.get(server.url("/"))
    assert urllib.parse.urlsplit(browser.current_url).path == "/sign-in", "signed out"
