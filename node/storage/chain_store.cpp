#include <node/storage/chain_store.h>

#include <atomic>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/write_batch.h>

#include <node/core/fatal.h>
#include <node/storage/failpoints.h>

namespace folio::storage {
namespace {

// Key spaces (docs/formats.md, "Store layout").
constexpr char META_HEIGHT[] = "M/height";
// The store's layout version, written with the genesis block. 3: state-map node records keyed
// by (version, hash) ("n/") in their own LevelDB, PATH/nodes. Others are refused: 1 (no format
// record: nodes keyed by hash, "N/") and 2 (n/ keys in the main LevelDB, one development build).
constexpr char META_FORMAT[] = "M/format";
constexpr uint64_t STORE_FORMAT = 3;

Bytes Key(std::string_view prefix, ByteView rest = {}) {
    Bytes k(prefix.begin(), prefix.end());
    k.insert(k.end(), rest.begin(), rest.end());
    return k;
}
Bytes Be64(uint64_t v) { return BigEndian64(v); }
uint64_t ReadBe64(ByteView b, size_t off = 0) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v = v << 8 | b[off + i];
    return v;
}
Bytes BlockKey(uint64_t h) { return Key("B/", Be64(h)); }
// Heights between two compactions of what pruning deleted (PruneBlocks, PruneStateVersions).
constexpr uint64_t PRUNE_COMPACT_EVERY = 4096;
Bytes CertKey(uint64_t h) { return Key("C/", Be64(h)); }
Bytes HashKey(const Hash256& h) { return Key("H/", h.view()); }
Bytes TxKey(const Hash256& id) { return Key("T/", id.view()); }
Bytes ReceiptKey(uint64_t h, uint32_t i) {
    Bytes k = Key("R/", Be64(h));
    for (int s = 24; s >= 0; s -= 8) k.push_back(static_cast<uint8_t>(i >> s));
    return k;
}
Bytes StateKey(ByteView k) { return Key("S/", k); }
// Big-endian version first: a block's new nodes sort after every older node, so LevelDB appends
// them instead of merging them into the whole key space on each compaction.
Bytes NodeKey(uint64_t version, const Hash256& h) {
    Bytes k = Key("n/", Be64(version));
    k.insert(k.end(), h.data.begin(), h.data.end());
    return k;
}

// The stale-node index (in the main LevelDB, written in the block's own batch): record (version,
// hash) of the state map is not referenced from version `since` on.
Bytes StaleKey(uint64_t since, uint64_t version, const Hash256& h) {
    Bytes k = Key("P/", Be64(since));
    Bytes v = Be64(version);
    k.insert(k.end(), v.begin(), v.end());
    k.insert(k.end(), h.data.begin(), h.data.end());
    return k;
}

leveldb::Slice S(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
leveldb::Slice S(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// A block's records: the block by height, its hash's height, and per receipt the receipt and its
// transaction's location (height, index).
void PutBlock(leveldb::WriteBatch& batch, const protocol::Block& block, const std::vector<protocol::Receipt>& receipts) {
    const uint64_t h = block.header.height;
    batch.Put(S(BlockKey(h)), S(protocol::EncodeBlock(block)));
    batch.Put(S(HashKey(protocol::BlockHash(block.header))), S(Be64(h)));
    for (size_t i = 0; i < receipts.size(); ++i) {
        auto idx = static_cast<uint32_t>(i);
        batch.Put(S(ReceiptKey(h, idx)), S(protocol::EncodeReceipt(receipts[i])));
        Bytes loc = Be64(h);
        for (int sh = 24; sh >= 0; sh -= 8) loc.push_back(static_cast<uint8_t>(idx >> sh));
        batch.Put(S(TxKey(receipts[i].tx_id)), S(loc));
    }
}

}  // namespace

// LevelDB's info log, as LevelDB opens it itself (DIR/LOG, the previous one kept as DIR/LOG.old),
// counting the lines that mark its background work by their format strings (leveldb 1.x db_impl.cc).
class ChainStore::InfoLog final : public leveldb::Logger {
public:
    explicit InfoLog(std::unique_ptr<leveldb::Logger> file) : m_file(std::move(file)) {}
    // Null when `dir`'s log cannot be created (LevelDB then logs nowhere, as it would itself).
    static std::unique_ptr<InfoLog> Open(leveldb::Env* env, const std::string& dir) {
        (void)env->CreateDir(dir);
        (void)env->RenameFile(dir + "/LOG", dir + "/LOG.old");
        leveldb::Logger* file = nullptr;
        if (!env->NewLogger(dir + "/LOG", &file).ok() || !file) return nullptr;
        return std::make_unique<InfoLog>(std::unique_ptr<leveldb::Logger>(file));
    }
    void Logv(const char* format, std::va_list ap) override {
        if (std::strncmp(format, "Compacted ", 10) == 0) ++m_compactions;
        else if (std::strncmp(format, "Moved #", 7) == 0) ++m_moves;
        else if (std::strcmp(format, "Level-0 table #%llu: started") == 0) ++m_flushes;
        m_file->Logv(format, ap);
    }
    CompactionCounts Counts() const { return {m_flushes.load(), m_compactions.load(), m_moves.load()}; }

private:
    std::unique_ptr<leveldb::Logger> m_file;
    std::atomic<uint64_t> m_flushes{0}, m_compactions{0}, m_moves{0};
};

CompactionCounts ChainStore::Compactions(bool nodes) const {
    const InfoLog* log = nodes ? m_nodes_info_log.get() : m_info_log.get();
    return log ? log->Counts() : CompactionCounts{};
}

Result<std::unique_ptr<ChainStore>, StoreFailure> ChainStore::Open(const std::string& path, const StoreOptions& opts) {
    std::unique_ptr<ChainStore> store(new ChainStore());
    leveldb::Options o;
    o.create_if_missing = true;
    o.paranoid_checks = true;
    store->m_cache.reset(leveldb::NewLRUCache(opts.cache_bytes));
    store->m_filter.reset(leveldb::NewBloomFilterPolicy(10));
    o.block_cache = store->m_cache.get();
    o.filter_policy = store->m_filter.get();
    o.write_buffer_size = 16u << 20;
    // Most of the store is hashes and signatures (state map nodes, tx index): snappy spends CPU on
    // every flush and compaction and saves little. Tables written before stay readable.
    o.compression = leveldb::kNoCompression;
    if (opts.env) o.env = opts.env;
    store->m_info_log = InfoLog::Open(o.env, path);
    o.info_log = store->m_info_log.get();
    leveldb::DB* db = nullptr;
    leveldb::Status st = leveldb::DB::Open(o, path, &db);
    if (!st.ok()) {
        return Fail(StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::OPEN_FAILED, st.ToString()});
    }
    store->m_db.reset(db);
    // The state map's node records live in their own LevelDB (PATH/nodes), where every block's
    // keys sort after all older ones: its tables never overlap, so LevelDB compacts it by moving
    // files. Mixed into the main key space they were merged again with every flush of random keys
    // (tx index, state, batches): that compaction cost more CPU than executing the blocks.
    store->m_nodes_info_log = InfoLog::Open(o.env, path + "/nodes");
    o.info_log = store->m_nodes_info_log.get();
    leveldb::DB* ndb = nullptr;
    st = leveldb::DB::Open(o, path + "/nodes", &ndb);
    if (!st.ok()) {
        return Fail(StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::OPEN_FAILED, st.ToString()});
    }
    store->m_nodes_db.reset(ndb);
    store->m_sync = opts.sync;
    store->m_state_cache_bytes = opts.state_cache_bytes;
    if (store->RawGet(Key(META_HEIGHT))) {
        auto format = store->RawGet(Key(META_FORMAT));
        uint64_t f = format && format->size() == 8 ? ReadBe64(*format) : 1;
        if (f != STORE_FORMAT)
            return Fail(StoreFailure{StoreError::FORMAT_MISMATCH,
                                     "the data directory has store format " + std::to_string(f) + ", this build reads format " +
                                         std::to_string(STORE_FORMAT) +
                                         " (docs/formats.md, \"Store layout\"); move it away and let the node sync again"});
    }
    size_t slots = 0;
    if (opts.node_cache_bytes >= 2 * sizeof(NodeSlot)) {
        slots = 2;
        while (slots * 2 * sizeof(NodeSlot) <= opts.node_cache_bytes) slots *= 2;
    }
    static_assert(std::is_trivially_copyable_v<NodeSlot>);
    if (slots > 0) {
        store->m_node_slots.reset(static_cast<NodeSlot*>(std::calloc(slots, sizeof(NodeSlot))));
        if (store->m_node_slots) store->m_node_slot_count = slots;
    }
    return store;
}

