// Over 600 lines: one streaming reader of every VICS data model (1.1 to 2.0) and its chunking of huge Case objects, kept whole.
// Project VIC / VICS JSON (the UK CAID export is one too), read with bounded memory.
//
// Layouts (OData JSON; read from public importers, e.g. IPED's HashDBTool, and export samples):
//   1.1-1.3  {"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/<v>.xml#Media",
//             "value": [Media, ...]}
//   2.0      {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/
//             <Default|US|UK|CUSTOM>/$metadata#Media"   (or ...#Cases), "value": [...]}
//   "value" holds either Media objects, or Case objects ({"CaseID": ..., "Media": [Media, ...]}).
//   Media: MediaID, Category (absent = 0), MD5, SHA1, SHA256 / "SHA-256" or AlternativeHashes
//   [{"HashName": "SHA256"|"PDQ"|..., "HashValue": ...}], MediaSize (number or string), Series,
//   Tags, VictimIdentified, OffenderIdentified, IsDistributed, IsPrecategorized (JSON booleans or
//   strings), PhotoDNA, MediaFiles [{"FileName": ...}].
//
// A 5 GB export is one JSON document, so it is never loaded whole: a small string-aware bracket
// scanner walks the bytes through a sliding buffer, finds the extent of each Media object (or of
// each Case, streamed into its Media array when the Case is too large to hold) and simdjson parses
// that object in place. Nothing recurses, so nesting depth cannot exhaust the stack; simdjson
// limits depth itself.
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <memory>

#include "formats/hashset/hashset_reader.h"

namespace triage::hashset {
namespace {

constexpr std::size_t kChunk = 4 << 20;         // read size (smaller for small files)
constexpr std::size_t kMinChunk = 64 << 10;
constexpr std::size_t kMaxObject = 64 << 20;    // largest object parsed whole (by default)
constexpr std::size_t kMaxKey = 4096;           // longest root or case key we look at

using ByteSet = std::array<bool, 256>;
constexpr ByteSet byte_set(std::string_view members) {
  ByteSet set{};
  for (char c : members) set[static_cast<unsigned char>(c)] = true;
  return set;
}
constexpr ByteSet kStringStops = byte_set("\"\\");
constexpr ByteSet kContainerStops = byte_set("\"{}[]");
constexpr ByteSet kBareStops = byte_set("\"{}[], \n\r\t");

#if defined(__SSE2__)
// One bit per byte of the 64 at p equal to c.
inline std::uint64_t byte_mask(const char* p, char c) {
  const __m128i want = _mm_set1_epi8(c);
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    mask |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, want)))) << (16 * k);
  }
  return mask;
}
#endif

// Inside a container (depth > 0), walks 64-byte blocks as simdjson's first stage does
// (Langdale & Lemire, "Parsing gigabytes of JSON per second", 2019): the quotes' prefix XOR
// marks the bytes inside strings, and only brackets outside strings are visited one by one.
// The Media objects are nearly all of a VICS file, so this is the importer's hottest loop.
// Stops before a block holding a backslash (an escape may hide a quote: the byte-by-byte scan
// takes over there) or with fewer than 64 bytes left; returns true, with i just past it, when
// the container closes (depth back to 0).
bool skip_blocks(const char* b, std::size_t& i, std::size_t limit, bool& in_string, std::size_t& depth) {
#if defined(__SSE2__)
  for (; i + 64 <= limit; i += 64) {
    const char* p = b + i;
    if (byte_mask(p, '\\') != 0) return false;
    const std::uint64_t quotes = byte_mask(p, '"');
    std::uint64_t inside = quotes;  // prefix XOR: bit k = parity of the quotes at or before k
    for (int shift = 1; shift < 64; shift *= 2) inside ^= inside << shift;
    if (in_string) inside = ~inside;
    const std::uint64_t opens = (byte_mask(p, '{') | byte_mask(p, '[')) & ~inside;
    const std::uint64_t closes = (byte_mask(p, '}') | byte_mask(p, ']')) & ~inside;
    for (std::uint64_t brackets = opens | closes; brackets != 0; brackets &= brackets - 1) {
      const std::uint64_t bit = brackets & (~brackets + 1);
      if (opens & bit) {
        ++depth;
      } else if (--depth == 0) {
        i += static_cast<std::size_t>(std::countr_zero(bit)) + 1;
        in_string = false;
        return true;
      }
    }
    in_string ^= (std::popcount(quotes) & 1) != 0;
  }
#else
  (void)b, (void)i, (void)limit, (void)in_string, (void)depth;
#endif
  return false;
}

