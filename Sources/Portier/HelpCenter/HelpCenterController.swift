import Fluent
import Vapor

/// The help center: start page, categories, guides with feedback and related guides, search,
/// and the guides' images.
struct HelpCenterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // Pages with nothing of the visitor's own: kept by `PageCache` for visitors without a
        // session (no CSRF token on them; their public forms are checked by origin instead).
        routes.get(SitePath.help.pathComponents, use: showStart).sharedWithVisitorsWithoutSession()
        routes.get(SitePath.helpSearch.pathComponents, use: search).sharedWithVisitorsWithoutSession()
        routes.get(SitePath.helpSuggestions.pathComponents, use: suggestions).issuesNoCSRFToken()
        routes.get(SiteURL.guideImage(language: .key, category: .key, file: .key).pathComponents, use: media).issuesNoCSRFToken()
        routes.get(SiteURL.helpCategory(.key).pathComponents, use: showCategory).sharedWithVisitorsWithoutSession()
        // A guide page is in the guide's language throughout (its address names the language).
        routes.get(SiteURL.guide(category: .key, guide: .key).pathComponents, use: showGuide)
            .sharedWithVisitorsWithoutSession(languageFromAddress: true)
        routes.post(SiteURL.guideFeedback(category: .key, guide: .key).pathComponents, use: feedback)
            .acceptsSameOriginWithoutToken()
    }

    @Sendable
    func showStart(request: Request) async throws -> Response {
        let language = request.language
        var categories = try await HelpCategory.all(language: language, on: request.db)
        if language != .swedish {
            categories += try await HelpCategory.all(language: .swedish, on: request.db)
        }
        var links: [CategoryLink] = []
        for category in categories {
            let count = try await Guide.published(on: request.db).filter(\.$category.$id == category.requireID()).count()
            links.append(CategoryLink(title: category.title, description: category.description, url: SiteURL.helpCategory(.value(category.slug)).path, guideCount: count))
        }
        let popular = try await Guide.published(on: request.db)
            .filter(\.$language == language.rawValue)
            .sort(\.$viewCount, .descending).sort(\.$title)
            .with(\.$category)
            .limit(5).all()
        let context = HelpStartContext(layout: LayoutContext(request: request, titleKey: "help.title"), categories: links, popular: popular.map(Self.link))
        return try await request.renderPage("HelpCenter/start", context)
    }

    @Sendable
    func showCategory(request: Request) async throws -> Response {
        guard let category = try await HelpCategory.find(slug: try request.parameters.require(.category), on: request.db) else {
            throw Abort(.notFound)
        }
        let guides = try await Guide.published(on: request.db)
            .filter(\.$category.$id == category.requireID())
            .sort(\.$sortOrder).sort(\.$title)
            .with(\.$category)
            .all()
        var layout = LayoutContext(request: request, titleKey: "help.title")
        layout.title = category.title
        let context = HelpCategoryContext(
            layout: layout,
            breadcrumbs: [Breadcrumb(title: request.localized("help.breadcrumb.home"), url: SitePath.help.path), Breadcrumb(title: category.title, url: nil)],
            category: CategoryLink(title: category.title, description: category.description, url: SiteURL.helpCategory(.value(category.slug)).path, guideCount: guides.count),
            guides: guides.map(Self.link)
        )
        return try await request.renderPage("HelpCenter/category", context)
    }

    /// A guide page, in the guide's own language. Its view is counted here and, for each answer
    /// `PageCache` gives from memory, by the kept page's `pageCacheOnServe`.
    @Sendable
    func showGuide(request: Request) async throws -> Response {
        let feedback = request.url.query == nil ? nil
            : request.query[String.self, at: "feedback"].flatMap { ["ja", "nej"].contains($0) ? $0 : nil }
        guard let guide = try await Guide.find(
            category: try request.parameters.require(.category), slug: try request.parameters.require(.guide), on: request.db
        ) else {
            throw Abort(.notFound)
        }
        let guideID = try guide.requireID()
        request.language = Language(rawValue: guide.language) ?? .default
        request.application.guideViewCounter.record(guideID)
        let response = try await request.renderPage("HelpCenter/guide", try await makeContext(for: guide, request: request, feedback: feedback))
        response.pageCacheOnServe = { application in application.guideViewCounter.record(guideID) }
        return response
    }

    @Sendable
    func feedback(request: Request) async throws -> Response {
        guard let guide = try await Guide.find(category: try request.parameters.require(.category), slug: try request.parameters.require(.guide), on: request.db) else {
            throw Abort(.notFound)
        }
        let form = try request.content.decode(GuideFeedbackForm.self)
        guard ["ja", "nej"].contains(form.helpful) else { throw Abort(.badRequest) }
        let comment = form.comment.map { PlainText.withoutControlCharacters($0, keepingLineBreaks: true) }?
            .trimmingCharacters(in: .whitespacesAndNewlines).prefix(1000).description
        let voter = request.cookie(GuideFeedback.voterCookie) ?? request.portier.random.makeToken()
        if comment?.isEmpty == false, let minutes = try await GuideFeedback.reserveComment(for: request) {
            let context = ErrorPageContext(
                layout: LayoutContext(request: request, titleKey: "error.title"),
                status: Int(HTTPStatus.tooManyRequests.code),
                message: request.localized("help.feedback.throttled", String(minutes))
            )
            return try await request.renderPage("Site/error", context, status: .tooManyRequests)
        }
        try await GuideFeedback(database: request.db).vote(
            guideID: try guide.requireID(), voter: voter, isHelpful: form.helpful == "ja",
            comment: comment?.isEmpty == false ? comment : nil, at: request.portier.clock.now()
        )
        let response = request.redirect(to: SiteURL.guide(category: .value(guide.category.slug), guide: .value(guide.slug)).path + "?feedback=\(form.helpful)#feedback", redirectType: .normal)
        response.cookies[GuideFeedback.voterCookie] = HTTPCookies.Value(
            string: voter, maxAge: 365 * 24 * 3600, path: SitePath.help.path,
            isSecure: request.portier.configuration.usesSecureCookies, isHTTPOnly: true, sameSite: .lax
        )
        return response
    }

    /// The results page of a search (`?q=`). A search that found nothing is recorded each time it
    /// is asked, so that answer is never kept by `PageCache`.
    @Sendable
    func search(request: Request) async throws -> Response {
        let query = HelpSearch.normalizedQuery(request.query[String.self, at: "q"] ?? "")
        let search = HelpSearch(database: request.db, engine: request.application.guideSearchEngine)
        var results: [SearchResult] = []
        var proposal: SearchProposal?
        if !query.isEmpty {
            results = try await search.results(for: query, language: request.language)
            if results.isEmpty {
                proposal = try await search.proposal(for: query, language: request.language)
                    .map { SearchProposal(query: $0, url: SitePath.helpSearch(query: $0)) }
                try await search.recordUnanswered(query, language: request.language, at: request.portier.clock.now())
            }
        }
        var layout = LayoutContext(request: request, titleKey: "help.search.title")
        if !query.isEmpty { layout.title = request.localized("help.search.title_for", query) }
        let context = HelpSearchContext(layout: layout, query: query, results: results, hasSearched: !query.isEmpty, proposal: proposal)
        let response = try await request.renderPage("HelpCenter/search", context)
        response.isKeptOutOfPageCache = !query.isEmpty && results.isEmpty
        return response
    }

    /// Guide titles for what a visitor is typing in the search box (`help-search.js`): JSON,
    /// at most five, nothing below two letters. The same for everyone who asks the same URL (the
    /// language is in it as `lang`), so browsers and shared caches may keep it for a minute, and
    /// no cookie is set (the route issues no CSRF token).
    @Sendable
    func suggestions(request: Request) async throws -> Response {
        let query = String((request.query[String.self, at: "q"] ?? "").prefix(200))
        let requested = request.query[String.self, at: "lang"].flatMap(Language.init(rawValue:))
        let language = requested ?? request.language
        let engine = request.application.guideSearchEngine
        let built = engine.snapshot
        let snapshot = if let built { built } else { try await engine.snapshot(on: request.db) }
        let body = SearchSuggestions(query: query, results: HelpSearch.suggestions(for: query, language: language, in: snapshot))
        let response = Response(status: .ok)
        try response.content.encode(body, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(Self.suggestionsCacheLifetime)")
        if requested == nil {
            // The language came from the visitor's cookie or browser.
            response.headers.replaceOrAdd(name: .vary, value: "Cookie, Accept-Language")
        }
        return response
    }

    /// Seconds browsers and shared caches may keep an answer of `suggestions`.
    static let suggestionsCacheLifetime = 60

    @Sendable
    func media(request: Request) async throws -> Response {
        let parts = try [PathKey.language, .category, .file].map { try request.parameters.require($0) }
        let file = parts[2]
        guard Language(rawValue: parts[0]) != nil,
              parts[1].range(of: #"^[a-z0-9-]+$"#, options: .regularExpression) != nil,
              file.range(of: #"^[A-Za-z0-9_-]+\.[a-z]+$"#, options: .regularExpression) != nil,
              GuideLibrary.imageExtensions.contains((file as NSString).pathExtension) else {
            throw Abort(.notFound)
        }
        let path = GuideImporter.defaultRoot(request.application) + "\(parts[0])/\(parts[1])/\(GuideLibrary.imagesFolder)/\(file)"
        guard FileManager.default.fileExists(atPath: path) else { throw Abort(.notFound) }
        let response = try await request.fileio.asyncStreamFile(at: path)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return response
    }

    private func makeContext(for guide: Guide, request: Request, feedback: String?) async throws -> GuidePageContext {
        let candidates = try await Guide.published(on: request.db).filter(\.$language == guide.language).with(\.$category).all()
        let translationURL = try await guide.translationSlug.asyncFlatMap { slug in
            try await Guide.published(on: request.db).filter(\.$slug == slug).with(\.$category).first()
                .map { SiteURL.guide(category: .value($0.category.slug), guide: .value($0.slug)).path }
        }
        var layout = LayoutContext(request: request, titleKey: "help.title")
        layout.title = guide.title
        // The page is in the guide's language: the switch leads to the translation, or to the
        // help center's start page in the other language.
        layout.languageSwitchPath = translationURL ?? SitePath.help.path
        return GuidePageContext(
            layout: layout,
            breadcrumbs: [
                Breadcrumb(title: request.localized("help.breadcrumb.home"), url: SitePath.help.path),
                Breadcrumb(title: guide.category.title, url: SiteURL.helpCategory(.value(guide.category.slug)).path),
                Breadcrumb(title: guide.title, url: nil),
            ],
            title: guide.title,
            bodyHTML: guide.bodyHTML,
            updatedOn: guide.updatedOn,
            feedbackURL: SiteURL.guideFeedback(category: .value(guide.category.slug), guide: .value(guide.slug)).path,
            related: RelatedGuides.select(for: guide, among: candidates).map(Self.link),
            feedback: feedback,
            translationURL: translationURL,
            translationLanguage: guide.language == Language.swedish.rawValue ? Language.english.rawValue : Language.swedish.rawValue,
            guideLanguage: guide.language
        )
    }

    static func link(_ guide: Guide) -> GuideLink {
        GuideLink(title: guide.title, url: SiteURL.guide(category: .value(guide.category.slug), guide: .value(guide.slug)).path, summary: guide.summary)
    }
}
