import NIOConcurrencyHelpers
import Fluent
import Foundation
import SQLKit
import Vapor

/// Delivers the outbox (DESIGN § 5).
///
/// Each ``runOnce()`` leases due rows with one conditional UPDATE (only rows that are
/// queued and due, or whose previous lease has expired) under a fresh lease token, reads
/// back exactly the rows carrying that token, and sends them one by one. Every later write
/// is conditional on the token too, so two workers — in one process or on two servers —
/// never send the same row twice while a lease is valid.
///
/// Failures are retried with exponential backoff (30 s · 2ⁿ⁻¹, at most one hour, minus up
/// to 10 % jitter); after ``Configuration/maximumAttempts`` the row is `failed`.
/// Logs name the outbox row and the error, never the body, subject or links.
public final class OutboxWorker: Sendable {
    /// Timing and limits; the defaults suit production.
    public struct Configuration: Sendable {
        /// Pause between polls when nothing was due.
        public var pollInterval: Duration
        /// How long a leased row is reserved for this worker; longer than one SMTP session.
        public var leaseDuration: TimeInterval
        /// Rows leased per poll.
        public var batchSize: Int
        public var maximumAttempts: Int
        public var baseRetryDelay: TimeInterval
        public var maximumRetryDelay: TimeInterval

        public init(
            pollInterval: Duration = .seconds(1),
            leaseDuration: TimeInterval = 60,
            batchSize: Int = 10,
            maximumAttempts: Int = 10,
            baseRetryDelay: TimeInterval = 30,
            maximumRetryDelay: TimeInterval = 3600
        ) {
            self.pollInterval = pollInterval
            self.leaseDuration = leaseDuration
            self.batchSize = batchSize
            self.maximumAttempts = maximumAttempts
            self.baseRetryDelay = baseRetryDelay
            self.maximumRetryDelay = maximumRetryDelay
        }
    }

    public let configuration: Configuration
    private let application: Application
    private let loop = LoopState()
    private let lastPoll = NIOLockedValueBox<Date?>(nil)

    public init(application: Application, configuration: Configuration = .init()) {
        self.application = application
        self.configuration = configuration
    }

    private var logger: Logger { application.logger }

    // MARK: One pass

    /// Leases the due rows and tries to deliver each once.
    /// - Returns: How many rows this pass attempted (delivered or failed).
    @discardableResult
    public func runOnce() async throws -> Int {
        let database = application.db
        let clock = application.portier.clock
        // Read once per pass, so a transport swapped in between passes takes effect.
        let transport = try application.mail.requireTransport()
        let from = try application.mail.requireFrom()
        let leaseToken = UUID().uuidString
        try await lease(token: leaseToken, now: clock.now(), on: database)

        let leased = try await OutboxMessage.query(on: database)
            .filter(\.$leaseOwner == leaseToken)
            .filter(\.$status == .sending)
            .sort(\.$nextAttemptAt)
            .all()

        var attempted = 0
        for message in leased {
            if Task.isCancelled {
                try await release(leased.compactMap(\.id), token: leaseToken, on: database)
                break
            }
            if try await deliver(message, from: from, through: transport, token: leaseToken, on: database) {
                attempted += 1
            }
        }
        return attempted
    }

    /// The conditional UPDATE that claims up to ``Configuration/batchSize`` due rows.
    private func lease(token: String, now: Date, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else {
            throw MailError.outboxNeedsSQLDatabase
        }
        let table = OutboxMessage.schema
        let leasedUntil = now.addingTimeInterval(configuration.leaseDuration)
        // The due condition is repeated outside the subquery so that a concurrent worker whose
        // UPDATE waited for ours re-checks it against the rows as we left them.
        let due: SQLQueryString = """
            ((status = \(bind: OutboxMessage.Status.queued.rawValue) AND next_attempt_at <= \(bind: now)) \
            OR (status = \(bind: OutboxMessage.Status.sending.rawValue) AND leased_until < \(bind: now)))
            """
        try await sql.raw("""
            UPDATE \(ident: table) \
            SET status = \(bind: OutboxMessage.Status.sending.rawValue), \
            leased_until = \(bind: leasedUntil), lease_owner = \(bind: token) \
            WHERE id IN (SELECT id FROM \(ident: table) WHERE \(due) ORDER BY next_attempt_at LIMIT \(literal: configuration.batchSize)) \
            AND \(due)
            """).run()
    }