// The input bytes through a sliding window. Indices are into buf_; fill() moves the window and
// returns by how much indices shifted. Everything from `keep_` on is retained across fills.
class ByteWindow {
 public:
  ByteWindow(const std::filesystem::path& file, std::size_t max_object) : file_(file), max_object_(max_object) {
    in_.reset(std::fopen(file.c_str(), "rb"));
    if (!in_) throw ImportError(file.string() + ": cannot open: " + std::strerror(errno));
    // A small file gets a small window: no 4 MiB buffer to zero for a 1 KiB export.
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    chunk_ = ec ? kChunk : std::clamp<std::size_t>(static_cast<std::size_t>(size) + 1, kMinChunk, kChunk);
    buf_.resize(chunk_ + simdjson::SIMDJSON_PADDING);
  }

  // Makes more bytes available after end(); false at the end of the file. Drops bytes before
  // min(pos, keep) and may grow the buffer up to max_object_ + 2 * chunk_.
  bool fill() {
    if (eof_) return false;
    const std::size_t drop = std::min(pos_, keep_);
    if (drop > 0) {
      std::memmove(buf_.data(), buf_.data() + drop, end_ - drop);
      end_ -= drop;
      pos_ -= drop;
      if (keep_ != kNone) keep_ -= drop;
      base_ += drop;
    }
    std::size_t room = buf_.size() - simdjson::SIMDJSON_PADDING - end_;
    if (room < chunk_ / 2) {
      if (buf_.size() > max_object_ + 2 * chunk_) return false;  // the caller reports the size limit
      buf_.resize(buf_.size() + chunk_);
      room = buf_.size() - simdjson::SIMDJSON_PADDING - end_;
    }
    const std::size_t got = std::fread(buf_.data() + end_, 1, room, in_.get());
    if (got == 0) {
      if (std::ferror(in_.get())) fail(file_, {0, base_ + end_}, std::string("read error: ") + std::strerror(errno));
      eof_ = true;
      return false;
    }
    end_ += got;
    return true;
  }

  // Skips JSON whitespace; the next byte or -1 at the end.
  int peek() {
    for (;;) {
      while (pos_ < end_) {
        const char c = buf_[pos_];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return static_cast<unsigned char>(c);
        ++pos_;
      }
      if (!fill()) return -1;
    }
  }

  void expect(char c, std::string_view what) {
    const int got = peek();
    if (got != static_cast<unsigned char>(c)) {
      if (got < 0) error(fmt::format("unexpected end of file: truncated JSON (expected {})", what));
      error(fmt::format("expected {} but found '{}'", what, printable(got)));
    }
    ++pos_;
  }

