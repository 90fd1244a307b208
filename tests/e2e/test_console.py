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
import urllib.error
import urllib.request

import pytest

from kconnect_worker import kconnect, unique_name  # noqa
from test_worker_delivery import STRING_WORKER, file_source, kcat_read

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException, \
    StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# A browser's time, not kconnect's: left out of make check's ASan run.
pytestmark = pytest.mark.asan_skip

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
    """Wait for cond(drv) to be truthy (polled), naming what was awaited.
    The page redraws what changed on each refresh, so an element found may
    be replaced before it is read: that is retried, not a failure."""
    return WebDriverWait(
        drv, timeout, poll_frequency=0.1,
        ignored_exceptions=(StaleElementReferenceException,
                            NoAlertPresentException)).until(
        cond, message="timed out waiting for " + what)


def css(drv, sel):
    found = drv.find_elements(By.CSS_SELECTOR, sel)
    return found[0] if found else None


def text(drv, sel):
    """The text of the first element matching sel, read in one step."""
    return drv.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e === null ? null : e.textContent;", sel)


def click(drv, sel):
    """A real click on sel, again if the page redrew it meanwhile."""
    def attempt(d):
        e = css(d, sel)
        if e is None:
            return False
        e.click()
        return True
    wait(drv, attempt, "a click on " + sel)


def cell_texts(drv, sel):
    """The texts of every element matching sel, read in one step."""
    return drv.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]),"
        " e => e.innerText);", sel)


def row_state(drv, name):
    return text(drv, 'tr[data-connector="%s"] td:nth-child(4) .state' % name)


