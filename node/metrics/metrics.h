#pragma once
// Prometheus metrics of the node's shell (docs/operations.md, "Metrics"): counters, gauges and
// histograms with fixed buckets, optionally in labelled families, collected in a Registry that
// renders the text exposition format 0.0.4. Pure modules never use it (docs/architecture.md).
//
// Hot path: an update of a Counter, Gauge or Histogram is a few relaxed atomic operations, with
// no lock and no allocation. Family::With takes the family's mutex to find (or, the first time,
// create) a child and allocates nothing when the child exists; callers that know their label
// values in advance keep the returned reference, which is valid as long as the registry.
//
// Names follow Prometheus' conventions and are checked when registered (std::invalid_argument
// otherwise): every name starts with "folio_", a counter's ends in "_total", units are spelled in
// the name (_seconds, _bytes), and no two metrics share a name.
//
// Thread-safety: everything may be called from any thread. Callbacks (the *Func metrics) run on
// the thread that calls Render, under the registry's lock: they must be thread-safe, quick, and
// must not call into the registry.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <node/core/sync.h>

namespace folio::metrics {

inline constexpr std::string_view PREFIX = "folio_";
// The Content-Type of Registry::Render's output.
inline constexpr std::string_view CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

// A value that only goes up (resets when the process restarts).
class Counter {
public:
    void Inc(uint64_t n = 1) { m_value.fetch_add(n, std::memory_order_relaxed); }
    uint64_t Value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<uint64_t> m_value{0};
};

// A value that goes up and down.
class Gauge {
public:
    void Set(int64_t v) { m_value.store(v, std::memory_order_relaxed); }
    void Add(int64_t d) { m_value.fetch_add(d, std::memory_order_relaxed); }
    int64_t Value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<int64_t> m_value{0};
};

// Observations counted into fixed buckets (upper bounds, inclusive: Prometheus' `le`), plus
// their count and sum. A reader may see an observation in its bucket before it is in the sum.
class Histogram {
public:
    // `bounds`: finite and strictly increasing (checked by the registry); +Inf is implied.
    explicit Histogram(std::vector<double> bounds);
    // NaN is ignored.
    void Observe(double v);
    const std::vector<double>& Bounds() const { return m_bounds; }
    // Per bucket (the bounds', then +Inf) the number of observations at or below it.
    std::vector<uint64_t> Cumulative() const;
    double Sum() const { return m_sum.load(std::memory_order_relaxed); }

private:
    const std::vector<double> m_bounds;
    std::unique_ptr<std::atomic<uint64_t>[]> m_counts;  // m_bounds.size() + 1, not cumulative
    std::atomic<double> m_sum{0};
};

// Bucket bounds for durations in seconds: 100 µs to 10 s.
std::vector<double> LatencyBuckets();
// `count` bounds start, start*factor, start*factor^2, ...
std::vector<double> ExponentialBuckets(double start, double factor, size_t count);

// Label values of one child, one per label name of its family, in the same order.
using Labels = std::initializer_list<std::string_view>;

// Children of one metric, one per combination of label values, created at zero on first use.
template <typename M>
class Family {
public:
    // The child for `values` (one per label name; std::invalid_argument otherwise). The reference
    // stays valid as long as the family (so the registry) does.
    M& With(Labels values) { return With(std::span<const std::string_view>(values.begin(), values.size())); }
    M& With(std::span<const std::string_view> values);
    const std::vector<std::string>& LabelNames() const { return m_label_names; }
    // Calls fn(label values, child) for every child, in label-value order, under the family's lock.
    void ForEach(const std::function<void(const std::vector<std::string>&, const M&)>& fn) const;

    Family(std::vector<std::string> label_names, std::function<std::unique_ptr<M>()> make)
        : m_label_names(std::move(label_names)), m_make(std::move(make)) {}

private:
    struct Less {
        using is_transparent = void;
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const {
            return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                                [](std::string_view x, std::string_view y) { return x < y; });
        }
    };
    const std::vector<std::string> m_label_names;
    const std::function<std::unique_ptr<M>()> m_make;
    mutable Mutex m_mu;
    std::map<std::vector<std::string>, std::unique_ptr<M>, Less> m_children GUARDED_BY(m_mu);
};

