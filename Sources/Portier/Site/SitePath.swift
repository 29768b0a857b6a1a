import Vapor

/// Every page's path, shared by route registration, redirects and templates, so a URL is spelled
/// once. Swedish, readable URLs as customers see them.
enum SitePath: String, CaseIterable {
    case home = ""
    case login = "logga-in"
    case secondFactor = "logga-in/kod"
    case logout = "logga-ut"
    case language = "sprak"
    case forgotPassword = "glomt-losenord"
    case resetPassword = "aterstall-losenord"
    case customerArea = "kundavdelning"
    case services = "kundavdelning/tjanster"
    case support = "kundavdelning/support"
    case invoices = "kundavdelning/fakturor"
    case newTicket = "kundavdelning/support/nytt"
    case contactDetails = "kundavdelning/kontaktuppgifter"
    case changeEmail = "kundavdelning/kontaktuppgifter/e-post"
    case changePassword = "kundavdelning/kontaktuppgifter/losenord"
    case security = "kundavdelning/sakerhet"
    case twoStepStart = "kundavdelning/sakerhet/tvastegsverifiering"
    case twoStepConfirm = "kundavdelning/sakerhet/tvastegsverifiering/bekrafta"
    case twoStepDisable = "kundavdelning/sakerhet/tvastegsverifiering/stang-av"
    case backupCodes = "kundavdelning/sakerhet/reservkoder"
    case backupCodesDownload = "kundavdelning/sakerhet/reservkoder/ladda-ner"
    case endOtherSessions = "kundavdelning/sakerhet/enheter/logga-ut-andra"
    /// JSON: a new passkey's registration (the browser's answer to the options).
    case passkeys = "kundavdelning/sakerhet/losennycklar"
    /// JSON: options for `navigator.credentials.create()`.
    case passkeyOptions = "kundavdelning/sakerhet/losennycklar/alternativ"
    /// JSON: a sign-in with a passkey (the browser's answer to the options).
    case passkeyLogin = "logga-in/losennyckel"
    /// JSON: options for `navigator.credentials.get()`.
    case passkeyLoginOptions = "logga-in/losennyckel/alternativ"
    case confirmEmail = "bekrafta-e-post"
    case help = "hjalp"
    case helpSearch = "hjalp/sok"
    /// JSON: guide titles for what a visitor is typing in the search box (`?q=…&lang=sv`).
    case helpSuggestions = "hjalp/sok/forslag"
    case helpMedia = "hjalp/media"
    case contact = "kontakt"
    /// The chat: `GET` says whether it is open, `POST` starts one (JSON for the chat panel).
    case chat = "chatt"
    /// The chat's WebSocket, for clients and (`?roll=personal`) the support staff.
    case chatSocket = "chatt/ws"
    case health = "healthz"
    case readiness = "readyz"
    case metrics = "metrics"
    case staffArea = "personal"
    case staffLogin = "personal/logga-in"
    case staffSecondFactor = "personal/logga-in/kod"
    case staffLogout = "personal/logga-ut"
    case staffCustomers = "personal/kunder"
    case staffNewCustomer = "personal/kunder/ny"
    /// "Avsluta" in the banner of a staff member logged in as the customer.
    case endImpersonation = "kundavdelning/avsluta-personalinloggning"
    case staffTickets = "personal/arenden"
    case staffChat = "personal/chatt"
    /// The "Tillgänglig för chatt" switch (a form).
    case staffChatAvailability = "personal/chatt/tillganglighet"
    case staffGuides = "personal/guider"
    /// "Ny guide": title, address, language and category; then the editor.
    case staffNewGuide = "personal/guider/ny"
    case staffFeedback = "personal/feedback"
    case staffAuditLog = "personal/granskningslogg"
    case staffMembers = "personal/medarbetare"
    /// The staff member's own account: password, second factor, passkeys.
    case staffAccount = "personal/mitt-konto"
    /// The first staff login's authenticator set-up.
    case staffEnrolment = "personal/logga-in/aktivera"
    /// A staff member's set-password link (`/personal/losenord/<token>`).
    case staffSetPassword = "personal/losenord"

    var path: String { "/" + rawValue }

    var components: [PathComponent] {
        rawValue.split(separator: "/").map { .constant(String($0)) }
    }

    /// The login page that returns to `next` (a relative path of this site) afterwards.
    static func login(next: String?, notice: LoginNotice? = nil) -> String {
        withLoginQuery(SitePath.login.path, next: next, notice: notice)
    }

    /// The staff login page that returns to `next` afterwards.
    static func staffLogin(next: String?, notice: LoginNotice? = nil) -> String {
        withLoginQuery(SitePath.staffLogin.path, next: next, notice: notice)
    }

