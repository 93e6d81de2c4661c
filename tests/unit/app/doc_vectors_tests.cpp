// The test vectors of docs/settlement-events.md (the receipt events behind every settlement event
// kind, the event id, and the JSON the RPC renders from them) and of docs/formats.md's genesis hash
// (a genesis.json, the state it writes, the genesis header and its hash), read out of the documents
// at test time (tests/unit/doc_vectors.h) and compared with what the real code builds. The
// tax_withheld layout is also checked against the standard tax contract itself.
// tests/lint/doc_vectors.py decodes the same vectors from the documents' layout tables alone.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <node/api/genesis_json.h>
#include <node/api/settlement_stream.h>
#include <node/chain/node.h>
#include <node/core/keys.h>
#include <node/protocol/addresses.h>
#include <node/state/ledger.h>
#include <node/state/settlement.h>
#include <node/state/settlement_events.h>
#include <node/state/state_root.h>
#include <vm/abi.h>
#include <tests/unit/doc_vectors.h>

using namespace folio;
using namespace folio::protocol;
using folio::test::AnnotateValue;
using folio::test::CompareVector;
using folio::test::FieldListing;
using folio::test::Listing;
using nlohmann::json;

namespace {

const std::string SETTLEMENT_DOC = "docs/settlement-events.md";
const std::string FORMATS_DOC = "docs/formats.md";
const std::string CHAIN = "folio-devnet";
constexpr uint64_t T0 = 1'800'000'000'000;

SecretKey Secret(uint8_t fill) {
    SecretKey sk;
    sk.data.fill(fill);
    return sk;
}
Address Pub(uint8_t fill) { return *DerivePublicKey(Secret(fill)); }

// The accounts of docs/rpc.md: alice (secret key 0x11 repeated), gw (0x33); the tax account 0x55.
const Address ALICE = Pub(0x11), GW = Pub(0x33), TAXBR = Pub(0x55);

void Check(const std::string& doc, const std::string& header, const Listing& mine) {
    INFO("vector " << header << " in " << doc);
    std::string diff = CompareVector(doc, header, mine);
    CHECK_MESSAGE(diff.empty(), diff);
}

void CheckJson(const std::string& doc, const std::string& name, const json& mine) {
    INFO("json block " << name << " in " << doc);
    if (std::getenv("FOLIO_PRINT_DOC_VECTORS")) std::printf("```json %s\n%s\n```\n", name.c_str(), mine.dump().c_str());
    json documented;
    try {
        documented = json::parse(test::ReadDocBlock(doc, "json " + name));
    } catch (const std::exception& e) {
        FAIL_CHECK(e.what() << "; the code renders " << mine.dump());
        return;
    }
    CHECK_MESSAGE(documented == mine, "the code renders " << mine.dump());
}

int64_t Pack(std::string_view s) {
    uint64_t v = 0;
    for (size_t i = 0; i < s.size(); ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(s[i])) << (8 * i);
    return static_cast<int64_t>(v);
}
void Put64(Bytes& out, int64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
}

Payout ExamplePayout(PayoutStatus status) {
    Payout p;
    p.id = 3;
    p.payee = ALICE;
    p.gateway = GW;
    p.currency = "BRL";
    p.amount = 100000;  // 1000.00 BRL
    p.target_currency = "USD";
    p.target_amount = 19800;  // floor(100000 * 198 / 1000)
    p.rate_id = 1;
    p.rate_num = 198;
    p.rate_den = 1000;
    p.status = status;
    p.created_ms = T0;
    p.expires_ms = T0 + 7ull * 24 * 3600 * 1000;
    p.tx = Sha256Of(std::string_view("the withdraw transaction"));
    if (status == PayoutStatus::CONFIRMED) {
        p.ended_ms = T0 + 3'600'000;
        p.note = "ach-2027-0042";
    } else if (status == PayoutStatus::FAILED) {
        p.ended_ms = T0 + 3'600'000;
        p.note = "account closed";
    } else if (status == PayoutStatus::EXPIRED) {
        p.ended_ms = p.expires_ms;
    }
    return p;
}

// The tax contract's tax_withheld data (docs/settlement-events.md, "tax_withheld").
struct TaxData {
    Address payee;
    std::string currency;
    int64_t gross, tax, income_type;
    std::string source, residency;
    int64_t bps;
    Address account;
};
Bytes EncodeTaxData(const TaxData& t) {
    Bytes d(t.payee.begin(), t.payee.end());
    Put64(d, Pack(t.currency));
    Put64(d, t.gross);
    Put64(d, t.tax);
    Put64(d, t.income_type);
    Put64(d, Pack(t.source));
    Put64(d, Pack(t.residency));
    Put64(d, t.bps);
    d.insert(d.end(), t.account.begin(), t.account.end());
    return d;
}
Listing TaxDataListing(const TaxData& t) {
    Listing l;
    auto i64 = [&](const std::string& path, int64_t v) {
        Bytes b;
        Put64(b, v);
        l.Add(path, ToHex(b), std::to_string(v));
    };
    auto ascii = [&](const std::string& path, const std::string& s) {
        Bytes b;
        Put64(b, Pack(s));
        l.Add(path, ToHex(b), test::Quote(s));
    };
    l.Add("payee", t.payee.hex(), t.payee.hex());
    ascii("currency", t.currency);
    i64("gross", t.gross);
    i64("tax", t.tax);
    i64("income_type", t.income_type);
    ascii("source", t.source);
    ascii("residency", t.residency);
    i64("bps", t.bps);
    l.Add("account", t.account.hex(), t.account.hex());
    return l;
}

const TaxData EXAMPLE_TAX{ALICE, "BRL", 70001, 10500, 1, "BR", "BR", 1500, TAXBR};

EvContract TaxEvent(const TaxData& t) {
    return EvContract{TaxContractAddress(), Bytes{'t', 'a', 'x', '_', 'w', 'i', 't', 'h', 'h', 'e', 'l', 'd'},
                      EncodeTaxData(t)};
}

// Block 42 of the examples holding one transaction whose receipt has `events`.
struct OneBlock {
    Block block;
    std::vector<Receipt> receipts;
};
OneBlock BlockWith(std::vector<Event> events) {
    OneBlock b;
    b.block.header.chain_id = CHAIN;
    b.block.header.height = 42;
    b.block.header.time_ms = T0;
    Receipt r;
    r.tx_id = Sha256Of(std::string_view("the transaction"));
    r.events = std::move(events);
    b.receipts.push_back(r);
    return b;
}

}  // namespace

