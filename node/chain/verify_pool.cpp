#include <node/chain/verify_pool.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include <boost/asio/post.hpp>

namespace folio::chain {

bool SigCache::Contains(const Hash256& id) const {
    MutexLock lock(m_mu);
    return m_ids.count(id) != 0;
}

void SigCache::Insert(const Hash256& id) {
    if (m_capacity == 0) return;
    MutexLock lock(m_mu);
    if (!m_ids.insert(id).second) return;
    m_order.push_back(id);
    while (m_order.size() > m_capacity) {
        m_ids.erase(m_order.front());
        m_order.pop_front();
    }
}

size_t SigCache::Size() const {
    MutexLock lock(m_mu);
    return m_ids.size();
}

bool VerifyCached(SigCache& cache, const protocol::Transaction& tx, const Hash256& id) {
    if (cache.Contains(id)) return true;
    if (!state::VerifyTxSignature(tx)) return false;
    cache.Insert(id);
    return true;
}

VerifyPool::VerifyPool(size_t threads, SigCache& cache) : m_cache(cache) {
    if (threads == 0) threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
    m_threads = threads;
    m_pool = std::make_unique<boost::asio::thread_pool>(threads);
    m_ordered = std::make_unique<boost::asio::strand<boost::asio::thread_pool::executor_type>>(m_pool->get_executor());
}

VerifyPool::~VerifyPool() { Stop(); }

void VerifyPool::Post(std::function<void()> task) {
    MutexLock lock(m_mu);
    if (m_stopped) return;
    boost::asio::post(*m_pool, std::move(task));
}

void VerifyPool::PostOrdered(std::function<void()> task) {
    MutexLock lock(m_mu);
    if (m_stopped) return;
    boost::asio::post(*m_ordered, std::move(task));
}

void VerifyPool::Stop() {
    {
        MutexLock lock(m_mu);
        if (m_stopped) return;
        m_stopped = true;
    }
    m_pool->stop();  // queued handlers are abandoned; running ones complete
    m_pool->join();
    m_ordered.reset();
    m_pool.reset();  // destroys the abandoned handlers (and what they hold) now
}

bool VerifyPool::Stopped() const {
    MutexLock lock(m_mu);
    return m_stopped;
}

namespace {

// One VerifyAll call. Shared with the helper tasks, which may start after the call returned
// (they then find no chunk left and touch nothing else).
struct VerifyJob {
    const std::vector<const protocol::Transaction*>* txs = nullptr;
    const std::vector<Hash256>* ids = nullptr;
    SigCache* cache = nullptr;
    size_t chunk = 1, chunks = 0;
    std::vector<char> ok;  // one per transaction (not vector<bool>: chunks are written concurrently)
    std::atomic<size_t> next{0};
    Mutex mu;
    CondVar cv;
    size_t done GUARDED_BY(mu) = 0;  // chunks finished

    // Takes and runs chunks until none is left. The caller owns txs/ids until every taken chunk
    // is done, so a chunk taken here always has them.
    void Work() {
        for (;;) {
            size_t c = next.fetch_add(1);
            if (c >= chunks) return;
            size_t begin = c * chunk, end = std::min(txs->size(), begin + chunk);
            for (size_t i = begin; i < end; ++i) ok[i] = VerifyCached(*cache, *(*txs)[i], (*ids)[i]) ? 1 : 0;
            MutexLock lock(mu);
            if (++done == chunks) cv.NotifyAll();
        }
    }
};

}  // namespace

std::vector<bool> VerifyPool::VerifyAll(const std::vector<const protocol::Transaction*>& txs, const std::vector<Hash256>& ids) {
    std::vector<bool> out(txs.size(), false);
    if (txs.empty()) return out;
    auto job = std::make_shared<VerifyJob>();
    job->txs = &txs;
    job->ids = &ids;
    job->cache = &m_cache;
    // Small chunks spread the work evenly; a signature check costs ~45 µs.
    job->chunk = std::max<size_t>(16, txs.size() / (4 * m_threads + 4));
    job->chunks = (txs.size() + job->chunk - 1) / job->chunk;
    job->ok.assign(txs.size(), 0);
    size_t helpers = std::min(m_threads, job->chunks - 1);
    for (size_t i = 0; i < helpers; ++i) Post([job] { job->Work(); });
    job->Work();
    {
        MutexLock lock(job->mu);
        while (job->done != job->chunks) job->cv.Wait(job->mu);
    }
    for (size_t i = 0; i < txs.size(); ++i) out[i] = job->ok[i] != 0;
    return out;
}

}  // namespace folio::chain
