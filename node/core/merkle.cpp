#include <node/core/merkle.h>

#include <array>
#include <cassert>
#include <span>

#include <cryptopp/sha.h>

namespace folio {

// ---- TaggedHasher -----------------------------------------------------------------------

struct TaggedHasher::Impl {
    CryptoPP::SHA256 midstate;  // has absorbed SHA-256(tag) || SHA-256(tag): one full block
};

TaggedHasher::TaggedHasher(std::string_view tag) : m_impl(std::make_unique<Impl>()) {
    Hash256 t = Sha256Of(tag);
    m_impl->midstate.Update(t.data.data(), t.data.size());
    m_impl->midstate.Update(t.data.data(), t.data.size());
}

TaggedHasher::~TaggedHasher() = default;

Hash256 TaggedHasher::operator()(ByteView data) const {
    CryptoPP::SHA256 h(m_impl->midstate);
    h.Update(data.data(), data.size());
    Hash256 out;
    h.Final(out.data.data());
    return out;
}

Hash256 TaggedHasher::operator()(const Hash256& a, const Hash256& b) const {
    CryptoPP::SHA256 h(m_impl->midstate);
    h.Update(a.data.data(), a.data.size());
    h.Update(b.data.data(), b.data.size());
    Hash256 out;
    h.Final(out.data.data());
    return out;
}

// ---- Tree ------------------------------------------------------------------------------

namespace {

const TaggedHasher& LeafHasher() {
    static const TaggedHasher h("folio/merkle/leaf");
    return h;
}
const TaggedHasher& NodeHasher() {
    static const TaggedHasher h("folio/merkle/node");
    return h;
}

// Largest power of two strictly smaller than n; n >= 2.
uint64_t SplitPoint(uint64_t n) {
    uint64_t k = 1;
    while (k < n - k) k <<= 1;  // k * 2 < n, written without overflow
    return k;
}

// RFC 6962 root of a non-empty range. The tree is the sequence of perfect subtrees given by
// the binary digits of n, largest first, folded from the right; a stack of at most 64 pending
// perfect subtrees computes it in one pass without allocation.
Hash256 RootOf(std::span<const Hash256> leaves) {
    assert(!leaves.empty());
    std::array<Hash256, 65> stack;
    std::array<uint8_t, 65> level{};
    size_t top = 0;
    const TaggedHasher& node = NodeHasher();
    for (const Hash256& leaf : leaves) {
        stack[top] = leaf;
        level[top] = 0;
        ++top;
        while (top >= 2 && level[top - 1] == level[top - 2]) {
            stack[top - 2] = node(stack[top - 2], stack[top - 1]);
            ++level[top - 2];
            --top;
        }
    }
    Hash256 acc = stack[top - 1];
    for (size_t i = top - 1; i-- > 0;) acc = node(stack[i], acc);
    return acc;
}

// Appends the audit path of leaves[index] (leaf to root) to `path`.
void ProveRange(std::span<const Hash256> leaves, size_t index, std::vector<Hash256>& path) {
    if (leaves.size() <= 1) return;
    auto k = static_cast<size_t>(SplitPoint(leaves.size()));
    if (index < k) {
        ProveRange(leaves.first(k), index, path);
        path.push_back(RootOf(leaves.subspan(k)));
    } else {
        ProveRange(leaves.subspan(k), index - k, path);
        path.push_back(RootOf(leaves.first(k)));
    }
}

}  // namespace

Hash256 MerkleLeafHash(ByteView data) { return LeafHasher()(data); }

Hash256 MerkleNodeHash(const Hash256& left, const Hash256& right) { return NodeHasher()(left, right); }

Hash256 MerkleRoot(const std::vector<Hash256>& leaf_hashes) {
    if (leaf_hashes.empty()) return Hash256{};
    return RootOf(leaf_hashes);
}

size_t MerklePathLength(uint64_t index, uint64_t count) {
    if (index >= count) return 0;
    size_t len = 0;
    uint64_t n = count;
    uint64_t i = index;
    while (n > 1) {
        uint64_t k = SplitPoint(n);
        if (i < k) {
            n = k;
        } else {
            i -= k;
            n -= k;
        }
        ++len;
    }
    return len;
}

MerkleProof MerkleProve(const std::vector<Hash256>& leaves, size_t index) {
    assert(index < leaves.size());
    MerkleProof proof;
    proof.index = index;
    proof.count = leaves.size();
    proof.path.reserve(MerklePathLength(proof.index, proof.count));
    ProveRange(leaves, index, proof.path);
    return proof;
}

bool MerkleVerify(const Hash256& root, const Hash256& leaf_hash, const MerkleProof& proof) {
    if (proof.index >= proof.count) return false;
    if (proof.path.size() > MERKLE_MAX_PATH) return false;
    // RFC 9162 §2.1.3.2: fn walks the leaf's position up, sn the last leaf's position.
    uint64_t fn = proof.index;
    uint64_t sn = proof.count - 1;
    Hash256 r = leaf_hash;
    const TaggedHasher& node = NodeHasher();
    for (const Hash256& p : proof.path) {
        if (sn == 0) return false;
        if ((fn & 1) != 0 || fn == sn) {
            r = node(p, r);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            r = node(r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && r == root;
}

Bytes EncodeMerkleProof(const MerkleProof& proof) {
    Writer w;
    w.Varint(proof.index);
    w.Varint(proof.count);
    w.Varint(proof.path.size());
    for (const Hash256& h : proof.path) w.Fixed(h);
    return w.Take();
}

Result<MerkleProof, DecodeError> DecodeMerkleProof(ByteView bytes) {
    Reader r(bytes);
    MerkleProof proof;
    proof.index = r.Varint();
    proof.count = r.Varint();
    size_t n = r.Length(MERKLE_MAX_PATH);
    if (!r.ok()) return Fail(r.error());
    if (proof.index >= proof.count || n != MerklePathLength(proof.index, proof.count)) {
        return Fail(DecodeError::BAD_VALUE);
    }
    proof.path.reserve(n);
    for (size_t i = 0; i < n; ++i) proof.path.push_back(r.Fixed<32>());
    if (!r.Finish()) return Fail(r.error());
    return proof;
}

}  // namespace folio
