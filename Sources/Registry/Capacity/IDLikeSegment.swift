/// The mistake that floods a registry: something that varies per run or per worker (`run000123`, a date, a
/// hash) put into the group, which should name what the workers do, instead of into the worker id.
public enum IDLikeSegment {
    /// The first segment of `group` that looks like an id: all digits, a run of three or more digits, or a
    /// hexadecimal word of eight characters or more with digits and letters.
    public static func first(in group: String) -> Substring? {
        group.split(separator: ".").first(where: looksLikeID)
    }

    /// The advice given with a refused group whose segment looks like an id; `nil` when none does.
    public static func hint(for group: String) -> String? {
        guard let segment = first(in: group) else { return nil }
        return "the segment '\(EscapedText.escaped(String(segment)))' looks like an id or a number: put what varies in the worker id, not the group"
    }

    static func looksLikeID(_ segment: Substring) -> Bool {
        var digitRun = 0, longestRun = 0, digits = 0, hexLetters = 0, others = 0
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digitRun += 1
                digits += 1
                longestRun = max(longestRun, digitRun)
                continue
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                hexLetters += 1
            default:
                others += 1
            }
            digitRun = 0
        }
        if longestRun >= 3 || (digits > 0 && hexLetters == 0 && others == 0) { return true }
        return others == 0 && digits > 0 && hexLetters > 0 && digits + hexLetters >= 8
    }
}
