#pragma once
// The node's persistent store on LevelDB: blocks, receipts, the transaction index, commit
// certificates, the state and (in a second LevelDB, PATH/nodes) the state map's node records. A
// block is committed with ONE synced write batch, preceded by one synced batch of its new node
// records, so after a crash the store is at the last committed height or the one before it,
// never in between (node records written for a block that a crash left uncommitted are never
// referenced; the block later committed at that height writes its own). LevelDB checksums every log record and table block; reads verify them, and
// a checksum failure is reported (a local error), never returned as data.
//
// Thread-safety: all const methods may be called from any thread concurrently with Commit().
// Commit() itself must be called from one thread at a time.
#include <cstdint>
#include <cstdlib>
#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <node/core/result.h>
#include <node/core/smt.h>
#include <node/state/ledger.h>
#include <node/protocol/types.h>

namespace leveldb {
class Cache;
class DB;
class FilterPolicy;
class Env;
class Snapshot;
}  // namespace leveldb

namespace folio::storage {

enum class StoreError : uint8_t { OPEN_FAILED, IO, CORRUPTION, HEIGHT_MISMATCH, FORMAT_MISMATCH };
struct StoreFailure {
    StoreError code = StoreError::IO;
    std::string message;
};

struct StoreOptions {
    bool sync = true;                 // fsync each committed block (turn off only in benchmarks)
    size_t cache_bytes = 64u << 20;   // LevelDB block cache
    size_t node_cache_bytes = 64u << 20;  // in-memory cache of state map nodes (content-addressed; 120 B per node)
    size_t state_cache_bytes = 32u << 20;  // in-memory cache of committed state values and absences (0: none)
    leveldb::Env* env = nullptr;      // the OS seam; tests inject faults or an in-memory env here
};

// Everything one committed block changes, written atomically.
struct CommittedBlock {
    protocol::Block block;
    std::vector<protocol::Receipt> receipts;
    state::WriteSet writes;
    std::vector<std::pair<Hash256, Bytes>> smt_nodes;  // the state map's new records, stored at version block.header.height
    // Records (stored version, hash) that the tree of this block no longer references: indexed so
    // PruneStateVersions can delete them once no retained version needs them (SmtUpdate).
    std::vector<std::pair<uint64_t, Hash256>> smt_stale;
    Bytes commit_cert;  // the consensus's proof that the block committed (docs/formats.md)
    std::vector<std::pair<std::string, Bytes>> meta;  // node-local metadata written in the same batch (indexes)
};

// LevelDB's background work on one of the store's databases since it was opened, counted from
// its info log (PATH/LOG, PATH/nodes/LOG, still written): memtable flushes to level-0 tables,
// compactions (merges of tables) and trivial moves of a table to the next level.
struct CompactionCounts {
    uint64_t flushes = 0;
    uint64_t compactions = 0;
    uint64_t moves = 0;
};

struct TxLocation {
    uint64_t height = 0;
    uint32_t index = 0;
};

// A consistent read-only view of the state and metadata as of one committed height (a LevelDB
// snapshot): later commits do not change what it reads. Used to write state-sync snapshots
// (node/statesync) while the chain moves on. Thread-safe; must not outlive its store.
class StateView {
public:
    virtual ~StateView() = default;
    virtual uint64_t Height() const = 0;
    // Every state entry in key order.
    virtual void ForEachState(const std::function<void(const Bytes&, const Bytes&)>& fn) const = 0;
    virtual std::optional<Bytes> Get(ByteView key) const = 0;
    virtual std::optional<Bytes> GetMeta(const std::string& name) const = 0;
};

class ChainStore final : public state::StateReader, public SmtNodeReader {
public:
    static Result<std::unique_ptr<ChainStore>, StoreFailure> Open(const std::string& path, const StoreOptions& opts);
    ~ChainStore() override;

    // State at the latest committed height.
    std::optional<Bytes> Get(ByteView key) const override;
    // A state-map node record stored at `version` (block h's new nodes are stored at version h).
    std::optional<Bytes> GetNode(const Hash256& h, uint64_t version) const override;

