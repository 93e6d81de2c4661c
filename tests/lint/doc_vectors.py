#!/usr/bin/env python3
"""An integrator's decoder, written from docs/ alone: checks the test vectors of the documents.

Every layout a client decodes is a table in docs/*.md, marked for this script with an HTML
comment (invisible when rendered):

    <!-- layout: NAME -->        a table with the columns `field` and `type`: one layout
    <!-- layouts: FAMILY -->     a table of many layouts, one a row: first column the tag byte,
                                 last column the fields as `type name · type name · ...`;
                                 the row's layout is FAMILY/TAG and starts with `u8 tag = TAG`

Every test vector is a fenced block ```vector NAME LAYOUT``` of lines `HEX  # path = value`
(docs/formats.md, "Test vectors"). This script decodes each vector's bytes with nothing but the
layout tables and the primitive encodings of docs/formats.md, and checks that the decoding gives
exactly the documented lines (bytes, field paths and values) and consumes every byte. Then it
checks what the documents say the bytes mean: the hashes on the `=>` lines, the BIP-340
signatures (transaction, commit certificate, hand-off, the login example of docs/rpc.md), the
hand-off's state proof, the settlement events' JSON and ids (docs/settlement-events.md), the
genesis hash recomputed from the genesis.json of docs/formats.md (state writes, state map root,
header), that the transaction kinds, governance actions and events are numbered without gaps (and
the Transaction table names the last kind), that every role in a vector is in the roles list, and
that the AML vectors tell one story (the limits proposed and set, the hold over them, its release). Nothing here reads the C++ sources; the standard contracts' bytecode is read from
contracts/*.bin, as docs/formats.md says. Usage: doc_vectors.py SOURCE_DIR
"""
import hashlib
import json
import os
import re
import sys

# ---------------------------------------------------------------- primitives (docs/formats.md)


def sha256(b):
    return hashlib.sha256(b).digest()


def tagged_hash(tag, b):
    t = sha256(tag.encode())
    return sha256(t + t + b)


class DecodeError(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise DecodeError(f"truncated: needs {n} bytes at offset {self.pos}, {len(self.data) - self.pos} left")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def peek(self):
        if self.pos >= len(self.data):
            raise DecodeError("truncated")
        return self.data[self.pos]

    def varint(self):
        v = 0
        for i in range(10):
            b = self.take(1)[0]
            if i == 9 and b > 1:
                raise DecodeError("varint over 64 bits")
            v |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                if b == 0 and i > 0:
                    raise DecodeError("non-minimal varint")
                return v
        raise DecodeError("varint too long")


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


FIXED = {"hash": 32, "address": 32, "key": 32, "signature": 64}
UINTS = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}

# ---------------------------------------------------------------- layouts from the documents


def split_row(line):
    cells = line.strip().strip("|").split("|")
    return [c.strip() for c in cells]


def clean(cell):
    return cell.replace("`", "").strip()


