#include "config.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <toml++/toml.h>

namespace folio::app {
namespace {

namespace po = boost::program_options;

size_t EditDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// A setting read from a source, and where it came from (for messages).
struct Setting {
    po::option option;
    std::string source;
};

const po::option_description* Find(const po::options_description& desc, const std::string& name) {
    return desc.find_nothrow(name, /*approx=*/false);
}
bool IsSwitch(const po::option_description& d) { return d.semantic()->max_tokens() == 0; }
bool IsList(const po::option_description& d) { return d.semantic()->is_composing() || d.semantic()->max_tokens() > 1; }

std::string Hint(const std::string& closest, const std::string& shown) {
    return closest.empty() ? "" : " (did you mean " + shown + "?)";
}

// FOLIOD_RPC_LISTEN's suffix RPC_LISTEN -> rpc-listen.
std::string OptionOfEnvSuffix(std::string s) {
    for (char& c : s) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// FOLIOD_* variables.
std::vector<Setting> FromEnvironment(char** env, const po::options_description& desc, const ConfigSources& src) {
    std::vector<Setting> out;
    if (!env) return out;
    static constexpr std::string_view PREFIX = "FOLIOD_";
    for (char** e = env; *e; ++e) {
        const std::string entry = *e;
        const auto eq = entry.find('=');
        if (eq == std::string::npos || entry.compare(0, PREFIX.size(), PREFIX) != 0) continue;
        const std::string var = entry.substr(0, eq), value = entry.substr(eq + 1);
        const std::string name = OptionOfEnvSuffix(var.substr(PREFIX.size()));
        const po::option_description* d = Find(desc, name);
        if (!d || (src.command_line_only.count(name) && name != "config")) {
            const std::string c = ClosestOption(name, desc);
            throw std::runtime_error("environment variable " + var + " names no foliod setting" +
                                     Hint(c, c.empty() ? "" : EnvName(c)) + " (docs/operations.md, \"Configuration\")");
        }
        po::option opt(name, {});
        if (IsSwitch(*d)) {
            if (value == "1" || value == "true" || value == "yes") out.push_back({opt, var});
            else if (value != "0" && value != "false" && value != "no" && !value.empty())
                throw std::runtime_error(var + " must be true or false (got \"" + value + "\")");
            continue;
        }
        if (IsList(*d)) {
            size_t start = 0;
            while (start <= value.size()) {
                size_t comma = value.find(',', start);
                if (comma == std::string::npos) comma = value.size();
                std::string item = value.substr(start, comma - start);
                item.erase(0, item.find_first_not_of(' '));
                item.erase(item.find_last_not_of(' ') + 1);
                if (!item.empty()) out.push_back({po::option(name, {item}), var});
                start = comma + 1;
            }
            continue;
        }
        opt.value.push_back(value);
        out.push_back({opt, var});
    }
    return out;
}

std::string Where(const std::string& file, const toml::node& n) {
    return file + ":" + std::to_string(n.source().begin.line);
}

void FromTable(const toml::table& t, const std::string& prefix, const std::string& file,
               const po::options_description& desc, const ConfigSources& src, std::set<std::string>& seen,
               std::vector<Setting>& out) {
    const std::filesystem::path folder = std::filesystem::path(file).parent_path();
    for (auto&& [k, node] : t) {
        const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "-" + std::string(k.str());
        const std::string where = Where(file, node);
        if (const toml::table* sub = node.as_table()) {
            FromTable(*sub, key, file, desc, src, seen, out);
            continue;
        }
        const po::option_description* d = Find(desc, key);
        if (!d || src.command_line_only.count(key)) {
            const std::string c = ClosestOption(key, desc);
            throw std::runtime_error(where + ": unknown setting \"" + key + "\"" + Hint(c, "\"" + c + "\"") +
                                     " (foliod -h lists them; docs/operations.md, \"Configuration\")");
        }
        if (!seen.insert(key).second) throw std::runtime_error(where + ": \"" + key + "\" is set twice in the file");
        auto scalar = [&](const toml::node& v, const std::string& at) -> std::string {
            if (auto s = v.value_exact<std::string>()) {
                if (src.paths.count(key) && !s->empty() && std::filesystem::path(*s).is_relative())
                    return (folder / *s).lexically_normal().string();
                return *s;
            }
            if (auto i = v.value_exact<int64_t>()) {
                if (*i < 0) throw std::runtime_error(at + ": \"" + key + "\" must not be negative");
                return std::to_string(*i);
            }
            throw std::runtime_error(at + ": \"" + key + "\" must be a string or an integer");
        };
        po::option opt(key, {});
        if (IsSwitch(*d)) {
            auto b = node.value_exact<bool>();
            if (!b) throw std::runtime_error(where + ": \"" + key + "\" must be true or false");
            if (*b) out.push_back({opt, where});
            continue;
        }
        if (const toml::array* arr = node.as_array()) {
            if (!IsList(*d)) throw std::runtime_error(where + ": \"" + key + "\" takes one value, not a list");
            for (const toml::node& item : *arr) {
                if (!item.is_string()) throw std::runtime_error(Where(file, item) + ": \"" + key + "\" takes a list of strings");
                out.push_back({po::option(key, {scalar(item, Where(file, item))}), where});
            }
            continue;
        } else {
            if (IsList(*d) && node.is_value() && !node.is_string())
                throw std::runtime_error(where + ": \"" + key + "\" takes a list of strings");
            opt.value.push_back(scalar(node, where));
        }
        out.push_back({opt, where});
    }
}

std::vector<Setting> FromFile(const std::string& file, const po::options_description& desc, const ConfigSources& src) {
    toml::table t;
    try {
        t = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
        if (!std::filesystem::exists(file)) throw std::runtime_error("cannot read the config file " + file);
        throw std::runtime_error(file + ":" + std::to_string(e.source().begin.line) + ": not valid TOML: " +
                                 std::string(e.description()));
    }
    std::set<std::string> seen;
    std::vector<Setting> out;
    FromTable(t, "", file, desc, src, seen, out);
    return out;
}

void Store(const std::vector<Setting>& settings, const po::options_description& desc, po::variables_map& vm) {
    for (const Setting& s : settings) {
        po::parsed_options one(&desc);
        one.options.push_back(s.option);
        try {
            po::store(one, vm);
        } catch (const po::error& e) {
            throw std::runtime_error(std::string(e.what()) + " (set by " + s.source + ")");
        }
    }
}

}  // namespace

std::string EnvName(const std::string& option) {
    std::string out = "FOLIOD_";
    for (char c : option) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string ClosestOption(const std::string& name, const po::options_description& desc) {
    std::string best;
    size_t best_d = 0;
    for (const auto& o : desc.options()) {
        const std::string& n = o->long_name();
        if (n.empty()) continue;
        const size_t d = EditDistance(name, n);
        if (best.empty() || d < best_d) best = n, best_d = d;
    }
    const size_t limit = std::max<size_t>(2, name.size() / 3);
    return best_d <= limit ? best : std::string();
}

void ParseSettings(int argc, char** argv, const po::options_description& desc, const ConfigSources& src,
                   po::variables_map& vm) {
    po::parsed_options cmd(&desc);
    try {
        cmd = po::command_line_parser(argc, argv).options(desc).run();
    } catch (const po::unknown_option& e) {
        std::string name = e.get_option_name();
        while (!name.empty() && name.front() == '-') name.erase(0, 1);
        const std::string c = ClosestOption(name, desc);
        throw std::runtime_error(std::string(e.what()) + Hint(c, "--" + c) + " (foliod -h lists the options)");
    }
    std::set<std::string> given;
    for (const auto& o : cmd.options) given.insert(o.string_key);
    po::store(cmd, vm);

    std::vector<Setting> env = FromEnvironment(src.environment, desc, src);
    std::string config_file;
    if (vm.count("config")) config_file = vm["config"].as<std::string>();
    for (const Setting& s : env)
        if (s.option.string_key == "config" && config_file.empty() && !s.option.value.empty())
            config_file = s.option.value.front();
    std::vector<Setting> weaker;
    for (Setting& s : env)
        if (s.option.string_key != "config" && !given.count(s.option.string_key)) weaker.push_back(std::move(s));
    for (const Setting& s : weaker) given.insert(s.option.string_key);
    if (!config_file.empty())
        for (Setting& s : FromFile(config_file, desc, src))
            if (!given.count(s.option.string_key)) weaker.push_back(std::move(s));
    Store(weaker, desc, vm);
}

}  // namespace folio::app
