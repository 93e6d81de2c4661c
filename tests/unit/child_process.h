#pragma once
// Runs test code in a forked child, for behaviour that ends the process (folio::Fatal aborts).
// POSIX only; doctest assertions are used in the parent only.
#include <csignal>
#include <cstdio>
#include <string>

#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace folio::test {

// Runs `child` in a forked process with stderr redirected to a pipe; returns what the child wrote
// to that pipe (or to `out_fd` if the child uses the pipe itself) and its wait status.
struct ChildResult {
    std::string output;
    int status = 0;
};
template <class F>
inline ChildResult RunChild(F child) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);  // an expected abort leaves no core file
        ::dup2(fds[1], STDERR_FILENO);
        std::signal(SIGABRT, SIG_DFL);  // not doctest's crash report: the abort is expected
        child(fds[1]);
        ::_exit(0);  // not reached when the child aborts as it should
    }
    ::close(fds[1]);
    ChildResult r;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    REQUIRE(::waitpid(pid, &r.status, 0) == pid);
    return r;
}

inline bool DiedOfAbort(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT; }

}  // namespace folio::test
