// The command line of `folio` (cli/parse.h).
#include <cli/parse.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <CLI/CLI.hpp>

#include <cli/args.h>
#include <node/core/hash.h>
#include <node/protocol/territory.h>

namespace folio::cli {

namespace {

using K = ArgKind;

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

std::string PathText(const std::vector<std::string>& path) { return Join(path, " "); }

const GroupSpec* FindGroup(const std::string& word) {
    for (const auto& g : Groups()) {
        if (g.name == word) return &g;
        for (const auto& a : g.aliases)
            if (a == word) return &g;
    }
    return nullptr;
}

// Single-word commands (balance, deposit, help, ...).
const CmdSpec* FindSingle(const std::string& word) {
    for (const auto& c : Commands())
        if (c.path.size() == 1 && c.path[0] == word) return &c;
    return nullptr;
}

const CmdSpec* FindSub(const std::string& group, const std::string& word) {
    for (const auto& c : Commands())
        if (c.path.size() == 2 && c.path[0] == group && c.path[1] == word) return &c;
    return nullptr;
}

std::vector<std::string> SubsOf(const std::string& group) {
    std::vector<std::string> out;
    for (const auto& c : Commands())
        if (c.path.size() == 2 && c.path[0] == group) out.push_back(c.path[1]);
    return out;
}

std::vector<std::string> FirstWords() {
    std::vector<std::string> out;
    for (const auto& g : Groups()) {
        out.push_back(g.name);
        for (const auto& a : g.aliases) out.push_back(a);
    }
    for (const auto& c : Commands())
        if (c.path.size() == 1) out.push_back(c.path[0]);
    return out;
}

bool IsGlobalValueOption(const std::string& name) {
    for (const auto& o : GlobalOptions())
        if (o.name == name && o.kind != K::FLAG) return true;
    return false;
}

size_t Levenshtein(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
            // adjacent transposition counts as one edit
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev[j - 1]);
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
    std::string s = Suggest(word, candidates);
    return s.empty() ? "" : " (did you mean '" + s + "'?)";
}

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

bool AllHex(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
}

std::string Wrap(const std::string& text, size_t indent, size_t width) {
    std::istringstream in(text);
    std::string word, line, out;
    while (in >> word) {
        if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
            out += std::string(indent, ' ') + line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty()) out += std::string(indent, ' ') + line + "\n";
    return out;
}

std::string OptionLabel(const ArgSpec& o) {
    std::string s = o.short_name ? std::string("-") + o.short_name + ", --" + o.name : "--" + o.name;
    std::string v = ValueName(o);
    return v.empty() ? s : s + " " + v;
}

std::string Table(const std::vector<std::pair<std::string, std::string>>& rows) {
    size_t w = 0;
    for (const auto& r : rows) w = std::max(w, r.first.size());
    w = std::min<size_t>(w, 34);
    std::string out;
    for (const auto& [left, right] : rows) {
        std::string l = "  " + left;
        if (left.size() > w) out += l + "\n" + std::string(w + 4, ' ');
        else out += l + std::string(w + 2 - left.size(), ' ');
        std::string wrapped = Wrap(right, w + 4, 100);
        out += wrapped.empty() ? "\n" : wrapped.substr(w + 4);
    }
    return out;
}

std::string PositionalLabel(const ArgSpec& p) {
    std::string s = p.name + (p.repeat ? " ..." : "");
    return p.required ? s : "[" + s + "]";
}

}  // namespace

std::string Suggest(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    size_t best_d = std::string::npos;
    for (const auto& c : candidates) {
        size_t d = Levenshtein(word, c);
        if (d < best_d) best_d = d, best = c;
    }
    // a typo: at most 2 edits, and fewer than half the word
    size_t limit = std::min<size_t>(2, std::max<size_t>(1, word.size() / 3));
    if (best_d <= limit && best_d < word.size()) return best;
    // or a prefix of exactly one candidate ("--excl")
    std::string only;
    for (const auto& c : candidates)
        if (word.size() >= 3 && c.rfind(word, 0) == 0) {
            if (!only.empty()) return "";
            only = c;
        }
    return only;
}

