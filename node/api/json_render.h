#pragma once
// JSON views of ledger objects for the RPC and the CLI (docs/rpc.md gives every shape).
// Amounts are decimal strings, hashes and keys lowercase hex, times integers of milliseconds.
#include <nlohmann/json.hpp>

#include <node/state/ledger.h>
#include <node/state/settlement.h>
#include <node/protocol/types.h>

namespace folio::api {

nlohmann::json HeaderJson(const protocol::BlockHeader& h);
nlohmann::json TxJson(const protocol::Transaction& tx);
// With the state, an event of a standard contract (auction, revenue_split, tax_withholding) also
// carries `decoded`: its kind and named fields (amounts as decimal strings in their currency;
// docs/rpc.md, "Typed contract events"). Events of other contracts keep topic and data only.
nlohmann::json EventJson(const protocol::Event& e, const state::StateReader* s = nullptr);
nlohmann::json ReceiptJson(const protocol::Receipt& r, bool with_events, const state::StateReader* s = nullptr);
// The typed view of a standard contract's event, or null (exposed for the tests).
nlohmann::json DecodeContractEvent(const protocol::EvContract& e, const state::StateReader& s);
nlohmann::json WorkJson(const protocol::Work& w);
nlohmann::json AccountJson(const Address& a, const protocol::Account& acct);
nlohmann::json RolesJson(protocol::RoleSet roles);
nlohmann::json LicenceJson(const protocol::Licence& l);
nlohmann::json LicenceTermsJson(const protocol::LicenceTerms& t);
nlohmann::json AmlHoldJson(const protocol::AmlHold& h);
nlohmann::json AmlLimitJson(const protocol::SetAmlLimit& l);
nlohmann::json PayoutJson(const protocol::Payout& p);
nlohmann::json FxRateJson(const protocol::FxRate& r);
nlohmann::json PayoutPrefsJson(const protocol::PayoutPrefs& p);
nlohmann::json AuctionJson(const protocol::Auction& a);
nlohmann::json NftJson(const protocol::Nft& n);
nlohmann::json CollectionJson(const protocol::NftCollection& c);
nlohmann::json NftSaleJson(const protocol::NftSale& s);
// A governance action: {"kind": grant_role | revoke_role | set_threshold | deploy_template |
// set_frozen | contract_call | set_validators, and its fields}.
nlohmann::json GovActionJson(const protocol::GovAction& a);

}  // namespace folio::api
