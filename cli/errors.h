#pragma once
// The CLI's two failure kinds (cli/main.cpp turns them into exit statuses).
#include <stdexcept>

namespace folio::cli {

// A usage or input problem: printed as one line, exit status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A failure the user should read: one line, exit status 1.
struct CliError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace folio::cli
