#include <node/core/smt.h>

#include <algorithm>
#include <cassert>
#include <span>

#include <node/core/merkle.h>

namespace folio {

namespace {

const TaggedHasher& LeafHasher() {
    static const TaggedHasher h("folio/smt/leaf");
    return h;
}
const TaggedHasher& NodeHasher() {
    static const TaggedHasher h("folio/smt/node");
    return h;
}

constexpr size_t KEY_BITS = 256;

// Bit i of a key, most significant bit of byte 0 first.
unsigned Bit(const Hash256& key, size_t i) {
    return static_cast<unsigned>(key.data[i >> 3] >> (7 - (i & 7))) & 1u;
}

// True iff a and b agree on their first `bits` bits.
bool SamePrefix(const Hash256& a, const Hash256& b, size_t bits) {
    size_t full = bits >> 3;
    for (size_t i = 0; i < full; ++i) {
        if (a.data[i] != b.data[i]) return false;
    }
    size_t rest = bits & 7;
    if (rest == 0) return true;
    auto mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (a.data[full] & mask) == (b.data[full] & mask);
}

// Reads the record stored under (version, h) and checks that it decodes and hashes to h.
Result<SmtRecord, SmtError> Load(const SmtNodeReader& reader, const Hash256& h, uint64_t version) {
    std::optional<Bytes> bytes = reader.GetNode(h, version);
    if (!bytes) return Fail(SmtError::MISSING_NODE);
    auto rec = DecodeSmtRecord(*bytes);
    if (!rec) return Fail(SmtError::CORRUPT_NODE);
    if (SmtNodeHash(rec->node) != h) return Fail(SmtError::CORRUPT_NODE);
    return *rec;
}

// What a rewritten subtree turned out to be. UNKNOWN: untouched and non-empty, not read.
// `version`: where the subtree's root record is stored (0 for EMPTY).
enum class Shape : uint8_t { EMPTY, LEAF, INTERNAL, UNKNOWN };
struct Sub {
    Hash256 hash;
    Shape shape = Shape::EMPTY;
    uint64_t version = 0;
};

// The leaf already stored in a subtree that a batch rewrites.
struct OldLeaf {
    Hash256 key;
    Hash256 hash;
    uint64_t version = 0;
};

class Applier {
public:
    Applier(const SmtNodeReader& reader, uint64_t version, std::vector<std::pair<Hash256, Bytes>>& out,
            std::vector<std::pair<uint64_t, Hash256>>& stale)
        : m_reader(reader), m_version(version), m_out(out), m_stale(stale) {}

    // The subtree at `depth` with hash h (stored at version hv), after applying the non-empty
    // batch w (all of whose keys lie under this subtree). An internal record (hv, h) is stale
    // unless the result is that same record: a record has one parent in a tree, and a rewritten
    // internal node is never reused elsewhere. A leaf record is stale only when w writes its key:
    // otherwise it stays in the new tree, where it was or pushed down under new internal nodes.
    Result<Sub, SmtError> Update(const Hash256& h, uint64_t hv, size_t depth, std::span<const SmtWrite> w) {
        m_leaf_kept = false;
        auto sub = UpdateInner(h, hv, depth, w);
        if (sub && !h.IsZero() && !m_leaf_kept && !(sub->hash == h && sub->version == hv)) m_stale.emplace_back(hv, h);
        m_leaf_kept = false;
        return sub;
    }

private:
    Result<Sub, SmtError> UpdateInner(const Hash256& h, uint64_t hv, size_t depth, std::span<const SmtWrite> w) {
        if (h.IsZero()) return Build(depth, w, nullptr);
        auto loaded = Load(m_reader, h, hv);
        if (!loaded) return Fail(loaded.error());
        const SmtRecord& rec = *loaded;
        const SmtNode& node = rec.node;
        if (node.kind == SmtNode::Kind::LEAF) {
            if (!SamePrefix(node.a, w.front().first, depth)) return Fail(SmtError::CORRUPT_NODE);
            auto it = std::lower_bound(w.begin(), w.end(), node.a,
                                       [](const SmtWrite& x, const Hash256& k) { return x.first < k; });
            bool overwritten = it != w.end() && it->first == node.a;
            m_leaf_kept = !overwritten;  // read by Update right after this returns (no recursion here)
            OldLeaf old{node.a, h, hv};
            return Build(depth, w, overwritten ? nullptr : &old);
        }
        if (depth >= KEY_BITS) return Fail(SmtError::CORRUPT_NODE);
        auto [left_w, right_w] = Split(w, depth);
        auto side = [&](const Hash256& child, uint64_t cv, std::span<const SmtWrite> part) -> Result<Sub, SmtError> {
            if (part.empty()) return Sub{child, child.IsZero() ? Shape::EMPTY : Shape::UNKNOWN, child.IsZero() ? 0 : cv};
            return Update(child, cv, depth + 1, part);
        };
        auto l = side(node.a, rec.left_version, left_w);
        if (!l) return l;
        auto r = side(node.b, rec.right_version, right_w);
        if (!r) return r;
        // Unchanged only if both children are the same records: a child rewritten with the same
        // hash (a key written with its current value) is a new record, and the parent must point
        // at it (the old child record is stale from here on).
        if (l->hash == node.a && r->hash == node.b && l->version == rec.left_version && r->version == rec.right_version)
            return Sub{h, Shape::INTERNAL, hv};
        return Combine(*l, *r);
    }

