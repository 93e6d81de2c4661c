// The RFC 6962-shaped Merkle tree (node/core/merkle.h) against an independent naive recursive
// implementation written here from RFC 9162 §2.1.1 / §2.1.3.1, plus the docs' test vector.
#include <doctest/doctest.h>

#include <node/core/merkle.h>

#include <string>

using namespace folio;

namespace {

Bytes Concat(const Hash256& a, const Hash256& b) {
    Bytes out(a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

size_t LargestPow2Below(size_t n) {
    size_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
}

// MTH(D[n]) straight from the RFC, with the plain TaggedHash.
Hash256 NaiveRoot(const std::vector<Hash256>& d) {
    if (d.empty()) return Hash256{};
    if (d.size() == 1) return d[0];
    size_t k = LargestPow2Below(d.size());
    std::vector<Hash256> left(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k));
    std::vector<Hash256> right(d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
    return TaggedHash("folio/merkle/node", Concat(NaiveRoot(left), NaiveRoot(right)));
}

// PATH(m, D[n]) from the RFC: leaf-to-root order.
std::vector<Hash256> NaivePath(size_t m, const std::vector<Hash256>& d) {
    if (d.size() <= 1) return {};
    size_t k = LargestPow2Below(d.size());
    std::vector<Hash256> left(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k));
    std::vector<Hash256> right(d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
    std::vector<Hash256> path;
    if (m < k) {
        path = NaivePath(m, left);
        path.push_back(NaiveRoot(right));
    } else {
        path = NaivePath(m - k, right);
        path.push_back(NaiveRoot(left));
    }
    return path;
}

std::vector<Hash256> Leaves(size_t n) {
    std::vector<Hash256> out;
    for (size_t i = 0; i < n; ++i) out.push_back(MerkleLeafHash(AsBytes("leaf " + std::to_string(i))));
    return out;
}

Hash256 Flip(Hash256 h, size_t byte, uint8_t mask = 0x01) {
    h.data[byte] ^= mask;
    return h;
}

// The vector of docs/formats-merkle.md §1.5 (also checked there with a few lines of Python).
const std::string MERKLE_VECTOR =
    "5f6e2470e9e7e41eb7dd879ed287cc6586e87698ff635cfa929b4b95b723ef1f\n"   // leaf "a"
    "7530ead608523811065c0be6918079d9b313af3b695ff9f8a77fcd3c7809a90e\n"   // leaf "b"
    "82b0652a393e2995a924e556866c86369a5ebb59128450d614f3481872a463dc\n"   // leaf "c"
    "01ce9f933767b708477a6bbb881260129d54f4663fefeceb3ad1d1837c017910\n"   // node(a, b)
    "339429e3a92ab7668c9af5fbd828614e24fd36c56b11508078a3777253e2b7d5\n"   // root
    "020301" "01ce9f933767b708477a6bbb881260129d54f4663fefeceb3ad1d1837c017910\n";  // proof of "c"

}  // namespace

TEST_CASE("merkle: TaggedHasher equals TaggedHash for every length around the block size") {
    TaggedHasher hasher("folio/test");
    for (size_t len : {0u, 1u, 31u, 32u, 55u, 56u, 63u, 64u, 65u, 119u, 200u}) {
        Bytes data(len);
        for (size_t i = 0; i < len; ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
        CHECK(hasher(data) == TaggedHash("folio/test", data));
    }
    Hash256 a = Sha256Of(std::string_view("a"));
    Hash256 b = Sha256Of(std::string_view("b"));
    CHECK(hasher(a, b) == TaggedHash("folio/test", Concat(a, b)));
    CHECK(hasher(a, b) != hasher(b, a));
}

TEST_CASE("merkle: leaf and node hashes are the documented tagged hashes") {
    Bytes data{1, 2, 3};
    CHECK(MerkleLeafHash(data) == TaggedHash("folio/merkle/leaf", data));
    Hash256 l = MerkleLeafHash(AsBytes("l"));
    Hash256 r = MerkleLeafHash(AsBytes("r"));
    CHECK(MerkleNodeHash(l, r) == TaggedHash("folio/merkle/node", Concat(l, r)));
    // A leaf never hashes like a node over the same 64 bytes.
    CHECK(MerkleLeafHash(Concat(l, r)) != MerkleNodeHash(l, r));
}

TEST_CASE("merkle: roots and proofs of sizes 0..17 match the naive RFC 6962 construction") {
    CHECK(MerkleRoot({}) == Hash256{});
    for (size_t n = 0; n <= 17; ++n) {
        CAPTURE(n);
        std::vector<Hash256> leaves = Leaves(n);
        Hash256 root = MerkleRoot(leaves);
        CHECK(root == NaiveRoot(leaves));
        for (size_t i = 0; i < n; ++i) {
            CAPTURE(i);
            MerkleProof proof = MerkleProve(leaves, i);
            CHECK(proof.index == i);
            CHECK(proof.count == n);
            CHECK(proof.path == NaivePath(i, leaves));
            CHECK(proof.path.size() == MerklePathLength(i, n));
            CHECK(MerkleVerify(root, leaves[i], proof));

            // Any flipped byte of the path, the leaf or the root fails.
            for (size_t p = 0; p < proof.path.size(); ++p) {
                for (size_t byte = 0; byte < 32; ++byte) {
                    MerkleProof bad = proof;
                    bad.path[p] = Flip(bad.path[p], byte);
                    CHECK_FALSE(MerkleVerify(root, leaves[i], bad));
                }
            }
            for (size_t byte = 0; byte < 32; ++byte) {
                CHECK_FALSE(MerkleVerify(root, Flip(leaves[i], byte), proof));
                CHECK_FALSE(MerkleVerify(Flip(root, byte), leaves[i], proof));
            }
            // Any other index fails, including every single-bit flip of the 8 index bytes.
            for (size_t j = 0; j < n + 3; ++j) {
                if (j == i) continue;
                MerkleProof bad = proof;
                bad.index = j;
                CHECK_FALSE(MerkleVerify(root, leaves[i], bad));
            }
            for (unsigned bit = 0; bit < 64; ++bit) {
                MerkleProof bad = proof;
                bad.index ^= uint64_t{1} << bit;
                CHECK_FALSE(MerkleVerify(root, leaves[i], bad));
            }
            // A path that is one hash too short or too long fails.
            if (!proof.path.empty()) {
                MerkleProof shorter = proof;
                shorter.path.pop_back();
                CHECK_FALSE(MerkleVerify(root, leaves[i], shorter));
            }
            MerkleProof longer = proof;
            longer.path.push_back(leaves[0]);
            CHECK_FALSE(MerkleVerify(root, leaves[i], longer));
            // Another leaf of the same tree with this proof fails.
            for (size_t j = 0; j < n; ++j) {
                if (j != i) CHECK_FALSE(MerkleVerify(root, leaves[j], proof));
            }
        }
    }
}

TEST_CASE("merkle: no duplication, so a repeated last leaf changes the root (CVE-2012-2459)") {
    std::vector<Hash256> three = Leaves(3);
    std::vector<Hash256> four = three;
    four.push_back(three[2]);
    CHECK(MerkleRoot(three) != MerkleRoot(four));
    std::vector<Hash256> five = Leaves(5);
    std::vector<Hash256> six = five;
    six.push_back(five[4]);
    CHECK(MerkleRoot(five) != MerkleRoot(six));
}

TEST_CASE("merkle: count is not authenticated by the root alone; verifiers take it from the header") {
    // Documented in docs/formats-merkle.md: leaf 0 of 5 has the same audit path shape as leaf 0
    // of 6, so a verifier must compare proof.count with the count the header commits to.
    std::vector<Hash256> leaves = Leaves(5);
    MerkleProof proof = MerkleProve(leaves, 0);
    MerkleProof other = proof;
    other.count = 6;
    CHECK(MerkleVerify(MerkleRoot(leaves), leaves[0], other));
    // Changing the count to one with another path shape fails.
    other.count = 9;
    CHECK_FALSE(MerkleVerify(MerkleRoot(leaves), leaves[0], other));
}

TEST_CASE("merkle: proof encoding round trips and rejects every other byte string") {
    for (size_t n = 1; n <= 17; ++n) {
        std::vector<Hash256> leaves = Leaves(n);
        for (size_t i = 0; i < n; ++i) {
            MerkleProof proof = MerkleProve(leaves, i);
            Bytes enc = EncodeMerkleProof(proof);
            CHECK(enc.size() == 3 + 32 * proof.path.size());
            auto dec = DecodeMerkleProof(enc);
            REQUIRE(dec.ok());
            CHECK(*dec == proof);
            CHECK(EncodeMerkleProof(*dec) == enc);
            // Truncation anywhere and a trailing byte fail.
            for (size_t cut = 0; cut < enc.size(); ++cut) {
                CHECK_FALSE(DecodeMerkleProof(ByteView(enc).first(cut)).ok());
            }
            Bytes extra = enc;
            extra.push_back(0);
            CHECK(DecodeMerkleProof(extra).error() == DecodeError::TRAILING_BYTES);
        }
    }
    auto err = [](const std::string& hex) {
        auto r = DecodeMerkleProof(*FromHex(hex));
        return r.ok() ? DecodeError::NONE : r.error();
    };
    std::string h32(64, 'a');
    CHECK(err("000100") == DecodeError::NONE);                      // leaf 0 of 1, empty path
    CHECK(err("8000" "01" "00") == DecodeError::NON_CANONICAL);     // overlong index
    CHECK(err("01" "01" "00") == DecodeError::BAD_VALUE);            // index >= count
    CHECK(err("00" "00" "00") == DecodeError::BAD_VALUE);            // empty tree
    CHECK(err("00" "02" "00") == DecodeError::BAD_VALUE);            // path too short for 2 leaves
    CHECK(err("000201" + h32) == DecodeError::NONE);
    CHECK(err("000102" + h32 + h32) == DecodeError::BAD_VALUE);  // path too long for 1 leaf
    CHECK(err("00ffffffffffffffffff0141") == DecodeError::TOO_LONG);  // 65 hashes announced
}

TEST_CASE("merkle: documented test vector (docs/formats-merkle.md)") {
    std::vector<Hash256> leaves = {MerkleLeafHash(AsBytes("a")), MerkleLeafHash(AsBytes("b")),
                                   MerkleLeafHash(AsBytes("c"))};
    std::string got;
    for (const Hash256& h : leaves) got += h.hex() + "\n";
    got += MerkleNodeHash(leaves[0], leaves[1]).hex() + "\n";
    got += MerkleRoot(leaves).hex() + "\n";
    got += ToHex(EncodeMerkleProof(MerkleProve(leaves, 2))) + "\n";
    CHECK(got == MERKLE_VECTOR);
}
