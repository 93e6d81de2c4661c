#pragma once
// The BFT engine's consensus block store (docs/consensus.md, "Pruning"): every block the core
// inserted into its tree, in the node's metadata store, pruned so that neither the disk nor the
// restart time grows with the chain's length.
//  - cblock/<id>        a block (the core's encoding)
//  - crecent/<e><r><id> the blocks stored since the last anchor's root (epoch and round as 16 hex
//                       digits each, so the keys sort by them): what a restart re-inserts
//  - cheight/<h>        the committed block at height h (16 hex digits): pruning by height
//  - cprune/anchor      the core's Anchor (synced): where a restart's tree begins
//  - cprune/floor       the height below which committed blocks are deleted
// Every `prune_every` committed heights the engine persists an anchor at its executed height and
// the store deletes (Prune): the blocks below the anchor's root that never committed and the tree
// no longer holds, with their batches; and the committed blocks (and batches) more than `retain`
// heights below the root. A restart reads the anchor, the committed ancestors of its root that
// the core keeps in memory, and the recent blocks: a bounded number, whatever the chain's length.
// Committed blocks within `retain` stay on disk to answer the block requests of peers that catch
// up (Chain), beyond what the core holds in memory.
// Thread-safety: none; the consensus thread owns the store.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include <node/consensus/core.h>
#include <node/consensus/types.h>
#include <node/engine/ledger.h>

namespace folio::engine {

inline constexpr const char* ANCHOR_META = "cprune/anchor";
inline constexpr const char* PRUNED_META = "cprune/floor";

struct BlockRetention {
    uint64_t retain = 1u << 18;   // committed heights kept on disk below the anchor's root
    uint64_t prune_every = 1024;  // committed heights between two anchors (and prunings)
};

class BlockStore {
public:
    // `ledger` must outlive the store.
    BlockStore(Ledger& ledger, BlockRetention retention) : m_ledger(ledger), m_retention(retention) {}

    // What a restart hands to Core::Restore.
    struct Loaded {
        std::optional<consensus::Anchor> anchor;
        std::vector<consensus::Block> blocks;  // the recent blocks, then the root's ancestors (at most `history`)
    };
    // Reads the store for a restart (ends the process through Fatal if the anchor does not
    // decode). Without an anchor (nothing pruned yet): every stored block.
    Loaded Load(uint64_t history);

    // A block the core inserted into its tree (unsynced: the next synced write makes it durable).
    void Put(const consensus::Block& b);
    // Blocks the core committed, in height order.
    void Committed(std::span<const consensus::CommittedBlock> blocks);
    // Whether an anchor (and a pruning) is due at this committed height.
    bool PruneDue(uint64_t committed_height) const { return committed_height >= m_anchored + m_retention.prune_every; }

    struct Pruned {
        uint64_t blocks = 0;   // blocks deleted (committed ones beyond the retention, dead forks)
        uint64_t batches = 0;  // their batches deleted
    };
    // Persists `anchor` (synced), then deletes what it makes useless. `committed(id)` is the
    // core's IsCommitted: a block the core still holds uncommitted is kept for the next time.
    Pruned Prune(const consensus::Anchor& anchor,
                 const std::function<std::optional<bool>(const consensus::BlockId&)>& committed);

    // Up to `count` stored blocks from `id` back along their parents (an answer to a peer's
    // BlockRequest for blocks the core no longer holds); empty when `id` is not stored.
    std::vector<consensus::Block> Chain(const consensus::BlockId& id, uint32_t count) const;

    // Blocks listed as recent (stored since the last anchor's root), and the height below which
    // committed blocks are deleted.
    size_t RecentCount() const { return m_recent.size(); }
    uint64_t PrunedBelow() const { return m_floor; }

private:
    using Key = std::tuple<consensus::Epoch, consensus::Round, consensus::BlockId>;
    struct Recent {
        Hash256 payload;
        bool committed = false;
    };
    static std::string RecentName(const Key& k);
    std::optional<consensus::Block> Read(const consensus::BlockId& id) const;
    void Delete(const std::string& name);
    void Track(const consensus::Block& b, const consensus::BlockId& id, bool write_key);

    Ledger& m_ledger;
    BlockRetention m_retention;
    std::map<Key, Recent> m_recent;
    uint64_t m_anchored = 0;  // the last anchor's root height
    uint64_t m_floor = 1;     // committed blocks below this height are deleted
};

}  // namespace folio::engine
