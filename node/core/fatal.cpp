#include <node/core/fatal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace folio {
namespace {

void DefaultHandler(std::string_view component, std::string_view message) noexcept {
    // The one place pure code reaches stderr: the process is about to end.
    std::fprintf(stderr, "foliod: fatal: %.*s: %.*s\n", static_cast<int>(component.size()), component.data(),
                 static_cast<int>(message.size()), message.data());
    std::fflush(stderr);
}

std::atomic<FatalHandler> g_handler{&DefaultHandler};

}  // namespace

FatalHandler SetFatalHandler(FatalHandler h) noexcept { return g_handler.exchange(h ? h : &DefaultHandler); }

void Fatal(std::string_view component, std::string_view message) noexcept {
    g_handler.load()(component, message);
    std::abort();
}

}  // namespace folio
