#pragma once
// A small JSON writer on fmt: enough for JSON Lines and reports, with correct escaping of
// any bytes (invalid UTF-8 becomes U+FFFD; control characters are \u-escaped).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace triage {

// Appends `bytes` as a JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view bytes);

// Builds one JSON object (or nested objects) into a string, keys in the order written.
class JsonObject {
 public:
  explicit JsonObject(std::string& out);
  JsonObject& string(std::string_view key, std::string_view value);
  JsonObject& string_or_null(std::string_view key, std::string_view value);  // "" -> null
  JsonObject& number(std::string_view key, std::int64_t value);
  JsonObject& number(std::string_view key, std::uint64_t value);
  JsonObject& number(std::string_view key, double value);
  JsonObject& boolean(std::string_view key, bool value);
  JsonObject& null(std::string_view key);
  JsonObject& raw(std::string_view key, std::string_view json);  // pre-rendered JSON value
  // Writes the key and returns the output, where the caller appends exactly one JSON value
  // (a long array written piece by piece).
  std::string& value(std::string_view key);
  template <typename T>
  JsonObject& optional(std::string_view key, const std::optional<T>& value) {
    if (!value) return *this;  // absent keys when there is no value
    if constexpr (std::is_same_v<T, std::string>) return string(key, *value);
    else if constexpr (std::is_floating_point_v<T>) return number(key, static_cast<double>(*value));
    else if constexpr (std::is_signed_v<T>) return number(key, static_cast<std::int64_t>(*value));
    else return number(key, static_cast<std::uint64_t>(*value));
  }
  void close();  // writes the closing brace (also done by the destructor)
  ~JsonObject();
  JsonObject(const JsonObject&) = delete;
  JsonObject& operator=(const JsonObject&) = delete;

 private:
  void key(std::string_view k);
  std::string& out_;
  bool first_ = true;
  bool closed_ = false;
};

// Shortest decimal that reads back as the same double (deterministic across runs).
std::string json_number(double value);

// A JSON array of pre-rendered values, closed when it goes out of scope.
class JsonArray {
 public:
  explicit JsonArray(std::string& out) : out_(out) { out_ += '['; }
  ~JsonArray() { out_ += ']'; }
  JsonArray(const JsonArray&) = delete;
  JsonArray& operator=(const JsonArray&) = delete;
  // Where the next element goes (after its comma): append exactly one JSON value.
  std::string& next() {
    if (!first_) out_ += ',';
    first_ = false;
    return out_;
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace triage
