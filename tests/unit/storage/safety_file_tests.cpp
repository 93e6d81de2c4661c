// The safety state's own file (node/storage/safety_file.h): what it reads back, and that any
// damage is an error, never an empty or default state.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <node/storage/safety_file.h>

namespace fs = std::filesystem;
using namespace folio;

namespace {
std::string TempPath(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("folio-safety-tests-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return (dir / name).string();
}
Bytes Payload() { return Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9}; }
void Flip(const std::string& path, std::streamoff at) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x20));
}
}  // namespace

TEST_CASE("safety file: a missing file is no state; a written one reads back; a rewrite replaces it") {
    const std::string p = TempPath("roundtrip");
    fs::remove(p);
    auto none = storage::ReadSafetyFile(p);
    REQUIRE(none);
    CHECK(!none.value());
    REQUIRE(!storage::WriteSafetyFile(p, Payload()));
    auto got = storage::ReadSafetyFile(p);
    REQUIRE(got);
    REQUIRE(got.value());
    CHECK(*got.value() == Payload());
    const Bytes second{42};
    REQUIRE(!storage::WriteSafetyFile(p, second));
    CHECK(*storage::ReadSafetyFile(p).value() == second);
    CHECK(!fs::exists(p + ".tmp"));
}

TEST_CASE("safety file: a flipped byte, a truncated tail or a foreign file is an error, not a state") {
    const std::string p = TempPath("damaged");
    SUBCASE("flipped payload byte") {
        REQUIRE(!storage::WriteSafetyFile(p, Payload()));
        Flip(p, 14);
        auto r = storage::ReadSafetyFile(p);
        REQUIRE(!r);
        CHECK(r.error().find("checksum") != std::string::npos);
    }
    SUBCASE("truncated") {
        REQUIRE(!storage::WriteSafetyFile(p, Payload()));
        fs::resize_file(p, fs::file_size(p) - 5);
        auto r = storage::ReadSafetyFile(p);
        REQUIRE(!r);
        CHECK(r.error().find("damaged") != std::string::npos);
    }
    SUBCASE("not a safety file") {
        std::ofstream(p, std::ios::binary) << "hello, this is not a safety state file at all....";
        auto r = storage::ReadSafetyFile(p);
        REQUIRE(!r);
        CHECK(r.error().find("bad header") != std::string::npos);
    }
}