ChainStore::~ChainStore() = default;

std::optional<Bytes> ChainStore::RawGet(const Bytes& key) const {
    leveldb::ReadOptions ro;
    ro.verify_checksums = true;
    std::string v;
    leveldb::Status st = m_db->Get(ro, S(key), &v);
    if (st.IsNotFound()) return std::nullopt;
    // Our own store cannot be read: stop rather than serve or build on damaged data.
    if (!st.ok()) folio::Fatal("store", "read failed: " + st.ToString());
    return Bytes(v.begin(), v.end());
}

namespace {
// What one cached state entry costs: its key and value plus the map node and the vectors' headers.
size_t StateEntryBytes(size_t key, const std::optional<Bytes>& value) { return key + (value ? value->size() : 0) + 96; }
std::string_view View(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
}  // namespace

void ChainStore::CacheStateLocked(std::string key, std::optional<Bytes> value) const {
    const size_t bytes = StateEntryBytes(key.size(), value);
    if (m_state_new_bytes + bytes > m_state_cache_bytes / 2) {
        m_state_old = std::move(m_state_new);
        m_state_new = StateValues();
        m_state_new_bytes = 0;
    }
    m_state_new.insert_or_assign(std::move(key), std::move(value));
    m_state_new_bytes += bytes;
}

std::optional<Bytes> ChainStore::Get(ByteView key) const {
    if (m_state_cache_bytes == 0) return RawGet(StateKey(key));
    const std::string_view k = View(key);
    uint64_t generation = 0;
    {
        std::lock_guard lock(m_state_mu);
        if (auto it = m_state_new.find(k); it != m_state_new.end()) return it->second;
        if (auto it = m_state_old.find(k); it != m_state_old.end()) {
            std::optional<Bytes> v = std::move(it->second);
            m_state_old.erase(it);
            CacheStateLocked(std::string(k), v);
            return v;
        }
        generation = m_state_generation;
    }
    std::optional<Bytes> v = RawGet(StateKey(key));
    std::lock_guard lock(m_state_mu);
    if (generation == m_state_generation) CacheStateLocked(std::string(k), v);
    return v;
}
ChainStore::NodeSlot* ChainStore::SlotSet(const Hash256& h) const {
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof v; ++i) v = v << 8 | h.data[i];
    return &m_node_slots[v & (m_node_slot_count - 1) & ~size_t{1}];
}

