#!/usr/bin/env python3
"""The examples of docs/openrpc.json: checked on their own, then run against a live node.

usage: openrpc_examples.py [--runtime RUNTIME.json] [--dump FILE] OPENRPC.json

Static checks (always): every method has at least one Example Pairing; its params name the
method's params, give every required one, and each value validates against the param's schema;
its result value validates against the method's result schema; every $ref resolves into the
document's components; every server URL's {variable} is declared with a default.

Live checks (with --runtime, written by tests/e2e/openrpc_examples.sh after it built the example
chain): rpc_discover answers exactly this document, and every example of every method, in document
order, is called on the node (with the token of CALLER's account if the method needs one; over a
WebSocket if it is in WEBSOCKET), must answer a result (not an error), and the result must
validate against the method's result schema and have the example result's shape (the same members,
recursively, with the same JSON types; the arrays of UNORDERED, whose order differs on every run,
element by element with any live element). --dump FILE writes the live results, by method and
example name, to help update the examples after the answers changed.

The substitution mechanism: an example's param value is sent as written, except for the
(method, param) pairs of RUNTIME, whose values cannot be known before the run (the hash of a
transaction signed during the run, a login's fresh nonce and its signature, a subscription id
the node just assigned). The example keeps a realistic value of the same form for them (checked
against the param schema like every other value); RUNTIME says where the live value comes from,
and an entry that names no param of the method's examples fails the check, so the table cannot
silently go stale.
"""
import argparse
import copy
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsclient import WebSocket  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# (method, param) -> (what the live value is, how to get it from the run's context and the example's params)
RUNTIME = {
    ("auth_login", "nonce"): ("the nonce the auth_challenge example just answered",
                              lambda ctx, params: ctx.result_of("auth_challenge")["nonce"]),
    ("auth_login", "signature"): ("the example address's BIP-340 signature of AuthMessage(chain_id, that nonce)",
                                  lambda ctx, params: ctx.sign_login(params["address"], ctx.result_of("auth_challenge"))),
    ("tx_submit", "tx"): ("a transfer signed offline during the run with the sender's next nonce",
                          lambda ctx, params: ctx.captured["submit_tx"]),
    ("tx_get", "hash"): ("the hash of the run's register_work transaction",
                         lambda ctx, params: ctx.captured["register_tx"]),
    ("settlement_unsubscribe", "subscription"): ("the id the settlement_subscribe example answered on this connection",
                                                 lambda ctx, params: ctx.result_of("settlement_subscribe")),
    ("chain_unsubscribe", "subscription"): ("the id the chain_subscribe example answered on this connection",
                                            lambda ctx, params: ctx.result_of("chain_subscribe")),
    # The example chain is made during the run: its withholdings are in this UTC year, not the
    # document's (so the examples keep holding in a later year).
    ("tax_report", "year"): ("this UTC year (the example chain's)", lambda ctx, params: time.gmtime().tm_year),
    ("tax_jurisdiction_report", "year"): ("this UTC year (the example chain's)", lambda ctx, params: time.gmtime().tm_year),
}

# Who calls a method that needs a token (its example's data must be visible to that account). Public
# methods are called without a token, except those listed here (tx_get: the sender sees the body).
CALLER = {
    "tx_get": "alice",                  # the sender: the answer includes events and the tx body
    "account_get": "alice",             # the account itself
    "balance_get": "alice",
    "payout_get": "alice",              # the payee
    "payout_list": "gw",                # a gateway: the payouts addressed to it
    "reconciliation_report": "gw",      # the gateway itself
    "tax_report": "alice",              # the payee
    "tax_jurisdiction_report": "aud",   # an auditor (or the jurisdiction's tax account)
    "audit_conservation": "aud",        # overseer: an auditor
    "proposal_list": "aud",             # overseer: an auditor
    "contract_query": "aud",            # the tax contract: overseers only
    "settlement_events": "aud",         # an auditor sees every event
    "settlement_subscribe": "aud",
    "settlement_unsubscribe": "aud",    # the same connection as settlement_subscribe
    "settlement_proof": "aud",
    "aml_holds": "comp",                # compliance: every hold
    "aml_hold_get": "dist",             # a party: the sender of the held transfers
    "aml_rules": "comp",                # compliance (limits are not public)
}

