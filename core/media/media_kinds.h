#pragma once
// The media kinds sniff_media identifies: format, MIME type and usual extensions. Extension lists
// are generous: any usual spelling of the format counts.
#include <array>
#include <string_view>

#include "core/media/byte_reader.h"
#include "core/media/sniff.h"

namespace triage::media_kinds {

inline constexpr std::string_view kIsoVideoExt =
    "mp4 m4v m4p mov qt 3gp 3gpp 3g2 3gp2 f4v f4p lrv mqv m4a";
inline constexpr std::string_view kHeifExt = "heic heif hif heics heifs avci";
inline constexpr std::string_view kJp2Ext = "jp2 jpg2 jpf jpx jpm j2c j2k jpc";

inline constexpr MediaKind kJpeg{MediaType::image, "jpeg", "image/jpeg", "jpg jpeg jpe jfif jfi jif"};
inline constexpr MediaKind kPng{MediaType::image, "png", "image/png", "png apng"};
inline constexpr MediaKind kGif{MediaType::image, "gif", "image/gif", "gif"};
inline constexpr MediaKind kBmp{MediaType::image, "bmp", "image/bmp", "bmp dib"};
// TIFF-structured camera raw files (DNG, NEF, CR2, ARW, PEF, ...) carry a plain TIFF header,
// so their extensions are listed here: naming them so is not a mismatch.
inline constexpr MediaKind kTiff{MediaType::image, "tiff", "image/tiff",
                          "tif tiff btf tf8 dng nef nrw cr2 arw srf sr2 pef 3fr erf mef mos kdc "
                          "dcr iiq srw"};
inline constexpr MediaKind kWebp{MediaType::image, "webp", "image/webp", "webp"};
inline constexpr MediaKind kHeic{MediaType::image, "heic", "image/heic", kHeifExt};
// Image sequences keep the container's short name (readers of "heic"/"heif" handle them too);
// the MIME type tells them apart (ISO/IEC 23008-12 Annex C registrations).
inline constexpr MediaKind kHeicSeq{MediaType::image, "heic", "image/heic-sequence", kHeifExt};
inline constexpr MediaKind kHeif{MediaType::image, "heif", "image/heif", kHeifExt};
inline constexpr MediaKind kHeifSeq{MediaType::image, "heif", "image/heif-sequence", kHeifExt};
inline constexpr MediaKind kAvif{MediaType::image, "avif", "image/avif", "avif avifs"};
inline constexpr MediaKind kJp2{MediaType::image, "jp2", "image/jp2", kJp2Ext};
inline constexpr MediaKind kJpx{MediaType::image, "jpx", "image/jpx", kJp2Ext};
inline constexpr MediaKind kJpm{MediaType::image, "jpm", "image/jpm", kJp2Ext};
inline constexpr MediaKind kJ2c{MediaType::image, "j2c", "image/j2c", "j2c j2k jpc"};

inline constexpr MediaKind kMp4{MediaType::video, "mp4", "video/mp4", kIsoVideoExt};
inline constexpr MediaKind kM4v{MediaType::video, "m4v", "video/x-m4v", kIsoVideoExt};
inline constexpr MediaKind kMov{MediaType::video, "mov", "video/quicktime", kIsoVideoExt};
inline constexpr MediaKind k3gp{MediaType::video, "3gp", "video/3gpp", kIsoVideoExt};
inline constexpr MediaKind k3g2{MediaType::video, "3g2", "video/3gpp2", kIsoVideoExt};
inline constexpr MediaKind kMj2{MediaType::video, "mj2", "video/mj2", "mj2 mjp2"};
inline constexpr MediaKind kAvi{MediaType::video, "avi", "video/x-msvideo", "avi divx"};
inline constexpr MediaKind kMatroska{MediaType::video, "matroska", "video/x-matroska", "mkv mk3d mka mks"};
inline constexpr MediaKind kWebm{MediaType::video, "webm", "video/webm", "webm mkv"};
inline constexpr MediaKind kAsf{MediaType::video, "asf", "video/x-ms-asf", "asf wmv wma dvr-ms"};
inline constexpr MediaKind kFlv{MediaType::video, "flv", "video/x-flv", "flv"};
inline constexpr MediaKind kMpegPs{MediaType::video, "mpeg-ps", "video/mpeg",
                            "mpg mpeg mpe m1v m2v m2p vob mod tod vro"};
inline constexpr MediaKind kMpegVideo{MediaType::video, "mpeg-video", "video/mpeg",
                               "m1v m2v mpv mpg mpeg mpe"};
inline constexpr MediaKind kMpegTs{MediaType::video, "mpeg-ts", "video/mp2t", "ts m2ts mts m2t tsv trp"};
inline constexpr MediaKind kM2ts{MediaType::video, "m2ts", "video/mp2t", "m2ts mts m2t ts"};

inline constexpr std::array kAllKinds{
    &kJpeg, &kPng,  &kGif,  &kBmp,  &kTiff, &kWebp, &kHeic,     &kHeicSeq, &kHeif,     &kHeifSeq,
    &kAvif, &kJp2,  &kJpx,  &kJpm,  &kJ2c,  &kMp4,  &kM4v,      &kMov,     &k3gp,      &k3g2,
    &kMj2,  &kAvi,  &kMatroska, &kWebm, &kAsf, &kFlv, &kMpegPs, &kMpegVideo, &kMpegTs, &kM2ts};

// Extensions listed above that also commonly name non-media or audio-only files (TypeScript
// sources, Go's go.mod and tracker music, M4A/MKA/WMA audio). A non-media file carrying one of
// them is not reported as a mismatch.
inline constexpr std::string_view kAmbiguousExt = "ts mod m4a mka wma";


// A BMP's DIB header size is one of those the BMP versions define (sniff.cpp).
bool bmp_header(bytes::Bytes head);

}  // namespace triage::media_kinds
