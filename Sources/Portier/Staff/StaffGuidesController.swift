import Fluent
import Vapor

/// `/personal/guider` (editor, admin): the guides, and the editor of one guide — preview with the
/// public page's renderer, save as draft, publish, unpublish, restore a version, upload an image;
/// a new guide and deleting one (`+Lifecycle`). Publishing, unpublishing, creating and deleting
/// reload the help center at once (`reloadHelpCenter`); every action is an audit event.
struct StaffGuidesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffGuides.pathComponents, use: list)
        routes.get(SitePath.staffNewGuide.pathComponents, use: showNewGuide)
        routes.post(SitePath.staffNewGuide.pathComponents, use: createGuide)
            .returning(to: "staff-new-guide") { _ in SitePath.staffNewGuide.path }
        routes.get(SiteURL.staffGuide(.key, .delete).pathComponents, use: confirmDelete)
        routes.post(SiteURL.staffGuide(.key, .delete).pathComponents, use: delete).returning(to: "guide", Self.guidePage(of:))
        routes.get(SiteURL.staffGuide(.key).pathComponents, use: edit)
        routes.post(SiteURL.staffGuide(.key).pathComponents, use: save).returning(to: "guide", Self.guidePage(of:))
        routes.post(SiteURL.staffGuide(.key, .unpublish).pathComponents, use: unpublish).returning(to: "guide", Self.guidePage(of:))
        routes.post(SiteURL.staffGuideRestore(.key, version: .key).pathComponents, use: restore).returning(to: "guide", Self.guidePage(of:))
        routes.on(.POST, SiteURL.staffGuide(.key, .images).pathComponents, body: .collect(maxSize: ByteCount(value: GuideImageUpload.maximumBodyBytes)), use: upload)
            .acceptsBodies(upTo: GuideImageUpload.maximumBodyBytes)
            .returning(to: "guide", Self.guidePage(of:))
    }

    @Sendable
    static func guidePage(of request: Request) -> String {
        request.parameters.uuid(.id).map { SiteURL.staffGuide(.value($0)).path } ?? SitePath.staffGuides.path
    }

    // MARK: List

    @Sendable
    func list(request: Request) async throws -> Response {
        let format = AreaFormatter(request: request)
        let guides = try await Guide.query(on: request.db).with(\.$category)
            .sort(\.$language, .descending).sort(\.$sortOrder).sort(\.$title).all()
        let drafts = try await Self.guidesWithNewerDraft(on: request.db)
        let rows = try guides
            .sorted { ($0.language == format.language.rawValue ? 0 : 1, $0.category.sortOrder, $0.category.title, $0.sortOrder, $0.title) < ($1.language == format.language.rawValue ? 0 : 1, $1.category.sortOrder, $1.category.title, $1.sortOrder, $1.title) }
            .map { guide in
                StaffGuideListContext.Row(
                    title: guide.title,
                    categoryTitle: guide.category.title,
                    languageLabel: format.text("staff.guides.language." + guide.language),
                    editPath: SiteURL.staffGuide(.value(try guide.requireID())).path,
                    publicURL: guide.isPublished ? SiteURL.guide(category: .value(guide.category.slug), guide: .value(guide.slug)).path : nil,
                    status: Self.status(guide, format),
                    hasDraft: drafts.contains(try guide.requireID()),
                    editedAt: guide.editedAt.map { DateTimeView($0, format) }
                )
            }
        let context = StaffGuideListContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.guides.titleKey),
            staffNavigation: try request.staffNavigation(.guides),
            rows: rows,
            notice: StaffGuideNotice.from(request).map { format.text($0.catalogKey) }
        )
        return try await request.renderPage("Staff/guides", context)
    }

    /// Guides whose newest version is a draft.
    static func guidesWithNewerDraft(on database: any Database) async throws -> Set<UUID> {
        var newest: [UUID: (Int, GuideVersion.State)] = [:]
        for version in try await GuideVersion.query(on: database).field(\.$guide.$id).field(\.$number).field(\.$state).all() {
            let id = version.$guide.id
            if (newest[id]?.0 ?? 0) < version.number { newest[id] = (version.number, version.state) }
        }
        return Set(newest.filter { $0.value.1 == .draft }.keys)
    }

    static func status(_ guide: Guide, _ format: AreaFormatter) -> StatusView {
        guide.isPublished
            ? StatusView(value: "published", label: format.text("staff.guides.status.published"), badge: "badge-success")
            : StatusView(value: "unpublished", label: format.text("staff.guides.status.unpublished"), badge: "badge-neutral")
    }

    // MARK: Editor

    @Sendable
    func edit(request: Request) async throws -> Response {
        let guide = try await findGuide(request)
        let current = try await GuideEditor(request: request).currentContent(of: guide)
        return try await render(request, guide: guide, values: Self.values(current.content), category: current.content.categorySlug, state: .init(notice: StaffGuideNotice.from(request)))
    }

    struct SaveForm: Content {
        var action: String?
    }

    @Sendable
    func save(request: Request) async throws -> Response {
        let guide = try await findGuide(request)
        let staff = try request.staffMember
        let form = try request.content.decode(GuideEditor.Form.self)
        let action = try request.content.decode(SaveForm.self).action ?? "preview"
        let editor = GuideEditor(request: request)
        let typed = Self.values(form)
        switch try await editor.validate(form, for: guide) {
        case .failure(let problems):
            return try await render(request, guide: guide, values: typed, category: form.category ?? "", state: .init(errors: Self.errors(problems, request)), status: .unprocessableEntity)
        case .success(let content):
            let guideID = try guide.requireID()
            switch action {
            case "draft":
                let version = try await editor.saveDraft(content, of: guide, by: staff)
                try await request.audit(.guideDraftSaved, details: "guide \(guideID.uuidString) version \(version.number)")
                return redirect(request, guideID, .draftSaved)
            case "publish":
                let version = try await editor.publish(content, of: guide, by: staff)
                try await reloadHelpCenter(request.application)
                try await request.audit(.guidePublished, details: "guide \(guideID.uuidString) version \(version.number) \(guide.language)/\(content.slug)")
                return redirect(request, guideID, .published)
            default:
                let preview = GuideEditor.previewHTML(content, language: guide.language)
                return try await render(request, guide: guide, values: typed, category: content.categorySlug, state: .init(previewHTML: preview))
            }
        }
    }

    @Sendable
    func unpublish(request: Request) async throws -> Response {
        let guide = try await findGuide(request)
        try await GuideEditor(request: request).unpublish(guide, by: try request.staffMember)
        try await reloadHelpCenter(request.application)
        try await request.audit(.guideUnpublished, details: "guide \(try guide.requireID().uuidString) \(guide.language)/\(guide.slug)")
        return redirect(request, try guide.requireID(), .unpublished)
    }

    @Sendable
    func restore(request: Request) async throws -> Response {
        let guide = try await findGuide(request)
        guard let number = request.parameters.int(.number) else { throw Abort(.notFound) }
        let version = try await GuideEditor(request: request).restore(version: number, of: guide, by: try request.staffMember)
        try await request.audit(.guideVersionRestored, details: "guide \(try guide.requireID().uuidString) version \(number) as \(version.number)")
        return redirect(request, try guide.requireID(), .restored)
    }

    struct UploadForm: Content {
        var image: File?
    }

    @Sendable
    func upload(request: Request) async throws -> Response {
        let guide = try await findGuide(request)
        let current = try await GuideEditor(request: request).currentContent(of: guide)
        let file = try? request.content.decode(UploadForm.self).image
        let uploader = GuideImageUpload(libraryRoot: GuideImporter.defaultRoot(request.application))
        do {
            guard let file else { throw GuideImageUpload.Failure.missing }
            let path = try uploader.store(Array(buffer: file.data), originalName: file.filename, language: guide.language, categorySlug: current.content.categorySlug)
            try await request.audit(.guideImageUploaded, details: "guide \(try guide.requireID().uuidString) \(guide.language)/\(current.content.categorySlug)/\(path)")
            let markdown = "![" + request.localized("staff.guides.image_alt_placeholder") + "](" + path + ")"
            return try await render(request, guide: guide, values: Self.values(current.content), category: current.content.categorySlug, state: .init(notice: .imageUploaded, imageMarkdown: markdown))
        } catch let failure as GuideImageUpload.Failure {
            return try await render(request, guide: guide, values: Self.values(current.content), category: current.content.categorySlug, state: .init(imageError: request.localized(failure.catalogKey, String(GuideImageUpload.maximumBytes / 1000))), status: .unprocessableEntity)
        }
    }

    // MARK: Helpers

    func findGuide(_ request: Request) async throws -> Guide {
        guard let id = request.parameters.uuid(.id),
              let guide = try await Guide.query(on: request.db).filter(\.$id == id).with(\.$category).first() else {
            throw Abort(.notFound)
        }
        return guide
    }

    private func redirect(_ request: Request, _ id: UUID, _ notice: StaffGuideNotice) -> Response {
        request.redirect(to: SiteURL.staffGuide(.value(id)).path(notice: notice), redirectType: .normal)
    }

    struct EditorState {
        var notice: StaffGuideNotice?
        var errors = StaffGuideEditorContext.Errors()
        var previewHTML: String?
        var imageError: String?
        var imageMarkdown: String?
    }

    static func values(_ content: GuideContent) -> StaffGuideEditorContext.Values {
        .init(
            title: content.title, slug: content.slug, order: String(content.order),
            keywords: content.keywords.joined(separator: ", "), related: content.related.joined(separator: ", "),
            translation: content.translation ?? "", markdown: content.markdown
        )
    }

    static func values(_ form: GuideEditor.Form) -> StaffGuideEditorContext.Values {
        .init(
            title: form.title ?? "", slug: form.slug ?? "", order: form.order ?? "", keywords: form.keywords ?? "",
            related: form.related ?? "", translation: form.translation ?? "", markdown: form.markdown ?? ""
        )
    }

    static func errors(_ problems: GuideEditor.Problems, _ request: Request) -> StaffGuideEditorContext.Errors {
        func message(_ field: GuideEditor.Field) -> String? {
            problems.byField[field].map { problem in
                request.application.catalogs.string(problem.key, language: request.language, arguments: problem.arguments)
            }
        }
        return .init(
            title: message(.title), slug: message(.slug), category: message(.category), order: message(.order),
            keywords: message(.keywords), related: message(.related), translation: message(.translation), markdown: message(.markdown)
        )
    }

    private func render(_ request: Request, guide: Guide, values: StaffGuideEditorContext.Values, category: String, state: EditorState, status: HTTPStatus = .ok) async throws -> Response {
        let format = AreaFormatter(request: request)
        let guideID = try guide.requireID()
        let categories = try await HelpCategory.query(on: request.db).filter(\.$language == guide.language).sort(\.$sortOrder).sort(\.$title).all()
        let versions = try await GuideVersion.history(of: guideID, on: request.db)
        let errors = state.errors
        let hasErrors = [errors.title, errors.slug, errors.category, errors.order, errors.keywords, errors.related, errors.translation, errors.markdown].contains { $0 != nil }
        let context = StaffGuideEditorContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.guides.titleKey).withTitle(format.text("staff.guides.edit_title", guide.title)),
            staffNavigation: try request.staffNavigation(.guides),
            heading: guide.title,
            languageLabel: format.text("staff.guides.language." + guide.language),
            guideLanguage: guide.language,
            isPublished: guide.isPublished,
            hasUnpublishedDraft: versions.first?.state == .draft,
            publicURL: guide.isPublished ? SiteURL.guide(category: .value(guide.category.slug), guide: .value(guide.slug)).path : nil,
            values: values,
            categories: categories.map { OptionView(value: $0.slug, label: $0.title, isSelected: $0.slug == category) },
            errors: errors,
            hasErrors: hasErrors,
            previewHTML: state.previewHTML,
            versions: versions.map { version in
                .init(
                    number: version.number, stateLabel: format.text(version.state.catalogKey), isPublished: version.state == .published,
                    author: version.authorName, saved: DateTimeView(version.createdAt, format), restoredFrom: version.restoredFrom,
                    restorePath: SiteURL.staffGuideRestore(.value(guideID), version: .value(version.number)).path
                )
            },
            paths: .init(save: SiteURL.staffGuide(.value(guideID)).path, unpublish: SiteURL.staffGuide(.value(guideID), .unpublish).path, upload: SiteURL.staffGuide(.value(guideID), .images).path,
                         delete: SiteURL.staffGuide(.value(guideID), .delete).path),
            notice: state.notice.map { format.text($0.catalogKey) },
            imageError: state.imageError,
            imageMarkdown: state.imageMarkdown
        )
        return try await request.renderPage("Staff/guide", context, status: status)
    }
}
