#pragma once
// The command line of `folio`, parsed strictly against the command table (cli/spec.h) with CLI11:
// unknown commands and options are errors with a suggestion, every value is checked by its kind
// and the error names the argument, and nothing runs before the whole line is valid.
// Also the texts the table yields: help, the docs/cli.md reference and the bash completion.
// Pure: no I/O (except checking that FILE arguments can be read). Errors are UsageError.
// Unit tests: tests/unit/cli/parse_tests.cpp.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cli/errors.h>
#include <cli/spec.h>

namespace folio::cli {

// A parsed line as the handlers read it: pos = the command's words, then its positional
// arguments; opt = option values by long name (MONEY values as "AMOUNT CUR"; -o/--output also
// under "o"); flags = the flags given.
struct Args {
    std::vector<std::string> pos;
    std::map<std::string, std::vector<std::string>> opt;
    std::map<std::string, bool> flags;

    bool Flag(const std::string& n) const { return flags.count(n) != 0; }
    std::optional<std::string> Opt(const std::string& n) const {
        auto it = opt.find(n);
        if (it == opt.end() || it->second.empty()) return std::nullopt;
        return it->second.back();
    }
    std::string Need(const std::string& n) const {
        auto v = Opt(n);
        if (!v) throw UsageError("missing --" + n);
        return *v;
    }
    std::vector<std::string> All(const std::string& n) const {
        auto it = opt.find(n);
        return it == opt.end() ? std::vector<std::string>{} : it->second;
    }
};

struct ParsedLine {
    enum class Action { RUN, HELP, VERSION, OVERVIEW_USAGE };
    Action action = Action::RUN;
    const CmdSpec* cmd = nullptr;  // RUN; HELP of one command
    std::string group;             // HELP of a group (cmd == nullptr)
    bool markdown = false;         // `folio help --markdown`
    Args args;
};

// argv without the program name.
ParsedLine ParseCommandLine(const std::vector<std::string>& argv);

// Checks one value of an argument (`label` is how the error names it: "--to", "WORK_ID").
void ValidateArg(const ArgSpec& a, const std::string& value, const std::string& label);

// The closest candidate to `word` if it is close enough to be a likely typo, else "".
std::string Suggest(std::string_view word, const std::vector<std::string>& candidates);

std::string Synopsis(const CmdSpec& c);  // "folio licence grant WORK_ID --to ADDR ... [options]"
std::string CommandHelp(const CmdSpec& c);
std::string GroupHelp(const std::string& group);
std::string OverviewHelp();
std::string MarkdownReference();  // the generated part of docs/cli.md
std::string BashCompletion();     // `folio completion bash`

}  // namespace folio::cli
