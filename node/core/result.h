#pragma once
// Result<T, E>: the value of an operation that can fail in an expected way. Pure code returns
// it instead of throwing. E is usually a per-module `enum class` or an `Error` with a message.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace folio {

template <typename E>
struct Unexpected {
    E error;
};
template <typename E>
Unexpected<std::decay_t<E>> Fail(E&& e) { return {std::forward<E>(e)}; }

template <typename T, typename E>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    template <typename E2>
    Result(Unexpected<E2> u) : m_v(std::in_place_index<1>, E(std::move(u.error))) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { assert(ok()); return std::get<0>(m_v); }
    const T& value() const& { assert(ok()); return std::get<0>(m_v); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(m_v)); }
    const E& error() const { assert(!ok()); return std::get<1>(m_v); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, E> m_v;
};

// Result<void, E>.
struct Ok {};
template <typename E>
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Ok) {}
    template <typename E2>
    Status(Unexpected<E2> u) : m_err(E(std::move(u.error))), m_failed(true) {}
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const E& error() const { assert(m_failed); return m_err; }

private:
    E m_err{};
    bool m_failed = false;
};

}  // namespace folio
