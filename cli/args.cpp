// Pure helpers of the `folio` commands (cli/args.h).
#include <cli/args.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iomanip>
#include <sstream>

#include <node/core/amount.h>
#include <node/core/codec.h>
#include <node/protocol/fields.h>
#include <node/protocol/territory.h>
#include <vm/abi.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

std::string Upper(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

std::vector<std::string> SplitCsv(std::string_view csv) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : csv) {
        if (ch == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (ch != ' ') {
            cur += ch;
        }
    }
    out.push_back(cur);
    return out;
}

// "ID:N" -> (ID, N).
std::pair<std::string, std::string> SplitColon(const std::string& spec, std::string_view what) {
    auto colon = spec.rfind(':');
    if (colon == std::string::npos) throw UsageError(std::string(what) + " must be X:N: " + spec);
    return {spec.substr(0, colon), spec.substr(colon + 1)};
}

Bytes Call(std::string_view sig, const std::vector<vm::AbiValue>& args) {
    auto b = vm::EncodeCallChecked(sig, args);
    if (!b) throw UsageError(std::string("cannot encode ") + std::string(sig) + ": " + vm::AbiErrorName(b.error()));
    return std::move(b.value());
}

}  // namespace

uint64_t ParseTimeMs(const std::string& s) {
    if (AllDigits(s)) {
        if (s.size() > 15) throw UsageError("time out of range: " + s);
        return std::stoull(s) * 1000;
    }
    std::tm tm{};
    std::istringstream in(s);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    if (in.fail() || in.peek() != std::char_traits<char>::eof())
        throw UsageError("time must be RFC 3339 (2026-12-01T00:00:00Z) or unix seconds: " + s);
    return static_cast<uint64_t>(timegm(&tm)) * 1000;
}

std::string FormatTimeRfc3339(uint64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

uint64_t ParseU64(std::string_view s, std::string_view what) {
    if (!AllDigits(s) || s.size() > 19) throw UsageError(std::string(what) + " must be a whole number: " + std::string(s));
    return std::stoull(std::string(s));
}

Address ParseAddr(std::string_view s, std::string_view what) {
    auto a = ParseAddress(s);
    if (!a) throw UsageError(std::string(what) + " is not a valid address: " + std::string(s));
    return *a;
}

std::string ParseCurrency(std::string_view code) {
    std::string c = Upper(code);
    if (!FindCurrency(c)) throw UsageError("unknown currency '" + std::string(code) + "' (ISO 4217 code such as USD)");
    return c;
}

Money ParseMoney(std::string_view amount, std::string_view currency, bool zero_ok) {
    Money m;
    m.currency = ParseCurrency(currency);
    auto v = ParseAmount(amount, *FindCurrency(m.currency));
    if (!v) {
        std::string why = v.error() == AmountError::TOO_PRECISE ? "more decimals than " + m.currency + " has"
                          : v.error() == AmountError::OUT_OF_RANGE ? "too large"
                                                                   : "not a decimal amount";
        throw UsageError("bad amount '" + std::string(amount) + "': " + why);
    }
    if (v.value() == 0 && !zero_ok) throw UsageError("the amount must be above zero");
    m.amount = v.value();
    return m;
}

Money ParseMoneyPair(std::string_view text, bool zero_ok) {
    auto sp = text.find(' ');
    if (sp == std::string_view::npos) throw UsageError("expected AMOUNT CUR: " + std::string(text));
    return ParseMoney(text.substr(0, sp), text.substr(sp + 1), zero_ok);
}

std::string FormatMoney(int64_t minor, std::string_view currency) {
    auto c = FindCurrency(currency);
    return c ? FormatAmount(minor, *c) : std::to_string(minor);
}

std::string SubtractDecimal(const std::string& a, const std::string& b, std::string_view currency) {
    auto c = FindCurrency(currency);
    if (!c) return "";
    auto x = ParseAmount(a, *c), y = ParseAmount(b, *c);
    if (!x || !y) return "";
    return FormatAmount(x.value() - y.value(), *c);
}

std::pair<uint64_t, uint64_t> ParseRate(std::string_view text) {
    const uint64_t max = static_cast<uint64_t>(MAX_AMOUNT);
    auto bad = [&]() { return UsageError("RATE must be an exact decimal (5.4321) or a fraction (54321/10000): " + std::string(text)); };
    uint64_t num = 0, den = 1;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        std::string_view n = text.substr(0, slash), d = text.substr(slash + 1);
        if (!AllDigits(n) || !AllDigits(d) || n.size() > 19 || d.size() > 19) throw bad();
        num = std::stoull(std::string(n));
        den = std::stoull(std::string(d));
    } else {
        auto dot = text.find('.');
        std::string_view ip = text.substr(0, dot);
        std::string_view fp = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
        if (!AllDigits(ip) || (dot != std::string_view::npos && !AllDigits(fp))) throw bad();
        if (fp.size() > 18 || ip.size() + fp.size() > 19) throw UsageError("RATE has too many digits: " + std::string(text));
        num = std::stoull(std::string(ip) + std::string(fp));
        for (size_t i = 0; i < fp.size(); ++i) den *= 10;
    }
    if (num == 0 || den == 0) throw UsageError("RATE must be above zero: " + std::string(text));
    if (num > max || den > max) throw UsageError("RATE numerator and denominator must be at most 10^18");
    return {num, den};
}

