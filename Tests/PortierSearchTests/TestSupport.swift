import Foundation
@testable import PortierSearch

/// A Swedish guide with only the fields a test cares about.
func guide(
    _ id: String,
    title: String = "",
    keywords: [String] = [],
    headings: [String] = [],
    body: String = "",
    views: Int = 0,
    yesVotes: Int = 0,
    language: SearchLanguage = .swedish
) -> SearchDocument {
    SearchDocument(
        id: id, language: language, title: title, keywords: keywords, headings: headings, body: body,
        views: views, yesVotes: yesVotes
    )
}

func ids(_ hits: [SearchHit]) -> [String] {
    hits.map(\.id)
}

/// The repository root: the nearest folder above this file with `Resources/Guides`.
func repositoryRoot() -> URL? {
    if let root = ProcessInfo.processInfo.environment["PORTIER_ROOT"] {
        return URL(fileURLWithPath: root)
    }
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Resources/Guides").path) {
            return folder
        }
        folder.deleteLastPathComponent()
    }
    return nil
}
