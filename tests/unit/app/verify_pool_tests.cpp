// The verified-signature cache and the verification thread pool (node/chain/verify_pool.h).
// No timing here: speed is measured by scripts/bench only.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include <node/chain/verify_pool.h>

#include "../state/test_util.h"

namespace folio::chain {
namespace {

Hash256 IdN(uint64_t n) {
    Writer w;
    w.U64(n);
    return Sha256Of(w.bytes());
}

protocol::Transaction SignedTx(uint64_t nonce) { return test::MakeTx("alice", nonce, test::Work("w" + std::to_string(nonce), {{"alice", 10000}})); }

protocol::Transaction BadTx(uint64_t nonce) {
    protocol::Transaction tx = SignedTx(nonce);
    tx.signature.data[5] ^= 0x01;
    return tx;
}

// "1" per transaction that verified, "0" otherwise.
std::string Render(const std::vector<bool>& ok) {
    std::string s;
    for (bool b : ok) s += b ? '1' : '0';
    return s;
}

}  // namespace

TEST_CASE("SigCache: holds what was inserted, up to its capacity, forgetting the oldest first") {
    SigCache cache(4);
    for (uint64_t i = 0; i < 4; ++i) cache.Insert(IdN(i));
    CHECK(cache.Size() == 4);
    for (uint64_t i = 0; i < 4; ++i) CHECK(cache.Contains(IdN(i)));
    cache.Insert(IdN(2));  // already there: no change
    CHECK(cache.Size() == 4);
    for (uint64_t i = 4; i < 10; ++i) cache.Insert(IdN(i));
    CHECK(cache.Size() == 4);
    std::string held;
    for (uint64_t i = 0; i < 10; ++i) held += cache.Contains(IdN(i)) ? '1' : '0';
    CHECK(held == "0000001111");

    SigCache none(0);
    none.Insert(IdN(1));
    CHECK(none.Size() == 0);
    CHECK_FALSE(none.Contains(IdN(1)));
}

TEST_CASE("VerifyCached: a good signature verifies and is cached; a bad one is rejected and not cached") {
    SigCache cache(16);
    protocol::Transaction good = SignedTx(0), bad = BadTx(1);
    Hash256 gid = protocol::TxId(good), bid = protocol::TxId(bad);
    CHECK(VerifyCached(cache, good, gid));
    CHECK(cache.Contains(gid));
    CHECK(VerifyCached(cache, good, gid));  // from the cache now
    CHECK_FALSE(VerifyCached(cache, bad, bid));
    CHECK_FALSE(cache.Contains(bid));
    CHECK_FALSE(VerifyCached(cache, bad, bid));  // still rejected: failures are never remembered
    // The id covers the signature: the tampered copy of a cached transaction has another id.
    protocol::Transaction tampered = good;
    tampered.signature.data[0] ^= 0x80;
    CHECK(protocol::TxId(tampered) != gid);
    CHECK_FALSE(VerifyCached(cache, tampered, protocol::TxId(tampered)));
}

TEST_CASE("VerifyPool::VerifyAll: one answer per transaction, bad signatures rejected, results cached") {
    SigCache cache(1000);
    VerifyPool pool(2, cache);
    CHECK(pool.Threads() == 2);
    std::vector<protocol::Transaction> txs;
    std::string expect;
    for (uint64_t i = 0; i < 150; ++i) {
        bool bad = i % 7 == 3;
        txs.push_back(bad ? BadTx(i) : SignedTx(i));
        expect += bad ? '0' : '1';
    }
    std::vector<const protocol::Transaction*> ptrs;
    std::vector<Hash256> ids;
    for (const auto& t : txs) {
        ptrs.push_back(&t);
        ids.push_back(protocol::TxId(t));
    }
    CHECK(Render(pool.VerifyAll(ptrs, ids)) == expect);
    std::string cached;
    for (const Hash256& id : ids) cached += cache.Contains(id) ? '1' : '0';
    CHECK(cached == expect);  // exactly the good ones
    CHECK(Render(pool.VerifyAll(ptrs, ids)) == expect);  // the same answers from the cache
    CHECK(pool.VerifyAll({}, {}).empty());
}

TEST_CASE("VerifyPool: VerifyAll from pool threads and after Stop still answers (the caller does the work)") {
    SigCache cache(1000);
    VerifyPool pool(1, cache);
    std::vector<protocol::Transaction> txs = {SignedTx(0), BadTx(1), SignedTx(2)};
    std::vector<const protocol::Transaction*> ptrs = {&txs[0], &txs[1], &txs[2]};
    std::vector<Hash256> ids = {protocol::TxId(txs[0]), protocol::TxId(txs[1]), protocol::TxId(txs[2])};
    // From the pool's only thread: no deadlock, since the caller takes chunks itself.
    std::promise<std::string> from_pool;
    pool.Post([&] { from_pool.set_value(Render(pool.VerifyAll(ptrs, ids))); });
    CHECK(from_pool.get_future().get() == "101");
    pool.Stop();
    CHECK(pool.Stopped());
    SigCache cold(1000);
    VerifyPool stopped(1, cold);
    stopped.Stop();
    CHECK(Render(stopped.VerifyAll(ptrs, ids)) == "101");
}

TEST_CASE("VerifyPool: Stop with work queued drops the queued tasks cleanly, and later posts are dropped") {
    SigCache cache(16);
    VerifyPool pool(1, cache);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> started;
    pool.Post([&] {
        started.set_value();
        released.wait();  // hold the only thread so that the rest stays queued
    });
    started.get_future().wait();
    auto token = std::make_shared<int>(0);  // every queued task holds a copy
    std::atomic<int> ran{0};
    for (int i = 0; i < 100; ++i) pool.Post([token, &ran] { ++ran; });
    CHECK(token.use_count() == 101);
    std::thread stopper([&] { pool.Stop(); });  // blocks until the running task ends
    while (!pool.Stopped()) std::this_thread::yield();
    release.set_value();
    stopper.join();
    CHECK(ran.load() <= 100);      // some may have run before the stop took effect, never more
    CHECK(token.use_count() == 1);  // every task is either run or destroyed: nothing leaks
    pool.Post([token, &ran] { ++ran; });
    CHECK(token.use_count() == 1);  // dropped at once
    pool.Stop();                    // idempotent
}

}  // namespace folio::chain

