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
    case staffTickets = "personal/arenden"
    case staffChat = "personal/chatt"
    /// The "Tillgänglig för chatt" switch (a form).
    case staffChatAvailability = "personal/chatt/tillganglighet"
    case staffGuides = "personal/guider"
    case staffFeedback = "personal/feedback"
    case staffAuditLog = "personal/granskningslogg"
    case staffMembers = "personal/medarbetare"
    /// The staff member's own account: password, second factor, passkeys.
    case staffAccount = "personal/mitt-konto"

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
    /// A customer's page in the staff area (the chat links to it).
    static func staffCustomer(_ id: UUID) -> String { SitePath.staffCustomers.path + "/" + id.uuidString.lowercased() }

    /// The page behind the link that confirms a new e-mail address.
    static func confirmEmail(token: String) -> String {
        SitePath.confirmEmail.path + "/" + token
    }

    /// The results page of a search.
    static func helpSearch(query: String) -> String {
        SitePath.helpSearch.path + "?q=" + query.urlQueryEncoded
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
    let help = SitePath.help.path
    let helpSearch = SitePath.helpSearch.path
    let helpSuggestions = SitePath.helpSuggestions.path
    let contact = SitePath.contact.path
    let chat = SitePath.chat.path
    let chatSocket = SitePath.chatSocket.path
    let staffArea = SitePath.staffArea.path
    let staffLogout = SitePath.staffLogout.path
}

extension String {
    var urlQueryEncoded: String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