    /// Hands leased rows back untouched (used when the worker is stopping).
    private func release(_ ids: [UUID], token: String, on database: any Database) async throws {
        try await OutboxMessage.query(on: database)
            .filter(\.$id ~~ ids)
            .filter(\.$leaseOwner == token)
            .filter(\.$status == .sending)
            .set(\.$status, to: .queued)
            .set(\.$leasedUntil, to: nil)
            .set(\.$leaseOwner, to: nil)
            .update()
    }

    /// Renews the lease, sends, and records the outcome. Returns `false` if the row was lost
    /// to another worker (its lease had expired) before sending started.
    private func deliver(
        _ message: OutboxMessage,
        from: MailAddress,
        through transport: any MailTransport,
        token: String,
        on database: any Database
    ) async throws -> Bool {
        guard let id = message.id else { return false }
        let clock = application.portier.clock
        let random = application.portier.random
        let startedAt = clock.now()

        // A fresh full lease for this row, so a slow earlier row cannot eat into it;
        // the Message-ID is fixed on the first attempt, so a retry of a message that did
        // arrive can be recognised as a duplicate by the receiver.
        let messageID = message.messageID ?? MIMEMessageRenderer.makeMessageID(domain: from.domain, random: random)
        try await OutboxMessage.query(on: database)
            .filter(\.$id == id)
            .filter(\.$leaseOwner == token)
            .filter(\.$status == .sending)
            .set(\.$leasedUntil, to: startedAt.addingTimeInterval(configuration.leaseDuration))
            .set(\.$messageID, to: messageID)
            .update()
        guard try await OutboxMessage.query(on: database)
            .filter(\.$id == id)
            .filter(\.$leaseOwner == token)
            .filter(\.$status == .sending)
            .count() == 1 else {
            return false
        }

        let rendered: RenderedMail
        do {
            rendered = try MIMEMessageRenderer().render(
                try message.decodedMail(),
                from: from,
                messageID: messageID,
                date: startedAt,
                boundary: MIMEMessageRenderer.makeBoundary(random: random)
            )
        } catch {
            // Nothing will make this row renderable later: give up at once.
            try await record(failure: error, of: message, attempts: configuration.maximumAttempts, token: token, on: database)
            return true
        }

        do {
            try await transport.send(rendered)
        } catch {
            application.metricsIfConfigured?.recordMailFailure()
            try await record(failure: error, of: message, attempts: message.attempts + 1, token: token, on: database)
            return true
        }
        application.metricsIfConfigured?.recordMailSent()

        var sent = OutboxMessage.query(on: database)
            .filter(\.$id == id)
            .filter(\.$leaseOwner == token)
        if let mail = try? message.decodedMail(), mail.carriesSecretLink {
            sent = sent.set(\.$payload, to: try Outbox.payload(for: mail.redactingSecretLink()))
        }
        try await sent
            .set(\.$status, to: .sent)
            .set(\.$sentAt, to: clock.now())
            .set(\.$leasedUntil, to: nil)
            .set(\.$leaseOwner, to: nil)
            .update()
        logger.info("mail sent", metadata: ["outbox_id": "\(id)", "message_id": "\(messageID)", "attempt": "\(message.attempts + 1)"])
        return true
    }

