#include "formats/report/output_sink.h"

#include <utility>

namespace triage {

OutputSink::OutputSink(Consumer consume, std::size_t chunk) : consume_(std::move(consume)), chunk_(chunk) {
  buffer_.reserve(chunk_ + chunk_ / 4);
}

void OutputSink::flush() {
  if (buffer_.empty()) return;
  consume_(buffer_);
  buffer_.clear();
}

std::string render_to_string(const std::function<void(OutputSink&)>& render) {
  std::string out;
  OutputSink sink([&](std::string_view piece) { out += piece; });
  render(sink);
  sink.flush();
  return out;
}

}  // namespace triage