std::string ParseCountry(std::string_view code, std::string_view what) {
    std::string c = Upper(code);
    if (!IsCountry(c)) throw UsageError(std::string(what) + ": unknown country '" + std::string(code) + "' (ISO 3166-1 alpha-2)");
    return c;
}

std::vector<std::string> ParseCountryList(std::string_view csv, std::string_view what, bool allow_ww) {
    std::vector<std::string> out;
    for (const std::string& part : SplitCsv(csv)) {
        if (part.empty()) throw UsageError(std::string(what) + ": empty territory in '" + std::string(csv) + "'");
        std::string u = Upper(part);
        if (allow_ww && u == "WW") out.push_back(u);
        else out.push_back(ParseCountry(part, what));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.size() > 1 && std::find(out.begin(), out.end(), "WW") != out.end())
        throw UsageError(std::string(what) + ": WW (worldwide) stands alone; exclude countries with --exclude");
    return out;
}

LicenceTerms BuildTerms(const TermsInput& in) {
    LicenceTerms t;
    t.territories = ParseCountryList(in.territories, "--territory", true);
    if (!in.exclude.empty()) {
        if (t.territories != std::vector<std::string>{"WW"}) throw UsageError("--exclude needs --territory WW");
        t.excluded = ParseCountryList(in.exclude, "--exclude", false);
    }
    auto rights = ParseRights(in.rights);
    if (!rights)
        throw UsageError("--rights: unknown right in '" + in.rights +
                         "' (stream, download, broadcast, theatrical, distribute, sync, derivative, view)");
    t.rights = *rights;
    t.exclusive = in.exclusive;
    t.start_ms = in.start_ms;
    t.end_ms = in.end_ms;
    if (!in.fee.empty()) {
        Money fee = ParseMoneyPair(in.fee);
        t.fee_currency = fee.currency;
        t.fee_amount = fee.amount;
    }
    t.royalty_bps = in.royalty_bps;
    t.sublicensable = in.sublicensable;
    t.revocable = in.revocable;
    if (std::string err = CheckLicenceTerms(t); !err.empty()) throw UsageError(err);
    return t;
}

uint16_t ParseBps(std::string_view s, std::string_view what) {
    uint64_t v = ParseU64(s, what);
    if (v > BPS_TOTAL) throw UsageError(std::string(what) + " must be 0..10000 basis points");
    return static_cast<uint16_t>(v);
}

std::vector<Share> ParseShares(const std::vector<std::string>& specs) {
    if (specs.empty()) throw UsageError("give the new owners with --owner ADDR:BPS ...");
    std::vector<Share> out;
    uint32_t total = 0;
    for (const std::string& spec : specs) {
        auto [addr, bps_text] = SplitColon(spec, "--owner");
        uint16_t bps = ParseBps(bps_text, "--owner BPS");
        if (bps == 0) throw UsageError("--owner: BPS must be 1..10000: " + spec);
        out.push_back({ParseAddr(addr, "--owner"), bps});
        total += bps;
    }
    std::sort(out.begin(), out.end(), [](const Share& x, const Share& y) { return x.owner < y.owner; });
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].owner == out[i - 1].owner) throw UsageError("--owner lists an address twice");
    if (total != BPS_TOTAL) throw UsageError("owner shares sum to " + std::to_string(total) + " bps, must be 10000");
    return out;
}

