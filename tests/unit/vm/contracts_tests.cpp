// Example contracts (contracts/examples/) on a MemoryHost: deployment, calls, out-of-gas at every
// instruction, the re-entrancy rule, the call-depth limit and determinism across VM instances.
#include "vm_test_util.h"

using namespace folio;
using namespace folio::vm;
using namespace folio::vm::test;

namespace {

const Address SIGNER = Addr(9);
const Address PAYEE1 = Addr(1);
const Address PAYEE2 = Addr(2);

Bytes SplitParams(int64_t bps1, int64_t bps2) { return EncodeValues({PAYEE1, bps1, PAYEE2, bps2}); }
Bytes Distribute(int64_t amount) { return *EncodeCallChecked("distribute(int)", {amount}); }
Bytes Increment() { return *EncodeCallChecked("increment()", {}); }
Bytes Relay(const Address& target, const Bytes& input) {
    return *EncodeCallChecked("relay(address,bytes)", {target, input});
}

struct World : Chain {
    Address split, counter, relay_a, relay_b;
    World() {
        host.SetBalance(SIGNER, USD, 1000);
        split = Deploy(Build(ReadExample("split.fasm")), SIGNER, SplitParams(3000, 7000));
        counter = Deploy(Build(ReadExample("counter.fasm")), SIGNER);
        CodePtr relay = Build(ReadExample("relay.fasm"));
        relay_a = Deploy(relay, SIGNER);
        relay_b = Deploy(relay, SIGNER);
    }
};

}  // namespace

TEST_CASE("split contract: exact shares, transfers, events, count") {
    World w;
    ExecResult r = w.Call(SIGNER, w.split, Distribute(101));
    REQUIRE_MESSAGE(r.ok(), Show(r));
    CHECK(ToHex(r.output) == ToHex(Le64(1)));
    CHECK(w.host.Balance(PAYEE1, USD) == 30);  // floor(101 * 3000 / 10000)
    CHECK(w.host.Balance(PAYEE2, USD) == 71);  // the rest: nothing is lost
    CHECK(w.host.Balance(SIGNER, USD) == 899);
    REQUIRE(w.host.Events().size() == 2);
    CHECK(ToHex(w.host.Events()[1].topic) == ToHex(AsBytes("payout")));
    CHECK(ToHex(w.host.Events()[1].data) == PAYEE2.hex() + ToHex(Le64(71)));
    CHECK(ToHex(w.Call(SIGNER, w.split, *EncodeCallChecked("count()", {})).output) == ToHex(Le64(1)));

    // Bad input and a payment beyond the balance revert without effect.
    std::string before = w.host.Dump();
    CHECK(ShowNoGas(w.Call(SIGNER, w.split, Distribute(0))) == "reverted ");
    CHECK(ShowNoGas(w.Call(SIGNER, w.split, Distribute(5000))) == "host_refused ");
    CHECK(ShowNoGas(w.Call(SIGNER, w.split, Bytes{1, 2, 3})) == "reverted ");
    // Someone else's call cannot spend the signer's money: the host refuses.
    CHECK(ShowNoGas(w.vm.Execute(w.host, Message{w.relay_a, w.split, SIGNER, Distribute(10), 100000})) == "host_refused ");
    CHECK(w.host.Dump() == before);
}

TEST_CASE("deployment: bad parameters, taken address and unknown code leave nothing behind") {
    World w;
    CodePtr split = Build(ReadExample("split.fasm"));
    Hash256 h = w.host.InstallCode(split);
    std::string before = w.host.Dump();
    Address fresh = ContractAddress(SIGNER, 1000);
    CHECK(ShowNoGas(Instantiate(w.vm, w.host, SIGNER, fresh, h, SplitParams(3000, 6999), 100000)) == "reverted ");
    CHECK(w.host.ContractCode(fresh) == nullptr);
    CHECK(ShowNoGas(Instantiate(w.vm, w.host, SIGNER, w.counter, h, SplitParams(3000, 7000), 100000)) == "host_refused ");
    CHECK(ShowNoGas(Instantiate(w.vm, w.host, SIGNER, fresh, Hash256{}, {}, 100000)) == "no_contract ");
    CHECK(w.host.Dump() == before);
    CHECK(ShowNoGas(w.Call(SIGNER, fresh, Increment())) == "no_contract ");
    CHECK(ContractAddress(SIGNER, 1) != ContractAddress(SIGNER, 2));
    CHECK(ContractAddress(SIGNER, 1) != ContractAddress(PAYEE1, 1));
}

