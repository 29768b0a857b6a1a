import Foundation

/// The searchable text of a guide's Markdown: headings apart (they weigh more than the body),
/// and the body without syntax. Images are dropped entirely: their alt texts describe
/// screenshots ("Sidhuvudet med knappen Logga in …") and would make every guide about buttons.
public enum MarkdownText {
    public struct Parts: Sendable, Hashable {
        public let headings: [String]
        public let body: String
    }

    public static func parts(of markdown: String) -> Parts {
        var headings: [String] = []
        var bodyLines: [String] = []
        for rawLine in markdown.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = Substring(rawLine).drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") {
                let text = line.drop { $0 == "#" }.drop { $0 == " " }
                headings.append(inlineText(String(text)))
                continue
            }
            // List markers and quotes; "1." would otherwise become the word "1".
            if line.hasPrefix(">") || line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") {
                line = line.dropFirst().drop { $0 == " " }
            } else if let dot = line.firstIndex(of: "."), dot != line.startIndex,
                      line[..<dot].allSatisfy(\.isASCII), line[..<dot].allSatisfy(\.isNumber) {
                line = line[line.index(after: dot)...].drop { $0 == " " }
            }
            bodyLines.append(inlineText(String(line)))
        }
        return Parts(headings: headings, body: bodyLines.filter { !$0.isEmpty }.joined(separator: "\n"))
    }

    /// A line without images, link targets, emphasis markers and HTML tags.
    static func inlineText(_ line: String) -> String {
        let characters = Array(line)
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "!", index + 1 < characters.count, characters[index + 1] == "[",
               let end = endOfLink(characters, openingBracket: index + 1) {
                index = end
            } else if character == "[", let close = characters[index...].firstIndex(of: "]"),
                      close + 1 < characters.count, characters[close + 1] == "(",
                      let end = endOfLink(characters, openingBracket: index) {
                result += String(characters[(index + 1)..<close])
                index = end
            } else if character == "<", let close = characters[index...].firstIndex(of: ">") {
                index = close + 1
            } else if character == "*" || character == "_" || character == "`" {
                index += 1
            } else {
                result.append(character)
                index += 1
            }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// The index after `[text](target)` starting at the bracket, or nil when it is not a link.
    private static func endOfLink(_ characters: [Character], openingBracket: Int) -> Int? {
        guard let close = characters[openingBracket...].firstIndex(of: "]"),
              close + 1 < characters.count, characters[close + 1] == "(",
              let end = characters[(close + 1)...].firstIndex(of: ")") else { return nil }
        return end + 1
    }
}

extension SearchDocument {
    /// A guide from its Markdown body: headings are taken out as their own field, the body is
    /// searched as plain text.
    public init(
        id: String,
        language: SearchLanguage,
        title: String,
        keywords: [String],
        markdown: String,
        views: Int = 0,
        yesVotes: Int = 0
    ) {
        let parts = MarkdownText.parts(of: markdown)
        self.init(
            id: id, language: language, title: title, keywords: keywords,
            headings: parts.headings, body: parts.body, views: views, yesVotes: yesVotes
        )
    }
}
