#include <vm/memory_host.h>

#include <algorithm>
#include <cstring>

#include <node/core/amount.h>

namespace folio::vm {

bool BytesLess::operator()(const Bytes& a, const Bytes& b) const {
    size_t n = std::min(a.size(), b.size());
    int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    return c != 0 ? c < 0 : a.size() < b.size();
}

namespace {

// Key spaces of MemoryHost's map (one letter, then fields).
constexpr uint8_t K_STORAGE = 's';   // s || contract || key
constexpr uint8_t K_BALANCE = 'b';   // b || account || currency u32 LE
constexpr uint8_t K_CONTRACT = 'c';  // c || address -> code hash
constexpr uint8_t K_LICENCE = 'l';   // l || id u64 BE -> issuer || terms
constexpr uint8_t K_NFT = 'n';       // n || token u64 BE -> owner
constexpr uint8_t K_COUNTER = 'z';   // z || 'l' -> next licence id u64 LE
constexpr uint8_t K_ACCOUNT = 'a';   // a || account -> kyc (1) || residency (2)
constexpr uint8_t K_RELEASED = 'r';  // r || contract -> 01 (LICENCE_RELEASE done)

Bytes Key(uint8_t kind, ByteView a, ByteView b = {}) {
    Bytes k;
    k.reserve(1 + a.size() + b.size());
    k.push_back(kind);
    k.insert(k.end(), a.begin(), a.end());
    k.insert(k.end(), b.begin(), b.end());
    return k;
}
Bytes Le64(int64_t x) {
    Bytes b(8);
    for (int i = 0; i < 8; ++i) b[static_cast<size_t>(i)] = static_cast<uint8_t>(static_cast<uint64_t>(x) >> (8 * i));
    return b;
}
int64_t FromLe64(ByteView b) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | b[static_cast<size_t>(i)];
    return static_cast<int64_t>(v);
}
Bytes Be64(uint64_t x) {
    Bytes b(8);
    for (int i = 0; i < 8; ++i) b[static_cast<size_t>(i)] = static_cast<uint8_t>(x >> (8 * (7 - i)));
    return b;
}
Bytes CurBytes(CurrencyCode c) {
    return Bytes{static_cast<uint8_t>(c), static_cast<uint8_t>(c >> 8), static_cast<uint8_t>(c >> 16),
                 static_cast<uint8_t>(c >> 24)};
}

}  // namespace

void MemoryHost::Put(Bytes key, std::optional<Bytes> value) {
    auto it = m_state.find(key);
    std::optional<Bytes> old;
    if (it != m_state.end()) old = it->second;
    if (value) {
        if (it != m_state.end()) it->second = std::move(*value);
        else m_state.emplace(key, std::move(*value));
    } else if (it != m_state.end()) {
        m_state.erase(it);
    }
    m_journal.push_back(Undo{false, std::move(key), std::move(old)});
}

std::optional<Bytes> MemoryHost::Get(const Bytes& key) const {
    auto it = m_state.find(key);
    if (it == m_state.end()) return std::nullopt;
    return it->second;
}

void MemoryHost::Revert(uint64_t snapshot) {
    while (m_journal.size() > snapshot) {
        Undo u = std::move(m_journal.back());
        m_journal.pop_back();
        if (u.is_event) {
            m_events.pop_back();
        } else if (u.old) {
            m_state[u.key] = std::move(*u.old);
        } else {
            m_state.erase(u.key);
        }
    }
}

void MemoryHost::SetBalance(const Address& account, CurrencyCode currency, int64_t amount) {
    Bytes k = Key(K_BALANCE, account.view(), CurBytes(currency));
    Put(std::move(k), amount == 0 ? std::nullopt : std::optional<Bytes>(Le64(amount)));
}

void MemoryHost::SetNftOwner(uint64_t token, const Address& owner) {
    Put(Key(K_NFT, Be64(token)), Bytes(owner.begin(), owner.end()));
}

void MemoryHost::SetAccountInfo(const Address& account, uint8_t kyc, std::string_view residency) {
    Bytes v{kyc, 0, 0};
    if (residency.size() == 2) {
        v[1] = static_cast<uint8_t>(residency[0]);
        v[2] = static_cast<uint8_t>(residency[1]);
    }
    Put(Key(K_ACCOUNT, account.view()), std::move(v));
}

Hash256 MemoryHost::InstallCode(CodePtr code) {
    Hash256 h = code->hash();
    m_codes.emplace(h, std::move(code));
    return h;
}

std::optional<Bytes> MemoryHost::StorageGet(const Address& contract, ByteView key) {
    return Get(Key(K_STORAGE, contract.view(), key));
}

void MemoryHost::StoragePut(const Address& contract, ByteView key, ByteView value) {
    Put(Key(K_STORAGE, contract.view(), key),
        value.empty() ? std::nullopt : std::optional<Bytes>(Bytes(value.begin(), value.end())));
}

int64_t MemoryHost::Balance(const Address& account, CurrencyCode currency) {
    auto v = Get(Key(K_BALANCE, account.view(), CurBytes(currency)));
    return v ? FromLe64(*v) : 0;
}

