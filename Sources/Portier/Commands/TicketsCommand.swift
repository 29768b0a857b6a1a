import Fluent
import Vapor

/// `portier tickets reply <number or id> --from-file F [--name N]`: adds a staff reply to a
/// support ticket, read from a UTF-8 text file (`-` for standard input), and e-mails the customer
/// through the outbox. The staff area is a later issue; until then this is how staff answer.
struct TicketsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "reply")
        var action: String

        @Argument(name: "ticket", help: "The ticket's number (1001) or id")
        var ticket: String

        @Option(name: "from-file", help: "A UTF-8 text file with the reply, or - for standard input")
        var file: String?

        @Option(name: "name", help: "The name the customer sees on the reply (default: Kundservice)")
        var name: String?
    }

    var help: String { "Answers support tickets: reply <number or id> --from-file F [--name N]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "reply" else { throw TicketsCommandError.unknownAction(signature.action) }
        guard let file = signature.file, !file.isEmpty else { throw TicketsCommandError.missingFile }
        let text = try Self.readReply(from: file)
        let app = context.application
        try await app.autoMigrate()
        let result = try await Self.reply(app: app, to: signature.ticket, text: text, authorName: signature.name)
        context.console.printPlain("Replied to ticket \(result.number) (\(result.subject)); the customer is notified by e-mail at \(result.correspondent.email).")
    }

    /// The command's work, callable from tests: the reply is stored and the mail queued.
    @discardableResult
    static func reply(app: Application, to reference: String, text: String, authorName: String? = nil) async throws -> Ticket {
        let desk = TicketDesk(database: app.db, services: app.portier, catalogs: app.catalogs)
        do {
            return try await desk.addStaffReply(to: reference, text: text, authorName: authorName).ticket
        } catch CustomerAreaError.ticketNotFound(let reference) {
            throw TicketsCommandError.unknownTicket(reference)
        } catch CustomerAreaError.messageMissing {
            throw TicketsCommandError.emptyReply
        } catch CustomerAreaError.messageTooLong {
            throw TicketsCommandError.replyTooLong
        }
    }

    static func readReply(from path: String) throws -> String {
        let data: Data?
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = FileManager.default.contents(atPath: path)
        }
        guard let data else { throw TicketsCommandError.unreadableFile(path) }
        guard let text = String(data: data, encoding: .utf8) else { throw TicketsCommandError.notUTF8(path) }
        return text
    }
}

enum TicketsCommandError: Error, CustomStringConvertible, Equatable {
    case unknownAction(String)
    case missingFile
    case unreadableFile(String)
    case notUTF8(String)
    case unknownTicket(String)
    case emptyReply
    case replyTooLong

    var description: String {
        switch self {
        case .unknownAction(let action): "Unknown action '\(action)'. Use: portier tickets reply <number or id> --from-file F [--name N]"
        case .missingFile: "--from-file is required: a UTF-8 text file with the reply, or - for standard input"
        case .unreadableFile(let path): "Cannot read \(path)"
        case .notUTF8(let path): "\(path) is not UTF-8 text"
        case .unknownTicket(let reference): "No ticket has the number or id \(reference)"
        case .emptyReply: "The reply is empty"
        case .replyTooLong: "The reply is longer than \(TicketDesk.maximumMessageLength) characters"
        }
    }
}
