#include "vm_test_util.h"

using namespace folio;
using namespace folio::vm;
using namespace folio::vm::test;

namespace {

int64_t FromLe(const Bytes& b) {
    uint64_t v = 0;
    for (size_t i = b.size(); i-- > 0;) v = v << 8 | b[i];
    return static_cast<int64_t>(v);
}

// Runs `body`, then returns the top of the stack; renders the value or the trap's name.
std::string Eval(const std::string& body) {
    MemoryHost host;
    Vm vm;
    CodePtr code = Build(body + "\npush 0\nswap 1\nmstore\npush 0\npush 8\nreturn\n");
    ExecResult r = vm.ExecuteCode(host, *code, Message{Addr(1), Addr(2), Addr(1), {}, 100000});
    if (!r.ok()) return ExecStatusName(r.status);
    return std::to_string(FromLe(r.output));
}

}  // namespace

TEST_CASE("checked integer arithmetic") {
    CHECK(Eval("push 7\npush 3\nsub") == "4");
    CHECK(Eval("push 3\npush 7\nsub") == "-4");
    CHECK(Eval("push 6\npush -7\nmul") == "-42");
    CHECK(Eval("push 7\npush -2\ndiv") == "-3");  // truncates toward zero
    CHECK(Eval("push -7\npush 2\nmod") == "-1");
    CHECK(Eval("push -9223372036854775808\npush -1\nmod") == "0");
    CHECK(Eval("push 5\nneg") == "-5");
    CHECK(Eval("push 3\npush 9\nmin") == "3");
    CHECK(Eval("push 3\npush 9\nmax") == "9");
    CHECK(Eval("push 0x7fffffffffffffff\npush 1\nadd") == "overflow");
    CHECK(Eval("push -9223372036854775808\npush 1\nsub") == "overflow");
    CHECK(Eval("push 0x100000000\npush 0x80000000\nmul") == "overflow");
    CHECK(Eval("push -9223372036854775808\npush -1\ndiv") == "overflow");
    CHECK(Eval("push -9223372036854775808\nneg") == "overflow");
    CHECK(Eval("push 1\npush 0\ndiv") == "div_by_zero");
    CHECK(Eval("push 1\npush 0\nmod") == "div_by_zero");
}

TEST_CASE("MULDIV and MULMOD use a 128-bit product and floor") {
    CHECK(Eval("push 1000000000000000000\npush 3\npush 7\nmuldiv") == "428571428571428571");
    CHECK(Eval("push 1000000000000000000\npush 3\npush 7\nmulmod") == "3");
    CHECK(Eval("push 0x7fffffffffffffff\npush 0x7fffffffffffffff\npush 0x7fffffffffffffff\nmuldiv") ==
          "9223372036854775807");
    CHECK(Eval("push -7\npush 1\npush 2\nmuldiv") == "-4");
    CHECK(Eval("push -7\npush 1\npush 2\nmulmod") == "1");
    CHECK(Eval("push 0x7fffffffffffffff\npush 2\npush 1\nmuldiv") == "overflow");
    CHECK(Eval("push 1\npush 1\npush 0\nmuldiv") == "div_by_zero");
    CHECK(Eval("push 1\npush 1\npush -1\nmuldiv") == "bad_operand");
}

TEST_CASE("comparisons, bitwise operations and shifts") {
    CHECK(Eval("push -1\npush 1\nlt") == "1");
    CHECK(Eval("push -1\npush 1\ngt") == "0");
    CHECK(Eval("push 2\npush 2\nle") == "1");
    CHECK(Eval("push 2\npush 3\nge") == "0");
    CHECK(Eval("push 2\npush 3\neq") == "0");
    CHECK(Eval("push 2\npush 3\nne") == "1");
    CHECK(Eval("push 0\niszero") == "1");
    CHECK(Eval("push 12\npush 10\nand") == "8");
    CHECK(Eval("push 12\npush 10\nor") == "14");
    CHECK(Eval("push 12\npush 10\nxor") == "6");
    CHECK(Eval("push 0\nnot") == "-1");
    CHECK(Eval("push 1\npush 63\nshl") == "-9223372036854775808");
    CHECK(Eval("push -1\npush 63\nshr") == "1");
    CHECK(Eval("push -8\npush 1\nsar") == "-4");
    CHECK(Eval("push 1\npush 64\nshl") == "bad_operand");
    CHECK(Eval("push 1\npush -1\nshr") == "bad_operand");
}