void ValidateArg(const ArgSpec& a, const std::string& v, const std::string& label) {
    auto bad = [&](const std::string& why) { return UsageError(label + ": " + why); };
    switch (a.kind) {
        case K::FLAG:
            return;
        case K::TEXT:
        case K::NAME:
            if (v.empty()) throw bad("must not be empty");
            return;
        case K::U64:
        case K::SECONDS:
            ParseU64(v, label);
            return;
        case K::YEAR: {
            if (v.size() != 4 || !AllDigits(v) || v < "1970") throw bad("must be a year such as 2026: '" + v + "'");
            return;
        }
        case K::ADDR:
            ParseAddr(v, label);
            return;
        case K::AMOUNT: {
            auto dot = v.find('.');
            std::string ip = v.substr(0, dot), fp = dot == std::string::npos ? "" : v.substr(dot + 1);
            if (!AllDigits(ip) || (dot != std::string::npos && !AllDigits(fp)))
                throw bad("'" + v + "' is not an amount (a decimal such as 12.50)");
            return;
        }
        case K::MONEY:
            ParseMoneyPair(v, false, label);
            return;
        case K::CURRENCY:
            ParseCurrency(v, label);
            return;
        case K::COUNTRY:
            ParseCountry(v, label);
            return;
        case K::TERRITORIES:
            ParseCountryList(v, label, true);
            return;
        case K::COUNTRIES:
            ParseCountryList(v, label, false);
            return;
        case K::RESIDENCY:
            if (v != "any") ParseCountry(v, label);
            return;
        case K::TIME:
            ParseTimeMs(v, label);
            return;
        case K::BPS:
            ParseBps(v, label);
            return;
        case K::RATE:
            ParseRate(v);
            return;
        case K::RIGHTS:
            if (!protocol::ParseRights(v))
                throw bad("unknown right in '" + v + "' (stream, download, broadcast, theatrical, distribute, sync, derivative, view)");
            return;
        case K::RIGHT: {
            // A licence right, or a fan token's perk name (the node checks that the work has it). A
            // near miss of a licence right is a typo, not a perk.
            if (protocol::ParseRight(v)) return;
            static const std::vector<std::string> RIGHTS = {"stream", "download", "broadcast", "theatrical",
                                                            "distribute", "sync", "derivative", "view"};
            std::string near = DidYouMean(v, RIGHTS);
            bool perk_like = !v.empty() && v.size() <= 32 &&
                             std::all_of(v.begin(), v.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || ch == '_'; });
            if (!near.empty() || !perk_like)
                throw bad("unknown right '" + v + "' (stream, download, broadcast, theatrical, distribute, sync, derivative, view, "
                          "or a fan token's perk such as exclusive_content)" + near);
            return;
        }
        case K::SHARE:
            ParseShare(v, label);
            return;
        case K::POOL:
            ParsePoolEntries({v});
            return;
        case K::CONSENT: {
            auto colon = v.rfind(':');
            if (colon == std::string::npos) throw bad("must be ADDR:SIGHEX: '" + v + "'");
            ParseAddr(v.substr(0, colon), label);
            if (v.size() - colon - 1 != 128 || !AllHex(v.substr(colon + 1))) throw bad("the signature must be 128 hex digits");
            return;
        }
        case K::HASH:
            if (v.size() != 64 || !AllHex(v)) throw bad("must be 64 hex digits: '" + v + "'");
            return;
        case K::HEX:
            if (v.size() % 2 != 0 || !AllHex(v)) throw bad("must be hex digits: '" + v + "'");
            return;
        case K::FILE:
            if (::access(v.c_str(), R_OK) != 0) throw bad("cannot read '" + v + "'");
            return;
        case K::OUTFILE:
        case K::DIR:
            if (v.empty()) throw bad("must not be empty");
            return;
        case K::URL:
            if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) throw bad("must be an http:// or https:// URL: '" + v + "'");
            return;
        case K::CHOICE:
            if (std::find(a.choices.begin(), a.choices.end(), v) == a.choices.end())
                throw bad("'" + v + "' is not one of " + Join(a.choices, ", ") + DidYouMean(v, a.choices));
            return;
    }
}

