import Foundation

/// A date without a time (an invoice's due date, a service's next due date), stored as its
/// ISO 8601 text `YYYY-MM-DD`, which sorts and compares correctly as text on every database.
/// "Today" is the day in Stockholm, the hosting company's time zone.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public static let timeZone = TimeZone(identifier: "Europe/Stockholm") ?? TimeZone(secondsFromGMT: 3600)!

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public init?(year: Int, month: Int, day: Int) {
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        guard (1000...9999).contains(year), components.isValidDate(in: Self.calendar) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return nil
        }
        self.init(year: year, month: month, day: day)
    }

    /// The day `date` falls on in Stockholm.
    public init(containing date: Date) {
        let components = Self.calendar.dateComponents([.year, .month, .day], from: date)
        year = components.year ?? 1970
        month = components.month ?? 1
        day = components.day ?? 1
    }

    public var iso: String {
        let monthText = month < 10 ? "0\(month)" : "\(month)"
        let dayText = day < 10 ? "0\(day)" : "\(day)"
        return "\(year)-\(monthText)-\(dayText)"
    }

    public var description: String { iso }

    /// Midnight at the start of this day in Stockholm.
    public var startDate: Date {
        Self.calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }

    public func adding(days: Int) -> CalendarDay {
        let date = Self.calendar.date(byAdding: .day, value: days, to: startDate) ?? startDate
        return CalendarDay(containing: date)
    }

    /// Adds calendar months; the 31st becomes the last day of a shorter month.
    public func adding(months: Int) -> CalendarDay {
        let date = Self.calendar.date(byAdding: .month, value: months, to: startDate) ?? startDate
        return CalendarDay(containing: date)
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    public func days(until other: CalendarDay) -> Int {
        Self.calendar.dateComponents([.day], from: startDate, to: other.startDate).day ?? 0
    }

    public static func < (left: CalendarDay, right: CalendarDay) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }
}

/// Dates and times as the customer area shows them: Swedish `2026-03-15` and `2026-03-15 14:05`,
/// English `15 Mar 2026` and `15 Mar 2026, 14:05`, always in Stockholm time. Written out by hand
/// so the output is the same on every platform.
enum AreaDateFormat {
    private static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func day(_ day: CalendarDay, language: Language) -> String {
        switch language {
        case .swedish: return day.iso
        case .english: return "\(day.day) \(englishMonths[day.month - 1]) \(day.year)"
        }
    }

    static func dateTime(_ date: Date, language: Language) -> String {
        let components = CalendarDay.calendar.dateComponents([.hour, .minute], from: date)
        let hour = components.hour ?? 0
        let minute = components.minute ?? 0
        let time = (hour < 10 ? "0\(hour)" : "\(hour)") + ":" + (minute < 10 ? "0\(minute)" : "\(minute)")
        let dayText = day(CalendarDay(containing: date), language: language)
        return language == .swedish ? "\(dayText) \(time)" : "\(dayText), \(time)"
    }

    /// `2026-03-15T14:05:00+01:00`-style value for `<time datetime>`.
    static func machineReadable(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
