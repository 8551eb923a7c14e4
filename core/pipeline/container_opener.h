#pragma once
// Containers met during a walk (archives: a phone extraction delivered as a ZIP, a collection in
// a 7z) are opened where they lie and their members walked into the same sink, right after the
// container's own item, so members take the walk positions after it and every output lists them
// in that order. The walkers know only this interface; formats/archive implements it.
#include <cstddef>
#include <span>

#include "core/item.h"
#include "core/pipeline/evidence_source.h"
#include "core/pipeline/random_access_reader.h"

namespace triage {

struct ContentPolicy;

class ContainerOpener {
 public:
  virtual ~ContainerOpener() = default;
  // True when `head`, the first bytes of an item (up to kContainerHeadBytes), starts a container
  // this opener reads.
  virtual bool opens(std::span<const std::byte> head) const = 0;
  // Walks the members of the container `reader` reads into `sink`, each loaded with `policy`.
  // `container` is the container's own record (its path, its deletion state...). Never throws
  // for what the bytes hold: a damaged container yields the members read and a problem row.
  virtual void walk_members(RandomAccessReader& reader, const ItemRecord& container, const ContentPolicy& policy,
                            WalkSink& sink) const = 0;
};

inline constexpr std::size_t kContainerHeadBytes = 512;

}  // namespace triage