ParsedLine ParseCommandLine(const std::vector<std::string>& argv) {
    ParsedLine out;
    std::vector<std::string> path, rest;
    const CmdSpec* cmd = nullptr;
    const GroupSpec* group = nullptr;
    bool help = false, version = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& t = argv[i];
        if (t == "--") {
            rest.insert(rest.end(), argv.begin() + static_cast<long>(i), argv.end());
            break;
        }
        if (t.size() > 1 && t[0] == '-') {
            if (t == "-h" || t == "--help") {
                help = true;
                continue;
            }
            if (t == "--version" && !cmd) {
                version = true;
                continue;
            }
            rest.push_back(t);
            std::string name = t.rfind("--", 0) == 0 ? t.substr(2) : "";
            if (IsGlobalValueOption(name) && i + 1 < argv.size()) rest.push_back(argv[++i]);
            continue;
        }
        if (cmd) {
            rest.push_back(t);
            continue;
        }
        if (!group) {
            if ((group = FindGroup(t))) {
                path.push_back(group->name);
                continue;
            }
            if ((cmd = FindSingle(t))) {
                path.push_back(t);
                continue;
            }
            throw UsageError("unknown command '" + t + "'" + DidYouMean(t, FirstWords()) + "; `folio help` lists the commands");
        }
        if (!(cmd = FindSub(group->name, t)))
            throw UsageError("unknown command 'folio " + group->name + " " + t + "'" + DidYouMean(t, SubsOf(group->name)) +
                             "; `folio " + group->name + " --help` lists its commands: " + Join(SubsOf(group->name), ", "));
        path.push_back(t);
    }
    if (version) {
        out.action = ParsedLine::Action::VERSION;
        return out;
    }
    if (!cmd) {
        if (group) {
            if (!help)
                throw UsageError("`folio " + group->name + "` needs a command: " + Join(SubsOf(group->name), ", ") + " (folio " +
                                 group->name + " --help)");
            out.action = ParsedLine::Action::HELP;
            out.group = group->name;
            return out;
        }
        out.action = help ? ParsedLine::Action::HELP : ParsedLine::Action::OVERVIEW_USAGE;
        return out;
    }
    if (help) {
        out.action = ParsedLine::Action::HELP;
        out.cmd = cmd;
        return out;
    }

    // The command's own line, parsed by CLI11 against its options and positionals.
    CLI::App app(cmd->summary, "folio " + PathText(cmd->path));
    app.set_help_flag();
    app.allow_extras();
    std::vector<ArgSpec> opts = AllOptions(*cmd);
    std::map<std::string, std::vector<std::string>> values;  // by long name
    std::map<std::string, CLI::Option*> handles;
    for (const ArgSpec& o : opts) {
        std::string names = (o.short_name ? std::string("-") + o.short_name + "," : "") + "--" + o.name;
        CLI::Option* h = nullptr;
        if (o.kind == K::FLAG) {
            h = app.add_flag(names)->disable_flag_override();
        } else {
            h = app.add_option(names, values[o.name])
                    ->expected(o.kind == K::MONEY ? 2 : 1)
                    ->allow_extra_args(false)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
        }
        handles[o.name] = h;
    }
    std::vector<std::string> pos_single(cmd->positionals.size());
    std::vector<std::string> pos_rest;
    std::vector<CLI::Option*> pos_handles;
    for (size_t i = 0; i < cmd->positionals.size(); ++i) {
        const ArgSpec& p = cmd->positionals[i];
        if (p.repeat) pos_handles.push_back(app.add_option(p.name, pos_rest)->expected(0, -1));
        else pos_handles.push_back(app.add_option(p.name, pos_single[i]));
    }
    const std::string where = "folio " + PathText(cmd->path);
    const std::string see = " (" + where + " --help)";
    std::vector<std::string> rev(rest.rbegin(), rest.rend());
    try {
        app.parse(rev);
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        if (msg.find("flag override") != std::string::npos) msg = "a flag takes no value: " + msg.substr(0, msg.find(' '));
        throw UsageError(where + ": " + msg + see);
    }
    for (const std::string& r : app.remaining()) {
        if (r == "--") continue;
        if (r.size() > 1 && r[0] == '-') {
            std::string name = r.substr(0, r.find('='));
            std::vector<std::string> cands;
            for (const ArgSpec& o : opts) cands.push_back("--" + o.name);
            throw UsageError("unknown option '" + name + "' for " + where + DidYouMean(name, cands) + see);
        }
        throw UsageError("unexpected argument '" + r + "': " + Synopsis(*cmd) + see);
    }
    // Options: given at most once unless repeatable, required ones present, every value checked.
    for (const ArgSpec& o : opts) {
        CLI::Option* h = handles[o.name];
        size_t n = h->count();  // values given (one per occurrence; two for MONEY)
        if (o.kind == K::MONEY) {
            if (n % 2 != 0) throw UsageError(where + ": --" + o.name + " takes two words, AMOUNT CUR (--" + o.name + " 10.00 USD)");
            n /= 2;
        }
        std::string label = "--" + o.name;
        if (o.required && n == 0)
            throw UsageError(where + ": missing " + label + " " + ValueName(o) + " (" + o.help + ")" + see);
        if (n == 0) continue;
        if (n > 1 && !o.repeat) throw UsageError(where + ": " + label + " is given " + std::to_string(n) + " times; give it once");
        if (o.kind == K::FLAG) {
            out.args.flags[o.name] = true;
            continue;
        }
        std::vector<std::string>& vs = values[o.name];
        std::vector<std::string> stored;
        if (o.kind == K::MONEY) {
            for (size_t i = 0; i < vs.size(); i += 2) stored.push_back(vs[i] + " " + vs[i + 1]);
        } else {
            stored = vs;
        }
        for (const std::string& s : stored) ValidateArg(o, s, label);
        out.args.opt[o.name] = stored;
        if (o.short_name) out.args.opt[std::string(1, o.short_name)] = stored;
    }
    // Positionals, in order.
    out.args.pos = path;
    bool missing_before = false;
    for (size_t i = 0; i < cmd->positionals.size(); ++i) {
        const ArgSpec& p = cmd->positionals[i];
        size_t n = pos_handles[i]->count();
        if (n == 0) {
            if (p.required) throw UsageError(where + ": missing " + p.name + " (" + p.help + "): " + Synopsis(*cmd) + see);
            missing_before = true;
            continue;
        }
        if (missing_before) throw UsageError(where + ": " + p.name + " given without the arguments before it: " + Synopsis(*cmd));
        if (p.repeat) {
            for (const std::string& s : pos_rest) ValidateArg(p, s, p.name), out.args.pos.push_back(s);
        } else {
            ValidateArg(p, pos_single[i], p.name);
            out.args.pos.push_back(pos_single[i]);
        }
    }
    out.cmd = cmd;
    if (cmd->path == std::vector<std::string>{"help"}) {
        // `folio help [CMD ...]`: the same as `folio CMD --help`.
        std::vector<std::string> target(out.args.pos.begin() + 1, out.args.pos.end());
        out.markdown = out.args.Flag("markdown");
        out.cmd = nullptr;
        out.action = ParsedLine::Action::HELP;
        if (target.empty()) return out;
        target.push_back("--help");
        ParsedLine t = ParseCommandLine(target);
        t.markdown = out.markdown;
        return t;
    }
    return out;
}

