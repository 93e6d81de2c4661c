// foliod's settings sources (node/app/config.h): the command line beats FOLIOD_* variables, which
// beat the TOML file, which beats the defaults; a typo anywhere is an error naming it with a
// suggestion; relative paths in the file are relative to its folder.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include <node/app/config.h>

namespace po = boost::program_options;
namespace fs = std::filesystem;
using folio::app::ConfigSources;
using folio::app::ParseSettings;

namespace {

struct Fixture {
    po::options_description desc{"test"};
    std::string config, home, listen;
    size_t threads = 0;
    std::vector<std::string> peers;
    fs::path dir;
    Fixture() {
        desc.add_options()("help,h", "")("config", po::value(&config), "")("home", po::value(&home), "")(
            "rpc-listen", po::value(&listen)->default_value("127.0.0.1:26657"), "")(
            "rpc-threads", po::value(&threads)->default_value(2), "")("peer", po::value(&peers)->composing(), "")(
            "no-fsync", "");
        static int next = 0;
        dir = fs::temp_directory_path() / ("folio-config-" + std::to_string(::getpid()) + "-" + std::to_string(next++));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Fixture() { fs::remove_all(dir); }
    std::string File(const std::string& text) {
        const fs::path p = dir / "foliod.toml";
        std::ofstream(p) << text;
        return p.string();
    }
    // Parses `args` with the environment `env` ("NAME=value" entries); notifies.
    po::variables_map Parse(std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), "foliod");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        ConfigSources src;
        src.environment = envp.data();
        src.command_line_only = {"help", "config"};
        src.paths = {"home"};
        po::variables_map vm;
        ParseSettings(static_cast<int>(argv.size()), argv.data(), desc, src, vm);
        po::notify(vm);
        return vm;
    }
};

std::string ErrorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("config: the file sets options; tables prefix keys; relative paths follow the file") {
    Fixture f;
    const std::string file = f.File(
        "home = \"data\"\n"
        "no-fsync = true\n"
        "peer = [\"k1@a:1\", \"k2@b:2\"]\n"
        "[rpc]\n"
        "listen = \"0.0.0.0:9000\"\n"
        "threads = 8\n");
    auto vm = f.Parse({"--config", file});
    CHECK(f.home == (f.dir / "data").string());
    CHECK(f.listen == "0.0.0.0:9000");
    CHECK(f.threads == 8);
    CHECK(vm.count("no-fsync") == 1);
    CHECK(f.peers == std::vector<std::string>{"k1@a:1", "k2@b:2"});
}

TEST_CASE("config: command line > environment > file > default; a list is replaced, not merged") {
    Fixture f;
    const std::string file = f.File("rpc-listen = \"file:1\"\nrpc-threads = 3\npeer = [\"file@x:1\"]\nhome = \"/abs\"\n");
    f.Parse({"--config", file, "--rpc-listen", "cmd:1"}, {"FOLIOD_RPC_LISTEN=env:1", "FOLIOD_RPC_THREADS=5",
                                                           "FOLIOD_PEER=env1@y:1, env2@z:2", "PATH=/bin"});
    CHECK(f.listen == "cmd:1");
    CHECK(f.threads == 5);
    CHECK(f.peers == std::vector<std::string>{"env1@y:1", "env2@z:2"});
    CHECK(f.home == "/abs");
    Fixture g;
    g.Parse({}, {"FOLIOD_CONFIG=" + file});  // the file named by the environment
    CHECK(g.listen == "file:1");
    CHECK(g.threads == 3);
    Fixture d;
    d.Parse({});
    CHECK(d.listen == "127.0.0.1:26657");
    CHECK(d.threads == 2);
    CHECK(d.peers.empty());
}

TEST_CASE("config: a typo is an error naming it, with a suggestion") {
    Fixture f;
    CHECK(ErrorOf([&] { f.Parse({"--rpc-lisen", "x"}); }).find("did you mean --rpc-listen?") != std::string::npos);
    const std::string typo = f.File("rpc-lisen = \"x\"\n");
    const std::string e1 = ErrorOf([&] { f.Parse({"--config", typo}); });
    CHECK(e1.find(typo + ":1: unknown setting \"rpc-lisen\" (did you mean \"rpc-listen\"?)") != std::string::npos);
    const std::string table = f.File("[rpc]\nlisten = \"a\"\nthreds = 2\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", table}); }).find(":3: unknown setting \"rpc-threds\" (did you mean \"rpc-threads\"?)") !=
          std::string::npos);
    CHECK(ErrorOf([&] { f.Parse({}, {"FOLIOD_RPC_LISEN=x"}); })
              .find("FOLIOD_RPC_LISEN names no foliod setting (did you mean FOLIOD_RPC_LISTEN?)") != std::string::npos);
    // Command-line-only options are not settings of the file.
    const std::string help = f.File("help = true\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", help}); }).find("unknown setting \"help\"") != std::string::npos);
    // The same option twice (flat and in a table).
    const std::string twice = f.File("rpc-listen = \"a\"\n[rpc]\nlisten = \"b\"\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", twice}); }).find("\"rpc-listen\" is set twice") != std::string::npos);
}

TEST_CASE("config: values of the wrong type are refused, naming where they were set") {
    Fixture f;
    const std::string neg = f.File("rpc-threads = -1\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", neg}); }).find("\"rpc-threads\" must not be negative") != std::string::npos);
    const std::string flt = f.File("rpc-threads = 1.5\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", flt}); }).find("must be a string or an integer") != std::string::npos);
    const std::string sw = f.File("no-fsync = \"yes\"\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", sw}); }).find("\"no-fsync\" must be true or false") != std::string::npos);
    const std::string list = f.File("rpc-listen = [\"a\", \"b\"]\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", list}); }).find("takes one value, not a list") != std::string::npos);
    const std::string word = f.File("rpc-threads = \"many\"\n");
    const std::string e = ErrorOf([&] { f.Parse({"--config", word}); });
    CHECK(e.find("rpc-threads") != std::string::npos);
    CHECK(e.find("(set by " + word + ":1)") != std::string::npos);
    CHECK(ErrorOf([&] { f.Parse({}, {"FOLIOD_RPC_THREADS=many"}); }).find("(set by FOLIOD_RPC_THREADS)") != std::string::npos);
    CHECK(ErrorOf([&] { f.Parse({}, {"FOLIOD_NO_FSYNC=maybe"}); }).find("FOLIOD_NO_FSYNC must be true or false") != std::string::npos);
    const std::string bad = f.File("rpc-listen = \"unterminated\n");
    CHECK(ErrorOf([&] { f.Parse({"--config", bad}); }).find("not valid TOML") != std::string::npos);
    CHECK(ErrorOf([&] { f.Parse({"--config", (f.dir / "missing.toml").string()}); }).find("cannot read the config file") !=
          std::string::npos);
}
