#pragma once
// Where foliod's settings come from (docs/operations.md, "Configuration"), strongest first:
//   1. the command line (--rpc-listen 0.0.0.0:26657),
//   2. the environment (FOLIOD_RPC_LISTEN=0.0.0.0:26657: FOLIOD_ + the option's name in capitals,
//      '-' as '_'),
//   3. the TOML file named by --config or FOLIOD_CONFIG (rpc-listen = "0.0.0.0:26657"; a table
//      prefixes its keys: [rpc] listen = ... is rpc-listen),
//   4. the defaults.
// A setting given by a stronger source replaces the weaker ones whole (a list such as `peer` is
// not merged across sources). Anything that is not an option — a mistyped key in the file, a
// FOLIOD_* variable that names no option, a key given twice — is an error naming it (with the
// closest option as a suggestion), so a typo is never silently ignored. Relative paths in the file
// are relative to the file's folder.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace folio::app {

struct ConfigSources {
    char** environment = nullptr;  // the process environment (null: none)
    // Options that only the command line may give (help, version, config itself).
    std::set<std::string> command_line_only;
    // Options whose values are file paths (resolved against the config file's folder).
    std::set<std::string> paths;
};

// Parses argv and the other sources against `desc` into `vm` (po::store, not notify); `desc` must
// have an option "config" (the TOML file; also FOLIOD_CONFIG). Throws
// std::runtime_error with one line naming the source and the option on any error.
void ParseSettings(int argc, char** argv, const boost::program_options::options_description& desc,
                   const ConfigSources& sources, boost::program_options::variables_map& vm);

// The long option name closest to `name` (edit distance at most 2, or a third of its length), or
// empty. For "did you mean" hints.
std::string ClosestOption(const std::string& name, const boost::program_options::options_description& desc);

// The environment variable that sets `option` (rpc-listen -> FOLIOD_RPC_LISTEN).
std::string EnvName(const std::string& option);

}  // namespace folio::app
