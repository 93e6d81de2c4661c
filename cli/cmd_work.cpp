// `folio work`: registering works and finding them by fingerprint, ownership transfers with the
// owners' consents, and certificates of registration (made online, verified offline); and
// `folio fingerprint`.
#include <cli/commands.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

#include <node/api/genesis_json.h>
#include <node/core/hash.h>
#include <node/protocol/certificate.h>
#include <node/state/ledger.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

Hash256 Fingerprint(const std::string& path, bool progress) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw CliError("cannot open " + path + ": " + std::strerror(errno));
    struct stat stt {};
    fstat(fd, &stt);
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const uint64_t total = static_cast<uint64_t>(stt.st_size);
    std::vector<uint8_t> buf(4u << 20);
    Sha256 h;
    uint64_t done = 0;
    int last_pct = -1;
    bool show = progress && total > (64u << 20) && isatty(STDERR_FILENO);
    while (true) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            throw CliError("cannot read " + path + ": " + std::strerror(errno));
        }
        if (n == 0) break;
        h.Update(ByteView(buf.data(), static_cast<size_t>(n)));
        done += static_cast<uint64_t>(n);
        if (show) {
            int pct = static_cast<int>(done * 100 / total);
            if (pct != last_pct) {
                std::fprintf(stderr, "\rfingerprinting %s: %d%%", path.c_str(), pct);
                last_pct = pct;
            }
        }
    }
    ::close(fd);
    if (show) std::fprintf(stderr, "\r%*s\r", 40 + static_cast<int>(path.size()), "");
    return h.Final();
}

json WorkByFingerprint(cli::RpcClient& rpc, const Hash256& fp) {
    return rpc.Call("work_get", {{"fingerprint", fp.hex()}});
}

std::string WorkHuman(const json& w) {
    std::string s = "work " + std::to_string(w.at("id").get<uint64_t>()) + ": " + w.at("title").get<std::string>() + " (" +
                    w.at("kind").get<std::string>() + ")\n  fingerprint " + w.at("fingerprint").get<std::string>() +
                    "\n  registered at height " + std::to_string(w.at("height").get<uint64_t>()) + "\n  owners:";
    for (const auto& o : w.at("owners"))
        s += "\n    " + o.at("address").get<std::string>() + "  " + std::to_string(o.at("bps").get<int>()) + " bps";
    return s;
}

// The consent digest of a new ownership: chain id and shares version from the node, or from
// --chain-id (or $FOLIO_CHAIN_ID) and --shares-version when offline.
// The chain id and the work's shares version that an owners' consent signs: from the node, or from
// --chain-id (or $FOLIO_CHAIN_ID) and --shares-version when offline.
std::pair<std::string, uint64_t> ChainAndSharesVersion(const Ctx& c, uint64_t work) {
    std::optional<uint64_t> version;
    if (auto v = c.args.Opt("shares-version")) version = ParseU64(*v, "--shares-version");
    if (c.args.Flag("offline")) {
        if (!version) throw UsageError("--offline needs --shares-version N (from `folio work show`)");
        return {OfflineChainId(c), *version};
    }
    RpcClient rpc(NodeUrl(c));
    std::string chain_id = rpc.Call("chain_info", json::object()).at("chain_id").get<std::string>();
    if (!version) version = U64Of(rpc.Call("work_get", {{"id", work}}), "shares_version");
    return {chain_id, *version};
}

Hash256 SharesDigest(const Ctx& c, uint64_t work, const std::vector<Share>& owners) {
    const auto [chain_id, version] = ChainAndSharesVersion(c, work);
    return protocol::TransferSharesDigest(chain_id, work, version, owners);
}

// An owner's consent: signs `digest` with --key and prints OWNER_ADDR:SIGHEX for the sender.
int PrintConsent(Ctx& c, const Hash256& digest) {
    auto signer = Unlock(c);
    auto sig = SignSchnorr(signer->sk, digest, RandomAux());
    if (!sig) throw CliError("signing failed");
    std::string line = signer->address.hex() + ":" + sig->hex();
    Print(c, {{"owner", signer->address.hex()}, {"signature", sig->hex()}, {"consent", line}, {"digest", digest.hex()}}, line);
    return 0;
}

