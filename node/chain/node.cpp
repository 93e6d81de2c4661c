#include <node/chain/node.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <node/core/fatal.h>
#include <node/core/merkle.h>
#include <node/log/log.h>
#include <node/metrics/metrics.h>
#include <node/metrics/process.h>
#include <node/state/execute.h>
#include <node/state/keys.h>
#include <node/state/records.h>
#include <node/state/state_root.h>
#include <node/storage/safety_file.h>

namespace folio::chain {

static uint64_t NowMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
}

// Opens the store and checks that its head is whole: the head block's header and the state map's
// root at the head's version (written at every version, node/core/smt.h). A write-ahead-log tail
// that LevelDB dropped (a torn or damaged tail of a synced write) leaves a head without its state
// and is reported as corruption, as a checksum failure is.
static Result<std::unique_ptr<storage::ChainStore>, storage::StoreFailure> OpenConsistentStore(
    const std::string& path, const storage::StoreOptions& so) {
    auto store = storage::ChainStore::Open(path, so);
    if (!store) return store;
    const auto& st = *store.value();
    if (auto h = st.Height()) {
        auto header = st.Header(*h);
        if (!header)
            return Fail(storage::StoreFailure{storage::StoreError::CORRUPTION,
                                              "the head block " + std::to_string(*h) + " is missing"});
        if (!st.GetNode(header->state_root, *h))
            return Fail(storage::StoreFailure{storage::StoreError::CORRUPTION,
                                              "the state map's root at height " + std::to_string(*h) +
                                                  " is missing (a lost tail of the node store)"});
    }
    return store;
}

// The chain's metrics (docs/operations.md, "Metrics"). The per-kind counters exist from the start
// (at zero), so a rate over them is defined before the first transaction of a kind.
struct Node::Metrics {
    explicit Metrics(metrics::Registry& r)
        : rejected(r.AddCounterFamily("folio_tx_rejected_total",
                                      "Transactions refused at admission into the mempool (never in a block), by "
                                      "kind (unknown: it did not decode) and reason (docs/errors.md).",
                                      {"kind", "reason"})),
          skipped(r.AddCounterFamily("folio_tx_skipped_total",
                                     "Transactions in an executed block's batch left out of the block, invalid at "
                                     "their position, by kind and reason.",
                                     {"kind", "reason"})),
          failed(r.AddCounterFamily("folio_tx_failed_total",
                                    "Committed transactions that failed during execution (success = false: nonce "
                                    "used, writes discarded), by kind and reason.",
                                    {"kind", "reason"})),
          blocks(r.AddCounter("folio_blocks_committed_total", "Blocks committed to this node's store.")),
          block_txs(r.AddHistogram("folio_block_transactions", "Transactions per committed block.",
                                   metrics::ExponentialBuckets(1, 2, 15))),
          block_bytes(r.AddHistogram("folio_block_size_bytes", "Encoded size of a committed block's transactions.",
                                     metrics::ExponentialBuckets(256, 4, 10))),
          block_latency(r.AddHistogram("folio_block_commit_latency_seconds",
                                       "From a block's time (set by its proposer) until it is stored on this node.",
                                       metrics::LatencyBuckets())),
          tx_latency(r.AddHistogram("folio_tx_commit_latency_seconds",
                                    "From a transaction's admission into this node's mempool until its block is "
                                    "stored on this node.",
                                    metrics::LatencyBuckets())) {
        auto& adm = r.AddCounterFamily("folio_tx_admitted_total",
                                       "Transactions admitted into the mempool (from clients and peers), by kind.",
                                       {"kind"});
        auto& com = r.AddCounterFamily("folio_tx_committed_total",
                                       "Transactions committed in blocks (failed ones included), by kind.", {"kind"});
        for (uint8_t k = 1; k <= protocol::TX_KIND_MAX; ++k) {
            const char* name = protocol::TxKindName(static_cast<protocol::TxKind>(k));
            admitted[k] = &adm.With({name});
            committed[k] = &com.With({name});
        }
    }
    static std::string_view KindName(const protocol::Transaction& tx) {
        return protocol::TxKindName(protocol::KindOf(tx.body));
    }
    static void Count(metrics::Counter* const (&by_kind)[protocol::TX_KIND_MAX + 1], protocol::TxKind kind) {
        const auto k = static_cast<size_t>(kind);
        if (k >= 1 && k <= protocol::TX_KIND_MAX) by_kind[k]->Inc();
    }

