// folio-bench-growth: execution throughput as the ledger grows, and the memory of a validator
// holding a large ledger (issue #15: "throughput from an empty chain to 1,000,000 works" and
// "memory of a validator holding 1M works, 1M licences, 1M NFT editions"). One JSON line on stdout,
// progress on stderr.
//
// What runs: a real chain::Node (LevelDB store in --home, synced writes as a validator, the
// default state cache) on a one-validator genesis with 64 KYC-verified creator accounts. Blocks go
// through the validator's path Node::ExecuteBlock + Node::CommitBlock (no commit certificate).
// Transactions are built here and are NOT signed: ExecuteBlock's contract is that the caller
// verified the signatures, so signing and verification are not measured (bench/micro.cpp's
// verify_per_s gives that cost). Nor are the mempool, gossip, consensus or RPC.
//
// What is measured:
//   checkpoints  at 0, N/4, N/2 and N registered works (N = --works), a timed window of --window
//                register_work transactions (registrations only, so the windows are comparable);
//                tx_per_s counts only ExecuteBlock + CommitBlock, not building the transactions.
//                disk_mb is the size of --home when the window starts. The windows' works count
//                toward the total, so the chain ends with N + W works.
//   fill         between checkpoints, untimed: registrations, plus one licence grant per work
//                (free, non-exclusive, worldwide, streaming) up to --licences and NFT collections
//                of 10,000 editions (MAX_EDITIONS) up to --nft-editions, both spread over the fill
//                in proportion to the works registered; what is left after the last window is
//                granted/minted then. Both default to N (the issue's 1M works, 1M licences, 1M
//                editions at the default N).
//   memory       VmRSS before the node is closed; the node is then destroyed (store closed, freed
//                heap returned to the OS with malloc_trim), reopened from --home (reopen_ms is
//                Node::Open's duration) and 5 blocks of registrations are executed and committed;
//                then VmRSS and VmHWM. VmRSS is also split into RssAnon (heap, including the
//                state-node cache) and RssFile (pages of the table files LevelDB maps and has read:
//                page cache the kernel can reclaim). VmHWM is reset before the reopen where the
//                kernel allows (/proc/self/clear_refs), so hwm_mb_after_reopen is the peak since
//                the restart; hwm_mb_whole_run is the peak of the whole process (fill included).
// Every receipt is checked: a transaction left out of a block or failing in it ends the tool with
// its reason (exit 1), so a broken setup is never measured. Usage errors exit 2.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <nlohmann/json.hpp>

#include <node/chain/node.h>
#include <node/core/amount.h>
#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/protocol/types.h>
#include <node/state/ledger.h>

using namespace folio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t ACCOUNTS = 64;
constexpr uint64_t MAX_COUNT = 1'000'000'000;  // bound on every count option
constexpr uint64_t PROGRESS_EVERY = 50'000;    // transactions between progress lines
constexpr uint64_t AFTER_REOPEN_BLOCKS = 5;
constexpr uint64_t FIRST_BLOCK_MS = 1'800'000'000'000;
constexpr uint64_t LICENCE_END_MS = 4'102'444'800'000;  // 2100-01-01

struct Options {
    std::string home;
    uint64_t works = 1'000'000;
    uint64_t window = 20'000;
    std::optional<uint64_t> licences;      // default: works
    std::optional<uint64_t> nft_editions;  // default: works
    uint64_t block_txs = 1000;
};

[[noreturn]] void Usage(const std::string& why) {
    if (!why.empty()) std::fprintf(stderr, "folio-bench-growth: %s\n", why.c_str());
    std::fprintf(stderr,
                 "usage: folio-bench-growth --home DIR [--works N] [--window W] [--licences L]\n"
                 "                          [--nft-editions E] [--block-txs B]\n"
                 "  --home DIR        a new or empty directory for the node's store (required)\n"
                 "  --works N         works at the last checkpoint (default 1000000; checkpoints at 0, N/4, N/2, N)\n"
                 "  --window W        registrations timed at each checkpoint (default 20000; W <= N/4)\n"
                 "  --licences L      licences granted, one per work (default N; L <= N)\n"
                 "  --nft-editions E  NFT editions minted in collections of %u (default N)\n"
                 "  --block-txs B     transactions per block (default 1000; 1..%zu)\n",
                 protocol::MAX_EDITIONS, protocol::MAX_BLOCK_TXS);
    std::exit(2);
}

