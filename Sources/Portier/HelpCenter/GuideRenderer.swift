import Foundation
import Ink

/// Markdown → HTML once per content change, plus the plain text used for search and snippets.
struct GuideRenderer {
    struct Output {
        let html: String
        let text: String
        let summary: String
    }

    func render(_ source: GuideSource) -> Output {
        var html = MarkdownParser().html(from: source.markdown)
        // Relative image paths (`images/…`) point at the category's images, served as `SiteURL.guideImage`.
        let folder = GuideLibrary.imagesFolder + "/"
        let served = SiteURL.guideImage(language: .value(source.language.rawValue), category: .value(source.categorySlug), file: .value("")).path
        html = html.replacingOccurrences(of: "src=\"" + folder, with: "src=\"" + served)
        html = html.replacingOccurrences(of: "<img ", with: "<img loading=\"lazy\" ")
        let text = Self.plainText(fromHTML: html)
        let firstParagraph = html.components(separatedBy: "</p>").first.map(Self.plainText(fromHTML:)) ?? ""
        return Output(html: html, text: text, summary: String(firstParagraph.prefix(240)))
    }

    static func plainText(fromHTML html: String) -> String {
        var text = html.replacingOccurrences(of: #"<[^>]+>"#, with: " ", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression).trimmingCharacters(in: .whitespaces)
    }
}