// Consents from --consent-key (signed here) and --consent OWNER:SIG (checked against `digest`).
std::vector<Consent> CollectConsents(Ctx& c, const Hash256& digest, const std::string& what) {
    std::vector<Consent> out;
    for (const std::string& name : c.args.All("consent-key")) {
        auto s = UnlockNamed(c, name);
        auto sig = SignSchnorr(s->sk, digest, RandomAux());
        if (!sig) throw CliError("signing with key '" + name + "' failed");
        out.push_back({s->address, *sig});
    }
    for (const std::string& spec : c.args.All("consent")) {
        auto colon = spec.find(':');
        if (colon == std::string::npos) throw UsageError("--consent must be OWNER_ADDR:SIGHEX");
        auto sig = Signature::FromHexStr(spec.substr(colon + 1));
        if (!sig) throw UsageError("--consent: the signature must be 128 hex characters");
        Address owner = ParseAddr(spec.substr(0, colon), "--consent");
        if (!VerifySchnorr(owner, digest, *sig)) throw UsageError("--consent: the signature of " + owner.hex() + " does not sign " + what);
        out.push_back({owner, *sig});
    }
    std::sort(out.begin(), out.end(), [](const Consent& x, const Consent& y) { return x.owner < y.owner; });
    out.erase(std::unique(out.begin(), out.end(), [](const Consent& x, const Consent& y) { return x.owner == y.owner; }), out.end());
    return out;
}

// `folio work transfer-shares|consent WORK_ID --owner ADDR:BPS ...`.
int RunWorkShares(Ctx& c) {
    const std::string& sub = c.args.pos[1];
    uint64_t work = ParseU64(Pos(c, 2, "folio work transfer-shares|consent WORK_ID --owner ADDR:BPS ..."), "WORK_ID");
    std::vector<Share> owners = ParseShares(c.args.All("owner"));
    Hash256 digest = SharesDigest(c, work, owners);
    if (sub == "consent") return PrintConsent(c, digest);
    TransferSharesTx t;
    t.work = work;
    t.owners = owners;
    t.consents = CollectConsents(c, digest, "these owners of work " + std::to_string(work) + " at this shares version");
    auto st = Send(c, t);
    if (!st) return 0;
    std::string h = "work " + std::to_string(work) + " now owned by:";
    for (const Share& s : owners) h += "\n  " + Show(s.owner) + "  " + std::to_string(s.bps) + " bps";
    Print(c, *st, h + "\n" + TxLine(*st));
    return 0;
}


// `folio work attach WORK_ID CONTRACT`, `folio work detach WORK_ID`, `folio work consent-attach
// WORK_ID CONTRACT|none`: route the work's revenue through a contract, with every owner's consent.
int RunWorkAttach(Ctx& c) {
    const std::string& sub = c.args.pos[1];
    uint64_t work = ParseU64(Pos(c, 2, "folio work attach|detach|consent-attach WORK_ID [CONTRACT]"), "WORK_ID");
    Address contract;
    if (sub != "detach") {
        const std::string& spec = Pos(c, 3, "folio work attach|consent-attach WORK_ID CONTRACT");
        if (spec != "none") {
            auto h = Hash256::FromHexStr(spec);  // a contract's address is a hash: 64 hex digits
            if (!h) throw UsageError("CONTRACT: '" + spec + "' is not a contract address (64 hex digits) or none");
            contract = Address::FromView(h->view());
        }
    }
    const auto [chain_id, version] = ChainAndSharesVersion(c, work);
    Hash256 digest = protocol::AttachContractDigest(chain_id, work, version, contract);
    const std::string what = contract.IsZero() ? "detaching work " + std::to_string(work) + "'s contract"
                                               : "attaching " + contract.hex() + " to work " + std::to_string(work);
    if (sub == "consent-attach") return PrintConsent(c, digest);
    AttachContractTx t{work, contract, CollectConsents(c, digest, what + " at this shares version")};
    auto st = Send(c, t);
    if (!st) return 0;
    Print(c, *st, (contract.IsZero() ? "work " + std::to_string(work) + "'s revenue flows through its revenue split again"
                                     : "work " + std::to_string(work) + "'s revenue now flows through " + contract.hex()) +
                      "\n" + TxLine(*st));
    return 0;
}

