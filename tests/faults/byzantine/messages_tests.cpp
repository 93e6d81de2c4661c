// The byzantine validator's message builders (tests/faults/byzantine/messages.h): what they build
// must be exactly what the scenario claims — well-formed where meant to be, signed correctly or
// not, distinct, and refused by the node's own decoders where malformed.
#include <doctest/doctest.h>

#include <set>

#include <node/consensus/crypto.h>
#include <node/core/codec.h>
#include <node/protocol/batch.h>

#include "messages.h"

using namespace folio;
using engine::ShellMsg;

namespace {
SecretKey TestKey() {
    SecretKey sk;
    sk.data.fill(7);
    return sk;
}
}  // namespace

TEST_CASE("unsolicited batches decode, have the asked size and are distinct") {
    byz::Rng rng(1);
    std::set<Hash256> hashes;
    for (int i = 0; i < 5; ++i) {
        Bytes b = byz::UnsolicitedBatch(rng, 8, 1000, 42);
        auto d = protocol::DecodeBatch(b);
        REQUIRE(d);
        CHECK(d.value().txs.size() == 8);
        CHECK(d.value().txs[3].size() == 1000);
        CHECK(d.value().time_ms == 42);
        CHECK(b.size() > 8000);
        hashes.insert(protocol::BatchHash(b));
    }
    CHECK(hashes.size() == 5);
    // The same seed gives the same batch (a run replays from its seed).
    byz::Rng a(9), c(9);
    CHECK(byz::UnsolicitedBatch(a, 2, 50, 1) == byz::UnsolicitedBatch(c, 2, 50, 1));
}

TEST_CASE("far-future messages decode and carry a valid signature by the key; the bad ones do not verify") {
    SecretKey sk = TestKey();
    consensus::SchnorrSigner signer(sk);
    byz::Rng rng(2);
    const consensus::Round far = 1'000'000'000;
    for (const consensus::Message& m : {byz::FutureVote(signer, 0, far, rng), byz::FutureTimeout(signer, 0, far),
                                        byz::FutureProposal(signer, 3, far, rng)}) {
        auto round_trip = consensus::DecodeMessage(consensus::EncodeMessage(m));
        REQUIRE(round_trip);
        CHECK(round_trip.value() == m);
        byz::Signed s = byz::SignedPart(m);
        CHECK(s.signer == signer.Key());
        CHECK(VerifySchnorr(s.signer, s.digest, s.sig));
        consensus::Message bad = byz::WithBadSignature(m);
        CHECK(consensus::DecodeMessage(consensus::EncodeMessage(bad)));
        byz::Signed b = byz::SignedPart(bad);
        CHECK(b.digest == s.digest);
        CHECK_FALSE(VerifySchnorr(b.signer, b.digest, b.sig));
    }
    consensus::Message vm = byz::FutureVote(signer, 0, far, rng);
    auto* v = std::get_if<consensus::Vote>(&vm);
    REQUIRE(v);
    CHECK(v->data.round == far);
}

TEST_CASE("malformed shell messages are refused by the node's decoders") {
    SecretKey sk = TestKey();
    consensus::SchnorrSigner signer(sk);
    byz::Rng rng(3);
    for (size_t i = 0; i < 10 * byz::MALFORMED_KINDS; ++i) {
        Bytes m = byz::Malformed(i, signer, rng);
        const size_t kind = i % byz::MALFORMED_KINDS;
        CAPTURE(byz::MalformedName(kind));
        if (kind == 10) {
            CHECK(m.empty());
            continue;
        }
        REQUIRE(!m.empty());
        ByteView body(m.data() + 1, m.size() - 1);
        switch (kind) {
            case 0:
            case 5:
                CHECK(m[0] == static_cast<uint8_t>(ShellMsg::CONSENSUS));
                CHECK_FALSE(consensus::DecodeMessage(body));
                break;
            case 1:
            case 2:
                CHECK(m[0] == static_cast<uint8_t>(ShellMsg::BATCH));
                CHECK_FALSE(protocol::DecodeBatch(body));
                break;
            case 3:
                CHECK((m[0] == 0 || m[0] > static_cast<uint8_t>(ShellMsg::CERT)));
                break;
            case 4:
                CHECK(m[0] == static_cast<uint8_t>(ShellMsg::BATCH_REQUEST));
                CHECK(body.size() != 32);
                break;
            case 8:
                CHECK_FALSE(consensus::DecodeEvidence(body));
                break;
            default:
                CHECK(m[0] >= static_cast<uint8_t>(ShellMsg::LEDGER_SIG));
                break;
        }
    }
}

TEST_CASE("shell framing and request bodies") {
    const uint8_t body[] = {1, 2, 3};
    Bytes m = byz::Shell(ShellMsg::CERT_REQUEST, ByteView(body, 3));
    CHECK(m == Bytes{7, 1, 2, 3});
    Bytes req = byz::CertRequestBody(100, 64);
    CHECK(req.size() == 64 * 8);
    Reader r(req);
    CHECK(r.U64() == 100);
    byz::Rng rng(4);
    CHECK(byz::BatchRequestBody(rng).size() == 32);
}
