// Work methods: a registered work and its certificate of registration (docs/rpc.md).
#include <node/api/api.h>

#include <node/api/method_support.h>
#include <node/api/json_render.h>
#include <node/core/merkle.h>
#include <node/core/smt.h>
#include <node/state/settlement.h>

namespace folio::api {

void RegisterWorkMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "work_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            std::optional<uint64_t> id;
            if (args.Has("id")) {
                id = args.Uint64("id");
            } else if (args.Has("fingerprint")) {
                Hash256 fp = args.Hash("fingerprint");
                id = state::LoadWorkIdByFingerprint(node.store(), fp);
                if (!id) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work with fingerprint " + fp.hex());
            } else {
                throw RpcError(ErrorCode::INVALID_PARAMS, "give 'id' or 'fingerprint'");
            }
            auto w = state::LoadWork(node.store(), *id);
            if (!w) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(*id));
            json out = WorkJson(*w);
            out["shares_version"] = state::LoadSharesVersion(node.store(), *id);
            out["split"] = protocol::SplitAddress(*id).hex();
            // The contract the work's revenue flows through when its owners attached one (attach_contract).
            auto attached = state::LoadAttachedContract(node.store(), *id);
            out["revenue_contract"] = attached ? json(attached->hex()) : json(nullptr);
            // An advance recouped first (set_recoupment).
            if (auto rc = state::LoadRecord<protocol::Recoupment>(node.store(), state::keys::WorkRecoupment(*id), "recoupment"))
                out["recoupment"] = {{"payee", rc->payee.hex()}, {"currency", rc->currency}, {"amount", AmountText(rc->amount, rc->currency)},
                                     {"recouped", AmountText(rc->recouped, rc->currency)}};
            else
                out["recoupment"] = nullptr;
            return out;
        },
        Access::PUBLIC);

    server.Register(
        "work_certificate",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t id = args.Uint64("id");
            if (!state::LoadWork(node.store(), id)) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(id));
            // The newest block with a commit certificate (in BFT mode certificates follow
            // execution by a few blocks).
            uint64_t h = node.Head().height;
            std::optional<Bytes> cert;
            for (uint64_t back = 0; back < 64 && back <= h; ++back)
                if ((cert = node.store().GetCommitCert(h - back))) {
                    h -= back;
                    break;
                }
            if (!cert) throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "no recent block has a commit certificate yet; retry");
            auto block = node.store().GetBlock(h);
            if (!block) throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "block " + std::to_string(h) + " is not stored");
            Bytes key = state::keys::Work(id);
            auto proof = SmtProve(node.store(), block->header.state_root, h, Sha256Of(key));
            if (!proof) throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "state proof unavailable at height " + std::to_string(h));
            // The record as of that height: the proof's leaf must match it (works change only by
            // transfer_shares; a newer record would not verify against this root).
            auto raw = node.store().Get(key);
            if (!raw || !proof->leaf || proof->leaf->value_hash != Sha256Of(*raw))
                throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "the work changed after the last certified block; retry");
            auto w = state::LoadWork(node.store(), id);
            json validators = json::array();
            for (const auto& v : node.genesis().validators) validators.push_back(v.key.hex());
            // Hand-offs: for each validator-set change up to height h, the epoch's last block, its
            // certificate by the old set and a proof that its state holds the new set.
            json handoffs = HandoffsJson(node, h);
            // The registration: the register_work transaction and its receipt, with their Merkle
            // paths under the registration block's header, and that header's commit certificate.
            const uint64_t rh = w->registered_height;
            auto rblock = node.store().GetBlock(rh);
            auto rcommit = node.store().GetCommitCert(rh);
            std::vector<protocol::Receipt> receipts = node.store().GetReceipts(rh);
            if (!rblock || !rcommit || receipts.empty())
                throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "the registration block " + std::to_string(rh) +
                                                                    " is not held by this node (pruned, or it joined by state sync; ask an archive node)");
            size_t ti = rblock->txs.size();
            for (size_t i = 0; i < rblock->txs.size() && i < receipts.size(); ++i)
                for (const protocol::Event& e : receipts[i].events)
                    if (const auto* r = std::get_if<protocol::EvWorkRegistered>(&e); r && r->work_id == id) ti = i;
            if (ti == rblock->txs.size())
                throw RpcError(ErrorCode::INTERNAL_ERROR, "block " + std::to_string(rh) + " has no registration of work " + std::to_string(id));
            std::vector<Hash256> tx_ids, receipt_hashes;
            for (size_t i = 0; i < receipts.size(); ++i) {
                if (i < rblock->txs.size()) tx_ids.push_back(receipts[i].tx_id);
                receipt_hashes.push_back(Sha256Of(protocol::EncodeReceipt(receipts[i])));
            }
            const protocol::Transaction& tx = rblock->txs[ti];
            json registration = {{"height", rh},
                                 {"time_ms", rblock->header.time_ms},
                                 {"tx_hash", receipts[ti].tx_id.hex()},
                                 {"registrant", tx.sender.hex()},
                                 {"header", ToHex(protocol::EncodeHeader(rblock->header))},
                                 {"commit", ToHex(*rcommit)},
                                 {"tx", ToHex(protocol::EncodeTx(tx))},
                                 {"tx_proof", ToHex(EncodeMerkleProof(MerkleProve(tx_ids, ti)))},
                                 {"receipt", ToHex(protocol::EncodeReceipt(receipts[ti]))},
                                 {"receipt_proof", ToHex(EncodeMerkleProof(MerkleProve(receipt_hashes, ti)))}};
            return json{{"format", "folio-work-certificate/2"},
                        {"chain_id", node.chain_id()},
                        {"genesis_hash", node.genesis_hash().hex()},
                        {"work", WorkJson(*w)},
                        {"height", h},
                        {"work_record", ToHex(*raw)},
                        {"proof", ToHex(EncodeSmtProof(*proof))},
                        {"header", ToHex(protocol::EncodeHeader(block->header))},
                        {"commit", ToHex(*cert)},
                        {"genesis_validators", validators},
                        {"validator_handoffs", handoffs},
                        {"registration", registration}};
        },
        Access::PUBLIC);
}

}  // namespace folio::api
