#pragma once
// `foliod genesis new|add-validator|add-account|set|validate|hash` (genesis/README.md,
// docs/operations.md "Genesis"): builds and checks a consortium's genesis document. Every edit
// reads the document strictly, applies the change, checks the result and replaces the file
// atomically; a refused edit leaves the file as it was. Throws std::runtime_error with one line
// naming the field or option on any error.
namespace folio::app {

// argv[0] is "genesis".
int GenesisCommand(int argc, char** argv);

}  // namespace folio::app