    metrics::Counter* admitted[protocol::TX_KIND_MAX + 1] = {};
    metrics::Counter* committed[protocol::TX_KIND_MAX + 1] = {};
    metrics::Family<metrics::Counter>& rejected;
    metrics::Family<metrics::Counter>& skipped;
    metrics::Family<metrics::Counter>& failed;
    metrics::Counter& blocks;
    metrics::Histogram& block_txs;
    metrics::Histogram& block_bytes;
    metrics::Histogram& block_latency;
    metrics::Histogram& tx_latency;
};

Node::Node(NodeConfig cfg) : m_cfg(std::move(cfg)), m_mempool(m_cfg.mempool), m_sig_cache(m_cfg.sig_cache_ids) {}

Node::~Node() = default;

void Node::AttachMetrics(metrics::Registry& r) {
    m_metrics = std::make_unique<Metrics>(r);
    // Read when scraped.
    r.AddGaugeFunc("folio_height", "Height of the last block committed to this node's store.",
                   [this] { return static_cast<double>(height()); });
    r.AddGaugeFunc("folio_state_floor_height",
                   "Lowest height whose state tree this node still holds (--state-retain-versions; 0: every one).",
                   [this] { return static_cast<double>(StateFloor()); });
    r.AddGaugeFunc("folio_ledger_floor_height",
                   "Lowest height above genesis whose block this node still holds (--ledger-retain-blocks, state "
                   "sync; 1: every one).",
                   [this] { return static_cast<double>(LedgerFloor()); });
    r.AddGaugeFunc("folio_mempool_transactions", "Transactions waiting in the mempool.",
                   [this] { return static_cast<double>(m_mempool.Size()); });
    r.AddGaugeFunc("folio_mempool_capacity_transactions", "The mempool's capacity (--mempool-max-txs).",
                   [this] { return static_cast<double>(m_cfg.mempool.max_txs); });
    r.AddGaugeFunc("folio_store_size_bytes", "Bytes of the chain store on disk (HOME/data).",
                   [dir = m_cfg.home + "/data"]() -> std::optional<double> {
                       if (auto b = metrics::DirectoryBytes(dir)) return static_cast<double>(*b);
                       return std::nullopt;
                   });
    r.AddFunc(metrics::Type::COUNTER, "folio_store_compactions_total",
              "LevelDB's background work on the chain store by database (chain; nodes: the state map's "
              "nodes) and kind (flush: memtable to a level-0 table; compaction: tables merged; move: a "
              "table moved to the next level).",
              {"db", "kind"}, [this] {
                  std::vector<metrics::Sample> out;
                  for (bool nodes : {false, true}) {
                      const storage::CompactionCounts c = m_store->Compactions(nodes);
                      const std::string db = nodes ? "nodes" : "chain";
                      out.push_back({{db, "compaction"}, static_cast<double>(c.compactions)});
                      out.push_back({{db, "flush"}, static_cast<double>(c.flushes)});
                      out.push_back({{db, "move"}, static_cast<double>(c.moves)});
                  }
                  return out;
              });
}