    // Splits a batch under one subtree at `depth` by the key bit there (0 first: it is sorted).
    static std::pair<std::span<const SmtWrite>, std::span<const SmtWrite>> Split(std::span<const SmtWrite> w,
                                                                                size_t depth) {
        auto mid = std::partition_point(w.begin(), w.end(),
                                        [depth](const SmtWrite& x) { return Bit(x.first, depth) == 0; });
        auto k = static_cast<size_t>(mid - w.begin());
        return {w.first(k), w.subspan(k)};
    }

    // A subtree built from scratch out of the insertions of w plus `old` (a stored leaf whose key
    // is not written by w), all under the same prefix of length depth.
    Sub Build(size_t depth, std::span<const SmtWrite> w, const OldLeaf* old) {
        size_t inserts = old ? 1 : 0;
        const SmtWrite* single = nullptr;
        for (const SmtWrite& x : w) {
            if (x.second) {
                ++inserts;
                single = &x;
            }
        }
        if (inserts == 0) return Sub{Hash256{}, Shape::EMPTY};
        if (inserts == 1) {
            if (old) return Sub{old->hash, Shape::LEAF, old->version};  // already stored
            return Emit(SmtRecord{SmtNode{SmtNode::Kind::LEAF, single->first, *single->second}});
        }
        assert(depth < KEY_BITS);  // two distinct keys differ in some bit
        auto [left_w, right_w] = Split(w, depth);
        bool old_right = old && Bit(old->key, depth) == 1;
        Sub l = Build(depth + 1, left_w, old && !old_right ? old : nullptr);
        Sub r = Build(depth + 1, right_w, old_right ? old : nullptr);
        auto c = Combine(l, r);  // never reads: neither side is UNKNOWN
        assert(c.ok());
        return *c;
    }

    // The parent of two rewritten subtrees: empty, the one leaf moved up, or a new internal node.
    Result<Sub, SmtError> Combine(Sub l, Sub r) {
        if (l.shape == Shape::EMPTY && r.shape == Shape::EMPTY) return Sub{Hash256{}, Shape::EMPTY};
        if (l.shape == Shape::EMPTY || r.shape == Shape::EMPTY) {
            Sub& other = l.shape == Shape::EMPTY ? r : l;
            if (other.shape == Shape::UNKNOWN) {
                auto rec = Load(m_reader, other.hash, other.version);
                if (!rec) return Fail(rec.error());
                other.shape = rec->node.kind == SmtNode::Kind::LEAF ? Shape::LEAF : Shape::INTERNAL;
            }
            if (other.shape == Shape::LEAF) return other;  // moved up; its record stays where it is
        }
        return Emit(SmtRecord{SmtNode{SmtNode::Kind::INTERNAL, l.hash, r.hash}, l.version, r.version});
    }

    Sub Emit(const SmtRecord& rec) {
        Hash256 h = SmtNodeHash(rec.node);
        m_out.emplace_back(h, EncodeSmtRecord(rec));
        return Sub{h, rec.node.kind == SmtNode::Kind::LEAF ? Shape::LEAF : Shape::INTERNAL, m_version};
    }