    private static func withLoginQuery(_ page: String, next: String?, notice: LoginNotice?) -> String {
        var query: [String] = []
        if let next = SafeRedirect.path(from: next) { query.append("next=" + next.urlQueryEncoded) }
        if let notice { query.append("notice=" + notice.rawValue) }
        return query.isEmpty ? page : page + "?" + query.joined(separator: "&")
    }

    /// `page` returning to `next` afterwards (the staff login's second step).
    static func withNext(_ page: String, next: String?) -> String {
        withLoginQuery(page, next: next, notice: nil)
    }

    /// An admin's action on one staff member in Medarbetare (`/personal/medarbetare/<id>/<action>`).
    static func staffMember(_ id: UUID, _ action: StaffMemberAction) -> String {
        SitePath.staffMembers.path + "/" + id.uuidString.lowercased() + "/" + action.rawValue
    }

    /// The audit log with `query` (already encoded, without `?`).
    static func staffAuditLog(query: String) -> String {
        query.isEmpty ? SitePath.staffAuditLog.path : SitePath.staffAuditLog.path + "?" + query
    }

    /// The page behind a staff member's set-password link.
    static func staffSetPassword(token: String) -> String {
        SitePath.staffSetPassword.path + "/" + token
    }

    /// The second-factor page that returns to `next` afterwards.
    static func secondFactor(next: String?) -> String {
        withLoginQuery(SitePath.secondFactor.path, next: next, notice: nil)
    }

    /// Säkerhet's list of security events, page `page` (from 1).
    static func securityEvents(page: Int) -> String {
        page <= 1 ? SitePath.security.path + "#handelser" : SitePath.security.path + "?sida=\(page)#handelser"
    }

    /// Ends one session from "Inloggade enheter".
    static func endSession(_ id: UUID) -> String {
        SitePath.security.path + "/enheter/" + id.uuidString.lowercased() + "/logga-ut"
    }

    /// Renames or removes one passkey on Säkerhet.
    static func renamePasskey(_ id: UUID) -> String { SitePath.passkeys.path + "/" + id.uuidString.lowercased() + "/byt-namn" }
    static func removePasskey(_ id: UUID) -> String { SitePath.passkeys.path + "/" + id.uuidString.lowercased() + "/ta-bort" }

    /// The reset page for a raw link token.
    static func resetPassword(token: String) -> String {
        SitePath.resetPassword.path + "/" + token
    }

    /// Kundavdelningen's pages of one service, invoice or ticket.
    static func service(_ id: UUID) -> String { SitePath.services.path + "/" + id.uuidString.lowercased() }
    static func invoice(_ id: UUID) -> String { SitePath.invoices.path + "/" + id.uuidString.lowercased() }
    static func ticket(_ id: UUID) -> String { SitePath.support.path + "/" + id.uuidString.lowercased() }
    static func ticketReply(_ id: UUID) -> String { ticket(id) + "/svara" }
    static func ticketClose(_ id: UUID) -> String { ticket(id) + "/stang" }

    /// The staff ticket queue showing one of its lists (`TicketQueue.Filter`).
    static func staffTicketQueue(_ filter: String) -> String { SitePath.staffTickets.path + "?visa=" + filter }
    /// The staff area's page of one ticket (by its number) and its forms.
    static func staffTicket(_ number: Int) -> String { SitePath.staffTickets.path + "/" + String(number) }
    static func staffTicketReply(_ number: Int) -> String { staffTicket(number) + "/svara" }
    static func staffTicketNote(_ number: Int) -> String { staffTicket(number) + "/anteckning" }
    static func staffTicketAssign(_ number: Int) -> String { staffTicket(number) + "/tilldela" }
    static func staffTicketClose(_ number: Int) -> String { staffTicket(number) + "/stang" }
    static func staffTicketReopen(_ number: Int) -> String { staffTicket(number) + "/oppna" }

    /// The guide editor's page of one guide and its forms.
    static func staffGuide(_ id: UUID) -> String { SitePath.staffGuides.path + "/" + id.uuidString.lowercased() }
    static func staffGuideUnpublish(_ id: UUID) -> String { staffGuide(id) + "/avpublicera" }
    static func staffGuideImages(_ id: UUID) -> String { staffGuide(id) + "/bilder" }
    static func staffGuideRestore(_ id: UUID, version: Int) -> String { staffGuide(id) + "/versioner/" + String(version) + "/aterstall" }
    /// Deleting a guide: the confirmation page (GET) and its form (POST).
    static let staffGuideDeleteSegment = "ta-bort"
    static func staffGuideDelete(_ id: UUID) -> String { staffGuide(id) + "/" + staffGuideDeleteSegment }