Result<std::unique_ptr<Node>, std::string> Node::Open(NodeConfig cfg) {
    std::unique_ptr<Node> node(new Node(std::move(cfg)));
    node->m_params.chain_id = node->m_cfg.genesis.chain_id;
    if (!node->m_cfg.validator_key.IsZero()) {
        node->m_validator_pub = DerivePublicKey(node->m_cfg.validator_key);
        if (!node->m_validator_pub) return Fail(std::string("the validator key is not a valid secp256k1 secret key"));
    }
    std::error_code ec;
    std::filesystem::create_directories(node->m_cfg.home + "/data", ec);
    if (ec) return Fail("cannot create " + node->m_cfg.home + "/data: " + ec.message());
    storage::StoreOptions so;
    so.sync = node->m_cfg.sync_writes;
    so.node_cache_bytes = node->m_cfg.state_cache_bytes;
    so.state_cache_bytes = node->m_cfg.state_values_cache_bytes;
    auto store = OpenConsistentStore(node->m_cfg.home + "/data", so);
    if (!store && store.error().code == storage::StoreError::CORRUPTION && node->m_cfg.quarantine_corrupt_store) {
        // docs/operations.md, "A damaged store": move it aside whole (for a look later), keep the
        // safety state (outside it), start over from genesis and sync from the peers.
        const std::string aside = node->m_cfg.home + "/data.corrupt-" + std::to_string(NowMs());
        log::Error("store",
                   "the chain store is damaged: moved aside, starting over from genesis and syncing from "
                   "the peers (the safety state is kept)",
                   {{"error", store.error().message}, {"moved_to", aside}});
        std::filesystem::rename(node->m_cfg.home + "/data", aside, ec);
        if (ec)
            return Fail("the store is damaged (" + store.error().message +
                        ") and cannot be moved aside: " + ec.message());
        std::filesystem::create_directories(node->m_cfg.home + "/data", ec);
        if (ec) return Fail("cannot create " + node->m_cfg.home + "/data: " + ec.message());
        store = OpenConsistentStore(node->m_cfg.home + "/data", so);
    }
    if (!store) return Fail("cannot open the store: " + store.error().message);
    node->m_store = std::move(store.value());
    std::string err;
    if (!node->InitGenesis(err)) return Fail(err);
    return node;
}

std::optional<Bytes> Node::SafetyState() const {
    auto r = storage::ReadSafetyFile(m_cfg.home + "/safety");
    if (!r)
        Fatal("store", "the consensus safety state is unreadable: " + r.error() +
                           " (docs/operations.md, \"A damaged safety state\")");
    return std::move(r.value());
}

std::optional<std::string> Node::PutSafetyState(ByteView state) {
    return storage::WriteSafetyFile(m_cfg.home + "/safety", state);
}

bool Node::InitGenesis(std::string& err) {
    auto gen = MakeGenesisBlock(m_cfg.genesis);
    if (!gen) {
        err = gen.error();
        return false;
    }
    protocol::Block& g = gen.value().block;
    m_genesis_hash = gen.value().hash;

    auto h = m_store->Height();
    if (!h) {
        storage::CommittedBlock cb;
        cb.block = g;
        cb.writes = std::move(gen.value().writes);
        cb.smt_nodes = std::move(gen.value().smt_nodes);
        if (auto st = m_store->Commit(cb); !st) {
            err = "cannot store genesis: " + st.error().message;
            return false;
        }
        m_height = 0;
        m_head = g.header;
        return true;
    }
    auto stored = m_store->Header(0);
    if (!stored || protocol::BlockHash(*stored) != m_genesis_hash) {
        err = "the data directory holds a different chain than this genesis file (genesis hash mismatch)";
        return false;
    }
    m_height = *h;
    m_head = *m_store->Header(*h);
    return true;
}

Result<Hash256, AdmitError> Node::Admit(ByteView tx_bytes, bool from_peer) {
    using state::Reject;
    auto unknown = [&](Reject code, std::string msg) {
        if (m_metrics) m_metrics->rejected.With({"unknown", state::RejectCode(code)}).Inc();
        return Fail(AdmitError{code, std::move(msg)});
    };
    if (tx_bytes.size() > protocol::MAX_TX_BYTES)
        return unknown(Reject::OVERSIZED, "transaction is " + std::to_string(tx_bytes.size()) +
                                              " bytes; the limit is " + std::to_string(protocol::MAX_TX_BYTES));
    auto tx = protocol::DecodedTx::Decode(tx_bytes);
    if (!tx) return unknown(Reject::MALFORMED, std::string("transaction does not decode: ") + DecodeErrorName(tx.error()));
    return Admit(std::move(tx.value()), from_peer);
}

Result<Hash256, AdmitError> Node::Admit(protocol::DecodedTx dtx, bool from_peer) {
    if (!m_metrics) return AdmitDecoded(std::move(dtx), from_peer);
    const std::string_view kind = Metrics::KindName(dtx.tx());
    auto r = AdmitDecoded(std::move(dtx), from_peer);
    if (!r) m_metrics->rejected.With({kind, state::RejectCode(r.error().code)}).Inc();
    return r;
}

