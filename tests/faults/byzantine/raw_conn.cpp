#include "raw_conn.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <node/net/wire.h>

namespace folio::byz {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

const char* RawAttackName(RawAttack a) {
    switch (a) {
        case RawAttack::GARBAGE:
            return "garbage_after_handshake";
        case RawAttack::BAD_AUTH_FRAME:
            return "frame_failing_authentication";
        case RawAttack::OVERSIZE_HEADER:
            return "frame_length_over_max";
        case RawAttack::BAD_TYPE_FRAME:
            return "frame_of_unknown_type";
        case RawAttack::LATE_ACCEPT:
            return "accept_from_dialler";
    }
    return "?";
}

namespace {

void SetRecvTimeout(tcp::socket& s, int ms) {
    timeval tv{};
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool ReadExact(tcp::socket& s, Bytes& buf, size_t n) {
    buf.resize(n);
    boost::system::error_code ec;
    asio::read(s, asio::buffer(buf), ec);
    return !ec;
}

bool WriteAll(tcp::socket& s, ByteView b, uint64_t& sent) {
    boost::system::error_code ec;
    size_t n = asio::write(s, asio::buffer(b.data(), b.size()), ec);
    sent += n;
    return !ec;
}

}  // namespace

RawResult RawAttackOnce(const std::string& chain_id, const SecretKey& sk, const PublicKey& self,
                        const net::PeerAddr& to, RawAttack attack, size_t max_frame_bytes, Rng& rng, int wait_ms) {
    RawResult res;
    asio::io_context io;
    tcp::socket s(io);
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    auto eps = resolver.resolve(to.host, std::to_string(to.port), ec);
    if (!ec) asio::connect(s, eps, ec);
    if (ec) {
        res.error = "connect: " + ec.message();
        return res;
    }
    SetRecvTimeout(s, 5000);
    net::EphemeralKeyPair eph = net::NewEphemeral();
    Bytes hello = net::EncodeHello(net::Hello{eph.pk});
    Bytes buf;
    if (!WriteAll(s, hello, res.bytes_sent) || !ReadExact(s, buf, net::RESPONSE_SIZE)) {
        res.error = "refused";
        return res;
    }
    auto resp = net::DecodeResponse(buf);
    if (!resp) {
        res.error = std::string("bad response: ") + net::WireErrorName(resp.error());
        return res;
    }
    const net::X25519Key eph_r = resp.value().eph;
    if (resp.value().auth.key != to.key ||
        !net::VerifyAuth(resp.value().auth, chain_id, eph.pk, eph_r, net::Role::RESPONDER)) {
        res.error = "the responder's key or signature is not the expected one";
        return res;
    }
    auto auth = net::MakeAuth(sk, chain_id, eph.pk, eph_r, net::Role::INITIATOR);
    auto keys = net::DeriveSessionKeys(chain_id, eph.sk, eph_r, eph.pk, eph_r, self, to.key);
    if (!auth || !keys) {
        res.error = "handshake computation failed";
        return res;
    }
    Bytes header;
    if (!WriteAll(s, net::EncodeAuth(*auth), res.bytes_sent) || !ReadExact(s, header, net::FRAME_HEADER_SIZE)) {
        res.error = "refused";
        return res;
    }
    auto len = net::ParseFrameLength(header, max_frame_bytes);
    Bytes ct;
    if (!len || !ReadExact(s, ct, len.value())) {
        res.error = "refused";
        return res;
    }
    net::FrameCipher rx(keys.value().r2i), tx(keys.value().i2r);
    auto accept = rx.Open(header, ct);
    if (!accept || accept.value().type != net::FrameType::ACCEPT) {
        res.error = "no ACCEPT frame";
        return res;
    }
    res.handshake_ok = true;

    Bytes out;
    switch (attack) {
        case RawAttack::GARBAGE:
            out = rng.Fill(4096);
            break;
        case RawAttack::BAD_AUTH_FRAME: {
            (void)tx.Seal(net::FrameType::DATA, rng.Fill(200), max_frame_bytes, out);
            out[net::FRAME_HEADER_SIZE + 7] ^= 0x20;
            break;
        }
        case RawAttack::OVERSIZE_HEADER: {
            Writer w;
            w.U32(static_cast<uint32_t>(max_frame_bytes + 1));
            out = w.bytes();
            Bytes body = rng.Fill(64 * 1024);
            out.insert(out.end(), body.begin(), body.end());
            break;
        }
        case RawAttack::BAD_TYPE_FRAME:
            (void)tx.Seal(static_cast<net::FrameType>(9), rng.Fill(64), max_frame_bytes, out);
            break;
        case RawAttack::LATE_ACCEPT:
            (void)tx.Seal(net::FrameType::ACCEPT, {}, max_frame_bytes, out);
            break;
    }
    WriteAll(s, out, res.bytes_sent);
    // The peer must close: read (discarding its pings and messages) until EOF or the wait ends
    // (by the clock: a peer that streams messages makes every read return at once).
    SetRecvTimeout(s, 250);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        uint8_t sink[4096];
        size_t n = s.read_some(asio::buffer(sink), ec);
        if (ec == asio::error::eof || ec == asio::error::connection_reset) {
            res.closed_by_peer = true;
            break;
        }
        if (ec && ec != asio::error::would_block && ec != asio::error::try_again && ec != asio::error::timed_out) {
            res.closed_by_peer = true;
            break;
        }
        (void)n;
    }
    return res;
}

}  // namespace folio::byz
