#pragma once
// Test vectors that live in docs/*.md, read at test time so the documents and the code cannot drift
// (docs/formats.md, "Test vectors"). A vector is a fenced block
//
//     ```vector NAME LAYOUT
//     HEX                     # path = value
//     ...
//     => label = HEX
//     ```
//
// one line per encoded field ("HEX" may hold spaces; a string's or a list's length prefix is part
// of its line), then result lines ("=>", e.g. a hash of the bytes above). The tests build the same
// values with the real types, render the same listing from the code's own field lists
// (FOLIO_FIELDS names, in order), check that its bytes are the real encoder's, and compare it line by
// line with the document. tests/lint/doc_vectors.py decodes the same blocks from the documents'
// layout tables alone. Set FOLIO_PRINT_DOC_VECTORS=1 to print every listing built (to write a new
// vector into a document).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/protocol/fields.h>

namespace folio::test {

struct VectorLine {
    std::string hex;  // lowercase, no spaces
    std::string path;
    std::string value;
    bool operator==(const VectorLine&) const = default;
};

struct DocVector {
    std::vector<VectorLine> lines;
    std::vector<std::pair<std::string, std::string>> results;  // "=> label = hex"
    std::string Hex() const {
        std::string h;
        for (const auto& l : lines) h += l.hex;
        return h;
    }
};

inline std::string Trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return {};
    size_t b = s.find_last_not_of(" \t\r");
    return s.substr(a, b - a + 1);
}

