import Fluent
import Vapor

/// Customers in `/personal` (support and admins): the search, a new customer, and the customer's
/// page with its actions (`+Actions`) and "Logga in som kunden" (`+Impersonation`). Reading a
/// customer's page and every action is an audit event naming the staff member.
struct StaffCustomersController: RouteCollection {
    static let eventsShown = 50
    static let maximumReasonLength = 500

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffCustomers.pathComponents, use: search)
        routes.get(SitePath.staffNewCustomer.pathComponents, use: showNewCustomer)
        routes.post(SitePath.staffNewCustomer.pathComponents, use: createCustomer)
            .returning(to: "staff-new-customer") { _ in SitePath.staffNewCustomer.path }
        routes.get(SiteURL.staffCustomer(.key).pathComponents, use: show)
        let back: @Sendable (Request) -> String = { request in
            request.parameters.uuid(.id).map { SiteURL.staffCustomer(.value($0)).path } ?? SitePath.staffCustomers.path
        }
        routes.post(SiteURL.staffCustomer(.key, .contactDetails).pathComponents, use: saveContactDetails).returning(to: "staff-customer", back)
        routes.post(SiteURL.staffCustomer(.key, .sendPasswordReset).pathComponents, use: sendPasswordReset).returning(to: "staff-customer", back)
        routes.post(SiteURL.staffCustomer(.key, .endSessions).pathComponents, use: endSessions).returning(to: "staff-customer", back)
        routes.post(SiteURL.staffCustomer(.key, .disableLogin).pathComponents, use: disableLogin).returning(to: "staff-customer", back)
        routes.post(SiteURL.staffCustomer(.key, .enableLogin).pathComponents, use: enableLogin).returning(to: "staff-customer", back)
        routes.post(SiteURL.staffCustomer(.key, .disableTwoStep).pathComponents, use: disableTwoStep).returning(to: "staff-customer", back)
        routes.post(SiteURL.staffCustomer(.key, .impersonate).pathComponents, use: impersonate).returning(to: "staff-customer", back)
    }

    // MARK: Search

    @Sendable
    func search(request: Request) async throws -> Response {
        let rawQuery = request.query[String.self, at: "q"] ?? ""
        let query = String(rawQuery.prefix(CustomerSearch.maximumQueryLength)).trimmingCharacters(in: .whitespacesAndNewlines)
        let cursor = request.query[String.self, at: "efter"].flatMap(CustomerSearch.Cursor.init(token:))
        var results: [StaffCustomerSearchContext.Result] = []
        var nextPath: String?
        if CustomerSearch.normalized(query) != nil {
            let page = try await CustomerSearch(database: request.db).search(query, after: cursor)
            let ids = Array(Set(page.matches.map(\.customerID)))
            let customers = ids.isEmpty ? [] : try await Customer.query(on: request.db).filter(\.$id ~~ ids).all()
            let byID = Dictionary(customers.compactMap { customer in customer.id.map { ($0, customer) } }, uniquingKeysWith: { first, _ in first })
            // One row per match: a customer listed by name is not read again for the e-mail or a
            // domain (`CustomerSearch`), but may be listed for each of its domains, or for both its
            // customer number and an invoice number.
            for match in page.matches {
                guard let customer = byID[match.customerID] else { continue }
                results.append(.init(
                    path: SiteURL.staffCustomer(.value(match.customerID)).path,
                    number: customer.number.map(String.init) ?? "",
                    name: customer.name,
                    email: customer.email,
                    matchLabel: request.localized("staff.customers.field." + match.field.rawValue),
                    matchValue: match.field == .name ? customer.name : match.key,
                    isLoginDisabled: customer.isLoginDisabled
                ))
            }
            nextPath = page.next.map { SitePath.staffCustomerSearch(query: query, after: $0.token) }
        }
        let context = StaffCustomerSearchContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.customers.titleKey),
            staffNavigation: try request.staffNavigation(.customers),
            query: query,
            hasQuery: CustomerSearch.normalized(query) != nil,
            results: results,
            nextPath: nextPath,
            firstPath: cursor != nil ? SitePath.staffCustomerSearch(query: query) : nil
        )
        return try await request.renderPage("Staff/customers", context)
    }

    // MARK: New customer

    struct NewCustomerForm: Content {
        var email: String?
        var name: String?
        var language: String?
    }

    @Sendable
    func showNewCustomer(request: Request) async throws -> Response {
        try await renderNewCustomer(request, form: NewCustomerForm())
    }

    @Sendable
    func createCustomer(request: Request) async throws -> Response {
        let form = try request.content.decode(NewCustomerForm.self)
        let language = form.language.flatMap(Language.init(rawValue:)) ?? .default
        switch CustomerCreation.validate(email: form.email, name: form.name) {
        case .failure(let problems):
            return try await renderNewCustomer(request, form: form, problems: problems.all)
        case .success(let valid):
            let (email, name) = (valid.email, valid.name)
            let staffID = try request.staffMember.requireID()
            let now = request.portier.clock.now()
            let clientIP = request.clientIP
            let userAgent = request.headers.first(name: .userAgent)
            let mails = RecoveryMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
            do {
                let created = try await CustomerCreation(services: request.portier, database: request.db).create(
                    email: email, name: name, language: language, passwordHash: nil, mails: mails
                ) { customerID in
                    AuditEvent(kind: .customerCreated, occurredAt: now, customerID: customerID, staffID: staffID, email: email, ipAddress: clientIP, userAgent: userAgent)
                }
                return request.redirect(to: SiteURL.staffCustomer(.value(try created.customer.requireID())).path(notice: StaffCustomerNotice.created), redirectType: .normal)
            } catch CustomerCreation.Problem.emailTaken {
                return try await renderNewCustomer(request, form: form, problems: [.emailTaken])
            }
        }
    }

    private func renderNewCustomer(_ request: Request, form: NewCustomerForm, problems: Set<CustomerCreation.Problem> = []) async throws -> Response {
        let format = AreaFormatter(request: request)
        let selected = form.language.flatMap(Language.init(rawValue:)) ?? .default
        var context = StaffNewCustomerContext(
            layout: LayoutContext(request: request, titleKey: "staff.customers.new.title"),
            staffNavigation: try request.staffNavigation(.customers),
            email: form.email ?? "",
            name: form.name ?? "",
            languages: Language.allCases.map { OptionView(value: $0.rawValue, label: format.text("staff.customers.language." + $0.rawValue), isSelected: $0 == selected) }
        )
        if problems.contains(.invalidEmail) { context.emailError = format.text("staff.customers.error.invalid_email") }
        if problems.contains(.emailTaken) { context.emailError = format.text("staff.customers.error.email_taken") }
        if problems.contains(.missingName) { context.nameError = format.text("staff.customers.error.missing_name") }
        return try await request.renderPage("Staff/customer-new", context, status: problems.isEmpty ? .ok : .unprocessableEntity)
    }

    // MARK: The customer's page

    @Sendable
    func show(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        try await request.audit(.staffCustomerViewed, customerID: customer.id, email: customer.email)
        return try await render(request, customer: customer, notice: StaffCustomerNotice.from(request))
    }

    /// The customer named by `:id`; anything else is a 404.
    func requireCustomer(_ request: Request) async throws -> Customer {
        guard let id = request.parameters.uuid(.id),
              let customer = try await Customer.find(id, on: request.db) else {
            throw Abort(.notFound)
        }
        return customer
    }

    func render(
        _ request: Request, customer: Customer, notice: StaffCustomerNotice? = nil,
        details: ContactDetailsValidator.Input? = nil, detailErrors: ContactDetailsContext.DetailErrors = .init(),
        impersonationReason: String = "", impersonationError: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let format = AreaFormatter(request: request)
        let customerID = try customer.requireID()
        let database = request.db
        let services = try await Service.query(on: database).filter(\.$customer.$id == customerID).sort(\.$domain).all()
        let invoices = try await Invoice.query(on: database).filter(\.$customer.$id == customerID).sort(\.$number, .descending).all()
        let tickets = try await Ticket.query(on: database).filter(\.$customer.$id == customerID).sort(\.$lastActivityAt, .descending).all()
        let now = request.portier.clock.now()
        let sessions = try await AuthSession.query(on: database)
            .filter(\.$customer.$id == customerID)
            .filter(\.$subjectKind == .customer)
            .filter(\.$secondFactorDueAt == nil)
            .sort(\.$lastSeenAt, .descending)
            .all()
            .filter { !$0.isExpired(at: now) }
        let events = try await AuditEvent.query(on: database)
            .filter(\.$customerID == customerID)
            .sort(\.$occurredAt, .descending)
            .limit(Self.eventsShown)
            .all()
        let staffIDs = Set(events.compactMap(\.staffID) + sessions.compactMap(\.impersonatorStaffID))
        let staffNames = try await StaffMember.query(on: database).filter(\.$id ~~ Array(staffIDs)).all()
            .reduce(into: [UUID: String]()) { names, staff in if let id = staff.id { names[id] = staff.name } }
        let catalogs = request.application.catalogs
        let input = details ?? customer.contactDetailsInput
        let selectedCountry = input.countryCode.uppercased()
        let address = [customer.streetAddress, [customer.postalCode, customer.city].compactMap { $0 }.joined(separator: " "),
                       customer.countryCode.map { format.text(Countries.catalogKey($0)) }]
            .compactMap { $0 }.filter { !$0.isEmpty }

        let context = StaffCustomerPageContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.customers.titleKey).withTitle(customer.name),
            staffNavigation: try request.staffNavigation(.customers),
            notice: notice.map { format.text($0.catalogKey) },
            noticeIsWarning: notice?.isWarning ?? false,
            customer: .init(
                number: customer.number.map(String.init) ?? "",
                name: customer.name,
                email: customer.email,
                languageLabel: format.text("staff.customers.language." + customer.preferredLanguage.rawValue),
                identityNumber: customer.identityNumber,
                address: address,
                phone: customer.phone,
                isLoginDisabled: customer.isLoginDisabled,
                hasPassword: customer.passwordHash != nil,
                created: customer.createdAt.map { DateTimeView($0, format) }
            ),
            details: .init(
                name: input.name, identityNumber: input.identityNumber, streetAddress: input.streetAddress,
                postalCode: input.postalCode, city: input.city, phone: input.phone
            ),
            detailErrors: detailErrors,
            hasDetailErrors: [detailErrors.name, detailErrors.identityNumber, detailErrors.streetAddress, detailErrors.postalCode,
                              detailErrors.city, detailErrors.country, detailErrors.phone].contains { $0 != nil },
            countries: Countries.codes.map { OptionView(value: $0, label: format.text(Countries.catalogKey($0)), isSelected: $0 == selectedCountry) },
            services: try services.map { try ServiceView($0, format) },
            invoices: try invoices.map { try InvoiceView($0, format) },
            tickets: try tickets.map { try TicketView($0, format) },
            sessions: sessions.map { session in
                .init(
                    device: DeviceLabel(userAgent: session.userAgent).text(for: format.language, catalogs: catalogs),
                    address: session.ipAddress ?? format.text("device.unknown_address"),
                    started: DateTimeView(session.createdAt, format),
                    lastActivity: DateTimeView(session.lastSeenAt, format),
                    impersonatorName: session.impersonatorStaffID.map { staffNames[$0] ?? "?" }
                )
            },
            events: events.map { event in
                .init(
                    label: Self.eventLabel(event.kind, format: format),
                    kind: event.kind,
                    occurred: DateTimeView(event.occurredAt, format),
                    address: event.ipAddress ?? format.text("device.unknown_address"),
                    staffName: event.staffID.map { staffNames[$0] ?? "?" },
                    details: event.kind == AuditEvent.Kind.impersonationStarted.rawValue ? event.details : nil
                )
            },
            isTwoStepEnabled: try await request.twoStep.isEnabled(for: .customer(customerID), on: database),
            impersonationReason: impersonationReason,
            impersonationError: impersonationError,
            actions: .init(customerID)
        )
        return try await request.renderPage("Staff/customer", context, status: status)
    }

    /// An audit event's name for staff (`AuditEventLabels`).
    static func eventLabel(_ kind: String, format: AreaFormatter) -> String {
        AuditEventLabels.label(for: kind, language: format.language, catalogs: format.catalogs)
    }
}
