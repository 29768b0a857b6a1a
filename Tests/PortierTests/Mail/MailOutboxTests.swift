import Fluent
import Foundation
import Testing
import Vapor
@testable import Portier

@Suite("Outbox and worker")
struct MailOutboxTests {
    @Test("enqueue writes with the caller's transaction: rolled back, nothing is queued")
    func enqueueInTransaction() async throws {
        try await withMailTestApp { app, _ in
            let now = app.portier.clock.now()
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await app.db.transaction { db in
                    try await Outbox.enqueue(try SampleMail.make(), on: db, now: now)
                    throw Rollback()
                }
            }
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)

            let id = try await app.db.transaction { db in
                try await Outbox.enqueue(try SampleMail.make(), on: db, now: now)
            }
            let row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .queued)
            #expect(row.attempts == 0)
            #expect(row.recipient == "asa.oberg@kund.example.se")
            #expect(row.subject == SampleMail.subject)
            #expect(row.nextAttemptAt == now)
            #expect(try row.decodedMail() == SampleMail.make())
        }
    }

    @Test("enqueue refuses a subject with a line break")
    func enqueueValidates() async throws {
        try await withMailTestApp { app, _ in
            var mail = try SampleMail.make()
            mail.subject = "Hej\r\nBcc: evil@example.com"
            await #expect(throws: MailError.self) {
                try await Outbox.enqueue(mail, on: app.db, now: app.portier.clock.now())
            }
        }
    }

    @Test("runOnce delivers due rows and records sent_at and the Message-ID")
    func delivers() async throws {
        let clock = MailTestClock()
        try await withMailTestApp(clock: clock) { app, transport in
            let id = try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: clock.now())
            let later = try await Outbox.enqueue(try SampleMail.make(to: "later@example.se"), on: app.db, now: clock.now().addingTimeInterval(60))

            #expect(try await app.mail.worker.runOnce() == 1)

            let sent = await transport.sentMails
            #expect(sent.count == 1)
            let row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .sent)
            #expect(row.sentAt == clock.now())
            #expect(row.messageID == sent.first?.messageID)
            #expect(row.leaseOwner == nil)
            #expect(row.leasedUntil == nil)
            #expect(sent.first?.envelopeFrom.email == "no-reply@portier.example.se")
            let message = String(decoding: sent.first?.bytes ?? [], as: UTF8.self)
            #expect(message.contains("Subject: =?UTF-8?B?w4V0ZXJzdMOkbGwgZGl0dCBsw7ZzZW5vcmQ=?="))
            #expect(message.contains("Date: Tue, 14 Jan 2025 09:05:03 +0000"))

            #expect(try await OutboxMessage.find(later, on: app.db)?.status == .queued)
            #expect(try await app.mail.worker.runOnce() == 0)
            clock.advance(by: 60)
            #expect(try await app.mail.worker.runOnce() == 1)
            #expect(await transport.sentMails.count == 2)
        }
    }

    @Test("two workers polling at the same time send every row exactly once")
    func concurrentWorkers() async throws {
        try await withMailTestApp { app, transport in
            let now = app.portier.clock.now()
            var ids: [UUID] = []
            for index in 0..<30 {
                ids.append(try await Outbox.enqueue(try SampleMail.make(to: "kund\(index)@example.se"), on: app.db, now: now))
            }
            let configuration = OutboxWorker.Configuration(batchSize: 4)
            let workers = [OutboxWorker(application: app, configuration: configuration),
                           OutboxWorker(application: app, configuration: configuration)]

            let attempted = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in workers {
                    group.addTask {
                        var total = 0
                        while true {
                            let count = try await worker.runOnce()
                            if count == 0 { return total }
                            total += count
                        }
                    }
                }
                return try await group.reduce(0, +)
            }

            #expect(attempted == 30)
            let recipients = await transport.sentMails.flatMap { $0.recipients.map(\.email) }
            #expect(recipients.count == 30)
            #expect(Set(recipients).count == 30)
            let rows = try await OutboxMessage.query(on: app.db).all()
            #expect(rows.allSatisfy { $0.status == .sent })
            #expect(Set(rows.compactMap(\.messageID)).count == 30)
        }
    }

    @Test("a row leased by another worker is left alone until its lease expires")
    func leases() async throws {
        let clock = MailTestClock()
        try await withMailTestApp(clock: clock) { app, transport in
            let id = try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: clock.now())
            try await OutboxMessage.query(on: app.db).filter(\.$id == id)
                .set(\.$status, to: .sending)
                .set(\.$leaseOwner, to: "other-worker")
                .set(\.$leasedUntil, to: clock.now().addingTimeInterval(60))
                .update()

            #expect(try await app.mail.worker.runOnce() == 0)
            #expect(await transport.sentMails.isEmpty)

            clock.advance(by: 61)  // the other worker crashed: its lease ran out
            #expect(try await app.mail.worker.runOnce() == 1)
            #expect(await transport.sentMails.count == 1)
            #expect(try await OutboxMessage.find(id, on: app.db)?.status == .sent)
        }
    }

    @Test("a failure is recorded with last_error, attempts and an exponential backoff")
    func backoff() async throws {
        let clock = MailTestClock()
        try await withMailTestApp(clock: clock) { app, transport in
            let id = try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: clock.now())
            await transport.fail()

            #expect(try await app.mail.worker.runOnce() == 1)
            var row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .queued)
            #expect(row.attempts == 1)
            #expect(row.lastError == "simulated outage")
            #expect(row.leaseOwner == nil)
            let firstDelay = row.nextAttemptAt.timeIntervalSince(clock.now())
            #expect(firstDelay >= 27 && firstDelay <= 30)
            let firstMessageID = try #require(row.messageID)

            clock.advance(by: 20)
            #expect(try await app.mail.worker.runOnce() == 0)

            clock.advance(by: 10)
            #expect(try await app.mail.worker.runOnce() == 1)
            row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.attempts == 2)
            let secondDelay = row.nextAttemptAt.timeIntervalSince(clock.now())
            #expect(secondDelay >= 54 && secondDelay <= 60)

            await transport.succeed()
            clock.advance(by: 60)
            #expect(try await app.mail.worker.runOnce() == 1)
            row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .sent)
            #expect(row.attempts == 2)
            // The same Message-ID on every attempt, so a receiver can spot a duplicate.
            #expect(await transport.sentMails.first?.messageID == firstMessageID)
        }
    }

    @Test("retry delays double from 30 s and stop at one hour", arguments: [
        (1, 30.0), (2, 60.0), (3, 120.0), (7, 1920.0), (8, 3600.0), (10, 3600.0), (40, 3600.0),
    ])
    func retryDelays(attempt: Int, delay: TimeInterval) async throws {
        try await withMailTestApp { app, _ in
            for _ in 0..<20 {
                let actual = app.mail.worker.retryDelay(afterAttempt: attempt)
                #expect(actual <= delay && actual >= delay * 0.9)
            }
        }
    }

    @Test("after ten failed attempts the row is failed; retry queues it again")
    func givesUpAndRetries() async throws {
        let clock = MailTestClock()
        try await withMailTestApp(clock: clock) { app, transport in
            let id = try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: clock.now())
            await transport.fail(with: SMTPError(stage: "RCPT TO", kind: .rejected, code: 451, message: "try again later"))

            for _ in 1...10 {
                #expect(try await app.mail.worker.runOnce() == 1)
                clock.advance(by: 2 * 3600)
            }
            var row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .failed)
            #expect(row.attempts == 10)
            #expect(row.lastError == "SMTP RCPT TO failed: 451 try again later")
            #expect(try await app.mail.worker.runOnce() == 0)

            let listing = OutboxCommand.listing(try await Outbox.pendingMessages(on: app.db))
            #expect(listing.contains { $0.hasPrefix(id.uuidString) && $0.contains("failed") && $0.contains("attempts 10") })
            #expect(listing.contains("  last error SMTP RCPT TO failed: 451 try again later"))

            #expect(try await Outbox.retry(id: id, on: app.db, now: clock.now()))
            row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .queued)
            #expect(row.attempts == 0)
            #expect(row.nextAttemptAt == clock.now())

            await transport.succeed()
            #expect(try await app.mail.worker.runOnce() == 1)
            #expect(try await OutboxMessage.find(id, on: app.db)?.status == .sent)
            #expect(try await Outbox.retry(id: id, on: app.db, now: clock.now()) == false)
            #expect(try await Outbox.retry(id: UUID(), on: app.db, now: clock.now()) == false)
            #expect(OutboxCommand.listing(try await Outbox.pendingMessages(on: app.db)) == ["The outbox is empty: every message has been sent."])
        }
    }

    @Test("retry --all-failed queues every failed row and nothing else")
    func retryAllFailed() async throws {
        let clock = MailTestClock()
        try await withMailTestApp(clock: clock) { app, _ in
            var ids: [UUID] = []
            for index in 0..<3 {
                ids.append(try await Outbox.enqueue(try SampleMail.make(to: "k\(index)@example.se"), on: app.db, now: clock.now()))
            }
            try await OutboxMessage.query(on: app.db).filter(\.$id ~~ [ids[0], ids[1]])
                .set(\.$status, to: .failed).set(\.$attempts, to: 10).update()
            try await OutboxMessage.query(on: app.db).filter(\.$id == ids[2])
                .set(\.$status, to: .sent).update()

            clock.advance(by: 5)
            #expect(try await Outbox.retryAllFailed(on: app.db, now: clock.now()) == 2)
            let rows = try await OutboxMessage.query(on: app.db).all()
            #expect(rows.filter { $0.status == .queued }.count == 2)
            #expect(rows.filter { $0.status == .queued }.allSatisfy { $0.attempts == 0 && $0.nextAttemptAt == clock.now() })
            #expect(rows.filter { $0.status == .sent }.count == 1)
        }
    }

    @Test("the outbox command understands its arguments")
    func commandArguments() {
        let id = UUID()
        #expect(OutboxCommand.action(for: []) == .list)
        #expect(OutboxCommand.action(for: ["list"]) == .list)
        #expect(OutboxCommand.action(for: ["retry", id.uuidString]) == .retry(id))
        #expect(OutboxCommand.action(for: ["retry", "--all-failed"]) == .retryAllFailed)
        #expect(OutboxCommand.action(for: ["retry"]) == nil)
        #expect(OutboxCommand.action(for: ["retry", "not-a-uuid"]) == nil)
        #expect(OutboxCommand.action(for: ["retry", id.uuidString, "--all-failed"]) == nil)
        #expect(OutboxCommand.action(for: ["purge"]) == nil)
    }

    @Test("the outbox command runs against the database")
    func commandRuns() async throws {
        try await withMailTestApp { app, _ in
            let id = try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: app.portier.clock.now())
            try await OutboxMessage.query(on: app.db).filter(\.$id == id).set(\.$status, to: .failed).update()
            let console = RecordingConsole()
            var context = CommandContext(console: console, input: CommandInput(arguments: ["portier", "retry", id.uuidString]))
            context.application = app
            try await OutboxCommand().run(using: &context)
            #expect(console.text.contains("Message \(id) is queued"))
            #expect(try await OutboxMessage.find(id, on: app.db)?.status == .queued)

            var listContext = CommandContext(console: console, input: CommandInput(arguments: ["portier"]))
            listContext.application = app
            try await OutboxCommand().run(using: &listContext)
            #expect(console.text.contains("\(id.uuidString)  queued"))
        }
    }

    @Test("a payload that cannot be decoded fails at once")
    func undecodablePayload() async throws {
        try await withMailTestApp { app, transport in
            let id = try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: app.portier.clock.now())
            try await OutboxMessage.query(on: app.db).filter(\.$id == id).set(\.$payload, to: "{}").update()
            #expect(try await app.mail.worker.runOnce() == 1)
            let row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .failed)
            #expect(row.lastError?.contains("cannot be decoded") == true)
            #expect(await transport.sentMails.isEmpty)
        }
    }

    @Test("the background loop delivers and stops cleanly")
    func backgroundLoop() async throws {
        try await withMailTestApp { app, transport in
            let worker = OutboxWorker(application: app, configuration: .init(pollInterval: .milliseconds(20)))
            await worker.start()
            #expect(await worker.isRunning)
            try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: app.portier.clock.now())
            for _ in 0..<250 where await transport.sentMails.isEmpty {
                try await Task.sleep(for: .milliseconds(20))
            }
            await worker.stop()
            #expect(await !worker.isRunning)
            #expect(await transport.sentMails.count == 1)
        }
    }

    @Test("startWorker runs the loop from boot to shutdown, but only for serve")
    func lifecycle() async throws {
        let app = try await Application.make(.testing, .createNew)
        let worker: OutboxWorker
        do {
            app.portier = PortierServices(configuration: try PortierConfiguration.load(from: [:], environment: .testing))
            app.databases.use(.sqlite(.memory), as: .sqlite)
            app.migrations.add(CreateOutboxMessage())
            try await app.autoMigrate()
            try configureMail(app)
            app.mail.transport = RecordingMailTransport()
            app.mail.startWorker(configuration: .init(pollInterval: .milliseconds(20)))
            worker = app.mail.worker
            #expect(await !worker.isRunning)
            try await app.asyncBoot()
            #expect(await worker.isRunning)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        #expect(await !worker.isRunning)

        let serving = [["portier"], ["portier", "serve"], ["portier", "--port", "8081"]]
        let notServing = [["portier", "migrate"], ["portier", "outbox", "retry", "--all-failed"], ["portier", "routes"]]
        for arguments in serving + notServing {
            let other = try await Application.make(Environment(name: "testing", arguments: arguments), .createNew)
            #expect(other.runsServeCommand == serving.contains(arguments))
            try await other.asyncShutdown()
        }
    }
}

/// A console that keeps what commands print.
final class RecordingConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var output = ""
    var userInfo: [AnySendableHashable: any Sendable] = [:]

    var text: String { lock.withLock { output } }
    var size: (width: Int, height: Int) { (120, 40) }

    func output(_ text: ConsoleText, newLine: Bool) {
        lock.withLock { output += text.description + (newLine ? "\n" : "") }
    }

    func input(isSecure: Bool) -> String { "" }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) {
        lock.withLock { output += error + (newLine ? "\n" : "") }
    }
}
