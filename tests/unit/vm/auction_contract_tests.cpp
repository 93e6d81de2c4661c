// The standard auction contract (contracts/auction.fasm) on a MemoryHost: English, Dutch and
// sealed-bid second-price auctions run to their end with every balance checked, the rejections
// (each leaves the host state unchanged), init validation, and out-of-gas during close.
// The work's revenue split is a stand-in receiver that records what distribute() was given.
#include "vm_test_util.h"

#include <functional>

#include <node/core/hash.h>

using namespace folio;
using namespace folio::vm;
using namespace folio::vm::test;

namespace {

constexpr int64_t T0 = 1'700'000'000'000;  // unix ms
constexpr int64_t MINUTE = 60'000;
constexpr int64_t HOUR = 3'600'000;
constexpr int64_t FUNDS = 1'000'000;
constexpr int64_t BR = 'B' | ('R' << 8);
constexpr int64_t ENGLISH = 1, DUTCH = 2, SEALED = 3;
constexpr int64_t MAX_AMOUNT_ = 1'000'000'000'000'000'000;

const Address SELLER = Addr(0x51);
const Address ALICE = Addr(0xA1);
const Address BOB = Addr(0xB0);
const Address CAROL = Addr(0xC0);
const Address DAVE = Addr(0xD0);
const Address ERIN = Addr(0xE1);
const Address ANYONE = Addr(0xEE);
const Address ZERO_ADDR{};

Bytes Terms() {
    std::string_view t = "licence: exclusive distribution, territory BR, 2026-01-01..2028-12-31, irrevocable";
    return Bytes(t.begin(), t.end());
}

// The split stand-in: distribute(int,int,int,int) stores its four arguments under 'cur', 'amt',
// 'type', 'ctry', its caller under 'from' and a call count under 'n'.
const char* RECEIVER = R"ASM(
.macro put K OFF
    push 0
    push $K
    mstore
    push 0
    push 8
    push $OFF
    calldataload
    sstorei
.endm
    selector
    dup 1
    iszero
    jumpi init
    push sel("distribute(int,int,int,int)")
    ne
    jumpi fail
    calldatasize
    push 36
    ne
    jumpi fail
    put 'cur' 4
    put 'amt' 12
    put 'type' 20
    put 'ctry' 28
    push 0
    push 'n'
    mstore
    push 0
    push 8
    push 0
    push 8
    sloadi
    push 1
    add
    sstorei
    push 64
    caller
    push 0
    push 'from'
    mstore
    push 0
    push 8
    push 64
    push 32
    sstore
    stop
init:
    stop
fail:
    push0
    push0
    revert
)ASM";

// A split whose distribute always fails.
const char* BROKEN_RECEIVER = R"ASM(
    selector
    iszero
    jumpi init
    push0
    push0
    revert
init:
    stop
)ASM";

const CodePtr& AuctionCode() {
    static const CodePtr code = Build(ReadContract("auction.fasm"));
    return code;
}

