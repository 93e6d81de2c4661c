#pragma once
// Licence queries over the state (rules in licences.cpp). Pure; thread-safe as the reader is.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <node/state/overlay.h>

namespace folio::state {

struct LicenceAnswer {
    bool allowed = false;
    std::optional<Licence> licence;  // the licence that allows it
    bool via_nft = false;            // allowed because the licensee holds an edition with a viewing right
    std::vector<uint64_t> chain;     // a licence's id, then its parent's ... up to the owner's licence
    std::string reason;              // why not, when denied
};
// May `licensee` exercise `right` (one Right bit) of `work` in `territory` at `at_ms`?
LicenceAnswer CheckLicence(const StateReader& s, uint64_t work, const Address& licensee, std::string_view territory,
                           uint32_t right, uint64_t at_ms);
// Fan tokens whose perks apply to `work`: the work's own, then its owners' tokens of their own.
std::vector<FanToken> FanTokensFor(const StateReader& s, uint64_t work);
// The perk `perk` of `work` that `holder` has through a fan token (holding >= its perk_min), if
// any. `named` (optional) says whether any token of the work names that perk at all.
struct FanPerk {
    uint64_t token = 0;
    std::string symbol;
    uint64_t held = 0, needed = 0;
};
std::optional<FanPerk> FanPerkOf(const StateReader& s, uint64_t work, const Address& holder, std::string_view perk, bool* named);

// The licence (ACTIVE, OFFERED or RESERVED, not ended at `now_ms`) that `terms` would conflict
// with: exclusive on either side and overlapping in territory, rights and time.
// `ancestors`: a sublicence's parent chain, which it never conflicts with (it is part of them).
std::optional<uint64_t> FindConflict(const StateReader& s, uint64_t work, const LicenceTerms& terms, uint64_t now_ms,
                                     uint64_t ignore_id = 0, const std::vector<uint64_t>& ancestors = {});

}  // namespace folio::state
