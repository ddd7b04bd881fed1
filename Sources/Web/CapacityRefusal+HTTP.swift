import Hummingbird
import Registry

extension CapacityRefusal {
    /// 429 for a rate (waiting helps, and `Retry-After` says how long), 422 for a size limit (retrying does not
    /// help until an operator raises the limit or workers leave; a 5xx would send clients into retry loops).
    var status: HTTPResponse.Status {
        reason == .newGroupRate ? .tooManyRequests : .unprocessableContent
    }

    /// The `Retry-After` header of a rate refusal; none for a size limit.
    var headers: HTTPFields {
        retryAfter.map { [.retryAfter: String($0)] } ?? [:]
    }
}

extension APIError {
    /// The answer to an event a capacity limit refused.
    init(_ refusal: CapacityRefusal) {
        self.init(refusal.status, refusal.message, field: refusal.field, hint: refusal.hint, headers: refusal.headers)
    }
}
