// The strict command line of `folio` (cli/parse.h, cli/spec.h): every example in the table parses,
// typos are refused with a suggestion, every value is checked and the error names the argument,
// and times are strict RFC 3339.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <doctest/doctest.h>

#include <cli/args.h>
#include <cli/parse.h>

using namespace folio;
using namespace folio::cli;

namespace {

const char* A = "folio1fu64hh9hes90w2808n8tjc2ajp5yhddjef0ctx4s7zmsgp6cwx4q4puqra";  // secret 11..11
const char* A_HEX = "4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";

// Splits a command line the way a shell would for our examples (double quotes group words).
std::vector<std::string> Words(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false, any = false;
    for (char ch : line) {
        if (ch == '"') {
            quoted = !quoted;
            any = true;
        } else if (ch == ' ' && !quoted) {
            if (any) out.push_back(cur);
            cur.clear();
            any = false;
        } else {
            cur += ch;
            any = true;
        }
    }
    if (any) out.push_back(cur);
    return out;
}

ParsedLine ParseLine(const std::string& line) {
    auto w = Words(line);
    REQUIRE(w.at(0) == "folio");
    return ParseCommandLine(std::vector<std::string>(w.begin() + 1, w.end()));
}

// The message of the UsageError `line` raises ("" if it parses).
std::string ErrorOf(const std::string& line) {
    try {
        ParseLine(line);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A temporary working directory holding the files the examples name.
struct ExampleDir {
    std::filesystem::path old = std::filesystem::current_path();
    std::filesystem::path dir;
    ExampleDir() {
        char tmpl[] = "/tmp/folio-parse-XXXXXX";
        dir = mkdtemp(tmpl);
        std::filesystem::create_directories(dir / "contracts");
        for (const char* f : {"rio.mp4", "song.flac", "rio.cert.json", "genesis.json", "signed.tx", "split.bin",
                              "contracts/revenue_split.fasm", "contracts/escalating_royalty.bin", "pw"})
            std::ofstream(dir / f) << "x\n";
        std::filesystem::current_path(dir);
    }
    ~ExampleDir() {
        std::filesystem::current_path(old);
        std::filesystem::remove_all(dir);
    }
};

}  // namespace

TEST_CASE("every example of every command parses to that command") {
    ExampleDir d;
    size_t n = 0;
    for (const CmdSpec& c : Commands()) {
        CAPTURE(Synopsis(c));
        REQUIRE_FALSE(c.examples.empty());
        for (const std::string& e : c.examples) {
            CAPTURE(e);
            ParsedLine p;
            CHECK_NOTHROW(p = ParseLine(e));
            if (c.path == std::vector<std::string>{"help"}) {
                CHECK(p.action == ParsedLine::Action::HELP);
                continue;
            }
            REQUIRE(p.action == ParsedLine::Action::RUN);
            REQUIRE(p.cmd == &c);
            CHECK(std::vector<std::string>(p.args.pos.begin(), p.args.pos.begin() + static_cast<long>(c.path.size())) == c.path);
            ++n;
        }
    }
    CHECK(n >= Commands().size() - 1);
}

TEST_CASE("the table is consistent: unique options, choices given, help for everything") {
    std::set<std::string> paths;
    for (const CmdSpec& c : Commands()) {
        CAPTURE(Synopsis(c));
        CHECK(paths.insert(Synopsis(c)).second);
        CHECK_FALSE(c.summary.empty());
        std::set<std::string> names;
        for (const ArgSpec& o : AllOptions(c)) {
            CAPTURE(o.name);
            CHECK(names.insert(o.name).second);
            CHECK_FALSE(o.help.empty());
            if (o.kind == ArgKind::CHOICE) CHECK_FALSE(o.choices.empty());
        }
        bool optional_seen = false;
        for (const ArgSpec& p : c.positionals) {
            CHECK_FALSE(p.help.empty());
            if (!p.required) optional_seen = true;
            else CHECK_FALSE(optional_seen);  // required positionals come first
        }
        std::string h = CommandHelp(c);
        CHECK(Has(h, "usage: " + Synopsis(c)));
        for (const ArgSpec& o : c.options) CHECK(Has(h, "--" + o.name));
    }
    for (const GroupSpec& g : Groups()) CHECK(Has(GroupHelp(g.name), "commands:"));
}

TEST_CASE("a mistyped option is refused with a suggestion, before anything runs") {
    ExampleDir d;
    std::string grant = std::string("folio licence grant 7 --to ") + A +
                        " --territory BR --rights stream --from 2026-01-01T00:00:00Z --until 2027-01-01T00:00:00Z";
    CHECK(ErrorOf(grant) == "");
    CHECK(ParseLine(grant + " --exclusive").args.Flag("exclusive"));
    std::string e = ErrorOf(grant + " --exclusve");
    CHECK(Has(e, "unknown option '--exclusve'"));
    CHECK(Has(e, "did you mean '--exclusive'?"));
    CHECK(Has(ErrorOf(grant + " --feee 10.00 USD"), "did you mean '--fee'?"));
    CHECK(Has(ErrorOf(grant + " --colour red"), "unknown option '--colour'"));
    // an option of another command is not accepted here
    CHECK(Has(ErrorOf(grant + " --editions 3"), "unknown option '--editions'"));
    // a flag takes no value
    CHECK(Has(ErrorOf(grant + " --exclusive=yes"), "flag"));
    // an extra positional
    CHECK(Has(ErrorOf("folio licence show 3 4"), "unexpected argument '4'"));
}

TEST_CASE("unknown commands are refused with a suggestion") {
    CHECK(Has(ErrorOf("folio licence grnt 7"), "did you mean 'grant'?"));
    CHECK(Has(ErrorOf("folio licnce show 3"), "did you mean 'licence'?"));
    CHECK(Has(ErrorOf("folio blance"), "did you mean 'balance'?"));
    CHECK(Has(ErrorOf("folio frobnicate"), "unknown command 'frobnicate'"));
    CHECK_FALSE(Has(ErrorOf("folio frobnicate"), "did you mean"));
    CHECK(Has(ErrorOf("folio licence"), "needs a command: grant, accept"));
    // the alias
    CHECK(ParseLine("folio license show 3").cmd->path == std::vector<std::string>{"licence", "show"});
}

TEST_CASE("missing and repeated arguments are named") {
    ExampleDir d;
    CHECK(Has(ErrorOf("folio licence show"), "missing ID"));
    CHECK(Has(ErrorOf("folio licence grant 7 --territory BR --rights stream --from 1 --until 2"), "missing --to ADDR"));
    CHECK(Has(ErrorOf(std::string("folio payout prefs --gateway ") + A + " --gateway " + A + " --currency USD"),
              "--gateway is given 2 times"));
    auto p = ParseLine(std::string("folio revenue pool 5000.00 USD --work 7:36000 --work 9:12000"));
    CHECK(p.args.All("work") == std::vector<std::string>{"7:36000", "9:12000"});
    // a variadic positional
    auto v = ParseLine(std::string("folio gov set-validators --activation-height 50 ") + A + " " + A_HEX);
    CHECK(v.args.pos.size() == 4);
    CHECK(Has(ErrorOf("folio gov set-validators --activation-height 50"), "missing KEY"));
}

TEST_CASE("every value is checked by its kind and the error names the argument") {
    ExampleDir d;
    CHECK(Has(ErrorOf("folio work show seven"), "WORK_ID must be a whole number"));
    CHECK(Has(ErrorOf("folio work show -- -1"), "WORK_ID must be a whole number"));
    CHECK(Has(ErrorOf("folio work show 99999999999999999999"), "WORK_ID must be a whole number"));
    CHECK(Has(ErrorOf("folio withdraw 10.00 USX"), "CUR: unknown currency 'USX'"));
    CHECK(Has(ErrorOf("folio withdraw ten USD"), "AMOUNT: 'ten' is not an amount"));
    CHECK(Has(ErrorOf("folio fx post USD BRL five"), "RATE"));
    CHECK(Has(ErrorOf(std::string("folio kyc set ") + A + " --status verified --residency XX"), "--residency: unknown country 'XX'"));
    CHECK(Has(ErrorOf(std::string("folio kyc set ") + A + " --status verifed --residency BR"), "did you mean 'verified'?"));
    CHECK(Has(ErrorOf("folio gov tax-rate --source BR --income royalty --residency any --bps 10001"), "--bps must be 0..10000"));
    CHECK(Has(ErrorOf("folio nft list 12 --price 100.00"), "--price takes two words"));
    CHECK(Has(ErrorOf("folio nft list 12 --price 100.001 BRL"), "--price: bad amount '100.001'"));
    CHECK(Has(ErrorOf("folio tax report --payee " + std::string(A) + " --year 26"), "--year: must be a year"));
    CHECK(Has(ErrorOf("folio work register missing.mp4 --title T"), "FILE: cannot read 'missing.mp4'"));
    CHECK(Has(ErrorOf("folio tx show abc"), "HASH: must be 64 hex digits"));
    CHECK(Has(ErrorOf("folio --node localhost:26657 chain info"), "--node: must be an http:// or https:// URL"));
    CHECK(Has(ErrorOf("folio licence check 7 --licensee " + std::string(A) + " --territory BR --right streem"), "--right: unknown right"));
    // money pairs are stored as "AMOUNT CUR"
    auto p = ParseLine("folio nft list 12 --price 100.00 brl");
    CHECK(p.args.Opt("price") == "100.00 brl");
    CHECK(ParseMoneyPair(*p.args.Opt("price")).amount == 10000);
}

TEST_CASE("addresses: the checksummed text and hex are accepted; a mistyped one is refused before signing") {
    ExampleDir d;
    CHECK(ErrorOf(std::string("folio transfer ") + A + " 1.00 USD") == "");
    CHECK(ErrorOf(std::string("folio transfer ") + A_HEX + " 1.00 USD") == "");
    std::string typo = A;
    typo[20] = typo[20] == 'q' ? 'p' : 'q';
    std::string e = ErrorOf("folio transfer " + typo + " 1.00 USD");
    CHECK(Has(e, "ADDR: '" + typo + "' is not an address"));
    CHECK(Has(e, "checksum"));
    std::string missing = std::string(A).substr(0, 63);
    CHECK(Has(ErrorOf("folio transfer " + missing + " 1.00 USD"), "is not an address"));
    CHECK(Has(ErrorOf("folio payout prefs --gateway bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 --currency USD"), "--gateway"));
}

TEST_CASE("global options go before or after the command; help and version") {
    ExampleDir d;
    auto a = ParseLine("folio --node http://n:1 --json --key alice balance");
    CHECK(a.args.Opt("node") == "http://n:1");
    CHECK(a.args.Flag("json"));
    CHECK(a.args.Opt("key") == "alice");
    auto b = ParseLine("folio balance --key alice --json");
    CHECK(b.args.Opt("key") == "alice");
    CHECK(b.args.Flag("json"));
    CHECK(ParseLine("folio --version").action == ParsedLine::Action::VERSION);
    CHECK(ParseLine("folio").action == ParsedLine::Action::OVERVIEW_USAGE);
    CHECK(ParseLine("folio -h").action == ParsedLine::Action::HELP);
    CHECK(ParseLine("folio help").action == ParsedLine::Action::HELP);
    auto h1 = ParseLine("folio help licence grant"), h2 = ParseLine("folio licence grant --help"), h3 = ParseLine("folio licence grant -h");
    CHECK(h1.action == ParsedLine::Action::HELP);
    CHECK(h1.cmd == h2.cmd);
    CHECK(h2.cmd == h3.cmd);
    REQUIRE(h1.cmd != nullptr);
    CHECK(h1.cmd->path == std::vector<std::string>{"licence", "grant"});
    // help on a command ignores what else is on the line (missing arguments included)
    CHECK(ParseLine("folio licence grant --help --to nobody").cmd == h1.cmd);
    auto g = ParseLine("folio help nft");
    CHECK(g.group == "nft");
    CHECK(Has(ErrorOf("folio help nfts"), "did you mean 'nft'?"));
    CHECK(ParseLine("folio help --markdown").markdown);
    // -o and --output are one option
    auto o = ParseLine("folio work certificate 7 -o x.json");
    CHECK(o.args.Opt("o") == "x.json");
    CHECK(o.args.Opt("output") == "x.json");
    // transaction options only on commands that sign
    CHECK(Has(ErrorOf("folio licence show 3 --no-wait"), "unknown option '--no-wait'"));
    CHECK(ErrorOf("folio licence accept 3 --no-wait") == "");
}

TEST_CASE("times are strict RFC 3339 (or unix seconds), checked against the calendar") {
    CHECK(ParseTimeMs("2026-12-01T00:00:00Z") == 1796083200000ull);
    CHECK(ParseTimeMs("2026-12-01t00:00:00z") == 1796083200000ull);
    CHECK(ParseTimeMs("2026-12-01T02:00:00+02:00") == 1796083200000ull);
    CHECK(ParseTimeMs("2026-11-30T19:30:00-04:30") == 1796083200000ull);
    CHECK(ParseTimeMs("2026-12-01T00:00:00.250Z") == 1796083200250ull);
    CHECK(ParseTimeMs("2026-12-01T00:00:00.5Z") == 1796083200500ull);
    CHECK(ParseTimeMs("2026-12-01T00:00:00.123000Z") == 1796083200123ull);
    CHECK(ParseTimeMs("1796083200") == 1796083200000ull);
    CHECK(ParseTimeMs("2024-02-29T00:00:00Z") == 1709164800000ull);  // a leap day
    CHECK(ParseTimeMs("1970-01-01T00:00:00Z") == 0);
    auto refused = [](const std::string& s, const std::string& why) {
        CAPTURE(s);
        try {
            ParseTimeMs(s, "--from");
            FAIL("accepted");
        } catch (const UsageError& e) {
            CHECK(Has(e.what(), "--from: "));
            CHECK(Has(e.what(), why));
        }
    };
    refused("2026-02-30T00:00:00Z", "no day 30 in 2026-02");
    refused("2025-02-29T00:00:00Z", "no day 29 in 2025-02");
    refused("2100-02-29T00:00:00Z", "no day 29");
    refused("2026-13-01T00:00:00Z", "no month 13");
    refused("2026-04-31T00:00:00Z", "no day 31");
    refused("2026-12-01T24:00:00Z", "out of range");
    refused("2026-12-01T23:60:00Z", "out of range");
    refused("2026-12-31T23:59:60Z", "leap seconds");
    refused("2026-12-01T00:00:00", "time zone is missing");
    refused("2026-12-01 00:00:00Z", "not an RFC 3339 time");
    refused("2026-12-01", "not an RFC 3339 time");
    refused("2026-12-01T00:00:00.1234Z", "finer than a millisecond");
    refused("2026-12-01T00:00:00.Z", "1 to 9 digits");
    refused("2026-12-01T00:00:00+2:00", "not an RFC 3339 time");
    refused("2026-12-01T00:00:00+24:00", "offset is out of range");
    refused("2026-12-01T00:00:00Zjunk", "unexpected text");
    refused("1969-12-31T23:59:59Z", "before 1970");
    refused("tomorrow", "not an RFC 3339 time");
    // out: seconds, or milliseconds when there are some; it parses back to the same instant
    CHECK(FormatTimeRfc3339(1796083200000ull) == "2026-12-01T00:00:00Z");
    CHECK(FormatTimeRfc3339(1796083200250ull) == "2026-12-01T00:00:00.250Z");
    for (uint64_t ms : {0ull, 1ull, 951782400000ull, 1709164800999ull, 4102444799000ull})
        CHECK(ParseTimeMs(FormatTimeRfc3339(ms)) == ms);
}

TEST_CASE("suggestions are for typos, not for unrelated words") {
    std::vector<std::string> c = {"--exclusive", "--exclude", "--rights", "--royalty-bps"};
    CHECK(Suggest("--exclusve", c) == "--exclusive");
    CHECK(Suggest("--exlcude", c) == "--exclude");  // a transposition
    CHECK(Suggest("--right", c) == "--rights");
    CHECK(Suggest("--royalty", c) == "--royalty-bps");  // a prefix of one option
    CHECK(Suggest("--excl", c) == "");                  // a prefix of two
    CHECK(Suggest("--zebra", c) == "");
}

TEST_CASE("the bash completion script is generated from the table") {
    std::string s = BashCompletion();
    CHECK(Has(s, "complete -F _folio folio"));
    CHECK(Has(s, "['licence']='grant accept revoke sublicense show list check'"));
    CHECK(Has(s, "['auction create --type']='english dutch sealed'"));
    CHECK(Has(s, "['licence grant --fee']=2"));
}