# Methods called over a WebSocket (/ws), one connection per caller: subscriptions only exist there,
# and an unsubscribe only ends a subscription of its own connection.
WEBSOCKET = {"settlement_subscribe", "settlement_unsubscribe", "chain_subscribe", "chain_unsubscribe"}

# Examples whose result is not compared by shape, and why.
SHAPE_EXEMPT = {
    "rpc_discover": "the example shows the document abbreviated (it cannot hold itself); the live "
                    "answer is compared with docs/openrpc.json instead",
}

# Arrays whose order differs from run to run: each element of the example must have the shape of
# some element of the live answer, rather than of the element at its index. (method, path) -> why.
UNORDERED = {
    ("proposal_list", "result.proposals"): "in the order of their ids, the hashes of transactions signed during the run "
                                           "(their expiry times differ), while the actions' kinds have different fields",
}

# Notifications a subscription example must deliver, checked against this schema.
NOTIFICATIONS = {
    "settlement_subscribe": ("settlement_subscription", {"$ref": "#/components/schemas/SettlementEvent"}),
}


class Failures:
    def __init__(self):
        self.items = []

    def add(self, where, what):
        self.items.append("%s: %s" % (where, what))


def validator(doc, schema):
    # The schema with the document's components next to it, so "#/components/..." refs resolve.
    # OpenRPC 1.2.6 schemas are JSON Schema draft 7.
    root = {"allOf": [schema], "components": doc.get("components", {})}
    return jsonschema.Draft7Validator(root)


def schema_errors(doc, schema, value):
    errs = sorted(validator(doc, schema).iter_errors(value), key=lambda e: list(e.absolute_path))
    return ["at %s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message[:300]) for e in errs]


def json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(v)]


def shape_diff(example, live, path="result", unordered=()):
    """Differences of shape: members present on one side only, JSON types that differ. Arrays are
    compared element by element over their common length (an example may show fewer items); an
    array at a path of `unordered` is compared element by element with any live element instead."""
    if json_type(example) != json_type(live):
        return ["%s is %s in the example, %s live" % (path, json_type(example), json_type(live))]
    out = []
    if isinstance(example, dict):
        for k in sorted(set(example) | set(live)):
            if k not in live:
                out.append("%s.%s is in the example but not in the live answer" % (path, k))
            elif k not in example:
                out.append("%s.%s is in the live answer but not in the example" % (path, k))
            else:
                out += shape_diff(example[k], live[k], "%s.%s" % (path, k), unordered)
    elif isinstance(example, list) and path in unordered:
        for i, e in enumerate(example):
            diffs = [shape_diff(e, x, "%s[%d]" % (path, i), unordered) for x in live]
            if live and all(diffs):
                out.append("%s[%d] has the shape of no element of the live answer (the nearest: %s)"
                           % (path, i, "; ".join(min(diffs, key=len))))
    elif isinstance(example, list):
        for i in range(min(len(example), len(live))):
            out += shape_diff(example[i], live[i], "%s[%d]" % (path, i), unordered)
    return out


def check_refs(doc, node, fails, where="document"):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = doc
            ok = ref.startswith("#/")
            for part in ref[2:].split("/") if ok else []:
                if isinstance(target, dict) and part in target:
                    target = target[part]
                else:
                    ok = False
                    break
            if not ok:
                fails.add(where, "unresolved $ref %s" % ref)
        for k, v in node.items():
            check_refs(doc, v, fails, where)
    elif isinstance(node, list):
        for v in node:
            check_refs(doc, v, fails, where)


