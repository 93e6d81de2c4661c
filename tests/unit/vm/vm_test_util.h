#pragma once
// Helpers shared by the VM tests: build code from assembly, load example contracts, deploy them
// on a MemoryHost, render results as short strings.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <vm/abi.h>
#include <vm/asm/assembler.h>
#include <vm/code.h>
#include <vm/deploy.h>
#include <vm/memory_host.h>
#include <vm/vm.h>

namespace folio::vm::test {

inline Address Addr(uint8_t n) {
    Address a;
    a.data.fill(n);
    return a;
}

inline constexpr CurrencyCode USD = PackCurrency('U', 'S', 'D');

inline CodePtr Build(const std::string& src) {
    auto bytes = Assemble(src);
    if (!bytes) FAIL("assemble: " << bytes.error().ToString());
    auto code = Validate(*bytes);
    if (!code) FAIL("validate: " << code.error().message);
    return *code;
}

// A file of contracts/ (a standard contract's source or bytecode).
inline std::string ReadContract(const std::string& name) {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/contracts/" + name, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// SplitMix64: a deterministic PRNG, identical on every platform.
struct Rng {
    uint64_t s;
    uint64_t Next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int64_t Range(int64_t lo, int64_t hi) {  // [lo, hi]
        return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
    }
};

inline std::string ReadExample(const std::string& name) {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/contracts/examples/" + name, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// "status gas_used output-hex"
inline std::string Show(const ExecResult& r) {
    return std::string(ExecStatusName(r.status)) + " " + std::to_string(r.gas_used) + " " + ToHex(r.output);
}
// "status output-hex" (when the gas figure is not the point).
inline std::string ShowNoGas(const ExecResult& r) {
    return std::string(ExecStatusName(r.status)) + " " + ToHex(r.output);
}

inline Bytes Le64(int64_t v) {
    Bytes b;
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
    return b;
}

// A host plus a VM, with helpers to deploy example contracts and call them.
struct Chain {
    MemoryHost host;
    Vm vm;
    uint64_t nonce = 0;

    Address Deploy(const CodePtr& code, const Address& deployer, ByteView params = {}) {
        Hash256 h = host.InstallCode(code);
        Address a = ContractAddress(deployer, nonce++);
        ExecResult r = Instantiate(vm, host, deployer, a, h, params, 1'000'000);
        REQUIRE_MESSAGE(r.ok(), Show(r));
        return a;
    }
    ExecResult Call(const Address& signer, const Address& contract, const Bytes& input, int64_t gas = 1'000'000) {
        return vm.Execute(host, Message{signer, contract, signer, input, gas});
    }
};

}  // namespace folio::vm::test
