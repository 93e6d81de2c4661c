#include <node/net/ports.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace folio::net {

std::vector<uint16_t> FreeLoopbackPorts(size_t n, uint32_t seed) {
    constexpr unsigned LOW = 20000, HIGH = 32000;
    boost::asio::io_context io;
    std::vector<boost::asio::ip::tcp::acceptor> held;  // kept open until all are found: distinct
    std::vector<uint16_t> ports;
    auto candidate = static_cast<uint16_t>(LOW + seed % (HIGH - LOW));
    for (unsigned tries = 0; ports.size() < n && tries < HIGH - LOW; ++tries) {
        if (++candidate >= HIGH) candidate = LOW;
        boost::system::error_code ec;
        boost::asio::ip::tcp::acceptor a(io);
        boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), candidate);
        a.open(ep.protocol(), ec);
        if (!ec) a.bind(ep, ec);
        if (ec) continue;
        held.push_back(std::move(a));
        ports.push_back(candidate);
    }
    return ports;  // the acceptors close here
}

}  // namespace folio::net