    const SmtNodeReader& m_reader;
    uint64_t m_version;
    std::vector<std::pair<Hash256, Bytes>>& m_out;
    std::vector<std::pair<uint64_t, Hash256>>& m_stale;
    bool m_leaf_kept = false;  // the leaf UpdateInner just visited stays in the new tree
};

// Recomputes the root from the bottom hash of key's path and the siblings above it.
bool FoldMatches(const Hash256& root, const Hash256& key, const std::vector<Hash256>& siblings,
                 const Hash256& bottom) {
    if (siblings.size() > SMT_MAX_SIBLINGS) return false;
    if (!siblings.empty() && siblings.back().IsZero()) return false;
    const TaggedHasher& node = NodeHasher();
    Hash256 h = bottom;
    for (size_t i = siblings.size(); i-- > 0;) {
        h = Bit(key, i) ? node(siblings[i], h) : node(h, siblings[i]);
    }
    return h == root;
}

}  // namespace

const char* SmtErrorName(SmtError e) {
    switch (e) {
        case SmtError::MISSING_NODE: return "missing_node";
        case SmtError::UNSORTED_WRITES: return "unsorted_writes";
        case SmtError::CORRUPT_NODE: return "corrupt_node";
    }
    return "unknown";
}

namespace {

// The parent of two subtree summaries (as SmtApply's Combine): empty, the one leaf moved up, or
// an internal node.
SmtSubtree CombineSubtrees(const SmtSubtree& l, const SmtSubtree& r) {
    if (l.count == 0 && r.count == 0) return SmtSubtree{};
    if (l.count == 0 && r.count == 1) return r;
    if (r.count == 0 && l.count == 1) return l;
    return SmtSubtree{l.count + r.count, SmtInternalHash(l.hash, r.hash)};
}

}  // namespace

SmtSubtree SmtSubtreeOf(std::span<const std::pair<Hash256, Hash256>> sorted, size_t depth) {
    if (sorted.empty()) return SmtSubtree{};
    if (sorted.size() == 1) return SmtSubtree{1, SmtLeafHash(sorted[0].first, sorted[0].second)};
    assert(depth < KEY_BITS);  // two distinct keys differ in some bit
    auto mid = std::partition_point(sorted.begin(), sorted.end(),
                                    [depth](const std::pair<Hash256, Hash256>& x) { return Bit(x.first, depth) == 0; });
    auto k = static_cast<size_t>(mid - sorted.begin());
    return CombineSubtrees(SmtSubtreeOf(sorted.first(k), depth + 1), SmtSubtreeOf(sorted.subspan(k), depth + 1));
}

std::optional<Hash256> SmtRootOfSubtrees(std::span<const SmtSubtree> subtrees) {
    size_t n = subtrees.size();
    if (n == 0 || (n & (n - 1)) != 0 || n > (size_t{1} << SMT_MAX_SUBTREE_DEPTH)) return std::nullopt;
    std::vector<SmtSubtree> level(subtrees.begin(), subtrees.end());
    while (level.size() > 1) {
        std::vector<SmtSubtree> up(level.size() / 2);
        for (size_t i = 0; i < up.size(); ++i) up[i] = CombineSubtrees(level[2 * i], level[2 * i + 1]);
        level.swap(up);
    }
    return level[0].hash;
}

size_t SmtPrefixIndex(const Hash256& key, size_t depth) {
    size_t v = 0;
    for (size_t i = 0; i < depth; ++i) v = v << 1 | Bit(key, i);
    return v;
}

Hash256 SmtKey(ByteView state_key) { return Sha256Of(state_key); }
Hash256 SmtValueHash(ByteView value) { return Sha256Of(value); }

Hash256 SmtLeafHash(const Hash256& key, const Hash256& value_hash) { return LeafHasher()(key, value_hash); }
Hash256 SmtInternalHash(const Hash256& left, const Hash256& right) { return NodeHasher()(left, right); }

Hash256 SmtNodeHash(const SmtNode& node) {
    return node.kind == SmtNode::Kind::LEAF ? SmtLeafHash(node.a, node.b) : SmtInternalHash(node.a, node.b);
}

Bytes EncodeSmtNode(const SmtNode& node) {
    Writer w;
    w.U8(static_cast<uint8_t>(node.kind));
    w.Fixed(node.a);
    w.Fixed(node.b);
    return w.Take();
}

Result<SmtNode, DecodeError> DecodeSmtNode(ByteView bytes) {
    Reader r(bytes);
    SmtNode node;
    uint8_t kind = r.U8();
    if (r.ok() && kind != static_cast<uint8_t>(SmtNode::Kind::LEAF) &&
        kind != static_cast<uint8_t>(SmtNode::Kind::INTERNAL)) {
        return Fail(DecodeError::BAD_VALUE);
    }
    node.kind = static_cast<SmtNode::Kind>(kind);
    node.a = r.Fixed<32>();
    node.b = r.Fixed<32>();
    if (!r.Finish()) return Fail(r.error());
    if (node.kind == SmtNode::Kind::INTERNAL && node.a.IsZero() && node.b.IsZero()) {
        return Fail(DecodeError::BAD_VALUE);
    }
    return node;
}

Bytes EncodeSmtRecord(const SmtRecord& record) {
    Writer w;
    w.U8(static_cast<uint8_t>(record.node.kind));
    w.Fixed(record.node.a);
    w.Fixed(record.node.b);
    if (record.node.kind == SmtNode::Kind::INTERNAL) {
        w.U64(record.left_version);
        w.U64(record.right_version);
    }
    return w.Take();
}

Result<SmtRecord, DecodeError> DecodeSmtRecord(ByteView bytes) {
    constexpr size_t NODE_BYTES = 65;
    if (bytes.size() < NODE_BYTES) return Fail(DecodeError::TRUNCATED);
    auto node = DecodeSmtNode(bytes.first(NODE_BYTES));
    if (!node) return Fail(node.error());
    SmtRecord rec{*node};
    Reader r(bytes.subspan(NODE_BYTES));
    if (node->kind == SmtNode::Kind::INTERNAL) {
        rec.left_version = r.U64();
        rec.right_version = r.U64();
    }
    if (!r.Finish()) return Fail(r.error());
    // An empty child has no record: its version is 0.
    if ((node->a.IsZero() && rec.left_version != 0) || (node->b.IsZero() && rec.right_version != 0))
        return Fail(DecodeError::NON_CANONICAL);
    return rec;
}

std::optional<Bytes> MemoryNodeStore::GetNode(const Hash256& h, uint64_t /*version*/) const {
    auto it = m_nodes.find(h);
    if (it == m_nodes.end()) return std::nullopt;
    return it->second;
}

void MemoryNodeStore::Put(const Hash256& h, Bytes record) { m_nodes.insert_or_assign(h, std::move(record)); }

void MemoryNodeStore::Apply(const SmtUpdate& update) {
    for (const auto& [h, bytes] : update.new_nodes) Put(h, bytes);
}

Result<SmtUpdate, SmtError> SmtApply(const SmtNodeReader& reader, const Hash256& old_root, uint64_t old_version,
                                     const std::vector<SmtWrite>& sorted_writes, uint64_t version) {
    for (size_t i = 1; i < sorted_writes.size(); ++i) {
        if (!(sorted_writes[i - 1].first < sorted_writes[i].first)) return Fail(SmtError::UNSORTED_WRITES);
    }
    SmtUpdate update;
    update.version = version;
    Sub root{old_root, old_root.IsZero() ? Shape::EMPTY : Shape::UNKNOWN, old_version};
    if (!sorted_writes.empty()) {
        Applier applier(reader, version, update.new_nodes, update.stale_nodes);
        auto sub = applier.Update(old_root, old_version, 0, sorted_writes);
        if (!sub) return Fail(sub.error());
        root = *sub;
    }
    update.new_root = root.hash;
    // The root of every version is readable at that version: an unchanged root (or a leaf moved
    // up to the root) has its record copied.
    if (!root.hash.IsZero() && root.version != version) {
        auto rec = Load(reader, root.hash, root.version);
        if (!rec) return Fail(rec.error());
        update.new_nodes.emplace_back(root.hash, EncodeSmtRecord(*rec));
        // The copied record is the new root; the one it was copied from is no longer referenced
        // (unless the update already found it stale: then it is listed once).
        const std::pair<uint64_t, Hash256> old_rec{root.version, root.hash};
        if (std::find(update.stale_nodes.begin(), update.stale_nodes.end(), old_rec) == update.stale_nodes.end())
            update.stale_nodes.push_back(old_rec);
    }
    return update;
}

Result<std::optional<Hash256>, SmtError> SmtGet(const SmtNodeReader& reader, const Hash256& root, uint64_t version,
                                                const Hash256& key) {
    Hash256 h = root;
    uint64_t v = version;
    for (size_t depth = 0;; ++depth) {
        if (h.IsZero()) return std::optional<Hash256>{};
        auto rec = Load(reader, h, v);
        if (!rec) return Fail(rec.error());
        const SmtNode& node = rec->node;
        if (node.kind == SmtNode::Kind::LEAF) {
            if (node.a == key) return std::optional<Hash256>{node.b};
            return std::optional<Hash256>{};
        }
        if (depth >= KEY_BITS) return Fail(SmtError::CORRUPT_NODE);
        const bool right = Bit(key, depth) == 1;
        h = right ? node.b : node.a;
        v = right ? rec->right_version : rec->left_version;
    }
}

Result<SmtProof, SmtError> SmtProve(const SmtNodeReader& reader, const Hash256& root, uint64_t version,
                                    const Hash256& key) {
    SmtProof proof;
    Hash256 h = root;
    uint64_t v = version;
    for (size_t depth = 0;; ++depth) {
        if (h.IsZero()) return proof;
        auto rec = Load(reader, h, v);
        if (!rec) return Fail(rec.error());
        const SmtNode& node = rec->node;
        if (node.kind == SmtNode::Kind::LEAF) {
            if (!SamePrefix(node.a, key, depth)) return Fail(SmtError::CORRUPT_NODE);
            proof.leaf = SmtLeaf{node.a, node.b};
            return proof;
        }
        if (depth >= KEY_BITS) return Fail(SmtError::CORRUPT_NODE);
        bool right = Bit(key, depth) == 1;
        proof.siblings.push_back(right ? node.a : node.b);
        h = right ? node.b : node.a;
        v = right ? rec->right_version : rec->left_version;
    }
}

bool SmtVerifyInclusion(const Hash256& root, const Hash256& key, const Hash256& value_hash,
                        const SmtProof& proof) {
    if (!proof.leaf || proof.leaf->key != key || proof.leaf->value_hash != value_hash) return false;
    return FoldMatches(root, key, proof.siblings, SmtLeafHash(key, value_hash));
}

bool SmtVerifyExclusion(const Hash256& root, const Hash256& key, const SmtProof& proof) {
    if (!proof.leaf) return FoldMatches(root, key, proof.siblings, Hash256{});
    if (proof.leaf->key == key) return false;
    if (proof.siblings.size() > SMT_MAX_SIBLINGS) return false;
    if (!SamePrefix(proof.leaf->key, key, proof.siblings.size())) return false;
    return FoldMatches(root, key, proof.siblings, SmtLeafHash(proof.leaf->key, proof.leaf->value_hash));
}

Bytes EncodeSmtProof(const SmtProof& proof) {
    Writer w;
    w.Varint(proof.siblings.size());
    for (const Hash256& s : proof.siblings) w.Fixed(s);
    if (proof.leaf) {
        w.U8(1);
        w.Fixed(proof.leaf->key);
        w.Fixed(proof.leaf->value_hash);
    } else {
        w.U8(0);
    }
    return w.Take();
}

Result<SmtProof, DecodeError> DecodeSmtProof(ByteView bytes) {
    Reader r(bytes);
    SmtProof proof;
    size_t n = r.Length(SMT_MAX_SIBLINGS);
    if (!r.ok()) return Fail(r.error());
    proof.siblings.reserve(n);
    for (size_t i = 0; i < n && r.ok(); ++i) proof.siblings.push_back(r.Fixed<32>());
    uint8_t has_leaf = r.U8();
    if (r.ok() && has_leaf > 1) return Fail(DecodeError::NON_CANONICAL);
    if (has_leaf == 1) {
        SmtLeaf leaf;
        leaf.key = r.Fixed<32>();
        leaf.value_hash = r.Fixed<32>();
        proof.leaf = leaf;
    }
    if (!r.Finish()) return Fail(r.error());
    if (!proof.siblings.empty() && proof.siblings.back().IsZero()) return Fail(DecodeError::BAD_VALUE);
    return proof;
}

}  // namespace folio