// `folio work recoup WORK_ID --payee ADDR --amount AMOUNT CUR` (amount 0 removes) and
// `folio work consent-recoup ...`: an advance recouped first, with every owner's consent.
int RunWorkRecoup(Ctx& c) {
    const std::string& sub = c.args.pos[1];
    uint64_t work = ParseU64(Pos(c, 2, "folio work recoup|consent-recoup WORK_ID --payee ADDR --amount AMOUNT CUR"), "WORK_ID");
    Address payee = ParseAddr(c.args.Need("payee"), "--payee");
    Money m = ParseMoneyPair(c.args.Need("amount"), true, "--amount");
    const auto [chain_id, version] = ChainAndSharesVersion(c, work);
    Hash256 digest = protocol::RecoupmentDigest(chain_id, work, version, payee, m.currency, m.amount);
    const std::string what = "a recoupment of " + FormatMoney(m.amount, m.currency) + " for " + payee.hex() + " on work " + std::to_string(work);
    if (sub == "consent-recoup") return PrintConsent(c, digest);
    SetRecoupmentTx t{work, payee, m.currency, m.amount, CollectConsents(c, digest, what + " at this shares version")};
    auto st = Send(c, t);
    if (!st) return 0;
    Print(c, *st, (m.amount == 0 ? "work " + std::to_string(work) + " has no recoupment any more"
                                 : "work " + std::to_string(work) + ": its revenue in " + m.currency + " goes to " + Show(payee) +
                                       " first, until " + FormatMoney(m.amount, m.currency) + " is recouped") +
                      "\n" + TxLine(*st));
    return 0;
}

Bytes HexField(const json& j, const char* name) {
    if (!j.contains(name) || !j.at(name).is_string()) throw CliError(std::string("certificate: missing field '") + name + "'");
    auto b = FromHex(j.at(name).get<std::string>());
    if (!b) throw CliError(std::string("certificate: field '") + name + "' is not hex");
    return *b;
}

json ReadJsonFile(const std::string& path, const char* what) {
    std::ifstream f(path);
    if (!f) throw CliError(std::string("cannot read the ") + what + " " + path);
    try {
        return json::parse(f);
    } catch (const std::exception& e) {
        throw CliError(std::string("the ") + what + " " + path + " is not JSON: " + e.what());
    }
}

// `folio work certificate WORK_ID -o FILE`.
int RunWorkCertificate(Ctx& c) {
    const char* usage = "folio work certificate WORK_ID -o FILE";
    uint64_t id = ParseU64(Pos(c, 2, usage), "WORK_ID");
    std::string out = c.args.Opt("o").value_or(c.args.Opt("output").value_or(""));
    if (out.empty()) throw UsageError(std::string("usage: ") + usage);
    RpcClient rpc(NodeUrl(c));
    json cert = rpc.Call("work_certificate", {{"id", id}});
    std::ofstream f(out);
    f << cert.dump(2) << "\n";
    if (!f) throw CliError("cannot write " + out);
    Print(c, {{"file", out}, {"work", id}, {"height", cert.value("height", 0)}},
          "certificate of work " + std::to_string(id) + " (certified at height " + Txt(cert, "height") + ") written to " + out);
    return 0;
}

// The readable part of a certificate as the signed data says it must read: what a person reads
// (the work, the heights and times, the registrant) rebuilt from the decoded record, headers and
// transaction, in the shape work_certificate writes (docs/certificates.md, "Readable fields").
json ExpectedWork(const Work& w) {
    json ids = json::object();
    if (!w.ids.isrc.empty()) ids["isrc"] = w.ids.isrc;
    if (!w.ids.iswc.empty()) ids["iswc"] = w.ids.iswc;
    if (!w.ids.isan.empty()) ids["isan"] = w.ids.isan;
    if (!w.ids.eidr.empty()) ids["eidr"] = w.ids.eidr;
    json owners = json::array();
    for (const Share& o : w.owners) owners.push_back({{"address", o.owner.hex()}, {"bps", o.bps}});
    return {{"id", w.id},
            {"fingerprint", w.fingerprint.hex()},
            {"title", w.title},
            {"kind", WorkKindName(w.kind)},
            {"industry_ids", ids},
            {"metadata_hash", w.metadata_hash.IsZero() ? json(nullptr) : json(w.metadata_hash.hex())},
            {"metadata_uri", w.metadata_uri},
            {"owners", owners},
            {"registrant", w.registrant.hex()},
            {"height", w.registered_height},
            {"time_ms", w.registered_time_ms}};
}

