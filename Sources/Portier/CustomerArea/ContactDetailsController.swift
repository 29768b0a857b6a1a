import Fluent
import Vapor

struct ContactDetailsContext: PageContext {
    let layout: LayoutContext
    let section = "contact"
    let notice: String?
    let details: Details
    let detailErrors: DetailErrors
    let hasDetailErrors: Bool
    let countries: [OptionView]
    let email: EmailSection
    let password: PasswordSection
    let minimumPasswordLength = PasswordPolicy.minimumLength

    struct Details: Encodable {
        let name: String
        let identityNumber: String
        let streetAddress: String
        let postalCode: String
        let city: String
        let phone: String
    }

    struct DetailErrors: Encodable {
        var name: String?
        var identityNumber: String?
        var streetAddress: String?
        var postalCode: String?
        var city: String?
        var country: String?
        var phone: String?
    }

    struct EmailSection: Encodable {
        let current: String
        /// The address waiting for confirmation, if a link is out.
        let pending: String?
        let pendingExpires: DateTimeView?
        let newEmail: String
        var newEmailError: String?
        var currentPasswordError: String?
        var hasErrors: Bool { newEmailError != nil || currentPasswordError != nil }

        enum CodingKeys: String, CodingKey { case current, pending, pendingExpires, newEmail, newEmailError, currentPasswordError, hasErrors }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(current, forKey: .current)
            try container.encodeIfPresent(pending, forKey: .pending)
            try container.encodeIfPresent(pendingExpires, forKey: .pendingExpires)
            try container.encode(newEmail, forKey: .newEmail)
            try container.encodeIfPresent(newEmailError, forKey: .newEmailError)
            try container.encodeIfPresent(currentPasswordError, forKey: .currentPasswordError)
            try container.encode(hasErrors, forKey: .hasErrors)
        }
    }

    struct PasswordSection: Encodable {
        var currentPasswordError: String?
        var newPasswordErrors: [String] = []
        var hasErrors: Bool { currentPasswordError != nil || !newPasswordErrors.isEmpty }

        enum CodingKeys: String, CodingKey { case currentPasswordError, newPasswordErrors, hasErrors }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(currentPasswordError, forKey: .currentPasswordError)
            try container.encode(newPasswordErrors, forKey: .newPasswordErrors)
            try container.encode(hasErrors, forKey: .hasErrors)
        }
    }
}

struct ConfirmEmailContext: PageContext {
    let layout: LayoutContext
    /// `confirm` (the button), `changed`, `invalid` or `taken`.
    let state: String
    /// Where the confirm button posts: this link's own page.
    let formPath: String
    let newEmail: String
    let isLoggedIn: Bool
}

