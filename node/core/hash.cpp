#include <node/core/hash.h>

#include <cryptopp/sha.h>

namespace folio {

struct Sha256::Impl {
    CryptoPP::SHA256 h;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;

Sha256& Sha256::Update(ByteView data) {
    m_impl->h.Update(data.data(), data.size());
    return *this;
}

Hash256 Sha256::Final() {
    Hash256 out;
    m_impl->h.Final(out.data.data());
    return out;
}

Hash256 Sha256Of(ByteView data) {
    Hash256 out;
    CryptoPP::SHA256().CalculateDigest(out.data.data(), data.data(), data.size());
    return out;
}

Hash256 TaggedHash(std::string_view tag, ByteView data) {
    Hash256 t = Sha256Of(tag);
    CryptoPP::SHA256 h;
    h.Update(t.data.data(), t.data.size());
    h.Update(t.data.data(), t.data.size());
    h.Update(data.data(), data.size());
    Hash256 out;
    h.Final(out.data.data());
    return out;
}

}  // namespace folio
