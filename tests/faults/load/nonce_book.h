#pragma once
// The nonce bookkeeping of one account of folio-faultload: which nonces its pipelined
// transactions hold, which may be given to a new transaction, and which transactions can never
// commit because another one took their nonce. Pure (no I/O, no clock); not thread-safe (the
// driver holds its lock). Tests: tests/faults/load/nonce_book_tests.cpp.
//
// The ledger (node/state/kinds.cpp) takes an account's nonces strictly in order, accepting in the
// mempool up to NONCE_WINDOW ahead of the next one. A transaction refused at admission or dropped
// from a mempool leaves its nonce unused and every later transaction of the account waiting
// behind the gap, so the nonce is handed to the next new transaction (a refill). A refusal seen
// by one node is only tentative — another node may still hold the transaction and commit it — so
// both may be live at one nonce; whichever commits first makes the others final rejections.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace folio::faults {

class NonceBook {
public:
    // `next`: the account's next unused nonce (account_get's pending_nonce); `window`: how far the
    // newest allocated nonce may run ahead of the oldest unsettled one (below NONCE_WINDOW).
    explicit NonceBook(uint64_t next = 0, uint64_t window = 48) : m_next(next), m_window(window) {}

    // True when Allocate may be called: a refused nonce waits for a refill, or the window has room.
    bool CanAllocate() const;
    // The nonce for the new transaction `tx` (any id unique to the caller): the lowest nonce
    // every holder of which was refused, else the next fresh one. Requires CanAllocate().
    uint64_t Allocate(uint64_t tx);
    // `tx` holding `nonce` was committed (successfully or not): the nonce is spent. Returns the
    // other transactions that held it: they can never commit.
    std::vector<uint64_t> Committed(uint64_t tx, uint64_t nonce);
    // A node refused `tx` or dropped it (tentative: it may still commit). Once every holder of its
    // nonce is refused, the nonce goes to the next new transaction.
    void Refused(uint64_t tx, uint64_t nonce);
    // A node's committed state spent `nonce` and `tx` is not what spent it (tx_submit's
    // nonce_too_low "already used", then tx_get of the same node does not find it): `tx` can never
    // commit. The nonce is never reused; its other holders settle on their own.
    void Lost(uint64_t tx, uint64_t nonce);
    // A node's committed next nonce (account_get): every nonce below it is spent, by our
    // transactions or by anyone else's; fresh nonces continue from at least there. Returns the
    // transactions still holding a spent nonce: each either committed (the caller has not seen it
    // yet) or never will — the caller asks tx_get of the same node to tell which.
    std::vector<uint64_t> Observe(uint64_t committed_next);

    // The oldest nonce not known to be spent (the window's base).
    uint64_t Floor() const;
    uint64_t Next() const { return m_next; }
    // "next=N floor=F open=[n:tx,tx' ...] reuse=[n ...]" (tx' = refused), for tests and logs.
    std::string Render() const;

private:
    struct Holder {
        uint64_t tx;
        bool refused;
    };
    bool AllRefused(uint64_t nonce) const;

    uint64_t m_next;
    uint64_t m_window;
    std::map<uint64_t, std::vector<Holder>> m_open;  // allocated, not yet spent
    std::set<uint64_t> m_reuse;                      // open nonces all of whose holders were refused
};

}  // namespace folio::faults