    private func record(failure error: any Error, of message: OutboxMessage, attempts: Int, token: String, on database: any Database) async throws {
        guard let id = message.id else { return }
        let now = application.portier.clock.now()
        let errorText = Self.errorText(error)
        let hasGivenUp = attempts >= configuration.maximumAttempts
        let retryAt = now.addingTimeInterval(retryDelay(afterAttempt: attempts))

        try await OutboxMessage.query(on: database)
            .filter(\.$id == id)
            .filter(\.$leaseOwner == token)
            .set(\.$status, to: hasGivenUp ? .failed : .queued)
            .set(\.$attempts, to: attempts)
            .set(\.$lastError, to: errorText)
            .set(\.$nextAttemptAt, to: hasGivenUp ? now : retryAt)
            .set(\.$leasedUntil, to: nil)
            .set(\.$leaseOwner, to: nil)
            .update()

        if hasGivenUp {
            logger.error("mail delivery failed; giving up (portier outbox retry \(id))", metadata: [
                "outbox_id": "\(id)", "attempts": "\(attempts)", "error": "\(errorText)",
            ])
        } else {
            logger.warning("mail delivery failed; will retry", metadata: [
                "outbox_id": "\(id)", "attempts": "\(attempts)", "retry_at": "\(retryAt)", "error": "\(errorText)",
            ])
        }
    }

    /// 30 s · 2ⁿ⁻¹ capped at ``Configuration/maximumRetryDelay``, shortened by up to 10 %
    /// at random so that many rows failing together do not retry in lockstep.
    func retryDelay(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let delay = min(configuration.baseRetryDelay * pow(2, exponent), configuration.maximumRetryDelay)
        let bytes = application.portier.random.bytes(count: 2)
        let fraction = Double((UInt16(bytes.first ?? 0) << 8) | UInt16(bytes.last ?? 0)) / 65_536
        return delay * (0.9 + 0.1 * fraction)
    }

    static func errorText(_ error: any Error) -> String {
        let text = String(describing: error)
            .unicodeScalars.map { $0.isMailControlCharacter ? " " : String($0) }.joined()
        return text.count > 1_000 ? String(text.prefix(1_000)) + "…" : text
    }

    // MARK: Background loop

    /// Starts polling in the background (once; later calls do nothing).
    public func start() async {
        await loop.start { [self] in
            while !Task.isCancelled {
                var pause = configuration.pollInterval
                do {
                    let attempted = try await runOnce()
                    lastPoll.withLockedValue { $0 = application.portier.clock.now() }
                    if attempted >= configuration.batchSize { pause = .zero }
                } catch {
                    logger.error("outbox poll failed", metadata: ["error": "\(error)"])
                    pause = max(pause, .seconds(5))
                }
                if pause > .zero {
                    try? await Task.sleep(for: pause)
                }
            }
        }
    }

    /// Stops polling and waits for the message being sent, if any, to finish.
    public func stop() async {
        await loop.stop()
    }

    /// When the background loop last finished a poll without an error (for `/readyz`).
    public var lastSuccessfulPoll: Date? { lastPoll.withLockedValue { $0 } }

    /// Whether the background loop is running.
    public var isRunning: Bool {
        get async { await loop.isRunning }
    }
}

/// The background task, behind an actor so start and stop can come from any thread.
private actor LoopState {
    private var task: Task<Void, Never>?

    var isRunning: Bool { task != nil }

    func start(_ body: @escaping @Sendable () async -> Void) {
        guard task == nil else { return }
        task = Task { await body() }
    }

    func stop() async {
        guard let task else { return }
        self.task = nil
        task.cancel()
        await task.value
    }
}

/// Runs the worker while the app serves requests: started after boot, stopped (and
/// waited for) before the databases shut down.
struct OutboxWorkerLifecycle: LifecycleHandler {
    let worker: OutboxWorker

    func didBootAsync(_ application: Application) async throws {
        guard application.runsServeCommand else { return }
        await worker.start()
    }

    func shutdownAsync(_ application: Application) async {
        await worker.stop()
    }
}
