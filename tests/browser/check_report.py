#!/usr/bin/env python3
"""Checks an HTML report in a real headless Chromium, against the JSON report of the same scan.

It drives Chromium through the DevTools protocol over a pipe (--remote-debugging-pipe), with
the standard library only, and fails (exit 1, saying why) unless:

- the page loads with no console error, no uncaught exception and no dialog;
- it makes no request beyond its own file (the report is self-contained);
- the coverage banner comes first and says what the JSON says;
- the counts shown (cards, bars by kind and by environment, rows) match the JSON;
- filtering by kind, environment, region, status and text, and clicking a bar, shows
  exactly the matching rows; sorting by cost puts the most expensive first;
- markup in tags is shown as text, never run.

Usage: check_report.py [--chromium PATH] --html REPORT.html --json REPORT.json [--screenshot OUT.png]
"""

import argparse
import base64
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60


class Browser:
    """One headless Chromium, spoken to over fds 3 (commands in) and 4 (replies out)."""

    def __init__(self, chromium, width, height):
        self.profile = tempfile.mkdtemp(prefix="leftover-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # The child reads commands on fd 3 and writes replies on fd 4. Move the ends
            # out of the way first, so that a dup2 never closes the other one.
            r, w = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--remote-debugging-pipe",
            f"--window-size={width},{height}",
            f"--user-data-dir={self.profile}",
            "about:blank",
        ]
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            # fds 3 and 4 are made by `fds` in the child; keeping them open through the
            # close_fds sweep that follows it is what pass_fds is for here.
            args, preexec_fn=fds, pass_fds=(3, 4), stdout=self.log, stderr=self.log
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, wait=False)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)
        shutil.rmtree(self.profile, ignore_errors=True)

    def chromium_log(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time; its log:\n" + self.chromium_log())
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe; its log:\n" + self.chromium_log())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, wait=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        if not wait:
            return None
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self.read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method):
        deadline = time.monotonic() + TIMEOUT
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self.read_message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def js(self, expression):
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {expression}\n{result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path, width, max_height):
        height = self.js("Math.ceil(document.documentElement.scrollHeight)")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": min(height, max_height), "deviceScaleFactor": 1, "mobile": False},
        )
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))


class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def equal(self, what, got, expected):
        if got == expected:
            self.passed += 1
        else:
            self.failures.append(f"{what}: got {got!r}, expected {expected!r}")

    def true(self, what, value):
        self.equal(what, bool(value), True)


VISIBLE_ROWS = "Array.from(document.querySelectorAll('#findings tbody tr')).filter(r => !r.hidden)"


def set_filter(browser, element, value):
    browser.js(
        f"(() => {{ const el = document.getElementById({json.dumps(element)}); el.value = {json.dumps(value)};"
        f" el.dispatchEvent(new Event(el.tagName === 'INPUT' ? 'input' : 'change')); }})()"
    )


def visible(browser, attribute=None):
    if attribute:
        return browser.js(f"{VISIBLE_ROWS}.map(r => r.dataset[{json.dumps(attribute)}])")
    return browser.js(f"{VISIBLE_ROWS}.length")


def clear(browser):
    browser.js("document.getElementById('f-clear').click()")


LEFTOVER_KINDS = ("unmanaged", "deleted-env", "blocking-dependency")