  // A string token's raw bytes (escapes left as they are), at most `limit` bytes.
  std::string read_string(std::size_t limit) {
    expect('"', "a string");
    std::string out;
    for (;;) {
      if (pos_ == end_ && !fill()) error("unexpected end of file inside a string: truncated JSON");
      const char c = buf_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (pos_ == end_ && !fill()) error("unexpected end of file inside a string: truncated JSON");
        out += c;
        out += buf_[pos_++];
      } else {
        out += c;
      }
      if (out.size() > limit) error("string longer than expected here");
    }
  }

  // Scans one value from pos() to its end without keeping it; true when it ended. With
  // `capture`, the bytes are retained (keep_ = start) and scanning stops (returning false) once
  // the value exceeds max_object_.
  bool scan_value(bool capture) {
    if (peek() < 0) error("unexpected end of file: truncated JSON (expected a value)");
    const std::size_t start = pos_;
    if (capture) keep_ = start;
    std::size_t depth = 0;
    bool in_string = false;
    std::size_t i = pos_;
    for (;;) {
      // Skip ordinary bytes fast: in a string only '"' and '\\' matter, outside it only the
      // brackets and quotes (and, for a bare value, what ends it).
      const std::size_t limit = capture ? std::min(end_, keep_ + max_object_ + 1) : end_;
      const char* b = buf_.data();
      if (depth > 0 && skip_blocks(b, i, limit, in_string, depth)) break;
      // After the blocks: they may have left a string open, where a backslash matters.
      const auto& stop = in_string ? kStringStops : depth > 0 ? kContainerStops : kBareStops;
      while (i < limit && !stop[static_cast<unsigned char>(b[i])]) ++i;
      if (i == limit) {
        if (i != end_) return false;  // longer than max_object_
        pos_ = i;
        const bool more = fill();
        i = pos_;
        if (!more) {
          if (depth == 0 && !in_string) break;  // a bare number or literal at the end
          error("unexpected end of file: truncated JSON");
        }
        continue;
      }
      const char c = b[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
          if (i == end_) {  // the escaped byte is in the next chunk
            pos_ = i;
            if (!fill()) error("unexpected end of file inside a string: truncated JSON");
            i = pos_;
          }
        } else {  // '"'
          in_string = false;
          if (depth == 0) {
            ++i;
            break;
          }
        }
        ++i;
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) break;  // the container around a bare value closes
        if (--depth == 0) {
          ++i;
          break;
        }
      } else if (depth == 0) {
        break;  // ',' or blank: the end of a bare number or literal
      }
      ++i;
    }
    pos_ = i;
    return true;
  }

  void release() { keep_ = kNone; }
  void rewind(std::size_t index) { pos_ = index; }  // back to a retained byte
  const char* data(std::size_t index) const { return buf_.data() + index; }
  std::size_t capacity_after(std::size_t index) const { return buf_.size() - index; }
  std::size_t pos() const { return pos_; }
  std::size_t keep() const { return keep_; }
  void advance() { ++pos_; }
  std::uint64_t offset(std::size_t index) const { return base_ + index; }

  [[noreturn]] void error(const std::string& reason) const { fail_at(base_ + pos_, reason); }
  [[noreturn]] void fail_at(std::uint64_t byte, const std::string& reason) const {
    fail(file_, {line_of(byte), byte}, reason);
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  static char printable(int c) { return c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?'; }

  // The line of a byte offset, counted again from the start (only on the error path).
  std::uint64_t line_of(std::uint64_t byte) const {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file_.c_str(), "rb"), &std::fclose);
    if (!f) return 0;
    std::vector<char> chunk(1 << 16);
    std::uint64_t line = 1, at = 0;
    while (at < byte) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), byte - at));
      const std::size_t got = std::fread(chunk.data(), 1, want, f.get());
      if (got == 0) break;
      line += static_cast<std::uint64_t>(std::count(chunk.data(), chunk.data() + got, '\n'));
      at += got;
    }
    return line;
  }

  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::filesystem::path file_;
  std::size_t max_object_;
  std::unique_ptr<std::FILE, Closer> in_;
  std::vector<char> buf_;
  std::size_t chunk_ = kChunk;  // read size and growth step
  std::size_t pos_ = 0, end_ = 0, keep_ = kNone;
  std::uint64_t base_ = 0;
  bool eof_ = false;
};

