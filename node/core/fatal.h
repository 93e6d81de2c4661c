#pragma once
// The one fatal path (docs/architecture.md, "Invalid vs error"). A local failure that the node
// must not survive — its own store does not decode, a write it cannot make, an invariant of its
// own state broken — calls Fatal with the component and a message. Fatal never returns: it hands
// the message to the installed handler (foliod installs its logger, node/log) and aborts, so the
// node stops rather than diverge from its peers. Never use it for bad input: that is an invalid
// transaction or message, answered with an error.
// Thread-safety: Fatal may be called from any thread; SetFatalHandler once at start-up.
#include <string_view>

namespace folio {

using FatalHandler = void (*)(std::string_view component, std::string_view message) noexcept;

// Installs `h` (nullptr: the default, one line on stderr). Returns the previous handler.
FatalHandler SetFatalHandler(FatalHandler h) noexcept;

[[noreturn]] void Fatal(std::string_view component, std::string_view message) noexcept;

}  // namespace folio