void ChainStore::CacheNode(const Hash256& h, ByteView node) const {
    if (m_node_slot_count == 0 || node.empty() || node.size() > sizeof(NodeSlot::bytes)) return;
    NodeSlot* set = SlotSet(h);
    if (set[0].len != 0 && set[0].hash == h) return;
    if (set[1].len != 0 && set[1].hash == h) {
        std::swap(set[0], set[1]);
        return;
    }
    set[1] = set[0];
    set[0].hash = h;
    set[0].len = static_cast<uint8_t>(node.size());
    std::copy(node.begin(), node.end(), set[0].bytes.begin());
}

std::optional<Bytes> ChainStore::GetNode(const Hash256& h, uint64_t version) const {
    if (m_node_slot_count != 0) {
        std::lock_guard lock(m_node_mu);
        NodeSlot* set = SlotSet(h);
        for (int i = 0; i < 2; ++i) {
            if (set[i].len == 0 || set[i].hash != h) continue;
            if (i == 1) std::swap(set[0], set[1]);
            return Bytes(set[0].bytes.begin(), set[0].bytes.begin() + set[0].len);
        }
    }
    // No LevelDB checksum pass on node reads: every reader re-hashes the record's node against
    // the hash it asked for (a damaged child version reads as a missing node; both stop the node).
    std::optional<Bytes> node;
    {
        leveldb::ReadOptions ro;
        ro.verify_checksums = false;
        std::string v;
        Bytes key = NodeKey(version, h);
        leveldb::Status st = m_nodes_db->Get(ro, S(key), &v);
        if (!st.ok() && !st.IsNotFound())
            folio::Fatal("store", "state map node read failed at version " + std::to_string(version) + ": " +
                                      st.ToString());
        if (st.ok()) node = Bytes(v.begin(), v.end());
    }
    if (node) {
        std::lock_guard lock(m_node_mu);
        CacheNode(h, *node);
    }
    return node;
}

