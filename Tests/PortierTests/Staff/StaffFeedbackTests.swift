import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Staff area: guide feedback for a period (views per day, votes, comments, unanswered searches, SVG, CSV)")
struct StaffFeedbackTests {
    /// Three days of views, votes in and out of the period, a comment and searches that found nothing.
    private static func seed(_ context: TestContext) async throws -> (today: CalendarDay, guide: Guide) {
        try await context.importGuides(try GuideFolder.sample())
        let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "glomt-losenord").first())
        let id = try guide.requireID()
        let counter = context.app.guideViewCounter
        let day0 = context.clock.now()
        for _ in 0..<3 { counter.record(id) }
        try await counter.flush(on: context.app.db, now: day0)
        context.clock.advance(by: 24 * 3600)
        for _ in 0..<5 { counter.record(id) }
        try await counter.flush(on: context.app.db, now: context.clock.now())
        for _ in 0..<2 { counter.record(id) }
        try await counter.flush(on: context.app.db, now: context.clock.now())

        let feedback = GuideFeedback(database: context.app.db)
        try await feedback.vote(guideID: id, voter: "a", isHelpful: true, comment: nil, at: context.clock.now())
        try await feedback.vote(guideID: id, voter: "b", isHelpful: false, comment: "=HYPERLINK(\"http://evil\"), och <b>mer</b>\nrad två", at: context.clock.now())
        try await feedback.vote(guideID: id, voter: "c", isHelpful: false, comment: "för gammal", at: day0.addingTimeInterval(-40 * 24 * 3600))

        let search = HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine)
        for _ in 0..<3 { try await search.recordUnanswered("+fakturaadress", language: .swedish, at: context.clock.now()) }
        try await search.recordUnanswered("webbhotell ftp", language: .swedish, at: context.clock.now())
        return (CalendarDay(containing: context.clock.now()), guide)
    }

    private static func browser(_ context: TestContext, role: StaffRole = .editor) async throws -> TestBrowser {
        let staff = try await Fixtures.staffMember(context.app, role: role)
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(staff, now: context.clock.now())
        return browser
    }

    @Test("Views are counted per day as well as in total")
    func viewDays() async throws {
        try await withPortierApp { context in
            let (today, guide) = try await Self.seed(context)
            let days = try await GuideViewDay.query(on: context.app.db).sort(\.$day).all()
            #expect(days.map(\.day) == [today.adding(days: -1).iso, today.iso])
            #expect(days.map(\.viewCount) == [3, 7])
            #expect(try await Guide.find(guide.id, on: context.app.db)?.viewCount == 10)
        }
    }

    @Test("The page shows views, votes and comments of the period, a chart per guide and the searches, most frequent first")
    func page() async throws {
        try await withPortierApp { context in
            let (today, _) = try await Self.seed(context)
            let browser = try await Self.browser(context)

            let response = try await browser.get(SitePath.staffFeedback.path)

            #expect(response.status == .ok)
            let body = response.body.string
            #expect(body.contains(#"value="\#(today.adding(days: -29).iso)""#))
            #expect(body.contains("Jag har glömt mitt lösenord"))
            #expect(body.contains("<dt>Visningar</dt><dd>10</dd>"))
            #expect(body.contains("<dt>Hjälpte: ja</dt><dd>1</dd>"))
            #expect(body.contains("<dt>Hjälpte: nej</dt><dd>1</dd>"), "the old vote is outside the period")
            #expect(body.contains("=HYPERLINK(&quot;http://evil&quot;), och &lt;b&gt;mer&lt;/b&gt;"))
            #expect(!body.contains("för gammal"))
            #expect(body.contains(#"<svg class="views-chart""#))
            #expect(body.contains("<desc id="))
            #expect(body.contains("\(today.iso): 7"))
            #expect(body.contains("<title id=\"chart-"))
            let frequent = try #require(body.range(of: "+fakturaadress"))
            let rare = try #require(body.range(of: "webbhotell ftp"))
            #expect(frequent.lowerBound < rare.lowerBound)

            let onlyToday = try await browser.get(SitePath.staffFeedback.path + "?fran=\(today.iso)&till=\(today.iso)").body.string
            #expect(onlyToday.contains("<dt>Visningar</dt><dd>7</dd>"))
        }
    }

    @Test("A bad period is refused with a message", arguments: [
        ("fran=igår", "Skriv datumen som ÅÅÅÅ-MM-DD."),
        ("fran=2026-12-01&till=2026-11-01", "Från-datumet måste vara före till-datumet."),
        ("fran=2020-01-01&till=2026-11-01", "Välj en period på högst 366 dagar."),
    ])
    func badPeriod(query: String, message: String) async throws {
        try await withPortierApp { context in
            let browser = try await Self.browser(context)
            let response = try await browser.get(SitePath.staffFeedback.path + "?" + query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains(message))
            #expect(try await browser.get(SitePath.staffFeedbackGuidesCSV.path + "?" + query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).status == .badRequest)
        }
    }

    @Test("Both CSV files quote correctly and defuse formulas")
    func csv() async throws {
        try await withPortierApp { context in
            let (today, _) = try await Self.seed(context)
            let browser = try await Self.browser(context, role: .admin)

            let guides = try await browser.get(SitePath.staffFeedbackGuidesCSV.path + "?fran=\(today.adding(days: -6).iso)&till=\(today.iso)")
            #expect(guides.status == .ok)
            #expect(guides.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            #expect(guides.headers.first(name: .contentDisposition) == "attachment; filename=\"guide-feedback-\(today.adding(days: -6).iso)-\(today.iso).csv\"")
            let guideText = guides.body.string
            #expect(guideText.hasPrefix("\u{FEFF}language,category,slug,title,published,views,helpful_yes,helpful_no,comments\r\n"))
            #expect(guideText.contains("sv,inloggning-och-kontaktuppgifter,glomt-losenord,Jag har glömt mitt lösenord,yes,10,1,1,\""))
            #expect(guideText.contains(#"=HYPERLINK(""http://evil""), och <b>mer</b>"#))
            #expect(guideText.contains("\nrad två\"\r\n"))

            let searches = try await browser.get(SitePath.staffFeedbackSearchesCSV.path)
            let lines = searches.body.string.components(separatedBy: "\r\n")
            try #require(lines.count >= 3, "searches CSV: \(searches.status) \(searches.body.string.prefix(200))")
            #expect(lines[0] == "\u{FEFF}language,query,searches,last_searched")
            #expect(lines[1].hasPrefix("sv,'+fakturaadress,3,"))
            #expect(lines[2].hasPrefix("sv,webbhotell ftp,1,"))
        }
    }

    @Test("CSV fields: RFC 4180 quoting; =, +, -, @, tab and CR at the start are defused")
    func csvWriter() {
        #expect(CSVWriter.field(.text("vanlig text")) == "vanlig text")
        #expect(CSVWriter.field(.text("a,b")) == "\"a,b\"")
        #expect(CSVWriter.field(.text("säg \"hej\"")) == "\"säg \"\"hej\"\"\"")
        #expect(CSVWriter.field(.text("rad\nrad")) == "\"rad\nrad\"")
        #expect(CSVWriter.field(.text("=1+1")) == "'=1+1")
        #expect(CSVWriter.field(.text("-2")) == "'-2")
        #expect(CSVWriter.field(.text("@SUM(A1)")) == "'@SUM(A1)")
        #expect(CSVWriter.field(.text("\tx")) == "'\tx")
        #expect(CSVWriter.field(.text("=a,b")) == "\"'=a,b\"")
        #expect(CSVWriter.field(.number(42)) == "42")
    }

    @Test("The chart is an image with an escaped title and a description holding every number")
    func chart() {
        let first = CalendarDay(iso: "2026-11-01")!
        let chart = ViewsBarChart(id: "x", title: "Guide <b>&</b>", days: [first, first.adding(days: 1), first.adding(days: 2)], values: [0, 4, 2], describe: { "\($0.iso): \($1)" })
        let svg = chart.svg
        #expect(svg.contains(#"role="img""#))
        #expect(svg.contains(#"aria-labelledby="chart-x-title chart-x-desc""#))
        #expect(svg.contains("<title id=\"chart-x-title\">Guide &lt;b&gt;&amp;&lt;/b&gt;</title>"))
        #expect(svg.contains("<desc id=\"chart-x-desc\">2026-11-01: 0, 2026-11-02: 4, 2026-11-03: 2</desc>"))
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 2)
        #expect(svg.contains(#"<rect x="8" y="0" width="6" height="40">"#))
        #expect(svg.contains(#"<rect x="16" y="20" width="6" height="20">"#))
    }

    @Test("Guides and feedback are for editors and admins; support gets 404; visitors go to the staff login")
    func access() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let guide = try #require(try await Guide.query(on: context.app.db).first())
            let id = try guide.requireID()
            let gets = [SitePath.staffGuides.path, SiteURL.staffGuide(.value(id)).path, SitePath.staffFeedback.path, SitePath.staffFeedbackGuidesCSV.path, SitePath.staffFeedbackSearchesCSV.path]
            let posts = [SiteURL.staffGuide(.value(id)).path, SiteURL.staffGuide(.value(id), .unpublish).path, SiteURL.staffGuideRestore(.value(id), version: .value(1)).path]
            for role in StaffRole.allCases {
                let staff = try await Fixtures.staffMember(context.app, role: role, email: "\(role.rawValue)-feedback@portier.example")
                let browser = TestBrowser(app: context.app)
                try await browser.logInAsStaff(staff, now: context.clock.now())
                for path in gets {
                    let status = try await browser.get(path).status
                    #expect(status == (role == .support ? .notFound : .ok), "\(role) GET \(path)")
                }
                if role == .support {
                    for path in posts {
                        try await browser.get(SitePath.staffArea.path)
                        #expect(try await browser.post(path, ["action": "publish"]).status == .notFound, "support POST \(path)")
                    }
                }
            }
            #expect(try await Guide.find(guide.id, on: context.app.db)?.isPublished == true)
            let visitor = try await TestBrowser(app: context.app).get(SitePath.staffFeedback.path)
            #expect(visitor.status == .seeOther)
            #expect(visitor.headers.first(name: .location)?.hasPrefix(SitePath.staffLogin.path) == true)
        }
    }
}