uint64_t ParseCount(const std::string& name, const std::string& text) {
    uint64_t v = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || p != end || v > MAX_COUNT)
        Usage("--" + name + " needs a whole number 0.." + std::to_string(MAX_COUNT) + ", not '" + text + "'");
    return v;
}

void CheckOptions(const Options& o) {
    if (o.home.empty()) Usage("--home is required");
    if (o.works < 4) Usage("--works must be at least 4");
    if (o.window == 0 || o.window > o.works / 4) Usage("--window must be 1..works/4");
    if (*o.licences > o.works) Usage("--licences must be at most --works (one licence per work)");
    uint64_t mints = (*o.nft_editions + protocol::MAX_EDITIONS - 1) / protocol::MAX_EDITIONS;
    if (mints > o.works) Usage("--nft-editions needs more collections than there are works");
    if (o.block_txs == 0 || o.block_txs > protocol::MAX_BLOCK_TXS) Usage("--block-txs out of range");
}

Options ParseOptions(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string name = argv[i];
        if (name == "--help" || name == "-h") Usage("");
        if (i + 1 >= argc) Usage(name + " needs a value (or is unknown)");
        std::string value = argv[++i];
        if (name == "--home") o.home = value;
        else if (name == "--works") o.works = ParseCount("works", value);
        else if (name == "--window") o.window = ParseCount("window", value);
        else if (name == "--licences") o.licences = ParseCount("licences", value);
        else if (name == "--nft-editions") o.nft_editions = ParseCount("nft-editions", value);
        else if (name == "--block-txs") o.block_txs = ParseCount("block-txs", value);
        else Usage("unknown option " + name);
    }
    if (!o.licences) o.licences = o.works;
    if (!o.nft_editions) o.nft_editions = o.works;
    CheckOptions(o);
    return o;
}

// The home must be new or an empty directory: the tool never measures (or damages) an old store.
void PrepareHome(const std::string& home) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(home, ec)) {
        if (!fs::is_directory(home, ec) || !fs::is_empty(home, ec))
            Usage("--home " + home + " exists and is not an empty directory");
        return;
    }
    fs::create_directories(home, ec);
    if (ec) Usage("cannot create --home " + home + ": " + ec.message());
}

[[noreturn]] void Die(const std::string& why) {
    std::fprintf(stderr, "folio-bench-growth: %s\n", why.c_str());
    std::exit(1);
}

SecretKey Key(uint64_t i) {
    Writer w;
    w.U64(i);
    return SecretKey::FromView(Sha256Of(w.bytes()).view());
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Round1(double x) { return std::round(x * 10) / 10; }

double DiskMb(const std::string& home) {
    uint64_t bytes = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(home, ec); !ec && it != std::filesystem::end(it);
         it.increment(ec))
        if (it->is_regular_file(ec)) bytes += it->file_size(ec);
    return Round1(static_cast<double>(bytes) / (1u << 20));
}

// A field of /proc/self/status ("VmRSS", "VmHWM") in MiB; -1 if unreadable.
double ProcStatusMb(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0)
            return Round1(std::strtod(line.c_str() + field.size() + 1, nullptr) / 1024);
    return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); false where not allowed.
bool ResetHwm() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

// The chain: one validator, ACCOUNTS creators that may register works (and, as owners, license
// and mint them).
struct Accounts {
    std::vector<SecretKey> keys;
    std::vector<Address> addrs;
};

