#include <node/core/keys.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

namespace folio {
namespace {

const secp256k1_context* Ctx() {
    // Created once; used read-only afterwards, which libsecp256k1 documents as thread-safe.
    static const secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return ctx;
}

}  // namespace

bool IsValidSecretKey(const SecretKey& sk) { return secp256k1_ec_seckey_verify(Ctx(), sk.data.data()) == 1; }

bool IsValidPublicKey(const PublicKey& pk) {
    secp256k1_xonly_pubkey x;
    return secp256k1_xonly_pubkey_parse(Ctx(), &x, pk.data.data()) == 1;
}

std::optional<PublicKey> DerivePublicKey(const SecretKey& sk) {
    secp256k1_keypair kp;
    if (secp256k1_keypair_create(Ctx(), &kp, sk.data.data()) != 1) return std::nullopt;
    secp256k1_xonly_pubkey x;
    if (secp256k1_keypair_xonly_pub(Ctx(), &x, nullptr, &kp) != 1) return std::nullopt;
    PublicKey out;
    secp256k1_xonly_pubkey_serialize(Ctx(), out.data.data(), &x);
    return out;
}

std::optional<Signature> SignSchnorr(const SecretKey& sk, const Hash256& msg, const Hash256& aux_rand) {
    secp256k1_keypair kp;
    if (secp256k1_keypair_create(Ctx(), &kp, sk.data.data()) != 1) return std::nullopt;
    Signature sig;
    if (secp256k1_schnorrsig_sign32(Ctx(), sig.data.data(), msg.data.data(), &kp, aux_rand.data.data()) != 1)
        return std::nullopt;
    return sig;
}

bool VerifySchnorr(const PublicKey& pk, const Hash256& msg, const Signature& sig) {
    secp256k1_xonly_pubkey x;
    if (secp256k1_xonly_pubkey_parse(Ctx(), &x, pk.data.data()) != 1) return false;
    return secp256k1_schnorrsig_verify(Ctx(), sig.data.data(), msg.data.data(), msg.data.size(), &x) == 1;
}

std::string AddressToString(const Address& a) { return a.hex(); }

std::optional<Address> ParseAddress(std::string_view s) {
    auto a = Address::FromHexStr(s);
    if (!a || !IsValidPublicKey(*a)) return std::nullopt;
    return a;
}

}  // namespace folio
