#include <node/consensus/types.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace folio::consensus {

namespace {

constexpr size_t MAX_EVIDENCE_BODY = 256;

// A Writer-compatible encoder into a pre-reserved buffer (whole-field appends). It produces
// exactly the bytes of folio::Writer (checked by codec_tests); it exists because the byte-wise
// Writer dominates the simulator's profile in Debug builds.
class FastWriter {
public:
    FastWriter() { m_out.reserve(512); }
    void U8(uint8_t v) { m_out.push_back(v); }
    void U64(uint64_t v) {
        uint8_t b[8];
        for (size_t i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
        Append(b, 8);
    }
    void Varint(uint64_t v) {
        uint8_t b[10];
        size_t n = 0;
        while (v >= 0x80) {
            b[n++] = static_cast<uint8_t>(v | 0x80);
            v >>= 7;
        }
        b[n++] = static_cast<uint8_t>(v);
        Append(b, n);
    }
    void Bool(bool v) { U8(v ? 1 : 0); }
    void Blob(ByteView b) {
        Varint(b.size());
        Append(b.data(), b.size());
    }
    template <size_t N>
    void Fixed(const FixedBytes<N>& f) { Append(f.data.data(), N); }
    Bytes Take() { return std::move(m_out); }

private:
    void Append(const uint8_t* p, size_t n) {
        size_t at = m_out.size();
        m_out.resize(at + n);
        if (n) std::memcpy(m_out.data() + at, p, n);
    }
    Bytes m_out;
};


// Tagged hash with the tag's hash computed once per tag (same value as TaggedHash(tag, data)).
class Tag {
public:
    explicit Tag(std::string_view tag) : m_tag_hash(Sha256Of(tag)) {}
    Hash256 Of(ByteView data) const {
        Sha256 h;
        h.Update(m_tag_hash.view()).Update(m_tag_hash.view()).Update(data);
        return h.Final();
    }

private:
    Hash256 m_tag_hash;
};

const Tag& BlockTag() { static const Tag t("folio/consensus/block"); return t; }
const Tag& ProposalTag() { static const Tag t("folio/consensus/proposal"); return t; }
const Tag& VoteTag() { static const Tag t("folio/consensus/vote"); return t; }
const Tag& TimeoutTag() { static const Tag t("folio/consensus/timeout"); return t; }

template <typename W, typename T, typename F>
void WriteOptional(W& w, const std::optional<T>& v, F&& f) {
    w.Bool(v.has_value());
    if (v) f(*v);
}

VoteData ReadVoteData(Reader& r) {
    VoteData d;
    d.epoch = r.U64();
    d.round = r.U64();
    d.block_id = r.Fixed<32>();
    d.parent_id = r.Fixed<32>();
    d.parent_round = r.U64();
    return d;
}

uint32_t ReadIndex(Reader& r) {
    uint64_t v = r.Varint();
    if (v >= MAX_VALIDATORS) r.Fail(DecodeError::BAD_VALUE);
    return static_cast<uint32_t>(v);
}

Vote ReadVote(Reader& r) {
    Vote v;
    v.data = ReadVoteData(r);
    v.voter = r.Fixed<32>();
    v.sig = r.Fixed<64>();
    return v;
}

std::optional<TimeoutCert> ReadOptTc(Reader& r) {
    if (!r.Bool()) return std::nullopt;
    return ReadTimeoutCert(r);
}

TimeoutMsg ReadTimeoutMsg(Reader& r) {
    TimeoutMsg t;
    t.epoch = r.U64();
    t.round = r.U64();
    t.high_qc = ReadQuorumCert(r);
    t.last_round_tc = ReadOptTc(r);
    t.signer = r.Fixed<32>();
    t.sig = r.Fixed<64>();
    return t;
}

Proposal ReadProposal(Reader& r) {
    Proposal p;
    p.block = ReadBlock(r);
    p.last_round_tc = ReadOptTc(r);
    p.sig = r.Fixed<64>();
    return p;
}

SyncInfo ReadSyncInfo(Reader& r) {
    SyncInfo s;
    s.epoch = r.U64();
    s.high_qc = ReadQuorumCert(r);
    s.high_tc = ReadOptTc(r);
    return s;
}

BlockRequest ReadBlockRequest(Reader& r) {
    BlockRequest q;
    q.block_id = r.Fixed<32>();
    uint64_t c = r.Varint();
    if (c == 0 || c > MAX_FETCH_BLOCKS) r.Fail(DecodeError::BAD_VALUE);
    q.count = static_cast<uint32_t>(c);
    return q;
}

BlockResponse ReadBlockResponse(Reader& r) {
    BlockResponse b;
    size_t n = r.Length(MAX_FETCH_BLOCKS);
    for (size_t i = 0; i < n && r.ok(); ++i) b.blocks.push_back(ReadBlock(r));
    return b;
}

SafetyState ReadSafety(Reader& r) {
    SafetyState s;
    s.epoch = r.U64();
    s.highest_vote_round = r.U64();
    s.highest_qc_round = r.U64();
    s.highest_timeout_round = r.U64();
    s.highest_proposed_round = r.U64();
    if (r.Bool()) s.last_timeout = ReadTimeoutMsg(r);
    if (r.ok()) {
        // The last timeout is the one of highest_timeout_round in this epoch.
        bool has = s.last_timeout.has_value();
        if (has != (s.highest_timeout_round != 0)) r.Fail(DecodeError::BAD_VALUE);
        if (has && (s.last_timeout->round != s.highest_timeout_round || s.last_timeout->epoch != s.epoch))
            r.Fail(DecodeError::BAD_VALUE);
    }
    return s;
}

template <typename T, typename F>
Result<T, DecodeError> DecodeWhole(ByteView b, F&& read) {
    Reader r(b);
    T v = read(r);
    if (!r.Finish()) return Fail(r.error());
    return v;
}

}  // namespace

const char* ConsensusErrorName(ConsensusError e) {
    switch (e) {
        case ConsensusError::DECODE: return "decode";
        case ConsensusError::WRONG_EPOCH: return "wrong_epoch";
        case ConsensusError::NOT_A_MEMBER: return "not_a_member";
        case ConsensusError::BAD_SIGNATURE: return "bad_signature";
        case ConsensusError::BAD_QC: return "bad_qc";
        case ConsensusError::BAD_TC: return "bad_tc";
        case ConsensusError::WRONG_LEADER: return "wrong_leader";
        case ConsensusError::BAD_BLOCK: return "bad_block";
        case ConsensusError::UNJUSTIFIED_ROUND: return "unjustified_round";
        case ConsensusError::STALE: return "stale";
        case ConsensusError::NOT_A_COMMIT_CERT: return "not_a_commit_cert";
        case ConsensusError::BAD_EVIDENCE: return "bad_evidence";
        case ConsensusError::FUTURE_ROUND: return "future_round";
        case ConsensusError::EQUIVOCATION: return "equivocation";
    }
    return "unknown";
}

std::optional<uint32_t> ValidatorSet::IndexOf(const PublicKey& key) const {
    for (size_t i = 0; i < members.size(); ++i)
        if (members[i] == key) return static_cast<uint32_t>(i);
    return std::nullopt;
}

bool ValidatorSet::Validate() const {
    if (members.empty() || members.size() > MAX_VALIDATORS) return false;
    std::set<PublicKey> seen(members.begin(), members.end());
    return seen.size() == members.size();
}

Round TimeoutCert::MaxHqcRound() const {
    Round m = 0;
    for (const auto& e : entries) m = std::max(m, e.hqc_round);
    return m;
}

namespace {
template <typename W>
void EncodeT(W& w, const ValidatorSet& v);
template <typename W>
void EncodeT(W& w, const VoteData& v);
template <typename W>
void EncodeT(W& w, const QuorumCert& v);
template <typename W>
void EncodeT(W& w, const TimeoutCert& v);
template <typename W>
void EncodeT(W& w, const Block& v);
template <typename W>
void EncodeT(W& w, const Proposal& v);
template <typename W>
void EncodeT(W& w, const Vote& v);
template <typename W>
void EncodeT(W& w, const TimeoutMsg& v);
template <typename W>
void EncodeT(W& w, const SyncInfo& v);
template <typename W>
void EncodeT(W& w, const BlockRequest& v);
template <typename W>
void EncodeT(W& w, const BlockResponse& v);
template <typename W>
void EncodeT(W& w, const Evidence& v);
template <typename W>
void EncodeT(W& w, const SafetyState& v);
// --- encoders ---------------------------------------------------------------------------------

template <typename W>
void EncodeT(W& w, const ValidatorSet& v) {
    w.U64(v.epoch);
    w.Varint(v.members.size());
    for (const auto& m : v.members) w.Fixed(m);
}

template <typename W>
void EncodeT(W& w, const VoteData& v) {
    w.U64(v.epoch);
    w.U64(v.round);
    w.Fixed(v.block_id);
    w.Fixed(v.parent_id);
    w.U64(v.parent_round);
}

template <typename W>
void EncodeT(W& w, const QuorumCert& v) {
    EncodeT(w, v.data);
    w.Varint(v.sigs.size());
    for (const auto& s : v.sigs) {
        w.Varint(s.index);
        w.Fixed(s.sig);
    }
}

template <typename W>
void EncodeT(W& w, const TimeoutCert& v) {
    w.U64(v.epoch);
    w.U64(v.round);
    w.Varint(v.entries.size());
    for (const auto& e : v.entries) {
        w.Varint(e.index);
        w.U64(e.hqc_round);
        w.Fixed(e.sig);
    }
}

template <typename W>
void EncodeT(W& w, const Block& v) {
    w.U64(v.epoch);
    w.U64(v.round);
    w.Fixed(v.parent_id);
    EncodeT(w, v.parent_qc);
    w.Fixed(v.payload);
    w.Fixed(v.proposer);
    WriteOptional(w, v.next_validators, [&](const ValidatorSet& s) { EncodeT(w, s); });
}

template <typename W>
void EncodeT(W& w, const Proposal& v) {
    EncodeT(w, v.block);
    WriteOptional(w, v.last_round_tc, [&](const TimeoutCert& t) { EncodeT(w, t); });
    w.Fixed(v.sig);
}

template <typename W>
void EncodeT(W& w, const Vote& v) {
    EncodeT(w, v.data);
    w.Fixed(v.voter);
    w.Fixed(v.sig);
}

template <typename W>
void EncodeT(W& w, const TimeoutMsg& v) {
    w.U64(v.epoch);
    w.U64(v.round);
    EncodeT(w, v.high_qc);
    WriteOptional(w, v.last_round_tc, [&](const TimeoutCert& t) { EncodeT(w, t); });
    w.Fixed(v.signer);
    w.Fixed(v.sig);
}

template <typename W>
void EncodeT(W& w, const SyncInfo& v) {
    w.U64(v.epoch);
    EncodeT(w, v.high_qc);
    WriteOptional(w, v.high_tc, [&](const TimeoutCert& t) { EncodeT(w, t); });
}

template <typename W>
void EncodeT(W& w, const BlockRequest& v) {
    w.Fixed(v.block_id);
    w.Varint(v.count);
}

template <typename W>
void EncodeT(W& w, const BlockResponse& v) {
    w.Varint(v.blocks.size());
    for (const auto& b : v.blocks) EncodeT(w, b);
}

template <typename W>
void EncodeT(W& w, const Evidence& v) {
    w.U8(static_cast<uint8_t>(v.kind));
    w.Fixed(v.signer);
    w.Blob(v.body_a);
    w.Fixed(v.sig_a);
    w.Blob(v.body_b);
    w.Fixed(v.sig_b);
}

template <typename W>
void EncodeT(W& w, const SafetyState& v) {
    w.U64(v.epoch);
    w.U64(v.highest_vote_round);
    w.U64(v.highest_qc_round);
    w.U64(v.highest_timeout_round);
    w.U64(v.highest_proposed_round);
    WriteOptional(w, v.last_timeout, [&](const TimeoutMsg& t) { EncodeT(w, t); });
}

}  // namespace

void Encode(Writer& w, const ValidatorSet& v) { EncodeT(w, v); }
void Encode(Writer& w, const VoteData& v) { EncodeT(w, v); }
void Encode(Writer& w, const QuorumCert& v) { EncodeT(w, v); }
void Encode(Writer& w, const TimeoutCert& v) { EncodeT(w, v); }
void Encode(Writer& w, const Block& v) { EncodeT(w, v); }
void Encode(Writer& w, const Proposal& v) { EncodeT(w, v); }
void Encode(Writer& w, const Vote& v) { EncodeT(w, v); }
void Encode(Writer& w, const TimeoutMsg& v) { EncodeT(w, v); }
void Encode(Writer& w, const SyncInfo& v) { EncodeT(w, v); }
void Encode(Writer& w, const BlockRequest& v) { EncodeT(w, v); }
void Encode(Writer& w, const BlockResponse& v) { EncodeT(w, v); }
void Encode(Writer& w, const Evidence& v) { EncodeT(w, v); }
void Encode(Writer& w, const SafetyState& v) { EncodeT(w, v); }

// --- readers ----------------------------------------------------------------------------------

ValidatorSet ReadValidatorSet(Reader& r) {
    ValidatorSet v;
    v.epoch = r.U64();
    size_t n = r.Length(MAX_VALIDATORS);
    for (size_t i = 0; i < n && r.ok(); ++i) v.members.push_back(r.Fixed<32>());
    if (r.ok() && !v.Validate()) r.Fail(DecodeError::BAD_VALUE);
    return v;
}

QuorumCert ReadQuorumCert(Reader& r) {
    QuorumCert q;
    q.data = ReadVoteData(r);
    size_t n = r.Length(MAX_VALIDATORS);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        QcSignature s;
        s.index = ReadIndex(r);
        s.sig = r.Fixed<64>();
        if (r.ok() && !q.sigs.empty() && s.index <= q.sigs.back().index) r.Fail(DecodeError::NON_CANONICAL);
        q.sigs.push_back(s);
    }
    return q;
}

