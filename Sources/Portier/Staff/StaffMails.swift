import Foundation

/// The staff member's e-mail: the link to choose a password, in the member's language, composed
/// like the customers' recovery mails.
struct StaffMails {
    let catalogs: Catalogs
    let configuration: PortierConfiguration

    func setPassword(to member: StaffMember, link: String, validFor lifetime: TimeInterval) throws -> OutgoingMail {
        let mails = RecoveryMails(catalogs: catalogs, configuration: configuration)
        let language = Language(rawValue: member.language) ?? .default
        let hours = String(max(1, Int((lifetime / 3600).rounded())))
        var mail = try mails.compose(
            toName: member.name, email: member.email, language: language,
            subjectKey: "staff.mail.set_password.subject",
            paragraphs: [
                mails.text("staff.mail.set_password.intro", language, mails.text("site.name", language)),
                mails.text("staff.mail.set_password.two_step", language),
            ],
            action: (label: mails.text("staff.mail.set_password.button", language), url: link),
            closing: [mails.text("staff.mail.set_password.validity", language, hours)]
        )
        mail.carriesSecretLink = true
        return mail
    }
}
