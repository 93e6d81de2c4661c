// The LevelDB chain store: atomic commits, reopening, ordering, and detection of damage.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <string>
#include <thread>

#include <leveldb/db.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <node/core/fatal.h>

#include <node/state/state_root.h>
#include <node/storage/chain_store.h>
#include <tests/unit/child_process.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using namespace folio::storage;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("folio-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
    }
    ~TempDir() { fs::remove_all(path); }
    static inline int counter = 0;
};

CommittedBlock BlockAt(uint64_t height, const StateReader& base, const SmtNodeReader& nodes, const Hash256& root,
                       std::vector<Transaction> txs) {
    CommittedBlock cb;
    cb.block.header.chain_id = "test-chain";
    cb.block.header.height = height;
    BlockContext ctx{height, height * 1000, test::AddrFor("validator")};
    auto r = ApplyBlock(base, ChainParams{"test-chain"}, ctx, txs);
    REQUIRE(r);
    auto smt = UpdateStateRoot(nodes, root, height - 1, r->writes, height);
    REQUIRE(smt);
    cb.block.txs = std::move(txs);
    cb.block.header.tx_count = static_cast<uint32_t>(cb.block.txs.size());
    cb.block.header.state_root = smt->new_root;
    cb.receipts = r->receipts;
    cb.writes = r->writes;
    cb.smt_nodes = smt->new_nodes;
    cb.smt_stale = smt->stale_nodes;
    cb.commit_cert = Bytes{1, 2, 3};
    return cb;
}

GenesisDoc Genesis() {
    GenesisDoc g;
    g.chain_id = "test-chain";
    g.validators.push_back({"v0", test::AddrFor("validator")});
    g.accounts.push_back({"alice", test::AddrFor("alice"), WithRole(0, Role::CREATOR), KycStatus::VERIFIED, "BR", {}});
    return g;
}

CommittedBlock GenesisCommit() {
    CommittedBlock cb;
    cb.block.header.chain_id = "test-chain";
    cb.writes = BuildGenesisState(Genesis()).value();
    MemoryNodeStore nodes;
    auto smt = UpdateStateRoot(nodes, Hash256{}, 0, cb.writes, 0);
    cb.block.header.state_root = smt->new_root;
    cb.smt_nodes = smt->new_nodes;
    return cb;
}

}  // namespace

TEST_CASE("blocks commit atomically and survive reopening") {
    TempDir dir;
    Hash256 tx_id, root1;
    {
        auto store = ChainStore::Open(dir.path.string(), {});
        REQUIRE(store);
        ChainStore& s = *store.value();
        CHECK_FALSE(s.Height());
        REQUIRE(s.Commit(GenesisCommit()));
        CHECK(s.Height() == 0u);
        auto tx = test::MakeTx("alice", 0, test::Work("song", {{"alice", 10000}}));
        tx_id = TxId(tx);
        CommittedBlock b1 = BlockAt(1, s, s, s.Header(0)->state_root, {tx});
        root1 = b1.block.header.state_root;
        REQUIRE(s.Commit(b1));
        CHECK(s.Height() == 1u);
    }
    auto store = ChainStore::Open(dir.path.string(), {});
    REQUIRE(store);
    ChainStore& s = *store.value();
    CHECK(s.Height() == 1u);
    auto loc = s.FindTx(tx_id);
    REQUIRE(loc);
    CHECK(loc->height == 1);
    CHECK(loc->index == 0);
    CHECK(s.GetReceipt(1, 0)->success);
    CHECK(s.GetReceipts(1).size() == 1);
    CHECK(s.GetCommitCert(1) == Bytes{1, 2, 3});
    CHECK(s.HeightOf(BlockHash(*s.Header(1))) == 1u);
    CHECK(s.Header(1)->state_root == root1);
    CHECK(LoadWork(s, 1)->title == "title of song");
    CHECK(LoadAccount(s, test::AddrFor("alice")).next_nonce == 1);
    // The state map is readable from the stored nodes: a proof for the account verifies.
    Bytes key = keys::Account(test::AddrFor("alice"));
    auto proof = SmtProve(s, root1, 1, StateKeyHash(key));
    REQUIRE(proof);
    CHECK(SmtVerifyInclusion(root1, StateKeyHash(key), StateValueHash(*s.Get(key)), proof.value()));
}

namespace {
// A block at `height` that only writes `writes` (the store does not check state roots).
CommittedBlock Writes(uint64_t height, WriteSet writes) {
    CommittedBlock cb;
    cb.block.header.chain_id = "test-chain";
    cb.block.header.height = height;
    cb.writes = std::move(writes);
    return cb;
}
Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }
}  // namespace

