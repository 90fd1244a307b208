# SPDX-License-Identifier: Apache-2.0
"""The web console at /ui (docs/console.md) in a real browser: Debian's
headless Chromium driven by Selenium against the built binary and the real
broker. What the page shows is checked against the REST API, and what a
click does is checked in the REST API.

Set KC_CONSOLE_SCREENSHOT=<path> to also write the screenshot there (how
docs/console.png is made).
"""

import json
import os
import shutil

import pytest

from kconnect_worker import kconnect, unique_name  # noqa
from test_worker_delivery import STRING_WORKER, file_source, kcat_read

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path):
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("chromium and chromium-driver are not installed "
                    "(scripts/install-deps)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    # This machine has no network: nothing may try to reach out.
    for arg in ("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--user-data-dir=%s" % (tmp_path / "chromium-profile")):
        opts.add_argument(arg)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER,
                                      log_output=str(tmp_path /
                                                     "chromedriver.log"))
    drv = webdriver.Chrome(options=opts, service=service)
    yield drv
    drv.quit()


def wait(drv, cond, what, timeout=30):
    """Wait for cond(drv) to be truthy (polled), naming what was awaited."""
    return WebDriverWait(drv, timeout, poll_frequency=0.1).until(
        cond, message="timed out waiting for " + what)


def css(drv, sel):
    found = drv.find_elements(By.CSS_SELECTOR, sel)
    return found[0] if found else None


def row_state(drv, name):
    badge = css(drv, 'tr[data-connector="%s"] td:nth-child(4) .state' % name)
    return badge.text if badge is not None else None


def test_console_lists_pauses_validates_and_shows_offsets(
        kconnect, browser, tmp_path):
    topic = unique_name("console")
    src_name = unique_name("console-src")
    sink_name = unique_name("console-sink")
    src = tmp_path / "in.txt"
    src.write_text("a\nb\nc\n")
    w = kconnect(
        worker=dict(STRING_WORKER, **{"offset.flush.interval.ms": "200"}),
        connectors=[
            file_source(src_name, src, topic),
            {"name": sink_name, "connector.class": "FileStreamSink",
             "file": str(tmp_path / "out.txt"), "topics": topic}])
    w.wait_for_connector(src_name, "RUNNING", tasks=1)
    w.wait_for_connector(sink_name, "RUNNING", tasks=1)
    assert kcat_read(topic, expect=3) == ["a", "b", "c"]

    # The page lists every connector with its type, class and state.
    browser.get(w.url + "/ui")
    for name in (src_name, sink_name):
        wait(browser, lambda d, n=name: row_state(d, n) == "RUNNING",
             "%s listed as RUNNING" % name)
    for name in (src_name, sink_name):
        info = w.get("/connectors/%s" % name)
        row = css(browser, 'tr[data-connector="%s"]' % name)
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        assert cells[0] == name
        assert cells[1] == info["type"]
        assert cells[2] == info["config"]["connector.class"]

    # A pause click pauses the connector (seen in the REST API).
    css(browser, 'tr[data-connector="%s"]' % src_name).click()
    wait(browser, lambda d: css(d, "#btn-pause"), "the detail pane")
    task_worker = w.get("/connectors/%s/status" % src_name)["tasks"][0][
        "worker_id"]
    wait(browser, lambda d: task_worker in d.find_element(
        By.CSS_SELECTOR, '#d-tasks tr[data-task="0"]').text,
        "task 0 with its worker")
    css(browser, "#btn-pause").click()
    w.wait_for(lambda: w.get("/connectors/%s/status" % src_name)
               ["connector"]["state"] == "PAUSED", what="PAUSED in REST")
    wait(browser, lambda d: row_state(d, src_name) == "PAUSED",
         "PAUSED on the page")

    # A stopped connector's offsets are shown, and can be edited.
    w.wait_for(lambda: w.get("/connectors/%s/offsets" % src_name)["offsets"],
               what="a committed source offset")
    wait(browser, lambda d: css(d, "#btn-stop"), "the stop button")
    css(browser, "#btn-stop").click()
    w.wait_for_connector(src_name, "STOPPED")
    expected = w.get("/connectors/%s/offsets" % src_name)
    assert expected["offsets"]

    def shown_offsets(d):
        ta = css(d, "#offsets-json")
        if ta is None or not ta.get_property("value"):
            return None
        return json.loads(ta.get_property("value"))
    wait(browser, lambda d: shown_offsets(d) == expected,
         "the offsets on the page")
    altered = {"offsets": [{"partition": {"filename": str(src)},
                            "offset": {"position": 2}}]}
    ta = css(browser, "#offsets-json")
    browser.execute_script("arguments[0].value = arguments[1]", ta,
                           json.dumps(altered))
    css(browser, "#btn-offsets-alter").click()
    w.wait_for(lambda: w.get("/connectors/%s/offsets" % src_name) == altered,
               what="the offsets altered from the page")

    # A bad config shows the validate endpoint's error next to its field.
    bad = {"connector.class": "FileStreamSource", "tasks.max": "many",
           "topic": topic, "file": str(src)}
    expected_errors = {
        c["value"]["name"]: c["value"]["errors"]
        for c in w.put("/connector-plugins/FileStreamSource/config/validate",
                       dict(bad, name="bad-one"))["configs"]
        if c["value"]["errors"]}
    assert "tasks.max" in expected_errors
    css(browser, "#new-connector").click()
    editor = wait(browser, lambda d: css(d, "#editor-json"), "the editor")
    browser.execute_script("arguments[0].value = arguments[1]", editor,
                           json.dumps({"name": "bad-one", "config": bad}))
    css(browser, "#editor-save").click()
    shown = wait(browser, lambda d: css(
        d, 'tr[data-field="tasks.max"] .field-error'),
        "the tasks.max error")
    assert shown.text == expected_errors["tasks.max"][0]
    errors_shown = {
        r.get_attribute("data-field")
        for r in browser.find_elements(By.CSS_SELECTOR,
                                       "#editor-fields tr.invalid")}
    assert errors_shown == set(expected_errors)
    assert "bad-one" not in w.get("/connectors")

    shot = tmp_path / "console.png"
    css(browser, "#editor-cancel").click()
    css(browser, 'tr[data-connector="%s"]' % sink_name).click()
    wait(browser, lambda d: sink_name in d.find_element(
        By.CSS_SELECTOR, "#d-head h2").text, "the sink's details")
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 0
    if os.environ.get("KC_CONSOLE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["KC_CONSOLE_SCREENSHOT"])
    assert w.stop() == 0


def test_console_assets_are_served_with_types_and_no_cache(kconnect):
    import urllib.request
    w = kconnect()
    for path, ctype in (("/ui", "text/html; charset=utf-8"),
                        ("/ui/", "text/html; charset=utf-8"),
                        ("/ui/app.js", "text/javascript; charset=utf-8"),
                        ("/ui/app.css", "text/css; charset=utf-8")):
        with urllib.request.urlopen(w.url + path) as r:
            assert r.status == 200
            assert r.headers["Content-Type"] == ctype
            assert r.headers["Cache-Control"] == "no-cache"
            assert r.read()
    status, body = w.request("GET", "/ui/nope.js")
    assert status == 404
    assert w.stop() == 0