TimeoutCert ReadTimeoutCert(Reader& r) {
    TimeoutCert t;
    t.epoch = r.U64();
    t.round = r.U64();
    size_t n = r.Length(MAX_VALIDATORS);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        TcEntry e;
        e.index = ReadIndex(r);
        e.hqc_round = r.U64();
        e.sig = r.Fixed<64>();
        if (r.ok() && !t.entries.empty() && e.index <= t.entries.back().index) r.Fail(DecodeError::NON_CANONICAL);
        t.entries.push_back(e);
    }
    return t;
}

Block ReadBlock(Reader& r) {
    Block b;
    b.epoch = r.U64();
    b.round = r.U64();
    b.parent_id = r.Fixed<32>();
    b.parent_qc = ReadQuorumCert(r);
    b.payload = r.Fixed<32>();
    b.proposer = r.Fixed<32>();
    if (r.Bool()) b.next_validators = ReadValidatorSet(r);
    return b;
}

// --- whole-buffer codecs ----------------------------------------------------------------------

Bytes EncodeMessage(const Message& m) {
    FastWriter w;
    w.U8(static_cast<uint8_t>(m.index() + 1));
    std::visit([&](const auto& v) { EncodeT(w, v); }, m);
    return w.Take();
}

Result<Message, DecodeError> DecodeMessage(ByteView b) {
    return DecodeWhole<Message>(b, [](Reader& r) -> Message {
        switch (r.U8()) {
            case 1: return ReadProposal(r);
            case 2: return ReadVote(r);
            case 3: return ReadTimeoutMsg(r);
            case 4: return ReadSyncInfo(r);
            case 5: return ReadBlockRequest(r);
            case 6: return ReadBlockResponse(r);
            default: r.Fail(DecodeError::BAD_VALUE); return Vote{};
        }
    });
}

