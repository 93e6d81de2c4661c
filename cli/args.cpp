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

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

}  // namespace

uint64_t ParseTimeMs(const std::string& s, std::string_view what) {
    const std::string w(what);
    if (AllDigits(s)) {
        if (s.size() > 11) throw UsageError(w + ": unix time out of range: " + s);
        return std::stoull(s) * 1000;
    }
    auto bad = [&](const std::string& why) {
        return UsageError(w + ": " + why + ": '" + s + "' (RFC 3339 such as 2026-12-01T00:00:00Z or 2026-12-01T02:00:00+02:00, or unix seconds)");
    };
    // YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]
    auto num = [&](size_t at, size_t len) -> unsigned {
        if (at + len > s.size() || !AllDigits(std::string_view(s).substr(at, len))) throw bad("not an RFC 3339 time");
        return static_cast<unsigned>(std::stoul(s.substr(at, len)));
    };
    auto expect = [&](size_t at, std::string_view chars) {
        if (at >= s.size() || chars.find(s[at]) == std::string_view::npos) throw bad("not an RFC 3339 time");
    };
    if (s.size() < 19) throw bad("not an RFC 3339 time");
    unsigned year = num(0, 4);
    expect(4, "-");
    unsigned month = num(5, 2);
    expect(7, "-");
    unsigned day = num(8, 2);
    expect(10, "Tt");
    unsigned hour = num(11, 2);
    expect(13, ":");
    unsigned minute = num(14, 2);
    expect(16, ":");
    unsigned second = num(17, 2);
    size_t i = 19;
    uint64_t ms = 0;
    if (i < s.size() && s[i] == '.') {
        size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        std::string frac = s.substr(start, i - start);
        if (frac.empty() || frac.size() > 9) throw bad("the fraction of a second must have 1 to 9 digits");
        if (frac.size() > 3 && frac.find_first_not_of('0', 3) != std::string::npos) throw bad("finer than a millisecond");
        frac.resize(3, '0');
        ms = std::stoull(frac);
    }
    int64_t offset_min = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1;
        unsigned oh = num(i + 1, 2);
        expect(i + 3, ":");
        unsigned om = num(i + 4, 2);
        if (oh > 23 || om > 59) throw bad("the offset is out of range");
        offset_min = sign * static_cast<int64_t>(oh * 60 + om);
        i += 6;
    } else {
        throw bad("the time zone is missing (Z or an offset such as +02:00)");
    }
    if (i != s.size()) throw bad("unexpected text after the time");
    if (month < 1 || month > 12) throw bad("there is no month " + std::to_string(month));
    if (day < 1 || day > DaysInMonth(year, month))
        throw bad("there is no day " + std::to_string(day) + " in " + s.substr(0, 7));
    if (hour > 23 || minute > 59) throw bad("the time of day is out of range");
    if (second > 59) throw bad(second == 60 ? "leap seconds are not representable" : "the seconds are out of range");
    int64_t secs = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    if (secs < 0) throw bad("before 1970-01-01T00:00:00Z");
    return static_cast<uint64_t>(secs) * 1000 + ms;
}

std::string FormatTimeRfc3339(uint64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (ms % 1000 != 0) {
        char frac[8];
        std::snprintf(frac, sizeof frac, ".%03u", static_cast<unsigned>(ms % 1000));
        out += frac;
    }
    return out + "Z";
}

uint64_t ParseU64(std::string_view s, std::string_view what) {
    if (!AllDigits(s) || s.size() > 19) throw UsageError(std::string(what) + " must be a whole number: " + std::string(s));
    return std::stoull(std::string(s));
}

Address ParseAddr(std::string_view s, std::string_view what) {
    auto a = ParseAddressChecked(s);
    if (!a) throw UsageError(std::string(what) + ": '" + std::string(s) + "' is not an address: " + a.error().Reason());
    return a.value();
}

std::string ParseCurrency(std::string_view code, std::string_view what) {
    std::string c = Upper(code);
    if (!FindCurrency(c))
        throw UsageError(std::string(what) + ": unknown currency '" + std::string(code) + "' (an ISO 4217 code such as USD)");
    return c;
}

Money ParseMoney(std::string_view amount, std::string_view currency, bool zero_ok, std::string_view what) {
    Money m;
    m.currency = ParseCurrency(currency, what);
    auto v = ParseAmount(amount, *FindCurrency(m.currency));
    if (!v) {
        std::string why = v.error() == AmountError::TOO_PRECISE ? "more decimals than " + m.currency + " has"
                          : v.error() == AmountError::OUT_OF_RANGE ? "too large"
                                                                   : "not a decimal amount";
        throw UsageError(std::string(what) + ": bad amount '" + std::string(amount) + "': " + why);
    }
    if (v.value() == 0 && !zero_ok) throw UsageError(std::string(what) + ": the amount must be above zero");
    m.amount = v.value();
    return m;
}

Money ParseMoneyPair(std::string_view text, bool zero_ok, std::string_view what) {
    auto sp = text.find(' ');
    if (sp == std::string_view::npos) throw UsageError(std::string(what) + ": expected AMOUNT CUR: " + std::string(text));
    return ParseMoney(text.substr(0, sp), text.substr(sp + 1), zero_ok, what);
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

Share ParseShare(const std::string& spec, std::string_view what) {
    const std::string w(what);
    auto [addr, bps_text] = SplitColon(spec, w);
    uint16_t bps = ParseBps(bps_text, w + " BPS");
    if (bps == 0) throw UsageError(w + ": BPS must be 1..10000: " + spec);
    return {ParseAddr(addr, w), bps};
}

std::vector<Share> ParseShares(const std::vector<std::string>& specs, std::string_view what) {
    const std::string w(what);
    if (specs.empty()) throw UsageError("give the new owners with " + w + " ADDR:BPS ...");
    std::vector<Share> out;
    uint32_t total = 0;
    for (const std::string& spec : specs) {
        out.push_back(ParseShare(spec, w));
        total += out.back().bps;
    }
    std::sort(out.begin(), out.end(), [](const Share& x, const Share& y) { return x.owner < y.owner; });
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].owner == out[i - 1].owner) throw UsageError(w + " lists an address twice");
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
