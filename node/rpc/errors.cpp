#include <node/rpc/errors.h>

namespace folio::rpc {

const char* ErrorMessage(ErrorCode code) {
    switch (code) {
        case ErrorCode::PARSE_ERROR: return "Parse error";
        case ErrorCode::INVALID_REQUEST: return "Invalid request";
        case ErrorCode::METHOD_NOT_FOUND: return "Method not found";
        case ErrorCode::INVALID_PARAMS: return "Invalid params";
        case ErrorCode::INTERNAL_ERROR: return "Internal error";
        case ErrorCode::INVALID_INPUT: return "Invalid input";
        case ErrorCode::RESOURCE_NOT_FOUND: return "Resource not found";
        case ErrorCode::RESOURCE_UNAVAILABLE: return "Resource unavailable";
        case ErrorCode::TRANSACTION_REJECTED: return "Transaction rejected";
        case ErrorCode::METHOD_NOT_SUPPORTED: return "Method not supported";
        case ErrorCode::LIMIT_EXCEEDED: return "Limit exceeded";
        case ErrorCode::UNAUTHORIZED: return "Unauthorized";
        case ErrorCode::FORBIDDEN: return "Forbidden";
        case ErrorCode::AUTHENTICATION_FAILED: return "Authentication failed";
    }
    return "Error";
}

RpcError::RpcError(ErrorCode code, std::string reason, nlohmann::json extra)
    : std::runtime_error(reason), m_code(code), m_reason(std::move(reason)), m_extra(std::move(extra)) {}

nlohmann::json RpcError::data() const {
    nlohmann::json d = nlohmann::json::object();
    if (m_extra.is_object()) d = m_extra;
    d["reason"] = m_reason;
    return d;
}

nlohmann::json RpcError::ToJson() const {
    return {{"code", static_cast<int>(m_code)}, {"message", ErrorMessage(m_code)}, {"data", data()}};
}

nlohmann::json MakeErrorResponse(const nlohmann::json& id, ErrorCode code, const std::string& reason) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", RpcError(code, reason).ToJson()}};
}

}  // namespace folio::rpc
