import FluentKit

/// Runs `body` again (up to `attempts` times) when a unique index refused its write: the next
/// number of a series, or the next position in a thread, was taken by a concurrent request.
func retryingOnConstraintFailure<T>(attempts: Int = 5, _ body: () async throws -> T) async throws -> T {
    var attempt = 0
    while true {
        attempt += 1
        do {
            return try await body()
        } catch let error as any DatabaseError where error.isConstraintFailure && attempt < attempts {
            continue
        }
    }
}
