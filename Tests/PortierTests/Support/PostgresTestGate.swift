import Foundation
import NIOCore

/// Bounds how many test applications hold PostgreSQL connections at once.
///
/// Swift Testing runs every test in parallel, and each application's pool may open one
/// connection per event loop (one loop per core). On a machine with many cores, 200 tests at
/// once would ask the test server for more connections than it has slots (the CI run that
/// failed with "remaining connection slots are reserved"). Tests wait here for a slot instead.
actor PostgresTestGate {
    static let shared = PostgresTestGate(slots: PostgresTestGate.slotCount)

    /// Connections the test server accepts (`max_connections` in scripts/postgres-start) minus
    /// headroom for the superuser and schema clean-up, divided by connections per application.
    static var slotCount: Int {
        let connectionBudget = 300
        return max(2, connectionBudget / max(1, System.coreCount))
    }

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) {
        free = slots
    }

    /// Runs `body` while holding one slot.
    nonisolated func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
