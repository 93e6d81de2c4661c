// Fuzz target for the consensus decoders: DecodeMessage, DecodeEvidence, DecodeSafetyState,
// DecodeBlock and DecodeAnchor must never crash, and whatever they accept must re-encode to the same bytes
// (one encoding per value). Accepted messages are also fed to a Core, which must not crash.
#include <cstdint>
#include <cstdlib>

#include <node/consensus/core.h>

using namespace folio;
using namespace folio::consensus;

namespace {

// Accepts nothing: the fuzzer cannot forge signatures, so this exercises the rejection paths.
class NoVerifier final : public Verifier {
public:
    bool Verify(const PublicKey&, const Hash256&, const Signature&) const override { return false; }
};
class ZeroSigner final : public Signer {
public:
    const PublicKey& Key() const override { return m_key; }
    Signature Sign(const Hash256&) override { return {}; }

private:
    PublicKey m_key{};
};

void Check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView in(data, size);
    if (auto m = DecodeMessage(in); m.ok()) {
        Check(EncodeMessage(*m) == Bytes(in.begin(), in.end()));
        static ZeroSigner signer;
        static NoVerifier verifier;
        ValidatorSet set;
        set.members.push_back(PublicKey{});
        set.members[0].data[0] = 1;
        Core core(Config{}, set, Hash256{}, signer, verifier);
        (void)core.Start(0);
        (void)core.OnMessage(set.members[0], *m, 1);
    }
    if (auto e = DecodeEvidence(in); e.ok()) Check(EncodeEvidence(*e) == Bytes(in.begin(), in.end()));
    if (auto s = DecodeSafetyState(in); s.ok()) Check(EncodeSafetyState(*s) == Bytes(in.begin(), in.end()));
    if (auto b = DecodeBlock(in); b.ok()) Check(EncodeBlock(*b) == Bytes(in.begin(), in.end()));
    if (auto a = DecodeAnchor(in); a.ok()) Check(EncodeAnchor(*a) == Bytes(in.begin(), in.end()));
    return 0;
}