std::optional<uint64_t> ChainStore::Height() const {
    auto v = RawGet(Key(META_HEIGHT));
    if (!v) return std::nullopt;
    if (v->size() != 8) folio::Fatal("store", "corrupt height record");
    return ReadBe64(*v);
}

std::optional<Bytes> ChainStore::GetBlockBytes(uint64_t height) const { return RawGet(BlockKey(height)); }

std::optional<protocol::Block> ChainStore::GetBlock(uint64_t height) const {
    auto raw = GetBlockBytes(height);
    if (!raw) return std::nullopt;
    auto b = protocol::DecodeBlock(*raw, SIZE_MAX);
    if (!b) folio::Fatal("store", "corrupt block record at height " + std::to_string(height));
    return std::move(b.value());
}

std::shared_ptr<const protocol::Block> ChainStore::GetBlockShared(uint64_t height) const {
    {
        std::lock_guard lock(m_block_mu);
        for (const auto& [h, b] : m_recent_blocks)
            if (h == height) return b;
    }
    auto b = GetBlock(height);
    if (!b) return nullptr;
    auto shared = std::make_shared<const protocol::Block>(std::move(*b));
    std::lock_guard lock(m_block_mu);
    m_recent_blocks.emplace_back(height, shared);
    if (m_recent_blocks.size() > RECENT_BLOCKS) m_recent_blocks.erase(m_recent_blocks.begin());
    return shared;
}

std::optional<protocol::BlockHeader> ChainStore::Header(uint64_t height) const {
    auto b = GetBlock(height);
    if (!b) return std::nullopt;
    return b->header;
}

std::optional<uint64_t> ChainStore::HeightOf(const Hash256& block_hash) const {
    auto v = RawGet(HashKey(block_hash));
    if (!v) return std::nullopt;
    return ReadBe64(*v);
}

std::optional<TxLocation> ChainStore::FindTx(const Hash256& tx_id) const {
    auto v = RawGet(TxKey(tx_id));
    if (!v) return std::nullopt;
    if (v->size() != 12) folio::Fatal("store", "corrupt tx index record for " + tx_id.hex());
    TxLocation loc;
    loc.height = ReadBe64(*v);
    loc.index = static_cast<uint32_t>((*v)[8]) << 24 | static_cast<uint32_t>((*v)[9]) << 16 |
                static_cast<uint32_t>((*v)[10]) << 8 | (*v)[11];
    return loc;
}

std::optional<protocol::Receipt> ChainStore::GetReceipt(uint64_t height, uint32_t index) const {
    auto raw = RawGet(ReceiptKey(height, index));
    if (!raw) return std::nullopt;
    auto r = protocol::DecodeReceipt(*raw);
    if (!r)
        folio::Fatal("store", "corrupt receipt record at height " + std::to_string(height) + " index " +
                                  std::to_string(index));
    return std::move(r.value());
}

std::vector<protocol::Receipt> ChainStore::GetReceipts(uint64_t height) const {
    std::vector<protocol::Receipt> out;
    for (uint32_t i = 0;; ++i) {
        auto r = GetReceipt(height, i);
        if (!r) break;
        out.push_back(std::move(*r));
    }
    return out;
}

std::optional<Bytes> ChainStore::GetCommitCert(uint64_t height) const { return RawGet(CertKey(height)); }

