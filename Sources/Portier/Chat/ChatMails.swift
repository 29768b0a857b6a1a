import Foundation

/// The chat's e-mails (transcript, a visitor's receipt) and its system
/// notes, from the catalogs in the chat's language. Built on ``CustomerAreaMails/compose``, which
/// escapes every value it puts into HTML.
struct ChatMails: Sendable {
    let base: CustomerAreaMails

    private func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        base.catalogs.string(key, language: language, arguments: arguments)
    }

    /// The conversation as plain text: "[14:02] Karin: Hej" per message, system notes in brackets.
    func transcriptText(_ thread: [ChatMessage], language: Language) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .swedish ? "sv_SE" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/Stockholm")
        formatter.dateFormat = "HH:mm"
        return thread.map { message in
            let time = formatter.string(from: message.createdAt)
            switch message.author {
            case .system: return "[\(time)] (\(message.body))"
            case .client, .staff: return "[\(time)] \(message.authorName): \(message.body)"
            }
        }.joined(separator: "\n")
    }

    func transcript(_ chat: Chat, thread: [ChatMessage]) throws -> OutgoingMail {
        let language = chat.preferredLanguage
        return try base.compose(
            to: try MailAddress(name: CustomerAreaMails.displayName(chat.clientName), email: chat.clientEmail),
            name: chat.clientName, language: language,
            subjectKey: "chat.mail.transcript.subject",
            paragraphs: [text("chat.mail.transcript.intro", language, RecoveryMails.format(chat.createdAt, language: language))],
            quote: transcriptText(thread, language: language),
            action: nil,
            closing: [text("chat.mail.closing", language, base.configuration.contactEmail)]
        )
    }

    /// To a visitor whose chat was left as a ticket: the ticket's number, and we answer by mail.
    func visitorReceipt(_ chat: Chat, ticketNumber: Int, transcript: String) throws -> OutgoingMail {
        let language = chat.preferredLanguage
        return try base.compose(
            to: try MailAddress(name: CustomerAreaMails.displayName(chat.clientName), email: chat.clientEmail),
            name: chat.clientName, language: language,
            subjectKey: "chat.mail.receipt.subject", subjectArguments: [String(ticketNumber)],
            paragraphs: [text("chat.mail.receipt.intro", language, String(ticketNumber))],
            quote: transcript,
            action: nil,
            closing: [text("chat.mail.closing", language, base.configuration.contactEmail)]
        )
    }

    func ticketSubject(_ chat: Chat, language: Language, now: Date) -> String {
        text("chat.ticket.subject", language, RecoveryMails.format(chat.createdAt, language: language))
    }

    func acceptedNote(staffName: String, language: Language) -> String {
        text("chat.note.accepted", language, staffName)
    }

    func endedNote(byStaff: Bool, language: Language) -> String {
        text(byStaff ? "chat.note.ended_by_staff" : "chat.note.ended_by_client", language)
    }

    func leftAsTicketNote(number: Int, language: Language) -> String {
        text("chat.note.left_as_ticket", language, String(number))
    }

    func leftForMailNote(number: Int, email: String, language: Language) -> String {
        text("chat.note.left_for_mail", language, String(number), email)
    }
}