Bytes Key(std::string_view k) {
    Bytes b(8, 0);
    for (size_t i = 0; i < k.size(); ++i) b[i] = static_cast<uint8_t>(k[i]);
    return b;
}
int64_t FromLe(ByteView b) {
    REQUIRE(b.size() >= 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | b[static_cast<size_t>(i)];
    return static_cast<int64_t>(v);
}
Bytes Cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
Bytes B(const Address& a) { return Bytes(a.begin(), a.end()); }
Bytes Salt(uint8_t n) { return Bytes(32, n); }
Bytes Commitment(int64_t amount, const Bytes& salt, const Address& bidder) {
    Hash256 h = Sha256Of(Cat({Le64(amount), salt, B(bidder)}));
    return Bytes(h.begin(), h.end());
}

struct AuctionParams {
    int64_t kind = ENGLISH;
    int64_t currency = USD;
    int64_t p1 = 0, p2 = 0, p3 = 0, p4 = 0;
    int64_t start = T0, end = T0 + HOUR;
    Address split;
    int64_t country = BR;
    Address seller = SELLER;
    Bytes terms = Terms();
    Bytes Encode() const {
        return EncodeValues({kind, currency, p1, p2, p3, p4, start, end, split, country, seller, terms});
    }
};

// show(): the 160-byte status record.
struct AuctionStatus {
    int64_t kind = 0, currency = 0, state = 0, end = 0, highest = 0;
    Address highest_bidder;
    int64_t price = 0;
    Address winner;
    int64_t count = 0, reveal_end = 0, dutch_price = 0, second = 0, reveals = 0, licence = 0;
};

struct Fixture : Chain {
    Address split, auction;
    int64_t height = 1;
    AuctionParams params;

    explicit Fixture(const char* receiver = RECEIVER) {
        host.SetBlock({1, T0 - MINUTE});
        for (const Address& a : {ALICE, BOB, CAROL, DAVE, ERIN, SELLER}) host.SetBalance(a, USD, FUNDS);
        split = Deploy(Build(receiver), SELLER);
        params.split = split;
    }
    void Open(int64_t kind, int64_t p1, int64_t p2, int64_t p3, int64_t p4) {
        params.kind = kind;
        params.p1 = p1;
        params.p2 = p2;
        params.p3 = p3;
        params.p4 = p4;
        auction = Deploy(AuctionCode(), SELLER, params.Encode());
    }
    void At(int64_t t) { host.SetBlock({++height, t}); }
    ExecResult Bid(const Address& who, int64_t amount) {
        return Call(who, auction, *EncodeCallChecked("bid(int)", {amount}));
    }
    ExecResult Commit(const Address& who, const Bytes& commitment) {
        return Call(who, auction, *EncodeCallChecked("commit(bytes)", {commitment}));
    }
    ExecResult CommitBid(const Address& who, int64_t amount, uint8_t salt) {
        return Commit(who, Commitment(amount, Salt(salt), who));
    }
    ExecResult Reveal(const Address& who, int64_t amount, uint8_t salt) {
        return Call(who, auction, *EncodeCallChecked("reveal(int,bytes)", {amount, Salt(salt)}));
    }
    ExecResult Close(const Address& who = ANYONE) { return Call(who, auction, *EncodeCallChecked("close()", {})); }
    AuctionStatus Show() {
        ExecResult r = Call(ANYONE, auction, *EncodeCallChecked("show()", {}));
        REQUIRE_MESSAGE(r.ok(), vm::test::Show(r));
        auto v = DecodeValues(r.output, {AbiType::BYTES});
        REQUIRE(v.ok());
        const Bytes& b = std::get<Bytes>((*v)[0]);
        REQUIRE(b.size() == 160);
        ByteView s(b);
        auto i = [&](size_t off) { return FromLe(s.subspan(off, 8)); };
        AuctionStatus st;
        st.kind = i(0);
        st.currency = i(8);
        st.state = i(16);
        st.end = i(24);
        st.highest = i(32);
        st.highest_bidder = Address::FromView(s.subspan(40, 32));
        st.price = i(72);
        st.winner = Address::FromView(s.subspan(80, 32));
        st.count = i(112);
        st.reveal_end = i(120);
        st.dutch_price = i(128);
        st.second = i(136);
        st.reveals = i(144);
        st.licence = i(152);
        return st;
    }
    int64_t Bal(const Address& a) { return host.Balance(a, USD); }
    // Whether the auction called LICENCE_RELEASE (MemoryHost records 'r' || contract).
    bool Released() { return host.State().count(Cat({Bytes{'r'}, B(auction)})) == 1; }
    // What the split stand-in recorded.
    int64_t Recorded(std::string_view key) {
        auto v = host.StorageGet(split, Key(key));
        return v ? FromLe(*v) : 0;
    }
    std::optional<Bytes> Licence(int64_t id) {
        Bytes out;
        if (host.Invoke(CallContext{ANYONE, ANYONE, ANYONE, 0}, HostFn::LICENCE_GET, Le64(id), out) != HostStatus::OK)
            return std::nullopt;
        return out;
    }
    // Sum of every test account's balance plus the contracts': money is only ever moved.
    int64_t Total() {
        int64_t t = Bal(auction) + Bal(split);
        for (const Address& a : {ALICE, BOB, CAROL, DAVE, ERIN, SELLER, ANYONE}) t += Bal(a);
        return t;
    }
    const Event& LastEvent() {
        REQUIRE(!host.Events().empty());
        return host.Events().back();
    }
    // The events emitted by `call` (as "topic:datahex" lines).
    std::string EventsOf(const std::function<ExecResult()>& call) {
        size_t n = host.Events().size();
        ExecResult r = call();
        REQUIRE_MESSAGE(r.ok(), vm::test::Show(r));
        std::string s;
        for (size_t k = n; k < host.Events().size(); ++k) {
            const Event& e = host.Events()[k];
            s += std::string(e.topic.begin(), e.topic.end()) + ":" + ToHex(e.data) + "\n";
        }
        return s;
    }
};

std::string Ev(std::string_view topic, std::initializer_list<Bytes> parts) {
    return std::string(topic) + ":" + ToHex(Cat(parts)) + "\n";
}

}  // namespace

