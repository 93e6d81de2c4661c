#pragma once
// Annotated locks for clang's -Wthread-safety (node/core/thread_annotations.h): a Mutex, its RAII
// MutexLock, a CondVar that waits on a Mutex, and a ThreadRole (a capability with no lock: "this
// runs on thread X", so data one thread owns can be marked GUARDED_BY it and checked too).
// Thread-safety: as std::mutex and std::condition_variable_any.
#include <condition_variable>
#include <mutex>

#include <node/core/thread_annotations.h>

namespace folio {

class CAPABILITY("mutex") Mutex {
public:
    Mutex() = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock() ACQUIRE() { m_mu.lock(); }
    void unlock() RELEASE() { m_mu.unlock(); }
    bool try_lock() TRY_ACQUIRE(true) { return m_mu.try_lock(); }

private:
    std::mutex m_mu;
};

// Holds `mu` from construction to destruction.
class SCOPED_CAPABILITY MutexLock {
public:
    explicit MutexLock(Mutex& mu) ACQUIRE(mu) : m_mu(mu) { m_mu.lock(); }
    ~MutexLock() RELEASE() { m_mu.unlock(); }
    MutexLock(const MutexLock&) = delete;
    MutexLock& operator=(const MutexLock&) = delete;

private:
    Mutex& m_mu;
};

// A condition variable over a Mutex the caller holds. Waits may wake spuriously: callers loop
// on their condition (written in the caller, where the analysis sees the lock held).
class CondVar {
public:
    void NotifyOne() { m_cv.notify_one(); }
    void NotifyAll() { m_cv.notify_all(); }
    // Releases `mu` while waiting, holds it again on return.
    void Wait(Mutex& mu) REQUIRES(mu) { m_cv.wait(mu); }
    // The same, with a deadline. False once `deadline` (a
    // std::chrono time point the caller computed: this header reads no clock) has passed.
    template <class TimePoint>
    bool WaitUntil(Mutex& mu, const TimePoint& deadline) REQUIRES(mu) {
        return m_cv.wait_until(mu, deadline) == std::cv_status::no_timeout;
    }

private:
    std::condition_variable_any m_cv;
};

// A thread's role as a capability without a lock: data owned by one thread is GUARDED_BY its
// role, the functions that run on that thread REQUIRE it, and the thread's entry point calls
// Assume() once. The analysis then rejects any other thread's code that touches the data.
class CAPABILITY("role") ThreadRole {
public:
    void Assume() const ASSERT_CAPABILITY(this) {}
};

}  // namespace folio
