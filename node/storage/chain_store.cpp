#include <node/storage/chain_store.h>

#include <cstdio>
#include <cstdlib>

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/write_batch.h>

namespace folio::storage {
namespace {

// Key spaces (docs/formats.md, "Store layout").
constexpr char META_HEIGHT[] = "M/height";

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
Bytes CertKey(uint64_t h) { return Key("C/", Be64(h)); }
Bytes HashKey(const Hash256& h) { return Key("H/", h.view()); }
Bytes TxKey(const Hash256& id) { return Key("T/", id.view()); }
Bytes ReceiptKey(uint64_t h, uint32_t i) {
    Bytes k = Key("R/", Be64(h));
    for (int s = 24; s >= 0; s -= 8) k.push_back(static_cast<uint8_t>(i >> s));
    return k;
}
Bytes StateKey(ByteView k) { return Key("S/", k); }
Bytes NodeKey(const Hash256& h) { return Key("N/", h.view()); }

leveldb::Slice S(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
leveldb::Slice S(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

[[noreturn]] void Fatal(const leveldb::Status& st) {
    // Our own store cannot be read: stop rather than serve or build on damaged data.
    std::fprintf(stderr, "foliod: fatal store error: %s\n", st.ToString().c_str());
    std::abort();
}

}  // namespace

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
    leveldb::DB* db = nullptr;
    leveldb::Status st = leveldb::DB::Open(o, path, &db);
    if (!st.ok()) {
        return Fail(StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::OPEN_FAILED, st.ToString()});
    }
    store->m_db.reset(db);
    store->m_sync = opts.sync;
    store->m_node_generation_bytes = opts.node_cache_bytes / 2;
    return store;
}

ChainStore::~ChainStore() = default;

std::optional<Bytes> ChainStore::RawGet(const Bytes& key) const {
    leveldb::ReadOptions ro;
    ro.verify_checksums = true;
    std::string v;
    leveldb::Status st = m_db->Get(ro, S(key), &v);
    if (st.IsNotFound()) return std::nullopt;
    if (!st.ok()) Fatal(st);
    return Bytes(v.begin(), v.end());
}

std::optional<Bytes> ChainStore::Get(ByteView key) const { return RawGet(StateKey(key)); }
// Per cached entry: the hash-table node, the key and the vector's header besides the bytes.
constexpr size_t NODE_ENTRY_OVERHEAD = 96;

void ChainStore::CacheNode(const Hash256& h, const Bytes& node) const {
    if (m_node_generation_bytes == 0) return;
    if (m_nodes_young_bytes >= m_node_generation_bytes) {
        m_nodes_old = std::move(m_nodes_young);
        m_nodes_young = NodeMap{};
        m_nodes_young.reserve(m_nodes_old.size());  // no rehashing while it fills again
        m_nodes_young_bytes = 0;
    }
    if (m_nodes_young.emplace(h, node).second) m_nodes_young_bytes += node.size() + NODE_ENTRY_OVERHEAD;
}

std::optional<Bytes> ChainStore::GetNode(const Hash256& h) const {
    {
        std::lock_guard lock(m_node_mu);
        if (auto it = m_nodes_young.find(h); it != m_nodes_young.end()) return it->second;
        if (auto it = m_nodes_old.find(h); it != m_nodes_old.end()) {
            Bytes node = std::move(it->second);
            m_nodes_old.erase(it);
            CacheNode(h, node);
            return node;
        }
    }
    auto node = RawGet(NodeKey(h));
    if (node) {
        std::lock_guard lock(m_node_mu);
        CacheNode(h, *node);
    }
    return node;
}

std::optional<uint64_t> ChainStore::Height() const {
    auto v = RawGet(Key(META_HEIGHT));
    if (!v) return std::nullopt;
    if (v->size() != 8) Fatal(leveldb::Status::Corruption("height record"));
    return ReadBe64(*v);
}

std::optional<Bytes> ChainStore::GetBlockBytes(uint64_t height) const { return RawGet(BlockKey(height)); }

std::optional<state::Block> ChainStore::GetBlock(uint64_t height) const {
    auto raw = GetBlockBytes(height);
    if (!raw) return std::nullopt;
    auto b = state::DecodeBlock(*raw, SIZE_MAX);
    if (!b) Fatal(leveldb::Status::Corruption("block record"));
    return std::move(b.value());
}

std::shared_ptr<const state::Block> ChainStore::GetBlockShared(uint64_t height) const {
    {
        std::lock_guard lock(m_block_mu);
        for (const auto& [h, b] : m_recent_blocks)
            if (h == height) return b;
    }
    auto b = GetBlock(height);
    if (!b) return nullptr;
    auto shared = std::make_shared<const state::Block>(std::move(*b));
    std::lock_guard lock(m_block_mu);
    m_recent_blocks.emplace_back(height, shared);
    if (m_recent_blocks.size() > RECENT_BLOCKS) m_recent_blocks.erase(m_recent_blocks.begin());
    return shared;
}

std::optional<state::BlockHeader> ChainStore::Header(uint64_t height) const {
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
    if (v->size() != 12) Fatal(leveldb::Status::Corruption("tx index record"));
    TxLocation loc;
    loc.height = ReadBe64(*v);
    loc.index = static_cast<uint32_t>((*v)[8]) << 24 | static_cast<uint32_t>((*v)[9]) << 16 |
                static_cast<uint32_t>((*v)[10]) << 8 | (*v)[11];
    return loc;
}

std::optional<state::Receipt> ChainStore::GetReceipt(uint64_t height, uint32_t index) const {
    auto raw = RawGet(ReceiptKey(height, index));
    if (!raw) return std::nullopt;
    auto r = state::DecodeReceipt(*raw);
    if (!r) Fatal(leveldb::Status::Corruption("receipt record"));
    return std::move(r.value());
}

std::vector<state::Receipt> ChainStore::GetReceipts(uint64_t height) const {
    std::vector<state::Receipt> out;
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
    batch.Put(S(BlockKey(h)), S(state::EncodeBlock(cb.block)));
    batch.Put(S(HashKey(state::BlockHash(cb.block.header))), S(Be64(h)));
    for (size_t i = 0; i < cb.receipts.size(); ++i) {
        auto idx = static_cast<uint32_t>(i);
        batch.Put(S(ReceiptKey(h, idx)), S(state::EncodeReceipt(cb.receipts[i])));
        Bytes loc = Be64(h);
        for (int s = 24; s >= 0; s -= 8) loc.push_back(static_cast<uint8_t>(idx >> s));
        batch.Put(S(TxKey(cb.receipts[i].tx_id)), S(loc));
    }
    for (const auto& [k, v] : cb.writes) {
        if (v) batch.Put(S(StateKey(k)), S(*v));
        else batch.Delete(S(StateKey(k)));
    }
    for (const auto& [hash, node] : cb.smt_nodes) batch.Put(S(NodeKey(hash)), S(node));
    if (!cb.commit_cert.empty()) batch.Put(S(CertKey(h)), S(cb.commit_cert));
    for (const auto& [name, value] : cb.meta) batch.Put(S(Key("X/" + name)), S(value));
    batch.Put(S(Key(META_HEIGHT)), S(Be64(h)));
    leveldb::WriteOptions wo;
    wo.sync = m_sync;
    leveldb::Status st = m_db->Write(wo, &batch);
    if (!st.ok()) return Fail(StoreFailure{st.IsCorruption() ? StoreError::CORRUPTION : StoreError::IO, st.ToString()});
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
    leveldb::Status st = m_db->Put(wo, S(CertKey(height)), S(cert));
    if (!st.ok()) return Fail(StoreFailure{StoreError::IO, st.ToString()});
    return Ok{};
}

std::optional<Bytes> ChainStore::GetMeta(const std::string& name) const { return RawGet(Key("X/" + name)); }

Status<StoreFailure> ChainStore::DeleteMeta(const std::string& name) {
    leveldb::Status st = m_db->Delete(leveldb::WriteOptions(), S(Key("X/" + name)));
    if (!st.ok()) return Fail(StoreFailure{StoreError::IO, st.ToString()});
    return Ok{};
}

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
    if (!it->status().ok()) Fatal(it->status());
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
    if (!it->status().ok()) Fatal(it->status());
}

Status<StoreFailure> ChainStore::PutMeta(const std::string& name, ByteView value, bool sync) {
    leveldb::WriteOptions wo;
    wo.sync = sync;
    leveldb::Status st = m_db->Put(wo, S(Key("X/" + name)), S(value));
    if (!st.ok()) return Fail(StoreFailure{StoreError::IO, st.ToString()});
    return Ok{};
}

}  // namespace folio::storage