enum class Type : uint8_t { COUNTER, GAUGE, HISTOGRAM };

// One sample of a callback metric: its label values (one per label name) and its value.
struct Sample {
    std::vector<std::string> labels;
    double value = 0;
};

class Registry {
public:
    Registry() = default;
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Metrics the caller updates. `help` says what one unit of it is; `labels` are label names.
    Counter& AddCounter(std::string name, std::string help);
    Family<Counter>& AddCounterFamily(std::string name, std::string help, std::vector<std::string> labels);
    Gauge& AddGauge(std::string name, std::string help);
    Family<Gauge>& AddGaugeFamily(std::string name, std::string help, std::vector<std::string> labels);
    Histogram& AddHistogram(std::string name, std::string help, std::vector<double> bounds);
    Family<Histogram>& AddHistogramFamily(std::string name, std::string help, std::vector<std::string> labels,
                                          std::vector<double> bounds);

    // Metrics read when rendering: `fn` gives the current value (nullopt: no sample this time),
    // or, for a labelled one, the current samples. A counter callback must never go down.
    void AddGaugeFunc(std::string name, std::string help, std::function<std::optional<double>()> fn);
    void AddCounterFunc(std::string name, std::string help, std::function<std::optional<double>()> fn);
    void AddFunc(Type type, std::string name, std::string help, std::vector<std::string> labels,
                 std::function<std::vector<Sample>()> fn);

    // Every metric in the text exposition format 0.0.4, sorted by name: HELP and TYPE lines,
    // then the samples (children in label-value order; none for a family without children yet or
    // a callback without a value).
    std::string Render() const;

private:
    struct Func {
        std::vector<std::string> labels;
        std::function<std::vector<Sample>()> fn;
    };
    using Body = std::variant<std::unique_ptr<Counter>, std::unique_ptr<Family<Counter>>, std::unique_ptr<Gauge>,
                              std::unique_ptr<Family<Gauge>>, std::unique_ptr<Histogram>,
                              std::unique_ptr<Family<Histogram>>, Func>;
    struct Entry {
        Type type;
        std::string help;
        Body body;
    };
    // Checks the name and labels (std::invalid_argument) and stores the entry; returns its body.
    Body& Add(Type type, std::string name, std::string help, const std::vector<std::string>& labels, Body body);

    mutable Mutex m_mu;
    std::map<std::string, Entry, std::less<>> m_entries GUARDED_BY(m_mu);
};

// The text format's escaping: of a HELP text (backslash, newline) and of a label value
// (backslash, double quote, newline).
std::string EscapeHelp(std::string_view s);
std::string EscapeLabelValue(std::string_view s);
// A sample value as the text format writes it: a whole number below 1e15 as an integer, else the
// shortest round-trip decimal; +Inf, -Inf, NaN.
std::string FormatValue(double v);

// ---------------------------------------------------------------------------------------------

template <typename M>
M& Family<M>::With(std::span<const std::string_view> values) {
    if (values.size() != m_label_names.size())
        throw std::invalid_argument("metrics: " + std::to_string(values.size()) + " label values for " +
                                    std::to_string(m_label_names.size()) + " labels");
    MutexLock lock(m_mu);
    auto it = m_children.find(values);
    if (it == m_children.end()) {
        std::vector<std::string> key(values.begin(), values.end());
        it = m_children.emplace(std::move(key), m_make()).first;
    }
    return *it->second;
}

template <typename M>
void Family<M>::ForEach(const std::function<void(const std::vector<std::string>&, const M&)>& fn) const {
    MutexLock lock(m_mu);
    for (const auto& [values, child] : m_children) fn(values, *child);
}

}  // namespace folio::metrics
