// Replays every file of a corpus directory through LLVMFuzzerTestOneInput (used when the build
// has no libFuzzer). Also feeds a few fixed edge inputs, so an empty corpus still runs the target.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
    size_t n = 0;
    std::vector<std::vector<uint8_t>> fixed = {{}, {0}, {0xff}, std::vector<uint8_t>(64, 0xff),
                                               std::vector<uint8_t>(300, 0)};
    for (auto& f : fixed) { LLVMFuzzerTestOneInput(f.data(), f.size()); ++n; }
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path dir(argv[i]);
        if (!std::filesystem::exists(dir)) continue;
        for (auto& e : std::filesystem::directory_iterator(dir)) {
            if (!e.is_regular_file()) continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::vector<uint8_t> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(buf.data(), buf.size());
            ++n;
        }
    }
    std::printf("replayed %zu inputs\n", n);
    return 0;
}
