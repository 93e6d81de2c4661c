#include <node/net/wire.h>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <node/core/codec.h>

namespace folio::net {

namespace {

struct SodiumInit {
    SodiumInit() {
        if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
    }
};
void EnsureSodium() { static SodiumInit init; }

void PutMagic(Writer& w) {
    w.Raw(AsBytes(WIRE_MAGIC));
    w.U8(WIRE_VERSION);
}

Status<WireError> CheckMagic(Reader& r) {
    auto magic = r.Fixed<8>();
    uint8_t version = r.U8();
    if (!std::equal(magic.begin(), magic.end(), AsBytes(WIRE_MAGIC).begin())) return Fail(WireError::BAD_MAGIC);
    if (version != WIRE_VERSION) return Fail(WireError::BAD_VERSION);
    return Ok{};
}

void PutNonce(uint64_t counter, uint8_t (&nonce)[crypto_aead_chacha20poly1305_IETF_NPUBBYTES]) {
    std::memset(nonce, 0, sizeof nonce);
    for (size_t i = 0; i < 8; ++i) nonce[i] = static_cast<uint8_t>(counter >> (8 * i));
}

}  // namespace

const char* WireErrorName(WireError e) {
    switch (e) {
    case WireError::BAD_SIZE: return "bad_size";
    case WireError::BAD_MAGIC: return "bad_magic";
    case WireError::BAD_VERSION: return "bad_version";
    case WireError::BAD_KEY: return "bad_key";
    case WireError::BAD_SIGNATURE: return "bad_signature";
    case WireError::FRAME_TOO_SMALL: return "frame_too_small";
    case WireError::FRAME_TOO_LARGE: return "frame_too_large";
    case WireError::FRAME_AUTH: return "frame_auth";
    case WireError::BAD_TYPE: return "bad_type";
    case WireError::NONCE_EXHAUSTED: return "nonce_exhausted";
    }
    return "?";
}

Bytes EncodeHello(const Hello& h) {
    Writer w;
    PutMagic(w);
    w.Fixed(h.eph);
    return w.Take();
}

Bytes EncodeAuth(const Auth& a) {
    Writer w;
    w.Fixed(a.key);
    w.Fixed(a.sig);
    return w.Take();
}

Bytes EncodeResponse(const Response& r) {
    Writer w;
    PutMagic(w);
    w.Fixed(r.eph);
    w.Fixed(r.auth.key);
    w.Fixed(r.auth.sig);
    return w.Take();
}

Result<Hello, WireError> DecodeHello(ByteView in) {
    if (in.size() != HELLO_SIZE) return Fail(WireError::BAD_SIZE);
    Reader r(in);
    if (auto s = CheckMagic(r); !s) return Fail(s.error());
    Hello h;
    h.eph = r.Fixed<32>();
    return h;
}

Result<Auth, WireError> DecodeAuth(ByteView in) {
    if (in.size() != AUTH_SIZE) return Fail(WireError::BAD_SIZE);
    Reader r(in);
    Auth a;
    a.key = r.Fixed<32>();
    a.sig = r.Fixed<64>();
    return a;
}

Result<Response, WireError> DecodeResponse(ByteView in) {
    if (in.size() != RESPONSE_SIZE) return Fail(WireError::BAD_SIZE);
    Reader r(in);
    if (auto s = CheckMagic(r); !s) return Fail(s.error());
    Response resp;
    resp.eph = r.Fixed<32>();
    resp.auth.key = r.Fixed<32>();
    resp.auth.sig = r.Fixed<64>();
    return resp;
}

Hash256 HandshakeSigHash(std::string_view chain_id, const X25519Key& eph_i, const X25519Key& eph_r,
                         Role role, const PublicKey& static_key) {
    Writer w;
    w.Str(chain_id);
    w.Fixed(eph_i);
    w.Fixed(eph_r);
    w.U8(static_cast<uint8_t>(role));
    w.Fixed(static_key);
    return TaggedHash("folio/net/handshake", w.bytes());
}

std::optional<Auth> MakeAuth(const SecretKey& sk, std::string_view chain_id, const X25519Key& eph_i,
                             const X25519Key& eph_r, Role role) {
    EnsureSodium();
    auto pk = DerivePublicKey(sk);
    if (!pk) return std::nullopt;
    Hash256 aux;
    randombytes_buf(aux.begin(), aux.SIZE);
    auto sig = SignSchnorr(sk, HandshakeSigHash(chain_id, eph_i, eph_r, role, *pk), aux);
    if (!sig) return std::nullopt;
    return Auth{*pk, *sig};
}

Status<WireError> VerifyAuth(const Auth& a, std::string_view chain_id, const X25519Key& eph_i,
                             const X25519Key& eph_r, Role role) {
    if (!IsValidPublicKey(a.key)) return Fail(WireError::BAD_KEY);
    if (!VerifySchnorr(a.key, HandshakeSigHash(chain_id, eph_i, eph_r, role, a.key), a.sig))
        return Fail(WireError::BAD_SIGNATURE);
    return Ok{};
}

EphemeralKeyPair NewEphemeral() {
    EnsureSodium();
    EphemeralKeyPair kp;
    crypto_box_keypair(kp.pk.begin(), kp.sk.begin());
    return kp;
}

Result<SessionKeys, WireError> DeriveSessionKeys(std::string_view chain_id, const X25519Key& my_eph_sk,
                                                 const X25519Key& peer_eph_pk, const X25519Key& eph_i,
                                                 const X25519Key& eph_r, const PublicKey& static_i,
                                                 const PublicKey& static_r) {
    EnsureSodium();
    uint8_t q[crypto_scalarmult_BYTES];
    if (crypto_scalarmult(q, my_eph_sk.begin(), peer_eph_pk.begin()) != 0) {
        sodium_memzero(q, sizeof q);
        return Fail(WireError::BAD_KEY);
    }
    Writer w;
    w.Str(chain_id);
    w.Fixed(eph_i);
    w.Fixed(eph_r);
    w.Fixed(static_i);
    w.Fixed(static_r);
    Hash256 th = TaggedHash("folio/net/session", w.bytes());
    uint8_t okm[64];
    crypto_generichash(okm, sizeof okm, th.begin(), th.SIZE, q, sizeof q);
    SessionKeys keys;
    std::copy(okm, okm + 32, keys.i2r.begin());
    std::copy(okm + 32, okm + 64, keys.r2i.begin());
    sodium_memzero(q, sizeof q);
    sodium_memzero(okm, sizeof okm);
    return keys;
}

Result<uint32_t, WireError> ParseFrameLength(ByteView header, size_t max_frame_bytes) {
    if (header.size() < FRAME_HEADER_SIZE) return Fail(WireError::FRAME_TOO_SMALL);
    uint32_t len = static_cast<uint32_t>(header[0]) | (static_cast<uint32_t>(header[1]) << 8) |
                   (static_cast<uint32_t>(header[2]) << 16) | (static_cast<uint32_t>(header[3]) << 24);
    if (len < MIN_FRAME_LEN) return Fail(WireError::FRAME_TOO_SMALL);
    if (len > max_frame_bytes) return Fail(WireError::FRAME_TOO_LARGE);
    return len;
}

FrameCipher::~FrameCipher() { sodium_memzero(m_key.begin(), m_key.SIZE); }

FrameCipher::FrameCipher(FrameCipher&& o) noexcept : m_key(o.m_key), m_counter(o.m_counter) {
    sodium_memzero(o.m_key.begin(), o.m_key.SIZE);
}

FrameCipher& FrameCipher::operator=(FrameCipher&& o) noexcept {
    if (this != &o) {
        m_key = o.m_key;
        m_counter = o.m_counter;
        sodium_memzero(o.m_key.begin(), o.m_key.SIZE);
    }
    return *this;
}

Status<WireError> FrameCipher::Seal(FrameType type, ByteView body, size_t max_frame_bytes, Bytes& out) {
    EnsureSodium();
    if (m_counter == std::numeric_limits<uint64_t>::max()) return Fail(WireError::NONCE_EXHAUSTED);
    const size_t limit = std::min<size_t>(max_frame_bytes, std::numeric_limits<uint32_t>::max());
    if (body.size() > limit || 1 + body.size() + AEAD_TAG_SIZE > limit) return Fail(WireError::FRAME_TOO_LARGE);
    const size_t len = 1 + body.size() + AEAD_TAG_SIZE;
    const size_t start = out.size();
    out.resize(start + FRAME_HEADER_SIZE + len);
    uint8_t* hdr = out.data() + start;
    for (size_t i = 0; i < 4; ++i) hdr[i] = static_cast<uint8_t>(len >> (8 * i));
    uint8_t* ct = hdr + FRAME_HEADER_SIZE;
    // Plaintext is written in place, then encrypted in place (libsodium allows m == c).
    ct[0] = static_cast<uint8_t>(type);
    if (!body.empty()) std::memcpy(ct + 1, body.data(), body.size());
    uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
    PutNonce(m_counter, nonce);
    unsigned long long clen = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(ct, &clen, ct, 1 + body.size(), hdr, FRAME_HEADER_SIZE, nullptr,
                                              nonce, m_key.begin());
    ++m_counter;
    return Ok{};
}

Result<Frame, WireError> FrameCipher::Open(ByteView header, ByteView ciphertext) {
    EnsureSodium();
    if (header.size() != FRAME_HEADER_SIZE || ciphertext.size() < MIN_FRAME_LEN) return Fail(WireError::FRAME_TOO_SMALL);
    if (m_counter == std::numeric_limits<uint64_t>::max()) return Fail(WireError::NONCE_EXHAUSTED);
    uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
    PutNonce(m_counter, nonce);
    Bytes plain(ciphertext.size() - AEAD_TAG_SIZE);
    unsigned long long plen = 0;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(plain.data(), &plen, nullptr, ciphertext.data(), ciphertext.size(),
                                                  header.data(), header.size(), nonce, m_key.begin()) != 0)
        return Fail(WireError::FRAME_AUTH);
    ++m_counter;
    if (plain[0] > static_cast<uint8_t>(FrameType::PING)) return Fail(WireError::BAD_TYPE);
    Frame f;
    f.type = static_cast<FrameType>(plain[0]);
    f.body.assign(plain.begin() + 1, plain.end());
    return f;
}

Result<FrameStep, WireError> OpenNextFrame(FrameCipher& rx, ByteView in, size_t max_frame_bytes) {
    FrameStep step;
    if (in.size() < FRAME_HEADER_SIZE) return step;
    auto len = ParseFrameLength(in, max_frame_bytes);
    if (!len) return Fail(len.error());
    if (in.size() - FRAME_HEADER_SIZE < *len) return step;
    auto frame = rx.Open(in.first(FRAME_HEADER_SIZE), in.subspan(FRAME_HEADER_SIZE, *len));
    if (!frame) return Fail(frame.error());
    step.consumed = FRAME_HEADER_SIZE + *len;
    step.frame = std::move(*frame);
    return step;
}

}  // namespace folio::net
