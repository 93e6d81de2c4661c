#pragma once
// SHA-256 (FIPS 180-4) through Crypto++, which uses the SHA-NI instructions where the CPU has
// them. Thread-safe: every Sha256 object is independent.
#include <memory>
#include <string_view>

#include <node/core/bytes.h>

namespace folio {

using Hash256 = FixedBytes<32>;

// Incremental SHA-256. Not copyable; not thread-safe per object.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256& Update(ByteView data);
    Sha256& Update(std::string_view s) { return Update(AsBytes(s)); }
    // Returns the digest and resets the object for reuse.
    Hash256 Final();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// One-shot SHA-256.
Hash256 Sha256Of(ByteView data);
inline Hash256 Sha256Of(std::string_view s) { return Sha256Of(AsBytes(s)); }

// Domain-separated hash: SHA-256(SHA-256(tag) || SHA-256(tag) || data), the BIP-340 tagged
// hash construction. Every hashed or signed Folio structure uses its own tag (docs/formats.md).
Hash256 TaggedHash(std::string_view tag, ByteView data);

}  // namespace folio