def tables_after_markers(text, docname):
    """Yields (kind, name, header, rows) for each marked table."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"\s*<!--\s*(layout|layouts):\s*(\S+)\s*-->", lines[i])
        i += 1
        if not m:
            continue
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines) or not lines[i].lstrip().startswith("|"):
            raise SystemExit(f"{docname}: marker '{m.group(0).strip()}' is not followed by a table")
        header = [clean(c).lower() for c in split_row(lines[i])]
        i += 2  # the header and the |---| row
        rows = []
        while i < len(lines) and lines[i].lstrip().startswith("|"):
            rows.append(split_row(lines[i]))
            i += 1
        yield m.group(1), m.group(2), header, rows, docname


def parse_compact_fields(cell):
    """'address to · string currency · i64 amount' -> [(name, type)]."""
    out = []
    cell = re.sub(r"\([^()]*\)", "", clean(cell))
    for item in cell.split("·"):
        item = item.strip()
        if not item:
            continue
        words = item.split(None, 1)
        if len(words) != 2:
            raise ValueError(f"cannot read the field '{item}'")
        typ, names = words
        for name in names.split(","):
            name = name.strip()
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
                raise ValueError(f"cannot read the field name '{name}' in '{item}'")
            out.append((name, typ))
    return out


class Layouts:
    def __init__(self, docs):
        self.layouts = {}   # name -> [(field, type)] or a (docname, raw cell) to parse lazily
        self.families = {}  # family -> {tag: layout name}
        self.where = {}
        for docname, text in docs.items():
            for kind, name, header, rows, doc in tables_after_markers(text, docname):
                if kind == "layout":
                    if "field" not in header or "type" not in header:
                        raise SystemExit(f"{doc}: layout {name}: the table needs the columns field and type")
                    fi, ti = header.index("field"), header.index("type")
                    self.add(name, [(clean(r[fi]), clean(r[ti])) for r in rows], doc)
                else:
                    fam = self.families.setdefault(name, {})
                    for r in rows:
                        tag = int(clean(r[0]))
                        lname = f"{name}/{tag}"
                        fam[tag] = lname
                        self.add(lname, ("compact", tag, r[-1]), doc)

    def add(self, name, fields, doc):
        if name in self.layouts:
            raise SystemExit(f"{doc}: layout {name} is defined twice ({self.where[name]})")
        self.layouts[name] = fields
        self.where[name] = doc

    def get(self, name):
        f = self.layouts.get(name)
        if f is None:
            raise DecodeError(f"no layout '{name}' in the documents")
        if isinstance(f, tuple):
            _, tag, cell = f
            try:
                f = [("tag", f"u8 = {tag}")] + parse_compact_fields(cell)
            except ValueError as e:
                raise DecodeError(f"layout {name} ({self.where[name]}): {e}")
            self.layouts[name] = f
        return f


# ---------------------------------------------------------------- the decoder


def join(prefix, name):
    return name if not prefix else f"{prefix}.{name}"


class Decoder:
    def __init__(self, layouts):
        self.L = layouts
        self.used = set()

    def decode(self, data, layout):
        r = Reader(data)
        leaves = []
        self.value(r, layout, "", leaves)
        if r.pos != len(r.data):
            raise DecodeError(f"{len(r.data) - r.pos} bytes left after the layout {layout}")
        return leaves

    def leaf(self, leaves, path, r, start, value):
        leaves.append((path, r.data[start:r.pos].hex(), value))

    def value(self, r, typ, path, leaves):
        typ = typ.strip()
        start = r.pos
        m = re.fullmatch(r"(u8|u16|u32|u64)\s*=\s*(\d+)", typ)
        if m:
            v = int.from_bytes(r.take(UINTS[m.group(1)]), "little")
            if v != int(m.group(2)):
                raise DecodeError(f"{path}: is {v}, the layout says {m.group(2)}")
            return self.leaf(leaves, path, r, start, str(v))
        if typ in UINTS:
            return self.leaf(leaves, path, r, start, str(int.from_bytes(r.take(UINTS[typ]), "little")))
        if typ == "i64":
            return self.leaf(leaves, path, r, start, str(int.from_bytes(r.take(8), "little", signed=True)))
        if typ == "bool":
            b = r.take(1)[0]
            if b > 1:
                raise DecodeError(f"{path}: bool byte {b}")
            return self.leaf(leaves, path, r, start, "true" if b else "false")
        if typ == "varint":
            return self.leaf(leaves, path, r, start, str(r.varint()))
        if typ in FIXED:
            return self.leaf(leaves, path, r, start, r.take(FIXED[typ]).hex())
        if typ == "string":
            n = r.varint()
            return self.leaf(leaves, path, r, start, quote(r.take(n).decode("utf-8")))
        if typ == "bytes":
            n = r.varint()
            return self.leaf(leaves, path, r, start, "0x" + r.take(n).hex())
        if typ == "chars":  # raw text up to (not including) the 0x00 that follows it
            end = r.data.index(0, r.pos)
            return self.leaf(leaves, path, r, start, quote(r.take(end - r.pos).decode("utf-8")))
        if typ == "ascii8":  # 8 bytes: ASCII, zero-padded at the end
            b = r.take(8)
            return self.leaf(leaves, path, r, start, quote(b.rstrip(b"\0").decode("ascii")))
        m = re.fullmatch(r"list<(.+)>", typ)
        if m:
            n = r.varint()
            self.leaf(leaves, join(path, "count"), r, start, str(n))
            for i in range(n):
                self.value(r, m.group(1), f"{path}[{i}]", leaves)
            return
        m = re.fullmatch(r"bytes<(.+)>", typ)
        if m:
            n = r.varint()
            self.leaf(leaves, join(path, "length"), r, start, str(n))
            inner = Reader(r.take(n))
            sub = []
            self.value(inner, m.group(1), "", sub)
            if inner.pos != n:
                raise DecodeError(f"{path}: {n - inner.pos} bytes left inside")
            leaves += [(join(path, p), h, v) for p, h, v in sub]
            return
        m = re.fullmatch(r"optional<(.+)>", typ)
        if m:
            b = r.take(1)[0]
            if b > 1:
                raise DecodeError(f"{path}: option byte {b}")
            self.leaf(leaves, join(path, "present"), r, start, "true" if b else "false")
            if b:
                self.value(r, m.group(1), path, leaves)
            return
        if typ in self.L.families:
            tag = r.peek()
            name = self.L.families[typ].get(tag)
            if name is None:
                raise DecodeError(f"{path}: no {typ} has the tag {tag}")
            typ = name
        fields = self.L.get(typ)
        self.used.add(typ)
        for fname, ftype in fields:
            self.value(r, ftype, join(path, fname), leaves)


# ---------------------------------------------------------------- vectors in the documents


def fenced_blocks(text):
    """Yields (info string, body lines)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        t = lines[i].strip()
        if t.startswith("```") and len(t) > 3:
            info = t[3:].strip()
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            yield info, body
        i += 1


