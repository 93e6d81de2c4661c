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

// Reads the node stored under h and checks that it decodes and hashes to h.
Result<SmtNode, SmtError> Load(const SmtNodeReader& reader, const Hash256& h) {
    std::optional<Bytes> bytes = reader.GetNode(h);
    if (!bytes) return Fail(SmtError::MISSING_NODE);
    auto node = DecodeSmtNode(*bytes);
    if (!node) return Fail(SmtError::CORRUPT_NODE);
    if (SmtNodeHash(*node) != h) return Fail(SmtError::CORRUPT_NODE);
    return *node;
}

// What a rewritten subtree turned out to be. UNKNOWN: untouched and non-empty, not read.
enum class Shape : uint8_t { EMPTY, LEAF, INTERNAL, UNKNOWN };
struct Sub {
    Hash256 hash;
    Shape shape = Shape::EMPTY;
};

// The leaf already stored in a subtree that a batch rewrites.
struct OldLeaf {
    Hash256 key;
    Hash256 hash;
};

class Applier {
public:
    Applier(const SmtNodeReader& reader, std::vector<std::pair<Hash256, Bytes>>& out)
        : m_reader(reader), m_out(out) {}

    // The subtree at `depth` with hash h, after applying the non-empty batch w (all of whose
    // keys lie under this subtree).
    Result<Sub, SmtError> Update(const Hash256& h, size_t depth, std::span<const SmtWrite> w) {
        if (h.IsZero()) return Build(depth, w, nullptr);
        auto loaded = Load(m_reader, h);
        if (!loaded) return Fail(loaded.error());
        const SmtNode& node = *loaded;
        if (node.kind == SmtNode::Kind::LEAF) {
            if (!SamePrefix(node.a, w.front().first, depth)) return Fail(SmtError::CORRUPT_NODE);
            auto it = std::lower_bound(w.begin(), w.end(), node.a,
                                       [](const SmtWrite& x, const Hash256& k) { return x.first < k; });
            bool overwritten = it != w.end() && it->first == node.a;
            OldLeaf old{node.a, h};
            return Build(depth, w, overwritten ? nullptr : &old);
        }
        if (depth >= KEY_BITS) return Fail(SmtError::CORRUPT_NODE);
        auto [left_w, right_w] = Split(w, depth);
        auto side = [&](const Hash256& child, std::span<const SmtWrite> part) -> Result<Sub, SmtError> {
            if (part.empty()) return Sub{child, child.IsZero() ? Shape::EMPTY : Shape::UNKNOWN};
            return Update(child, depth + 1, part);
        };
        auto l = side(node.a, left_w);
        if (!l) return l;
        auto r = side(node.b, right_w);
        if (!r) return r;
        if (l->hash == node.a && r->hash == node.b) return Sub{h, Shape::INTERNAL};
        return Combine(*l, *r);
    }

private:
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
            if (old) return Sub{old->hash, Shape::LEAF};  // already stored
            return Sub{Emit(SmtNode{SmtNode::Kind::LEAF, single->first, *single->second}), Shape::LEAF};
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
                auto node = Load(m_reader, other.hash);
                if (!node) return Fail(node.error());
                other.shape = node->kind == SmtNode::Kind::LEAF ? Shape::LEAF : Shape::INTERNAL;
            }
            if (other.shape == Shape::LEAF) return other;
        }
        return Sub{Emit(SmtNode{SmtNode::Kind::INTERNAL, l.hash, r.hash}), Shape::INTERNAL};
    }

    Hash256 Emit(const SmtNode& node) {
        Hash256 h = SmtNodeHash(node);
        m_out.emplace_back(h, EncodeSmtNode(node));
        return h;
    }

    const SmtNodeReader& m_reader;
    std::vector<std::pair<Hash256, Bytes>>& m_out;
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

std::optional<Bytes> MemoryNodeStore::GetNode(const Hash256& h) const {
    auto it = m_nodes.find(h);
    if (it == m_nodes.end()) return std::nullopt;
    return it->second;
}

void MemoryNodeStore::Put(const Hash256& h, Bytes encoded) { m_nodes.insert_or_assign(h, std::move(encoded)); }

void MemoryNodeStore::Apply(const SmtUpdate& update) {
    for (const auto& [h, bytes] : update.new_nodes) Put(h, bytes);
}

Result<SmtUpdate, SmtError> SmtApply(const SmtNodeReader& reader, const Hash256& old_root,
                                     const std::vector<SmtWrite>& sorted_writes) {
    for (size_t i = 1; i < sorted_writes.size(); ++i) {
        if (!(sorted_writes[i - 1].first < sorted_writes[i].first)) return Fail(SmtError::UNSORTED_WRITES);
    }
    SmtUpdate update;
    if (sorted_writes.empty()) {
        update.new_root = old_root;
        return update;
    }
    Applier applier(reader, update.new_nodes);
    auto sub = applier.Update(old_root, 0, sorted_writes);
    if (!sub) return Fail(sub.error());
    update.new_root = sub->hash;
    return update;
}

Result<std::optional<Hash256>, SmtError> SmtGet(const SmtNodeReader& reader, const Hash256& root,
                                                const Hash256& key) {
    Hash256 h = root;
    for (size_t depth = 0;; ++depth) {
        if (h.IsZero()) return std::optional<Hash256>{};
        auto node = Load(reader, h);
        if (!node) return Fail(node.error());
        if (node->kind == SmtNode::Kind::LEAF) {
            if (node->a == key) return std::optional<Hash256>{node->b};
            return std::optional<Hash256>{};
        }
        if (depth >= KEY_BITS) return Fail(SmtError::CORRUPT_NODE);
        h = Bit(key, depth) ? node->b : node->a;
    }
}

Result<SmtProof, SmtError> SmtProve(const SmtNodeReader& reader, const Hash256& root, const Hash256& key) {
    SmtProof proof;
    Hash256 h = root;
    for (size_t depth = 0;; ++depth) {
        if (h.IsZero()) return proof;
        auto node = Load(reader, h);
        if (!node) return Fail(node.error());
        if (node->kind == SmtNode::Kind::LEAF) {
            if (!SamePrefix(node->a, key, depth)) return Fail(SmtError::CORRUPT_NODE);
            proof.leaf = SmtLeaf{node->a, node->b};
            return proof;
        }
        if (depth >= KEY_BITS) return Fail(SmtError::CORRUPT_NODE);
        bool right = Bit(key, depth) == 1;
        proof.siblings.push_back(right ? node->a : node->b);
        h = right ? node->b : node->a;
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
