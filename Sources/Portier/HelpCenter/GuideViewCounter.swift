import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Counts guide views in memory and writes them in batches, so reading a guide never waits for
/// a database write. Flushed every few seconds by `GuideViewCounterLifecycle` and at shutdown.
final class GuideViewCounter: Sendable {
    private let pending = NIOLockedValueBox<[UUID: Int]>([:])

    func record(_ guideID: UUID) {
        pending.withLockedValue { $0[guideID, default: 0] += 1 }
    }

    /// Adds the pending counts to the database — to each guide's total and to its row for the
    /// day of `now` (`GuideViewDay`); counts that fail to write are kept for next time. A view
    /// counted just before midnight and flushed after it counts for the new day.
    func flush(on database: any Database, now: Date = Date()) async throws {
        let batch = pending.withLockedValue { counts in
            defer { counts = [:] }
            return counts
        }
        guard !batch.isEmpty, let sql = database as? any SQLDatabase else { return }
        // Two short statements per guide, no transaction around them: a flush must stay cheap
        // next to votes and the outbox on SQLite. A guide whose statements failed is counted again.
        var stored: Set<UUID> = []
        do {
            for (guideID, count) in batch {
                try await sql.update(Guide.schema)
                    .set(SQLIdentifier("view_count"), to: SQLBinaryExpression(SQLIdentifier("view_count"), .add, SQLBind(count)))
                    .where("id", .equal, guideID)
                    .run()
                try await GuideViewDay.add(count, to: guideID, day: CalendarDay(containing: now), on: sql)
                stored.insert(guideID)
            }
        } catch {
            pending.withLockedValue { counts in
                for (guideID, count) in batch where !stored.contains(guideID) { counts[guideID, default: 0] += count }
            }
            throw error
        }
    }
}

extension Application {
    private struct GuideViewCounterKey: StorageKey { typealias Value = GuideViewCounter }

    /// Set up by `configureHelpCenter` before any request.
    var guideViewCounter: GuideViewCounter {
        get {
            guard let counter = storage[GuideViewCounterKey.self] else {
                fatalError("app.guideViewCounter is not set: configure(_:) calls configureHelpCenter(_:), which creates it")
            }
            return counter
        }
        set { storage[GuideViewCounterKey.self] = newValue }
    }
}

/// Flushes guide views every five seconds while the server runs (`serve`, not operator
/// commands), and once more at shutdown. The loop is stopped and waited for before the final
/// flush, so nothing touches the database after Fluent's own shutdown (which runs after this
/// handler's): an operator command once crashed on exactly that (`app.db` after shutdown).
struct GuideViewCounterLifecycle: LifecycleHandler {
    let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ application: Application) async throws {
        guard application.runsServeCommand else { return }
        let counter = application.guideViewCounter
        let clock = application.portier.clock
        let database = application.db
        let logger = application.logger
        task.withLockedValue {
            $0 = Task {
                while true {
                    do { try await Task.sleep(for: .seconds(5)) } catch { return }  // cancelled: shutting down
                    do { try await counter.flush(on: database, now: clock.now()) } catch {
                        logger.warning("Could not store guide views: \(String(describing: error))")
                    }
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
        do { try await application.guideViewCounter.flush(on: application.db, now: application.portier.clock.now()) } catch {
            application.logger.warning("Could not store guide views at shutdown: \(String(describing: error))")
        }
    }
}