    /// The feedback page's CSV files (add `?fran=…&till=…`).
    static let staffFeedbackGuidesCSV = SitePath.staffFeedback.path + "/guider.csv"
    static let staffFeedbackSearchesCSV = SitePath.staffFeedback.path + "/sokningar.csv"
    /// A customer's page in `/personal`, and the forms on it.
    static func staffCustomer(_ id: UUID) -> String { SitePath.staffCustomers.path + "/" + id.uuidString.lowercased() }
    static func staffCustomer(_ id: UUID, _ action: StaffCustomerAction) -> String { staffCustomer(id) + "/" + action.rawValue }

    /// The staff search's results for `query`, starting after `cursor` (keyset paging).
    static func staffCustomerSearch(query: String, after cursor: String? = nil) -> String {
        var path = SitePath.staffCustomers.path + "?q=" + query.urlQueryEncoded
        if let cursor { path += "&efter=" + cursor.urlQueryEncoded }
        return path
    }

    /// The page behind the link that confirms a new e-mail address.
    static func confirmEmail(token: String) -> String {
        SitePath.confirmEmail.path + "/" + token
    }

    /// The results page of a search.
    static func helpSearch(query: String) -> String {
        SitePath.helpSearch.path + "?q=" + query.urlQueryEncoded
    }
}

/// What an admin can do to one staff member (the last part of its path).
enum StaffMemberAction: String, CaseIterable {
    case disable = "inaktivera"
    case enable = "aktivera"
    case resetSecondFactor = "nollstall-tvastegsverifiering"
    case sendPasswordLink = "skicka-losenordslank"
}

/// The forms on a customer's page in `/personal` (`SitePath.staffCustomer(_:_:)`).
enum StaffCustomerAction: String, CaseIterable, Sendable {
    case contactDetails = "kontaktuppgifter"
    case sendPasswordReset = "skicka-losenordslank"
    case endSessions = "logga-ut-overallt"
    case disableLogin = "stang-av-inloggning"
    case enableLogin = "sla-pa-inloggning"
    case disableTwoStep = "stang-av-tvastegsverifiering"
    case impersonate = "logga-in-som-kunden"

    var components: [PathComponent] {
        SitePath.staffCustomers.components + [":id", .constant(rawValue)]
    }
}

/// The paths as template values: `#(paths.login)`.
struct SitePaths: Encodable {
    let home = SitePath.home.path
    let login = SitePath.login.path
    let logout = SitePath.logout.path
    let language = SitePath.language.path
    let forgotPassword = SitePath.forgotPassword.path
    let customerArea = SitePath.customerArea.path
    let services = SitePath.services.path
    let support = SitePath.support.path
    let invoices = SitePath.invoices.path
    let newTicket = SitePath.newTicket.path
    let contactDetails = SitePath.contactDetails.path
    let changeEmail = SitePath.changeEmail.path
    let changePassword = SitePath.changePassword.path
    let security = SitePath.security.path
    let secondFactor = SitePath.secondFactor.path
    let twoStepStart = SitePath.twoStepStart.path
    let twoStepConfirm = SitePath.twoStepConfirm.path
    let twoStepDisable = SitePath.twoStepDisable.path
    let backupCodes = SitePath.backupCodes.path
    let backupCodesDownload = SitePath.backupCodesDownload.path
    let endOtherSessions = SitePath.endOtherSessions.path
    let passkeys = SitePath.passkeys.path
    let passkeyOptions = SitePath.passkeyOptions.path
    let passkeyLogin = SitePath.passkeyLogin.path
    let passkeyLoginOptions = SitePath.passkeyLoginOptions.path
    let help = SitePath.help.path
    let helpSearch = SitePath.helpSearch.path
    let helpSuggestions = SitePath.helpSuggestions.path
    let contact = SitePath.contact.path
    let chat = SitePath.chat.path
    let chatSocket = SitePath.chatSocket.path
    let staffArea = SitePath.staffArea.path
    let staffLogin = SitePath.staffLogin.path
    let staffSecondFactor = SitePath.staffSecondFactor.path
    let staffEnrolment = SitePath.staffEnrolment.path
    let staffMembers = SitePath.staffMembers.path
    let staffAuditLog = SitePath.staffAuditLog.path
    let staffLogout = SitePath.staffLogout.path
    let staffTickets = SitePath.staffTickets.path
    let staffGuides = SitePath.staffGuides.path
    let staffNewGuide = SitePath.staffNewGuide.path
    let staffFeedback = SitePath.staffFeedback.path
    let staffCustomers = SitePath.staffCustomers.path
    let staffNewCustomer = SitePath.staffNewCustomer.path
    let endImpersonation = SitePath.endImpersonation.path
}

extension String {
    var urlQueryEncoded: String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