Bytes EncodeEvidence(const Evidence& e) {
    FastWriter w;
    EncodeT(w, e);
    return w.Take();
}

Result<Evidence, DecodeError> DecodeEvidence(ByteView b) {
    return DecodeWhole<Evidence>(b, [](Reader& r) {
        Evidence e;
        uint8_t k = r.U8();
        if (r.ok() && (k < 1 || k > 3)) r.Fail(DecodeError::BAD_VALUE);
        e.kind = static_cast<StatementKind>(k);
        e.signer = r.Fixed<32>();
        e.body_a = r.Blob(MAX_EVIDENCE_BODY);
        e.sig_a = r.Fixed<64>();
        e.body_b = r.Blob(MAX_EVIDENCE_BODY);
        e.sig_b = r.Fixed<64>();
        if (r.ok() && !(e.body_a < e.body_b)) r.Fail(DecodeError::NON_CANONICAL);
        return e;
    });
}

Bytes EncodeSafetyState(const SafetyState& s) {
    FastWriter w;
    EncodeT(w, s);
    return w.Take();
}

Result<SafetyState, DecodeError> DecodeSafetyState(ByteView b) {
    return DecodeWhole<SafetyState>(b, [](Reader& r) { return ReadSafety(r); });
}

Bytes EncodeBlock(const Block& b) {
    FastWriter w;
    EncodeT(w, b);
    return w.Take();
}