Accounts MakeAccounts() {
    Accounts a;
    for (uint64_t i = 0; i < ACCOUNTS; ++i) {
        a.keys.push_back(Key(1000 + i));
        a.addrs.push_back(*DerivePublicKey(a.keys.back()));
    }
    return a;
}

chain::NodeConfig MakeConfig(const std::string& home, const Accounts& accts) {
    chain::NodeConfig cfg;
    cfg.home = home;
    cfg.validator_key = Key(999999);
    cfg.sync_writes = true;
    cfg.genesis.chain_id = "bench-growth";
    cfg.genesis.genesis_time_ms = FIRST_BLOCK_MS - 1000;
    cfg.genesis.validators.push_back({"v", *DerivePublicKey(cfg.validator_key)});
    for (size_t i = 0; i < ACCOUNTS; ++i)
        cfg.genesis.accounts.push_back({"creator-" + std::to_string(i),
                                        accts.addrs[i],
                                        protocol::WithRole(0, protocol::Role::CREATOR),
                                        protocol::KycStatus::VERIFIED,
                                        "US",
                                        {}});
    return cfg;
}

std::unique_ptr<chain::Node> OpenNode(const chain::NodeConfig& cfg) {
    auto node = chain::Node::Open(cfg);
    if (!node) Die("cannot open the node: " + node.error());
    return std::move(node.value());
}

enum class Kind : uint8_t { REGISTER, LICENCE, MINT };
const char* KindName(Kind k) {
    switch (k) {
        case Kind::REGISTER:
            return "register_work";
        case Kind::LICENCE:
            return "grant_licence";
        case Kind::MINT:
            return "nft_mint";
    }
    return "?";
}

struct BlockPlan {
    uint64_t registrations = 0;
    uint64_t licences = 0;
    uint64_t mints = 0;
    uint64_t total() const { return registrations + licences + mints; }
};

// Drives the node: builds blocks of the three kinds with correct nonces, executes and commits them,
// checks every receipt and keeps the counts. Not thread-safe.
class Growth {
public:
    Growth(const Options& opts, const Accounts& accts, std::unique_ptr<chain::Node> node)
        : m_opts(opts), m_accts(accts), m_node(std::move(node)), m_nonces(ACCOUNTS, 0), m_owner_of_work(1, 0) {}

    // Executes and commits one block; returns the seconds spent in ExecuteBlock + CommitBlock.
    double RunBlock(const BlockPlan& plan);
    // Registrations only, `n` of them in blocks of --block-txs; returns tx/s over execute + commit.
    double TimedWindow(uint64_t n);
    // Untimed: registrations up to `target_works`, with licences and mints in proportion (all of
    // them when `target_works` is reached and the run is past N works).
    void Fill(uint64_t target_works);

    uint64_t works() const { return m_owner_of_work.size() - 1; }
    uint64_t licences() const { return m_licences; }
    uint64_t editions() const { return m_editions; }
    std::unique_ptr<chain::Node> TakeNode() { return std::move(m_node); }
    void SetNode(std::unique_ptr<chain::Node> node) { m_node = std::move(node); }
    const chain::Node& node() const { return *m_node; }

private:
    struct Planned {
        Kind kind;
        size_t account;
    };
    protocol::DecodedTx MakeTx(size_t account, protocol::TxBody body);
    protocol::DecodedTx Registration(std::vector<Planned>& planned);
    protocol::DecodedTx Licence(std::vector<Planned>& planned);
    protocol::DecodedTx Mint(std::vector<Planned>& planned);
    void CheckBlock(const chain::BuiltBlock& b, const std::vector<Hash256>& ids,
                    const std::vector<Planned>& planned) const;
    void Record(const chain::BuiltBlock& b, const std::vector<Planned>& planned);
    BlockPlan NextFillPlan(uint64_t target_works) const;
    void Progress();

