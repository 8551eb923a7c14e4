#include "formats/video/video_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

namespace triage {
namespace {

using Clock = std::chrono::steady_clock;

// RAII for every FFmpeg handle (their free functions take a pointer to the pointer).
struct FormatCloser {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
struct CodecFreer {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFreer {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};
struct AvioFreer {
  void operator()(AVIOContext* p) const {
    if (p == nullptr) return;
    av_freep(&p->buffer);  // the buffer may have been replaced by libavformat: free the current one
    avio_context_free(&p);
  }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFreer>;
using AvioPtr = std::unique_ptr<AVIOContext, AvioFreer>;

constexpr int kAvioBufferSize = 64 << 10;

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(code, text, sizeof text) != 0) return fmt::format("FFmpeg error {}", code);
  return text;
}

Error video_error(std::string message) { return Error{"video", std::move(message)}; }

// FFmpeg logs to stderr by default; the tool reports per-item errors itself.
void quiet_ffmpeg_logs() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

// The item's bytes, for libavformat's custom I/O: a buffer, or the walker's reader of a file too
// large to be handed over in memory. A read error ends the data; it is reported with the result.
struct ReaderFile {
  RandomAccessReader& reader;
  std::int64_t size = 0;
  std::int64_t pos = 0;
  std::optional<Error> read_error;
};

int reader_read(void* opaque, std::uint8_t* buf, int size) {
  auto* f = static_cast<ReaderFile*>(opaque);
  if (f->pos >= f->size || size <= 0) return AVERROR_EOF;
  const auto want = static_cast<std::size_t>(std::min<std::int64_t>(size, f->size - f->pos));
  auto got = f->reader.read_at(static_cast<std::uint64_t>(f->pos), std::span(reinterpret_cast<std::byte*>(buf), want));
  if (!got) {
    if (!f->read_error) f->read_error = got.error();
    return AVERROR(EIO);
  }
  if (*got == 0) return AVERROR_EOF;
  f->pos += static_cast<std::int64_t>(*got);
  return static_cast<int>(*got);
}

std::int64_t reader_seek(void* opaque, std::int64_t offset, int whence) {
  auto* f = static_cast<ReaderFile*>(opaque);
  const std::int64_t total = f->size;
  whence &= ~AVSEEK_FORCE;
  if (whence == AVSEEK_SIZE) return total;
  std::int64_t base = 0;
  if (whence == SEEK_CUR) base = f->pos;
  else if (whence == SEEK_END) base = total;
  else if (whence != SEEK_SET) return AVERROR(EINVAL);
  if (offset > std::numeric_limits<std::int64_t>::max() - base) return AVERROR(EINVAL);
  const std::int64_t target = base + offset;
  if (target < 0 || target > total) return AVERROR(EINVAL);
  f->pos = target;
  return target;
}

// Where a video's bytes come from: a file-system path FFmpeg opens itself, or a reader.
struct VideoInput {
  const std::string* path = nullptr;
  RandomAccessReader* reader = nullptr;
  std::uint64_t size = 0;
};

// The wall-clock budget, checked by libavformat's blocking calls through the interrupt callback.
// The per-video time budget, and the scan's interruption (VideoOptions::cancel).
struct Deadline {
  Clock::time_point at;
  const std::atomic<bool>* cancel = nullptr;
  bool cancelled() const { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
  bool passed() const { return cancelled() || Clock::now() >= at; }
  std::string why() const { return cancelled() ? "interrupted" : "time budget exceeded"; }
};

int deadline_interrupt(void* opaque) { return static_cast<const Deadline*>(opaque)->passed() ? 1 : 0; }

// One opened video: demuxer, the first video stream and its decoder.
class OpenVideo {
 public:
  // The deadline must outlive the OpenVideo (libavformat keeps a pointer to it).
  static Result<std::unique_ptr<OpenVideo>> open(const VideoInput& input, const Deadline& deadline) {
    quiet_ffmpeg_logs();
    auto v = std::unique_ptr<OpenVideo>(new OpenVideo());
    AVFormatContext* raw = avformat_alloc_context();
    if (raw == nullptr) return video_error("out of memory");
    raw->interrupt_callback.callback = deadline_interrupt;
    raw->interrupt_callback.opaque = const_cast<Deadline*>(&deadline);
    if (input.path == nullptr) {
      const auto size = static_cast<std::int64_t>(
          std::min<std::uint64_t>(input.size, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())));
      v->file_ = std::make_unique<ReaderFile>(ReaderFile{*input.reader, size, 0, std::nullopt});
      auto* buffer = static_cast<unsigned char*>(av_malloc(kAvioBufferSize));
      if (buffer == nullptr) {
        avformat_free_context(raw);
        return video_error("out of memory");
      }
      v->avio_.reset(avio_alloc_context(buffer, kAvioBufferSize, 0, v->file_.get(), reader_read, nullptr,
                                        reader_seek));
      if (!v->avio_) {
        av_free(buffer);
        avformat_free_context(raw);
        return video_error("out of memory");
      }
      raw->pb = v->avio_.get();
      raw->flags |= AVFMT_FLAG_CUSTOM_IO;
    }
    // On failure avformat_open_input frees the context (not a custom AVIOContext).
    int rc = avformat_open_input(&raw, input.path != nullptr ? input.path->c_str() : "", nullptr, nullptr);
    if (rc < 0) {
      if (deadline.passed()) return video_error(deadline.why() + " while opening the video");
      if (v->read_error()) return video_error(fmt::format("cannot open as a video: {}", v->read_error()->message));
      return video_error(fmt::format("cannot open as a video: {}", av_error_text(rc)));
    }
    v->format_.reset(raw);
    rc = avformat_find_stream_info(raw, nullptr);
    if (rc < 0) {
      if (deadline.passed()) return video_error(deadline.why() + " while reading stream information");
      return video_error(fmt::format("cannot read stream information: {}", av_error_text(rc)));
    }
    // The first video stream (as the reference), skipping cover art stored as a video stream.
    for (unsigned i = 0; i < raw->nb_streams; ++i) {
      const AVStream* s = raw->streams[i];
      if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && (s->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
        v->stream_ = static_cast<int>(i);
        break;
      }
    }
    if (v->stream_ < 0) return video_error("no video stream");
    v->fill_info();
    return v;
  }

