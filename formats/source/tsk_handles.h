#pragma once
// RAII for libtsk's C handles (habit 12): each handle is closed exactly once, on every path.
// Only formats/source/ includes libtsk.
#include <tsk/libtsk.h>

#include <memory>
#include <string>

namespace triage::tsk {

struct ImgCloser {
  void operator()(TSK_IMG_INFO* img) const { tsk_img_close(img); }
};
struct VsCloser {
  void operator()(TSK_VS_INFO* vs) const { tsk_vs_close(vs); }
};
struct PoolCloser {
  void operator()(const TSK_POOL_INFO* pool) const { tsk_pool_close(pool); }
};
struct FileCloser {
  void operator()(TSK_FS_FILE* file) const { tsk_fs_file_close(file); }
};
// A file system opened inside an APFS pool reads through an image the pool made for it
// (get_img_info); libtsk 4.11 leaves that image to the caller, so it is closed here too.
struct FsCloser {
  void operator()(TSK_FS_INFO* fs) const {
    TSK_IMG_INFO* img = fs->img_info;
    const bool pool_image = img != nullptr && img->itype == TSK_IMG_TYPE_POOL;
    tsk_fs_close(fs);
    if (pool_image) tsk_img_close(img);
  }
};

using ImgPtr = std::unique_ptr<TSK_IMG_INFO, ImgCloser>;
using VsPtr = std::unique_ptr<TSK_VS_INFO, VsCloser>;
using PoolPtr = std::unique_ptr<const TSK_POOL_INFO, PoolCloser>;
using FsPtr = std::unique_ptr<TSK_FS_INFO, FsCloser>;
using FilePtr = std::unique_ptr<TSK_FS_FILE, FileCloser>;

// libtsk's last error on this thread (its error state is thread-local), then reset.
inline std::string take_error() {
  const char* text = tsk_error_get();
  std::string out = text != nullptr ? text : "unknown libtsk error";
  tsk_error_reset();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

}  // namespace triage::tsk