def static_checks(doc, fails):
    check_refs(doc, doc, fails)
    for s in doc.get("servers", []):
        where = "servers/%s" % s.get("name")
        variables = s.get("variables", {})
        url = s.get("url", "")
        for var in re.findall(r"\{([^}]*)\}", url):
            if "default" not in variables.get(var, {}):
                fails.add(where, "url variable {%s} has no default" % var)
    for m in doc["methods"]:
        name = m["name"]
        params = {p["name"]: p for p in m["params"]}
        examples = m.get("examples")
        if not examples:
            fails.add(name, "no example (every method needs an Example Pairing in \"examples\")")
            continue
        for ex in examples:
            where = "%s example '%s'" % (name, ex.get("name"))
            if not isinstance(ex.get("name"), str) or not isinstance(ex.get("params"), list) \
                    or not isinstance(ex.get("result"), dict) or "value" not in ex["result"]:
                fails.add(where, "not an Example Pairing {name, params: [{name, value}], result: {name, value}}")
                continue
            given = {}
            for p in ex["params"]:
                if p.get("name") not in params:
                    fails.add(where, "param '%s' is not a param of %s" % (p.get("name"), name))
                elif "value" not in p:
                    fails.add(where, "param '%s' has no value" % p["name"])
                else:
                    given[p["name"]] = p["value"]
                    for e in schema_errors(doc, params[p["name"]]["schema"], p["value"]):
                        fails.add(where, "param '%s' does not match its schema %s" % (p["name"], e))
            for pname, p in params.items():
                if p.get("required") and pname not in given:
                    fails.add(where, "required param '%s' missing" % pname)
            for e in schema_errors(doc, m["result"]["schema"], ex["result"]["value"]):
                fails.add(where, "result does not match the result schema %s" % e)
    by_name = {m["name"]: m for m in doc["methods"]}
    for (method, param) in RUNTIME:
        exs = by_name.get(method, {}).get("examples") or []
        if not any(param in [p.get("name") for p in ex.get("params", [])] for ex in exs):
            fails.add("RUNTIME", "(%s, %s) names no param of that method's examples" % (method, param))
    for method in list(CALLER) + sorted(WEBSOCKET) + [m for (m, _) in UNORDERED]:
        if method not in by_name:
            fails.add("CALLER/WEBSOCKET/UNORDERED", "%s is not a method of the document" % method)
    for m in doc["methods"]:
        if m.get("x-access") != "public" and m["name"] not in CALLER:
            fails.add(m["name"], "needs a token, but CALLER names no account to call it")