  const VideoInfo& info() const { return info_; }
  // The first read error of a reader input, if any.
  const std::optional<Error>& read_error() const {
    static const std::optional<Error> none;
    return file_ ? file_->read_error : none;
  }
  AVFormatContext* format() const { return format_.get(); }
  AVStream* stream() const { return format_->streams[stream_]; }
  int stream_index() const { return stream_; }

  Result<CodecPtr> open_decoder(std::uint64_t max_pixels) const {
    const AVCodecParameters* par = stream()->codecpar;
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (codec == nullptr) return video_error(fmt::format("no decoder for codec '{}'", info_.codec));
    CodecPtr ctx(avcodec_alloc_context3(codec));
    if (!ctx) return video_error("out of memory");
    if (avcodec_parameters_to_context(ctx.get(), par) < 0) return video_error("bad codec parameters");
    // One thread per video: the scan runs one video per worker. Decoding is bit-exact whatever
    // the threading (the reference uses slice threads).
    ctx->thread_count = 1;
    // The decoder's own guard against frames of absurd size claimed by a hostile stream.
    ctx->max_pixels = static_cast<std::int64_t>(std::min<std::uint64_t>(max_pixels, std::numeric_limits<std::int64_t>::max()));
    const int rc = avcodec_open2(ctx.get(), codec, nullptr);
    if (rc < 0) return video_error(fmt::format("cannot open the '{}' decoder: {}", info_.codec, av_error_text(rc)));
    return ctx;
  }

 private:
  OpenVideo() = default;

