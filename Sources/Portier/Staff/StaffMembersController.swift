import Fluent
import Vapor

/// Medarbetare (`/personal/medarbetare`, admins only): every staff member with role, status and
/// two-step state; a form to add one (a set-password link is mailed through the outbox); and per
/// member: disable / enable, reset the second factor (they set it up again at their next
/// login), send a new set-password link. Each change is audited with the acting admin.
struct StaffMembersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let back: @Sendable (Request) -> String = { _ in SitePath.staffMembers.path }
        routes.get(SitePath.staffMembers.pathComponents, use: show)
        routes.post(SitePath.staffMembers.pathComponents, use: create).returning(to: "staff-members", back)
        for action in StaffMemberAction.allCases {
            routes.post(SiteURL.staffMember(.key, action).pathComponents) { request in
                try await perform(action, request: request)
            }.returning(to: "staff-members", back)
        }
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let notice = request.query[String.self, at: "notice"].flatMap(StaffMembersNotice.init(rawValue:))
        return try await render(request, notice: notice.map { request.localized($0.catalogKey) })
    }

    @Sendable
    func create(request: Request) async throws -> Response {
        let form = try request.content.decode(NewStaffMemberForm.self)
        var errors = StaffMembersPageContext.FormErrors()
        let role = form.role.flatMap(StaffRole.init(rawValue:))
        if role == nil { errors.role = request.localized("staff.members.error.role") }
        let language = form.language.flatMap(Language.init(rawValue:))
        if language == nil { errors.language = request.localized("staff.members.error.language") }
        let accounts = StaffAccounts(request: request)
        var valid: (email: String, name: String)?
        switch try await accounts.validate(email: form.email, name: form.name) {
        case .success(let checked): valid = checked
        case .failure(.invalidEmail): errors.email = request.localized("staff.members.error.email")
        case .failure(.missingName): errors.name = request.localized("staff.members.error.name")
        case .failure(.emailTaken): errors.email = request.localized("staff.members.error.email_taken")
        }
        guard let valid, let role, let language, !errors.hasErrors else {
            return try await render(request, form: form, errors: errors, status: .unprocessableEntity)
        }
        do {
            _ = try await accounts.create(
                email: valid.email, name: valid.name, role: role, language: language, passwordHash: nil,
                actor: .request(request), mailLink: true
            )
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same address added from another tab a moment ago.
            errors.email = request.localized("staff.members.error.email_taken")
            return try await render(request, form: form, errors: errors, status: .unprocessableEntity)
        }
        return request.redirect(to: StaffMembersNotice.created.path, redirectType: .normal)
    }

    private func perform(_ action: StaffMemberAction, request: Request) async throws -> Response {
        guard let id = request.parameters.uuid(.id),
              let member = try await StaffMember.find(id, on: request.db) else { throw Abort(.notFound) }
        let accounts = StaffAccounts(request: request)
        let actor = StaffAuditActor.request(request)
        do {
            switch action {
            case .disable:
                try await accounts.setDisabled(true, member: member, actor: actor)
                return request.redirect(to: StaffMembersNotice.disabled.path, redirectType: .normal)
            case .enable:
                try await accounts.setDisabled(false, member: member, actor: actor)
                return request.redirect(to: StaffMembersNotice.enabled.path, redirectType: .normal)
            case .resetSecondFactor:
                try await accounts.resetSecondFactor(of: member, actor: actor, twoStep: request.twoStep)
                return request.redirect(to: StaffMembersNotice.secondFactorReset.path, redirectType: .normal)
            case .sendPasswordLink:
                guard !member.isDisabled else {
                    return try await render(request, error: request.localized("staff.members.error.disabled_link"), status: .unprocessableEntity)
                }
                try await request.db.transactionTakingSQLiteWriteLock { database in
                    _ = try await accounts.issueLink(for: member, actor: actor, mail: true, on: database)
                }
                return request.redirect(to: StaffMembersNotice.linkSent.path, redirectType: .normal)
            }
        } catch StaffAccounts.ChangeProblem.ownAccount {
            return try await render(request, error: request.localized("staff.members.error.own_account"), status: .unprocessableEntity)
        }
    }

    private func render(
        _ request: Request, notice: String? = nil, error: String? = nil,
        form: NewStaffMemberForm = .init(), errors: StaffMembersPageContext.FormErrors = .init(), status: HTTPStatus = .ok
    ) async throws -> Response {
        let me = try request.staffMember
        let format = AreaFormatter(request: request)
        let members = try await StaffMember.query(on: request.db).sort(\.$name).sort(\.$email).all()
        let enrolled = Set(try await TOTPCredential.query(on: request.db)
            .filter(\.$subjectKind == .staff)
            .filter(\.$confirmedAt != nil)
            .all().map(\.subjectID))
        let views = try members.map { member in
            let id = try member.requireID()
            return StaffMembersPageContext.MemberView(
                id: id.uuidString.lowercased(),
                name: member.name,
                email: member.email,
                roleKey: "staff.role." + member.role.rawValue,
                isDisabled: member.isDisabled,
                hasPassword: member.passwordHash != nil,
                hasTwoStep: enrolled.contains(id),
                created: member.createdAt.map { DateTimeView($0, format) },
                isSelf: id == me.id,
                disablePath: SiteURL.staffMember(.value(id), .disable).path,
                enablePath: SiteURL.staffMember(.value(id), .enable).path,
                resetSecondFactorPath: SiteURL.staffMember(.value(id), .resetSecondFactor).path,
                sendPasswordLinkPath: SiteURL.staffMember(.value(id), .sendPasswordLink).path
            )
        }
        let context = StaffMembersPageContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.staffMembers.titleKey),
            staffNavigation: try request.staffNavigation(.staffMembers),
            notice: notice, error: error, members: views,
            form: form, errors: errors,
            roles: StaffRole.allCases.map { .init(value: $0.rawValue, labelKey: "staff.role." + $0.rawValue, isSelected: $0.rawValue == (form.role ?? StaffRole.support.rawValue)) },
            languages: Language.allCases.map { .init(value: $0.rawValue, labelKey: "staff.members.language." + $0.rawValue, isSelected: $0.rawValue == (form.language ?? Language.default.rawValue)) }
        )
        return try await request.renderPage("Staff/members", context, status: status)
    }
}

