#pragma once
// The vocabulary every layer of node/state shares: read access to a state snapshot, sorted write
// sets, the overlay a block (and each transaction) writes into, and the block's context.
// Pure: no I/O. Thread-safety per type below.
#include <map>
#include <optional>

#include <node/core/bytes.h>
#include <node/protocol/types.h>

namespace folio::state {

// The ledger's rules are written in the wire formats' vocabulary (node/protocol).
using namespace folio::protocol;

// Read access to a state snapshot. Implementations must be consistent for the duration of one
// ApplyBlock call. Thread-safety is the implementation's to document.
class StateReader {
public:
    virtual ~StateReader() = default;
    virtual std::optional<Bytes> Get(ByteView key) const = 0;
};

// Byte-wise lexicographic order that also compares against views (lookups without copying the key).
struct KeyLess {
    using is_transparent = void;
    bool operator()(ByteView a, ByteView b) const {
        size_t n = a.size() < b.size() ? a.size() : b.size();
        int c = n == 0 ? 0 : __builtin_memcmp(a.data(), b.data(), n);
        return c < 0 || (c == 0 && a.size() < b.size());
    }
};
// Writes sorted by key; nullopt deletes. Sorting by content keeps every consumer deterministic.
using WriteSet = std::map<Bytes, std::optional<Bytes>, KeyLess>;

// A StateReader with pending writes layered on a base reader. Not thread-safe.
class Overlay final : public StateReader {
public:
    explicit Overlay(const StateReader& base) : m_base(base) {}
    // Not copyable: `Overlay child(parent)` must layer on the parent, never copy its writes.
    Overlay(const Overlay&) = delete;
    Overlay& operator=(const Overlay&) = delete;
    std::optional<Bytes> Get(ByteView key) const override;
    void Put(Bytes key, Bytes value) { m_writes[std::move(key)] = std::move(value); }
    void Delete(Bytes key) { m_writes[std::move(key)] = std::nullopt; }
    // This overlay's own pending write of `key`: nullopt if it has none, else the value
    // (nullopt inside = a pending delete). With RestoreWrite, how a journal undoes a change.
    std::optional<std::optional<Bytes>> PeekWrite(const Bytes& key) const;
    void RestoreWrite(const Bytes& key, const std::optional<std::optional<Bytes>>& w);
    // Moves every write of `child` (an overlay on this one) into this overlay.
    void Absorb(Overlay& child);
    const WriteSet& writes() const { return m_writes; }
    WriteSet TakeWrites() { return std::move(m_writes); }

private:
    const StateReader& m_base;
    WriteSet m_writes;
};

// An empty state (for genesis and tests).
class EmptyState final : public StateReader {
public:
    std::optional<Bytes> Get(ByteView) const override { return std::nullopt; }
};

// The block a transaction executes in (the proposer's time, not a clock).
struct BlockContext {
    uint64_t height = 0;
    uint64_t time_ms = 0;
    Address proposer;
};

}  // namespace folio::state