TEST_CASE("docs/settlement-events.md: the receipt events behind every settlement event kind") {
    struct Case {
        std::string vector, layout, json_name;
        Event event;
    };
    std::vector<Case> cases = {
        {"settlement-payout-instruction", "event", "payout-instruction",
         EvPayout{ExamplePayout(PayoutStatus::PENDING)}},
        {"settlement-payout-confirmed", "event", "payout-confirmed", EvPayout{ExamplePayout(PayoutStatus::CONFIRMED)}},
        {"settlement-payout-failed", "event", "payout-failed", EvPayout{ExamplePayout(PayoutStatus::FAILED)}},
        {"settlement-payout-expired", "event", "payout-expired", EvPayout{ExamplePayout(PayoutStatus::EXPIRED)}},
        {"settlement-deposit", "event", "deposit-credited", EvDeposit{ALICE, GW, "BRL", 250000, "wire-2027-0001"}},
        {"settlement-tax-withheld", "TaxWithheldEvent", "tax-withheld", TaxEvent(EXAMPLE_TAX)},
    };
    for (const Case& c : cases) {
        Listing l;
        if (c.layout == "TaxWithheldEvent") {
            l.Add("tag", "10", "16");
            const auto& ev = std::get<EvContract>(c.event);
            l.Add("contract", ev.contract.hex(), ev.contract.hex());
            AnnotateValue(l, "topic", ev.topic);
            l.Nested("data", TaxDataListing(EXAMPLE_TAX));
        } else {
            AnnotateValue(l, "", c.event);
        }
        Receipt one;
        one.events = {c.event};
        CHECK(l.Hex() == ToHex(ByteView(EncodeReceipt(one)).subspan(36)));
        Check(SETTLEMENT_DOC, c.vector + " " + c.layout, l);

        // The settlement event the node derives from it: tx 0 of block 42, event 0, seq 7.
        OneBlock b = BlockWith({c.event});
        auto evs = state::ExtractSettlementEvents(CHAIN, b.block, b.receipts, 7);
        REQUIRE(evs.size() == 1);
        CheckJson(SETTLEMENT_DOC, c.json_name, api::SettlementEventJson(evs[0]));
    }
    // A tax_withheld with tax 0, a failed transaction's events and other contracts' events are
    // not settlement events.
    TaxData zero = EXAMPLE_TAX;
    zero.tax = 0;
    OneBlock b = BlockWith(
        {TaxEvent(zero), EvContract{SplitAddress(1), TaxEvent(EXAMPLE_TAX).topic, EncodeTaxData(EXAMPLE_TAX)}});
    CHECK(state::ExtractSettlementEvents(CHAIN, b.block, b.receipts, 1).empty());
    b = BlockWith({EvDeposit{ALICE, GW, "BRL", 1, "x"}});
    b.receipts[0].success = false;
    b.receipts[0].error_code = "x";
    CHECK(state::ExtractSettlementEvents(CHAIN, b.block, b.receipts, 1).empty());
}