def parse_vector(body):
    lines, results = [], []
    for raw in body:
        t = raw.strip()
        if not t:
            continue
        if t.startswith("=>"):
            label, _, value = t[2:].strip().rpartition(" = ")
            results.append((label.strip(), value.strip()))
            continue
        hexpart, sep, rest = t.partition("#")
        if not sep or " = " not in rest:
            raise DecodeError(f"cannot read the line '{t}'")
        path, _, value = rest.strip().partition(" = ")
        h = hexpart.replace(" ", "").lower()
        if not re.fullmatch(r"([0-9a-f]{2})*", h):
            raise DecodeError(f"not hex: '{hexpart}'")
        lines.append((path.strip(), h, value.strip()))
    return lines, results


def check_results(name, data, results, problems):
    for label, value in results:
        m = re.fullmatch(r'TaggedHash\("([^"]+)", (all the bytes|the bytes before the signature)\)', label)
        if m:
            part = data if m.group(2) == "all the bytes" else data[:-64]
            got = tagged_hash(m.group(1), part).hex()
        elif label == "SHA-256(all the bytes)":
            got = sha256(data).hex()
        else:
            problems.append(f"vector {name}: cannot read the result line '=> {label}'")
            continue
        if got != value:
            problems.append(f"vector {name}: {label} is {got}, the document says {value}")


# ---------------------------------------------------------------- BIP-340 (verification only)

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def point_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and a[1] != b[1]:
        return None
    if a == b:
        lam = 3 * a[0] * a[0] * pow(2 * a[1], P - 2, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], P - 2, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return (x, (lam * (a[0] - x) - a[1]) % P)


def point_mul(pt, k):
    r = None
    for i in range(256):
        if (k >> i) & 1:
            r = point_add(r, pt)
        pt = point_add(pt, pt)
    return r


