#pragma once
// JSON views of ledger objects for the RPC and the CLI (docs/rpc.md gives every shape).
// Amounts are decimal strings, hashes and keys lowercase hex, times integers of milliseconds.
#include <nlohmann/json.hpp>

#include <node/state/ledger.h>
#include <node/state/settlement.h>
#include <node/state/types.h>

namespace folio::app {

nlohmann::json HeaderJson(const state::BlockHeader& h);
nlohmann::json TxJson(const state::Transaction& tx);
nlohmann::json EventJson(const state::Event& e);
nlohmann::json ReceiptJson(const state::Receipt& r, bool with_events);
nlohmann::json WorkJson(const state::Work& w);
nlohmann::json AccountJson(const Address& a, const state::Account& acct);
nlohmann::json RolesJson(state::RoleSet roles);
nlohmann::json LicenceJson(const state::Licence& l);
nlohmann::json LicenceTermsJson(const state::LicenceTerms& t);
nlohmann::json PayoutJson(const state::Payout& p);
nlohmann::json FxRateJson(const state::FxRate& r);
nlohmann::json PayoutPrefsJson(const state::PayoutPrefs& p);
nlohmann::json AuctionJson(const state::Auction& a);
nlohmann::json NftJson(const state::Nft& n);
nlohmann::json CollectionJson(const state::NftCollection& c);

// Genesis documents (genesis/*.json) to and from the ledger's GenesisDoc. Parsing throws
// std::runtime_error naming the bad field.
state::GenesisDoc ParseGenesis(const nlohmann::json& j);
nlohmann::json GenesisJson(const state::GenesisDoc& g);

}  // namespace folio::app
