import Fluent
import NIOPosix
import Testing
import Vapor
@testable import Portier

@Suite("Throttled password check")
struct ThrottledPasswordCheckTests {
    @Test("A full hashing queue refuses before the attempt is counted: nothing is written")
    func saturatedQueueWritesNothing() async throws {
        try await withPortierApp { context in
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            defer { pool.shutdownGracefully { _ in } }
            let full = ScryptPasswordHasher(parameters: .testing, pool: pool, maxPending: 0, random: SystemRandomSource())
            #expect(full.isSaturated)

            let check = ThrottledPasswordCheck(hasher: full, throttle: Throttle(database: context.app.db))
            let keys = ThrottledPasswordCheck.keys(prefix: "login:", email: "kund@example.se", subjectID: nil, device: nil, clientKey: "203.0.113.9")
            let result = try await check.check("fel lösenord", against: nil, keys: keys, now: context.clock.now())

            #expect(result == .overloaded(retryAfter: TimeInterval(PasswordHashingError.retryAfterSeconds)))
            #expect(try await ThrottleCounter.query(on: context.app.db).count() == 0)
        }
    }

    @Test("With room in the queue the attempt is counted and checked")
    func roomInTheQueueCounts() async throws {
        try await withPortierApp { context in
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            defer { pool.shutdownGracefully { _ in } }
            let hasher = ScryptPasswordHasher(parameters: .testing, pool: pool, maxPending: 4, random: SystemRandomSource())
            #expect(!hasher.isSaturated)

            let check = ThrottledPasswordCheck(hasher: hasher, throttle: Throttle(database: context.app.db))
            let keys = ThrottledPasswordCheck.keys(prefix: "login:", email: "kund@example.se", subjectID: nil, device: nil, clientKey: "203.0.113.9")
            let result = try await check.check("fel lösenord", against: nil, keys: keys, now: context.clock.now())

            #expect(result == .invalid)
            let counters = try await ThrottleCounter.query(on: context.app.db).all()
            #expect(Set(counters.compactMap(\.id)) == ["login:account:kund@example.se", "login:ip:203.0.113.9"])
            #expect(counters.allSatisfy { $0.failures == 1 })
        }
    }

    @Test("A full queue is waited on for queueWait, then refused; with room there is no wait")
    func waitForPlace() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        let full = ScryptPasswordHasher(parameters: .testing, pool: pool, maxPending: 0, queueWait: .milliseconds(120), random: SystemRandomSource())
        let started = ContinuousClock.now
        #expect(await full.waitForPlace() == false)
        #expect(ContinuousClock.now - started >= .milliseconds(120))

        let roomy = ScryptPasswordHasher(parameters: .testing, pool: pool, maxPending: 1, queueWait: .zero, random: SystemRandomSource())
        #expect(await roomy.waitForPlace())
    }
}