std::string text_of(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::INT64: return std::to_string(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: return std::to_string(e.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: return fmt::format("{}", e.get_double().value_unsafe());
    case simdjson::dom::element_type::BOOL: return e.get_bool().value_unsafe() ? "true" : "false";
    default: return {};
  }
}

std::optional<bool> flag_of(simdjson::dom::element e) {
  if (e.is_bool()) return e.get_bool().value_unsafe();
  if (e.is_string()) return parse_flag(e.get_string().value_unsafe());
  if (e.is_int64()) return e.get_int64().value_unsafe() != 0;
  return std::nullopt;
}

// A member of `obj` by name, or a null element result.
simdjson::simdjson_result<simdjson::dom::element> member(simdjson::dom::object obj, std::string_view key) {
  return obj[key];
}

class VicsReader {
 public:
  VicsReader(const std::filesystem::path& file, ImportSink& sink, std::size_t max_object)
      : sink_(sink), in_(file, max_object), max_object_(max_object) {}

  void read() {
    const int first = in_.peek();
    if (first < 0) in_.error("empty file: not a VICS JSON export");
    if (first != '{') in_.error("not a JSON object: a VICS export starts with '{'");
    in_.advance();
    bool first_key = true;
    bool saw_model = false, saw_value = false;
    for (;;) {
      int c = in_.peek();
      if (c == '}' && first_key) {
        in_.advance();
        break;
      }
      const std::uint64_t key_at = in_.offset(in_.pos());
      const std::string key = in_.read_string(kMaxKey);
      in_.expect(':', "':'");
      if (key == "odata.metadata" || key == "@odata.context") {
        check_model(key, in_.read_string(kMaxKey), key_at);
        saw_model = true;
      } else if (key == "value") {
        if (!saw_model) in_.fail_at(key_at, "\"value\" before the root key odata.metadata / @odata.context: not a VICS export");
        read_value_array();
        saw_value = true;
      } else {
        if (first_key)
          in_.fail_at(key_at, fmt::format("wrong root key \"{}\": a VICS export starts with \"odata.metadata\" (1.x) "
                                          "or \"@odata.context\" (2.0)", key));
        in_.scan_value(false);
      }
      first_key = false;
      c = in_.peek();
      if (c == ',') {
        in_.advance();
        continue;
      }
      if (c == '}') {
        in_.advance();
        break;
      }
      if (c < 0) in_.error("unexpected end of file: truncated JSON (the root object is not closed)");
      in_.error("expected ',' or '}' after a root member");
    }
    if (in_.peek() >= 0) in_.error("trailing data after the root JSON object");
    if (!saw_model) in_.error("no odata.metadata / @odata.context key: not a VICS export");
    if (!saw_value) in_.error("no \"value\" array: not a VICS export");
  }

 private:
  void check_model(const std::string& key, const std::string& url, std::uint64_t at) {
    // 1.x: http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media
    // 2.0: http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media
    const std::string lower = lower_ascii(url);
    const auto models = lower.find("projectvic/datamodels/");
    if (models == std::string::npos)
      in_.fail_at(at, fmt::format("{} is \"{}\", not a Project VIC data model URL", key, url));
    const std::string rest = url.substr(models + std::string_view("projectvic/datamodels/").size());
    const auto xml = rest.find(".xml");
    std::string version = rest.substr(0, xml);
    if (xml != std::string::npos && rest.size() > xml + 5 && rest[xml + 4] == '/') {
      const auto slash = rest.find('/', xml + 5);
      version += '/';
      version += rest.substr(xml + 5, slash == std::string::npos ? std::string::npos : slash - xml - 5);
    }
    sink_.set_version("VICS data model " + version);
  }

  // Walks the elements of a JSON array of objects (the '[' is next), calling read_object for each
  // with the '{' next. `what` names the array in messages.
  template <typename ReadObject>
  void read_object_array(std::string_view what, ReadObject&& read_object) {
    in_.expect('[', fmt::format("'[' ({})", what));
    if (in_.peek() == ']') {
      in_.advance();
      return;
    }
    for (;;) {
      if (in_.peek() != '{') in_.error(fmt::format("an element of {} is not an object", what));
      read_object();
      const int c = in_.peek();
      if (c == ',') {
        in_.advance();
        continue;
      }
      if (c == ']') {
        in_.advance();
        return;
      }
      if (c < 0) in_.error(fmt::format("unexpected end of file: truncated JSON ({} is not closed)", what));
      in_.error(fmt::format("expected ',' or ']' in {}", what));
    }
  }

  void read_value_array() { read_object_array("the value array", [&] { read_element(); }); }

  // One element of "value": a Media object, or a Case with a Media array.
  void read_element() {
    if (in_.scan_value(true)) {
      parse_object(/*top_level=*/true);
      return;
    }
    // Larger than max_object_: only a Case can be, so stream its members from the start.
    const std::size_t start = in_.keep();
    in_.rewind(start);
    in_.release();
    in_.expect('{', "'{'");
    if (in_.peek() == '}') {
      in_.advance();
      return;
    }
    for (;;) {
      const std::string key = in_.read_string(kMaxKey);
      in_.expect(':', "':'");
      if (key == "Media" && in_.peek() == '[') {
        read_object_array("a Media array", [&] {
          if (!in_.scan_value(true))
            in_.error(fmt::format("a Media object larger than {} bytes: not a VICS Media record", max_object_));
          parse_object(/*top_level=*/false);
        });
      } else {
        in_.scan_value(false);
      }
      const int c = in_.peek();
      if (c == ',') {
        in_.advance();
        continue;
      }
      if (c == '}') {
        in_.advance();
        return;
      }
      if (c < 0) in_.error("unexpected end of file: truncated JSON (a Case object is not closed)");
      in_.error("expected ',' or '}' in a Case object");
    }
  }

  // Parses the retained bytes [keep, pos) in place (the window keeps SIMDJSON_PADDING spare).
  void parse_object(bool top_level) {
    const std::size_t start = in_.keep();
    const std::size_t len = in_.pos() - start;
    const std::uint64_t at = in_.offset(start);
    simdjson::dom::element doc;
    const auto err = parser_.parse(in_.data(start), len, false).get(doc);
    in_.release();
    if (err) in_.fail_at(at, fmt::format("invalid JSON object: {}", simdjson::error_message(err)));
    simdjson::dom::object obj;
    if (doc.get_object().get(obj)) in_.fail_at(at, "expected an object");
    simdjson::dom::array media;
    if (top_level && !member(obj, "Media").get_array().get(media)) {
      for (simdjson::dom::element m : media) {
        simdjson::dom::object mo;
        if (m.get_object().get(mo)) {
          sink_.reject({0, at}, "an element of a Case's Media array is not an object");
          continue;
        }
        take_media(mo, at);
      }
      return;
    }
    take_media(obj, at);
  }

  void take_media(simdjson::dom::object obj, std::uint64_t at) {
    ImportRecord r;
    HashSetRecord& rec = r.record;
    HashSetRecordDetail& d = r.detail;
    for (auto field : obj) {
      const std::string_view key = field.key;
      const simdjson::dom::element v = field.value;
      if (key.empty()) continue;
      switch (key[0]) {  // dispatch on the first letter: one string compare per field
        case 'A':
          if (key == "AlternativeHashes") alternative_hashes(v, rec, d);
          break;
        case 'C':
          if (key == "Category") rec.category = text_of(v);
          break;
        case 'I':
          if (key == "IsDistributed") d.is_distributed = flag_of(v);
          else if (key == "IsPrecategorized") d.is_precategorized = flag_of(v);
          break;
        case 'M':
          if (key == "MD5") rec.md5 = text_of(v);
          else if (key == "MediaID") rec.media_id = text_of(v);
          else if (key == "MediaSize") d.size = size_of(v);
          else if (key == "MediaFiles") first_file_name(v, d);
          break;
        case 'O':
          if (key == "OffenderIdentified") d.offender_identified = flag_of(v);
          break;
        case 'P':
          if (key == "PDQ") rec.pdq = text_of(v);
          else if (key == "PhotoDNA") d.photodna = text_of(v);
          break;
        case 'S':
          if (key == "SHA1") rec.sha1 = text_of(v);
          else if (key == "SHA256" || key == "SHA-256") rec.sha256 = text_of(v);
          else if (key == "Series") rec.series = text_of(v);
          break;
        case 'T':
          if (key == "Tags") d.tags = tags_of(v);
          break;
        case 'V':
          if (key == "VictimIdentified") d.victim_identified = flag_of(v);
          break;
        default: break;
      }
    }
    if (rec.category.empty()) rec.category.push_back('0');  // VICS: no Category means 0 (uncategorised)
    sink_.add(r, {0, at});
  }

  static std::optional<std::uint64_t> size_of(simdjson::dom::element v) {
    if (v.is_uint64()) return v.get_uint64().value_unsafe();
    if (!v.is_string()) return std::nullopt;
    const std::string_view s = v.get_string().value_unsafe();
    std::uint64_t n = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
    return n;
  }

  static std::string tags_of(simdjson::dom::element v) {
    if (v.is_string()) return text_of(v);
    std::string out;
    simdjson::dom::array a;
    if (v.get_array().get(a)) return out;
    for (simdjson::dom::element t : a) {
      const std::string s = text_of(t);
      if (s.empty()) continue;
      if (!out.empty()) out += ", ";
      out += s;
    }
    return out;
  }

  // AlternativeHashes: [{"HashName": "SHA256" | "PDQ" | "PhotoDNA" | ..., "HashValue": "..."}]
  static void alternative_hashes(simdjson::dom::element v, HashSetRecord& rec, HashSetRecordDetail& d) {
    simdjson::dom::array a;
    if (v.get_array().get(a)) return;
    for (simdjson::dom::element h : a) {
      simdjson::dom::object o;
      if (h.get_object().get(o)) continue;
      simdjson::dom::element name_el, value_el;
      if (o["HashName"].get(name_el) || o["HashValue"].get(value_el)) continue;
      std::string name = lower_ascii(text_of(name_el));
      std::erase_if(name, [](char c) { return c == '-' || c == '_' || c == ' '; });
      const std::string value = text_of(value_el);
      if (name.starts_with("pdq")) {
        if (rec.pdq.empty()) rec.pdq = value;
      } else if (name == "sha256" || name == "sha2256") {
        if (rec.sha256.empty()) rec.sha256 = value;
      } else if (name == "sha1") {
        if (rec.sha1.empty()) rec.sha1 = value;
      } else if (name == "md5") {
        if (rec.md5.empty()) rec.md5 = value;
      } else if (name == "photodna") {
        if (d.photodna.empty()) d.photodna = value;
      }
    }
  }

  static void first_file_name(simdjson::dom::element v, HashSetRecordDetail& d) {
    simdjson::dom::array a;
    if (v.get_array().get(a)) return;
    for (simdjson::dom::element f : a) {
      simdjson::dom::element name;
      if (!f["FileName"].get(name)) {
        d.file_name = text_of(name);
        if (!d.file_name.empty()) return;
      }
    }
  }

  ImportSink& sink_;
  ByteWindow in_;
  std::size_t max_object_;
  simdjson::dom::parser parser_;
};

}  // namespace

void read_vics_json(const std::filesystem::path& file, ImportSink& sink) { read_vics_json(file, sink, kMaxObject); }

void read_vics_json(const std::filesystem::path& file, ImportSink& sink, std::size_t max_object_bytes) {
  VicsReader reader(file, sink, max_object_bytes);
  reader.read();
}

std::string simdjson_library_version() {
  return std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + "." + std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + "." +
         std::to_string(simdjson::SIMDJSON_VERSION_REVISION);
}

}  // namespace triage::hashset
