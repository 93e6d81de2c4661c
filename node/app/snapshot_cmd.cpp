#include "snapshot_cmd.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <node/api/genesis_json.h>
#include <node/statesync/producer.h>
#include <node/statesync/restore.h>

namespace folio::app {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* USAGE =
    "usage: foliod snapshot list --home DIR\n"
    "       foliod snapshot export --home DIR --out NEW_DIR [--height H]   (default: the newest)\n"
    "       foliod snapshot import --home NEW_HOME --genesis FILE --from DIR\n";

po::variables_map Parse(int argc, char** argv, po::options_description& opts) {
    opts.add_options()("help,h", "show this help");
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(opts).run(), vm);
    if (vm.count("help")) {
        std::cout << USAGE << opts << "\n";
        std::exit(0);
    }
    po::notify(vm);
    return vm;
}

json ListedJson(const statesync::Listed& l) { return {{"height", l.height}, {"id", l.id.hex()}, {"chunks", l.chunks}}; }

int List(int argc, char** argv) {
    std::string home;
    po::options_description d("foliod snapshot list");
    d.add_options()("home", po::value(&home)->required(), "the node's data directory");
    Parse(argc, argv, d);
    json out = json::array();
    for (const auto& l : statesync::ListSnapshots(home + "/snapshots")) out.push_back(ListedJson(l));
    std::cout << out.dump() << "\n";
    return 0;
}

int Export(int argc, char** argv) {
    std::string home, out_dir;
    uint64_t height = 0;
    po::options_description d("foliod snapshot export");
    d.add_options()("home", po::value(&home)->required(), "the node's data directory")(
        "out", po::value(&out_dir)->required(), "a directory to create with the snapshot's files")(
        "height", po::value(&height), "the snapshot's height (default: the newest)");
    Parse(argc, argv, d);
    auto listed = statesync::ListSnapshots(home + "/snapshots");
    const statesync::Listed* pick = nullptr;
    for (const auto& l : listed)
        if (height == 0 || l.height == height) {
            pick = &l;
            break;
        }
    if (!pick)
        throw std::runtime_error(height == 0 ? "no snapshot in " + home + "/snapshots (is --snapshot-interval set?)"
                                             : "no snapshot of height " + std::to_string(height) + " in " + home +
                                                   "/snapshots");
    if (fs::exists(out_dir)) throw std::runtime_error("--out " + out_dir + " exists already");
    std::error_code ec;
    fs::copy(fs::path(home) / "snapshots" / std::to_string(pick->height), out_dir, fs::copy_options::recursive, ec);
    if (ec) throw std::runtime_error("cannot copy the snapshot to " + out_dir + ": " + ec.message());
    json j = ListedJson(*pick);
    j["out"] = out_dir;
    std::cout << j.dump() << "\n";
    return 0;
}

int Import(int argc, char** argv) {
    std::string home, genesis_file, from;
    po::options_description d("foliod snapshot import");
    d.add_options()("home", po::value(&home)->required(), "the new node's data directory (no store in it yet)")(
        "genesis", po::value(&genesis_file)->required(), "the chain's genesis JSON file")(
        "from", po::value(&from)->required(), "a snapshot directory (foliod snapshot export)");
    Parse(argc, argv, d);
    std::ifstream in(genesis_file);
    if (!in) throw std::runtime_error("cannot read " + genesis_file);
    std::stringstream ss;
    ss << in.rdbuf();
    const state::GenesisDoc genesis = api::ParseGenesis(json::parse(ss.str()));
    fs::create_directories(home);
    auto source = statesync::FromDirectory(from);
    auto h = statesync::Install(*source, genesis, home);
    if (!h) throw std::runtime_error("snapshot import: " + h.error());
    std::cout << json{{"height", *h}, {"home", home}}.dump() << "\n";
    return 0;
}

}  // namespace

int SnapshotCommand(int argc, char** argv) {
    if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help" ||
        std::string(argv[1]) == "help") {
        std::cout << USAGE;
        return argc < 2 ? 2 : 0;
    }
    const std::string sub = argv[1];
    if (sub == "list") return List(argc - 1, argv + 1);
    if (sub == "export") return Export(argc - 1, argv + 1);
    if (sub == "import") return Import(argc - 1, argv + 1);
    throw std::runtime_error("foliod snapshot: unknown command \"" + sub + "\"\n" + USAGE);
}

}  // namespace folio::app
