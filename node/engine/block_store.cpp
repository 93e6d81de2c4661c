#include <node/engine/block_store.h>

#include <cinttypes>
#include <cstdio>
#include <set>
#include <string>

#include <node/core/codec.h>
#include <node/core/fatal.h>
#include <node/engine/meta.h>
#include <node/log/log.h>

namespace folio::engine {

namespace {

constexpr std::string_view RECENT_PREFIX = "crecent/";
constexpr std::string_view HEIGHT_PREFIX = "cheight/";

std::string Hex16(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
    return buf;
}

std::string HeightName(uint64_t h) { return std::string(HEIGHT_PREFIX) + Hex16(h); }

std::optional<uint64_t> ParseHex16(std::string_view s) {
    if (s.size() != 16) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return std::nullopt;
        v = v << 4 | static_cast<uint64_t>(d);
    }
    return v;
}

}  // namespace

std::string BlockStore::RecentName(const Key& k) {
    return std::string(RECENT_PREFIX) + Hex16(std::get<0>(k)) + Hex16(std::get<1>(k)) + std::get<2>(k).hex();
}

std::optional<consensus::Block> BlockStore::Read(const consensus::BlockId& id) const {
    auto raw = m_ledger.GetMeta(BlockMetaName(id));
    if (!raw) return std::nullopt;
    auto b = consensus::DecodeBlock(*raw);
    if (!b) return std::nullopt;
    return std::move(b.value());
}

void BlockStore::Delete(const std::string& name) {
    // A failed delete loses nothing (the entry stays, and is only disk): say so and go on.
    if (auto err = m_ledger.DeleteMeta(name))
        log::Warn(ENGINE_LOG, "cannot delete a pruned consensus entry", {{"name", name}, {"error", *err}});
}

void BlockStore::Track(const consensus::Block& b, const consensus::BlockId& id, bool write_key) {
    Key k{b.epoch, b.round, id};
    auto [it, added] = m_recent.try_emplace(k, Recent{b.payload, false});
    if (added && write_key) PutMetaOrFatal(m_ledger, RecentName(k), ByteView{}, false);
}

BlockStore::Loaded BlockStore::Load(uint64_t history) {
    Loaded out;
    if (auto raw = m_ledger.GetMeta(PRUNED_META); raw && raw->size() == 8) {
        Reader r(*raw);
        m_floor = std::max<uint64_t>(1, r.U64());
    }
    auto raw = m_ledger.GetMeta(ANCHOR_META);
    if (!raw) {
        // Nothing pruned yet: every stored block (each listed as recent from now on).
        m_ledger.ForEachMeta("cblock/", [&](const std::string&, const Bytes& v) {
            if (auto b = consensus::DecodeBlock(v)) out.blocks.push_back(std::move(b.value()));
        });
        for (const consensus::Block& b : out.blocks) Track(b, consensus::BlockIdOf(b), true);
        return out;
    }
    auto anchor = consensus::DecodeAnchor(*raw);
    if (!anchor) Fatal(ENGINE_LOG, "the persisted consensus anchor does not decode");
    out.anchor = std::move(anchor.value());
    m_anchored = out.anchor->root_height;
    std::vector<std::string> gone;
    m_ledger.ForEachMeta(std::string(RECENT_PREFIX), [&](const std::string& name, const Bytes&) {
        std::string_view s(name);
        s.remove_prefix(RECENT_PREFIX.size());
        auto id = s.size() == 96 ? consensus::BlockId::FromHexStr(s.substr(32)) : std::nullopt;
        auto b = id ? Read(*id) : std::nullopt;
        if (!b || !ParseHex16(s.substr(0, 16)) || !ParseHex16(s.substr(16, 16))) {
            gone.push_back(name);  // a key without its block (a crash between two deletes)
            return;
        }
        Track(*b, *id, false);
        out.blocks.push_back(std::move(*b));
    });
    for (const std::string& name : gone) Delete(name);
    // The root's committed ancestors the core keeps in memory (for peers' block requests).
    consensus::BlockId id = out.anchor->root.parent_id;
    for (uint64_t i = 0; i < history; ++i) {
        auto b = Read(id);
        if (!b) break;
        id = b->parent_id;
        out.blocks.push_back(std::move(*b));
    }
    return out;
}