TEST_CASE("the state value cache follows every commit: changed, created and deleted values, and absences") {
    for (size_t cache : {size_t{0}, size_t{32} << 20, size_t{600}}) {  // none, roomy, turning over every few entries
        CAPTURE(cache);
        TempDir dir;
        StoreOptions o;
        o.state_cache_bytes = cache;
        auto store = ChainStore::Open(dir.path.string(), o);
        REQUIRE(store);
        ChainStore& s = *store.value();
        REQUIRE(s.Commit(Writes(0, {{B("kept"), B("v0")}, {B("changed"), B("a")}, {B("deleted"), B("x")}})));
        // Read everything once (cached, including the absence of "created").
        CHECK(s.Get(B("kept")) == B("v0"));
        CHECK(s.Get(B("changed")) == B("a"));
        CHECK(s.Get(B("deleted")) == B("x"));
        CHECK_FALSE(s.Get(B("created")));
        REQUIRE(s.Commit(Writes(1, {{B("changed"), B("bb")}, {B("deleted"), std::nullopt}, {B("created"), B("new")}})));
        CHECK(s.Get(B("kept")) == B("v0"));
        CHECK(s.Get(B("changed")) == B("bb"));
        CHECK_FALSE(s.Get(B("deleted")));
        CHECK(s.Get(B("created")) == B("new"));
        // Many other keys pass through the cache; the values stay right.
        for (int i = 0; i < 200; ++i) CHECK_FALSE(s.Get(B("other" + std::to_string(i))));
        REQUIRE(s.Commit(Writes(2, {{B("changed"), B("ccc")}})));
        CHECK(s.Get(B("changed")) == B("ccc"));
        CHECK(s.Get(B("created")) == B("new"));
    }
}

TEST_CASE("a reader racing a commit never leaves an old value in the state cache") {
    TempDir dir;
    StoreOptions o;
    o.sync = false;
    o.state_cache_bytes = 800;  // turns over every few entries, so the reader keeps missing "k"
    auto store = ChainStore::Open(dir.path.string(), o);
    REQUIRE(store);
    ChainStore& s = *store.value();
    REQUIRE(s.Commit(Writes(0, {{B("k"), B("0")}})));
    std::atomic<bool> stop{false};
    std::thread reader([&] {
        // Fills the cache with whatever it reads, as RPC threads do; the other keys evict "k".
        for (int i = 0; !stop; ++i) {
            (void)s.Get(B("k"));
            for (int j = 0; j < 4; ++j) (void)s.Get(B("filler" + std::to_string((i * 4 + j) % 64)));
        }
    });
    bool all_fresh = true;
    for (uint64_t h = 1; h <= 3000 && all_fresh; ++h) {
        REQUIRE(s.Commit(Writes(h, {{B("k"), B(std::to_string(h))}})));
        // Once Commit returned, every read sees the committed value.
        for (int i = 0; i < 3; ++i) all_fresh = all_fresh && s.Get(B("k")) == B(std::to_string(h));
    }
    stop = true;
    reader.join();
    CHECK(all_fresh);
}

TEST_CASE("a block out of order is refused and changes nothing") {
    TempDir dir;
    auto store = ChainStore::Open(dir.path.string(), {});
    REQUIRE(store);
    ChainStore& s = *store.value();
    REQUIRE(s.Commit(GenesisCommit()));
    CommittedBlock b = BlockAt(1, s, s, s.Header(0)->state_root, {});
    b.block.header.height = 5;
    auto st = s.Commit(b);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == StoreError::HEIGHT_MISMATCH);
    CHECK(s.Height() == 0u);
    CHECK_FALSE(s.GetBlock(5));
}

TEST_CASE("a damaged write-ahead log is detected on open, never replayed as data") {
    TempDir dir;
    {
        auto store = ChainStore::Open(dir.path.string(), {});
        REQUIRE(store);
        REQUIRE(store.value()->Commit(GenesisCommit()));
    }
    // Flip bytes in the middle of the newest log file (LevelDB's WAL; every record has a CRC32C).
    fs::path log;
    for (const auto& e : fs::directory_iterator(dir.path))
        if (e.path().extension() == ".log") log = e.path();
    REQUIRE(!log.empty());
    auto size = fs::file_size(log);
    REQUIRE(size > 64);
    {
        std::fstream f(log, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size / 2));
        char junk[8] = {'\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a'};
        f.write(junk, sizeof junk);
    }
    auto store = ChainStore::Open(dir.path.string(), {});
    REQUIRE_FALSE(store);
    CHECK(store.error().code == StoreError::CORRUPTION);
}

