import Fluent
import Foundation
import SQLKit

/// One guide's views on one day (in Stockholm, `YYYY-MM-DD`), added to by `GuideViewCounter`
/// with every flush. `Guide.viewCount` stays the all-time total.
public final class GuideViewDay: Model, @unchecked Sendable {
    public static let schema = "guide_view_days"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "guide_id") public var guide: Guide
    @Field(key: "day") public var day: String
    @Field(key: "view_count") public var viewCount: Int

    public init() {}
}

extension GuideViewDay {
    /// Adds `count` views to the guide's row for `day`, creating it when it is the day's first.
    /// One statement (`INSERT … SELECT … ON CONFLICT DO UPDATE`, the same on SQLite and
    /// PostgreSQL), so concurrent flushes of several instances add up instead of overwriting each
    /// other, and a guide deleted meanwhile adds nothing (no row to select) instead of failing.
    static func add(_ count: Int, to guideID: UUID, day: CalendarDay, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO \(ident: schema) (id, guide_id, day, view_count)
            SELECT \(bind: UUID()), id, \(bind: day.iso), \(bind: count) FROM \(ident: Guide.schema) WHERE id = \(bind: guideID)
            ON CONFLICT (guide_id, day) DO UPDATE SET view_count = \(ident: schema).view_count + excluded.view_count
            """).run()
    }
}