std::string Synopsis(const CmdSpec& c) {
    std::string s = "folio " + PathText(c.path);
    for (const ArgSpec& p : c.positionals) s += " " + PositionalLabel(p);
    bool optional = false;
    for (const ArgSpec& o : c.options) {
        if (o.required) s += " --" + o.name + " " + ValueName(o) + (o.repeat ? " ..." : "");
        else optional = true;
    }
    if (optional || (c.traits & TRAIT_TX)) s += " [options]";
    return s;
}

std::string CommandHelp(const CmdSpec& c) {
    std::string summary = c.summary;
    if (!summary.empty()) summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    std::string h = "usage: " + Synopsis(c) + "\n\n" + Wrap(summary + (summary.empty() ? "" : "."), 0, 100);
    if (!c.details.empty()) h += "\n" + Wrap(c.details, 0, 100);
    if (!c.positionals.empty()) {
        std::vector<std::pair<std::string, std::string>> rows;
        for (const ArgSpec& p : c.positionals) rows.push_back({PositionalLabel(p), p.help});
        h += "\narguments:\n" + Table(rows);
    }
    auto section = [&](const std::string& title, const std::vector<ArgSpec>& opts) {
        if (opts.empty()) return;
        std::vector<std::pair<std::string, std::string>> rows;
        for (const ArgSpec& o : opts)
            rows.push_back({OptionLabel(o), o.help + (o.required ? " (required)" : "") + (o.repeat ? " (repeatable)" : "")});
        h += "\n" + title + ":\n" + Table(rows);
    };
    section("options", c.options);
    if (c.traits & TRAIT_TX) section("transaction options", TxOptions());
    section("global options", GlobalOptions());
    if (!c.examples.empty()) {
        h += "\nexample" + std::string(c.examples.size() > 1 ? "s" : "") + ":\n";
        for (const auto& e : c.examples) h += "  " + e + "\n";
    }
    return h;
}

