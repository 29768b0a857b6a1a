import Foundation

/// The e-mails about a customer's passkeys, in their language: a key was added, and a key may
/// have been copied (its counter went backwards, so it signs nobody in any more). Each names the
/// key and leads to Säkerhet.
struct PasskeyMails: Sendable {
    let catalogs: Catalogs
    let configuration: PortierConfiguration

    private var base: CustomerAreaMails { CustomerAreaMails(catalogs: catalogs, configuration: configuration) }

    func added(for customer: Customer, keyName: String, at date: Date) throws -> OutgoingMail {
        try notice(for: customer, key: "passkeys.mail.added", keyName: keyName, at: date)
    }

    func possiblyCloned(for customer: Customer, keyName: String, at date: Date) throws -> OutgoingMail {
        try notice(for: customer, key: "passkeys.mail.cloned", keyName: keyName, at: date)
    }

    private func notice(for customer: Customer, key: String, keyName: String, at date: Date) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        let when = RecoveryMails.format(date, language: language)
        return try base.compose(
            to: try MailAddress(name: CustomerAreaMails.displayName(customer.name), email: customer.email),
            name: customer.name, language: language,
            subjectKey: key + ".subject",
            paragraphs: [catalogs.string(key + ".intro", language: language, arguments: [when, keyName])],
            action: (label: base.text("security.mail.button", language), url: base.absolute(SitePath.security.path(section: .passkeys))),
            closing: [base.text("security.mail.not_you", language, configuration.contactEmail, configuration.contactPhone)]
        )
    }
}
