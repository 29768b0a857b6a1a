import Fluent
import Vapor

struct StaffFeedbackContext: StaffPageContext {
    struct Comment: Encodable {
        let date: String
        let text: String
    }

    struct GuideRow: Encodable {
        let title: String
        let languageLabel: String
        let categoryTitle: String
        let publicURL: String?
        let views: Int
        let helpful: Int
        let notHelpful: Int
        let chartSVG: String
        let comments: [Comment]
    }

    struct SearchRow: Encodable {
        let query: String
        let languageLabel: String
        let count: Int
        let lastSearched: DateTimeView
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let from: String
    let to: String
    let periodError: String?
    let guides: [GuideRow]
    let searches: [SearchRow]
    let guidesCSVPath: String
    let searchesCSVPath: String
}

/// `/personal/feedback` (editor, admin): per guide for a chosen period, views (with a bar chart
/// per day), yes/no votes and "vad saknades?" comments; the searches that found nothing, most
/// frequent first; both lists as CSV.
struct StaffFeedbackController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffFeedback.pathComponents, use: show)
        routes.get(SitePath.staffFeedbackGuidesCSV.pathComponents, use: guidesCSV)
        routes.get(SitePath.staffFeedbackSearchesCSV.pathComponents, use: searchesCSV)
    }

    struct PeriodQuery: Content {
        var fran: String?
        var till: String?
    }

    private func period(_ request: Request) -> (query: PeriodQuery, result: Result<GuideFeedbackStats.Period, GuideFeedbackStats.Period.Problem>) {
        let query = (try? request.query.decode(PeriodQuery.self)) ?? PeriodQuery()
        let today = CalendarDay(containing: request.portier.clock.now())
        return (query, GuideFeedbackStats.Period.parse(from: query.fran, to: query.till, today: today))
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let format = AreaFormatter(request: request)
        let (query, result) = period(request)
        let standard = GuideFeedbackStats.Period.standard(endingOn: format.today)
        var periodError: String?
        let period: GuideFeedbackStats.Period
        switch result {
        case .success(let chosen): period = chosen
        case .failure(let problem):
            periodError = request.localized(problem.catalogKey, String(GuideFeedbackStats.Period.maximumDays))
            period = standard
        }
        let stats = GuideFeedbackStats(database: request.db)
        let guides = try await stats.guides(in: period)
        let searches = try await stats.unansweredSearches(in: period)
        let days = period.days
        let periodQuery = "?fran=" + period.first.iso + "&till=" + period.last.iso
        let context = StaffFeedbackContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.feedback.titleKey),
            staffNavigation: try request.staffNavigation(.feedback),
            from: periodError == nil ? period.first.iso : (query.fran ?? ""),
            to: periodError == nil ? period.last.iso : (query.till ?? ""),
            periodError: periodError,
            guides: try guides.map { row in
                let chart = ViewsBarChart(
                    id: try row.guide.requireID().uuidString.lowercased(),
                    title: format.text("staff.feedback.chart_title", row.guide.title, format.day(period.first), format.day(period.last)),
                    days: days, values: row.viewsByDay,
                    describe: { day, views in format.day(day) + ": " + String(views) }
                )
                return StaffFeedbackContext.GuideRow(
                    title: row.guide.title,
                    languageLabel: format.text("staff.guides.language." + row.guide.language),
                    categoryTitle: row.guide.category.title,
                    publicURL: row.guide.isPublished ? SiteURL.guide(category: .value(row.guide.category.slug), guide: .value(row.guide.slug)).path : nil,
                    views: row.views, helpful: row.helpful, notHelpful: row.notHelpful,
                    chartSVG: chart.svg,
                    comments: row.comments.map { .init(date: format.dateTime($0.date), text: $0.text) }
                )
            },
            searches: searches.map { search in
                .init(
                    query: search.query,
                    languageLabel: format.text("staff.guides.language." + search.language),
                    count: search.searchCount,
                    lastSearched: DateTimeView(search.lastSearchedAt, format)
                )
            },
            guidesCSVPath: SitePath.staffFeedbackGuidesCSV.path + periodQuery,
            searchesCSVPath: SitePath.staffFeedbackSearchesCSV.path + periodQuery
        )
        return try await request.renderPage("Staff/feedback", context, status: periodError == nil ? .ok : .unprocessableEntity)
    }

    @Sendable
    func guidesCSV(request: Request) async throws -> Response {
        let period = try chosenPeriod(request)
        var csv = CSVWriter()
        csv.row(["language", "category", "slug", "title", "published", "views", "helpful_yes", "helpful_no", "comments"].map { .text($0) })
        for row in try await GuideFeedbackStats(database: request.db).guides(in: period) {
            csv.row([
                .text(row.guide.language), .text(row.guide.category.slug), .text(row.guide.slug), .text(row.guide.title),
                .text(row.guide.isPublished ? "yes" : "no"), .number(row.views), .number(row.helpful), .number(row.notHelpful),
                .text(row.comments.map { AreaDateFormat.machineReadable($0.date) + " " + $0.text }.joined(separator: "\n")),
            ])
        }
        return Self.csvResponse(csv.text, name: "guide-feedback-\(period.first.iso)-\(period.last.iso).csv")
    }

    @Sendable
    func searchesCSV(request: Request) async throws -> Response {
        let period = try chosenPeriod(request)
        var csv = CSVWriter()
        csv.row(["language", "query", "searches", "last_searched"].map { .text($0) })
        for search in try await GuideFeedbackStats(database: request.db).unansweredSearches(in: period, limit: 10_000) {
            csv.row([.text(search.language), .text(search.query), .number(search.searchCount), .text(AreaDateFormat.machineReadable(search.lastSearchedAt))])
        }
        return Self.csvResponse(csv.text, name: "unanswered-searches-\(period.first.iso)-\(period.last.iso).csv")
    }

    private func chosenPeriod(_ request: Request) throws -> GuideFeedbackStats.Period {
        switch period(request).result {
        case .success(let period): return period
        case .failure(let problem): throw Abort(.badRequest, reason: request.localized(problem.catalogKey, String(GuideFeedbackStats.Period.maximumDays)))
        }
    }

    static func csvResponse(_ text: String, name: String) -> Response {
        Response(status: .ok, headers: [
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": "attachment; filename=\"\(name)\"",
            "Cache-Control": "no-store",
        ], body: .init(string: text))
    }
}
