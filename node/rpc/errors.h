#pragma once
// JSON-RPC 2.0 error codes (the standard ones, EIP-1474's application codes and Folio's project
// codes in -32010..-32099) and the exception method handlers throw to answer with an error.
// docs/rpc-protocol.md has the table; the numbers are normative (clients switch on them).
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace folio::rpc {

enum class ErrorCode : int {
    // JSON-RPC 2.0.
    PARSE_ERROR = -32700,       // the payload is not JSON
    INVALID_REQUEST = -32600,   // JSON, but not a valid request object / batch
    METHOD_NOT_FOUND = -32601,  // no such method
    INVALID_PARAMS = -32602,    // the method exists; its params are wrong
    INTERNAL_ERROR = -32603,    // a bug or local failure in the node; details are not disclosed
    // EIP-1474.
    INVALID_INPUT = -32000,         // params are well-formed but semantically invalid
    RESOURCE_NOT_FOUND = -32001,    // the block / transaction / work ... does not exist
    RESOURCE_UNAVAILABLE = -32002,  // exists but cannot be served now (e.g. pruned, syncing)
    TRANSACTION_REJECTED = -32003,  // tx_submit: admission failed; data.reason names the check
    METHOD_NOT_SUPPORTED = -32004,  // known method, not available here (e.g. subscription over HTTP)
    LIMIT_EXCEEDED = -32005,        // a size, count, connection or rate limit was hit
    // Folio project codes.
    UNAUTHORIZED = -32010,           // no valid credential: token missing, unknown or expired
    FORBIDDEN = -32011,              // authenticated, but this account may not see / do this
    AUTHENTICATION_FAILED = -32012,  // auth_login refused: bad signature, unknown/used/expired nonce
};

// The fixed human-readable message of a code ("Parse error", "Limit exceeded", ...).
const char* ErrorMessage(ErrorCode code);

// Thrown by method handlers to answer with a JSON-RPC error. `reason` becomes data.reason; `data`
// (an object) may carry further members, which are merged in. Anything else a handler throws
// is answered as INTERNAL_ERROR without its text.
class RpcError : public std::runtime_error {
public:
    RpcError(ErrorCode code, std::string reason, nlohmann::json extra = nlohmann::json::object());
    ErrorCode code() const { return m_code; }
    const std::string& reason() const { return m_reason; }
    // {"reason": reason, ...extra}
    nlohmann::json data() const;
    // The "error" member: {"code", "message", "data"}.
    nlohmann::json ToJson() const;

private:
    ErrorCode m_code;
    std::string m_reason;
    nlohmann::json m_extra;
};

// {"jsonrpc":"2.0","id":id,"error":{"code","message","data":{"reason"}}}.
nlohmann::json MakeErrorResponse(const nlohmann::json& id, ErrorCode code, const std::string& reason);

}  // namespace folio::rpc