/// Kontaktuppgifter: contact details, the registered e-mail address and the password, each its
/// own form; and `/bekrafta-e-post/:token`, the page behind the link sent to a new address
/// (a GET shows a button; only the POST changes anything).
struct ContactDetailsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.contactDetails.pathComponents, use: show)
        routes.post(SitePath.contactDetails.pathComponents, use: saveDetails)
            .returning(to: "contact-details") { _ in SitePath.contactDetails.path }
        routes.post(SitePath.changeEmail.pathComponents, use: requestEmailChange)
            .returning(to: "contact-details") { _ in SitePath.contactDetails.path }
            .refusedWhileImpersonating()
        routes.post(SitePath.changePassword.pathComponents, use: changePassword)
            .returning(to: "contact-details") { _ in SitePath.contactDetails.path }
            .refusedWhileImpersonating()
    }

    // MARK: Page

    @Sendable
    func show(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        return try await render(request, authenticated, details: authenticated.customer.contactDetailsInput, notice: AreaNotice.from(request))
    }

    // MARK: Contact details

    struct DetailsForm: Content {
        var name: String?
        var identity_number: String?
        var street_address: String?
        var postal_code: String?
        var city: String?
        var country: String?
        var phone: String?
    }

    @Sendable
    func saveDetails(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let form = try request.content.decode(DetailsForm.self)
        let input = ContactDetailsValidator.Input(
            name: form.name ?? "", identityNumber: form.identity_number ?? "", streetAddress: form.street_address ?? "",
            postalCode: form.postal_code ?? "", city: form.city ?? "", countryCode: form.country ?? "", phone: form.phone ?? ""
        )
        switch ContactDetailsValidator.validate(input) {
        case .failure(let problems):
            let message = { (field: ContactDetailsValidator.Field) in problems.byField[field]?.message(for: request) }
            let errors = ContactDetailsContext.DetailErrors(
                name: message(.name), identityNumber: message(.identityNumber), streetAddress: message(.streetAddress),
                postalCode: message(.postalCode), city: message(.city), country: message(.countryCode), phone: message(.phone)
            )
            return try await render(request, authenticated, details: input, detailErrors: errors, status: .unprocessableEntity)
        case .success(let details):
            try await AccountSettings(request: request).updateContactDetails(details, of: authenticated.customer)
            return request.redirect(to: SitePath.contactDetails.path(notice: AreaNotice.detailsSaved), redirectType: .normal)
        }
    }

    // MARK: E-mail address

    struct EmailForm: Content {
        var new_email: String?
        var current_password: String?
    }

    @Sendable
    func requestEmailChange(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let form = try request.content.decode(EmailForm.self)
        let newEmail = (form.new_email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            try await AccountSettings(request: request).requestEmailChange(for: authenticated, newEmail: newEmail, currentPassword: form.current_password ?? "")
        } catch let problems as FormProblems<AccountSettings.EmailField> {
            let status: HTTPStatus = problems.byField.values.contains { if case .currentPasswordThrottled = $0 { true } else { false } } ? .tooManyRequests : .unprocessableEntity
            return try await render(
                request, authenticated, details: authenticated.customer.contactDetailsInput,
                newEmail: newEmail,
                newEmailError: problems.byField[.newEmail]?.message(for: request),
                emailPasswordError: problems.byField[.currentPassword]?.message(for: request),
                status: status
            )
        }
        return request.redirect(to: SitePath.contactDetails.path(notice: AreaNotice.emailLinkSent), redirectType: .normal)
    }

    // MARK: Password

    struct PasswordForm: Content {
        var current_password: String?
        var new_password: String?
        var new_password_confirmation: String?
    }

    @Sendable
    func changePassword(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let form = try request.content.decode(PasswordForm.self)
        do {
            try await AccountSettings(request: request).changePassword(
                for: authenticated, currentPassword: form.current_password ?? "",
                newPassword: form.new_password ?? "", confirmation: form.new_password_confirmation ?? ""
            )
        } catch let problems as FormProblems<AccountSettings.PasswordField> {
            var password = ContactDetailsContext.PasswordSection()
            password.currentPasswordError = problems.byField[.currentPassword]?.message(for: request)
            if case .passwordRejected(let rules) = problems.byField[.newPassword] {
                password.newPasswordErrors = rules.map { request.localized($0.rawValue) }
            }
            let status: HTTPStatus = problems.byField[.currentPassword].map { if case .currentPasswordThrottled = $0 { true } else { false } } == true ? .tooManyRequests : .unprocessableEntity
            return try await render(request, authenticated, details: authenticated.customer.contactDetailsInput, password: password, status: status)
        }
        return request.redirect(to: SitePath.contactDetails.path(notice: AreaNotice.passwordChanged), redirectType: .normal)
    }

    // MARK: Rendering

    private func render(
        _ request: Request, _ authenticated: AuthenticatedCustomer, details: ContactDetailsValidator.Input,
        detailErrors: ContactDetailsContext.DetailErrors = .init(), notice: AreaNotice? = nil,
        newEmail: String = "", newEmailError: String? = nil, emailPasswordError: String? = nil,
        password: ContactDetailsContext.PasswordSection = .init(), status: HTTPStatus = .ok
    ) async throws -> Response {
        let format = AreaFormatter(request: request)
        let customer = authenticated.customer
        let pending = try await EmailChangeToken.pending(for: try customer.requireID(), at: request.portier.clock.now(), on: request.db)
        let selectedCountry = details.countryCode.uppercased()
        let errors = detailErrors
        let context = ContactDetailsContext(
            layout: LayoutContext(request: request, titleKey: "area.contact.title"),
            notice: notice.map { format.text($0.catalogKey) },
            details: .init(
                name: details.name, identityNumber: details.identityNumber, streetAddress: details.streetAddress,
                postalCode: details.postalCode, city: details.city, phone: details.phone
            ),
            detailErrors: errors,
            hasDetailErrors: [errors.name, errors.identityNumber, errors.streetAddress, errors.postalCode, errors.city, errors.country, errors.phone].contains { $0 != nil },
            countries: Countries.codes.map { OptionView(value: $0, label: format.text(Countries.catalogKey($0)), isSelected: $0 == selectedCountry) },
            email: .init(
                current: customer.email,
                pending: pending?.newEmail,
                pendingExpires: pending.map { DateTimeView($0.expiresAt, format) },
                newEmail: newEmail,
                newEmailError: newEmailError,
                currentPasswordError: emailPasswordError
            ),
            password: password
        )
        return try await request.renderPage("CustomerArea/contact-details", context, status: status)
    }
}
