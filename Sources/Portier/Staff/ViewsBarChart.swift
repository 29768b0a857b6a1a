import Foundation

/// A small bar chart of one guide's views per day, drawn as SVG on the server (no script). It is
/// an image with a title and a description that states the numbers, so a screen reader gets
/// what the bars show; the page prints the total beside it as text too.
struct ViewsBarChart: Sendable {
    static let height = 40
    static let barWidth = 6
    static let gap = 2

    let id: String
    let title: String
    /// The numbers in words, e.g. "2026-11-01: 3, 2026-11-02: 0, …".
    let description: String
    let values: [Int]

    init(id: String, title: String, days: [CalendarDay], values: [Int], describe: (CalendarDay, Int) -> String) {
        self.id = id
        self.title = title
        self.values = values
        self.description = zip(days, values).map { describe($0, $1) }.joined(separator: ", ")
    }

    var width: Int { max(1, values.count * (Self.barWidth + Self.gap) - Self.gap) }

    /// The `<svg>` element; every text in it is escaped.
    var svg: String {
        let highest = max(1, values.max() ?? 0)
        var bars = ""
        for (index, value) in values.enumerated() where value > 0 {
            let barHeight = max(1, Int((Double(value) / Double(highest) * Double(Self.height)).rounded()))
            let x = index * (Self.barWidth + Self.gap)
            bars += "<rect x=\"\(x)\" y=\"\(Self.height - barHeight)\" width=\"\(Self.barWidth)\" height=\"\(barHeight)\"></rect>"
        }
        let titleID = "chart-\(id)-title", descriptionID = "chart-\(id)-desc"
        return "<svg class=\"views-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(width)\" height=\"\(Self.height)\" viewBox=\"0 0 \(width) \(Self.height)\" "
            + "aria-labelledby=\"\(titleID) \(descriptionID)\">"
            + "<title id=\"\(titleID)\">\(HTMLEscaping.escape(title))</title>"
            + "<desc id=\"\(descriptionID)\">\(HTMLEscaping.escape(description))</desc>"
            + "<line class=\"views-chart-axis\" x1=\"0\" y1=\"\(Self.height)\" x2=\"\(width)\" y2=\"\(Self.height)\"></line>"
            + bars + "</svg>"
    }
}
