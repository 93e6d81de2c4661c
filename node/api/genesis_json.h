#pragma once
// Genesis documents (genesis/README.md gives the schema; genesis/genesis.schema.json is its JSON
// Schema) to and from the ledger's GenesisDoc, and the genesis block they make.
//
// Parsing is strict: an unknown field, a value of the wrong type, a bad address, role, currency,
// amount or country code, a duplicate validator or account, or a governance threshold the members
// cannot reach is refused with a GenesisJsonError naming the field by its path
// ("accounts[3].roles[1]"), and nothing is returned. A DRAFT (a document being assembled with
// `foliod genesis new|add-*`) may still lack validators and governance members; a COMPLETE one
// (what foliod starts from, and `foliod genesis validate|hash`) may not.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <node/core/result.h>
#include <node/state/ledger.h>

namespace folio::api {

struct GenesisJsonError {
    std::string path;     // the field, e.g. "validators[1].key"; empty for the document itself
    std::string message;  // what is wrong with it
    std::string What() const { return "genesis: " + (path.empty() ? "" : path + ": ") + message; }
};

enum class GenesisCompleteness : uint8_t { DRAFT, COMPLETE };

Result<state::GenesisDoc, GenesisJsonError> ParseGenesisDoc(const nlohmann::json& j,
                                                            GenesisCompleteness c = GenesisCompleteness::COMPLETE);
// The same; throws std::runtime_error(GenesisJsonError::What()) instead.
state::GenesisDoc ParseGenesis(const nlohmann::json& j);
// The document's JSON (the inverse of ParseGenesisDoc: parsing it gives the same GenesisDoc).
nlohmann::json GenesisJson(const state::GenesisDoc& g);

}  // namespace folio::api
