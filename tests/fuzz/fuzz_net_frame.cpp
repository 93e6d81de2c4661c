// Fuzzes the transport's decoders (node/net/wire.h): the three handshake messages and the
// encrypted frame stream as the transport reads it. Invariants: no crash, no over-read, the
// stream never consumes more than it was given, sealed frames open to the same content, and a
// modified frame never opens.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <node/net/wire.h>

using namespace folio;
using namespace folio::net;

namespace {

void Check(bool ok) {
    if (!ok) std::abort();
}

SessionKey FixedKey() {
    SessionKey k;
    for (size_t i = 0; i < k.SIZE; ++i) k.data[i] = static_cast<uint8_t>(i * 7 + 1);
    return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t mode = data[0] % 3;
    ByteView in(data + 1, size - 1);
    constexpr size_t MAX_FRAME = 4096;

    if (mode == 0) {  // handshake messages: decode, and re-encode what decodes
        if (auto h = DecodeHello(in); h.ok()) Check(EncodeHello(*h) == Bytes(in.begin(), in.end()));
        if (auto r = DecodeResponse(in); r.ok()) {
            Check(EncodeResponse(*r) == Bytes(in.begin(), in.end()));
            (void)VerifyAuth(r->auth, "fuzz", X25519Key{}, r->eph, Role::RESPONDER);
        }
        if (auto a = DecodeAuth(in); a.ok()) Check(EncodeAuth(*a) == Bytes(in.begin(), in.end()));
    } else if (mode == 1) {  // an untrusted byte stream, run exactly like the transport's loop
        FrameCipher rx(FixedKey());
        size_t pos = 0;
        while (pos < in.size()) {
            auto step = OpenNextFrame(rx, in.subspan(pos), MAX_FRAME);
            if (!step || step->consumed == 0) break;
            Check(step->consumed <= in.size() - pos);
            Check(step->frame.has_value());
            pos += step->consumed;
        }
    } else {  // seal the input as a body, open it, then corrupt one byte chosen by the input
        FrameCipher tx(FixedKey()), rx(FixedKey());
        Bytes frame;
        auto sealed = tx.Seal(FrameType::DATA, in, MAX_FRAME, frame);
        if (!sealed) {
            Check(in.size() + MIN_FRAME_LEN > MAX_FRAME);
            return 0;
        }
        Bytes stream = frame;
        stream.push_back(0xab);  // a trailing partial header must stay unconsumed
        auto step = OpenNextFrame(rx, stream, MAX_FRAME);
        Check(step.ok() && step->consumed == frame.size() && step->frame.has_value());
        Check(step->frame->type == FrameType::DATA);
        Check(step->frame->body == Bytes(in.begin(), in.end()));
        const size_t at = in.empty() ? 0 : in[0] % frame.size();
        frame[at] ^= static_cast<uint8_t>(in.empty() ? 1 : (in[in.size() - 1] | 1));
        FrameCipher rx2(FixedKey());
        auto bad = OpenNextFrame(rx2, frame, MAX_FRAME);
        Check(!bad.ok() || bad->consumed == 0);  // a changed length may just ask for more bytes
    }
    return 0;
}
