// `folio auction`: English, Dutch and sealed-bid auctions of a licence (sealed bids are kept in
// $FOLIO_HOME/auctions until revealed).
#include <cli/commands.h>

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sodium.h>

#include <sys/stat.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

std::string AuctionHuman(const json& r) {
    const json a = r.value("auction", json::object());
    const json st = r.value("state", json::object());
    std::string h = "auction " + Txt(a, "id") + " (" + Txt(a, "kind") + ") of work " + Txt(a, "work") + ", licence " + Txt(a, "licence") +
                    "\n  contract " + Txt(a, "contract") + "\n  seller " + AddrTxt(a, "seller");
    if (!st.empty()) {
        std::string cur = Txt(st, "currency", "");
        h += "\n  state " + Txt(st, "state") + ", ends " + TimeOf(st, "end_ms");
        if (U64Of(st, "reveal_end_ms") != 0) h += ", reveals until " + TimeOf(st, "reveal_end_ms");
        h += "\n  bids " + Txt(st, "bids") + ", highest " + Txt(st, "highest_bid") + " " + cur + " by " + AddrTxt(st, "highest_bidder");
        if (Txt(a, "kind") == "dutch") h += "\n  current price " + Txt(st, "current_price") + " " + cur;
        if (!st.value("winner", json()).is_null()) h += "\n  winner " + AddrTxt(st, "winner") + " at " + Txt(st, "price") + " " + cur;
    }
    if (a.contains("licence_terms")) h += "\n" + TermsHuman(a["licence_terms"].value("terms", json::object()));
    return h;
}

std::filesystem::path BidFile(const Ctx& c, const std::string& chain_id, uint64_t auction, const Address& bidder) {
    return std::filesystem::path(c.home) / "auctions" / (chain_id + "-" + std::to_string(auction) + "-" + bidder.hex() + ".json");
}

void WriteBidFile(const std::filesystem::path& p, const json& j) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    ::chmod(p.parent_path().c_str(), 0700);
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            throw CliError("a sealed bid for this auction is already kept in " + p.string() +
                           " (one commitment per bidder; delete the file only if that commitment never committed)");
        throw CliError("cannot write " + p.string() + ": " + std::strerror(errno));
    }
    std::string text = j.dump(2) + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok) throw CliError("cannot write " + p.string());
}

json ReadBidFile(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) throw CliError("no sealed bid of yours for this auction in " + p.string());
    try {
        return json::parse(in);
    } catch (const std::exception& e) {
        throw CliError(p.string() + " is not valid JSON: " + e.what());
    }
}

std::string ChainIdFor(const Ctx& c, RpcClient& rpc) {
    if (c.args.Flag("offline")) return OfflineChainId(c);
    return rpc.Call("chain_info", json::object()).at("chain_id").get<std::string>();
}

}  // namespace

