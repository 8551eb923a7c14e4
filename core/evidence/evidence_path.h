#pragma once
// Where an item lies in the evidence, as a chain of typed segments (dfVFS's path specification is
// the model): the source as given; for a disk image its volumes (a partition, an APFS volume,
// unpartitioned space); the file system's root; the path inside it and an NTFS stream; or the
// byte offset of an image carved from unallocated space. One to_string writes the text every
// output shows, and parse reads it back:
//
//   exhibit.E01/p2(ntfs@1048576):/Users/a/x.jpg          a file in a partition's file system
//   exhibit.E01/p2(ntfs@1048576):/Users/a/x.jpg:Zone.Identifier    an NTFS alternate data stream
//   exhibit.E01:/DCIM/x.jpg                              a file system at offset 0
//   exhibit.E01/p1(apfs-container@20480)/v1(apfs@24576):/x.jpg     a volume of an APFS container
//   exhibit.E01/p1(fat32@1048576)/unalloc@52461568       carved at that byte offset of the image
//   exhibit.E01/unpartitioned@0                          space outside any partition
//   exhibit.E01/p2(ntfs@1048576):/Users/a/x.zip!/DCIM/a.jpg        a member of an archive
//   /cases/phone/extraction.tar!/private/var/mobile/x.zip!/a.jpg   a member of a member
//
// In the path inside a file system and in member names, ':' (the stream separator) and '%' are
// written %3A and %25, so an ext4 file named "a:b" is not read as stream "b" of file "a", and a
// '!' that ends a folder's name ("dir!/") is written %21 ("dir%21/"), so "!/" only ever separates
// an archive from its members; every other byte is written as it is (paths are bytes, not
// necessarily UTF-8). A folder source's items are plain paths (the folder as given, '/', the
// path below it), written as they are but for that "%21/".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

struct EvidenceSegment {
  enum class Kind {
    volume,         // "p2(ntfs@1048576)", "v1(apfs@24576)": a name, what it holds, its image byte offset
    unpartitioned,  // "unpartitioned@0": bytes outside any partition, at that offset
  };
  Kind kind = Kind::volume;
  std::string name;  // "p2", "v1"
  std::string type;  // "ntfs", "fat32", "unknown", "apfs-container", "apfs"...
  std::uint64_t offset = 0;

  bool operator==(const EvidenceSegment&) const = default;
};

class EvidencePath {
 public:
  EvidencePath() = default;
  explicit EvidencePath(std::string source) : source_(std::move(source)) {}

  // A partition or volume below what is already there: name(type@offset).
  EvidencePath volume(std::string name, std::string type, std::uint64_t offset) const;
  // Space outside any partition, at `offset`.
  EvidencePath unpartitioned(std::uint64_t offset) const;
  // A file (or directory entry) of the file system these volumes hold, and its stream if any.
  EvidencePath file(std::string path_inside, std::string stream = {}) const;
  // The file system's root itself (":/"), for rows about the whole file system.
  EvidencePath file_system_root() const { return file(""); }
  // An image carved from unallocated space at byte `offset` of the image.
  EvidencePath carved(std::uint64_t offset) const;
  // A folder source's file: the folder, '/', the path below it.
  static EvidencePath in_folder(std::string folder, std::string relative);
  // A member of the archive this path names, by its name as the archive stores it.
  EvidencePath member(std::string name) const;

  const std::string& source() const { return source_; }
  const std::vector<EvidenceSegment>& segments() const { return segments_; }
  bool in_file_system() const { return in_file_system_; }
  const std::string& path_inside() const { return path_inside_; }  // unescaped; "" at the root
  const std::string& stream() const { return stream_; }            // unescaped; "" for none
  std::optional<std::uint64_t> carved_offset() const { return carved_at_; }
  // The member names from the outermost archive in; empty when this is no archive member.
  const std::vector<std::string>& members() const { return members_; }

  // The text outputs show (see above); paths of ordinary names read as they always have.
  std::string to_string() const;

  // Reads `text` back, given the source it was written under (the source's path as the case
  // records it); nullopt when the text is not a path below that source.
  static std::optional<EvidencePath> parse(std::string_view text, std::string_view source, bool folder_source);

  bool operator==(const EvidencePath&) const = default;

 private:
  std::string source_;
  std::vector<EvidenceSegment> segments_;
  bool folder_ = false;
  bool in_file_system_ = false;
  std::string path_inside_, stream_;
  std::optional<std::uint64_t> carved_at_;
  std::vector<std::string> members_;
};

// The last '/'-separated component of an evidence path (its file or member name; the whole text
// when it holds no '/').
std::string_view file_name_of(std::string_view path);

// The text of member `name` of the archive whose evidence path is `container`: the same as
// parsing `container` and writing its member(name), without knowing its source.
std::string member_path(std::string_view container, std::string_view name);

// The escape of a name inside a file system or an archive: '%' -> %25, ':' -> %3A, '!' before
// '/' -> %21; and back (nullopt for a malformed escape).
std::string escape_path_name(std::string_view name);
std::optional<std::string> unescape_path_name(std::string_view text);

}  // namespace triage