  void fill_info() {
    const AVFormatContext* f = format_.get();
    const AVStream* s = stream();
    const AVCodecParameters* par = s->codecpar;
    info_.container = f->iformat != nullptr && f->iformat->name != nullptr ? f->iformat->name : "";
    info_.codec = avcodec_get_name(par->codec_id);
    info_.width = par->width;
    info_.height = par->height;
    AVRational rate = s->avg_frame_rate;
    if (rate.num == 0 || rate.den == 0) rate = s->r_frame_rate;
    info_.frame_rate = rate.num != 0 && rate.den != 0 ? av_q2d(rate) : 0.0;
    if (f->duration != AV_NOPTS_VALUE && f->duration > 0) {
      info_.duration = static_cast<double>(f->duration) / AV_TIME_BASE;
    } else if (s->duration != AV_NOPTS_VALUE && s->duration > 0) {
      info_.duration = static_cast<double>(s->duration) * av_q2d(s->time_base);
    }
    if (s->nb_frames > 0) info_.frame_count = s->nb_frames;
    const AVDictionaryEntry* created = av_dict_get(f->metadata, "creation_time", nullptr, 0);
    if (created == nullptr) created = av_dict_get(s->metadata, "creation_time", nullptr, 0);
    if (created != nullptr && created->value != nullptr) info_.creation_time = created->value;
    // Display matrix (ISO 14496-12 tkhd matrix): av_display_rotation_get gives the
    // counter-clockwise angle; the viewer turns the picture clockwise by its negation, as
    // ffmpeg's own autorotate does.
    const std::uint8_t* matrix = nullptr;
#if LIBAVFORMAT_VERSION_MAJOR >= 61 || (LIBAVFORMAT_VERSION_MAJOR == 60 && LIBAVFORMAT_VERSION_MINOR >= 15)
    if (const AVPacketSideData* sd = av_packet_side_data_get(par->coded_side_data, par->nb_coded_side_data,
                                                             AV_PKT_DATA_DISPLAYMATRIX);
        sd != nullptr && sd->size >= 9 * sizeof(std::int32_t))
      matrix = sd->data;
#else
    std::size_t size = 0;
    matrix = av_stream_get_side_data(s, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (size < 9 * sizeof(std::int32_t)) matrix = nullptr;
#endif
    if (matrix != nullptr) {
      const double angle = av_display_rotation_get(reinterpret_cast<const std::int32_t*>(matrix));
      if (std::isfinite(angle)) {
        double theta = -std::round(angle);
        theta -= 360.0 * std::floor(theta / 360.0 + 0.9 / 360.0);
        info_.rotation = static_cast<int>(theta);
      }
    }
  }

  std::unique_ptr<ReaderFile> file_;
  AvioPtr avio_;       // declared before format_: destroyed after it
  FormatPtr format_;
  int stream_ = -1;
  VideoInfo info_;
};

// Decodes every frame, hashes the sampled ones.
class FrameHasher {
 public:
  FrameHasher(const OpenVideo& video, AVCodecContext* codec, const VideoOptions& options, const Deadline& deadline,
              VideoHashes& out)
      : video_(video), codec_(codec), options_(options), deadline_(deadline), out_(out) {
    const double rate = video.info().frame_rate;
    if (options.fps > 0 && rate > 0) step_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(rate / options.fps));
  }

  void run() {
    PacketPtr packet(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!packet || !frame_) return stop("out of memory");
    for (;;) {
      if (stopped_) return;
      if (deadline_.passed()) return stop(deadline_.why());
      const int rc = av_read_frame(video_.format(), packet.get());
      if (rc == AVERROR_EOF) break;
      if (rc < 0) {
        note_damage(fmt::format("read error: {}", av_error_text(rc)));
        break;
      }
      // Key-frame mode: other packets are skipped before the decoder sees them (intra frames
      // decode on their own), which is where the time goes.
      if (packet->stream_index == video_.stream_index() &&
          (!options_.keyframes_only || (packet->flags & AV_PKT_FLAG_KEY) != 0))
        send(packet.get());
      av_packet_unref(packet.get());
    }
    if (!stopped_) send(nullptr);  // flush the decoder's delayed frames
  }

  // The strip: options.strip_frames of the kept frames, evenly spaced from the first to the last.
  void finish_strip() {
    const auto want = static_cast<std::size_t>(std::max(options_.strip_frames, 0));
    if (pool_.empty() || want == 0) return;
    const std::size_t n = std::min(want, pool_.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = n == 1 ? 0 : i * (pool_.size() - 1) / (n - 1);
      out_.strip.push_back(pool_[at]);
    }
  }

 private:
  void stop(std::string why) {
    stopped_ = true;
    if (damaged_ > 0) why += fmt::format(" (after {} damaged packet(s) or frame(s) skipped)", damaged_);
    out_.incomplete = video_error(std::move(why));
  }
  // Damaged data: skip it and go on (the reference stops at the first bad packet; a seized
  // file's later frames are evidence too); the item says so.
  void note_damage(std::string what) {
    ++damaged_;
    out_.incomplete = video_error(fmt::format("{} damaged packet(s) or frame(s) skipped; first: {}", damaged_,
                                              first_damage_.empty() ? what : first_damage_));
    if (first_damage_.empty()) first_damage_ = std::move(what);
  }