    const Options& m_opts;
    const Accounts& m_accts;
    std::unique_ptr<chain::Node> m_node;
    std::vector<uint64_t> m_nonces;
    std::vector<uint8_t> m_owner_of_work;  // by work id (committed works); [0] unused
    uint64_t m_fingerprints = 0;
    uint64_t m_round_robin = 0;
    uint64_t m_next_licence_work = 1;
    uint64_t m_next_mint_work = 1;
    uint64_t m_licences = 0;
    uint64_t m_editions = 0;
    uint64_t m_txs = 0;
    uint64_t m_next_progress = PROGRESS_EVERY;
    uint64_t m_time_ms = FIRST_BLOCK_MS;
    Clock::time_point m_start = Clock::now();
};

protocol::DecodedTx Growth::MakeTx(size_t account, protocol::TxBody body) {
    protocol::Transaction tx;
    tx.chain_id = m_node->chain_id();
    tx.sender = m_accts.addrs[account];
    tx.nonce = m_nonces[account]++;
    tx.body = std::move(body);
    return protocol::DecodedTx::FromTx(std::move(tx));  // unsigned: ExecuteBlock does not verify
}

protocol::DecodedTx Growth::Registration(std::vector<Planned>& planned) {
    size_t account = m_round_robin++ % ACCOUNTS;
    Writer w;
    w.U64(m_fingerprints++);
    protocol::RegisterWorkTx b;
    b.fingerprint = TaggedHash("folio/bench/growth", w.bytes());
    b.title = "growth";
    b.owners = {{m_accts.addrs[account], static_cast<uint16_t>(BPS_TOTAL)}};
    planned.push_back({Kind::REGISTER, account});
    return MakeTx(account, std::move(b));
}

protocol::DecodedTx Growth::Licence(std::vector<Planned>& planned) {
    uint64_t work = m_next_licence_work++;
    size_t owner = m_owner_of_work[work];
    protocol::GrantLicenceTx b;
    b.work = work;
    b.licensee = m_accts.addrs[(owner + 1) % ACCOUNTS];
    b.terms.territories = {"WW"};
    b.terms.rights = protocol::RIGHT_STREAM;
    b.terms.exclusive = false;
    b.terms.start_ms = 0;
    b.terms.end_ms = LICENCE_END_MS;
    planned.push_back({Kind::LICENCE, owner});
    ++m_licences;
    return MakeTx(owner, std::move(b));
}

protocol::DecodedTx Growth::Mint(std::vector<Planned>& planned) {
    uint64_t work = m_next_mint_work++;
    size_t owner = m_owner_of_work[work];
    protocol::NftMintTx b;
    b.work = work;
    b.editions = static_cast<uint32_t>(std::min<uint64_t>(protocol::MAX_EDITIONS, *m_opts.nft_editions - m_editions));
    planned.push_back({Kind::MINT, owner});
    m_editions += b.editions;
    return MakeTx(owner, std::move(b));
}

double Growth::RunBlock(const BlockPlan& plan) {
    std::vector<protocol::DecodedTx> txs;
    std::vector<Planned> planned;
    txs.reserve(plan.total());
    for (uint64_t i = 0; i < plan.mints; ++i) txs.push_back(Mint(planned));
    for (uint64_t i = 0; i < plan.licences; ++i) txs.push_back(Licence(planned));
    for (uint64_t i = 0; i < plan.registrations; ++i) txs.push_back(Registration(planned));
    std::vector<Hash256> ids;  // to name a transaction left out of the block
    for (const protocol::DecodedTx& t : txs) ids.push_back(t.id());
    m_time_ms += 1000;
    auto t0 = Clock::now();
    chain::BuiltBlock built = m_node->ExecuteBlock(m_time_ms, *m_node->validator_key(), std::move(txs));
    double seconds = Seconds(Clock::now() - t0);
    CheckBlock(built, ids, planned);  // untimed, as is Record
    Record(built, planned);
    const uint64_t height = built.committed.block.header.height;
    t0 = Clock::now();
    if (!m_node->CommitBlock(std::move(built))) Die("CommitBlock failed at height " + std::to_string(height));
    seconds += Seconds(Clock::now() - t0);
    m_txs += plan.total();
    Progress();
    return seconds;
}