TEST_CASE("a torn log tail (power cut mid-write) drops only the unfinished block, and the store goes on") {
    TempDir dir;
    {
        auto store = ChainStore::Open(dir.path.string(), {});
        REQUIRE(store);
        ChainStore& s = *store.value();
        REQUIRE(s.Commit(GenesisCommit()));
        auto tx = test::MakeTx("alice", 0, test::Work("song", {{"alice", 10000}}));
        REQUIRE(s.Commit(BlockAt(1, s, s, s.Header(0)->state_root, {tx})));
    }
    fs::path log;
    for (const auto& e : fs::directory_iterator(dir.path))
        if (e.path().extension() == ".log") log = e.path();
    REQUIRE(!log.empty());
    // Cut into block 1's batch, the last record of the log.
    fs::resize_file(log, fs::file_size(log) - 10);
    auto store = ChainStore::Open(dir.path.string(), {});
    REQUIRE(store);  // no crash loop: the node can restart
    ChainStore& s = *store.value();
    CHECK(s.Height() == 0u);  // block 1 was never completely written: not visible at all
    CHECK_FALSE(s.GetBlock(1));
    CHECK(LoadAccount(s, test::AddrFor("alice")).next_nonce == 0);
    auto tx = test::MakeTx("alice", 0, test::Work("song", {{"alice", 10000}}));
    REQUIRE(s.Commit(BlockAt(1, s, s, s.Header(0)->state_root, {tx})));
    CHECK(s.Height() == 1u);
}

TEST_CASE("state-map nodes are stored by version: every height's root stays provable, empty blocks included") {
    TempDir dir;
    std::vector<Hash256> roots;
    {
        auto store = ChainStore::Open(dir.path.string(), {});
        REQUIRE(store);
        ChainStore& s = *store.value();
        REQUIRE(s.Commit(GenesisCommit()));
        roots.push_back(s.Header(0)->state_root);
        uint64_t nonce = 0;
        for (uint64_t h = 1; h <= 4; ++h) {
            std::vector<Transaction> txs;
            if (h != 3)  // block 3 is empty: its (unchanged) root is still stored at version 3
                txs.push_back(test::MakeTx("alice", nonce++, test::Work("song " + std::to_string(h), {{"alice", 10000}})));
            CommittedBlock b = BlockAt(h, s, s, roots.back(), txs);
            roots.push_back(b.block.header.state_root);
            REQUIRE(s.Commit(b));
        }
    }
    CHECK(roots[3] == roots[2]);
    // Reopened: the node cache is empty, so every record below is read from LevelDB by (version, hash).
    auto store = ChainStore::Open(dir.path.string(), {});
    REQUIRE(store);
    ChainStore& s = *store.value();
    // A root is looked up at its own version: at a version never written it is missing.
    CHECK(SmtGet(s, roots[4], 99, StateKeyHash(keys::Work(1))).error() == SmtError::MISSING_NODE);
    Bytes key = keys::Work(1);  // registered at height 1, unchanged since
    for (uint64_t h = 1; h <= 4; ++h) {
        auto proof = SmtProve(s, roots[h], h, StateKeyHash(key));
        REQUIRE(proof);
        CHECK(SmtVerifyInclusion(roots[h], StateKeyHash(key), StateValueHash(*s.Get(key)), proof.value()));
    }
    // Work 2 does not exist at height 1, and does from height 2 on.
    auto absent = SmtProve(s, roots[1], 1, StateKeyHash(keys::Work(2)));
    REQUIRE(absent);
    CHECK(SmtVerifyExclusion(roots[1], StateKeyHash(keys::Work(2)), absent.value()));
    auto present = SmtGet(s, roots[2], 2, StateKeyHash(keys::Work(2)));
    REQUIRE(present);
    CHECK(present->has_value());
}

