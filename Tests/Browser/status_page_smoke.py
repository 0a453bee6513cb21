#!/usr/bin/env python3
"""Real-browser smoke test of the status page (SPEC §7) against a running hookd.

Starts `hookd serve` on a throwaway config (free 127.0.0.1 ports, SQLite in a temp dir, a `demo`
source, one rule that always fails and one that succeeds), sends two events, waits until the failing
job is dead, opens the admin listener's `/` in headless Chromium with the admin token, checks what the
page shows, clicks the first Retry button and checks through the admin API that the job ran again.

    python3 Tests/Browser/status_page_smoke.py --hookd .build/debug/hookd [--screenshot page.png]

Needs Debian's chromium and chromium-driver and Selenium (`scripts/install-deps.sh test`). Selenium
is pointed at /usr/bin/chromedriver, so Selenium Manager never downloads a driver. Exits 0 when every
check passed, 1 with a message on the first that did not.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse
from pathlib import Path

ADMIN_TOKEN = "smoke-admin-token"
DEMO_SECRET = "smoke-demo-secret"
FAILING_RULE = "always-fails"
PASSING_RULE = "always-succeeds"
FAILING_ERROR = "downstream said no"
EVENT_IDS = ["evt_smoke_1", "evt_smoke_2"]
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"


class CheckFailed(Exception):
    """A check of the smoke test did not hold; its message says which."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def free_port():
    # Bind to port 0 and close: the kernel's pick is free now and very likely still free at start-up.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(root, webhook_port, admin_port):
    rules = root / "rules"
    rules.mkdir()
    (rules / f"{FAILING_RULE}.lua").write_text(
        'return { on = { source = "demo" }, handle = function(event)\n'
        f'  error("{FAILING_ERROR}")\n'
        "end }\n")
    (rules / f"{PASSING_RULE}.lua").write_text(
        'return { on = { source = "demo" }, handle = function(event)\n'
        '  log.info("ok", { id = event.id })\n'
        "end }\n")
    config = root / "hookd.yaml"
    config.write_text(f"""\
server:
  listen: 127.0.0.1:{webhook_port}
admin:
  listen: 127.0.0.1:{admin_port}
  token_env: HOOKD_ADMIN_TOKEN
store: sqlite:{root}/hookd.sqlite
rules: {rules}
pid_file: {root}/hookd.pid
retry: {{max_attempts: 1, backoff: 1s}}
sources:
  - name: demo
    path: /webhooks/demo
    provider: generic
    id_from: id
    type_from: type
    auth: {{ scheme: header, header: X-Token, secret_env: DEMO_SECRET }}
""")
    return config


def request(url, method="GET", body=None, headers=None, timeout=5):
    """(status, body text) of one HTTP request; HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def admin_json(admin, path):
    status, body = request(admin + path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    check(status == 200, f"GET {path} answered {status}: {body[:300]}")
    return json.loads(body)


def wait_for(what, probe, timeout, daemon):
    """Calls `probe` until it returns something truthy; fails after `timeout` s or if hookd exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check(daemon.poll() is None, f"hookd exited with status {daemon.returncode} while waiting for {what}")
        try:
            result = probe()
            if result:
                return result
        except (OSError, urllib.error.URLError):
            pass  # not listening yet
        time.sleep(0.2)
    raise CheckFailed(f"timed out after {timeout} s waiting for {what}")


def send_events(webhook, daemon):
    for event_id in EVENT_IDS:
        body = json.dumps({"id": event_id, "type": "demo.ping", "data": {"n": event_id}}).encode()
        headers = {"Content-Type": "application/json", "X-Token": DEMO_SECRET}
        # The webhook listener may come up a moment after the admin one: retry refused connections.
        status, text = wait_for(f"the webhook listener to take {event_id}",
                                lambda: request(webhook + "/webhooks/demo", "POST", body, headers), 15, daemon)
        check(status == 200 and event_id in text, f"POST {event_id} answered {status}: {text}")
    # One request with a wrong secret: the page lists it among the rejections with its reason.
    body = json.dumps({"id": "evt_forged", "type": "demo.ping"}).encode()
    status, _ = request(webhook + "/webhooks/demo", "POST", body, {"Content-Type": "application/json", "X-Token": "not-the-secret"})
    check(status == 401, f"a wrong secret answered {status}, not 401")


def dead_failures(admin):
    events = admin_json(admin, "/api/events?state=dead&source=demo")["events"]
    return [e for e in events
            if any(job["rule"] == FAILING_RULE and job["state"] == "dead" for job in e.get("jobs", []))]


def attempt_count(admin, hookd, config, event_id, rule):
    """How many attempts of (event, rule) are recorded, over every replay round.

    A replay resets the job to attempt 0 (SPEC §4), so `jobs[].attempts` reads 1 before and after a
    retry that failed again; the recorded attempts of the detail shape only grow. They come from
    `GET /api/events/{id}`; if that answer has no `attempts` list, from `hookd events show`.
    """
    detail = admin_json(admin, f"/api/events/{event_id}?source=demo")
    if not isinstance(detail.get("attempts"), list):
        shown = subprocess.run([hookd, "events", "show", event_id, "--source", "demo", "--format", "json",
                                "--config", str(config)], capture_output=True, text=True, timeout=30)
        check(shown.returncode == 0, f"hookd events show failed: {shown.stderr}")
        detail = json.loads(shown.stdout)
    return sum(1 for attempt in detail.get("attempts", []) if attempt.get("rule") == rule)


