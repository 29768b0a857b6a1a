import Vapor

extension Console {
    /// Prints text that may hold what visitors typed (comments, searches, subjects, addresses):
    /// control characters other than line breaks and tabs are dropped, so nothing stored can
    /// move the cursor, retitle the terminal window or hide text (`PlainText`). Values in a
    /// line-per-record listing are made single lines with `PlainText.singleLine` first.
    func printPlain(_ text: String) {
        print(PlainText.withoutControlCharacters(text, keepingLineBreaks: true))
    }
}
