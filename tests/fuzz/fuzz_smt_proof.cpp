// Fuzz target: SmtProof, stored SMT node record and MerkleProof decoding. Any input either fails to decode or decodes to
// a proof whose re-encoding is the identical bytes (one encoding per value); decoded proofs are
// verified against fixed roots, which must never crash, and a proof never shows both presence
// and absence of one key.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <vector>

#include <node/core/merkle.h>
#include <node/core/smt.h>

using namespace folio;

namespace {

struct Fixture {
    Hash256 smt_root;
    std::vector<Hash256> keys;
    std::vector<Hash256> values;
    Hash256 merkle_root;
    std::vector<Hash256> merkle_leaves;

    Fixture() {
        MemoryNodeStore store;
        std::vector<SmtWrite> writes;
        for (uint8_t b : std::initializer_list<uint8_t>{0x11, 0x22, 0x88}) {
            Hash256 k;
            k.data.fill(b);
            keys.push_back(k);
            values.push_back(SmtValueHash(Bytes{b}));
            writes.emplace_back(k, values.back());
        }
        auto up = SmtApply(store, Hash256{}, 0, writes, 1);
        if (!up) std::abort();
        smt_root = up->new_root;
        Hash256 absent;
        absent.data.fill(0x44);
        keys.push_back(absent);
        values.push_back(Hash256{});
        for (int i = 0; i < 5; ++i) merkle_leaves.push_back(MerkleLeafHash(Bytes{static_cast<uint8_t>(i)}));
        merkle_root = MerkleRoot(merkle_leaves);
    }
};

const Fixture& Fix() {
    static const Fixture f;
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Fixture& f = Fix();
    ByteView in(data, size);

    auto smt = DecodeSmtProof(in);
    if (smt) {
        Bytes again = EncodeSmtProof(*smt);
        if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
        for (size_t i = 0; i < f.keys.size(); ++i) {
            bool incl = SmtVerifyInclusion(f.smt_root, f.keys[i], f.values[i], *smt);
            bool excl = SmtVerifyExclusion(f.smt_root, f.keys[i], *smt);
            if (incl && excl) std::abort();
        }
        if (smt->leaf) {
            (void)SmtVerifyInclusion(f.smt_root, smt->leaf->key, smt->leaf->value_hash, *smt);
            (void)SmtVerifyExclusion(f.smt_root, smt->leaf->key, *smt);
        }
    }

    auto rec = DecodeSmtRecord(in);
    if (rec) {
        Bytes again = EncodeSmtRecord(*rec);
        if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
        if (rec->node.a.IsZero() && rec->left_version != 0) std::abort();
        if (rec->node.b.IsZero() && rec->right_version != 0) std::abort();
    }

    auto merkle = DecodeMerkleProof(in);
    if (merkle) {
        Bytes again = EncodeMerkleProof(*merkle);
        if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
        if (merkle->path.size() != MerklePathLength(merkle->index, merkle->count)) std::abort();
        for (const Hash256& leaf : f.merkle_leaves) (void)MerkleVerify(f.merkle_root, leaf, *merkle);
    }
    return 0;
}
