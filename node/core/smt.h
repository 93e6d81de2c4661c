#pragma once
// Authenticated sparse Merkle map over 256-bit keys: the compacted binary trie of Diem/Aptos's
// Jellyfish Merkle tree (binary variant). Key bits are read most significant bit first; bit 0
// goes left. A subtree holding exactly one entry is that entry's leaf, placed as high as
// possible; an empty subtree hashes to 32 zero bytes.
//   leaf hash     = TaggedHash("folio/smt/leaf", key || value_hash)
//   internal hash = TaggedHash("folio/smt/node", left || right)
// The root depends only on the set of (key, value_hash) pairs, never on the order of updates.
// Nodes are immutable, so every old root stays readable (no pruning).
// Storage is versioned (as the Jellyfish Merkle tree's node keys): an update at version v (the
// ledger stores block h's nodes at version h) emits its new nodes as records stored under
// (v, hash), and each internal node's record names the versions its children were stored at. A
// store can therefore keep nodes under keys that grow with the version, so new nodes are
// appended rather than scattered among old ones (LevelDB compacts them by moving files, not by
// rewriting them). The root record is emitted at every version, even when the root is unchanged,
// so the root of version v is always found at v. Hashes (and so roots and proofs) do not depend
// on versions. Byte-exact format: docs/formats-merkle.md. All functions are pure; thread-safety
// is that of the SmtNodeReader passed in.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/core/result.h>