Result<Hash256, AdmitError> Node::AdmitDecoded(protocol::DecodedTx dtx, bool from_peer) {
    using state::Reject;
    if (dtx.bytes().size() > protocol::MAX_TX_BYTES)
        return Fail(AdmitError{Reject::OVERSIZED, "transaction is " + std::to_string(dtx.bytes().size()) +
                                                      " bytes; the limit is " +
                                                      std::to_string(protocol::MAX_TX_BYTES)});
    const Hash256 id = dtx.id();
    const protocol::Transaction& tx = dtx.tx();
    if (m_mempool.Contains(id) || m_store->FindTx(id)) return id;  // idempotent resubmission
    auto reject = [&](Reject code, std::string msg) {
        m_mempool.RememberRejection(id, state::RejectCode(code), msg);  // so tx_get can say why
        return Fail(AdmitError{code, std::move(msg)});
    };
    if (auto st = state::CheckStateless(tx, m_params); !st) return reject(st.error().code, st.error().message);
    if (!VerifyCached(m_sig_cache, tx, id))
        return reject(Reject::BAD_SIGNATURE, "signature does not verify for the sender's key");
    std::lock_guard lock(m_admit_mu);
    if (auto st = state::CheckAgainstState(*m_store, tx, NowMs(), state::NonceMode::WINDOW); !st) {
        // A resubmission can race the commit of the very transaction (committed between the look
        // above and this check, its nonce now used): that is the idempotent case, not a rejection.
        if (m_store->FindTx(id)) return id;
        return reject(st.error().code, st.error().message);
    }
    // The bytes go to the pool with the transaction; the callback sees them before the move.
    Bytes gossip_bytes;
    if (!from_peer && m_on_admit) gossip_bytes = dtx.bytes();
    const protocol::TxKind kind = protocol::KindOf(tx.body);  // `tx` moves into the pool
    switch (m_mempool.Add(std::move(dtx))) {
        case AddResult::ADDED:
            if (m_metrics) Metrics::Count(m_metrics->admitted, kind);
            if (!from_peer && m_on_admit) m_on_admit(id, gossip_bytes);
            return id;
        case AddResult::ALREADY_KNOWN:
            return id;
        case AddResult::NONCE_IN_USE:
            return reject(Reject::NONCE_TOO_LOW, "another pending transaction already uses this nonce");
        case AddResult::POOL_FULL:
            return Fail(AdmitError{Reject::MEMPOOL_FULL, "mempool is full; retry later"});
    }
    return id;
}

BuiltBlock Node::BuildBlock(uint64_t time_ms) {
    std::vector<PoolEntry> cands = m_mempool.Candidates(m_cfg.max_block_txs);
    std::vector<protocol::DecodedTx> txs;
    txs.reserve(cands.size());
    for (PoolEntry& e : cands) txs.push_back(std::move(e.tx));
    return ExecuteBlock(time_ms, m_validator_pub.value_or(PublicKey{}), std::move(txs));
}

BuiltBlock Node::ExecuteBlock(uint64_t time_ms, const PublicKey& proposer, std::vector<protocol::DecodedTx> txs,
                              const std::vector<EvidenceItem>& evidence, const std::vector<Address>* next_validators) {
    const protocol::BlockHeader parent = Head();
    std::vector<Hash256> ids;  // to drop what is skipped (the batch moves into ExecuteBatch)
    ids.reserve(txs.size());
    std::vector<size_t> sizes(txs.size());  // the included transactions' bytes make the block's size
    for (size_t i = 0; i < txs.size(); ++i) {
        ids.push_back(txs[i].id());
        sizes[i] = txs[i].bytes().size();
    }
    std::vector<protocol::TxKind> kinds;  // for the skipped transactions' metric
    if (m_metrics)
        for (const protocol::DecodedTx& t : txs) kinds.push_back(protocol::KindOf(t.tx().body));
    std::vector<state::BatchEvidence> recorded;
    for (const EvidenceItem& ev : evidence) recorded.push_back({ev.id, ev.signer, ev.encoded});
    state::ExecutedBlock executed =
        state::ExecuteBatch(*m_store, *m_store, parent, m_params, state::NextBlockContext(parent, time_ms, proposer),
                            std::move(txs), recorded, next_validators);
    BuiltBlock out;
    for (size_t n : sizes) out.tx_bytes += n;
    for (const state::SkippedTx& s : executed.skipped) {
        out.tx_bytes -= sizes[s.index];
        // A gap left by an earlier skipped transaction: it may fit a later block.
        if (s.why.code == state::Reject::NONCE_TOO_HIGH) continue;
        if (m_metrics)
            m_metrics->skipped.With({protocol::TxKindName(kinds[s.index]), state::RejectCode(s.why.code)}).Inc();
        m_mempool.Drop(ids[s.index], state::RejectCode(s.why.code), s.why.message);
    }
    out.hash = executed.hash;
    out.committed.block = std::move(executed.block);
    out.committed.receipts = std::move(executed.receipts);
    out.committed.writes = std::move(executed.writes);
    out.committed.smt_nodes = std::move(executed.smt_nodes);
    out.committed.smt_stale = std::move(executed.smt_stale);
    return out;
}

