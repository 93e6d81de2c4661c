#include <node/state/settlement_events.h>

#include <node/state/contracts.h>
#include <node/state/settlement.h>

namespace folio::state {

std::vector<SettlementEvent> ExtractSettlementEvents(const std::string& chain_id, const Block& block,
                                                     const std::vector<Receipt>& receipts, uint64_t first_seq) {
    std::vector<SettlementEvent> out;
    Hash256 block_hash = BlockHash(block.header);
    // In execution order: the block step's receipt (after the transactions', when there is one)
    // ran first.
    std::vector<size_t> order;
    if (receipts.size() > block.txs.size()) order.push_back(block.txs.size());
    for (size_t t = 0; t < receipts.size() && t < block.txs.size(); ++t) order.push_back(t);
    for (size_t t : order) {
        const Receipt& rc = receipts[t];
        if (!rc.success) continue;
        for (size_t i = 0; i < rc.events.size(); ++i) {
            SettlementEvent e;
            const Event& ev = rc.events[i];
            if (const auto* p = std::get_if<EvPayout>(&ev)) {
                const Payout& po = p->payout;
                static constexpr const char* KINDS[] = {"payout_instruction", "payout_confirmed", "payout_failed",
                                                        "payout_expired"};
                e.kind = KINDS[static_cast<size_t>(po.status) % 4];
                e.payout_id = po.id;
                e.payee = po.payee;
                e.gateway = po.gateway;
                e.currency = po.currency;
                e.amount = po.amount;
                if (po.rate_id != 0) {
                    e.target_currency = po.target_currency;
                    e.target_amount = po.target_amount;
                    e.rate_id = po.rate_id;
                    e.rate_num = po.rate_num;
                    e.rate_den = po.rate_den;
                }
                e.expires_ms = po.expires_ms;
                if (po.status == PayoutStatus::CONFIRMED) e.reference = po.note;
                if (po.status == PayoutStatus::FAILED) e.reason = po.note;
            } else if (const auto* d = std::get_if<EvDeposit>(&ev)) {
                e.kind = "deposit_credited";
                e.payee = d->account;
                e.gateway = d->gateway;
                e.currency = d->currency;
                e.amount = d->amount;
                e.reference = d->reference;
            } else if (const auto* a = std::get_if<EvAmlHold>(&ev)) {
                const AmlHold& h = a->hold;
                e.kind = std::string("aml_") + AmlHoldStatusName(h.status);
                e.hold_id = h.id;
                e.hold_kind = AmlHoldKindName(h.kind);
                e.payee = h.from;
                if (h.kind == AmlHoldKind::PAYOUT) e.gateway = h.to;
                else e.recipient = h.to;
                e.currency = h.currency;
                e.amount = h.amount;
                e.reason = AmlReasonName(h.reason);
                e.payout_id = h.payout_id;
                e.note = h.note;
                e.decided_by = h.decided_by;
            } else if (const auto* c = std::get_if<EvContract>(&ev)) {
                auto w = DecodeTaxWithheld(*c);
                if (!w || w->tax == 0) continue;
                e.kind = "tax_withheld";
                e.payee = w->payee;
                e.currency = w->currency;
                e.gross = w->gross;
                e.amount = w->tax;
                e.jurisdiction = w->source;
                e.tax_account = w->account;
            } else {
                continue;
            }
            e.seq = first_seq + out.size();
            e.height = block.header.height;
            e.block_hash = block_hash;
            e.tx = rc.tx_id;
            e.tx_index = static_cast<uint32_t>(t);
            e.event_index = static_cast<uint32_t>(i);
            Writer w;
            w.Raw(AsBytes(chain_id));
            w.U8(0);
            w.U64(e.height);
            w.Fixed(e.tx);
            w.U32(e.event_index);
            e.id = TaggedHash("folio/settlement_event", w.bytes());
            out.push_back(std::move(e));
        }
    }
    return out;
}

}  // namespace folio::state
