import Fluent
import Vapor

/// "Ny guide" (`/personal/guider/ny`) and deleting a guide (`/personal/guider/<id>/ta-bort`, a
/// confirmation page and its form) — `GuideLifecycle` does the work. Both reload the help center
/// as publishing does (page cache, search index) and are audit events.
extension StaffGuidesController {
    // MARK: New guide

    @Sendable
    func showNewGuide(request: Request) async throws -> Response {
        let language = request.language
        return try await renderNewGuide(request, form: .init(language: language.rawValue), problems: .init())
    }

    @Sendable
    func createGuide(request: Request) async throws -> Response {
        let form = try request.content.decode(GuideLifecycle.NewGuideForm.self)
        switch try await GuideLifecycle(request: request).create(form, by: try request.staffMember) {
        case .failure(let problems):
            return try await renderNewGuide(request, form: form, problems: problems, status: .unprocessableEntity)
        case .success(let guide):
            let guideID = try guide.requireID()
            try await reloadHelpCenter(request.application)
            try await request.audit(.guideCreated, details: "guide \(guideID.uuidString) \(guide.language)/\(guide.slug)")
            return request.redirect(to: SiteURL.staffGuide(.value(guideID)).path + "?notice=" + StaffGuideNotice.created.rawValue, redirectType: .normal)
        }
    }

    private func renderNewGuide(_ request: Request, form: GuideLifecycle.NewGuideForm, problems: GuideLifecycle.Problems, status: HTTPStatus = .ok) async throws -> Response {
        let format = AreaFormatter(request: request)
        let categories = try await HelpCategory.query(on: request.db).sort(\.$sortOrder).sort(\.$title).all()
        let chosenLanguage = form.language ?? request.language.rawValue
        let languages = Language.allCases.sorted { ($0.rawValue == format.language.rawValue ? 0 : 1) < ($1.rawValue == format.language.rawValue ? 0 : 1) }
        func message(_ field: GuideLifecycle.Field) -> String? {
            problems.byField[field].map { request.application.catalogs.string($0.key, language: request.language, arguments: $0.arguments) }
        }
        let context = StaffNewGuideContext(
            layout: LayoutContext(request: request, titleKey: "staff.guides.new.title"),
            staffNavigation: try request.staffNavigation(.guides),
            title: form.title ?? "",
            slug: form.slug ?? "",
            languages: languages.map { OptionView(value: $0.rawValue, label: format.text("staff.guides.language." + $0.rawValue), isSelected: $0.rawValue == chosenLanguage) },
            categoryGroups: languages.map { language in
                .init(
                    label: format.text("staff.guides.language." + language.rawValue),
                    options: categories.filter { $0.language == language.rawValue }.map {
                        OptionView(value: GuideLifecycle.categoryValue($0), label: $0.title, isSelected: GuideLifecycle.categoryValue($0) == form.category)
                    }
                )
            },
            errors: .init(title: message(.title), slug: message(.slug), language: message(.language), category: message(.category)),
            hasErrors: !problems.byField.isEmpty
        )
        return try await request.renderPage("Staff/guide-new", context, status: status)
    }

    // MARK: Delete

    @Sendable
    func confirmDelete(request: Request) async throws -> Response {
        try await renderDelete(request, guide: try await findGuide(request))
    }

    @Sendable
    func delete(request: Request) async throws -> Response {
        let guide = try await findGuide(request)
        let guideID = try guide.requireID()
        switch try await GuideLifecycle(request: request).delete(guide, by: try request.staffMember) {
        case .isPublished:
            return try await renderDelete(request, guide: guide, status: .conflict)
        case .deleted(let footprint):
            try await reloadHelpCenter(request.application)
            try await request.audit(.guideDeleted, details: "guide \(guideID.uuidString) \(guide.language)/\(guide.slug) \"\(guide.title)\", \(footprint.versions) versions, \(footprint.votes) votes, \(footprint.views) views")
            return request.redirect(to: SitePath.staffGuides.path + "?notice=" + StaffGuideNotice.deleted.rawValue, redirectType: .normal)
        }
    }

    private func renderDelete(_ request: Request, guide: Guide, status: HTTPStatus = .ok) async throws -> Response {
        let format = AreaFormatter(request: request)
        let guideID = try guide.requireID()
        let footprint = try await GuideLifecycle(request: request).footprint(of: guide)
        let context = StaffGuideDeleteContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.guides.titleKey).withTitle(format.text("staff.guides.delete.title", guide.title)),
            staffNavigation: try request.staffNavigation(.guides),
            heading: format.text("staff.guides.delete.title", guide.title),
            languageLabel: format.text("staff.guides.language." + guide.language),
            isPublished: guide.isPublished,
            isRefused: status == .conflict,
            consequences: format.text("staff.guides.delete.consequences", String(footprint.versions), String(footprint.votes), String(footprint.views)),
            editPath: SiteURL.staffGuide(.value(guideID)).path,
            deletePath: SiteURL.staffGuide(.value(guideID), .delete).path
        )
        return try await request.renderPage("Staff/guide-delete", context, status: status)
    }
}

/// `/personal/guider/ny`: title, address, language and category of a new guide.
struct StaffNewGuideContext: StaffPageContext {
    struct CategoryGroup: Encodable {
        let label: String
        let options: [OptionView]
    }

    struct Errors: Encodable {
        let title: String?
        let slug: String?
        let language: String?
        let category: String?
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let title: String
    let slug: String
    let languages: [OptionView]
    let categoryGroups: [CategoryGroup]
    let errors: Errors
    let hasErrors: Bool
    let maximumTitleLength = GuideEditor.maximumTitleLength
    let maximumSlugLength = GuideEditor.maximumSlugLength
}

/// `/personal/guider/<id>/ta-bort`: what deleting takes with it, and the form; for a published
/// guide, why it must be unpublished first.
struct StaffGuideDeleteContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let heading: String
    let languageLabel: String
    let isPublished: Bool
    /// A deletion of a published guide was just refused.
    let isRefused: Bool
    let consequences: String
    let editPath: String
    let deletePath: String
}