TEST_CASE("docs/settlement-events.md: the settlement event id vector") {
    OneBlock b = BlockWith({EvTransfer{}, EvDeposit{ALICE, GW, "BRL", 250000, "wire-2027-0001"}});
    auto evs = state::ExtractSettlementEvents(CHAIN, b.block, b.receipts, 1);
    REQUIRE(evs.size() == 1);
    Listing l;
    l.Add("chain_id", ToHex(AsBytes(CHAIN)), test::Quote(CHAIN));
    l.Add("separator", "00", "0");
    Writer h, i;
    h.U64(42);
    i.U32(1);
    l.Add("height", ToHex(h.bytes()), "42");
    l.Add("tx", b.receipts[0].tx_id.hex(), b.receipts[0].tx_id.hex());
    l.Add("event_index", ToHex(i.bytes()), "1");
    l.Result("TaggedHash(\"folio/settlement_event\", all the bytes)", evs[0].id.hex());
    CHECK(TaggedHash("folio/settlement_event", l.Bytes_()) == evs[0].id);
    Check(SETTLEMENT_DOC, "settlement-event-id SettlementEventId", l);
}

TEST_CASE("docs/settlement-events.md: the standard tax contract emits tax_withheld as documented") {
    // BR withholds 15% on royalties; alice (BR) is paid 700.01 BRL of a 700.01 BRL royalty.
    using namespace folio::state;
    GenesisDoc g;
    g.chain_id = CHAIN;
    g.genesis_time_ms = T0;
    g.validators.push_back({"v0", Pub(0xa1)});
    g.accounts.push_back({"gov", Pub(0x66), WithRole(0, Role::GOVERNANCE), KycStatus::VERIFIED, "US", {}});
    g.accounts.push_back({"alice", ALICE, WithRole(0, Role::CREATOR), KycStatus::VERIFIED, "BR", {}});
    g.accounts.push_back(
        {"dist", Pub(0x44), WithRole(0, Role::DISTRIBUTOR), KycStatus::VERIFIED, "BR", {{"BRL", 1'000'000}}});
    g.accounts.push_back({"taxbr", TAXBR, 0, KycStatus::NONE, "", {}});
    auto genesis = BuildGenesisState(g);
    REQUIRE(genesis);
    struct Map final : StateReader {
        std::map<Bytes, Bytes> kv;
        std::optional<Bytes> Get(ByteView k) const override {
            auto it = kv.find(Bytes(k.begin(), k.end()));
            return it == kv.end() ? std::nullopt : std::optional<Bytes>(it->second);
        }
        void Apply(const WriteSet& w) {
            for (const auto& [k, v] : w)
                if (v) kv[k] = *v;
                else kv.erase(k);
        }
    } st;
    st.Apply(*genesis);
    uint64_t height = 0;
    std::map<uint8_t, uint64_t> nonces;
    auto send = [&](uint8_t who, TxBody body) {
        Transaction tx;
        tx.chain_id = CHAIN;
        tx.sender = Pub(who);
        tx.nonce = nonces[who]++;
        tx.body = std::move(body);
        REQUIRE(SignTx(tx, Secret(who), Hash256{}));
        ++height;
        auto r = ApplyBlock(st, ChainParams{CHAIN}, BlockContext{height, T0 + height * 1000, Pub(0xa1)}, {tx});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->receipts.at(0).success, r->receipts.at(0).error_code);
        st.Apply(r->writes);
        return r->receipts.at(0);
    };
    auto tax_call = [&](const std::string& sig, std::vector<vm::AbiValue> args) {
        send(0x66, ProposeTx{GovContractCall{TaxContractAddress(), *vm::EncodeCallChecked(sig, args)}});
    };
    tax_call("set_account(int,address)", {Pack("BR"), TAXBR});
    tax_call("set_rate(int,int,int,int,int,int)",
             {Pack("BR"), int64_t{1}, int64_t{0}, int64_t{1500}, int64_t{0}, int64_t{0}});
    RegisterWorkTx w;
    w.fingerprint = Sha256Of(std::string_view("film"));
    w.title = "film";
    w.owners = {{ALICE, 10000}};
    Receipt reg = send(0x11, w);
    uint64_t work = std::get<EvWorkRegistered>(reg.events.at(0)).work_id;
    Receipt paid = send(0x44, ReportRevenueTx{work, "BRL", 70001, 0, 0, "BR", "2027-01"});
    const EvContract* tax = nullptr;
    for (const Event& e : paid.events)
        if (const auto* c = std::get_if<EvContract>(&e); c && c->contract == TaxContractAddress()) tax = c;
    REQUIRE(tax != nullptr);
    // Exactly the documented vector's data: the layout is the contract's.
    CHECK(ToHex(tax->topic) == ToHex(TaxEvent(EXAMPLE_TAX).topic));
    CHECK(ToHex(tax->data) == ToHex(EncodeTaxData(EXAMPLE_TAX)));
}