TEST_CASE("out of gas at every instruction of the split contract reverts cleanly") {
    World w;
    Bytes input = Distribute(101);
    uint64_t snap = w.host.Snapshot();
    ExecResult full = w.Call(SIGNER, w.split, input);
    REQUIRE(full.ok());
    std::string after_ok = w.host.Dump();
    w.host.Revert(snap);
    const int64_t need = full.gas_used;
    std::string before = w.host.Dump();
    REQUIRE(need > 500);
    int64_t failures = 0;
    std::string bad;
    for (int64_t g = 0; g < need; ++g) {
        ExecResult r = w.Call(SIGNER, w.split, input, g);
        if (r.status == ExecStatus::OUT_OF_GAS && r.gas_used == g && r.output.empty() && w.host.Dump() == before)
            ++failures;
        else if (bad.empty())
            bad = "gas " + std::to_string(g) + ": " + Show(r);
    }
    CHECK(bad == "");
    CHECK(failures == need);
    ExecResult r = w.Call(SIGNER, w.split, input, need);
    CHECK(Show(r) == Show(full));
    CHECK(w.host.Dump() == after_ok);
}

TEST_CASE("out of gas anywhere in a nested call reverts the whole transaction") {
    World w;
    Bytes input = Relay(w.counter, Increment());
    uint64_t snap = w.host.Snapshot();
    ExecResult full = w.Call(SIGNER, w.relay_a, input);
    REQUIRE_MESSAGE(full.ok(), Show(full));
    CHECK(ToHex(full.output) == ToHex(Le64(1)));
    w.host.Revert(snap);
    std::string before = w.host.Dump();
    std::string bad;
    for (int64_t g = 0; g < full.gas_used; ++g) {
        ExecResult r = w.Call(SIGNER, w.relay_a, input, g);
        if ((r.ok() || w.host.Dump() != before) && bad.empty()) bad = "gas " + std::to_string(g) + ": " + Show(r);
    }
    CHECK(bad == "");
    CHECK(Show(w.Call(SIGNER, w.relay_a, input, full.gas_used)) == Show(full));
}

TEST_CASE("re-entrancy: a contract on the call stack cannot be called again") {
    World w;
    std::string before = w.host.Dump();
    const std::string REVERTED = ToHex(Le64(static_cast<int64_t>(ExecStatus::REVERTED)));
    const std::string REENTRANCY = ToHex(Le64(static_cast<int64_t>(ExecStatus::REENTRANCY)));
    // A -> B -> A: B's call is refused; B reverts with the status, and so does A.
    ExecResult r = w.Call(SIGNER, w.relay_a, Relay(w.relay_b, Relay(w.relay_a, Increment())));
    CHECK(ShowNoGas(r) == "reverted " + REVERTED + REENTRANCY);
    // A -> A directly.
    CHECK(ShowNoGas(w.Call(SIGNER, w.relay_a, Relay(w.relay_a, Increment()))) == "reverted " + REENTRANCY);
    CHECK(w.host.Dump() == before);
    // A -> B -> counter is allowed, and commits all three contracts' writes.
    r = w.Call(SIGNER, w.relay_a, Relay(w.relay_b, Relay(w.counter, Increment())));
    CHECK(ShowNoGas(r) == "ok " + ToHex(Le64(1)));
    CHECK(w.host.StorageGet(w.relay_a, Le64('r')).has_value());
    CHECK(w.host.StorageGet(w.relay_b, Le64('r')).has_value());
    CHECK(ToHex(*w.host.StorageGet(w.counter, Le64('n'))) == ToHex(Le64(1)));
}

TEST_CASE("call depth: MAX_CALL_DEPTH nested calls work, one more is refused and reverts all") {
    Chain c;
    CodePtr relay = Build(ReadExample("relay.fasm"));
    std::vector<Address> chain;
    for (uint32_t i = 0; i <= MAX_CALL_DEPTH + 1; ++i) chain.push_back(c.Deploy(relay, SIGNER));
    Address counter = c.Deploy(Build(ReadExample("counter.fasm")), SIGNER);
    auto nested = [&](size_t relays) {  // chain[0] -> ... -> chain[relays-1] -> counter
        Bytes input = Increment();
        Address target = counter;
        for (size_t k = relays; k-- > 0;) {
            input = Relay(target, input);
            target = chain[k];
        }
        return input;
    };
    std::string before = c.host.Dump();
    // One relay too many: the 33rd CALL is refused; every frame reverts, passing the status up.
    ExecResult deep = c.Call(SIGNER, chain[0], nested(MAX_CALL_DEPTH + 1), 10'000'000);
    std::string expect = "reverted ";
    for (uint32_t i = 0; i < MAX_CALL_DEPTH; ++i) expect += ToHex(Le64(static_cast<int64_t>(ExecStatus::REVERTED)));
    expect += ToHex(Le64(static_cast<int64_t>(ExecStatus::CALL_DEPTH)));
    CHECK(ShowNoGas(deep) == expect);
    CHECK(c.host.Dump() == before);
    // chain[0] runs at depth 0, so 32 relays put the counter at depth 32 = MAX_CALL_DEPTH: allowed.
    ExecResult ok = c.Call(SIGNER, chain[0], nested(MAX_CALL_DEPTH), 10'000'000);
    CHECK(ShowNoGas(ok) == "ok " + ToHex(Le64(1)));
    CHECK(c.host.StorageGet(chain[MAX_CALL_DEPTH - 1], Le64('r')).has_value());
}