CommitCert Node::SignCommit(const BuiltBlock& b) const {
    CommitCert c;
    if (!m_validator_pub) return c;
    Hash256 msg = CommitMessage(m_params.chain_id, b.committed.block.header.height, b.hash);
    // Deterministic BIP-340 nonce (aux = the message): the same block always gets the same signature.
    auto sig = SignSchnorr(m_cfg.validator_key, msg, msg);
    c.signatures.emplace_back(*m_validator_pub, *sig);
    return c;
}

bool Node::CommitBlock(BuiltBlock b, const CommitCert& cert) {
    b.committed.commit_cert = EncodeCommitCert(cert);
    return CommitBlock(std::move(b));
}

bool Node::StoreCommitCert(uint64_t height, const CommitCert& cert) {
    if (auto st = m_store->PutCommitCert(height, EncodeCommitCert(cert)); !st) {
        log::Error("chain", "storing the commit certificate failed",
                   {{"height", height}, {"error", st.error().message}});
        return false;
    }
    return true;
}

std::string SettlementEventKey(uint64_t seq) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "sev/%020llu", static_cast<unsigned long long>(seq));
    return buf;
}

// A u64 node-local metadata value (Writer::U64), or `absent` when it is not stored.
uint64_t MetaU64(const storage::ChainStore& store, const std::string& name, uint64_t absent) {
    auto raw = store.GetMeta(name);
    if (!raw || raw->size() != 8) return absent;
    Reader r(*raw);
    return r.U64();
}

uint64_t Node::FirstSettlementSeq() const { return MetaU64(*m_store, SETTLEMENT_FIRST_META, 1); }

uint64_t Node::NextSettlementSeq() const {
    return MetaU64(*m_store, SETTLEMENT_NEXT_META, 1);
}

std::optional<state::SettlementEvent> Node::SettlementEventAt(uint64_t seq) const {
    auto raw = m_store->GetMeta(SettlementEventKey(seq));
    if (!raw) return std::nullopt;
    auto e = protocol::DecodeFields<state::SettlementEvent>(*raw);
    if (!e) return std::nullopt;
    return e.value();
}

void Node::CountCommitted(const BuiltBlock& b, const std::vector<std::chrono::steady_clock::time_point>& admitted) {
    const protocol::Block& block = b.committed.block;
    const auto& receipts = b.committed.receipts;
    for (size_t i = 0; i < block.txs.size(); ++i) {
        const protocol::TxKind kind = protocol::KindOf(block.txs[i].body);
        Metrics::Count(m_metrics->committed, kind);
        if (i < receipts.size() && !receipts[i].success)
            m_metrics->failed.With({protocol::TxKindName(kind), receipts[i].error_code}).Inc();
    }
    m_metrics->blocks.Inc();
    m_metrics->block_txs.Observe(static_cast<double>(block.txs.size()));
    m_metrics->block_bytes.Observe(static_cast<double>(b.tx_bytes));
    const uint64_t now_ms = NowMs();
    m_metrics->block_latency.Observe(
        now_ms > block.header.time_ms ? static_cast<double>(now_ms - block.header.time_ms) / 1000.0 : 0.0);
    const auto now = std::chrono::steady_clock::now();
    for (const auto& t : admitted) m_metrics->tx_latency.Observe(std::chrono::duration<double>(now - t).count());
}