Status<StoreFailure> ChainStore::Commit(const CommittedBlock& cb) {
    const uint64_t h = cb.block.header.height;
    auto cur = Height();
    uint64_t expected = cur ? *cur + 1 : 0;
    if (h != expected)
        return Fail(StoreFailure{StoreError::HEIGHT_MISMATCH,
                                 "block height " + std::to_string(h) + ", store expects " + std::to_string(expected)});
    leveldb::WriteBatch batch;
    PutBlock(batch, cb.block, cb.receipts);
    for (const auto& [k, v] : cb.writes) {
        if (v) batch.Put(S(StateKey(k)), S(*v));
        else batch.Delete(S(StateKey(k)));
    }
    // The state map's new node records, at version h (node/core/smt.h), go to the node store
    // first and durably. A crash after that and before the block's batch leaves records at a
    // height not committed yet: nothing references them, and the block that is later committed
    // at that height writes its own records (over any with the same key: the same node).
    if (!cb.smt_nodes.empty()) {
        leveldb::WriteBatch nodes;
        for (const auto& [hash, node] : cb.smt_nodes) nodes.Put(S(NodeKey(h, hash)), S(node));
        leveldb::WriteOptions nwo;
        nwo.sync = m_sync;
        leveldb::Status nst = m_nodes_db->Write(nwo, &nodes);
        if (!nst.ok()) return Fail(StoreFailure{nst.IsCorruption() ? StoreError::CORRUPTION : StoreError::IO, nst.ToString()});
    }
    // Indexed with the block (not with the node records written before it): a block that a crash
    // left uncommitted and that is later built differently never marks a record stale.
    for (const auto& [version, hash] : cb.smt_stale) batch.Put(S(StaleKey(h, version, hash)), leveldb::Slice());
    if (h == 0) batch.Put(S(Key(META_FORMAT)), S(Be64(STORE_FORMAT)));
    if (!cb.commit_cert.empty()) batch.Put(S(CertKey(h)), S(cb.commit_cert));
    for (const auto& [name, value] : cb.meta) batch.Put(S(Key("X/" + name)), S(value));
    batch.Put(S(Key(META_HEIGHT)), S(Be64(h)));
    leveldb::WriteOptions wo;
    wo.sync = m_sync;
    Failpoint("before", "commit");
    leveldb::Status st = m_db->Write(wo, &batch);
    if (!st.ok()) return Fail(StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::IO, st.ToString()});
    Failpoint("after", "commit");
    if (m_state_cache_bytes != 0) {
        // Readers see the new values from here on; a read that began before the batch was written
        // does not insert what it read (the generation changed).
        std::lock_guard lock(m_state_mu);
        ++m_state_generation;
        for (const auto& [k, v] : cb.writes) {
            const std::string_view key = View(k);
            if (auto it = m_state_new.find(key); it != m_state_new.end()) {
                m_state_new_bytes += StateEntryBytes(key.size(), v);
                m_state_new_bytes -= StateEntryBytes(key.size(), it->second);
                it->second = v;
            } else if (auto old = m_state_old.find(key); old != m_state_old.end()) {
                m_state_old.erase(old);
                CacheStateLocked(std::string(key), v);
            }
        }
    }
    {
        // The next block's state map update starts from these nodes.
        std::lock_guard lock(m_node_mu);
        for (const auto& [hash, node] : cb.smt_nodes) CacheNode(hash, node);
    }
    return Ok{};
}

Status<StoreFailure> ChainStore::PutCommitCert(uint64_t height, ByteView cert) {
    leveldb::WriteOptions wo;
    wo.sync = m_sync;
    Failpoint("before", "cert");
    leveldb::Status st = m_db->Put(wo, S(CertKey(height)), S(cert));
    if (!st.ok()) return Fail(StoreFailure{StoreError::IO, st.ToString()});
    Failpoint("after", "cert");
    return Ok{};
}

std::optional<Bytes> ChainStore::GetMeta(const std::string& name) const { return RawGet(Key("X/" + name)); }

void ChainStore::ForEachState(ByteView prefix, const std::function<void(const Bytes&, const Bytes&)>& fn) const {
    leveldb::ReadOptions ro;
    ro.verify_checksums = true;
    std::unique_ptr<leveldb::Iterator> it(m_db->NewIterator(ro));
    Bytes full = StateKey(prefix);
    leveldb::Slice fs = S(full);
    for (it->Seek(fs); it->Valid() && it->key().starts_with(fs); it->Next()) {
        Bytes key(it->key().data() + 2, it->key().data() + it->key().size());
        Bytes value(it->value().data(), it->value().data() + it->value().size());
        fn(key, value);
    }
    if (!it->status().ok()) folio::Fatal("store", "scan failed: " + it->status().ToString());
}

