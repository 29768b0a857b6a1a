import Foundation

/// The two e-mails of password recovery, composed from the catalogs in the customer's language:
/// plain text and HTML with the same content. Every value put into HTML is escaped.
struct RecoveryMails {
    let catalogs: Catalogs
    let configuration: PortierConfiguration

    /// `hasTwoStep`: the mail says that the login after the reset still asks for a code, and whom
    /// to contact when the phone and the backup codes are both lost.
    func resetLink(to customer: Customer, link: String, validFor lifetime: TimeInterval, purpose: PasswordResetToken.Purpose = .reset, hasTwoStep: Bool = false) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        let minutes = String(Int((lifetime / 60).rounded()))
        let prefix = purpose == .reset ? "mail.reset" : "mail.set_initial"
        var mail = try compose(
            to: customer, language: language,
            subjectKey: prefix + ".subject",
            paragraphs: [
                text(prefix + ".intro", language),
            ],
            action: (label: text(prefix + ".button", language), url: link),
            closing: [text("mail.reset.validity", language, minutes)]
                + (hasTwoStep ? [text("mail.reset.two_step", language, configuration.contactEmail, configuration.contactPhone)] : [])
                + [text("mail.reset.not_you", language, configuration.contactEmail)]
        )
        mail.carriesSecretLink = true
        return mail
    }

    /// `otherSessionsOnly`: the change was made while logged in, and that session goes on.
    func passwordChanged(for customer: Customer, at date: Date, otherSessionsOnly: Bool = false) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        let forgotLink = absolute(SitePath.forgotPassword.path)
        return try compose(
            to: customer, language: language,
            subjectKey: "mail.changed.subject",
            paragraphs: [
                text("mail.changed.intro", language, Self.format(date, language: language)),
                text(otherSessionsOnly ? "mail.changed.other_sessions" : "mail.changed.sessions", language),
            ],
            action: (label: text("mail.changed.button", language), url: forgotLink),
            closing: [text("mail.changed.not_you", language, configuration.contactEmail, configuration.contactPhone)]
        )
    }

    private func compose(to customer: Customer, language: Language, subjectKey: String, paragraphs: [String], action: (label: String, url: String), closing: [String]) throws -> OutgoingMail {
        try compose(toName: customer.name, email: customer.email, language: language, subjectKey: subjectKey, paragraphs: paragraphs, action: action, closing: closing)
    }

    /// A mail with one button (`action`), to anyone with a name and an address (staff mails too).
    func compose(toName name: String, email: String, language: Language, subjectKey: String, paragraphs: [String], action: (label: String, url: String), closing: [String]) throws -> OutgoingMail {
        let greeting = text("mail.greeting", language, name)
        let signature = text("mail.signature", language)
        let plain = ([greeting] + paragraphs + [action.url] + closing + [signature]).joined(separator: "\n\n") + "\n"
        let html = """
            <!doctype html>
            <html lang="\(language.rawValue)"><body style="font-family: sans-serif; line-height: 1.5; color: #1a2433;">
            <p>\(HTMLEscaping.escape(greeting))</p>
            \(paragraphs.map { "<p>\(HTMLEscaping.escape($0))</p>" }.joined(separator: "\n"))
            <p><a href="\(HTMLEscaping.escape(action.url))" style="display: inline-block; padding: 12px 20px; background: #1d5ea8; color: #ffffff; text-decoration: none; border-radius: 6px;">\(HTMLEscaping.escape(action.label))</a></p>
            <p style="font-size: 14px; color: #4a5566;">\(HTMLEscaping.escape(action.url))</p>
            \(closing.map { "<p>\(HTMLEscaping.escape($0))</p>" }.joined(separator: "\n"))
            <p>\(HTMLEscaping.escape(signature).replacingOccurrences(of: "\n", with: "<br>"))</p>
            </body></html>

            """
        return OutgoingMail(
            // A display name is data, never header syntax: control characters are dropped.
            to: try MailAddress(name: Self.displayName(name), email: email),
            subject: text(subjectKey, language),
            textBody: plain,
            htmlBody: html,
            language: language
        )
    }

    func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        catalogs.string(key, language: language, arguments: arguments)
    }

    private func absolute(_ path: String) -> String {
        var base = configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    static func displayName(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        let forbidden: Set<Unicode.GeneralCategory> = [.control, .lineSeparator, .paragraphSeparator, .format]
        scalars.append(contentsOf: name.unicodeScalars.filter { !forbidden.contains($0.properties.generalCategory) })
        return String(scalars)
    }

    static func format(_ date: Date, language: Language) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .swedish ? "sv_SE" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/Stockholm")
        formatter.dateStyle = .long
        formatter.timeStyle = .short
        return formatter.string(from: date)
    }
}
