#include <node/statesync/snapshot.h>

#include <node/core/merkle.h>
#include <node/protocol/certificate.h>

namespace folio::statesync {

namespace {

void WriteSubtree(Writer& w, const SmtSubtree& s) {
    w.Varint(s.count);
    w.Fixed(s.hash);
}

}  // namespace

Bytes EncodeManifest(const Manifest& m) {
    Writer w;
    w.U8(SNAPSHOT_FORMAT);
    w.Str(m.chain_id);
    w.U64(m.height);
    w.U8(m.depth);
    w.Blob(m.block);
    w.Varint(m.receipts.size());
    for (const Bytes& r : m.receipts) w.Blob(r);
    w.Blob(m.commit);
    w.Varint(m.handoffs.size());
    for (const Bytes& h : m.handoffs) w.Blob(h);
    w.Blob(m.anchor);
    w.U64(m.settlement_next);
    w.Varint(m.chunks.size());
    for (const SmtSubtree& s : m.chunks) WriteSubtree(w, s);
    return w.Take();
}

Hash256 ManifestId(const Manifest& m) {
    Manifest without = m;
    without.commit.clear();
    return Sha256Of(EncodeManifest(without));
}

Result<Manifest, DecodeError> DecodeManifest(ByteView bytes) {
    if (bytes.size() > MAX_MANIFEST_BYTES) return Fail(DecodeError::TOO_LONG);
    Reader r(bytes);
    Manifest m;
    if (r.U8() != SNAPSHOT_FORMAT && r.ok()) return Fail(DecodeError::BAD_VALUE);
    m.chain_id = r.Str(protocol::MAX_CHAIN_ID);
    m.height = r.U64();
    m.depth = r.U8();
    if (r.ok() && m.depth > SMT_MAX_SUBTREE_DEPTH) return Fail(DecodeError::BAD_VALUE);
    m.block = r.Blob(MAX_MANIFEST_BYTES);
    size_t n = r.Length(protocol::MAX_BLOCK_TXS);
    for (size_t i = 0; i < n && r.ok(); ++i) m.receipts.push_back(r.Blob(MAX_MANIFEST_BYTES));
    m.commit = r.Blob(1u << 20);
    n = r.Length(MAX_HANDOFFS);
    for (size_t i = 0; i < n && r.ok(); ++i) m.handoffs.push_back(r.Blob(1u << 20));
    m.anchor = r.Blob(1u << 22);
    m.settlement_next = r.U64();
    n = r.Length(size_t{1} << SMT_MAX_SUBTREE_DEPTH);
    if (r.ok() && n != (size_t{1} << m.depth)) return Fail(DecodeError::BAD_VALUE);
    m.chunks.reserve(r.ok() ? n : 0);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        SmtSubtree s;
        s.count = r.Varint();
        s.hash = r.Fixed<32>();
        // The summaries' shapes: empty is the zero hash, anything else is not.
        if (r.ok() && (s.count == 0) != s.hash.IsZero()) return Fail(DecodeError::BAD_VALUE);
        m.chunks.push_back(s);
    }
    if (!r.Finish()) return Fail(r.error());
    return m;
}

Bytes EncodeChunk(const std::vector<Entry>& entries) {
    Writer w;
    w.Varint(entries.size());
    for (const auto& [k, v] : entries) {
        w.Blob(k);
        w.Blob(v);
    }
    return w.Take();
}

Result<std::vector<Entry>, DecodeError> DecodeChunk(ByteView bytes) {
    if (bytes.size() > MAX_CHUNK_BYTES) return Fail(DecodeError::TOO_LONG);
    Reader r(bytes);
    size_t n = r.Length(MAX_CHUNK_ENTRIES);
    std::vector<Entry> out;
    out.reserve(r.ok() ? std::min<size_t>(n, bytes.size() / 2) : 0);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        Bytes k = r.Blob(MAX_STATE_KEY);
        Bytes v = r.Blob(MAX_STATE_VALUE);
        out.emplace_back(std::move(k), std::move(v));
    }
    if (!r.Finish()) return Fail(r.error());
    return out;
}

