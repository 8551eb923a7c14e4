#pragma once
// A throwaway PostgreSQL server for the duration of a test (tests/support/pg_server.sh: a cluster
// in a temporary folder on a Unix socket only, trust authentication, run as the unprivileged
// postgres user when the test runs as root). Stopped and removed on destruction, also when the
// test fails. Without the PostgreSQL server binaries: FAIL under CI=true, a loud SKIPPED
// elsewhere, and running() is false.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/test_support.h"

namespace triage::test {

class PgServer {
 public:
  PgServer() {
    char tmpl[] = "/tmp/triage-pg-XXXXXX";  // short: a socket path must fit in 107 bytes
    if (mkdtemp(tmpl) == nullptr) FAIL("cannot make a folder for the PostgreSQL server");
    dir_ = tmpl;
    int status = 0;
    const std::string out = script("start " + quoted(dir_) + " -c fsync=off -c full_page_writes=off", &status);
    if (status == 77) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true")
        FAIL("PostgreSQL server binaries missing under CI (tools/setup.sh --test: package postgresql)");
      MESSAGE("SKIPPED (loudly): PostgreSQL server binaries not installed (tools/setup.sh --test installs them)");
      std::filesystem::remove_all(dir_);
      dir_.clear();
      return;
    }
    if (status != 0) {
      script("stop " + quoted(dir_), nullptr);  // the destructor does not run after a throwing constructor
      dir_.clear();
      FAIL("tests/support/pg_server.sh start failed (status " << status << "): " << out);
    }
    url_ = out;
  }
  ~PgServer() {
    if (!dir_.empty()) script("stop " + quoted(dir_), nullptr);
  }
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  bool running() const { return !url_.empty(); }
  // A new, empty database: its postgresql:// URL.
  std::string createdb(const std::string& name) {
    int status = 0;
    const std::string url = script("createdb " + quoted(dir_) + " " + name, &status);
    REQUIRE_MESSAGE(status == 0, "createdb " << name);
    return url;
  }
  // psql -tA -c `sql` on database `name`: its output (trailing newline removed); REQUIREs success.
  std::string psql(const std::string& name, const std::string& sql) {
    int status = 0;
    const std::string out = script("psql " + quoted(dir_) + " " + name + " -tA -c " + quoted(sql), &status);
    REQUIRE_MESSAGE(status == 0, "psql " << sql << ": " << out);
    return out;
  }

 private:
  static std::string quoted(const std::string& s) {
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }
  // Runs pg_server.sh; its stdout without the trailing newline, its exit status in `status`.
  static std::string script(const std::string& args, int* status) {
    const std::string command = quoted((source_dir() / "tests/support/pg_server.sh").string()) + " " + args;
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
      if (status != nullptr) *status = -1;
      return out;
    }
    std::array<char, 4096> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
    const int raw = pclose(pipe);
    if (status != nullptr) *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  std::string dir_, url_;
};

}  // namespace triage::test