int CmdAuction(Ctx& c) {
    const char* usage = "folio auction create|bid|reveal|close|show ...";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "create") {
        CreateAuctionTx a;
        a.work = ParseU64(Pos(c, 2, "folio auction create WORK_ID --type english|dutch|sealed ..."), "WORK_ID");
        a.kind = ParseAuctionKind(c.args.Need("type"));
        a.currency = ParseCurrency(c.args.Need("currency"));
        a.terms = BuildTerms(TermsFromArgs(c, "licence-from", "licence-until"));
        a.start_ms = ParseTimeMs(c.args.Need("start"));
        a.end_ms = ParseTimeMs(c.args.Need("end"));
        if (a.end_ms <= a.start_ms) throw UsageError("--end must be after --start");
        if (auto src = c.args.Opt("source")) a.source = ParseCountry(*src, "--source");
        auto amount = [&](const char* opt, bool zero_ok) { return ParseMoney(c.args.Need(opt), a.currency, zero_ok).amount; };
        auto amount_or = [&](const char* opt, int64_t dflt, bool zero_ok) {
            return c.args.Opt(opt) ? ParseMoney(*c.args.Opt(opt), a.currency, zero_ok).amount : dflt;
        };
        auto secs = [&](const char* opt) -> int64_t {
            auto v = c.args.Opt(opt);
            return v ? static_cast<int64_t>(ParseU64(*v, std::string("--") + opt) * 1000) : 0;
        };
        switch (a.kind) {
            case AuctionKind::ENGLISH:
                a.p1 = amount_or("reserve", 0, true);
                a.p2 = amount_or("increment", 1, false);
                a.p3 = secs("window");
                a.p4 = secs("extension");
                if ((a.p3 == 0) != (a.p4 == 0)) throw UsageError("--window and --extension go together (both or neither)");
                break;
            case AuctionKind::DUTCH:
                a.p1 = amount("start-price", false);
                a.p2 = amount("decrement", false);
                a.p3 = secs("interval");
                a.p4 = amount("floor", false);
                if (a.p3 == 0) throw UsageError("a Dutch auction needs --interval SECONDS above zero");
                if (a.p4 > a.p1) throw UsageError("--floor must not be above --start-price");
                break;
            case AuctionKind::SEALED:
                a.p1 = amount_or("reserve", 0, true);
                a.p2 = amount("deposit", false);
                a.p3 = static_cast<int64_t>(ParseTimeMs(c.args.Need("reveal-end")));
                a.p4 = 0;
                if (static_cast<uint64_t>(a.p3) <= a.end_ms) throw UsageError("--reveal-end must be after --end");
                break;
        }
        auto st = Send(c, a);
        if (!st) return 0;
        json e = FindEvent(*st, "auction_created");
        uint64_t id = U64Of(e, "auction");
        std::string contract = Txt(e, "contract", id ? protocol::AuctionAddress(id).hex() : "-");
        (*st)["auction_id"] = e.is_object() ? e.value("auction", json()) : json();
        (*st)["contract"] = contract;
        (*st)["licence_id"] = e.is_object() ? e.value("licence", json()) : json();
        Print(c, *st,
              "auction " + Txt(e, "auction") + " (" + AuctionKindName(a.kind) + ") of work " + std::to_string(a.work) + "\n  contract " +
                  contract + "\n  reserved licence " + Txt(e, "licence") + "\n" + TxLine(*st));
        return 0;
    }
    uint64_t id = ParseU64(Pos(c, 2, "folio auction bid|reveal|close|show ID"), "auction ID");
    RpcClient rpc(NodeUrl(c));
    if (sub == "show") {
        json r = rpc.Call("auction_get", {{"id", id}});
        Print(c, r, AuctionHuman(r));
        return 0;
    }
    Address contract = protocol::AuctionAddress(id);
    if (sub == "close") {
        auto st = Send(c, ContractCallTx{contract, AuctionCloseCall(), CONTRACT_CALL_GAS});
        if (!st) return 0;
        Print(c, *st, "closed auction " + std::to_string(id) + ContractEventsHuman(*st) + "\n" + TxLine(*st));
        return 0;
    }
    if (sub == "bid") {
        const char* bu = "folio auction bid ID AMOUNT CUR";
        json r = rpc.Call("auction_get", {{"id", id}});
        std::string kind = r.value("auction", json::object()).value("kind", "");
        Money m = ParseMoney(Pos(c, 3, bu), Pos(c, 4, bu));
        std::string cur = r.value("state", json::object()).value("currency", "");
        if (!cur.empty() && cur != m.currency) throw UsageError("auction " + std::to_string(id) + " is in " + cur + ", not " + m.currency);
        if (r.value("auction", json::object()).contains("contract"))
            if (auto a = ParseAddress(Txt(r["auction"], "contract"))) contract = *a;
        if (kind != "sealed") {
            auto st = Send(c, ContractCallTx{contract, AuctionBidCall(m.amount), CONTRACT_CALL_GAS});
            if (!st) return 0;
            Print(c, *st,
                  "bid " + FormatMoney(m.amount, m.currency) + " " + m.currency + " on auction " + std::to_string(id) +
                      ContractEventsHuman(*st) + "\n" + TxLine(*st));
            return 0;
        }
        // Sealed: commit SHA-256(amount || salt || bidder); the salt stays in the wallet until reveal.
        Address bidder = SignerAddress(c);
        std::string chain_id = ChainIdFor(c, rpc);
        Hash256 salt;
        randombytes_buf(salt.data.data(), salt.data.size());
        Hash256 commitment = SealedCommitment(m.amount, salt, bidder);
        auto file = BidFile(c, chain_id, id, bidder);
        WriteBidFile(file, {{"chain_id", chain_id},
                            {"auction", id},
                            {"bidder", bidder.hex()},
                            {"currency", m.currency},
                            {"amount", m.amount},
                            {"amount_text", FormatMoney(m.amount, m.currency)},
                            {"salt", salt.hex()},
                            {"commitment", commitment.hex()}});
        sodium_memzero(salt.data.data(), salt.data.size());
        // The kept bid is dropped only when the commitment certainly did not commit (refused at
        // submission, rejected or failed); on a timeout or a lost connection it stays.
        std::error_code ec;
        json raw;
        try {
            raw = SignAndSend(c, ContractCallTx{contract, AuctionCommitCall(commitment), CONTRACT_CALL_GAS});
        } catch (const RpcFailure& e) {
            if (e.code == -32003 || e.code == -32000 || e.code == -32602) std::filesystem::remove(file, ec);
            throw;
        }
        if (raw.is_null()) return 0;  // --offline: signed, not sent; the bid stays kept
        try {
            RequireSuccess(raw);
        } catch (const CliError&) {
            std::filesystem::remove(file, ec);
            throw;
        }
        std::optional<json> st = raw;
        if (raw.value("status", "") == "pending") {
            Print(c, raw, "submitted " + Txt(raw, "hash") + " (pending); the bid is kept in " + file.string());
            return 0;
        }
        (*st)["commitment"] = commitment.hex();
        (*st)["bid_file"] = file.string();
        Print(c, *st,
              "sealed bid of " + FormatMoney(m.amount, m.currency) + " " + m.currency + " committed to auction " + std::to_string(id) +
                  " (deposit escrowed)\n  commitment " + commitment.hex() + "\n  salt kept in " + file.string() +
                  " — reveal with `folio auction reveal " + std::to_string(id) + "` after the bidding ends\n" + TxLine(*st));
        return 0;
    }
    if (sub == "reveal") {
        Address bidder = SignerAddress(c);
        std::string chain_id = ChainIdFor(c, rpc);
        auto file = BidFile(c, chain_id, id, bidder);
        json bid = ReadBidFile(file);
        auto salt = Hash256::FromHexStr(bid.value("salt", ""));
        if (!salt || !bid.contains("amount") || !bid["amount"].is_number_integer()) throw CliError(file.string() + " lacks amount or salt");
        int64_t amount = bid["amount"].get<int64_t>();
        auto st = Send(c, ContractCallTx{contract, AuctionRevealCall(amount, *salt), CONTRACT_CALL_GAS});
        if (!st) return 0;
        Print(c, *st,
              "revealed " + Txt(bid, "amount_text") + " " + Txt(bid, "currency") + " on auction " + std::to_string(id) +
                  ContractEventsHuman(*st) + "\n" + TxLine(*st));
        return 0;
    }
    throw UsageError("unknown command: folio auction " + sub);
}

}  // namespace folio::cli
