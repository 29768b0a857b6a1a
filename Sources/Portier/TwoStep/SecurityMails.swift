import Foundation

/// The e-mails of Säkerhet, in the customer's language, to the registered address: two-step
/// verification turned on or off, new backup codes, a backup code used, and a login from a new
/// device. Each says when and leads to the Säkerhet page; none carries a code or a secret.
struct SecurityMails: Sendable {
    let catalogs: Catalogs
    let configuration: PortierConfiguration

    private var base: CustomerAreaMails { CustomerAreaMails(catalogs: catalogs, configuration: configuration) }

    func twoStepEnabled(for customer: Customer, at date: Date) throws -> OutgoingMail {
        try notice(for: customer, key: "security.mail.enabled", at: date)
    }

    func twoStepDisabled(for customer: Customer, at date: Date) throws -> OutgoingMail {
        try notice(for: customer, key: "security.mail.disabled", at: date)
    }

    func backupCodesReplaced(for customer: Customer, at date: Date) throws -> OutgoingMail {
        try notice(for: customer, key: "security.mail.backup_codes", at: date)
    }

    func backupCodeUsed(for customer: Customer, at date: Date, remaining: Int) throws -> OutgoingMail {
        try notice(for: customer, key: "security.mail.backup_code_used", at: date, extra: [String(remaining)])
    }

    /// "Ny inloggning på ditt konto": time, device label and address of the login.
    func newDeviceLogin(for customer: Customer, at date: Date, device: String, address: String?) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        let unknownAddress = base.text("device.unknown_address", language)
        return try base.compose(
            to: try MailAddress(name: CustomerAreaMails.displayName(customer.name), email: customer.email),
            name: customer.name, language: language,
            subjectKey: "security.mail.new_device.subject",
            paragraphs: [
                base.text("security.mail.new_device.intro", language),
                base.text("security.mail.new_device.details", language, RecoveryMails.format(date, language: language), device, address ?? unknownAddress),
                base.text("security.mail.new_device.was_you", language),
            ],
            action: (label: base.text("security.mail.button", language), url: base.absolute(SitePath.security.path)),
            closing: [base.text("security.mail.not_you", language, configuration.contactEmail, configuration.contactPhone)]
        )
    }

    private func notice(for customer: Customer, key: String, at date: Date, extra: [String] = []) throws -> OutgoingMail {
        let language = customer.preferredLanguage
        let when = RecoveryMails.format(date, language: language)
        return try base.compose(
            to: try MailAddress(name: CustomerAreaMails.displayName(customer.name), email: customer.email),
            name: customer.name, language: language,
            subjectKey: key + ".subject",
            paragraphs: [catalogs.string(key + ".intro", language: language, arguments: [when] + extra)],
            action: (label: base.text("security.mail.button", language), url: base.absolute(SitePath.security.path)),
            closing: [base.text("security.mail.not_you", language, configuration.contactEmail, configuration.contactPhone)]
        )
    }
}
