#pragma once
// Virtual-machine disks that libtsk does not open itself, read through the libyal library for
// each: QCOW2 (libqcow), including an overlay on its backing file, and differential VHD/VHDX
// (libvhdi) with their parents. Fixed and dynamic VHD, VHDX and VMDK stay with libtsk.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/pipeline/random_access_reader.h"
#include "core/result.h"

namespace triage {

// read_at: the bytes of the disk as the guest saw it, the chain of parents applied.
class VirtualDisk : public RandomAccessReader {
 public:
  std::uint64_t media_size() const { return media_size_; }
  const std::string& format() const { return format_; }     // "qcow", "vhd", "vhdx"
  const std::vector<std::string>& files() const { return files_; }  // the disk, then each parent

 protected:
  std::uint64_t media_size_ = 0;
  std::string format_;
  std::vector<std::string> files_;
};

// Where to look for a parent (backing file) besides the place the child records.
struct ParentSearch {
  std::vector<std::string> given;  // --parent: files tried first, in turn, by the name recorded
};

// nullopt when `path` is not a disk this opens (libtsk reads it); an Error naming the file and
// the reason (a parent not found names the parent it needs) when it is one but cannot be read.
// Opened read-only.
std::optional<Result<std::unique_ptr<VirtualDisk>>> open_virtual_disk(const std::string& path,
                                                                       const ParentSearch& parents = {});

// Finds the parent a child disk records (`recorded`: an absolute or relative path, with '/' or
// Windows '\\' separators) as an existing file: a --parent whose name is the recorded name,
// the recorded path itself (relative to the child's folder), then the recorded name in the
// child's folder. nullopt when none exists.
std::optional<std::string> find_parent(const std::string& child, const std::string& recorded,
                                       const ParentSearch& parents);

// libqcow's and libvhdi's versions, for the record.
std::string libqcow_version();
std::string libvhdi_version();

}  // namespace triage
