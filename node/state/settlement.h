#pragma once
// Money, licences, revenue and the standard contracts as ledger rules (docs/settlement.md) — an
// umbrella header for callers: the records (records.h), the licence queries (licences.h), the
// standard contracts (contracts.h) and the VM's host over the ledger (host.h). The rules
// themselves live in the domain files (docs/state.md).
#include <node/protocol/addresses.h>
#include <node/protocol/territory.h>
#include <node/state/contracts.h>
#include <node/state/host.h>
#include <node/state/ledger.h>
#include <node/state/licences.h>
#include <node/state/records.h>
