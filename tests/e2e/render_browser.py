#!/usr/bin/env python3
"""Drive headless Chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4), so
no package beyond python3 is needed.  Used by tests/e2e/render_serve.sh
and tests/bench/render_gfx.sh.

  render_browser.py check URL TICKS SNAPDIR NEWCSV SHOT
      load the page, send tick 1, replace SNAPDIR/branch_sales.csv with
      NEWCSV, send tick 2, wait until the page shows tick 2; print the
      panel titles and the branch rows the DOM shows as JSON; save a
      screenshot to SHOT.
  render_browser.py bench URL TICKS N [SNAPDIR]
      send N ticks one at a time, each after replacing SNAPDIR's
      kpis.csv and branch_sales.csv with new numbers (as reduce does on
      a tick); print the count and the p50, p99 and max tick-to-page
      latencies (ms), measured as the page reports each update shown
      (the first task after the frame that renders the patched DOM).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30.0


class Browser:
    def __init__(self):
        self.prof = tempfile.mkdtemp(prefix="li-chromium.")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def fds():
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        exe = os.environ.get("CHROMIUM", "chromium")
        self.p = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--no-first-run",
             "--disable-extensions", "--disable-dev-shm-usage",
             "--user-data-dir=" + self.prof, "about:blank"],
            preexec_fn=fds, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.n = 0
        self.session = None

    def _recv(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_r, 1 << 16)
            if not chunk:
                raise EOFError("chromium went away")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=True):
        self.n += 1
        m = {"id": self.n, "method": method, "params": params or {}}
        if session and self.session:
            m["sessionId"] = self.session
        os.write(self.to_w, json.dumps(m).encode() + b"\0")
        deadline = time.time() + TIMEOUT
        while True:
            r = self._recv(deadline)
            if r.get("id") == self.n:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (method, r["error"]))
                return r.get("result", {})

    def open(self, url, w=1280, h=900):
        t = self.call("Target.createTarget", {"url": "about:blank"}, False)
        s = self.call("Target.attachToTarget",
                      {"targetId": t["targetId"], "flatten": True}, False)
        self.session = s["sessionId"]
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": w, "height": h, "deviceScaleFactor": 1,
                   "mobile": False})
        self.call("Page.navigate", {"url": url})

    def js(self, expr):
        r = self.call("Runtime.evaluate",
                      {"expression": expr, "returnByValue": True,
                       "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("js: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def wait(self, expr, what):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            try:
                if self.js(expr):
                    return
            except RuntimeError:
                pass
            time.sleep(0.02)
        raise TimeoutError("page: " + what)

    def close(self):
        try:
            self.call("Browser.close", None, False)
        except Exception:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        subprocess.run(["rm", "-rf", self.prof])


def tick(fifo, n):
    fifo.write("%d,2026-11-23T10:%02d:%02dZ,%d,0,0.1\n" %
               (n, n // 60 % 60, n % 60, n * 100))
    fifo.flush()


def check(url, ticks, snap, newcsv, shot):
    b = Browser()
    try:
        fifo = open(ticks, "w")
        b.open(url)
        b.wait("document.body && document.body.dataset.gen", "first state")
        tick(fifo, 1)
        b.wait("document.body.dataset.tick === '1'", "tick 1")
        tmp = os.path.join(snap, ".branch_sales.tmp")
        with open(newcsv) as src, open(tmp, "w") as dst:
            dst.write(src.read())
        os.rename(tmp, os.path.join(snap, "branch_sales.csv"))
        tick(fifo, 2)
        b.wait("document.body.dataset.tick === '2'", "tick 2")
        out = b.js("""(() => {
          const titles = [...document.querySelectorAll('summary.title')]
            .map(e => e.textContent);
          const rows = {};
          for (const f of document.querySelectorAll('figure')) {
            if (!f.querySelector('summary').textContent.includes('branch'))
              continue;
            for (const tr of f.querySelectorAll('tbody tr'))
              rows[tr.cells[0].textContent] = tr.dataset.value;
          }
          return {titles: titles, branches: rows,
                  status: document.getElementById('status').textContent};
        })()""")
        print(json.dumps(out, ensure_ascii=False))
        import base64
        png = b.call("Page.captureScreenshot", {"format": "png"})
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png["data"]))
        fifo.close()
    finally:
        b.close()


def replace(snap, name, text):
    tmp = os.path.join(snap, "." + name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(snap, name))


def new_snapshot(snap, i):
    replace(snap, "kpis.csv",
            "TotalRevenue,UnitsSold,Transactions,ActiveBranches,"
            "AvgOrderValue,RejectedRows\n%.2f,%d,%d,5,%.2f,3\n" %
            (5472496.5 + i * 1234.5, 12805 + i * 3, 9500 + i * 2,
             576.05 + i * 0.01))
    names = ["Indiranagar", "Jayanagar", "Koramangala", "Whitefield",
             "Yelahanka"]
    replace(snap, "branch_sales.csv", "BranchName,TotalRevenue\n" +
            "".join("%s,%.2f\n" % (b, 600000 + (k * 7919 + i * 104729)
                                     % 900000)
                    for k, b in enumerate(names)))


def bench(url, ticks, n, snap=None):
    b = Browser()
    lat, parts = [], []
    try:
        fifo = open(ticks, "w")
        b.open(url)
        b.wait("document.body && document.body.dataset.gen", "first state")
        for i in range(1, n + 1):
            if snap:
                new_snapshot(snap, i)
            t0 = time.time() * 1000
            tick(fifo, i)
            b.wait("document.body.dataset.tick === '%d'" % i, "tick %d" % i)
            shown = b.js("window.liShown.filter(s => s[0] === '%d')"
                         "[0]" % i)
            lat.append(shown[1] - t0)
            # [tick, shown, onmessage, state made, pictures decoded]
            parts.append((shown[3] - t0, shown[2] - shown[3],
                          shown[4] - shown[2], shown[1] - shown[4]))
        fifo.close()
    finally:
        b.close()
    lat.sort()
    p50 = lat[len(lat) // 2]
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print("%d %.1f %.1f %.1f" % (len(lat), p50, p99, lat[-1]))
    # Where the time goes (medians): tick to the server's new state,
    # state to the page's onmessage, onmessage to the changed pictures
    # decoded, decoded to the next frame rendered (style, layout, paint).
    med = [sorted(p[k] for p in parts)[len(parts) // 2] for k in range(4)]
    sys.stderr.write("median: tick->state %.1f ms, state->page %.1f ms, "
                     "page->decoded %.1f ms, decoded->rendered %.1f ms\n"
                     % tuple(med))


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "check":
        check(*sys.argv[2:])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "bench":
        bench(sys.argv[2], sys.argv[3], int(sys.argv[4]),
              sys.argv[5] if len(sys.argv) == 6 else None)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