def lift_x(x):
    if x >= P:
        return None
    y_sq = (pow(x, 3, P) + 7) % P
    y = pow(y_sq, (P + 1) // 4, P)
    if pow(y, 2, P) != y_sq:
        return None
    return (x, y if y % 2 == 0 else P - y)


def pubkey_of(secret):
    return point_mul(G, int.from_bytes(secret, "big"))[0].to_bytes(32, "big")


def schnorr_verify(pubkey, msg, sig):
    pt = lift_x(int.from_bytes(pubkey, "big"))
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if pt is None or r >= P or s >= N:
        return False
    e = int.from_bytes(tagged_hash("BIP0340/challenge", sig[:32] + pubkey + msg), "big") % N
    R = point_add(point_mul(G, s), point_mul(pt, N - e))
    return R is not None and R[1] % 2 == 0 and R[0] == r


# ---------------------------------------------------------------- state map (docs/formats-merkle.md §2)


def bit(key, i):
    return (key[i // 8] >> (7 - i % 8)) & 1


def smt_root(entries, depth=0):
    """entries: sorted [(key32, value_hash32)]."""
    if not entries:
        return bytes(32)
    if len(entries) == 1:
        return tagged_hash("folio/smt/leaf", entries[0][0] + entries[0][1])
    left = [e for e in entries if bit(e[0], depth) == 0]
    right = [e for e in entries if bit(e[0], depth) == 1]
    return tagged_hash("folio/smt/node", smt_root(left, depth + 1) + smt_root(right, depth + 1))


def smt_verify_inclusion(root, key, value_hash, siblings, leaf):
    if leaf is None or leaf != (key, value_hash) or len(siblings) > 256:
        return False
    if siblings and siblings[-1] == bytes(32):
        return False
    h = tagged_hash("folio/smt/leaf", key + value_hash)
    for i in range(len(siblings) - 1, -1, -1):
        h = tagged_hash("folio/smt/node", h + siblings[i] if bit(key, i) == 0 else siblings[i] + h)
    return h == root


# ---------------------------------------------------------------- what the values mean


def fields_of(leaves, prefix=""):
    """{path without prefix: (hex, value)} for the leaves under prefix."""
    out = {}
    for p, h, v in leaves:
        if prefix == "" or p.startswith(prefix + "."):
            out[p[len(prefix) + 1:] if prefix else p] = (h, v)
    return out


def unquote(v):
    return json.loads(v)


def commit_message(chain_id, height, block_hash):
    return tagged_hash("folio/commit", chain_id.encode() + b"\0" + height.to_bytes(8, "little") + block_hash)


class Checker:
    def __init__(self, root):
        self.root = root
        self.docs = {}
        for name in sorted(os.listdir(os.path.join(root, "docs"))):
            if name.endswith(".md"):
                with open(os.path.join(root, "docs", name), encoding="utf-8") as f:
                    self.docs["docs/" + name] = f.read()
        self.layouts = Layouts(self.docs)
        self.decoder = Decoder(self.layouts)
        self.problems = []
        self.vectors = {}  # name -> (layout, bytes, leaves, results, doc)
        self.jsons = {}    # name -> (parsed, doc)
        self.texts = {}

    def fail(self, msg):
        self.problems.append(msg)

    def read_blocks(self):
        for doc, text in self.docs.items():
            for info, body in fenced_blocks(text):
                words = info.split()
                if words[0] == "vector":
                    if len(words) < 3:
                        self.fail(f"{doc}: ```{info}: a vector needs a name and a layout")
                        continue
                    self.check_vector(doc, words[1], words[2], body)
                elif words[0] == "json" and len(words) > 1:
                    try:
                        self.jsons[words[1]] = (json.loads("\n".join(body)), doc)
                    except json.JSONDecodeError as e:
                        self.fail(f"{doc}: ```{info}: not JSON: {e}")
                elif words[0] == "text" and len(words) > 1:
                    self.texts[words[1]] = (body, doc)

    def check_vector(self, doc, name, layout, body):
        if name in self.vectors:
            self.fail(f"{doc}: vector {name} is defined twice")
            return
        try:
            lines, results = parse_vector(body)
            data = bytes.fromhex("".join(h for _, h, _ in lines))
            leaves = self.decoder.decode(data, layout)
        except (DecodeError, ValueError, UnicodeDecodeError) as e:
            self.fail(f"{doc}: vector {name}: {e}")
            return
        for i in range(max(len(lines), len(leaves))):
            if i >= len(lines) or i >= len(leaves):
                self.fail(f"{doc}: vector {name}: the layout {layout} gives {len(leaves)} fields, the document lists {len(lines)}")
                break
            if lines[i] != leaves[i]:
                p, h, v = leaves[i]
                self.fail(f"{doc}: vector {name} line {i + 1}: the document says '{lines[i][1]} # {lines[i][0]} = "
                          f"{lines[i][2]}', decoding by the layout {layout} gives '{h} # {p} = {v}'")
                break
        check_results(f"{doc}: {name}", data, results, self.problems)
        self.vectors[name] = (layout, data, leaves, dict(results), doc)

    def vec(self, name):
        if name not in self.vectors:
            raise DecodeError(f"vector {name} is missing")
        return self.vectors[name]

    def result(self, name, label_start):
        for label, value in self.vec(name)[3].items():
            if label.startswith(label_start):
                return bytes.fromhex(value)
        raise DecodeError(f"vector {name} has no result line '{label_start}...'")

    # ---- meanings

    def check_transaction(self):
        _, data, leaves, _, _ = self.vec("tx-transfer")
        f = fields_of(leaves)
        sender = bytes.fromhex(f["sender"][1])
        sig = bytes.fromhex(f["signature"][1])
        msg = tagged_hash("folio/tx/sig", data[:-64])
        if not schnorr_verify(sender, msg, sig):
            self.fail("vector tx-transfer: the signature does not verify with the sender's key")
        if pubkey_of(bytes([0x11]) * 32) != sender:
            self.fail("vector tx-transfer: the sender is not alice (secret key 11…11)")

    def check_certificate(self):
        _, header, hl, _, _ = self.vec("block-header")
        h = fields_of(hl)
        block_hash = tagged_hash("folio/block", header)
        chain_id, height = unquote(h["chain_id"][1]), int(h["height"][1])
        _, cm, cml, _, _ = self.vec("commit-message")
        c = fields_of(cml)
        if (unquote(c["chain_id"][1]), int(c["height"][1]), c["block_hash"][1]) != (chain_id, height, block_hash.hex()):
            self.fail("vector commit-message is not the message of the block-header vector")
        msg = commit_message(chain_id, height, block_hash)
        if self.result("commit-message", 'TaggedHash("folio/commit"') != msg:
            self.fail("vector commit-message: the message differs from TaggedHash(\"folio/commit\", ...)")
        _, cert, certl, _, _ = self.vec("commit-certificate")
        self.verify_cert(certl, "", msg, "commit-certificate")
        # The receipt and the transaction are the block's only ones.
        if self.result("receipt-transfer", "SHA-256") != bytes.fromhex(h["receipts_root"][1]):
            self.fail("vector block-header: receipts_root is not SHA-256 of the receipt-transfer vector")
        if self.result("tx-transfer", 'TaggedHash("folio/tx/id"') != bytes.fromhex(h["tx_root"][1]):
            self.fail("vector block-header: tx_root is not the id of the tx-transfer vector")
        if fields_of(self.vec("receipt-transfer")[2])["tx_id"][1] != h["tx_root"][1]:
            self.fail("vector receipt-transfer: tx_id is not the transaction's id")
        return chain_id, header, cert

    def verify_cert(self, leaves, prefix, msg, name):
        f = fields_of(leaves, prefix)
        n = int(f["signatures.count"][1])
        keys = []
        for i in range(n):
            k = bytes.fromhex(f[f"signatures[{i}].validator"][1])
            s = bytes.fromhex(f[f"signatures[{i}].signature"][1])
            if not schnorr_verify(k, msg, s):
                self.fail(f"vector {name}: signature {i} does not verify")
            keys.append(k)
        if keys != sorted(set(keys)):
            self.fail(f"vector {name}: the signatures are not sorted by validator")
        return keys

    def check_handoff(self, chain_id, header, cert):
        _, data, leaves, _, _ = self.vec("handoff")
        r = Reader(data)
        r.take(1)
        parts = [r.take(r.varint()) for _ in range(4)]
        if parts[0] != header or parts[1] != cert:
            self.fail("vector handoff: header and commit are not the block-header and commit-certificate vectors")
        h = fields_of(leaves, "header")
        block_hash = tagged_hash("folio/block", parts[0])
        keys = self.verify_cert(leaves, "commit", commit_message(chain_id, int(h["height"][1]), block_hash), "handoff")
        rec = fields_of(leaves, "record")
        epoch = int(rec["epoch"][1])
        if epoch != 1 or int(rec["from_height"][1]) != int(h["height"][1]) + 1:
            self.fail("vector handoff: the record is not epoch 1 from the block after the header")
        p = fields_of(leaves, "proof")
        siblings = [bytes.fromhex(p[f"siblings[{i}]"][1]) for i in range(int(p["siblings.count"][1]))]
        leaf = None
        if p["leaf.present"][1] == "true":
            leaf = (bytes.fromhex(p["leaf.key"][1]), bytes.fromhex(p["leaf.value_hash"][1]))
        key = sha256(b"v/e/" + epoch.to_bytes(8, "big"))
        if not smt_verify_inclusion(bytes.fromhex(h["state_root"][1]), key, sha256(parts[2]), siblings, leaf):
            self.fail("vector handoff: the proof does not show the record under the header's state root")
        if len(keys) < len(keys) * 2 // 3 + 1:
            self.fail("vector handoff: not a quorum")

    def roles(self):
        """The role names by number, from docs/formats.md's "Roles (`u8 role`): `0 governance, ...`"."""
        m = re.search(r"Roles \(`u8 role`\): `([^`]*)`", self.docs["docs/formats.md"])
        if not m:
            raise DecodeError("docs/formats.md: no roles list (Roles (`u8 role`): `0 governance, ...`)")
        roles = []
        for item in " ".join(m.group(1).split()).split(","):
            num, _, name = item.strip().partition(" ")
            if int(num) != len(roles) or not re.fullmatch(r"[a-z_]+", name):
                raise DecodeError(f"docs/formats.md: the roles list is not numbered 0, 1, ... at '{item.strip()}'")
            roles.append(name)
        return roles

    def check_families(self):
        # Tags are numbered without gaps: transaction kinds from 1, governance actions and events from 0.
        for fam, first in (("tx-body", 1), ("gov-action", 0), ("event", 0)):
            tags = sorted(self.layouts.families.get(fam, {}))
            if tags != list(range(first, first + len(tags))):
                self.fail(f"docs/formats.md: the {fam} tags are not {first}, {first + 1}, ... without gaps: {tags}")
        kinds = self.layouts.families.get("tx-body", {})
        m = re.search(r"`u8` kind \(1\.\.(\d+)", self.docs["docs/formats.md"])
        if not m or int(m.group(1)) != max(kinds, default=0):
            self.fail(f"docs/formats.md: the Transaction table's body kinds (1..{m.group(1) if m else '?'}) are not "
                      f"those of the tx-body table (1..{max(kinds, default=0)})")
        # Every role a vector grants or revokes is one of the list.
        roles = self.roles()
        for name, (layout, _, leaves, _, doc) in self.vectors.items():
            for p, _, v in leaves:
                if p.split(".")[-1] == "role" and int(v) >= len(roles):
                    self.fail(f"{doc}: vector {name}: {p} = {v} is no role of the roles list ({len(roles)} roles)")

    def check_aml(self):
        """The AML vectors tell one story: the limits governance set (proposal and event), the hold
        they made, the compliance account's release of it; a sanction as proposed and as listed."""
        prop = fields_of(self.vec("tx-body-propose-set-aml-limit")[2], "action")
        limit = fields_of(self.vec("event-aml-limit-set")[2], "limit")
        if {k: v[1] for k, v in prop.items() if k != "tag"} != {k: v[1] for k, v in limit.items()}:
            self.fail("vector event-aml-limit-set: its limits are not those of tx-body-propose-set-aml-limit")
        hold = fields_of(self.vec("event-aml-hold")[2], "hold")
        release = fields_of(self.vec("tx-body-aml-release")[2])
        if (release["hold"][1], release["note"][1]) != (hold["id"][1], hold["note"][1]):
            self.fail("vector event-aml-hold: not the hold that tx-body-aml-release releases, with its note")
        single, amount = int(limit["single"][1]), int(hold["amount"][1])
        if hold["reason"][1] != "0" or int(hold["limit"][1]) != single or not amount > single:
            self.fail("vector event-aml-hold: not held over the single limit of event-aml-limit-set")
        if unquote(hold["currency"][1]) != unquote(limit["currency"][1]):
            self.fail("vector event-aml-hold: not in the currency of event-aml-limit-set")
        # released (2), a payout (0): decided, and the payout instruction it made is named
        if hold["status"][1] != "2" or hold["kind"][1] != "0" or hold["decided_by"][1] == "00" * 32 or \
                hold["payout_id"][1] == "0" or hold["ended_ms"][1] == "0":
            self.fail("vector event-aml-hold: not a released payout with its decision and payout instruction")
        for name in ("tx-body-propose-set-sanction", "event-sanction"):
            f = fields_of(self.vec(name)[2], "action" if name.startswith("tx-") else "sanction")
            if (f["account"][1] == "00" * 32) == (unquote(f["country"][1]) == ""):
                self.fail(f"vector {name}: a sanction names either an account or a country")

    def check_events_covered(self):
        missing = [t for t, name in self.layouts.families.get("event", {}).items() if name not in self.decoder.used]
        if missing:
            self.fail(f"receipt event tags without a test vector: {missing}")
        if "event" not in self.layouts.families:
            self.fail("docs/formats.md: no receipt event table (<!-- layouts: event -->)")

    def check_settlement(self):
        exponent = {"BRL": 2, "USD": 2, "JPY": 0}

        def money(amount, cur):
            e = exponent[cur]
            neg = amount < 0
            s = str(abs(amount)).rjust(e + 1, "0")
            s = s if e == 0 else s[:-e] + "." + s[-e:]
            return {"amount": ("-" if neg else "") + s, "currency": cur}

        header = bytes([1, 0, 0, 0]) + bytes([len("folio-devnet")]) + b"folio-devnet" + (42).to_bytes(8, "little") + \
            bytes(32) + (1800000000000).to_bytes(8, "little") + bytes(32) + bytes(4) + bytes(96)
        block_hash = tagged_hash("folio/block", header).hex()
        kinds = {"payout-instruction": "payout_instruction", "payout-confirmed": "payout_confirmed",
                 "payout-failed": "payout_failed", "payout-expired": "payout_expired",
                 "deposit-credited": "deposit_credited", "tax-withheld": "tax_withheld"}
        vectors = {"deposit-credited": "settlement-deposit", "tax-withheld": "settlement-tax-withheld"}
        for jname, kind in kinds.items():
            if jname not in self.jsons:
                self.fail(f"docs/settlement-events.md: no ```json {jname} block")
                continue
            got, doc = self.jsons[jname]
            vname = vectors.get(jname, "settlement-" + jname)
            f = fields_of(self.vec(vname)[2])
            tag = int(f["tag"][1])
            want = {"seq": got.get("seq"), "height": 42, "block_hash": block_hash, "tx": got.get("tx"), "kind": kind,
                    "tx_index": 0, "event_index": 0, "payout_id": None, "payee": None, "gateway": None}
            if tag == 9:
                status = int(f["payout.status"][1])
                want["kind"] = ["payout_instruction", "payout_confirmed", "payout_failed", "payout_expired"][status]
                cur = unquote(f["payout.currency"][1])
                want.update(payout_id=int(f["payout.id"][1]), payee=f["payout.payee"][1], gateway=f["payout.gateway"][1],
                            amount=money(int(f["payout.amount"][1]), cur))
                if int(f["payout.rate_id"][1]):
                    want["target"] = money(int(f["payout.target_amount"][1]), unquote(f["payout.target_currency"][1]))
                    want["rate"] = {"id": int(f["payout.rate_id"][1]), "num": f["payout.rate_num"][1],
                                    "den": f["payout.rate_den"][1]}
                if int(f["payout.expires_ms"][1]):
                    want["expires_ms"] = int(f["payout.expires_ms"][1])
                note = unquote(f["payout.note"][1])
                if note and status == 1:
                    want["reference"] = note
                if note and status == 2:
                    want["reason"] = note
            elif tag == 8:
                cur = unquote(f["currency"][1])
                want.update(payee=f["account"][1], gateway=f["gateway"][1], amount=money(int(f["amount"][1]), cur))
                if unquote(f["reference"][1]):
                    want["reference"] = unquote(f["reference"][1])
            elif tag == 16:
                tax_address = tagged_hash("folio/address", b"tax_withholding").hex()
                if f["contract"][1] != tax_address or f["topic"][1] != "0x" + b"tax_withheld".hex():
                    self.fail(f"vector {vname}: not the tax contract's tax_withheld event")
                cur = unquote(f["data.currency"][1])
                want.update(payee=f["data.payee"][1], amount=money(int(f["data.tax"][1]), cur),
                            gross=money(int(f["data.gross"][1]), cur), jurisdiction=unquote(f["data.source"][1]),
                            tax_account=f["data.account"][1])
            if want["kind"] != kind:
                self.fail(f"vector {vname}: its status makes a {want['kind']}, not a {kind}")
            # id = TaggedHash("folio/settlement_event", chain_id || 0x00 || u64 height || tx || u32 event index)
            want["id"] = tagged_hash("folio/settlement_event", b"folio-devnet\0" + (42).to_bytes(8, "little") +
                                     bytes.fromhex(got.get("tx", "00")) + (0).to_bytes(4, "little")).hex()
            if got != want:
                diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
                self.fail(f"{doc}: json {jname}: differs from the receipt event {vname} (document, decoded): {diff}")
        # the id vector
        _, data, leaves, _, _ = self.vec("settlement-event-id")
        if self.result("settlement-event-id", 'TaggedHash("folio/settlement_event"') != \
                tagged_hash("folio/settlement_event", data):
            self.fail("vector settlement-event-id: wrong id")

    def check_genesis(self):
        g, doc = self.jsons["genesis-vector"]
        gov = tagged_hash("folio/address", b"governance")
        tax = tagged_hash("folio/address", b"tax_withholding")
        roles = self.roles()
        exponent = {"BRL": 2, "USD": 2, "JPY": 0}

        def account(role_bits, kyc, residency):
            r = residency.encode()
            return bytes([1]) + (0).to_bytes(8, "little") + role_bits.to_bytes(4, "little") + bytes([kyc]) + \
                bytes([len(r)]) + r + bytes([0])

        def minor(text, cur):
            whole, _, frac = text.partition(".")
            e = exponent[cur]
            return int(whole) * 10**e + int(frac.ljust(e, "0") or "0")

        writes = {}
        accounts = g.get("accounts", [])
        for a in accounts:
            bits = sum(1 << roles.index(r) for r in a.get("roles", []))
            writes[b"a/" + bytes.fromhex(a["address"])] = account(bits, 1 if a.get("kyc") == "verified" else 0,
                                                                  a.get("residency", ""))
        addresses = {a["address"] for a in accounts}
        vals = []
        for v in g["validators"]:
            if v["key"] not in addresses:
                writes[b"a/" + bytes.fromhex(v["key"])] = account(1 << 1, 0, "")
            if v["key"] not in vals:
                vals.append(v["key"])
        members = sorted(bytes.fromhex(a["address"]) for a in accounts if "governance" in a.get("roles", []))
        writes[b"g/members"] = bytes([len(members)]) + b"".join(members)
        writes[b"g/threshold"] = g.get("governance_threshold", 1).to_bytes(8, "little")
        vset = bytes([1]) + (0).to_bytes(8, "little") + (1).to_bytes(8, "little") + bytes([len(vals)]) + \
            b"".join(bytes.fromhex(k) for k in vals) + bytes(32)
        writes[b"v/current"] = vset
        writes[b"v/e/" + (0).to_bytes(8, "big")] = vset
        codes = {}
        for name in ("revenue_split", "tax_withholding", "auction"):
            with open(os.path.join(self.root, "contracts", name + ".bin"), "rb") as f:
                code = f.read()
            codes[name] = tagged_hash("folio/vm/code", code)
            writes[b"ct/" + codes[name]] = code
        writes[b"m/payout_ttl"] = g.get("payout_ttl_ms", 7 * 24 * 3600 * 1000).to_bytes(8, "little")
        if "platform" in g:
            writes[b"m/platform"] = bytes.fromhex(g["platform"])
        supply = {}
        for a in accounts:
            for cur, text in a.get("balances", {}).items():
                v = minor(text, cur)
                writes[b"b/" + bytes.fromhex(a["address"]) + cur.encode()] = v.to_bytes(8, "little")
                supply[cur] = supply.get(cur, 0) + v
        for cur, total in supply.items():
            writes[b"sup/" + cur.encode()] = bytes([1]) + total.to_bytes(8, "little") + (0).to_bytes(8, "little")
        writes[b"ci/" + tax] = codes["tax_withholding"]
        writes[b"cs/" + tax + b"admin\0\0\0"] = gov

        mine = [(k.hex(), sha256(v).hex()) for k, v in sorted(writes.items())]
        body, wdoc = self.texts["genesis-writes"]
        documented = []
        for line in body:
            line = line.split("#")[0].strip()
            if line:
                k, s = line.split()[:2]
                documented.append((k, s))
        if mine != documented:
            extra = [k for k in documented if k not in mine]
            lacking = [k for k in mine if k not in documented]
            self.fail(f"{wdoc}: genesis-writes: the documented writes differ from the rules of the document: "
                      f"documented only {extra}, by the rules only {lacking}")
        root = smt_root(sorted((sha256(k), sha256(v)) for k, v in writes.items()))
        _, header, hl, _, hdoc = self.vec("genesis-header")
        h = fields_of(hl)
        want = {"version": "1", "chain_id": quote(g["chain_id"]), "height": "0", "parent": "00" * 32,
                "time_ms": str(g["genesis_time_ms"]), "proposer": "00" * 32, "tx_count": "0", "tx_root": "00" * 32,
                "receipts_root": "00" * 32, "state_root": root.hex()}
        for k, v in want.items():
            if h[k][1] != v:
                self.fail(f"{hdoc}: genesis-header: {k} is {h[k][1]}, the genesis rules give {v}")

    def check_login_example(self):
        text = self.docs["docs/rpc.md"]
        sec = text[text.index("### `auth_challenge`"):text.index("### Hostile clients")]
        blocks = [b for info, b in fenced_blocks(sec) if info.startswith("json")]
        challenge = json.loads("\n".join(blocks[0]).split("→", 1)[1])
        login = json.loads("\n".join(blocks[1]).split("→", 1)[0])["params"]
        if login["nonce"] != challenge["nonce"]:
            self.fail("docs/rpc.md: the auth_login example does not sign the auth_challenge example's nonce")
        msg = tagged_hash("folio/auth", challenge["chain_id"].encode() + b"\0" + bytes.fromhex(login["nonce"]))
        if not schnorr_verify(bytes.fromhex(login["address"]), msg, bytes.fromhex(login["signature"])):
            self.fail("docs/rpc.md: the auth_login example's signature does not verify")
        # rpc-protocol.md §5.3
        t = self.docs["docs/rpc-protocol.md"]
        sig = re.search(r"signature\s+([0-9a-f]{64})\s+([0-9a-f]{64})", t)
        m53 = tagged_hash("folio/auth", b"folio-devnet\0" + bytes(range(32)))
        if not sig or not schnorr_verify(pubkey_of(bytes([0x11]) * 32), m53, bytes.fromhex(sig.group(1) + sig.group(2))):
            self.fail("docs/rpc-protocol.md §5.3: the test vector's signature does not verify")

    def run(self):
        self.read_blocks()
        for check in (self.check_transaction, self.check_events_covered, self.check_families, self.check_aml,
                      self.check_settlement, self.check_genesis, self.check_login_example):
            try:
                check()
            except (DecodeError, KeyError, ValueError, IndexError) as e:
                self.fail(f"{check.__name__}: {type(e).__name__}: {e}")
        try:
            chain_id, header, cert = self.check_certificate()
            self.check_handoff(chain_id, header, cert)
        except (DecodeError, KeyError, ValueError, IndexError) as e:
            self.fail(f"check_certificate/check_handoff: {type(e).__name__}: {e}")
        return self.problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    c = Checker(root)
    problems = c.run()
    for p in problems:
        print(p)
    if problems:
        print(f"doc_vectors: {len(problems)} problem(s)")
        return 1
    print(f"doc_vectors: {len(c.vectors)} vectors decoded from {len(c.layouts.layouts)} layouts; "
          f"hashes, signatures, the hand-off, settlement JSON, the genesis hash and the login example check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
