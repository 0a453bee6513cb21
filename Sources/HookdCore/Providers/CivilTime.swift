/// A proleptic Gregorian date and time of day in UTC, converted to and from epoch milliseconds
/// (Howard Hinnant's `days_from_civil` / `civil_from_days`), so no Foundation calendar is needed.
struct CivilTime: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0
    var millisecond = 0

    /// 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
    static let minimumMilliseconds: Int64 = -62_135_596_800_000
    static let maximumMilliseconds: Int64 = 253_402_300_799_999

    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second, self.millisecond) = (hour, minute, second, millisecond)
    }

    init(epochMilliseconds: Int64) {
        let (days, withinDay) = Self.floorDivide(epochMilliseconds, 86_400_000)
        (year, month, day) = Self.civil(fromDays: Int(days))
        let milliseconds = Int(withinDay)
        hour = milliseconds / 3_600_000
        minute = milliseconds / 60_000 % 60
        second = milliseconds / 1000 % 60
        millisecond = milliseconds % 1000
    }

    var epochMilliseconds: Int64 {
        let days = Int64(Self.days(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1000 + Int64(millisecond)
    }

    static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// Days since 1970-01-01.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}

extension CivilTime {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, written digit by digit (every log line and event has one).
    /// A year outside 0...9999 is written as it is, padded to four digits.
    var rfc3339: String {
        guard (0...9999).contains(year) else {
            let digits = String(year.magnitude)
            let text = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            return (year < 0 ? "-" : "") + text + String(CivilTime(year: 0, month: month, day: day, hour: hour, minute: minute,
                                                                   second: second, millisecond: millisecond).rfc3339.dropFirst(4))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `rfc3339`'s bytes to `bytes`, without a string in between for the years 0...9999.
    func appendRFC3339(to bytes: inout [UInt8]) {
        guard (0...9999).contains(year) else {
            bytes += rfc3339.utf8
            return
        }
        func append(_ value: Int, digits: Int, then separator: UInt8) {
            var divisor = digits == 4 ? 1000 : digits == 3 ? 100 : 10
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            bytes.append(separator)
        }
        append(year, digits: 4, then: UInt8(ascii: "-"))
        append(month, digits: 2, then: UInt8(ascii: "-"))
        append(day, digits: 2, then: UInt8(ascii: "T"))
        append(hour, digits: 2, then: UInt8(ascii: ":"))
        append(minute, digits: 2, then: UInt8(ascii: ":"))
        append(second, digits: 2, then: UInt8(ascii: "."))
        append(millisecond, digits: 3, then: UInt8(ascii: "Z"))
    }
}
