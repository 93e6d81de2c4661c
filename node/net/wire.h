#pragma once
// The transport's wire format (docs/transport.md, byte by byte): the three handshake messages,
// the handshake signature hash, session-key derivation and the encrypted frames. No I/O.
// Thread-safety: free functions are reentrant; a FrameCipher is a plain value, one per direction
// of one connection, not safe to share between threads.
#include <cstdint>
#include <optional>
#include <string_view>

#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/core/result.h>

namespace folio::net {

using X25519Key = FixedBytes<32>;   // an X25519 public or secret key
using SessionKey = FixedBytes<32>;  // a ChaCha20-Poly1305 key

inline constexpr uint8_t WIRE_VERSION = 1;
inline constexpr std::string_view WIRE_MAGIC = "FOLIONET";
inline constexpr size_t HELLO_SIZE = 8 + 1 + 32;              // magic, version, initiator eph
inline constexpr size_t AUTH_SIZE = 32 + 64;                  // static key, signature
inline constexpr size_t RESPONSE_SIZE = 8 + 1 + 32 + AUTH_SIZE;  // magic, version, eph, auth
inline constexpr size_t FRAME_HEADER_SIZE = 4;                // u32 LE ciphertext length
inline constexpr size_t AEAD_TAG_SIZE = 16;
inline constexpr size_t MIN_FRAME_LEN = 1 + AEAD_TAG_SIZE;    // type byte + tag

enum class WireError : uint8_t {
    BAD_SIZE,         // a handshake message of the wrong length
    BAD_MAGIC,
    BAD_VERSION,
    BAD_KEY,          // not a valid x-only public key, or a weak X25519 key (all-zero secret)
    BAD_SIGNATURE,    // the handshake signature does not verify (wrong key or other chain id)
    FRAME_TOO_SMALL,  // length field below MIN_FRAME_LEN
    FRAME_TOO_LARGE,  // length field above the limit, or a body too large to send
    FRAME_AUTH,       // the frame failed AEAD authentication (tampered, reordered, wrong key)
    BAD_TYPE,         // unknown frame type
    NONCE_EXHAUSTED   // the direction's counter is used up: the connection must close
};
const char* WireErrorName(WireError e);

enum class Role : uint8_t { INITIATOR = 1, RESPONDER = 2 };

struct Hello {
    X25519Key eph;
};
struct Auth {
    PublicKey key;
    Signature sig;
};
struct Response {
    X25519Key eph;
    Auth auth;
};

Bytes EncodeHello(const Hello& h);
Bytes EncodeAuth(const Auth& a);
Bytes EncodeResponse(const Response& r);
// Each decoder accepts exactly its fixed size and checks magic/version; keys and signatures are
// only checked by VerifyAuth.
Result<Hello, WireError> DecodeHello(ByteView in);
Result<Auth, WireError> DecodeAuth(ByteView in);
Result<Response, WireError> DecodeResponse(ByteView in);

// TaggedHash("folio/net/handshake", varint(len chain_id) || chain_id || eph_i || eph_r || role
// || static_key): what `role` signs with the key `static_key`.
Hash256 HandshakeSigHash(std::string_view chain_id, const X25519Key& eph_i, const X25519Key& eph_r,
                         Role role, const PublicKey& static_key);
// Signs the hash with `sk` (fresh auxiliary randomness). nullopt if sk is invalid.
std::optional<Auth> MakeAuth(const SecretKey& sk, std::string_view chain_id, const X25519Key& eph_i,
                             const X25519Key& eph_r, Role role);
// Checks that a.key is a valid key and a.sig signs HandshakeSigHash(.., role, a.key).
Status<WireError> VerifyAuth(const Auth& a, std::string_view chain_id, const X25519Key& eph_i,
                             const X25519Key& eph_r, Role role);

// A fresh X25519 key pair (libsodium randomness).
struct EphemeralKeyPair {
    X25519Key pk;
    X25519Key sk;
};
EphemeralKeyPair NewEphemeral();

struct SessionKeys {
    SessionKey i2r;  // initiator -> responder
    SessionKey r2i;  // responder -> initiator
};
// q = X25519(my_eph_sk, peer_eph_pk); th = TaggedHash("folio/net/session", varint(len chain_id)
// || chain_id || eph_i || eph_r || static_i || static_r); okm = BLAKE2b-512(key = q, msg = th);
// i2r = okm[0..32), r2i = okm[32..64). BAD_KEY if q is all zero (a low-order peer key).
Result<SessionKeys, WireError> DeriveSessionKeys(std::string_view chain_id, const X25519Key& my_eph_sk,
                                                 const X25519Key& peer_eph_pk, const X25519Key& eph_i,
                                                 const X25519Key& eph_r, const PublicKey& static_i,
                                                 const PublicKey& static_r);

enum class FrameType : uint8_t { ACCEPT = 0, DATA = 1, PING = 2 };

struct Frame {
    FrameType type = FrameType::DATA;
    Bytes body;
};

// Reads the length field of a frame header (4 bytes, u32 LE); checks MIN_FRAME_LEN <= len <=
// max_frame_bytes. `header` must hold at least 4 bytes.
Result<uint32_t, WireError> ParseFrameLength(ByteView header, size_t max_frame_bytes);

// One direction of an encrypted channel: ChaCha20-Poly1305 (IETF) with nonce = the 64-bit frame
// counter, little-endian, padded with 4 zero bytes to 96 bits; the 4-byte header is the associated
// data. The counter increases by one per frame and is never reused: after 2^64 - 1 frames the
// cipher refuses (NONCE_EXHAUSTED). The key is wiped on destruction.
class FrameCipher {
public:
    FrameCipher() = default;
    explicit FrameCipher(const SessionKey& key, uint64_t first_counter = 0)
        : m_key(key), m_counter(first_counter) {}
    ~FrameCipher();
    FrameCipher(const FrameCipher&) = delete;
    FrameCipher& operator=(const FrameCipher&) = delete;
    FrameCipher(FrameCipher&& o) noexcept;
    FrameCipher& operator=(FrameCipher&& o) noexcept;

    // Appends header || ciphertext of (type || body) to `out`. FRAME_TOO_LARGE if the frame
    // would exceed max_frame_bytes; NONCE_EXHAUSTED when the counter is used up.
    Status<WireError> Seal(FrameType type, ByteView body, size_t max_frame_bytes, Bytes& out);
    // Decrypts one frame: `header` is its 4 bytes, `ciphertext` the `len` bytes that follow.
    // FRAME_AUTH on any tampering (or a frame out of order); BAD_TYPE on an unknown type. The
    // counter advances only on success.
    Result<Frame, WireError> Open(ByteView header, ByteView ciphertext);
    uint64_t counter() const { return m_counter; }

private:
    SessionKey m_key;
    uint64_t m_counter = 0;
};

// The stream step the transport runs on its receive buffer: if `in` starts with a complete frame,
// decrypts it with `rx` and reports how many bytes it used; consumed = 0 (and no frame) if more
// bytes are needed. The length is checked before the body is awaited, so a peer cannot make the
// receiver buffer more than max_frame_bytes + 4 bytes. Any error means: close the connection.
struct FrameStep {
    size_t consumed = 0;
    std::optional<Frame> frame;
};
Result<FrameStep, WireError> OpenNextFrame(FrameCipher& rx, ByteView in, size_t max_frame_bytes);

}  // namespace folio::net
