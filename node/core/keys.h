#pragma once
// Account keys and signatures: BIP-340 Schnorr over secp256k1 (libsecp256k1), chosen because it
// is the fastest verifier measured on our machines (~25k verifications/s/core, docs/formats.md, docs/performance.md).
// An account's address is its 32-byte x-only public key.
// Thread-safety: all functions are safe to call concurrently (one immutable context).
#include <optional>
#include <string>

#include <node/core/bytes.h>
#include <node/core/hash.h>

namespace folio {

using SecretKey = FixedBytes<32>;
using PublicKey = FixedBytes<32>;  // BIP-340 x-only public key; also the account address
using Signature = FixedBytes<64>;  // BIP-340 signature
using Address = PublicKey;

// True if `sk` is a valid secp256k1 secret key (non-zero, below the group order).
bool IsValidSecretKey(const SecretKey& sk);
// True if `pk` is the x coordinate of a point on the curve (a valid x-only key).
bool IsValidPublicKey(const PublicKey& pk);
// The x-only public key of a valid secret key; nullopt if `sk` is invalid.
std::optional<PublicKey> DerivePublicKey(const SecretKey& sk);
// BIP-340 signature of a 32-byte message. `aux_rand` is the auxiliary randomness of BIP-340
// (the caller supplies it: the pure core has no randomness; zeros are allowed). nullopt if `sk`
// is invalid.
std::optional<Signature> SignSchnorr(const SecretKey& sk, const Hash256& msg, const Hash256& aux_rand);
// BIP-340 verification of a 32-byte message.
bool VerifySchnorr(const PublicKey& pk, const Hash256& msg, const Signature& sig);

// Addresses are written as 64 lowercase hex characters.
std::string AddressToString(const Address& a);
std::optional<Address> ParseAddress(std::string_view s);

}  // namespace folio
