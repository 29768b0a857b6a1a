import Fluent
import Foundation

/// Attempts per key (`login:account:<email>`, `login:ip:<address>`, …), kept in the
/// database so every instance sees the same count. Times are whole Unix seconds for portable SQL.
final class ThrottleCounter: Model, @unchecked Sendable {
    static let schema = "throttle_counters"

    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "failures") var failures: Int
    /// The latest counted attempt (the column keeps its first name).
    @Field(key: "last_failure_epoch") var lastFailureEpoch: Int64
    /// Whether the latest decision let the attempt through (1) or refused it (0).
    @OptionalField(key: "last_attempt_allowed") var lastAttemptAllowed: Int?

    init() {}
}