Result<Block, DecodeError> DecodeBlock(ByteView b) {
    return DecodeWhole<Block>(b, [](Reader& r) { return ReadBlock(r); });
}

Bytes EncodeAnchor(const Anchor& a) {
    FastWriter w;
    EncodeT(w, a.root);
    w.U64(a.root_height);
    EncodeT(w, a.validators);
    WriteOptional(w, a.prev_validators, [&](const ValidatorSet& v) { EncodeT(w, v); });
    EncodeT(w, a.epoch_root);
    w.U64(a.epoch_root_height);
    EncodeT(w, a.epoch_root_qc);
    return w.Take();
}

Result<Anchor, DecodeError> DecodeAnchor(ByteView b) {
    return DecodeWhole<Anchor>(b, [](Reader& r) {
        Anchor a;
        a.root = ReadBlock(r);
        a.root_height = r.U64();
        a.validators = ReadValidatorSet(r);
        if (r.Bool()) a.prev_validators = ReadValidatorSet(r);
        a.epoch_root = ReadBlock(r);
        a.epoch_root_height = r.U64();
        a.epoch_root_qc = ReadQuorumCert(r);
        // The root descends from (or is) the epoch root; the epoch's set is the one after it.
        if (r.ok() && (a.root_height < a.epoch_root_height ||
                       (a.prev_validators && a.prev_validators->epoch + 1 != a.validators.epoch)))
            r.Fail(DecodeError::BAD_VALUE);
        return a;
    });
}

