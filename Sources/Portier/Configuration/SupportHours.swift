import Foundation

/// `PORTIER_SUPPORT_HOURS`: when the support answers the chat, e.g.
/// `mon-fri 08:00-17:00 Europe/Stockholm` or `mon-fri 08:00-17:00; sat 10:00-14:00 Europe/Stockholm`.
/// Ranges are separated by `;`, each one a set of days (`mon-fri`, `sat,sun`, `daily`) and a time
/// range; the time zone (an IANA name) ends the value and defaults to Europe/Stockholm.
public struct SupportHours: Sendable, Equatable {
    /// ISO weekdays: 1 Monday … 7 Sunday.
    public struct Range: Sendable, Equatable {
        public var weekdays: Set<Int>
        /// Minutes after midnight; `end` > `start`, `end` may be 24:00 (1440).
        public var start: Int
        public var end: Int
    }

    public var ranges: [Range]
    public var timeZone: TimeZone

    public static let defaultTimeZone = TimeZone(identifier: "Europe/Stockholm")!
    /// Weekdays 08–17 in Stockholm: today's "Vardagar 08–17".
    public static let standard = SupportHours(ranges: [Range(weekdays: Set(1...5), start: 8 * 60, end: 17 * 60)], timeZone: defaultTimeZone)

    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Whether `date` lies inside one of the ranges (start inclusive, end exclusive).
    public func contains(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let isoWeekday = weekday == 1 ? 7 : weekday - 1
        let minutes = hour * 60 + minute
        return ranges.contains { $0.weekdays.contains(isoWeekday) && $0.start <= minutes && minutes < $0.end }
    }

    public struct ParseError: Error, Equatable {
        public let reason: String
    }

    /// Parses the structured form; the error says what part was not understood.
    public static func parse(_ raw: String) -> Result<SupportHours, ParseError> {
        var words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var timeZone = defaultTimeZone
        if let last = words.last, last.contains("/") || last == "UTC" {
            guard let zone = TimeZone(identifier: last) else {
                return .failure(ParseError(reason: "names an unknown time zone '\(last)'"))
            }
            timeZone = zone
            words.removeLast()
        }
        let text = words.joined(separator: " ")
        var ranges: [Range] = []
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            let tokens = part.split(separator: " ").map(String.init)
            guard tokens.count == 2 else {
                return .failure(ParseError(reason: "must be days and hours like 'mon-fri 08:00-17:00 Europe/Stockholm' (ranges separated by ';'), got '\(part.trimmingCharacters(in: .whitespaces))'"))
            }
            guard let weekdays = parseDays(tokens[0]) else {
                return .failure(ParseError(reason: "has unknown days '\(tokens[0])' (use mon, tue, wed, thu, fri, sat, sun, ranges like mon-fri, or daily)"))
            }
            guard let (start, end) = parseTimes(tokens[1]) else {
                return .failure(ParseError(reason: "has a bad time range '\(tokens[1])' (use HH:MM-HH:MM, the end after the start)"))
            }
            ranges.append(Range(weekdays: weekdays, start: start, end: end))
        }
        return .success(SupportHours(ranges: ranges, timeZone: timeZone))
    }

    private static func parseDays(_ text: String) -> Set<Int>? {
        let lower = text.lowercased()
        if lower == "daily" { return Set(1...7) }
        var days = Set<Int>()
        for item in lower.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            let numbers = ends.compactMap { dayNames.firstIndex(of: $0).map { $0 + 1 } }
            guard numbers.count == ends.count else { return nil }
            switch numbers.count {
            case 1: days.insert(numbers[0])
            case 2 where numbers[0] <= numbers[1]: days.formUnion(numbers[0]...numbers[1])
            default: return nil
            }
        }
        return days.isEmpty ? nil : days
    }

    private static func parseTimes(_ text: String) -> (Int, Int)? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]), start < end else { return nil }
        return (start, end)
    }

    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        return hour * 60 + minute
    }

    /// The hours for people, in `language`: "Vardagar 08–17", "lör 10–14", "Weekdays 08:30–17".
    func displayText(in language: Language) -> String {
        ranges.map { range in
            "\(Self.daysText(range.weekdays, language: language)) \(Self.clock(range.start))–\(Self.clock(range.end))"
        }.joined(separator: ", ")
    }

    private static func daysText(_ days: Set<Int>, language: Language) -> String {
        let swedish = language == .swedish
        if days == Set(1...5) { return swedish ? "Vardagar" : "Weekdays" }
        if days == Set(1...7) { return swedish ? "Alla dagar" : "Every day" }
        let names = swedish ? ["mån", "tis", "ons", "tor", "fre", "lör", "sön"] : ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let sorted = days.sorted()
        if sorted.count > 2, sorted.last! - sorted.first! == sorted.count - 1 {
            return "\(names[sorted.first! - 1])–\(names[sorted.last! - 1])"
        }
        return sorted.map { names[$0 - 1] }.joined(separator: ", ")
    }

    private static func clock(_ minutes: Int) -> String {
        let hour = String(format: "%02d", minutes / 60)
        return minutes % 60 == 0 ? hour : "\(hour):\(String(format: "%02d", minutes % 60))"
    }
}