std::string GroupHelp(const std::string& group) {
    const GroupSpec* g = FindGroup(group);
    std::string h = "usage: folio " + group + " COMMAND ...\n\n" + (g ? g->summary + ".\n" : "");
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& c : Commands())
        if (c.path.size() == 2 && c.path[0] == group) rows.push_back({c.path[1], c.summary});
    h += "\ncommands:\n" + Table(rows) + "\n`folio " + group + " COMMAND --help` shows a command's arguments and options.\n";
    return h;
}

std::string OverviewHelp() {
    std::string h = "usage: folio [global options] COMMAND [ARGUMENTS] [options]\n\nThe Folio CLI wallet: works, licences, auctions, NFTs, "
                    "money and payouts on a Folio chain.\n\ncommands:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& c : Commands()) rows.push_back({PathText(c.path), c.summary});
    h += Table(rows);
    std::vector<std::pair<std::string, std::string>> g;
    for (const ArgSpec& o : GlobalOptions()) g.push_back({OptionLabel(o), o.help});
    g.push_back({"-h, --help", "help (also `folio help COMMAND`)"});
    g.push_back({"--version", "the version"});
    h += "\nglobal options:\n" + Table(g);
    h += "\nExit status: 0 success, 1 failure, 2 usage error. Amounts are exact (AMOUNT CUR); times are RFC 3339 "
         "(2026-12-01T00:00:00Z, 2026-12-01T02:00:00+02:00) or unix seconds. docs/cli.md has more.\n";
    return h;
}

std::string MarkdownReference() {
    auto esc = [](std::string s) {
        std::string o;
        for (char ch : s) {
            if (ch == '|') o += "\\|";
            else o += ch;
        }
        return o;
    };
    std::string m;
    m += "### Global options\n\n| option | meaning |\n| --- | --- |\n";
    for (const ArgSpec& o : GlobalOptions()) m += "| `" + esc(OptionLabel(o)) + "` | " + esc(o.help) + " |\n";
    m += "\n### Transaction options\n\nEvery command that signs and submits a transaction (marked *signs*) also takes:\n\n"
         "| option | meaning |\n| --- | --- |\n";
    for (const ArgSpec& o : TxOptions()) m += "| `" + esc(OptionLabel(o)) + "` | " + esc(o.help) + " |\n";
    for (const auto& c : Commands()) {
        m += "\n### `folio " + PathText(c.path) + "`\n\n" + c.summary + (c.traits & TRAIT_TX ? " (*signs*)" : "") + ".";
        if (!c.details.empty()) m += " " + c.details;
        m += "\n\n```\n" + Synopsis(c) + "\n```\n";
        if (!c.positionals.empty() || !c.options.empty()) {
            m += "\n| argument | meaning |\n| --- | --- |\n";
            for (const ArgSpec& p : c.positionals) m += "| `" + esc(PositionalLabel(p)) + "` | " + esc(p.help) + " |\n";
            for (const ArgSpec& o : c.options)
                m += "| `" + esc(OptionLabel(o)) + "` | " + esc(o.help) + (o.required ? " (required)" : "") +
                     (o.repeat ? " (repeatable)" : "") + " |\n";
        }
        for (const auto& e : c.examples) m += "\nExample: `" + e + "`\n";
    }
    return m;
}