// "" when every readable field of `cert` equals `expected`'s (and there is no other); else the
// first that does not, by its path ("work.title").
std::string ReadableMismatch(const json& cert, const json& expected, const std::string& path = "") {
    for (const auto& [k, v] : expected.items()) {
        const std::string at = path.empty() ? k : path + "." + k;
        if (!cert.contains(k)) return at + " is missing";
        if (v.is_object() && cert.at(k).is_object()) {
            if (std::string why = ReadableMismatch(cert.at(k), v, at); !why.empty()) return why;
            for (const auto& [ck, cv] : cert.at(k).items())
                if (!v.contains(ck) && !(path.empty() && k == "registration"))
                    return at + "." + ck + " is not a field of the certificate";
        } else if (cert.at(k) != v) {
            return at + " reads " + cert.at(k).dump() + " but the signed data says " + v.dump();
        }
    }
    return "";
}

// `folio work verify FILE --certificate C --genesis G` (offline).
int RunWorkVerify(Ctx& c) {
    const char* usage = "folio work verify FILE --certificate FILE --genesis FILE";
    const std::string& file = Pos(c, 2, usage);
    json cert = ReadJsonFile(c.args.Need("certificate"), "certificate");
    json genesis = ReadJsonFile(c.args.Need("genesis"), "genesis");
    // The genesis read as the node reads it; its hash recomputed (the chain's identity).
    auto doc = api::ParseGenesisDoc(genesis);
    if (!doc) throw CliError(doc.error().What());
    auto block0 = state::MakeGenesisBlock(*doc);
    if (!block0) throw CliError("genesis: " + block0.error());
    std::vector<PublicKey> validators;
    json genesis_validators = json::array();
    for (const auto& v : doc->validators) {
        validators.push_back(v.key);
        genesis_validators.push_back(v.key.hex());
    }
    const std::string& chain_id = doc->chain_id;
    if (const json format = cert.value("format", json("missing")); format != "folio-work-certificate/2")
        throw CliError(format == "folio-work-certificate/1"
                           ? "certificate: format is \"folio-work-certificate/1\", not \"folio-work-certificate/2\" (a certificate of version 1 "
                             "carries no registration proof: fetch a new one)"
                           : "not a work certificate: format is " + format.dump() + ", not \"folio-work-certificate/2\"");
    WorkCertificate wc;
    wc.chain_id = cert.value("chain_id", "");
    wc.work_record = HexField(cert, "work_record");
    wc.proof = HexField(cert, "proof");
    wc.header = HexField(cert, "header");
    wc.commit = HexField(cert, "commit");
    for (const auto& h : cert.value("validator_handoffs", json::array()))
        wc.handoffs.push_back(FromHex(h.is_string() ? h.get<std::string>() : "").value_or(Bytes{}));
    if (!cert.contains("registration") || !cert.at("registration").is_object()) throw CliError("certificate: missing field 'registration'");
    const json& reg = cert.at("registration");
    wc.registration = {HexField(reg, "header"),  HexField(reg, "commit"),  HexField(reg, "tx"),
                       HexField(reg, "tx_proof"), HexField(reg, "receipt"), HexField(reg, "receipt_proof")};
    Hash256 fp = Fingerprint(file, !c.json_out);
    std::string why = VerifyWorkCertificate(fp, wc, chain_id, validators);
    auto work = DecodeWork(wc.work_record);
    auto header = DecodeHeader(wc.header);
    auto tx = DecodeTx(wc.registration.tx);
    if (why.empty() && cert.value("genesis_hash", "") != block0->hash.hex())
        why = "the certificate names genesis " + cert.value("genesis_hash", json("none")).dump() + "; the genesis document's hash is " +
              block0->hash.hex();
    if (why.empty()) {
        // Every field a person reads must be what the signed data says.
        json expected = {{"format", "folio-work-certificate/2"},
                         {"chain_id", chain_id},
                         {"genesis_hash", block0->hash.hex()},
                         {"work", ExpectedWork(*work)},
                         {"height", header->height},
                         {"genesis_validators", genesis_validators},
                         {"registration",
                          {{"height", work->registered_height},
                           {"time_ms", work->registered_time_ms},
                           {"tx_hash", TxId(*tx).hex()},
                           {"registrant", tx->sender.hex()}}}};
        if (std::string m = ReadableMismatch(cert, expected); !m.empty()) why = "a readable field was changed: " + m;
        for (const auto& [k, v] : cert.items())
            if (why.empty() && !expected.contains(k) && k != "work_record" && k != "proof" && k != "header" && k != "commit" &&
                k != "validator_handoffs")
                why = k + " is not a field of the certificate";
        for (const auto& [k, v] : reg.items())
            if (why.empty() && !expected["registration"].contains(k) && k != "header" && k != "commit" && k != "tx" &&
                k != "tx_proof" && k != "receipt" && k != "receipt_proof")
                why = "registration." + k + " is not a field of the certificate";
    }
    json out = {{"valid", why.empty()}, {"file", file}, {"fingerprint", fp.hex()}};
    if (!why.empty()) {
        out["reason"] = why;
        if (c.json_out) std::cout << out.dump() << "\n";
        throw CliError("certificate does NOT verify: " + why);
    }
    out["work"] = work->id;
    out["title"] = work->title;
    out["height"] = header->height;
    out["registered_height"] = work->registered_height;
    out["registered_time_ms"] = work->registered_time_ms;
    out["registration_tx"] = TxId(*tx).hex();
    out["registrant"] = tx->sender.hex();
    out["genesis_hash"] = block0->hash.hex();
    std::string owners;
    for (const auto& s : work->owners) owners += "\n    " + Show(s.owner) + " " + std::to_string(s.bps) + " bps";
    Print(c, out,
          "certificate verifies: " + file + " is work " + std::to_string(work->id) + " \"" + work->title + "\" on chain " + chain_id +
              " (genesis " + block0->hash.hex() + ")\n  registered at height " + std::to_string(work->registered_height) + ", " +
              FormatTimeRfc3339(work->registered_time_ms) + ", by " + Show(tx->sender) + " in transaction " + TxId(*tx).hex() +
              " (its signature, its receipt and the block's validator signatures checked)\n  owners in the state certified at height " +
              std::to_string(header->height) + ":" + owners);
    return 0;
}

}  // namespace

