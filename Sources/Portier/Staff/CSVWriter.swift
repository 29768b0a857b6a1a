import Foundation

/// CSV as RFC 4180 writes it (comma-separated, CRLF between rows, a field quoted when it holds a
/// comma, a quote or a line break, quotes doubled), made safe to open in a spreadsheet: a text
/// field starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so it is
/// never read as a formula (OWASP "CSV injection"). Starts with a byte-order mark so spreadsheet
/// programs read the UTF-8 (å, ä, ö) right.
struct CSVWriter {
    private(set) var text = "\u{FEFF}"

    enum Cell {
        case text(String)
        case number(Int)
    }

    mutating func row(_ cells: [Cell]) {
        text += cells.map(Self.field).joined(separator: ",") + "\r\n"
    }

    static func field(_ cell: Cell) -> String {
        switch cell {
        case .number(let number):
            return String(number)
        case .text(let value):
            var value = value
            if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
                value = "'" + value
            }
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