  void send(const AVPacket* packet) {
    int rc = avcodec_send_packet(codec_, packet);
    if (rc < 0 && rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) {
      note_damage(fmt::format("decode error at frame {}: {}", out_.decoded_frames, av_error_text(rc)));
      return;
    }
    for (;;) {
      rc = avcodec_receive_frame(codec_, frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      if (rc < 0) {
        note_damage(fmt::format("decode error at frame {}: {}", out_.decoded_frames, av_error_text(rc)));
        return;
      }
      const auto number = static_cast<std::int64_t>(out_.decoded_frames++);
      if (options_.keyframes_only) {
        hash_frame(std::llround(presentation_seconds(frame_.get()) * video_.info().frame_rate));
      } else if (number % step_ == 0) {
        hash_frame(number);
      }
      av_frame_unref(frame_.get());
      if (stopped_) return;
      if (out_.decoded_frames >= options_.max_frames) return stop("frame budget exceeded");
      if (deadline_.passed()) return stop(deadline_.why());
    }
  }

  void hash_frame(std::int64_t number) {
    const VideoInfo& info = video_.info();
    const AVFrame* f = frame_.get();
    const auto src_pixels = static_cast<std::uint64_t>(std::max(f->width, 0)) * static_cast<std::uint64_t>(std::max(f->height, 0));
    const auto dst_pixels = static_cast<std::uint64_t>(info.width) * static_cast<std::uint64_t>(info.height);
    if (src_pixels == 0 || src_pixels > options_.max_pixels || dst_pixels == 0 || dst_pixels > options_.max_pixels)
      return stop(fmt::format("frame {} is {}x{} pixels, over the limit or empty", number, f->width, f->height));
    // The reference converts at the codec's size and pixel format into the stream's size; the
    // frame's own values are used here (the same for a sound stream, and safe when a hostile
    // stream changes size mid-way).
    sws_.reset(sws_getCachedContext(sws_.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format),
                                    info.width, info.height, AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
    if (!sws_) return stop(fmt::format("frame {}: cannot convert pixel format to RGB", number));
    // A packed RGB24 frame allocated as the reference does (alignment 1: no row padding).
    FramePtr rgb(av_frame_alloc());
    if (!rgb) return stop("out of memory");
    rgb->format = AV_PIX_FMT_RGB24;
    rgb->width = info.width;
    rgb->height = info.height;
    if (av_frame_get_buffer(rgb.get(), 1) < 0) return stop("out of memory");
    sws_scale(sws_.get(), f->data, f->linesize, 0, f->height, rgb->data, rgb->linesize);
    VideoFrameHash hash;
    hash.frame = number;
    hash.timestamp = info.frame_rate > 0
                         ? static_cast<double>(static_cast<float>(number) / static_cast<float>(info.frame_rate))
                         : best_effort_seconds(f);
    const int row_bytes = 3 * info.width;
    if (rgb->linesize[0] == row_bytes) {
      hash.pdq = pdq_from_rgb(rgb->data[0], info.height, info.width);
    } else {
      std::vector<std::uint8_t> packed(static_cast<std::size_t>(row_bytes) * static_cast<std::size_t>(info.height));
      for (int y = 0; y < info.height; ++y)
        std::memcpy(packed.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(row_bytes),
                    rgb->data[0] + static_cast<std::ptrdiff_t>(y) * rgb->linesize[0], static_cast<std::size_t>(row_bytes));
      hash.pdq = pdq_from_rgb(packed.data(), info.height, info.width);
    }
    out_.frames.push_back(hash);
    if (options_.strip_frames > 0) keep_for_strip(f);
  }

  // Every sampled frame is a candidate; the kept ones stay evenly spaced by halving them (and
  // doubling the stride) whenever they reach kStripPool, so a long video holds no more than that.
  static constexpr std::size_t kStripPool = 64;
  void keep_for_strip(const AVFrame* f) {
    if (candidates_++ % strip_stride_ != 0) return;
    if (f->width <= 0 || f->height <= 0) return;
    SmallFrame small;  // the decoded frame's own proportions (a stream's stated size may be absent)
    small.rows = kStripFrameHeight;
    small.cols = std::max(1, static_cast<int>(std::lround(static_cast<double>(f->width) * kStripFrameHeight / f->height)));
    small_sws_.reset(sws_getCachedContext(small_sws_.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format),
                                          small.cols, small.rows, AV_PIX_FMT_GRAY8, SWS_AREA, nullptr, nullptr, nullptr));
    if (!small_sws_) return;  // no strip frame: the hashes are unaffected
    small.grey.resize(static_cast<std::size_t>(small.rows) * static_cast<std::size_t>(small.cols));
    std::uint8_t* planes[4] = {small.grey.data(), nullptr, nullptr, nullptr};
    const int strides[4] = {small.cols, 0, 0, 0};
    sws_scale(small_sws_.get(), f->data, f->linesize, 0, f->height, planes, strides);
    pool_.push_back(std::move(small));
    if (pool_.size() == kStripPool) {
      for (std::size_t i = 0; i < kStripPool / 2; ++i) pool_[i] = std::move(pool_[2 * i]);
      pool_.resize(kStripPool / 2);
      strip_stride_ *= 2;
    }
  }

  // Seconds from the stream's start (key-frame mode numbers frames by it).
  double presentation_seconds(const AVFrame* f) const {
    const AVStream* s = video_.stream();
    if (f->best_effort_timestamp == AV_NOPTS_VALUE) return 0.0;
    const std::int64_t start = s->start_time == AV_NOPTS_VALUE ? 0 : s->start_time;
    return std::max(0.0, static_cast<double>(f->best_effort_timestamp - start) * av_q2d(s->time_base));
  }

  double best_effort_seconds(const AVFrame* f) const {
    if (f->best_effort_timestamp == AV_NOPTS_VALUE) return 0.0;
    return static_cast<double>(f->best_effort_timestamp) * av_q2d(video_.stream()->time_base);
  }

  const OpenVideo& video_;
  AVCodecContext* codec_;
  const VideoOptions& options_;
  const Deadline& deadline_;
  VideoHashes& out_;
  std::int64_t step_ = 1;
  FramePtr frame_;
  SwsPtr sws_;
  SwsPtr small_sws_;                // strip frames
  std::vector<SmallFrame> pool_;    // kept strip candidates, evenly spaced
  std::uint64_t candidates_ = 0;    // sampled frames seen for the strip
  std::uint64_t strip_stride_ = 1;
  bool stopped_ = false;
  std::uint64_t damaged_ = 0;
  std::string first_damage_;
};

Result<VideoInfo> probe(const VideoInput& input, const VideoOptions& options) {
  const Deadline deadline{Clock::now() + options.max_time, options.cancel};
  auto video = OpenVideo::open(input, deadline);
  if (!video) return video.error();
  return (*video)->info();
}

Result<VideoHashes> hash(const VideoInput& input, const VideoOptions& options) {
  const Deadline deadline{Clock::now() + options.max_time, options.cancel};
  auto video = OpenVideo::open(input, deadline);
  if (!video) return video.error();
  const VideoInfo& info = (*video)->info();
  if (info.width <= 0 || info.height <= 0) return video_error("the video stream has no frame size");
  if (static_cast<std::uint64_t>(info.width) * static_cast<std::uint64_t>(info.height) > options.max_pixels)
    return video_error(fmt::format("frames of {}x{} pixels exceed the limit", info.width, info.height));
  auto codec = (*video)->open_decoder(options.max_pixels);
  if (!codec) return codec.error();
  VideoHashes out;
  out.info = info;
  FrameHasher hasher(**video, codec->get(), options, deadline, out);
  hasher.run();
  hasher.finish_strip();
  if (const auto& failed = (*video)->read_error()) {  // the frames before it are kept
    const std::string why = fmt::format("read error: {}", failed->message);
    out.incomplete = video_error(out.incomplete ? fmt::format("{}; {}", out.incomplete->message, why) : why);
  }
  if (out.decoded_frames == 0) {
    return video_error(out.incomplete ? fmt::format("no frame decoded: {}", out.incomplete->message)
                                      : std::string("no frame decoded"));
  }
  return out;
}

}  // namespace

Result<VideoInfo> probe_video_file(const std::string& path, const VideoOptions& options) {
  return probe({&path, nullptr, 0}, options);
}
Result<VideoInfo> probe_video_buffer(std::span<const std::byte> content, const VideoOptions& options) {
  SpanReader reader(content);
  return probe({nullptr, &reader, content.size()}, options);
}
Result<VideoHashes> hash_video_file(const std::string& path, const VideoOptions& options) {
  return hash({&path, nullptr, 0}, options);
}
Result<VideoHashes> hash_video_buffer(std::span<const std::byte> content, const VideoOptions& options) {
  SpanReader reader(content);
  return hash({nullptr, &reader, content.size()}, options);
}
Result<VideoHashes> hash_video_reader(RandomAccessReader& reader, std::uint64_t size, const VideoOptions& options) {
  return hash({nullptr, &reader, size}, options);
}

std::vector<LibraryVersion> video_library_versions() {
  const auto dotted = [](unsigned v) { return fmt::format("{}.{}.{}", v >> 16, (v >> 8) & 0xFF, v & 0xFF); };
  return {{"FFmpeg", av_version_info()},
          {"libavcodec", dotted(avcodec_version())},
          {"libavformat", dotted(avformat_version())}};
}
}  // namespace triage