TEST_CASE("licences and NFTs through HOSTCALL") {
    Chain c;
    CodePtr code = Build(R"(
        .const LICENCE_ISSUE 1
        .const LICENCE_GET 2
        .const NFT_OWNER 3
        .const NFT_TRANSFER 4
        push 0
        push 'terms'
        mstore
        push LICENCE_ISSUE
        push 0
        push 5
        push 16
        push 8
        hostcall            ; -> 8 ; memory[16,24) = id
        pop
        push LICENCE_GET
        push 16
        push 8
        push 100
        push 64
        hostcall            ; -> 37 ; memory[100,137) = issuer || terms
        pop
        push 200
        push 99
        mstore
        push LICENCE_GET
        push 200
        push 8
        push 300
        push 64
        hostcall            ; unknown id -> -1
        push 24
        swap 1
        mstore
        push 0
        push 140
        return
    )");
    Address self = Addr(5);
    ExecResult r = c.vm.ExecuteCode(c.host, *code, Message{SIGNER, self, SIGNER, {}, 100000});
    REQUIRE_MESSAGE(r.ok(), Show(r));
    CHECK(ToHex(Bytes(r.output.begin() + 16, r.output.begin() + 32)) == ToHex(Le64(1)) + ToHex(Le64(-1)));
    CHECK(ToHex(Bytes(r.output.begin() + 100, r.output.begin() + 137)) == self.hex() + ToHex(AsBytes("terms")));

    // NFT: the contract may move a token it owns, not the signer's token (signer not calling directly).
    c.host.SetNftOwner(7, self);
    c.host.SetNftOwner(8, SIGNER);
    auto transfer = [&](int64_t token) {
        std::string src = "push 0\npush " + std::to_string(token) +
                          "\nmstore\npush 8\npush 0x0303030303030303\nmstore\npush 16\npush 0x0303030303030303\nmstore\n"
                          "push 24\npush 0x0303030303030303\nmstore\npush 32\npush 0x0303030303030303\nmstore\n"
                          "push 4\npush 0\npush 40\npush 0\npush 0\nhostcall\nstop";
        return c.vm.ExecuteCode(c.host, *Build(src), Message{Addr(6), self, SIGNER, {}, 100000});
    };
    CHECK(ShowNoGas(transfer(7)) == "ok ");
    CHECK(ShowNoGas(transfer(8)) == "host_refused ");
    Bytes out;
    CHECK(c.host.Invoke(CallContext{self, SIGNER, SIGNER, 0}, HostFn::NFT_OWNER, Le64(7), out) == HostStatus::OK);
    CHECK(ToHex(out) == Addr(3).hex());
    CHECK(c.host.Invoke(CallContext{self, SIGNER, SIGNER, 0}, HostFn::NFT_OWNER, Le64(8), out) == HostStatus::OK);
    CHECK(ToHex(out) == SIGNER.hex());
}

TEST_CASE("the same transactions on two independent VMs give identical state, events and gas") {
    auto run = [](std::string& results) {
        World w;
        std::vector<std::pair<Address, Bytes>> txs = {
            {w.split, Distribute(101)},  {w.counter, Increment()},
            {w.split, Distribute(0)},    {w.relay_a, Relay(w.counter, Increment())},
            {w.split, Distribute(999)},  {w.relay_a, Relay(w.relay_b, Relay(w.relay_a, Increment()))},
            {w.split, Distribute(7)},    {w.counter, *EncodeCallChecked("get()", {})},
        };
        for (const auto& [to, input] : txs) results += Show(w.Call(SIGNER, to, input, 200000)) + "\n";
        return w.host.Dump();
    };
    std::string r1, r2;
    std::string s1 = run(r1);
    std::string s2 = run(r2);
    CHECK(r1 == r2);
    CHECK(s1 == s2);
    CHECK(s1.find("event") != std::string::npos);
    CHECK(r1.find("reverted") != std::string::npos);
    CHECK(r1.find("host_refused") != std::string::npos);
}