TEST_CASE("docs/formats.md: the genesis hash vector") {
    json doc = json::parse(test::ReadDocBlock(FORMATS_DOC, "json genesis-vector"));
    auto g = api::ParseGenesisDoc(doc);
    REQUIRE_MESSAGE(g, (g ? "" : g.error().What()));
    auto block = chain::MakeGenesisBlock(*g);
    REQUIRE(block);

    // The state writes, sorted by key: key, SHA-256(value).
    std::string mine;
    for (const auto& [k, v] : block->writes) {
        REQUIRE(v);
        mine += ToHex(k) + " " + Sha256Of(*v).hex() + "\n";
    }
    if (std::getenv("FOLIO_PRINT_DOC_VECTORS")) std::printf("```text genesis-writes\n%s```\n", mine.c_str());
    std::string documented;
    std::istringstream in(test::ReadDocBlock(FORMATS_DOC, "text genesis-writes"));
    std::string line;
    while (std::getline(in, line)) {
        line = test::Trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        std::istringstream words(line);
        std::string key, sha;
        words >> key >> sha;
        documented += key + " " + sha + "\n";
    }
    CHECK_MESSAGE(documented == mine, "the code writes:\n" << mine);

    Listing l = FieldListing(block->block.header);
    CHECK(l.Hex() == ToHex(EncodeHeader(block->block.header)));
    l.Result("TaggedHash(\"folio/block\", all the bytes)", block->hash.hex());
    Check(FORMATS_DOC, "genesis-header BlockHeader", l);
    CHECK(block->hash == BlockHash(block->block.header));
    CHECK(block->block.header.state_root ==
          state::UpdateStateRoot(MemoryNodeStore{}, Hash256{}, 0, block->writes, 0)->new_root);
}