std::vector<PublicKey> GenesisValidatorKeys(const state::GenesisDoc& genesis) {
    std::vector<PublicKey> out;
    for (const auto& v : genesis.validators) out.push_back(v.key);
    return out;
}

uint8_t DepthFor(size_t entries) {
    uint8_t d = 0;
    while (d < SMT_MAX_SUBTREE_DEPTH && (entries >> d) > TARGET_CHUNK_ENTRIES) ++d;
    return d;
}

Result<Verified, std::string> VerifyManifest(const Manifest& m, const std::string& chain_id,
                                             const std::vector<PublicKey>& genesis_validators) {
    if (m.chain_id != chain_id) return Fail("the snapshot is for chain '" + m.chain_id + "', not '" + chain_id + "'");
    auto block = protocol::DecodeBlock(m.block, MAX_MANIFEST_BYTES);
    if (!block) return Fail(std::string("block does not decode: ") + DecodeErrorName(block.error()));
    const protocol::BlockHeader& h = block->header;
    if (h.height != m.height || m.height == 0)
        return Fail("block height " + std::to_string(h.height) + " is not the snapshot's " + std::to_string(m.height));
    if (std::string why = protocol::VerifyCertifiedHeader(h, m.commit, m.handoffs, chain_id, genesis_validators);
        !why.empty())
        return Fail("block " + std::to_string(h.height) + " is not certified: " + why);
    Verified out;
    std::vector<Hash256> ids, receipt_hashes;
    for (const Bytes& raw : m.receipts) {
        auto rc = protocol::DecodeReceipt(raw);
        if (!rc) return Fail(std::string("a receipt does not decode: ") + DecodeErrorName(rc.error()));
        ids.push_back(rc->tx_id);
        receipt_hashes.push_back(Sha256Of(raw));
        out.receipts.push_back(std::move(rc.value()));
    }
    // After the transactions' receipts, the block step's (protocol::BlockStepId) when it did something.
    if (ids.size() == block->txs.size() + 1 && ids.back() == protocol::BlockStepId(chain_id, h.height)) ids.pop_back();
    if (MerkleRoot(ids) != h.tx_root || MerkleRoot(receipt_hashes) != h.receipts_root)
        return Fail("the receipts are not the certified block's");
    if (block->txs.size() != ids.size()) return Fail("the block's transactions are not the certified block's");
    for (size_t i = 0; i < ids.size(); ++i)
        if (protocol::TxId(block->txs[i]) != ids[i]) return Fail("the block's transactions are not the certified block's");
    auto root = SmtRootOfSubtrees(m.chunks);
    if (!root || *root != h.state_root)
        return Fail("the chunk summaries do not make block " + std::to_string(h.height) + "'s state root");
    out.block = std::move(block.value());
    return out;
}

Result<std::vector<std::pair<Hash256, Hash256>>, std::string> VerifyChunk(const Manifest& m, size_t index,
                                                                          const std::vector<Entry>& entries) {
    if (index >= m.chunks.size()) return Fail("chunk " + std::to_string(index) + " is not in the snapshot");
    std::vector<std::pair<Hash256, Hash256>> leaves;
    leaves.reserve(entries.size());
    for (const auto& [k, v] : entries) {
        Hash256 key = SmtKey(k);
        if (SmtPrefixIndex(key, m.depth) != index) return Fail(std::string("an entry belongs to another chunk"));
        if (!leaves.empty() && !(leaves.back().first < key)) return Fail(std::string("entries are not in key order"));
        leaves.emplace_back(key, SmtValueHash(v));
    }
    if (SmtSubtreeOf(leaves, m.depth) != m.chunks[index])
        return Fail("chunk " + std::to_string(index) + " does not hash to the snapshot's summary");
    return leaves;
}

}  // namespace folio::statesync
