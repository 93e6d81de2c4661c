#include <node/state/failures.h>

#include <array>

namespace folio::state {

namespace {
constexpr FailureInfo TABLE[] = {
#define FOLIO_FAILURE_ROW(e, name, uses) {Failure::e, name, static_cast<uint8_t>(uses)},
    FOLIO_FAILURES(FOLIO_FAILURE_ROW)
#undef FOLIO_FAILURE_ROW
};
constexpr bool InEnumOrder() {
    for (size_t i = 0; i < std::size(TABLE); ++i)
        if (static_cast<size_t>(TABLE[i].failure) != i) return false;
    return true;
}
static_assert(InEnumOrder());
}  // namespace

std::span<const FailureInfo> AllFailures() { return TABLE; }

const char* FailureName(Failure f) {
    auto i = static_cast<size_t>(f);
    return i < std::size(TABLE) ? TABLE[i].name : "rejected";
}

bool IsRejection(Failure f) {
    auto i = static_cast<size_t>(f);
    return i < std::size(TABLE) && (TABLE[i].uses & REJECTS) != 0;
}

bool IsExecutionFailure(Failure f) {
    auto i = static_cast<size_t>(f);
    return i < std::size(TABLE) && (TABLE[i].uses & FAILS) != 0;
}

}  // namespace folio::state
