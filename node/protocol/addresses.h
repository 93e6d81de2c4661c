#pragma once
// The ledger's well-known addresses and the transfer_shares consent digest: wire-level facts
// shared by the node and clients (folio_protocol). No one holds keys to these addresses.
#include <cstdint>
#include <string>
#include <vector>

#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/protocol/types.h>

namespace folio::protocol {

Address GovernanceAddress();           // TaggedHash("folio/address", "governance"): caller of governance contract calls
Address LedgerAddress();               // TaggedHash("folio/address", "ledger"): caller of the ledger's own calls
Address TaxContractAddress();          // TaggedHash("folio/address", "tax_withholding"): created at genesis
Address SplitAddress(uint64_t work);   // TaggedHash("folio/split", u64be work): the work's revenue_split
Address AuctionAddress(uint64_t auction);  // TaggedHash("folio/auction", u64be id)

// What each current owner signs to consent to TransferSharesTx: TaggedHash("folio/transfer_shares",
// string chain_id || u64 work || u64 shares version || owners).
Hash256 TransferSharesDigest(const std::string& chain_id, uint64_t work, uint64_t version,
                             const std::vector<Share>& owners);
// What each current owner signs to consent to AttachContractTx: TaggedHash("folio/attach_contract",
// string chain_id || u64 work || u64 shares version || contract). The shares version also counts
// attachments, so a consent is good for one change.
Hash256 AttachContractDigest(const std::string& chain_id, uint64_t work, uint64_t version, const Address& contract);
// What each current owner signs to consent to SetRecoupmentTx: TaggedHash("folio/set_recoupment",
// string chain_id || u64 work || u64 shares version || payee || string currency || i64 amount).
Hash256 RecoupmentDigest(const std::string& chain_id, uint64_t work, uint64_t version, const Address& payee,
                         const std::string& currency, int64_t amount);

}  // namespace folio::protocol
