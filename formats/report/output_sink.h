#pragma once
// Where a rendered output goes, a piece at a time: a report of a million items is written as it
// is rendered, never held whole in memory. Renderers append to buffer() and call flush_if_large()
// between items; the consumer sees the bytes in order, in pieces of about `chunk` bytes.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace triage {

class OutputSink {
 public:
  using Consumer = std::function<void(std::string_view)>;
  explicit OutputSink(Consumer consume, std::size_t chunk = std::size_t{1} << 20);
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  std::string& buffer() { return buffer_; }
  void flush_if_large() {
    if (buffer_.size() >= chunk_) flush();
  }
  void flush();  // hands the buffer to the consumer (a renderer's last call)

 private:
  Consumer consume_;
  std::size_t chunk_;
  std::string buffer_;
};

// The whole output as one string (tests, and outputs known to be small).
std::string render_to_string(const std::function<void(OutputSink&)>& render);

}  // namespace triage
