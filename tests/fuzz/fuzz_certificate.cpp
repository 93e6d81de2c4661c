// Fuzz target: work certificates, validator hand-offs and commit certificates come from untrusted files and peers.
// The input is split into the certificate's parts; verification must never crash, and anything
// that verifies must have a decodable record whose fingerprint is the one given.
#include <cassert>
#include <cstdint>

#include <node/protocol/certificate.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace folio;
    using namespace folio::protocol;
    ByteView in(data, size);
    if (auto cc = DecodeCommitCert(in)) {
        Bytes again = EncodeCommitCert(cc.value());
        assert(again.size() == size && std::equal(again.begin(), again.end(), data));
    }
    if (auto h = DecodeHandoff(in)) {
        Bytes again = EncodeHandoff(h.value());
        assert(again.size() == size && std::equal(again.begin(), again.end(), data));
    }
    // Parts: 4 lengths (u16 LE each) then the bytes.
    if (size < 8) return 0;
    size_t len[4], off = 8;
    for (size_t i = 0; i < 4; ++i) len[i] = static_cast<size_t>(data[2 * i]) | static_cast<size_t>(data[2 * i + 1]) << 8;
    WorkCertificate c;
    c.chain_id = "fuzz";
    Bytes* parts[4] = {&c.work_record, &c.proof, &c.header, &c.commit};
    for (size_t i = 0; i < 4; ++i) {
        size_t n = std::min(len[i], size - off);
        parts[i]->assign(data + off, data + off + n);
        off += n;
    }
    if (off < size) c.handoffs.emplace_back(data + off, data + size);  // the rest: one hand-off
    Hash256 fp;
    std::vector<PublicKey> validators(4);
    std::string why = VerifyWorkCertificate(fp, c, "fuzz", validators);
    if (why.empty()) {
        auto w = DecodeWork(c.work_record);
        assert(w && w->fingerprint == fp);
    }
    return 0;
}
