// Chain methods: the chain's head and blocks, and transactions (docs/rpc.md).
#include <node/api/api.h>

#include <node/api/method_support.h>
#include <node/api/json_render.h>
#include <node/state/settlement.h>

namespace folio::api {

void RegisterChainMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "chain_info",
        [&node](const json&, CallContext&) {
            protocol::BlockHeader head = node.Head();
            uint64_t h = head.height;
            const protocol::BlockHeader* header = &head;
            // The set in force after the head block (the ledger's record), names from genesis.
            auto name_of = [&node](const Address& k) -> json {
                for (const auto& v : node.genesis().validators)
                    if (v.key == k) return v.name;
                return nullptr;
            };
            json validators = json::array();
            uint64_t epoch = 0, from_height = 1;
            if (auto set = state::LoadValidatorSet(node.store())) {
                epoch = set->epoch;
                from_height = set->from_height;
                for (const Address& k : set->members) validators.push_back({{"name", name_of(k)}, {"key", k.hex()}});
            }
            json pending = nullptr;
            if (auto p = state::LoadPendingValidatorSet(node.store())) {
                json members = json::array();
                for (const Address& k : p->members) members.push_back(k.hex());
                pending = {{"epoch", p->epoch}, {"activation_height", p->activation_height},
                           {"scheduled_height", p->scheduled_height}, {"members", members}};
            }
            return json{{"chain_id", node.chain_id()},
                        {"height", h},
                        {"hash", protocol::BlockHash(*header).hex()},
                        {"time_ms", header->time_ms},
                        {"state_root", header->state_root.hex()},
                        {"genesis_hash", node.genesis_hash().hex()},
                        {"validators", validators},
                        {"validator_epoch", epoch},
                        {"validators_from_height", from_height},
                        {"pending_validators", pending}};
        },
        Access::PUBLIC);

    server.Register(
        "chain_getBlock",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t h = args.Uint64("height");
            auto block = node.store().GetBlock(h);
            if (!block && h != 0 && h < node.LedgerFloor() && h <= node.height())
                throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE,
                               "block " + std::to_string(h) + " is not held by this node: it holds blocks from height " +
                                   std::to_string(node.LedgerFloor()) + " on (pruned, or joined by state sync; ask an archive node)",
                               {{"lowest_height", node.LedgerFloor()}});
            if (!block) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no block at height " + std::to_string(h));
            json txs = json::array();
            for (const auto& tx : block->txs) txs.push_back(protocol::TxId(tx).hex());
            json out = {{"header", HeaderJson(block->header)}, {"transactions", txs}};
            if (auto cert = node.store().GetCommitCert(h)) out["commit"] = ToHex(*cert);
            return out;
        },
        Access::PUBLIC);

    server.Register(
        "tx_submit",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            std::string hex = args.String("tx");
            auto bytes = FromHex(hex);
            if (!bytes)
                throw RpcError(ErrorCode::TRANSACTION_REJECTED, "malformed", {{"message", "tx must be the hex of the canonical encoding"}});
            auto id = node.Admit(*bytes);
            if (!id)
                throw RpcError(ErrorCode::TRANSACTION_REJECTED, state::RejectCode(id.error().code), {{"message", id.error().message}});
            return json{{"hash", id->hex()}};
        },
        Access::PUBLIC);

    server.Register(
        "tx_get",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            Hash256 id = args.Hash("hash");
            if (auto loc = node.store().FindTx(id)) {
                auto block = node.store().GetBlockShared(loc->height);
                if (!block) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "unknown transaction " + id.hex());
                auto receipt = node.store().GetReceipt(loc->height, loc->index);
                if (!receipt) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "unknown transaction " + id.hex());
                if (loc->index >= block->txs.size()) {
                    // The block step's receipt (protocol::BlockStepId): the ledger's own work, no
                    // transaction; its events (expired payouts) go to overseers.
                    json out = ReceiptJson(*receipt, IsOverseer(node, ctx.account), &node.store());
                    out["hash"] = id.hex();
                    out["status"] = "committed";
                    out["block_step"] = true;
                    out["height"] = loc->height;
                    out["index"] = loc->index;
                    out["block_hash"] = protocol::BlockHash(block->header).hex();
                    return out;
                }
                const protocol::Transaction& tx = block->txs.at(loc->index);
                // Events and the body go to the parties (the sender) and overseers only.
                bool party = ctx.account && (*ctx.account == tx.sender || IsOverseer(node, ctx.account));
                json out = ReceiptJson(*receipt, party, &node.store());
                out["hash"] = id.hex();
                out["status"] = "committed";
                out["height"] = loc->height;
                out["index"] = loc->index;
                out["block_hash"] = protocol::BlockHash(block->header).hex();
                if (party) out["tx"] = TxJson(tx);
                return out;
            }
            if (node.mempool().Contains(id)) return json{{"hash", id.hex()}, {"status", "pending"}};
            if (auto why = node.mempool().RejectionOf(id))
                return json{{"hash", id.hex()}, {"status", "rejected"}, {"error", {{"code", why->first}, {"message", why->second}}}};
            throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "unknown transaction " + id.hex());
        },
        Access::PUBLIC);
}

}  // namespace folio::api
