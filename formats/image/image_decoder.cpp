#include "formats/image/image_decoder.h"

#include <fmt/format.h>
#include <libheif/heif.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#if defined(TRIAGE_HAVE_GIFLIB)
#include <gif_lib.h>
#endif

namespace triage {
namespace {

constexpr const char* kStage = "decode";

Error decode_error(std::string message) { return Error{kStage, std::move(message)}; }

std::size_t pixel_count(int rows, int cols) { return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols); }

// The header's claim, checked before any pixel is decoded (a bomb is refused, not allocated).
std::optional<Error> check_size(std::uint64_t width, std::uint64_t height, std::uint64_t max_pixels) {
  if (width == 0 || height == 0) return decode_error("image has no pixels");
  const std::uint64_t int_max = static_cast<std::uint64_t>(std::numeric_limits<int>::max());
  if (width > int_max || height > int_max || width * height > max_pixels)
    return decode_error(fmt::format("image of {}x{} pixels exceeds the limit of {} pixels", width, height, max_pixels));
  return std::nullopt;
}

bool is_heif_family(std::string_view format) { return format == "heic" || format == "heif" || format == "avif"; }

// OpenCV's fixed-point BGR/RGB -> grey (cvtColor: weights 0.299, 0.587, 0.114 in Q14, rounded),
// so that grey from libheif or giflib matches grey from OpenCV's own conversions.
std::uint8_t grey_of(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  constexpr unsigned kR = 4899, kG = 9617, kB = 1868, kShift = 14;
  return static_cast<std::uint8_t>((r * kR + g * kG + b * kB + (1U << (kShift - 1))) >> kShift);
}

GreyImage grey_from_rgb(const RgbImage& image) {
  GreyImage grey{image.rows, image.cols, std::vector<std::uint8_t>(pixel_count(image.rows, image.cols))};
  for (std::size_t i = 0; i < grey.grey.size(); ++i)
    grey.grey[i] = grey_of(image.rgb[3 * i], image.rgb[3 * i + 1], image.rgb[3 * i + 2]);
  return grey;
}

// ---- OpenCV ---------------------------------------------------------------------------------

// imdecode with IMREAD_IGNORE_ORIENTATION: the stored pixels, as the PDQ reference reads them
// (IMREAD_COLOR alone would rotate by the EXIF orientation tag).
cv::Mat opencv_decode(std::span<const std::byte> content, int colour_flag) {
  const cv::Mat buffer(1, static_cast<int>(content.size()), CV_8U,
                       const_cast<std::byte*>(content.data()));  // read only: imdecode does not write
  return cv::imdecode(buffer, colour_flag | cv::IMREAD_IGNORE_ORIENTATION);
}

Result<RgbImage> opencv_rgb(std::span<const std::byte> content) {
  const cv::Mat bgr = opencv_decode(content, cv::IMREAD_COLOR);
  if (bgr.empty() || bgr.type() != CV_8UC3) return decode_error("not a decodable image (OpenCV)");
  RgbImage image{bgr.rows, bgr.cols, std::vector<std::uint8_t>(3 * pixel_count(bgr.rows, bgr.cols))};
  std::uint8_t* out = image.rgb.data();
  for (int r = 0; r < bgr.rows; ++r) {
    const std::uint8_t* in = bgr.ptr<std::uint8_t>(r);
    for (int c = 0; c < bgr.cols; ++c, in += 3, out += 3) {
      out[0] = in[2];
      out[1] = in[1];
      out[2] = in[0];
    }
  }
  return image;
}

Result<GreyImage> opencv_grey(std::span<const std::byte> content, int flag) {
  const cv::Mat grey = opencv_decode(content, flag);
  if (grey.empty() || grey.type() != CV_8UC1) return decode_error("not a decodable image (OpenCV)");
  GreyImage image{grey.rows, grey.cols, std::vector<std::uint8_t>(pixel_count(grey.rows, grey.cols))};
  for (int r = 0; r < grey.rows; ++r) {
    const std::uint8_t* in = grey.ptr<std::uint8_t>(r);
    std::copy(in, in + grey.cols, image.grey.begin() + static_cast<std::ptrdiff_t>(pixel_count(r, grey.cols)));
  }
  return image;
}

// ---- libheif --------------------------------------------------------------------------------

struct HeifContextFree {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HeifHandleRelease {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct HeifImageRelease {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct HeifOptionsFree {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};

Error heif_failure(const char* what, const heif_error& err) {
  return decode_error(fmt::format("libheif: {}: {}", what, err.message != nullptr ? err.message : "unknown error"));
}

Result<RgbImage> heif_rgb(std::span<const std::byte> content, std::uint64_t max_pixels) {
  const std::unique_ptr<heif_context, HeifContextFree> ctx(heif_context_alloc());
  if (!ctx) return decode_error("libheif: cannot allocate a context");
  heif_error err = heif_context_read_from_memory_without_copy(ctx.get(), content.data(), content.size(), nullptr);
  if (err.code != heif_error_Ok) return heif_failure("read", err);
  heif_image_handle* raw_handle = nullptr;
  err = heif_context_get_primary_image_handle(ctx.get(), &raw_handle);
  const std::unique_ptr<heif_image_handle, HeifHandleRelease> handle(raw_handle);
  if (err.code != heif_error_Ok || !handle) return heif_failure("primary image", err);
  // Dimensions after HEIF's transformative properties (rotation, mirror, crop), before decoding.
  const int width = heif_image_handle_get_width(handle.get());
  const int height = heif_image_handle_get_height(handle.get());
  if (width <= 0 || height <= 0) return decode_error("libheif: image has no pixels");
  if (auto too_big = check_size(static_cast<std::uint64_t>(width), static_cast<std::uint64_t>(height), max_pixels))
    return *too_big;

  const std::unique_ptr<heif_decoding_options, HeifOptionsFree> options(heif_decoding_options_alloc());
  if (!options) return decode_error("libheif: cannot allocate decoding options");
  options->convert_hdr_to_8bit = 1;  // 10/12-bit HEIF to 8-bit interleaved RGB
  heif_image* raw_image = nullptr;
  err = heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, options.get());
  const std::unique_ptr<heif_image, HeifImageRelease> decoded(raw_image);
  if (err.code != heif_error_Ok || !decoded) return heif_failure("decode", err);