HostStatus MemoryHost::Transfer(const CallContext& ctx, const Address& from, const Address& to,
                                CurrencyCode currency, int64_t amount) {
    if (amount <= 0 || amount > MAX_AMOUNT) return HostStatus::BAD_ARGS;
    bool signer_direct = ctx.caller == ctx.origin && from == ctx.origin;
    if (!(from == ctx.self || signer_direct)) return HostStatus::REFUSED;
    int64_t have = Balance(from, currency);
    if (have < amount) return HostStatus::INSUFFICIENT_FUNDS;
    if (from == to) return HostStatus::OK;
    int64_t dest = Balance(to, currency);
    if (dest > MAX_AMOUNT - amount) return HostStatus::REFUSED;
    SetBalance(from, currency, have - amount);
    SetBalance(to, currency, dest + amount);
    return HostStatus::OK;
}

HostStatus MemoryHost::Invoke(const CallContext& ctx, HostFn fn, ByteView args, Bytes& out) {
    out.clear();
    switch (fn) {
        case HostFn::LICENCE_ISSUE: {
            if (args.empty()) return HostStatus::BAD_ARGS;
            Bytes ck = Key(K_COUNTER, AsBytes("l"));
            auto c = Get(ck);
            int64_t id = (c ? FromLe64(*c) : 0) + 1;
            Put(ck, Le64(id));
            Bytes rec(ctx.self.begin(), ctx.self.end());
            rec.insert(rec.end(), args.begin(), args.end());
            Put(Key(K_LICENCE, Be64(static_cast<uint64_t>(id))), std::move(rec));
            out = Le64(id);
            return HostStatus::OK;
        }
        case HostFn::LICENCE_GET: {
            if (args.size() != 8) return HostStatus::BAD_ARGS;
            auto rec = Get(Key(K_LICENCE, Be64(static_cast<uint64_t>(FromLe64(args)))));
            if (!rec) return HostStatus::NOT_FOUND;
            out = std::move(*rec);
            return HostStatus::OK;
        }
        case HostFn::NFT_OWNER: {
            if (args.size() != 8) return HostStatus::BAD_ARGS;
            auto owner = Get(Key(K_NFT, Be64(static_cast<uint64_t>(FromLe64(args)))));
            if (!owner) return HostStatus::NOT_FOUND;
            out = std::move(*owner);
            return HostStatus::OK;
        }
        case HostFn::NFT_TRANSFER: {
            if (args.size() != 40) return HostStatus::BAD_ARGS;
            Bytes k = Key(K_NFT, Be64(static_cast<uint64_t>(FromLe64(args.subspan(0, 8)))));
            auto owner_bytes = Get(k);
            if (!owner_bytes) return HostStatus::NOT_FOUND;
            Address owner = Address::FromView(*owner_bytes);
            bool signer_direct = ctx.caller == ctx.origin && owner == ctx.origin;
            if (!(owner == ctx.self || signer_direct)) return HostStatus::REFUSED;
            Put(k, Bytes(args.begin() + 8, args.end()));
            return HostStatus::OK;
        }
        case HostFn::ACCOUNT_INFO: {
            if (args.size() != 32) return HostStatus::BAD_ARGS;
            auto info = Get(Key(K_ACCOUNT, args));
            out = info ? std::move(*info) : Bytes{0, 0, 0};
            return HostStatus::OK;
        }
        case HostFn::LICENCE_RELEASE: {
            if (!args.empty()) return HostStatus::BAD_ARGS;
            Bytes k = Key(K_RELEASED, ctx.self.view());
            if (m_state.count(k)) return HostStatus::REFUSED;
            Put(std::move(k), Bytes{1});
            return HostStatus::OK;
        }
    }
    return HostStatus::BAD_ARGS;
}

void MemoryHost::Emit(const Address& contract, ByteView topic, ByteView data) {
    m_events.push_back(Event{contract, Bytes(topic.begin(), topic.end()), Bytes(data.begin(), data.end())});
    m_journal.push_back(Undo{true, {}, std::nullopt});
}

CodePtr MemoryHost::ContractCode(const Address& contract) {
    auto h = Get(Key(K_CONTRACT, contract.view()));
    if (!h) return nullptr;
    auto it = m_codes.find(Hash256::FromView(*h));
    return it == m_codes.end() ? nullptr : it->second;
}

HostStatus MemoryHost::CreateContract(const Address& contract, const Hash256& code_hash) {
    if (!m_codes.count(code_hash)) return HostStatus::NOT_FOUND;
    Bytes k = Key(K_CONTRACT, contract.view());
    if (m_state.count(k)) return HostStatus::REFUSED;
    Put(std::move(k), Bytes(code_hash.begin(), code_hash.end()));
    return HostStatus::OK;
}

std::string MemoryHost::Dump() const {
    std::string s;
    for (const auto& [k, v] : m_state) {
        s += static_cast<char>(k[0]);
        s += ':';
        ByteView rest = ByteView(k).subspan(1);
        if (k[0] != K_COUNTER && rest.size() >= 32) {
            s += ToHex(rest.subspan(0, 4));
            s += ':';
            s += ToHex(rest.subspan(32));
        } else {
            s += ToHex(rest);
        }
        s += '=';
        s += ToHex(v);
        s += '\n';
    }
    for (const Event& e : m_events) {
        s += "event " + ToHex(e.contract.view().subspan(0, 4)) + " " + ToHex(e.topic) + " " + ToHex(e.data) + "\n";
    }
    return s;
}

}  // namespace folio::vm
