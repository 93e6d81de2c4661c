#include <node/metrics/metrics.h>

#include <charconv>
#include <cmath>
#include <type_traits>

namespace folio::metrics {

namespace {

bool NameChar(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void CheckName(Type type, std::string_view name) {
    auto bad = [&](const std::string& why) {
        throw std::invalid_argument("metrics: bad name '" + std::string(name) + "': " + why);
    };
    if (name.substr(0, PREFIX.size()) != PREFIX || name.size() == PREFIX.size())
        bad("must start with '" + std::string(PREFIX) + "'");
    for (size_t i = 0; i < name.size(); ++i)
        if (!NameChar(name[i], i == 0) || name[i] == ':') bad("only [a-zA-Z0-9_] allowed");
    if (type == Type::COUNTER && !EndsWith(name, "_total")) bad("a counter's name ends in _total");
    if (type != Type::COUNTER && EndsWith(name, "_total")) bad("only a counter's name ends in _total");
    if (type == Type::HISTOGRAM)
        for (std::string_view s : {"_bucket", "_sum", "_count"})
            if (EndsWith(name, s)) bad("a histogram's name must not end in " + std::string(s));
}

void CheckLabels(Type type, const std::vector<std::string>& labels) {
    for (size_t i = 0; i < labels.size(); ++i) {
        const std::string& l = labels[i];
        bool ok = !l.empty() && l.substr(0, 2) != "__";
        for (size_t j = 0; ok && j < l.size(); ++j) ok = NameChar(l[j], j == 0) && l[j] != ':';
        if (!ok) throw std::invalid_argument("metrics: bad label name '" + l + "'");
        if (type == Type::HISTOGRAM && l == "le") throw std::invalid_argument("metrics: 'le' is a histogram's own label");
        for (size_t j = 0; j < i; ++j)
            if (labels[j] == l) throw std::invalid_argument("metrics: label '" + l + "' twice");
    }
}

void CheckBounds(const std::vector<double>& bounds) {
    for (size_t i = 0; i < bounds.size(); ++i) {
        if (!std::isfinite(bounds[i])) throw std::invalid_argument("metrics: a bucket bound is not finite");
        if (i > 0 && !(bounds[i - 1] < bounds[i]))
            throw std::invalid_argument("metrics: bucket bounds must increase strictly");
    }
}

const char* TypeName(Type t) {
    switch (t) {
        case Type::COUNTER: return "counter";
        case Type::GAUGE: return "gauge";
        case Type::HISTOGRAM: return "histogram";
    }
    return "untyped";
}

// `{a="x",b="y"` (no closing brace: a histogram adds le) or "" when there are no labels.
std::string OpenLabels(const std::vector<std::string>& names, const std::vector<std::string>& values) {
    if (names.empty()) return {};
    std::string out = "{";
    for (size_t i = 0; i < names.size(); ++i) {
        if (i) out += ',';
        out += names[i];
        out += "=\"";
        out += EscapeLabelValue(values[i]);
        out += '"';
    }
    return out;
}

std::string CloseLabels(const std::string& open) { return open.empty() ? open : open + "}"; }

void Line(std::string& out, std::string_view name, const std::string& labels, std::string_view value) {
    out += name;
    out += labels;
    out += ' ';
    out += value;
    out += '\n';
}

void RenderHistogram(std::string& out, std::string_view name, const std::string& open, const Histogram& h) {
    const std::vector<uint64_t> cum = h.Cumulative();
    const std::string bucket = std::string(name) + "_bucket";
    const std::string prefix = open.empty() ? "{" : open + ",";
    for (size_t i = 0; i < cum.size(); ++i) {
        const std::string le = i < h.Bounds().size() ? FormatValue(h.Bounds()[i]) : "+Inf";
        Line(out, bucket, prefix + "le=\"" + le + "\"}", std::to_string(cum[i]));
    }
    Line(out, std::string(name) + "_sum", CloseLabels(open), FormatValue(h.Sum()));
    Line(out, std::string(name) + "_count", CloseLabels(open), std::to_string(cum.back()));
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : m_bounds(std::move(bounds)), m_counts(new std::atomic<uint64_t>[m_bounds.size() + 1]) {
    for (size_t i = 0; i <= m_bounds.size(); ++i) m_counts[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
    if (std::isnan(v)) return;
    const auto i = static_cast<size_t>(std::lower_bound(m_bounds.begin(), m_bounds.end(), v) - m_bounds.begin());
    m_counts[i].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(v, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::Cumulative() const {
    std::vector<uint64_t> out(m_bounds.size() + 1);
    uint64_t total = 0;
    for (size_t i = 0; i < out.size(); ++i) out[i] = total += m_counts[i].load(std::memory_order_relaxed);
    return out;
}

std::vector<double> LatencyBuckets() {
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> ExponentialBuckets(double start, double factor, size_t count) {
    std::vector<double> out;
    out.reserve(count);
    for (double b = start; out.size() < count; b *= factor) out.push_back(b);
    return out;
}

std::string EscapeHelp(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string EscapeLabelValue(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string FormatValue(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    // Whole numbers (heights, counts, bytes) as integers: 100000, not 1e+05.
    if (v == std::trunc(v) && std::fabs(v) < 1e15) {
        auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
        return std::string(buf, r.ptr);
    }
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

Registry::Body& Registry::Add(Type type, std::string name, std::string help, const std::vector<std::string>& labels,
                              Body body) {
    CheckName(type, name);
    CheckLabels(type, labels);
    MutexLock lock(m_mu);
    auto [it, added] = m_entries.emplace(std::move(name), Entry{type, std::move(help), std::move(body)});
    if (!added) throw std::invalid_argument("metrics: '" + it->first + "' registered twice");
    return it->second.body;
}

Counter& Registry::AddCounter(std::string name, std::string help) {
    return *std::get<std::unique_ptr<Counter>>(
        Add(Type::COUNTER, std::move(name), std::move(help), {}, std::make_unique<Counter>()));
}

Family<Counter>& Registry::AddCounterFamily(std::string name, std::string help, std::vector<std::string> labels) {
    auto f = std::make_unique<Family<Counter>>(labels, [] { return std::make_unique<Counter>(); });
    return *std::get<std::unique_ptr<Family<Counter>>>(
        Add(Type::COUNTER, std::move(name), std::move(help), labels, std::move(f)));
}

Gauge& Registry::AddGauge(std::string name, std::string help) {
    return *std::get<std::unique_ptr<Gauge>>(
        Add(Type::GAUGE, std::move(name), std::move(help), {}, std::make_unique<Gauge>()));
}

Family<Gauge>& Registry::AddGaugeFamily(std::string name, std::string help, std::vector<std::string> labels) {
    auto f = std::make_unique<Family<Gauge>>(labels, [] { return std::make_unique<Gauge>(); });
    return *std::get<std::unique_ptr<Family<Gauge>>>(
        Add(Type::GAUGE, std::move(name), std::move(help), labels, std::move(f)));
}

Histogram& Registry::AddHistogram(std::string name, std::string help, std::vector<double> bounds) {
    CheckBounds(bounds);
    return *std::get<std::unique_ptr<Histogram>>(
        Add(Type::HISTOGRAM, std::move(name), std::move(help), {}, std::make_unique<Histogram>(std::move(bounds))));
}

Family<Histogram>& Registry::AddHistogramFamily(std::string name, std::string help, std::vector<std::string> labels,
                                                std::vector<double> bounds) {
    CheckBounds(bounds);
    auto f = std::make_unique<Family<Histogram>>(labels, [b = std::move(bounds)] { return std::make_unique<Histogram>(b); });
    return *std::get<std::unique_ptr<Family<Histogram>>>(
        Add(Type::HISTOGRAM, std::move(name), std::move(help), labels, std::move(f)));
}

void Registry::AddFunc(Type type, std::string name, std::string help, std::vector<std::string> labels,
                       std::function<std::vector<Sample>()> fn) {
    if (type == Type::HISTOGRAM) throw std::invalid_argument("metrics: a callback is a counter or a gauge");
    if (!fn) throw std::invalid_argument("metrics: an empty callback");
    Add(type, std::move(name), std::move(help), labels, Func{labels, std::move(fn)});
}

void Registry::AddGaugeFunc(std::string name, std::string help, std::function<std::optional<double>()> fn) {
    if (!fn) throw std::invalid_argument("metrics: an empty callback");
    AddFunc(Type::GAUGE, std::move(name), std::move(help), {}, [fn = std::move(fn)]() -> std::vector<Sample> {
        if (auto v = fn()) return {Sample{{}, *v}};
        return {};
    });
}

void Registry::AddCounterFunc(std::string name, std::string help, std::function<std::optional<double>()> fn) {
    if (!fn) throw std::invalid_argument("metrics: an empty callback");
    AddFunc(Type::COUNTER, std::move(name), std::move(help), {}, [fn = std::move(fn)]() -> std::vector<Sample> {
        if (auto v = fn()) return {Sample{{}, *v}};
        return {};
    });
}

std::string Registry::Render() const {
    std::string out;
    MutexLock lock(m_mu);
    for (const auto& entry : m_entries) {
        // Not a structured binding: clang 14 (the fuzz and sanitizer builds) cannot capture one.
        const std::string& name = entry.first;
        const auto& e = entry.second;
        std::string samples;
        std::visit(
            [&](const auto& body) {
                using B = std::decay_t<decltype(body)>;
                if constexpr (std::is_same_v<B, std::unique_ptr<Counter>>) {
                    Line(samples, name, "", std::to_string(body->Value()));
                } else if constexpr (std::is_same_v<B, std::unique_ptr<Gauge>>) {
                    Line(samples, name, "", std::to_string(body->Value()));
                } else if constexpr (std::is_same_v<B, std::unique_ptr<Histogram>>) {
                    RenderHistogram(samples, name, "", *body);
                } else if constexpr (std::is_same_v<B, std::unique_ptr<Family<Histogram>>>) {
                    body->ForEach([&](const std::vector<std::string>& values, const Histogram& h) {
                        RenderHistogram(samples, name, OpenLabels(body->LabelNames(), values), h);
                    });
                } else if constexpr (std::is_same_v<B, Func>) {
                    std::vector<Sample> got;
                    try {
                        got = body.fn();
                    } catch (const std::exception&) {  // a metric that cannot be read this time has no sample
                    }
                    for (const Sample& s : got)
                        if (s.labels.size() == body.labels.size())
                            Line(samples, name, CloseLabels(OpenLabels(body.labels, s.labels)), FormatValue(s.value));
                } else {  // a counter or gauge family
                    body->ForEach([&](const std::vector<std::string>& values, const auto& child) {
                        Line(samples, name, CloseLabels(OpenLabels(body->LabelNames(), values)),
                             std::to_string(child.Value()));
                    });
                }
            },
            e.body);
        // A family without children yet (or a callback without a value) still shows what it is.
        out += "# HELP " + name + " " + EscapeHelp(e.help) + "\n";
        out += "# TYPE " + name + " " + TypeName(e.type) + "\n";
        out += samples;
    }
    return out;
}

}  // namespace folio::metrics
