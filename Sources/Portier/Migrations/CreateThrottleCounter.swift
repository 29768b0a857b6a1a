import Fluent

struct CreateThrottleCounter: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ThrottleCounter.schema)
            .field("key", .string, .identifier(auto: false))
            .field("failures", .int, .required)
            .field("last_failure_epoch", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ThrottleCounter.schema).delete()
    }
}
