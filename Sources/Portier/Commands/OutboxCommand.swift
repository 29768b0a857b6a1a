import Fluent
import Vapor

/// `portier outbox`: the operator's view of undelivered e-mail.
///
/// ```
/// portier outbox                      list queued, sending and failed messages
/// portier outbox retry <id>           make one failed (or queued) message due now
/// portier outbox retry --all-failed   make every failed message due now
/// ```
/// A retried message gets a fresh set of attempts; the last error stays until it is sent.
public struct OutboxCommand: AnyAsyncCommand {
    public init() {}

    public var help: String {
        "Lists undelivered e-mail and retries failed messages."
    }

    static let usage = """
        Usage: portier outbox                      list queued, sending and failed messages
               portier outbox retry <id>           make one failed or queued message due now
               portier outbox retry --all-failed   make every failed message due now
        """

    public func run(using context: inout CommandContext) async throws {
        let application = context.application
        let arguments = context.input.arguments
        let database = application.db
        let now = application.portier.clock.now()

        switch Self.action(for: arguments) {
        case .list:
            let messages = try await Outbox.pendingMessages(on: database)
            for line in Self.listing(messages) {
                context.console.printPlain(line)
            }
        case .retry(let id):
            guard try await Outbox.retry(id: id, on: database, now: now) else {
                throw OutboxCommandError(message: "No failed or queued message has the id \(id).")
            }
            context.console.printPlain("Message \(id) is queued and will be sent shortly.")
        case .retryAllFailed:
            let count = try await Outbox.retryAllFailed(on: database, now: now)
            context.console.printPlain(count == 1 ? "1 failed message is queued again." : "\(count) failed messages are queued again.")
        case nil:
            throw OutboxCommandError(message: Self.usage)
        }
    }

    public func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
        context.console.print()
        context.console.print(Self.usage)
    }

    enum Action: Equatable {
        case list
        case retry(UUID)
        case retryAllFailed
    }

    /// The action the arguments ask for, or `nil` for anything else.
    static func action(for arguments: [String]) -> Action? {
        switch arguments.first {
        case nil, "list":
            return arguments.count <= 1 ? .list : nil
        case "retry":
            guard arguments.count == 2 else { return nil }
            if arguments[1] == "--all-failed" { return .retryAllFailed }
            return UUID(uuidString: arguments[1]).map(Action.retry)
        default:
            return nil
        }
    }

    /// A block of lines per message, oldest first.
    static func listing(_ messages: [OutboxMessage]) -> [String] {
        guard !messages.isEmpty else { return ["The outbox is empty: every message has been sent."] }
        var lines: [String] = []
        for message in messages {
            let id = message.id?.uuidString ?? "?"
            let nextAttempt = message.status == .failed ? "—" : timestamp(message.nextAttemptAt)
            lines.append("\(id)  \(message.status.rawValue)  attempts \(message.attempts)  next attempt \(nextAttempt)")
            lines.append("  created \(timestamp(message.createdAt))  to \(PlainText.singleLine(message.recipient))")
            lines.append("  subject \(PlainText.singleLine(message.subject))")
            if let lastError = message.lastError {
                lines.append("  last error \(PlainText.singleLine(lastError))")
            }
        }
        let failed = messages.filter { $0.status == .failed }.count
        lines.append("\(messages.count) undelivered, \(failed) failed.")
        return lines
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

struct OutboxCommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
