#pragma once
// Binary Merkle tree over a list of leaf hashes, in the shape of RFC 6962 / RFC 9162 §2.1:
// the tree of n > 1 leaves is Node(MTH(first k), MTH(rest)) with k the largest power of two
// smaller than n. No node is ever duplicated, so two different lists never share a root
// (CVE-2012-2459 cannot happen). Used for tx_root and receipts_root of block headers and for
// receipt inclusion proofs in certificates. Byte-exact format: docs/formats-merkle.md.
// Every function here is pure and thread-safe.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/core/result.h>

namespace folio {

// TaggedHash(tag, ·) with the tag's SHA-256 midstate computed once, so hashing 64 bytes costs
// two compressions instead of four. Same output as TaggedHash(tag, data). Construct one per tag
// (typically a function-local static); operator() is const and thread-safe.
class TaggedHasher {
public:
    explicit TaggedHasher(std::string_view tag);
    ~TaggedHasher();
    TaggedHasher(const TaggedHasher&) = delete;
    TaggedHasher& operator=(const TaggedHasher&) = delete;
    Hash256 operator()(ByteView data) const;
    // TaggedHash(tag, a || b) without building the concatenation.
    Hash256 operator()(const Hash256& a, const Hash256& b) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Leaf hash of one item: TaggedHash("folio/merkle/leaf", data). Callers may instead use any
// other domain-separated 32-byte hash as a leaf (e.g. a transaction id), never raw data.
Hash256 MerkleLeafHash(ByteView data);
// Interior node: TaggedHash("folio/merkle/node", left || right).
Hash256 MerkleNodeHash(const Hash256& left, const Hash256& right);

// Root of the tree over leaf_hashes; the all-zero hash for an empty list, the leaf itself for
// one leaf. n - 1 node hashes, no allocation.
Hash256 MerkleRoot(const std::vector<Hash256>& leaf_hashes);

// Inclusion proof of leaf `index` in a tree of `count` leaves: the RFC 6962 audit path, sibling
// subtree roots ordered from the leaf up to the root. `count` is not authenticated by the root
// alone: a verifier must take it from the header (or check it against the header).
struct MerkleProof {
    uint64_t index = 0;
    uint64_t count = 0;
    std::vector<Hash256> path;
    bool operator==(const MerkleProof&) const = default;
};

// The most siblings any proof can have (count < 2^64).
inline constexpr size_t MERKLE_MAX_PATH = 64;

// Length of the audit path of `index` in a tree of `count` leaves (0 if index >= count).
size_t MerklePathLength(uint64_t index, uint64_t count);

// Proof for leaves[index]. The caller guarantees index < leaves.size() (asserted).
MerkleProof MerkleProve(const std::vector<Hash256>& leaves, size_t index);

// True iff `proof` shows that `leaf_hash` is leaf proof.index of a proof.count-leaf tree with
// root `root` (RFC 9162 §2.1.3.2). Rejects index >= count and a path of the wrong length.
bool MerkleVerify(const Hash256& root, const Hash256& leaf_hash, const MerkleProof& proof);

// Canonical encoding: varint index, varint count, varint path length, then the path hashes.
Bytes EncodeMerkleProof(const MerkleProof& proof);
// Accepts exactly the outputs of EncodeMerkleProof: BAD_VALUE if index >= count or the path
// length is not MerklePathLength(index, count); TOO_LONG past MERKLE_MAX_PATH hashes.
Result<MerkleProof, DecodeError> DecodeMerkleProof(ByteView bytes);

}  // namespace folio