Result<size_t, StoreFailure> ChainStore::PruneStateVersions(uint64_t floor, size_t max_records) {
    const Bytes start = Key("P/");
    const Bytes end = Key("P/", Be64(floor + 1));  // stale since <= floor
    std::vector<Bytes> index_keys;
    std::vector<std::pair<uint64_t, Hash256>> records;
    {
        leveldb::ReadOptions ro;
        ro.verify_checksums = true;
        std::unique_ptr<leveldb::Iterator> it(m_db->NewIterator(ro));
        for (it->Seek(S(start)); it->Valid() && records.size() < max_records; it->Next()) {
            const leveldb::Slice k = it->key();
            if (k.compare(S(end)) >= 0) break;
            if (k.size() != 2 + 8 + 8 + 32) return Fail(StoreFailure{StoreError::CORRUPTION, "bad stale-node index key"});
            const auto* p = reinterpret_cast<const uint8_t*>(k.data()) + 2 + 8;
            uint64_t version = 0;
            for (int i = 0; i < 8; ++i) version = version << 8 | p[i];
            Hash256 h;
            std::copy(p + 8, p + 40, h.data.begin());
            records.emplace_back(version, h);
            index_keys.emplace_back(k.data(), k.data() + k.size());
        }
        if (!it->status().ok())
            return Fail(StoreFailure{it->status().IsCorruption() ? StoreError::CORRUPTION : StoreError::IO,
                                     it->status().ToString()});
    }
    if (records.empty()) return size_t{0};
    // The records first, durably; then their index entries. A crash in between leaves index
    // entries whose records are gone: deleting them again is harmless.
    leveldb::WriteBatch nodes;
    for (const auto& [version, h] : records) nodes.Delete(S(NodeKey(version, h)));
    leveldb::WriteOptions nwo;
    nwo.sync = m_sync;
    if (leveldb::Status st = m_nodes_db->Write(nwo, &nodes); !st.ok())
        return Fail(StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::IO, st.ToString()});
    {
        // A cached record of a pruned hash may name children at pruned versions: forget it (the
        // live record of the same hash, if any, is read again from LevelDB).
        std::lock_guard lock(m_node_mu);
        if (m_node_slot_count != 0)
            for (const auto& [version, h] : records) {
                NodeSlot* set = SlotSet(h);
                for (int i = 0; i < 2; ++i)
                    if (set[i].len != 0 && set[i].hash == h) set[i] = NodeSlot{};
            }
    }
    leveldb::WriteBatch index;
    for (const Bytes& k : index_keys) index.Delete(S(k));
    leveldb::WriteOptions wo;
    wo.sync = false;
    if (leveldb::Status st = m_db->Write(wo, &index); !st.ok())
        return Fail(StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::IO, st.ToString()});
    // Deleted keys take disk until a compaction reaches the files holding them: with keys that
    // only grow, LevelDB moves old files down untouched, so without this the space of pruned
    // versions would come back only when the deeper levels fill. Once per PRUNE_COMPACT_EVERY
    // heights of the floor (it is called every 64), the ranges just pruned are compacted: the
    // records below the floor (all deleted) and the index entries.
    if (floor % PRUNE_COMPACT_EVERY < 64) {
        const Bytes nodes_begin = Key("n/"), nodes_end = Key("n/", Be64(floor));
        const leveldb::Slice nb = S(nodes_begin), ne = S(nodes_end), ib = S(start), ie = S(end);
        m_nodes_db->CompactRange(&nb, &ne);
        m_db->CompactRange(&ib, &ie);
    }
    return records.size();
}

size_t ChainStore::CountNodeRecords() const {
    leveldb::ReadOptions ro;
    std::unique_ptr<leveldb::Iterator> it(m_nodes_db->NewIterator(ro));
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
}

void ChainStore::ForEachMeta(const std::string& prefix,
                             const std::function<void(const std::string&, const Bytes&)>& fn) const {
    leveldb::ReadOptions ro;
    ro.verify_checksums = true;
    std::unique_ptr<leveldb::Iterator> it(m_db->NewIterator(ro));
    std::string full = "X/" + prefix;
    for (it->Seek(full); it->Valid() && it->key().starts_with(full); it->Next()) {
        std::string name = it->key().ToString().substr(2);
        Bytes value(it->value().data(), it->value().data() + it->value().size());
        fn(name, value);
    }
    if (!it->status().ok()) folio::Fatal("store", "scan failed: " + it->status().ToString());
}