void Growth::CheckBlock(const chain::BuiltBlock& b, const std::vector<Hash256>& ids,
                        const std::vector<Planned>& planned) const {
    const uint64_t h = b.committed.block.header.height;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i < b.committed.receipts.size() && b.committed.receipts[i].tx_id == ids[i]) continue;
        auto why = m_node->mempool().RejectionOf(ids[i]);
        Die("block " + std::to_string(h) + ": " + KindName(planned[i].kind) + " #" + std::to_string(i) +
            " was left out of the block: " +
            (why ? why->first + ": " + why->second : std::string("a nonce gap after an earlier one")));
    }
    for (size_t i = 0; i < b.committed.receipts.size(); ++i) {
        const protocol::Receipt& rc = b.committed.receipts[i];
        if (!rc.success)
            Die("block " + std::to_string(h) + ": " + KindName(planned[i].kind) + " #" + std::to_string(i) +
                " failed: " + rc.error_code + ": " + rc.error_message);
    }
}

// Learns the new works' ids (and their owners) from the receipts.
void Growth::Record(const chain::BuiltBlock& b, const std::vector<Planned>& planned) {
    for (size_t i = 0; i < planned.size(); ++i) {
        if (planned[i].kind != Kind::REGISTER) continue;
        for (const protocol::Event& e : b.committed.receipts[i].events) {
            const auto* reg = std::get_if<protocol::EvWorkRegistered>(&e);
            if (!reg) continue;
            if (reg->work_id != m_owner_of_work.size())
                Die("work ids are not consecutive: got " + std::to_string(reg->work_id));
            m_owner_of_work.push_back(static_cast<uint8_t>(planned[i].account));
        }
    }
}

