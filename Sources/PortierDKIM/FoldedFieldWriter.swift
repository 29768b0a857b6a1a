/// Lays out a header field over several lines, breaking only where the field's syntax allows
/// folding whitespace, so that each line stays within RFC 5322's recommended 78 characters
/// where the pieces allow it.
struct FoldedFieldWriter {
    static let lineLimit = 78

    private var finishedLines: [String] = []
    private var currentLine: String

    /// Starts the field with `Name:`.
    init(name: String) {
        currentLine = name + ":"
    }

    /// Adds `piece`, after a space when `spaced`, or directly otherwise; a piece that does
    /// not fit goes on a new continuation line (which starts with a space either way).
    mutating func append(_ piece: String, spaced: Bool = true) {
        let separator = spaced ? " " : ""
        if currentLine.utf8.count + separator.utf8.count + piece.utf8.count > Self.lineLimit,
           currentLine.utf8.count > 1 {
            finishedLines.append(currentLine)
            currentLine = " " + piece
        } else {
            currentLine += separator + piece
        }
    }

    /// Adds `pieces` (a list where folding whitespace may go between items) after a space,
    /// all on one line when they fit on one, otherwise filling lines and breaking between items.
    mutating func append(joined pieces: [String]) {
        let whole = pieces.joined()
        if whole.utf8.count + 1 <= Self.lineLimit {
            append(whole)
            return
        }
        for (index, piece) in pieces.enumerated() {
            append(piece, spaced: index == 0)
        }
    }

    /// Adds `prefix` and then `text` (base64, where folding whitespace may go anywhere),
    /// filling each line to the limit. At least a few characters of `text` stay on the
    /// prefix's line, so the value never starts with a line break.
    mutating func appendFilling(prefix: String, _ text: String) {
        let minimumFirstChunk = min(8, text.utf8.count)
        append(prefix + String(text.prefix(minimumFirstChunk)))
        var remaining = Substring(text.dropFirst(minimumFirstChunk))
        while !remaining.isEmpty {
            let room = Self.lineLimit - currentLine.utf8.count
            if room <= 0 {
                finishedLines.append(currentLine)
                currentLine = " "
                continue
            }
            currentLine += remaining.prefix(room)
            remaining = remaining.dropFirst(room)
        }
    }

    /// The lines joined by CRLF, without a final CRLF.
    var unterminatedText: String {
        (finishedLines + [currentLine]).joined(separator: "\r\n")
    }
}