/// Notices Medarbetare shows after a change (`?notice=`).
enum StaffMembersNotice: String {
    case created
    case disabled
    case enabled
    case secondFactorReset = "second-factor-reset"
    case linkSent = "link-sent"

    var catalogKey: String { "staff.members.notice." + rawValue.replacingOccurrences(of: "-", with: "_") }
    var path: String { SitePath.staffMembers.path(notice: self) }
}

struct NewStaffMemberForm: Content {
    var email: String?
    var name: String?
    var role: String?
    var language: String?
}

struct StaffMembersPageContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let notice: String?
    let error: String?
    let members: [MemberView]
    let form: NewStaffMemberForm
    let errors: FormErrors
    let roles: [Option]
    let languages: [Option]

    struct MemberView: Encodable {
        let id: String
        let name: String
        let email: String
        let roleKey: String
        let isDisabled: Bool
        let hasPassword: Bool
        let hasTwoStep: Bool
        let created: DateTimeView?
        let isSelf: Bool
        let disablePath: String
        let enablePath: String
        let resetSecondFactorPath: String
        let sendPasswordLinkPath: String
    }

    struct FormErrors: Encodable {
        var email: String?
        var name: String?
        var role: String?
        var language: String?
        var hasErrors: Bool { email != nil || name != nil || role != nil || language != nil }

        enum CodingKeys: String, CodingKey { case email, name, role, language, hasErrors }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(email, forKey: .email)
            try container.encodeIfPresent(name, forKey: .name)
            try container.encodeIfPresent(role, forKey: .role)
            try container.encodeIfPresent(language, forKey: .language)
            try container.encode(hasErrors, forKey: .hasErrors)
        }
    }

    struct Option: Encodable {
        let value: String
        let labelKey: String
        let isSelected: Bool
    }
}