std::vector<PoolEntry> ParsePoolEntries(const std::vector<std::string>& specs) {
    if (specs.empty()) throw UsageError("give the works with --work ID:SECONDS ...");
    std::vector<PoolEntry> out;
    for (const std::string& spec : specs) {
        auto [id, secs] = SplitColon(spec, "--work");
        PoolEntry e{ParseU64(id, "--work ID"), ParseU64(secs, "--work SECONDS")};
        if (e.seconds == 0) throw UsageError("--work: SECONDS must be above zero: " + spec);
        out.push_back(e);
    }
    std::sort(out.begin(), out.end(), [](const PoolEntry& x, const PoolEntry& y) { return x.work < y.work; });
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].work == out[i - 1].work) throw UsageError("--work lists work " + std::to_string(out[i].work) + " twice");
    return out;
}

KycStatus ParseKycStatus(std::string_view s) {
    if (s == "verified") return KycStatus::VERIFIED;
    if (s == "revoked") return KycStatus::REVOKED;
    if (s == "none") return KycStatus::NONE;
    throw UsageError("--status must be verified, revoked or none");
}

AuctionKind ParseAuctionKind(std::string_view s) {
    if (s == "english") return AuctionKind::ENGLISH;
    if (s == "dutch") return AuctionKind::DUTCH;
    if (s == "sealed") return AuctionKind::SEALED;
    throw UsageError("--type must be english, dutch or sealed");
}

const char* AuctionKindName(AuctionKind k) {
    switch (k) {
        case AuctionKind::ENGLISH: return "english";
        case AuctionKind::DUTCH: return "dutch";
        case AuctionKind::SEALED: return "sealed";
    }
    return "unknown";
}

int64_t ParseIncomeType(std::string_view s) {
    if (s == "royalty") return static_cast<int64_t>(IncomeType::ROYALTY);
    if (s == "licence_fee" || s == "licence-fee") return static_cast<int64_t>(IncomeType::LICENCE_FEE);
    if (s == "nft_sale" || s == "nft-sale") return static_cast<int64_t>(IncomeType::NFT_SALE);
    throw UsageError("--income must be royalty, licence_fee or nft_sale");
}

int64_t PackCountry(std::string_view cc) {
    if (cc.size() != 2) return 0;
    return static_cast<int64_t>(static_cast<uint8_t>(cc[0])) | static_cast<int64_t>(static_cast<uint8_t>(cc[1])) << 8;
}

int64_t PackCurrency(std::string_view cur) {
    if (cur.size() != 3) return 0;
    return static_cast<int64_t>(static_cast<uint8_t>(cur[0])) | static_cast<int64_t>(static_cast<uint8_t>(cur[1])) << 8 |
           static_cast<int64_t>(static_cast<uint8_t>(cur[2])) << 16;
}

Bytes TaxSetRateCall(std::string_view source, int64_t income, std::string_view residency, uint16_t bps, uint64_t from_ms,
                     uint64_t until_ms) {
    if (until_ms != 0 && until_ms <= from_ms) throw UsageError("--until must be after --from");
    return Call("set_rate(int,int,int,int,int,int)",
                {PackCountry(source), income, residency.empty() ? int64_t{0} : PackCountry(residency), int64_t{bps},
                 static_cast<int64_t>(from_ms), static_cast<int64_t>(until_ms)});
}

Bytes TaxSetTreatyCall(std::string_view source, std::string_view residency, int64_t income, uint16_t bps,
                       uint64_t from_ms, uint64_t until_ms) {
    if (until_ms != 0 && until_ms <= from_ms) throw UsageError("--until must be after --from");
    return Call("set_treaty(int,int,int,int,int,int)",
                {PackCountry(source), PackCountry(residency), income, int64_t{bps}, static_cast<int64_t>(from_ms),
                 static_cast<int64_t>(until_ms)});
}

Bytes TaxSetAccountCall(std::string_view jurisdiction, const Address& account) {
    return Call("set_account(int,address)", {PackCountry(jurisdiction), account});
}

Bytes AuctionBidCall(int64_t amount) { return Call("bid(int)", {amount}); }
Bytes AuctionCommitCall(const Hash256& commitment) {
    return Call("commit(bytes)", {Bytes(commitment.data.begin(), commitment.data.end())});
}
Bytes AuctionRevealCall(int64_t amount, const Hash256& salt) {
    return Call("reveal(int,bytes)", {amount, Bytes(salt.data.begin(), salt.data.end())});
}
Bytes AuctionCloseCall() { return Call("close()", {}); }

Hash256 SealedCommitment(int64_t amount, const Hash256& salt, const Address& bidder) {
    Writer w;
    w.I64(amount);
    w.Fixed(salt);
    w.Fixed(bidder);
    return Sha256Of(w.bytes());
}


}  // namespace folio::cli