bool Node::CommitBlock(BuiltBlock b) {
    // Settlement events get their global sequence numbers in the block's own write batch, so the
    // numbering is exactly as durable as the block (docs/settlement-events.md).
    uint64_t next = NextSettlementSeq();
    auto events = state::ExtractSettlementEvents(m_params.chain_id, b.committed.block, b.committed.receipts, next);
    for (const auto& e : events) b.committed.meta.emplace_back(SettlementEventKey(e.seq), protocol::EncodeFields(e));
    if (!events.empty()) {
        Writer w;
        w.U64(next + events.size());
        b.committed.meta.emplace_back(SETTLEMENT_NEXT_META, w.Take());
    }
    std::vector<Hash256> ids;
    ids.reserve(b.committed.receipts.size());
    for (const auto& rc : b.committed.receipts) ids.push_back(rc.tx_id);
    uint64_t h = b.committed.block.header.height;
    if (auto st = m_store->Commit(b.committed); !st) {
        log::Error("chain", "commit failed", {{"height", h}, {"error", st.error().message}});
        return false;
    }
    {
        std::lock_guard lock(m_head_mu);
        m_head = b.committed.block.header;
    }
    m_height = h;
    std::vector<std::chrono::steady_clock::time_point> admitted;  // of this node's transactions in the block
    m_mempool.RemoveCommitted(
        ids, [&](const Address& a) { return state::LoadAccount(*m_store, a).next_nonce; },
        m_metrics ? &admitted : nullptr);
    if (m_metrics) CountCommitted(b, admitted);
    if (m_cfg.state_retain_versions != 0 && h % STATE_PRUNE_EVERY == 0) MaybePruneState(h);
    if (m_cfg.ledger_retain_blocks != 0 && h % STATE_PRUNE_EVERY == 0) MaybePruneLedger(h);
    if (m_on_commit) m_on_commit(h);
    return true;
}

std::string HandoffMetaKey(uint64_t epoch) { return "handoff/" + std::to_string(epoch); }

std::optional<Bytes> Node::Handoff(uint64_t epoch) const {
    if (auto stored = m_store->GetMeta(HandoffMetaKey(epoch))) return stored;
    auto rec = state::LoadValidatorSetOfEpoch(*m_store, epoch);
    if (!rec || rec->from_height == 0) return std::nullopt;
    const uint64_t last = rec->from_height - 1;
    auto block = m_store->GetBlock(last);
    auto cert = m_store->GetCommitCert(last);
    const Bytes vkey = protocol::ValidatorSetKey(epoch);
    auto vraw = m_store->Get(vkey);
    if (!block || !cert || !vraw) return std::nullopt;
    auto proof = SmtProve(*m_store, block->header.state_root, last, Sha256Of(vkey));
    if (!proof) return std::nullopt;
    Bytes out = protocol::EncodeHandoff(
        protocol::ValidatorHandoff{protocol::EncodeHeader(block->header), *cert, *vraw, EncodeSmtProof(*proof)});
    // Kept (unsynced: it can be built again until pruning passes `last`, and pruning stores it
    // first) so it outlives the state version it proves against.
    if (auto st = m_store->PutMeta(HandoffMetaKey(epoch), out, false); !st)
        log::Warn("chain", "storing a validator hand-off failed", {{"epoch", epoch}, {"error", st.error().message}});
    return out;
}

Result<std::vector<Bytes>, uint64_t> Node::HandoffsUpTo(uint64_t height) const {
    std::vector<Bytes> out;
    for (uint64_t e = 1;; ++e) {
        auto rec = state::LoadValidatorSetOfEpoch(*m_store, e);
        if (!rec || rec->from_height > height) break;
        auto handoff = Handoff(e);  // stored once built: it outlives state pruning
        if (!handoff) return Fail(e);
        out.push_back(std::move(*handoff));
    }
    return out;
}

uint64_t Node::StateFloor() const { return MetaU64(*m_store, STATE_FLOOR_META, 0); }
uint64_t Node::LedgerFloor() const { return MetaU64(*m_store, LEDGER_FLOOR_META, 1); }

