import Foundation
import Testing

@testable import wokmanager

@Suite("Settings reference")
struct SettingsReferenceTests {
    @Test("docs/configuration.md lists the settings as the table in the source does (else run `make docs`)")
    func documentationIsUpToDate() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: repository.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let begin = try #require(page.range(of: "<!-- settings:begin"), "the settings:begin marker is missing")
        let end = try #require(page.range(of: "<!-- settings:end", range: begin.upperBound..<page.endIndex), "the settings:end marker is missing")
        let afterBeginLine = try #require(page[begin.upperBound...].firstIndex(of: "\n"))
        let documented = String(page[page.index(after: afterBeginLine)..<end.lowerBound])
        #expect(documented == ServeSetting.reference, "docs/configuration.md is out of date: run `make docs`")
    }

    @Test("serve --help lists every setting with its variable and default")
    func helpListsEverySetting() {
        let help = Serve.helpMessage(columns: 10_000)
        for setting in ServeSetting.all {
            #expect(help.contains(setting.flag), "\(setting.flag)")
            #expect(help.contains("(\(setting.variable)"), "\(setting.variable)")
            #expect(help.contains("default: \(setting.defaultText))."), "\(setting.key)")
        }
    }

    @Test("every option of serve but --config (where the settings come from) is a setting of the table, declared as its kind says")
    func everyOptionIsASetting() {
        let help = Serve.helpMessage(columns: 10_000)
        #expect(help.contains("--config <file>") && help.contains("(WOKMANAGER_CONFIG; default: none)"))
        let usages = help.split(separator: "\n").compactMap { line -> (flag: String, value: String?)? in
            let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
            guard let flag = words.first, flag.hasPrefix("--"), !["--help", "--version", "--config"].contains(flag) else { return nil }
            return (flag, words.count > 1 && words[1].hasPrefix("<") ? words[1] : nil)
        }
        #expect(usages.map(\.flag) == ServeSetting.all.map(\.flag))
        for (usage, setting) in zip(usages, ServeSetting.all) {
            let value = setting.kind == .flag ? nil : "<\(setting.valueName ?? setting.flagName)>"
            #expect(usage.value == value, "\(setting.flag)")
        }
    }
}