// --- digests ----------------------------------------------------------------------------------

BlockId BlockIdOf(const Block& b) { return BlockTag().Of(EncodeBlock(b)); }

Bytes ProposalBody(Epoch epoch, Round round, const BlockId& id) {
    FastWriter w;
    w.U64(epoch);
    w.U64(round);
    w.Fixed(id);
    return w.Take();
}

Bytes VoteBody(const VoteData& d) {
    FastWriter w;
    EncodeT(w, d);
    return w.Take();
}

Bytes TimeoutBody(Epoch epoch, Round round, Round hqc_round) {
    FastWriter w;
    w.U64(epoch);
    w.U64(round);
    w.U64(hqc_round);
    return w.Take();
}

Hash256 StatementDigest(StatementKind kind, ByteView body) {
    switch (kind) {
        case StatementKind::PROPOSAL: return ProposalTag().Of(body);
        case StatementKind::VOTE: return VoteTag().Of(body);
        case StatementKind::TIMEOUT: return TimeoutTag().Of(body);
    }
    return {};
}

Hash256 ProposalDigest(const Block& b) {
    return StatementDigest(StatementKind::PROPOSAL, ProposalBody(b.epoch, b.round, BlockIdOf(b)));
}
Hash256 VoteDigest(const VoteData& d) { return StatementDigest(StatementKind::VOTE, VoteBody(d)); }
Hash256 TimeoutDigest(Epoch epoch, Round round, Round hqc_round) {
    return StatementDigest(StatementKind::TIMEOUT, TimeoutBody(epoch, round, hqc_round));
}

Block GenesisBlock(const ValidatorSet& set, const Hash256& payload) {
    Block g;
    g.epoch = set.epoch;
    g.round = 0;
    g.payload = payload;
    g.parent_qc.data.epoch = set.epoch;
    return g;
}

QuorumCert GenesisQc(const Block& genesis) {
    QuorumCert q;
    q.data.epoch = genesis.epoch;
    q.data.round = 0;
    q.data.block_id = BlockIdOf(genesis);
    return q;
}

std::string Short(const Hash256& h) { return h.hex().substr(0, 8); }

std::string Describe(const Message& m) {
    struct V {
        std::string operator()(const Proposal& p) const {
            return "proposal e" + std::to_string(p.block.epoch) + " r" + std::to_string(p.block.round) + " " +
                   Short(BlockIdOf(p.block)) + " qc r" + std::to_string(p.block.parent_qc.data.round) +
                   (p.last_round_tc ? " tc r" + std::to_string(p.last_round_tc->round) : "");
        }
        std::string operator()(const Vote& v) const {
            return "vote e" + std::to_string(v.data.epoch) + " r" + std::to_string(v.data.round) + " " +
                   Short(v.data.block_id) + " by " + Short(v.voter);
        }
        std::string operator()(const TimeoutMsg& t) const {
            return "timeout e" + std::to_string(t.epoch) + " r" + std::to_string(t.round) + " hqc r" +
                   std::to_string(t.high_qc.data.round) + " by " + Short(t.signer);
        }
        std::string operator()(const SyncInfo& s) const {
            return "sync hqc r" + std::to_string(s.high_qc.data.round) +
                   (s.high_tc ? " tc r" + std::to_string(s.high_tc->round) : "");
        }
        std::string operator()(const BlockRequest& q) const {
            return "block_request " + Short(q.block_id) + " x" + std::to_string(q.count);
        }
        std::string operator()(const BlockResponse& b) const {
            return "block_response " + std::to_string(b.blocks.size());
        }
    };
    return std::visit(V{}, m);
}

}  // namespace folio::consensus