class Context:
    def __init__(self, runtime):
        self.node = runtime["node"]
        self.tokens = runtime["tokens"]
        self.secret_keys = runtime["secret_keys"]  # address (hex) -> secret key (hex)
        self.captured = runtime["captured"]
        self.results = {}  # method -> the live result of its first example
        self.sockets = {}  # caller -> WebSocket

    def result_of(self, method):
        if method not in self.results:
            raise KeyError("the %s example has not answered (it runs before this one in document order)" % method)
        return self.results[method]

    def sign_login(self, address, challenge):
        sk = self.secret_keys.get(address.lower())
        if not sk:
            raise KeyError("no secret key for the example's address %s in the runtime file" % address)
        # The example gateway client's BIP-340 code (as tests/e2e/auth.sh), an independent
        # implementation of docs/rpc-protocol.md's AuthMessage.
        js = ("import { signAuth } from './examples/gateway-client/src/folio.js';"
              "const [sk, chain, nonce] = process.argv.slice(1);"
              "const hex = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));"
              "console.log(signAuth(hex(sk), chain, nonce));")
        out = subprocess.run(["node", "--input-type=module", "-e", js, sk, challenge["chain_id"], challenge["nonce"]],
                             cwd=ROOT, capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise RuntimeError("signing the login with node failed: %s" % out.stderr.strip())
        return out.stdout.strip()

    def http(self, method, params, token):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        req = urllib.request.Request(self.node, data=body, headers={"content-type": "application/json"})
        if token:
            req.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def ws(self, caller):
        if caller not in self.sockets:
            self.sockets[caller] = WebSocket(self.node, self.tokens.get(caller) if caller else None)
        return self.sockets[caller]


def run_example(doc, ctx, fails, dump, m, k, ex, caller, transport):
    """Calls one example on the node and checks its answer; returns notes for the log line."""
    name = m["name"]
    where = "%s example '%s'" % (name, ex.get("name"))
    params = {p["name"]: copy.deepcopy(p["value"]) for p in ex.get("params", []) if "value" in p}
    notes = []
    try:
        for (method, pname), (what, get) in RUNTIME.items():
            if method == name and pname in params:
                params[pname] = get(ctx, params)
                notes.append("%s <- %s" % (pname, what))
        if transport == "ws":
            resp = ctx.ws(caller).call(name, params)
        else:
            resp = ctx.http(name, params, ctx.tokens[caller] if caller else None)
    except Exception as e:  # noqa: BLE001 - any failure to call is the example's failure
        fails.add(where, "could not be called: %s" % e)
        return notes
    if "result" not in resp:
        fails.add(where, "the node answered an error: %s" % json.dumps(resp.get("error"))[:400])
        return notes
    live = resp["result"]
    if k == 0:
        ctx.results[name] = live
    dump.setdefault(name, {})[ex["name"]] = live
    errs = schema_errors(doc, m["result"]["schema"], live)
    for e in errs:
        fails.add(where, "the live result does not match the result schema %s" % e)
    unordered = [path for (method, path) in UNORDERED if method == name]
    for d in [] if name in SHAPE_EXEMPT else shape_diff(ex["result"]["value"], live, unordered=unordered):
        fails.add(where, "the example result is not the live answer's shape: %s" % d)
    if name in NOTIFICATIONS and not errs:
        note_method, schema = NOTIFICATIONS[name]
        try:
            n = ctx.ws(caller).notification(note_method)
            params = n.get("params", {})
            if params.get("subscription") != live:
                fails.add(where, "a %s notification names subscription %r, not %r"
                          % (note_method, params.get("subscription"), live))
            for e in schema_errors(doc, schema, params.get("result")):
                fails.add(where, "the %s notification does not match its schema %s" % (note_method, e))
            notes.append("a %s notification checked" % note_method)
        except Exception as e:  # noqa: BLE001
            fails.add(where, "no %s notification: %s" % (note_method, e))
    return notes


def live_checks(doc, ctx, fails, dump):
    served = ctx.http("rpc_discover", {}, None).get("result")
    if served != doc:
        fails.add("rpc_discover", "the node serves another document than docs/openrpc.json: rebuild foliod "
                  "(the document is compiled in) before running this test")
    for m in doc["methods"]:
        name = m["name"]
        caller = CALLER.get(name)
        transport = "ws" if name in WEBSOCKET else "http"
        for k, ex in enumerate(m.get("examples") or []):
            before = len(fails.items)
            notes = run_example(doc, ctx, fails, dump, m, k, ex, caller, transport)
            print("  %-4s %-22s %s, %s%s" % ("ok" if len(fails.items) == before else "FAIL", name, transport,
                                              ("as " + caller) if caller else "no token",
                                              ("; " + "; ".join(notes)) if notes else ""), flush=True)
    for s in ctx.sockets.values():
        s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("document")
    ap.add_argument("--runtime", help="the run's values (written by openrpc_examples.sh); without it: static checks only")
    ap.add_argument("--dump", help="write the live results here (JSON: method -> example name -> result)")
    args = ap.parse_args()
    with open(args.document, encoding="utf-8") as f:
        doc = json.load(f)
    fails = Failures()
    static_checks(doc, fails)
    n_methods = len(doc["methods"])
    n_examples = sum(len(m.get("examples") or []) for m in doc["methods"])
    print("static: %d methods, %d examples, %d failures" % (n_methods, n_examples, len(fails.items)), flush=True)
    if args.runtime:
        with open(args.runtime, encoding="utf-8") as f:
            ctx = Context(json.load(f))
        dump = {}
        live_checks(doc, ctx, fails, dump)
        if args.dump:
            with open(args.dump, "w", encoding="utf-8") as f:
                json.dump(dump, f, indent=2, ensure_ascii=False)
    if fails.items:
        print("%d failures:" % len(fails.items), file=sys.stderr)
        for f in fails.items:
            print("  " + f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