TEST_CASE("state-version pruning deletes what only old trees use; the retained trees stay whole, also reopened") {
    TempDir dir;
    std::vector<Hash256> roots;
    constexpr uint64_t TOP = 60, FLOOR = 50;
    size_t before = 0, after = 0;
    {
        StoreOptions opts;
        auto store = ChainStore::Open(dir.path.string(), opts);
        REQUIRE(store);
        ChainStore& s = *store.value();
        REQUIRE(s.Commit(GenesisCommit()));
        roots.push_back(s.Header(0)->state_root);
        uint64_t nonce = 0;
        for (uint64_t h = 1; h <= TOP; ++h) {
            // Each block registers a work and so rewrites alice's account (her nonce) and the
            // counters: old versions of those paths go stale every block.
            std::vector<Transaction> txs;
            if (h % 7 != 0)
                txs.push_back(test::MakeTx("alice", nonce++, test::Work("song " + std::to_string(h), {{"alice", 10000}})));
            CommittedBlock b = BlockAt(h, s, s, roots.back(), txs);
            roots.push_back(b.block.header.state_root);
            REQUIRE(s.Commit(b));
        }
        before = s.CountNodeRecords();
        // Bounded per call: a small budget prunes part, the next call the rest.
        auto first = s.PruneStateVersions(FLOOR, 10);
        REQUIRE(first);
        CHECK(first.value() == 10);
        auto rest = s.PruneStateVersions(FLOOR, 1'000'000);
        REQUIRE(rest);
        CHECK(rest.value() > 0);
        auto again = s.PruneStateVersions(FLOOR, 1'000'000);
        REQUIRE(again);
        CHECK(again.value() == 0);  // nothing left below the floor
        after = s.CountNodeRecords();
        CHECK(after + 10 + rest.value() == before);
    }
    CHECK(after < before / 2);  // most records were only old versions of rewritten paths
    auto store = ChainStore::Open(dir.path.string(), {});
    REQUIRE(store);
    ChainStore& s = *store.value();
    // Every tree from the floor on proves every work (present or not yet registered) and alice's
    // account, read from LevelDB by (version, hash).
    for (uint64_t h = FLOOR; h <= TOP; ++h)
        for (uint64_t id = 1; id <= 55; ++id) {
            const Hash256 k = StateKeyHash(keys::Work(id));
            auto proof = SmtProve(s, roots[h], h, k);
            REQUIRE(proof);
            auto got = SmtGet(s, roots[h], h, k);
            REQUIRE(got);
            if (got->has_value()) CHECK(SmtVerifyInclusion(roots[h], k, **got, proof.value()));
            else CHECK(SmtVerifyExclusion(roots[h], k, proof.value()));
        }
    // The latest tree holds every work ever registered (nothing committed is lost).
    for (uint64_t id = 1; id <= TOP - TOP / 7; ++id) {
        auto got = SmtGet(s, roots[TOP], TOP, StateKeyHash(keys::Work(id)));
        REQUIRE(got);
        CHECK(got->has_value());
    }
    // A tree below the floor is gone, and says so.
    CHECK(SmtGet(s, roots[10], 10, StateKeyHash(keys::Work(1))).error() == SmtError::MISSING_NODE);
}

TEST_CASE("a data directory of an older store format is refused on open, not misread") {
    TempDir dir;
    {
        auto store = ChainStore::Open(dir.path.string(), {});
        REQUIRE(store);
        REQUIRE(store.value()->Commit(GenesisCommit()));
    }
    {
        // Format 1 stores had no format record.
        leveldb::DB* db = nullptr;
        leveldb::Options o;
        REQUIRE(leveldb::DB::Open(o, dir.path.string(), &db).ok());
        REQUIRE(db->Delete(leveldb::WriteOptions(), "M/format").ok());
        delete db;
    }
    auto again = ChainStore::Open(dir.path.string(), {});
    REQUIRE_FALSE(again);
    CHECK(again.error().code == StoreError::FORMAT_MISMATCH);
    CHECK(again.error().message.find("store format 1") != std::string::npos);
}

TEST_CASE("a record of our own store that does not decode stops the process through the one fatal path") {
    TempDir dir;
    {
        auto store = ChainStore::Open(dir.path.string(), {});
        REQUIRE(store);
        REQUIRE(store.value()->Commit(GenesisCommit()));
    }
    {
        leveldb::DB* db = nullptr;
        leveldb::Options o;
        REQUIRE(leveldb::DB::Open(o, dir.path.string(), &db).ok());
        const std::string key = std::string("B/") + std::string(8, '\0');  // block 0
        REQUIRE(db->Put(leveldb::WriteOptions(), key, "not a block").ok());
        delete db;
    }
    {
        auto store = ChainStore::Open(dir.path.string(), {});
        REQUIRE(store);
        CHECK(store.value()->GetBlockBytes(0) == Bytes{'n', 'o', 't', ' ', 'a', ' ', 'b', 'l', 'o', 'c', 'k'});
    }
    // Decoding it must stop the node (folio::Fatal, component "store"), never answer. The child
    // opens the store itself (no LevelDB thread of the parent's is copied into it).
    const test::ChildResult r = test::RunChild([&](int) {
        SetFatalHandler(nullptr);
        auto store = ChainStore::Open(dir.path.string(), {});
        if (store) (void)store.value()->GetBlock(0);
    });
    CHECK(test::DiedOfAbort(r.status));
    CHECK(r.output == "foliod: fatal: store: corrupt block record at height 0\n");
}