uint64_t Node::HandoffSafeFloor(uint64_t floor) const {
    // Hand-offs prove the new set against the state of the old epoch's last block: store each one
    // before its block or version goes; one that cannot be built yet holds the floor at its block.
    for (uint64_t e = 1;; ++e) {
        auto rec = state::LoadValidatorSetOfEpoch(*m_store, e);
        if (!rec || rec->from_height == 0 || rec->from_height - 1 >= floor) break;
        if (!Handoff(e)) return rec->from_height - 1;
    }
    return floor;
}

void Node::MaybePruneLedger(uint64_t height) {
    if (height <= m_cfg.ledger_retain_blocks) return;
    const uint64_t current = LedgerFloor();
    // A bounded amount per check (a backlog, e.g. when pruning is first turned on, is worked off
    // over the next checks).
    constexpr uint64_t MAX_BLOCKS_PER_CHECK = 512;
    const uint64_t floor = std::min(HandoffSafeFloor(height - m_cfg.ledger_retain_blocks), current + MAX_BLOCKS_PER_CHECK);
    if (floor <= current) return;
    Writer w;
    w.U64(floor);
    auto pruned = m_store->PruneBlocks(current, floor, {{LEDGER_FLOOR_META, w.Take()}});
    if (!pruned) {
        log::Error("chain", "block pruning failed", {{"floor", floor}, {"error", pruned.error().message}});
        return;
    }
    // Settlement events of the pruned blocks.
    std::vector<std::string> gone;
    uint64_t seq = FirstSettlementSeq();
    const uint64_t next = NextSettlementSeq();
    for (; seq < next && gone.size() < 100'000; ++seq) {
        auto e = SettlementEventAt(seq);
        if (e && e->height >= floor) break;
        gone.push_back(SettlementEventKey(seq));
    }
    if (!gone.empty()) {
        Writer first;
        first.U64(seq);
        if (auto st = m_store->DeleteMetas(gone, {{SETTLEMENT_FIRST_META, first.Take()}}); !st)
            log::Error("chain", "settlement event pruning failed", {{"error", st.error().message}});
    }
    log::Debug("chain", "blocks pruned", {{"floor", floor}, {"blocks", pruned.value()}, {"events", gone.size()}});
}

void Node::MaybePruneState(uint64_t height) {
    if (height <= m_cfg.state_retain_versions) return;
    const uint64_t floor = HandoffSafeFloor(height - m_cfg.state_retain_versions);
    if (floor <= StateFloor()) return;
    // A bounded amount per commit (a backlog, e.g. after pruning is first turned on, is worked
    // off over the next checks); the floor advances only once every record below it is gone.
    constexpr size_t MAX_RECORDS_PER_CHECK = 200'000;
    auto pruned = m_store->PruneStateVersions(floor, MAX_RECORDS_PER_CHECK);
    if (!pruned) {
        log::Error("chain", "state pruning failed", {{"floor", floor}, {"error", pruned.error().message}});
        return;
    }
    if (pruned.value() < MAX_RECORDS_PER_CHECK) {
        Writer w;
        w.U64(floor);
        if (auto st = m_store->PutMeta(STATE_FLOOR_META, w.Take(), false); !st)
            log::Error("chain", "storing the state floor failed", {{"error", st.error().message}});
    }
    log::Debug("chain", "state versions pruned", {{"floor", floor}, {"records", pruned.value()}});
}

std::optional<protocol::ValidatorSetRecord> Node::ValidatorSet() const { return state::LoadValidatorSet(*m_store); }

std::optional<protocol::ValidatorSetRecord> Node::ValidatorSetOfEpoch(uint64_t epoch) const {
    return state::LoadValidatorSetOfEpoch(*m_store, epoch);
}

std::optional<protocol::PendingValidatorSet> Node::PendingValidators() const {
    return state::LoadPendingValidatorSet(*m_store);
}

bool Node::ChangesValidatorSets(const BuiltBlock& b) {
    const auto& writes = b.committed.writes;
    return writes.count(state::keys::PendingValidators()) || writes.count(state::keys::Validators());
}

}  // namespace folio::chain
