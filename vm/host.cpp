#include <vm/host.h>

namespace folio::vm {

const char* HostStatusName(HostStatus s) {
    switch (s) {
        case HostStatus::OK: return "ok";
        case HostStatus::NOT_FOUND: return "not_found";
        case HostStatus::REFUSED: return "refused";
        case HostStatus::INSUFFICIENT_FUNDS: return "insufficient_funds";
        case HostStatus::BAD_ARGS: return "bad_args";
    }
    return "unknown";
}

}  // namespace folio::vm
