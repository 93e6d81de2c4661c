// Contracts: the standard templates (committed bytecode), the ledger's calls into contracts, the ABI's packings, and
// the contract_call kind. (The VM's host over the ledger is host.cpp.)
#include <node/state/contracts.h>

#include <algorithm>

#include <node/protocol/addresses.h>
#include <node/state/domains.h>
#include <vm/abi.h>
#include <vm/code.h>
#include <vm/deploy.h>

#include "standard_contracts.inc"  // generated from contracts/*.bin: REVENUE_SPLIT_BIN, TAX_WITHHOLDING_BIN, AUCTION_BIN

namespace folio::state {

// ---------------------------------------------------------------- standard templates

namespace {
struct Templates {
    Bytes code[3];
    Hash256 hash[3];
    Templates() {
        ByteView bin[3] = {REVENUE_SPLIT_BIN, TAX_WITHHOLDING_BIN, AUCTION_BIN};
        for (size_t i = 0; i < 3; ++i) {
            code[i] = Bytes(bin[i].begin(), bin[i].end());
            hash[i] = vm::CodeHash(code[i]);
        }
    }
};
const Templates& GetTemplates() {
    static const Templates t;  // thread-safe initialisation
    return t;
}
}  // namespace

const Bytes& StandardCode(StandardContract c) { return GetTemplates().code[static_cast<size_t>(c)]; }
Hash256 StandardCodeHash(StandardContract c) { return GetTemplates().hash[static_cast<size_t>(c)]; }

// ---------------------------------------------------------------- calls

vm::Vm& ThreadVm() {
    thread_local vm::Vm vm;
    return vm;
}

Unexpected<TxFailure> CallFailure(const vm::ExecResult& r, const Address& contract) {
    std::string detail = vm::ExecStatusName(r.status);
    if (r.status == vm::ExecStatus::REVERTED && !r.output.empty()) {
        bool printable = std::all_of(r.output.begin(), r.output.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
        detail += printable ? ": " + std::string(r.output.begin(), r.output.end()) : ": " + ToHex(r.output);
    }
    Failure code = r.status == vm::ExecStatus::OUT_OF_GAS ? Failure::OUT_OF_GAS : Failure::CONTRACT_FAILED;
    return TxFail(code, "contract " + contract.hex() + " failed: " + detail);
}

Result<Bytes, TxFailure> CallWithOrigin(TxContext& x, const Address& origin, const Address& caller,
                                        const Address& contract, const Bytes& input, int64_t gas) {
    vm::ExecResult r = ThreadVm().Execute(x.host, vm::Message{caller, contract, origin, input, gas});
    if (!r.ok()) return CallFailure(r, contract);
    return std::move(r.output);
}

Result<Bytes, TxFailure> Call(TxContext& x, const Address& caller, const Address& contract, const Bytes& input,
                              int64_t gas) {
    return CallWithOrigin(x, x.tx.sender, caller, contract, input, gas);
}

Exec CreateWorkSplit(TxContext& x, const Work& w) {
    Bytes params = vm::EncodeValues({LedgerAddress(), EncodePayees(w.owners), TaxContractAddress(), Address{},
                                     int64_t{0}, int64_t{0}});
    Address split = SplitAddress(w.id);
    vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, LedgerAddress(), split,
                                       StandardCodeHash(StandardContract::REVENUE_SPLIT), params, LEDGER_CALL_GAS);
    if (!r.ok()) return CallFailure(r, split);
    return Ok{};
}

// ---------------------------------------------------------------- packings

Bytes EncodePayees(const std::vector<Share>& owners) {
    Bytes out;
    for (const Share& s : owners) {
        out.insert(out.end(), s.owner.view().begin(), s.owner.view().end());
        Bytes bps = Le64(s.bps);
        out.insert(out.end(), bps.begin(), bps.end());
    }
    return out;
}

int64_t PackCountry(std::string_view cc) {
    if (cc.size() != 2) return 0;
    return static_cast<int64_t>(static_cast<uint8_t>(cc[0])) | static_cast<int64_t>(static_cast<uint8_t>(cc[1])) << 8;
}

int64_t PackCurrencyText(std::string_view c) {
    return c.size() == 3 ? static_cast<int64_t>(vm::PackCurrency(c[0], c[1], c[2])) : 0;
}

std::string CurrencyText(vm::CurrencyCode c) {
    std::string s(3, '\0');
    s[0] = static_cast<char>(c & 0xff);
    s[1] = static_cast<char>((c >> 8) & 0xff);
    s[2] = static_cast<char>((c >> 16) & 0xff);
    if ((c >> 24) != 0) return {};
    return s;
}

Bytes Le64(int64_t v) {
    Bytes b(8);
    auto u = static_cast<uint64_t>(v);
    for (size_t i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(u >> (8 * i));
    return b;
}

// ---------------------------------------------------------------- contract_call

Status<Rejection> Check(const Transaction&, const ContractCallTx& b) {
    if (b.gas == 0 || b.gas > MAX_TX_GAS) return Rej(Reject::INVALID_FIELD, "gas must be 1.." + std::to_string(MAX_TX_GAS));
    if (b.input.size() > vm::MAX_ABI_BYTES + 4) return Rej(Reject::INVALID_FIELD, "input too long");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction&, const ContractCallTx& b, uint64_t) {
    if (!IsContract(s, b.contract)) return Rej(Reject::NOT_FOUND, "no contract at " + b.contract.hex());
    // Splits and the tax contract pay out whatever they hold, as told: only the ledger (with the
    // money it moved in the same transaction) and governance call them.
    auto code = LoadInstanceCodeHash(s, b.contract);
    if (b.contract == TaxContractAddress() || (code && *code == StandardCodeHash(StandardContract::REVENUE_SPLIT)))
        return Rej(Reject::MISSING_PERMISSION,
                   "missing permission: revenue splits and the tax contract are called only by the ledger "
                   "(report_revenue) and governance");
    return Ok{};
}

Exec Apply(TxContext& x, const ContractCallTx& b) {
    auto r = Call(x, x.tx.sender, b.contract, b.input, static_cast<int64_t>(b.gas));
    if (!r) return Fail(r.error());
    return Ok{};
}

}  // namespace folio::state
