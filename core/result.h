#pragma once
// Result<T>: a value or an Error. Stages that can fail return one; the pipeline turns an
// Error into an error row for that item and the run goes on (catch at the per-item edge).
#include <string>
#include <utility>
#include <variant>

namespace triage {

struct Error {
  std::string stage;    // which stage failed: "read", "exif", "walk", ...
  std::string message;  // one line naming the reason
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace triage
