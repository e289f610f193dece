"""A headless Chromium (Debian's package) driven over the DevTools protocol:
open a page, read the DOM as the browser laid it out, take a screenshot.
Only what the web page tests need; websocket-client is the one dependency."""

import base64
import json
import os
import re
import subprocess
import tempfile
import time

import websocket


class Browser:
    def __init__(self, width=1280, height=900):
        self.profile = tempfile.TemporaryDirectory()
        exe = os.environ.get("CHROMIUM", "chromium")
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile.name}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                url = m.group(1)
                break
        if url is None:
            self.proc.kill()
            raise RuntimeError("Chromium did not start")
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        # Events that arrived while a call waited for its answer.
        self.events = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)
        self.size(width, height)

    def call(self, method, session=False, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event, seconds=60):
        for i, e in enumerate(self.events):
            if e.get("method") == event:
                del self.events[: i + 1]
                return e
        self.events.clear()
        deadline = time.time() + seconds
        while time.time() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("method") == event:
                return reply
        raise TimeoutError(event)

    def size(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride", session=True,
                  width=width, height=height, deviceScaleFactor=1, mobile=False)

    def open(self, url):
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        return self.js("location.href")

    def js(self, expression):
        r = self.call("Runtime.evaluate", session=True, expression=expression,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def submit(self, form_selector, fields):
        """Fills a form's fields and submits it as a person would, then waits."""
        self.events.clear()
        sets = "".join(
            f"f.querySelector({json.dumps('[name=' + k + ']')}).value = {json.dumps(v)};"
            for k, v in fields.items())
        self.call("Runtime.evaluate", session=True,
                  expression=f"(() => {{ const f = document.querySelector({json.dumps(form_selector)}); {sets} f.submit(); }})()")
        self.wait_for("Page.loadEventFired")

    def screenshot(self, path):
        metrics = self.call("Page.getLayoutMetrics", session=True)["cssContentSize"]
        shot = self.call("Page.captureScreenshot", session=True, format="png",
                         captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": metrics["width"],
                               "height": min(metrics["height"], 4000), "scale": 1})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        self.ws.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.profile.cleanup()
