#pragma once
// folio-byzantine's raw connections: the transport's real handshake as the dialler (the codec of
// node/net/wire.h, docs/transport.md), then bytes the real Transport would never write — so the
// receiver's frame checks are what is tested, after the peer has authenticated us.
#include <cstdint>
#include <string>

#include <node/core/keys.h>
#include <node/net/transport.h>

#include "messages.h"

namespace folio::byz {

enum class RawAttack : uint8_t {
    GARBAGE,          // 4 KiB of random bytes where the first frame should be
    BAD_AUTH_FRAME,   // a DATA frame with one ciphertext byte flipped
    OVERSIZE_HEADER,  // a frame length of max_frame_bytes + 1, then 64 KiB of its body
    BAD_TYPE_FRAME,   // a correctly sealed frame of an unknown type (9)
    LATE_ACCEPT,      // a correctly sealed ACCEPT frame from the dialler (only the responder sends one)
};
inline constexpr int RAW_ATTACKS = 5;
const char* RawAttackName(RawAttack a);

struct RawResult {
    bool handshake_ok = false;    // the peer accepted us (its ACCEPT frame decrypted)
    bool closed_by_peer = false;  // after the attack, the peer closed within the wait
    uint64_t bytes_sent = 0;
    std::string error;  // why the handshake did not finish ("refused", "connect: ...")
};

// One connection to `to`: handshake as `sk` (whose public key is `self`), then the attack; waits up
// to `wait_ms` for the peer to close.
RawResult RawAttackOnce(const std::string& chain_id, const SecretKey& sk, const PublicKey& self,
                        const net::PeerAddr& to, RawAttack attack, size_t max_frame_bytes, Rng& rng,
                        int wait_ms = 10000);

}  // namespace folio::byz
