#pragma once
// Joining by snapshot (docs/operations.md, "State sync"): a new node fetches a snapshot
// (snapshot.h) from the RPC ports of nodes that make them, verifies it against its genesis alone,
// installs it as its store, and then block-syncs from there like any node that restarted.
//  - Offers: GET /snapshots on every server; the newest snapshot whose identity (ManifestId: the
//    manifest but for its commit certificate, whose signatures differ from node to node) at
//    least `min_agree` servers offer (capped at the number of servers) is taken, so that the
//    parts of a manifest the state root does not cover (the consensus anchor, the settlement
//    counter) come from more than one node. The certificate is verified on its own.
//  - Chunks: each from the offering servers in turn (chunk i starts at server i mod k); a chunk
//    that fails to download or to verify is refused, logged with the server and the reason, and
//    fetched from the next.
//  - Install: into HOME/data.statesync, renamed to HOME/data only once whole (a crash before
//    leaves no store: the next start syncs again). A missing HOME/safety is written empty (a
//    node that never signed); an existing one is kept (a validator restored after a loss must
//    never sign against its own earlier votes).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/result.h>
#include <node/state/ledger.h>
#include <node/statesync/snapshot.h>

namespace folio::statesync {

struct RestoreConfig {
    std::vector<std::string> servers;  // RPC addresses: host:port or http://host:port
    size_t min_agree = 2;
    uint64_t offer_wait_ms = 300'000;  // how long to wait for an offer that enough servers agree on
    uint64_t http_timeout_ms = 30'000;
};

// A chunk that passed VerifyChunk: its entries and their (state-map key, value hash) leaves.
struct VerifiedChunk {
    std::vector<Entry> entries;
    std::vector<std::pair<Hash256, Hash256>> leaves;
};

// Where the snapshot's bytes come from.
class Source {
public:
    virtual ~Source() = default;
    virtual Result<Bytes, std::string> Manifest() = 0;
    // Chunk `index`, verified against `m` (VerifyChunk) by the source, which may try several
    // places; the error names every place tried.
    virtual Result<VerifiedChunk, std::string> Chunk(const statesync::Manifest& m, size_t index) = 0;
};

// The snapshot agreed on by the servers (see above), as a Source; an error when no snapshot is
// agreed on within cfg.offer_wait_ms.
Result<std::unique_ptr<Source>, std::string> ChooseFromServers(const RestoreConfig& cfg);
// A snapshot directory (HOME/snapshots/<h>, or a copy of one: `foliod snapshot export`).
std::unique_ptr<Source> FromDirectory(const std::string& dir);

// Verifies and installs the source's snapshot as HOME/data (which must not hold a store yet).
// Returns the snapshot's height.
Result<uint64_t, std::string> Install(Source& source, const state::GenesisDoc& genesis, const std::string& home);

// Whether HOME/data holds a store with a committed height.
bool HasStore(const std::string& home);

}  // namespace folio::statesync
