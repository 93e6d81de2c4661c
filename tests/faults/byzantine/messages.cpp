#include "messages.h"

#include <node/core/codec.h>
#include <node/protocol/batch.h>

namespace folio::byz {

uint64_t Rng::Next() {
    uint64_t z = (m_s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Bytes Rng::Fill(size_t n) {
    Bytes out(n);
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = Next();
        for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(v >> (8 * j));
    }
    return out;
}

Hash256 Rng::Hash() {
    Bytes b = Fill(32);
    return Hash256::FromView(b);
}

Bytes Shell(engine::ShellMsg type, ByteView body) {
    Bytes out;
    out.reserve(body.size() + 1);
    out.push_back(static_cast<uint8_t>(type));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Bytes UnsolicitedBatch(Rng& rng, size_t txs, size_t tx_bytes, uint64_t time_ms) {
    protocol::Batch b;
    b.time_ms = time_ms;
    b.txs.reserve(txs);
    for (size_t i = 0; i < txs; ++i) b.txs.push_back(rng.Fill(tx_bytes));
    return protocol::EncodeBatch(b);
}

Bytes BatchRequestBody(Rng& rng) {
    Bytes b = rng.Fill(32);
    return b;
}

Bytes CertRequestBody(uint64_t first, size_t count) {
    Writer w;
    for (size_t i = 0; i < count; ++i) w.U64(first + i);
    return w.bytes();
}

consensus::Message FutureVote(consensus::Signer& signer, consensus::Epoch epoch, consensus::Round round, Rng& rng) {
    consensus::Vote v;
    v.data.epoch = epoch;
    v.data.round = round;
    v.data.block_id = rng.Hash();
    v.data.parent_id = rng.Hash();
    v.data.parent_round = round - 1;
    v.voter = signer.Key();
    v.sig = signer.Sign(consensus::VoteDigest(v.data));
    return v;
}

consensus::Message FutureTimeout(consensus::Signer& signer, consensus::Epoch epoch, consensus::Round round) {
    consensus::TimeoutMsg t;
    t.epoch = epoch;
    t.round = round;
    t.high_qc.data.epoch = epoch;
    t.signer = signer.Key();
    t.sig = signer.Sign(consensus::TimeoutDigest(epoch, round, t.high_qc.data.round));
    return t;
}

consensus::Message FutureProposal(consensus::Signer& signer, consensus::Epoch epoch, consensus::Round round, Rng& rng) {
    consensus::Proposal p;
    p.block.epoch = epoch;
    p.block.round = round;
    p.block.parent_qc.data.epoch = epoch;
    p.block.parent_id = p.block.parent_qc.data.block_id;
    p.block.payload = rng.Hash();
    p.block.proposer = signer.Key();
    p.sig = signer.Sign(consensus::ProposalDigest(p.block));
    return p;
}

consensus::Message WithBadSignature(consensus::Message m) {
    std::visit(
        [](auto& x) {
            if constexpr (requires { x.sig; }) x.sig.data[0] ^= 1;
        },
        m);
    return m;
}

Signed SignedPart(const consensus::Message& m) {
    Signed s;
    if (auto* v = std::get_if<consensus::Vote>(&m)) s = {consensus::VoteDigest(v->data), v->sig, v->voter};
    if (auto* t = std::get_if<consensus::TimeoutMsg>(&m))
        s = {consensus::TimeoutDigest(t->epoch, t->round, t->high_qc.data.round), t->sig, t->signer};
    if (auto* p = std::get_if<consensus::Proposal>(&m))
        s = {consensus::ProposalDigest(p->block), p->sig, p->block.proposer};
    return s;
}

const char* MalformedName(size_t i) {
    static const char* const names[MALFORMED_KINDS] = {"truncated_consensus",
                                                       "truncated_batch",
                                                       "consensus_as_batch",
                                                       "unknown_type",
                                                       "batch_request_bad_len",
                                                       "garbage_consensus",
                                                       "garbage_ledger_sig",
                                                       "garbage_cert",
                                                       "garbage_evidence",
                                                       "garbage_txs",
                                                       "empty"};
    return names[i % MALFORMED_KINDS];
}

Bytes Malformed(size_t i, consensus::Signer& signer, Rng& rng) {
    using engine::ShellMsg;
    switch (i % MALFORMED_KINDS) {
        case 0: {
            Bytes m = consensus::EncodeMessage(FutureVote(signer, 0, 1 + rng.Below(1000), rng));
            m.resize(1 + rng.Below(m.size() - 1));
            return Shell(ShellMsg::CONSENSUS, m);
        }
        case 1: {
            Bytes b = UnsolicitedBatch(rng, 4, 100, rng.Next());
            b.resize(1 + rng.Below(b.size() - 1));
            return Shell(ShellMsg::BATCH, b);
        }
        case 2:
            return Shell(ShellMsg::BATCH, consensus::EncodeMessage(FutureTimeout(signer, 0, 5)));
        case 3: {
            const uint8_t bad[] = {0, 9, 0x7f, 0xff};
            return Shell(bad[rng.Below(4)], rng.Fill(1 + rng.Below(200)));
        }
        case 4:
            return Shell(ShellMsg::BATCH_REQUEST, rng.Fill(31 + 2 * rng.Below(2)));
        case 5:
            return Shell(ShellMsg::CONSENSUS, rng.Fill(1 + rng.Below(400)));
        case 6:
            return Shell(ShellMsg::LEDGER_SIG, rng.Fill(rng.Below(200)));
        case 7:
            return Shell(ShellMsg::CERT, rng.Fill(rng.Below(400)));
        case 8:
            return Shell(ShellMsg::EVIDENCE, rng.Fill(rng.Below(400)));
        case 9:
            return Shell(ShellMsg::TXS, rng.Fill(rng.Below(400)));
        default:
            return {};
    }
}

}  // namespace folio::byz
