// The command table of `folio` (cli/spec.h). Adding a command: a row here (with an example, which
// the tests parse), its handler in cli/cmd_*.cpp, and `scripts/gen-cli-docs` to refresh docs/cli.md.
#include <cli/spec.h>

namespace folio::cli {

namespace {

using K = ArgKind;

ArgSpec P(std::string name, K kind, std::string help) {
    ArgSpec a;
    a.name = std::move(name);
    a.kind = kind;
    a.help = std::move(help);
    a.required = true;
    return a;
}
ArgSpec O(std::string name, K kind, std::string help) {
    ArgSpec a;
    a.name = std::move(name);
    a.kind = kind;
    a.help = std::move(help);
    return a;
}
ArgSpec R(std::string name, K kind, std::string help) { return O(std::move(name), kind, std::move(help)).Required(); }
ArgSpec F(std::string name, std::string help) { return O(std::move(name), K::FLAG, std::move(help)); }
ArgSpec C(std::string name, std::vector<std::string> choices, std::string help) {
    ArgSpec a = O(std::move(name), K::CHOICE, std::move(help));
    a.choices = std::move(choices);
    return a;
}

const std::string RIGHTS_HELP = "stream, download, broadcast, theatrical, distribute, sync, derivative, view";
const std::vector<std::string> INCOME = {"royalty", "licence_fee", "nft_sale"};
const std::vector<std::string> ROLES = {"governance", "validator", "kyc_provider", "gateway", "fx_oracle",
                                        "creator",    "studio",    "distributor",  "auditor",   "compliance"};

// Licence terms, shared by `licence grant` and `auction create`.
std::vector<ArgSpec> TermsOptions(const std::string& from, const std::string& until) {
    return {R("territory", K::TERRITORIES, "ISO 3166-1 alpha-2 codes (sorted, duplicates dropped), or WW alone"),
            O("exclude", K::COUNTRIES, "countries left out of WW"),
            R("rights", K::RIGHTS, RIGHTS_HELP),
            F("exclusive", "no other licence may overlap it"),
            R(from, K::TIME, "the licence's first moment"),
            R(until, K::TIME, "the licence's end (exclusive)"),
            F("sublicensable", "the licensee may sublicense within these terms")};
}

std::vector<ArgSpec> Cat(std::vector<ArgSpec> a, const std::vector<ArgSpec>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<CmdSpec> Build() {
    std::vector<CmdSpec> v;
    auto add = [&](CmdSpec c) { v.push_back(std::move(c)); };

    // ------------------------------------------------------------------ keys
    add({{"keys", "add"},
         "a new key from a fresh 24-word BIP-39 mnemonic",
         "The mnemonic is shown once; asks the password twice. Write the mnemonic down: it is the only way to restore the key.",
         {P("NAME", K::NAME, "the key's name in this keystore")},
         {},
         0,
         {"folio keys add alice"}});
    add({{"keys", "recover"},
         "restore a key from its mnemonic",
         "Reads the 24 words from the terminal without echoing them (or one line from stdin when it is not a terminal).",
         {P("NAME", K::NAME, "the key's name in this keystore")},
         {},
         0,
         {"folio keys recover alice"}});
    add({{"keys", "import"},
         "import a raw secret key (devnet keys)",
         "",
         {P("NAME", K::NAME, "the key's name in this keystore")},
         {R("secret-hex", K::HEX, "the 32-byte secret key as 64 hex digits")},
         0,
         {"folio keys import dev --secret-hex 1111111111111111111111111111111111111111111111111111111111111111"}});
    add({{"keys", "list"}, "the keys of this keystore and their addresses (no password needed)", "", {}, {}, 0, {"folio keys list"}});
    add({{"keys", "show"},
         "a key's address (no password needed), or its mnemonic",
         "The address is shown as folio1… (bech32m, checksummed) and as hex. With --mnemonic, asks the password and shows "
         "the key's recovery words (keys created or recovered from a mnemonic only).",
         {P("NAME", K::NAME, "the key's name")},
         {F("mnemonic", "show the recovery words (asks the password)")},
         0,
         {"folio keys show alice", "folio keys show alice --mnemonic"}});

    // ------------------------------------------------------------------ works
    add({{"work", "register"},
         "register a work: fingerprint the file and record its owners",
         "Fingerprints the file locally (SHA-256, progress on a terminal), signs and submits register_work, waits for the "
         "commit, prints work id, fingerprint, tx and height. Without --owner the signer owns 100%.",
         {P("FILE", K::FILE, "the work's file")},
         {R("title", K::TEXT, "the work's title"),
          C("kind", {"film", "series", "song", "game", "book", "image", "other"}, "what the work is (default other)"),
          O("owner", K::SHARE, "an owner and its share in basis points; repeat, summing to 10000").Repeat(),
          O("isrc", K::TEXT, "ISRC"),
          O("iswc", K::TEXT, "ISWC"),
          O("isan", K::TEXT, "ISAN"),
          O("eidr", K::TEXT, "EIDR"),
          O("metadata-uri", K::TEXT, "where the work's metadata lives"),
          O("metadata-hash", K::HASH, "SHA-256 of the metadata")},
         TRAIT_TX,
         {"folio work register rio.mp4 --title \"Rio at Dawn\" --kind film",
          "folio work register song.flac --title Saudade --kind song --owner folio1fu64hh9hes90w2808n8tjc2ajp5yhddjef0ctx4s7zmsgp6cwx4q4puqra:6000 --owner folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk:4000"}});
    add({{"work", "show"}, "a work by id", "", {P("WORK_ID", K::U64, "the work's id")}, {}, 0, {"folio work show 7"}});
    add({{"work", "find"}, "a work by its file's fingerprint", "", {P("FILE", K::FILE, "the file")}, {}, 0, {"folio work find rio.mp4"}});
    add({{"work", "transfer-shares"},
         "new owners of a work, with every current owner's consent",
         "Every current owner other than the sender consents: --consent-key signs with another key of this keystore, "
         "--consent attaches a signature a co-owner made with `folio work consent`. The shares version comes from work_get "
         "(or --shares-version N).",
         {P("WORK_ID", K::U64, "the work")},
         {R("owner", K::SHARE, "a new owner and its share; repeat, summing to 10000").Repeat(),
          O("consent-key", K::NAME, "a co-owner's key in this keystore that signs its consent").Repeat(),
          O("consent", K::CONSENT, "a co-owner's consent from `folio work consent`").Repeat(),
          O("shares-version", K::U64, "the shares version consented to (default: read from the node)")},
         TRAIT_TX,
         {"folio work transfer-shares 7 --owner folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk:6000 --owner 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1:4000 --consent-key bob"}});
    add({{"work", "attach"},
         "route a work's revenue through a contract (e.g. an escalating royalty deal), with every owner's consent",
         "Revenue reported against the work, licence fees, NFT royalties and auction proceeds then go to the contract's "
         "distribute(int,int,int,int) instead of the work's revenue split. Consents as for transfer-shares (folio work consent-attach).",
         {P("WORK_ID", K::U64, "the work"), P("CONTRACT", K::HASH, "the contract's address (64 hex digits)")},
         {O("consent-key", K::NAME, "a co-owner's key in this keystore that signs its consent").Repeat(),
          O("consent", K::CONSENT, "a co-owner's consent from `folio work consent-attach`").Repeat(),
          O("shares-version", K::U64, "the shares version consented to (default: read from the node)")},
         TRAIT_TX,
         {"folio work attach 7 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1 --consent-key bob"}});
    add({{"work", "detach"},
         "route a work's revenue through its revenue split again, with every owner's consent",
         "",
         {P("WORK_ID", K::U64, "the work")},
         {O("consent-key", K::NAME, "a co-owner's key in this keystore that signs its consent").Repeat(),
          O("consent", K::CONSENT, "a co-owner's consent from `folio work consent-attach WORK_ID none`").Repeat(),
          O("shares-version", K::U64, "the shares version consented to (default: read from the node)")},
         TRAIT_TX,
         {"folio work detach 7 --consent-key bob"}});
    add({{"work", "recoup"},
         "an advance recouped first: the work's revenue in its currency goes to the payee until the amount is recouped",
         "With every owner's consent (folio work consent-recoup); the payee's part is withheld like any payee's, the rest goes "
         "through the split. --amount 0 removes it. Setting it again starts from zero.",
         {P("WORK_ID", K::U64, "the work")},
         {R("payee", K::ADDR, "who advanced the money"), R("amount", K::MONEY, "the advance (0 removes it)"),
          O("consent-key", K::NAME, "a co-owner's key in this keystore that signs its consent").Repeat(),
          O("consent", K::CONSENT, "a co-owner's consent from `folio work consent-recoup`").Repeat(),
          O("shares-version", K::U64, "the shares version consented to (default: read from the node)")},
         TRAIT_TX,
         {"folio work recoup 7 --payee folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --amount 1000.00 BRL --consent-key bob"}});
    add({{"work", "consent-recoup"},
         "as a current owner, sign consent to exactly this recoupment",
         "Prints OWNER_ADDR:SIGHEX to hand to the sender of recoup.",
         {P("WORK_ID", K::U64, "the work")},
         {R("payee", K::ADDR, "who advanced the money"), R("amount", K::MONEY, "the advance (0 removes it)"),
          O("shares-version", K::U64, "the shares version consented to (default: read from the node)")},
         0,
         {"folio --key bob work consent-recoup 7 --payee folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --amount 1000.00 BRL"}});
    add({{"work", "consent-attach"},
         "as a current owner, sign consent to attaching exactly this contract (or none: detaching)",
         "Prints OWNER_ADDR:SIGHEX to hand to the sender of attach or detach.",
         {P("WORK_ID", K::U64, "the work"), P("CONTRACT", K::TEXT, "the contract's address, or none")},
         {O("shares-version", K::U64, "the shares version consented to (default: read from the node)")},
         0,
         {"folio --key bob work consent-attach 7 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1"}});
    add({{"work", "consent"},
         "as a current owner, sign consent to exactly these new owners",
         "Prints OWNER_ADDR:SIGHEX to hand to the sender of transfer-shares.",
         {P("WORK_ID", K::U64, "the work")},
         {R("owner", K::SHARE, "a new owner and its share; repeat, summing to 10000").Repeat(),
          O("shares-version", K::U64, "the shares version consented to (default: read from the node)")},
         0,
         {"folio --key bob work consent 7 --owner folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk:10000"}});
    add({{"work", "certificate"},
         "write the work's self-contained certificate",
         "Work record, state proof, block header and commit certificate (docs/certificates.md).",
         {P("WORK_ID", K::U64, "the work")},
         {R("output", K::OUTFILE, "where to write it").Short('o')},
         0,
         {"folio work certificate 7 -o rio.cert.json"}});
    add({{"work", "verify"},
         "offline: check a file against a work's certificate",
         "Checks that FILE's SHA-256 is the certified work's and that a quorum of the genesis validators signed the state that "
         "holds it; any changed byte fails with the reason.",
         {P("FILE", K::FILE, "the work's file")},
         {R("certificate", K::FILE, "the certificate (folio work certificate)"), R("genesis", K::FILE, "the chain's genesis.json")},
         0,
         {"folio work verify rio.mp4 --certificate rio.cert.json --genesis genesis.json"}});
    add({{"fingerprint"}, "a file's SHA-256, as registered", "", {P("FILE", K::FILE, "the file")}, {}, 0, {"folio fingerprint rio.mp4"}});

    // ------------------------------------------------------------------ transactions, chain, auth
    add({{"tx", "show"},
         "a transaction's status and outcome",
         "With --key, also its body and events if you are a party.",
         {P("HASH", K::HASH, "the transaction's hash")},
         {},
         0,
         {"folio tx show 5f3c0e1b9a4d4c2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e"}});
    add({{"tx", "send"}, "submit a transaction signed offline", "", {P("FILE", K::FILE, "the signed transaction (hex)")}, {}, 0,
         {"folio tx send signed.tx"}});
    add({{"chain", "info"}, "chain id, height, validators (and a scheduled validator-set change)", "", {}, {}, 0, {"folio chain info"}});
    add({{"auth", "login"}, "log in as --key; prints the bearer token for other tools", "", {}, {}, 0, {"folio --key alice auth login"}});

    // ------------------------------------------------------------------ contracts
    add({{"contract", "build"},
         "assemble a contract and validate it as a validator would",
         "docs/vm.md describes the assembly. Prints the code hash.",
         {P("SRC", K::FILE, "the assembly source")},
         {R("output", K::OUTFILE, "the bytecode file to write").Short('o')},
         0,
         {"folio contract build contracts/revenue_split.fasm -o split.bin"}});
    add({{"contract", "deploy"},
         "governance: propose deploying a contract template as a version of a name",
         "Approved like any proposal (folio gov approve). The version defaults to the name's latest + 1. A new version of "
         "revenue_split or auction is what the ledger instantiates from then on; existing instances keep their code.",
         {P("CODE", K::FILE, "the bytecode (folio contract build)")},
         {R("name", K::TEXT, "the template's name: 1..32 of a-z, 0-9, _"), O("version", K::U64, "its version (default: the latest + 1)"),
          O("instantiators", K::TEXT, "roles whose holders may instantiate it, comma-separated (default: any account)").Value("ROLE[,ROLE]")},
         TRAIT_TX,
         {"folio contract deploy contracts/escalating_royalty.bin --name escalating_royalty --instantiators creator,studio"}});
    add({{"contract", "templates"}, "the contract templates: standard and deployed, by name and version", "", {},
         {O("name", K::TEXT, "only this name")}, 0, {"folio contract templates", "folio contract templates --name auction"}});
    add({{"contract", "show"}, "a contract instance: its code and template", "", {P("CONTRACT", K::HASH, "the contract's address (64 hex digits)")}, {}, 0,
         {"folio contract show 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1"}});
    add({{"contract", "instantiate"},
         "make an instance of a deployed template",
         "TEMPLATE is NAME (its latest version), NAME@VERSION or a code hash. The values are the template's init parameters, "
         "typed by --types: int (a whole number, or BR / BRL for a packed country or currency), address, bytes (hex, 0x for "
         "none, or le64:N,N,... for little-endian 64-bit integers). Prints the new contract's address.",
         {P("TEMPLATE", K::TEXT, "NAME, NAME@VERSION or a code hash"), P("VALUE", K::TEXT, "an init parameter, in order").Repeat().Optional()},
         {O("types", K::TEXT, "the init parameters' types, comma-separated").Value("TYPE[,TYPE]"),
          O("gas", K::U64, "gas for the instantiation call (default 5000000)")},
         TRAIT_TX,
         {"folio contract instantiate escalating_royalty --types address,address,address,int,bytes "
          "3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1 "
          "9f06c6f2a3e1b5d4c7a8e9f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0 "
          "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b BRL le64:0,1500,10000000,1800"}});
    add({{"contract", "call"},
         "call a contract function in a transaction",
         "FUNCTION is its signature, e.g. \"bid(int)\"; the values are typed by it (int, address, bytes as for instantiate).",
         {P("CONTRACT", K::HASH, "the contract's address (64 hex digits)"), P("FUNCTION", K::TEXT, "name(type,...)"),
          P("VALUE", K::TEXT, "an argument, in order").Repeat().Optional()},
         {O("gas", K::U64, "gas for the call (default 5000000)")},
         TRAIT_TX,
         {"folio contract call 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1 \"bid(int)\" 125000"}});
    add({{"contract", "query"},
         "call a contract function read-only: nothing is committed",
         "Runs the call on the node's latest state as you (logged in with --key) and shows its answer, decoded with --returns.",
         {P("CONTRACT", K::HASH, "the contract's address (64 hex digits)"), P("FUNCTION", K::TEXT, "name(type,...)"),
          P("VALUE", K::TEXT, "an argument, in order").Repeat().Optional()},
         {O("returns", K::TEXT, "decode the answer as these types, comma-separated").Value("TYPE[,TYPE]"),
          O("gas", K::U64, "gas for the call (default 5000000)")},
         0,
         {"folio contract query 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1 \"rate()\" --returns int"}});

    // ------------------------------------------------------------------ governance
    add({{"gov", "grant-role"}, "governance: propose granting a role", "", {P("ADDR", K::ADDR, "the account")},
         {C("role", ROLES, "the role").Required()}, TRAIT_TX,
         {"folio gov grant-role folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --role distributor"}});
    add({{"gov", "revoke-role"}, "governance: propose revoking a role", "", {P("ADDR", K::ADDR, "the account")},
         {C("role", ROLES, "the role").Required()}, TRAIT_TX,
         {"folio gov revoke-role folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --role distributor"}});
    add({{"gov", "set-threshold"}, "governance: propose the number of approvals a proposal needs", "",
         {P("M", K::U64, "approvals needed")}, {}, TRAIT_TX, {"folio gov set-threshold 2"}});
    add({{"gov", "proposals"},
         "governance and auditors: the proposals, open, executed or expired",
         "An open proposal can be approved for 7 days after it was made; then it is expired.",
         {},
         {C("status", {"open", "executed", "expired"}, "only these")},
         0,
         {"folio gov proposals --status open"}});
    add({{"gov", "approve"}, "governance: approve a proposal", "", {P("PROPOSAL_ID", K::HASH, "the proposal's id")}, {}, TRAIT_TX,
         {"folio gov approve 5f3c0e1b9a4d4c2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e"}});
    add({{"gov", "set-validators"},
         "governance: propose a new validator set",
         "Keys in leader-rotation order; in force from the first block at or after H (at least 10 blocks after the approving "
         "block; docs/consensus.md). `folio chain info` shows the set in force and any scheduled change.",
         {P("KEY", K::ADDR, "a validator's key; repeat in leader order").Repeat()},
         {R("activation-height", K::U64, "the first height of the new set")},
         TRAIT_TX,
         {"folio gov set-validators --activation-height 5200 folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1"}});
    add({{"gov", "rotate-validator"},
         "governance: propose a validator's new key, same place in the set",
         "The set in force (or the one already scheduled, read from the node) with OLD_KEY replaced by NEW_KEY in its place "
         "(docs/operations.md, \"Rotating a validator key\"). Refused before signing: OLD_KEY not a member, NEW_KEY already one.",
         {P("OLD_KEY", K::ADDR, "the validator's current key"), P("NEW_KEY", K::ADDR, "its new key")},
         {R("activation-height", K::U64, "the first height of the new key")},
         TRAIT_TX,
         {"folio gov rotate-validator folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1 --activation-height 5200"}});
    add({{"gov", "freeze"}, "governance: propose freezing an account (no sending, debits or payouts)", "",
         {P("ADDR", K::ADDR, "the account")}, {}, TRAIT_TX,
         {"folio gov freeze folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk"}});
    add({{"gov", "unfreeze"}, "governance: propose unfreezing an account", "", {P("ADDR", K::ADDR, "the account")}, {}, TRAIT_TX,
         {"folio gov unfreeze folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk"}});
    add({{"gov", "tax-rate"},
         "governance: propose a withholding rate (tax_withholding set_rate)",
         "No --until = open-ended.",
         {},
         {R("source", K::COUNTRY, "the country the income comes from"), C("income", INCOME, "the income type").Required(),
          R("residency", K::RESIDENCY, "the payee's residency, or any"), R("bps", K::BPS, "the rate in basis points"),
          O("from", K::TIME, "in force from"), O("until", K::TIME, "in force until")},
         TRAIT_TX,
         {"folio gov tax-rate --source BR --income royalty --residency any --bps 1500"}});
    add({{"gov", "tax-treaty"},
         "governance: propose a treaty override (tax_withholding set_treaty)",
         "",
         {},
         {R("source", K::COUNTRY, "the country the income comes from"), R("residency", K::COUNTRY, "the payee's residency"),
          C("income", INCOME, "the income type").Required(), R("bps", K::BPS, "the treaty rate in basis points"),
          O("from", K::TIME, "in force from"), O("until", K::TIME, "in force until")},
         TRAIT_TX,
         {"folio gov tax-treaty --source BR --residency PT --income royalty --bps 1000"}});
    add({{"gov", "tax-account"},
         "governance: propose the account that receives a jurisdiction's withheld tax (set_account)",
         "",
         {},
         {R("jurisdiction", K::COUNTRY, "the jurisdiction"), R("account", K::ADDR, "its tax account")},
         TRAIT_TX,
         {"folio gov tax-account --jurisdiction BR --account folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk"}});

    add({{"gov", "aml-limit"},
         "governance: propose a currency's AML limits (payouts and transfers over them are held)",
         "A payout or transfer above --single, or one that would take the account's rolling sum of the last --window-hours hours "
         "above --rolling, is held until a compliance account releases or rejects it (docs/settlement.md, \"AML\"). --remove "
         "removes the currency's limits.",
         {P("CUR", K::CURRENCY, "the currency")},
         {O("single", K::AMOUNT, "the largest single payout or transfer"), O("rolling", K::AMOUNT, "the largest rolling sum"),
          O("window-hours", K::U64, "the rolling window, 1..720 hours"), F("remove", "remove the currency's limits")},
         TRAIT_TX,
         {"folio gov aml-limit EUR --single 1000.00 --rolling 2000.00 --window-hours 24"}});
    add({{"gov", "sanction"},
         "governance: propose listing an account or a country on the sanctions list",
         "Payouts and transfers of a listed account, or of an account whose KYC residency is a listed country, are blocked "
         "(held with status blocked; no decision while listed).",
         {},
         {O("account", K::ADDR, "the account"), O("country", K::COUNTRY, "the country"),
          R("note", K::TEXT, "the listing's reference, e.g. \"OFAC SDN 12345\"")},
         TRAIT_TX,
         {"folio gov sanction --country KP --note \"UN SC res. 1718\""}});
    add({{"gov", "delist"},
         "governance: propose removing an account or a country from the sanctions list",
         "Its blocked holds can then be decided by compliance.",
         {},
         {O("account", K::ADDR, "the account"), O("country", K::COUNTRY, "the country"), R("note", K::TEXT, "why")},
         TRAIT_TX,
         {"folio gov delist --account folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --note \"delisted 2026-12-01\""}});

    // ------------------------------------------------------------------ AML
    add({{"aml", "holds"},
         "AML holds: payouts and transfers held over a limit or blocked by the sanctions list",
         "Compliance, auditors and governance see every hold; anyone else gives --account as itself.",
         {},
         {C("status", {"held", "blocked", "released", "rejected"}, "only holds in this status"),
          O("account", K::ADDR, "only holds of this account"), O("limit", K::U64, "at most this many (default 100)")},
         0,
         {"folio aml holds --status held"}});
    add({{"aml", "show"}, "an AML hold", "", {P("HOLD_ID", K::U64, "the hold")}, {}, 0, {"folio aml show 3"}});
    add({{"aml", "release"},
         "compliance: release a hold (the payout is instructed, the transfer made)",
         "A released payout is instructed now, to the payee's gateway and at the FX rate of now. Refused while a party is on the "
         "sanctions list (sanctioned).",
         {P("HOLD_ID", K::U64, "the hold")},
         {R("note", K::TEXT, "the decision's record")},
         TRAIT_TX,
         {"folio aml release 3 --note \"source of funds verified: label statement Q3\""}});
    add({{"aml", "reject"},
         "compliance: reject a hold (the funds go back to the account they came from)",
         "Refused while a party is on the sanctions list (sanctioned).",
         {P("HOLD_ID", K::U64, "the hold")},
         {R("note", K::TEXT, "the decision's record")},
         TRAIT_TX,
         {"folio aml reject 4 --note \"no source of funds provided\""}});
    add({{"aml", "rules"}, "the AML limits and the sanctions list in force (compliance, auditors, governance)", "", {}, {}, 0,
         {"folio aml rules"}});

    // ------------------------------------------------------------------ money
    add({{"balance"},
         "balances, payout preferences and pending payouts",
         "Of ADDR (default: the signing key); only the account itself, auditors and governance may look.",
         {P("ADDR", K::ADDR, "the account (default: the signing key)").Optional()},
         {},
         0,
         {"folio balance"}});
    add({{"deposit"},
         "gateway: credit fiat received off-ledger",
         "A reference used twice is rejected.",
         {P("ADDR", K::ADDR, "the account credited"), P("AMOUNT", K::AMOUNT, "the amount"), P("CUR", K::CURRENCY, "its currency")},
         {R("reference", K::TEXT, "the gateway's reference of the payment received")},
         TRAIT_TX,
         {"folio deposit folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk 1000.00 USD --reference WIRE-0001"}});
    add({{"transfer"}, "move funds to another account", "",
         {P("ADDR", K::ADDR, "the recipient"), P("AMOUNT", K::AMOUNT, "the amount"), P("CUR", K::CURRENCY, "its currency")}, {},
         TRAIT_TX, {"folio transfer folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk 25.00 USD"}});
    add({{"withdraw"}, "move funds into a pending payout for your gateway; prints the payout id", "",
         {P("AMOUNT", K::AMOUNT, "the amount"), P("CUR", K::CURRENCY, "its currency")}, {}, TRAIT_TX, {"folio withdraw 250.00 USD"}});
    add({{"payout", "prefs"},
         "payout preferences: gateway, payout currency, automatic threshold",
         "Automatic payout once a balance reaches the threshold (in the payout currency; omitted or 0 = off).",
         {},
         {R("gateway", K::ADDR, "the gateway that pays you"), R("currency", K::CURRENCY, "the payout currency"),
          O("threshold", K::AMOUNT, "pay out automatically from this balance")},
         TRAIT_TX,
         {"folio payout prefs --gateway 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1 --currency BRL --threshold 500.00"}});
    add({{"payout", "confirm"}, "gateway: the payout was paid", "", {P("ID", K::U64, "the payout")},
         {R("reference", K::TEXT, "the payment's external reference")}, TRAIT_TX, {"folio payout confirm 12 --reference PIX-991"}});
    add({{"payout", "fail"}, "gateway: the payout failed; the funds return to the payee", "", {P("ID", K::U64, "the payout")},
         {R("reason", K::TEXT, "why")}, TRAIT_TX, {"folio payout fail 12 --reason \"account closed\""}});
    add({{"payout", "show"}, "one payout (payee, its gateway, auditors, governance)", "", {P("ID", K::U64, "the payout")}, {}, 0,
         {"folio payout show 12"}});
    add({{"payout", "list"},
         "payouts",
         "Without a filter a gateway sees its own instructions, anyone else its own payouts.",
         {},
         {O("gateway", K::ADDR, "a gateway's instructions"), O("payee", K::ADDR, "a payee's payouts"),
          C("status", {"pending", "confirmed", "failed", "expired"}, "only these")},
         0,
         {"folio payout list --status pending"}});
    add({{"kyc", "set"}, "kyc_provider: an account's KYC status and residency", "", {P("ADDR", K::ADDR, "the account")},
         {C("status", {"verified", "revoked", "none"}, "the KYC status").Required(), R("residency", K::COUNTRY, "the account's residency")},
         TRAIT_TX, {"folio kyc set folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --status verified --residency BR"}});
    add({{"fx", "post"},
         "fx_oracle: 1 BASE = RATE QUOTE",
         "RATE is an exact decimal or fraction (stored as num/den, not reduced).",
         {P("BASE", K::CURRENCY, "the base currency"), P("QUOTE", K::CURRENCY, "the quote currency"), P("RATE", K::RATE, "the rate")},
         {},
         TRAIT_TX,
         {"folio fx post USD BRL 5.4321"}});
    add({{"fx", "show"}, "the latest posted rate", "",
         {P("BASE", K::CURRENCY, "the base currency"), P("QUOTE", K::CURRENCY, "the quote currency")}, {}, 0, {"folio fx show USD BRL"}});
    add({{"audit"},
         "auditors, governance: the conservation audit per currency",
         "Balances + escrow + pending payouts + AML holds = deposited - paid out; prints OK or VIOLATION; exit status 1 on a violation.",
         {},
         {},
         0,
         {"folio audit"}});
    add({{"reconcile"},
         "a gateway's reconciliation report",
         "Counts and totals of instructed, confirmed, failed, expired and pending payouts per currency.",
         {},
         {R("gateway", K::ADDR, "the gateway"), O("from", K::TIME, "from"), O("until", K::TIME, "until")},
         0,
         {"folio reconcile --gateway 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1 --from 2026-11-01T00:00:00Z"}});

    // ------------------------------------------------------------------ licences
    add({{"licence", "grant"},
         "an owner licenses a work",
         "Without a fee the licence is active at once; with a fee it is an offer the licensee accepts (and pays) with "
         "`folio licence accept`. Prints the licence id.",
         {P("WORK_ID", K::U64, "the work")},
         Cat(Cat({R("to", K::ADDR, "the licensee")}, TermsOptions("from", "until")),
             {O("fee", K::MONEY, "the fee the licensee pays on accepting"),
              O("royalty-bps", K::BPS, "royalty on gross revenue reported under the licence"),
              F("revocable", "the licensor may revoke it")}),
         TRAIT_TX,
         {"folio licence grant 7 --to folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --territory BR,PT --rights stream --exclusive --from 2026-01-01T00:00:00Z --until 2027-01-01T00:00:00Z --fee 1000.00 USD --royalty-bps 1200"}});
    add({{"licence", "accept"}, "licensee: accept an offer and pay its fee atomically", "", {P("ID", K::U64, "the licence")}, {},
         TRAIT_TX, {"folio licence accept 3"}});
    add({{"licence", "revoke"}, "licensor or an owner: revoke a revocable licence or withdraw an offer", "",
         {P("ID", K::U64, "the licence")}, {}, TRAIT_TX, {"folio licence revoke 3"}});
    add({{"licence", "sublicense"},
         "the licensee of a sublicensable licence grants part of it",
         "Within the licence: its territories, rights and time; exclusive only under an exclusive licence; no fee on the ledger. "
         "Active at once. It holds while the licence above it does: revoking that revokes it too (docs/settlement.md, "
         "\"Sublicences\"). Prints the sublicence's id.",
         {P("LICENCE_ID", K::U64, "the licence it is part of")},
         Cat(Cat({R("to", K::ADDR, "the sublicensee")}, TermsOptions("from", "until")),
             {O("royalty-bps", K::BPS, "royalty on gross revenue reported under the sublicence (to the work)"),
              F("revocable", "the sublicensor may revoke it")}),
         TRAIT_TX,
         {"folio licence sublicense 3 --to folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --territory BR --rights stream --from 2026-03-01T00:00:00Z --until 2026-09-01T00:00:00Z"}});
    add({{"licence", "show"}, "a licence", "", {P("ID", K::U64, "the licence")}, {}, 0, {"folio licence show 3"}});
    add({{"licence", "list"}, "a work's licences", "", {P("WORK_ID", K::U64, "the work")}, {}, 0, {"folio licence list 7"}});
    add({{"licence", "check"},
         "may the licensee exercise the right there (now, or at T)?",
         "Prints `allowed by licence N` or `denied: REASON`; exit status 0 either way.",
         {P("WORK_ID", K::U64, "the work")},
         {R("licensee", K::ADDR, "the licensee"), R("territory", K::COUNTRY, "where"), R("right", K::RIGHT, RIGHTS_HELP + ", or a fan token's perk (e.g. exclusive_content)"),
          O("at", K::TIME, "when (default now)")},
         0,
         {"folio licence check 7 --licensee folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --territory BR --right stream"}});

    // ------------------------------------------------------------------ revenue and tax
    add({{"revenue", "report"},
         "pay royalties owed for a work",
         "AMOUNT CUR flows through the work's split, withholding and payouts. With --gross AMOUNT CUR --licence ID instead, "
         "pays the licence's royalty bps of that gross revenue (rounded down).",
         {P("WORK_ID", K::U64, "the work"), P("AMOUNT", K::AMOUNT, "the royalty paid (not with --gross)").Optional(),
          P("CUR", K::CURRENCY, "its currency").Optional()},
         {O("gross", K::MONEY, "gross revenue under --licence; the licence's royalty bps of it is paid"),
          O("licence", K::U64, "the licence the revenue is reported under"), O("period", K::TEXT, "the period, e.g. 2026-11"),
          O("territory", K::COUNTRY, "where the revenue was earned")},
         TRAIT_TX,
         {"folio revenue report 7 1200.00 USD --period 2026-11", "folio revenue report 7 --gross 10000.00 USD --licence 3"}});
    add({{"revenue", "pool"},
         "pay a subscription pool split across works by watch time",
         "After an optional promoter share.",
         {P("AMOUNT", K::AMOUNT, "the pool"), P("CUR", K::CURRENCY, "its currency")},
         {R("work", K::POOL, "a work and its watch time in seconds; repeat").Repeat(), O("promoter", K::ADDR, "a promoter"),
          O("promoter-bps", K::BPS, "the promoter's share"), O("period", K::TEXT, "the period"),
          O("territory", K::COUNTRY, "where the revenue was earned")},
         TRAIT_TX,
         {"folio revenue pool 5000.00 USD --work 7:36000 --work 9:12000 --period 2026-11"}});
    add({{"tax", "report"},
         "withholding entries and totals of a payee's year",
         "CSV columns date,currency,gross,tax,net,income_type,source,rate_bps (date RFC 3339 UTC).",
         {},
         {R("payee", K::ADDR, "the payee"), R("year", K::YEAR, "the year"), C("format", {"text", "csv", "json"}, "output format")},
         0,
         {"folio tax report --payee folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk --year 2026 --format csv"}});
    add({{"tax", "authority"},
         "every withholding a jurisdiction is owed in a year, for its tax authority",
         "All payees and income types (royalties, licence fees, NFT sales and their sellers' proceeds, promoter shares) whose "
         "source is the jurisdiction; for its tax account, auditors and governance. CSV columns "
         "date,payee,residency,currency,gross,tax,net,income_type,rate_bps (date RFC 3339 UTC; residency as KYC says now).",
         {},
         {R("jurisdiction", K::COUNTRY, "the source country"), R("year", K::YEAR, "the year"),
          C("format", {"text", "csv", "json"}, "output format")},
         0,
         {"folio tax authority --jurisdiction BR --year 2026 --format csv"}});

    // ------------------------------------------------------------------ auctions
    add({{"auction", "create"},
         "an owner auctions a licence (irrevocable, no fee)",
         "English: [--reserve AMOUNT] [--increment AMOUNT] (default the smallest unit) [--window SECONDS --extension SECONDS] "
         "(anti-sniping). Dutch: --start-price AMOUNT --decrement AMOUNT --interval SECONDS --floor AMOUNT. Sealed: "
         "[--reserve AMOUNT] --deposit AMOUNT --reveal-end T. Amounts in --currency. Prints the auction id and its contract "
         "address.",
         {P("WORK_ID", K::U64, "the work")},
         Cat(Cat({C("type", {"english", "dutch", "sealed"}, "the auction kind").Required(),
                  R("currency", K::CURRENCY, "the currency of bids and amounts")},
                 TermsOptions("licence-from", "licence-until")),
             {R("start", K::TIME, "bidding opens"), R("end", K::TIME, "bidding ends"),
              R("source", K::COUNTRY, "the country the proceeds come from (withholding)"),
              O("reserve", K::AMOUNT, "english, sealed: the lowest winning price"),
              O("increment", K::AMOUNT, "english: the smallest raise"),
              O("window", K::SECONDS, "english: a bid this close to the end extends it"),
              O("extension", K::SECONDS, "english: by this much"),
              O("start-price", K::AMOUNT, "dutch: the opening price"), O("decrement", K::AMOUNT, "dutch: the price drop"),
              O("interval", K::SECONDS, "dutch: every this many seconds"), O("floor", K::AMOUNT, "dutch: the lowest price"),
              O("deposit", K::AMOUNT, "sealed: escrowed with each commitment"),
              O("reveal-end", K::TIME, "sealed: the end of the reveal phase")}),
         TRAIT_TX,
         {"folio auction create 7 --type english --currency USD --territory BR --rights stream,download --exclusive --licence-from 2027-01-01T00:00:00Z --licence-until 2028-01-01T00:00:00Z --start 2026-12-10T12:00:00Z --end 2026-12-11T12:00:00Z --source BR --reserve 500.00 --increment 10.00 --window 300 --extension 300"}});
    add({{"auction", "bid"},
         "bid (English, Dutch) or commit a sealed bid",
         "English/Dutch: a bid, escrowed. Sealed: a commitment SHA-256(amount || salt || bidder) with a random salt; the deposit "
         "is escrowed, and the wallet keeps amount and salt in HOME/auctions/<chain>-<id>-<address>.json (mode 0600).",
         {P("ID", K::U64, "the auction"), P("AMOUNT", K::AMOUNT, "the bid"), P("CUR", K::CURRENCY, "its currency")},
         {},
         TRAIT_TX,
         {"folio auction bid 2 750.00 USD"}});
    add({{"auction", "reveal"}, "sealed: after bidding ends, reveal the kept bid", "", {P("ID", K::U64, "the auction")}, {},
         TRAIT_TX, {"folio auction reveal 2"}});
    add({{"auction", "close"},
         "anyone, once the auction may close: the winner gets the licence",
         "Proceeds go through the work's split.",
         {P("ID", K::U64, "the auction")},
         {},
         TRAIT_TX,
         {"folio auction close 2"}});
    add({{"auction", "show"}, "the auction, its licence and its contract's state", "", {P("ID", K::U64, "the auction")}, {}, 0,
         {"folio auction show 2"}});

    // ------------------------------------------------------------------ NFTs
    add({{"nft", "mint"},
         "an owner creates the work's collection and mints its N editions",
         "The cap is N and no edition is ever minted beyond it. Prints the token ids.",
         {P("WORK_ID", K::U64, "the work")},
         {R("editions", K::U64, "how many editions"), R("royalty-bps", K::BPS, "royalty on every resale, through the work's split"),
          O("fee-bps", K::BPS, "platform fee on every sale"), F("no-viewing-right", "holding a token does not grant a viewing right")},
         TRAIT_TX,
         {"folio nft mint 7 --editions 100 --royalty-bps 1000 --fee-bps 250"}});
    add({{"nft", "list"}, "the holder offers the token for sale", "", {P("TOKEN", K::U64, "the token")},
         {R("price", K::MONEY, "the price")}, TRAIT_TX, {"folio nft list 12 --price 100.00 BRL"}});
    add({{"nft", "delist"}, "the holder withdraws the offer", "", {P("TOKEN", K::U64, "the token")}, {}, TRAIT_TX,
         {"folio nft delist 12"}});
    add({{"nft", "buy"},
         "buy at the listed price",
         "Refused if it is above --max-price (default the price seen): royalty through the work's split, platform fee, the rest "
         "to the seller - exact, rounded down for royalty and fee.",
         {P("TOKEN", K::U64, "the token")},
         {O("max-price", K::AMOUNT, "the most you pay, in the listing's currency")},
         TRAIT_TX,
         {"folio nft buy 12"}});
    add({{"nft", "transfer"}, "give a token", "", {P("TOKEN", K::U64, "the token"), P("ADDR", K::ADDR, "the recipient")}, {},
         TRAIT_TX, {"folio nft transfer 12 folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk"}});
    add({{"nft", "burn"}, "destroy a token", "", {P("TOKEN", K::U64, "the token")}, {}, TRAIT_TX, {"folio nft burn 12"}});
    add({{"nft", "show"}, "a token", "", {P("TOKEN", K::U64, "the token")}, {}, 0, {"folio nft show 12"}});
    add({{"nft", "collection"}, "a work's collection", "", {P("WORK_ID", K::U64, "the work")}, {}, 0, {"folio nft collection 7"}});

    // ------------------------------------------------------------------ fan tokens
    add({{"fan", "issue"},
         "a creator or studio issues a capped fan token for a work it owns (--work) or for itself (--self)",
         "Whole tokens, at most --cap ever sold. Primary sales pay through the work's split (withheld as nft_sale income), "
         "or the issuer for its own token. With --perk NAME --perk-min N, a holder of N tokens passes licence_check for "
         "the right NAME of the work (of every work the issuer owns, for its own token).",
         {},
         {O("work", K::U64, "the work the token is for"), F("self", "a token of your own"),
          R("symbol", K::TEXT, "2..8 of A-Z, 0-9, starting with a letter; unique"), R("name", K::TEXT, "the token's name"),
          R("cap", K::U64, "the most tokens ever sold"), R("price", K::MONEY, "the price of one token"),
          O("perk", K::TEXT, "the right a holding grants, e.g. exclusive_content"), O("perk-min", K::U64, "tokens needed for the perk")},
         TRAIT_TX,
         {"folio fan issue --work 7 --symbol RIO --name \"Rio at Dawn fans\" --cap 1000 --price 5.00 BRL --perk exclusive_content --perk-min 10"}});
    add({{"fan", "buy"}, "buy tokens of the unsold supply at the token's price", "", {P("TOKEN", K::TEXT, "the token's id or symbol"),
         P("COUNT", K::U64, "how many")}, {}, TRAIT_TX, {"folio fan buy RIO 12"}});
    add({{"fan", "transfer"}, "give tokens", "", {P("TOKEN", K::TEXT, "the token's id or symbol"), P("ADDR", K::ADDR, "the recipient"),
         P("COUNT", K::U64, "how many")}, {}, TRAIT_TX,
         {"folio fan transfer RIO folio1gekhljh9v0jukzdq6xrshdvqx3yqgctc0xs5jjw0yg597xaw8unsgm95hk 3"}});
    add({{"fan", "show"}, "a fan token", "", {P("TOKEN", K::TEXT, "the token's id or symbol")}, {}, 0, {"folio fan show RIO"}});
    add({{"fan", "holders"}, "a fan token's holders ranked for event priority: most tokens, then the longest held", "",
         {P("TOKEN", K::TEXT, "the token's id or symbol")}, {O("limit", K::U64, "at most this many (default 100)")}, 0,
         {"folio fan holders RIO --limit 10"}});

    // ------------------------------------------------------------------ events, help
    add({{"events"},
         "settlement events visible to --key, as JSON lines",
         "With --json and without --follow: one page {events, next_seq}. --follow keeps following over the node's WebSocket "
         "subscription, logging in again before the token expires and resuming from the last event seen after a disconnect.",
         {},
         {O("from-seq", K::U64, "the first event (default 1)"), O("limit", K::U64, "events per page (default 100)"),
          F("follow", "keep following new events")},
         0,
         {"folio --key gateway events --from-seq 1 --follow"}});
    add({{"help"}, "help on a command", "`folio help CMD` is `folio CMD --help`.",
         {P("COMMAND", K::TEXT, "the command").Optional().Repeat()}, {F("markdown", "the reference of every command, as in docs/cli.md")},
         0, {"folio help licence grant"}});
    add({{"completion"}, "a shell completion script", "Load it with `source <(folio completion bash)`.",
         {P("SHELL", K::TEXT, "bash")}, {}, 0, {"folio completion bash"}});
    return v;
}

}  // namespace

const std::vector<CmdSpec>& Commands() {
    static const std::vector<CmdSpec> table = Build();
    return table;
}

const std::vector<GroupSpec>& Groups() {
    static const std::vector<GroupSpec> groups = {
        {"keys", "the keystore", {}},
        {"work", "registering works, their owners and certificates", {}},
        {"tx", "transactions", {}},
        {"chain", "the chain", {}},
        {"auth", "logging in", {}},
        {"contract", "contract templates", {}},
        {"gov", "governance proposals", {}},
        {"payout", "payouts and their preferences", {}},
        {"kyc", "KYC status", {}},
        {"fx", "exchange rates", {}},
        {"licence", "licences", {"license"}},
        {"revenue", "revenue reports", {}},
        {"tax", "withholding tax", {}},
        {"auction", "licence auctions", {}},
        {"nft", "NFT editions", {}},
        {"fan", "fan tokens", {}},
        {"aml", "anti-money-laundering holds and rules", {}},
    };
    return groups;
}

const std::vector<ArgSpec>& GlobalOptions() {
    static const std::vector<ArgSpec> opts = {
        O("node", K::URL, "the node's RPC (else $FOLIO_NODE, else http://127.0.0.1:26657)"),
        O("home", K::DIR, "the keystore directory (else $FOLIO_HOME, else ~/.folio)"),
        O("key", K::NAME, "the signing key (else $FOLIO_KEY; may be omitted when the keystore holds one key)"),
        O("password-file", K::FILE, "the key's password (else $FOLIO_PASSWORD, else a no-echo prompt)"),
        F("json", "machine-readable output on stdout"),
    };
    return opts;
}

const std::vector<ArgSpec>& TxOptions() {
    static const std::vector<ArgSpec> opts = {
        F("no-wait", "return right after submission"),
        O("timeout", K::SECONDS, "how long to wait for the commit (default 60)"),
        O("expires", K::TIME, "the transaction's expiry"),
        F("offline", "sign without a node (needs --nonce and --chain-id); write the signed transaction"),
        O("nonce", K::U64, "the account's next nonce (default: read from the node)"),
        O("chain-id", K::TEXT, "the chain id for --offline (else $FOLIO_CHAIN_ID)"),
        O("output", K::OUTFILE, "with --offline: where to write the signed transaction (default stdout)").Short('o'),
    };
    return opts;
}

std::vector<ArgSpec> AllOptions(const CmdSpec& c) {
    std::vector<ArgSpec> all = c.options;
    if (c.traits & TRAIT_TX) all.insert(all.end(), TxOptions().begin(), TxOptions().end());
    all.insert(all.end(), GlobalOptions().begin(), GlobalOptions().end());
    return all;
}

std::string ValueName(const ArgSpec& a) {
    if (!a.value_name.empty()) return a.value_name;
    switch (a.kind) {
        case K::FLAG: return "";
        case K::TEXT: return "TEXT";
        case K::NAME: return "NAME";
        case K::U64: return "N";
        case K::SECONDS: return "SECONDS";
        case K::YEAR: return "YYYY";
        case K::ADDR: return "ADDR";
        case K::AMOUNT: return "AMOUNT";
        case K::MONEY: return "AMOUNT CUR";
        case K::CURRENCY: return "CUR";
        case K::COUNTRY: return "CC";
        case K::TERRITORIES: return "CC[,CC]|WW";
        case K::COUNTRIES: return "CC[,CC]";
        case K::RESIDENCY: return "CC|any";
        case K::TIME: return "T";
        case K::BPS: return "BPS";
        case K::RATE: return "RATE";
        case K::RIGHTS: return "R[,R]";
        case K::RIGHT: return "R";
        case K::SHARE: return "ADDR:BPS";
        case K::POOL: return "ID:SECONDS";
        case K::CONSENT: return "ADDR:SIG";
        case K::HASH: return "HASH";
        case K::HEX: return "HEX";
        case K::FILE: return "FILE";
        case K::OUTFILE: return "FILE";
        case K::URL: return "URL";
        case K::DIR: return "DIR";
        case K::CHOICE: {
            std::string s;
            for (const auto& ch : a.choices) s += (s.empty() ? "" : "|") + ch;
            return s;
        }
    }
    return "";
}

}  // namespace folio::cli