def test_console_lists_pauses_validates_and_shows_offsets(
        kconnect, browser, tmp_path):
    topic = unique_name("console")
    src_name = unique_name("console-src")
    sink_name = unique_name("console-sink")
    poison_name = unique_name("console-poison")
    src = tmp_path / "in.txt"
    src.write_text("a\nb\nc\n")
    w = kconnect(
        worker=dict(STRING_WORKER, **{"offset.flush.interval.ms": "200"}),
        connectors=[
            file_source(src_name, src, topic),
            {"name": sink_name, "connector.class": "FileStreamSink",
             "file": str(tmp_path / "out.txt"), "topics": topic},
            # The lines are no JSON: this one's task fails on the first.
            {"name": poison_name, "connector.class": "FileStreamSink",
             "file": str(tmp_path / "poison.txt"), "topics": topic,
             "value.converter": "org.apache.kafka.connect.json.JsonConverter",
             "value.converter.schemas.enable": "false"}])
    w.wait_for_connector(src_name, "RUNNING", tasks=1)
    w.wait_for_connector(sink_name, "RUNNING", tasks=1)
    assert kcat_read(topic, expect=3) == ["a", "b", "c"]
    w.wait_for(lambda: w.get("/connectors/%s/status" % poison_name)
               ["tasks"][0]["state"] == "FAILED", what="the poison task FAILED")

    # The page lists every connector with its type, class and state.
    browser.get(w.url + "/ui")
    for name in (src_name, sink_name):
        wait(browser, lambda d, n=name: row_state(d, n) == "RUNNING",
             "%s listed as RUNNING" % name)
    for name in (src_name, sink_name):
        info = w.get("/connectors/%s" % name)
        cells = cell_texts(browser, 'tr[data-connector="%s"] > td' % name)
        assert cells[0] == name
        assert cells[1] == info["type"]
        assert cells[2] == info["config"]["connector.class"]

    # A failed task shows its trace.
    click(browser, 'tr[data-connector="%s"]' % poison_name)
    trace = w.get("/connectors/%s/status" % poison_name)["tasks"][0]["trace"]
    wait(browser, lambda d: text(d, "#d-tasks tr.trace-row pre.trace"),
         "the failed task's trace")
    assert text(browser, "#d-tasks tr.trace-row pre.trace") == trace

    # Restart sends the boxes' includeTasks/onlyFailed (the request log
    # shows the target); Delete asks first, then deletes.
    click(browser, "#restart-include-tasks")
    click(browser, "#restart-only-failed")
    click(browser, "#btn-restart")
    target = "POST /connectors/%s/restart?includeTasks=true&onlyFailed=true" \
        % poison_name
    w.wait_for(lambda: target in w.log(), what="the restart request")
    click(browser, "#btn-delete")
    wait(browser, lambda d: d.switch_to.alert, "the delete confirmation")
    browser.switch_to.alert.accept()
    w.wait_for(lambda: poison_name not in w.get("/connectors"),
               what="the connector deleted")
    wait(browser, lambda d: row_state(d, poison_name) is None,
         "the deleted connector gone from the page")

    # A pause click pauses the connector (seen in the REST API).
    click(browser, 'tr[data-connector="%s"]' % src_name)
    wait(browser, lambda d: css(d, "#btn-pause"), "the detail pane")
    task_worker = w.get("/connectors/%s/status" % src_name)["tasks"][0][
        "worker_id"]
    wait(browser, lambda d: task_worker in (
        text(d, '#d-tasks tr[data-task="0"]') or ""), "task 0 with its worker")
    click(browser, "#btn-pause")
    w.wait_for(lambda: w.get("/connectors/%s/status" % src_name)
               ["connector"]["state"] == "PAUSED", what="PAUSED in REST")
    wait(browser, lambda d: row_state(d, src_name) == "PAUSED",
         "PAUSED on the page")

    # A stopped connector's offsets are shown, and can be edited.
    w.wait_for(lambda: w.get("/connectors/%s/offsets" % src_name)["offsets"],
               what="a committed source offset")
    wait(browser, lambda d: css(d, "#btn-stop"), "the stop button")
    click(browser, "#btn-stop")
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
    click(browser, "#btn-offsets-alter")
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
    click(browser, "#new-connector")
    editor = wait(browser, lambda d: css(d, "#editor-json"), "the editor")
    browser.execute_script("arguments[0].value = arguments[1]", editor,
                           json.dumps({"name": "bad-one", "config": bad}))
    click(browser, "#editor-save")
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
    click(browser, "#editor-cancel")
    click(browser, 'tr[data-connector="%s"]' % sink_name)
    wait(browser, lambda d: sink_name in (text(d, "#d-head h2") or ""),
         "the sink's details")
    # With GET /metrics (issue 14's metrics), each task shows its rates
    # and a sparkline; without it the page says so and shows none.
    try:
        with urllib.request.urlopen(w.url + "/metrics") as r:
            has_metrics = r.status == 200
    except urllib.error.HTTPError:
        has_metrics = False
    if has_metrics:
        wait(browser, lambda d: css(
            d, '#d-tasks tr[data-task="0"] svg.spark polyline'),
            "the sink task's sparkline")
        cells = cell_texts(browser, '#d-tasks tr[data-task="0"] td.rate')
        assert [float(c.split()[0]) >= 0 for c in cells] == [True, True]
    else:
        wait(browser, lambda d: "GET /metrics" in text(d, "#metrics-state"),
             "the note that rates need /metrics")
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 0
    if os.environ.get("KC_CONSOLE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["KC_CONSOLE_SCREENSHOT"])
    assert w.stop() == 0


def test_console_hides_secrets_and_keeps_them_on_edit(
        kconnect, browser, tmp_path):
    """GET /connectors/x/config answers secrets in clear (as Apache); the
    page shows the keys the validate endpoint calls PASSWORD as [hidden]
    (query.masked: no name tells it is one), also in the editor, and saving
    [hidden] keeps the stored secret."""
    secret = "SELECT 1 AS %s" % unique_name("x").replace("-", "_")
    name = unique_name("console-jdbc")
    cfg = {"name": name,
           "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
           "connection.url": "jdbc:sqlite:%s" % (tmp_path / "src.db"),
           "mode": "bulk", "query.masked": secret, "topic.prefix": "t-",
           "poll.interval.ms": "600000"}
    w = kconnect(connectors=[cfg])
    assert w.get("/connectors/%s/config" % name)["query.masked"] == secret
    browser.get(w.url + "/ui#" + name)
    key = '#d-config tr[data-key="%s"] code'
    wait(browser, lambda d: text(d, key % "mode") == "bulk",
         "the config shown")
    assert text(browser, key % "query.masked") == "[hidden]"
    click(browser, "#btn-edit")
    wait(browser, lambda d: d.execute_script(
        "return document.getElementById('editor-json').value"),
        "the config in the editor")
    edited = json.loads(browser.execute_script(
        "return document.getElementById('editor-json').value"))
    assert edited["query.masked"] == "[hidden]"
    assert edited["mode"] == "bulk"
    page = browser.execute_script(
        "return document.body.innerText + "
        "document.getElementById('editor-json').value")
    assert secret not in page
    edited["batch.max.rows"] = "7"
    browser.execute_script(
        "document.getElementById('editor-json').value = arguments[0]",
        json.dumps(edited))
    click(browser, "#editor-save")
    w.wait_for(lambda: w.get("/connectors/%s/config" % name).get(
        "batch.max.rows") == "7", what="the edited config saved")
    assert w.get("/connectors/%s/config" % name)["query.masked"] == secret
    assert w.stop() == 0


def test_console_assets_are_served_with_types_and_no_cache(kconnect):
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