Status<StoreFailure> ChainStore::DeleteMeta(const std::string& name) {
    leveldb::WriteOptions wo;
    wo.sync = false;
    leveldb::Status st = m_db->Delete(wo, S(Key("X/" + name)));
    if (!st.ok()) return Fail(StoreFailure{StoreError::IO, st.ToString()});
    return Ok{};
}

Status<StoreFailure> ChainStore::PutMeta(const std::string& name, ByteView value, bool sync) {
    leveldb::WriteOptions wo;
    wo.sync = sync;
    const std::string_view point = std::string_view(name).substr(0, name.find('/'));
    Failpoint("before", point);
    leveldb::Status st = m_db->Put(wo, S(Key("X/" + name)), S(value));
    if (!st.ok()) return Fail(StoreFailure{StoreError::IO, st.ToString()});
    Failpoint("after", point);
    return Ok{};
}

namespace {

class LevelDbStateView final : public StateView {
public:
    LevelDbStateView(leveldb::DB* db) : m_db(db), m_snapshot(db->GetSnapshot()) {
        auto v = Read(Key(META_HEIGHT));
        m_height = v && v->size() == 8 ? ReadBe64(*v) : 0;
    }
    ~LevelDbStateView() override { m_db->ReleaseSnapshot(m_snapshot); }
    uint64_t Height() const override { return m_height; }
    void ForEachState(const std::function<void(const Bytes&, const Bytes&)>& fn) const override {
        std::unique_ptr<leveldb::Iterator> it(m_db->NewIterator(Options()));
        const Bytes prefix = Key("S/");
        for (it->Seek(S(prefix)); it->Valid() && it->key().starts_with(S(prefix)); it->Next()) {
            Bytes key(it->key().data() + prefix.size(), it->key().data() + it->key().size());
            Bytes value(it->value().data(), it->value().data() + it->value().size());
            fn(key, value);
        }
        if (!it->status().ok()) folio::Fatal("store", "scan failed: " + it->status().ToString());
    }
    std::optional<Bytes> Get(ByteView key) const override { return Read(StateKey(key)); }
    std::optional<Bytes> GetMeta(const std::string& name) const override { return Read(Key("X/" + name)); }

private:
    leveldb::ReadOptions Options() const {
        leveldb::ReadOptions ro;
        ro.verify_checksums = true;
        ro.snapshot = m_snapshot;
        ro.fill_cache = false;  // a whole-state scan would evict what the node reads
        return ro;
    }
    std::optional<Bytes> Read(const Bytes& key) const {
        std::string v;
        leveldb::Status st = m_db->Get(Options(), S(key), &v);
        if (st.IsNotFound()) return std::nullopt;
        if (!st.ok()) folio::Fatal("store", "read failed: " + st.ToString());
        return Bytes(v.begin(), v.end());
    }
    leveldb::DB* m_db;
    const leveldb::Snapshot* m_snapshot;
    uint64_t m_height = 0;
};

StoreFailure WriteFailure(const leveldb::Status& st) {
    return StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::IO, st.ToString()};
}

}  // namespace

std::shared_ptr<const StateView> ChainStore::ViewState() const { return std::make_shared<LevelDbStateView>(m_db.get()); }

Status<StoreFailure> ChainStore::InstallState(const std::vector<std::pair<Bytes, Bytes>>& entries) {
    if (Height()) return Fail(StoreFailure{StoreError::HEIGHT_MISMATCH, "a snapshot installs only into a new store"});
    leveldb::WriteBatch batch;
    for (const auto& [k, v] : entries) batch.Put(S(StateKey(k)), S(v));
    leveldb::Status st = m_db->Write(leveldb::WriteOptions(), &batch);
    if (!st.ok()) return Fail(WriteFailure(st));
    return Ok{};
}

Status<StoreFailure> ChainStore::InstallNodes(uint64_t version, const std::vector<std::pair<Hash256, Bytes>>& records) {
    if (Height()) return Fail(StoreFailure{StoreError::HEIGHT_MISMATCH, "a snapshot installs only into a new store"});
    leveldb::WriteBatch batch;
    for (const auto& [hash, record] : records) batch.Put(S(NodeKey(version, hash)), S(record));
    leveldb::WriteOptions wo;
    wo.sync = m_sync;
    leveldb::Status st = m_nodes_db->Write(wo, &batch);
    if (!st.ok()) return Fail(WriteFailure(st));
    return Ok{};
}

