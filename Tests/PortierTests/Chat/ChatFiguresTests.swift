import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

/// The staff area's chat figures, from the database, on fixed times (the test clock is Friday
/// 15 January 2027, 09:00 in Stockholm).
@Suite("Chat: figures in the staff area (chats per day, median wait)")
struct ChatFiguresTests {
    /// A chat started at `start` (Stockholm `day` + seconds), accepted after `wait` seconds.
    private static func chat(_ context: TestContext, day: Int, at seconds: TimeInterval, wait: TimeInterval?) async throws {
        let start = try #require(CalendarDay(year: 2027, month: 1, day: day)).startDate.addingTimeInterval(seconds)
        let chat = Chat(customerID: nil, clientName: "Vera", clientEmail: "vera@example.org", language: .swedish, now: start)
        if let wait {
            chat.status = .ended
            chat.acceptedAt = start.addingTimeInterval(wait)
        }
        try await chat.create(on: context.app.db)
    }

    private static func seed(_ context: TestContext) async throws {
        try await chat(context, day: 15, at: 9 * 3600 - 600, wait: 30)
        try await chat(context, day: 15, at: 8 * 3600, wait: 90)
        // 23:30 in Stockholm is the 14th there (22:30 UTC).
        try await chat(context, day: 14, at: 23 * 3600 + 1800, wait: 300)
        // The first of the 14 days, just after midnight in Stockholm (still the 1st in UTC).
        try await chat(context, day: 2, at: 600, wait: 600)
        try await chat(context, day: 2, at: 700, wait: nil)
        // Before the period: not counted.
        try await chat(context, day: 1, at: 23 * 3600 + 3000, wait: 5)
    }

    @Test("Chats per Stockholm day over 14 days and the median wait of the accepted ones, computed in SQL")
    func summary() async throws {
        try await withPortierApp { context in
            try await Self.seed(context)
            let today = CalendarDay(containing: context.clock.now())
            #expect(today.iso == "2027-01-15")
            let summary = try await ChatFigures(database: context.app.db).summary(endingOn: today)
            #expect(summary.days.first?.iso == "2027-01-02" && summary.days.last?.iso == "2027-01-15" && summary.days.count == 14)
            #expect(summary.chatsPerDay == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2])
            #expect(summary.total == 5 && summary.acceptedCount == 4)
            // Waits 30, 90, 300, 600: the median is (90 + 300) / 2.
            #expect(summary.medianWait == 195)

            // An odd number: the middle one.
            try await Self.chat(context, day: 10, at: 12 * 3600, wait: 1000)
            let odd = try await ChatFigures(database: context.app.db).summary(endingOn: today)
            #expect(odd.medianWait == 300 && odd.acceptedCount == 5)

            // No chats at all: zeros, no median.
            let empty = try await ChatFigures(database: context.app.db).summary(endingOn: try #require(CalendarDay(year: 2026, month: 6, day: 1)))
            #expect(empty.total == 0 && empty.chatsPerDay.count == 14 && empty.medianWait == nil)
        }
    }

    @Test("/personal/chatt shows the chart (an SVG with its numbers in words) and the median")
    func staffPage() async throws {
        try await withPortierApp { context in
            try await Self.seed(context)
            let staff = try await Fixtures.staffMember(context.app, role: .support)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(staff, now: context.clock.now())
            let page = try await browser.get(SitePath.staffChat.path)
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains("Chatten i siffror, senaste 14 dagarna"))
            #expect(body.contains(#"<svg class="views-chart""#))
            #expect(body.contains("Chattar per dag"))
            #expect(body.contains("Chattar totalt: 5"))
            #expect(body.contains("Mediantid till svar: 3 min 15 s (4 besvarade chattar)"))
            #expect(body.components(separatedBy: "<rect ").count - 1 == 3, "three days with chats")
        }
    }
}