def seconds(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def age_of(finding, now):
    """A finding's age in whole seconds, as the report sorts it (-1 when unknown)."""
    times = [seconds(finding["first_seen"])] if finding.get("first_seen") else []
    created = finding["resource"].get("created")
    if created and finding["kind"] in LEFTOVER_KINDS:
        times.append(seconds(created))
    if not times:
        return -1
    return max(0, int(seconds(now)) - int(min(times)))


def check(browser, report, checks):
    findings = report["findings"]
    total = len(findings)
    kinds = {}
    envs = {}
    regions = {}
    for f in findings:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        env = f.get("environment") or "(none)"
        envs[env] = envs.get(env, 0) + 1
        region = f["resource"].get("region") or ""
        regions[region] = regions.get(region, 0) + 1

    # The coverage banner is the first thing on the page and says what the JSON says.
    first = browser.js("document.body.firstElementChild.id + ' ' + document.body.firstElementChild.className")
    expected = "coverage banner " + ("complete" if report["coverage"]["complete"] else "incomplete")
    checks.equal("the first element", first, expected)
    if not report["coverage"]["complete"]:
        checks.equal(
            "gaps listed in the banner",
            browser.js("document.querySelectorAll('#coverage li').length"),
            len(report["coverage"]["gaps"]),
        )

    # Counts.
    checks.equal("findings card", browser.js("document.getElementById('count-findings').textContent"), str(total))
    checks.equal("rows", browser.js("document.querySelectorAll('#findings tbody tr').length"), total)
    checks.equal("rows shown", visible(browser), total)
    checks.equal("shown line", browser.js("document.getElementById('shown').textContent"),
                 f"{total} of {total} finding{'' if total == 1 else 's'}")
    bars = lambda f: browser.js(  # noqa: E731
        f"Object.fromEntries(Array.from(document.querySelectorAll('.bar[data-filter={f}]'))"
        ".map(b => [b.dataset.value, Number(b.querySelector('text.value').textContent.split(' ')[0])]))"
    )
    checks.equal("bars by kind", bars("kind"), kinds)
    checks.equal("bars by environment", bars("env"), envs)
    withheld = report["summary"].get("withheld")
    if withheld is not None:
        checks.equal("withheld line", browser.js("document.getElementById('withheld').textContent"),
                     f"{withheld} finding{'' if withheld == 1 else 's'} withheld until the gaps are closed.")
    for kind, n in report["summary"].items():
        if kind not in ("ignored", "withheld"):
            checks.equal(f"summary {kind} against findings", kinds.get(kind), n)
    if report.get("resolved") is not None:
        new = sum(1 for f in findings if f.get("status") == "new")
        checks.equal("new card", browser.js("document.getElementById('count-new').textContent"), str(new))
        checks.equal("resolved card", browser.js("document.getElementById('count-resolved').textContent"),
                     str(len(report["resolved"])))
        checks.equal("resolved list", browser.js("document.querySelectorAll('#resolved li').length"),
                     len(report["resolved"]))
    cost = report.get("cost")
    if cost and (cost["priced"] or cost["unpriced"]):
        shown = browser.js("document.getElementById('cost-total').textContent")
        checks.equal("cost card", shown.replace("$", "").replace(",", ""), f"{cost['monthly']:.2f}")

    # Filters: each kind, environment and region shows exactly its rows.
    for kind, n in kinds.items():
        set_filter(browser, "f-kind", kind)
        checks.equal(f"rows of kind {kind}", visible(browser, "kind"), [kind] * n)
        checks.equal(f"shown line for {kind}", browser.js("document.getElementById('shown').textContent"),
                     f"{n} of {total} finding{'' if total == 1 else 's'}")
    clear(browser)
    for env, n in envs.items():
        set_filter(browser, "f-env", env)
        checks.equal(f"rows of environment {env}", visible(browser, "env"), [env] * n)
    clear(browser)
    for region, n in regions.items():
        set_filter(browser, "f-region", region)
        checks.equal(f"rows of region {region}", visible(browser, "region"), [region] * n)
    clear(browser)
    if report.get("resolved") is not None:
        new = sum(1 for f in findings if f.get("status") == "new")
        set_filter(browser, "f-status", "new")
        checks.equal("rows with status new", visible(browser, "status"), ["new"] * new)
        clear(browser)

    # Kind and environment together.
    if findings:
        kind, env = findings[0]["kind"], findings[0].get("environment") or "(none)"
        both = sum(1 for f in findings if f["kind"] == kind and (f.get("environment") or "(none)") == env)
        set_filter(browser, "f-kind", kind)
        set_filter(browser, "f-env", env)
        checks.equal("rows of a kind in an environment", visible(browser), both)
        clear(browser)

    # Free text: an id finds its row; nonsense finds nothing and says so.
    if findings:
        target = findings[-1]["resource"]["id"]
        set_filter(browser, "f-text", target.upper())
        ids = browser.js(f"{VISIBLE_ROWS}.map(r => r.cells[1].dataset.v)")
        checks.true(f"text search finds {target}", target in ids)
        # Rows whose shown text holds the id: their own, and those whose reason names it.
        def shown_text(f):
            state = f.get("state") or {}
            return " ".join([f["resource"]["id"], f["resource"].get("tags", {}).get("Name", ""), f["reason"],
                             state.get("address", ""), state.get("source", "")]).lower()
        matching = [f["resource"]["id"] for f in findings if target.lower() in shown_text(f)]
        checks.equal(f"rows whose text holds {target}", sorted(ids), sorted(matching))
    set_filter(browser, "f-text", "no-such-thing-anywhere")
    checks.equal("rows for nonsense", visible(browser), 0)
    checks.equal("the empty message", browser.js("document.getElementById('empty').hidden"), False)
    clear(browser)
    checks.equal("rows after clearing", visible(browser), total)

    # A click on a bar filters by it, a second click clears it.
    if kinds:
        kind = sorted(kinds)[0]
        bar = f"document.querySelector('.bar[data-filter=kind][data-value={json.dumps(kind)}]')"
        browser.js(f"{bar}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
        checks.equal("kind filter after a bar click", browser.js("document.getElementById('f-kind').value"), kind)
        checks.equal("rows after a bar click", visible(browser), kinds[kind])
        browser.js(f"{bar}.dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
        checks.equal("rows after a second click", visible(browser), total)

    # Sorting by kind follows the report's order of kinds, then severity.
    order = ["unmanaged", "missing", "deleted-env", "blocking-dependency", "cross-state", "broken-reference",
             "drift", "unreachable"]
    kind_header = "Array.from(document.querySelectorAll('#findings th')).find(th => th.textContent === 'Kind')"
    browser.js(f"{kind_header}.click()")
    shown = [order.index(k) for k in visible(browser, "kind")]
    checks.equal("kinds sorted ascending", shown, sorted(shown))
    browser.js(f"{kind_header}.click()")
    shown = [order.index(k) for k in visible(browser, "kind")]
    checks.equal("kinds sorted descending", shown, sorted(shown, reverse=True))

    # Sorting by cost, most expensive first after two clicks.
    priced = [f["cost"]["monthly"] for f in findings if f.get("cost") and f["cost"].get("monthly") is not None]
    if priced:
        header = "Array.from(document.querySelectorAll('#findings th')).find(th => th.textContent === 'Cost/month')"
        browser.js(f"{header}.click()")
        browser.js(f"{header}.click()")
        top = browser.js("parseFloat(document.querySelector('#findings tbody tr').querySelector('td.num').dataset.v)")
        checks.equal("most expensive first", round(top, 2), round(max(priced), 2))

    # Sorting by age, oldest first after two clicks, by the rule the README gives: since
    # first_seen, or for a live leftover since its resource was created when that is earlier.
    age_header = "Array.from(document.querySelectorAll('#findings th')).find(th => th.textContent === 'Age')"
    checks.true("an Age column", browser.js(f"!!({age_header})"))
    if findings:
        browser.js(f"{age_header}.click()")
        browser.js(f"{age_header}.click()")
        ages = browser.js(f"{VISIBLE_ROWS}.map(r => parseFloat(r.querySelector('td.age').dataset.v))")
        checks.equal("ages sorted, oldest first", ages, sorted(ages, reverse=True))
        # The page and the JSON come from two runs, a moment apart.
        oldest = max(age_of(f, report["generated_at"]) for f in findings)
        checks.true(f"the oldest first: {ages[0]} against {oldest}", abs(ages[0] - oldest) <= 5)

    # Markup from tags is text: the page has its one script, and shows the markup as text.
    checks.equal("scripts on the page", browser.js("document.scripts.length"), 1)
    markup = [v for f in findings for v in f["resource"].get("tags", {}).values() if "<" in v]
    for value in markup:
        checks.true(f"tag shown as text: {value}", browser.js(f"document.body.textContent.includes({json.dumps(value)})"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=os.environ.get("LEFTOVER_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--html", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--screenshot")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--max-height", type=int, default=1400, help="crop the screenshot to this height")
    args = parser.parse_args()
    if not os.path.exists(args.chromium):
        sys.exit(
            f"Chromium is not installed at {args.chromium}: install Debian's package "
            "(apt-get install -y chromium) or set LEFTOVER_CHROMIUM; scripts/test installs it"
        )
    with open(args.json, encoding="utf-8") as f:
        report = json.load(f)
    url = "file://" + os.path.abspath(args.html)
    browser = Browser(args.chromium, args.width, 1000)
    checks = Checks()
    try:
        browser.open(url)
        check(browser, report, checks)
        if args.screenshot:
            clear(browser)
            browser.js("window.scrollTo(0, 0)")
            browser.screenshot(args.screenshot, args.width, args.max_height)
        # Events that arrived while checking.
        browser.send("Runtime.evaluate", {"expression": "0"})
    finally:
        browser.close()

    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
            texts = [a.get("value", a.get("description", "")) for a in params.get("args", [])]
            checks.failures.append(f"console {params['type']}: {' '.join(map(str, texts))}")
        elif method == "Runtime.exceptionThrown":
            checks.failures.append(f"uncaught exception: {params['exceptionDetails']}")
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            checks.failures.append(f"browser log {params['entry']['level']}: {params['entry'].get('text')}")
        elif method == "Page.javascriptDialogOpening":
            checks.failures.append(f"a dialog opened: {params.get('message')}")
        elif method == "Network.requestWillBeSent":
            request = params["request"]["url"]
            if request != url and not request.startswith("data:"):
                checks.failures.append(f"the page requested {request}")

    if checks.failures:
        print(f"{len(checks.failures)} of {len(checks.failures) + checks.passed} checks failed:")
        for failure in checks.failures:
            print(f"  - {failure}")
        sys.exit(1)
    print(f"the HTML report passed {checks.passed} checks in Chromium"
          + (f"; screenshot in {args.screenshot}" if args.screenshot else ""))


if __name__ == "__main__":
    main()