void BlockStore::Put(const consensus::Block& b) {
    consensus::BlockId id = consensus::BlockIdOf(b);
    PutMetaOrFatal(m_ledger, BlockMetaName(id), consensus::EncodeBlock(b), false);
    Track(b, id, true);
}

void BlockStore::Committed(std::span<const consensus::CommittedBlock> blocks) {
    for (const consensus::CommittedBlock& cb : blocks) {
        PutMetaOrFatal(m_ledger, HeightName(cb.height), cb.id.view(), false);
        auto it = m_recent.find(Key{cb.block.epoch, cb.block.round, cb.id});
        if (it != m_recent.end()) it->second.committed = true;
    }
}

BlockStore::Pruned BlockStore::Prune(const consensus::Anchor& anchor,
                                     const std::function<std::optional<bool>(const consensus::BlockId&)>& committed) {
    PutMetaOrFatal(m_ledger, ANCHOR_META, consensus::EncodeAnchor(anchor), true);
    m_anchored = anchor.root_height;
    Pruned out;
    auto at_or_below_root = [&](const Key& k) {
        return std::tie(std::get<0>(k), std::get<1>(k)) <= std::tie(anchor.root.epoch, anchor.root.round);
    };
    // Batches that blocks after the root, or committed blocks, name are never deleted with a
    // dead block (a replayed proposal can name a committed block's batch).
    std::set<Hash256> named;
    for (const auto& [k, r] : m_recent)
        if (!at_or_below_root(k) || r.committed || committed(std::get<2>(k)).value_or(false)) named.insert(r.payload);
    auto drop_batch = [&](const Hash256& payload) {
        if (payload.IsZero() || named.count(payload) != 0) return;
        Delete(BatchMetaName(payload));
        ++out.batches;
    };
    // Recent blocks at or below the root: committed ones become history (pruned by height below);
    // the others are dead once the core no longer holds them.
    for (auto it = m_recent.begin(); it != m_recent.end() && at_or_below_root(it->first);) {
        const consensus::BlockId& id = std::get<2>(it->first);
        std::optional<bool> in_tree = committed(id);
        bool was_committed = it->second.committed || in_tree.value_or(false);
        if (!was_committed && in_tree) {
            ++it;
            continue;
        }
        Delete(RecentName(it->first));
        if (!was_committed) {
            Delete(BlockMetaName(id));
            ++out.blocks;
            drop_batch(it->second.payload);
        }
        it = m_recent.erase(it);
    }
    // Committed blocks more than `retain` heights below the root.
    uint64_t floor = anchor.root_height > m_retention.retain ? anchor.root_height - m_retention.retain : 0;
    for (uint64_t h = m_floor; h < floor; ++h) {
        std::string name = HeightName(h);
        auto raw = m_ledger.GetMeta(name);
        if (raw && raw->size() == 32) {
            consensus::BlockId id = consensus::BlockId::FromView(*raw);
            if (auto b = Read(id)) {
                Delete(BlockMetaName(id));
                ++out.blocks;
                drop_batch(b->payload);
            }
        }
        Delete(name);
    }
    if (floor > m_floor) {
        m_floor = floor;
        Writer w;
        w.U64(m_floor);
        PutMetaOrFatal(m_ledger, PRUNED_META, w.bytes(), false);
    }
    return out;
}

std::vector<consensus::Block> BlockStore::Chain(const consensus::BlockId& id, uint32_t count) const {
    std::vector<consensus::Block> out;
    consensus::BlockId cur = id;
    while (out.size() < count) {
        auto b = Read(cur);
        if (!b) break;
        cur = b->parent_id;
        out.push_back(std::move(*b));
    }
    return out;
}

}  // namespace folio::engine