TEST_CASE("stack, memory, subroutines and jumps") {
    CHECK(Eval("push 1\npush 2\npush 3\ndup 3") == "1");
    CHECK(Eval("push 1\npush 2\npush 3\nswap 2\npop\npop") == "3");
    CHECK(Eval("add") == "stack_underflow");
    CHECK(Eval("push 1\ndup 2") == "stack_underflow");
    CHECK(Eval("push 1\nswap 1") == "stack_underflow");
    CHECK(Eval("push 100\npush 42\nmstore\npush 100\nmload") == "42");
    CHECK(Eval("push 100\npush 0x1ff\nmstore8\npush 100\nmload8") == "255");
    CHECK(Eval("push 100\npush 1\nmstore8\nmsize") == "128");
    CHECK(Eval("push 8\npush -5\nmstore\npush 64\npush 8\npush 8\nmcopy\npush 64\nmload") == "-5");
    CHECK(Eval("push 8\npush 7\nmstore\npush 40\npush 7\nmstore\npush 8\npush 40\npush 8\nmeq") == "1");
    CHECK(Eval("push -1\nmload") == "bad_memory");
    CHECK(Eval("push 1048570\nmload") == "bad_memory");
    CHECK(Eval("push 0\npush 0\npush -1\nmcopy\npush 0") == "bad_memory");
    CHECK(Eval("push 5\ncallsub double\njump end\ndouble:\ndup 1\nadd\nretsub\nend:") == "10");
    CHECK(Eval("retsub") == "return_stack");
    CHECK(Eval("l:\ncallsub l") == "return_stack");
    CHECK(Eval("push @t\ndjump\nt:\npush 9") == "9");
    CHECK(Eval("push 0\njumpi skip\npush 1\nskip:") == "1");
    CHECK(Eval("push 0\ncalldataload") == "bad_input");
    CHECK(Eval("selector") == "-1");
    CHECK(Eval("calldatasize") == "0");
}

TEST_CASE("SHA256 opcode hashes memory") {
    MemoryHost host;
    Vm vm;
    CodePtr code = Build("push 0\npush 'abc'\nmstore\npush 32\npush 0\npush 3\nsha256\npush 32\npush 32\nreturn");
    ExecResult r = vm.ExecuteCode(host, *code, Message{Addr(1), Addr(2), Addr(1), {}, 1000});
    CHECK(ToHex(r.output) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-4
}

TEST_CASE("environment opcodes: caller, self, origin, block, gas, input") {
    MemoryHost host;
    host.SetBlock(BlockInfo{7, 1700000000123});
    Vm vm;
    CodePtr code = Build(R"(
        push 0
        caller
        push 32
        address
        push 64
        origin
        push 96
        height
        mstore
        push 104
        time
        mstore
        push 112
        push 4
        calldataload
        mstore
        push 120
        selector
        mstore
        push 0
        push 128
        return
    )");
    Bytes input = EncodeCall(0x01020304, {int64_t{-9}});
    ExecResult r = vm.ExecuteCode(host, *code, Message{Addr(1), Addr(2), Addr(3), input, 10000});
    REQUIRE(r.ok());
    CHECK(ToHex(r.output) == Addr(1).hex() + Addr(2).hex() + Addr(3).hex() + ToHex(Le64(7)) +
                                 ToHex(Le64(1700000000123)) + ToHex(Le64(-9)) + ToHex(Le64(0x01020304)));
}

TEST_CASE("gas: exact accounting, REVERT keeps unused gas, traps consume all") {
    MemoryHost host;
    Vm vm;
    Message m{Addr(1), Addr(2), Addr(1), {}, 1000};
    // PUSH1 (1) + PUSH1 (1) + ADD (1) + POP (1) + STOP (0)
    CHECK(Show(vm.ExecuteCode(host, *Build("push 1\npush 2\nadd\npop\nstop"), m)) == "ok 4 ");
    // 1 + 1 + MSTORE8 2 + memory growth to 2 words 4 + 1 + 1 + RETURN 1 + copying 1 word 1
    CHECK(Show(vm.ExecuteCode(host, *Build("push 40\npush 1\nmstore8\npush 0\npush 8\nreturn"), m)) ==
          "ok 12 0000000000000000");
    CHECK(Show(vm.ExecuteCode(host, *Build("push0\npush0\nrevert"), m)) == "reverted 3 ");
    CHECK(Show(vm.ExecuteCode(host, *Build("invalid"), m)) == "invalid_opcode 1000 ");
    CHECK(Show(vm.ExecuteCode(host, *Build("l:\njump l"), m)) == "out_of_gas 1000 ");
    m.gas = 3;
    CHECK(Show(vm.ExecuteCode(host, *Build("push 1\npush 2\nadd\npop\nstop"), m)) == "out_of_gas 3 ");
    m.gas = 4;
    CHECK(Show(vm.ExecuteCode(host, *Build("push 1\npush 2\nadd\npop\nstop"), m)) == "ok 4 ");
    m.gas = 100000;
    CHECK(Show(vm.ExecuteCode(host, *Build("gas\npush 0\nswap 1\nmstore\npush 0\npush 8\nreturn"), Message{Addr(1), Addr(2), Addr(1), {}, 50})) ==
          "ok 11 3100000000000000");  // GAS pushes 50 - 1 = 49
}

// A prefix that changes every kind of state: storage, an event, and a transfer out of the contract.
static const char* DIRTY = R"(
    push 0
    push 'k'
    mstore
    push 0
    push 8
    push 77
    sstorei
    push 0
    push 8
    push 0
    push 8
    emit
    push 64
    push 0x0909090909090909
    mstore
    push 72
    push 0x0909090909090909
    mstore
    push 80
    push 0x0909090909090909
    mstore
    push 88
    push 0x0909090909090909
    mstore
    push 32
    address
    push 32
    push 64
    push 'USD'
    push 5
    transfer
)";