// A rejected call reverts (status `reverted` unless another is given) and changes nothing.
#define REJECTS_AS(f, want, call)                                                         \
    do {                                                                                   \
        std::string before_ = (f).host.Dump();                                             \
        ExecResult r_ = (call);                                                            \
        CHECK_MESSAGE(ExecStatusName(r_.status) == std::string(want), #call << ": " << Show(r_)); \
        CHECK_MESSAGE((f).host.Dump() == before_, #call);                                  \
    } while (0)
#define REJECTS(f, call) REJECTS_AS(f, "reverted", call)

TEST_CASE("auction: init validates every parameter; a bad init leaves nothing behind") {
    Fixture f;
    Hash256 h = f.host.InstallCode(AuctionCode());
    auto try_init = [&](const AuctionParams& p, uint64_t nonce) {
        Address at = ContractAddress(SELLER, 1000 + nonce);
        std::string before = f.host.Dump();
        ExecResult r = Instantiate(f.vm, f.host, SELLER, at, h, p.Encode(), 1'000'000);
        if (!r.ok()) {
            CHECK(f.host.Dump() == before);
            CHECK(f.host.ContractCode(at) == nullptr);
        }
        return r.ok();
    };
    AuctionParams english = f.params;
    english.kind = ENGLISH;
    english.p1 = 100;
    english.p2 = 10;
    english.p3 = MINUTE;
    english.p4 = 2 * MINUTE;
    AuctionParams dutch = f.params;
    dutch.kind = DUTCH;
    dutch.p1 = 1000;
    dutch.p2 = 100;
    dutch.p3 = MINUTE;
    dutch.p4 = 350;
    AuctionParams sealed = f.params;
    sealed.kind = SEALED;
    sealed.p1 = 100;
    sealed.p2 = 50;
    sealed.p3 = T0 + 2 * HOUR;
    sealed.p4 = 0;

    uint64_t n = 0;
    CHECK(try_init(english, n++));
    CHECK(try_init(dutch, n++));
    CHECK(try_init(sealed, n++));
    std::vector<std::pair<std::string, AuctionParams>> bad;
    auto with = [&](const std::string& what, AuctionParams p, const std::function<void(AuctionParams&)>& change) {
        change(p);
        bad.emplace_back(what, p);
    };
    for (const AuctionParams& base : {english, dutch, sealed}) {
        std::string k = std::to_string(base.kind) + ": ";
        with(k + "kind 0", base, [](AuctionParams& p) { p.kind = 0; });
        with(k + "kind 4", base, [](AuctionParams& p) { p.kind = 4; });
        with(k + "currency 0", base, [](AuctionParams& p) { p.currency = 0; });
        with(k + "currency lower case", base, [](AuctionParams& p) { p.currency = PackCurrency('u', 's', 'd'); });
        with(k + "currency 4 bytes", base, [](AuctionParams& p) { p.currency = USD | (int64_t{'X'} << 24); });
        with(k + "currency negative", base, [](AuctionParams& p) { p.currency = -static_cast<int64_t>(USD); });
        with(k + "country 3 letters", base, [](AuctionParams& p) { p.country = BR | (int64_t{'A'} << 16); });
        with(k + "country digit", base, [](AuctionParams& p) { p.country = 'B' | ('1' << 8); });
        with(k + "country empty", base, [](AuctionParams& p) { p.country = 0; });
        with(k + "start negative", base, [](AuctionParams& p) { p.start = -1; });
        with(k + "end == start", base, [](AuctionParams& p) { p.end = p.start; });
        with(k + "end < start", base, [](AuctionParams& p) { p.end = p.start - 1; });
        with(k + "end beyond 10^15", base, [](AuctionParams& p) { p.end = 1'000'000'000'000'001; });
        with(k + "zero split", base, [](AuctionParams& p) { p.split = ZERO_ADDR; });
        with(k + "zero seller", base, [](AuctionParams& p) { p.seller = ZERO_ADDR; });
        with(k + "empty terms", base, [](AuctionParams& p) { p.terms.clear(); });
        with(k + "terms over 4096", base, [](AuctionParams& p) { p.terms.assign(4097, 'x'); });
    }
    with("english: reserve negative", english, [](AuctionParams& p) { p.p1 = -1; });
    with("english: reserve over MAX_AMOUNT", english, [](AuctionParams& p) { p.p1 = MAX_AMOUNT_ + 1; });
    with("english: increment 0", english, [](AuctionParams& p) { p.p2 = 0; });
    with("english: increment negative", english, [](AuctionParams& p) { p.p2 = -5; });
    with("english: window without extension", english, [](AuctionParams& p) { p.p4 = 0; });
    with("english: extension without window", english, [](AuctionParams& p) { p.p3 = 0; });
    with("english: window negative", english, [](AuctionParams& p) { p.p3 = -1; });
    with("dutch: start price 0", dutch, [](AuctionParams& p) { p.p1 = 0; });
    with("dutch: decrement 0", dutch, [](AuctionParams& p) { p.p2 = 0; });
    with("dutch: interval 0", dutch, [](AuctionParams& p) { p.p3 = 0; });
    with("dutch: floor 0", dutch, [](AuctionParams& p) { p.p4 = 0; });
    with("dutch: floor above start", dutch, [](AuctionParams& p) { p.p4 = 1001; });
    with("sealed: deposit 0", sealed, [](AuctionParams& p) { p.p2 = 0; });
    with("sealed: reserve negative", sealed, [](AuctionParams& p) { p.p1 = -1; });
    with("sealed: reveal end == end", sealed, [](AuctionParams& p) { p.p3 = p.end; });
    with("sealed: p4 not 0", sealed, [](AuctionParams& p) { p.p4 = 1; });
    for (const auto& [what, p] : bad) CHECK_MESSAGE(!try_init(p, n++), what);

    // Encodings that are not the ABI's: trailing bytes, a short input, a truncated terms length.
    Bytes good = english.Encode();
    for (Bytes in : {Cat({good, Bytes{0}}), Bytes(good.begin(), good.end() - 1), Bytes(good.begin(), good.begin() + 142)}) {
        Address at = ContractAddress(SELLER, 1000 + n++);
        std::string before = f.host.Dump();
        CHECK(!Instantiate(f.vm, f.host, SELLER, at, h, in, 1'000'000).ok());
        CHECK(f.host.Dump() == before);
    }
    // Terms of exactly 4096 bytes are fine.
    AuctionParams big = english;
    big.terms.assign(4096, 't');
    CHECK(try_init(big, n++));

    // A deployed auction cannot be initialised again.
    f.Open(ENGLISH, 100, 10, MINUTE, 2 * MINUTE);
    REJECTS(f, f.Call(SELLER, f.auction, EncodeCall(INIT_SELECTOR, {})));
    Bytes again(4, 0);
    Bytes enc = sealed.Encode();
    again.insert(again.end(), enc.begin(), enc.end());
    REJECTS(f, f.Call(SELLER, f.auction, again));
    // Unknown selectors and short input are rejected.
    REJECTS(f, f.Call(ALICE, f.auction, *EncodeCallChecked("bid(int,int)", {int64_t{1}, int64_t{2}})));
    REJECTS(f, f.Call(ALICE, f.auction, Bytes{1, 2}));
    AuctionStatus s = f.Show();
    CHECK(s.kind == ENGLISH);
    CHECK(s.currency == USD);
    CHECK(s.state == 0);
    CHECK(s.end == T0 + HOUR);
}

TEST_CASE("auction: English run to the end with reserve, increments, refunds and proceeds") {
    Fixture f;
    f.Open(ENGLISH, 100, 10, MINUTE, 2 * MINUTE);
    const int64_t total = f.Total();
    const Bytes bid = *EncodeCallChecked("bid(int)", {int64_t{150}});

    REJECTS(f, f.Bid(ALICE, 150));  // before start
    f.At(T0);
    REJECTS(f, f.Bid(ALICE, 99));   // below the reserve
    REJECTS(f, f.Bid(ALICE, 0));
    REJECTS(f, f.Bid(ALICE, -5));
    REJECTS(f, f.Bid(SELLER, 500));  // the seller may not bid
    REJECTS(f, f.Call(ALICE, f.auction, Bytes(bid.begin(), bid.end() - 1)));  // malformed
    REJECTS(f, f.Commit(ALICE, Salt(1)));                                     // not a sealed auction
    REJECTS(f, f.Reveal(ALICE, 150, 1));
    REJECTS_AS(f, "host_refused", f.Bid(ALICE, FUNDS + 1));  // more than the bidder has
    // A bid through another contract cannot escrow the signer's money: refused.
    Address relay = f.Deploy(Build(ReadExample("relay.fasm")), SELLER);
    REJECTS(f, f.Call(ALICE, relay, *EncodeCallChecked("relay(address,bytes)", {f.auction, bid})));

    CHECK(f.EventsOf([&] { return f.Bid(ALICE, 100); }) == Ev("bid", {B(ALICE), Le64(100)}));
    CHECK(f.Bal(ALICE) == FUNDS - 100);
    CHECK(f.Bal(f.auction) == 100);
    f.At(T0 + 10 * MINUTE);
    REJECTS(f, f.Bid(BOB, 109));  // below highest + minimum increment
    REJECTS(f, f.Bid(BOB, 100));
    CHECK(f.EventsOf([&] { return f.Bid(BOB, 110); }) ==
          Ev("refund", {B(ALICE), Le64(100)}) + Ev("bid", {B(BOB), Le64(110)}));
    CHECK(f.Bal(ALICE) == FUNDS);
    CHECK(f.Bal(BOB) == FUNDS - 110);
    CHECK(f.Bal(f.auction) == 110);
    REJECTS(f, f.Close());  // before the end
    f.At(T0 + 20 * MINUTE);
    REQUIRE(f.Bid(CAROL, 500).ok());
    REQUIRE(f.Bid(ALICE, 510).ok());
    CHECK(f.Bal(BOB) == FUNDS);
    CHECK(f.Bal(CAROL) == FUNDS);
    CHECK(f.Bal(ALICE) == FUNDS - 510);
    CHECK(f.Bal(f.auction) == 510);
    AuctionStatus s = f.Show();
    CHECK(s.state == 0);
    CHECK(s.highest == 510);
    CHECK(s.highest_bidder == ALICE);
    CHECK(s.count == 4);
    CHECK(s.end == T0 + HOUR);  // no bid came within the window
    CHECK(f.Total() == total);

    f.At(T0 + HOUR - 1);
    REJECTS(f, f.Close());
    f.At(T0 + HOUR);
    REJECTS(f, f.Bid(BOB, 600));  // the auction has ended
    CHECK(f.EventsOf([&] { return f.Close(); }) ==
          Ev("closed", {B(ALICE), Le64(510), Le64(510)}));
    CHECK(f.Bal(f.auction) == 0);
    CHECK(f.Bal(f.split) == 510);
    CHECK(f.Bal(ALICE) == FUNDS - 510);
    CHECK(f.Bal(BOB) == FUNDS);
    CHECK(f.Bal(CAROL) == FUNDS);
    CHECK(f.Bal(SELLER) == FUNDS);
    CHECK(f.Total() == total);
    // The split was asked to distribute the proceeds as a licence fee from BR.
    CHECK(f.Recorded("n") == 1);
    CHECK(f.Recorded("cur") == USD);
    CHECK(f.Recorded("amt") == 510);
    CHECK(f.Recorded("type") == 2);
    CHECK(f.Recorded("ctry") == BR);
    CHECK(ToHex(*f.host.StorageGet(f.split, Key("from"))) == f.auction.hex());
    // The winner's licence: issued by the auction, terms = winner || the licence terms.
    auto lic = f.Licence(1);
    REQUIRE(lic.has_value());
    CHECK(ToHex(*lic) == ToHex(Cat({B(f.auction), B(ALICE), Terms()})));
    CHECK(!f.Licence(2).has_value());
    CHECK(!f.Released());
    s = f.Show();
    CHECK(s.state == 1);
    CHECK(s.price == 510);
    CHECK(s.winner == ALICE);
    CHECK(s.licence == 1);
    // Exactly once.
    REJECTS(f, f.Close());
    REJECTS(f, f.Bid(BOB, 1000));
}

TEST_CASE("auction: English anti-sniping extends the end; bids after the extended end fail") {
    Fixture f;
    f.Open(ENGLISH, 100, 10, MINUTE, 2 * MINUTE);  // window 1 min, extension 2 min
    const int64_t end = T0 + HOUR;
    f.At(end - MINUTE);  // end - now == window: not inside it
    CHECK(f.EventsOf([&] { return f.Bid(ALICE, 100); }) == Ev("bid", {B(ALICE), Le64(100)}));
    CHECK(f.Show().end == end);
    f.At(end - 30'000);  // inside the window: end = now + 2 min
    const int64_t end2 = end - 30'000 + 2 * MINUTE;
    CHECK(f.EventsOf([&] { return f.Bid(BOB, 110); }) ==
          Ev("refund", {B(ALICE), Le64(100)}) + Ev("bid", {B(BOB), Le64(110)}) + Ev("extended", {Le64(end2)}));
    CHECK(f.Show().end == end2);
    f.At(end + 1000);  // after the original end, before the extended one: accepted (and not in the window)
    REJECTS(f, f.Close());
    CHECK(f.EventsOf([&] { return f.Bid(ALICE, 120); }) ==
          Ev("refund", {B(BOB), Le64(110)}) + Ev("bid", {B(ALICE), Le64(120)}));
    CHECK(f.Show().end == end2);
    f.At(end2 - 1);  // inside the window again: extends once more
    const int64_t end3 = end2 - 1 + 2 * MINUTE;
    REQUIRE(f.Bid(CAROL, 130).ok());
    CHECK(ToHex(f.LastEvent().data) == ToHex(Le64(end3)));
    CHECK(f.Show().end == end3);
    f.At(end3);
    REJECTS(f, f.Bid(BOB, 1000));  // after the extended end
    f.At(end3 - 1);
    REJECTS(f, f.Close());
    f.At(end3);
    REQUIRE(f.Close().ok());
    CHECK(f.Bal(CAROL) == FUNDS - 130);
    CHECK(f.Bal(ALICE) == FUNDS);
    CHECK(f.Bal(BOB) == FUNDS);
    CHECK(f.Bal(f.split) == 130);
    CHECK(f.Bal(f.auction) == 0);
    CHECK(f.Show().winner == CAROL);
}

TEST_CASE("auction: English without anti-sniping never extends") {
    Fixture f;
    f.Open(ENGLISH, 0, 1, 0, 0);  // no reserve, increment 1, no window
    f.At(T0 + HOUR - 1);
    CHECK(f.EventsOf([&] { return f.Bid(ALICE, 1); }) == Ev("bid", {B(ALICE), Le64(1)}));
    CHECK(f.EventsOf([&] { return f.Bid(BOB, 2); }) == Ev("refund", {B(ALICE), Le64(1)}) + Ev("bid", {B(BOB), Le64(2)}));
    CHECK(f.Show().end == T0 + HOUR);
    f.At(T0 + HOUR);
    REQUIRE(f.Close().ok());
    CHECK(f.Bal(f.split) == 2);
    CHECK(f.Bal(BOB) == FUNDS - 2);
    CHECK(f.Bal(f.auction) == 0);
}

TEST_CASE("auction: Dutch price steps down by interval to the floor; the first bid at the price wins") {
    Fixture f;
    f.Open(DUTCH, 1000, 100, MINUTE, 350);  // 1000, -100 a minute, floor 350
    f.host.SetBalance(DAVE, USD, 799);
    const int64_t total = f.Total();
    CHECK(f.Show().dutch_price == 1000);  // before the start: the start price
    std::vector<std::pair<int64_t, int64_t>> steps = {
        {T0, 1000}, {T0 + MINUTE - 1, 1000}, {T0 + MINUTE, 900}, {T0 + 2 * MINUTE + 5, 800},
        {T0 + 6 * MINUTE, 400}, {T0 + 7 * MINUTE - 1, 400}, {T0 + 7 * MINUTE, 350}, {T0 + HOUR - 1, 350}, {T0 + 100 * HOUR, 350},
    };
    for (const auto& [t, price] : steps) {
        f.At(t);
        CHECK_MESSAGE(f.Show().dutch_price == price, "t = T0 + " << t - T0);
    }
    f.At(T0 - 1);
    REJECTS(f, f.Bid(ALICE, 1000));  // before the start
    f.At(T0 + 2 * MINUTE);
    REJECTS(f, f.Bid(ALICE, 799));  // below the current price (800)
    REJECTS(f, f.Bid(SELLER, 1000));
    REJECTS_AS(f, "host_refused", f.Bid(DAVE, 800));  // cannot pay the price
    REJECTS(f, f.Close());  // not sold, not ended
    // BOB offers 1000 at 800: pays 800, the excess is not taken.
    CHECK(f.EventsOf([&] { return f.Bid(BOB, 1000); }) == Ev("bid", {B(BOB), Le64(800)}));
    CHECK(f.Bal(BOB) == FUNDS - 800);
    CHECK(f.Bal(f.auction) == 800);
    AuctionStatus s = f.Show();
    CHECK(s.highest == 800);
    CHECK(s.highest_bidder == BOB);
    CHECK(s.dutch_price == 800);
    CHECK(s.count == 1);
    REJECTS(f, f.Bid(ALICE, 1000));  // sold
    // Close right away, before the end.
    CHECK(f.EventsOf([&] { return f.Close(); }) == Ev("closed", {B(BOB), Le64(800), Le64(800)}));
    CHECK(f.Bal(f.auction) == 0);
    CHECK(f.Bal(f.split) == 800);
    CHECK(f.Bal(BOB) == FUNDS - 800);
    CHECK(f.Bal(ALICE) == FUNDS);
    CHECK(f.Recorded("amt") == 800);
    CHECK(f.Recorded("type") == 2);
    CHECK(f.Total() == total);
    auto lic = f.Licence(1);
    REQUIRE(lic.has_value());
    CHECK(ToHex(*lic) == ToHex(Cat({B(f.auction), B(BOB), Terms()})));
    s = f.Show();
    CHECK(s.state == 1);
    CHECK(s.price == 800);
    CHECK(s.winner == BOB);
    REJECTS(f, f.Close());
    REJECTS(f, f.Bid(ALICE, 1000));
}

TEST_CASE("auction: Dutch sale at the floor, and a Dutch bid after the end fails") {
    Fixture f;
    f.Open(DUTCH, 1000, 300, MINUTE, 10);
    f.At(T0 + 3 * MINUTE);  // 1000 - 900 = 100
    CHECK(f.Show().dutch_price == 100);
    f.At(T0 + 4 * MINUTE);  // 1000 - 1200 < floor
    CHECK(f.Show().dutch_price == 10);
    f.At(T0 + HOUR);
    REJECTS(f, f.Bid(ALICE, 10));  // ended
    f.At(T0 + HOUR - 1);
    REQUIRE(f.Bid(ALICE, 10).ok());
    CHECK(f.Bal(ALICE) == FUNDS - 10);
    f.At(T0 + HOUR + 1);
    REQUIRE(f.Close().ok());
    CHECK(f.Bal(f.split) == 10);
    CHECK(f.Bal(f.auction) == 0);
}

TEST_CASE("auction: sealed-bid second price with reveals, refunds and a forfeited deposit") {
    Fixture f;
    const int64_t rend = T0 + 2 * HOUR;
    f.Open(SEALED, 100, 50, rend, 0);  // reserve 100, deposit 50
    const int64_t total = f.Total();
    REJECTS(f, f.CommitBid(ALICE, 300, 1));  // before the start
    f.At(T0);
    REJECTS(f, f.Bid(ALICE, 300));  // not an English or Dutch auction
    REJECTS(f, f.CommitBid(SELLER, 300, 9));
    REJECTS(f, f.Commit(ALICE, Bytes(31, 1)));  // not 32 bytes
    REJECTS(f, f.Commit(ALICE, Bytes(33, 1)));
    CHECK(f.EventsOf([&] { return f.CommitBid(ALICE, 300, 1); }) == Ev("commit", {B(ALICE), Le64(50)}));
    REJECTS(f, f.CommitBid(ALICE, 400, 2));  // one commitment per bidder
    REQUIRE(f.CommitBid(BOB, 250, 2).ok());
    REQUIRE(f.CommitBid(CAROL, 120, 3).ok());
    REQUIRE(f.CommitBid(DAVE, 500, 4).ok());  // never revealed
    REQUIRE(f.CommitBid(ERIN, 90, 5).ok());   // below the reserve: cannot be revealed
    for (const Address& a : {ALICE, BOB, CAROL, DAVE, ERIN}) CHECK(f.Bal(a) == FUNDS - 50);
    CHECK(f.Bal(f.auction) == 250);
    REJECTS(f, f.Reveal(ALICE, 300, 1));  // reveal phase not yet open
    f.At(T0 + HOUR);
    REJECTS(f, f.CommitBid(ANYONE, 200, 6));  // commit phase over
    REJECTS(f, f.Close());
    REJECTS(f, f.Reveal(ALICE, 300, 7));  // wrong salt
    REJECTS(f, f.Reveal(ALICE, 301, 1));  // wrong amount
    REJECTS(f, f.Reveal(ANYONE, 300, 1));  // no commitment
    REJECTS(f, f.Call(ALICE, f.auction, *EncodeCallChecked("reveal(int,bytes)", {int64_t{300}, Bytes(31, 1)})));
    REJECTS(f, f.Reveal(ERIN, 90, 5));  // below the reserve
    // BOB reveals first: escrows 250 - 50 more.
    CHECK(f.EventsOf([&] { return f.Reveal(BOB, 250, 2); }) == Ev("reveal", {B(BOB), Le64(250)}));
    CHECK(f.Bal(BOB) == FUNDS - 250);
    CHECK(f.Bal(f.auction) == 250 + 200);
    // ALICE outbids: BOB gets everything back at once.
    CHECK(f.EventsOf([&] { return f.Reveal(ALICE, 300, 1); }) ==
          Ev("reveal", {B(ALICE), Le64(300)}) + Ev("refund", {B(BOB), Le64(250)}));
    CHECK(f.Bal(BOB) == FUNDS);
    CHECK(f.Bal(ALICE) == FUNDS - 300);
    REJECTS(f, f.Reveal(ALICE, 300, 1));  // already revealed
    // CAROL's lower bid is refunded in full.
    CHECK(f.EventsOf([&] { return f.Reveal(CAROL, 120, 3); }) ==
          Ev("reveal", {B(CAROL), Le64(120)}) + Ev("refund", {B(CAROL), Le64(120)}));
    CHECK(f.Bal(CAROL) == FUNDS);
    AuctionStatus s = f.Show();
    CHECK(s.highest == 300);
    CHECK(s.highest_bidder == ALICE);
    CHECK(s.second == 250);
    CHECK(s.count == 5);
    CHECK(s.reveals == 3);
    CHECK(s.reveal_end == rend);
    CHECK(f.Bal(f.auction) == 300 + 2 * 50);  // the highest bid and two unrevealed deposits
    CHECK(f.Total() == total);

    f.At(rend - 1);
    REJECTS(f, f.Close());
    f.At(rend);
    REJECTS(f, f.Reveal(DAVE, 500, 4));  // reveal phase over
    // ALICE pays the second price 250 and gets 50 back; DAVE's and ERIN's deposits are forfeited.
    CHECK(f.EventsOf([&] { return f.Close(); }) ==
          Ev("refund", {B(ALICE), Le64(50)}) + Ev("closed", {B(ALICE), Le64(250), Le64(350)}));
    CHECK(f.Bal(ALICE) == FUNDS - 250);
    CHECK(f.Bal(BOB) == FUNDS);
    CHECK(f.Bal(CAROL) == FUNDS);
    CHECK(f.Bal(DAVE) == FUNDS - 50);
    CHECK(f.Bal(ERIN) == FUNDS - 50);
    CHECK(f.Bal(f.split) == 350);
    CHECK(f.Bal(f.auction) == 0);
    CHECK(f.Total() == total);
    CHECK(f.Recorded("amt") == 350);
    CHECK(f.Recorded("cur") == USD);
    CHECK(f.Recorded("type") == 2);
    CHECK(f.Recorded("ctry") == BR);
    auto lic = f.Licence(1);
    REQUIRE(lic.has_value());
    CHECK(ToHex(*lic) == ToHex(Cat({B(f.auction), B(ALICE), Terms()})));
    s = f.Show();
    CHECK(s.state == 1);
    CHECK(s.price == 250);
    CHECK(s.winner == ALICE);
    REJECTS(f, f.Close());
    REJECTS(f, f.Reveal(DAVE, 500, 4));
}

TEST_CASE("auction: sealed single valid reveal pays the reserve; ties go to the earlier reveal") {
    SUBCASE("single reveal") {
        Fixture f;
        f.Open(SEALED, 100, 50, T0 + 2 * HOUR, 0);
        f.At(T0);
        REQUIRE(f.CommitBid(ALICE, 400, 1).ok());
        f.At(T0 + HOUR);
        REQUIRE(f.Reveal(ALICE, 400, 1).ok());
        CHECK(f.Bal(ALICE) == FUNDS - 400);
        f.At(T0 + 2 * HOUR);
        CHECK(f.EventsOf([&] { return f.Close(); }) ==
              Ev("refund", {B(ALICE), Le64(300)}) + Ev("closed", {B(ALICE), Le64(100), Le64(100)}));
        CHECK(f.Bal(ALICE) == FUNDS - 100);
        CHECK(f.Bal(f.split) == 100);
        CHECK(f.Bal(f.auction) == 0);
    }
    SUBCASE("tie") {
        Fixture f;
        f.Open(SEALED, 100, 50, T0 + 2 * HOUR, 0);
        f.At(T0);
        REQUIRE(f.CommitBid(ALICE, 300, 1).ok());
        REQUIRE(f.CommitBid(BOB, 300, 2).ok());
        f.At(T0 + HOUR);
        REQUIRE(f.Reveal(BOB, 300, 2).ok());
        CHECK(f.EventsOf([&] { return f.Reveal(ALICE, 300, 1); }) ==
              Ev("reveal", {B(ALICE), Le64(300)}) + Ev("refund", {B(ALICE), Le64(300)}));
        f.At(T0 + 2 * HOUR);
        REQUIRE(f.Close().ok());
        CHECK(f.Show().winner == BOB);
        CHECK(f.Bal(BOB) == FUNDS - 300);  // second price = the tied bid
        CHECK(f.Bal(ALICE) == FUNDS);
        CHECK(f.Bal(f.split) == 300);
        CHECK(f.Bal(f.auction) == 0);
    }
}

TEST_CASE("auction: no winner releases the licence; forfeited deposits still reach the split") {
    SUBCASE("sealed, nobody reveals") {
        Fixture f;
        f.Open(SEALED, 100, 50, T0 + 2 * HOUR, 0);
        f.At(T0);
        REQUIRE(f.CommitBid(ALICE, 300, 1).ok());
        REQUIRE(f.CommitBid(BOB, 200, 2).ok());
        f.At(T0 + 2 * HOUR);
        CHECK(f.EventsOf([&] { return f.Close(); }) == Ev("closed", {B(ZERO_ADDR), Le64(0), Le64(100)}));
        CHECK(f.Bal(ALICE) == FUNDS - 50);
        CHECK(f.Bal(BOB) == FUNDS - 50);
        CHECK(f.Bal(f.split) == 100);
        CHECK(f.Bal(f.auction) == 0);
        CHECK(f.Recorded("amt") == 100);
        CHECK(f.Recorded("type") == 2);
        CHECK(!f.Licence(1).has_value());  // no licence issued
        CHECK(f.Released());
        AuctionStatus s = f.Show();
        CHECK(s.state == 1);
        CHECK(s.winner == ZERO_ADDR);
        CHECK(s.price == 0);
        REJECTS(f, f.Close());
    }
    SUBCASE("sealed, no commitments") {
        Fixture f;
        f.Open(SEALED, 100, 50, T0 + 2 * HOUR, 0);
        f.At(T0 + 2 * HOUR);
        CHECK(f.EventsOf([&] { return f.Close(); }) == Ev("closed", {B(ZERO_ADDR), Le64(0), Le64(0)}));
        CHECK(f.Recorded("n") == 0);  // nothing to distribute
        CHECK(f.Bal(f.split) == 0);
        CHECK(f.Released());
    }
    SUBCASE("English, no bids") {
        Fixture f;
        f.Open(ENGLISH, 100, 10, 0, 0);
        f.At(T0 + HOUR);
        CHECK(f.EventsOf([&] { return f.Close(); }) == Ev("closed", {B(ZERO_ADDR), Le64(0), Le64(0)}));
        CHECK(f.Recorded("n") == 0);
        CHECK(!f.Licence(1).has_value());
        CHECK(f.Released());
        REJECTS(f, f.Close());
    }
    SUBCASE("Dutch, no sale") {
        Fixture f;
        f.Open(DUTCH, 1000, 100, MINUTE, 500);
        f.At(T0 + HOUR - 1);
        REJECTS(f, f.Close());
        f.At(T0 + HOUR);
        CHECK(f.EventsOf([&] { return f.Close(); }) == Ev("closed", {B(ZERO_ADDR), Le64(0), Le64(0)}));
        CHECK(f.Released());
        REJECTS(f, f.Bid(ALICE, 1000));
    }
}

TEST_CASE("auction: a failing split makes close revert") {
    Fixture f(BROKEN_RECEIVER);
    f.Open(ENGLISH, 100, 10, 0, 0);
    f.At(T0);
    REQUIRE(f.Bid(ALICE, 100).ok());
    f.At(T0 + HOUR);
    std::string before = f.host.Dump();
    ExecResult r = f.Close();
    CHECK(ShowNoGas(r) == "reverted " + ToHex(Le64(static_cast<int64_t>(ExecStatus::REVERTED))));
    CHECK(f.host.Dump() == before);
    CHECK(f.Bal(f.auction) == 100);
}

// Runs `input` from `who` with every gas value below what it needs: each attempt must fail and
// leave the state unchanged; the exact amount then gives the same result as before. Returns the
// gas needed. The call's effects are kept.
static int64_t SweepOutOfGas(Fixture& f, const Address& who, const Bytes& input) {
    uint64_t snap = f.host.Snapshot();
    ExecResult full = f.Call(who, f.auction, input);
    REQUIRE_MESSAGE(full.ok(), Show(full));
    std::string after = f.host.Dump();
    f.host.Revert(snap);
    std::string before = f.host.Dump();
    std::string bad;
    for (int64_t g = 0; g < full.gas_used; ++g) {
        ExecResult r = f.Call(who, f.auction, input, g);
        if ((r.ok() || f.host.Dump() != before) && bad.empty()) bad = "gas " + std::to_string(g) + ": " + Show(r);
    }
    CHECK(bad == "");
    CHECK(Show(f.Call(who, f.auction, input, full.gas_used)) == Show(full));
    CHECK(f.host.Dump() == after);
    return full.gas_used;
}

TEST_CASE("auction: out of gas anywhere in a bid, reveal or close reverts cleanly; gas budgets") {
    SUBCASE("English") {
        Fixture f;
        f.Open(ENGLISH, 100, 10, MINUTE, 2 * MINUTE);
        f.At(T0);
        ExecResult first = f.Bid(ALICE, 100);
        REQUIRE(first.ok());
        CHECK(first.gas_used < 3000);  // measured 2442
        f.At(T0 + HOUR - 1000);  // outbids and extends
        CHECK(SweepOutOfGas(f, BOB, *EncodeCallChecked("bid(int)", {int64_t{200}})) < 4000);
        f.At(T0 + 2 * HOUR);
        CHECK(SweepOutOfGas(f, ANYONE, *EncodeCallChecked("close()", {})) < 6000);  // measured 5162
        CHECK(f.Bal(f.split) == 200);
        CHECK(f.Bal(f.auction) == 0);
    }
    SUBCASE("sealed") {
        Fixture f;
        f.Open(SEALED, 100, 50, T0 + 2 * HOUR, 0);
        f.At(T0);
        REQUIRE(f.CommitBid(ALICE, 300, 1).ok());
        REQUIRE(f.CommitBid(BOB, 200, 2).ok());
        REQUIRE(f.CommitBid(CAROL, 250, 3).ok());
        f.At(T0 + HOUR);
        REQUIRE(f.Reveal(BOB, 200, 2).ok());
        CHECK(SweepOutOfGas(f, ALICE, *EncodeCallChecked("reveal(int,bytes)", {int64_t{300}, Salt(1)})) < 4500);
        f.At(T0 + 2 * HOUR);
        CHECK(SweepOutOfGas(f, ANYONE, *EncodeCallChecked("close()", {})) < 7000);  // measured 5939
        CHECK(f.Bal(ALICE) == FUNDS - 200);
        CHECK(f.Bal(CAROL) == FUNDS - 50);
        CHECK(f.Bal(f.split) == 250);
        CHECK(f.Bal(f.auction) == 0);
    }
}

namespace {
// The revert data of a refusal: the 8-byte reason code (ASCII, zero-padded) || its figures.
Bytes Reason(std::string_view code, std::initializer_list<int64_t> figures = {}) {
    Bytes b(8, 0);
    for (size_t i = 0; i < code.size(); ++i) b[i] = static_cast<uint8_t>(code[i]);
    for (int64_t v : figures) {
        Bytes le = Le64(v);
        b.insert(b.end(), le.begin(), le.end());
    }
    return b;
}
}  // namespace

// A refusal reverts with its reason code and figures (docs/vm.md, "Reasons"), and changes nothing.
#define REFUSES(f, call, reason)                                                            \
    do {                                                                                    \
        std::string before_ = (f).host.Dump();                                              \
        ExecResult r_ = (call);                                                             \
        CHECK_MESSAGE(ExecStatusName(r_.status) == std::string("reverted"), #call << ": " << Show(r_)); \
        CHECK_MESSAGE(ToHex(r_.output) == ToHex(reason), #call << ": " << Show(r_));        \
        CHECK_MESSAGE((f).host.Dump() == before_, #call);                                   \
    } while (0)

TEST_CASE("auction: every refusal reverts with its reason code and figures") {
    {
        Fixture f;
        f.Open(ENGLISH, 100, 10, 0, 0);  // reserve 100, increment 10, ends T0 + HOUR
        REFUSES(f, f.Bid(ALICE, 150), Reason("early", {T0}));
        f.At(T0);
        REFUSES(f, f.Bid(ALICE, 99), Reason("reserve", {99, 100}));
        REFUSES(f, f.Bid(ALICE, 0), Reason("amount", {0}));
        REFUSES(f, f.Bid(SELLER, 500), Reason("seller"));
        REFUSES(f, f.Commit(ALICE, Bytes(32, 1)), Reason("kind", {ENGLISH}));
        REQUIRE(f.Bid(ALICE, 100).ok());
        REFUSES(f, f.Bid(BOB, 109), Reason("bid_low", {109, 110}));
        REFUSES(f, f.Close(), Reason("too_soon", {T0 + HOUR}));
        f.At(T0 + HOUR);
        REFUSES(f, f.Bid(BOB, 600), Reason("ended", {T0 + HOUR}));
        REQUIRE(f.Close().ok());
        REFUSES(f, f.Close(), Reason("closed"));
        // a malformed call
        const Bytes bid = *EncodeCallChecked("bid(int)", {int64_t{150}});
        REFUSES(f, f.Call(ALICE, f.auction, Bytes(bid.begin(), bid.end() - 1)), Reason("input"));
    }
    {
        Fixture f;
        f.Open(DUTCH, 1000, 100, MINUTE, 350);
        f.At(T0 + 2 * MINUTE);
        REFUSES(f, f.Bid(ALICE, 799), Reason("price", {799, 800}));
        REQUIRE(f.Bid(ALICE, 800).ok());
        REFUSES(f, f.Bid(BOB, 900), Reason("sold"));
    }
    {
        Fixture f;
        const int64_t rend = T0 + 2 * HOUR;
        f.Open(SEALED, 100, 50, rend, 0);  // reserve 100, deposit 50
        f.At(T0);
        REFUSES(f, f.Bid(ALICE, 300), Reason("kind", {SEALED}));
        REQUIRE(f.CommitBid(ALICE, 300, 1).ok());
        REQUIRE(f.CommitBid(CAROL, 90, 3).ok());
        REFUSES(f, f.CommitBid(ALICE, 400, 2), Reason("commit2"));
        REFUSES(f, f.Reveal(ALICE, 300, 1), Reason("rv_early", {T0 + HOUR}));
        f.At(T0 + HOUR);
        REFUSES(f, f.CommitBid(DAVE, 300, 4), Reason("ended", {T0 + HOUR}));
        REFUSES(f, f.Reveal(ALICE, 301, 1), Reason("no_open"));
        REFUSES(f, f.Reveal(DAVE, 300, 4), Reason("no_cmt"));
        REFUSES(f, f.Reveal(CAROL, 90, 3), Reason("reserve", {90, 100}));
        REFUSES(f, f.Close(), Reason("too_soon", {rend}));
        f.At(rend);
        REFUSES(f, f.Reveal(ALICE, 300, 1), Reason("rv_ended", {rend}));
    }
    {
        Fixture f;
        f.Open(SEALED, 10, 50, T0 + 2 * HOUR, 0);  // reserve 10, deposit 50
        f.At(T0);
        REQUIRE(f.CommitBid(ALICE, 30, 1).ok());
        f.At(T0 + HOUR);
        REFUSES(f, f.Reveal(ALICE, 30, 1), Reason("deposit", {30, 50}));
    }
}
