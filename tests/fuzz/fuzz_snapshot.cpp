// Fuzz target: state-sync snapshot manifests and chunks (node/statesync/snapshot.h), the bytes a
// joining node takes from servers it does not trust. Any input either fails to decode or decodes
// to a value whose re-encoding is the identical bytes; decoded values go through the checks a
// joining node runs (VerifyManifest against a fixed genesis, VerifyChunk against a manifest of
// the input's depth), which must refuse them without crashing.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include <node/statesync/snapshot.h>

using namespace folio;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView in(data, size);
    if (auto m = statesync::DecodeManifest(in)) {
        Bytes again = statesync::EncodeManifest(*m);
        if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
        if (m->chunks.size() != (size_t{1} << m->depth)) std::abort();
        PublicKey v;
        v.data.fill(7);
        (void)statesync::VerifyManifest(*m, "fuzz-chain", {v});
    }
    if (auto entries = statesync::DecodeChunk(in)) {
        Bytes again = statesync::EncodeChunk(*entries);
        if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
        statesync::Manifest m;
        m.depth = size == 0 ? 0 : static_cast<uint8_t>(data[0] % 4);
        m.chunks.resize(size_t{1} << m.depth);
        for (size_t i = 0; i < m.chunks.size(); ++i) {
            auto ok = statesync::VerifyChunk(m, i, *entries);
            // Against empty summaries only an empty chunk verifies.
            if (ok && !entries->empty()) std::abort();
        }
    }
    return 0;
}
