"""The federation's pages against a real server: `daftar-server` on the
PostgreSQL cluster that scripts/pg-cluster.sh started (DAFTAR_DATABASE_URL),
filled by syncing the demo book (under VO-1) and a scaled book of SHGs
(under VO-2), both VOs under one block. Phones' books stay on disk so the
tests can ask the core's own reports of them through the `daftar` CLI."""

import json
import os
import subprocess
import tempfile
import time
import urllib.request

import pytest

from browser import Browser

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER = os.path.join(ROOT, "target", "debug", "daftar-server")
DAFTAR = os.path.join(ROOT, "target", "debug", "daftar")
# A day inside both books: the reports and the pages are compared on it.
AS_OF = "2025-02-20"


def run(*args):
    out = subprocess.run(args, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def admin(*args):
    return run(SERVER, "--database", os.environ["DAFTAR_DATABASE_URL"], *args)


def orgs_of(book):
    lines = run(DAFTAR, "orgs", "--db", book).splitlines()
    return [(l.split()[0], l.split()[1]) for l in lines]


class World:
    pass


@pytest.fixture(scope="session")
def world():
    if "DAFTAR_DATABASE_URL" not in os.environ:
        pytest.fail("run through scripts/web-test.sh (it starts PostgreSQL)")
    w = World()
    w.dir = tempfile.TemporaryDirectory()
    d = w.dir.name
    admin("migrate")
    admin("node", "add", "--kind", "block", "--name", "Block One", "--code", "BLK-1")
    admin("node", "add", "--kind", "vo", "--name", "VO One", "--code", "VO-1", "--parent", "BLK-1")
    admin("node", "add", "--kind", "vo", "--name", "VO Two", "--code", "VO-2", "--parent", "BLK-1")
    w.admin_token = admin("user", "--name", "admin", "--admin")
    w.vo1_token = admin("user", "--name", "vo1-staff", "--node", "VO-1")
    server = subprocess.Popen(
        [SERVER, "--database", os.environ["DAFTAR_DATABASE_URL"], "serve",
         "--listen", "127.0.0.1:0", "--key", f"{d}/server.key", "--books", f"{d}/books",
         "--new-orgs-under", "VO-1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    w.url = line.strip().removeprefix("daftar-server listening on ")
    assert w.url.startswith("http://127.0.0.1:"), line
    w.demo = f"{d}/demo.daftar"
    w.scaled = f"{d}/scaled.daftar"
    run(DAFTAR, "demo", "--db", w.demo)
    run(DAFTAR, "demo", "--db", w.scaled, "--scale", "4x8x100", "--seed", "7")
    for book in (w.demo, w.scaled):
        run(DAFTAR, "sync", "--db", book, "--server", w.url, "--actor", "asha")
    w.books = {}
    for org, _ in orgs_of(w.demo):
        w.books[org] = w.demo
    for i, (org, _) in enumerate(orgs_of(w.scaled)):
        admin("node", "place", "--org", org, "--parent", "VO-2", "--code", f"LOKOS-{i}")
        w.books[org] = w.scaled
    # Every book consolidated on the server before a page is read.
    deadline = time.time() + 180
    while True:
        req = urllib.request.Request(f"{w.url}/v1/nodes/BLK-1/rollup?as_of={AS_OF}",
                                     headers={"Authorization": f"Bearer {w.admin_token}"})
        r = json.load(urllib.request.urlopen(req))
        if len(r["organisations"]) == len(w.books) and all(o["consolidated"] for o in r["organisations"]):
            break
        assert time.time() < deadline, r
        time.sleep(0.2)
    w.block = r["node"]["id"]
    w.browser = Browser()
    yield w
    w.browser.close()
    server.kill()
    server.wait()


def sign_in(b, url, token, lang="en"):
    b.open(f"{url}/web/signin?lang={lang}")
    b.submit("main.signin form", {"token": token})


def sign_out(b):
    b.events.clear()
    b.call("Runtime.evaluate", session=True, expression="document.querySelector('form.signout').submit()")
    b.wait_for("Page.loadEventFired")