Status<StoreFailure> ChainStore::InstallBase(const protocol::Block& genesis, const CommittedBlock& top) {
    if (Height()) return Fail(StoreFailure{StoreError::HEIGHT_MISMATCH, "a snapshot installs only into a new store"});
    const uint64_t h = top.block.header.height;
    if (genesis.header.height != 0 || h == 0 || !top.writes.empty() || !top.smt_nodes.empty())
        return Fail(StoreFailure{StoreError::HEIGHT_MISMATCH, "a snapshot base is genesis and one block above it"});
    leveldb::WriteBatch batch;
    PutBlock(batch, genesis, {});
    batch.Put(S(Key(META_FORMAT)), S(Be64(STORE_FORMAT)));
    PutBlock(batch, top.block, top.receipts);
    if (!top.commit_cert.empty()) batch.Put(S(CertKey(h)), S(top.commit_cert));
    for (const auto& [name, value] : top.meta) batch.Put(S(Key("X/" + name)), S(value));
    batch.Put(S(Key(META_HEIGHT)), S(Be64(h)));
    leveldb::WriteOptions wo;
    wo.sync = true;
    leveldb::Status st = m_db->Write(wo, &batch);
    if (!st.ok()) return Fail(WriteFailure(st));
    return Ok{};
}

Result<size_t, StoreFailure> ChainStore::PruneBlocks(uint64_t from, uint64_t to,
                                                     const std::vector<std::pair<std::string, Bytes>>& meta) {
    if (from == 0) from = 1;
    leveldb::WriteBatch batch;
    size_t pruned = 0;
    for (uint64_t h = from; h < to; ++h) {
        auto raw = RawGet(BlockKey(h));
        if (!raw) continue;
        auto block = protocol::DecodeBlock(*raw, raw->size());
        if (!block) return Fail(StoreFailure{StoreError::CORRUPTION, "block " + std::to_string(h) + " does not decode"});
        for (uint32_t i = 0; i < block->header.tx_count; ++i) {
            if (auto rc = RawGet(ReceiptKey(h, i))) {
                if (auto r = protocol::DecodeReceipt(*rc)) batch.Delete(S(TxKey(r->tx_id)));
            }
            batch.Delete(S(ReceiptKey(h, i)));
        }
        batch.Delete(S(HashKey(protocol::BlockHash(block->header))));
        batch.Delete(S(BlockKey(h)));
        batch.Delete(S(CertKey(h)));
        ++pruned;
    }
    for (const auto& [name, value] : meta) batch.Put(S(Key("X/" + name)), S(value));
    leveldb::Status st = m_db->Write(leveldb::WriteOptions(), &batch);
    if (!st.ok()) return Fail(WriteFailure(st));
    {
        std::lock_guard lock(m_block_mu);  // decoded blocks kept for readers
        std::erase_if(m_recent_blocks, [&](const auto& e) { return e.first >= from && e.first < to; });
    }
    // As in PruneStateVersions: the pruned ranges compacted once per PRUNE_COMPACT_EVERY heights.
    // The hash-keyed indexes (H/, T/) are compacted whole: with pruning on they hold only the
    // retained blocks' entries.
    if (from / PRUNE_COMPACT_EVERY != to / PRUNE_COMPACT_EVERY) {
        for (const char* prefix : {"B/", "C/", "R/", "H/", "T/"}) {
            const bool by_height = prefix[0] == 'B' || prefix[0] == 'C' || prefix[0] == 'R';
            const Bytes b = Key(prefix), e = by_height ? Key(prefix, Be64(to)) : Key(prefix, Bytes(33, 0xff));
            const leveldb::Slice bs = S(b), es = S(e);
            m_db->CompactRange(&bs, &es);
        }
    }
    return pruned;
}

Status<StoreFailure> ChainStore::DeleteMetas(const std::vector<std::string>& names,
                                             const std::vector<std::pair<std::string, Bytes>>& meta) {
    leveldb::WriteBatch batch;
    for (const std::string& n : names) batch.Delete(S(Key("X/" + n)));
    for (const auto& [name, value] : meta) batch.Put(S(Key("X/" + name)), S(value));
    leveldb::Status st = m_db->Write(leveldb::WriteOptions(), &batch);
    if (!st.ok()) return Fail(WriteFailure(st));
    return Ok{};
}

}  // namespace folio::storage
