// tests/bench/pdq_bench.cpp: PDQ throughput of the scan's image path against the decode-only
// rate of the same files (OpenCV IMREAD_GRAYSCALE, the yardstick), and the effect of the reduced
// JPEG decode on the hashes. Driven by tests/bench/pdq_bench.sh (see its README); not a test.
//   pdq_bench generate DIR         writes the corpus (1,000 x 640x480, 700 x 1920x1080,
//                                  300 x 4000x3000 JPEGs: smooth shading plus noise)
//   pdq_bench measure DIR [RUNS]   single-threaded rates, medians of RUNS interleaved passes
#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/media/sniff.h"
#include "core/pdq/pdq.h"
#include "formats/image/image_decoder.h"
#include "formats/image/image_pdq.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::byte> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(bytes.size());
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

// Smooth low-frequency shading (a few random blobs and gradients) plus sensor-like noise, so that
// JPEG sizes are those of photographs (about 0.3 bytes a pixel at quality 90), not of flat tests.
cv::Mat synthetic_photo(int rows, int cols, std::mt19937& rng) {
  cv::Mat small(24, 32, CV_8UC3);
  cv::randu(small, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::Mat img;
  cv::resize(small, img, cv::Size(cols, rows), 0, 0, cv::INTER_CUBIC);
  cv::GaussianBlur(img, img, cv::Size(0, 0), std::max(rows, cols) / 200.0);
  cv::Mat noise(rows, cols, CV_8UC3);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
  cv::Mat out;
  cv::add(img, noise, out, cv::noArray(), CV_8UC3);
  (void)rng;
  return out;
}

int generate(const fs::path& dir) {
  fs::create_directories(dir);
  std::mt19937 rng(2024);
  cv::theRNG().state = 2024;
  const struct {
    int count, cols, rows;
  } groups[] = {{1000, 640, 480}, {700, 1920, 1080}, {300, 4000, 3000}};
  int n = 0;
  for (const auto& g : groups)
    for (int i = 0; i < g.count; ++i, ++n) {
      const fs::path file = dir / fmt::format("img{:04}_{}x{}.jpg", n, g.cols, g.rows);
      if (fs::exists(file)) continue;
      cv::imwrite(file.string(), synthetic_photo(g.rows, g.cols, rng), {cv::IMWRITE_JPEG_QUALITY, 90});
    }
  fmt::print("generated {} JPEGs in {}\n", n, dir.string());
  return 0;
}

struct Rates {
  std::vector<double> seconds;
  double median() const {
    auto s = seconds;
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
  }
};

int measure(const fs::path& dir, int runs) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".jpg") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    fmt::print(stderr, "pdq-bench: no JPEGs in {}\n", dir.string());
    return 1;
  }
  std::uint64_t bytes = 0;
  for (const auto& f : files) bytes += fs::file_size(f);
  fmt::print("corpus: {} JPEGs, {:.0f} MB, in {}\n", files.size(), static_cast<double>(bytes) / 1e6, dir.string());

  // Effect of the production path (reduced JPEG decode + grey) against the full-resolution grey
  // decode, on every file: the price of the speed, in bits.
  std::vector<int> distances;
  int flipped_quality = 0;
  for (const auto& f : files) {
    const auto content = read_file(f);
    const auto kind = triage::sniff_media(content);
    const auto fast = triage::image_pdq(kind, content, 64'000'000);
    const auto grey = triage::decode_grey(kind, content, 64'000'000);
    if (!fast || !grey) continue;
    const auto full = triage::pdq_from_grey(grey->grey.data(), grey->rows, grey->cols);
    distances.push_back(triage::hamming_distance(fast->hash, full.hash));
    if ((fast->quality >= 50) != (full.quality >= 50)) ++flipped_quality;
  }
  std::sort(distances.begin(), distances.end());
  fmt::print("production path vs full-resolution grey decode, {} images: distance median {}, p95 {}, max {}; "
             "quality crossing 50: {}\n",
             distances.size(), distances[distances.size() / 2], distances[distances.size() * 95 / 100],
             distances.back(), flipped_quality);

  Rates decode_only, pdq, pdq_full;
  volatile int sink = 0;
  for (int run = 0; run < runs; ++run) {
    auto t0 = Clock::now();
    for (const auto& f : files) {
      const cv::Mat m = cv::imread(f.string(), cv::IMREAD_GRAYSCALE);
      sink = sink + m.rows;
    }
    decode_only.seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    t0 = Clock::now();
    for (const auto& f : files) {
      const auto content = read_file(f);  // the scan's walker hands the worker the bytes
      const auto r = triage::image_pdq(triage::sniff_media(content), content, 64'000'000);
      sink = sink + (r ? r->quality : -1);
    }
    pdq.seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    t0 = Clock::now();
    for (const auto& f : files) {  // the same without the reduced JPEG decode, for comparison
      const auto content = read_file(f);
      const auto grey = triage::decode_grey(triage::sniff_media(content), content, 64'000'000);
      sink = sink + (grey ? triage::pdq_from_grey(grey->grey.data(), grey->rows, grey->cols).quality : -1);
    }
    pdq_full.seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    fmt::print("  pass {}: decode-only {:.2f} s, PDQ {:.2f} s, PDQ with full decode {:.2f} s\n", run + 1,
               decode_only.seconds.back(), pdq.seconds.back(), pdq_full.seconds.back());
  }
  const double n = static_cast<double>(files.size());
  const double decode_rate = n / decode_only.median(), pdq_rate = n / pdq.median();
  fmt::print("single thread, medians of {}:\n", runs);
  fmt::print("  {:<44} {:>9.1f} images/s\n", "decode only (OpenCV IMREAD_GRAYSCALE)", decode_rate);
  fmt::print("  {:<44} {:>9.1f} images/s   ratio {:.2f}x   target >= 0.80x\n", "triage PDQ (read + decode + hash)",
             pdq_rate, pdq_rate / decode_rate);
  const double full_rate = n / pdq_full.median();
  fmt::print("  {:<44} {:>9.1f} images/s   ratio {:.2f}x   (for comparison)\n", "PDQ with full-size decode", full_rate,
             full_rate / decode_rate);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "generate") return generate(args[1]);
  if (args.size() >= 2 && args[0] == "measure") return measure(args[1], args.size() > 2 ? std::stoi(args[2]) : 3);
  fmt::print(stderr, "usage: pdq_bench generate DIR | measure DIR [RUNS]\n");
  return 2;
}