int CmdWork(Ctx& c) {
    if (c.args.pos.size() >= 2) {
        const std::string& sub = c.args.pos[1];
        if (sub == "transfer-shares" || sub == "consent") return RunWorkShares(c);
        if (sub == "attach" || sub == "detach" || sub == "consent-attach") return RunWorkAttach(c);
        if (sub == "recoup" || sub == "consent-recoup") return RunWorkRecoup(c);
        if (sub == "certificate") return RunWorkCertificate(c);
        if (sub == "verify") return RunWorkVerify(c);
    }
    if (c.args.pos.size() < 3) throw UsageError("usage: folio work register|show|find ...");
    const std::string& sub = c.args.pos[1];
    if (sub == "register") {
        const std::string& file = c.args.pos[2];
        RegisterWorkTx b;
        b.fingerprint = Fingerprint(file, !c.json_out);
        b.title = c.args.Need("title");
        auto kind = ParseWorkKind(c.args.Opt("kind").value_or("other"));
        if (!kind) throw UsageError("--kind must be film, series, song, game, book, image or other");
        b.kind = *kind;
        b.ids.isrc = c.args.Opt("isrc").value_or("");
        b.ids.iswc = c.args.Opt("iswc").value_or("");
        b.ids.isan = c.args.Opt("isan").value_or("");
        b.ids.eidr = c.args.Opt("eidr").value_or("");
        b.metadata_uri = c.args.Opt("metadata-uri").value_or("");
        if (auto mh = c.args.Opt("metadata-hash")) {
            auto h = Hash256::FromHexStr(*mh);
            if (!h) throw UsageError("--metadata-hash must be 64 hex characters");
            b.metadata_hash = *h;
        }
        for (const std::string& o : c.args.All("owner")) {
            auto colon = o.find(':');
            if (colon == std::string::npos) throw UsageError("--owner must be ADDR:BPS");
            auto addr = ParseAddress(o.substr(0, colon));
            if (!addr) throw UsageError("--owner: not a valid address: " + o.substr(0, colon));
            unsigned long bps = 0;
            try {
                bps = std::stoul(o.substr(colon + 1));
            } catch (...) {
                throw UsageError("--owner: BPS must be a number: " + o);
            }
            if (bps == 0 || bps > 10000) throw UsageError("--owner: BPS must be 1..10000: " + o);
            b.owners.push_back({*addr, static_cast<uint16_t>(bps)});
        }
        json result;
        if (b.owners.empty()) {
            // The signer owns 100% by default: its address comes from the keystore (no password needed).
            cli::Keystore ks = c.Keys();
            std::string name = c.args.Opt("key").value_or("");
            if (name.empty()) {
                auto list = ks.List();
                if (!list || list->size() != 1) throw UsageError("choose a signing key with --key NAME");
                name = list->front().name;
            }
            auto info = ks.Show(name);
            if (!info) throw CliError(info.error().message);
            b.owners.push_back({info->address, 10000});
        }
        std::sort(b.owners.begin(), b.owners.end(), [](const Share& x, const Share& y) { return x.owner < y.owner; });
        for (size_t i = 1; i < b.owners.size(); ++i)
            if (b.owners[i].owner == b.owners[i - 1].owner) throw UsageError("--owner lists an address twice");
        std::string fp = b.fingerprint.hex();
        result = SignAndSend(c, b);
        if (result.is_null()) return 0;  // offline
        RequireSuccess(result);
        if (result.value("status", "") == "pending") {
            Print(c, {{"fingerprint", fp}, {"tx", result["hash"]}, {"status", "pending"}}, "submitted " + result["hash"].get<std::string>());
            return 0;
        }
        uint64_t work_id = 0;
        for (const auto& e : result.value("events", json::array()))
            if (e.value("type", "") == "work_registered") work_id = e.at("work").get<uint64_t>();
        json out = {{"work_id", work_id}, {"fingerprint", fp}, {"tx", result.at("hash")}, {"height", result.at("height")}};
        Print(c, out,
              "registered work " + std::to_string(work_id) + "\n  fingerprint " + fp + "\n  tx " + result.at("hash").get<std::string>() +
                  "\n  height " + std::to_string(result.at("height").get<uint64_t>()));
        return 0;
    }
    cli::RpcClient rpc(NodeUrl(c));
    if (sub == "show") {
        uint64_t id = 0;
        try {
            id = std::stoull(c.args.pos[2]);
        } catch (...) {
            throw UsageError("WORK_ID must be a number");
        }
        json w = rpc.Call("work_get", {{"id", id}});
        Print(c, w, WorkHuman(w));
        return 0;
    }
    if (sub == "find") {
        Hash256 fp = Fingerprint(c.args.pos[2], !c.json_out);
        json w = WorkByFingerprint(rpc, fp);
        Print(c, w, WorkHuman(w));
        return 0;
    }
    throw UsageError("unknown command: folio work " + sub);
}

int CmdFingerprint(Ctx& c) {
    if (c.args.pos.size() < 2) throw UsageError("usage: folio fingerprint FILE");
    Hash256 fp = Fingerprint(c.args.pos[1], !c.json_out);
    Print(c, {{"file", c.args.pos[1]}, {"fingerprint", fp.hex()}}, fp.hex() + "  " + c.args.pos[1]);
    return 0;
}

}  // namespace folio::cli
