// The failure codes (node/state/failures.h) and the kinds table (node/state/kinds.h).
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <node/state/failures.h>
#include <node/state/kinds.h>
#include <node/state/ledger.h>

using namespace folio::state;

namespace {

// The codes (backticked in the first cell) of the table under the heading that starts with `heading`.
std::set<std::string> CodesOfTable(const std::string& doc, const std::string& heading) {
    std::set<std::string> codes;
    size_t at = doc.find("\n" + heading);
    REQUIRE_MESSAGE(at != std::string::npos, "docs/errors.md lacks the section " << heading);
    size_t end = doc.find("\n## ", at + 1);
    std::istringstream section(doc.substr(at, end == std::string::npos ? std::string::npos : end - at));
    std::string line;
    bool in_table = false;
    while (std::getline(section, line)) {
        if (line.rfind("| code |", 0) == 0 || line.rfind("| ---", 0) == 0) {
            in_table = true;
            continue;
        }
        if (!in_table) continue;
        if (line.rfind("|", 0) != 0) break;  // the table ended
        std::string cell = line.substr(1, line.find('|', 1) - 1);
        for (size_t open = cell.find('`'); open != std::string::npos; open = cell.find('`', open + 1)) {
            size_t close = cell.find('`', open + 1);
            REQUIRE(close != std::string::npos);
            codes.insert(cell.substr(open + 1, close - open - 1));
            open = close;
        }
    }
    return codes;
}

std::string ReadErrorsDoc() {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/docs/errors.md");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string Join(const std::set<std::string>& s) {
    std::string out;
    for (const std::string& x : s) out += (out.empty() ? "" : " ") + x;
    return out;
}

}  // namespace

TEST_CASE("docs/errors.md lists exactly the failure codes, each in its table") {
    std::string doc = ReadErrorsDoc();
    std::set<std::string> doc_rejections = CodesOfTable(doc, "## Rejection codes");
    std::set<std::string> doc_failures = CodesOfTable(doc, "## Execution failure codes");
    std::set<std::string> rejections, failures;
    for (const FailureInfo& f : AllFailures()) {
        if (f.uses & REJECTS) rejections.insert(f.name);
        if (f.uses & FAILS) failures.insert(f.name);
    }
    CHECK(Join(doc_rejections) == Join(rejections));
    CHECK(Join(doc_failures) == Join(failures));
}

TEST_CASE("failure codes: unique names, each used somewhere, today's spellings") {
    std::set<std::string> names;
    for (const FailureInfo& f : AllFailures()) {
        CHECK(names.insert(f.name).second);
        CHECK(f.uses != 0);
        CHECK(std::string(FailureName(f.failure)) == f.name);
        CHECK(IsRejection(f.failure) == ((f.uses & REJECTS) != 0));
        CHECK(IsExecutionFailure(f.failure) == ((f.uses & FAILS) != 0));
    }
    // Receipts carry these strings and are hashed into the chain: they must never change.
    CHECK(std::string(RejectCode(Reject::WRONG_CHAIN)) == "wrong_chain_id");
    CHECK(std::string(RejectCode(Reject::DUPLICATE_REFERENCE)) == "duplicate_deposit_reference");
    CHECK(std::string(FailureName(Failure::OUT_OF_GAS)) == "out_of_gas");
    CHECK(std::string(FailureName(Failure::LICENCE_CONFLICT)) == "licence_conflict");
    CHECK(IsRejection(Failure::LICENCE_CONFLICT));
    CHECK(IsExecutionFailure(Failure::LICENCE_CONFLICT));
    CHECK_FALSE(IsExecutionFailure(Failure::MEMPOOL_FULL));
    CHECK_FALSE(IsRejection(Failure::CONTRACT_FAILED));
}

TEST_CASE("kinds table: one row per TxKind, in order, each with an effect") {
    CHECK(KindRules().size() == folio::protocol::TX_KIND_MAX);
    for (uint8_t k = 1; k <= folio::protocol::TX_KIND_MAX; ++k) {
        auto kind = static_cast<folio::protocol::TxKind>(k);
        const KindRule* rule = FindKindRule(kind);
        REQUIRE_MESSAGE(rule != nullptr, "no row for " << folio::protocol::TxKindName(kind));
        CHECK(rule->kind == kind);
        CHECK(static_cast<bool>(rule->effect));
    }
    CHECK(FindKindRule(static_cast<folio::protocol::TxKind>(0)) == nullptr);
    CHECK(FindKindRule(static_cast<folio::protocol::TxKind>(folio::protocol::TX_KIND_MAX + 1)) == nullptr);
    // Roles as the rules require them (docs/product: who may do what).
    using folio::protocol::Role;
    auto roles = [](folio::protocol::TxKind k) { return FindKindRule(k)->roles; };
    CHECK(roles(folio::protocol::TxKind::PROPOSE) == (1u << static_cast<unsigned>(Role::GOVERNANCE)));
    CHECK(roles(folio::protocol::TxKind::REGISTER_WORK) ==
          ((1u << static_cast<unsigned>(Role::CREATOR)) | (1u << static_cast<unsigned>(Role::STUDIO))));
    CHECK(roles(folio::protocol::TxKind::DEPOSIT) == (1u << static_cast<unsigned>(Role::GATEWAY)));
    CHECK(roles(folio::protocol::TxKind::TRANSFER) == 0);
    // Automatic payouts follow settlement kinds only (not governance or registration).
    CHECK_FALSE(FindKindRule(folio::protocol::TxKind::PROPOSE)->auto_payouts);
    CHECK_FALSE(FindKindRule(folio::protocol::TxKind::REGISTER_WORK)->auto_payouts);
    CHECK(FindKindRule(folio::protocol::TxKind::DEPOSIT)->auto_payouts);
}
