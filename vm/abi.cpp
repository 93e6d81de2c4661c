#include <vm/abi.h>

#include <node/core/hash.h>

namespace folio::vm {

const char* AbiErrorName(AbiError e) {
    switch (e) {
        case AbiError::BAD_SIGNATURE: return "bad_signature";
        case AbiError::TRUNCATED: return "truncated";
        case AbiError::TOO_LONG: return "too_long";
        case AbiError::TRAILING_BYTES: return "trailing_bytes";
        case AbiError::TYPE_MISMATCH: return "type_mismatch";
    }
    return "unknown";
}

uint32_t Selector(std::string_view signature) {
    Hash256 h = TaggedHash("folio/vm/selector", AsBytes(signature));
    return static_cast<uint32_t>(h.data[0]) | static_cast<uint32_t>(h.data[1]) << 8 |
           static_cast<uint32_t>(h.data[2]) << 16 | static_cast<uint32_t>(h.data[3]) << 24;
}

Result<FnSignature, AbiError> ParseSignature(std::string_view s) {
    size_t open = s.find('(');
    if (open == std::string_view::npos || open == 0 || s.empty() || s.back() != ')')
        return Fail(AbiError::BAD_SIGNATURE);
    FnSignature sig;
    sig.name = std::string(s.substr(0, open));
    for (size_t i = 0; i < sig.name.size(); ++i) {
        char c = sig.name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!(alpha || (digit && i > 0))) return Fail(AbiError::BAD_SIGNATURE);
    }
    std::string_view list = s.substr(open + 1, s.size() - open - 2);
    if (list.empty()) return sig;
    size_t pos = 0;
    while (true) {
        size_t comma = list.find(',', pos);
        std::string_view t = list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        if (t == "int") sig.params.push_back(AbiType::INT);
        else if (t == "address") sig.params.push_back(AbiType::ADDRESS);
        else if (t == "bytes") sig.params.push_back(AbiType::BYTES);
        else return Fail(AbiError::BAD_SIGNATURE);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return sig;
}

namespace {
void PutLe(Bytes& out, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
}  // namespace

Bytes EncodeValues(const std::vector<AbiValue>& values) {
    Bytes out;
    for (const AbiValue& v : values) {
        if (const int64_t* i = std::get_if<int64_t>(&v)) {
            PutLe(out, static_cast<uint64_t>(*i), 8);
        } else if (const Address* a = std::get_if<Address>(&v)) {
            out.insert(out.end(), a->begin(), a->end());
        } else {
            const Bytes& b = std::get<Bytes>(v);
            PutLe(out, b.size(), 4);
            out.insert(out.end(), b.begin(), b.end());
        }
    }
    return out;
}

Bytes EncodeCall(uint32_t selector, const std::vector<AbiValue>& args) {
    Bytes out;
    PutLe(out, selector, 4);
    Bytes rest = EncodeValues(args);
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

Result<std::vector<AbiValue>, AbiError> DecodeValues(ByteView in, const std::vector<AbiType>& types) {
    std::vector<AbiValue> out;
    size_t pos = 0;
    auto le = [&](int n) {
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i) v = v << 8 | in[pos + static_cast<size_t>(i)];
        pos += static_cast<size_t>(n);
        return v;
    };
    for (AbiType t : types) {
        switch (t) {
            case AbiType::INT:
                if (in.size() - pos < 8) return Fail(AbiError::TRUNCATED);
                out.emplace_back(static_cast<int64_t>(le(8)));
                break;
            case AbiType::ADDRESS:
                if (in.size() - pos < 32) return Fail(AbiError::TRUNCATED);
                out.emplace_back(Address::FromView(in.subspan(pos, 32)));
                pos += 32;
                break;
            case AbiType::BYTES: {
                if (in.size() - pos < 4) return Fail(AbiError::TRUNCATED);
                uint64_t n = le(4);
                if (n > MAX_ABI_BYTES) return Fail(AbiError::TOO_LONG);
                if (in.size() - pos < n) return Fail(AbiError::TRUNCATED);
                out.emplace_back(Bytes(in.begin() + static_cast<std::ptrdiff_t>(pos),
                                       in.begin() + static_cast<std::ptrdiff_t>(pos + n)));
                pos += static_cast<size_t>(n);
                break;
            }
        }
    }
    if (pos != in.size()) return Fail(AbiError::TRAILING_BYTES);
    return out;
}

Result<Bytes, AbiError> EncodeCallChecked(std::string_view signature, const std::vector<AbiValue>& args) {
    auto sig = ParseSignature(signature);
    if (!sig) return Fail(sig.error());
    if (sig->params.size() != args.size()) return Fail(AbiError::TYPE_MISMATCH);
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i].index() != static_cast<size_t>(sig->params[i])) return Fail(AbiError::TYPE_MISMATCH);
        if (const Bytes* b = std::get_if<Bytes>(&args[i]); b && b->size() > MAX_ABI_BYTES)
            return Fail(AbiError::TOO_LONG);
    }
    return EncodeCall(Selector(signature), args);
}

}  // namespace folio::vm
