// The authenticated sparse Merkle map (node/core/smt.h) against a std::map model whose root is
// computed by an independent naive recursion written here, plus the docs' worked example.
#include <doctest/doctest.h>

#include <node/core/smt.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>

using namespace folio;

namespace {

using Model = std::map<Hash256, Hash256>;

// Most tests here use MemoryNodeStore, which ignores versions; these run everything at one
// version. Versioned storage (records under (version, hash)) has its own tests at the end.
Result<SmtUpdate, SmtError> Upd(const SmtNodeReader& r, const Hash256& root, const std::vector<SmtWrite>& w) {
    return SmtApply(r, root, 0, w, 0);
}
Result<std::optional<Hash256>, SmtError> Get0(const SmtNodeReader& r, const Hash256& root, const Hash256& key) {
    return SmtGet(r, root, 0, key);
}
Result<SmtProof, SmtError> Prove0(const SmtNodeReader& r, const Hash256& root, const Hash256& key) {
    return SmtProve(r, root, 0, key);
}

unsigned KeyBit(const Hash256& k, size_t i) { return static_cast<unsigned>(k.data[i / 8] >> (7 - i % 8)) & 1u; }

Bytes Concat(const Hash256& a, const Hash256& b) {
    Bytes out(a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// The root of a set of entries straight from the definition: one entry is its leaf, more split by
// the bit at `depth`.
Hash256 NaiveRoot(const std::vector<std::pair<Hash256, Hash256>>& entries, size_t depth = 0) {
    if (entries.empty()) return Hash256{};
    if (entries.size() == 1) return TaggedHash("folio/smt/leaf", Concat(entries[0].first, entries[0].second));
    std::vector<std::pair<Hash256, Hash256>> l, r;
    for (const auto& e : entries) (KeyBit(e.first, depth) ? r : l).push_back(e);
    return TaggedHash("folio/smt/node", Concat(NaiveRoot(l, depth + 1), NaiveRoot(r, depth + 1)));
}
Hash256 ModelRoot(const Model& m) { return NaiveRoot({m.begin(), m.end()}); }

// Renders a stored tree: "-" empty, a leaf as its key's first byte in hex, "(l r)" internal.
std::string Dump(const SmtNodeReader& reader, const Hash256& h) {
    if (h.IsZero()) return "-";
    auto bytes = reader.GetNode(h, 0);
    if (!bytes) return "?";
    auto rec = DecodeSmtRecord(*bytes);
    if (!rec) return "!";
    const SmtNode* node = &rec->node;
    if (node->kind == SmtNode::Kind::LEAF) return ToHex(ByteView(node->a.data).first(1));
    return "(" + Dump(reader, node->a) + " " + Dump(reader, node->b) + ")";
}

Hash256 Filled(uint8_t b) {
    Hash256 h;
    h.data.fill(b);
    return h;
}

Hash256 Flip(Hash256 h, size_t byte) {
    h.data[byte] ^= 0x01;
    return h;
}

// Counts reads per node, to show that a batch reads each touched node once.
class CountingReader final : public SmtNodeReader {
public:
    explicit CountingReader(const SmtNodeReader& inner) : m_inner(inner) {}
    std::optional<Bytes> GetNode(const Hash256& h, uint64_t version) const override {
        ++reads[h];
        return m_inner.GetNode(h, version);
    }
    size_t MaxReadsOfOneNode() const {
        size_t m = 0;
        for (const auto& [h, n] : reads) m = std::max(m, n);
        return m;
    }
    mutable std::map<Hash256, size_t> reads;

private:
    const SmtNodeReader& m_inner;
};

// A pool of keys: hashed ones plus groups sharing long prefixes (down to the last bit).
std::vector<Hash256> KeyPool() {
    std::vector<Hash256> keys;
    for (int i = 0; i < 200; ++i) keys.push_back(SmtKey(AsBytes("key " + std::to_string(i))));
    Hash256 deep = SmtKey(AsBytes("deep"));
    for (size_t byte : {0u, 1u, 16u, 31u}) {
        for (uint8_t mask : std::initializer_list<uint8_t>{0x01, 0x80}) {
            Hash256 k = deep;
            k.data[byte] ^= mask;
            keys.push_back(k);
        }
    }
    keys.push_back(deep);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

std::vector<SmtWrite> ToWrites(const std::map<Hash256, std::optional<Hash256>>& m) {
    return {m.begin(), m.end()};
}

void ApplyToModel(Model& model, const std::vector<SmtWrite>& writes) {
    for (const auto& [k, v] : writes) {
        if (v) model[k] = *v;
        else model.erase(k);
    }
}

// Applies writes to store/root; fails the test on an error.
Hash256 Apply(MemoryNodeStore& store, const Hash256& root, const std::vector<SmtWrite>& writes) {
    auto up = Upd(store, root, writes);
    REQUIRE(up.ok());
    store.Apply(*up);
    return up->new_root;
}

// Checks every key of the pool against the model under root: SmtGet, and inclusion or exclusion
// proofs that verify, round trip, and fail when tampered.
void CheckProofs(const MemoryNodeStore& store, const Hash256& root, const Model& model,
                 const std::vector<Hash256>& pool, bool tamper) {
    for (const Hash256& key : pool) {
        auto got = Get0(store, root, key);
        REQUIRE(got.ok());
        auto it = model.find(key);
        bool present = it != model.end();
        CHECK(got->has_value() == present);
        auto proof = Prove0(store, root, key);
        REQUIRE(proof.ok());
        Bytes enc = EncodeSmtProof(*proof);
        auto dec = DecodeSmtProof(enc);
        REQUIRE(dec.ok());
        CHECK(*dec == *proof);
        CHECK(EncodeSmtProof(*dec) == enc);
        if (present) {
            CHECK(**got == it->second);
            CHECK(SmtVerifyInclusion(root, key, it->second, *proof));
            CHECK_FALSE(SmtVerifyExclusion(root, key, *proof));
            if (!tamper) continue;
            CHECK_FALSE(SmtVerifyInclusion(root, key, Flip(it->second, 31), *proof));
            CHECK_FALSE(SmtVerifyInclusion(root, Flip(key, 31), it->second, *proof));
            CHECK_FALSE(SmtVerifyInclusion(Flip(root, 0), key, it->second, *proof));
        } else {
            CHECK(SmtVerifyExclusion(root, key, *proof));
            if (proof->leaf) CHECK_FALSE(SmtVerifyInclusion(root, key, proof->leaf->value_hash, *proof));
            if (!tamper) continue;
            CHECK_FALSE(SmtVerifyExclusion(Flip(root, 0), key, *proof));
            if (proof->leaf) {
                SmtProof bad = *proof;
                bad.leaf->value_hash = Flip(bad.leaf->value_hash, 0);
                CHECK_FALSE(SmtVerifyExclusion(root, key, bad));
            }
        }
        for (size_t i = 0; i < proof->siblings.size(); ++i) {
            SmtProof bad = *proof;
            bad.siblings[i] = Flip(bad.siblings[i], 7);
            if (present) CHECK_FALSE(SmtVerifyInclusion(root, key, it->second, bad));
            else CHECK_FALSE(SmtVerifyExclusion(root, key, bad));
        }
    }
}

// The keys of the docs' worked example: first bits 0001, 0010, 1000 (and 0100, 0011 absent).
const Hash256 KA = Filled(0x11), KB = Filled(0x22), KC = Filled(0x88), KD = Filled(0x44), KE = Filled(0x33);
// The vector of docs/formats-merkle.md §2.6.
const std::string SMT_VECTOR =
    "leaf A 2307797e7889d88c390c04e736e938a14cf1178d331e1e2d502d00e40e253bca\n"
    "leaf B 8e33dc77143816cb4a65e413b7b58d106cfdf8cc0ff4d6af89d7321bca3a6bfa\n"
    "leaf C 36f95aa63fcf1b2d2df4932eb375a1019de5c2edcefa3d05dfcb5472f347b251\n"
    "node AB 3f34901326337d31c2c01f66b888a051a39f699888762524b8bef5f7469e7569\n"
    "node AB- b220cd262d202d9f3eb051c96f2648939602ef9dc0daf217c98a476a1893cd81\n"
    "root 4b03dcd29dc138ee3c566026153fff60c0001ae2d7fd533067bd9222e2ead261\n"
    "proof A 03"
    "36f95aa63fcf1b2d2df4932eb375a1019de5c2edcefa3d05dfcb5472f347b251"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "8e33dc77143816cb4a65e413b7b58d106cfdf8cc0ff4d6af89d7321bca3a6bfa"
    "01" "1111111111111111111111111111111111111111111111111111111111111111"
    "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n"
    "proof D 02"
    "36f95aa63fcf1b2d2df4932eb375a1019de5c2edcefa3d05dfcb5472f347b251"
    "3f34901326337d31c2c01f66b888a051a39f699888762524b8bef5f7469e7569"
    "00\n"
    "root after deleting B 87a181504eb094d00a90fb463a8d16a91e08825489997b9255db5428f58d7545\n";

}  // namespace

TEST_CASE("smt: node and leaf hashes are the documented tagged hashes; node encoding") {
    Hash256 k = Filled(0x11), v = Filled(0x22);
    CHECK(SmtLeafHash(k, v) == TaggedHash("folio/smt/leaf", Concat(k, v)));
    CHECK(SmtInternalHash(k, v) == TaggedHash("folio/smt/node", Concat(k, v)));
    CHECK(SmtKey(AsBytes("abc")) == Sha256Of(std::string_view("abc")));
    CHECK(SmtValueHash(AsBytes("abc")) == Sha256Of(std::string_view("abc")));

    SmtNode leaf{SmtNode::Kind::LEAF, k, v};
    SmtNode internal{SmtNode::Kind::INTERNAL, Hash256{}, v};
    CHECK(ToHex(EncodeSmtNode(leaf)) == "01" + k.hex() + v.hex());
    CHECK(ToHex(EncodeSmtNode(internal)) == "02" + Hash256{}.hex() + v.hex());
    CHECK(SmtNodeHash(leaf) == SmtLeafHash(k, v));
    CHECK(SmtNodeHash(internal) == SmtInternalHash(Hash256{}, v));
    for (const SmtNode& n : {leaf, internal}) {
        auto dec = DecodeSmtNode(EncodeSmtNode(n));
        REQUIRE(dec.ok());
        CHECK(*dec == n);
    }
    auto err = [](const std::string& hex) {
        auto r = DecodeSmtNode(*FromHex(hex));
        return r.ok() ? DecodeError::NONE : r.error();
    };
    std::string z(64, '0'), f(64, 'f');
    CHECK(err("01" + z + z) == DecodeError::NONE);  // a leaf may have a zero key and value hash
    CHECK(err("02" + z + f) == DecodeError::NONE);
    CHECK(err("02" + z + z) == DecodeError::BAD_VALUE);  // internal with two empty children
    CHECK(err("00" + z + f) == DecodeError::BAD_VALUE);
    CHECK(err("03" + z + f) == DecodeError::BAD_VALUE);
    CHECK(err("01" + z + f + "00") == DecodeError::TRAILING_BYTES);
    CHECK(err("01" + z) == DecodeError::TRUNCATED);
    CHECK(err("") == DecodeError::TRUNCATED);
}

TEST_CASE("smt: documented worked example (docs/formats-merkle.md)") {
    MemoryNodeStore store;
    Hash256 va = SmtValueHash(AsBytes("1")), vb = SmtValueHash(AsBytes("2")), vc = SmtValueHash(AsBytes("3"));
    Hash256 root = Apply(store, Hash256{}, {{KA, va}, {KB, vb}, {KC, vc}});
    CHECK(Dump(store, root) == "(((11 22) -) 88)");
    Hash256 la = SmtLeafHash(KA, va), lb = SmtLeafHash(KB, vb), lc = SmtLeafHash(KC, vc);
    Hash256 n2 = SmtInternalHash(la, lb), n1 = SmtInternalHash(n2, Hash256{});
    CHECK(root == SmtInternalHash(n1, lc));

    auto pa = Prove0(store, root, KA);
    auto pd = Prove0(store, root, KD);
    auto pe = Prove0(store, root, KE);
    REQUIRE((pa.ok() && pd.ok() && pe.ok()));
    CHECK(pa->siblings == std::vector<Hash256>{lc, Hash256{}, lb});
    CHECK(SmtVerifyInclusion(root, KA, va, *pa));
    CHECK(pd->siblings == std::vector<Hash256>{lc, n2});
    CHECK_FALSE(pd->leaf.has_value());
    CHECK(SmtVerifyExclusion(root, KD, *pd));
    CHECK(pe->leaf == SmtLeaf{KB, vb});
    CHECK(SmtVerifyExclusion(root, KE, *pe));

    Hash256 after = Apply(store, root, {{KB, std::nullopt}});
    CHECK(Dump(store, after) == "(11 88)");  // A moved up from depth 3 to depth 1

    std::string got = "leaf A " + la.hex() + "\nleaf B " + lb.hex() + "\nleaf C " + lc.hex() +
                      "\nnode AB " + n2.hex() + "\nnode AB- " + n1.hex() + "\nroot " + root.hex() +
                      "\nproof A " + ToHex(EncodeSmtProof(*pa)) + "\nproof D " + ToHex(EncodeSmtProof(*pd)) +
                      "\nroot after deleting B " + after.hex() + "\n";
    CHECK(got == SMT_VECTOR);
}

TEST_CASE("smt: random batches match a std::map model; proofs; old roots stay provable") {
    std::mt19937_64 rng(20240601);
    const std::vector<Hash256> pool = KeyPool();
    MemoryNodeStore store;
    Hash256 root{};
    Model model;
    std::vector<std::pair<Hash256, Model>> history;
    size_t ops = 0;
    for (int batch = 0; batch < 120; ++batch) {
        std::map<Hash256, std::optional<Hash256>> w;
        size_t size = 1 + rng() % 40;
        for (size_t i = 0; i < size; ++i) {
            const Hash256& key = pool[rng() % pool.size()];
            if (rng() % 3 == 0) w[key] = std::nullopt;
            else w[key] = SmtValueHash(AsBytes(std::to_string(rng())));
        }
        ops += size;
        std::vector<SmtWrite> writes = ToWrites(w);
        CountingReader counting(store);
        auto up = Upd(counting, root, writes);
        REQUIRE(up.ok());
        CHECK(counting.MaxReadsOfOneNode() <= 1);
        store.Apply(*up);
        root = up->new_root;
        ApplyToModel(model, writes);
        REQUIRE(root == ModelRoot(model));
        if (batch % 20 == 0) history.emplace_back(root, model);
    }
    CHECK(ops > 2000);
    CHECK(model.size() > 50);
    CheckProofs(store, root, model, pool, true);
    for (const auto& [old_root, old_model] : history) CheckProofs(store, old_root, old_model, pool, false);
}

TEST_CASE("smt: the root depends only on the final set, not on order or batching") {
    std::mt19937_64 rng(7);
    const std::vector<Hash256> pool = KeyPool();
    Model target;
    for (const Hash256& k : pool) {
        if (rng() % 2) target[k] = SmtValueHash(AsBytes(std::to_string(rng())));
    }
    const Hash256 expected = ModelRoot(target);

    std::vector<SmtWrite> all;
    for (const auto& [k, v] : target) all.emplace_back(k, v);
    MemoryNodeStore s1;
    CHECK(Apply(s1, Hash256{}, all) == expected);

    // One at a time, shuffled, with every third key first written with a decoy value.
    std::vector<SmtWrite> shuffled = all;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    MemoryNodeStore s2;
    Hash256 r2{};
    for (size_t i = 0; i < shuffled.size(); ++i) {
        if (i % 3 == 0) r2 = Apply(s2, r2, {{shuffled[i].first, Filled(0x5a)}});
        r2 = Apply(s2, r2, {shuffled[i]});
    }
    CHECK(r2 == expected);

    // Random batches, plus keys outside the target inserted and later deleted.
    MemoryNodeStore s3;
    Hash256 r3{};
    std::vector<Hash256> extra;
    for (const Hash256& k : pool) {
        if (!target.count(k)) extra.push_back(k);
    }
    size_t pos = 0;
    while (pos < shuffled.size()) {
        size_t n = std::min(shuffled.size() - pos, size_t{1} + rng() % 30);
        std::map<Hash256, std::optional<Hash256>> w(shuffled.begin() + static_cast<std::ptrdiff_t>(pos),
                                                    shuffled.begin() + static_cast<std::ptrdiff_t>(pos + n));
        for (int i = 0; i < 3 && !extra.empty(); ++i) w[extra[rng() % extra.size()]] = Filled(0x33);
        r3 = Apply(s3, r3, ToWrites(w));
        pos += n;
    }
    std::vector<SmtWrite> deletes;
    for (const Hash256& k : extra) deletes.emplace_back(k, std::nullopt);
    r3 = Apply(s3, r3, deletes);
    CHECK(r3 == expected);

    // Deleting everything returns to the empty root, in one batch or one by one.
    std::vector<SmtWrite> del_all;
    for (const auto& [k, v] : target) del_all.emplace_back(k, std::nullopt);
    CHECK(Apply(s1, expected, del_all) == Hash256{});
    Hash256 r4 = expected;
    for (const SmtWrite& d : del_all) r4 = Apply(s1, r4, {d});
    CHECK(r4 == Hash256{});
    // Deleting absent keys from the empty tree changes nothing.
    CHECK(Apply(s1, Hash256{}, del_all) == Hash256{});
}

TEST_CASE("smt: keys sharing 255 bits give a 256-sibling proof that verifies and encodes") {
    Hash256 a = SmtKey(AsBytes("x"));
    Hash256 b = Flip(a, 31);  // differs only in the last bit
    MemoryNodeStore store;
    Hash256 root = Apply(store, Hash256{}, {{std::min(a, b), Filled(1)}, {std::max(a, b), Filled(2)}});
    auto p = Prove0(store, root, a);
    REQUIRE(p.ok());
    CHECK(p->siblings.size() == 256);
    CHECK(SmtVerifyInclusion(root, a, a < b ? Filled(1) : Filled(2), *p));
    auto dec = DecodeSmtProof(EncodeSmtProof(*p));
    REQUIRE(dec.ok());
    CHECK(*dec == *p);
    // Deleting one collapses the 256-level chain back to a single leaf at the root.
    Hash256 after = Apply(store, root, {{b, std::nullopt}});
    CHECK(after == SmtLeafHash(a, a < b ? Filled(1) : Filled(2)));
    CHECK(Dump(store, after) == ToHex(ByteView(a.data).first(1)));
}

TEST_CASE("smt: proof encoding rejects non-canonical bytes") {
    auto err = [](const std::string& hex) {
        auto r = DecodeSmtProof(*FromHex(hex));
        return r.ok() ? DecodeError::NONE : r.error();
    };
    std::string z(64, '0'), f(64, 'f');
    CHECK(err("0000") == DecodeError::NONE);                    // empty tree, no leaf
    CHECK(err("0001" + f + z) == DecodeError::NONE);            // single-leaf tree
    CHECK(err("01" + f + "00") == DecodeError::NONE);
    CHECK(err("0002") == DecodeError::NON_CANONICAL);           // option byte 2
    CHECK(err("01" + z + "00") == DecodeError::BAD_VALUE);      // empty last sibling
    CHECK(err("02" + z + f + "00") == DecodeError::NONE);       // an empty sibling higher up is fine
    CHECK(err("8000" "00") == DecodeError::NON_CANONICAL);      // overlong count
    CHECK(err("8102") == DecodeError::TOO_LONG);                // 257 siblings
    CHECK(err("00") == DecodeError::TRUNCATED);
    CHECK(err("01" + f) == DecodeError::TRUNCATED);
    CHECK(err("0001" + f) == DecodeError::TRUNCATED);
    CHECK(err("000000") == DecodeError::TRAILING_BYTES);
    // Verification applies the same rule to hand-built proofs.
    SmtProof p;
    p.siblings = {Hash256{}};
    CHECK_FALSE(SmtVerifyExclusion(SmtInternalHash(Hash256{}, Hash256{}), Filled(0), p));
    // A proof of more than 256 siblings never verifies.
    SmtProof longp;
    longp.siblings.assign(257, Filled(1));
    CHECK_FALSE(SmtVerifyExclusion(Filled(1), Filled(0), longp));
}

TEST_CASE("smt: writes must be strictly increasing") {
    MemoryNodeStore store;
    auto dup = Upd(store, Hash256{}, {{KA, Filled(1)}, {KA, Filled(2)}});
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error() == SmtError::UNSORTED_WRITES);
    auto desc = Upd(store, Hash256{}, {{KB, Filled(1)}, {KA, Filled(2)}});
    REQUIRE_FALSE(desc.ok());
    CHECK(std::string(SmtErrorName(desc.error())) == "unsorted_writes");
    // No writes: the same root, whose record is emitted again at the new version (the root of
    // every version is readable at that version). A root the store lacks is an error.
    auto one = Upd(store, Hash256{}, {{KA, Filled(1)}});
    REQUIRE(one.ok());
    store.Apply(*one);
    auto none = SmtApply(store, one->new_root, 0, {}, 7);
    REQUIRE(none.ok());
    CHECK(none->new_root == one->new_root);
    CHECK(none->version == 7);
    REQUIRE(none->new_nodes.size() == 1);
    CHECK(none->new_nodes[0].first == one->new_root);
    auto empty = SmtApply(store, Hash256{}, 0, {}, 7);
    REQUIRE(empty.ok());
    CHECK(empty->new_root.IsZero());
    CHECK(empty->new_nodes.empty());
    CHECK(SmtApply(store, Filled(9), 3, {}, 4).error() == SmtError::MISSING_NODE);
}

TEST_CASE("smt: a store missing or corrupting a node is reported, never read as absence") {
    MemoryNodeStore full;
    Hash256 va = Filled(1), vb = Filled(2), vc = Filled(3);
    Hash256 root = Apply(full, Hash256{}, {{KA, va}, {KB, vb}, {KC, vc}});
    Hash256 lb = SmtLeafHash(KB, vb);
    Hash256 n2 = SmtInternalHash(SmtLeafHash(KA, va), lb);

    auto code = [](SmtError e) { return std::string(SmtErrorName(e)); };
    MemoryNodeStore missing = full;
    missing.Erase(n2);
    CHECK(code(Get0(missing, root, KA).error()) == "missing_node");
    CHECK(code(Prove0(missing, root, KB).error()) == "missing_node");
    CHECK(code(Upd(missing, root, {{KE, Filled(4)}}).error()) == "missing_node");
    // Deleting C needs the untouched sibling subtree's kind: it is read, and here missing.
    MemoryNodeStore missing_sibling = full;
    missing_sibling.Erase(SmtInternalHash(n2, Hash256{}));
    CHECK(code(Upd(missing_sibling, root, {{KC, std::nullopt}}).error()) == "missing_node");
    CHECK(Upd(full, root, {{KC, std::nullopt}}).ok());
    // Paths that avoid the missing node still work.
    CHECK(Get0(missing, root, KC).ok());
    CHECK(Upd(missing, root, {{KC, Filled(5)}}).ok());
    CHECK(code(Get0(MemoryNodeStore{}, root, KA).error()) == "missing_node");

    MemoryNodeStore swapped = full;
    swapped.Put(n2, EncodeSmtRecord(SmtRecord{SmtNode{SmtNode::Kind::LEAF, KA, va}}));  // wrong content
    CHECK(code(Get0(swapped, root, KA).error()) == "corrupt_node");
    MemoryNodeStore garbage = full;
    garbage.Put(lb, Bytes{1, 2, 3});
    CHECK(code(Prove0(garbage, root, KB).error()) == "corrupt_node");
    CHECK(code(Upd(garbage, root, {{KB, std::nullopt}}).error()) == "corrupt_node");
}

TEST_CASE("smt: a one-key update reads one path and writes one path") {
    const std::vector<Hash256> pool = KeyPool();
    MemoryNodeStore store;
    std::vector<SmtWrite> all;
    for (size_t i = 0; i < 200; ++i) all.emplace_back(pool[i], Filled(static_cast<uint8_t>(i)));
    Hash256 root = Apply(store, Hash256{}, all);
    auto proof = Prove0(store, root, pool[17]);
    REQUIRE(proof.ok());
    CountingReader counting(store);
    auto up = Upd(counting, root, {{pool[17], Filled(0xee)}});
    REQUIRE(up.ok());
    // The internal nodes on the path plus the old leaf; new: those internal nodes plus one leaf.
    CHECK(counting.reads.size() == proof->siblings.size() + 1);
    CHECK(up->new_nodes.size() == proof->siblings.size() + 1);
}

TEST_CASE("smt: stored records carry the children's versions; decoding is strict") {
    Hash256 k = Filled(0x11), v = Filled(0x22);
    SmtRecord leaf{SmtNode{SmtNode::Kind::LEAF, k, v}};
    CHECK(EncodeSmtRecord(leaf) == EncodeSmtNode(leaf.node));  // a leaf's record is its encoding
    SmtRecord internal{SmtNode{SmtNode::Kind::INTERNAL, k, v}, 3, 0x0102};
    CHECK(ToHex(EncodeSmtRecord(internal)) ==
          "02" + k.hex() + v.hex() + "0300000000000000" + "0201000000000000");  // u64 little-endian
    for (const SmtRecord& r : {leaf, internal}) {
        auto dec = DecodeSmtRecord(EncodeSmtRecord(r));
        REQUIRE(dec.ok());
        CHECK(*dec == r);
    }
    auto err = [](const Bytes& b) {
        auto r = DecodeSmtRecord(b);
        return r.ok() ? DecodeError::NONE : r.error();
    };
    Bytes in = EncodeSmtRecord(internal);
    CHECK(err(Bytes(in.begin(), in.end() - 1)) == DecodeError::TRUNCATED);
    CHECK(err(EncodeSmtNode(internal.node)) == DecodeError::TRUNCATED);  // versions missing
    Bytes extra = in;
    extra.push_back(0);
    CHECK(err(extra) == DecodeError::TRAILING_BYTES);
    Bytes leaf_extra = EncodeSmtRecord(leaf);
    leaf_extra.push_back(0);
    CHECK(err(leaf_extra) == DecodeError::TRAILING_BYTES);
    // An empty child has no record, so no version.
    SmtRecord half{SmtNode{SmtNode::Kind::INTERNAL, Hash256{}, v}, 5, 1};
    CHECK(err(EncodeSmtRecord(half)) == DecodeError::NON_CANONICAL);
    half.left_version = 0;
    CHECK(err(EncodeSmtRecord(half)) == DecodeError::NONE);
    CHECK(err({}) == DecodeError::TRUNCATED);
}

namespace {
// A strict versioned store, as the ledger's: records only under (version, hash).
class VersionedStore final : public SmtNodeReader {
public:
    std::optional<Bytes> GetNode(const Hash256& h, uint64_t version) const override {
        auto it = m_nodes.find({version, h});
        if (it == m_nodes.end()) return std::nullopt;
        return it->second;
    }
    void Apply(const SmtUpdate& u) {
        for (const auto& [h, rec] : u.new_nodes) m_nodes.insert_or_assign({u.version, h}, rec);
    }
    bool Has(uint64_t version, const Hash256& h) const { return m_nodes.count({version, h}) != 0; }
    bool Erase(uint64_t version, const Hash256& h) { return m_nodes.erase({version, h}) == 1; }
    size_t Size() const { return m_nodes.size(); }
    std::vector<std::pair<uint64_t, Hash256>> All() const {
        std::vector<std::pair<uint64_t, Hash256>> out;
        for (const auto& [k, v] : m_nodes) out.push_back(k);
        return out;
    }
    // The records reachable from `root` at `version` (a full walk).
    void Reachable(const Hash256& root, uint64_t version, std::set<std::pair<uint64_t, Hash256>>& out) const {
        if (root.IsZero()) return;
        out.insert({version, root});
        auto rec = DecodeSmtRecord(*GetNode(root, version));
        REQUIRE(rec.ok());
        if (rec->node.kind == SmtNode::Kind::INTERNAL) {
            Reachable(rec->node.a, rec->left_version, out);
            Reachable(rec->node.b, rec->right_version, out);
        }
    }

private:
    std::map<std::pair<uint64_t, Hash256>, Bytes> m_nodes;
};
}  // namespace

TEST_CASE("smt: versioned storage: every version's root is read at its version, old versions stay provable") {
    const std::vector<Hash256> pool = KeyPool();
    std::mt19937_64 rng(20261124);
    VersionedStore store;
    std::vector<Model> models{Model{}};
    std::vector<Hash256> roots{Hash256{}};
    Model model;
    for (uint64_t version = 1; version <= 40; ++version) {
        std::map<Hash256, std::optional<Hash256>> batch;
        size_t n = version == 7 ? 0 : rng() % 12;  // version 7: no writes
        if (version >= 30 && version < 34) {       // delete down to one key: a leaf becomes the root
            for (const auto& [k, v] : model) batch[k] = std::nullopt;
            if (!model.empty() && version == 30) batch.erase(model.begin()->first);
            n = 0;
        }
        for (size_t i = 0; i < n; ++i) {
            const Hash256& k = pool[rng() % pool.size()];
            if (rng() % 4 == 0) batch[k] = std::nullopt;
            else batch[k] = Filled(static_cast<uint8_t>(rng()));
        }
        std::vector<SmtWrite> w = ToWrites(batch);
        auto up = SmtApply(store, roots.back(), version - 1, w, version);
        REQUIRE(up.ok());
        store.Apply(*up);
        ApplyToModel(model, w);
        CHECK(up->new_root == ModelRoot(model));
        if (!up->new_root.IsZero()) CHECK(store.Has(version, up->new_root));
        roots.push_back(up->new_root);
        models.push_back(model);
    }
    CHECK(models[30].size() == 1);  // version 30 left one key: its leaf is the root
    CHECK(roots[30] == SmtLeafHash(models[30].begin()->first, models[30].begin()->second));
    for (uint64_t version = 0; version < roots.size(); ++version) {
        for (const Hash256& key : pool) {
            auto got = SmtGet(store, roots[version], version, key);
            REQUIRE(got.ok());
            auto it = models[version].find(key);
            CHECK(got->has_value() == (it != models[version].end()));
            auto proof = SmtProve(store, roots[version], version, key);
            REQUIRE(proof.ok());
            if (it != models[version].end())
                CHECK(SmtVerifyInclusion(roots[version], key, it->second, *proof));
            else
                CHECK(SmtVerifyExclusion(roots[version], key, *proof));
        }
    }
    // A root asked for at a version it was not stored at is missing, not silently absent.
    REQUIRE_FALSE(roots[5].IsZero());
    CHECK(SmtGet(store, roots[5], 1000, pool[0]).error() == SmtError::MISSING_NODE);
}

TEST_CASE("smt: the stale-node index: pruning below a floor keeps every later tree whole") {
    // Random batches (inserts, overwrites, same-value writes, deletes, empty batches, a leaf that
    // moves up to the root); after each version, every record stale at a version <= floor
    // (floor = version - 5) is deleted. Every tree from the floor on must still read, prove and
    // walk completely, and the store must hold exactly the records of those trees.
    const std::vector<Hash256> pool = KeyPool();
    std::mt19937_64 rng(20261204);
    VersionedStore store;
    std::vector<Model> models{Model{}};
    std::vector<Hash256> roots{Hash256{}};
    std::map<uint64_t, std::vector<std::pair<uint64_t, Hash256>>> stale_at;
    Model model;
    constexpr uint64_t KEEP = 5;
    std::set<std::pair<uint64_t, Hash256>> stale_seen;
    for (uint64_t version = 1; version <= 120; ++version) {
        std::map<Hash256, std::optional<Hash256>> batch;
        size_t n = version % 11 == 0 ? 0 : rng() % 10;
        if (version >= 60 && version < 63) {  // down to one key, then build up again
            for (const auto& [k, v] : model) batch[k] = std::nullopt;
            if (!model.empty() && version == 60) batch.erase(model.begin()->first);
            n = 0;
        }
        for (size_t i = 0; i < n; ++i) {
            const Hash256& k = pool[rng() % pool.size()];
            const uint64_t r = rng() % 6;
            if (r == 0) batch[k] = std::nullopt;
            else if (r == 1 && model.count(k)) batch[k] = model[k];  // the same value again
            else batch[k] = Filled(static_cast<uint8_t>(rng()));
        }
        std::vector<SmtWrite> w = ToWrites(batch);
        auto up = SmtApply(store, roots.back(), version - 1, w, version);
        REQUIRE(up.ok());
        store.Apply(*up);
        for (const auto& s : up->stale_nodes) {
            CHECK(s.first < version);                   // only records of earlier versions go stale
            CHECK(stale_seen.insert(s).second);         // each record goes stale once
        }
        stale_at[version] = up->stale_nodes;
        ApplyToModel(model, w);
        roots.push_back(up->new_root);
        models.push_back(model);
        if (version > KEEP) {
            const uint64_t floor = version - KEEP;
            for (auto it = stale_at.begin(); it != stale_at.end() && it->first <= floor;) {
                for (const auto& [v, h] : it->second) CHECK(store.Erase(v, h));
                it = stale_at.erase(it);
            }
            // Exactly the records of the retained trees remain.
            std::set<std::pair<uint64_t, Hash256>> live;
            for (uint64_t v = floor; v <= version; ++v) store.Reachable(roots[v], v, live);
            CHECK(store.Size() == live.size());
            if (store.Size() != live.size()) {
                for (const auto& r : store.All())
                    if (!live.count(r)) MESSAGE("extra record at version " << r.first << " (now " << version << ")");
            }
        }
    }
    const uint64_t last = roots.size() - 1;
    for (uint64_t version = last - KEEP; version <= last; ++version) {
        for (const Hash256& key : pool) {
            auto proof = SmtProve(store, roots[version], version, key);
            REQUIRE(proof.ok());
            auto it = models[version].find(key);
            if (it != models[version].end()) CHECK(SmtVerifyInclusion(roots[version], key, it->second, *proof));
            else CHECK(SmtVerifyExclusion(roots[version], key, *proof));
        }
    }
    // An older tree is gone (its root record was pruned), reported as missing.
    CHECK(SmtGet(store, roots[last - KEEP - 3], last - KEEP - 3, pool[0]).error() == SmtError::MISSING_NODE);
}

TEST_CASE("smt: subtree summaries at every depth give the map's root (state sync chunks)") {
    std::mt19937_64 rng(20261204);
    for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{40}, size_t{300}}) {
        Model model;
        while (model.size() < n) {
            Hash256 k = SmtKey(AsBytes(std::to_string(rng())));
            model[k] = SmtValueHash(AsBytes(std::to_string(rng())));
        }
        const Hash256 root = ModelRoot(model);
        std::vector<std::pair<Hash256, Hash256>> entries(model.begin(), model.end());
        CHECK(SmtSubtreeOf(entries, 0).hash == root);
        for (size_t depth = 0; depth <= 9; ++depth) {
            std::vector<SmtSubtree> subs(size_t{1} << depth);
            size_t begin = 0;
            for (size_t i = 0; i < subs.size(); ++i) {
                size_t end = begin;
                while (end < entries.size() && SmtPrefixIndex(entries[end].first, depth) == i) ++end;
                subs[i] = SmtSubtreeOf(std::span(entries).subspan(begin, end - begin), depth);
                CHECK(subs[i].count == end - begin);
                begin = end;
            }
            REQUIRE(begin == entries.size());
            CAPTURE(n);
            CAPTURE(depth);
            CHECK(SmtRootOfSubtrees(subs) == root);
            if (n >= 2) {  // a changed value in any one subtree changes the root
                SmtSubtree bad = subs[SmtPrefixIndex(entries[0].first, depth)];
                std::vector<SmtSubtree> tampered = subs;
                bad.hash.data[0] ^= 1;
                tampered[SmtPrefixIndex(entries[0].first, depth)] = bad;
                CHECK(SmtRootOfSubtrees(tampered) != root);
            }
        }
    }
    CHECK_FALSE(SmtRootOfSubtrees(std::vector<SmtSubtree>(3)).has_value());
    CHECK_FALSE(SmtRootOfSubtrees(std::vector<SmtSubtree>{}).has_value());
}