def open_browser(screenshot):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # The status page needs the admin token; the browser sends it on every request, the form POST too.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                           {"headers": {"Authorization": f"Bearer {ADMIN_TOKEN}"}})
    return driver


def check_page(driver, admin, screenshot):
    from selenium.webdriver.common.by import By

    driver.get(admin + "/")
    check("hookd" in driver.title, f"the page at / has title {driver.title!r}, not the status page")
    sources = driver.find_element(By.ID, "sources").text
    check("demo" in sources and "/webhooks/demo" in sources, f"#sources does not show demo:\n{sources}")
    failures = driver.find_element(By.ID, "failures").text
    check(FAILING_RULE in failures, f"#failures does not name {FAILING_RULE}:\n{failures}")
    check(FAILING_ERROR in failures, f"#failures does not show the error {FAILING_ERROR!r}:\n{failures}")
    rules = driver.find_element(By.ID, "rules").text
    for rule in (FAILING_RULE, PASSING_RULE):
        check(rule in rules, f"#rules does not list {rule}:\n{rules}")
    rejections = driver.find_element(By.ID, "rejections").text
    check("401" in rejections and "demo" in rejections, f"#rejections does not show the forged request:\n{rejections}")
    if screenshot:
        driver.save_screenshot(screenshot)
        print(f"screenshot: {screenshot}")


def click_first_retry(driver):
    """Clicks the first Retry button; returns the (source, event, rule) its form sends."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    buttons = driver.find_elements(By.CSS_SELECTOR, "#failures button.retry")
    check(buttons, "#failures has no button.retry")
    form = buttons[0].find_element(By.XPATH, "./ancestor::form")
    check(form.get_attribute("method").lower() == "post" and form.get_attribute("action").endswith("/retry"),
          "the Retry form does not POST to /retry")
    fields = {name: form.find_element(By.NAME, name).get_attribute("value")
              for name in ("csrf", "source", "event", "rule")}
    check(fields["csrf"], "the Retry form carries no csrf token")
    buttons[0].click()
    # POST /retry answers 303 to /: the old page goes away and the status page comes back.
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(buttons[0]))
    check(urlparse(driver.current_url).path == "/", f"after Retry the browser is at {driver.current_url}, not /")
    check(driver.find_elements(By.ID, "failures"), "after Retry the browser does not show the status page")
    return fields["source"], fields["event"], fields["rule"]


def run(hookd, screenshot):
    with tempfile.TemporaryDirectory(prefix="hookd-browser-") as tmp:
        root = Path(tmp)
        webhook_port, admin_port = free_port(), free_port()
        config = write_config(root, webhook_port, admin_port)
        webhook, admin = f"http://127.0.0.1:{webhook_port}", f"http://127.0.0.1:{admin_port}"
        env = dict(os.environ, DEMO_SECRET=DEMO_SECRET, HOOKD_ADMIN_TOKEN=ADMIN_TOKEN)
        log = open(root / "hookd.log", "w")
        daemon = subprocess.Popen([hookd, "serve", "--config", str(config)], env=env, stdout=log, stderr=subprocess.STDOUT)
        driver = None
        try:
            wait_for("GET /healthz", lambda: request(admin + "/healthz")[0] == 200, 30, daemon)
            status, _ = request(admin + "/")
            check(status in (401, 403), f"GET / without the admin token answered {status}, not 401")
            send_events(webhook, daemon)
            wait_for(f"{FAILING_RULE} to be dead", lambda: dead_failures(admin), 30, daemon)

            driver = open_browser(screenshot)
            check_page(driver, admin, screenshot)
            source, event_id, rule = click_first_retry(driver)
            check(source == "demo" and event_id in EVENT_IDS and rule == FAILING_RULE,
                  f"the first Retry form is for {source}/{event_id}/{rule}, not a dead {FAILING_RULE} job")
            # Only the failing rule's jobs are listed, each dead after its one attempt: the retry
            # shows as a second recorded attempt (a new replay round), whatever the job's state.
            wait_for(f"a new attempt of {event_id}/{rule} after Retry",
                     lambda: attempt_count(admin, hookd, config, event_id, rule) >= 2, 30, daemon)
            print("status page smoke test: ok")
        except Exception:
            log.flush()
            print(f"--- hookd log ({root / 'hookd.log'}) ---\n" + (root / "hookd.log").read_text()[-4000:], file=sys.stderr)
            raise
        finally:
            if driver is not None:
                driver.quit()
            if daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
                try:
                    daemon.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    daemon.kill()
            log.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hookd", required=True, help="the built hookd binary")
    parser.add_argument("--screenshot", help="save a PNG of the status page there")
    args = parser.parse_args()
    hookd = str(Path(args.hookd).resolve())
    if not os.access(hookd, os.X_OK):
        sys.exit(f"status page smoke test: {hookd} is not an executable")
    try:
        run(hookd, args.screenshot and str(Path(args.screenshot).resolve()))
    except CheckFailed as failure:
        sys.exit(f"status page smoke test FAILED: {failure}")
    except Exception as error:  # Selenium, the network: still one clear line, not only a traceback
        sys.exit(f"status page smoke test FAILED: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
