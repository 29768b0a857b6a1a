import Fluent
import Foundation
import Testing
@testable import Portier

/// SQLite refuses to upgrade a read lock while another connection writes ("database is locked");
/// `transactionTakingSQLiteWriteLock` takes the write lock first, so concurrent writers wait instead of failing.
@Suite("Database: write transactions")
struct WriteTransactionTests {
    @Test("Votes and view flushes at the same time on an SQLite file all succeed", .enabled(if: TestDatabase.postgresURL == nil))
    func concurrentWritersOnSQLite() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("portier-locks-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await withPortierApp({ $0.database = .sqlite(path: path) }) { context in
            try await context.importGuides(try GuideFolder.sample())
            let guideID = try #require(try await Guide.query(on: context.app.db).first()?.requireID())
            let app = context.app

            // 12 voters and 12 flushes at once: two concurrent writers are enough to see "database
            // is locked"; more only outwait the pool while the whole suite runs beside this test.
            let voters = 12
            try await withThrowingTaskGroup(of: Void.self) { group in
                for voter in 0..<voters {
                    group.addTask {
                        try await GuideFeedback(database: app.db).vote(guideID: guideID, voter: "voter-\(voter)", isHelpful: voter % 3 != 0, comment: nil, at: Date())
                    }
                    group.addTask {
                        app.guideViewCounter.record(guideID)
                        try await app.guideViewCounter.flush(on: app.db)
                    }
                }
                try await group.waitForAll()
            }

            let guide = try #require(try await Guide.find(guideID, on: context.app.db))
            #expect(guide.helpfulCount == voters * 2 / 3)
            #expect(guide.notHelpfulCount == voters / 3)
            #expect(guide.viewCount == voters)
        }
    }
}
