import Fluent
import Foundation

/// Consecutive failures per key (`login:account:<email>`, `login:ip:<address>`, …), kept in the
/// database so every instance sees the same count. Times are whole Unix seconds for portable SQL.
final class ThrottleCounter: Model, @unchecked Sendable {
    static let schema = "throttle_counters"

    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "failures") var failures: Int
    @Field(key: "last_failure_epoch") var lastFailureEpoch: Int64

    init() {}
}