std::string BashCompletion() {
    auto q = [](const std::string& s) { return "'" + s + "'"; };
    // (bash has no empty key: the top level is "_")
    std::string subs = "  [" + q("_") + "]=" + q(Join(FirstWords(), " ")) + "\n";
    for (const auto& g : Groups()) {
        subs += "  [" + q(g.name) + "]=" + q(Join(SubsOf(g.name), " ")) + "\n";
        for (const auto& a : g.aliases) subs += "  [" + q(a) + "]=" + q(Join(SubsOf(g.name), " ")) + "\n";
    }
    std::string optsets, arity, choices, files;
    std::set<std::string> seen;
    auto emit = [&](const std::string& key, const std::vector<ArgSpec>& opts) {
        std::vector<std::string> names;
        for (const ArgSpec& o : opts) {
            names.push_back("--" + o.name);
            std::vector<std::string> spellings = {"--" + o.name};
            if (o.short_name) spellings.push_back(std::string("-") + o.short_name);
            for (const auto& sp : spellings) {
                std::string k = key + " " + sp;
                if (!seen.insert(k).second) continue;
                if (o.kind != K::FLAG) arity += "  [" + q(k) + "]=" + (o.kind == K::MONEY ? "2" : "1") + "\n";
                if (o.kind == K::CHOICE) choices += "  [" + q(k) + "]=" + q(Join(o.choices, " ")) + "\n";
                if (o.kind == K::FILE || o.kind == K::OUTFILE) files += "  [" + q(k) + "]=f\n";
                if (o.kind == K::DIR) files += "  [" + q(k) + "]=d\n";
            }
        }
        optsets += "  [" + q(key.empty() ? "_" : key) + "]=" + q(Join(names, " ")) + "\n";
    };
    emit("", GlobalOptions());
    for (const auto& c : Commands()) {
        std::string key = PathText(c.path);
        emit(key, AllOptions(c));
        bool takes_file = false;
        for (const ArgSpec& p : c.positionals) takes_file = takes_file || p.kind == K::FILE;
        if (takes_file) files += "  [" + q(key + " ARG") + "]=f\n";
        for (const auto& g : Groups())
            for (const auto& a : g.aliases)
                if (c.path.size() == 2 && c.path[0] == g.name) {
                    std::string ak = a + " " + c.path[1];
                    emit(ak, AllOptions(c));
                    if (takes_file) files += "  [" + q(ak + " ARG") + "]=f\n";
                }
    }
    std::string s;
    s += "# bash completion for folio; generated by `folio completion bash` from the command table (cli/spec.cpp).\n";
    s += "# Load it with: source <(folio completion bash)\n";
    s += "declare -gA _FOLIO_SUBS=(\n" + subs + ")\n";
    s += "declare -gA _FOLIO_OPTS=(\n" + optsets + ")\n";
    s += "declare -gA _FOLIO_ARITY=(\n" + arity + ")\n";
    s += "declare -gA _FOLIO_CHOICES=(\n" + choices + ")\n";
    s += "declare -gA _FOLIO_FILES=(\n" + files + ")\n";
    s += R"BASH(_folio() {
  local cur="${COMP_WORDS[COMP_CWORD]}" path="" leaf="" i w skip=0 n
  local -a pending=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if ((skip > 0)); then skip=$((skip - 1)); continue; fi
    case "$w" in
      --*=*) continue ;;
      -*)
        n="${_FOLIO_ARITY["$path $w"]:-${_FOLIO_ARITY[" $w"]:-0}}"
        if [[ -n "$leaf" ]]; then n="${_FOLIO_ARITY["$path $w"]:-0}"; fi
        skip=$n
        continue ;;
    esac
    if [[ -z "$leaf" && " ${_FOLIO_SUBS["${path:-_}"]} " == *" $w "* ]]; then
      path="${path:+$path }$w"
      [[ -z "${_FOLIO_SUBS["$path"]+x}" ]] && leaf=1
    fi
  done
  local prev="${COMP_WORDS[COMP_CWORD-1]}"
  if ((skip > 0)); then
    local key="$path $prev"
    [[ -z "${_FOLIO_ARITY["$key"]+x}" ]] && key=" $prev"
    if [[ -n "${_FOLIO_CHOICES["$key"]+x}" ]]; then
      mapfile -t COMPREPLY < <(compgen -W "${_FOLIO_CHOICES["$key"]}" -- "$cur")
    elif [[ "${_FOLIO_FILES["$key"]}" == f ]]; then
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    elif [[ "${_FOLIO_FILES["$key"]}" == d ]]; then
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    else
      COMPREPLY=()
    fi
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_FOLIO_OPTS["${path:-_}"]} --help" -- "$cur")
  elif [[ -z "$leaf" ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_FOLIO_SUBS["${path:-_}"]}" -- "$cur")
  elif [[ "$path" == help ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_FOLIO_SUBS[_]}" -- "$cur")
  elif [[ -n "${_FOLIO_FILES["$path ARG"]+x}" ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  else
    COMPREPLY=()
  fi
  return 0
}
complete -F _folio folio
)BASH";
    return s;
}

}  // namespace folio::cli
