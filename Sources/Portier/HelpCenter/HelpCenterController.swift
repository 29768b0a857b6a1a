import Fluent
import Vapor

/// The help center: start page, categories, guides with feedback and related guides, search,
/// and the guides' images.
struct HelpCenterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.help.components, use: start)
        routes.get(SitePath.helpSearch.components, use: searchFromMemoryOrRender)
        routes.get(SitePath.helpSuggestions.components, use: suggestions)
        routes.get(SitePath.helpMedia.components + [":language", ":category", "images", ":file"], use: media)
        routes.get(SitePath.help.components + [":category"], use: category)
        routes.get(SitePath.help.components + [":category", ":guide"], use: guideFromMemoryOrRender)
        // Guide pages for visitors who are not logged in carry no CSRF token (so caches may share
        // them); their vote form is checked by origin instead (CSRFMiddleware).
        routes.post(SitePath.help.components + [":category", ":guide", "feedback"], use: feedback)
            .acceptsSameOriginWithoutToken()
    }

    static func url(category: String, guide: String? = nil) -> String {
        SitePath.help.path + "/" + category + (guide.map { "/" + $0 } ?? "")
    }

    @Sendable
    func start(request: Request) async throws -> Response {
        let language = request.language
        var categories = try await HelpCategory.all(language: language, on: request.db)
        if language != .swedish {
            categories += try await HelpCategory.all(language: .swedish, on: request.db)
        }
        var links: [CategoryLink] = []
        for category in categories {
            let count = try await Guide.published(on: request.db).filter(\.$category.$id == category.requireID()).count()
            links.append(CategoryLink(title: category.title, description: category.description, url: Self.url(category: category.slug), guideCount: count))
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
    func category(request: Request) async throws -> Response {
        guard let category = try await HelpCategory.find(slug: try request.parameters.require("category"), on: request.db) else {
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
            category: CategoryLink(title: category.title, description: category.description, url: Self.url(category: category.slug), guideCount: guides.count),
            guides: guides.map(Self.link)
        )
        return try await request.renderPage("HelpCenter/category", context)
    }

    /// A guide page: from memory without a database round trip and without starting a Task
    /// when its path was looked up within the last moments (the common case), else `guide`.
    /// Synchronous on purpose: Vapor runs every `async` handler in a Task of its own, which
    /// cost a guide page 10–15 % of its throughput (bench/guide-vs-static).
    @Sendable
    func guideFromMemoryOrRender(request: Request) throws -> EventLoopFuture<Response> {
        let categorySlug = try request.parameters.require("category")
        let guideSlug = try request.parameters.require("guide")
        let cache = request.application.guidePageCache
        let isLoggedIn = request.auth.has(AuthenticatedCustomer.self)
        if request.url.query == nil, let known = cache.knownGuide(category: categorySlug, slug: guideSlug),
           let page = cache.page(for: .init(guideID: known.guideID, isLoggedIn: isLoggedIn), contentHash: known.contentHash, token: Self.pageToken(request, isLoggedIn: isLoggedIn)) {
            request.language = known.language
            request.application.guideViewCounter.record(known.guideID)
            return request.eventLoop.makeSucceededFuture(Self.guideResponse(page, isLoggedIn: isLoggedIn, request: request))
        }
        return request.eventLoop.makeFutureWithTask { try await guide(request: request) }
    }

    /// The CSRF token a guide page carries: a logged-in customer's own; none for everyone else,
    /// whose page is the same for all and may be kept by shared caches.
    static func pageToken(_ request: Request, isLoggedIn: Bool) -> String {
        isLoggedIn ? request.csrfToken ?? "" : ""
    }

    @Sendable
    func guide(request: Request) async throws -> Response {
        let categorySlug = try request.parameters.require("category")
        let guideSlug = try request.parameters.require("guide")
        let feedback = request.url.query == nil ? nil
            : request.query[String.self, at: "feedback"].flatMap { ["ja", "nej"].contains($0) ? $0 : nil }
        let cache = request.application.guidePageCache
        let isLoggedIn = request.auth.has(AuthenticatedCustomer.self)
        let token = Self.pageToken(request, isLoggedIn: isLoggedIn)

        guard let guide = try await Guide.find(category: categorySlug, slug: guideSlug, on: request.db) else {
            cache.forget(category: categorySlug, slug: guideSlug)
            throw Abort(.notFound)
        }
        let guideID = try guide.requireID()
        // A guide page is in the guide's language throughout (its address names the language, as
        // in Zendesk Guide), so the page depends on its address and the login state only.
        let language = Language(rawValue: guide.language) ?? .default
        request.language = language
        cache.remember(category: categorySlug, slug: guideSlug, guideID: guideID, language: language, contentHash: guide.contentHash)
        request.application.guideViewCounter.record(guideID)
        guard feedback == nil else {
            return try await request.renderPage("HelpCenter/guide", try await makeContext(for: guide, request: request, feedback: feedback))
        }

        let key = GuidePageCache.Key(guideID: guideID, isLoggedIn: isLoggedIn)
        if let page = cache.page(for: key, contentHash: guide.contentHash, token: token) {
            return Self.guideResponse(page, isLoggedIn: isLoggedIn, request: request)
        }
        var context = try await makeContext(for: guide, request: request, feedback: nil)
        context.layout.csrfToken = isLoggedIn ? TokenizedPage.placeholder : ""
        let view = try await request.view.render("HelpCenter/guide", context)
        let page = cache.store(String(buffer: view.data), for: key, contentHash: guide.contentHash, token: token)
        return Self.guideResponse(page, isLoggedIn: isLoggedIn, request: request)
    }

    /// A guide page from the cache. A logged-in customer's page is never stored. Everyone else
    /// gets the same page for the same address: no CSRF token (the vote form is checked by
    /// origin), no cookie set, validators, and a `Cache-Control` that lets a reverse proxy keep
    /// it for `sharedCacheLifetime` while browsers revalidate every time (304 Not Modified).
    /// A proxy in front must pass requests carrying the session cookie through (README).
    static func guideResponse(_ page: GuidePageCache.Page, isLoggedIn: Bool, request: Request) -> Response {
        guard !isLoggedIn else {
            return Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"], body: .init(buffer: page.body))
        }
        request.csrfToken = nil  // nothing on this page needs one: CSRFMiddleware sets no cookie
        let headers: HTTPHeaders = [
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "public, max-age=0, s-maxage=\(sharedCacheLifetime), must-revalidate",
            "ETag": page.etag,
            "Last-Modified": page.lastModified,
        ]
        if let conditions = request.headers.first(name: .ifNoneMatch), Self.matches(page.etag, anyOf: conditions) {
            var notModified = headers
            notModified.remove(name: .contentType)
            return Response(status: .notModified, headers: notModified)
        }
        return Response(status: .ok, headers: headers, body: .init(buffer: page.body))
    }

    /// Seconds a shared cache (nginx `proxy_cache`) may serve a guide page without asking again:
    /// an edited guide reaches every reader within a minute.
    static let sharedCacheLifetime = 60

    /// `If-None-Match` (a list, weak comparison, or `*`) against our ETag.
    static func matches(_ etag: String, anyOf conditions: String) -> Bool {
        conditions.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || (trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed) == etag
        }
    }

    @Sendable
    func feedback(request: Request) async throws -> Response {
        guard let guide = try await Guide.find(category: try request.parameters.require("category"), slug: try request.parameters.require("guide"), on: request.db) else {
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
        let response = request.redirect(to: Self.url(category: guide.category.slug, guide: guide.slug) + "?feedback=\(form.helpful)#feedback", redirectType: .normal)
        response.cookies[GuideFeedback.voterCookie] = HTTPCookies.Value(
            string: voter, maxAge: 365 * 24 * 3600, path: SitePath.help.path,
            isSecure: request.portier.configuration.usesSecureCookies, isHTTPOnly: true, sameSite: .lax
        )
        return response
    }

    /// A search page from memory when the same search was answered within the last moments,
    /// synchronously like `guideFromMemoryOrRender`; else `search`.
    @Sendable
    func searchFromMemoryOrRender(request: Request) -> EventLoopFuture<Response> {
        let query = HelpSearch.normalizedQuery(request.query[String.self, at: "q"] ?? "")
        let key = HelpSearchCache.Key(
            language: request.language, query: query, isLoggedIn: request.auth.has(AuthenticatedCustomer.self),
            indexGeneration: request.application.guideSearchEngine.snapshot?.generation ?? 0
        )
        if !query.isEmpty, let page = request.application.helpSearchCache.page(for: key, token: request.csrfToken ?? "") {
            return request.eventLoop.makeSucceededFuture(Response.uncachedPage(page))
        }
        return request.eventLoop.makeFutureWithTask { try await search(request, query: query, key: key) }
    }

    private func search(_ request: Request, query: String, key: HelpSearchCache.Key) async throws -> Response {
        let cache = request.application.helpSearchCache
        let token = request.csrfToken ?? ""
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
        guard !results.isEmpty else {
            return try await request.renderPage("HelpCenter/search", context)
        }
        // Rendered once with a placeholder token, kept briefly, served with the visitor's token.
        var cachedContext = context
        cachedContext.layout.csrfToken = TokenizedPage.placeholder
        let html = String(buffer: try await request.view.render("HelpCenter/search", cachedContext).data)
        cache.store(html, for: key)
        return Response.uncachedPage(TokenizedPage(html: html).body(with: token))
    }

    /// Guide titles for what a visitor is typing in the search box (`help-search.js`): JSON,
    /// at most five, nothing below two letters. The same for everyone who asks the same URL (the
    /// language is in it as `lang`), so browsers and shared caches may keep it for a minute, and
    /// no cookie is set. Synchronous when the index is built, like `guideFromMemoryOrRender`.
    @Sendable
    func suggestions(request: Request) -> EventLoopFuture<Response> {
        let query = String((request.query[String.self, at: "q"] ?? "").prefix(200))
        let requested = request.query[String.self, at: "lang"].flatMap(Language.init(rawValue:))
        let language = requested ?? request.language
        request.csrfToken = nil  // nothing here needs one: CSRFMiddleware sets no cookie
        @Sendable func respond(_ snapshot: GuideSearchEngine.Snapshot) throws -> Response {
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
        if let snapshot = request.application.guideSearchEngine.snapshot {
            return request.eventLoop.makeCompletedFuture(withResultOf: { try respond(snapshot) })
        }
        return request.eventLoop.makeFutureWithTask {
            try respond(try await request.application.guideSearchEngine.snapshot(on: request.db))
        }
    }

    /// Seconds browsers and shared caches may keep an answer of `suggestions`.
    static let suggestionsCacheLifetime = 60

    @Sendable
    func media(request: Request) async throws -> Response {
        let parts = try ["language", "category", "file"].map { try request.parameters.require($0) }
        let file = parts[2]
        guard Language(rawValue: parts[0]) != nil,
              parts[1].range(of: #"^[a-z0-9-]+$"#, options: .regularExpression) != nil,
              file.range(of: #"^[A-Za-z0-9_-]+\.[a-z]+$"#, options: .regularExpression) != nil,
              GuideLibrary.imageExtensions.contains((file as NSString).pathExtension) else {
            throw Abort(.notFound)
        }
        let path = GuideImporter.defaultRoot(request.application) + "\(parts[0])/\(parts[1])/images/\(file)"
        guard FileManager.default.fileExists(atPath: path) else { throw Abort(.notFound) }
        let response = try await request.fileio.asyncStreamFile(at: path)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return response
    }

    private func makeContext(for guide: Guide, request: Request, feedback: String?) async throws -> GuidePageContext {
        let candidates = try await Guide.published(on: request.db).filter(\.$language == guide.language).with(\.$category).all()
        let translationURL = try await guide.translationSlug.asyncFlatMap { slug in
            try await Guide.published(on: request.db).filter(\.$slug == slug).with(\.$category).first()
                .map { Self.url(category: $0.category.slug, guide: $0.slug) }
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
                Breadcrumb(title: guide.category.title, url: Self.url(category: guide.category.slug)),
                Breadcrumb(title: guide.title, url: nil),
            ],
            title: guide.title,
            bodyHTML: guide.bodyHTML,
            updatedOn: guide.updatedOn,
            feedbackURL: Self.url(category: guide.category.slug, guide: guide.slug) + "/feedback",
            related: RelatedGuides.select(for: guide, among: candidates).map(Self.link),
            feedback: feedback,
            translationURL: translationURL,
            translationLanguage: guide.language == Language.swedish.rawValue ? Language.english.rawValue : Language.swedish.rawValue,
            guideLanguage: guide.language
        )
    }

    static func link(_ guide: Guide) -> GuideLink {
        GuideLink(title: guide.title, url: url(category: guide.category.slug, guide: guide.slug), summary: guide.summary)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
