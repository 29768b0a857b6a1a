import Fluent

/// `Throttle.reserve` decides and counts an attempt in one UPSERT and reports its decision back
/// through this column.
struct UpdateThrottleCounterAddLastDecision: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ThrottleCounter.schema)
            .field("last_attempt_allowed", .int)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ThrottleCounter.schema)
            .deleteField("last_attempt_allowed")
            .update()
    }
}
