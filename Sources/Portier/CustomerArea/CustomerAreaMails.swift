import Foundation

/// The e-mails of Kundavdelningen, composed from the catalogs in the customer's language: plain
/// text and HTML with the same content. Every value put into HTML is escaped; links are built
/// from `PORTIER_BASE_URL`, never from a request's Host header.
struct CustomerAreaMails: Sendable {
    let catalogs: Catalogs
    let configuration: PortierConfiguration

    /// To the new address: confirm it by following the link.
    func emailChangeLink(for customer: Customer, newEmail: String, link: String, validFor lifetime: TimeInterval) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        let hours = String(Int((lifetime / 3600).rounded()))
        var mail = try compose(
            to: try MailAddress(name: Self.displayName(customer.name), email: newEmail),
            name: customer.name, language: language,
            subjectKey: "area.mail.email_change.subject",
            paragraphs: [text("area.mail.email_change.intro", language, customer.email, newEmail)],
            action: (label: text("area.mail.email_change.button", language), url: link),
            closing: [
                text("area.mail.email_change.validity", language, hours),
                text("area.mail.email_change.not_you", language, configuration.contactEmail),
            ]
        )
        mail.carriesSecretLink = true
        return mail
    }

    /// To the current address, at once when a change to another address is asked for: if it was
    /// not the customer, the password is known to someone else, so the mail leads to a reset.
    func emailChangeRequested(for customer: Customer, newEmail: String, at date: Date) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        return try compose(
            to: try MailAddress(name: Self.displayName(customer.name), email: customer.email),
            name: customer.name, language: language,
            subjectKey: "area.mail.email_change_requested.subject",
            paragraphs: [
                text("area.mail.email_change_requested.intro", language, customer.email, newEmail, RecoveryMails.format(date, language: language)),
                text("area.mail.email_change_requested.unchanged", language),
                text("area.mail.email_change_requested.not_you", language),
            ],
            action: (label: text("area.mail.email_change_requested.button", language), url: absolute(SitePath.forgotPassword.path)),
            closing: [text("area.mail.email_change_requested.contact", language, configuration.contactEmail, configuration.contactPhone)]
        )
    }

    /// To the old address, once the change has taken effect.
    func emailChanged(for customer: Customer, from oldEmail: String, to newEmail: String, at date: Date) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        return try compose(
            to: try MailAddress(name: Self.displayName(customer.name), email: oldEmail),
            name: customer.name, language: language,
            subjectKey: "area.mail.email_changed.subject",
            paragraphs: [
                text("area.mail.email_changed.intro", language, oldEmail, newEmail, RecoveryMails.format(date, language: language)),
                text("area.mail.email_changed.login", language, newEmail),
            ],
            action: nil,
            closing: [text("area.mail.email_changed.not_you", language, configuration.contactEmail, configuration.contactPhone)]
        )
    }

    /// To the customer's registered address: the staff replied to a ticket.
    func ticketReply(for customer: Customer, ticket: Ticket, reply: TicketMessage) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        let link = absolute(SiteURL.ticket(.value(try ticket.requireID())).path)
        let subject = Self.singleLine(ticket.subject)
        return try compose(
            to: try MailAddress(name: Self.displayName(customer.name), email: customer.email),
            name: customer.name, language: language,
            subjectKey: "area.mail.ticket_reply.subject", subjectArguments: [String(ticket.number), subject],
            paragraphs: [text("area.mail.ticket_reply.intro", language, String(ticket.number), subject)],
            quote: reply.body,
            action: (label: text("area.mail.ticket_reply.button", language), url: link),
            closing: [text("area.mail.ticket_reply.closing", language)]
        )
    }

    /// A staff reply to a visitor's ticket (a message left in the chat): no Kundavdelning link;
    /// the visitor answers by replying to the mail.
    func visitorTicketReply(ticket: Ticket, reply: TicketMessage) throws -> OutgoingMail {
        let language = ticket.contactLanguage.flatMap(Language.init(rawValue:)) ?? .default
        let name = ticket.contactName ?? ""
        let subject = Self.singleLine(ticket.subject)
        var mail = try compose(
            to: try MailAddress(name: Self.displayName(name), email: ticket.contactEmail ?? ""),
            name: name, language: language,
            subjectKey: "area.mail.ticket_reply.subject", subjectArguments: [String(ticket.number), subject],
            paragraphs: [text("area.mail.visitor_reply.intro", language, String(ticket.number))],
            quote: reply.body,
            action: nil,
            closing: [text("area.mail.visitor_reply.closing", language, configuration.contactEmail, String(ticket.number))]
        )
        mail.replyTo = try? MailAddress(email: configuration.contactEmail)
        return mail
    }

    func compose(
        to recipient: MailAddress, name: String, language: Language,
        subjectKey: String, subjectArguments: [String] = [],
        paragraphs: [String], quote: String? = nil,
        action: (label: String, url: String)?, closing: [String]
    ) throws -> OutgoingMail {
        let greeting = text("mail.greeting", language, name)
        let signature = text("mail.signature", language)
        var plainParts = [greeting] + paragraphs
        if let quote {
            plainParts.append(quote.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n"))
        }
        if let action { plainParts.append(action.label + ":\n" + action.url) }
        let plain = (plainParts + closing + [signature]).joined(separator: "\n\n") + "\n"

        var html = """
            <!doctype html>
            <html lang="\(language.rawValue)"><body style="font-family: sans-serif; line-height: 1.5; color: #1a2433;">
            <p>\(HTMLEscaping.escape(greeting))</p>
            \(paragraphs.map { "<p>\(HTMLEscaping.escape($0))</p>" }.joined(separator: "\n"))

            """
        if let quote {
            html += "<blockquote style=\"margin: 16px 0; padding: 8px 16px; border-left: 4px solid #d6dde6; color: #1b2430;\">"
                + Self.htmlLines(quote) + "</blockquote>\n"
        }
        if let action {
            html += """
                <p><a href="\(HTMLEscaping.escape(action.url))" style="display: inline-block; padding: 12px 20px; background: #1d5ea8; color: #ffffff; text-decoration: none; border-radius: 6px;">\(HTMLEscaping.escape(action.label))</a></p>
                <p style="font-size: 14px; color: #4a5566;">\(HTMLEscaping.escape(action.url))</p>

                """
        }
        html += """
            \(closing.map { "<p>\(HTMLEscaping.escape($0))</p>" }.joined(separator: "\n"))
            <p>\(Self.htmlLines(signature))</p>
            </body></html>

            """
        return OutgoingMail(
            to: recipient,
            subject: catalogs.string(subjectKey, language: language, arguments: subjectArguments),
            textBody: plain,
            htmlBody: html,
            language: language
        )
    }

    func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        catalogs.string(key, language: language, arguments: arguments)
    }

    func absolute(_ path: String) -> String {
        var base = configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// Escaped text with its line breaks kept.
    private static func htmlLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { HTMLEscaping.escape(String($0)) }.joined(separator: "<br>")
    }

    static func displayName(_ name: String) -> String {
        RecoveryMails.displayName(name)
    }

    /// A value that goes into a header (the subject): control characters become spaces.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
