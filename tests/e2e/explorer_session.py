#!/usr/bin/env python3
"""The explorer's interactive pages in headless Chromium, driven over the DevTools protocol as a
user would: log in with a key (refused typos first), read the account's settlement flow, log out;
verify a certificate from files (and refuse a wrong file and a tampered certificate); check the
certificate a work page downloads; the NFT collections and sales. Every number shown is compared
with EXPECT (a JSON file written by tests/e2e/explorer.sh from the RPC). Screenshots go to --shots.

usage: explorer_session.py --chromium BIN --node URL --expect FILE --shots DIR --profile DIR
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsclient import WebSocket  # noqa: E402


class Fail(Exception):
    pass


class Chromium:
    """One headless Chromium page, driven over the DevTools protocol (a WebSocket)."""

    def __init__(self, binary, profile, log):
        os.makedirs(profile, exist_ok=True)
        port_file = os.path.join(profile, "DevToolsActivePort")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,1000", "about:blank"],
            stdout=log, stderr=log)
        deadline = time.time() + 60
        while not os.path.exists(port_file) or len(open(port_file).read().split()) < 2:
            if self.proc.poll() is not None or time.time() > deadline:
                raise Fail("chromium did not open its DevTools port")
            time.sleep(0.2)
        port = int(open(port_file).read().split()[0])
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10))
        page = next(t for t in targets if t.get("type") == "page")
        path = "/devtools/page/" + page["id"]
        self.ws = WebSocket("http://127.0.0.1:%d" % port, path=path)
        self.ws.sock.settimeout(60)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Page.setDownloadBehavior", {"behavior": "deny"})

    def send(self, method, params=None):
        self.next_id += 1
        rid = self.next_id
        self.ws._send_frame(0x1, json.dumps({"id": rid, "method": method, "params": params or {}}).encode())
        while True:
            msg = self.ws.recv()
            if msg.get("id") == rid:
                if "error" in msg:
                    raise Fail("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def eval(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in r:
            raise Fail("in the page, %s: %s" % (expr[:80], r["exceptionDetails"].get("exception", {}).get("description", r["exceptionDetails"])))
        return r["result"].get("value")

    def wait(self, expr, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = self.eval(expr)
            if v:
                return v
            time.sleep(0.2)
        raise Fail("timed out waiting for %s; the page shows: %s" % (what, self.text("main")[:600]))

    def goto(self, url):
        """Opens url (a page of the explorer) and waits until its route has rendered."""
        route = "#" + url.split("#", 1)[1] if "#" in url else "#/"
        if self.eval("location.href") == url:  # the same address: no hashchange, so a fresh load
            return self.reload(route)
        self.eval("document.body && delete document.body.dataset.ready")
        self.send("Page.navigate", {"url": url})
        self.wait("!!document.body && document.body.dataset.ready === %s" % json.dumps(route), "page %s" % route)

    def reload(self, route):
        """Reloads the page (a new document: what a user's F5 does) and waits for its route."""
        self.eval("delete document.body.dataset.ready")
        self.send("Page.reload", {"ignoreCache": True})
        time.sleep(0.5)
        self.wait("!!document.body && document.body.dataset.ready === %s" % json.dumps(route), "page %s after a reload" % route)

    def text(self, selector):
        return self.eval("(() => { const e = document.querySelector(%s); return e ? e.innerText : ''; })()" % json.dumps(selector)) or ""

    def field(self, key):
        """The text of the element with data-test=key ('' when there is none)."""
        return self.eval("(() => { const e = document.querySelector('[data-test=\"%s\"]'); return e ? e.textContent.trim() : ''; })()" % key) or ""

    def type_into(self, selector, value):
        self.eval("(() => { const e = document.querySelector(%s); e.value = %s; })()" % (json.dumps(selector), json.dumps(value)))

    def click(self, selector):
        self.eval("document.querySelector(%s).click()" % json.dumps(selector))

    def set_files(self, selector, paths):
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if not node:
            raise Fail("no element %s" % selector)
        self.send("DOM.setFileInputFiles", {"nodeId": node, "files": [os.path.abspath(p) for p in paths]})

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        if os.path.getsize(path) < 1000:
            raise Fail("the screenshot %s is empty" % path)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def expect(got, want, what):
    if got != want:
        raise Fail("%s: expected %r, got %r" % (what, want, got))


def contains(got, part, what):
    if part not in got:
        raise Fail("%s: %r does not contain %r" % (what, got, part))


def login_with(b, key, passphrase=""):
    b.wait("!!document.querySelector('[data-test=\"login-form\"]')", "the login form")
    b.type_into("#login-key", key)
    b.type_into("#login-pass", passphrase)
    b.eval("document.getElementById('login-status').textContent = ''")
    b.click("[data-test=login-submit]")


def run(b, node, x, shots):
    base = node + "/explorer/"

    # --- login: mistakes are refused with a reason, in the page
    b.goto(base + "#/account")
    login_with(b, x["secret_key"][:-1])
    b.wait("!!document.querySelector('[data-test=\"login-status\"]').classList.contains('error')", "the refusal of a short key")
    expect(b.field("login-status"), "a secret key has 64 hex digits, this has 63", "a 63-digit key")
    words = ["abandon"] * 11 + ["abot"]
    login_with(b, " ".join(words))
    b.wait("!!document.querySelector('[data-test=\"login-status\"]').classList.contains('error')", "the refusal of a mistyped word")
    contains(b.field("login-status"), "abot", "a mistyped mnemonic word")
    contains(b.field("login-status"), "about", "the suggestion for a mistyped word")
    expect(b.eval("sessionStorage.length"), 0, "nothing kept after refused logins")
    print("ok - the login refuses a short key and a mistyped mnemonic word (with a suggestion)")

    # A valid mnemonic of a key the chain does not know: logged in, told so.
    login_with(b, " ".join(["abandon"] * 11 + ["about"]), "TREZOR")
    b.wait("!!document.querySelector('[data-test=\"account-address\"]')", "the account page of an unknown key")
    contains(b.field("unknown-account"), "This key has no account on this chain", "an unknown key's page")
    expect(b.field("payout-count"), "0", "an unknown key's payouts")
    b.click("[data-test=logout]")
    b.wait("!!document.querySelector('[data-test=\"login-form\"]')", "the login form after logging out")
    expect(b.eval("sessionStorage.length"), 0, "the session is gone after logging out")
    print("ok - a valid mnemonic of an unknown key logs in and is told it has no account; logging out forgets the token")

    # --- alice's settlement flow
    login_with(b, x["secret_key"])
    b.wait("!!document.querySelector('[data-test=\"account-address\"]')", "alice's account page")
    expect(b.field("account-address"), x["address"], "the logged-in address")
    expect(b.eval("document.getElementById('login-key') === null"), True, "the key field is gone after login")
    expect(b.eval("JSON.stringify(sessionStorage).includes(%s)" % json.dumps(x["secret_key"])), False, "the key is not stored")
    for status, n in x["counts"].items():
        expect(b.field("bar-count-" + status), str(n), "payouts %s (chart)" % status)
    expect(b.field("count-pending"), str(x["counts"]["pending"]), "pending payouts (card)")
    expect(b.field("count-confirmed"), str(x["counts"]["confirmed"]), "confirmed payouts (card)")
    expect(b.field("payout-count"), str(sum(x["counts"].values())), "payouts")
    for status, text in x["status_sums"].items():
        expect(b.field("bar-sum-" + status), text, "the amounts of %s payouts" % status)
    for cur, total in x["revenue"].items():
        expect(b.field("revenue-" + cur), total, "revenue settled in %s" % cur)
    for cur, amount in x["balances"].items():
        expect(b.field("balance-" + cur), amount, "balance in %s" % cur)
    b.screenshot(os.path.join(shots, "account.png"))
    # The session survives a reload of the tab, and ends with the log-out button.
    b.reload("#/account")
    b.wait("!!document.querySelector('[data-test=\"account-address\"]')", "the account page after a reload")
    expect(b.eval("document.getElementById('login-link').textContent"), "Account", "the header link when logged in")
    b.click("[data-test=logout]")
    b.wait("!!document.querySelector('[data-test=\"login-form\"]')", "the login form after logging out")
    print("ok - alice's settlement flow: payouts by status, revenue by currency and balances as the RPC says; the key is not kept")

    # --- certificates, offline in the page
    def verify(files):
        b.goto(base + "#/verify")
        for sel, path in files.items():
            b.set_files(sel, [path])
        b.click("[data-test=verify-submit]")
        b.wait("!!document.querySelector('[data-test=\"cert-verdict\"]')", "the verdict")
        return b.field("cert-verdict"), b.field("cert-reason")

    verdict, _ = verify({"#v-cert": x["cert"], "#v-file": x["work_file"], "#v-genesis": x["genesis"]})
    expect(verdict, "verified", "the certificate with its file and genesis")
    contains(b.field("verify-result"), "checked against your genesis.json; the file matches", "what was checked")
    expect(b.field("cert-signers"), "1", "the signers shown")
    b.screenshot(os.path.join(shots, "verify.png"))
    verdict, reason = verify({"#v-cert": x["cert"], "#v-file": x["other_file"], "#v-genesis": x["genesis"]})
    expect(verdict, "refused", "another file")
    contains(reason, "is not the certified work's fingerprint", "another file's reason")
    verdict, reason = verify({"#v-cert": x["tampered_cert"], "#v-file": x["work_file"], "#v-genesis": x["genesis"]})
    expect(verdict, "refused", "a tampered certificate")
    contains(reason, "commit signature", "a tampered certificate's reason")
    verdict, reason = verify({"#v-cert": x["cert"], "#v-genesis": x["other_genesis"]})
    expect(verdict, "refused", "another chain's genesis")
    contains(reason, "the genesis is for", "another genesis' reason")
    print("ok - the verify page checks a certificate with its file and genesis, and refuses another file, a tampered signature and another genesis")

    b.goto(base + "#/work/1")
    b.click("[data-test=certificate-button]")
    b.wait("!!document.querySelector('[data-test=\"cert-verdict\"]')", "the downloaded certificate's check")
    expect(b.field("cert-verdict"), "verified", "the work page's certificate")
    expect(b.field("sale-price"), x["sale_price"], "the work page's sale")
    b.screenshot(os.path.join(shots, "work-verified.png"))
    print("ok - the work page checks the certificate it downloads and lists the NFT sales")

    # --- NFT collections and sales
    b.goto(base + "#/nfts")
    expect(b.field("collection-minted"), str(x["minted"]), "editions minted")
    expect(b.field("collection-sales"), str(x["sales"]), "sales")
    expect(b.field("sale-price"), x["sale_price"], "the recent sale's price")
    b.screenshot(os.path.join(shots, "nfts.png"))
    print("ok - the NFT page shows the collection and its sales as nft_sales says")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--node", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--shots", required=True)
    ap.add_argument("--profile", required=True)
    a = ap.parse_args()
    x = json.load(open(a.expect))
    with open(os.path.join(a.profile + ".log"), "ab") as log:
        b = Chromium(a.chromium, a.profile, log)
        try:
            run(b, a.node, x, a.shots)
        except Fail as e:
            print("FAIL: %s" % e, file=sys.stderr)
            try:
                b.screenshot(os.path.join(a.shots, "failure.png"))
            except Exception:
                pass
            return 1
        finally:
            b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
