#include "formats/source/tsk_allocation_cap.h"

#include <tsk/libtsk.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace triage {
namespace {

std::atomic<std::size_t> refused{0};

void set_tsk_error(const char* what, std::size_t length, const char* why) {
  tsk_error_reset();
  tsk_error_set_errno(TSK_ERR_AUX_MALLOC);
  tsk_error_set_errstr("%s: %s (%zu bytes requested)", what, why, length);
}

bool over_cap(const char* what, std::size_t length) {
  if (length <= kTskAllocationCap) return false;
  refused.fetch_add(1, std::memory_order_relaxed);
  errno = ENOMEM;
  set_tsk_error(what, length, "refused: above triage's 512 MiB ceiling for one libtsk allocation (damaged size field?)");
  return true;
}

}  // namespace

std::size_t tsk_allocations_refused() { return refused.load(std::memory_order_relaxed); }

}  // namespace triage

// Same contracts as libtsk's own (tsk/base/mymalloc.c): tsk_malloc returns zeroed memory, both
// set the libtsk error on failure, and a failed tsk_realloc leaves the old block valid.
extern "C" void* tsk_malloc(std::size_t length) {
  if (triage::over_cap("tsk_malloc", length)) return nullptr;
  void* p = std::calloc(1, length);
  if (p == nullptr) triage::set_tsk_error("tsk_malloc", length, std::strerror(errno));
  return p;
}

extern "C" void* tsk_realloc(void* block, std::size_t length) {
  if (triage::over_cap("tsk_realloc", length)) return nullptr;
  void* p = std::realloc(block, length);
  if (p == nullptr) triage::set_tsk_error("tsk_realloc", length, std::strerror(errno));
  return p;
}