namespace folio::chain {

TEST_CASE("VerifyPool::PostOrdered: tasks run one at a time in the order posted, and may fan out") {
    SigCache cache(1000);
    VerifyPool pool(2, cache);
    std::vector<protocol::Transaction> txs;
    for (uint64_t i = 0; i < 40; ++i) txs.push_back(i == 17 ? BadTx(i) : SignedTx(i));
    std::mutex mu;
    std::vector<int> order;
    std::atomic<int> running{0}, overlap{0};
    std::promise<void> last;
    for (int k = 0; k < 20; ++k) {
        pool.PostOrdered([&, k] {
            if (running.fetch_add(1) != 0) ++overlap;
            std::vector<const protocol::Transaction*> ptrs = {&txs[static_cast<size_t>(2 * k)], &txs[static_cast<size_t>(2 * k + 1)]};
            std::vector<Hash256> ids = {protocol::TxId(*ptrs[0]), protocol::TxId(*ptrs[1])};
            std::string r = Render(pool.VerifyAll(ptrs, ids));
            {
                std::lock_guard lock(mu);
                order.push_back(r == (k == 8 ? "10" : "11") ? k : -1);  // tx 17 (task 8, 2nd) is bad
            }
            running.fetch_sub(1);
            if (k == 19) last.set_value();
        });
    }
    last.get_future().wait();
    std::vector<int> expect;
    for (int k = 0; k < 20; ++k) expect.push_back(k);
    CHECK(order == expect);
    CHECK(overlap.load() == 0);
    pool.Stop();
    pool.PostOrdered([] { FAIL("ran after Stop"); });
}

}  // namespace folio::chain