    // Latest committed height; nullopt before genesis is stored.
    std::optional<uint64_t> Height() const;
    std::optional<protocol::BlockHeader> Header(uint64_t height) const;
    std::optional<protocol::Block> GetBlock(uint64_t height) const;
    // The same, shared and decoded once: the last few blocks read are kept (a committed block
    // never changes), so per-transaction lookups (RPC tx_get) do not decode a whole block each.
    std::shared_ptr<const protocol::Block> GetBlockShared(uint64_t height) const;
    std::optional<Bytes> GetBlockBytes(uint64_t height) const;
    std::optional<uint64_t> HeightOf(const Hash256& block_hash) const;
    std::optional<TxLocation> FindTx(const Hash256& tx_id) const;
    std::optional<protocol::Receipt> GetReceipt(uint64_t height, uint32_t index) const;
    std::vector<protocol::Receipt> GetReceipts(uint64_t height) const;
    std::optional<Bytes> GetCommitCert(uint64_t height) const;

    // Writes the block at height Height()+1 (or 0 for genesis) in one synced batch.
    Status<StoreFailure> Commit(const CommittedBlock& cb);

    // Stores the commit certificate of an already committed block (it may arrive later than the
    // block: BFT validators sign the executed header after execution). Synced.
    Status<StoreFailure> PutCommitCert(uint64_t height, ByteView cert);

    // Raw metadata (node-local values such as the consensus's persisted safety state and block
    // store). A synced write also makes every earlier unsynced write durable (one log).
    std::optional<Bytes> GetMeta(const std::string& name) const;
    Status<StoreFailure> PutMeta(const std::string& name, ByteView value, bool sync);
    // Removes a metadata entry (unsynced; absent is not an error).
    Status<StoreFailure> DeleteMeta(const std::string& name);
    // Calls fn(key, value) for every state entry whose key starts with `prefix`, in key order.
    void ForEachState(ByteView prefix, const std::function<void(const Bytes&, const Bytes&)>& fn) const;
    // Deletes the state map's node records that no tree of version `floor` or later references
    // (those indexed stale at a version <= floor; SmtUpdate::stale_nodes), at most `max_records`
    // of them per call; returns how many. Trees of versions >= floor stay whole; older versions
    // can no longer be read. Call from the committing thread (docs/operations.md, "Pruning").
    Result<size_t, StoreFailure> PruneStateVersions(uint64_t floor, size_t max_records);
    // Deletes the blocks of heights [from, to) (from >= 1: genesis stays) with their receipts,
    // transaction index entries, block-hash index entries and commit certificates, and writes
    // `meta` in the same batch (the caller's new floor). One unsynced batch. Heights already
    // gone are skipped. Call from the committing thread (docs/operations.md, "Pruning").
    Result<size_t, StoreFailure> PruneBlocks(uint64_t from, uint64_t to,
                                             const std::vector<std::pair<std::string, Bytes>>& meta);
    // Deletes metadata entries in one batch with `meta` written (settlement events below a floor).
    Status<StoreFailure> DeleteMetas(const std::vector<std::string>& names,
                                     const std::vector<std::pair<std::string, Bytes>>& meta);
    // The state map's node records on disk (a full scan: tests and tools).
    size_t CountNodeRecords() const;
    // Calls fn(name, value) for every metadata entry whose name starts with `prefix`, in order.
    void ForEachMeta(const std::string& prefix, const std::function<void(const std::string&, const Bytes&)>& fn) const;

    // A view of the state as of the latest committed height (StateView). Taken on the committing
    // thread right after Commit(h), it is the state of height h.
    std::shared_ptr<const StateView> ViewState() const;

    // Installing a state-sync snapshot into a NEW store (node/statesync, docs/operations.md,
    // "State sync"): InstallState and InstallNodes any number of times, then InstallBase once.
    // Each refuses a store that holds a committed height already. Crash safety is the caller's:
    // it installs into a fresh directory and renames it into place when InstallBase succeeded.
    Status<StoreFailure> InstallState(const std::vector<std::pair<Bytes, Bytes>>& entries);
    Status<StoreFailure> InstallNodes(uint64_t version, const std::vector<std::pair<Hash256, Bytes>>& records);
    // Stores the genesis block (height 0) and `top` (its block, receipts, certificate and meta; its
    // writes and smt_nodes must be empty: the state came through InstallState/InstallNodes) as the
    // committed head, in one synced batch. Heights between hold nothing.
    Status<StoreFailure> InstallBase(const protocol::Block& genesis, const CommittedBlock& top);

