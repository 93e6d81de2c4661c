#pragma once
// The command table of `folio`: every command, its positional arguments and its options, with
// their kinds and help. One table drives the parser (cli/parse.h), `folio help`, the bash
// completion, the generated reference in docs/cli.md and the checks of every example. Data only.
#include <string>
#include <vector>

namespace folio::cli {

// What an argument's text must be; the parser checks it before anything runs (cli/parse.cpp,
// ValidateArg) and names the argument in the error.
enum class ArgKind {
    FLAG,         // no value
    TEXT,         // any non-empty text
    NAME,         // a key name
    U64,          // a whole number
    SECONDS,      // a whole number of seconds
    YEAR,         // 1970..9999
    ADDR,         // an address: folio1… (bech32m) or 64 hex digits
    AMOUNT,       // a decimal amount, its currency given elsewhere
    MONEY,        // two words: AMOUNT CUR
    CURRENCY,     // ISO 4217 code
    COUNTRY,      // ISO 3166-1 alpha-2
    TERRITORIES,  // CC[,CC] or WW
    COUNTRIES,    // CC[,CC]
    RESIDENCY,    // CC or any
    TIME,         // RFC 3339 or unix seconds
    BPS,          // basis points 0..10000
    RATE,         // exact decimal or fraction
    RIGHTS,       // R[,R]
    RIGHT,        // one right
    SHARE,        // ADDR:BPS
    POOL,         // WORK_ID:SECONDS
    CONSENT,      // ADDR:SIGHEX
    HASH,         // 64 hex digits
    HEX,          // hex digits
    FILE,         // an existing, readable file
    OUTFILE,      // a file to write
    URL,          // http(s)://…
    DIR,          // a directory
    CHOICE,       // one of `choices`
};

struct ArgSpec {
    std::string name;  // option: long name without "--"; positional: its NAME in upper case
    ArgKind kind = ArgKind::TEXT;
    std::string help;
    bool required = false;  // options: must be given; positionals: required unless marked optional
    bool repeat = false;    // option: may be given several times; positional: takes the rest (1 or more)
    char short_name = 0;    // e.g. 'o' for -o
    std::vector<std::string> choices;  // CHOICE
    std::string value_name;            // shown in help; default from the kind

    ArgSpec& Required() { required = true; return *this; }
    ArgSpec& Optional() { required = false; return *this; }
    ArgSpec& Repeat() { repeat = true; return *this; }
    ArgSpec& Short(char c) { short_name = c; return *this; }
    ArgSpec& Value(std::string v) { value_name = std::move(v); return *this; }
};

// Traits add option sets to a command.
enum CmdTrait : unsigned {
    TRAIT_TX = 1,  // signs and submits a transaction: --no-wait --timeout --expires --offline --nonce --chain-id -o
};

struct CmdSpec {
    std::vector<std::string> path;  // {"licence", "grant"}
    std::string summary;            // one line
    std::string details;            // more, in plain sentences (may be empty)
    std::vector<ArgSpec> positionals;
    std::vector<ArgSpec> options;
    unsigned traits = 0;
    std::vector<std::string> examples;  // full command lines starting with "folio "; each is parsed by the tests
};

// A command group (the first word), with its summary and aliases ("license" for "licence").
struct GroupSpec {
    std::string name;
    std::string summary;
    std::vector<std::string> aliases;
};

const std::vector<CmdSpec>& Commands();
const std::vector<GroupSpec>& Groups();
// Options every command takes (--node, --home, --key, --password-file, --json).
const std::vector<ArgSpec>& GlobalOptions();
// Options of TRAIT_TX commands.
const std::vector<ArgSpec>& TxOptions();
// The options a command accepts: its own, then the traits', then the global ones.
std::vector<ArgSpec> AllOptions(const CmdSpec& c);
// "ADDR", "AMOUNT CUR", "english|dutch|sealed", … for an argument.
std::string ValueName(const ArgSpec& a);

}  // namespace folio::cli
