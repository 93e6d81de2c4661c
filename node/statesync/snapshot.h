#pragma once
// State-sync snapshots (docs/operations.md, "State sync"; formats: docs/formats.md, "State-sync
// snapshots"). A snapshot of height H is a manifest and 2^d chunks. Chunk i holds the state
// entries (state key, value) whose state-map key SHA-256(state key) begins with the d bits of i,
// sorted by that key. The manifest carries block H, its receipts and commit certificate, the
// validator-set hand-offs that lead from the genesis set to H's, the consensus anchor at H, the
// settlement sequence counter, and one subtree summary (node/core/smt.h) per chunk.
//
// Verification needs nothing but the genesis: the certificate (through the hand-offs) proves
// block H's header; the header proves the receipts and transactions (tx_root, receipts_root)
// and, through the summaries (SmtRootOfSubtrees), the state: each chunk must hash to its
// summary, so a bad chunk is refused alone and fetched elsewhere. The anchor and the settlement
// counter are not under the state root: a joining node takes them only from a manifest that
// several servers offer byte for byte (statesync/restore.h). All functions are pure.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/result.h>
#include <node/core/smt.h>
#include <node/protocol/types.h>
#include <node/state/ledger.h>

namespace folio::statesync {

inline constexpr uint8_t SNAPSHOT_FORMAT = 1;
inline constexpr size_t MAX_CHUNK_ENTRIES = 1u << 20;
inline constexpr size_t MAX_CHUNK_BYTES = 64u << 20;
inline constexpr size_t MAX_MANIFEST_BYTES = 64u << 20;
inline constexpr size_t MAX_STATE_KEY = 4096;
inline constexpr size_t MAX_STATE_VALUE = 1u << 20;
inline constexpr size_t MAX_HANDOFFS = 1u << 16;
// Entries per chunk the producer aims at (the depth is the smallest with at most this many on
// average, up to SMT_MAX_SUBTREE_DEPTH).
inline constexpr size_t TARGET_CHUNK_ENTRIES = 4096;

struct Manifest {
    std::string chain_id;
    uint64_t height = 0;
    uint8_t depth = 0;               // 2^depth chunks
    Bytes block;                     // EncodeBlock of block `height`
    std::vector<Bytes> receipts;     // EncodeReceipt of each of its receipts
    Bytes commit;                    // EncodeCommitCert of block `height`
    std::vector<Bytes> handoffs;     // EncodeHandoff of each validator-set change up to `height`
    Bytes anchor;                    // consensus::EncodeAnchor with root at `height`
    uint64_t settlement_next = 1;    // the next settlement event sequence number after `height`
    std::vector<SmtSubtree> chunks;  // 2^depth summaries, in prefix order
    bool operator==(const Manifest&) const = default;
};
Bytes EncodeManifest(const Manifest& m);
// A snapshot's identity across nodes: SHA-256 of its manifest's encoding with the commit
// certificate left empty. Every node that makes a snapshot of the same height makes the same one
// but for the certificate, whose signatures are those the node gathered (any quorum of them).
Hash256 ManifestId(const Manifest& m);
// Accepts exactly the outputs of EncodeManifest (chunk count 2^depth, depth <= 16).
Result<Manifest, DecodeError> DecodeManifest(ByteView bytes);

using Entry = std::pair<Bytes, Bytes>;  // (state key, value)
Bytes EncodeChunk(const std::vector<Entry>& entries);
Result<std::vector<Entry>, DecodeError> DecodeChunk(ByteView bytes);

// The depth whose chunks hold about TARGET_CHUNK_ENTRIES entries each for `entries` entries.
uint8_t DepthFor(size_t entries);

// The genesis validator set's keys, as certificates are checked against them.
std::vector<PublicKey> GenesisValidatorKeys(const state::GenesisDoc& genesis);

// What a verified manifest gives.
struct Verified {
    protocol::Block block;
    std::vector<protocol::Receipt> receipts;
};
// Checks a manifest against the genesis chain id and validator set: the certificate over block
// H's header (following the hand-offs), the receipts and transactions against the header, and the
// chunk summaries against its state root. Empty error string when valid.
Result<Verified, std::string> VerifyManifest(const Manifest& m, const std::string& chain_id,
                                             const std::vector<PublicKey>& genesis_validators);
// Checks chunk `index` of a verified manifest: every entry under the chunk's prefix, sorted
// strictly by state-map key, and the entries' subtree summary equal to the manifest's. Returns
// the entries' (state-map key, value hash) pairs, in order, for building the state map.
Result<std::vector<std::pair<Hash256, Hash256>>, std::string> VerifyChunk(const Manifest& m, size_t index,
                                                                          const std::vector<Entry>& entries);

}  // namespace folio::statesync