    // The counts of the main database (nodes = false) or of the state map's nodes (true).
    CompactionCounts Compactions(bool nodes) const;

private:
    class InfoLog;  // counts LevelDB's background work as it logs it (chain_store.cpp)
    ChainStore() = default;
    std::optional<Bytes> RawGet(const Bytes& key) const;
    void CacheNode(const Hash256& h, ByteView node) const;  // caller holds m_node_mu

    // State map nodes are content-addressed (any stored record of a hash is as good as another:
    // same node, valid child versions), so a cached node, keyed by hash, never goes stale. Every
    // block reads the same upper levels of the tree again; this keeps LevelDB lookups (memtable,
    // bloom filters, table blocks) off that path. A flat, two-way set-associative table of
    // fixed-size slots (records are at most 81 bytes): no allocation per entry and no mass free
    // when it turns over (a map of byte vectors spent a fifth of a validator's CPU in malloc and
    // free). Within a set the slot hit or filled last comes first; a new entry evicts the other.
    struct NodeSlot {  // all-zero bytes: an empty slot
        Hash256 hash;
        uint8_t len = 0;  // 0: empty
        std::array<uint8_t, 87> bytes{};
    };
    NodeSlot* SlotSet(const Hash256& h) const;  // the two slots h may occupy
    mutable std::mutex m_node_mu;
    static constexpr size_t RECENT_BLOCKS = 8;
    mutable std::mutex m_block_mu;
    mutable std::vector<std::pair<uint64_t, std::shared_ptr<const protocol::Block>>> m_recent_blocks;  // oldest first
    // A power of two in size (0: no cache). calloc'd: the kernel hands out zero pages (empty slots)
    // only as they are first written, so a node with little state does not pay the whole cache
    // in memory up front.
    struct FreeSlots {
        void operator()(NodeSlot* p) const { std::free(p); }
    };
    std::unique_ptr<NodeSlot[], FreeSlots> m_node_slots;
    size_t m_node_slot_count = 0;

    // Committed state values by key, and keys known absent (nullopt), so the accounts, balances,
    // works and contract storage that every transaction reads again do not each go through
    // LevelDB's memtable, bloom filters and table blocks (a fifth of a validator's CPU under the
    // mixed load). Two generations: a hit in the older moves to the newer; when the newer
    // outgrows half the budget it becomes the older and the older is dropped. Commit() updates
    // the keys it writes that are cached (after its batch is written); a reader inserts what it
    // read only if no commit ran between its generation check and the insert, so a value read
    // just before a commit never lands in the cache after it. Lookups only: never iterated.
    struct ViewHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using StateValues = std::unordered_map<std::string, std::optional<Bytes>, ViewHash, std::equal_to<>>;
    void CacheStateLocked(std::string key, std::optional<Bytes> value) const;  // caller holds m_state_mu
    mutable std::mutex m_state_mu;
    mutable StateValues m_state_new, m_state_old;
    mutable size_t m_state_new_bytes = 0;
    uint64_t m_state_generation = 0;  // bumped by each Commit() under m_state_mu
    size_t m_state_cache_bytes = 0;

    // Declared before m_db so they are destroyed after it.
    std::unique_ptr<InfoLog> m_info_log, m_nodes_info_log;  // null when the log cannot be opened
    std::unique_ptr<leveldb::Cache> m_cache;
    std::unique_ptr<const leveldb::FilterPolicy> m_filter;
    std::unique_ptr<leveldb::DB> m_db;
    std::unique_ptr<leveldb::DB> m_nodes_db;  // state map node records (PATH/nodes), append-ordered keys
    bool m_sync = true;
};

}  // namespace folio::storage