TEST_CASE("every trap ends in a clean revert: state unchanged, all gas used") {
    struct Case {
        const char* name;
        const char* body;
        const char* status;
    };
    const Case cases[] = {
        {"stack overflow", "l:\npush0\njump l", "stack_overflow"},
        {"division by zero", "push 1\npush 0\ndiv\nstop", "div_by_zero"},
        {"arithmetic overflow", "push 0x7fffffffffffffff\npush 1\nadd\nstop", "overflow"},
        {"invalid jump", "push 60000\ndjump", "bad_jump"},
        {"jump into an immediate", "push 0x0101\npush @here\npush 9\nsub\ndjump\nhere:\nstop", "bad_jump"},
        {"invalid opcode", "invalid", "invalid_opcode"},
        {"out of gas", "l:\njump l", "out_of_gas"},
        {"return stack overflow", "l:\ncallsub l\nstop", "return_stack"},
        {"memory out of range", "push 1048576\npush 1\nmstore8\nstop", "bad_memory"},
        {"host refusal", "push 32\npush 64\npush 'USD'\npush 1000000\ntransfer\nstop", "host_refused"},
    };
    for (const Case& c : cases) {
        std::string name = c.name;
        CAPTURE(name);
        MemoryHost host;
        host.SetBalance(Addr(2), USD, 100);
        host.Emit(Addr(2), AsBytes("before"), {});
        std::string before = host.Dump();
        Vm vm;
        CodePtr code = Build(std::string(DIRTY) + c.body);
        ExecResult r = vm.ExecuteCode(host, *code, Message{Addr(1), Addr(2), Addr(1), {}, 100000});
        CHECK(Show(r) == std::string(c.status) + " 100000 ");
        CHECK(host.Dump() == before);
    }
    // The same prefix followed by STOP commits everything.
    MemoryHost host;
    host.SetBalance(Addr(2), USD, 100);
    Vm vm;
    ExecResult r = vm.ExecuteCode(host, *Build(std::string(DIRTY) + "stop"), Message{Addr(1), Addr(2), Addr(1), {}, 100000});
    CHECK(r.ok());
    CHECK(host.Dump() ==
          "b:02020202:55534400=5f00000000000000\n"
          "b:09090909:55534400=0500000000000000\n"
          "s:02020202:6b00000000000000=4d00000000000000\n"
          "event 02020202 6b00000000000000 6b00000000000000\n");
}

TEST_CASE("an explicit REVERT undoes state and returns its data") {
    MemoryHost host;
    host.SetBalance(Addr(2), USD, 100);
    std::string before = host.Dump();
    Vm vm;
    ExecResult r = vm.ExecuteCode(host, *Build(std::string(DIRTY) + "push 0\npush 8\nrevert"),
                                  Message{Addr(1), Addr(2), Addr(1), {}, 100000});
    CHECK(ShowNoGas(r) == "reverted 6b00000000000000");
    CHECK(r.gas_used < 100000);
    CHECK(host.Dump() == before);
}
