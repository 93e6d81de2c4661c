#include <node/storage/safety_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <node/core/hash.h>
#include <node/storage/failpoints.h>

namespace folio::storage {
namespace {

constexpr char MAGIC[8] = {'F', 'O', 'L', 'I', 'O', 'S', 'S', '1'};
constexpr size_t MAX_PAYLOAD = 1u << 20;

std::string Errno(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

std::optional<std::string> WriteAllAndSync(int fd, const Bytes& data, const std::string& path) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Errno("cannot write", path);
        off += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) return Errno("cannot sync", path);
    return std::nullopt;
}

}  // namespace

Result<std::optional<Bytes>, std::string> ReadSafetyFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<Bytes>{};
    std::ifstream in(path, std::ios::binary);
    if (!in) return Fail(Errno("cannot open", path));
    Bytes all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (all.size() < 8 + 4 + 32 || std::memcmp(all.data(), MAGIC, 8) != 0)
        return Fail(path + " is not a safety state file (bad header)");
    uint32_t len = 0;
    for (int i = 3; i >= 0; --i) len = len << 8 | all[8 + static_cast<size_t>(i)];
    if (len > MAX_PAYLOAD || all.size() != 8 + 4 + static_cast<size_t>(len) + 32)
        return Fail(path + " is damaged (length " + std::to_string(len) + " does not match the file)");
    Bytes payload(all.begin() + 12, all.begin() + 12 + len);
    Hash256 sum = Sha256Of(ByteView(payload));
    if (std::memcmp(sum.data.data(), all.data() + 12 + len, 32) != 0)
        return Fail(path + " is damaged (checksum mismatch)");
    return std::optional<Bytes>(std::move(payload));
}

std::optional<std::string> WriteSafetyFile(const std::string& path, ByteView payload) {
    if (payload.size() > MAX_PAYLOAD) return std::string("safety state too large");
    Bytes data(MAGIC, MAGIC + 8);
    const auto len = static_cast<uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) data.push_back(static_cast<uint8_t>(len >> (8 * i)));
    data.insert(data.end(), payload.begin(), payload.end());
    Hash256 sum = Sha256Of(payload);
    data.insert(data.end(), sum.data.begin(), sum.data.end());
    const std::string tmp = path + ".tmp";
    Failpoint("before", "consensus");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Errno("cannot create", tmp);
    auto err = WriteAllAndSync(fd, data, tmp);
    ::close(fd);
    if (err) return err;
    if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("cannot rename over", path);
    const std::string dir = std::filesystem::path(path).parent_path().string();
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return Errno("cannot open directory", dir);
    const int rc = ::fsync(dfd);
    ::close(dfd);
    if (rc != 0) return Errno("cannot sync directory", dir);
    Failpoint("after", "consensus");
    return std::nullopt;
}

}  // namespace folio::storage