namespace folio {

enum class SmtError : uint8_t {
    MISSING_NODE,     // the store lacks a node reachable from the root: a local error
    UNSORTED_WRITES,  // the writes are not strictly increasing by key (caller's bug)
    CORRUPT_NODE,     // a stored node does not decode, does not hash to its id, or breaks the trie shape
};
const char* SmtErrorName(SmtError e);

// The map key of a state key: SHA-256(state_key).
Hash256 SmtKey(ByteView state_key);
// The hash stored for a value: SHA-256(value).
Hash256 SmtValueHash(ByteView value);

// One stored node. LEAF: a = key, b = value hash. INTERNAL: a = left child, b = right child
// (either may be the zero hash of an empty subtree, not both).
struct SmtNode {
    enum class Kind : uint8_t { LEAF = 1, INTERNAL = 2 };
    Kind kind = Kind::LEAF;
    Hash256 a;
    Hash256 b;
    bool operator==(const SmtNode&) const = default;
};

Hash256 SmtLeafHash(const Hash256& key, const Hash256& value_hash);
Hash256 SmtInternalHash(const Hash256& left, const Hash256& right);
// The hash a node is stored under.
Hash256 SmtNodeHash(const SmtNode& node);
// Canonical node encoding: u8 kind (1 leaf, 2 internal), then a, then b: 65 bytes.
Bytes EncodeSmtNode(const SmtNode& node);
// Accepts exactly the outputs of EncodeSmtNode (an internal node with two empty children is
// BAD_VALUE).
Result<SmtNode, DecodeError> DecodeSmtNode(ByteView bytes);

// A stored node record: the node's canonical encoding (65 bytes), then for an internal node the
// versions its left and right children are stored at (u64 little-endian each, as the codec; 0 for an empty
// child). A leaf's record is its encoding alone.
struct SmtRecord {
    SmtNode node;
    uint64_t left_version = 0;
    uint64_t right_version = 0;
    bool operator==(const SmtRecord&) const = default;
};
Bytes EncodeSmtRecord(const SmtRecord& record);
// Accepts exactly the outputs of EncodeSmtRecord.
Result<SmtRecord, DecodeError> DecodeSmtRecord(ByteView bytes);

// Read access to stored node records by (version, hash). Implemented on LevelDB by the storage
// module. Implementations used from several threads must make GetNode safe to call concurrently.
class SmtNodeReader {
public:
    virtual ~SmtNodeReader() = default;
    // The record of the node with hash h stored at `version`, or nullopt if the store lacks it.
    // (A store may return a record of the same hash stored at another version: it is the same
    // node, and its children's versions are as valid.)
    virtual std::optional<Bytes> GetNode(const Hash256& h, uint64_t version) const = 0;
};

// The changes of one SmtApply at `version`: the new root and the node records the caller must
// store under (version, hash) before new_root is readable at `version`. The root's record is
// always among them (unless the map is empty).
//
// `stale_nodes` are the records, as (stored version, hash), that the tree of `version` no longer
// references: they belong only to trees of versions before `version` (the Jellyfish Merkle tree's
// stale node index). A store that keeps trees from version F on may delete every record that
// became stale at a version <= F; the trees of F and later stay whole (docs/formats-merkle.md §2.5).
struct SmtUpdate {
    Hash256 new_root;
    uint64_t version = 0;
    std::vector<std::pair<Hash256, Bytes>> new_nodes;
    std::vector<std::pair<uint64_t, Hash256>> stale_nodes;
};

// In-memory node store for tests and tools, keyed by hash alone: GetNode ignores the version
// (allowed: any record of a hash is as good as another). Reads are safe concurrently with other
// reads; writes need exclusive access.
class MemoryNodeStore final : public SmtNodeReader {
public:
    std::optional<Bytes> GetNode(const Hash256& h, uint64_t version) const override;
    void Put(const Hash256& h, Bytes record);
    // Stores every node of the update.
    void Apply(const SmtUpdate& update);
    void Erase(const Hash256& h) { m_nodes.erase(h); }
    size_t size() const { return m_nodes.size(); }

private:
    std::map<Hash256, Bytes> m_nodes;
};

// (key, new value hash) — nullopt deletes the key (deleting an absent key is a no-op).
using SmtWrite = std::pair<Hash256, std::optional<Hash256>>;

// Applies a batch of writes, strictly increasing by key, to the tree with root old_root (zero
// = empty) readable at old_version, producing the tree of `version` (> old_version, except for
// the first update of an empty map, which may use any version). Each touched path is read once;
// deleting collapses a subtree left with one leaf up to its highest position. Never writes.
// Errors: UNSORTED_WRITES, MISSING_NODE, CORRUPT_NODE.
Result<SmtUpdate, SmtError> SmtApply(const SmtNodeReader& reader, const Hash256& old_root, uint64_t old_version,
                                     const std::vector<SmtWrite>& sorted_writes, uint64_t version);

// The value hash stored under key, or nullopt if absent (root readable at version).
Result<std::optional<Hash256>, SmtError> SmtGet(const SmtNodeReader& reader, const Hash256& root, uint64_t version,
                                                const Hash256& key);

// A key's entry in a proof: the leaf met at the end of the key's path.
struct SmtLeaf {
    Hash256 key;
    Hash256 value_hash;
    bool operator==(const SmtLeaf&) const = default;
};

// Proof for a key: the siblings along the key's path from the root down, and the leaf at the
// end of the path (the key's own leaf: inclusion; another key's leaf or none: exclusion).
struct SmtProof {
    std::vector<Hash256> siblings;
    std::optional<SmtLeaf> leaf;
    bool operator==(const SmtProof&) const = default;
};

inline constexpr size_t SMT_MAX_SIBLINGS = 256;

// Proof of key's presence or absence under root (any root whose nodes are stored; readable at
// version).
Result<SmtProof, SmtError> SmtProve(const SmtNodeReader& reader, const Hash256& root, uint64_t version,
                                    const Hash256& key);

// True iff proof shows key -> value_hash under root. Pure, static verification.
bool SmtVerifyInclusion(const Hash256& root, const Hash256& key, const Hash256& value_hash,
                        const SmtProof& proof);
// True iff proof shows that key is absent under root.
bool SmtVerifyExclusion(const Hash256& root, const Hash256& key, const SmtProof& proof);

// --- subtrees, for state sync (docs/formats-merkle.md §2.8) -------------------------------
// The map split at a depth d into 2^d subtrees, subtree i holding the keys whose first d bits
// are i (most significant bit first). A subtree summary is what the tree would hold at that
// position: empty (count 0, zero hash), one leaf (count 1, the leaf's hash: it moves up), or
// more (count >= 2, the hash of the internal node built there).
struct SmtSubtree {
    uint64_t count = 0;
    Hash256 hash;
    bool operator==(const SmtSubtree&) const = default;
};
inline constexpr size_t SMT_MAX_SUBTREE_DEPTH = 16;
// The summary of the entries (key, value hash), sorted strictly by key and all sharing their
// first `depth` bits (the caller checks both). Pure.
SmtSubtree SmtSubtreeOf(std::span<const std::pair<Hash256, Hash256>> sorted, size_t depth);
// The map's root from its 2^d subtree summaries, in prefix order (size a power of two, at most
// 2^SMT_MAX_SUBTREE_DEPTH; nullopt otherwise). Equals the root SmtApply gives for the same entries.
std::optional<Hash256> SmtRootOfSubtrees(std::span<const SmtSubtree> subtrees);
// The first `depth` (<= 16) bits of a key as a number: the index of its subtree at that depth.
size_t SmtPrefixIndex(const Hash256& key, size_t depth);

// Canonical encoding: varint n (<= 256), n sibling hashes, then optional leaf (0x00, or 0x01
// key value_hash).
Bytes EncodeSmtProof(const SmtProof& proof);
// Accepts exactly the outputs of EncodeSmtProof for proofs of a canonical tree: TOO_LONG over
// 256 siblings, NON_CANONICAL for an option byte other than 0/1, BAD_VALUE if the last sibling
// is the zero hash (a canonical tree never has an empty sibling next to a path's end).
Result<SmtProof, DecodeError> DecodeSmtProof(ByteView bytes);

}  // namespace folio
