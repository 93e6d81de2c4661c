// MemoryHost journaling and rules, and partial revert of a failed sub-call.
#include "vm_test_util.h"

using namespace folio;
using namespace folio::vm;
using namespace folio::vm::test;

TEST_CASE("MemoryHost: nested snapshots revert exactly what came after them") {
    MemoryHost h;
    h.StoragePut(Addr(1), AsBytes("a"), AsBytes("1"));
    uint64_t s1 = h.Snapshot();
    h.StoragePut(Addr(1), AsBytes("a"), AsBytes("2"));
    h.Emit(Addr(1), AsBytes("t"), AsBytes("x"));
    uint64_t s2 = h.Snapshot();
    h.StoragePut(Addr(1), AsBytes("b"), AsBytes("3"));
    h.StoragePut(Addr(1), AsBytes("a"), {});  // delete
    h.SetBalance(Addr(2), USD, 50);
    CHECK(h.Dump() == "b:02020202:55534400=3200000000000000\ns:01010101:62=33\nevent 01010101 74 78\n");
    h.Revert(s2);
    CHECK(h.Dump() == "s:01010101:61=32\nevent 01010101 74 78\n");
    h.Revert(s1);
    CHECK(h.Dump() == "s:01010101:61=31\n");
    CHECK(h.StorageGet(Addr(1), AsBytes("a")) == Bytes{'1'});
    CHECK_FALSE(h.StorageGet(Addr(1), AsBytes("b")));
}

TEST_CASE("MemoryHost: transfer rules") {
    MemoryHost h;
    const Address contract = Addr(1), signer = Addr(9), other = Addr(3);
    h.SetBalance(contract, USD, 100);
    h.SetBalance(signer, USD, 100);
    CallContext direct{contract, signer, signer, 0};
    CallContext nested{contract, Addr(7), signer, 1};
    CHECK(h.Transfer(direct, contract, other, USD, 10) == HostStatus::OK);   // the contract's own funds
    CHECK(h.Transfer(direct, signer, other, USD, 10) == HostStatus::OK);     // the signer calling directly
    CHECK(h.Transfer(nested, signer, other, USD, 10) == HostStatus::REFUSED);  // not via another contract
    CHECK(h.Transfer(direct, other, contract, USD, 1) == HostStatus::REFUSED);
    CHECK(h.Transfer(direct, contract, other, USD, 91) == HostStatus::INSUFFICIENT_FUNDS);
    CHECK(h.Transfer(direct, contract, other, USD, 0) == HostStatus::BAD_ARGS);
    CHECK(h.Transfer(direct, contract, other, USD, -5) == HostStatus::BAD_ARGS);
    CHECK(h.Balance(contract, USD) == 90);
    CHECK(h.Balance(signer, USD) == 90);
    CHECK(h.Balance(other, USD) == 20);
    CHECK(h.Balance(other, PackCurrency('E', 'U', 'R')) == 0);
    Bytes out;
    CHECK(h.Invoke(direct, static_cast<HostFn>(99), {}, out) == HostStatus::BAD_ARGS);
    CHECK(h.Invoke(direct, HostFn::LICENCE_ISSUE, {}, out) == HostStatus::BAD_ARGS);
}

TEST_CASE("a failed sub-call reverts only its own changes; the caller continues") {
    Chain c;
    const Address signer = Addr(9);
    // Callee: writes storage, emits, then traps.
    CodePtr bad = Build("push 0\npush 'x'\nmstore\npush 0\npush 8\npush 1\nsstorei\npush 0\npush 1\npush 0\npush 1\nemit\ninvalid");
    Hash256 hb = c.host.InstallCode(bad);
    Address callee = Addr(0x44);
    REQUIRE(c.host.CreateContract(callee, hb) == HostStatus::OK);
    // Caller: writes 'a', calls the callee with 5000 gas, stores the status under 's', stops.
    CodePtr caller = Build(R"(
        push 0
        push 'a'
        mstore
        push 0
        push 8
        push 1
        sstorei
        push 32
        push 0x4444444444444444
        mstore
        push 40
        push 0x4444444444444444
        mstore
        push 48
        push 0x4444444444444444
        mstore
        push 56
        push 0x4444444444444444
        mstore
        push 32
        push 0
        push 0
        push 5000
        call
        push 0
        push 's'
        mstore
        push 0
        swap 1
        push 8
        swap 1
        sstorei
        stop
    )");
    ExecResult r = c.vm.ExecuteCode(c.host, *caller, Message{signer, Addr(0x55), signer, {}, 100000});
    CHECK(r.ok());
    CHECK(c.host.Dump() ==
          "c:44444444:=" + hb.hex() + "\n"
          "s:55555555:6100000000000000=0100000000000000\n"
          "s:55555555:7300000000000000=0b00000000000000\n");  // status 11 = invalid_opcode
    // The trapping callee consumed all 5000 forwarded gas.
    CHECK(r.gas_used > 5000);
}