void Growth::Progress() {
    if (m_txs < m_next_progress) return;
    m_next_progress = (m_txs / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
    std::fprintf(stderr, "growth: %llu txs, height %llu: %llu works, %llu licences, %llu editions, %.1f s\n",
                 static_cast<unsigned long long>(m_txs), static_cast<unsigned long long>(m_node->height()),
                 static_cast<unsigned long long>(works()), static_cast<unsigned long long>(m_licences),
                 static_cast<unsigned long long>(m_editions), Seconds(Clock::now() - m_start));
}

double Growth::TimedWindow(uint64_t n) {
    double seconds = 0;
    for (uint64_t done = 0; done < n;) {
        BlockPlan plan;
        plan.registrations = std::min(m_opts.block_txs, n - done);
        seconds += RunBlock(plan);
        done += plan.registrations;
    }
    return static_cast<double>(n) / seconds;
}

// Licences and editions are due in proportion to the works registered (of N); a licence or a mint
// needs a committed work it has not used yet.
BlockPlan Growth::NextFillPlan(uint64_t target_works) const {
    const uint64_t progress = std::min(works(), m_opts.works);
    const uint64_t licences_due = *m_opts.licences * progress / m_opts.works;
    const uint64_t editions_due = *m_opts.nft_editions * progress / m_opts.works;
    const uint64_t committed = works();
    BlockPlan plan;
    if (m_editions < editions_due && m_next_mint_work <= committed) plan.mints = 1;
    if (m_licences < licences_due) {
        uint64_t room = target_works > works() ? m_opts.block_txs / 2 : m_opts.block_txs - plan.mints;
        uint64_t available = committed + 1 - m_next_licence_work;
        plan.licences = std::min({licences_due - m_licences, available, room});
    }
    if (target_works > works()) plan.registrations = std::min(target_works - works(), m_opts.block_txs - plan.total());
    return plan;
}

void Growth::Fill(uint64_t target_works) {
    for (BlockPlan plan = NextFillPlan(target_works); plan.total() > 0; plan = NextFillPlan(target_works))
        RunBlock(plan);
}

nlohmann::ordered_json Checkpoint(Growth& g, const Options& o) {
    nlohmann::ordered_json c;
    c["works_before"] = g.works();
    c["height"] = g.node().height();
    c["disk_mb"] = DiskMb(o.home);
    c["tx_per_s"] = std::round(g.TimedWindow(o.window));
    std::fprintf(stderr, "growth: checkpoint at %s works: %s tx/s\n", c["works_before"].dump().c_str(),
                 c["tx_per_s"].dump().c_str());
    return c;
}

// VmRSS and its parts: RssAnon (heap, the state-node cache) and RssFile (pages of the store's
// table files that LevelDB maps and has read: page cache the kernel can reclaim).
void RecordRss(nlohmann::ordered_json& out, const std::string& when) {
    out["rss_mb_" + when] = ProcStatusMb("VmRSS");
    out["rss_anon_mb_" + when] = ProcStatusMb("RssAnon");
    out["rss_file_mb_" + when] = ProcStatusMb("RssFile");
}

// Closes the node, reopens it from its home and commits a few blocks; the memory figures.
void Restart(Growth& g, const Options& o, const Accounts& accts, nlohmann::ordered_json& out) {
    RecordRss(out, "before_close");
    out["hwm_mb_whole_run"] = ProcStatusMb("VmHWM");
    const uint64_t height = g.node().height();
    g.TakeNode().reset();
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
    out["rss_mb_after_close"] = ProcStatusMb("VmRSS");
    out["hwm_reset"] = ResetHwm();
    auto t0 = Clock::now();
    g.SetNode(OpenNode(MakeConfig(o.home, accts)));
    out["reopen_ms"] = std::round(Seconds(Clock::now() - t0) * 1000);
    if (g.node().height() != height)
        Die("reopened at height " + std::to_string(g.node().height()) + ", closed at " + std::to_string(height));
    out["rss_mb_after_open"] = ProcStatusMb("VmRSS");
    for (uint64_t i = 0; i < AFTER_REOPEN_BLOCKS; ++i) g.RunBlock({o.block_txs, 0, 0});
    RecordRss(out, "after_reopen");
    out["hwm_mb_after_reopen"] = ProcStatusMb("VmHWM");
}

}  // namespace

int main(int argc, char** argv) {
    const Options opts = ParseOptions(argc, argv);
    PrepareHome(opts.home);
    const auto start = Clock::now();
    const Accounts accts = MakeAccounts();
    Growth g(opts, accts, OpenNode(MakeConfig(opts.home, accts)));

    nlohmann::ordered_json checkpoints = nlohmann::ordered_json::array();
    for (uint64_t target : {uint64_t{0}, opts.works / 4, opts.works / 2, opts.works}) {
        g.Fill(target);
        checkpoints.push_back(Checkpoint(g, opts));
    }
    g.Fill(g.works());  // what is left of the licences and editions
    if (g.licences() != *opts.licences || g.editions() != *opts.nft_editions)
        Die("the fill ended with " + std::to_string(g.licences()) + " licences and " + std::to_string(g.editions()) +
            " editions");

    nlohmann::ordered_json out;
    out["works"] = g.works();
    out["licences"] = g.licences();
    out["nft_editions"] = g.editions();
    out["block_txs"] = opts.block_txs;
    out["window"] = opts.window;
    out["height"] = g.node().height();
    out["checkpoints"] = checkpoints;
    out["ratio_last_to_first"] = std::round(checkpoints.back()["tx_per_s"].get<double>() /
                                            checkpoints.front()["tx_per_s"].get<double>() * 1000) /
                                 1000;
    Restart(g, opts, accts, out);
    out["works_after_reopen"] = g.works();
    out["disk_mb"] = DiskMb(opts.home);
    out["seconds_total"] = Round1(Seconds(Clock::now() - start));
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