inline std::string ReadSourceFile(const std::string& rel) {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/" + rel);
    if (!in) throw std::runtime_error("cannot read " + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The text inside the fenced block of `doc` whose opening line is "```" + info (the info string's
// first words, e.g. "vector tx-transfer" or "json genesis-vector"). Throws if there is none.
inline std::string ReadDocBlock(const std::string& doc, const std::string& info) {
    std::istringstream in(ReadSourceFile(doc));
    std::string line, out;
    bool inside = false;
    while (std::getline(in, line)) {
        std::string t = Trim(line);
        if (!inside) {
            if (t.rfind("```", 0) == 0) {
                std::string words = t.substr(3);
                if (words == info || words.rfind(info + " ", 0) == 0) inside = true;
            }
            continue;
        }
        if (t == "```") return out;
        out += line + "\n";
    }
    throw std::runtime_error(doc + ": no block ```" + info);
}

inline DocVector ParseVector(const std::string& text) {
    DocVector v;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::string t = Trim(line);
        if (t.empty()) continue;
        if (t.rfind("=>", 0) == 0) {
            std::string rest = Trim(t.substr(2));
            size_t eq = rest.rfind(" = ");
            if (eq == std::string::npos) throw std::runtime_error("bad result line: " + t);
            v.results.emplace_back(Trim(rest.substr(0, eq)), Trim(rest.substr(eq + 3)));
            continue;
        }
        size_t hash = t.find('#');
        if (hash == std::string::npos) throw std::runtime_error("vector line without '#': " + t);
        VectorLine l;
        for (char c : t.substr(0, hash))
            if (c != ' ') l.hex += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
        std::string rest = Trim(t.substr(hash + 1));
        size_t eq = rest.find(" = ");
        if (eq == std::string::npos) throw std::runtime_error("vector line without ' = ': " + t);
        l.path = Trim(rest.substr(0, eq));
        l.value = Trim(rest.substr(eq + 3));
        v.lines.push_back(std::move(l));
    }
    return v;
}

inline DocVector ReadDocVector(const std::string& doc, const std::string& name) {
    return ParseVector(ReadDocBlock(doc, "vector " + name));
}

inline std::string Quote(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}

inline std::string JoinPath(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
}

// A listing built from values: what a vector block must hold.
class Listing {
public:
    // One field: `hex` as shown (a length prefix separated from the content by a space).
    void Add(std::string path, std::string shown_hex, std::string value) {
        m_shown.push_back(shown_hex);
        VectorLine l;
        for (char c : shown_hex)
            if (c != ' ') l.hex += c;
        l.path = std::move(path);
        l.value = std::move(value);
        m_lines.push_back(std::move(l));
    }
    void Result(std::string label, std::string hex) { m_results.emplace_back(std::move(label), std::move(hex)); }
    // A byte string whose content is itself a listing: "path.length = n", then its lines under path.
    void Nested(const std::string& path, const Listing& inner) {
        Bytes body = inner.Bytes_();
        Writer w;
        w.Varint(body.size());
        Add(JoinPath(path, "length"), ToHex(w.bytes()), std::to_string(body.size()));
        for (size_t i = 0; i < inner.m_lines.size(); ++i)
            Add(JoinPath(path, inner.m_lines[i].path), inner.m_shown[i], inner.m_lines[i].value);
    }
    void Append(const Listing& other) {
        for (size_t i = 0; i < other.m_lines.size(); ++i)
            Add(other.m_lines[i].path, other.m_shown[i], other.m_lines[i].value);
    }
    std::string Hex() const {
        std::string h;
        for (const auto& l : m_lines) h += l.hex;
        return h;
    }
    Bytes Bytes_() const { return *FromHex(Hex()); }
    const std::vector<VectorLine>& lines() const { return m_lines; }
    const std::vector<std::pair<std::string, std::string>>& results() const { return m_results; }

    // The block's text, aligned.
    std::string Render(const std::string& header) const {
        size_t width = 0;
        for (const auto& s : m_shown) width = std::max(width, std::min<size_t>(s.size(), 64));
        std::string out = "```vector " + header + "\n";
        for (size_t i = 0; i < m_lines.size(); ++i) {
            std::string s = m_shown[i];
            if (s.size() < width) s.append(width - s.size(), ' ');
            out += s + "  # " + m_lines[i].path + " = " + m_lines[i].value + "\n";
        }
        for (const auto& [label, hex] : m_results) out += "=> " + label + " = " + hex + "\n";
        return out + "```\n";
    }

private:
    std::vector<std::string> m_shown;
    std::vector<VectorLine> m_lines;
    std::vector<std::pair<std::string, std::string>> m_results;
};

// "" when the document's vector equals the listing; otherwise the first difference and the
// listing as it should be written.
inline std::string CompareVector(const DocVector& doc, const Listing& mine, const std::string& header) {
    std::string diff;
    size_t n = std::max(doc.lines.size(), mine.lines().size());
    for (size_t i = 0; i < n && diff.empty(); ++i) {
        if (i >= doc.lines.size()) diff = "the document's vector ends before line " + std::to_string(i + 1);
        else if (i >= mine.lines().size()) diff = "the document's vector has an extra line " + std::to_string(i + 1);
        else if (!(doc.lines[i] == mine.lines()[i]))
            diff = "line " + std::to_string(i + 1) + ": document has '" + doc.lines[i].hex + " # " + doc.lines[i].path +
                   " = " + doc.lines[i].value + "', the code gives '" + mine.lines()[i].hex + " # " +
                   mine.lines()[i].path + " = " + mine.lines()[i].value + "'";
    }
    if (diff.empty() && doc.results != mine.results()) diff = "the result lines (=>) differ";
    if (diff.empty()) return {};
    return diff + "\nthe vector as the code gives it:\n" + mine.Render(header);
}

// Compares the vector `header` ("NAME LAYOUT") of the document `doc` with `mine`.
inline std::string CompareVector(const std::string& doc, const std::string& header, const Listing& mine) {
    if (std::getenv("FOLIO_PRINT_DOC_VECTORS")) std::fputs(mine.Render(header).c_str(), stdout);
    DocVector v;
    try {
        v = ReadDocVector(doc, header.substr(0, header.find(' ')));
    } catch (const std::exception& e) {
        return std::string(e.what()) + "\nthe vector as the code gives it:\n" + mine.Render(header);
    }
    return CompareVector(v, mine, header);
}

// ---- listings from the code's field lists (FOLIO_FIELDS) ----

template <class T>
void AnnotateFields(Listing& out, const std::string& prefix, const T& v);

template <class T>
void AnnotateValue(Listing& out, const std::string& path, const T& v);

template <class V>
void AnnotateVariant(Listing& out, const std::string& path, const V& v, size_t offset) {
    Writer w;
    w.U8(static_cast<uint8_t>(v.index() + offset));
    out.Add(JoinPath(path, "tag"), ToHex(w.bytes()), std::to_string(v.index() + offset));
    std::visit([&](const auto& alt) { AnnotateFields(out, path, alt); }, v);
}

template <class T>
void AnnotateValue(Listing& out, const std::string& path, const T& v) {
    using namespace folio::protocol;
    Writer w;
    if constexpr (std::is_same_v<T, bool>) {
        w.Bool(v);
        out.Add(path, ToHex(w.bytes()), v ? "true" : "false");
    } else if constexpr (std::is_enum_v<T>) {
        w.U8(static_cast<uint8_t>(v));
        out.Add(path, ToHex(w.bytes()), std::to_string(static_cast<unsigned>(v)));
    } else if constexpr (std::is_same_v<T, uint8_t>) {
        w.U8(v);
        out.Add(path, ToHex(w.bytes()), std::to_string(v));
    } else if constexpr (std::is_same_v<T, uint16_t>) {
        w.U16(v);
        out.Add(path, ToHex(w.bytes()), std::to_string(v));
    } else if constexpr (std::is_same_v<T, uint32_t>) {
        w.U32(v);
        out.Add(path, ToHex(w.bytes()), std::to_string(v));
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        w.U64(v);
        out.Add(path, ToHex(w.bytes()), std::to_string(v));
    } else if constexpr (std::is_same_v<T, int64_t>) {
        w.I64(v);
        out.Add(path, ToHex(w.bytes()), std::to_string(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
        w.Varint(v.size());
        std::string shown = ToHex(w.bytes());
        if (!v.empty()) shown += " " + ToHex(AsBytes(v));
        out.Add(path, shown, Quote(v));
    } else if constexpr (std::is_same_v<T, Bytes>) {
        w.Varint(v.size());
        std::string shown = ToHex(w.bytes());
        if (!v.empty()) shown += " " + ToHex(v);
        out.Add(path, shown, "0x" + ToHex(v));
    } else if constexpr (requires {
                             T::SIZE;
                             v.hex();
                         }) {
        out.Add(path, v.hex(), v.hex());
    } else if constexpr (requires {
                             v.size();
                             v.begin();
                             typename T::value_type;
                         }) {
        w.Varint(v.size());
        out.Add(JoinPath(path, "count"), ToHex(w.bytes()), std::to_string(v.size()));
        for (size_t i = 0; i < v.size(); ++i) AnnotateValue(out, path + "[" + std::to_string(i) + "]", v[i]);
    } else if constexpr (requires {
                             v.index();
                             v.valueless_by_exception();
                         }) {
        AnnotateVariant(out, path, v, 0);
    } else {
        AnnotateFields(out, path, v);
    }
}

// The modifiers of a field list (FOLIO_MAX, FOLIO_SORTED, FOLIO_TAGGED) are seen by this visitor.
struct FieldAnnotator {
    static constexpr bool FIELD_CODEC = true;
    Listing& out;
    std::string prefix;
    std::vector<std::string> names;
    size_t i = 0;
    std::string Next() { return JoinPath(prefix, names.at(i++)); }
    template <size_t N, size_t I, class T>
    void operator()(const protocol::BoundedField<N, I, T>& f) {
        AnnotateValue(out, Next(), f.v);
    }
    template <size_t N, class T>
    void operator()(const protocol::SortedField<N, T>& f) {
        AnnotateValue(out, Next(), f.v);
    }
    template <size_t O, class T>
    void operator()(const protocol::TaggedField<O, T>& f) {
        AnnotateVariant(out, Next(), f.v, O);
    }
    template <class T>
    void operator()(const T& v) {
        AnnotateValue(out, Next(), v);
    }
};

template <class T>
void AnnotateFields(Listing& out, const std::string& prefix, const T& v) {
    FieldAnnotator fa{out, prefix, protocol::FieldNameList(T::FieldNames())};
    v.VisitFields(fa);
}

// A record (EncodeFields): "version = 1", then the field list.
template <class T>
Listing RecordListing(const T& v) {
    Listing l;
    l.Add("version", "01", "1");
    AnnotateFields(l, "", v);
    return l;
}
template <class T>
Listing FieldListing(const T& v) {
    Listing l;
    AnnotateFields(l, "", v);
    return l;
}

}  // namespace folio::test
