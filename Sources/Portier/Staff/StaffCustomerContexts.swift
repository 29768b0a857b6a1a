import Vapor

/// What a redirect after a staff action says on the customer's page (`?notice=…`).
enum StaffCustomerNotice: String, CaseIterable, Sendable {
    case created
    case detailsSaved = "details-saved"
    case resetSent = "reset-sent"
    case resetRefusedDisabled = "reset-refused-disabled"
    case sessionsEnded = "sessions-ended"
    case loginDisabled = "login-disabled"
    case loginEnabled = "login-enabled"
    case twoStepDisabled = "two-step-disabled"
    case twoStepNotEnabled = "two-step-not-enabled"
    case impersonationEnded = "impersonation-ended"
    case impersonationExpired = "impersonation-expired"

    var catalogKey: String { "staff.customers.notice." + rawValue.replacingOccurrences(of: "-", with: "_") }
    var isWarning: Bool { self == .resetRefusedDisabled || self == .twoStepNotEnabled || self == .impersonationExpired }

    static func from(_ request: Request) -> StaffCustomerNotice? {
        request.query[String.self, at: "notice"].flatMap(StaffCustomerNotice.init(rawValue:))
    }

    func path(_ customerID: UUID) -> String { SiteURL.staffCustomer(.value(customerID)).path(notice: self) }
}

/// `/personal/kunder`: the search form and a page of results.
struct StaffCustomerSearchContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let query: String
    let hasQuery: Bool
    let results: [Result]
    /// The next page (keyset), and the first page when this is a later one.
    let nextPath: String?
    let firstPath: String?
    var hasPages: Bool { nextPath != nil || firstPath != nil }

    enum CodingKeys: String, CodingKey { case layout, staffNavigation, query, hasQuery, results, nextPath, firstPath, hasPages }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layout, forKey: .layout)
        try container.encode(staffNavigation, forKey: .staffNavigation)
        try container.encode(query, forKey: .query)
        try container.encode(hasQuery, forKey: .hasQuery)
        try container.encode(results, forKey: .results)
        try container.encodeIfPresent(nextPath, forKey: .nextPath)
        try container.encodeIfPresent(firstPath, forKey: .firstPath)
        try container.encode(hasPages, forKey: .hasPages)
    }

    struct Result: Encodable {
        let path: String
        let number: String
        let name: String
        let email: String
        let matchLabel: String
        let matchValue: String
        let isLoginDisabled: Bool
    }
}

/// `/personal/kunder/ny`: a new customer, who gets the set-password mail.
struct StaffNewCustomerContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let email: String
    let name: String
    let languages: [OptionView]
    var emailError: String?
    var nameError: String?
    var hasErrors: Bool { emailError != nil || nameError != nil }

    enum CodingKeys: String, CodingKey { case layout, staffNavigation, email, name, languages, emailError, nameError, hasErrors }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layout, forKey: .layout)
        try container.encode(staffNavigation, forKey: .staffNavigation)
        try container.encode(email, forKey: .email)
        try container.encode(name, forKey: .name)
        try container.encode(languages, forKey: .languages)
        try container.encodeIfPresent(emailError, forKey: .emailError)
        try container.encodeIfPresent(nameError, forKey: .nameError)
        try container.encode(hasErrors, forKey: .hasErrors)
    }
}

/// `/personal/kunder/{id}`: everything support needs about one customer, and the actions.
struct StaffCustomerPageContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let notice: String?
    let noticeIsWarning: Bool
    let customer: CustomerSummary
    let details: ContactDetailsContext.Details
    let detailErrors: ContactDetailsContext.DetailErrors
    let hasDetailErrors: Bool
    let countries: [OptionView]
    let services: [ServiceView]
    let invoices: [InvoiceView]
    let tickets: [TicketView]
    let sessions: [SessionRow]
    let events: [EventRow]
    let isTwoStepEnabled: Bool
    let impersonationReason: String
    let impersonationError: String?
    let actions: Actions

    struct CustomerSummary: Encodable {
        let number: String
        let name: String
        let email: String
        let languageLabel: String
        let identityNumber: String?
        let address: [String]
        let phone: String?
        let isLoginDisabled: Bool
        let hasPassword: Bool
        let created: DateTimeView?
    }

    struct SessionRow: Encodable {
        let device: String
        let address: String
        let started: DateTimeView
        let lastActivity: DateTimeView
        /// The staff member logged in as the customer in this session, if any.
        let impersonatorName: String?
    }

    struct EventRow: Encodable {
        let label: String
        let kind: String
        let occurred: DateTimeView
        let address: String
        let staffName: String?
        let details: String?
    }

    struct Actions: Encodable {
        let contactDetails: String
        let sendPasswordReset: String
        let endSessions: String
        let disableLogin: String
        let enableLogin: String
        let disableTwoStep: String
        let impersonate: String

        init(_ id: UUID) {
            contactDetails = SiteURL.staffCustomer(.value(id), .contactDetails).path
            sendPasswordReset = SiteURL.staffCustomer(.value(id), .sendPasswordReset).path
            endSessions = SiteURL.staffCustomer(.value(id), .endSessions).path
            disableLogin = SiteURL.staffCustomer(.value(id), .disableLogin).path
            enableLogin = SiteURL.staffCustomer(.value(id), .enableLogin).path
            disableTwoStep = SiteURL.staffCustomer(.value(id), .disableTwoStep).path
            impersonate = SiteURL.staffCustomer(.value(id), .impersonate).path
        }
    }
}