  int stride = 0;
  const std::uint8_t* plane = heif_image_get_plane_readonly(decoded.get(), heif_channel_interleaved, &stride);
  const int rows = heif_image_get_height(decoded.get(), heif_channel_interleaved);
  const int cols = heif_image_get_width(decoded.get(), heif_channel_interleaved);
  if (plane == nullptr || rows <= 0 || cols <= 0 || stride < 3 * cols)
    return decode_error("libheif: decoded image has no interleaved RGB plane");
  if (auto too_big = check_size(static_cast<std::uint64_t>(cols), static_cast<std::uint64_t>(rows), max_pixels))
    return *too_big;
  RgbImage image{rows, cols, std::vector<std::uint8_t>(3 * pixel_count(rows, cols))};
  const std::size_t row_bytes = 3 * static_cast<std::size_t>(cols);
  for (int r = 0; r < rows; ++r) {
    std::memcpy(image.rgb.data() + static_cast<std::size_t>(r) * row_bytes,
                plane + static_cast<std::size_t>(r) * static_cast<std::size_t>(stride), row_bytes);
  }
  return image;
}

// ---- giflib ---------------------------------------------------------------------------------

#if defined(TRIAGE_HAVE_GIFLIB)

struct GifReader {
  std::span<const std::byte> content;
  std::size_t pos = 0;
};

int gif_read(GifFileType* gif, GifByteType* out, int wanted) {
  auto* reader = static_cast<GifReader*>(gif->UserData);
  const std::size_t n = std::min(static_cast<std::size_t>(std::max(wanted, 0)), reader->content.size() - reader->pos);
  std::memcpy(out, reader->content.data() + reader->pos, n);
  reader->pos += n;
  return static_cast<int>(n);
}

struct GifClose {
  void operator()(GifFileType* gif) const {
    int ignored = 0;
    DGifCloseFile(gif, &ignored);
  }
};

Error gif_failure(const char* what, int code) {
  const char* text = GifErrorString(code);
  return decode_error(fmt::format("giflib: {}: {}", what, text != nullptr ? text : "unknown error"));
}

// The first frame painted on the logical screen (filled with the background colour), palette
// applied; a transparent index keeps its palette colour (colour channels, no blending).
Result<RgbImage> gif_rgb(std::span<const std::byte> content, std::uint64_t max_pixels) {
  GifReader reader{content};
  int code = 0;
  const std::unique_ptr<GifFileType, GifClose> gif(DGifOpen(&reader, gif_read, &code));
  if (!gif) return gif_failure("open", code);
  const int screen_w = gif->SWidth;
  const int screen_h = gif->SHeight;
  if (auto too_big = check_size(static_cast<std::uint64_t>(std::max(screen_w, 0)),
                                static_cast<std::uint64_t>(std::max(screen_h, 0)), max_pixels))
    return *too_big;

  GifRecordType record = UNDEFINED_RECORD_TYPE;
  do {
    if (DGifGetRecordType(gif.get(), &record) == GIF_ERROR) return gif_failure("record", gif->Error);
    if (record == EXTENSION_RECORD_TYPE) {
      int ext_code = 0;
      GifByteType* block = nullptr;
      if (DGifGetExtension(gif.get(), &ext_code, &block) == GIF_ERROR) return gif_failure("extension", gif->Error);
      while (block != nullptr) {
        if (DGifGetExtensionNext(gif.get(), &block) == GIF_ERROR) return gif_failure("extension", gif->Error);
      }
    }
  } while (record != IMAGE_DESC_RECORD_TYPE && record != TERMINATE_RECORD_TYPE);
  if (record != IMAGE_DESC_RECORD_TYPE) return decode_error("giflib: no image in the file");
  if (DGifGetImageDesc(gif.get()) == GIF_ERROR) return gif_failure("image descriptor", gif->Error);

  const GifImageDesc& desc = gif->Image;
  const ColorMapObject* palette = desc.ColorMap != nullptr ? desc.ColorMap : gif->SColorMap;
  if (palette == nullptr || palette->Colors == nullptr || palette->ColorCount <= 0)
    return decode_error("giflib: frame has no colour table");
  if (desc.Width <= 0 || desc.Height <= 0) return decode_error("giflib: frame has no pixels");
  const auto frame_w = static_cast<std::uint64_t>(desc.Width), frame_h = static_cast<std::uint64_t>(desc.Height);
  if (auto too_big = check_size(frame_w, frame_h, max_pixels)) return *too_big;

  auto colour = [&](int index) -> const GifColorType& {
    return palette->Colors[std::clamp(index, 0, palette->ColorCount - 1)];
  };
  RgbImage image{screen_h, screen_w, std::vector<std::uint8_t>(3 * pixel_count(screen_h, screen_w))};
  const GifColorType& background = gif->SColorMap != nullptr ? colour(gif->SBackGroundColor) : colour(0);
  for (std::size_t i = 0; i < pixel_count(screen_h, screen_w); ++i) {
    image.rgb[3 * i] = background.Red;
    image.rgb[3 * i + 1] = background.Green;
    image.rgb[3 * i + 2] = background.Blue;
  }

  std::vector<GifPixelType> line(static_cast<std::size_t>(desc.Width));
  auto paint = [&](int frame_row) -> std::optional<Error> {
    if (DGifGetLine(gif.get(), line.data(), desc.Width) == GIF_ERROR) return gif_failure("pixels", gif->Error);
    const int y = desc.Top + frame_row;
    if (y < 0 || y >= screen_h) return std::nullopt;
    for (int x = 0; x < desc.Width; ++x) {
      const int sx = desc.Left + x;
      if (sx < 0 || sx >= screen_w) continue;
      const GifColorType& c = colour(line[static_cast<std::size_t>(x)]);
      std::uint8_t* px = image.rgb.data() + 3 * (pixel_count(y, screen_w) + static_cast<std::size_t>(sx));
      px[0] = c.Red;
      px[1] = c.Green;
      px[2] = c.Blue;
    }
    return std::nullopt;
  };
  if (desc.Interlace) {
    // GIF89a appendix E: four passes over rows 0, 4, 2, 1 modulo 8, 8, 4, 2.
    constexpr int kStart[] = {0, 4, 2, 1};
    constexpr int kStep[] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass) {
      for (int row = kStart[pass]; row < desc.Height; row += kStep[pass])
        if (auto failed = paint(row)) return *failed;
    }
  } else {
    for (int row = 0; row < desc.Height; ++row)
      if (auto failed = paint(row)) return *failed;
  }
  return image;
}

#endif

// ---- dispatch -------------------------------------------------------------------------------

// Header dimensions where core/media/sniff.h reads them; formats it does not read are decoded
// and checked afterwards (OpenCV's own limit, CV_IO_MAX_IMAGE_PIXELS, bounds them meanwhile).
std::optional<Error> check_header(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels) {
  if (content.empty()) return decode_error("empty file");
  if (content.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return decode_error("file too large to decode as one image");
  if (const auto size = image_pixel_size(kind, content)) return check_size(size->width, size->height, max_pixels);
  return std::nullopt;
}

template <typename Image>
Result<Image> checked(Result<Image> decoded, std::uint64_t max_pixels) {
  if (!decoded) return decoded;
  const auto cols = static_cast<std::uint64_t>(decoded->cols), rows = static_cast<std::uint64_t>(decoded->rows);
  if (auto too_big = check_size(cols, rows, max_pixels)) return *too_big;
  return decoded;
}

// IMREAD_GRAYSCALE, or for a JPEG whose sides allow it one of OpenCV's reduced modes, which
// set libjpeg's scale_num/scale_denom (the IDCT then outputs 1/2, 1/4 or 1/8 of the pixels).
int grey_flag(const MediaKind& kind, std::span<const std::byte> content, int min_side) {
  if (min_side <= 0 || kind.format != "jpeg") return cv::IMREAD_GRAYSCALE;
  const auto size = image_pixel_size(kind, content);
  if (!size) return cv::IMREAD_GRAYSCALE;
  const std::uint64_t side = std::min(size->width, size->height);
  const auto min = static_cast<std::uint64_t>(min_side);
  if (side >= 8 * min) return cv::IMREAD_REDUCED_GRAYSCALE_8;
  if (side >= 4 * min) return cv::IMREAD_REDUCED_GRAYSCALE_4;
  if (side >= 2 * min) return cv::IMREAD_REDUCED_GRAYSCALE_2;
  return cv::IMREAD_GRAYSCALE;
}

// Runs a decoder at the per-item edge: no exception of OpenCV or of allocation leaves it.
template <typename Decode>
auto guarded(Decode&& decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const cv::Exception& e) {
    return decode_error(fmt::format("OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return decode_error("out of memory while decoding");
  } catch (const std::exception& e) {
    return decode_error(e.what());
  }
}

}  // namespace

Result<RgbImage> decode_rgb(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels) {
  return guarded([&]() -> Result<RgbImage> {
    if (auto refused = check_header(kind, content, max_pixels)) return *refused;
    if (is_heif_family(kind.format)) return heif_rgb(content, max_pixels);
    if (kind.format == "gif") {
#if defined(TRIAGE_HAVE_GIFLIB)
      return checked(gif_rgb(content, max_pixels), max_pixels);
#else
      return decode_error("gif decode unsupported (built without giflib)");
#endif
    }
    return checked(opencv_rgb(content), max_pixels);
  });
}

Result<GreyImage> decode_grey(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels,
                              int min_side) {
  return guarded([&]() -> Result<GreyImage> {
    if (auto refused = check_header(kind, content, max_pixels)) return *refused;
    if (is_heif_family(kind.format) || kind.format == "gif") {
      auto rgb = decode_rgb(kind, content, max_pixels);
      if (!rgb) return rgb.error();
      return grey_from_rgb(*rgb);
    }
    return checked(opencv_grey(content, grey_flag(kind, content, min_side)), max_pixels);
  });
}

std::optional<std::string> image_decode_failure(const MediaKind& kind, std::span<const std::byte> bytes,
                                                std::uint64_t max_pixels) {
  auto decoded = decode_grey(kind, bytes, max_pixels);
  if (decoded) return std::nullopt;
  return decoded.error().message;
}

std::vector<LibraryVersion> image_library_versions() {
  std::vector<LibraryVersion> out{{"OpenCV", cv::getVersionString()}, {"libheif", heif_get_version()}};
#if TRIAGE_HAVE_GIFLIB
  out.push_back({"giflib", std::to_string(GIFLIB_MAJOR) + "." + std::to_string(GIFLIB_MINOR) + "." +
                               std::to_string(GIFLIB_RELEASE)});
#endif
  return out;
}

}  // namespace triage
